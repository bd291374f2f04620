import HavenCore

/// The fields another session changed while this one changed them too, each with both values:
/// theirs (with who saved it and when) and yours. Nothing is settled for the person: t takes
/// theirs, m keeps yours, field by field; Enter hands the choices back to the form, which
/// then saves only when told to (Ctrl-S). Esc goes back undecided: the form keeps your values,
/// each clash marked ! with theirs beside it.
public struct ConflictScreen: Screen {
    public enum Action: Sendable { case up, down, takeTheirs, keepMine, done, later, read }
    public enum Side: Sendable, Equatable { case theirs, mine }

    /// One field changed on both sides.
    public struct Clash: Sendable, Equatable {
        public let id: String
        public let label: String
        public let theirs: String
        public let mine: String
        /// The values as the form shows them (a choice's title).
        public let theirsShown: String
        public let mineShown: String
    }

    /// What goes back to the form: the value chosen for each decided field, and those left.
    public struct Choices: Sendable, Equatable {
        public let values: [String: String]
        public let undecided: [String]
    }

    public let clashes: [Clash]
    public let savedBy: UserName
    public let savedAt: Timestamp
    public let what: String
    public private(set) var chosen: [String: Side] = [:]
    public private(set) var selected = 0

    public init(_ merge: FormMerge, mine: [String: String], theirs: [String: String], in form: Form,
                savedBy: UserName, savedAt: Timestamp, what: String) {
        // In the order the form shows them.
        let order = Dictionary(form.fieldIDs.enumerated().map { ($1, $0) }) { first, _ in first }
        clashes = merge.clashes.sorted { (order[$0] ?? .max, $0) < (order[$1] ?? .max, $1) }.map { id in
            let label = form.labels[id] ?? id
            return Clash(id: id, label: label, theirs: theirs[id] ?? "", mine: mine[id] ?? "",
                         theirsShown: form.shown(theirs[id] ?? "", of: id), mineShown: form.shown(mine[id] ?? "", of: id))
        }
        self.savedBy = savedBy
        self.savedAt = savedAt
        self.what = what
    }

