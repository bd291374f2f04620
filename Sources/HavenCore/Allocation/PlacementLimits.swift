/// A scarcer kind of place besides the places themselves (issue 26: family housing units,
/// places with medical support): each country may have only so many, and each item takes
/// `uses[item]` of them wherever it goes (a family group one per member who needs one).
public struct PlacementLimit: Sendable, Equatable {
    /// What it is (`PlaceKind.rawValue` in a batch).
    public var name: String
    /// Per country: how many there are, nil where only the places limit them.
    public var capacities: [Int?]
    /// Per item: how many it takes.
    public var uses: [Int]

    public init(name: String, capacities: [Int?], uses: [Int]) {
        self.name = name
        self.capacities = capacities
        self.uses = uses
    }
}

extension PlacementSolver {
    /// Solves a problem with limits, exactly or with an honest gap (docs/DECISIONS.md, issue 26,
    /// "More than one kind of place"):
    ///
    /// 1. The problem without its limits, by the fast path alone: its bound holds with them
    ///    too (fewer constraints can only do better), so an answer that keeps every limit is
    ///    the answer (with the MIP solver's help on the problem without limits when it is not
    ///    proven).
    /// 2. Starts that keep the limits: that answer repaired (`repair`), and the problem with
    ///    each country's places split into pools no answer can overfill (`Pools`).
    /// 3. With the most people placed, prices on the limits (`Lagrangian`): a tighter bound
    ///    on the score, reduced costs that rule out options, and a better start from the
    ///    priced problem, swapped within the limits (`Lagrangian.keeping`).
    /// 4. The open part to the MIP solver with a row per limit and country. Without one, or
    ///    past its limit, the best start is returned with its gap to the bound.
    static func solveWithLimits(_ problem: PlacementProblem, mip: (any PlacementMIP)?, nodeLimit: Int?, secondsLimit: Double,
                                progress: ((Double) -> Void)?) -> PlacementSolution {
        let clock = ContinuousClock()
        let started = clock.now
        var base = problem
        base.limits = []
        // First the fast path alone: its bound holds with the limits too. When its answer keeps
        // them but is not proven, the MIP solver works on the problem without them (a quarter
        // of the time), whose answer, if it keeps them too, is the answer.
        var relaxed = solve(base, mip: nil, nodeLimit: 300, secondsLimit: min(secondsLimit / 8, 5), progress: progress)
        // An answer that keeps the limits already, kept to compete with the starts below.
        var keptAlready: [Int?]?
        if problem.limitExcess(relaxed.assignment).isEmpty {
            guard !relaxed.provenOptimal, let mip else { return relaxed }
            keptAlready = relaxed.assignment
            let withMIP = solve(base, mip: mip, nodeLimit: nodeLimit, secondsLimit: secondsLimit / 4)
            if problem.limitExcess(withMIP.assignment).isEmpty { return withMIP }
            relaxed = withMIP
        }

        let model = Model(base)
        let dummy = model.dummy
        var best = repair(problem, relaxed.assignment, model: model).map { $0 ?? dummy }
        var bestValue = model.value(of: best)
        if let keptAlready, model.value(of: keptAlready.map { $0 ?? dummy }) > bestValue {
            best = keptAlready.map { $0 ?? dummy }
            bestValue = model.value(of: best)
        }
        // A stronger start: the problem with each country's places split into pools that no
        // assignment can overfill (a restriction of it, so its answer keeps every limit),
        // solved as usual, in at most half the time left.
        let pools = Pools(problem)
        let elapsedSoFar = (clock.now - started).components
        let left = secondsLimit - Double(elapsedSoFar.seconds) - Double(elapsedSoFar.attoseconds) * 1e-18
        // Only a start is wanted here: the own search, briefly, never the MIP solver.
        let pooled = solve(pools.problem, mip: nil, nodeLimit: 300, secondsLimit: max(0.2, min(left / 6, 5)))
        let fromPools = pooled.assignment.map { $0.map { pools.country[$0] } ?? dummy }
        if problem.isFeasible(fromPools.map { $0 < dummy ? Optional($0) : nil }), model.value(of: fromPools) > bestValue {
            best = fromPools
            bestValue = model.value(of: best)
        }
        var bound: (people: Int, score: Int?) = (relaxed.peopleBound, relaxed.scoreBound)
        var proven = false
        var mipName: String?
        var mipSeconds = 0.0
        let start = problem.evaluate(best.map { $0 < dummy ? Optional($0) : nil })
        // With the most people placed, prices on the limits tighten the bound on the score
        // and rule out options; without, the relaxation without limits does.
        var priced: Lagrangian.Priced?
        if start.people >= bound.people, (start.score) < (bound.score ?? Int.max) {
            let elapsed = (clock.now - started).components
            // The prices and the starts from them (`Lagrangian.best`) take this share; the rest
            // goes to the MIP solver on the open part. Without one, or when the problem has
            // more than twice the columns it takes (the reduced costs never rule out that many:
            // a few points of gap leave most options open), nearly all the time.
            let columns = problem.scores.reduce(0) { $0 + $1.lazy.filter { $0 != nil }.count }
            let mipCanTakeIt = mip.map { (columns + 1) / 2 <= $0.maximumColumns } ?? false
            let share = mipCanTakeIt ? 0.7 : 0.95
            let budget = max(0.5, (secondsLimit - Double(elapsed.seconds) - Double(elapsed.attoseconds) * 1e-18) * share)
            priced = Lagrangian(problem).best(people: start.people, incumbent: start.score, seconds: budget, base: model)
            if let priced, priced.scoreBound < (bound.score ?? Int.max) { bound.score = priced.scoreBound }
            // The priced problem, swapped within the limits, is often a better start still.
            if let found = priced?.found, problem.isFeasible(found), model.value(of: found.map { $0 ?? dummy }) > bestValue {
                best = found.map { $0 ?? dummy }
                bestValue = model.value(of: best)
            }
        }
        let held = problem.evaluate(best.map { $0 < dummy ? Optional($0) : nil })
        if let mip, (held.people, held.score) < (bound.people, bound.score ?? Int.max) {
            let items = Array(0..<problem.itemCount)
            let fixing = priced?.model ?? model
            let root = priced?.root ?? model.relax(items: items, capacities: problem.capacities)
            // An option is ruled out when every solution that uses it is worse than the best
            // found, by the bound of the relaxation (priced: plus what the prices give back).
            let gap = if let priced {
                root.boundScaled - (held.people * fixing.personWeight + Lagrangian.factor * held.score - priced.giveBack) * fixing.scale
            } else {
                root.boundScaled - bestValue * model.scale
            }
            var fixed: [Int: Int] = [:]
            var open: [Int] = []
            var options: [Int: [Int]] = [:]
            for item in items {
                let allowed = fixing.nodes(of: item).filter { root.reducedCost(item, $0, fixing) <= gap }
                if allowed.count == 1, allowed[0] == best[item] { fixed[item] = allowed[0] } else { open.append(item); options[item] = allowed }
            }
            var capacities = problem.capacities
            var limits = problem.limits
            for (item, node) in fixed where node != dummy {
                capacities[node] -= problem.sizes[item]
                for index in limits.indices { limits[index].capacities[node] = limits[index].capacities[node].map { $0 - problem.limits[index].uses[item] } }
            }
            // Should the prices ever be wrong, nothing is fixed at all.
            if capacities.contains(where: { $0 < 0 }) || limits.contains(where: { $0.capacities.contains { ($0 ?? 0) < 0 } }) {
                fixed = [:]
                open = items
                options = [:]
                capacities = problem.capacities
                limits = problem.limits
            }
            let openPeople = open.reduce(0) { $0 + (best[$1] == dummy ? 0 : problem.sizes[$1]) }
            let elapsed = (clock.now - started).components
            let remaining = secondsLimit - Double(elapsed.seconds) - Double(elapsed.attoseconds) * 1e-18
            let handed = handOver(open: open, options: options, capacities: capacities, best: best, model: model, mip: mip,
                                  secondsLimit: max(0.5, remaining), knownPeople: held.people >= bound.people ? openPeople : nil,
                                  limits: limits)
            mipName = mip.name
            mipSeconds = handed.seconds
            if let assignment = handed.assignment, problem.isFeasible(assignment.map { $0 < dummy ? Optional($0) : nil }) {
                let value = model.value(of: assignment)
                if value >= bestValue {
                    best = assignment
                    bestValue = value
                    proven = handed.proven
                }
                if let mipBound = handed.bound {
                    var total = (people: mipBound.people, score: mipBound.score)
                    for (item, node) in fixed where node != dummy {
                        total.people += problem.sizes[item]
                        total.score = total.score.map { $0 + problem.scores[item][node]! }
                    }
                    let holding = problem.evaluate(best.map { $0 < dummy ? Optional($0) : nil })
                    let sound = total.people > holding.people || (total.people == holding.people && (total.score ?? Int.max) >= holding.score)
                    if sound, (total.people, total.score ?? Int.max) < (bound.people, bound.score ?? Int.max) { bound = total }
                }
            }
        }
        return finished(problem, best.map { $0 < dummy ? Optional($0) : nil }, proven: proven, bound: bound,
                        searchNodes: relaxed.searchNodes, mip: mipName ?? relaxed.mip, mipSeconds: mipSeconds + relaxed.mipSeconds)
    }

