import HavenCore

/// The supervisor's approvals queue: proposed decisions and allocations waiting for a second
/// person, oldest first, with who proposed what and how long it has waited. `a` approves
/// (after y), `u` returns with a comment, `x` overrides an allocation to another country with
/// a reason, Enter opens the case to read it (and an allocation's explanation) first. A supervisor's own
/// proposals are listed but marked, and the workflow refuses to let them approve those.
///
/// At 30,000 waiting the queue is narrowed, not paged through: `/` finds by number, name or
/// proposer as letters are typed, `f` shows decisions or allocations only, `p` only the
/// selected proposal's proposer, `w` only those waiting a week, two or a month, `o` turns the
/// order; Home and End go to either end. `v` marks proposals and `A` approves the marked ones
/// after a confirmation that lists them, each still under the two-person rule: one's own are
/// named and skipped, and each approval is checked against what was shown.
public struct ApprovalsScreen: Screen {
    public enum Action: Sendable {
        case up, down, pageUp, pageDown, top, bottom, open, approve, returnProposal, overrideAllocation, confirm, cancel
        case find, endFind, clearFind, kind, proposer, waiting, order, mark, approveMarked, confirmMarked, cancelMarked
        case saveFilter, savedFilter(Int), clearFilters
    }

    /// The marked proposals a confirmation is asking about: those to approve, and those
    /// skipped with why.
    /// Those the confirmation left out as changed meanwhile, named when the approvals are done.
    var skippedMeanwhile: [CaseID] = []
    static let changedMeanwhile = "changed or reviewed meanwhile"

    public struct Batch: Sendable {
        public let approve: [CaseSummary]
        public let skipped: [(CaseSummary, String)]
    }

    /// Every proposal waiting, oldest first; `rows` is what the filter leaves of it.
    private(set) var waiting: [CaseSummary]
    public private(set) var rows: [CaseSummary]
    /// The reader's own proposals among the rows and among all waiting: counted apart, as the
    /// Allocation screen does (they wait for another supervisor), once a change, not a frame.
    private var ownRows = 0, ownWaiting = 0
    /// The last word of marks taken off by a change elsewhere, shown over the list until a key.
    var unmarkedNote: String?
    var unmarkedSinceKey: (changed: [CaseID], gone: [CaseID]) = ([], [])
    public private(set) var filter = ApprovalFilter()
    /// The words typed after `/`, while they have the keyboard.
    public private(set) var finding: TextField?
    /// The marked proposals, each as it was when marked: a mark is on that proposal, not on
    /// the case (a walk marked BE, the caseworker proposed IE, and A approved IE).
    public internal(set) var markedAs: [CaseID: ProposalSeen] = [:]
    public var marked: Set<CaseID> { Set(markedAs.keys) }
    public internal(set) var batch: Batch?
    /// This supervisor's saved filters (kept in the store, theirs alone): 1 to 9 apply them.
    public private(set) var saved: [ApprovalFilter] = []
    let context: SessionContext
    public private(set) var selected = 0
    var review: ProposalReview
    public var confirming: CaseID? { review.confirming }
    var pageRows = 17

    /// - Parameters:
    ///   - kind: the kind of proposal shown at first (the Allocation screen opens it on
    ///     allocations); `f` changes it.
    ///   - finding: open with `/` already pressed.
    public init(cases: [CaseSummary], context: SessionContext, kind: ApprovalFilter.Kind = .all, finding: Bool = false) {
        self.context = context
        review = ProposalReview(user: context.user)
        waiting = Supervision.approvals(cases)
        filter.kind = kind
        rows = filter.apply(to: waiting, today: context.today)
        countOwn()
        if finding { self.finding = TextField(maximumLength: 60) }
    }

    public var title: String { "Approvals" }

    public mutating func start() -> [Command] { [.run(ApprovalFilters(saving: nil))] }
    public var minimumSize: Size { Size(width: 60, height: 12) }
    public var capturesText: Bool { finding != nil }

    var canReview: Bool { context.may(.reviewDecision) || context.may(.approveAllocation) }

