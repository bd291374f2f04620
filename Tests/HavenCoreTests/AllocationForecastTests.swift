import XCTest
@testable import HavenCore

/// Issue 26, point 3: the look-ahead. The prices are the relaxation's dual prices (checked by
/// strong duality against brute force), the forecast draws on recent grants only, and a batch
/// with prices keeps a scarce place for the people expected later, and says so.
final class AllocationForecastTests: XCTestCase {
    func code(_ text: String) -> CountryCode { CountryCode(text)! }

    /// The best total score of people alone (no groups: the relaxation is then integral), by
    /// trying every assignment.
    func bruteForceScore(_ problem: PlacementProblem) -> Int {
        var best = 0
        func go(_ item: Int, _ left: [Int], _ score: Int) {
            if item == problem.itemCount { best = max(best, score); return }
            go(item + 1, left, score)
            for country in 0..<problem.countryCount where left[country] > 0 {
                guard let value = problem.scores[item][country] else { continue }
                var next = left
                next[country] -= 1
                go(item + 1, next, score + value)
            }
        }
        go(0, problem.capacities, 0)
        return best
    }

    func testPricesAreTheDualOfThePlacesByStrongDualityOnRandomQueues() {
        var random = SeededGenerator(seed: 7)
        for round in 0..<200 {
            let countries = Int.random(in: 1...3, using: &random)
            let items = Int.random(in: 1...7, using: &random)
            let scores = (0..<items).map { _ in
                (0..<countries).map { _ in Int.random(in: 0..<6, using: &random) == 0 ? nil : Int.random(in: 0...40, using: &random) }
            }
            let capacities = (0..<countries).map { _ in Int.random(in: 0...3, using: &random) }
            let problem = PlacementProblem(sizes: Array(repeating: 1, count: items), scores: scores, capacities: capacities)
            let prices = PlacementSolver.prices(problem)
            XCTAssertEqual(prices.count, countries)
            XCTAssertTrue(prices.allSatisfy { $0 >= 0 }, "round \(round): \(prices)")
            // Dual feasible prices give a bound; the dual optimum meets the primal optimum.
            var dual = zip(prices, capacities).reduce(0.0) { $0 + $1.0 * Double($1.1) }
            for row in scores {
                dual += max(0, row.enumerated().compactMap { country, score in score.map { Double($0) - prices[country] } }.max() ?? 0)
            }
            XCTAssertEqual(dual, Double(bruteForceScore(problem)), accuracy: 1e-9, "round \(round): \(scores) \(capacities) \(prices)")
            // A country with a place nobody takes costs nothing.
            for country in 0..<countries where capacities[country] > scores.filter({ $0[country] != nil }).count {
                XCTAssertEqual(prices[country], 0, "round \(round)")
            }
        }
    }

    func testAPlaceIsPricedAtWhatOneFewerWouldLose() {
        // One place in A: the first person takes it (10 against 2). One more place there would
        // gain 7 (the second person's 8 against 1 in B, which has room); one fewer would lose 8
        // (the first to B). Both are dual prices; Haven's are what one fewer would lose.
        let problem = PlacementProblem(sizes: [1, 1], scores: [[10, 2], [8, 1]], capacities: [1, 5])
        XCTAssertEqual(PlacementSolver.prices(problem), [8, 0])
        // With no place in A at all, A is priced at the most anyone would gain there: the
        // first person's 10 against 2.
        XCTAssertEqual(PlacementSolver.prices(PlacementProblem(sizes: [1, 1], scores: [[10, 2], [8, 1]], capacities: [0, 5])), [8, 0])
    }

    func summary(_ number: Int, granted daysAgo: Int?, outcome: DecisionOutcome = .grant, verdict: Review.Verdict? = .approved,
                 erased: Bool = false) throws -> CaseSummary {
        var record = try Fixtures.caseIn(.allocation)
        record.id = CaseID(number: number)
        var summary = CaseSummary(record: record, version: CaseVersion(1))
        summary.decision = daysAgo.map {
            DecisionSummary(outcome: outcome, proposedBy: "anna.k", proposedAt: Fixtures.now, verdict: verdict,
                            reviewedAt: Timestamp(secondsSinceEpoch: Fixtures.now.secondsSinceEpoch - Int64($0) * 86_400))
        }
        if erased { summary.flags.insert(.erased) }
        return summary
    }