    /// `assignment` made to keep within every limit: from each country over a limit, the items
    /// that take it and lose least by leaving go, each to its best country with room of every
    /// kind (or unplaced); then everyone who takes no limited place is placed again exactly
    /// around the rest.
    static func repair(_ problem: PlacementProblem, _ assignment: [Int?], model: Model) -> [Int?] {
        var assignment = assignment
        let countries = problem.countryCount
        var free = problem.capacities
        var freeOf = problem.limits.map { $0.capacities }
        for (item, country) in assignment.enumerated() {
            guard let country else { continue }
            free[country] -= problem.sizes[item]
            for index in problem.limits.indices { freeOf[index][country] = freeOf[index][country].map { $0 - problem.limits[index].uses[item] } }
        }
        func remove(_ item: Int) {
            guard let country = assignment[item] else { return }
            assignment[item] = nil
            free[country] += problem.sizes[item]
            for index in problem.limits.indices { freeOf[index][country] = freeOf[index][country].map { $0 + problem.limits[index].uses[item] } }
        }
        var moved: [Int] = []
        for index in problem.limits.indices {
            for country in 0..<countries {
                guard (freeOf[index][country] ?? 0) < 0 else { continue }
                // Those who take this kind here, the ones whose next best is closest first.
                let takers = assignment.indices.filter { assignment[$0] == country && problem.limits[index].uses[$0] > 0 }
                let loss = { (item: Int) -> Int in
                    let here = problem.scores[item][country]!
                    let elsewhere = (0..<countries).filter { $0 != country }.compactMap { problem.scores[item][$0] }.max() ?? Int.min / 2
                    return here - elsewhere
                }
                // People alone before families (a family that must leave may find no room together).
                for item in takers.sorted(by: { (problem.sizes[$0], loss($0), $0) < (problem.sizes[$1], loss($1), $1) }) {
                    guard (freeOf[index][country] ?? 0) < 0 else { break }
                    remove(item)
                    moved.append(item)
                }
            }
        }
        // Each moved item to its best country with room of every kind it takes.
        for item in moved.sorted(by: { (problem.sizes[$0], $0) > (problem.sizes[$1], $1) }) {
            let candidates = (0..<countries).filter { country in
                problem.scores[item][country] != nil && free[country] >= problem.sizes[item]
                    && problem.limits.indices.allSatisfy { (freeOf[$0][country] ?? Int.max) >= problem.limits[$0].uses[item] }
            }
            guard let country = candidates.max(by: { (problem.scores[item][$0]!, -$0) < (problem.scores[item][$1]!, -$1) }) else { continue }
            assignment[item] = country
            free[country] -= problem.sizes[item]
            for index in problem.limits.indices { freeOf[index][country] = freeOf[index][country].map { $0 - problem.limits[index].uses[item] } }
        }
        // Then everyone alone placed again exactly around the families: who takes no limited
        // place anywhere it may go; who does, where it is, or in a country that does not limit
        // what it takes (so no limit can be passed), or nowhere. This is where a person the
        // first pass could not place finds room: someone who needs no such place makes way.
        var pinned: [Int: [Int]] = [:]
        var loose: [Int] = []
        for item in 0..<problem.itemCount {
            if problem.sizes[item] > 1 {
                pinned[item] = [assignment[item] ?? model.dummy]
                continue
            }
            let limited = problem.limits.filter { $0.uses[item] > 0 }
            if !limited.isEmpty {
                pinned[item] = model.nodes(of: item).filter { node in
                    node == model.dummy || node == assignment[item] || limited.allSatisfy { $0.capacities[node] == nil }
                }
            }
            loose.append(item)
        }
        let families = pinned.keys.filter { problem.sizes[$0] > 1 }.sorted()
        let around = Model(restricting: model, to: pinned)
        let placed = around.relax(items: families + loose, capacities: problem.capacities, moving: { problem.sizes[$0] == 1 })
        guard placed.feasible, placed.units.allSatisfy({ $0.value.count == 1 }) else { return assignment }
        let again = (0..<problem.itemCount).map { item -> Int? in
            let node = placed.units[item]![0].node
            return node == model.dummy ? nil : node
        }
        return problem.isFeasible(again) && model.value(of: again.map { $0 ?? model.dummy }) >= model.value(of: assignment.map { $0 ?? model.dummy })
            ? again : assignment
    }
}

