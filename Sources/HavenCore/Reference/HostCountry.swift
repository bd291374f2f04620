/// A host country: its official languages, its quota of places and how many places of each
/// scarcer kind it has (`PlaceKind`). The list, languages and quotas are data
/// (`data/countries.json`), not code.
public struct HostCountry: Hashable, Codable, Sendable, Identifiable {
    public var code: CountryCode
    public var name: String
    /// Official languages, ISO 639-1, the first being the main one taught on arrival.
    public var languages: [LanguageCode]
    public var quota: Int
    /// How many places of a kind the country has, for the kinds it limits; a kind not listed
    /// is limited by the quota alone. Written `"capacities": {"medical-support": 40}`.
    public var capacities: [PlaceKind: Int]

    public var id: CountryCode { code }

    public init(code: CountryCode, name: String, languages: [LanguageCode], quota: Int = HostCountry.defaultQuota,
                capacities: [PlaceKind: Int] = [:]) {
        self.code = code
        self.name = name
        self.languages = languages
        self.quota = quota
        self.capacities = capacities
    }

    /// The places of `kind` the country has: nil when only the quota limits them.
    public func capacity(_ kind: PlaceKind) -> Int? { capacities[kind] }

    /// Its places in a few words: "quota 6000, family housing 29" (each kind it limits).
    public var placesSummary: String {
        (["quota \(quota)"] + PlaceKind.allCases.compactMap { kind in capacities[kind].map { "\(kind.shortTitle) \($0)" } })
            .joined(separator: ", ")
    }

    /// A word for whoever set a kind's number above the quota (allowed: the quota may be
    /// raised later, but a place of a kind is one of the country's places, so only as many
    /// as the quota can be used meanwhile): "medical support 50 above the quota 30: only 30
    /// usable"; nil when no kind is.
    public var kindsAboveQuota: String? {
        let above = PlaceKind.allCases.compactMap { kind in capacities[kind].flatMap { $0 > quota ? "\(kind.shortTitle) \($0)" : nil } }
        guard !above.isEmpty else { return nil }
        return above.joined(separator: " and ") + " above the quota \(quota): only \(quota) usable"
    }

    enum CodingKeys: String, CodingKey {
        case code, name, languages, quota, capacities
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(CountryCode.self, forKey: .code)
        name = try c.decode(String.self, forKey: .name)
        languages = try c.decode([LanguageCode].self, forKey: .languages)
        quota = try c.decode(Int.self, forKey: .quota)
        var capacities: [PlaceKind: Int] = [:]
        for (key, value) in try c.decodeIfPresent([String: Int].self, forKey: .capacities) ?? [:] {
            guard let kind = PlaceKind(rawValue: key) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .capacities, in: c,
                    debugDescription: "\(key) is not a kind of place (\(PlaceKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            capacities[kind] = value
        }
        self.capacities = capacities
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(name, forKey: .name)
        try c.encode(languages, forKey: .languages)
        try c.encode(quota, forKey: .quota)
        // Absent when no kind is limited, so a store written before kinds existed reads the same.
        if !capacities.isEmpty {
            try c.encode(Dictionary(uniqueKeysWithValues: capacities.map { ($0.key.rawValue, $0.value) }), forKey: .capacities)
        }
    }

    /// The programme's default: twenty countries taking 6,000 each absorb 120,000.
    public static let defaultQuota = 6000
}

/// An ISCO-08 unit group with its title (`8332`, "Heavy truck and lorry drivers").
public struct OccupationGroup: Hashable, Codable, Sendable {
    public var code: ISCOCode
    public var title: String

    public init(code: ISCOCode, title: String) {
        self.code = code
        self.title = title
    }
}

/// A military specialty of the Russian forces and the civilian occupations it leads to.
public struct MilitarySpecialty: Hashable, Codable, Sendable, Identifiable {
    /// A stable identifier (`tank-driver-mechanic`), what a case records.
    public var code: String
    public var name: String
    public var russianName: String
    /// ISCO-08 unit groups the specialty maps to, the closest first.
    public var occupations: [ISCOCode]

    public var id: String { code }

    public init(code: String, name: String, russianName: String, occupations: [ISCOCode]) {
        self.code = code
        self.name = name
        self.russianName = russianName
        self.occupations = occupations
    }
}

/// The contents of `data/occupations.json`.
public struct OccupationCatalogue: Hashable, Codable, Sendable {
    public var unitGroups: [OccupationGroup]
    public var specialties: [MilitarySpecialty]

    public init(unitGroups: [OccupationGroup], specialties: [MilitarySpecialty]) {
        self.unitGroups = unitGroups
        self.specialties = specialties
    }

    public func group(_ code: ISCOCode) -> OccupationGroup? {
        unitGroups.first { $0.code == code }
    }

    public func specialty(_ code: String) -> MilitarySpecialty? {
        specialties.first { $0.code == code }
    }

    /// The occupations suggested for a specialty, with their titles, closest first.
    public func suggestedOccupations(for specialtyCode: String) -> [OccupationGroup] {
        specialty(specialtyCode)?.occupations.compactMap(group) ?? []
    }

    /// Specialties whose English or Russian name contains `text`, for a pick list.
    public func specialties(matching text: String) -> [MilitarySpecialty] {
        let needle = text.lowercased()
        guard !needle.isEmpty else { return specialties }
        return specialties.filter {
            $0.name.lowercased().contains(needle) || $0.russianName.lowercased().contains(needle)
                || $0.code.contains(needle)
        }
    }
}

/// All the reference data Haven loads at start.
public struct ReferenceData: Hashable, Sendable {
    public var countries: [HostCountry]
    public var occupations: OccupationCatalogue
    /// Days each stage should take at most; past it a case is overdue.
    public var stageTargets: StageTargets
    /// How the allocation engine weighs a case in a country.
    public var allocation: AllocationPolicy
    /// Who may be brought by default, and the documents checklist.
    public var reunification: ReunificationPolicy
    /// How long closed cases keep their personal data (`data/retention.json`).
    public var retention: RetentionSchedule

    public init(countries: [HostCountry], occupations: OccupationCatalogue, stageTargets: StageTargets = StageTargets(days: [:]),
                allocation: AllocationPolicy = .plain, reunification: ReunificationPolicy = .standard,
                retention: RetentionSchedule = .standard) {
        self.retention = retention
        self.reunification = reunification
        self.countries = countries
        self.occupations = occupations
        self.stageTargets = stageTargets
        self.allocation = allocation
    }
}
