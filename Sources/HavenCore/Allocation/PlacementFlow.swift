/// The relaxation's working state (groups may split): how many units of each item sit at each
/// node, and heaps of the best move between every two nodes. Every step keeps it optimal for
/// the items it holds and the capacities it has:
///
/// - `add` places one more item, unit by unit, each along the cheapest chain of moves that
///   makes room for it (successive shortest paths);
/// - `remove` takes an item out, and fills each place it leaves by the most profitable chain
///   of moves into it;
/// - `shrink` takes places away from a country, pushing out by the cheapest chain of moves
///   whoever no longer fits.
///
/// Each step changes the flow by one unit, and after a one-unit change one chain (a cycle
/// through the changed place) restores optimality, so the branch and bound's children start
/// from their parent's flow instead of solving the relaxation again (issue 26: 120,000 cases
/// proven in seconds rather than minutes). With twenty countries every chain is a
/// Bellman-Ford over 21 nodes.
struct Flow {
    let model: Model
    /// Which items chains may move once placed (nil: all).
    let moving: ((Int) -> Bool)?
    /// Places per node ("not placed", the last, has no limit).
    private(set) var capacity: [Int]
    private(set) var used: [Int]
    /// The node an item sits at whole, or -1 when it is split or not held (16 bits: the
    /// search copies it at every branching level it keeps).
    private var whole: [Int16]
    /// Units per node of each split item.
    private(set) var split: [Int: [Int: Int]] = [:]
    private var heaps: [Model.Heap]
    private var distance: [Int]
    private var previous: [Int]
    private var moves: [(gain: Int, item: Int)?]
    /// Nodes whose best moves out may have changed since `moves` was read: an item came or
    /// left (a heap's top can only change so), so only their rows are read again.
    private var dirty: [Bool]

    var n: Int { model.nodeCount }

    init(model: Model, capacities: [Int], moving: ((Int) -> Bool)? = nil) {
        self.model = model
        self.moving = moving
        let n = model.nodeCount
        capacity = capacities + [Int.max]
        used = [Int](repeating: 0, count: n)
        precondition(n <= Int(Int16.max), "at most 32,766 countries")
        whole = [Int16](repeating: -1, count: model.problem.itemCount)
        heaps = [Model.Heap](repeating: Model.Heap(), count: n * n)
        distance = [Int](repeating: 0, count: n)
        previous = [Int](repeating: -1, count: n)
        moves = [(gain: Int, item: Int)?](repeating: nil, count: n * n)
        dirty = [Bool](repeating: true, count: n)
    }

    func count(_ item: Int, _ node: Int) -> Int {
        if whole[item] >= 0 { return Int(whole[item]) == node ? model.problem.sizes[item] : 0 }
        return split[item]?[node] ?? 0
    }

    /// True when the flow holds the item (whole or split).
    func holds(_ item: Int) -> Bool { whole[item] >= 0 || split[item] != nil }

    /// The node the item sits at whole, nil when split or not held.
    func wholeNode(_ item: Int) -> Int? { whole[item] >= 0 ? Int(whole[item]) : nil }

