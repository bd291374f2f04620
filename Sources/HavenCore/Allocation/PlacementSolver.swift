/// The placement problem: items (a person, or a family group that must stay together) go to
/// at most one country each, within the countries' free places, so that first as many people
/// as possible are placed and then the total score is the highest possible.
///
/// It is a transportation problem whose sources are the items, except that a family group
/// cannot be split. The solver is exact:
///
/// 1. The relaxation where groups may split is solved by successive shortest paths: items
///    are added one at a time, each along the cheapest chain of moves that makes room for it.
///    With twenty countries the residual graph has only 21 nodes (the countries and "not
///    placed"), so each step is a Bellman-Ford on 21 nodes over edges read from heaps, and
///    most steps take a free place directly.
/// 2. The final node prices are the dual of the capacity constraints: they give an upper
///    bound on every integral solution and a reduced cost for every item and country.
/// 3. A basic relaxed solution splits at most one group per country. Rounding them gives a
///    feasible solution; if it meets the bound it is optimal. Otherwise every option whose
///    reduced cost exceeds the gap is ruled out (no solution as good as the rounded one can
///    use it), and branch and bound over the groups left settles the rest exactly, each
///    child's relaxation changed from its parent's (`Flow`), with a MIP solver on what it
///    cannot settle in its share of the time.
public struct PlacementProblem: Sendable {
    /// People in each item (1 for a person alone).
    public var sizes: [Int]
    /// `scores[item][country]`: the item's score there, nil when it may not go there.
    public var scores: [[Int?]]
    /// Free places per country.
    public var capacities: [Int]
    /// Scarcer kinds of place besides the places themselves (`PlacementLimit`); empty for most queues.
    public var limits: [PlacementLimit]

    public init(sizes: [Int], scores: [[Int?]], capacities: [Int], limits: [PlacementLimit] = []) {
        precondition(sizes.count == scores.count, "one score row per item")
        precondition(scores.allSatisfy { $0.count == capacities.count }, "one score per country")
        precondition(sizes.allSatisfy { $0 >= 1 }, "an item holds at least one person")
        precondition(limits.allSatisfy { $0.capacities.count == capacities.count && $0.uses.count == sizes.count },
                     "a limit has a capacity per country and a use per item")
        self.sizes = sizes
        self.scores = scores
        self.capacities = capacities
        self.limits = limits
    }

    public var countryCount: Int { capacities.count }
    public var itemCount: Int { sizes.count }

    /// People placed and total score of an assignment (nil = not placed).
    public func evaluate(_ assignment: [Int?]) -> (people: Int, score: Int) {
        var people = 0
        var score = 0
        for (item, country) in assignment.enumerated() {
            guard let country, let value = scores[item][country] else { continue }
            people += sizes[item]
            score += value
        }
        return (people, score)
    }

    /// True when the assignment respects every quota and every forbidden country.
    public func isFeasible(_ assignment: [Int?]) -> Bool {
        guard assignment.count == itemCount else { return false }
        var used = [Int](repeating: 0, count: countryCount)
        for (item, country) in assignment.enumerated() {
            guard let country else { continue }
            guard scores[item][country] != nil else { return false }
            used[country] += sizes[item]
        }
        return zip(used, capacities).allSatisfy { $0 <= $1 } && limitExcess(assignment).isEmpty
    }

    /// Each limit and country the assignment takes more of than there is, with how many more.
    public func limitExcess(_ assignment: [Int?]) -> [(limit: Int, country: Int, excess: Int)] {
        var excess: [(Int, Int, Int)] = []
        for (index, limit) in limits.enumerated() {
            var used = [Int](repeating: 0, count: countryCount)
            for (item, country) in assignment.enumerated() { if let country { used[country] += limit.uses[item] } }
            for country in 0..<countryCount {
                if let capacity = limit.capacities[country], used[country] > capacity { excess.append((index, country, used[country] - capacity)) }
            }
        }
        return excess
    }
}

/// An assignment with its figures and how it was proven.
public struct PlacementSolution: Sendable, Equatable {
    /// The country of each item, nil when it could not be placed.
    public var assignment: [Int?]
    public var people: Int
    public var score: Int
    /// Optimal, or how far from the bound the best found may be.
    public var proof: PlacementProof
    /// No assignment places more people than this, nor (placing that many) scores more than
    /// `scoreBound` (nil when no bound on the score is known: the solver stopped before it).
    public var peopleBound: Int
    public var scoreBound: Int?
    /// Branch-and-bound nodes of the solver's own search (0 when rounding met the bound).
    public var searchNodes: Int
    /// What settled the hard part: nil when the relaxation or the solver's own search did, or
    /// the mixed-integer solver's name and its seconds.
    public var mip: String?
    public var mipSeconds: Double

