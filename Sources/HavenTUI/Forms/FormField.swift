import HavenCore

/// One choice of a pick list: the value stored and the title shown.
public struct FormOption: Hashable, Sendable {
    public let value: String
    public let title: String

    public init(_ value: String, _ title: String) {
        self.value = value
        self.title = title
    }
}

/// A field of a form: text, a date typed with its format shown, a pick list, or yes/no.
/// Its `id` is the field path validation uses (`cyrillicName.family`), so a message lands
/// beside the field it concerns.
public struct FormField: Sendable {
    public enum Kind: Sendable {
        case text(maximumLength: Int)
        case date
        case choice([FormOption])
        case toggle
    }

    public let id: String
    public let label: String
    public let kind: Kind
    /// Shown after an empty field: the expected format, or what to write.
    public let hint: String
    public var editor: TextField
    public var choice: Int
    public var isOn: Bool
    /// A number (a quota, seats): drawn as wide as its longest value with its hint beside it,
    /// and, as in a spreadsheet's cell, the first character typed after the field is reached
    /// replaces the value shown (29 then 1 is 1, not 291); an editing key first keeps it.
    public let isNumber: Bool
    /// The letters typed one after another on a choice field: the prefix its options are
    /// matched with. Any other key, or reaching the field again, starts it afresh.
    public var typeAhead = ""

    public init(_ id: String, _ label: String, _ kind: Kind, hint: String = "", value: String = "", number: Bool = false) {
        self.id = id
        self.label = label
        self.kind = kind
        self.hint = hint
        isNumber = number
        if case let .text(maximumLength) = kind {
            editor = TextField(text: value, maximumLength: maximumLength)
        } else {
            editor = TextField(text: value, maximumLength: 10)
        }
        choice = 0
        isOn = value == "yes"
        if case let .choice(options) = kind { choice = options.firstIndex { $0.value == value } ?? 0 }
    }

    /// The field's value as text: what was typed, the chosen option's value, or yes/no.
    public var value: String {
        switch kind {
        case .text, .date: editor.text
        case let .choice(options): options.isEmpty ? "" : options[choice].value
        case .toggle: isOn ? "yes" : "no"
        }
    }

    public var options: [FormOption] {
        if case let .choice(options) = kind { return options }
        return []
    }

    public var takesText: Bool {
        switch kind {
        case .text, .date: true
        default: false
        }
    }

    /// What a key does on a choice or yes/no field.
    public enum ChoiceEdit: Sendable { case next, previous, yes, no }

    /// The keys of choice and yes/no fields, as data for `handle` and the help screen (a
    /// letter also jumps to the next option starting with it).
    public static let choiceKeys = KeyTable<ChoiceEdit>([
        KeyBinding([.right, .character(" ")], .next, help: "Next option (Space: on a yes/no field only); on a yes/no field, switch it"),
        KeyBinding([.left], .previous, help: "Previous option; on a yes/no field, switch it"),
        KeyBinding([.character("y")], .yes, help: "Yes, on a yes/no field (on a choice, a letter jumps to the next option starting with it)"),
        KeyBinding([.character("n")], .no, help: "No, on a yes/no field"),
    ])

    /// A key for this field: text editing, or Left/Right/Space to change a choice or toggle.
    /// Returns whether the field took it.
    public mutating func handle(_ key: Key) -> Bool {
        switch kind {
        case .text:
            return editor.handle(key)
        case .date:
            if let character = key.typedCharacter, !(character.isNumber || character == "-") { return true }
            // Typing over a whole date (a filled-in today) starts a new one, rather than being
            // refused without a word and leaving the old date to be saved.
            if let character = key.typedCharacter, editor.text.count >= 10, editor.cursor == editor.text.count {
                editor = TextField(text: String(character), maximumLength: 10)
                return true
            }
            return editor.handle(key)
        case let .choice(options):
            guard !options.isEmpty else { return false }
            // Only letters and digits pick: a space or a mark is text meant for another field
            // (a walk typed " Риск уточнён: …" on Decision, and each space moved it on, Grant to
            // Refuse, saved). Said by the form (`FormKeys.notTaken`).
            if let character = key.typedCharacter, !(character.isLetter || character.isNumber) { return false }
            let typed = typeAhead
            typeAhead = ""
            switch (Self.choiceKeys.action(for: key), key) {
            case (.next?, _): choice = (choice + 1) % options.count
            case (.previous?, _): choice = (choice + options.count - 1) % options.count
            case let (_, .character(letter)):
                // Letters typed one after another are one prefix ("de" is Germany, not D then
                // E's Spain: the walk saved an override to the wrong country); a letter that
                // matches nothing with them starts again, and jumps to the next option with a
                // word starting with it ("u" finds "GB United Kingdom" as well as "US United States").
                func matches(_ index: Int, _ prefix: String) -> Bool {
                    options[index].title.lowercased().split(whereSeparator: { $0 == " " || $0 == "(" }).contains { $0.hasPrefix(prefix) }
                }
                let longer = typed + letter.lowercased()
                let order = (1...options.count).map { (choice + $0) % options.count }
                if !typed.isEmpty, let next = ([choice] + order).first(where: { matches($0, longer) }) {
                    choice = next
                    typeAhead = longer
                } else if let next = order.first(where: { matches($0, letter.lowercased()) }) {
                    choice = next
                    typeAhead = letter.lowercased()
                } else {
                    // No option starts with it (a Cyrillic letter on Latin options): not taken,
                    // said as such, not as "now Refuse" with nothing changed (a walk).
                    return false
                }
            default: return false
            }
            return true
        case .toggle:
            switch Self.choiceKeys.action(for: key) {
            case .yes?: isOn = true
            case .no?: isOn = false
            case .next?, .previous?: isOn.toggle()
            case nil: return false
            }
            return true
        }
    }

    /// Sets the text of a text or date field (a suggestion such as the ICAO spelling).
    public mutating func setText(_ text: String) {
        editor = TextField(text: text, maximumLength: editor.maximumLength)
    }

    public mutating func setChoice(value: String) {
        if let index = options.firstIndex(where: { $0.value == value }) { choice = index }
    }
}

extension FormOption {
    /// The options of a pick list from a `Choice` enumeration.
    public static func all<T: Choice>(_ type: T.Type) -> [FormOption] {
        T.allCases.map { FormOption($0.rawValue, $0.title) }
    }
}
