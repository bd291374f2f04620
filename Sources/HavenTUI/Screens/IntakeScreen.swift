import HavenCore

/// Registering a defector: the intake form. Tab, Shift-Tab, Up, Down and Enter move between
/// fields; Left, Right and Space change pick lists; Ctrl-S or F2 saves once every field is
/// right; Esc asks before throwing changes away.
public struct IntakeScreen: Screen {
    public enum Action: Sendable {
        case next, previous, save, close, confirmDiscard, keepEditing
    }

    public private(set) var form: Form
    public let reference: ReferenceData
    public let today: CalendarDate
    /// Esc was pressed on a changed form: y discards, n goes on.
    public private(set) var askingToDiscard = false
    var area = Rect(x: 0, y: 1, width: 80, height: 21)

    public init(reference: ReferenceData, today: CalendarDate, form: Form? = nil) {
        self.reference = reference
        self.today = today
        self.form = form ?? IntakeForm.make(reference: reference)
    }

    public var title: String { "Intake" }
    public var minimumSize: Size { Size(width: 60, height: 16) }
    /// A text field takes printable keys; so does the discard question, so that only y and n
    /// (and Esc) answer it and no stray q or ? does anything.
    public var capturesText: Bool { askingToDiscard || form.focusedField.takesText }

    public var keyTable: KeyTable<Action> {
        if askingToDiscard {
            return KeyTable([
                KeyBinding([.character("y")], .confirmDiscard, label: "Discard", help: "Throw the form away"),
                KeyBinding([.character("n"), .escape], .keepEditing, label: "Keep", help: "Go on with the form"),
            ])
        }
        return KeyTable([
            KeyBinding([.control("s"), .function(2)], .save, label: "Save", help: "Check every field and register the defector"),
            KeyBinding([.tab, .down, .enter], .next, label: "Next", help: "Next field"),
            KeyBinding([.backTab, .up], .previous, help: "Previous field"),
            KeyBinding([.escape], .close, label: "Close", help: "Close the form (asks first if anything was typed)"),
        ])
    }

    public mutating func prepare(for area: Rect) { self.area = area }

    public mutating func handle(_ action: Action) -> [Effect] {
        switch action {
        case .next: leaveField(); form.move(by: 1)
        case .previous: leaveField(); form.move(by: -1)
        case .save:
            leaveField()
            let (defector, issues) = IntakeForm.defector(from: form, today: today)
            guard issues.isEmpty else {
                form.show(issues)
                return [.status("\(issues.count) thing\(issues.count == 1 ? "" : "s") to fix, marked ! beside the field\(issues.count == 1 ? "" : "s").", .warning)]
            }
            return [.register(defector)]
        case .close:
            guard form.isDirty else { return [.back] }
            askingToDiscard = true
            return [.status("Throw away this unsaved form? y discards, n keeps it.", .warning)]
        case .confirmDiscard:
            return [.back]
        case .keepEditing:
            askingToDiscard = false
        }
        return []
    }

    /// Keys not in the table go to the focused field.
    public mutating func handleUnboundKey(_ key: Key) -> [Effect]? {
        guard !askingToDiscard else { return [] }
        let specialty = form.value("service.specialty")
        let consent = ["consent.publicity", "consent.shareWithHostCountry", "consent.communicationsWork"].map(form.value)
        guard form.handle(key) else { return nil }
        if form.value("service.specialty") != specialty {
            // The ISCO occupation follows the specialty's closest match.
            let suggested = reference.occupations.suggestedOccupations(for: form.value("service.specialty")).first?.code.rawValue ?? ""
            form["skills[0].occupation"]?.setChoice(value: suggested)
        }
        let consentNow = ["consent.publicity", "consent.shareWithHostCountry", "consent.communicationsWork"].map(form.value)
        if consentNow != consent, consentNow.contains("yes"), form.value("consent.recordedOn").isEmpty {
            form["consent.recordedOn"]?.setText(today.description)
        }
        return []
    }

    /// On leaving a Cyrillic name field, suggest its ICAO spelling if the Latin one is empty.
    mutating func leaveField() {
        let id = form.focusedField.id
        guard id.hasPrefix("cyrillicName.") else { return }
        let latinID = "latinName." + id.dropFirst("cyrillicName.".count)
        let cyrillic = form.value(id)
        if form.value(latinID).isEmpty, Transliteration.containsCyrillic(cyrillic) {
            form[latinID]?.setText(Transliteration.icao(cyrillic))
        }
    }

    public mutating func receive(_ reply: StoreReply) -> [Effect] {
        if case let .failed(message) = reply { return [.status(message, .error)] }
        return []
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        canvas.put(" Register a defector · \(form.fieldCount) fields · Ctrl-S saves", x: area.x, y: area.y, width: area.width, style: .heading)
        form.render(into: &canvas, area: Rect(x: area.x, y: area.y + 2, width: area.width, height: area.height - 2))
    }
}
