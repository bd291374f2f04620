import HavenCore

/// What a supervisor watches, on one scrolling page: cases by stage (with overdue), quota use
/// per host country, decisions per week, and the outcome panels, each from the store's data
/// and each saying so plainly when there is nothing yet.
public struct DashboardScreen: Screen {
    public enum Action: Sendable { case down, up, pageDown, pageUp, first }

    enum Row: Hashable {
        case heading(String)
        case bar(BarChart.Row)
        case text(String)
        case blank
    }

    public private(set) var cases: [CaseSummary]
    let context: SessionContext
    /// The host countries and quotas as the store has them (another session's change of a
    /// quota shows at the next look), the reference data's until it answers.
    public private(set) var countries: [HostCountry]
    public private(set) var scroll = 0
    var pageRows = 20
    /// Worked out when the cases change, not on every key: 120,000 cases take a moment.
    private(set) var rows: [Row] = []

    public init(cases: [CaseSummary], context: SessionContext) {
        self.cases = cases
        self.context = context
        countries = context.reference?.countries ?? []
        rows = computeRows()
    }

    public mutating func start() -> [Command] { [.query(.hostCountries)] }

    public mutating func receive(reply: StoreReply) -> [Command] {
        // An empty answer is a store with no list of its own (in memory): the reference's stays.
        guard case let .hostCountries(list) = reply, !list.isEmpty, list != countries else { return [] }
        countries = list
        rows = computeRows()
        return []
    }

