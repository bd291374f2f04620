import XCTest
@testable import HavenCore

/// The relaxation's flow, changed a step at a time as the branch and bound's children change
/// it (issue 26), must stay the optimum of what it holds: after any sequence of adding,
/// removing and taking places away, its value equals the relaxation solved from scratch, and
/// its prices prove it (strong duality).
final class PlacementFlowTests: XCTestCase {
    private func randomProblem(_ random: inout SeededGenerator, items: Int, countries: Int) -> PlacementProblem {
        let sizes = (0..<items).map { _ in Int.random(in: 0..<10, using: &random) < 4 ? Int.random(in: 2...4, using: &random) : 1 }
        let scores: [[Int?]] = (0..<items).map { _ in
            (0..<countries).map { _ in Double.random(in: 0..<1, using: &random) < 0.2 ? nil : Int.random(in: 0...30, using: &random) }
        }
        let capacities = (0..<countries).map { _ in Int.random(in: 0...(2 * items / countries + 2), using: &random) }
        return PlacementProblem(sizes: sizes, scores: scores, capacities: capacities)
    }

    /// The flow's own value: every unit at its node.
    private func primal(_ flow: Flow, _ model: Model, items: [Int]) -> Int {
        var value = 0
        for item in items { for (node, count) in flow.units(item) { value += count * model.value(item, node)! } }
        return value
    }

    func testEveryStepKeepsTheFlowOptimal() {
        var random = SeededGenerator(seed: 2626)
        var removed = 0
        var shrunk = 0
        for round in 0..<300 {
            let problem = randomProblem(&random, items: Int.random(in: 4...40, using: &random), countries: Int.random(in: 2...6, using: &random))
            let model = Model(problem, peopleFirst: Bool.random(using: &random))
            var flow = Flow(model: model, capacities: problem.capacities)
            var held = Array(0..<problem.itemCount)
            for item in held { XCTAssertTrue(flow.add(item), "round \(round)") }
            for step in 0..<8 {
                if Bool.random(using: &random), let item = held.randomElement(using: &random) {
                    flow.remove(item)
                    held.removeAll { $0 == item }
                    removed += 1
                } else {
                    let country = Int.random(in: 0..<problem.countryCount, using: &random)
                    let places = Int.random(in: 1...3, using: &random)
                    guard flow.capacity[country] >= places else { continue }
                    // Taking places away never fails here: everyone may stay unplaced.
                    XCTAssertTrue(flow.shrink(country, by: places), "round \(round) step \(step)")
                    shrunk += 1
                }
                XCTAssertFalse(held.contains { !flow.holds($0) }, "round \(round) step \(step): an item went missing")
                for country in 0..<problem.countryCount {
                    XCTAssertLessThanOrEqual(flow.used[country], flow.capacity[country], "round \(round) step \(step): overfull")
                }
                let capacities = Array(flow.capacity.prefix(problem.countryCount))
                let fresh = model.relax(items: held, capacities: capacities)
                let kept = flow.relaxation(items: held)
                XCTAssertEqual(kept.boundScaled, fresh.boundScaled, "round \(round) step \(step): not the optimum")
                XCTAssertEqual(primal(flow, model, items: held), kept.boundScaled,
                               "round \(round) step \(step): the prices do not prove the flow optimal")
            }
        }
        XCTAssertGreaterThan(removed, 300)
        XCTAssertGreaterThan(shrunk, 300)
    }

    func testAPlaceNobodyMayLeaveCannotBeTakenAway() {
        // Options cut by reduced costs may leave someone no way to stay unplaced.
        let problem = PlacementProblem(sizes: [1, 1], scores: [[5, 3], [4, nil]], capacities: [1, 1])
        var flow = Flow(model: Model(restricting: Model(problem), to: [0: [0], 1: [0, 2]]), capacities: problem.capacities)
        XCTAssertTrue(flow.add(0))
        XCTAssertTrue(flow.add(1))
        XCTAssertEqual(flow.wholeNode(0), 0)
        XCTAssertEqual(flow.wholeNode(1), 2, "the second waits: the first holds the only place it may take")
        XCTAssertFalse(flow.shrink(0, by: 1), "someone who must be placed was pushed out")
        XCTAssertTrue(flow.shrink(1, by: 1), "a place nobody uses goes without a move")
        XCTAssertEqual(flow.capacity[1], 0)
    }
}
