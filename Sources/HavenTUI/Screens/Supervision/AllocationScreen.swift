import HavenCore

/// Country allocation: the host countries with their places (used, held by proposals, free)
/// as bars, the queue of granted cases awaiting a country, and the proposals awaiting approval.
/// Tab moves between the three. Supervisors run the batch (`r`, with progress; Esc stops it)
/// and approve (`a`), return (`u`) or override (`x`) proposals; administrators change quotas
/// and places of each kind (`e`), add (`+`) and remove (`-`) countries. Under the countries,
/// the selected one's places of each kind (family housing, medical support) are shown.
public struct AllocationScreen: Screen {
    public enum Pane: String, CaseIterable, Sendable {
        case countries = "Countries", queue = "Queue", proposals = "Proposals"
    }

    public enum Action: Sendable {
        case nextPane, up, down, pageUp, pageDown, top, bottom, open, run, approve, returnProposal, overrideAllocation, confirm, cancel, runAsLast
        case editQuota, addCountry, removeCountry, findProposals
    }

    public private(set) var pane = Pane.countries
    public private(set) var countries: [HostCountry]
    public private(set) var uses: [QuotaUse] = []
    public private(set) var queue: [CaseSummary] = []
    public private(set) var proposals: [CaseSummary] = []
    public private(set) var selected: [Pane: Int] = [:]
    var review: ProposalReview
    public var confirming: CaseID? { review.confirming }
    public private(set) var removing: CountryCode?
    /// `r` asked whether to run the batch (it writes a proposal for every case waiting).
    public private(set) var runAsked = false
    /// How many cases were waiting when it was asked.
    var runAskedCount = 0
    /// The last batch's outcome, shown under the heading.
    public private(set) var lastRun: String?
    var cases: [CaseSummary]
    let context: SessionContext
    var pageRows = 15

    public init(cases: [CaseSummary], context: SessionContext) {
        self.context = context
        review = ProposalReview(user: context.user)
        self.cases = cases
        countries = context.reference?.countries ?? []
        recount()
    }

    public var title: String { "Allocation" }
    public var minimumSize: Size { Size(width: 60, height: 14) }

    mutating func recount() {
        uses = Supervision.quotaUse(cases, countries: countries)
        queue = cases.filter(\.isAwaitingAllocation).sorted(by: CaseSummary.queueOrder)
        proposals = cases.filter(\.isAwaitingAllocationReview).sorted {
            ($0.allocation!.proposedAt, $0.id) < ($1.allocation!.proposedAt, $1.id)
        }
        for pane in Pane.allCases { selected[pane] = min(selected[pane] ?? 0, max(0, count(pane) - 1)) }
    }

    func count(_ pane: Pane) -> Int {
        switch pane {
        case .countries: uses.count
        case .queue: queue.count
        case .proposals: proposals.count
        }
    }

    var index: Int { selected[pane] ?? 0 }

