/// The look-ahead (issue 26, point 3): the batch places this week's queue knowing that more
/// people will come for the same places. Placing each batch as if it were the last fills the
/// best places early; the look-ahead charges each country's places what they are expected to
/// be worth to the people still to come, and the batch maximises the score net of that charge
/// (after the most people placed, which prices never change: nobody waits for a place someone
/// might want later).
///
/// The prices are Ahani, Gölz, Procaccia, Teytelboym and Trapp's "potentials" (Operations
/// Research 2024), averaged over sampled futures:
///
/// - *who comes*: futures are drawn from the programme's own recent arrivals (family groups
///   whole, with replacement);
/// - *how many*: the people expected within a year at the rate of the last 26 weeks' grants,
///   but never more than the places the queue leaves (with places short of arrivals, those are
///   the people who will take the rest of them, first come first placed);
/// - *where they compete*: the places each country has left once the queue is placed as if it
///   were the last (a greedy pass: an estimate, which the prices then correct);
/// - each future is placed on those places in the relaxation that maximises the score, and the
///   dual price of each country's places (`PlacementSolver.prices`: what the future would lose
///   with one place fewer there) is averaged over the futures and charged per person placed.
///
/// A future holds at most `largestFuture` people; past that, fewer are drawn and the places
/// left are scaled down in the same ratio, so demand meets places as it would at full size.
/// Measured in `haven-bench --part year` (docs/performance.md). Pure and seeded: the same
/// store and queue give the same prices.
public struct AllocationForecast: Sendable {
    /// Profiles of recent arrivals the futures are drawn from.
    public var pool: [AllocationProfile]
    /// Grants a week lately (all of them, not only those in `pool`).
    public var arrivalsPerWeek: Double
    /// Futures averaged.
    public var samples: Int
    public var seed: UInt64

    /// With fewer recent arrivals than this, no forecast is made: the batch places its queue
    /// as if it were the last (and says so).
    public static let smallestPool = 30
    /// How far back recent arrivals are drawn from, and how many at most.
    public static let weeksBack = 26
    public static let largestPool = 2_000
    /// How far ahead the forecast looks: a year of arrivals at the recent rate.
    public static let weeksAhead = 52
    /// The most people a sampled future holds (see the type's notes): eight relaxations of
    /// 120,000 people took three minutes in a debug build, of 4,000 a few seconds.
    public static let largestFuture = 4_000

    public init(pool: [AllocationProfile], arrivalsPerWeek: Double, samples: Int = 8, seed: UInt64 = 26) {
        self.pool = pool
        self.arrivalsPerWeek = max(0, arrivalsPerWeek)
        self.samples = max(1, samples)
        self.seed = seed
    }

    /// The cases a forecast draws on: granted (the decision approved) within `weeksBack` weeks
    /// before `now`, latest first, erased cases never; all of them (the rate), of which the
    /// first `largestPool` are read (the pool).
    public static func recentArrivals(_ summaries: [CaseSummary], now: Timestamp) -> [CaseID] {
        let since = now.secondsSinceEpoch - Int64(weeksBack) * 7 * 86_400
        var granted: [(Int64, CaseID)] = []
        for summary in summaries where !summary.isErased {
            guard let decision = summary.decision, decision.outcome == .grant, decision.verdict == .approved,
                  let at = decision.reviewedAt, at.secondsSinceEpoch >= since, at.secondsSinceEpoch <= now.secondsSinceEpoch else { continue }
            granted.append((at.secondsSinceEpoch, summary.id))
        }
        granted.sort { ($0.0, $0.1.number) > ($1.0, $1.1.number) }
        return granted.map(\.1)
    }

    /// Places free once the whole queue is placed (0 when the queue takes them all).
    public static func placesAfter(queue: [AllocationProfile], batch: AllocationBatch) -> Int {
        max(0, batch.capacities.reduce(0, +) - queue.count)
    }

