import HavenCore

/// The first screen: Haven's areas, one per line, with the number key that opens each; the
/// store's cases by stage when there is room; and `/` to find a case by name in either script.
public struct HomeScreen: Screen {
    public enum Action: Sendable {
        case up, down, first, last, open
        case openNumber(Int)
        case startFinding, stopFinding, myWork
    }

    public let areas: [HomeArea]
    public private(set) var stageCounts: StageCounts?
    public private(set) var selected = 0
    /// The query while finding; nil on the area list.
    public private(set) var finder: TextField?
    public private(set) var selectedMatch = 0
    /// The cases in case-number order (as the store gives them), shared with the screens
    /// opened from here; a case is found in them by its number (`summary(of:)`).
    private var summaries: [CaseSummary]
    /// Built on other threads once the screen exists (`CaseSearchIndex.building`), so the
    /// first screen is not held up by it; a search typed before it is ready waits for it.
    private var searchIndex: CaseSearchIndex?

    /// Who is working, on what day, in which role, for the screens the home screen opens;
    /// nil when no store is open.
    let context: SessionContext?
    /// Pick lists for the intake form.
    let reference: ReferenceData?
    /// How many lines My work has for this user (nil until worked out, or for a role without it).
    public private(set) var myWorkCount: Int?
    /// The user's dismissed My work lines, once read.
    private var dismissedWork: Set<String>?
    /// The reasons a supervisor is told of (My work's Access lines), read with the dismissals.
    private var accessForWork: [AccessEntry] = []
    /// The time now, as the runtime last said.
    private var now: Timestamp?
    /// The count is to be worked out again (the store or the dismissals changed): done on the
    /// next tick while the home screen is on top, never under another screen.
    private var countIsStale = true

    /// - Parameters:
    ///   - cases: the store's case summaries, or nil when no store is open.
    ///   - user, today: who is working, for the queues; nil when no store is open.
    public init(cases: [CaseSummary]?, user: UserName? = nil, today: CalendarDate? = nil,
                reference: ReferenceData? = nil, role: Role = .caseworker) {
        let context = user.flatMap { user in today.map { SessionContext(user: user, today: $0, storeDescription: "", role: role, reference: reference) } }
        self.init(cases: cases, context: context)
    }

    /// The home screen of `context`'s user: the areas their role can use.
    public init(cases: [CaseSummary]?, context: SessionContext?) {
        self.areas = HomeArea.areas(for: context?.role ?? .caseworker)
        self.reference = context?.reference
        self.context = cases == nil ? nil : context
        stageCounts = cases.map(StageCounts.init)
        summaries = CaseSearchIndex.inNumberOrder(cases ?? [])
        searchIndex = cases.map { cases in
            Self.startingSearchIndexBuild.map { CaseSearchIndex.building(cases, start: $0) } ?? CaseSearchIndex.building(cases)
        }
    }

    /// How the name index's build is started: nil, on another thread (`CaseSearchIndex.building`);
    /// tests put here one that holds it back, to search before it is built.
    nonisolated(unsafe) static var startingSearchIndexBuild: ((@escaping @Sendable () -> Void) -> Void)?

    public mutating func start() -> [Command] {
        guard let context, MyWork.applies(to: context.role) else { return [] }
        return [.run(WorkDismissals(adding: nil, removing: nil, standing: nil))]
    }

    /// `/` on My work: back here, finding.
    struct FindAfterMyWork: Sendable {
        var read: WorkDismissals.Read
    }

    public mutating func receive(_ message: any Sendable) -> [Command] {
        if let find = message as? FindAfterMyWork {
            _ = receive(find.read)
            return handle(.startFinding)
        }
        guard let read = message as? WorkDismissals.Read else { return [] }
        dismissedWork = Set(read.dismissed)
        accessForWork = read.access
        countIsStale = true
        return []
    }

    public mutating func prepare(for area: Rect, now: Timestamp) { self.now = now }

    /// A new minute can bring an appointment due: counted again.
    public mutating func clockDidTick(_ time: Timestamp) -> Bool {
        let newMinute = now.map { $0.secondsSinceEpoch / 60 != time.secondsSinceEpoch / 60 } ?? true
        now = time
        guard newMinute || countIsStale else { return false }
        let before = myWorkCount
        countMyWork()
        return myWorkCount != before
    }

