import ArgumentParser
import Foundation
import HavenCore
import HavenMIP
import HavenSolverSupport
import HavenStore

/// `--part year` (issue 26, point 3): a year of weekly arrivals, placed three ways.
///
/// - **week by week**: each week's queue (the new arrivals and anyone still waiting) placed
///   exactly as today's batch does, as if no one came after;
/// - **look-ahead**: each week, the queue placed together with a sample of the arrivals still
///   to come this year (drawn from the same distributions and seasonal curve, never the real
///   ones), the queue first (nobody waits for a place a sampled person might want), and only
///   the queue's placements kept: places that later arrivals would value more are left for
///   them (in the spirit of Ahani, Gölz, Procaccia, Teytelboym and Trapp, 2024);
/// - **prices**: the batch's default, `AllocationForecast`, fed as `AllocationRun` feeds it
///   (the last 26 weeks' arrivals: their rate, and the latest 2,000 as the pool): the queue
///   placed alone, exactly, net of each country's places' prices averaged over
///   `--year-samples` futures;
/// - **oracle prices**: prices from the real rest of the year, placed with the queue (the
///   queue first): what no method can know, the yardstick for the forecast;
/// - **hindsight**: the whole year's arrivals at once, which no real method can do: the
///   yardstick both are measured against.
///
/// Everyone unplaced in a week waits for the next; the annual quotas are unevenly spread.
extension HavenBench {
    struct YearWorld {
        let countries: [HostCountry]
        let policy: AllocationPolicy
        let occupations: OccupationCatalogue
        let perWeek: Double

        /// Arrivals expected in `week` (0-51): more in late summer, fewer in winter.
        func expected(_ week: Int) -> Int {
            Int((perWeek * (1 + 0.5 * sin(2 * Double.pi * Double(week - 13) / 52))).rounded())
        }

        /// The arrivals of `week`, numbered from `first`, drawn from `seed`.
        func arrivals(_ week: Int, first: Int, seed: UInt64) -> [AllocationProfile] {
            var random = SeededGenerator(seed: seed &* 1_000_003 &+ UInt64(week))
            let count = expected(week)
            guard count > 0 else { return [] }
            var people = PlacementFamily.people(count: count, countries: countries, occupations: occupations, random: &random)
            for index in people.indices { people[index].id = CaseID(number: first + index) }
            PlacementFamily.link(&people, share: 0.15, sizes: 2...4, random: &random)
            return people
        }
    }

    func yearSimulation() throws {
        let reference = try ReferenceDataLoader.load(ReferenceDataLoader.locate(
            explicit: nil, environment: ProcessInfo.processInfo.environment,
            workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)))
        let world = YearWorld(countries: reference.countries, policy: reference.allocation, occupations: reference.occupations,
                              perWeek: Double(yearCases) / 52)
        var load = [Double](repeating: 0, count: 3)
        _ = getloadavg(&load, 3)
        // The year's real arrivals (seed 1); forecasts draw from other seeds.
        var arrivals: [[AllocationProfile]] = []
        var next = 1
        for week in 0..<52 {
            arrivals.append(world.arrivals(week, first: next, seed: 1))
            next += arrivals[week].count
        }
        let total = arrivals.reduce(0) { $0 + $1.count }
        // Last year's, which the first weeks' forecasts draw on (seed 2).
        var lastYear: [[AllocationProfile]] = []
        var earlier = 5_000_000
        for week in 0..<52 {
            lastYear.append(world.arrivals(week, first: earlier, seed: 2))
            earlier += lastYear[week].count
        }
        var random = SeededGenerator(seed: 26)
        let weights = world.countries.map { _ in Double(Int.random(in: 1...6, using: &random)) }
        let places = Int(Double(total) * yearPlaces)
        var quotas: [CountryCode: Int] = [:]
        for (index, country) in world.countries.enumerated() {
            quotas[country.code] = Int(Double(places) * weights[index] / weights.reduce(0, +))
        }
        let mip = CbcPlacementMIP()
        print("Year simulation: \(total) arrivals over 52 weeks (\(world.expected(0))-\(world.expected(26)) a week, seasonal), "
              + "\(quotas.values.reduce(0, +)) places in \(world.countries.count) countries, unevenly; "
              + String(format: "load average %.2f on %d cores", load[0], ProcessInfo.processInfo.activeProcessorCount))
        fflush(nil)

