import XCTest
import HavenCore
import HavenMIP
import HavenSolverSupport
import HavenStore

/// Issue 26: the allocation is exact on queues of every shape, checked against an independent
/// solver (brute force on the smallest, GLPK on the rest), and a result that stopped at a limit
/// never says it is optimal.
final class PlacementFamilyTests: XCTestCase {
    static let reference = try! ReferenceDataLoader.load(.builtIn)
    let mip = CbcPlacementMIP()

    func instance(_ family: PlacementFamily, cases: Int, seed: UInt64) -> PlacementInstance {
        family.instance(cases: cases, seed: seed, countries: Self.reference.countries, policy: Self.reference.allocation,
                        occupations: Self.reference.occupations)
    }

    /// Checks `solution` against GLPK's optimum of `problem`.
    func check(_ solution: PlacementSolution, _ problem: PlacementProblem, _ label: String,
               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(problem.isFeasible(solution.assignment), "\(label): infeasible", file: file, line: line)
        guard let reference = GlpkReference.solve(problem, secondsLimit: 120) else {
            return XCTFail("\(label): GLPK failed", file: file, line: line)
        }
        guard reference.finished else { return }
        XCTAssertLessThanOrEqual(solution.people, reference.people, "\(label): more people than GLPK's optimum", file: file, line: line)
        if solution.provenOptimal {
            XCTAssertEqual(solution.people, reference.people, "\(label): people, said optimal", file: file, line: line)
            XCTAssertEqual(solution.score, reference.score, "\(label): score, said optimal", file: file, line: line)
        } else {
            // A result short of the optimum must say how far it may be, and the optimum must lie within it.
            XCTAssertGreaterThanOrEqual(solution.peopleBound, reference.people, "\(label): people bound below the optimum",
                                        file: file, line: line)
            if solution.peopleBound == reference.people {
                XCTAssertGreaterThanOrEqual(solution.scoreBound, reference.score, "\(label): score bound below the optimum",
                                            file: file, line: line)
            }
        }
    }

    func testEveryFamilyIsSolvedExactlyWithCBCAndMatchesGLPK() {
        for family in PlacementFamily.allCases {
            for seed in 1...3 as ClosedRange<UInt64> {
                let problem = instance(family, cases: 150, seed: seed).problem
                let solution = PlacementSolver.solve(problem, mip: mip, secondsLimit: 60)
                XCTAssertTrue(solution.provenOptimal, "\(family) seed \(seed): \(solution.proof.label)")
                check(solution, problem, "\(family) seed \(seed)")
            }
        }
    }

    func testSmallRandomQueuesAreExactEvenWithoutAMIPSolver() {
        // The fuzzed queues of 15-40 people: the solver's own search alone, then with CBC.
        var ownProven = 0
        for seed in 1...40 as ClosedRange<UInt64> {
            let problem = instance(.smallRandom, cases: 0, seed: seed).problem
            let own = PlacementSolver.solve(problem, secondsLimit: 1)
            if own.provenOptimal { ownProven += 1 }
            check(own, problem, "own search, seed \(seed)")
            let withMIP = PlacementSolver.solve(problem, mip: mip)
            XCTAssertTrue(withMIP.provenOptimal, "seed \(seed): \(withMIP.proof.label)")
            check(withMIP, problem, "with CBC, seed \(seed)")
        }
        XCTAssertGreaterThan(ownProven, 0)
    }

    func testTinyQueuesOfEveryFamilyMatchBruteForce() {
        // The families cut down to what brute force can enumerate: 7 items, 3 countries.
        for family in PlacementFamily.allCases {
            for seed in 1...8 as ClosedRange<UInt64> {
                let full = instance(family, cases: 40, seed: seed).problem
                var random = SeededGenerator(seed: seed)
                let countries = Array((0..<full.countryCount).shuffled(using: &random).prefix(3))
                let items = Array((0..<full.itemCount).shuffled(using: &random).prefix(7))
                let capacities = countries.map { min(full.capacities[$0], Int.random(in: 0...6, using: &random)) }
                let problem = PlacementProblem(sizes: items.map { full.sizes[$0] },
                                               scores: items.map { item in countries.map { full.scores[item][$0] } },
                                               capacities: capacities)
                let expected = BruteForcePlacement.solve(problem)
                for (name, solution) in [("own", PlacementSolver.solve(problem)), ("CBC", PlacementSolver.solve(problem, mip: mip))] {
                    XCTAssertTrue(problem.isFeasible(solution.assignment), "\(family) \(seed) \(name)")
                    XCTAssertTrue(solution.provenOptimal, "\(family) \(seed) \(name)")
                    XCTAssertEqual(solution.people, expected.people, "\(family) \(seed) \(name): \(problem)")
                    XCTAssertEqual(solution.score, expected.score, "\(family) \(seed) \(name): \(problem)")
                }
            }
        }
    }

    func testAResultStoppedAtALimitSaysHowFarItMayBeAndNeverOptimal() {
        // Tight packing with the own search cut to one node and no MIP solver: it cannot prove it.
        var labelled = 0
        for seed in 1...6 as ClosedRange<UInt64> {
            let problem = instance(.tightPacking, cases: 300, seed: seed).problem
            let stopped = PlacementSolver.solve(problem, nodeLimit: 1)
            let exact = PlacementSolver.solve(problem, mip: mip)
            XCTAssertTrue(exact.provenOptimal)
            if (stopped.people, stopped.score) < (exact.people, exact.score) {
                XCTAssertFalse(stopped.provenOptimal, "seed \(seed): a worse answer labelled optimal")
            }
            if !stopped.provenOptimal {
                labelled += 1
                XCTAssertTrue(stopped.proof.label.hasPrefix("best found"), stopped.proof.label)
                XCTAssertGreaterThanOrEqual(stopped.peopleBound, exact.people)
                if stopped.peopleBound == exact.people { XCTAssertGreaterThanOrEqual(stopped.scoreBound, exact.score) }
            }
        }
        XCTAssertGreaterThan(labelled, 0, "no instance stopped at the limit; the test does not reach the label")
    }
}
