/// How close a person's occupations come to an opening's: the ISCO-08 digits they share.
public enum OccupationFit: Int, Comparable, Sendable {
    case none = 0, majorGroup, subMajorGroup, minorGroup, unitGroup

    public static func < (a: OccupationFit, b: OccupationFit) -> Bool { a.rawValue < b.rawValue }

    /// The best fit of any of `occupations` to `wanted`, and the occupation giving it.
    static func best(_ occupations: [ISCOCode], for wanted: ISCOCode) -> (fit: OccupationFit, by: ISCOCode?) {
        var best: (fit: OccupationFit, by: ISCOCode?) = (.none, nil)
        for code in occupations {
            let shared = zip(code.rawValue, wanted.rawValue).prefix { $0 == $1 }.count
            let fit = OccupationFit(rawValue: shared) ?? .none
            if fit > best.fit { best = (fit, code) }
        }
        return best
    }
}

/// Where the job is, against where the person is allocated.
public enum LocationFit: Int, Comparable, Sendable {
    case otherCountry = 0, notAllocated, sameCountry

    public static func < (a: LocationFit, b: LocationFit) -> Bool { a.rawValue < b.rawValue }
}

/// One language an opening needs, against the person's level in it.
public struct LanguageFit: Hashable, Sendable {
    public var requirement: LanguageRequirement
    public var level: CEFRLevel?

    /// Levels missing: 0 when met; a person without the language is short of every level up
    /// to the minimum.
    public var shortBy: Int { max(0, requirement.minimum.rank - (level?.rank ?? 0)) }
}

/// What matching needs of a case, from its summary.
public struct MatchProfile: Hashable, Sendable {
    public var id: CaseID
    public var name: String
    public var stage: CaseStage
    public var country: CountryCode?
    public var levels: [LanguageCode: CEFRLevel]
    public var occupations: [ISCOCode]
    public var employed: Bool
    public var appliedTo: Set<String>

    /// The case's own occupations; while the caseworker has recorded none, those its military
    /// specialty suggests.
    public init(summary: CaseSummary, occupations catalogue: OccupationCatalogue, today: CalendarDate) {
        let integration = summary.integration ?? IntegrationSummary()
        var occupations = integration.occupations
        if occupations.isEmpty, let specialty = integration.specialty {
            occupations = catalogue.specialty(specialty)?.occupations ?? []
        }
        id = summary.id
        name = summary.cyrillicName
        stage = summary.stage
        country = summary.country
        levels = Dictionary(integration.levels.map { ($0.language, $0.level) }, uniquingKeysWith: max)
        self.occupations = occupations
        employed = integration.isEmployed(on: today)
        appliedTo = Set(integration.applications)
    }

    /// Ready for work: arrived or on the way to a country, not closed, not in a job.
    public var isLookingForWork: Bool { (stage == .relocation || stage == .integration) && !employed }
}

/// One opening for one case, with the reasons for its place in the ranking.
public struct JobMatch: Hashable, Sendable {
    public var opening: JobOpening
    public var profile: MatchProfile
    public var occupation: OccupationFit
    /// The person's occupation that gave the fit.
    public var matchedOccupation: ISCOCode?
    public var languages: [LanguageFit]
    public var location: LocationFit
    public var placesLeft: Int

    public init(opening: JobOpening, profile: MatchProfile, placesLeft: Int) {
        self.opening = opening
        self.profile = profile
        let best = OccupationFit.best(profile.occupations, for: opening.occupation)
        occupation = best.fit
        matchedOccupation = best.by
        languages = opening.languages.map { LanguageFit(requirement: $0, level: profile.levels[$0.language]) }
        location = profile.country == nil ? .notAllocated : profile.country == opening.country ? .sameCountry : .otherCountry
        self.placesLeft = placesLeft
    }

    /// Levels missing over all the opening's languages.
    public var languageShortfall: Int { languages.map(\.shortBy).reduce(0, +) }

    /// The ranking, best first: a place left, then the country, then every language met, then
    /// the occupation, then the fewest levels missing; ties by opening start date and case.
    public static func ranksBefore(_ a: JobMatch, _ b: JobMatch) -> Bool {
        func key(_ m: JobMatch) -> [Int] {
            [m.placesLeft > 0 ? 1 : 0, m.location.rawValue, m.languageShortfall == 0 ? 1 : 0, m.occupation.rawValue, -m.languageShortfall]
        }
        let ka = key(a), kb = key(b)
        if ka != kb { return ka.lexicographicallyPrecedes(kb, by: >) }
        if a.opening.startDate != b.opening.startDate { return a.opening.startDate < b.opening.startDate }
        if a.opening.id != b.opening.id { return a.opening.id < b.opening.id }
        return a.profile.id < b.profile.id
    }

    /// The reasons, in the order of the ranking.
    public var reasons: [String] {
        var reasons: [String] = []
        if placesLeft == 0 { reasons.append("no place left (\(opening.places) filled)") }
        switch location {
        case .sameCountry: reasons.append("in \(opening.country), where the case is allocated")
        case .notAllocated: reasons.append("in \(opening.country); the case has no country yet")
        case .otherCountry: reasons.append("in \(opening.country); the case is allocated to \(profile.country!)")
        }
        for fit in languages {
            let have = fit.level.map { "\(fit.requirement.language) \($0.rawValue)" } ?? "no \(fit.requirement.language)"
            reasons.append(fit.shortBy == 0 ? "\(have) meets \(fit.requirement.minimum.rawValue)"
                : "\(have), short by \(fit.shortBy) level\(fit.shortBy == 1 ? "" : "s") of \(fit.requirement.minimum.rawValue)")
        }
        if opening.languages.isEmpty { reasons.append("no language required") }
        let wanted = opening.occupation.rawValue
        switch occupation {
        case .unitGroup: reasons.append("occupation \(wanted) matches")
        case .none:
            reasons.append("no related occupation" + (profile.occupations.isEmpty ? " recorded" : " (has \(profile.occupations.prefix(3).map(\.rawValue).joined(separator: ", ")))"))
        default:
            let group = String(wanted.prefix(occupation.rawValue))
            reasons.append("related occupation \(matchedOccupation!.rawValue) (group \(group))")
        }
        return reasons
    }
}

/// Openings for a case and candidates for an opening, ranked the same way.
public enum JobMatching {
    /// Every opening for the case, best first.
    public static func openings(for profile: MatchProfile, in openings: [JobOpening], use: CatalogueUse) -> [JobMatch] {
        openings.map { JobMatch(opening: $0, profile: profile, placesLeft: max(0, $0.places - (use.taken[$0.id] ?? 0))) }
            .sorted(by: JobMatch.ranksBefore)
    }

    /// The cases looking for work in the opening's country, best first, at most `limit`.
    public static func candidates(for opening: JobOpening, summaries: [CaseSummary], occupations: OccupationCatalogue,
                                  use: CatalogueUse, today: CalendarDate, limit: Int = 200) -> [JobMatch] {
        let left = max(0, opening.places - (use.taken[opening.id] ?? 0))
        var matches: [JobMatch] = []
        for summary in summaries where summary.country == opening.country && (summary.stage == .relocation || summary.stage == .integration) {
            let profile = MatchProfile(summary: summary, occupations: occupations, today: today)
            guard profile.isLookingForWork else { continue }
            matches.append(JobMatch(opening: opening, profile: profile, placesLeft: left))
        }
        matches.sort(by: JobMatch.ranksBefore)
        return Array(matches.prefix(limit))
    }
}
