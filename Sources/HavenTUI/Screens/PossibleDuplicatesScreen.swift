import HavenCore

/// The cases that may be the person being registered, over the intake form after Ctrl-S:
/// Enter opens one (the form stays underneath), c confirms a different person and hands that
/// back to the form, which registers him; Esc goes back to the form.
public struct PossibleDuplicatesScreen: Screen {
    public enum Action: Sendable { case up, down, open, confirmNewPerson, backToForm }

    /// What this screen hands back to the form when the person is confirmed as new.
    public struct NewPersonConfirmed: Sendable, Equatable {}

    public let defector: Defector
    public let found: [PossibleDuplicate]
    public private(set) var selected = 0

    public init(defector: Defector, found: [PossibleDuplicate]) {
        self.defector = defector
        self.found = found
    }

    public var title: String { "Possible duplicates" }
    public var minimumSize: Size { Size(width: 60, height: 16) }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.enter], .open, label: "Open existing", help: "Open the selected case instead (the form stays here)"),
            KeyBinding([.character("c")], .confirmNewPerson, label: "New person", help: "Confirm this is a different person and register him"),
            KeyBinding([.down, .character("j")], .down, help: "Select the next possible duplicate"),
            KeyBinding([.up, .character("k")], .up, help: "Select the previous possible duplicate"),
            KeyBinding([.escape, .character("q")], .backToForm, label: "Back to form", help: "Go back to the form"),
        ])
    }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, found.count - 1), selected + 1)
        case .open:
            guard found.indices.contains(selected) else { return [] }
            return [.openCase(found[selected].summary.id)]
        case .confirmNewPerson: return [.backAnswering(NewPersonConfirmed())]
        case .backToForm: return [.back]
        }
        return []
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        canvas.put(" Possible duplicates of \(defector.cyrillicName.displayed) (\(defector.latinName.given) \(defector.latinName.family))",
                   x: area.x, y: area.y, width: area.width, style: .heading)
        canvas.put(" Born \(defector.birthDate?.description ?? "—"), unit \(defector.service.unit)", x: area.x, y: area.y + 1,
                   width: area.width, style: .muted)
        for (index, duplicate) in found.prefix(area.height - 4).enumerated() {
            let y = area.y + 3 + index
            let summary = duplicate.summary
            // The reasons are what the caseworker decides on: the name gives way first.
            let reasons = "same " + duplicate.reasons.map(\.rawValue).joined(separator: ", ")
            let nameWidth = max(6, min(26, area.width - 1 - 10 - 12 - DisplayWidth.of(reasons) - 1))
            let text = " \(summary.id) \(DisplayWidth.fit(summary.cyrillicName, to: nameWidth)) \(DisplayWidth.fit(summary.stage.title, to: 11)) "
                + reasons
            canvas.putListRow(text, x: area.x, y: y, width: area.width, style: .normal, selected: index == selected)
        }
    }
}
