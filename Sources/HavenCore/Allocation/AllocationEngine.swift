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
    /// The scarcer kinds of place the person needs (`PlaceKind.needed(by:)`).
    public var places: Set<PlaceKind>
    /// The countries a supervisor returned a proposal of for this case (the one on the case,
    /// and those before it): the batch does not propose them again (from a walk: it proposed
    /// the country just returned as splitting a family); by hand they can be, with a reason.
    public var returned: Set<CountryCode> = []

    public init(id: CaseID, languages: [LanguageCode: CEFRLevel] = [:], occupations: Set<ISCOCode> = [],
                preferences: [CountryCode] = [], hasSpecialNeeds: Bool = false, relativesIn: [CountryCode: Int] = [:],
                linkedCases: Set<CaseID> = [], places: Set<PlaceKind> = []) {
        self.places = places
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
                  hasSpecialNeeds: record.defector.hasHealthNeeds,
                  relativesIn: relatives, linkedCases: Set(record.family.compactMap(\.linkedCase)),
                  places: Set(PlaceKind.needed(by: record)))
        let current = record.allocation.flatMap { $0.review?.verdict == .returned ? [$0.country] : nil } ?? []
        returned = Set(current + (record.allocation?.returnedBefore ?? []).map(\.country) + (record.returnedAllocations ?? []).map(\.country))
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
    /// The scarcer kinds of place the case takes there (`PlaceKind`), as the proposal records them.
    public var places: [PlaceKind] = []
    /// Where linked relatives outside the group are placed, for a proposal by hand
    /// (`AllocationChoice`); a batch's group says it through `groupedWith`.
    public var familyUnity: String? = nil
    /// How the batch that proposed it was settled: "batch of 1,200: optimal", or the gap to
    /// the bound where it stopped at a limit. Nil for a proposal by hand.
    public var batch: String? = nil
    /// Where each of the person's ranked preferences stood (`AllocationBatch.preferenceStanding`).
    public var preferences: String? = nil

    public var score: Int { factors.score }

    /// The proposal as the case records it.
    public func proposal(by user: UserName, at time: Timestamp) -> AllocationProposal {
        var proposal = AllocationProposal(country: country, factors: factors, runnerUp: runnerUp, runnerUpFactors: runnerUpFactors,
                                          runnerUpReason: runnerUpReason, proposedBy: user, proposedAt: time)
        proposal.batch = batch
        proposal.preferences = preferences
        proposal.places = places.isEmpty ? nil : places
        if let familyUnity {
            proposal.familyUnity = familyUnity
        } else if !groupedWith.isEmpty {
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
    /// No allocation places more people than `peopleBound`, nor, placing that many, scores
    /// more than `scoreBound`.
    public var peopleBound: Int
    public var scoreBound: Int?
    /// Optimal, or the gap to the bound where a limit stopped the solver.
    public var proof: PlacementProof
    public var familyGroups: Int
    public var searchNodes: Int
    /// The mixed-integer solver that settled the hard part, if one was needed, and its seconds.
    public var mip: String?
    public var mipSeconds: Double
    /// The look-ahead's forecast when the batch priced the places for later arrivals
    /// (`AllocationForecast`), else nil: the queue placed as if it were the last.
    public var lookAhead: String? = nil
    /// The look-ahead's prices per place, points per person (empty without a look-ahead).
    public var prices: [CountryCode: Double] = [:]

    public var provenOptimal: Bool { proof.isOptimal }
}

/// Allocates a whole queue of granted cases at once: the most people placed within the free
/// places, then the highest total score, with family groups kept together.
public struct AllocationBatch: Sendable {
    public var scorer: AllocationScorer
    /// Places each country can still give (quota less used and reserved).
    public var free: [CountryCode: Int]
    /// Defector relatives outside the queue already placed or proposed: case and country.
    public var placedElsewhere: [CaseID: CountryCode]
    /// The mixed-integer solver for queues the solver's own search cannot settle quickly
    /// (HavenMIP's CBC, wired by the executable), and the seconds it may take.
    public var mip: (any PlacementMIP)?
    public var secondsLimit: Double
    /// Free places of each scarcer kind, per country that limits it (`QuotaLedger.freeOfKind`);
    /// a country not listed under a kind is limited by its free places alone.
    public var freeOfKind: [PlaceKind: [CountryCode: Int]]
    /// The look-ahead's price of a place in each country, in points per person
    /// (`AllocationForecast.prices`), charged to the queue's scores while the placement is
    /// worked out; empty: no look-ahead. `lookAhead` says where the prices came from.
    public var prices: [CountryCode: Double] = [:]
    public var lookAhead: String?

    public init(scorer: AllocationScorer, free: [CountryCode: Int], placedElsewhere: [CaseID: CountryCode] = [:],
                mip: (any PlacementMIP)? = nil, secondsLimit: Double = 60, freeOfKind: [PlaceKind: [CountryCode: Int]] = [:]) {
        self.freeOfKind = freeOfKind
        self.scorer = scorer
        self.free = free
        self.placedElsewhere = placedElsewhere
        self.mip = mip
        self.secondsLimit = secondsLimit
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

    /// A family group's score in each country (nil where family unity forbids it: its
    /// relatives already placed hold it to their country), those relatives counted per country
    /// (empty: none placed anywhere), and the countries it is held to, for the explanations.
    struct GroupScores {
        var row: [Int?]
        var placed: [Int]
        var held: String?

        func placed(in country: Int) -> Int { placed.isEmpty ? 0 : placed[country] }
    }

    /// The scores of the group of `profiles` at the indexes `group`; the batch and a single
    /// case's ranking (`AllocationChoice`) both score through here.
    func groupScores(_ group: [Int], profiles: [AllocationProfile], compiled: [AllocationScorer.Compiled]) -> GroupScores {
        let countries = scorer.countries
        let relativesPlaced = placedElsewhere.isEmpty ? []
            : group.flatMap { profiles[$0].linkedCases.compactMap { placedElsewhere[$0] } }
        let required = Set(relativesPlaced)
        let placed = relativesPlaced.isEmpty ? [] : countries.map { country in relativesPlaced.filter { $0 == country.code }.count }
        var row: [Int?] = []
        row.reserveCapacity(countries.count)
        for (index, country) in countries.enumerated() {
            if !required.isEmpty && !required.contains(country.code) { row.append(nil); continue }
            var total = 0
            for member in group { total += scorer.score(compiled[member], in: index, placedRelatives: placed.isEmpty ? 0 : placed[index]) }
            row.append(total)
        }
        return GroupScores(row: row, placed: placed, held: required.isEmpty ? nil : required.map(\.rawValue).sorted().joined(separator: " or "))
    }

    /// Free places per country, in the scorer's order.
    var capacities: [Int] { scorer.countries.map { max(0, free[$0.code] ?? 0) } }

    /// Free places of `kind` per country in the scorer's order, nil where it is not limited.
    func capacities(of kind: PlaceKind) -> [Int?] {
        let free = freeOfKind[kind] ?? [:]
        return scorer.countries.map { country in free[country.code].map { max(0, $0) } }
    }

    /// Per country, the first of `kinds` used up there while places are left (what an
    /// explanation names instead of "no place left"), for one person who needs them.
    func shortOf(needing kinds: Set<PlaceKind>) -> [KindShortage?] {
        let limited = kinds.sorted().map { ($0, capacities(of: $0)) }
        return capacities.indices.map { country in
            guard capacities[country] >= 1, let (kind, left) = limited.first(where: { ($0.1[country] ?? 1) < 1 }) else { return nil }
            return KindShortage(kind: kind, needed: 1, left: left[country] ?? 0)
        }
    }

    /// Free places per country for one person who needs `kinds`: none where a kind is used up.
    func capacities(needing kinds: Set<PlaceKind>) -> [Int] {
        let limited = kinds.map { capacities(of: $0) }
        return capacities.indices.map { country in limited.allSatisfy { ($0[country] ?? 1) >= 1 } ? capacities[country] : 0 }
    }

    /// The limits of the kinds some of the queue needs, for the placement problem: each
    /// group takes one place of a kind per member who needs it.
    func limits(_ groups: [[Int]], profiles: [AllocationProfile]) -> [PlacementLimit] {
        PlaceKind.allCases.compactMap { kind in
            let capacities = capacities(of: kind)
            guard capacities.contains(where: { $0 != nil }) else { return nil }
            let uses = groups.map { group in group.reduce(0) { $0 + (profiles[$1].places.contains(kind) ? 1 : 0) } }
            guard uses.contains(where: { $0 > 0 }) else { return nil }
            return PlacementLimit(name: kind.rawValue, capacities: capacities, uses: uses)
        }
    }

    /// The proposal for `profiles[member]` of `group` placed in country `chosen`: its factors,
    /// the runner-up (the group's next best country it may go to) and why not there.
    /// `byHand` is the reason a person gave for choosing this country over a better one.
    /// `leftAfter`: the places each country still has once the batch is placed, which says
    /// whether a country's places were kept for later (the look-ahead) or went to others.
    func planned(member: Int, of group: [Int], in chosen: Int, scores: GroupScores, profiles: [AllocationProfile],
                 compiled: [AllocationScorer.Compiled], capacities: [Int], byHand: String? = nil,
                 leftAfter: [Int]? = nil, shortOf: [KindShortage?] = []) -> PlannedAllocation {
        let countries = scorer.countries
        let others = countries.indices.filter { $0 != chosen && scores.row[$0] != nil }
        let runnerUp = others.max { (scores.row[$0]!, -$0) < (scores.row[$1]!, -$1) }
        let country = countries[chosen]
        let factors = scorer.factors(compiled[member], in: chosen, placedRelatives: scores.placed(in: chosen))
        var runnerUpFactors: [AllocationFactor] = []
        let reason: String
        if let runnerUp {
            runnerUpFactors = scorer.factors(compiled[member], in: runnerUp, placedRelatives: scores.placed(in: runnerUp))
            var choice = byHand.map { Choice.byHand($0) } ?? .batch
            // The look-ahead's prices, when they are what tipped it and the places there were
            // indeed left for later, not taken by others in this batch.
            let (there, here) = (price(countries[runnerUp].code), price(country.code))
            if byHand == nil, keptForLater(runnerUp, over: chosen, scores: (scores.row[runnerUp]!, scores.row[chosen]!),
                                           size: group.count, leftAfter: leftAfter) {
                choice = .keptForLater(there: Int(there.rounded()), here: Int(here.rounded()))
            }
            reason = Self.whyNot(countries[runnerUp], chosen: country, groupScores: (scores.row[chosen]!, scores.row[runnerUp]!),
                                 factors: factors, runnerUpFactors: runnerUpFactors, freeThere: capacities[runnerUp],
                                 groupSize: group.count, choice: choice, shortOf: runnerUp < shortOf.count ? shortOf[runnerUp] : nil)
        } else {
            reason = scores.held.map { "family unity: linked relatives are placed in \($0)" } ?? "no other country is open to this case"
        }
        let ids = group.map { profiles[$0].id }
        var planned = PlannedAllocation(caseID: profiles[member].id, country: country.code, factors: factors,
                                        runnerUp: runnerUp.map { countries[$0].code }, runnerUpFactors: runnerUpFactors,
                                        runnerUpReason: reason, groupedWith: ids.filter { $0 != profiles[member].id })
        planned.places = profiles[member].places.sorted()
        planned.preferences = preferenceStanding(profiles[member].preferences, chosen: chosen, scores: scores,
                                                 own: { scorer.score(compiled[member], in: $0, placedRelatives: scores.placed(in: $0)) },
                                                 capacities: capacities, groupSize: group.count, byHand: byHand != nil,
                                                 leftAfter: leftAfter, shortOf: shortOf)
        return planned
    }

    /// The look-ahead's price of a place in `country` (0 without a look-ahead).
    func price(_ country: CountryCode) -> Double { prices[country] ?? 0 }

    /// What the look-ahead charges a group of `size` in `country`, as the solver charged it.
    func charge(_ country: Int, size: Int) -> Int { Int((Double(size) * price(scorer.countries[country].code)).rounded()) }

    /// True when a group of `size` went to `chosen` rather than `other` for the look-ahead's
    /// prices: `other` scores more for the group (`scores`: there, here) but no more net of
    /// the charges, and still has room for it after the batch (`leftAfter`: the places the
    /// group could take in each country once the batch is placed, every kind it needs counted).
    func keptForLater(_ other: Int, over chosen: Int, scores: (there: Int, here: Int), size: Int, leftAfter: [Int]?) -> Bool {
        guard let leftAfter, leftAfter[other] >= size else { return false }
        return charge(other, size: size) > charge(chosen, size: size) && scores.there > scores.here
            && scores.there - charge(other, size: size) <= scores.here - charge(chosen, size: size)
    }

    /// 1200 as "1,200", as the screens write counts.
    static func grouped(_ number: Int) -> String {
        let digits = String(number)
        guard digits.count > 3 else { return digits }
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { text += "," }
            text.append(digit)
        }
        return text
    }

    /// A group's scores as the batch sees them: `groupScores`, less the countries a supervisor
    /// returned for one of its members.
    func batchScores(_ group: [Int], profiles: [AllocationProfile], compiled: [AllocationScorer.Compiled]) -> GroupScores {
        var scores = groupScores(group, profiles: profiles, compiled: compiled)
        let returned = group.reduce(into: Set<CountryCode>()) { $0.formUnion(profiles[$1].returned) }
        for (index, country) in scorer.countries.enumerated() where returned.contains(country.code) { scores.row[index] = nil }
        return scores
    }

    /// The placement problem of a queue: one item per family group, its score in each country.
    public func problem(_ profiles: [AllocationProfile]) -> PlacementProblem {
        let compiled = profiles.map(scorer.compile)
        let groups = Self.groups(of: profiles)
        let rows = groups.map { batchScores($0, profiles: profiles, compiled: compiled).row }
        return PlacementProblem(sizes: groups.map(\.count), scores: rows, capacities: capacities,
                                limits: limits(groups, profiles: profiles))
    }

    public func run(_ profiles: [AllocationProfile], progress: ((Double) -> Void)? = nil) -> AllocationBatchResult {
        let groups = Self.groups(of: profiles)
        let compiled = profiles.map(scorer.compile)
        let grouped = groups.map { batchScores($0, profiles: profiles, compiled: compiled) }
        let sizes = groups.map(\.count)
        let capacities = capacities
        let limits = limits(groups, profiles: profiles)
        let problem = PlacementProblem(sizes: sizes, scores: grouped.map(\.row), capacities: capacities, limits: limits)
        // With a look-ahead the solver maximises the score net of the places' prices; people
        // placed are the same aim, and the figures reported are the real scores.
        var solved = problem
        if !prices.isEmpty {
            let charge = scorer.countries.map { price($0.code) }
            solved.scores = problem.scores.indices.map { item in
                problem.scores[item].enumerated().map { country, score in
                    score.map { $0 - Int((Double(sizes[item]) * charge[country]).rounded()) }
                }
            }
        }
        let solution = PlacementSolver.solve(solved, mip: mip, secondsLimit: secondsLimit, progress: progress)
        let figures = problem.evaluate(solution.assignment)
        // What each country, and each kind in it, still has once the batch is placed.
        var leftAfter = capacities
        var kindLeft = limits.map { $0.capacities }
        for (item, country) in solution.assignment.enumerated() {
            guard let country else { continue }
            leftAfter[country] -= sizes[item]
            for (index, limit) in limits.enumerated() { kindLeft[index][country] = kindLeft[index][country].map { $0 - limit.uses[item] } }
        }
        let greedy = PlacementSolver.greedy(problem)
        let batch = "batch of \(Self.grouped(profiles.count))\(prices.isEmpty ? "" : ", look-ahead"): \(solution.proof.label)"

        var proposals: [PlannedAllocation] = []
        var unplaced: [(CaseID, String)] = []
        for (index, group) in groups.enumerated() {
            guard let chosen = solution.assignment[index] else {
                // A kind of place the group needs that no country it may go to has left.
                let short = limits.first { limit in
                    limit.uses[index] > 0 && !grouped[index].row.indices.contains { country in
                        grouped[index].row[country] != nil && (limit.capacities[country] ?? Int.max) >= limit.uses[index]
                    }
                }
                // Or one that every country with room for it limits: those places went to others.
                let room = grouped[index].row.indices.filter { grouped[index].row[$0] != nil && capacities[$0] >= sizes[index] }
                let taken = limits.first { limit in
                    limit.uses[index] > 0 && !room.isEmpty && room.allSatisfy { limit.capacities[$0] != nil }
                }
                let reason = if grouped[index].row.allSatisfy({ $0 == nil }), group.contains(where: { !profiles[$0].returned.isEmpty }) {
                    "a supervisor returned every country it may go to; a caseworker proposes one by hand, with a reason"
                } else if let short, let kind = PlaceKind(rawValue: short.name) {
                    "no country it may go to has \(KindShortage(kind: kind, needed: short.uses[index], left: 0).wanted) left, which \(sizes[index] == 1 ? "the case needs" : "the family needs")"
                } else if let taken, let kind = PlaceKind(rawValue: taken.name) {
                    "the \(kind.plural) it could take went to others: the batch places the most people, then the highest total score"
                } else if let country = grouped[index].held {
                    "family unity holds it to \(country), which has no place left for \(sizes[index] == 1 ? "it" : "all \(sizes[index])")"
                } else if sizes[index] > 1, grouped[index].row.indices.contains(where: { grouped[index].row[$0] != nil && capacities[$0] >= sizes[index] }) {
                    "the places where all \(sizes[index]) fit together went to others: the batch places the most people, then the highest total score"
                } else if sizes[index] > 1 {
                    "no country it may go to has \(sizes[index]) places left for the family together"
                } else if grouped[index].row.indices.contains(where: { grouped[index].row[$0] != nil && capacities[$0] > 0 }) {
                    "the places it could take went to others: the batch places the most people, then the highest total score"
                } else {
                    "no country it may go to has a place left"
                }
                for member in group { unplaced.append((profiles[member].id, reason)) }
                continue
            }
            // The places the group could take in each country, every kind it needs counted: what
            // the runner-up's and the preferences' explanations say is free.
            let open = capacities.indices.map { country in
                limits.allSatisfy { $0.uses[index] == 0 || ($0.capacities[country] ?? Int.max) >= $0.uses[index] } ? capacities[country] : 0
            }
            let roomAfter = leftAfter.indices.map { country in
                limits.indices.allSatisfy { limits[$0].uses[index] == 0 || (kindLeft[$0][country] ?? Int.max) >= limits[$0].uses[index] }
                    ? leftAfter[country] : 0
            }
            // Where places are left but not of a kind the group needs, that kind (the
            // explanations name it rather than saying there is no place).
            let shortOf: [KindShortage?] = capacities.indices.map { country in
                guard capacities[country] >= sizes[index],
                      let limit = limits.first(where: { $0.uses[index] > 0 && ($0.capacities[country] ?? Int.max) < $0.uses[index] }),
                      let kind = PlaceKind(rawValue: limit.name) else { return nil }
                return KindShortage(kind: kind, needed: limit.uses[index], left: limit.capacities[country] ?? 0)
            }
            for member in group {
                var proposal = planned(member: member, of: group, in: chosen, scores: grouped[index], profiles: profiles,
                                       compiled: compiled, capacities: open, leftAfter: prices.isEmpty ? nil : roomAfter,
                                       shortOf: shortOf)
                proposal.batch = batch
                proposals.append(proposal)
            }
        }
        // A priced score bound bounds the net score, not the real one: none is reported then.
        return AllocationBatchResult(proposals: proposals, unplaced: unplaced, people: figures.people, score: figures.score,
                                     greedyPeople: greedy.people, greedyScore: greedy.score, peopleBound: solution.peopleBound,
                                     scoreBound: prices.isEmpty ? solution.scoreBound : nil, proof: solution.proof,
                                     familyGroups: sizes.indices.filter { sizes[$0] > 1 && solution.assignment[$0] != nil }.count,
                                     searchNodes: solution.searchNodes,
                                     mip: solution.mip, mipSeconds: solution.mipSeconds, lookAhead: prices.isEmpty ? nil : lookAhead,
                                     prices: prices)
    }
}