    func testTheForecastDrawsOnApprovedGrantsOfTheLast26WeeksLatestFirst() throws {
        let summaries = [try summary(1, granted: 10), try summary(2, granted: 200), try summary(3, granted: 1),
                         try summary(4, granted: 5, outcome: .refuse), try summary(5, granted: 5, verdict: nil),
                         try summary(6, granted: 3, erased: true), try summary(7, granted: nil), try summary(8, granted: 182),
                         try summary(9, granted: -1)]
        XCTAssertEqual(AllocationForecast.recentArrivals(summaries, now: Fixtures.now).map(\.number), [3, 1, 8])
    }

    /// Germany has three places left and the Netherlands plenty; recent grants all speak
    /// German. The queue's one person scores a little more in Germany.
    func world() -> (batch: AllocationBatch, queue: [AllocationProfile], pool: [AllocationProfile]) {
        let scorer = AllocationScorer(policy: AllocationTests.policy, countries: AllocationTests.countries)
        let batch = AllocationBatch(scorer: scorer, free: [code("DE"): 3, code("NL"): 50, code("GB"): 0])
        let queue = [AllocationProfile(id: CaseID(number: 1), languages: [LanguageCode("de")!: .b2, LanguageCode("nl")!: .b2],
                                       preferences: [code("DE")])]
        let pool = (0..<40).map { AllocationProfile(id: CaseID(number: 100 + $0), languages: [LanguageCode("de")!: .c2]) }
        return (batch, queue, pool)
    }

    func testABatchWithTheLookAheadKeepsAScarcePlaceForThePeopleExpectedLaterAndSaysSo() {
        let (batch, queue, pool) = world()
        let de = AllocationTests.countries[0], nl = AllocationTests.countries[1]
        let mine = (batch.scorer.score(queue[0], in: de), batch.scorer.score(queue[0], in: nl))
        let theirs = (batch.scorer.score(pool[0], in: de), batch.scorer.score(pool[0], in: nl))
        XCTAssertGreaterThan(mine.0, mine.1, "the queue's person scores more in Germany")
        XCTAssertGreaterThan(theirs.0 - theirs.1, mine.0 - mine.1, "the later arrivals gain more there")

        XCTAssertEqual(batch.run(queue).proposals.first?.country, code("DE"), "as if it were the last batch")
        // Ten grants a week: more than the 52 places the queue leaves come within a year, so
        // every place is taken, and each is worth what the future would lose without it;
        // Germany's that much more.
        let forecast = AllocationForecast(pool: pool, arrivalsPerWeek: 10)
        XCTAssertEqual(forecast.expectedLater(queue: queue, batch: batch), 52)
        let prices = forecast.prices(queue: queue, batch: batch)
        XCTAssertEqual(prices, AllocationForecast(pool: pool, arrivalsPerWeek: 10).prices(queue: queue, batch: batch),
                       "seeded: the same every time")
        XCTAssertEqual(prices[code("DE")], Double(theirs.0))
        XCTAssertEqual(prices[code("NL")], Double(theirs.1))
        XCTAssertEqual(prices[code("GB")], 0, "nobody expected scores anything there")

        var priced = batch
        priced.prices = prices
        priced.lookAhead = "test forecast"
        let result = priced.run(queue)
        XCTAssertEqual(result.people, 1, "the look-ahead never leaves anyone waiting for a place")
        let proposal = try! XCTUnwrap(result.proposals.first)
        XCTAssertEqual(proposal.country, code("NL"))
        XCTAssertEqual(result.score, mine.1, "the figures are the real scores, not net of the prices")
        XCTAssertEqual(result.lookAhead, "test forecast")
        XCTAssertNil(result.scoreBound, "a bound on the net score is no bound on the real one")
        XCTAssertTrue(proposal.batch?.hasPrefix("batch of 1, look-ahead: ") == true, proposal.batch ?? "")
        XCTAssertTrue(proposal.runnerUpReason.contains("but its places are kept for the people expected later (look-ahead: a place is worth \(theirs.0) points to them there, \(theirs.1) here)"),
                      proposal.runnerUpReason)
        XCTAssertTrue(proposal.preferences?.contains("1st DE: \(mine.0) points against \(mine.1) here, its places kept for people expected later") == true,
                      proposal.preferences ?? "")
        XCTAssertTrue(AllocationRun.summary(result, queued: 1).hasSuffix("look-ahead: test forecast."))
        XCTAssertTrue(AllocationRun.summary(result, queued: 1).hasPrefix("Placed 1 of 1; total score"), "no linked cases, no \"0 families\"")
        var grouped = result
        grouped.familyGroups = 2
        XCTAssertTrue(AllocationRun.summary(grouped, queued: 1).hasPrefix("Placed 1 of 1 (2 groups of linked cases kept together); "))
        XCTAssertEqual(AllocationRun.shortSummary(result, queued: 1), "Placed 1 of 1 · score \(mine.1) · look-ahead, optimal")
    }