/// A restriction of a problem with limits to one without: each country's places split into
/// pools no assignment can overfill. With limited kinds k1, k2, … at a country of q places,
/// pool i holds min(capacity of ki, what is left of q) and takes items that need no limited
/// kind there but ki; the last pool holds the rest of q and takes items that need none. An
/// item that needs two limited kinds at a country may not go there. Every answer of the
/// pooled problem keeps every limit: only the pool of ki takes items that use ki there, and
/// it never holds more people than the capacity of ki, nor an item more uses than people.
struct Pools {
    /// The pooled problem: one country per pool.
    var problem: PlacementProblem
    /// The country of each pool.
    var country: [Int]

    init(_ original: PlacementProblem) {
        var country: [Int] = []
        var capacities: [Int] = []
        /// For each pool, the limit it is for (nil for the pool of items that need none).
        var poolLimit: [Int?] = []
        for c in 0..<original.countryCount {
            var left = original.capacities[c]
            for (index, limit) in original.limits.enumerated() {
                guard let capacity = limit.capacities[c] else { continue }
                let size = max(0, min(capacity, left))
                country.append(c)
                capacities.append(size)
                poolLimit.append(index)
                left -= size
            }
            country.append(c)
            capacities.append(max(0, left))
            poolLimit.append(nil)
        }
        let scores = original.scores.indices.map { item -> [Int?] in
            country.indices.map { pool -> Int? in
                let c = country[pool]
                guard let score = original.scores[item][c] else { return nil }
                // The limited kinds the item needs at this country.
                let needed = original.limits.indices.filter { original.limits[$0].uses[item] > 0 && original.limits[$0].capacities[c] != nil }
                switch (needed.count, poolLimit[pool]) {
                case (0, _): return score
                case let (1, limit?) where limit == needed[0]:
                    // A family takes as many people of the pool as it has members; the pool's
                    // people never exceed the capacity, so its uses never do either when each
                    // member uses at most one.
                    return original.limits[limit].uses[item] <= original.sizes[item] ? score : nil
                default: return nil
                }
            }
        }
        problem = PlacementProblem(sizes: original.sizes, scores: scores, capacities: capacities)
        self.country = country
    }
}