    public var provenOptimal: Bool { proof.isOptimal }
}

public enum PlacementSolver {
    /// Solves `problem` exactly (see `PlacementProblem`): the relaxation and its rounding,
    /// then the solver's own branch and bound over the groups left open (for its share of the
    /// time, at most `nodeLimit` nodes), then, when that cannot settle them, `mip` on the open
    /// part, within `secondsLimit` seconds in all. Past a limit the best solution found is
    /// returned with the gap to the bound (`PlacementProof.bestFound`), never as optimal.
    public static func solve(_ problem: PlacementProblem, mip: (any PlacementMIP)? = nil, nodeLimit: Int? = nil,
                             secondsLimit: Double = 60, progress: ((Double) -> Void)? = nil) -> PlacementSolution {
        let secondsLimit = secondsLimit.isFinite ? min(max(secondsLimit, 0), 86_400) : 60
        if !problem.limits.isEmpty {
            return solveWithLimits(problem, mip: mip, nodeLimit: nodeLimit, secondsLimit: secondsLimit, progress: progress)
        }
        let nodeLimit = nodeLimit ?? (mip == nil ? 100_000 : Int.max)
        let clock = ContinuousClock()
        let started = clock.now
        func elapsed() -> Double {
            let duration = (clock.now - started).components
            return Double(duration.seconds) + Double(duration.attoseconds) * 1e-18
        }
        let model = Model(problem)
        let items = Array(0..<problem.itemCount)
        let root = model.relax(items: items, capacities: problem.capacities, progress: progress.map { report in { report($0 * 0.5) } })
        // The incumbent: every family where the relaxation put (most of) it, then everyone
        // alone placed optimally around them; it differs from the relaxation only in the few
        // families the relaxation split, so it is usually optimal or very close.
        var familyNodes: [Int: [Int]] = [:]
        for item in items where problem.sizes[item] > 1 {
            familyNodes[item] = [root.units[item]![0].node, model.dummy]
        }
        let familiesFixed = Model(restricting: model, to: familyNodes)
        let familiesFirst = familyNodes.keys.sorted() + items.filter { problem.sizes[$0] == 1 }
        let incumbent = familiesFixed.relax(items: familiesFirst, capacities: problem.capacities,
                                            moving: { problem.sizes[$0] == 1 },
                                            progress: progress.map { report in { report(0.5 + $0 * 0.45) } })
        var best = model.round(incumbent, items: items, capacities: problem.capacities)
        let rounded = model.round(root, items: items, capacities: problem.capacities)
        if model.value(of: rounded) > model.value(of: best) { best = rounded }
        var bestValue = model.value(of: best)
        var nodes = 0
        var proven = bestValue >= root.bound
        let weight = WeightedValue(weight: model.personWeight)
        let rootBound = weight.split(root.bound)
        // The bound: the most people, and (placing that many) the most score; nil = unknown.
        var bound: (people: Int, score: Int?) = (rootBound.people, rootBound.score)
        var mipName: String?
        var mipSeconds = 0.0
        if !proven {
            // Options that cannot be part of a solution at least as good as `best` (reduced
            // costs from any dual-feasible prices rule them out; the relaxation's are such).
            let gap = root.boundScaled - bestValue * model.scale
            var fixed: [Int: Int] = [:]
            var open: [Int] = []
            var options: [Int: [Int]] = [:]
            for item in items {
                let allowed = model.nodes(of: item).filter { root.reducedCost(item, $0, model) <= gap }
                if allowed.count == 1 { fixed[item] = allowed[0] } else { open.append(item); options[item] = allowed }
            }
            var capacities = problem.capacities
            var fixedValue = 0
            for (item, node) in fixed {
                fixedValue += model.itemValue(item, node)
                if node < problem.countryCount { capacities[node] -= problem.sizes[item] }
            }
            // `best` keeps every fixed item where it is fixed, so the places they take cannot
            // overfill a country; should the prices ever be wrong, nothing is fixed at all.
            if capacities.contains(where: { $0 < 0 }) {
                fixed = [:]
                open = items
                options = [:]
                capacities = problem.capacities
                fixedValue = 0
            }
            // The own search's share of the time (docs/DECISIONS.md, issue 26, "The own search
            // from its parent's flow", "The share of time"): all of it alone, or when the open part is too large for the MIP solver;
            // a third when it is large (CBC's root work grows with it); a second when it is
            // small, where CBC's cuts settle in moments what a search by groups cannot.
            let columns = open.reduce(0) { $0 + (options[$1] ?? model.nodes(of: $1)).count { $0 != model.dummy } }
            let remaining = secondsLimit - elapsed()
            let ownSeconds: Double = switch mip {
            case nil: remaining
            case let mip? where columns > mip.maximumColumns: remaining
            case _? where columns > Self.largeOpenPart: remaining / 3
            case _?: min(1, remaining)
            }
            let deadline = clock.now + .milliseconds(Int(max(0, ownSeconds) * 1000))
            var search = Search(model: model, options: options, nodeLimit: nodeLimit, deadline: deadline,
                                best: bestValue - fixedValue)
            search.run(items: open, capacities: capacities)
            nodes = search.nodes
            if let found = search.bestAssignment {
                for (item, node) in fixed { best[item] = node }
                for (item, node) in found { best[item] = node }
                bestValue = model.value(of: best)
            }
            proven = !search.limitHit
            if !proven, let mip {
                // When the best found already places as many people as the bound allows, the
                // solver needs only the score stage.
                let peopleProven = problem.evaluate(best.map { $0 < problem.countryCount ? Optional($0) : nil }).people >= bound.people
                let openPeople = open.reduce(0) { $0 + (best[$1] == model.dummy ? 0 : problem.sizes[$1]) }
                let remaining = secondsLimit - elapsed()
                let handed = handOver(open: open, options: options, capacities: capacities, best: best, model: model,
                                      mip: mip, secondsLimit: max(0.5, remaining), knownPeople: peopleProven ? openPeople : nil)
                mipName = mip.name
                mipSeconds = handed.seconds
                var claimed = handed.proven
                if let assignment = handed.assignment {
                    let value = model.value(of: assignment)
                    if value > bestValue {
                        best = assignment
                        bestValue = value
                    } else if value < bestValue {
                        // The solver called optimal something worse than what we hold: its
                        // claim (and its bound) cannot be right.
                        claimed = false
                    }
                } else {
                    claimed = false
                }
                proven = claimed
                if let mipBound = handed.bound, handed.assignment != nil {
                    // The solver's bound on the open items, with the fixed ones added back.
                    var total = (people: mipBound.people, score: mipBound.score)
                    for (item, node) in fixed where node != model.dummy {
                        total.people += problem.sizes[item]
                        total.score = total.score.map { $0 + problem.scores[item][node]! }
                    }
                    // A bound below what we hold is no bound: keep the relaxation's then.
                    let held = problem.evaluate(best.map { $0 < problem.countryCount ? Optional($0) : nil })
                    let sound = total.people > held.people || (total.people == held.people && (total.score ?? Int.max) >= held.score)
                    if sound, (total.people, total.score ?? Int.max) < (bound.people, bound.score ?? Int.max) {
                        bound = total
                    }
                }
            }
        }
        return finished(problem, best.map { $0 < problem.countryCount ? Optional($0) : nil }, proven: proven, bound: bound,
                        searchNodes: nodes, mip: mipName, mipSeconds: mipSeconds)
    }