    func testFewerArrivalsThanPlacesPriceOnlyWhatTheyWillFill() {
        // Half a grant a week: 26 expected within a year for 52 places. The Netherlands keeps
        // room, so its places cost nothing; a place in Germany is worth what a German speaker
        // gains there over the Netherlands.
        let (batch, queue, pool) = world()
        let de = AllocationTests.countries[0], nl = AllocationTests.countries[1]
        let theirs = (batch.scorer.score(pool[0], in: de), batch.scorer.score(pool[0], in: nl))
        let forecast = AllocationForecast(pool: pool, arrivalsPerWeek: 0.5)
        XCTAssertEqual(forecast.expectedLater(queue: queue, batch: batch), 26)
        let prices = forecast.prices(queue: queue, batch: batch)
        XCTAssertEqual(prices[code("NL")], 0)
        XCTAssertEqual(prices[code("DE")], Double(theirs.0 - theirs.1))
        var priced = batch
        priced.prices = prices
        XCTAssertEqual(priced.run(queue).proposals.first?.country, code("NL"))
    }

    func testAFutureLargerThanIsDrawnIsScaledWithThePlaces() {
        // 100,000 places in the Netherlands and 10,000 grants a week: 100,002 expected, 4,000
        // drawn; Germany's 2 places left scale to 1 (a country with a place keeps one), the
        // Netherlands' to 4,000, and the prices keep the difference they have at full size.
        var (batch, queue, pool) = world()
        batch.free[code("NL")] = 100_000
        let de = AllocationTests.countries[0], nl = AllocationTests.countries[1]
        let theirs = (batch.scorer.score(pool[0], in: de), batch.scorer.score(pool[0], in: nl))
        let forecast = AllocationForecast(pool: pool, arrivalsPerWeek: 10_000)
        XCTAssertEqual(forecast.expectedLater(queue: queue, batch: batch), 100_002)
        let prices = forecast.prices(queue: queue, batch: batch)
        XCTAssertEqual((prices[code("DE")] ?? 0) - (prices[code("NL")] ?? 0), Double(theirs.0 - theirs.1))
        XCTAssertEqual(AllocationForecast.placesLeft(after: queue, batch: batch), [2, 100_000, 0])
        XCTAssertEqual(AllocationForecast.scaled([2, 100_000, 0], drawn: 4_000, later: 100_002), [1, 4_000, 0])
        XCTAssertEqual(AllocationForecast.scaled([40, 60], drawn: 50, later: 100), [20, 30])
        XCTAssertEqual(AllocationForecast.scaled([40, 60], drawn: 100, later: 100), [40, 60], "nothing to scale")
    }

