import HavenCore

/// The reunification queue: every family member whose reunification is open, by the date the
/// next action is due, soonest (and overdue) first. A caseworker sees their own cases; a
/// supervisor everyone's, or only their own with `m`. Only the relationship, stage and next
/// action are listed, never where anyone is; Enter opens the family screen.
public struct ReunificationQueueScreen: Screen {
    public enum Action: Sendable { case up, down, pageUp, pageDown, open, toggleMine }

    let context: SessionContext
    public private(set) var onlyMine: Bool
    public private(set) var rows: [ReunificationItem] = []
    var summaries: [CaseSummary]
    public private(set) var selected = 0
    var pageRows = 17

    public init(cases: [CaseSummary], context: SessionContext) {
        self.context = context
        summaries = cases
        onlyMine = context.role == .caseworker
        rows = ReunificationItem.queue(cases, assignedTo: onlyMine ? context.user : nil)
    }

    public var title: String { "Reunification" }
    public var minimumSize: Size { Size(width: 60, height: 12) }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.enter], .open, label: "Family", help: "Open the family screen of the selected case"),
        ] + (context.role == .caseworker ? [] : [
            KeyBinding([.character("m")], .toggleMine, label: onlyMine ? "All" : "Mine", help: "Show only your cases, or everyone's"),
        ]) + [
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next member"),
            KeyBinding([.up, .character("k")], .up, help: "Previous member"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, help: "Next page"),
            KeyBinding([.pageUp, .character("b")], .pageUp, help: "Previous page"),
        ])
    }

    public mutating func prepare(for area: Rect, now: Timestamp) { pageRows = max(1, area.height - 4) }

    mutating func refill() {
        let current = rows.indices.contains(selected) ? (rows[selected].caseID, rows[selected].member.id) : nil
        rows = ReunificationItem.queue(summaries, assignedTo: onlyMine ? context.user : nil)
        selected = current.flatMap { key in rows.firstIndex { ($0.caseID, $0.member.id) == key } } ?? min(selected, max(0, rows.count - 1))
    }

    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        self.summaries = summaries
        refill()
        return []
    }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, rows.count - 1), selected + 1)
        case .pageUp: selected = max(0, selected - pageRows)
        case .pageDown: selected = min(max(0, rows.count - 1), selected + pageRows)
        case .open:
            guard rows.indices.contains(selected) else { return [.status("No reunification is open.", .info)] }
            return [.openFamily(rows[selected].caseID)]
        case .toggleMine:
            onlyMine.toggle()
            refill()
        }
        return []
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let overdue = rows.filter { $0.isOverdue(on: context.today) }.count
        canvas.put(" Reunification, by next action due: \(rows.count) open\(overdue > 0 ? ", \(overdue) overdue" : "")"
                   + (onlyMine ? " · your cases" : " · all cases"), x: area.x, y: area.y, width: area.width, style: .heading)
        let nameWidth = max(8, min(24, (area.width - 50) / 2))
        let actionWidth = max(6, area.width - 1 - 12 - 10 - nameWidth - 9 - 19 - 5)
        func line(_ cells: [String]) -> String {
            " " + DisplayWidth.fit(cells[0], to: 11) + " " + DisplayWidth.fit(cells[1], to: 9) + " " + DisplayWidth.fit(cells[2], to: nameWidth)
                + " " + DisplayWidth.fit(cells[3], to: 8) + " " + DisplayWidth.fit(cells[4], to: 18) + " " + DisplayWidth.fit(cells[5], to: actionWidth)
        }
        canvas.put(line(["Due", "Case", "Name", "Who", "Stage", "Next action"]), x: area.x, y: area.y + 2, width: area.width,
                   style: Style(.heading, bold: true, underline: true))
        guard !rows.isEmpty else {
            canvas.put(" No reunification is open" + (onlyMine ? " on your cases." : "."), x: area.x, y: area.y + 3, width: area.width, style: .muted)
            return
        }
        // The last row spells out the selected member's next action, which the column cuts.
        let visible = area.height - 4
        let first = max(0, selected - visible + 1)
        if rows.indices.contains(selected) {
            let item = rows[selected]
            let due = item.member.due.map { date -> String in
                let days = date.days(until: context.today)
                return days > 0 ? ", due \(date): \(days) day\(days == 1 ? "" : "s") overdue" : ", due \(date)"
            } ?? ""
            canvas.put(" \(item.caseID) \(item.member.relationship.title.lowercased()): \(item.member.nextAction ?? "no next action")\(due)",
                       x: area.x, y: area.maxY - 1, width: area.width, style: .muted)
        }
        for (offset, item) in rows.dropFirst(first).prefix(visible).enumerated() {
            let y = area.y + 3 + offset
            let isSelected = first + offset == selected
            let late = item.isOverdue(on: context.today)
            let due = item.member.due.map { (late ? "!" : "") + $0.description } ?? "—"
            let text = line([due, item.caseID.rawValue, item.caseName, item.member.relationship.title, item.member.stage.title,
                             item.member.nextAction ?? ""])
            canvas.putListRow(text, x: area.x, y: y, width: area.width, style: late ? .overdue : .normal, selected: isSelected)
        }
    }
}

/// The publicity queue: cases whose consent to publicity is in force, waiting stories first,
/// then approved ones. A withdrawn consent leaves the list at the next change. `a` approves
/// (with a reason when family is at high risk), `u` declines with a comment.
public struct PublicityQueueScreen: Screen {
    public enum Action: Sendable { case up, down, open, approve, decline }

    let context: SessionContext
    public private(set) var rows: [CaseSummary]
    public private(set) var selected = 0

    public init(cases: [CaseSummary], context: SessionContext) {
        self.context = context
        rows = Self.queue(cases)
    }

