import HavenCore

/// Each caseworker's open cases by stage, how many are overdue (`StageTargets.daysLate`), and how many
/// of their proposals wait for review; busiest first. Enter opens that person's queue, where
/// cases can be marked and reassigned.
public struct WorkloadScreen: Screen {
    public enum Action: Sendable { case up, down, open }

    public private(set) var cases: [CaseSummary]
    public private(set) var users = UserDirectory()
    let context: SessionContext
    let index: CaseSearchIndex?
    public private(set) var selected = 0
    public private(set) var rows: [WorkloadRow] = []

    public init(cases: [CaseSummary], context: SessionContext, index: CaseSearchIndex? = nil) {
        self.cases = cases
        self.context = context
        self.index = index
        rows = compute()
    }

    public var title: String { "Workload" }
    public var minimumSize: Size { Size(width: 72, height: 12) }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.enter], .open, label: "Their cases", help: "Open the selected person's queue (mark with v, reassign with R)"),
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next person"),
            KeyBinding([.up, .character("k")], .up, help: "Previous person"),
        ])
    }

    func compute() -> [WorkloadRow] {
        Supervision.workload(cases, users: users, targets: context.reference?.stageTargets ?? StageTargets(days: [:]),
                             today: context.today)
    }

    /// Others' saves and reassignments, and a user added or given another role elsewhere.
    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        cases = summaries
        rows = compute()
        return [.query(.users)]
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        if case let .users(directory) = reply {
            users = directory
            rows = compute()
        }
        if case let .failed(message) = reply { return [.status(message, .error)] }
        return []
    }

    /// What it asks for when it opens.
    public mutating func start() -> [Command] { [.query(.users)] }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, rows.count - 1), selected + 1)
        case .open:
            guard rows.indices.contains(selected) else { return [] }
            let user = rows[selected].user
            return [.push(QueueScreen(cases: cases, context: context, caseworker: user, index: index))]
        }
        return []
    }

    static let stages = CaseStage.allCases.filter { $0 != .closed }

    public func render(into canvas: inout Canvas, area: Rect) {
        let active = rows.map(\.active).reduce(0, +)
        canvas.put(" Open cases per person: \(active) open, \(rows.map(\.overdue).reduce(0, +)) overdue",
                   x: area.x, y: area.y, width: area.width, style: .heading)
        // The figures keep their columns; below 80 the role goes, then the name gives way.
        let figures = (Self.stages.count + 3) * 6
        let showRole = area.width >= 80
        let nameWidth = max(8, area.width - 1 - (showRole ? 11 : 0) - figures - 1)
        func line(_ name: String, _ role: String, _ numbers: [String]) -> String {
            " " + DisplayWidth.fit(name, to: nameWidth) + " " + (showRole ? DisplayWidth.fit(role, to: 10) + " " : "")
                + numbers.map { String(repeating: " ", count: max(0, 6 - $0.count)) + $0 }.joined()
        }
        let header = line("Person", "Role", Self.stages.map { String($0.title.prefix(5)) } + [" Open", "  Late", " Wait"])
        canvas.put(header, x: area.x, y: area.y + 2, width: area.width, style: Style(.heading, bold: true, underline: true))
        let visible = area.height - 3
        let first = max(0, selected - visible + 1)
        for (offset, row) in rows.dropFirst(first).prefix(visible).enumerated() {
            let y = area.y + 3 + offset
            let isSelected = first + offset == selected
            let numbers = Self.stages.map { String(row.byStage[$0] ?? 0) } + [String(row.active), String(row.overdue), String(row.awaitingReview)]
            let text = line(row.user?.rawValue ?? "(unassigned)", row.role?.title ?? (row.user == nil ? "" : "no role"), numbers)
            canvas.putListRow(text, x: area.x, y: y, width: area.width, style: (row.overdue > 0 ? .overdue : .normal), selected: isSelected)
        }
    }
}
