/// What the allocation engine needs to know about one case, read once from its record.
public struct AllocationProfile: Hashable, Sendable {
    public var id: CaseID
    /// The best level in each language the person speaks.
    public var languages: [LanguageCode: CEFRLevel]
    /// ISCO-08 groups from the person's skills and from the military specialty.
    public var occupations: Set<ISCOCode>
    /// First choice first.
    public var preferences: [CountryCode]
    public var hasSpecialNeeds: Bool
    /// Family members already living in a host country, counted per country.
    public var relativesIn: [CountryCode: Int]
    /// Defector relatives with their own case: they go to the same country.
    public var linkedCases: Set<CaseID>

    public init(id: CaseID, languages: [LanguageCode: CEFRLevel] = [:], occupations: Set<ISCOCode> = [],
                preferences: [CountryCode] = [], hasSpecialNeeds: Bool = false, relativesIn: [CountryCode: Int] = [:],
                linkedCases: Set<CaseID> = []) {
        self.id = id
        self.languages = languages
        self.occupations = occupations
        self.preferences = preferences
        self.hasSpecialNeeds = hasSpecialNeeds
        self.relativesIn = relativesIn
        self.linkedCases = linkedCases
    }

    public init(record: Case, occupations catalogue: OccupationCatalogue) {
        var languages: [LanguageCode: CEFRLevel] = [:]
        for skill in record.defector.languages where languages[skill.language].map({ $0 < skill.level }) ?? true {
            languages[skill.language] = skill.level
        }
        var occupations = Set(record.defector.skills.compactMap(\.occupation))
        if let specialty = record.defector.service.specialty {
            occupations.formUnion(catalogue.specialty(specialty)?.occupations ?? [])
        }
        var relatives: [CountryCode: Int] = [:]
        for member in record.family where member.whereabouts == .hostCountry && member.stage != .withdrawn {
            if let country = member.country { relatives[country, default: 0] += 1 }
        }
        self.init(id: record.id, languages: languages, occupations: occupations,
                  preferences: record.defector.preferredCountries,
                  hasSpecialNeeds: !record.defector.healthNeeds.trimmingCharacters(in: .whitespaces).isEmpty,
                  relativesIn: relatives, linkedCases: Set(record.family.compactMap(\.linkedCase)))
    }
}

/// Scores a case in a country, factor by factor, from the policy (`data/allocation.json`).
/// Codes are turned into small integers once, so a batch of 120,000 cases in 20 countries
/// scores without hashing a string.
public struct AllocationScorer: Sendable {
    public let policy: AllocationPolicy
    public let countries: [HostCountry]
    let languageIndex: [LanguageCode: Int]
    let groupIndex: [ISCOCode: Int]
    let groups: [ISCOCode]
    let countryIndex: [CountryCode: Int]
    /// Per country: its languages' indexes, demand per group index, special-needs support.
    let countryLanguages: [[Int]]
    let demand: [[Int]]
    let support: [Int]

