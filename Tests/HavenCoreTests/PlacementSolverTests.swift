import XCTest
@testable import HavenCore

/// Every assignment tried: the most people placed, then the highest score (limits kept).
func bruteForcePlacement(_ problem: PlacementProblem) -> (people: Int, score: Int) {
    var best = (people: -1, score: Int.min)
    var assignment = [Int?](repeating: nil, count: problem.itemCount)
    func visit(_ item: Int) {
        if item == problem.itemCount {
            guard problem.isFeasible(assignment) else { return }
            let figures = problem.evaluate(assignment)
            if figures.people > best.people || (figures.people == best.people && figures.score > best.score) { best = figures }
            return
        }
        for choice in [nil] + (0..<problem.countryCount).map(Optional.some) {
            assignment[item] = choice
            visit(item + 1)
        }
    }
    visit(0)
    return best
}

final class PlacementSolverTests: XCTestCase {
    func bruteForce(_ problem: PlacementProblem) -> (people: Int, score: Int) { bruteForcePlacement(problem) }

    func randomProblem(_ random: inout SeededGenerator, items: Int, countries: Int, maxSize: Int,
                       capacity: ClosedRange<Int>, scoreRange: ClosedRange<Int> = 0...30, forbidden: Double = 0.15) -> PlacementProblem {
        let sizes = (0..<items).map { _ in Int.random(in: 0..<10, using: &random) < 3 ? Int.random(in: 1...maxSize, using: &random) : 1 }
        let scores: [[Int?]] = (0..<items).map { _ in
            (0..<countries).map { _ in Double.random(in: 0..<1, using: &random) < forbidden ? nil : Int.random(in: scoreRange, using: &random) }
        }
        let capacities = (0..<countries).map { _ in Int.random(in: capacity, using: &random) }
        return PlacementProblem(sizes: sizes, scores: scores, capacities: capacities)
    }

    func testMatchesBruteForceOnSmallInstances() {
        var random = SeededGenerator(seed: 6)
        for round in 0..<400 {
            let problem = randomProblem(&random, items: Int.random(in: 1...7, using: &random),
                                        countries: Int.random(in: 1...3, using: &random), maxSize: 3, capacity: 0...5)
            let solution = PlacementSolver.solve(problem)
            let expected = bruteForce(problem)
            XCTAssertTrue(problem.isFeasible(solution.assignment), "round \(round): infeasible \(solution.assignment)")
            XCTAssertTrue(solution.provenOptimal, "round \(round)")
            XCTAssertEqual(solution.people, expected.people, "round \(round): people, problem \(problem)")
            XCTAssertEqual(solution.score, expected.score, "round \(round): score, problem \(problem)")
        }
    }

    func testCountriesWithNoPlaceNeverMisleadTheSolver() {
        // Issue 26: quotas of 0 beside family groups gave wrong answers labelled optimal.
        var random = SeededGenerator(seed: 260)
        for round in 0..<800 {
            var problem = randomProblem(&random, items: Int.random(in: 3...6, using: &random),
                                        countries: Int.random(in: 2...4, using: &random), maxSize: 4, capacity: 0...6,
                                        forbidden: 0.3)
            let closed = Int.random(in: 0..<problem.countryCount, using: &random)
            problem.capacities[closed] = 0
            let solution = PlacementSolver.solve(problem)
            let expected = bruteForce(problem)
            XCTAssertTrue(problem.isFeasible(solution.assignment), "round \(round): infeasible")
            if solution.provenOptimal {
                XCTAssertEqual(solution.people, expected.people, "round \(round): people, problem \(problem)")
                XCTAssertEqual(solution.score, expected.score, "round \(round): score, problem \(problem)")
            }
            XCTAssertTrue(solution.provenOptimal, "round \(round): \(solution.proof.label)")
        }
    }

    func testTightFamiliesNeedTheSearch() {
        // Capacities that groups of 2 and 3 cannot fill exactly by rounding the relaxation.
        var random = SeededGenerator(seed: 61)
        var searched = 0
        for round in 0..<300 {
            let problem = randomProblem(&random, items: 7, countries: 2, maxSize: 3, capacity: 3...6, forbidden: 0)
            let solution = PlacementSolver.solve(problem)
            let expected = bruteForce(problem)
            if solution.searchNodes > 0 { searched += 1 }
            XCTAssertEqual(solution.people, expected.people, "round \(round)")
            XCTAssertEqual(solution.score, expected.score, "round \(round)")
        }
        XCTAssertGreaterThan(searched, 0, "no instance needed branch and bound; the test does not reach it")
    }

    func testNeverWorseThanGreedyAndOftenBetter() throws {
        var random = SeededGenerator(seed: 66)
        var better = 0
        for round in 0..<12 {
            let problem = randomProblem(&random, items: 300, countries: 6, maxSize: 4, capacity: 40...90)
            let exact = PlacementSolver.solve(problem)
            let greedy = PlacementSolver.greedy(problem)
            XCTAssertTrue(problem.isFeasible(exact.assignment), "round \(round)")
            XCTAssertTrue(problem.isFeasible(greedy.assignment), "round \(round)")
            XCTAssertTrue(exact.people > greedy.people || (exact.people == greedy.people && exact.score >= greedy.score),
                          "round \(round): exact \(exact.people)/\(exact.score) below greedy \(greedy.people)/\(greedy.score)")
            XCTAssertLessThanOrEqual(exact.score, try XCTUnwrap(exact.scoreBound), "round \(round)")
            if exact.score > greedy.score, exact.people >= greedy.people { better += 1 }
        }
        XCTAssertGreaterThan(better, 6, "the exact method should beat greedy on most crowded instances")
    }

    func testQuotasHoldWhenDemandFarExceedsPlaces() {
        var random = SeededGenerator(seed: 7)
        let problem = randomProblem(&random, items: 2_000, countries: 5, maxSize: 4, capacity: 100...200)
        let solution = PlacementSolver.solve(problem)
        XCTAssertTrue(problem.isFeasible(solution.assignment))
        var used = [Int](repeating: 0, count: 5)
        for (item, country) in solution.assignment.enumerated() { if let country { used[country] += problem.sizes[item] } }
        // Singletons can always top a country up, so every place is used.
        XCTAssertEqual(used, problem.capacities)
    }

    func testAGroupIsNeverSplitAndForbiddenCountriesAreNeverUsed() {
        // Three places in A, two in B: the family of three fits only in A.
        let problem = PlacementProblem(sizes: [3, 1, 1], scores: [[5, 50], [9, 1], [9, 1]], capacities: [3, 2])
        let solution = PlacementSolver.solve(problem)
        XCTAssertEqual(solution.assignment, [0, 1, 1])
        XCTAssertEqual(solution.people, 5)
        let forbidden = PlacementProblem(sizes: [1, 1], scores: [[nil, 1], [3, nil]], capacities: [1, 0])
        XCTAssertEqual(PlacementSolver.solve(forbidden).assignment, [nil, 0])
    }
}
