import Foundation

public enum ReportKind: String, CaseIterable, Sendable {
    case pipeline, quotas, workload, decisions, outcomes

    public var title: String {
        switch self {
        case .pipeline: "Pipeline: cases by stage"
        case .quotas: "Quotas: places per host country"
        case .workload: "Workload per caseworker"
        case .decisions: "Decisions per week"
        case .outcomes: "Integration outcomes: employment and language levels"
        }
    }
}

/// A report as a table: the same rows become aligned text for a terminal or CSV for a
/// spreadsheet, so the two can never disagree.
public struct ReportTable: Hashable, Sendable {
    public var title: String
    public var columns: [String]
    /// Columns whose cells are numbers, aligned right in text.
    public var numeric: Set<Int>
    public var rows: [[String]]
    /// Lines under the table: totals, what the figures mean.
    public var notes: [String]

    public init(title: String, columns: [String], numeric: Set<Int>, rows: [[String]], notes: [String]) {
        self.title = title
        self.columns = columns
        self.numeric = numeric
        self.rows = rows
        self.notes = notes
    }

    /// Aligned columns, a rule under the header, notes after; widths count characters, so
    /// Cyrillic names line up.
    public var text: String {
        var widths = columns.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
                return numeric.contains(index) ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var lines = [title, "", line(columns), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += rows.map(line)
        if !notes.isEmpty { lines += [""] + notes }
        return lines.joined(separator: "\n") + "\n"
    }

    public var csv: String { CSV.document(header: columns, rows: rows) }
}

/// The supervisors' reports, from case summaries, the store's users and reference data.
public enum Reports {
    public static func make(_ kind: ReportKind, summaries: [CaseSummary], users: UserDirectory,
                            reference: ReferenceData, today: CalendarDate) -> ReportTable {
        switch kind {
        case .pipeline: pipeline(summaries, targets: reference.stageTargets, today: today)
        case .quotas: quotas(summaries, countries: reference.countries)
        case .workload: workload(summaries, users: users, targets: reference.stageTargets, today: today)
        case .decisions: decisions(summaries, today: today)
        case .outcomes: outcomes(summaries, countries: reference.countries, today: today)
        }
    }

    static func outcomes(_ summaries: [CaseSummary], countries: [HostCountry], today: CalendarDate) -> ReportTable {
        let outcomes = IntegrationOutcomes(summaries: summaries, countries: countries, today: today)
        func rows(_ measure: String, _ rates: [Rate]) -> [[String]] {
            rates.map { [measure, $0.label, String($0.count), String($0.total), String($0.percent)] }
        }
        let table = rows("employed_by_country", outcomes.byCountry) + rows("employed_by_months_since_arrival", outcomes.byMonths)
            + rows("level_reached", outcomes.levels) + rows("improved_a_level", [outcomes.improved])
        return ReportTable(title: "\(ReportKind.outcomes.title), \(today)", columns: ["measure", "group", "count", "of", "percent"],
                           numeric: [2, 3, 4], rows: table,
                           notes: ["\(outcomes.employed.count) of \(outcomes.employed.total) people who have arrived are in work (\(outcomes.employed.percent)%).",
                                   "Levels: the latest assessed in the host country's main language (else the latest assessed at all); "
                                       + "improved: of those assessed twice or more in a language, who went up a level."])
    }

    static func pipeline(_ summaries: [CaseSummary], targets: StageTargets, today: CalendarDate) -> ReportTable {
        let lines = Supervision.pipeline(summaries, targets: targets, today: today)
        let rows = lines.map { line in
            [line.stage.title, String(line.count), line.stage == .closed ? "" : String(line.overdue),
             line.target.map(String.init) ?? "", line.medianDays.map(String.init) ?? "", line.oldestDays.map(String.init) ?? ""]
        }
        let open = lines.filter { $0.stage != .closed }
        return ReportTable(title: "\(ReportKind.pipeline.title), \(today)",
                           columns: ["stage", "cases", "overdue", "target_days", "median_days", "oldest_days"],
                           numeric: [1, 2, 3, 4, 5], rows: rows,
                           notes: ["\(summaries.count) cases; \(open.map(\.count).reduce(0, +)) open, \(open.map(\.overdue).reduce(0, +)) overdue."])
    }

    public static func quotas(_ summaries: [CaseSummary], countries: [HostCountry]) -> ReportTable {
        let uses = Supervision.quotaUse(summaries, countries: countries)
        // Each kind of place some country limits: its number (blank where only the quota
        // limits it), used and held.
        let kinds = PlaceKind.allCases.filter { kind in countries.contains { $0.capacity(kind) != nil } }
        let rows = uses.map { use in
            [use.country.code.rawValue, use.country.name, String(use.country.quota), String(use.used), String(use.reserved),
             String(use.free), String(format: "%.1f", use.fraction * 100)]
                + kinds.flatMap { kind -> [String] in
                    let taken = use.kinds.first { $0.kind == kind }
                    return [taken?.capacity.map(String.init) ?? "", String(taken?.used ?? 0), String(taken?.reserved ?? 0)]
                }
        }
        let quota = uses.map(\.country.quota).reduce(0, +), used = uses.map(\.used).reduce(0, +)
        let held = uses.map(\.reserved).reduce(0, +)
        let kindColumns = kinds.flatMap { kind -> [String] in
            // Short names: the text table stays readable ("housing", "medical").
            let name = kind == .familyHousing ? "housing" : "medical"
            return [name, name + "_used", name + "_held"]
        }
        return ReportTable(title: ReportKind.quotas.title,
                           columns: ["country", "name", "quota", "used", "held", "free", "used_percent"] + kindColumns,
                           numeric: Set([2, 3, 4, 5, 6] + (0..<kindColumns.count).map { 7 + $0 }), rows: rows,
                           notes: ["\(used) of \(quota) places used and \(held) held by proposals awaiting approval, in \(uses.count) countries."])
    }

    static func workload(_ summaries: [CaseSummary], users: UserDirectory, targets: StageTargets, today: CalendarDate) -> ReportTable {
        let stages = CaseStage.allCases.filter { $0 != .closed }
        let rows = Supervision.workload(summaries, users: users, targets: targets, today: today).map { row in
            [row.user?.rawValue ?? "(unassigned)", row.role?.rawValue ?? ""]
                + stages.map { String(row.byStage[$0] ?? 0) } + [String(row.active), String(row.overdue), String(row.awaitingReview)]
        }
        return ReportTable(title: "\(ReportKind.workload.title), \(today)",
                           columns: ["user", "role"] + stages.map(\.rawValue) + ["active", "overdue", "awaiting_review"],
                           numeric: Set(2..<(2 + stages.count + 3)), rows: rows, notes: [])
    }

    static func decisions(_ summaries: [CaseSummary], today: CalendarDate) -> ReportTable {
        let weeks = Supervision.decisionsPerWeek(summaries, weeks: 12, today: today)
        let rows = weeks.map { week in
            [week.weekStart.description] + DecisionOutcome.allCases.map { String(week.byOutcome[$0] ?? 0) }
                + [String(week.returned), String(week.total)]
        }
        let waiting = Supervision.approvals(summaries).count
        return ReportTable(title: "\(ReportKind.decisions.title), 12 weeks to \(today)",
                           columns: ["week_starting"] + DecisionOutcome.allCases.map { "approved_\($0.rawValue)" } + ["returned", "approved_total"],
                           numeric: Set(1...(DecisionOutcome.allCases.count + 2)), rows: rows,
                           notes: ["\(waiting) proposed decision\(waiting == 1 ? "" : "s") awaiting a supervisor."])
    }
}