    public init(policy: AllocationPolicy, countries: [HostCountry]) {
        self.policy = policy
        self.countries = countries
        var languages: [LanguageCode: Int] = [:]
        for code in countries.flatMap(\.languages) where languages[code] == nil { languages[code] = languages.count }
        languageIndex = languages
        groups = Set(policy.labourDemand.values.flatMap(\.keys)).sorted { $0.rawValue < $1.rawValue }
        groupIndex = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1, $0) })
        countryIndex = Dictionary(countries.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { first, _ in first })
        countryLanguages = countries.map { $0.languages.compactMap { languages[$0] } }
        let groupIndex = self.groupIndex
        demand = countries.map { country in
            var row = [Int](repeating: 0, count: groupIndex.count)
            for (group, level) in policy.labourDemand[country.code] ?? [:] { row[groupIndex[group]!] = level }
            return row
        }
        support = countries.map { policy.specialNeedsSupport[$0.code] ?? 0 }
    }

    /// A profile in the scorer's integers.
    struct Compiled {
        var languages: [(index: Int, rank: Int)]
        var occupations: [Int]
        var preferences: [Int]
        var hasSpecialNeeds: Bool
        var relatives: [(country: Int, count: Int)]
    }

    func compile(_ profile: AllocationProfile) -> Compiled {
        Compiled(languages: profile.languages.compactMap { code, level in languageIndex[code].map { ($0, level.rank) } },
                 occupations: profile.occupations.compactMap { groupIndex[$0] }.sorted(),
                 preferences: profile.preferences.prefix(3).map { countryIndex[$0] ?? -1 },
                 hasSpecialNeeds: profile.hasSpecialNeeds,
                 relatives: profile.relativesIn.compactMap { code, count in countryIndex[code].map { ($0, count) } })
    }

    /// The level each factor reaches in a country, and what it was for.
    struct Levels {
        var family = 0, relatives = 0
        var language = 0, languageIndex = -1
        var job = 0, occupation = -1
        var preference = 0, choice = 0
        var specialNeeds = 0
    }

    /// The one place the rules of the score live; `factors` explains it, `score` sums it.
    func levels(_ profile: Compiled, in country: Int, placedRelatives: Int) -> Levels {
        var levels = Levels()
        levels.relatives = placedRelatives
        for relative in profile.relatives where relative.country == country { levels.relatives += relative.count }
        levels.family = min(levels.relatives, AllocationPolicy.relativesCounted)
        for language in countryLanguages[country] {
            for spoken in profile.languages where spoken.index == language && spoken.rank > levels.language {
                levels.language = spoken.rank
                levels.languageIndex = language
            }
        }
        let demand = demand[country]
        for group in profile.occupations where demand[group] > levels.job {
            levels.job = demand[group]
            levels.occupation = group
        }
        if let choice = profile.preferences.firstIndex(of: country) {
            levels.preference = 3 - choice
            levels.choice = choice
        }
        if profile.hasSpecialNeeds { levels.specialNeeds = support[country] }
        return levels
    }

    func score(_ profile: Compiled, in country: Int, placedRelatives: Int) -> Int {
        let levels = levels(profile, in: country, placedRelatives: placedRelatives)
        return policy.weight(.family) * levels.family + policy.weight(.language) * levels.language
            + policy.weight(.job) * levels.job + policy.weight(.preference) * levels.preference
            + policy.weight(.specialNeeds) * levels.specialNeeds
    }

    func factors(_ profile: Compiled, in country: Int, placedRelatives: Int) -> [AllocationFactor] {
        let levels = levels(profile, in: country, placedRelatives: placedRelatives)
        var factors: [AllocationFactor] = []
        func add(_ kind: AllocationFactorKind, _ level: Int, _ detail: @autoclosure () -> String) {
            let points = policy.weight(kind) * level
            if points > 0 { factors.append(AllocationFactor(name: kind.rawValue, contribution: Double(points), detail: detail())) }
        }
        add(.family, levels.family, levels.relatives == 1 ? "1 relative there" : "\(levels.relatives) relatives there")
        if levels.languageIndex >= 0 {
            let code = languageIndex.first { $0.value == levels.languageIndex }!.key
            add(.language, levels.language, "\(code) \(CEFRLevel.allCases[levels.language - 1].rawValue)")
        }
        if levels.occupation >= 0 {
            add(.job, levels.job, "\(groups[levels.occupation]) \(["", "some demand", "strong demand", "shortage"][levels.job])")
        }
        add(.preference, levels.preference, ["1st", "2nd", "3rd"][levels.choice] + " choice")
        add(.specialNeeds, levels.specialNeeds, "support level \(levels.specialNeeds) of 3")
        return factors
    }

    /// Each factor's points for `profile` in `country` (one of the scorer's); `placedRelatives`
    /// adds defector relatives already placed there. Factors worth nothing are left out.
    public func factors(_ profile: AllocationProfile, in country: HostCountry, placedRelatives: Int = 0) -> [AllocationFactor] {
        guard let index = countryIndex[country.code] else { return [] }
        return factors(compile(profile), in: index, placedRelatives: placedRelatives)
    }

    public func score(_ profile: AllocationProfile, in country: HostCountry, placedRelatives: Int = 0) -> Int {
        guard let index = countryIndex[country.code] else { return 0 }
        return score(compile(profile), in: index, placedRelatives: placedRelatives)
    }
}