/// Prices on the limits (Lagrangian relaxation, by cutting planes in a box): with the people placed
/// known to be the most possible, each limit and country gets a price λ ≥ 0 per place of its
/// kind taken, the scores are lowered by what each item takes, and the problem without limits
/// is relaxed again. For every assignment that keeps the limits, its score is at most its
/// lowered score plus Σ λ · capacity; so the relaxation's bound on the lowered score, plus
/// that, bounds the score, and its reduced costs rule out options. The prices move towards
/// the limits the relaxation passes.
struct Lagrangian {
    /// Scores are multiplied by this before prices are taken off, so prices need not be whole points.
    static let factor = 64
    let problem: PlacementProblem
    /// The limits and countries that have a capacity.
    let rows: [(limit: Int, country: Int, capacity: Int)]
    /// Per item: whether it takes a limited kind of place anywhere.
    let takes: [Bool]
    /// The items that take a limited kind of place anywhere.
    let takers: [Int]

    init(_ problem: PlacementProblem) {
        self.problem = problem
        var rows: [(Int, Int, Int)] = []
        for (index, limit) in problem.limits.enumerated() {
            for country in 0..<problem.countryCount { if let capacity = limit.capacities[country] { rows.append((index, country, capacity)) } }
        }
        self.rows = rows
        let takes = (0..<problem.itemCount).map { item in problem.limits.contains { $0.uses[item] > 0 } }
        self.takes = takes
        takers = takes.indices.filter { takes[$0] }
    }

    struct Priced {
        var model: Model
        var root: Model.Relaxation
        /// Σ λ · capacity, in the model's (multiplied) score units.
        var giveBack: Int
        var scoreBound: Int
        var rounds: Int
        /// The best assignment that keeps the limits found from the priced problems.
        var found: [Int?]?
    }

    /// The tightest bound found within `seconds`, or nil when no price improved on none.
    func best(people: Int, incumbent: Int, seconds: Double, base: Model) -> Priced? {
        let clock = ContinuousClock()
        // At most three quarters of the time for the prices, the rest (and what the rounds
        // leave) for assignments (`keeping`: the priced problem searched, swapped, polished,
        // improved) from the cuts' weights, always, then from the three best price vectors
        // while time is left for them.
        let deadline = clock.now + .milliseconds(Int(seconds * 750))
        let finish = clock.now + .milliseconds(Int(seconds * 1_000))
        var best: Priced?
        // The prices of the rounds with the three lowest bounds: each may lead to a different
        // assignment within the limits, and the best of them is kept.
        var tried: [(bound: Int, prices: [Int])] = []
        // The bound as a function of the prices is convex and piecewise linear; each round
        // evaluates it (one relaxation) and adds a cut. The next prices are where the cuts'
        // model is least within a box around the best prices so far (the centre), which moves
        // when a round lowers the bound by a tenth of what the model promised, and grows while
        // the model's least sits on its edge. When the model promises less than half a point
        // and its least is inside the box, no prices bound lower by a point: the prices are done.
        var planes = CuttingPlanes()
        // Per cut, where its relaxation put each taker; the cuts' weights in the model's least.
        var placed: [[UInt16]] = []
        var weights: [Double] = []
        var centre = [Int](repeating: 0, count: rows.count)
        var centreValue: Int?
        var promised = 0.0
        var onEdge = false
        var seen: Set<[Int]> = [centre]
        var radius = Double(Self.factor * 4)
        // Where the prices are looked for: up to what a chain of moves through every country
        // could be worth (twice the largest score, scaled, a country). Any price gives a sound
        // bound; the ceiling only keeps the box from growing without end. (`evaluate` refuses
        // prices whose sums could overflow.)
        let largest = problem.scores.lazy.flatMap { $0.lazy.compactMap { $0.map(abs) } }.max() ?? 0
        let ceiling = Double(Self.factor * max(1, problem.countryCount) * (2 * largest + 1))
        var trial = centre
        let began = clock.now
        var round = 0
        rounds: while round < 80, clock.now < deadline {
            round += 1
            guard let point = evaluate(trial, people: people) else { break }
            let bound = Model.floorDivide(point.value, Self.factor)
            if tried.count < 3 || bound < tried[tried.count - 1].bound {
                tried = Array((tried + [(bound, trial)]).sorted { $0.bound < $1.bound }.prefix(3))
            }
            if bound < best?.scoreBound ?? Int.max {
                best = Priced(model: point.model, root: point.root, giveBack: point.giveBack, scoreBound: bound, rounds: round,
                              found: nil)
            }
            guard bound > incumbent else { break }
            // Near the least the bound is all kinks (each family that splits makes one), and the
            // model closes on it a fraction of a point a round: once a third of the prices' time
            // is spent, eight rounds without a whole point, and the rest is the assignments'.
            guard round - best!.rounds < 8 || (clock.now - began) * 3 < deadline - began else { break }
            planes.cuts.append(.init(value: Double(point.value), at: trial.map(Double.init), slope: point.slope))
            placed.append(point.where)
            if let value = centreValue {
                let gained = Double(value - point.value)
                if gained >= promised / 10 {
                    centre = trial
                    centreValue = point.value
                    if gained >= promised / 2, onEdge { radius = min(ceiling, radius * 2) }
                } else if gained < 0 {
                    radius = max(1, radius / 2)
                }
            } else {
                centreValue = point.value
            }
            // The next prices; the box grows while the model is flat in it, and shrinks while
            // its least rounds to prices tried (at most 40 times: from the ceiling to one unit).
            for _ in 0..<40 {
                let lower = centre.map { max(0, Double($0) - radius) }
                let upper = centre.map { min(ceiling, Double($0) + radius) }
                guard let least = planes.minimum(lower: lower, upper: upper), least.value.isFinite,
                      least.point.allSatisfy(\.isFinite) else { break rounds }
                weights = least.weights
                promised = Double(centreValue!) - least.value
                onEdge = (0..<rows.count).contains { least.point[$0] >= upper[$0] - 0.5 || (lower[$0] > 0 && least.point[$0] <= lower[$0] + 0.5) }
                let next = least.point.map { Int(min(ceiling, max(0, $0)).rounded()) }
                // No prices bound lower than the model's least (inside the box, it is least
                // everywhere): once the best bound, in whole points, meets it, nothing is left.
                let settled = !onEdge && Model.floorDivide(Int(least.value.rounded(.down)), Self.factor) >= best!.scoreBound
                if promised >= Double(Self.factor) / 2, next != centre, !settled {
                    // Prices already tried, at this resolution: a smaller box, down to one unit.
                    if seen.contains(next) {
                        guard radius > 1 else { break rounds }
                        radius = max(1, radius / 2)
                        continue
                    }
                    trial = next
                    seen.insert(next)
                    continue rounds
                }
                guard onEdge, radius < ceiling else { break rounds }
                radius *= 2
            }
            break
        }
        // The starts: from the three lowest bounds' prices, while the time lasts and the best
        // found does not meet the bound, each a share of what is left. The next starts only when
        // what a start must do before it can stop (search, swaps, polishing) has time to end.
        var starts: [() -> [[Int?]]] = tried.map { start in { priced(start.prices) } }
        // First a start from the cuts' weights: the rounds' relaxations weighed as the model's
        // least weighs their cuts are (nearly) within every limit, so each taker goes where
        // most of that weight puts it, and the priced problem places everyone else around them.
        if let lowest = tried.first, weights.count == placed.count, weights.contains(where: { $0 > 1e-9 }) {
            starts.insert({
                var scores = priced(lowest.prices)
                var votes = [Double](repeating: 0, count: problem.countryCount + 1)
                for (position, item) in takers.enumerated() {
                    for node in votes.indices { votes[node] = 0 }
                    for (round, weight) in zip(placed, weights) where weight > 1e-9 { votes[Int(round[position])] += weight }
                    let node = votes.indices.max { votes[$0] < votes[$1] }!
                    if node < problem.countryCount, scores[item][node] != nil {
                        scores[item] = scores[item].indices.map { $0 == node ? scores[item][$0] : nil }
                    }
                }
                return scores
            }, at: 0)
        }
        var before = Duration.zero
        for (index, start) in starts.enumerated() {
            let now = clock.now
            guard index == 0 || now + before < finish else { break }
            let enough = (people, best!.scoreBound)
            if let found = best!.found, problem.evaluate(found) >= enough { break }
            let share = now < finish ? (finish - now) / (starts.count - index) : .zero
            var spent = Duration.zero
            if let found = keeping(start(), deadline: now + share, base: base, enough: enough, spent: &spent),
               problem.isFeasible(found) {
                let score = problem.evaluate(found)
                if best!.found == nil || score > problem.evaluate(best!.found!) { best!.found = found }
            }
            before = max(before, spent)
        }
        return best
    }