    /// Columns (an open item's allowed countries) above which the open part is large for CBC:
    /// its root processing alone took 15 s at 55,000 (docs/performance.md).
    static let largeOpenPart = 20_000

    /// What one more place in each country is worth, in points per person: the dual prices of
    /// the countries' places in the relaxation (groups may split) that maximises the total
    /// score alone. 0 for a country with room left over. The look-ahead (issue 26, point 3)
    /// averages them over sampled futures and charges them to the week's queue. Limits of a
    /// kind are not priced.
    ///
    /// Where the dual prices are not unique, these are what the items would lose with one
    /// place fewer there (the cheapest chain of moves out). A country with no place free is
    /// priced at the most any item would gain there, so the prices stay dual feasible.
    public static func prices(_ problem: PlacementProblem) -> [Double] {
        // A country without a free place is closed in the relaxation: open, it would be priced
        // 0 and spoil every item's best option.
        var open = problem
        open.limits = []
        let closed = (0..<problem.countryCount).filter { problem.capacities[$0] <= 0 }
        for item in open.scores.indices { for country in closed { open.scores[item][country] = nil } }
        let model = Model(open, peopleFirst: false)
        let relaxation = model.relax(items: Array(0..<problem.itemCount), capacities: problem.capacities)
        guard relaxation.feasible else { return [Double](repeating: 0, count: problem.countryCount) }
        let scale = Double(model.scale)
        var prices = relaxation.prices.prefix(problem.countryCount).map { Double($0) / scale }
        for country in closed {
            var most = 0.0
            for item in problem.scores.indices {
                guard let score = problem.scores[item][country] else { continue }
                let size = Double(problem.sizes[item])
                most = max(most, Double(score) / size - Double(relaxation.itemBest[item]!) / (size * scale))
            }
            prices[country] = most
        }
        return prices
    }