/// One proposal of a batch: the country, why, and why not the runner-up.
public struct PlannedAllocation: Hashable, Sendable {
    public var caseID: CaseID
    public var country: CountryCode
    public var factors: [AllocationFactor]
    public var runnerUp: CountryCode?
    public var runnerUpFactors: [AllocationFactor]
    public var runnerUpReason: String
    /// The other cases of the family group placed with this one.
    public var groupedWith: [CaseID]

    public var score: Int { factors.score }

    /// The proposal as the case records it.
    public func proposal(by user: UserName, at time: Timestamp) -> AllocationProposal {
        var proposal = AllocationProposal(country: country, factors: factors, runnerUp: runnerUp, runnerUpFactors: runnerUpFactors,
                                          runnerUpReason: runnerUpReason, proposedBy: user, proposedAt: time)
        if !groupedWith.isEmpty {
            proposal.familyUnity = "Linked: " + groupedWith.map(\.rawValue).joined(separator: ", ") + " also in \(country) (placed together)."
        }
        return proposal
    }
}

/// The outcome of a batch run: proposals, the cases left out and why, and the figures.
public struct AllocationBatchResult: Sendable {
    public var proposals: [PlannedAllocation]
    public var unplaced: [(caseID: CaseID, reason: String)]
    public var people: Int
    public var score: Int
    /// A greedy pass on the same queue, for comparison.
    public var greedyPeople: Int
    public var greedyScore: Int
    /// The relaxation's bound: no allocation can score more.
    public var scoreBound: Int
    public var provenOptimal: Bool
    public var familyGroups: Int
    public var searchNodes: Int
}

/// Allocates a whole queue of granted cases at once: the most people placed within the free
/// places, then the highest total score, with family groups kept together.
public struct AllocationBatch: Sendable {
    public var scorer: AllocationScorer
    /// Places each country can still give (quota less used and reserved).
    public var free: [CountryCode: Int]
    /// Defector relatives outside the queue already placed or proposed: case and country.
    public var placedElsewhere: [CaseID: CountryCode]

    public init(scorer: AllocationScorer, free: [CountryCode: Int], placedElsewhere: [CaseID: CountryCode] = [:]) {
        self.scorer = scorer
        self.free = free
        self.placedElsewhere = placedElsewhere
    }

