import XCTest
@testable import HavenCore

/// Issue 26, point 4: an assignment that takes too many places of a kind in a country is
/// brought within its limits by the swaps that cost least (`Lagrangian.swapped`), and the
/// people who take no limited kind are placed again around the rest (`Lagrangian.polished`).
final class PlacementSwapTests: XCTestCase {
    func testAFamilyOverAKindMovesAndThePeopleThereTakeItsPlaces() {
        // Country 0: 3 places, 1 housing unit; country 1: 2 places, no limit. The family (two
        // people, one unit) and a person alone (one unit) are both in country 0: one too many.
        // Moving the person alone costs 9 less 1 (the one who comes back gains 1); moving the
        // family costs 2 less 1 (both who come back), so the family goes.
        let problem = PlacementProblem(sizes: [2, 1, 1, 1], scores: [[20, 18], [10, 1], [5, 4], [5, 5]], capacities: [3, 2],
                                       limits: [PlacementLimit(name: "family-housing", capacities: [1, nil], uses: [1, 1, 0, 0])])
        let lagrangian = Lagrangian(problem)
        let start: [Int?] = [0, 0, 1, 1]
        XCTAssertFalse(problem.isFeasible(start))
        let swapped = lagrangian.swapped(start)
        XCTAssertEqual(swapped, [1, 0, 0, 0])
        XCTAssertEqual(swapped.map { problem.evaluate($0).score }, 38)
        XCTAssertEqual(bruteForcePlacement(problem).score, 38)
    }

    func testAPersonAloneWhoTakesAKindIsSwappedWithTheOneWhoGainsMost() {
        // Both countries full; country 0 has one medical place and two people who need one.
        // The second loses least by leaving (3), and the person in country 1 who gains most by
        // coming (2, not 0) takes their place.
        let problem = PlacementProblem(sizes: [1, 1, 1, 1], scores: [[10, 2], [8, 5], [3, 1], [4, 4]], capacities: [2, 2],
                                       limits: [PlacementLimit(name: "medical-support", capacities: [1, nil], uses: [1, 1, 0, 0])])
        let swapped = Lagrangian(problem).swapped([0, 0, 1, 1])
        XCTAssertEqual(swapped, [0, 1, 0, 1])
        XCTAssertEqual(swapped.map { problem.evaluate($0) }?.score, 10 + 5 + 3 + 4)
    }

    func testSomeoneWhoTakesAKindMovesWhereThePlacesPricesSayTheyGain() {
        // Country 0 has one place and one medical place, held by someone to whom both countries
        // are the same (5); the person who needs the medical place sits in country 1 (1, where
        // country 0 would give 10). Polishing keeps them where they are; the prices of the places
        // (equal, since whoever sits in country 0 could as well be in 1) say the move gains 9.
        let problem = PlacementProblem(sizes: [1, 1, 1], scores: [[10, 1], [5, 5], [3, 3]], capacities: [1, 2],
                                       limits: [PlacementLimit(name: "medical-support", capacities: [1, nil], uses: [1, 0, 0])])
        let lagrangian = Lagrangian(problem)
        let start: [Int?] = [1, 0, 1]
        XCTAssertEqual(lagrangian.polished(start, seconds: 10), start)
        let improved = lagrangian.improved(start, deadline: ContinuousClock().now + .seconds(10))
        XCTAssertEqual(improved, [0, 1, 1])
        XCTAssertEqual(problem.evaluate(improved).score, 18)
        XCTAssertEqual(bruteForcePlacement(problem).score, 18)
    }

    func testTwoWhoTakeAKindTradeCountriesWhenNeitherCanMoveAlone() {
        // One place and one medical place in each country, each held by someone who needs it and
        // would score 10 in the other country (1 where they are): neither can move alone.
        let problem = PlacementProblem(sizes: [1, 1], scores: [[1, 10], [10, 1]], capacities: [1, 1],
                                       limits: [PlacementLimit(name: "medical-support", capacities: [1, 1], uses: [1, 1])])
        let improved = Lagrangian(problem).improved([0, 1], deadline: ContinuousClock().now + .seconds(10))
        XCTAssertEqual(improved, [1, 0])
        XCTAssertEqual(problem.evaluate(improved).score, 20)
    }

    func testTwoSwapsFromOneRowTakeTheNextPartnersInTurn() {
        // Three people in country 0 need its one medical place; both countries are full. The
        // one who loses least (2) goes first, with the person in country 1 who gains most by
        // coming (3); then the next (4), with the next partner (2), not the first again.
        let problem = PlacementProblem(sizes: [1, 1, 1, 1, 1, 1],
                                       scores: [[10, 0], [5, 3], [6, 2], [3, 0], [2, 0], [1, 0]], capacities: [3, 3],
                                       limits: [PlacementLimit(name: "medical-support", capacities: [1, nil], uses: [1, 1, 1, 0, 0, 0])])
        let swapped = Lagrangian(problem).swapped([0, 0, 0, 1, 1, 1])
        XCTAssertEqual(swapped, [0, 1, 1, 0, 0, 1])
        XCTAssertEqual(swapped.map(problem.isFeasible), true)
    }