    /// The solution for `assignment`: optimal when proven or when it meets the bound (which is
    /// then its own figures), else the best found with its gap.
    static func finished(_ problem: PlacementProblem, _ assignment: [Int?], proven: Bool, bound: (people: Int, score: Int?),
                         searchNodes: Int, mip: String?, mipSeconds: Double) -> PlacementSolution {
        var bound = bound
        let figures = problem.evaluate(assignment)
        let proof: PlacementProof
        if proven || (figures.people, figures.score) >= (bound.people, bound.score ?? Int.max) {
            proof = .optimal
            bound = (figures.people, figures.score)
        } else if bound.people > figures.people {
            proof = .bestFound(morePeople: bound.people - figures.people, morePoints: nil)
        } else {
            proof = .bestFound(morePeople: 0, morePoints: bound.score.map { $0 - figures.score })
        }
        return PlacementSolution(assignment: assignment, people: figures.people, score: figures.score, proof: proof,
                                 peopleBound: bound.people, scoreBound: bound.score, searchNodes: searchNodes, mip: mip,
                                 mipSeconds: mipSeconds)
    }

    /// Hands the open items to `mip`: families as whole choices, people alone as fractions,
    /// then places the people alone again exactly around the families it chose. Returns the
    /// whole assignment (in model nodes), whether the solver proved it, and its bound on the
    /// open items (people, then score).
    static func handOver(open: [Int], options: [Int: [Int]], capacities: [Int], best: [Int], model: Model,
                         mip: any PlacementMIP, secondsLimit: Double, knownPeople: Int?, limits: [PlacementLimit] = [])
        -> (assignment: [Int]?, proven: Bool, bound: (people: Int, score: Int?)?, seconds: Double) {
        let problem = model.problem
        // Whole choices: families, and anyone who takes a limited kind of place (with two kinds
        // of limit the people alone are no longer a transportation problem, whose optimum is whole).
        func whole(_ item: Int) -> Bool { problem.sizes[item] > 1 || limits.contains { $0.uses[item] > 0 } }
        var subproblem = PlacementSubproblem(sizes: [], options: [], mayStayUnplaced: [], integral: [],
                                             capacities: capacities, secondsLimit: secondsLimit, knownPeople: knownPeople)
        subproblem.limits = limits.map { limit in PlacementLimit(name: limit.name, capacities: limit.capacities, uses: open.map { limit.uses[$0] }) }
        for item in open {
            let allowed = options[item] ?? model.nodes(of: item)
            let countries = allowed.filter { $0 != model.dummy }
            subproblem.sizes.append(problem.sizes[item])
            subproblem.options.append(countries.map { PlacementSubproblem.Option(country: $0, score: problem.scores[item][$0]!) })
            subproblem.mayStayUnplaced.append(allowed.contains(model.dummy))
            subproblem.integral.append(whole(item))
            subproblem.start.append(countries.firstIndex(of: best[item]))
        }
        guard let solved = mip.solve(subproblem) else { return (nil, false, nil, 0) }
        // Each family where the solver put it; everyone alone placed again around them.
        var chosen: [Int: [Int]] = [:]
        for (position, item) in open.enumerated() where whole(item) {
            let values = solved.values[position]
            if let index = values.indices.max(by: { values[$0] < values[$1] }), values[index] > 0.5 {
                chosen[item] = [subproblem.options[position][index].country]
            } else {
                chosen[item] = [model.dummy]
            }
        }
        var singles: [Int: [Int]] = [:]
        for item in open where !whole(item) { singles[item] = options[item] ?? model.nodes(of: item) }
        let placedAround = Model(restricting: model, to: chosen.merging(singles) { $1 })
        let completed = placedAround.relax(items: open.filter(whole) + open.filter { !whole($0) }, capacities: capacities)
        var assignment: [Int]?
        if completed.feasible, completed.units.allSatisfy({ $0.value.count == 1 }) {
            var next = best
            for item in open { next[item] = completed.units[item]![0].node }
            assignment = next
        }
        return (assignment, solved.provenOptimal, (solved.peopleBound, solved.scoreBound), solved.seconds)
    }

