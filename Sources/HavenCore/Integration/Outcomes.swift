/// A share of a group: how many of how many.
public struct Rate: Hashable, Sendable {
    public var label: String
    public var count: Int
    public var total: Int

    public init(label: String, count: Int, total: Int) {
        self.label = label
        self.count = count
        self.total = total
    }

    /// 0 when the group is empty.
    public var fraction: Double { total == 0 ? 0 : Double(count) / Double(total) }
    /// Whole per cent, rounded half up: 2 of 3 is 67.
    public var percent: Int { total == 0 ? 0 : (count * 200 + total) / (total * 2) }
}

/// What integration has achieved, from the summaries: who of those arrived is employed, by
/// host country and by months since arrival, and the language levels reached.
public struct IntegrationOutcomes: Hashable, Sendable {
    /// Months-since-arrival groups: lower bounds, in months.
    public static let monthBands = [0, 3, 6, 12, 24]

    public var byCountry: [Rate]
    public var byMonths: [Rate]
    /// Cases by the latest level assessed in their host country's main language (or, when it
    /// has not been assessed, the language assessed most recently), A1 to C2.
    public var levels: [Rate]
    /// Of the cases assessed at least twice in a language, those who went up a level or more.
    public var improved: Rate
    public var employed: Rate

    public init(summaries: [CaseSummary], countries: [HostCountry], today: CalendarDate) {
        var perCountry: [CountryCode: (employed: Int, total: Int)] = [:]
        var perBand = Array(repeating: (employed: 0, total: 0), count: Self.monthBands.count)
        var levelCounts: [CEFRLevel: Int] = [:]
        var assessedTwice = 0, improved = 0
        let mainLanguage = Dictionary(countries.compactMap { c in c.languages.first.map { (c.code, $0) } }, uniquingKeysWith: { a, _ in a })
        for summary in summaries {
            guard let integration = summary.integration else { continue }
            if let country = summary.country, let arrived = integration.arrivedOn, arrived <= today {
                let employed = integration.isEmployed(on: today) ? 1 : 0
                perCountry[country, default: (0, 0)].employed += employed
                perCountry[country, default: (0, 0)].total += 1
                let months = arrived.months(until: today)
                let band = Self.monthBands.lastIndex { months >= $0 } ?? 0
                perBand[band].employed += employed
                perBand[band].total += 1
            }
            let progress = integration.progress
            guard !progress.isEmpty else { continue }
            let main = summary.country.flatMap { mainLanguage[$0] }
            let chosen = progress.first { $0.language == main } ?? progress.max { $0.latestOn < $1.latestOn }!
            levelCounts[chosen.latest, default: 0] += 1
            let repeated = progress.filter { $0.assessments >= 2 }
            if !repeated.isEmpty {
                assessedTwice += 1
                if repeated.contains(where: { $0.gain > 0 }) { improved += 1 }
            }
        }
        let names = Dictionary(countries.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        byCountry = perCountry.keys.sorted().map { code in
            Rate(label: "\(code) \(names[code] ?? "")".trimmingCharacters(in: .whitespaces), count: perCountry[code]!.employed,
                 total: perCountry[code]!.total)
        }
        byMonths = Self.monthBands.indices.map { index in
            let low = Self.monthBands[index]
            let label = index + 1 < Self.monthBands.count ? "\(low)–\(Self.monthBands[index + 1] - 1) months" : "\(low)+ months"
            return Rate(label: label, count: perBand[index].employed, total: perBand[index].total)
        }
        let assessed = levelCounts.values.reduce(0, +)
        levels = CEFRLevel.allCases.map { Rate(label: $0.rawValue, count: levelCounts[$0] ?? 0, total: assessed) }
        self.improved = Rate(label: "improved", count: improved, total: assessedTwice)
        employed = Rate(label: "employed", count: byCountry.map(\.count).reduce(0, +), total: byCountry.map(\.total).reduce(0, +))
    }
}