    func testAFamilyThatTakesAKindMovesWholeAndAnImprovementOutOfTimeChangesNothing() {
        // The family (two people, one housing unit) sits in country 1 (2 points); country 0,
        // with its one unit, would give it 30, and the two people alone there are as well off in
        // country 1.
        let problem = PlacementProblem(sizes: [2, 1, 1], scores: [[30, 2], [5, 5], [5, 5]], capacities: [2, 2],
                                       limits: [PlacementLimit(name: "family-housing", capacities: [1, nil], uses: [1, 0, 0])])
        let lagrangian = Lagrangian(problem)
        let start: [Int?] = [1, 0, 0]
        XCTAssertEqual(lagrangian.improved(start, deadline: ContinuousClock().now - .seconds(1)), start)
        let improved = lagrangian.improved(start, deadline: ContinuousClock().now + .seconds(10))
        XCTAssertEqual(improved, [0, 1, 1])
        XCTAssertEqual(problem.evaluate(improved).score, 40)
        // Told the answer is enough already, it stops at once.
        XCTAssertEqual(lagrangian.improved(start, deadline: ContinuousClock().now + .seconds(10), enough: (4, 12)), start)
    }

    func testSwapsNeverPassALimitOrLoseAPerson() {
        // Random small problems: the answer without limits, then the swaps. Whatever they
        // return keeps every limit and places as many people, and polished it is still within
        // the limits and no better than brute force. (Of the 400, those whose answer without
        // limits keeps them are skipped, and those the swaps refuse are counted.)
        var random = SeededGenerator(seed: 2_026)
        var repaired = 0
        var refused = 0
        var moved = 0
        for round in 0..<400 {
            let items = Int.random(in: 4...8, using: &random)
            let countries = Int.random(in: 2...3, using: &random)
            let sizes = (0..<items).map { _ in random.next() % 4 == 0 ? Int.random(in: 2...3, using: &random) : 1 }
            let scores = (0..<items).map { _ in
                (0..<countries).map { _ in random.next() % 6 == 0 ? nil : Optional(Int.random(in: 0...12, using: &random)) }
            }
            let capacities = (0..<countries).map { _ in Int.random(in: 1...6, using: &random) }
            let limits = (0..<Int.random(in: 1...2, using: &random)).map { index in
                PlacementLimit(name: "kind \(index)",
                               capacities: (0..<countries).map { _ in random.next() % 3 == 0 ? nil : Optional(Int.random(in: 0...2, using: &random)) },
                               uses: sizes.map { size in random.next() % 2 == 0 ? Int.random(in: 1...size, using: &random) : 0 })
            }
            let problem = PlacementProblem(sizes: sizes, scores: scores, capacities: capacities, limits: limits)
            var unlimited = problem
            unlimited.limits = []
            let start = PlacementSolver.solve(unlimited).assignment
            guard !problem.isFeasible(start) else { continue }
            let lagrangian = Lagrangian(problem)
            guard let swapped = lagrangian.swapped(start) else {
                refused += 1
                continue
            }
            repaired += 1
            XCTAssertTrue(problem.isFeasible(swapped), "round \(round): \(swapped) passes a limit \(problem)")
            XCTAssertEqual(problem.evaluate(swapped).people, problem.evaluate(start).people, "round \(round): a person lost")
            let polished = lagrangian.polished(swapped, seconds: 10)
            XCTAssertTrue(problem.isFeasible(polished), "round \(round): polishing passes a limit")
            XCTAssertTrue(problem.evaluate(polished) >= problem.evaluate(swapped), "round \(round): polishing made it worse")
            XCTAssertTrue(problem.evaluate(polished) <= bruteForcePlacement(problem), "round \(round): better than the optimum")
            // Improved by moving those who take a kind: still within every limit, never worse,
            // never better than the optimum.
            let improved = lagrangian.improved(polished, deadline: ContinuousClock().now + .seconds(10))
            XCTAssertTrue(problem.isFeasible(improved), "round \(round): improving passes a limit")
            XCTAssertTrue(problem.evaluate(improved) >= problem.evaluate(polished), "round \(round): improving made it worse")
            XCTAssertTrue(problem.evaluate(improved) <= bruteForcePlacement(problem), "round \(round): improved past the optimum")
            if problem.evaluate(improved) > problem.evaluate(polished) { moved += 1 }
        }
        XCTAssertGreaterThan(repaired, 40, "the swaps were tried (\(refused) refused)")
        XCTAssertGreaterThan(moved, 0, "no move of someone who takes a kind ever helped")
    }
}
