/// The keys every form shares beyond moving and saving: reading the focused value whole (F3,
/// Ctrl-O) and going to a field by its label's letter or a section's number (Ctrl-G). One
/// table, so the intake form and the small forms offer and explain them alike.
enum FormKeys {
    static func bindings<Action: Sendable>(viewWhole: Action, goTo: Action) -> [KeyBinding<Action>] {
        [
            KeyBinding([.function(3), .control("o")], viewWhole, label: "Whole", help: "Read the focused field's value whole, wrapped"),
            KeyBinding([.control("g")], goTo, label: "Go to",
                       help: "Go to a field: then its label's first letter (again for the next), or a section's number"),
        ]
    }

    /// Why `text` is not a date: a day that does not exist when it is written as one ("1999-02-30"
    /// was told to be written as YYYY-MM-DD, which it was: a walk), else how to write one.
    static func notADate(_ text: String, example: Bool = false) -> String {
        let shaped = text.count == 10 && text.enumerated().allSatisfy { index, character in
            index == 4 || index == 7 ? character == "-" : character.isASCII && character.isNumber
        }
        if shaped { return "'\(text)': there is no such day." }
        return "'\(text)' is not a date; write it as YYYY-MM-DD" + (example ? ", for example 1998-03-14." : ".")
    }

    /// For a form whose refusal is "Write the date as YYYY-MM-DD.": that, unless the text is
    /// written so and the day does not exist (2027-02-30), which is said instead.
    static func dateMessage(_ text: String) -> String {
        let message = notADate(text.trimmingCharacters(in: .whitespaces))
        return message.hasSuffix("there is no such day.") ? message : "Write the date as YYYY-MM-DD."
    }

    /// The focused field's value in a scrollable, wrapping view.
    static func viewWhole(_ form: Form) -> Command {
        let field = form.focusedField
        let text = field.takesText ? field.value : field.options.first { $0.value == field.value }?.title ?? field.value
        return .push(TextViewScreen(title: field.label, heading: field.label.trimmingCharacters(in: .whitespaces), text: text.isEmpty ? "(empty)" : text))
    }

    /// After a letter on a choice field: what it now says, and that it takes no text. Typing a
    /// sentence into a choice field picked one option per letter and changed the crossing
    /// method unseen (the walk of issue 22); each letter now says what it chose.
    static func choiceStatus(_ form: Form, after key: Key) -> [Command] {
        let field = form.focusedField
        // A date field takes a key it filters out (the key was not refused by the form).
        if case .date = field.kind, let refused = notTaken(form, key) { return refused }
        if field.takesText, field.editor.refusedForLength { return field.editor.said(as: field.label.trimmingCharacters(in: .whitespaces)) }
        // A letter or digit typed: what it picked (Space and punctuation are not taken by a
        // choice, and `notTaken` has said so above).
        guard !field.takesText, case .choice = field.kind, key.typedCharacter != nil else { return [] }
        let title = field.options.first { $0.value == field.value }?.title ?? field.value
        return [.status("\(field.label.trimmingCharacters(in: .whitespaces)) is now \(title) (letters pick options here).", .warning)]
    }

    /// A character a date field does not take, said, not dropped unseen (from a walk:
    /// "; вылет в 06:40" typed into "Arrived on" left "0640"; "Псков" into a birth date
    /// vanished); nil for any other key or field. Whether the field let the key in or not.
    static func notTaken(_ form: Form, _ key: Key) -> [Command]? {
        let field = form.focusedField
        if case .choice = field.kind, let character = key.typedCharacter {
            let label = field.label.trimmingCharacters(in: .whitespaces)
            // A letter or digit not taken is one no option starts with.
            if character.isLetter || character.isNumber { return [.status("\(label): no option starts with \"\(character)\" (Left/Right, or its first letters).", .warning)] }
            let shown = character == " " ? "Space" : "\"\(character)\""
            return [.status("\(label) is a choice (Left/Right or its first letters): \(shown) is not taken.", .warning)]
        }
        guard case .date = field.kind, let character = key.typedCharacter, !(character.isNumber || character == "-") else { return nil }
        return [.status("\(field.label.trimmingCharacters(in: .whitespaces)) is a date, YYYY-MM-DD: \"\(character)\" is not taken.", .warning)]
    }

    static var goToPrompt: Command { .status("Go to which field? Its label's first letter, or a section's number.", .info) }
    static var goToCancelled: Command { .status("Stayed on this field.", .info) }

    /// The key after Ctrl-G: the field it picks, or a message when none.
    static func jump(_ form: inout Form, _ key: Key) -> [Command] {
        guard let character = key.typedCharacter else { return [] }
        return form.jump(to: character) ? [] : [.status("No field starts with \(character).", .warning)]
    }
}