    /// Whether the flow's sums over `scores` stay far within `Int` (`Model`: a place is worth
    /// the person weight, twice the sum of the items' largest scores, times the sizes' common
    /// multiple; a flow adds up to one a person, and prices and bounds of the same size).
    /// Prices near their ceiling on a policy of very large weights could pass it; such
    /// prices are not tried (the bound from those tried stands).
    static func fits(_ scores: [[Int?]], sizes: [Int]) -> Bool {
        var best = 0
        for row in scores {
            let largest = row.lazy.compactMap { $0.map(abs) }.max() ?? 0
            let (sum, over) = best.addingReportingOverflow(largest)
            guard !over else { return false }
            best = sum
        }
        var scale = 1
        for size in Set(sizes) { scale = scale / Model.gcd(scale, size) * size }
        let people = sizes.reduce(0, +) + 1
        let weight = best.multipliedReportingOverflow(by: 2)
        guard !weight.overflow else { return false }
        let unit = (weight.partialValue + 1).multipliedReportingOverflow(by: scale)
        guard !unit.overflow else { return false }
        let total = unit.partialValue.multipliedReportingOverflow(by: people)
        return !total.overflow && total.partialValue < Int.max / 8
    }

    /// The bound at `prices` (scaled by `factor`: the relaxation of the priced problem plus
    /// Σ λ · capacity) and its slope (per row, the capacity less what the relaxation takes);
    /// nil when the relaxation has no solution or places other than the most people.
    func evaluate(_ prices: [Int], people: Int)
        -> (value: Int, slope: [Double], model: Model, root: Model.Relaxation, giveBack: Int, where: [UInt16])? {
        let giveBack = zip(rows, prices).reduce(0) { $0 + $1.1 * $1.0.capacity }
        let scores = priced(prices)
        guard Self.fits(scores, sizes: problem.sizes) else { return nil }
        let model = Model(PlacementProblem(sizes: problem.sizes, scores: scores, capacities: problem.capacities))
        let root = model.relax(items: Array(0..<problem.itemCount), capacities: problem.capacities)
        guard root.feasible else { return nil }
        let split = WeightedValue(weight: model.personWeight).split(root.bound)
        // Prices never change which people fit; should the split say otherwise, stop.
        guard split.people == people else { return nil }
        var taken = [Double](repeating: 0, count: rows.count)
        var rowOf: [Int: Int] = [:]
        for (position, row) in rows.enumerated() { rowOf[row.limit * problem.countryCount + row.country] = position }
        for (item, units) in root.units {
            for unit in units where unit.node < problem.countryCount {
                for (index, limit) in problem.limits.enumerated() where limit.uses[item] > 0 {
                    if let position = rowOf[index * problem.countryCount + unit.node] {
                        taken[position] += Double(limit.uses[item] * unit.count) / Double(problem.sizes[item])
                    }
                }
            }
        }
        // Where the relaxation puts each item that takes a limited kind (most of it, for a
        // family it splits; the country count for nowhere).
        let whereTaken = takers.map { item -> UInt16 in
            UInt16((root.units[item] ?? []).max { $0.count < $1.count }?.node ?? problem.countryCount)
        }
        return (split.score + giveBack, zip(rows, taken).map { Double($0.capacity) - $1 }, model, root, giveBack, whereTaken)
    }

