import HavenCore

/// Queues of different shapes for checking the allocation (issue 26): each family draws the
/// profiles of a queue (languages, occupations, preferences and needs as the demo draws them)
/// and the free places, and Haven's own scorer makes the score matrix, as a batch run would.
public enum PlacementFamily: String, CaseIterable, Sendable {
    /// The benchmark's queue: one case in ten in a family group of 2-4, quotas that add up to it.
    case ample
    /// Four cases in ten in family groups of 2-6; places for eight in ten.
    case largeFamilies = "large-families"
    /// Seven cases in ten in groups of 2-4, packed into small, uneven quotas with 95% of the places needed.
    case tightPacking = "tight-packing"
    /// Places for six in ten.
    case short
    /// Relatives' proposals hold places and bind their families to one country; uneven free places.
    case held
    /// Exactly as many places as people, unevenly spread, two in ten in family groups.
    case tightSufficient = "tight-sufficient"
    /// Five of the twenty countries have no place at all.
    case zeroQuota = "zero-quota"
    /// 15-40 people, most in family groups of 2-5, a few places each (some none).
    case smallRandom = "small-random"
    /// Places for everyone, but family housing units and places with medical support for only
    /// some of those who need them, in some countries (issue 26, point 4).
    case scarceKinds = "scarce-kinds"

    public var title: String {
        switch self {
        case .ample: "ample (benchmark queue)"
        case .largeFamilies: "large families, places for 80%"
        case .tightPacking: "tight packing into small quotas"
        case .short: "total quota 60% of the queue"
        case .held: "places held by relatives' proposals"
        case .tightSufficient: "quotas tight but sufficient"
        case .zeroQuota: "five countries with quota 0"
        case .smallRandom: "small random queues of 15-40"
        case .scarceKinds: "scarce family housing and medical places"
        }
    }
}

public struct PlacementInstance: Sendable {
    public var family: PlacementFamily
    public var batch: AllocationBatch
    public var profiles: [AllocationProfile]

    public var problem: PlacementProblem { batch.problem(profiles) }
}

extension PlacementFamily {
    /// An instance of about `cases` cases (smallRandom ignores it), drawn from `seed`.
    public func instance(cases: Int, seed: UInt64, countries: [HostCountry], policy: AllocationPolicy,
                         occupations: OccupationCatalogue) -> PlacementInstance {
        var random = SeededGenerator(seed: seed)
        let count = self == .smallRandom ? Int.random(in: 15...40, using: &random) : cases
        var profiles = Self.people(count: count, countries: countries, occupations: occupations, random: &random)
        let (share, sizes): (Double, ClosedRange<Int>) = switch self {
        case .ample: (0.1, 2...4)
        case .largeFamilies: (0.4, 2...6)
        case .tightPacking: (0.7, 2...4)
        case .short, .zeroQuota: (0.1, 2...4)
        case .held: (0.3, 2...4)
        case .tightSufficient: (0.2, 2...4)
        case .smallRandom: (0.7, 2...5)
        case .scarceKinds: (0.3, 2...4)
        }
        Self.link(&profiles, share: share, sizes: sizes, random: &random)
        let total = profiles.count
        let places: Int = switch self {
        case .ample, .tightSufficient, .zeroQuota, .held, .scarceKinds: total
        case .largeFamilies: total * 8 / 10
        case .tightPacking: total * 95 / 100
        case .short: total * 6 / 10
        case .smallRandom: total
        }
        var free: [CountryCode: Int] = [:]
        switch self {
        case .ample:
            for country in countries { free[country.code] = total / countries.count }
        case .smallRandom:
            for country in countries { free[country.code] = Int.random(in: 0...6, using: &random) * (random.next() % 4 == 0 ? 0 : 1) }
        case .zeroQuota:
            let closed = Set(countries.shuffled(using: &random).prefix(5).map(\.code))
            let open = countries.filter { !closed.contains($0.code) }
            for country in countries { free[country.code] = closed.contains(country.code) ? 0 : places / open.count + 1 }
        default:
            // Uneven: weights from 1 to 6, scaled so the places add up to `places`.
            let weights = countries.map { _ in Double(Int.random(in: 1...6, using: &random)) }
            let sum = weights.reduce(0, +)
            var given = 0
            for (index, country) in countries.enumerated() {
                let share = index == countries.count - 1 ? places - given : Int(Double(places) * weights[index] / sum)
                free[country.code] = max(0, share)
                given += max(0, share)
            }
        }
        var placed: [CaseID: CountryCode] = [:]
        if self == .held {
            // A third of the family groups have a relative outside the queue already proposed
            // somewhere: the group must follow.
            var next = total + 1
            for index in profiles.indices where !profiles[index].linkedCases.isEmpty && random.next() % 3 == 0 {
                let relative = CaseID(number: next)
                next += 1
                let country = countries[Int(random.next() % UInt64(countries.count))].code
                placed[relative] = country
                profiles[index].linkedCases.insert(relative)
            }
        }
        var freeOfKind: [PlaceKind: [CountryCode: Int]] = [:]
        if self == .scarceKinds {
            // Half the countries limit each kind, with room for about half of those who need it
            // spread over them unevenly; the others have enough of it.
            for kind in PlaceKind.allCases {
                let needing = profiles.filter { $0.places.contains(kind) }.count
                let limited = countries.shuffled(using: &random).prefix(countries.count / 2)
                for country in limited {
                    freeOfKind[kind, default: [:]][country.code] = Int.random(in: 0...max(1, needing / countries.count), using: &random)
                }
            }
        }
        let batch = AllocationBatch(scorer: AllocationScorer(policy: policy, countries: countries), free: free, placedElsewhere: placed,
                                    freeOfKind: freeOfKind)
        return PlacementInstance(family: self, batch: batch, profiles: profiles)
    }

