import XCTest
@testable import HavenCore

/// The prices on the limits by cutting planes in a box (`CuttingPlanes`, `Lagrangian.best`):
/// the small linear programme it solves, its least against a grid, and the prices' bound
/// against every price tried.
final class CuttingPlanesTests: XCTestCase {
    /// The prices' bound: never below the optimum, and within a point of `least` (the lowest
    /// bound of the prices tried one by one, scaled).
    func check(_ found: Lagrangian.Priced, optimum: Int, least: Int, _ label: String, line: UInt = #line) {
        XCTAssertGreaterThanOrEqual(found.scoreBound, optimum, "\(label): the bound is below the optimum", line: line)
        XCTAssertLessThanOrEqual(found.scoreBound, Model.floorDivide(least, Lagrangian.factor) + 1,
                                 "\(label): a price tried bounds lower, \(least) against \(found.scoreBound)", line: line)
    }

    func testTheSimplexMethodSolvesATextbookProgramme() throws {
        // max 3x + 5y: x ≤ 4, 2y ≤ 12, 3x + 2y ≤ 18 → x = 2, y = 6, 36.
        let (x, duals) = try XCTUnwrap(CuttingPlanes.maximise([3, 5], [[1, 0], [0, 2], [3, 2]], [4, 12, 18]))
        XCTAssertEqual(x[0], 2, accuracy: 1e-9)
        XCTAssertEqual(x[1], 6, accuracy: 1e-9)
        // The duals: 0, 3/2 and 1 (b · y = 18 + 18 = 36, the optimum).
        XCTAssertEqual(duals[0], 0, accuracy: 1e-9)
        XCTAssertEqual(duals[1], 1.5, accuracy: 1e-9)
        XCTAssertEqual(duals[2], 1, accuracy: 1e-9)
        XCTAssertNil(CuttingPlanes.maximise([1, 1], [[1, -1]], [1]), "unbounded")
    }

    func testTheLeastOfTheCutsInABoxIsNoHigherThanAnyPointOfAGrid() throws {
        var random = SeededGenerator(seed: 26)
        for round in 0..<200 {
            var planes = CuttingPlanes()
            for _ in 0..<Int.random(in: 1...7, using: &random) {
                planes.cuts.append(.init(value: Double(Int.random(in: -50...50, using: &random)),
                                         at: [Double(Int.random(in: 0...20, using: &random)), Double(Int.random(in: 0...20, using: &random))],
                                         slope: [Double(Int.random(in: -9...9, using: &random)), Double(Int.random(in: -9...9, using: &random))]))
            }
            let lower = [Double(Int.random(in: 0...10, using: &random)), Double(Int.random(in: 0...10, using: &random))]
            let upper = lower.map { $0 + Double(Int.random(in: 0...10, using: &random)) }
            func model(_ point: [Double]) -> Double {
                planes.cuts.map { cut in cut.value + zip(cut.slope, zip(point, cut.at)).reduce(0) { $0 + $1.0 * ($1.1.0 - $1.1.1) } }.max()!
            }
            let least = try XCTUnwrap(planes.minimum(lower: lower, upper: upper), "round \(round)")
            for index in 0..<2 {
                XCTAssertGreaterThanOrEqual(least.point[index], lower[index] - 1e-9, "round \(round)")
                XCTAssertLessThanOrEqual(least.point[index], upper[index] + 1e-9, "round \(round)")
            }
            XCTAssertEqual(least.value, model(least.point), accuracy: 1e-6, "round \(round): the value is the model's at the point")
            var grid = Double.infinity
            for i in 0...40 {
                for j in 0...40 {
                    let point = [lower[0] + (upper[0] - lower[0]) * Double(i) / 40, lower[1] + (upper[1] - lower[1]) * Double(j) / 40]
                    grid = min(grid, model(point))
                }
            }
            XCTAssertLessThanOrEqual(least.value, grid + 1e-6, "round \(round): a grid point is lower")
            XCTAssertGreaterThanOrEqual(least.weights.reduce(0, +), 1 - 1e-9, "round \(round): the weights sum to at least 1")
            for weight in least.weights { XCTAssertGreaterThanOrEqual(weight, -1e-9, "round \(round)") }
            for (cut, weight) in zip(planes.cuts, least.weights) where weight > 1e-9 {
                let here = cut.value + zip(cut.slope, zip(least.point, cut.at)).reduce(0) { $0 + $1.0 * ($1.1.0 - $1.1.1) }
                XCTAssertEqual(here, least.value, accuracy: 1e-6, "round \(round): a weighed cut does not hold the least")
            }
        }
    }

