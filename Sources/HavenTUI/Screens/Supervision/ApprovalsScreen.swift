import HavenCore

/// The supervisor's approvals queue: proposed decisions and allocations waiting for a second
/// person, oldest first, with who proposed what and how long it has waited. `a` approves
/// (after y), `u` returns with a comment, `x` overrides an allocation to another country with
/// a reason, Enter opens the case to read it (and an allocation's explanation) first. A supervisor's own
/// proposals are listed but marked, and the workflow refuses to let them approve those.
public struct ApprovalsScreen: Screen {
    public enum Action: Sendable { case up, down, pageUp, pageDown, open, approve, returnProposal, overrideAllocation, confirm, cancel }

    public private(set) var rows: [CaseSummary]
    let context: SessionContext
    public private(set) var selected = 0
    var review: ProposalReview
    public var confirming: CaseID? { review.confirming }
    var pageRows = 17

    public init(cases: [CaseSummary], context: SessionContext) {
        self.context = context
        review = ProposalReview(user: context.user)
        rows = Supervision.approvals(cases)
    }

    public var title: String { "Approvals" }
    public var minimumSize: Size { Size(width: 60, height: 12) }

    var canReview: Bool { context.may(.reviewDecision) || context.may(.approveAllocation) }

    public var keyTable: KeyTable<Action> {
        if confirming != nil {
            return KeyTable(KeyBinding.yesNo(.confirm, "Approve", "Approve the proposal", no: .cancel, "Cancel", "Do not approve"))
        }
        return KeyTable([
            KeyBinding([.enter], .open, label: "Open", help: "Open the case to read the proposal and the screening"),
        ] + (canReview ? [
            KeyBinding([.character("a")], .approve, label: "Approve", help: "Approve the selected proposal (asks first; not your own)"),
            KeyBinding([.character("u")], .returnProposal, label: "Return", help: "Return the selected proposal with a comment"),
            KeyBinding([.character("x")], .overrideAllocation, label: "Override",
                       help: "Approve the selected allocation into another country, with the reason"),
        ] : []) + [
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next proposal"),
            KeyBinding([.up, .character("k")], .up, help: "Previous proposal"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, help: "Next page"),
            KeyBinding([.pageUp, .character("b")], .pageUp, help: "Previous page"),
        ])
    }

    public mutating func prepare(for area: Rect, now: Timestamp) { pageRows = max(1, area.height - 3) }

    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        let current = rows.indices.contains(selected) ? rows[selected].id : nil
        rows = Supervision.approvals(summaries)
        selected = current.flatMap { id in rows.firstIndex { $0.id == id } } ?? min(selected, max(0, rows.count - 1))
        return []
    }

    public mutating func handle(_ action: Action) -> [Command] {
        let current = rows.indices.contains(selected) ? rows[selected] : nil
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, rows.count - 1), selected + 1)
        case .pageUp: selected = max(0, selected - pageRows)
        case .pageDown: selected = min(max(0, rows.count - 1), selected + pageRows)
        case .open:
            guard let current else { return [.status("Nothing is waiting for approval.", .info)] }
            // On what is to be approved, not on the person.
            let section: CaseSection = if case .allocation? = current.pendingApproval?.kind { .allocation } else { .decision }
            return [.openCase(current.id, at: section)]
        case .approve: return review.approve(current)
        case .confirm: return review.confirm(in: rows)
        case .cancel: return review.cancel()
        case .returnProposal: return review.returnProposal(current)
        case .overrideAllocation: return review.overrideAllocation(current, countries: context.reference?.countries ?? [])
        }
        return []
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        ProposalReview.outcome(reply) ?? []
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        canvas.put(" Decisions and allocations awaiting approval: \(rows.count)", x: area.x, y: area.y, width: area.width, style: .heading)
        // Below 70 columns the date goes first; the days waiting stay.
        let showDate = area.width >= 70
        let nameWidth = max(6, area.width - 1 - 10 - 18 - 11 - (showDate ? 11 : 0) - 5 - 1)
        func line(_ cells: [String]) -> String {
            " " + DisplayWidth.fit(cells[0], to: 9) + " " + DisplayWidth.fit(cells[1], to: nameWidth) + " "
                + DisplayWidth.fit(cells[2], to: 17) + " " + DisplayWidth.fit(cells[3], to: 10) + " "
                + (showDate ? DisplayWidth.fit(cells[4], to: 10) + " " : "") + DisplayWidth.fit(cells[5], to: 5)
        }
        canvas.put(line(["Case", "Name", "Proposal", "By", "On", "Days"]), x: area.x, y: area.y + 2, width: area.width,
                   style: Style(.heading, bold: true, underline: true))
        guard !rows.isEmpty else {
            canvas.put(" Nothing is waiting for approval.", x: area.x, y: area.y + 3, width: area.width, style: .muted)
            return
        }
        let visible = area.height - 3
        let first = max(0, selected - visible + 1)
        for (offset, summary) in rows.dropFirst(first).prefix(visible).enumerated() {
            guard let pending = summary.pendingApproval else { continue }
            let y = area.y + 3 + offset
            let isSelected = first + offset == selected
            let mine = pending.proposedBy == context.user
            let text = line([summary.id.rawValue, summary.cyrillicName, pending.kind.title,
                             pending.proposedBy.rawValue + (mine ? " (you)" : ""), pending.proposedAt.date.description,
                             String(max(0, pending.proposedAt.date.days(until: context.today)))])
            canvas.putListRow(text, x: area.x, y: y, width: area.width, style: (mine ? .muted : .normal), selected: isSelected)
        }
    }
}
