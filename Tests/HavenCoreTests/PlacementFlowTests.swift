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

    /// A certificate that `flow` is the relaxation's optimum over `held`, independent of how
    /// it was reached: every unit of every item at a node it may take, no country over its
    /// places, prices that are not negative, and the flow's own value equal to the bound those
    /// prices give (which bounds every solution, so nothing does better).
    private func assertOptimal(_ flow: inout Flow, _ model: Model, held: [Int], _ context: String) {
        let n = model.nodeCount
        var used = [Int](repeating: 0, count: n)
        var value = 0
        for item in held {
            let units = flow.units(item)
            XCTAssertEqual(units.reduce(0) { $0 + $1.count }, model.problem.sizes[item], "\(context): item \(item) not whole")
            for (node, count) in units {
                guard let unit = model.value(item, node) else { return XCTFail("\(context): item \(item) where it may not go") }
                used[node] += count
                value += count * unit
            }
        }
        XCTAssertEqual(used, flow.used, "\(context): places counted wrong")
        for node in 0..<(n - 1) { XCTAssertLessThanOrEqual(used[node], flow.capacity[node], "\(context): overfull") }
        let relaxation = flow.relaxation(items: held)
        XCTAssertFalse(relaxation.prices.contains { $0 < 0 }, "\(context): a negative price")
        XCTAssertEqual(value, relaxation.boundScaled, "\(context): the prices do not prove the flow optimal")
    }

    func testEveryStepKeepsTheFlowOptimal() {
        var random = SeededGenerator(seed: 2626)
        var removed = 0
        var shrunk = 0
        var refused = 0
        var restricted = 0
        for round in 0..<400 {
            let problem = randomProblem(&random, items: Int.random(in: 4...40, using: &random), countries: Int.random(in: 2...6, using: &random))
            let base = Model(problem, peopleFirst: Bool.random(using: &random))
            // The options the search leaves: some people may not stay unplaced, some lose a country.
            var options: [Int: [Int]] = [:]
            for item in 0..<problem.itemCount where Int.random(in: 0..<4, using: &random) == 0 {
                var allowed = base.nodes(of: item).filter { $0 != base.dummy }
                if allowed.count > 1, Bool.random(using: &random) { allowed.remove(at: Int.random(in: 0..<allowed.count, using: &random)) }
                if !allowed.isEmpty { options[item] = allowed }
            }
            if !options.isEmpty { restricted += 1 }
            let model = options.isEmpty ? base : Model(restricting: base, to: options)
            var flow = Flow(model: model, capacities: problem.capacities)
            var held = Array(0..<problem.itemCount)
            guard held.allSatisfy({ flow.add($0) }) else {
                XCTAssertFalse(model.relax(items: held, capacities: problem.capacities).feasible, "round \(round): a place was there")
                refused += 1
                continue
            }
            assertOptimal(&flow, model, held: held, "round \(round)")
            for step in 0..<8 {
                let context = "round \(round) step \(step)"
                if Bool.random(using: &random), let item = held.randomElement(using: &random) {
                    flow.remove(item)
                    held.removeAll { $0 == item }
                    XCTAssertFalse(flow.holds(item), context)
                    removed += 1
                } else {
                    let country = Int.random(in: 0..<problem.countryCount, using: &random)
                    let places = Int.random(in: 1...3, using: &random)
                    guard flow.capacity[country] >= places else { continue }
                    var capacities = Array(flow.capacity.prefix(problem.countryCount))
                    capacities[country] -= places
                    guard flow.shrink(country, by: places) else {
                        XCTAssertFalse(model.relax(items: held, capacities: capacities).feasible, "\(context): there was room to move")
                        refused += 1
                        break
                    }
                    XCTAssertEqual(Array(flow.capacity.prefix(problem.countryCount)), capacities, context)
                    shrunk += 1
                }
                XCTAssertFalse(held.contains { !flow.holds($0) }, "\(context): an item went missing")
                assertOptimal(&flow, model, held: held, context)
                let fresh = model.relax(items: held, capacities: Array(flow.capacity.prefix(problem.countryCount)))
                XCTAssertEqual(flow.relaxation(items: held).boundScaled, fresh.boundScaled, "\(context): not the optimum")
            }
        }
        XCTAssertGreaterThan(removed, 300)
        XCTAssertGreaterThan(shrunk, 300)
        XCTAssertGreaterThan(restricted, 100)
        XCTAssertGreaterThan(refused, 5)
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