    public var keyTable: KeyTable<Action> {
        if confirming != nil {
            return KeyTable(KeyBinding.yesNo(.confirm, "Approve", "Approve the proposal", no: .cancel, "Cancel", "Do not approve"))
        }
        if batch != nil {
            return KeyTable(KeyBinding.yesNo(.confirmMarked, "Approve all", "Approve every proposal listed", no: .cancelMarked, "Cancel",
                                             "Approve none of them"))
        }
        if finding != nil {
            return KeyTable([
                KeyBinding([.enter, .down], .endFind, label: "Keep", help: "Keep what is found and move in it"),
                KeyBinding([.escape], .clearFind, label: "All", help: "Stop finding: every proposal again"),
            ])
        }
        return KeyTable([
            KeyBinding([.enter], .open, label: "Open", help: "Open the case to read the proposal and the screening"),
        ] + (canReview ? [
            KeyBinding([.character("a")], .approve, label: "Approve", help: "Approve the selected proposal (asks first; not your own)"),
            KeyBinding([.character("u")], .returnProposal, label: "Return", help: "Return the selected proposal with a comment"),
            KeyBinding([.character("x")], .overrideAllocation, label: "Override",
                       help: "Approve the selected allocation into another country, with the reason"),
            KeyBinding([.character("v")], .mark, label: "Mark", help: "Mark or unmark the selected proposal for approving together"),
            KeyBinding([.character("A")], .approveMarked, help: "Approve the marked proposals (lists them and asks first)"),
        ] : []) + [
            KeyBinding([.character("/")], .find, label: "Find", help: "Find by case number, name (either script) or proposer"),
            KeyBinding([.character("f")], .kind, help: "Show all proposals, decisions only, or allocations only"),
            KeyBinding([.character("p")], .proposer, help: "Only the selected proposal's proposer (again: everyone's)"),
            KeyBinding([.character("w")], .waiting, help: "Only those waiting 7, 14 or 30 days or more (again: the next)"),
            KeyBinding([.character("o")], .order, help: "Oldest first or newest first"),
            KeyBinding([.character("s")], .saveFilter, help: "Save the filter shown, for this and later sessions (1 to 9 apply it)"),
        ] + (1...9).map { number in
            KeyBinding([.character(Character(String(number)))], Action.savedFilter(number), help: "Apply saved filter \(number)",
                       disabled: number <= saved.count ? nil : "no filter is saved as \(number): s saves the one shown")
        } + [
            KeyBinding([.character("0")], .clearFilters, help: "Every proposal: no filter, no words"),
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next proposal"),
            KeyBinding([.up, .character("k")], .up, help: "Previous proposal"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, help: "Next page"),
            KeyBinding([.pageUp, .character("b")], .pageUp, help: "Previous page"),
            KeyBinding([.home, .character("g")], .top, help: "The first proposal"),
            KeyBinding([.end, .character("G")], .bottom, help: "The last proposal"),
        ])
    }

