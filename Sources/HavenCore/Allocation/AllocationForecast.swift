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
/// - a future is drawn from the programme's own recent arrivals (family groups whole, with
///   replacement), as many people as the places left after this queue: with places short of
///   arrivals, they are the people who will take the rest of the places, first come first
///   placed (past `largestFuture`, fewer, with the places scaled down alike);
/// - each future is placed together with the queue (the queue first) in the relaxation that
///   maximises the score; the dual price of each country's places is what one more place there
///   would add to that future (`PlacementSolver.prices`);
/// - the prices are averaged over the futures and charged per person placed.
///
/// Measured in `haven-bench --part year` (docs/performance.md). Pure and seeded: the same
/// store and queue give the same prices.
public struct AllocationForecast: Sendable {
    /// Profiles of recent arrivals the futures are drawn from.
    public var pool: [AllocationProfile]
    /// Futures averaged.
    public var samples: Int
    public var seed: UInt64

    /// With fewer recent arrivals than this, no forecast is made: the batch places its queue
    /// as if it were the last (and says so).
    public static let smallestPool = 30
    /// How far back recent arrivals are drawn from, and how many at most.
    public static let weeksBack = 26
    public static let largestPool = 2_000
    /// The most people a sampled future holds. With more places left than this (a programme
    /// early in its year, or the demo's 120,000), the future is this many people and every
    /// country's places are scaled down with it, so demand meets places in the same ratio:
    /// eight relaxations of 120,000 people would take a minute, of 4,000 well under a second.
    public static let largestFuture = 4_000

    public init(pool: [AllocationProfile], samples: Int = 8, seed: UInt64 = 26) {
        self.pool = pool
        self.samples = max(1, samples)
        self.seed = seed
    }

    /// The cases a forecast draws on: granted (the decision approved) within `weeksBack` weeks
    /// before `now`, latest first, at most `largestPool`; erased cases never.
    public static func recentArrivals(_ summaries: [CaseSummary], now: Timestamp) -> [CaseID] {
        let since = now.secondsSinceEpoch - Int64(weeksBack) * 7 * 86_400
        var granted: [(Int64, CaseID)] = []
        for summary in summaries where !summary.isErased {
            guard let decision = summary.decision, decision.outcome == .grant, decision.verdict == .approved,
                  let at = decision.reviewedAt, at.secondsSinceEpoch >= since, at.secondsSinceEpoch <= now.secondsSinceEpoch else { continue }
            granted.append((at.secondsSinceEpoch, summary.id))
        }
        granted.sort { ($0.0, $0.1.number) > ($1.0, $1.1.number) }
        return granted.prefix(largestPool).map(\.1)
    }

    /// People expected after `queue` to take the places `batch` has free: the places left over
    /// once the whole queue is placed (0 when the queue takes them all).
    public static func expectedLater(queue: [AllocationProfile], batch: AllocationBatch) -> Int {
        max(0, batch.capacities.reduce(0, +) - queue.count)
    }

    /// One future: groups of the pool drawn with replacement until `people` are drawn, each
    /// given numbers of its own (past any real case's) and linked only within itself.
    func future(people: Int, random: inout SeededGenerator) -> [AllocationProfile] {
        let groups = AllocationBatch.groups(of: pool)
        guard !groups.isEmpty, people > 0 else { return [] }
        var drawn: [AllocationProfile] = []
        var next = 900_000_000
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

    /// What one more place in each country is worth to the people expected later, in points
    /// per person, averaged over `samples` futures; empty when the pool is too small or no
    /// place is left over after the queue (then the batch places as if it were the last).
    public func prices(queue: [AllocationProfile], batch: AllocationBatch) -> [CountryCode: Double] {
        let later = Self.expectedLater(queue: queue, batch: batch)
        guard pool.count >= Self.smallestPool, later > 0, !queue.isEmpty else { return [:] }
        var random = SeededGenerator(seed: seed)
        let countries = batch.scorer.countries
        var total = [Double](repeating: 0, count: countries.count)
        let drawn = min(later, Self.largestFuture)
        // The places scaled so that the queue and the drawn future fill them as the queue and
        // the whole future would fill the real ones.
        var scaled = batch
        if drawn < later {
            let ratio = Double(queue.count + drawn) / Double(queue.count + later)
            scaled.free = batch.free.mapValues { Int((Double(max(0, $0)) * ratio).rounded()) }
        }
        for _ in 0..<samples {
            let future = future(people: drawn, random: &random)
            let profiles = queue + future
            var problem = scaled.problem(profiles)
            let isQueue = AllocationBatch.groups(of: profiles).map { $0[0] < queue.count }
            // The queue first: a bonus per person larger than any difference the future's
            // scores can make, so the future only prices the places the queue leaves.
            let futureMost = zip(problem.scores, isQueue).filter { !$0.1 }.reduce(0) { $0 + ($1.0.compactMap { $0 }.max() ?? 0) }
            let bonus = 2 * futureMost + 1
            for item in problem.scores.indices where isQueue[item] {
                problem.scores[item] = problem.scores[item].map { $0.map { $0 + bonus * problem.sizes[item] } }
            }
            problem.limits = []
            for (country, price) in PlacementSolver.prices(problem).enumerated() { total[country] += price }
        }
        return Dictionary(uniqueKeysWithValues: countries.indices.map { (countries[$0].code, total[$0] / Double(samples)) })
    }
}