    func testThePlacesOthersInTheBatchTookAreNotSaidToBeKeptForLater() {
        // One place in Germany: the fluent German speaker in the queue takes it; the second
        // person, who scores more there too, goes to the Netherlands because the place went to
        // the first, not because it was kept for later.
        var (batch, _, pool) = world()
        batch.free[code("DE")] = 1
        let queue = [AllocationProfile(id: CaseID(number: 1), languages: [LanguageCode("de")!: .c2], preferences: [code("DE")]),
                     AllocationProfile(id: CaseID(number: 2), languages: [LanguageCode("de")!: .b2, LanguageCode("nl")!: .b2],
                                       preferences: [code("DE")])]
        var priced = batch
        priced.prices = AllocationForecast(pool: pool, arrivalsPerWeek: 0.5).prices(queue: queue, batch: batch)
        XCTAssertGreaterThan(priced.prices[code("DE")] ?? 0, 0)
        let result = priced.run(queue)
        XCTAssertEqual(result.proposals.map(\.country), [code("DE"), code("NL")])
        let second = result.proposals[1]
        XCTAssertTrue(second.runnerUpReason.hasSuffix("but its places gain more with other cases: this way the batch's total is the highest possible."),
                      second.runnerUpReason)
        XCTAssertTrue(second.preferences?.hasSuffix("here, its places gain more with other cases") == true, second.preferences ?? "")
    }

    func testNoForecastWithoutEnoughRecentGrantsOrPlacesLeftOver() {
        let (batch, queue, pool) = world()
        XCTAssertEqual(AllocationForecast(pool: Array(pool.prefix(AllocationForecast.smallestPool - 1)), arrivalsPerWeek: 10)
            .prices(queue: queue, batch: batch), [:])
        var full = batch
        full.free = [code("DE"): 1, code("NL"): 0, code("GB"): 0]
        XCTAssertEqual(AllocationForecast(pool: pool, arrivalsPerWeek: 10).prices(queue: queue, batch: full), [:],
                       "the queue takes every place left")
        XCTAssertEqual(AllocationForecast(pool: pool, arrivalsPerWeek: 0).prices(queue: queue, batch: batch), [:], "nobody expected")
    }

    func testARunSaysWhyItPlacedWithoutLookingAhead() throws {
        let few = try (1...3).map { try summary($0, granted: 2) }
        let run = AllocationRun(summaries: few, countries: AllocationTests.countries, policy: AllocationTests.policy, lookAheadAt: Fixtures.now)
        XCTAssertTrue(run.looksAhead)
        XCTAssertEqual(run.forecastPool.count, 3)
        XCTAssertEqual(run.lookAheadSkipped(queue: [AllocationProfile(id: CaseID(number: 1))]),
                       "no look-ahead: 3 granted in 26 weeks, \(AllocationForecast.smallestPool) needed")
        XCTAssertFalse(run.needsForecast(queue: 1), "too few grants to be worth reading")
        let many = try (1...40).map { try summary($0, granted: 2) }
        let unread = AllocationRun(summaries: many, countries: AllocationTests.countries, policy: AllocationTests.policy,
                                   lookAheadAt: Fixtures.now)
        XCTAssertTrue(unread.needsForecast(queue: 1))
        XCTAssertEqual(unread.lookAheadSkipped(queue: [AllocationProfile(id: CaseID(number: 1))], poolRead: 12),
                       "no look-ahead: 12 of 40 recent grants could be read")
        let (_, queue, pool) = world()
        XCTAssertNil(run.pricedBatch(queue: queue, pool: Array(pool.prefix(3))).lookAhead)
        XCTAssertTrue(run.pricedBatch(queue: queue, pool: Array(pool.prefix(3))).prices.isEmpty)
        // The time limit covers the forecast: what it took is taken off the solver's share.
        let priced = unread.pricedBatch(queue: queue, pool: pool)
        XCTAssertFalse(priced.prices.isEmpty, "a forecast was made")
        XCTAssertLessThan(priced.secondsLimit, unread.batch.secondsLimit)
        // Reading the pool counts too; the solver keeps at least a second.
        XCTAssertEqual(unread.pricedBatch(queue: queue, pool: pool, alreadySpent: 20).secondsLimit, priced.secondsLimit - 20, accuracy: 1)
        XCTAssertEqual(unread.pricedBatch(queue: queue, pool: pool, alreadySpent: 600).secondsLimit, 1)
        let without = AllocationRun(summaries: few, countries: AllocationTests.countries, policy: AllocationTests.policy)
        XCTAssertFalse(without.looksAhead)
        XCTAssertTrue(without.forecastPool.isEmpty)
        XCTAssertNil(without.lookAheadSkipped(queue: [AllocationProfile(id: CaseID(number: 1))]))
    }
}
