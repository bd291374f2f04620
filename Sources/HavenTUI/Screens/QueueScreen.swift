import HavenCore

/// The columns of a queue, in display order; each one can be the sort key.
public enum QueueColumn: Int, CaseIterable, Sendable {
    case id, cyrillicName, latinName, stage, daysInStage, caseworker, country

    public var title: String {
        switch self {
        case .id: "Case"
        case .cyrillicName: "Name"
        case .latinName: "Latin"
        case .stage: "Stage"
        case .daysInStage: "Days"
        case .caseworker: "Worker"
        case .country: "To"
        }
    }
}

/// A queue of cases: sorted by any column, filtered by stage, caseworker and country, "my
/// cases" or "all cases", searched as you type in either script, paged. The title counts what
/// is shown out of all.
public struct QueueScreen: Screen {
    public enum Action: Sendable {
        case up, down, pageUp, pageDown, first, last
        case sortNext, reverseSort
        case cycleStage, cycleCaseworker, cycleCountry, cycleFlag, toggleMine, toggleOverdue, toggleFollowUps, clearFilters
        case startSearch, stopSearch
        case open
        case mark, clearMarks, reassign
    }

    public let user: UserName
    public let today: CalendarDate
    public private(set) var cases: [CaseSummary]
    private var searchIndex: CaseSearchIndex

    public private(set) var sortColumn = QueueColumn.id
    public private(set) var ascending = true
    public private(set) var stageFilter: CaseStage?
    public private(set) var caseworkerFilter: UserName?
    public private(set) var countryFilter: CountryCode?
    public private(set) var flagFilter: CaseFlag?
    public private(set) var onlyMine: Bool
    /// Only overdue cases (`StageTargets.daysLate`).
    public private(set) var onlyOverdue = false
    /// Only cases whose job follow-up is due or overdue, soonest due first.
    public private(set) var onlyFollowUps = false
    /// Cases marked for a bulk action (reassignment).
    public private(set) var marked: Set<CaseID> = []
    /// Days each stage should take; past it a row is overdue and marked `!`.
    let targets: StageTargets
    /// Whether this user may reassign cases (supervisors).
    let canReassign: Bool
    public private(set) var search: TextField?
    /// Whether the search box has the keyboard; after a case is opened from the results the
    /// search stays applied but not typed into, so q and Esc back out as usual.
    public private(set) var typing = false
    public private(set) var selected = 0
    public private(set) var top = 0
    /// Rows of cases visible at the last key, for paging.
    var pageRows = 17

    /// The cases the filters let through, sorted: worked out when a filter, the sort or the
    /// cases change, not on every key typed into the search.
    /// Positions in `cases`: 8 bytes a row, where a copy of a summary is 512.
    private var filtered: [Int] = []
    /// While a search is typed, the positions in `filtered` of the cases it matches; nil
    /// without a search. Positions, not copies: narrowing 120,000 rows per key copies nothing.
    private var matching: [Int]?

    /// The rows shown, in order: filtered, searched, sorted.
    public var rows: [CaseSummary] { (0..<rowCount).map(row) }
    public var rowCount: Int { matching?.count ?? filtered.count }
    func row(_ index: Int) -> CaseSummary { cases[filtered[matching.map { $0[index] } ?? index]] }
    /// A row's case, read in place rather than by copying its summary.
    func rowID(_ index: Int) -> CaseID { cases[filtered[matching.map { $0[index] } ?? index]].id }
    var selectedID: CaseID? { (0..<rowCount).contains(selected) ? rowID(selected) : nil }

    /// - Parameter index: the name index of these cases, when the caller has one (the home
    ///   screen does): building it again costs a moment per 20,000 cases.
    public init(cases: [CaseSummary], user: UserName, today: CalendarDate, onlyMine: Bool = true,
                index: CaseSearchIndex? = nil, targets: StageTargets = StageTargets(days: [:]), canReassign: Bool = false) {
        self.cases = cases
        self.user = user
        self.today = today
        self.onlyMine = onlyMine
        self.targets = targets
        self.canReassign = canReassign
        searchIndex = index ?? CaseSearchIndex(cases)
        refilter(keeping: nil)
    }

    public init(cases: [CaseSummary], context: SessionContext, onlyMine: Bool = true, index: CaseSearchIndex? = nil) {
        self.init(cases: cases, user: context.user, today: context.today, onlyMine: onlyMine, index: index,
                  targets: context.reference?.stageTargets ?? StageTargets(days: [:]), canReassign: context.may(.reassignCases))
    }