    public var title: String { "Dashboard" }
    public var minimumSize: Size { Size(width: 60, height: 12) }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.down, .character("j")], .down, label: "Scroll", help: "Scroll down"),
            KeyBinding([.up, .character("k")], .up, help: "Scroll up"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, label: "Page", help: "Next page"),
            KeyBinding([.pageUp, .character("b")], .pageUp, help: "Previous page"),
            KeyBinding([.home, .character("g")], .first, help: "Back to the top"),
        ])
    }

    public mutating func prepare(for area: Rect, now: Timestamp) { pageRows = max(1, area.height) }

    /// Others' saves and approvals, and any change of a quota, within the poll.
    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        cases = summaries
        rows = computeRows()
        return [.query(.hostCountries)]
    }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .down: scroll += 1
        case .up: scroll -= 1
        case .pageDown: scroll += pageRows - 1
        case .pageUp: scroll -= pageRows - 1
        case .first: scroll = 0
        }
        scroll = max(0, min(scroll, rows.count - pageRows))
        return []
    }

    func computeRows() -> [Row] {
        let day = context.today
        let targets = context.reference?.stageTargets ?? StageTargets(days: [:])
        var rows: [Row] = []
        // Stages.
        let pipeline = Supervision.pipeline(cases, targets: targets, today: day)
        let most = pipeline.map(\.count).max() ?? 0
        rows.append(.heading("Cases by stage · \(BarChart.grouped(cases.count)) in all"))
        if cases.isEmpty { rows.append(.text("No cases yet: register one from Intake.")) }
        for line in pipeline where !cases.isEmpty {
            let overdue = line.stage == .closed ? "" : line.overdue > 0 ? " · \(line.overdue) overdue" : ""
            rows.append(.bar(BarChart.Row(label: line.stage.title, value: line.count, maximum: most, figures: "\(line.count)\(overdue)")))
        }
        // Quotas.
        let uses = Supervision.quotaUse(cases, countries: countries)
        let used = uses.map(\.used).reduce(0, +), quota = uses.map(\.country.quota).reduce(0, +)
        rows += [.blank, .heading("Quota use by host country · \(BarChart.grouped(used)) of \(BarChart.grouped(quota)) places · | marks each quota")]
        if uses.isEmpty { rows.append(.text("No host countries are loaded.")) }
        if !uses.isEmpty, used == 0 { rows.append(.text("No allocation has been approved yet, so every place is free.")) }
        for use in uses {
            rows.append(.bar(BarChart.Row(label: "\(use.country.code) \(use.country.name)", value: use.used, maximum: use.country.quota,
                                          figures: "\(BarChart.grouped(use.used))/\(BarChart.grouped(use.country.quota)) \(BarChart.percent(use.used, of: use.country.quota))",
                                          marksFull: true)))
        }
        // Decisions.
        let weeks = Supervision.decisionsPerWeek(cases, weeks: 8, today: day)
        // Counted, not collected: a filtered copy of 30,000 summaries only to count them
        // was the dashboard's peak of memory.
        func count(_ test: (CaseSummary) -> Bool) -> Int { cases.reduce(0) { $0 + (test($1) ? 1 : 0) } }
        let waiting = count { $0.pendingApproval != nil }
        let busiest = weeks.map(\.total).max() ?? 0
        rows += [.blank, .heading("Decisions approved per week · \(waiting) awaiting approval")]
        if busiest == 0 { rows.append(.text("No decision was approved in the last 8 weeks.")) }
        for week in weeks where busiest > 0 {
            let parts = DecisionOutcome.allCases.compactMap { outcome in
                week.byOutcome[outcome].map { "\($0) \(outcome.rawValue)" }
            } + (week.returned > 0 ? ["\(week.returned) returned"] : [])
            rows.append(.bar(BarChart.Row(label: "from \(week.weekStart)", value: week.total, maximum: busiest,
                                          figures: parts.isEmpty ? "0" : parts.joined(separator: " · "))))
        }
        // Outcomes: employment by country and by months since arrival, levels reached.
        let outcomes = IntegrationOutcomes(summaries: cases, countries: countries, today: day)
        let atRisk = count { $0.flags.contains(.highRiskFamily) && $0.stage != .closed }
        rows += [.blank, .heading("Employment by host country · \(outcomes.employed.count) of \(outcomes.employed.total) arrived in work (\(outcomes.employed.percent)%)")]
        if outcomes.employed.total == 0 { rows.append(.text("Nobody has arrived in a host country yet.")) }
        func rateBar(_ rate: Rate) -> Row {
            .bar(BarChart.Row(label: rate.label, value: rate.count, maximum: rate.total,
                              figures: "\(rate.count)/\(rate.total) \(BarChart.percent(rate.count, of: rate.total))", marksFull: true))
        }
        rows += outcomes.byCountry.map(rateBar)
        rows += [.blank, .heading("Employment by months since arrival")]
        rows += outcomes.byMonths.filter { $0.total > 0 }.map(rateBar)
        let assessed = outcomes.levels.first?.total ?? 0
        let common = outcomes.levels.map(\.count).max() ?? 0
        rows += [.blank, .heading("Language levels reached · \(assessed) assessed, \(outcomes.improved.count) of \(outcomes.improved.total) reassessed went up")]
        if assessed == 0 { rows.append(.text("No language assessment is recorded yet.")) }
        for level in outcomes.levels where assessed > 0 {
            rows.append(.bar(BarChart.Row(label: level.label, value: level.count, maximum: common, figures: "\(level.count) \(level.percent)%")))
        }
        // Reunification: family members per stage, overdue next actions, linked cases.
        let family = ReunificationProgress(cases, today: day)
        rows += [.blank, .heading("Reunification · \(family.reunited) of \(family.members) family members reunited, \(family.overdue) action\(family.overdue == 1 ? "" : "s") overdue")]
        if family.members == 0 { rows.append(.text("No family member is recorded yet.")) }
        let largest = family.byStage.values.max() ?? 0
        for stage in ReunificationStage.allCases where family.members > 0 {
            let count = family.byStage[stage] ?? 0
            rows.append(.bar(BarChart.Row(label: stage.title, value: count, maximum: largest,
                                          figures: "\(count) \(family.members == 0 ? 0 : count * 100 / family.members)%")))
        }
        let stories = count { $0.publicity?.isApproved == true }
        let waitingStories = count { $0.publicity?.isInQueue == true && $0.publicity?.verdict == nil }
        rows += [.blank, .text("Open cases with family at high risk: \(atRisk)."),
                 .text("Family members with their own case (linked): \(family.linkedCases).")]
        rows.append(.text("Public stories approved: \(stories); waiting for approval: \(waitingStories)."))
        return rows
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let all = rows
        let first = max(0, min(scroll, all.count - area.height))
        let bars = all.compactMap { row -> BarChart.Row? in if case let .bar(bar) = row { return bar } else { return nil } }
        let labelWidth = min(22, max(10, bars.map { DisplayWidth.of($0.label) }.max() ?? 10))
        let figuresWidth = min(area.width / 3, max(6, bars.map { DisplayWidth.of($0.figures) }.max() ?? 6))
        // The last line says there is more, rather than hide a row's figures.
        let more = first + area.height < all.count
        for (offset, row) in all.dropFirst(first).prefix(area.height - (more ? 1 : 0)).enumerated() {
            let y = area.y + offset
            switch row {
            case let .heading(text): canvas.put(" " + text, x: area.x, y: y, width: area.width, style: .heading)
            case let .text(text): canvas.put("   " + text, x: area.x, y: y, width: area.width, style: .muted)
            case .blank: break
            case let .bar(bar):
                BarChart.draw(bar, into: &canvas, x: area.x, y: y, width: area.width, labelWidth: labelWidth, figuresWidth: figuresWidth)
            }
        }
        if more {
            let text = "more below ↓ (PgDn)"
            canvas.put(text, x: area.maxX - DisplayWidth.of(text) - 1, y: area.maxY - 1, style: .muted)
        }
    }
}