    public var keyTable: KeyTable<Action> {
        if runAsked {
            return KeyTable([
                KeyBinding([.character("y")], .confirm, label: "Run the batch",
                           help: "Run the batch with the look-ahead: places kept for the people expected later"),
                KeyBinding([.character("l")], .runAsLast, label: "Run, no look-ahead",
                           help: "Run the batch without the look-ahead: this queue placed as if it were the last"),
                KeyBinding([.character("n"), .escape], .cancel, label: "Cancel", help: "Do not run the batch; nothing is proposed"),
            ])
        }
        if confirming != nil || removing != nil {
            let what = removing != nil ? "Remove" : "Approve"
            return KeyTable(KeyBinding.yesNo(.confirm, what, "Yes", no: .cancel, "Cancel", "No"))
        }
        // The selected pane's own keys first: at 60 columns the bar has room for few (the walk
        // found approve, override and return left off the proposals pane's bar).
        var bindings: [KeyBinding<Action>] = []
        if pane != .countries {
            bindings.append(KeyBinding([.enter], .open, label: "Open", help: "Open the case (its Allocation section explains the proposal)"))
        }
        if pane == .proposals {
            bindings.append(KeyBinding([.character("/")], .findProposals, label: "Find",
                                       help: "The allocation proposals in the approvals queue: find, filter, order, mark and approve together"))
        }
        if pane == .proposals, context.may(.approveAllocation) {
            bindings += [
                KeyBinding([.character("a")], .approve, label: "Approve", help: "Approve the selected proposal (asks first; not your own)"),
                KeyBinding([.character("x")], .overrideAllocation, label: "Override", help: "Approve into another country, with the reason"),
                KeyBinding([.character("u")], .returnProposal, label: "Return", help: "Return the proposal with a comment; its place is freed"),
            ]
        }
        if pane == .countries, context.may(.manageCountries) {
            bindings += [
                KeyBinding([.character("e")], .editQuota, label: "Quota",
                           help: "Change the selected country's quota and its family housing units and places with medical support"),
                KeyBinding([.character("+")], .addCountry, label: "Add", help: "Add a host country"),
                KeyBinding([.character("-")], .removeCountry, label: "Remove", help: "Remove the selected country (only if no case uses it)"),
            ]
        }
        bindings.append(KeyBinding([.tab], Action.nextPane, label: "Pane", help: "Next pane: countries, queue, proposals"))
        if context.may(.runAllocationBatch) {
            bindings.append(KeyBinding([.character("r")], .run, label: "Run batch",
                                       help: "Allocate the whole queue: the highest total score within the quotas, families together, places later arrivals need more kept for them"))
        }
        bindings += [
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next row"),
            KeyBinding([.up, .character("k")], .up, help: "Previous row"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, help: "Next page"),
            KeyBinding([.pageUp, .character("b")], .pageUp, help: "Previous page"),
            KeyBinding([.home, .character("g")], .top, help: "The first row"),
            KeyBinding([.end, .character("G")], .bottom, help: "The last row"),
        ]
        return KeyTable(bindings)
    }

    public mutating func prepare(for area: Rect, now: Timestamp) {
        pageRows = max(1, area.height - 5 - (pane == .countries ? PlaceKind.allCases.count : 0))
    }