    /// The item's units per node, most first.
    func units(_ item: Int) -> [(node: Int, count: Int)] {
        if whole[item] >= 0 { return [(Int(whole[item]), model.problem.sizes[item])] }
        guard let nodes = split[item] else { return [] }
        return nodes.map { (node: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.node < $1.node }
    }

    /// One unit of `item` from `from` (nil: from outside) to `to` (nil: out of the flow).
    private mutating func move(_ item: Int, from: Int?, to: Int?) {
        if let from { dirty[from] = true }
        if let to { dirty[to] = true }
        let size = model.problem.sizes[item]
        if size == 1 {
            whole[item] = to.map(Int16.init) ?? -1
            if let to, from != to { enter(item, at: to) }
            return
        }
        var nodes = split[item] ?? (whole[item] >= 0 ? [Int(whole[item]): size] : [:])
        if let from { nodes[from, default: 0] -= 1; if nodes[from] == 0 { nodes[from] = nil } }
        let arrives = to.map { nodes[$0] == nil } ?? false
        if let to { nodes[to, default: 0] += 1 }
        if nodes.count == 1, let only = nodes.first, only.value == size {
            split[item] = nil
            whole[item] = Int16(only.key)
        } else {
            split[item] = nodes.isEmpty ? nil : nodes
            whole[item] = -1
        }
        if arrives, let to { enter(item, at: to) }
    }

    private mutating func enter(_ item: Int, at node: Int) {
        guard moving?(item) ?? true, let here = model.value(item, node) else { return }
        for other in 0..<n where other != node {
            if let there = model.value(item, other) { heaps[node * n + other].push(there - here, item) }
        }
    }

    /// The best move from `a` to `b`: its gain and item, after dropping stale entries.
    private mutating func top(_ a: Int, _ b: Int) -> (gain: Int, item: Int)? {
        while let item = heaps[a * n + b].items.first.map(Int.init) {
            if count(item, a) > 0 { return (heaps[a * n + b].keys[0], item) }
            heaps[a * n + b].pop()
        }
        return nil
    }

    private mutating func readMoves() {
        for a in 0..<n where dirty[a] {
            for b in 0..<n where a != b { moves[a * n + b] = top(a, b) }
            dirty[a] = false
        }
    }

    /// Moves each link's item one unit, the chain read whole before anyone moves.
    private mutating func follow(_ chain: [(from: Int, to: Int, item: Int)]) {
        for link in chain { move(link.item, from: link.from, to: link.to) }
    }

    /// Places every unit of `item`; false when a unit finds no place (only when options are
    /// restricted and the item may not stay unplaced).
    mutating func add(_ item: Int) -> Bool {
        for _ in 0..<model.problem.sizes[item] {
            // The fast path: the item's best node has room, so no chain of moves beats it.
            var bestNode = -1
            var bestValue = Int.min
            for node in 0..<n { if let v = model.value(item, node), v > bestValue { bestValue = v; bestNode = node } }
            guard bestNode >= 0 else { return false }
            if used[bestNode] < capacity[bestNode] {
                move(item, from: nil, to: bestNode)
                used[bestNode] += 1
                continue
            }
            // Bellman-Ford from the item over the residual graph.
            for node in 0..<n {
                distance[node] = model.value(item, node).map { -$0 } ?? Int.max
                previous[node] = -1
            }
            readMoves()
            bellmanFord()
            guard let target = nearestRoom(excluding: nil) else { return false }
            follow(chain(to: target))
            move(item, from: nil, to: origin(of: target))
            used[target] += 1
        }
        return true
    }

    /// Takes `item` out of the flow; each place it leaves goes to the most profitable chain of
    /// moves into it (none when the place is worth nothing to anyone).
    ///
    /// The item leaves whole first (taking the places it leaves away with it keeps the flow
    /// optimal: its residual graph only loses edges), then each place comes back and is refilled
    /// in turn, each a one-unit change.
    mutating func remove(_ item: Int) {
        var freed: [Int] = []
        for (node, units) in self.units(item) {
            for _ in 0..<units {
                move(item, from: node, to: nil)
                used[node] -= 1
                if node != model.dummy { freed.append(node) }
            }
        }
        for node in freed { refill(node) }
    }

    /// Takes `places` places away from `node`, pushing out whoever no longer fits along the
    /// cheapest chain of moves to a node with room. False when someone cannot be moved out.
    mutating func shrink(_ node: Int, by places: Int) -> Bool {
        precondition(node != model.dummy, "\"not placed\" has no limit")
        for _ in 0..<places {
            guard capacity[node] > 0 else { return false }
            if used[node] == capacity[node] {
                for other in 0..<n {
                    distance[other] = Int.max
                    previous[other] = -1
                }
                distance[node] = 0
                readMoves()
                bellmanFord()
                guard let target = nearestRoom(excluding: node) else { return false }
                follow(chain(to: target))
                used[node] -= 1
                used[target] += 1
            }
            capacity[node] -= 1
        }
        return true
    }

    /// Bellman-Ford on the moves read, from `distance` as set: along the moves (`previous[b]`
    /// is where the move into b comes from), or against them (`previous[a]` is where the move
    /// out of a goes) to find chains that end at a node.
    private mutating func bellmanFord(againstMoves: Bool = false) {
        var changed = true
        var rounds = 0
        while changed, rounds < n {
            changed = false
            rounds += 1
            for from in 0..<n where distance[from] != Int.max {
                for to in 0..<n where from != to {
                    let (a, b) = againstMoves ? (to, from) : (from, to)
                    guard let edge = moves[a * n + b] else { continue }
                    let through = distance[from] - edge.gain
                    if through < distance[to] { distance[to] = through; previous[to] = from; changed = true }
                }
            }
        }
    }

    private func nearestRoom(excluding excluded: Int?) -> Int? {
        var target: Int?
        for node in 0..<n where node != excluded && used[node] < capacity[node] && distance[node] != Int.max {
            if target == nil || distance[node] < distance[target!] { target = node }
        }
        return target
    }

    private func chain(to target: Int) -> [(from: Int, to: Int, item: Int)] {
        var chain: [(from: Int, to: Int, item: Int)] = []
        var node = target
        while previous[node] >= 0 {
            precondition(chain.count <= n, "a shortest path longer than the graph: prices are inconsistent")
            let from = previous[node]
            chain.append((from, node, moves[from * n + node]!.item))
            node = from
        }
        return chain
    }

    private func origin(of target: Int) -> Int {
        var node = target
        while previous[node] >= 0 { node = previous[node] }
        return node
    }

    /// Fills the free place at `node` by the most profitable chain of moves into it: someone
    /// moves in from another node, someone else into the place that leaves, and so on; the
    /// chain ends where a place may stay free (or with someone not placed coming in).
    private mutating func refill(_ node: Int) {
        readMoves()
        // `distance` holds minus the best gain of a chain that ends with a free place here.
        for other in 0..<n {
            distance[other] = Int.max
            previous[other] = -1
        }
        distance[node] = 0
        bellmanFord(againstMoves: true)
        var start = node
        for other in 0..<n where distance[other] < distance[start] { start = other }
        guard start != node else { return }
        var links: [(from: Int, to: Int, item: Int)] = []
        var at = start
        while at != node {
            precondition(links.count <= n, "a chain longer than the graph: prices are inconsistent")
            let next = previous[at]
            links.append((at, next, moves[at * n + next]!.item))
            at = next
        }
        follow(links)
        used[node] += 1
        used[start] -= 1
    }

    /// The node prices (the dual of the places): what one place fewer would cost, the cheapest
    /// chain of moves out to a node with room.
    mutating func prices() -> [Int] {
        var prices = [Int](repeating: Int.max, count: n)
        for node in 0..<n where used[node] < capacity[node] { prices[node] = 0 }
        readMoves()
        var changed = true
        var rounds = 0
        while changed, rounds < n {
            changed = false
            rounds += 1
            for a in 0..<n {
                for b in 0..<n where a != b && prices[b] != Int.max {
                    guard let edge = moves[a * n + b] else { continue }
                    let through = prices[b] - edge.gain
                    if through < prices[a] { prices[a] = through; changed = true }
                }
            }
        }
        // A full node nobody can leave for a node with room (no place at all, or only people
        // who may go nowhere else) is priced so that nobody elsewhere would rather be there:
        // the most anyone's move into it gains, on top of the price where they are (a longest
        // path over the moves into it). That is the dual's own price: the bound stays equal
        // to the flow's value. A price of 0 would still bound, but loosely, as if everyone
        // whose best country has no place were placed there.
        let closed = (0..<n).filter { prices[$0] == Int.max }
        for node in closed { prices[node] = 0 }
        changed = !closed.isEmpty
        rounds = 0
        while changed, rounds < n {
            changed = false
            rounds += 1
            for node in closed {
                for other in 0..<n where other != node {
                    guard let edge = moves[other * n + node] else { continue }
                    let through = prices[other] + edge.gain
                    if through > prices[node] { prices[node] = through; changed = true }
                }
            }
        }
        // The bound holds for any prices that are not negative; an optimal flow's are not,
        // and should a mistake ever make one so, the bound is only looser, never wrong.
        for node in 0..<n where prices[node] < 0 { prices[node] = 0 }
        return prices
    }

    func bestPriced(_ item: Int, _ prices: [Int]) -> Int {
        let size = model.problem.sizes[item]
        var best = Int.min
        for node in 0..<n { if let v = model.value(item, node) { best = max(best, size * (v - prices[node])) } }
        return best
    }

    /// The relaxed optimum over `items` as a `Model.Relaxation`.
    mutating func relaxation(items: [Int]) -> Model.Relaxation {
        let prices = prices()
        var itemBest: [Int: Int] = [:]
        var units: [Int: [(node: Int, count: Int)]] = [:]
        var bound = 0
        for item in items {
            let best = bestPriced(item, prices)
            itemBest[item] = best
            bound += best
            let held = self.units(item)
            if !held.isEmpty { units[item] = held }
        }
        for node in 0..<(n - 1) { bound += capacity[node] * prices[node] }
        return Model.Relaxation(units: units, prices: prices, boundScaled: bound, bound: Model.floorDivide(bound, model.scale),
                                itemBest: itemBest)
    }
}