    /// The number on the home screen: My work's lines now, dismissed ones left out.
    mutating func countMyWork() {
        guard let context, let dismissedWork, let now, MyWork.applies(to: context.role) else { return }
        countIsStale = false
        myWorkCount = MyWork.items(for: context.user, role: context.role, cases: summaries, now: now, clock: context.localClock,
                                   targets: context.reference?.stageTargets ?? StageTargets(days: [:]), dismissed: dismissedWork,
                                   access: accessForWork).count
    }

    public mutating func storeDidChange(_ cases: [CaseSummary]) -> [Command] {
        stageCounts = StageCounts(cases)
        summaries = CaseSearchIndex.inNumberOrder(cases)
        searchIndex = searchIndex?.updating(with: cases) ?? CaseSearchIndex(cases)
        findAgain()
        selectedMatch = min(selectedMatch, max(0, found.count - 1))
        // Counted again on a tick with the home screen on top, the dismissals read again first
        // (My work may have changed them).
        countIsStale = true
        return start()
    }

    /// The summary of case `id`, found by its number in `summaries` (in number order): a
    /// search's matches are looked up this way, with no table of 120,000 positions to build.
    func summary(of id: CaseID) -> CaseSummary? { summaries.summary(of: id) }

    public var title: String { "Home" }
    public var minimumSize: Size { Size(width: 40, height: 12) }
    public var capturesText: Bool { finder != nil }

    public var keyTable: KeyTable<Action> {
        if finder != nil {
            return KeyTable([
                KeyBinding([.enter], .open, label: "Open", help: "Open the selected case"),
                KeyBinding([.escape], .stopFinding, label: "Close", help: "Close the finder and go back to the areas"),
                KeyBinding([.down], .down, label: "Move", help: "Select the next match"),
                KeyBinding([.up], .up, help: "Select the previous match"),
            ])
        }
        return KeyTable([
            KeyBinding([.enter], .open, label: "Open", help: "Open the selected area"),
            KeyBinding([.character("/")], .startFinding, label: "Find", help: "Find a case by name (either script) or number"),
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Select the next area"),
            KeyBinding([.up, .character("k")], .up, help: "Select the previous area"),
            KeyBinding([.home, .character("g")], .first, help: "Select the first area"),
            KeyBinding([.end, .character("G")], .last, help: "Select the last area"),
        ] + (context.map { MyWork.applies(to: $0.role) } == true
            ? [KeyBinding([.character("m")], .myWork, label: "My work", help: "My work: what needs you now, most urgent first")]
            : []) + areas.indices.prefix(9).map { index in
            KeyBinding([.character(Character(String(index + 1)))], .openNumber(index),
                       help: "Open \(areas[index].name)")
        })
    }

    /// The cases matching the query (at most 500), worked out when the query or the cases
    /// change: a frame, an arrow key or Enter reads them without searching 120,000 names again.
    public private(set) var found: [CaseSummary] = []

    private mutating func findAgain() {
        guard let finder, let searchIndex else { found = []; return }
        found = searchIndex.matches(finder.text, limit: 500).compactMap(summary(of:))
    }