    /// Others' approvals and any change of a quota, within the poll.
    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        cases = summaries
        recount()
        return review.storeDidChange(proposals) + recheckRun() + [.query(.hostCountries)]
    }

    /// The batch's question while the queue changed under it: asked again with the count it now
    /// proposes for, or put away when nothing waits (a walk found the count it was asked with kept).
    mutating func recheckRun() -> [Command] {
        guard runAsked, queue.count != runAskedCount else { return [] }
        guard !queue.isEmpty else {
            runAsked = false
            return [.status("The batch did not run: no granted case is waiting for a country now.", .info)]
        }
        return [askToRun()]
    }

    /// `r`'s question, with the number of cases it proposes for.
    mutating func askToRun() -> Command {
        runAsked = true
        runAskedCount = queue.count
        let cases = queue.count == 1 ? "the 1 case" : "all \(queue.count)"
        // The proposals are the runner's: another supervisor approves them (four eyes). The keys
        // come before that reminder, so they stay on a 60-column line (a walk found them cut).
        return .status("Propose for \(cases) waiting? y, l: no look-ahead, n · for another's approval", .warning)
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        switch reply {
        case let .hostCountries(list):
            countries = list
            recount()
        case let .jobFinished(message):
            lastRun = message
        default:
            return ProposalReview.outcome(reply) ?? []
        }
        return []
    }

    /// What it asks for when it opens.
    public mutating func start() -> [Command] { [.query(.hostCountries)] }

    public mutating func handle(_ action: Action) -> [Command] {
        let last = max(0, count(pane) - 1)
        switch action {
        case .nextPane:
            pane = Pane.allCases[(Pane.allCases.firstIndex(of: pane)! + 1) % Pane.allCases.count]
        case .up: selected[pane] = max(0, index - 1)
        case .down: selected[pane] = min(last, index + 1)
        case .pageUp: selected[pane] = max(0, index - pageRows)
        case .pageDown: selected[pane] = min(last, index + pageRows)
        case .top: selected[pane] = 0
        case .bottom: selected[pane] = last
        case .findProposals:
            // One queue that scales, not two: the approvals queue narrowed to allocations.
            return [.push(ApprovalsScreen(cases: cases, context: context, kind: .allocations, finding: true))]
        case .open:
            guard let summary = selectedCase else { return [] }
            return [.openCase(summary.id, at: .allocation)]
        case .run:
            guard !queue.isEmpty else { return [.status("No granted case is waiting for a country.", .info)] }
            return [askToRun()]
        case .approve: return review.approve(selectedCase)
        case .returnProposal: return review.returnProposal(selectedCase)
        case .overrideAllocation: return review.overrideAllocation(selectedCase)
        case .confirm:
            if runAsked {
                runAsked = false
                return [.startJob(AllocationJob())]
            }
            if let code = removing {
                removing = nil
                return [.changeCountries(.remove(code))]
            }
            return review.confirm(in: proposals)
        case .runAsLast:
            guard runAsked else { return [] }
            runAsked = false
            return [.startJob(AllocationJob(lookAhead: false))]
        case .cancel:
            if runAsked {
                runAsked = false
                return [.status("The batch did not run; nothing was proposed.", .info)]
            }
            guard removing == nil else {
                removing = nil
                return [.status("\(countries.count) host countries, none removed.", .info)]
            }
            return review.cancel()
        case .editQuota:
            guard uses.indices.contains(index) else { return [] }
            return [.push(quotaForm(uses[index]))]
        case .addCountry:
            return [.push(countryForm())]
        case .removeCountry:
            guard uses.indices.contains(index) else { return [] }
            removing = uses[index].country.code
            return [.status("Remove \(uses[index].country.name) from the host countries? y removes, n keeps it.", .warning)]
        }
        return []
    }

    var selectedCase: CaseSummary? {
        switch pane {
        case .countries: nil
        case .queue: queue.indices.contains(index) ? queue[index] : nil
        case .proposals: proposals.indices.contains(index) ? proposals[index] : nil
        }
    }

    // MARK: Drawing

    public func render(into canvas: inout Canvas, area: Rect) {
        let free = uses.reduce(0) { $0 + $1.free }
        let quota = uses.reduce(0) { $0 + $1.country.quota }
        // Only others' proposals are the reader's to approve (four eyes): their own, a batch's
        // they ran among them, are counted apart.
        let mine = context.may(.approveAllocation) ? proposals.count { $0.allocation?.proposedBy == context.user } : 0
        let approvals = "\(proposals.count - mine) to approve" + ProposalReview.yours(mine)
        canvas.put(" \(queue.count) waiting · \(approvals) · \(free) of \(quota) places free",
                   x: area.x, y: area.y, width: area.width, style: .heading)
        var x = area.x + 1
        for candidate in Pane.allCases {
            let label = " \(candidate.rawValue) (\(count(candidate))) "
            x += canvas.put(label, x: x, y: area.y + 1, style: candidate == pane ? .selection : .muted) + 1
        }
        if let lastRun {
            canvas.put(" " + lastRun, x: area.x, y: area.y + 2, width: area.width, style: .muted)
        }
        let body = Rect(x: area.x, y: area.y + 3, width: area.width, height: area.height - 3)
        switch pane {
        case .countries: renderCountries(into: &canvas, area: body)
        case .queue: renderCases(queue, into: &canvas, area: body)
        case .proposals: renderCases(proposals, into: &canvas, area: body)
        }
    }

    func visibleRange(rows: Int, height: Int) -> Range<Int> {
        let first = max(0, index - height + 1)
        return first..<min(rows, first + height)
    }

    func renderCountries(into canvas: inout Canvas, area: Rect) {
        let numbers = 6 * 4
        let nameWidth = area.width >= 76 ? 16 : 0
        let barWidth = max(4, area.width - 1 - 3 - (nameWidth > 0 ? nameWidth + 1 : 0) - numbers - 2)
        func cells(_ values: [String]) -> String {
            values.map { String(repeating: " ", count: max(0, 6 - $0.count)) + $0 }.joined()
        }
        let header = " Code" + (nameWidth > 0 ? " " + DisplayWidth.fit("Country", to: nameWidth) : "")
            + cells(["Quota", "Used", "Held", "Free"]) + "  " + "used █  held ▒  quota |"
        canvas.put(header, x: area.x, y: area.y, width: area.width, style: Style(.heading, bold: true, underline: true))
        // The selected country's places of each kind, under the list, when there is room.
        let kindLines = area.height >= 6 && uses.indices.contains(index) ? uses[index].kinds.count : 0
        for (line, kind) in (uses.indices.contains(index) ? uses[index].kinds : []).prefix(kindLines).enumerated() {
            let lead = line == 0 ? " " + DisplayWidth.fit(uses[index].country.code.rawValue, to: 3) : "    "
            canvas.put(lead + kind.line(placesFree: uses[index].free), x: area.x, y: area.y + area.height - kindLines + line, width: area.width,
                       style: kind.capacity != nil && min(kind.free ?? 0, uses[index].free) == 0 ? Style(.warning) : .muted)
        }
        let height = area.height - 1 - kindLines
        for (row, position) in visibleRange(rows: uses.count, height: height).enumerated() {
            let use = uses[position]
            let y = area.y + 1 + row
            let isSelected = position == index
            var text = " " + DisplayWidth.fit(use.country.code.rawValue, to: 3)
            if nameWidth > 0 { text += " " + DisplayWidth.fit(use.country.name, to: nameWidth) }
            text += cells([use.country.quota, use.used, use.reserved, use.free].map(String.init)) + "  "
            let width = canvas.putListRow(text, x: area.x, y: y, width: area.width, style: .normal, selected: isSelected)
            // Used in eighths of a cell (6 of 6,000 still shows), held after it, | at the quota.
            let bar = BarChart.markedBar(value: use.used, held: use.reserved, maximum: use.country.quota, width: barWidth)
            canvas.put(bar, x: area.x + width, y: y, width: max(0, area.width - width), style: .bar)
        }
    }

    func renderCases(_ rows: [CaseSummary], into canvas: inout Canvas, area: Rect) {
        let proposalsPane = pane == .proposals
        let nameWidth = max(6, area.width - 1 - 10 - (proposalsPane ? 9 + 14 : 0) - 6)
        func line(_ cells: [String]) -> String {
            " " + DisplayWidth.fit(cells[0], to: 9) + " " + DisplayWidth.fit(cells[1], to: nameWidth) + " "
                + (proposalsPane ? DisplayWidth.fit(cells[2], to: 8) + " " + DisplayWidth.fit(cells[3], to: 13) + " " : "")
                + DisplayWidth.fit(cells[4], to: 5)
        }
        canvas.put(line(["Case", "Name", "Country", "Proposed by", "Days"]), x: area.x, y: area.y, width: area.width,
                   style: Style(.heading, bold: true, underline: true))
        guard !rows.isEmpty else {
            let empty = proposalsPane ? "No allocation is waiting for approval." : "No granted case is waiting for a country."
            canvas.put(" " + empty, x: area.x, y: area.y + 1, width: area.width, style: .muted)
            return
        }
        for (row, position) in visibleRange(rows: rows.count, height: area.height - 1).enumerated() {
            let summary = rows[position]
            let y = area.y + 1 + row
            let isSelected = position == index
            let since = proposalsPane ? summary.allocation?.proposedAt.date ?? summary.stageEnteredAt.date : summary.queuedSince.date
            let mine = summary.allocation?.proposedBy == context.user && proposalsPane
            let text = line([summary.id.rawValue, summary.cyrillicName, summary.allocation?.country.rawValue ?? "",
                             (summary.allocation?.proposedBy.rawValue ?? "") + (mine ? " (you)" : ""),
                             String(max(0, since.days(until: context.today)))])
            canvas.putListRow(text, x: area.x, y: y, width: area.width, style: (mine ? .muted : .normal), selected: isSelected)
        }
    }
}