    /// The baseline a careful person would do by hand: items in order of their best score,
    /// each to its best country that still has room, of every kind it takes.
    public static func greedy(_ problem: PlacementProblem) -> PlacementSolution {
        var free = problem.capacities
        var freeOf = problem.limits.map { $0.capacities.map { $0 ?? Int.max } }
        var assignment = [Int?](repeating: nil, count: problem.itemCount)
        let best = problem.scores.map { row in row.reduce(Int.min) { max($0, $1 ?? Int.min) } }
        let order = (0..<problem.itemCount).sorted { best[$0] != best[$1] ? best[$0] > best[$1] : $0 < $1 }
        for item in order {
            let choices = problem.scores[item].indices.filter { problem.scores[item][$0] != nil }
                .sorted { problem.scores[item][$0]! != problem.scores[item][$1]! ? problem.scores[item][$0]! > problem.scores[item][$1]! : $0 < $1 }
            let fits = { (country: Int) in
                free[country] >= problem.sizes[item]
                    && problem.limits.indices.allSatisfy { freeOf[$0][country] >= problem.limits[$0].uses[item] }
            }
            if let country = choices.first(where: fits) {
                assignment[item] = country
                free[country] -= problem.sizes[item]
                for index in problem.limits.indices { freeOf[index][country] -= problem.limits[index].uses[item] }
            }
        }
        let figures = problem.evaluate(assignment)
        return PlacementSolution(assignment: assignment, people: figures.people, score: figures.score,
                                 proof: .bestFound(morePeople: 0, morePoints: nil), peopleBound: figures.people,
                                 scoreBound: figures.score, searchNodes: 0, mip: nil, mipSeconds: 0)
    }
}

// MARK: The relaxation

/// The problem in the solver's units. Node `countryCount` is "not placed": always allowed,
/// worth 0, never full. An item's value at a country is `size * personWeight + score`, so
/// placing one more person always outweighs any difference of scores. Per-person values are
/// that divided by the size, multiplied by `scale` (a multiple of every size) to stay integral.
struct Model {
    let problem: PlacementProblem
    let personWeight: Int
    let scale: Int
    let nodeCount: Int
    /// `unitValue[item * nodeCount + node]`, or `forbidden` (8 bytes a cell where an optional
    /// takes 16: 120,000 items x 21 nodes is 20 MB, copied once for the incumbent).
    let unitValue: [Int]
    static let forbidden = Int.min