    func testThePricesBoundWithinAPointOfTheBestPriceAndNeverBelowTheOptimum() {
        // One limit on one country: the bound as a function of its one price, tried at every
        // price from 0 to 1,000 (in units of 1/64 point), against what the cutting planes find.
        var random = SeededGenerator(seed: 2_027)
        var priced = 0
        for round in 0..<40 {
            let items = Int.random(in: 4...9, using: &random)
            let countries = Int.random(in: 2...3, using: &random)
            let sizes = (0..<items).map { _ in random.next() % 4 == 0 ? Int.random(in: 2...3, using: &random) : 1 }
            let scores = (0..<items).map { _ in (0..<countries).map { _ in Optional(Int.random(in: 0...12, using: &random)) } }
            let people = sizes.reduce(0, +)
            let capacities = (0..<countries).map { _ in Int.random(in: people / countries...people, using: &random) }
            var limitCapacities = [Int?](repeating: nil, count: countries)
            limitCapacities[0] = Int.random(in: 0...2, using: &random)
            let limit = PlacementLimit(name: "medical-support", capacities: limitCapacities,
                                       uses: sizes.map { size in random.next() % 2 == 0 ? Int.random(in: 1...size, using: &random) : 0 })
            let problem = PlacementProblem(sizes: sizes, scores: scores, capacities: capacities, limits: [limit])
            var base = problem
            base.limits = []
            let model = Model(base)
            let root = model.relax(items: Array(0..<items), capacities: capacities)
            let most = WeightedValue(weight: model.personWeight).split(root.bound).people
            let lagrangian = Lagrangian(problem)
            let tried = (0...1_000).compactMap { lagrangian.evaluate([$0], people: most)?.value }
            guard let least = tried.min() else { continue }
            let expected = bruteForcePlacement(problem)
            guard expected.people == most, let found = lagrangian.best(people: most, incumbent: -1, seconds: 5, base: model) else { continue }
            priced += 1
            check(found, optimum: expected.score, least: least, "round \(round)")
        }
        XCTAssertGreaterThan(priced, 20)
    }

    func testWithTwoLimitsAndForbiddenCountriesThePricesBoundWithinAPointOfAGridOfPrices() {
        // Two limits (two prices) and countries some items may not enter: the cutting planes
        // against every pair of prices on a grid (0 to 640 units, every 16) and the optimum.
        var random = SeededGenerator(seed: 2_028)
        var priced = 0
        for round in 0..<16 {
            let items = Int.random(in: 4...8, using: &random)
            let countries = 3
            let sizes = (0..<items).map { _ in random.next() % 4 == 0 ? 2 : 1 }
            let scores = (0..<items).map { _ in
                (0..<countries).map { _ in random.next() % 5 == 0 ? nil : Optional(Int.random(in: 0...12, using: &random)) }
            }
            let people = sizes.reduce(0, +)
            let capacities = (0..<countries).map { _ in Int.random(in: people / 2...people, using: &random) }
            let limits = (0..<2).map { index in
                PlacementLimit(name: "kind \(index)",
                               capacities: (0..<countries).map { $0 == index ? Optional(Int.random(in: 0...1, using: &random)) : nil },
                               uses: sizes.map { size in random.next() % 2 == 0 ? Int.random(in: 1...size, using: &random) : 0 })
            }
            let problem = PlacementProblem(sizes: sizes, scores: scores, capacities: capacities, limits: limits)
            var base = problem
            base.limits = []
            let model = Model(base)
            let root = model.relax(items: Array(0..<items), capacities: capacities)
            guard root.feasible else { continue }
            let most = WeightedValue(weight: model.personWeight).split(root.bound).people
            let expected = bruteForcePlacement(problem)
            guard expected.people == most else { continue }
            let lagrangian = Lagrangian(problem)
            var least = Int.max
            for first in stride(from: 0, through: 640, by: 16) {
                for second in stride(from: 0, through: 640, by: 16) {
                    if let value = lagrangian.evaluate([first, second], people: most)?.value { least = min(least, value) }
                }
            }
            guard least < Int.max, let found = lagrangian.best(people: most, incumbent: -1, seconds: 5, base: model) else { continue }
            priced += 1
            check(found, optimum: expected.score, least: least, "round \(round)")
        }
        XCTAssertGreaterThan(priced, 8)
    }

    func testPricesWhoseSumsCouldOverflowAreNotTried() {
        XCTAssertTrue(Lagrangian.fits([[100, 200], [nil, 50]], sizes: [1, 2]))
        XCTAssertFalse(Lagrangian.fits([[Int.max / 4, 0], [Int.max / 4, 0]], sizes: [1, 1]))
        XCTAssertFalse(Lagrangian.fits([[1 << 56]], sizes: [6]), "weight times the sizes' multiple times people passes Int.max / 8")
        let problem = PlacementProblem(sizes: [1], scores: [[10, 5]], capacities: [1, 1],
                                       limits: [PlacementLimit(name: "k", capacities: [0, nil], uses: [1])])
        XCTAssertNotNil(Lagrangian(problem).evaluate([64], people: 1))
        XCTAssertNil(Lagrangian(problem).evaluate([Int.max / 16], people: 1))
    }
}