    public static func people(count: Int, countries: [HostCountry], occupations: OccupationCatalogue,
                       random: inout SeededGenerator) -> [AllocationProfile] {
        let languages = Array(Set(countries.flatMap(\.languages))).sorted { $0.rawValue < $1.rawValue }
        let english = LanguageCode("en")!
        var profiles: [AllocationProfile] = []
        profiles.reserveCapacity(count)
        for number in 1...max(1, count) {
            var profile = AllocationProfile(id: CaseID(number: number))
            for index in 0..<Int(random.next() % 3) {
                let language = index == 0 && random.next() % 2 == 0 ? english : languages[Int(random.next() % UInt64(languages.count))]
                profile.languages[language] = CEFRLevel.allCases[Int(random.next() % 4)]
            }
            if !occupations.specialties.isEmpty {
                let specialty = occupations.specialties[Int(random.next() % UInt64(occupations.specialties.count))]
                profile.occupations = Set(specialty.occupations)
            }
            var preferences: [CountryCode] = []
            let choices = Int(random.next() % 4)
            while preferences.count < min(choices, countries.count) {
                let code = countries[Int(random.next() % UInt64(countries.count))].code
                if !preferences.contains(code) { preferences.append(code) }
            }
            profile.preferences = preferences
            profile.hasSpecialNeeds = random.next() % 12 == 0
            // The kinds of place each needs, without drawing more numbers (the other families
            // stay the queues they were): medical support with health needs, family housing
            // for one in five.
            if profile.hasSpecialNeeds { profile.places.insert(.medicalSupport) }
            if number % 5 == 2 { profile.places.insert(.familyHousing) }
            if random.next() % 25 == 0 {
                profile.relativesIn[countries[Int(random.next() % UInt64(countries.count))].code] = 1
            }
            profiles.append(profile)
        }
        return profiles
    }

    /// Links runs of neighbouring cases into family groups until `share` of the cases are in one.
    public static func link(_ profiles: inout [AllocationProfile], share: Double, sizes: ClosedRange<Int>, random: inout SeededGenerator) {
        let target = Int(Double(profiles.count) * share)
        var index = 0
        var grouped = 0
        while grouped < target {
            let size = Int.random(in: sizes, using: &random)
            guard index + size <= profiles.count else { break }
            let ids = Set((index..<index + size).map { profiles[$0].id })
            for member in index..<index + size { profiles[member].linkedCases = ids.subtracting([profiles[member].id]) }
            grouped += size
            let gap = share >= 0.5 ? Int(random.next() % 2) : Int(random.next() % UInt64(max(1, Int(Double(size) / share) - size) + 1))
            index += size + gap
        }
    }
}
