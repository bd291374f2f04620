import HavenCore

/// Retention and erasure (issue 24), for supervisors and administrators: the erasures proposed
/// and waiting for a second person, then the closed cases the schedule makes due. `p`
/// proposes (the selected due case, or any closed case on the person's request), `a` approves
/// another person's proposal (typing the case number), which erases the case; `w` withdraws a
/// proposal; Enter opens the case.
public struct RetentionScreen: Screen {
    public enum Action: Sendable { case up, down, pageUp, pageDown, open, propose, approve, withdraw }

    /// One row: a proposal waiting, or a case due and not yet proposed.
    public enum Row: Hashable, Sendable {
        /// Erased, but its last steps did not run: `a` finishes it.
        case unfinished(CaseID)
        case proposal(ErasureProposal)
        case due(RetentionSchedule.Due)

        public var caseID: CaseID {
            switch self {
            case let .unfinished(id): id
            case let .proposal(proposal): proposal.caseID
            case let .due(due): due.caseID
            }
        }
    }

    /// What the store answered: the rows, in order, and how each case was closed (for the
    /// lines under the list: the approver sees what they approve).
    struct Read: Sendable {
        var rows: [Row]
        var closed: [CaseID: String] = [:]
        /// Every due case, proposed or not (what a later read may keep).
        var due: [RetentionSchedule.Due] = []
    }

    public private(set) var rows: [Row] = []
    /// Every due case at the last full read, proposed or not.
    var dueCases: [RetentionSchedule.Due] = []
    var closed: [CaseID: String] = [:]
    public private(set) var selected = 0
    public private(set) var loaded = false
    let context: SessionContext
    var pageRows = 17

    public init(context: SessionContext) {
        self.context = context
    }