    /// People expected after `queue` to compete for the places `batch` has free: a year at the
    /// recent rate, at most the places the queue leaves.
    public func expectedLater(queue: [AllocationProfile], batch: AllocationBatch) -> Int {
        min(Self.placesAfter(queue: queue, batch: batch), Int((arrivalsPerWeek * Double(Self.weeksAhead)).rounded()))
    }

    /// One future: `groups` of the pool (`AllocationBatch.groups(of: pool)`, worked out once
    /// for every future) drawn with replacement until `people` are drawn, each given numbers of
    /// its own (past `first`, above every real case's) and linked only within itself.
    func future(people: Int, first: Int, groups: [[Int]], random: inout SeededGenerator) -> [AllocationProfile] {
        guard !groups.isEmpty, people > 0 else { return [] }
        var drawn: [AllocationProfile] = []
        var next = first
        while drawn.count < people {
            let group = groups[Int.random(in: 0..<groups.count, using: &random)]
            var renumbered: [CaseID: CaseID] = [:]
            for member in group {
                renumbered[pool[member].id] = CaseID(number: next)
                next += 1
            }
            for member in group {
                var profile = pool[member]
                profile.id = renumbered[profile.id]!
                profile.linkedCases = Set(profile.linkedCases.compactMap { renumbered[$0] })
                drawn.append(profile)
            }
        }
        return drawn
    }

    /// The places each country has left once `queue` is placed as if it were the last (a
    /// greedy pass, which keeps families together and every kind of place).
    static func placesLeft(after queue: [AllocationProfile], batch: AllocationBatch) -> [Int] {
        var left = batch.capacities
        let problem = batch.problem(queue)
        for (item, country) in PlacementSolver.greedy(problem).assignment.enumerated() {
            if let country { left[country] -= problem.sizes[item] }
        }
        return left.map { max(0, $0) }
    }

    /// The places left, for a future of `drawn` people standing for `later`: scaled down in the
    /// same ratio, a country with a place keeping one (so a scarce country stays open, priced
    /// by those who want it, rather than closed and priced at the most anyone would gain).
    static func scaled(_ left: [Int], drawn: Int, later: Int) -> [Int] {
        guard drawn < later, later > 0 else { return left }
        let ratio = Double(drawn) / Double(later)
        return left.map { $0 <= 0 ? 0 : max(1, Int((Double($0) * ratio).rounded())) }
    }

    /// What a place in each country is worth to the people expected later, in points per
    /// person, averaged over `samples` futures; empty when the pool is too small or nobody is
    /// expected (then the batch places as if it were the last).
    public func prices(queue: [AllocationProfile], batch: AllocationBatch) -> [CountryCode: Double] {
        let later = expectedLater(queue: queue, batch: batch)
        guard pool.count >= Self.smallestPool, later > 0, !queue.isEmpty else { return [:] }
        let drawn = min(later, Self.largestFuture)
        let left = Self.scaled(Self.placesLeft(after: queue, batch: batch), drawn: drawn, later: later)
        var future = batch
        future.placedElsewhere = [:]
        future.free = Dictionary(uniqueKeysWithValues: batch.scorer.countries.enumerated().map { ($1.code, left[$0]) })
        // Numbers past every real one, so no sampled person is taken for a case.
        let first = (queue + pool).map(\.id.number).max().map { max($0 + 1, 900_000_000) } ?? 900_000_000
        let groups = AllocationBatch.groups(of: pool)
        var random = SeededGenerator(seed: seed)
        let countries = batch.scorer.countries
        var total = [Double](repeating: 0, count: countries.count)
        for _ in 0..<samples {
            var problem = future.problem(self.future(people: drawn, first: first, groups: groups, random: &random))
            problem.limits = []
            for (country, price) in PlacementSolver.prices(problem).enumerated() { total[country] += price }
        }
        return Dictionary(uniqueKeysWithValues: countries.indices.map { (countries[$0].code, total[$0] / Double(samples)) })
    }
}