        let (hindsight, hindsightSeconds) = time {
            place(arrivals.flatMap { $0 }, future: [], free: quotas, world: world, mip: mip)
        }
        print("hindsight (the whole year at once): placed \(hindsight.people), score \(hindsight.score), "
              + String(format: "%.1f s, ", hindsightSeconds) + hindsight.proof)
        let names = ["week": "week by week", "sample": "look-ahead", "prices": "prices", "oracle": "oracle prices"]
        let methods = yearMethods.split(separator: ",").map { String($0) }
        guard !methods.isEmpty, methods.allSatisfy({ names[$0] != nil }) else {
            throw ValidationError("--year-methods takes week, sample, prices and oracle, comma-separated; not '\(yearMethods)'")
        }
        for method in methods.compactMap({ names[$0] }) {
            let clock = ContinuousClock()
            let started = clock.now
            var free = quotas
            var waiting: [AllocationProfile] = []
            var people = 0, score = 0, waitedWeeks = 0
            var unproven = 0
            var everyonePlaced: Set<CaseID> = []
            for week in 0..<52 {
                let queue = waiting + arrivals[week]
                var future: [AllocationProfile] = []
                if method == "look-ahead" {
                    var first = 10_000_000
                    for later in (week + 1)..<52 {
                        let sample = world.arrivals(later, first: first, seed: 1_000 + UInt64(week))
                        first += sample.count
                        future += sample
                    }
                }
                var prices: [CountryCode: Double]?
                if method == "prices" {
                    // As the batch does it (`AllocationRun`, `AllocationForecast`): the last 26
                    // weeks' arrivals, this week's included and last year's before this year's,
                    // give the rate; the latest 2,000 of them the pool futures are drawn from.
                    let recent = ((week + 1 - AllocationForecast.weeksBack)...week).reversed()
                        .flatMap { ($0 < 0 ? lastYear[52 + $0] : arrivals[$0]).reversed() }
                    let batch = AllocationBatch(scorer: AllocationScorer(policy: world.policy, countries: world.countries), free: free)
                    prices = AllocationForecast(pool: Array(recent.prefix(AllocationForecast.largestPool)),
                                                arrivalsPerWeek: Double(recent.count) / Double(AllocationForecast.weeksBack),
                                                samples: yearSamples, seed: 1_000 + UInt64(week)).prices(queue: queue, batch: batch)
                } else if method == "oracle prices" {
                    let values = samplePrices(queue, future: arrivals[(week + 1)...].flatMap { $0 }, free: free, world: world)
                    prices = Dictionary(uniqueKeysWithValues: zip(world.countries.map(\.code), values))
                }
                let result = place(queue, future: future, free: free, world: world, mip: mip, prices: prices)
                if result.proof != "optimal" { unproven += 1 }
                people += result.people
                score += result.score
                for (code, used) in result.used { free[code, default: 0] -= used }
                let placed = result.placedIDs
                everyonePlaced.formUnion(placed)
                waiting = queue.filter { !placed.contains($0.id) }
                waitedWeeks += waiting.count
            }
            let seconds = (clock.now - started).components.seconds
            // The yardstick that keeps who is placed (first come, first placed, as every method
            // here does): the same people placed at once, in hindsight.
            let same = place(arrivals.flatMap { $0 }.filter { everyonePlaced.contains($0.id) }, future: [], free: quotas,
                             world: world, mip: mip)
            print(method.padding(toLength: 13, withPad: " ", startingAt: 0) + " placed \(people), score \(score): "
                  + String(format: "%.2f%% of hindsight's score, %.2f%% of its people, %.2f%% of the same people's hindsight (%d); ",
                           100 * Double(score) / Double(max(1, hindsight.score)),
                           100 * Double(people) / Double(max(1, hindsight.people)), 100 * Double(score) / Double(max(1, same.score)), same.score)
                  + "\(waitedWeeks) person-weeks waited, \(waiting.count) still waiting at the year's end; \(seconds) s"
                  + (unproven > 0 ? "; \(unproven) weeks not proven optimal" : ""))
            fflush(nil)
        }
        print(String(format: "peak resident memory: %d MB", peakResidentMegabytes()))
    }

    /// The queue and one sampled future as one problem, the queue first: a bonus per person
    /// larger than any difference the sample's scores can make, so nobody in the queue waits
    /// for a sampled person's place.
    func joint(_ queue: [AllocationProfile], future: [AllocationProfile], free: [CountryCode: Int], world: YearWorld)
        -> (problem: PlacementProblem, groups: [[Int]], isQueue: [Bool], batch: AllocationBatch) {
        let profiles = queue + future
        let batch = AllocationBatch(scorer: AllocationScorer(policy: world.policy, countries: world.countries), free: free)
        var problem = batch.problem(profiles)
        let groups = AllocationBatch.groups(of: profiles)
        let isQueue = groups.map { $0[0] < queue.count }
        if !future.isEmpty {
            let futureMost = zip(problem.scores, isQueue).filter { !$0.1 }.reduce(0) { $0 + ($1.0.compactMap { $0 }.max() ?? 0) }
            let bonus = 2 * futureMost + 1
            for item in problem.scores.indices where isQueue[item] {
                problem.scores[item] = problem.scores[item].map { $0.map { $0 + bonus * problem.sizes[item] } }
            }
        }
        return (problem, groups, isQueue, batch)
    }

    /// The points one more place in each country is worth with `future` still to come.
    func samplePrices(_ queue: [AllocationProfile], future: [AllocationProfile], free: [CountryCode: Int],
                      world: YearWorld) -> [Double] {
        PlacementSolver.prices(joint(queue, future: future, free: free, world: world).problem)
    }

    /// Places `queue` (and, for the look-ahead, a sample of `future` arrivals, which only hold
    /// places back; or, with `prices`, net of what each country's places are worth later)
    /// exactly; returns what the queue got.
    func place(_ queue: [AllocationProfile], future: [AllocationProfile], free: [CountryCode: Int], world: YearWorld,
               mip: CbcPlacementMIP, prices: [CountryCode: Double]? = nil)
        -> (people: Int, score: Int, used: [CountryCode: Int], placedIDs: Set<CaseID>, proof: String) {
        let profiles = queue + future
        var (problem, groups, isQueue, batch) = joint(queue, future: future, free: free, world: world)
        if let prices {
            for item in problem.scores.indices {
                let size = Double(problem.sizes[item])
                problem.scores[item] = problem.scores[item].enumerated().map { country, score in
                    score.map { $0 - Int((size * (prices[world.countries[country].code] ?? 0)).rounded()) }
                }
            }
        }
        let solution = PlacementSolver.solve(problem, mip: mip, secondsLimit: 60)
        var people = 0, score = 0
        var used: [CountryCode: Int] = [:]
        var placed: Set<CaseID> = []
        let original = future.isEmpty && prices == nil ? problem : batch.problem(profiles)
        for (item, group) in groups.enumerated() where isQueue[item] {
            guard let country = solution.assignment[item] else { continue }
            people += group.count
            score += original.scores[item][country]!
            used[world.countries[country].code, default: 0] += group.count
            for member in group { placed.insert(profiles[member].id) }
        }
        return (people, score, used, placed, solution.proof.label)
    }
}