    /// `peopleFirst` false: a place is worth its score alone (for `PlacementSolver.prices`).
    init(_ problem: PlacementProblem, peopleFirst: Bool = true) {
        self.problem = problem
        let best = problem.scores.map { row in row.compactMap { $0 }.map { abs($0) }.max() ?? 0 }
        personWeight = peopleFirst ? 2 * best.reduce(0, +) + 1 : 0
        var scale = 1
        for size in Set(problem.sizes) { scale = scale / Self.gcd(scale, size) * size }
        self.scale = scale
        nodeCount = problem.countryCount + 1
        var values = [Int](repeating: Self.forbidden, count: problem.itemCount * nodeCount)
        for item in 0..<problem.itemCount {
            let size = problem.sizes[item]
            for country in 0..<problem.countryCount {
                if let score = problem.scores[item][country] {
                    values[item * nodeCount + country] = (size * personWeight + score) * (scale / size)
                }
            }
            values[item * nodeCount + problem.countryCount] = 0
        }
        unitValue = values
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    var dummy: Int { problem.countryCount }

    func value(_ item: Int, _ node: Int) -> Int? {
        let value = unitValue[item * nodeCount + node]
        return value == Self.forbidden ? nil : value
    }

    /// The whole item's value at a node, in unscaled units.
    func itemValue(_ item: Int, _ node: Int) -> Int {
        node == dummy ? 0 : problem.sizes[item] * personWeight + problem.scores[item][node]!
    }

    func nodes(of item: Int) -> [Int] { (0..<nodeCount).filter { value(item, $0) != nil } }

    func value(of assignment: [Int]) -> Int {
        assignment.enumerated().reduce(0) { $0 + itemValue($1.offset, $1.element) }
    }

    /// A max-heap of (gain, item) for moving one unit from one node to another.
    struct Heap {
        var keys: [Int] = []
        var items: [Int32] = []

        mutating func push(_ key: Int, _ item: Int) {
            keys.append(key)
            items.append(Int32(item))
            var child = keys.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard keys[parent] < keys[child] else { break }
                keys.swapAt(parent, child)
                items.swapAt(parent, child)
                child = parent
            }
        }

        mutating func pop() {
            let last = keys.count - 1
            keys.swapAt(0, last)
            items.swapAt(0, last)
            keys.removeLast()
            items.removeLast()
            var parent = 0
            while true {
                let left = 2 * parent + 1
                guard left < keys.count else { break }
                var larger = left
                if left + 1 < keys.count, keys[left + 1] > keys[left] { larger = left + 1 }
                guard keys[larger] > keys[parent] else { break }
                keys.swapAt(parent, larger)
                items.swapAt(parent, larger)
                parent = larger
            }
        }
    }

    /// The relaxed optimum over `items` (groups may split) and its dual prices.
    struct Relaxation {
        /// Units of each item at each node: `units[item]` lists (node, count).
        var units: [Int: [(node: Int, count: Int)]]
        /// Price per person of each node (0 for "not placed" and for countries with room).
        var prices: [Int]
        /// The bound on any integral solution, scaled, and unscaled (rounded down).
        var boundScaled: Int
        var bound: Int
        var itemBest: [Int: Int]
        var feasible = true

        static let infeasible = Relaxation(units: [:], prices: [], boundScaled: Int.min, bound: Int.min, itemBest: [:],
                                           feasible: false)

        /// How much an item loses, scaled, by going to `node` rather than its best priced node.
        func reducedCost(_ item: Int, _ node: Int, _ model: Model) -> Int {
            guard let value = model.value(item, node) else { return Int.max }
            return itemBest[item]! - model.problem.sizes[item] * (value - prices[node])
        }
    }

    /// The relaxed optimum over `items` (see `Flow`). `moving` says which items chains of moves
    /// may move once placed (all, for the true relaxation; only people alone, for a quick
    /// incumbent that never splits a family).
    func relax(items: [Int], capacities: [Int], moving: ((Int) -> Bool)? = nil,
               progress: ((Double) -> Void)? = nil) -> Relaxation {
        var flow = Flow(model: self, capacities: capacities, moving: moving)
        let step = max(1, items.count / 100)
        for (position, item) in items.enumerated() {
            if position % step == 0 { progress?(Double(position) / Double(max(1, items.count))) }
            guard flow.add(item) else { return Relaxation.infeasible }
        }
        progress?(1)
        return flow.relaxation(items: items)
    }

    static func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// A feasible assignment from a relaxed one: whole items stay; each split group goes whole
    /// to the node that held most of it and still has room, else its next best, else nowhere.
    func round(_ relaxation: Relaxation, items: [Int], capacities: [Int]) -> [Int] {
        var assignment = [Int](repeating: dummy, count: problem.itemCount)
        var free = capacities + [Int.max]
        var splitItems: [Int] = []
        for item in items {
            let units = relaxation.units[item] ?? []
            if units.count == 1 {
                assignment[item] = units[0].node
                if units[0].node != dummy { free[units[0].node] -= problem.sizes[item] }
            } else {
                splitItems.append(item)
            }
        }
        for item in splitItems {
            let held = Dictionary(uniqueKeysWithValues: (relaxation.units[item] ?? []).map { ($0.node, $0.count) })
            let choices = nodes(of: item).sorted {
                let a = held[$0] ?? 0, b = held[$1] ?? 0
                if a != b { return a > b }
                let (x, y) = (itemValue(item, $0), itemValue(item, $1))
                return x != y ? x > y : $0 < $1
            }
            let node = choices.first { free[$0] >= problem.sizes[item] } ?? dummy
            assignment[item] = node
            if node != dummy { free[node] -= problem.sizes[item] }
        }
        return assignment
    }
}