    /// A queue opened on one caseworker's cases, or on the unassigned ones (nil), from the
    /// workload screen.
    public init(cases: [CaseSummary], context: SessionContext, caseworker: UserName?, index: CaseSearchIndex? = nil) {
        self.init(cases: cases, context: context, onlyMine: false, index: index)
        caseworkerFilter = caseworker
        if caseworker == nil { flagFilter = .unassigned }
        refilter(keeping: nil)
    }

    public var title: String { onlyMine ? "My cases" : "All cases" }
    public var minimumSize: Size { Size(width: 60, height: 16) }
    public var capturesText: Bool { search != nil && typing }

    public var keyTable: KeyTable<Action> {
        if search != nil, typing {
            return KeyTable([
                KeyBinding([.enter], .open, label: "Open", help: "Open the selected case"),
                KeyBinding([.escape], .stopSearch, label: "Done", help: "Stop searching (Ctrl-U clears the search)"),
                KeyBinding([.down], .down, label: "Move", help: "Select the next case"),
                KeyBinding([.up], .up, help: "Select the previous case"),
                KeyBinding([.pageDown], .pageDown, help: "Next page"),
                KeyBinding([.pageUp], .pageUp, help: "Previous page"),
            ])
        }
        return KeyTable([
            KeyBinding([.enter], .open, label: "Open", help: "Open the selected case"),
            KeyBinding([.character("/")], .startSearch, label: "Search", help: "Search names in either script, or case numbers, as you type"),
            KeyBinding([.character("s")], .sortNext, label: "Sort", help: "Sort by the next column"),
            KeyBinding([.character("S")], .reverseSort, help: "Reverse the sort order"),
            KeyBinding([.character("m")], .toggleMine, label: "Mine/all", help: "Switch between my cases and all cases"),
            KeyBinding([.character("t")], .cycleStage, label: "Stage", help: "Show one stage, the next, ... then every stage"),
            KeyBinding([.character("w")], .cycleCaseworker, help: "Show one caseworker's cases, the next, ... then everyone's"),
            KeyBinding([.character("c")], .cycleCountry, help: "Show one country's cases, the next, ... then every country"),
            KeyBinding([.character("f")], .cycleFlag, help: "Show one flag (family at high risk, equipment, consent, unassigned), the next, ... then all"),
            KeyBinding([.character("o")], .toggleOverdue, label: "Overdue", help: "Show only overdue cases (marked !: past the stage's target, or a follow-up late), or all"),
            KeyBinding([.character("u")], .toggleFollowUps, label: "Due",
                       help: "Show only cases with a job follow-up due (3, 6, 12 months), overdue ones marked !, or all"),
            KeyBinding([.character("x")], .clearFilters, help: "Clear the search and every filter"),
        ] + (canReassign ? [
            KeyBinding([.character("v")], .mark, label: "Mark", help: "Mark or unmark the selected case, and move down"),
            KeyBinding([.character("V")], .clearMarks, help: "Unmark every case"),
            KeyBinding([.character("R")], .reassign, label: "Reassign", help: "Give the marked cases (or the selected one) to another caseworker"),
        ] : []) + [
            KeyBinding([.down, .character("j")], .down, help: "Select the next case"),
            KeyBinding([.up, .character("k")], .up, help: "Select the previous case"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, help: "Next page"),
            KeyBinding([.pageUp, .character("b")], .pageUp, help: "Previous page"),
            KeyBinding([.home, .character("g")], .first, help: "First case"),
            KeyBinding([.end, .character("G")], .last, help: "Last case"),
        ])
    }