    public mutating func handle(_ action: Action) -> [Command] {
        if finder != nil { return handleWhileFinding(action) }
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(areas.count - 1, selected + 1)
        case .first: selected = 0
        case .last: selected = areas.count - 1
        case .open: return open(selected)
        case let .openNumber(index):
            selected = index
            return open(index)
        case .startFinding:
            guard searchIndex != nil else {
                return [.status("No store is open, so there are no cases to find.", .info)]
            }
            finder = TextField()
            selectedMatch = 0
            findAgain()
        case .stopFinding:
            break
        case .myWork:
            guard let context else { return [] }
            return [.push(MyWorkScreen(cases: summaries, context: context, now: now ?? Timestamp(date: context.today)))]
        }
        return []
    }

    mutating func handleWhileFinding(_ action: Action) -> [Command] {
        switch action {
        case .down: selectedMatch = min(max(0, found.count - 1), selectedMatch + 1)
        case .up: selectedMatch = max(0, selectedMatch - 1)
        case .stopFinding:
            finder = nil
            findAgain()
        case .open:
            guard found.indices.contains(selectedMatch) else { return [.status("No case is selected.", .info)] }
            // The finder closes behind the case: back from it, q and Esc are keys again (never
            // text left in a search box); / finds the next case.
            let id = found[selectedMatch].id
            finder = nil
            findAgain()
            return [.openCase(id)]
        default: break
        }
        return []
    }

    /// While finding, every editing key goes to the query (so `q` and `/` are text there).
    public mutating func handleUnboundKey(_ key: Key) -> [Command]? {
        guard var field = finder else { return nil }
        guard field.handle(key) else { return nil }
        let changed = field.text != finder?.text
        finder = field
        if changed {
            selectedMatch = 0
            findAgain()
        }
        return []
    }

    mutating func open(_ index: Int) -> [Command] {
        let area = areas[index]
        guard let context else { return [.status("No store is open, so there is nothing to show.", .info)] }
        let cases = summaries
        switch area {
        case .intake:
            guard let reference else { return [.status("No store is open, so nothing can be registered.", .info)] }
            // A registration an earlier session left unsaved is put back as the form opens.
            return [.push(IntakeScreen(reference: reference, today: context.today))]
        case .queues:
            let mine = cases.indices.contains { cases[$0].assignedTo == context.user } // in place, no summary copied
            return [.push(QueueScreen(cases: cases, context: context, onlyMine: mine, index: searchIndex))]
        case .reunification:
            return [.push(ReunificationQueueScreen(cases: cases, context: context))]
        case .approvals:
            return [.push(ApprovalsScreen(cases: cases, context: context))]
        case .publicity:
            return [.push(PublicityQueueScreen(cases: cases, context: context))]
        case .allocation:
            return [.push(AllocationScreen(cases: cases, context: context))]
        case .workload:
            return [.push(WorkloadScreen(cases: cases, context: context, index: searchIndex))]
        case .dashboard:
            return [.push(DashboardScreen(cases: cases, context: context))]
        case .audit:
            return [.push(AuditScreen(context: context))]
        case .access:
            return [.push(AccessLogScreen(context: context))]
        case .retention:
            return [.push(RetentionScreen(context: context))]
        case .reports:
            return [.push(ReportsScreen(cases: cases, context: context))]
        case .users:
            return [.push(UsersScreen(context: context))]
        case .courses:
            return [.push(CoursesScreen(context: context))]
        case .jobs:
            return [.push(JobsScreen(context: context))]
        }
    }

    /// Layout: the area list (or the finder) on the left; the stage panel on the right when
    /// 64 columns allow.
    public func render(into canvas: inout Canvas, area: Rect) {
        if let finder {
            renderFinder(finder, into: &canvas, area: area)
            return
        }
        let showPanel = stageCounts != nil && area.width >= 64 && area.height >= CaseStage.allCases.count + 3
        let panelWidth = showPanel ? 24 : 0
        let (list, panel) = area.splitLeft(area.width - panelWidth)
        renderAreas(into: &canvas, area: list)
        if showPanel, let stageCounts { renderStages(stageCounts, into: &canvas, area: panel) }
    }

    func renderFinder(_ field: TextField, into canvas: inout Canvas, area: Rect) {
        guard area.height >= 3 else { return }
        let label = " Find: "
        let count = field.text.isEmpty ? "type a name or number"
            : "\(found.count == 500 ? "500+" : String(found.count)) of \(searchIndex?.count ?? 0)"
        let countWidth = DisplayWidth.of(count) + 1
        let x = area.x + canvas.put(label, x: area.x, y: area.y, style: .heading)
        canvas.put(count, x: area.maxX - countWidth, y: area.y, style: .muted)
        let table = CaseTable(width: area.width)
        canvas.put(table.header, x: area.x, y: area.y + 2, width: area.width, style: .heading)
        let rows = area.height - 3
        let first = max(0, selectedMatch - rows + 1)
        for (offset, summary) in found.dropFirst(first).prefix(rows).enumerated() {
            let y = area.y + 3 + offset
            let isSelected = first + offset == selectedMatch
            canvas.putListRow(table.row(summary), x: area.x, y: y, width: area.width, style: .normal, selected: isSelected)
        }
        if !field.text.isEmpty, found.isEmpty {
            canvas.put(" No case matches \"\(field.text)\".", x: area.x, y: area.y + 3, width: area.width, style: .muted)
        }
        field.render(into: &canvas, x: x, y: area.y, width: max(1, area.maxX - countWidth - x - 1), focused: true)
    }
    func renderAreas(into canvas: inout Canvas, area: Rect) {
        guard area.height > 0 else { return }
        canvas.put(" Areas", x: area.x, y: area.y, width: area.width, style: .heading)
        if let myWorkCount {
            let text = "m My work: \(myWorkCount) "
            canvas.put(text, x: area.maxX - DisplayWidth.of(text) - 1, y: area.y, style: myWorkCount > 0 ? .heading : .muted)
        }
        let nameWidth = areas.map { DisplayWidth.of($0.name) }.max() ?? 0
        // Two rows per area when there is room, so the list breathes at 80x24.
        let spacing = area.height - 2 >= areas.count * 2 ? 2 : 1
        // On a short terminal the list scrolls with the selection, marked where it goes on.
        let rows = max(1, area.maxY - area.y - 1)
        let first = spacing == 1 && areas.count > rows ? max(0, min(selected - rows + 1, areas.count - rows)) : 0
        for (index, item) in areas.enumerated().dropFirst(first) {
            let y = area.y + 2 + (index - first) * spacing - (spacing == 1 ? 1 : 0)
            guard y < area.maxY else { break }
            let isSelected = index == selected
            let marker = isSelected ? ">" : " "
            // Number keys open the first nine; the others are reached with the arrows.
            let number = index < 9 ? String(index + 1) : " "
            let name = DisplayWidth.fit(item.name, to: nameWidth)
            let x = area.x + canvas.put("\(marker) \(number)  ", x: area.x, y: y, width: area.width - 1)
            // The selected area's name stands out, not a bar across the row (fewer bytes a move).
            let used = canvas.put(name, x: x, y: y, width: area.maxX - 1 - x, style: isSelected ? .selection : .normal)
            canvas.put("  \(item.summary)", x: x + used, y: y, width: max(0, area.maxX - 1 - x - used))
        }
        if first > 0 { canvas.put("↑", x: area.maxX - 2, y: area.y + 1, style: .muted) }
        if first + rows < areas.count, spacing == 1 { canvas.put("↓", x: area.maxX - 2, y: area.maxY - 1, style: .muted) }
        // The selected area's description whole under the list when its row had to cut it.
        let last = area.y + 2 + (areas.count - 1) * spacing - (spacing == 1 ? 1 : 0)
        let prefix = 5 + nameWidth + 2
        guard areas.indices.contains(selected), DisplayWidth.of(areas[selected].summary) > area.width - 1 - prefix else { return }
        let lines = DisplayWidth.wrap(areas[selected].summary, to: max(10, area.width - 3))
        guard last + 2 + lines.count <= area.maxY else { return }
        for (offset, line) in lines.enumerated() {
            canvas.put(" " + line, x: area.x, y: last + 2 + offset, width: area.width - 1, style: .muted)
        }
    }

    func renderStages(_ counts: StageCounts, into canvas: inout Canvas, area: Rect) {
        canvas.put("Cases by stage", x: area.x, y: area.y, width: area.width, style: .heading)
        let numberWidth = max(5, String(counts.total).count)
        for (row, stage) in CaseStage.allCases.enumerated() {
            let count = String(counts.counts[stage] ?? 0)
            let line = DisplayWidth.fit(stage.title, to: area.width - numberWidth - 2)
                + String(repeating: " ", count: numberWidth - count.count) + count
            canvas.put(line, x: area.x, y: area.y + 2 + row, width: area.width - 1)
        }
        let total = String(counts.total)
        let line = DisplayWidth.fit("All cases", to: area.width - numberWidth - 2)
            + String(repeating: " ", count: numberWidth - total.count) + total
        canvas.put(line, x: area.x, y: area.y + 3 + CaseStage.allCases.count, width: area.width - 1, style: .heading)
    }
}