    /// The scores multiplied by `factor`, each lowered by the prices of the places of a kind it
    /// takes in a country (one price per row).
    func priced(_ prices: [Int]) -> [[Int?]] {
        var scores = problem.scores.map { $0.map { $0.map { $0 * Self.factor } } }
        for (row, price) in zip(rows, prices) where price > 0 {
            let uses = problem.limits[row.limit].uses
            for item in 0..<problem.itemCount where uses[item] > 0 {
                scores[item][row.country] = scores[item][row.country].map { $0 - price * uses[item] }
            }
        }
        return scores
    }

    /// `assignment` brought within every limit: for each place of a kind taken too many in a
    /// country, the item taking it (a person alone or a family) that loses least by going to
    /// another country with room of every kind it takes, where as many people alone as it
    /// needs places there (those who gain most by coming, at most 8, who take no kind this
    /// country limits) swap into the places it leaves. Each swap lowers the excess and passes
    /// no limit or quota, so it ends. Nil when some limit cannot be met so.
    func swapped(_ start: [Int?]) -> [Int?]? {
        var assignment = start
        let countries = problem.countryCount
        var free = problem.capacities
        var freeOf = problem.limits.map { $0.capacities }
        func place(_ item: Int, _ country: Int?, _ sign: Int) {
            guard let country else { return }
            free[country] -= sign * problem.sizes[item]
            for index in problem.limits.indices where problem.limits[index].uses[item] > 0 {
                freeOf[index][country] = freeOf[index][country].map { $0 - sign * problem.limits[index].uses[item] }
            }
        }
        for (item, country) in assignment.enumerated() { place(item, country, 1) }
        func move(_ item: Int, to country: Int?) {
            place(item, assignment[item], -1)
            assignment[item] = country
            place(item, country, 1)
        }
        // A swap passes no limit, so it never adds to another row's excess: each row (limit,
        // country) is settled in turn, its partners and takers read once. The partners used
        // are the front of their country's list, and nobody else's gain changes.
        var swaps = 0
        for limit in problem.limits.indices {
            for country in 0..<countries where (freeOf[limit][country] ?? 0) < 0 {
                // From each country, the people alone who take no kind this country limits, those
                // who gain most by coming here first (8 at most in one swap: a larger family than
                // that and the free places there stays).
                var partners = [[(gain: Int, item: Int)]](repeating: [], count: countries)
                for (item, from) in assignment.enumerated() where problem.sizes[item] == 1 {
                    guard let from, from != country, let here = problem.scores[item][from], let there = problem.scores[item][country],
                          problem.limits.allSatisfy({ $0.uses[item] == 0 || $0.capacities[country] == nil }) else { continue }
                    partners[from].append((there - here, item))
                }
                for from in 0..<countries { partners[from].sort { ($0.gain, -$0.item) > ($1.gain, -$1.item) } }
                var used = [Int](repeating: 0, count: countries)
                var takers = assignment.indices.filter { assignment[$0] == country && problem.limits[limit].uses[$0] > 0 }
                while (freeOf[limit][country] ?? 0) < 0 {
                    swaps += 1
                    guard swaps <= problem.itemCount else { return nil }
                    var best: (gain: Int, taker: Int, to: Int, need: Int)?
                    for (position, item) in takers.enumerated() {
                        let here = problem.scores[item][country]!
                        for to in 0..<countries where to != country {
                            guard let there = problem.scores[item][to],
                                  problem.limits.indices.allSatisfy({ (freeOf[$0][to] ?? Int.max) >= problem.limits[$0].uses[item] }) else { continue }
                            let need = max(0, problem.sizes[item] - free[to])
                            let waiting = partners[to].count - used[to]
                            guard need <= min(8, waiting) else { continue }
                            let gain = there - here + partners[to][used[to]..<(used[to] + need)].reduce(0) { $0 + $1.gain }
                            if best.map({ gain > $0.gain }) ?? true { best = (gain, position, to, need) }
                        }
                    }
                    guard let best else { return nil }
                    move(takers[best.taker], to: best.to)
                    takers.remove(at: best.taker)
                    for partner in partners[best.to][used[best.to]..<(used[best.to] + best.need)] { move(partner.item, to: country) }
                    used[best.to] += best.need
                }
            }
        }
        return assignment
    }