    /// Family groups: cases linked to each other, either way round, in the queue.
    public static func groups(of profiles: [AllocationProfile]) -> [[Int]] {
        let position = Dictionary(uniqueKeysWithValues: profiles.enumerated().map { ($1.id, $0) })
        var parent = Array(profiles.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        for (i, profile) in profiles.enumerated() {
            for linked in profile.linkedCases {
                guard let j = position[linked] else { continue }
                let (a, b) = (root(i), root(j))
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        var members: [Int: [Int]] = [:]
        for i in profiles.indices { members[root(i), default: []].append(i) }
        return members.values.sorted { $0[0] < $1[0] }
    }

    public func run(_ profiles: [AllocationProfile], progress: ((Double) -> Void)? = nil) -> AllocationBatchResult {
        let countries = scorer.countries
        let groups = Self.groups(of: profiles)
        let compiled = profiles.map(scorer.compile)
        // The countries a group may go to: where its placed relatives are, else anywhere.
        var scores: [[Int?]] = []
        var sizes: [Int] = []
        var held: [String?] = []
        /// Per group, its defector relatives already placed in each country (empty: none anywhere).
        var placedRelatives: [[Int]] = []
        for group in groups {
            let relativesPlaced = placedElsewhere.isEmpty ? []
                : group.flatMap { profiles[$0].linkedCases.compactMap { placedElsewhere[$0] } }
            let required = Set(relativesPlaced)
            let placed = relativesPlaced.isEmpty ? [] : countries.map { country in relativesPlaced.filter { $0 == country.code }.count }
            placedRelatives.append(placed)
            var row: [Int?] = []
            row.reserveCapacity(countries.count)
            for (index, country) in countries.enumerated() {
                if !required.isEmpty && !required.contains(country.code) { row.append(nil); continue }
                var total = 0
                for member in group { total += scorer.score(compiled[member], in: index, placedRelatives: placed.isEmpty ? 0 : placed[index]) }
                row.append(total)
            }
            scores.append(row)
            sizes.append(group.count)
            held.append(required.isEmpty ? nil : required.map(\.rawValue).sorted().joined(separator: " or "))
        }
        let capacities = countries.map { max(0, free[$0.code] ?? 0) }
        let problem = PlacementProblem(sizes: sizes, scores: scores, capacities: capacities)
        let solution = PlacementSolver.solve(problem, progress: progress)
        let greedy = PlacementSolver.greedy(problem)

        var proposals: [PlannedAllocation] = []
        var unplaced: [(CaseID, String)] = []
        for (index, group) in groups.enumerated() {
            let ids = group.map { profiles[$0].id }
            guard let chosen = solution.assignment[index] else {
                let reason = if let country = held[index] {
                    "family unity holds it to \(country), which has no place left for \(sizes[index] == 1 ? "it" : "all \(sizes[index])")"
                } else if sizes[index] > 1 {
                    "no country has \(sizes[index]) places left for the family together"
                } else {
                    "no country it may go to has a place left"
                }
                for id in ids { unplaced.append((id, reason)) }
                continue
            }
            // The runner-up: the group's next best country it may go to.
            let others = countries.indices.filter { $0 != chosen && scores[index][$0] != nil }
            let runnerUp = others.max { (scores[index][$0]!, -$0) < (scores[index][$1]!, -$1) }
            let placed = placedRelatives[index]
            for member in group {
                let profile = profiles[member]
                let country = countries[chosen]
                let factors = scorer.factors(compiled[member], in: chosen, placedRelatives: placed.isEmpty ? 0 : placed[chosen])
                var runnerUpFactors: [AllocationFactor] = []
                var reason: String
                if let runnerUp {
                    let other = countries[runnerUp]
                    runnerUpFactors = scorer.factors(compiled[member], in: runnerUp, placedRelatives: placed.isEmpty ? 0 : placed[runnerUp])
                    reason = Self.whyNot(other, chosen: country, groupScores: (scores[index][chosen]!, scores[index][runnerUp]!),
                                         factors: factors, runnerUpFactors: runnerUpFactors, freeThere: capacities[runnerUp],
                                         groupSize: sizes[index])
                } else {
                    reason = held[index].map { "family unity: linked relatives are placed in \($0)" } ?? "no other country is open to this case"
                }
                proposals.append(PlannedAllocation(caseID: profile.id, country: country.code, factors: factors,
                                                   runnerUp: runnerUp.map { countries[$0].code }, runnerUpFactors: runnerUpFactors,
                                                   runnerUpReason: reason, groupedWith: ids.filter { $0 != profile.id }))
            }
        }
        return AllocationBatchResult(proposals: proposals, unplaced: unplaced, people: solution.people, score: solution.score,
                                     greedyPeople: greedy.people, greedyScore: greedy.score, scoreBound: solution.scoreBound,
                                     provenOptimal: solution.provenOptimal, familyGroups: sizes.filter { $0 > 1 }.count,
                                     searchNodes: solution.searchNodes)
    }

    /// "DE scored 9 less: Language −8, Preference −5, Job fit +4" or, when the runner-up
    /// scored more, why its place went to others.
    static func whyNot(_ other: HostCountry, chosen: HostCountry, groupScores: (Int, Int), factors: [AllocationFactor],
                       runnerUpFactors: [AllocationFactor], freeThere: Int, groupSize: Int) -> String {
        let (mine, theirs) = groupScores
        var parts: [String] = []
        for kind in AllocationFactorKind.allCases {
            let here = factors.first { $0.name == kind.rawValue }?.contribution ?? 0
            let there = runnerUpFactors.first { $0.name == kind.rawValue }?.contribution ?? 0
            let difference = Int(there - here)
            if difference != 0 { parts.append("\(kind.title) \(difference > 0 ? "+" : "−")\(abs(difference))") }
        }
        let detail = parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))"
        let family = groupSize > 1 ? " for the family" : ""
        if theirs < mine {
            return "\(other.name) scores \(mine - theirs) less\(family)\(detail)."
        }
        if freeThere < groupSize {
            return "\(other.name) scores \(theirs == mine ? "the same" : "\(theirs - mine) more")\(family)\(detail) but has no place left."
        }
        return "\(other.name) scores \(theirs == mine ? "the same" : "\(theirs - mine) more")\(family)\(detail), but its places "
            + "gain more with other cases: this way the batch's total is the highest possible."
    }
}