    public mutating func prepare(for area: Rect, now: Timestamp) { pageRows = max(1, area.height - 3) }

    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        waiting = Supervision.approvals(summaries)
        refilter()
        return sayUnmarked() + review.storeDidChange(waiting) + recheckBatch()
    }

    /// Each proposal waiting, as a review of it would name it (`ProposalSeen`).
    var waitingSeen: [CaseID: ProposalSeen?] {
        Dictionary(waiting.map { ($0.id, ProposalSeen(pendingIn: $0)) }, uniquingKeysWith: { first, _ in first })
    }



    /// The filter applied again, keeping the selected proposal selected where it still shows.
    mutating func refilter() {
        let current = rows.indices.contains(selected) ? rows[selected].id : nil
        rows = filter.apply(to: waiting, today: context.today)
        countOwn()
        selected = current.flatMap { id in rows.firstIndex { $0.id == id } } ?? min(selected, max(0, rows.count - 1))
    }

    mutating func countOwn() {
        func own(_ list: [CaseSummary]) -> Int { list.count { $0.pendingApproval?.proposedBy == context.user } }
        ownRows = own(rows)
        ownWaiting = rows.count == waiting.count ? ownRows : own(waiting)
    }

    public mutating func handle(_ action: Action) -> [Command] {
        unmarkedNote = nil
        unmarkedSinceKey = ([], [])
        let current = rows.indices.contains(selected) ? rows[selected] : nil
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, rows.count - 1), selected + 1)
        case .pageUp: selected = max(0, selected - pageRows)
        case .pageDown: selected = min(max(0, rows.count - 1), selected + pageRows)
        case .top: selected = 0
        case .bottom: selected = max(0, rows.count - 1)
        case .open:
            guard let current else { return [.status("Nothing is waiting for approval.", .info)] }
            // On what is to be approved, not on the person.
            let section: CaseSection = if case .allocation? = current.pendingApproval?.kind { .allocation } else { .decision }
            return [.openCase(current.id, at: section)]
        case .approve: return review.approve(current)
        case .confirm: return review.confirm(in: rows)
        case .cancel: return review.cancel()
        case .returnProposal: return review.returnProposal(current)
        case .overrideAllocation: return review.overrideAllocation(current)
        case .find:
            finding = TextField(text: filter.words, maximumLength: 60)
        case .endFind:
            finding = nil
        case .clearFind:
            finding = nil
            filter.words = ""
            refilter()
        case .kind:
            let all = ApprovalFilter.Kind.allCases
            filter.kind = all[(all.firstIndex(of: filter.kind)! + 1) % all.count]
            refilter()
        case .proposer:
            filter.proposer = filter.proposer == nil ? current?.pendingApproval?.proposedBy : nil
            refilter()
        case .waiting:
            let steps = ApprovalFilter.waitingSteps
            filter.waitingAtLeast = steps[((steps.firstIndex(of: filter.waitingAtLeast) ?? 0) + 1) % steps.count]
            refilter()
        case .order:
            filter.newestFirst.toggle()
            refilter()
            selected = 0
        case .mark:
            guard let current else { return [] }
            if markedAs.removeValue(forKey: current.id) == nil { markedAs[current.id] = ProposalSeen(pendingIn: current) }
            selected = min(max(0, rows.count - 1), selected + 1)
            return [.status("\(marked.count) marked: A approves them after listing them.", .info)]
        case .approveMarked:
            return askToApproveMarked()
        case .saveFilter:
            guard !filter.isEmpty else { return [.status("Nothing to save: f, p, w, o or / make a filter first.", .info)] }
            return [.run(ApprovalFilters(saving: filter))]
        case let .savedFilter(number):
            guard saved.indices.contains(number - 1) else { return [] }
            filter = saved[number - 1]
            refilter()
        case .clearFilters:
            filter = ApprovalFilter()
            finding = nil
            refilter()
        case .confirmMarked:
            guard let batch else { return [] }
            self.batch = nil
            let items = batch.approve.compactMap { summary -> ApproveMarked.Item? in
                // Against the proposal as marked: one changed since is refused by the store.
                guard let pending = summary.pendingApproval, let seen = markedAs[summary.id] ?? ProposalSeen(pendingIn: summary) else { return nil }
                return ApproveMarked.Item(id: summary.id, kind: pending.kind, seen: seen)
            }
            // Being approved now: their marks go first, or the approvals themselves read as
            // "Unmarked …: no longer waiting (withdrawn or reviewed meanwhile)" (a walk).
            for item in items { markedAs[item.id] = nil }
            skippedMeanwhile = batch.skipped.filter { $0.1 == Self.changedMeanwhile }.map(\.0.id)
            return [.run(ApproveMarked(items: items))]
        case .cancelMarked:
            batch = nil
            return [.status("Nothing approved; the marks stay.", .info)]
        }
        return []
    }

    /// The confirmation of `A`: the marked proposals to approve, and those skipped with why.
    mutating func askToApproveMarked() -> [Command] {
        // Only what is still as it was marked (a change since the last look is unmarked, said).
        let (changed, gone) = unmarkChanged()
        let unmarked = changed + gone
        let chosen = waiting.filter { marked.contains($0.id) }
        let changedNote = unmarked.isEmpty ? "" : "\(unmarked.count) unmarked (changed). "
        if chosen.isEmpty, !unmarked.isEmpty {
            return [.status("\(changedNote)Nothing else is marked: look again, then v marks.", .warning)]
        }
        guard !chosen.isEmpty else { return [.status("Nothing is marked: v marks a proposal.", .info)] }
        var approve: [CaseSummary] = []
        var skipped: [(CaseSummary, String)] = []
        for summary in chosen {
            guard let pending = summary.pendingApproval else { continue }
            if pending.proposedBy == context.user {
                skipped.append((summary, "your own: another supervisor approves it"))
            } else if case .allocation = pending.kind, !context.may(.approveAllocation) {
                skipped.append((summary, "allocations are not yours to approve"))
            } else if case .decision = pending.kind, !context.may(.reviewDecision) {
                skipped.append((summary, "decisions are not yours to approve"))
            } else {
                approve.append(summary)
            }
        }
        guard !approve.isEmpty else {
            return [.status("None of the \(chosen.count) marked can be approved by you: \(skipped.first?.1 ?? "").", .warning)]
        }
        batch = Batch(approve: approve, skipped: skipped)
        return [.status("\(changedNote)Approve the \(approve.count) listed? y approves each, n approves none.", .warning)]
    }

    public mutating func handleUnboundKey(_ key: Key) -> [Command]? {
        guard var field = finding else { return nil }
        guard field.handle(key) else { return key.typedCharacter != nil ? [] : nil }
        finding = field
        filter.words = field.text
        refilter()
        return []
    }

    public mutating func receive(_ message: any Sendable) -> [Command] {
        if let kept = message as? ApprovalFilters.Kept {
            saved = kept.settings.approvalFilters
            guard let just = kept.saved, let number = saved.firstIndex(of: just).map({ $0 + 1 }) else { return [] }
            return [.status("Saved as \(number): \(just.description). \(number) applies it, here and in later sessions.", .info)]
        }
        if let done = message as? ApproveMarked.Done {
            for id in done.approved { markedAs[id] = nil }
            // Named, and those left out of the list as it was asked (a walk read "Approved 1."
            // beside "Unmarked …", and could not tell which was which).
            let named = done.approved.sorted().prefix(3).map(\.rawValue).joined(separator: ", ")
                + (done.approved.count > 3 ? " and \(done.approved.count - 3) more" : "")
            let skipped = skippedMeanwhile.isEmpty ? "" : "; not \(skippedMeanwhile.map(\.rawValue).joined(separator: ", ")) (changed meanwhile)"
            skippedMeanwhile = []
            let approved = (done.approved.isEmpty ? "None approved" : "Approved \(named)") + skipped
            // The first refusal's reason where it fits 80 columns; the count and the case always.
            let refused = done.refused.first.map { first in
                let more = done.refused.count > 1 ? " and \(done.refused.count - 1) more" : ""
                let said = "; \(first.0)\(more) refused: \(StoreReply.reason(first.1))"
                return approved.count + said.count <= 77 ? said : "; \(first.0)\(more) refused (changed or reviewed meanwhile)"
            } ?? ""
            return [.status(approved + refused + ".", done.refused.isEmpty ? .info : .error)]
        }
        guard let reply = message as? StoreReply else { return [] }
        return ProposalReview.outcome(reply) ?? []
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        if let batch { return renderBatch(batch, into: &canvas, area: area) }
        let narrowed = filter.isEmpty ? "" : " · \(filter.description)"
        let marks = marked.isEmpty ? "" : " · \(marked.count) marked"
        // Others' proposals, then the reader's own apart (a walk read 4 waiting where 3 were);
        // "of" when a filter hides some of others'.
        let others = rows.count - ownRows, allOthers = waiting.count - ownWaiting
        let count = "\(others)" + (others == allOthers ? "" : " of \(allOthers)") + ProposalReview.yours(ownRows)
        canvas.put(" Proposals awaiting approval: \(count)\(narrowed)\(marks)",
                   x: area.x, y: area.y, width: area.width, style: .heading)
        if finding == nil, let unmarkedNote {
            canvas.put(" " + unmarkedNote, x: area.x, y: area.y + 1, width: area.width, style: Style(.warning))
        } else if finding == nil, !saved.isEmpty {
            let list = saved.enumerated().map { "\($0.offset + 1) \($0.element.description)" }.joined(separator: "  ")
            canvas.put(" Saved: " + list, x: area.x, y: area.y + 1, width: area.width, style: .muted)
        }
        if let finding {
            canvas.put(" Find: ", x: area.x, y: area.y + 1, width: area.width, style: .muted)
            finding.render(into: &canvas, x: area.x + 7, y: area.y + 1, width: max(1, area.width - 8), focused: true)
        }
        // Below 70 columns the date goes first; the days waiting stay.
        let showDate = area.width >= 70
        let nameWidth = max(6, area.width - 2 - 11 - 18 - 11 - (showDate ? 11 : 0) - 5 - 1)
        // The first column is the selection's (>), the second the mark's (+ marked), so a
        // marked row is seen selected without colour too (a walk: + hid the >), and every
        // case number starts in the same column.
        func line(_ cells: [String], marked: Bool = false) -> String {
            (marked ? " +" : "  ") + DisplayWidth.fit(cells[0], to: 10) + " " + DisplayWidth.fit(cells[1], to: nameWidth) + " "
                + DisplayWidth.fit(cells[2], to: 17) + " " + DisplayWidth.fit(cells[3], to: 10) + " "
                + (showDate ? DisplayWidth.fit(cells[4], to: 10) + " " : "") + DisplayWidth.fit(cells[5], to: 5)
        }
        canvas.put(line(["Case", "Name", "Proposal", "By", "On", "Days"]), x: area.x, y: area.y + 2, width: area.width,
                   style: Style(.heading, bold: true, underline: true))
        guard !rows.isEmpty else {
            let empty = waiting.isEmpty ? " Nothing is waiting for approval." : " Nothing waiting matches: Esc after / or f, p, w again shows more."
            canvas.put(empty, x: area.x, y: area.y + 3, width: area.width, style: .muted)
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
                             String(max(0, pending.proposedAt.date.days(until: context.today)))], marked: marked.contains(summary.id))
            canvas.putListRow(text, x: area.x, y: y, width: area.width, style: (mine ? .muted : .normal), selected: isSelected)
        }
    }

    /// The confirmation of approving the marked: every one to be approved, then those skipped.
    func renderBatch(_ batch: Batch, into canvas: inout Canvas, area: Rect) {
        let these = batch.approve.count == 1 ? "this one" : "these \(batch.approve.count)"
        canvas.put(" Approve \(these)? y approves each one, n none", x: area.x, y: area.y, width: area.width, style: .heading)
        var lines = batch.approve.map { summary in
            " \(summary.id) \(summary.cyrillicName) · \(summary.pendingApproval?.kind.title ?? "") · by \(summary.pendingApproval?.proposedBy.rawValue ?? "")"
        }
        if !batch.skipped.isEmpty {
            lines += ["", " Skipped, \(batch.skipped.count):"] + batch.skipped.map { " \($0.0.id) \($0.0.cyrillicName): \($0.1)" }
        }
        let room = area.height - 2
        // When they do not all fit, the last row says how many more instead of showing one.
        let shown = lines.count > room ? room - 1 : room
        for (offset, text) in lines.prefix(max(0, shown)).enumerated() {
            canvas.put(text, x: area.x, y: area.y + 2 + offset, width: area.width)
        }
        if lines.count > room, room >= 1 {
            canvas.put(" … and \(lines.count - max(0, shown)) more lines", x: area.x, y: area.maxY - 1, width: area.width, style: .muted)
        }
    }
}