// MARK: Branch and bound

/// Depth-first search over the groups a relaxation splits: each child forces one split group
/// whole into one of its remaining options, its relaxation changed from its parent's (`Flow`).
struct Search {
    let model: Model
    /// The model with each open item limited to its options.
    let restricted: Model
    let options: [Int: [Int]]
    let nodeLimit: Int
    let deadline: ContinuousClock.Instant
    /// The value (unscaled) a solution of the open items must beat.
    var best: Int
    var bestAssignment: [Int: Int]?
    var nodes = 0
    var limitHit = false
    /// Levels of the search kept at most (each with children left to explore, holding its
    /// flow): about a gigabyte's worth, by an estimate of what a level holds (its `whole`
    /// array, and the heaps of moves its children changed, larger with fewer countries). At
    /// 120,000 cases a proof kept 718 levels (large families, 84,020 items, 20 countries) in
    /// 480 MB with the instance; this allows 1,900 there.
    let levelLimit: Int

    /// Each item's options as flat arrays, for the bound at every node (most of a node's
    /// time): `optionNode[optionStart[item]..<optionStart[item + 1]]`, with the whole item's
    /// scaled value there.
    private let optionStart: [Int32]
    private let optionNode: [Int32]
    private let optionValue: [Int]

    init(model: Model, options: [Int: [Int]], nodeLimit: Int, deadline: ContinuousClock.Instant, best: Int) {
        self.deadline = deadline
        self.model = model
        restricted = Model(restricting: model, to: options)
        self.options = options
        self.nodeLimit = nodeLimit
        self.best = best
        levelLimit = max(64, 1_000_000_000 / (20_000 + (2 + 80 / max(1, model.problem.countryCount)) * model.problem.itemCount))
        var start: [Int32] = [0]
        var nodes: [Int32] = []
        var values: [Int] = []
        for item in 0..<model.problem.itemCount {
            for node in 0..<model.nodeCount {
                if let value = restricted.value(item, node) {
                    nodes.append(Int32(node))
                    values.append(model.problem.sizes[item] * value)
                }
            }
            start.append(Int32(nodes.count))
        }
        optionStart = start
        optionNode = nodes
        optionValue = values
    }

    /// The bound (scaled) over the `items` the flow holds from `prices`, on the flat options:
    /// for any prices, each item's best priced option plus every place at its price.
    private func boundScaled(_ flow: Flow, items: [Int], prices: [Int]) -> Int {
        var bound = 0
        optionNode.withUnsafeBufferPointer { nodes in
            optionValue.withUnsafeBufferPointer { values in
                optionStart.withUnsafeBufferPointer { start in
                    for item in items where flow.holds(item) {
                        let size = model.problem.sizes[item]
                        var best = Int.min
                        for option in Int(start[item])..<Int(start[item + 1]) {
                            best = max(best, values[option] - size * prices[Int(nodes[option])])
                        }
                        bound += best
                    }
                }
            }
        }
        for node in 0..<(model.nodeCount - 1) { bound += flow.capacity[node] * prices[node] }
        return bound
    }

    mutating func run(items: [Int], capacities: [Int]) {
        var flow = Flow(model: restricted, capacities: capacities)
        for item in items { guard flow.add(item) else { return } }
        guard let bound = evaluate(&flow, items: items) else { return }
        // Levels with two children or more left, deepest last: the search keeps them on a
        // stack of its own, not the thread's (a proof went 718 levels deep).
        var stack: [Level] = []
        if let level = dive(flow, bound: bound, items: items, forced: [:], forcedValue: 0) { stack.append(level) }
        while !limitHit, let level = stack.last {
            guard let survivor = level.survivors.last else {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].survivors.removeLast()
            // The last child taken, the level is done: `level` holds its flow for this child.
            if stack[stack.count - 1].survivors.isEmpty { stack.removeLast() }
            let value = level.forcedValue + model.itemValue(level.branch, survivor.node)
            guard value + survivor.bound > best, let next = child(of: level.flow, forcing: level.branch, to: survivor.node) else {
                continue
            }
            var forced = level.forced
            forced[level.branch] = survivor.node
            if let deeper = dive(next, bound: survivor.bound, items: items, forced: forced, forcedValue: value) {
                guard stack.count < levelLimit else { limitHit = true; return }
                stack.append(deeper)
            }
        }
    }