    /// Consent in force; waiting first, then approved, each oldest consent first.
    static func queue(_ summaries: [CaseSummary]) -> [CaseSummary] {
        summaries.filter { $0.publicity?.isInQueue == true && $0.stage != .closed }.sorted { a, b in
            let x = a.publicity!, y = b.publicity!
            return (x.verdict == nil ? 0 : 1, x.consentGiven, a.id) < (y.verdict == nil ? 0 : 1, y.consentGiven, b.id)
        }
    }

    public var title: String { "Publicity" }
    public var minimumSize: Size { Size(width: 60, height: 12) }

    public var keyTable: KeyTable<Action> {
        return KeyTable([
            KeyBinding([.enter], .open, label: "Open", help: "Open the case to read the consent and the story"),
        ] + (context.may(.approvePublicity) ? [
            KeyBinding([.character("a")], .approve, label: "Approve", help: "Read the story whole and what the export will say, then approve it there"),
            KeyBinding([.character("u")], .decline, label: "Decline", help: "Decline the story with a comment"),
        ] : []) + [
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next case"),
            KeyBinding([.up, .character("k")], .up, help: "Previous case"),
        ])
    }

    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        let current = rows.indices.contains(selected) ? rows[selected].id : nil
        rows = Self.queue(summaries)
        selected = current.flatMap { id in rows.firstIndex { $0.id == id } } ?? min(selected, max(0, rows.count - 1))
        return []
    }

    static func highRisk(_ summary: CaseSummary) -> Bool { summary.family.contains { $0.highRisk == true && !$0.stage.isFinal } }

    public mutating func handle(_ action: Action) -> [Command] {
        let current = rows.indices.contains(selected) ? rows[selected] : nil
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, rows.count - 1), selected + 1)
        case .open:
            guard let current else { return [.status("No case has consent in force.", .info)] }
            return [.openCase(current.id)]
        case .approve:
            guard let current, current.publicity?.verdict == nil else { return [.status("Choose a story waiting for approval.", .info)] }
            // Never approved unread: the story opens whole, and is approved from there.
            return StoryReviewScreen.open(current.id, context: context)
        case .decline:
            guard let current, current.publicity?.verdict == nil else { return [.status("Choose a story waiting for approval.", .info)] }
            return [.push(Self.declineForm(current.id, seen: ProposalSeen(storyIn: current)))]
        }
        return []
    }

    static func overrideForm(_ id: CaseID, seen: ProposalSeen?) -> FormScreen {
        CaseActions.reasonForm(id, key: "story.approve", seen: seen, title: "Approve", heading: "Approve the story of \(id) despite the risk · Ctrl-S approves",
                               section: "A family member is at high risk", label: "Why approve",
                               hint: "why telling this story does not endanger them", missing: "Family at high risk: say why it may still be told.", change: "Approve the story") { record, actor, time, reason in
            try Workflow.approvePublicity(on: record, seen: seen, overrideReason: reason, by: actor, at: time)
        }
    }

    static func declineForm(_ id: CaseID, seen: ProposalSeen?) -> FormScreen {
        CaseActions.reasonForm(id, key: "story.decline", seen: seen, title: "Decline", heading: "Decline the story of \(id) with a comment", section: "Decline the story",
                               field: "comment", label: "Comment", hint: "why, for the caseworker", missing: "Say why the story is declined.", change: "Decline the story") { record, actor, time, comment in
            try Workflow.declinePublicity(on: record, seen: seen, comment: comment, by: actor, at: time)
        }
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        switch reply {
        case let .updated(saved, refused):
            if let (id, reason) = refused.first { return [.status("\(id): \(reason)", .error)] }
            return [.status("Saved the review of the story of \(saved.map(\.rawValue).joined(separator: ", ")).", .info)]
        case let .failed(message):
            return [.status(message, .error)]
        default:
            return []
        }
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let waiting = rows.filter { $0.publicity?.verdict == nil }.count
        canvas.put(" Publicity: \(rows.count) with consent in force, \(waiting) waiting for approval", x: area.x, y: area.y,
                   width: area.width, style: .heading)
        let nameWidth = max(8, area.width - 1 - 10 - 11 - 12 - 11 - 4)
        func line(_ cells: [String]) -> String {
            " " + DisplayWidth.fit(cells[0], to: 9) + " " + DisplayWidth.fit(cells[1], to: nameWidth) + " " + DisplayWidth.fit(cells[2], to: 10)
                + " " + DisplayWidth.fit(cells[3], to: 11) + " " + DisplayWidth.fit(cells[4], to: 11)
        }
        canvas.put(line(["Case", "Name", "Consent", "Status", "Family"]), x: area.x, y: area.y + 2, width: area.width,
                   style: Style(.heading, bold: true, underline: true))
        guard !rows.isEmpty else {
            canvas.put(" No case has consent to publicity in force.", x: area.x, y: area.y + 3, width: area.width, style: .muted)
            return
        }
        let visible = area.height - 3
        let first = max(0, selected - visible + 1)
        for (offset, summary) in rows.dropFirst(first).prefix(visible).enumerated() {
            let y = area.y + 3 + offset
            let isSelected = first + offset == selected
            let p = summary.publicity!
            let status = switch p.verdict { case .approved?: "approved"; case .returned?: "declined"; case nil: "waiting" }
            let text = line([summary.id.rawValue, summary.cyrillicName, p.consentGiven.description, status,
                             Self.highRisk(summary) ? "! high risk" : ""])
            canvas.putListRow(text, x: area.x, y: y, width: area.width, style: Self.highRisk(summary) ? .overdue : .normal, selected: isSelected)
        }
    }
}