    /// `assignment` (which keeps every limit) with everyone who takes no limited kind of place
    /// placed again, by the own search on the true scores, around those who do, where they
    /// are: no limit can be passed, and the rest is a problem without limits.
    func polished(_ assignment: [Int?], seconds: Double) -> [Int?] {
        let around = pinned(assignment)
        let again = PlacementSolver.solve(around, mip: nil, nodeLimit: 5_000, secondsLimit: seconds).assignment
        return problem.isFeasible(again) && problem.evaluate(again) > problem.evaluate(assignment) ? again : assignment
    }

    /// The problem without limits in which everyone who takes a limited kind of place may only
    /// stay where `assignment` puts them.
    func pinned(_ assignment: [Int?]) -> PlacementProblem {
        let scores = problem.scores.indices.map { item -> [Int?] in
            guard takes[item] else { return problem.scores[item] }
            return problem.scores[item].indices.map { $0 == assignment[item] ? problem.scores[item][$0] : nil }
        }
        return PlacementProblem(sizes: problem.sizes, scores: scores, capacities: problem.capacities)
    }

    /// `assignment` (which keeps every limit, polished) improved by moving those who take a
    /// limited kind of place: the relaxation around them prices each country's places (what
    /// one more or fewer is worth to everyone else); by those prices, moves that gain (one of
    /// them to another country with room of every kind they take, or two trading countries)
    /// are made, the most promising first and `batch` at a time, and everyone else is placed
    /// again around them. A batch is kept only when the true score grows, else the next tries
    /// half as many.
    func improved(_ start: [Int?], deadline: ContinuousClock.Instant, enough: (people: Int, score: Int)? = nil) -> [Int?] {
        let clock = ContinuousClock()
        var current = start
        var value = problem.evaluate(current)
        var batch = 256
        // The moves worked out for `current`, kept while a batch fails (current unchanged).
        var worked: (candidates: [(gain: Int, moves: [(item: Int, to: Int)])], places: [Int], freeOf: [[Int?]])?
        var longest = Duration.zero
        while batch >= 1, enough.map({ value < $0 }) ?? true {
            // A pass only when it can end in time (the solve below looks at its limit only
            // after its first relaxations).
            let began = clock.now
            guard began + longest < deadline else { break }
            if worked == nil { worked = moves(current) }
            guard let (candidates, placesNow, freeNow) = worked else { break }
            var places = placesNow
            var freeOf = freeNow
            var next = current
            var applied = 0
            var moved = Set<Int>()
            for candidate in candidates {
                guard applied < batch else { break }
                guard candidate.moves.allSatisfy({ !moved.contains($0.item) }) else { continue }
                // Room after every move of the set: places, and each kind where it is limited.
                var placesAfter = places
                var freeAfter = freeOf
                for (item, to) in candidate.moves {
                    let at = current[item]!
                    placesAfter[to] -= problem.sizes[item]
                    placesAfter[at] += problem.sizes[item]
                    for index in problem.limits.indices {
                        let uses = problem.limits[index].uses[item]
                        freeAfter[index][to] = freeAfter[index][to].map { $0 - uses }
                        freeAfter[index][at] = freeAfter[index][at].map { $0 + uses }
                    }
                }
                guard placesAfter.allSatisfy({ $0 >= 0 }), freeAfter.allSatisfy({ $0.allSatisfy { ($0 ?? 0) >= 0 } }) else { continue }
                places = placesAfter
                freeOf = freeAfter
                for (item, to) in candidate.moves {
                    next[item] = to
                    moved.insert(item)
                }
                applied += 1
            }
            guard applied > 0, clock.now < deadline else { break }
            let left = (deadline - clock.now).components
            let again = PlacementSolver.solve(pinned(next), mip: nil, nodeLimit: 5_000,
                                              secondsLimit: max(0.05, Double(left.seconds) + Double(left.attoseconds) * 1e-18)).assignment
            let tried = problem.evaluate(again)
            if problem.isFeasible(again), tried > value {
                current = again
                value = tried
                worked = nil
            } else {
                batch /= 2
            }
            longest = max(longest, clock.now - began)
        }
        return current
    }