    /// A level of the search with children left to explore: its flow, the group it branches
    /// on, and the children whose bound could beat the best when they were bounded (the next
    /// to explore last).
    private struct Level {
        var flow: Flow
        var forced: [Int: Int]
        var forcedValue: Int
        var branch: Int
        var survivors: [(node: Int, bound: Int)]
    }

    /// Counts a node and returns the bound of `flow` over the `items` it holds (unscaled); nil
    /// past a limit.
    private mutating func evaluate(_ flow: inout Flow, items: [Int]) -> Int? {
        guard nodes < nodeLimit, ContinuousClock().now < deadline else { limitHit = true; return nil }
        nodes += 1
        let prices = flow.prices()
        return Model.floorDivide(boundScaled(flow, items: items, prices: prices), model.scale)
    }

    /// The child of `flow` with `branch` forced whole to `node` (out of the flow, its places
    /// taken away); nil when it cannot go there.
    private func child(of flow: Flow, forcing branch: Int, to node: Int) -> Flow? {
        var child = flow
        child.remove(branch)
        if node != model.dummy {
            guard child.capacity[node] >= model.problem.sizes[branch], child.shrink(node, by: model.problem.sizes[branch]) else {
                return nil
            }
        }
        return child
    }

    /// From one node (`flow`, the relaxation of the open `items` with the forced groups out
    /// and their places taken away, bound `bound`): every child is bounded before any is
    /// explored, and while only one is left the search goes on from it in place. Returns the
    /// level to keep where two or more are left; nil at a leaf, when all are pruned, or past a
    /// limit.
    private mutating func dive(_ start: Flow, bound: Int, items: [Int], forced: [Int: Int], forcedValue: Int) -> Level? {
        var flow = start
        var bound = bound
        var forced = forced
        var forcedValue = forcedValue
        while true {
            guard forcedValue + bound > best else { return nil }
            guard let branch = flow.split.keys.max(by: { (model.problem.sizes[$0], $1) < (model.problem.sizes[$1], $0) }) else {
                var assignment = forced
                var value = forcedValue
                for item in items where forced[item] == nil {
                    let node = flow.wholeNode(item)!
                    assignment[item] = node
                    value += model.itemValue(item, node)
                }
                // A whole flow is worth its bound exactly when it is the optimum of its node;
                // less would mean it is not, and what it pruned cannot be trusted: the search
                // then stops unproven rather than call anything optimal.
                guard value >= forcedValue + bound else {
                    limitHit = true
                    return nil
                }
                if value > best { best = value; bestAssignment = assignment }
                return nil
            }
            let held = flow.split[branch]!
            let choices = (options[branch] ?? model.nodes(of: branch)).sorted { (held[$0] ?? 0, -$0) > (held[$1] ?? 0, -$1) }
            var survivors: [(node: Int, bound: Int)] = []
            var only: Flow?
            for node in choices {
                guard var next = child(of: flow, forcing: branch, to: node) else { continue }
                guard let nextBound = evaluate(&next, items: items) else { return nil }
                guard forcedValue + model.itemValue(branch, node) + nextBound > best else { continue }
                survivors.append((node, nextBound))
                only = survivors.count == 1 ? next : nil
            }
            if survivors.count == 1, let next = only {
                flow = next
                bound = survivors[0].bound
                forced[branch] = survivors[0].node
                forcedValue += model.itemValue(branch, survivors[0].node)
                continue
            }
            guard !survivors.isEmpty else { return nil }
            // Explored in the order of `choices` (the country holding most of the group first).
            return Level(flow: flow, forced: forced, forcedValue: forcedValue, branch: branch, survivors: survivors.reversed())
        }
    }
}

extension Model {
    /// The same model with each item limited to `options` (the ones reduced costs leave).
    init(restricting base: Model, to options: [Int: [Int]]) {
        problem = base.problem
        personWeight = base.personWeight
        scale = base.scale
        nodeCount = base.nodeCount
        var values = base.unitValue
        for (item, allowed) in options {
            let keep = Set(allowed)
            for node in 0..<nodeCount where !keep.contains(node) { values[item * nodeCount + node] = Self.forbidden }
        }
        unitValue = values
    }
}