    public var title: String { "Retention" }
    public var minimumSize: Size { Size(width: 60, height: 12) }
    var schedule: RetentionSchedule { context.reference?.retention ?? .standard }
    var current: Row? { rows.indices.contains(selected) ? rows[selected] : nil }
    var isProposal: Bool { if case .proposal? = current { true } else { false } }
    var isUnfinished: Bool { if case .unfinished? = current { true } else { false } }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.enter], .open, label: "Open", help: "Open the selected case"),
            KeyBinding([.character("p")], .propose, label: "Propose", help: "Propose erasing the selected due case, or any closed case on the person's request"),
            KeyBinding([.character("a")], .approve, label: isUnfinished ? "Finish" : "Approve",
                       help: "Approve another person's proposal: erases the case (or finish an erasure left unfinished)",
                       disabled: isProposal || isUnfinished ? nil : "Select a proposal (the rows at the top) first."),
            KeyBinding([.character("w")], .withdraw, label: "Withdraw", help: "Withdraw the selected proposal", disabled: isProposal ? nil : "Select a proposal (the rows at the top) first."),
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next row"),
            KeyBinding([.up, .character("k")], .up, help: "Previous row"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, help: "Next page"),
            KeyBinding([.pageUp, .character("b")], .pageUp, help: "Previous page"),
        ])
    }

    public mutating func prepare(for area: Rect, now: Timestamp) { pageRows = max(1, area.height - 3) }

    public mutating func start() -> [Command] { [.run(ReadRetention(schedule: schedule))] }

    /// Another session's save: the proposals are read again (small), the due list only when
    /// the closed cases changed, since it reads the closure of every long-closed case.
    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        let closed = summaries.count { $0.stage == .closed && !$0.isErased }
        defer { closedCount = closed }
        guard closed == closedCount else { return [.run(ReadRetention(schedule: schedule))] }
        return [.run(ReadRetention(schedule: schedule, keepingDue: dueCases))]
    }

    /// The closed cases not erased at the last full read (nil before it).
    var closedCount: Int?

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, rows.count - 1), selected + 1)
        case .pageUp: selected = max(0, selected - pageRows)
        case .pageDown: selected = min(max(0, rows.count - 1), selected + pageRows)
        case .open:
            guard let id = current?.caseID else { return [] }
            return [.openCase(id)]
        case .propose:
            // On a due row, that case under its rule; elsewhere a case typed (on request).
            var due: RetentionSchedule.Due?
            if case let .due(row)? = current { due = row }
            return [.push(Self.proposeForm(due: due, schedule: schedule, context: context))]
        case .approve:
            if case let .unfinished(id)? = current { return [.startJob(EraseJob(id: id, schedule: schedule))] }
            guard case let .proposal(proposal)? = current else { return [.status("Select a proposal to approve.", .info)] }
            guard proposal.proposedBy != context.user else {
                return [.status("\(proposal.caseID): you proposed it; another supervisor or administrator approves.", .error)]
            }
            return [.push(Self.approveForm(proposal, schedule: schedule))]
        case .withdraw:
            guard case let .proposal(proposal)? = current else { return [.status("Select a proposal to withdraw.", .info)] }
            return [.run(WithdrawErasure(id: proposal.caseID))]
        }
        return []
    }

    public mutating func receive(_ message: any Sendable) -> [Command] {
        if let read = message as? Read {
            let keep = current?.caseID
            rows = read.rows
            closed = read.closed
            dueCases = read.due
            loaded = true
            selected = keep.flatMap { id in rows.firstIndex { $0.caseID == id } } ?? min(selected, max(0, rows.count - 1))
            return []
        }
        if let reply = message as? StoreReply { return receive(reply: reply) }
        return []
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        if case let .failed(message) = reply { return [.status(message, .error)] }
        return []
    }

    /// The proposal form: the case (the selected due one, else typed), the rule (its own by
    /// default), and why.
    static func proposeForm(due: RetentionSchedule.Due?, schedule: RetentionSchedule, context: SessionContext) -> FormScreen {
        let rules = schedule.rules.map { FormOption($0.id, "\($0.id): \($0.title)") }
        let form = Form(sections: [Form.Section(title: "Propose an erasure", fields: [
            FormField("case", "Case", .text(maximumLength: 12), hint: "a closed case, e.g. HV-000123", value: due?.caseID.rawValue ?? ""),
            FormField("rule", "Rule", .choice(rules), value: due?.rule.id ?? schedule.rules.first { $0.isOnRequest }?.id ?? ""),
            FormField("reason", "Why", .text(maximumLength: 500), hint: "no names: e.g. his written request of 1 Dec."),
        ])])
        let heading = "Erase a closed case's personal data: another supervisor or administrator approves"
        return FormScreen(title: "Propose erasure", heading: heading, form: form) { form, now in
            // Every problem at once, each beside its field.
            let id = CaseID(form.value("case").trimmingCharacters(in: .whitespaces).uppercased())
            var problems: [ValidationIssue] = []
            if id == nil { problems.append(ValidationIssue(field: "case", message: "Give a case number such as HV-000123.")) }
            if form.value("reason").trimmingCharacters(in: .whitespacesAndNewlines).count < 10 {
                problems.append(ValidationIssue(field: "reason", message: "Give the reason in at least 10 characters."))
            }
            guard let id, problems.isEmpty else { return .problems(problems) }
            let proposal = ErasureProposal(caseID: id, rule: form.value("rule"), reason: form.value("reason"), proposedBy: context.user, proposedAt: now)
            return .perform([.run(ProposeErasure(proposal: proposal, schedule: schedule))])
        }.keepingNoDraft()
    }

    /// The approval: the case number typed again, since the erasure cannot be undone.
    static func approveForm(_ proposal: ErasureProposal, schedule: RetentionSchedule) -> FormScreen {
        let form = Form(sections: [Form.Section(title: "Approve the erasure", fields: [
            FormField("confirm", "Case number", .text(maximumLength: 12), hint: "type \(proposal.caseID); Ctrl-S erases it"),
        ])])
        let heading = "Cannot be undone: erase \(proposal.caseID) (rule \(proposal.rule), proposed by \(proposal.proposedBy))"
        return FormScreen(title: "Approve erasure", heading: heading, form: form) { form, _ in
            guard form.value("confirm").trimmingCharacters(in: .whitespaces).uppercased() == proposal.caseID.rawValue else {
                return .problems([ValidationIssue(field: "confirm", message: "Type \(proposal.caseID) to erase it, or Esc to leave it.")])
            }
            return .perform([.back, .startJob(EraseJob(id: proposal.caseID, schedule: schedule))])
        }.keepingNoDraft()
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let proposals = rows.filter { if case .proposal = $0 { true } else { false } }.count
        let unfinished = rows.filter { if case .unfinished = $0 { true } else { false } }.count
        let due = rows.count - proposals - unfinished
        canvas.put(" Retention: " + (unfinished > 0 ? "\(unfinished) UNFINISHED, " : "") + "\(proposals) proposed, \(due) due on \(context.today)",
                   x: area.x, y: area.y, width: area.width, style: .heading)
        canvas.put(" Case       Rule        Since/by      Why", x: area.x, y: area.y + 2, width: area.width,
                   style: Style(.heading, bold: true, underline: true))
        guard !rows.isEmpty else {
            canvas.put(loaded ? " Nothing is due or proposed. p proposes a closed case on request." : " Reading the schedule…",
                       x: area.x, y: area.y + 3, width: area.width, style: .muted)
            return
        }
        // The selected row whole, under the list: how the case was closed, and why it is proposed.
        let detail = details(width: area.width - 2)
        for (offset, line) in detail.enumerated() {
            canvas.put(" " + line, x: area.x, y: area.maxY - detail.count + offset, width: area.width, style: offset == 0 ? .heading : .normal)
        }
        let visible = max(1, area.height - 3 - detail.count)
        let first = max(0, selected - visible + 1)
        for (offset, row) in rows.dropFirst(first).prefix(visible).enumerated() {
            let text: String
            switch row {
            case let .unfinished(id):
                text = " \(id)  erased, not finished: a finishes it (its history or older versions remain)"
            case let .proposal(proposal):
                text = " \(proposal.caseID)  " + DisplayWidth.fit(proposal.rule, to: 10) + "  " + DisplayWidth.fit("by \(proposal.proposedBy)", to: 12)
                    + "  proposed: \(proposal.reason)"
            case let .due(due):
                text = " \(due.caseID)  " + DisplayWidth.fit(due.rule.id, to: 10) + "  " + DisplayWidth.fit("\(due.dueOn)", to: 12)
                    + "  closed \(due.closedOn), due"
            }
            canvas.putListRow(text, x: area.x, y: area.y + 3 + offset, width: area.width, style: isProposalRow(row) ? .overdue : .normal,
                              selected: first + offset == selected)
        }
    }

    /// The selected row's case, how it was closed, and the proposal's reason whole (at most
    /// four lines, and none on a terminal too short to keep the list in view).
    func details(width: Int) -> [String] {
        guard let row = current, pageRows >= 8 else { return [] }
        var text = "\(row.caseID): " + (closed[row.caseID] ?? "closed")
        switch row {
        case let .proposal(proposal):
            text += ". Proposed by \(proposal.proposedBy) on \(proposal.proposedAt.date) under rule \(proposal.rule): \(proposal.reason)"
        case let .due(due):
            text += ". Due since \(due.dueOn) under rule \(due.rule.id) (\(due.rule.title))."
        case .unfinished:
            text += ". Erased; a finishes removing its history and earlier versions."
        }
        return [String(repeating: "─", count: width)] + Array(DisplayWidth.wrap(text, to: width).prefix(max(3, pageRows / 3)))
    }

    func isProposalRow(_ row: Row) -> Bool {
        switch row {
        case .proposal, .unfinished: true
        case .due: false
        }
    }
}