    /// The moves `improved` tries from `current`, most promising first, with the places and
    /// the room of each kind left by those who take a kind; nil when the relaxation around
    /// them has no solution or no move gains.
    func moves(_ current: [Int?]) -> (candidates: [(gain: Int, moves: [(item: Int, to: Int)])], places: [Int], freeOf: [[Int?]])? {
        let countries = problem.countryCount
        let model = Model(pinned(current))
        let relaxation = model.relax(items: Array(0..<problem.itemCount), capacities: problem.capacities)
        guard relaxation.feasible else { return nil }
        let prices = relaxation.prices
        var freeOf = problem.limits.map { $0.capacities }
        var places = problem.capacities
        for (item, country) in current.enumerated() where takes[item] {
            guard let country else { continue }
            places[country] -= problem.sizes[item]
            for index in problem.limits.indices { freeOf[index][country] = freeOf[index][country].map { $0 - problem.limits[index].uses[item] } }
        }
        // Per person, in the model's units, as the relaxation's prices are.
        func unit(_ item: Int, _ country: Int) -> Int? {
            let size = problem.sizes[item]
            return problem.scores[item][country].map { (size * model.personWeight + $0) * (model.scale / size) }
        }
        // What moving `item` to `to` gains by the prices (nil where it may not go).
        func gain(_ item: Int, _ to: Int) -> Int? {
            guard let at = current[item], let here = unit(item, at), let there = unit(item, to) else { return nil }
            return problem.sizes[item] * ((there - prices[to]) - (here - prices[at]))
        }
        // Single moves that gain, to any country; and pairs, one from A to B and one from B to
        // A, for when the country one would gain most in has no room of the kind: per pair of
        // countries and way of taking places (size and kinds), the one who gains most.
        var candidates: [(gain: Int, moves: [(item: Int, to: Int)])] = []
        var signatures: [[Int]: Int] = [:]
        var signature = [Int](repeating: -1, count: problem.itemCount)
        for item in 0..<problem.itemCount where takes[item] && current[item] != nil {
            let key = [problem.sizes[item]] + problem.limits.map { $0.uses[item] }
            if signatures[key] == nil { signatures[key] = signatures.count }
            signature[item] = signatures[key]!
        }
        let kinds = signatures.count
        var bestWay = [(gain: Int, item: Int)?](repeating: nil, count: countries * countries * max(1, kinds))
        for item in 0..<problem.itemCount where signature[item] >= 0 {
            let at = current[item]!
            for to in 0..<countries where to != at {
                guard let gained = gain(item, to) else { continue }
                if gained > 0 { candidates.append((gained, [(item, to)])) }
                let slot = (at * countries + to) * kinds + signature[item]
                if gained > bestWay[slot]?.gain ?? Int.min { bestWay[slot] = (gained, item) }
            }
        }
        for a in 0..<countries {
            for b in (a + 1)..<countries {
                for one in 0..<kinds {
                    guard let forth = bestWay[(a * countries + b) * kinds + one] else { continue }
                    for other in 0..<kinds {
                        guard let back = bestWay[(b * countries + a) * kinds + other], forth.gain + back.gain > 0 else { continue }
                        candidates.append((forth.gain + back.gain, [(forth.item, b), (back.item, a)]))
                    }
                }
            }
        }
        guard !candidates.isEmpty else { return nil }
        let sorted = candidates.sorted { ($0.gain, -$0.moves[0].item) > ($1.gain, -$1.moves[0].item) }
        return (sorted, places, freeOf)
    }

    /// An assignment that keeps every limit, from the priced scores `lowered`: the priced
    /// problem solved by the own search (families whole), the places of a kind it takes too
    /// many of given back by the swaps that cost least (`swapped`), and everyone else placed
    /// again around them (`polished`), then moved while the time lasts (`improved`, until the
    /// answer is `enough`). When no swap fits, the items that lose least by it are barred from
    /// a country whose limit is passed, and again, until none is passed (each round bars more,
    /// so it ends). `spent`: how long it took before it could stop (all but the moves).
    func keeping(_ lowered: [[Int?]], deadline: ContinuousClock.Instant, base: Model, enough: (people: Int, score: Int)? = nil,
                 spent: inout Duration) -> [Int?]? {
        let clock = ContinuousClock()
        let began = clock.now
        var scores = lowered
        let items = Array(0..<problem.itemCount)
        let countries = problem.countryCount
        for _ in 0..<50 {
            let left = clock.now < deadline ? (deadline - clock.now).components : (seconds: 0, attoseconds: 0)
            let seconds = Double(left.seconds) + Double(left.attoseconds) * 1e-18
            let priced = PlacementProblem(sizes: problem.sizes, scores: scores, capacities: problem.capacities)
            let assignment = PlacementSolver.solve(priced, mip: nil, nodeLimit: 5_000, secondsLimit: max(0.05, seconds / 3)).assignment
            let excess = problem.limitExcess(assignment)
            if let kept = excess.isEmpty ? assignment : swapped(assignment) {
                let answer = polished(kept, seconds: max(0.05, seconds / 2))
                spent = clock.now - began
                guard problem.isFeasible(answer) else { return nil }
                let better = improved(answer, deadline: deadline, enough: enough)
                return problem.isFeasible(better) ? better : answer
            }
            // Out of time: the few it still passes are moved as the first start was.
            guard clock.now < deadline else {
                spent = clock.now - began
                return PlacementSolver.repair(problem, assignment, model: base)
            }
            for (limit, country, over) in excess {
                let uses = problem.limits[limit].uses
                let takers = items.filter { assignment[$0] == country && uses[$0] > 0 }
                func loss(_ item: Int) -> Int {
                    let here = scores[item][country] ?? 0
                    let elsewhere = (0..<countries).filter { $0 != country }.compactMap { scores[item][$0] }.max() ?? Int.min / 4
                    return here - elsewhere
                }
                var barred = 0
                for item in takers.sorted(by: { (loss($0), $0) < (loss($1), $1) }) where barred < over {
                    scores[item][country] = nil
                    barred += uses[item]
                }
            }
        }
        return nil
    }
}