    public mutating func prepare(for area: Rect, now: Timestamp) {
        pageRows = max(1, area.height - 3)
    }

    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        let current = selectedID
        // Marked cases that were reassigned (or changed otherwise) are done with.
        let before = Dictionary(uniqueKeysWithValues: cases.map { ($0.id, $0.assignedTo) })
        marked = marked.filter { id in summaries.first { $0.id == id }.map { before[id] == $0.assignedTo } ?? false }
        cases = summaries
        searchIndex = searchIndex.updating(with: summaries)
        refilter(keeping: current)
        return []
    }

    public mutating func handle(_ action: Action) -> [Command] {
        let current = selectedID
        switch action {
        case .up: move(to: selected - 1)
        case .down: move(to: selected + 1)
        case .pageUp: move(to: selected - pageRows)
        case .pageDown: move(to: selected + pageRows)
        case .first: move(to: 0)
        case .last: move(to: rowCount - 1)
        case .sortNext:
            sortColumn = QueueColumn(rawValue: (sortColumn.rawValue + 1) % QueueColumn.allCases.count)!
            ascending = true
            refilter(keeping: current)
        case .reverseSort:
            ascending.toggle()
            refilter(keeping: current)
        case .cycleStage:
            stageFilter = Self.next(after: stageFilter, in: CaseStage.allCases)
            refilter(keeping: current)
        case .cycleCaseworker:
            caseworkerFilter = Self.next(after: caseworkerFilter, in: Set(cases.compactMap(\.assignedTo)).sorted())
            if caseworkerFilter != nil { onlyMine = false }
            refilter(keeping: current)
        case .cycleCountry:
            countryFilter = Self.next(after: countryFilter, in: Set(cases.compactMap(\.country)).sorted())
            refilter(keeping: current)
        case .cycleFlag:
            flagFilter = Self.next(after: flagFilter, in: CaseFlag.allCases)
            refilter(keeping: current)
        case .toggleOverdue:
            onlyOverdue.toggle()
            refilter(keeping: current)
        case .toggleFollowUps:
            onlyFollowUps.toggle()
            refilter(keeping: current)
        case .mark:
            guard let current else { return [] }
            if marked.remove(current) == nil { marked.insert(current) }
            move(to: selected + 1)
        case .clearMarks:
            marked = []
        case .reassign:
            let ids = marked.isEmpty ? current.map { [$0] } ?? [] : marked.sorted()
            guard !ids.isEmpty else { return [.status("No case is selected.", .info)] }
            return CaseActions.reassign(ids)
        case .toggleMine:
            onlyMine.toggle()
            if onlyMine { caseworkerFilter = nil }
            refilter(keeping: current)
        case .clearFilters:
            stageFilter = nil
            caseworkerFilter = nil
            countryFilter = nil
            flagFilter = nil
            onlyOverdue = false
            onlyFollowUps = false
            search = nil
            refilter(keeping: current)
        case .startSearch:
            search = search ?? TextField()
            typing = true
        case .stopSearch:
            search = nil
            refilter(keeping: current)
        case .open:
            guard let current else { return [.status("No case is selected.", .info)] }
            typing = false
            return [.openCase(current)]
        }
        return []
    }

    /// While searching, editing keys go to the search and the list follows as you type.
    public mutating func handleUnboundKey(_ key: Key) -> [Command]? {
        guard typing, var field = search, field.handle(key) else { return nil }
        let before = search?.text
        search = field
        if field.text != before { applySearch(keeping: nil) }
        return []
    }

    /// nil → first → second → ... → last → nil.
    static func next<T: Equatable>(after current: T?, in values: [T]) -> T? {
        guard let current else { return values.first }
        guard let index = values.firstIndex(of: current), index + 1 < values.count else { return nil }
        return values[index + 1]
    }

    mutating func move(to index: Int) {
        selected = max(0, min(rowCount - 1, index))
        if selected < top { top = selected }
        if selected >= top + pageRows { top = selected - pageRows + 1 }
        top = max(0, min(top, max(0, rowCount - pageRows)))
    }

    /// Filters and sorts again (a filter, the sort or the cases changed), then searches.
    mutating func refilter(keeping id: CaseID?) {
        filtered = computeRows()
        applySearch(keeping: id)
    }

    /// Narrows the filtered rows to the search typed: one pass over the name index and one
    /// over the rows' positions, the only work a key typed into the search does.
    mutating func applySearch(keeping id: CaseID?) {
        if let query = search?.text, !query.trimmingCharacters(in: .whitespaces).isEmpty {
            let found = searchIndex.matchSet(query)
            matching = filtered.indices.filter { found.contains(cases[filtered[$0]].id) }
        } else {
            matching = nil
        }
        selected = id.flatMap { id in (0..<rowCount).first { rowID($0) == id } } ?? 0
        top = 0
        move(to: selected)
    }

    func daysInStage(_ summary: CaseSummary) -> Int {
        max(0, summary.stageEnteredAt.date.days(until: today))
    }

    /// The job follow-up that is due or overdue today, if any (an open case's).
    func followUp(_ summary: CaseSummary) -> (months: Int, due: CalendarDate, state: FollowUpState)? {
        guard summary.stage != .closed, let job = summary.integration?.employment, let months = job.followUpMonths,
              let due = job.followUpDue, let state = job.followUpState(on: today), state != .upcoming else { return nil }
        return (months, due, state)
    }

    /// Fields are read in place (`all[x].stage`): a summary taken whole is a 500-byte copy
    /// with a dozen strings and arrays retained, millions of times in a sort of 120,000.
    func computeRows() -> [Int] {
        let all = cases
        var shown: [Int]
        if !onlyMine, stageFilter == nil, caseworkerFilter == nil, countryFilter == nil, flagFilter == nil, !onlyOverdue, !onlyFollowUps {
            shown = Array(all.indices)
        } else {
            shown = all.indices.filter { position in
                (!onlyMine || all[position].assignedTo == user)
                    && (stageFilter == nil || all[position].stage == stageFilter)
                    && (caseworkerFilter == nil || all[position].assignedTo == caseworkerFilter)
                    && (countryFilter == nil || all[position].country == countryFilter)
                    && (flagFilter == nil || all[position].flags.contains(flagFilter!))
                    && (!onlyOverdue || targets.daysLate(all[position], on: self.today) != nil)
                    && (!onlyFollowUps || followUp(all[position]) != nil)
            }
        }
        let today = self.today
        func key(_ a: Int, _ b: Int) -> Bool? {
            switch sortColumn {
            case .id: return nil
            case .cyrillicName: return all[a].cyrillicName == all[b].cyrillicName ? nil : all[a].cyrillicName < all[b].cyrillicName
            case .latinName: return all[a].latinName == all[b].latinName ? nil : all[a].latinName < all[b].latinName
            case .stage: return all[a].stage == all[b].stage ? nil : all[a].stage < all[b].stage
            case .daysInStage:
                let x = all[a].stageEnteredAt.date.days(until: today), y = all[b].stageEnteredAt.date.days(until: today)
                return x == y ? nil : x < y
            case .caseworker:
                let x = all[a].assignedTo?.rawValue ?? "", y = all[b].assignedTo?.rawValue ?? ""
                return x == y ? nil : x < y
            case .country:
                let x = all[a].country?.rawValue ?? "~", y = all[b].country?.rawValue ?? "~"
                return x == y ? nil : x < y
            }
        }
        let ascending = self.ascending
        if onlyFollowUps && sortColumn == .id {
            // Soonest due first: the most overdue at the top.
            return shown.map { ($0, followUp(all[$0])!.due, all[$0].id) }.sorted { ($0.1, $0.2) < ($1.1, $1.2) }.map(\.0)
        }
        // By case number over cases already in that order (the store's): nothing to sort.
        if sortColumn == .id, ascending, shown.indices.dropFirst().allSatisfy({ all[shown[$0 - 1]].id.number < all[shown[$0]].id.number }) {
            return shown
        }
        shown.sort { x, y in
            // Ties go by case number, so the order is stable whatever the column.
            guard let before = key(x, y) else { return ascending ? all[x].id < all[y].id : all[y].id < all[x].id }
            return ascending ? before : !before
        }
        return shown
    }

    /// Column widths for `width`: names share what the fixed columns leave; below 80 columns
    /// the Latin name and then (below 64) the caseworker go first.
    func widths(for width: Int) -> [QueueColumn: Int] {
        var fixed: [QueueColumn: Int] = [.id: 9, .stage: 11, .daysInStage: 5, .caseworker: 9, .country: 3]
        if width < 64 { fixed[.caseworker] = 0 }
        let used = fixed.values.reduce(0, +) + fixed.values.filter { $0 > 0 }.count + 1
        let names = max(6, width - used - 2)
        var result = fixed
        // Both scripts from 80 columns. A name too long for its column is shown as surname and
        // initials (Богданов И.П.), which says more than a name cut short and keeps a page of
        // 17 rows under 1.6 KB on the link (docs/DECISIONS.md).
        if width >= 80 {
            result[.cyrillicName] = names / 2
            result[.latinName] = names - names / 2 - 1
        } else {
            result[.cyrillicName] = names
            result[.latinName] = 0
        }
        return result
    }

    func line(_ cells: [QueueColumn: String], widths: [QueueColumn: Int]) -> String {
        var text = " "
        for column in QueueColumn.allCases {
            guard let width = widths[column], width > 0 else { continue }
            let value = cells[column] ?? ""
            if column == .daysInStage {
                let cut = DisplayWidth.truncate(value, to: width)
                text += String(repeating: " ", count: max(0, width - DisplayWidth.of(cut))) + cut + " "
            } else {
                text += DisplayWidth.fit(value, to: width) + " "
            }
        }
        return text
    }

    /// The filters in force, for the heading: "stage Screening · worker anna.k · search Влад".
    var filterSummary: String {
        var parts: [String] = []
        if let stageFilter { parts.append("stage \(stageFilter.title)") }
        if let caseworkerFilter { parts.append("worker \(caseworkerFilter)") }
        if let countryFilter { parts.append("country \(countryFilter)") }
        if let flagFilter { parts.append(flagFilter.title.lowercased()) }
        if onlyOverdue { parts.append("overdue") }
        if onlyFollowUps { parts.append("follow-ups due") }
        if !marked.isEmpty { parts.append("\(marked.count) marked") }
        return parts.joined(separator: " · ")
    }
}