    public var title: String { "Conflict" }
    public var minimumSize: Size { Size(width: 60, height: 16) }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.character("t"), .left], .takeTheirs, label: "Theirs", help: "Take the value the other session saved for this field"),
            KeyBinding([.character("m"), .right], .keepMine, label: "Mine", help: "Keep the value you typed for this field"),
            KeyBinding([.down, .character("j"), .tab], .down, label: "Next", help: "The next field changed on both sides"),
            KeyBinding([.up, .character("k"), .backTab], .up, help: "The previous field changed on both sides"),
            KeyBinding([.character("v"), .function(3)], .read, label: "Whole", help: "Read both values of this field whole"),
            KeyBinding([.enter, .control("s"), .function(2)], .done, label: "Done", help: "Back to the form with these choices (Ctrl-S there saves)"),
            KeyBinding([.escape, .character("q")], .later, label: "Later", help: "Back to the form undecided: your values stay, each marked ! with theirs"),
        ])
    }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(clashes.count - 1, selected + 1)
        case .takeTheirs, .keepMine:
            guard clashes.indices.contains(selected) else { return [] }
            chosen[clashes[selected].id] = action == .takeTheirs ? .theirs : .mine
            let undecided = clashes.filter { chosen[$0.id] == nil }.count
            if undecided == 0 { return [.status("Every field is chosen: Enter goes back to the form.", .info)] }
            if selected < clashes.count - 1 { selected += 1 }
            return [.status("\(undecided) field\(undecided == 1 ? "" : "s") still to choose.", .info)]
        case .done:
            let undecided = clashes.filter { chosen[$0.id] == nil }.map(\.label)
            guard undecided.isEmpty else {
                return [.status("Still to choose: \(undecided.joined(separator: ", ")). t takes theirs, m keeps yours; Esc decides later.", .warning)]
            }
            return [.backAnswering(answer)]
        case .later:
            return [.backAnswering(answer)]
        case .read:
            guard clashes.indices.contains(selected) else { return [] }
            let clash = clashes[selected]
            return [.push(TextViewScreen(title: clash.label, heading: "\(clash.label): both values",
                                         text: "Theirs (the case as \(savedBy) saved it, \(savedAt.minuteText) UTC):\n\(clash.theirsShown)\n\nYours:\n\(clash.mineShown)"))]
        }
        return []
    }

    var answer: Choices {
        var values: [String: String] = [:]
        for clash in clashes { if let side = chosen[clash.id] { values[clash.id] = side == .theirs ? clash.theirs : clash.mine } }
        return Choices(values: values, undecided: clashes.filter { chosen[$0.id] == nil }.map(\.id))
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        canvas.put(" \(what): \(clashes.count) field\(clashes.count == 1 ? "" : "s") changed here and by \(savedBy) meanwhile",
                   x: area.x, y: area.y, width: area.width, style: .heading)
        canvas.put(" Theirs: the case as \(savedBy) last saved it, \(savedAt.minuteText) UTC.",
                   x: area.x, y: area.y + 1, width: area.width, style: .muted)
        let rows = max(1, (area.height - 3) / 3)
        let first = max(0, min(selected - rows + 1, clashes.count - rows))
        let valueWidth = max(10, area.width - 14)
        for (offset, clash) in clashes.dropFirst(first).prefix(rows).enumerated() {
            let index = first + offset
            let y = area.y + 3 + offset * 3
            let choice = chosen[clash.id]
            let state = choice == .theirs ? "theirs taken" : choice == .mine ? "yours kept" : "to choose"
            canvas.putListRow(" \(clash.label) · \(state)", x: area.x, y: y, width: area.width, style: choice == nil ? .warning : .normal,
                              selected: index == selected)
            canvas.put("   theirs " + (choice == .theirs ? "▶ " : "  ") + DisplayWidth.fit(clash.theirsShown, to: valueWidth),
                       x: area.x, y: y + 1, width: area.width, style: choice == .theirs ? .heading : .normal)
            canvas.put("   yours  " + (choice == .mine ? "▶ " : "  ") + DisplayWidth.fit(clash.mineShown, to: valueWidth),
                       x: area.x, y: y + 2, width: area.width, style: choice == .mine ? .heading : .normal)
        }
    }
}

extension Form {
    /// Marks each field changed on both sides with what `savedBy` saved there, focuses the
    /// first, and returns the screen asking which to keep; nothing when nothing clashes. The
    /// one place an edit form and a form on a case ask about a conflict.
    mutating func askAbout(_ merge: FormMerge, mine: [String: String], theirs: [String: String], savedBy: UserName, savedAt: Timestamp,
                           what: String) -> [Command] {
        guard let first = merge.clashes.first else { return [] }
        for id in merge.clashes { messages[id] = ["\(savedBy) saved \"\(shown(theirs[id] ?? "", of: id))\" here."] }
        focus(on: first)
        return [.push(ConflictScreen(merge, mine: mine, theirs: theirs, in: self, savedBy: savedBy, savedAt: savedAt, what: what))]
    }

    /// Puts in the values chosen on the conflict screen; a field left undecided keeps this
    /// session's value and its mark. The status line says what Ctrl-S will save.
    mutating func take(_ choices: ConflictScreen.Choices, saving what: String) -> Command {
        restore(values.merging(choices.values) { $1 }, focus: focusedField.id)
        for id in choices.values.keys { messages[id] = nil }
        let left = choices.undecided.count
        return .status(left == 0 ? "Chosen. Ctrl-S saves \(what)." : "\(left) field\(left == 1 ? "" : "s") undecided: yours kept, marked !. Ctrl-S saves.",
                       left == 0 ? .info : .warning)
    }
}