/// Reads the proposals and what the schedule makes due (each due case's closure reason read
/// from the case; the lists do not carry it).
struct ReadRetention: StoreTask {
    let schedule: RetentionSchedule
    /// The due rows already read, kept instead of working the list out again.
    var keepingDue: [RetentionSchedule.Due]?

    func run(in session: SessionServices) -> [Command] {
        session.withStore { store in
            let unfinished = try store.unfinishedErasures()
            let proposals = try store.erasureProposals()
            let proposed = Set(proposals.map(\.caseID))
            let due = try keepingDue ?? schedule.due(try store.summaries(), today: session.context.today) { try store.load($0).record.closure?.reason }
            let rows = unfinished.map(RetentionScreen.Row.unfinished) + proposals.map(RetentionScreen.Row.proposal)
                + due.filter { !proposed.contains($0.caseID) }.map(RetentionScreen.Row.due)
            // How each case shown was closed (a few cases: those proposed or due).
            var closed: [CaseID: String] = [:]
            for row in rows.prefix(200) {
                guard let record = try? store.load(row.caseID).record else { continue }
                closed[row.caseID] = record.isErased ? "erased" : "closed \(record.stageEnteredAt.date) as \(record.closure?.reason.title ?? "(no reason)")"
            }
            return [.message(RetentionScreen.Read(rows: rows, closed: closed, due: due))]
        }
    }
}

struct ProposeErasure: StoreTask {
    let proposal: ErasureProposal
    let schedule: RetentionSchedule

    func run(in session: SessionServices) -> [Command] {
        session.withStore { store in
            try store.proposeErasure(proposal, schedule: schedule, by: session.actor)
            return [.back, .status("Proposed: erase \(proposal.caseID) (rule \(proposal.rule)); a second person approves.", .info),
                    .storeChanged]
        }
    }
}

struct WithdrawErasure: StoreTask {
    let id: CaseID

    func run(in session: SessionServices) -> [Command] {
        session.withStore { store in
            try store.withdrawErasure(of: id, by: session.actor, at: session.now)
            return [.status("Withdrawn: the erasure of \(id) is no longer proposed.", .info), .storeChanged]
        }
    }
}

/// The approval itself, as a job so the status line says what is under way before the store
/// erases (tombstone, trail, compaction, drafts: seconds at 120,000 cases, in one step that
/// cannot be stopped part way; one cut short by a crash is finished by approving again).
struct EraseJob: BackgroundJob {
    let id: CaseID
    let schedule: RetentionSchedule
    var started = false

    var title: String { "Erasing \(id)" }

    mutating func step(store: any CaseStore, context: SessionContext, now: Timestamp) -> JobStep {
        guard started else {
            started = true
            return .working(phase: "saving what remains, erasing its history, compacting the log", done: 0, total: 1)
        }
        do {
            let report = try store.erase(id, schedule: schedule, by: context.actor, at: now) { _ in }
            var text = "\(id) erased: the values of \(report.entriesErased) history entr\(report.entriesErased == 1 ? "y" : "ies") erased"
            if let problem = report.logNotCompacted {
                return .finished(message: text + "; the log is NOT yet compacted (\(problem)): run 'haven compact'", failed: true)
            }
            if let owner = report.draftsLeft.first?.split(separator: "~").first {
                text += "; a draft of \(owner)'s is left (haven check)"
            }
            return .finished(message: text + ".", failed: false)
        } catch {
            return .finished(message: "\(id) not erased: \(error)", failed: true)
        }
    }
}
