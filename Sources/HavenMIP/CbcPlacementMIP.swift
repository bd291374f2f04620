import CCbc
import HavenCore
import Synchronization

/// CBC 2.10's `CbcMain` is not safe to run twice at once in one process (coin-or/Cbc#332): a
/// batch stopped with Esc may still be solving when another starts. Every solve takes this.
let cbcLock = Mutex<Void>(())

/// COIN-OR CBC (Debian's coinor-libcbc-dev) behind `PlacementMIP`: the part of an allocation
/// the solver's own search cannot settle quickly is solved here, as a mixed-integer program in
/// two stages (the most people, then the highest score among ways of placing that many). CBC
/// brings what a hand-written branch and bound lacks: cutting planes (knapsack covers for the
/// tight quotas), presolve, primal heuristics and best-bound search.
public struct CbcPlacementMIP: PlacementMIP {
    /// The largest part handed to CBC, in columns (an item's allowed countries). CBC does not
    /// look at its time limit inside its root processing, which grows with the columns: with a
    /// 5 s limit it took 15 s at 55,000 columns and 93 s at 151,000 (docs/performance.md). A
    /// larger part keeps the best found, labelled with its gap, rather than a screen that waits
    /// minutes past what it promised.
    public var maximumColumns: Int

    public init(maximumColumns: Int = 100_000) {
        self.maximumColumns = maximumColumns
    }

    public var name: String { "COIN-OR CBC " + String(cString: Cbc_getVersion()) }

    public func solve(_ subproblem: PlacementSubproblem) -> PlacementSubsolution? {
        guard subproblem.columnCount <= maximumColumns else { return nil }
        return cbcLock.withLock { _ in solveAlone(subproblem) }
    }

    func solveAlone(_ subproblem: PlacementSubproblem) -> PlacementSubsolution? {
        let clock = ContinuousClock()
        let started = clock.now
        func elapsed() -> Double {
            let duration = clock.now - started
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }
        let layout = Layout(subproblem)
        guard layout.columns > 0 else {
            return PlacementSubsolution(values: subproblem.options.map { _ in [] }, provenOptimal: true, peopleBound: 0,
                                        scoreBound: 0, seconds: 0)
        }
        // Stage 1: the most people, unless the relaxation already proved it.
        var firstValues: [Double]?
        let peopleFound: Int
        if let known = subproblem.knownPeople {
            peopleFound = known
        } else {
            let first = layout.solve(objective: layout.sizes, peopleAtLeast: nil, start: layout.start(subproblem),
                                     seconds: subproblem.secondsLimit)
            guard let values = first.values else { return nil }
            let everyone = subproblem.sizes.reduce(0, +)
            let peopleBound = first.bound.isFinite ? min(everyone, whole(first.bound)) : everyone
            peopleFound = whole(first.objective)
            guard first.proven || peopleFound >= peopleBound else {
                return PlacementSubsolution(values: layout.split(values), provenOptimal: false, peopleBound: peopleBound,
                                            scoreBound: nil, seconds: elapsed())
            }
            firstValues = values
        }
        // Stage 2: the highest score with that many placed, in the time left.
        let remaining = subproblem.secondsLimit - elapsed()
        guard remaining >= 0.5 else {
            guard let firstValues else { return nil }
            return PlacementSubsolution(values: layout.split(firstValues), provenOptimal: false, peopleBound: peopleFound,
                                        scoreBound: nil, seconds: elapsed())
        }
        let second = layout.solve(objective: layout.scores, peopleAtLeast: Double(peopleFound) - 1e-6,
                                  start: firstValues ?? layout.start(subproblem), seconds: remaining)
        guard let secondValues = second.values else {
            guard let firstValues else { return nil }
            return PlacementSubsolution(values: layout.split(firstValues), provenOptimal: false, peopleBound: peopleFound,
                                        scoreBound: nil, seconds: elapsed())
        }
        let scoreBound = second.bound.isFinite ? whole(second.bound) : nil
        return PlacementSubsolution(values: layout.split(secondValues), provenOptimal: second.proven, peopleBound: peopleFound,
                                    scoreBound: scoreBound, seconds: elapsed())
    }
}

/// The whole number a solver's value stands for, allowing for its floating-point tolerance.
func whole(_ value: Double) -> Int {
    Int((value + max(1e-6, 1e-9 * abs(value))).rounded(.down))
}

/// The subproblem as CBC's column-major matrix: one column per (item, option); one row per
/// item (it goes to one place at most) and one per country (its capacity).
struct Layout {
    let itemCount: Int
    let countryCount: Int
    var columns = 0
    var starts: [CoinBigIndex] = [0]
    var rows: [Int32] = []
    var coefficients: [Double] = []
    var sizes: [Double] = []
    var scores: [Double] = []
    var integral: [Bool] = []
    /// Column ranges of each item.
    var ranges: [Range<Int>] = []
    var rowLower: [Double] = []
    var rowUpper: [Double] = []
    /// The row of the people placed (stage 2 bounds it below).
    var peopleRow: Int { itemCount + countryCount }

    init(_ subproblem: PlacementSubproblem) {
        itemCount = subproblem.itemCount
        countryCount = subproblem.capacities.count
        // After the people row: one row per limit and country that has a capacity.
        var limitRow: [[Int?]] = []
        var nextRow = itemCount + countryCount + 1
        for limit in subproblem.limits {
            limitRow.append(limit.capacities.map { capacity in
                guard capacity != nil else { return nil }
                defer { nextRow += 1 }
                return nextRow
            })
        }
        for item in 0..<itemCount {
            let first = columns
            for option in subproblem.options[item] {
                rows += [Int32(item), Int32(itemCount + option.country), Int32(itemCount + countryCount)]
                coefficients += [1, Double(subproblem.sizes[item]), Double(subproblem.sizes[item])]
                for (index, limit) in subproblem.limits.enumerated() where limit.uses[item] > 0 {
                    guard let row = limitRow[index][option.country] else { continue }
                    rows.append(Int32(row))
                    coefficients.append(Double(limit.uses[item]))
                }
                starts.append(CoinBigIndex(rows.count))
                sizes.append(Double(subproblem.sizes[item]))
                scores.append(Double(option.score))
                integral.append(subproblem.integral[item])
                columns += 1
            }
            ranges.append(first..<columns)
            rowLower.append(subproblem.mayStayUnplaced[item] ? 0 : 1)
            rowUpper.append(1)
        }
        for capacity in subproblem.capacities {
            rowLower.append(-Double.greatestFiniteMagnitude)
            rowUpper.append(Double(max(0, capacity)))
        }
        // The people placed: free in stage 1, at least stage 1's number in stage 2.
        rowLower.append(-Double.greatestFiniteMagnitude)
        rowUpper.append(Double.greatestFiniteMagnitude)
        for limit in subproblem.limits {
            for capacity in limit.capacities.compactMap({ $0 }) {
                rowLower.append(-Double.greatestFiniteMagnitude)
                rowUpper.append(Double(max(0, capacity)))
            }
        }
    }

    /// The start assignment as column values.
    func start(_ subproblem: PlacementSubproblem) -> [Double]? {
        guard subproblem.start.count == itemCount else { return nil }
        var values = [Double](repeating: 0, count: columns)
        for item in 0..<itemCount { if let option = subproblem.start[item] { values[ranges[item].lowerBound + option] = 1 } }
        return values
    }

    func split(_ values: [Double]) -> [[Double]] { ranges.map { Array(values[$0]) } }

    /// One maximisation: the values of the best solution found (nil if none), its objective,
    /// CBC's bound, and whether CBC proved it optimal.
    func solve(objective: [Double], peopleAtLeast: Double?, start: [Double]?, seconds: Double)
        -> (values: [Double]?, objective: Double, bound: Double, proven: Bool) {
        guard let model = Cbc_newModel() else { return (nil, 0, 0, false) }
        defer { Cbc_deleteModel(model) }
        let lower = [Double](repeating: 0, count: columns)
        let upper = [Double](repeating: 1, count: columns)
        var rowLower = rowLower
        if let peopleAtLeast { rowLower[peopleRow] = peopleAtLeast }
        Cbc_loadProblem(model, Int32(columns), Int32(rowLower.count), starts, rows, coefficients, lower, upper, objective,
                        rowLower, rowUpper)
        for column in 0..<columns where integral[column] { Cbc_setInteger(model, Int32(column)) }
        Cbc_setObjSense(model, -1)
        Cbc_setLogLevel(model, 0)
        Cbc_setParameter(model, "log", "0")
        Cbc_setParameter(model, "slog", "0")
        // Exact: stop only when the bound meets the best found.
        Cbc_setAllowableGap(model, 1e-7)
        Cbc_setAllowableFractionGap(model, 0)
        Cbc_setMaximumSeconds(model, max(0.5, seconds))
        // Wall-clock seconds, not processor time: a loaded server must not stretch the limit.
        Cbc_setParameter(model, "timeMode", "elapsed")
        // The incumbent as the initial solution (`Cbc_setMIPStartI` fails in CBC 2.10.8's C
        // interface, "Illegal index in ClpModel::getColumnName", and then proves nothing):
        // without one, CBC can spend the whole limit looking for any solution at 100,000 cases.
        if let start, start.count == columns { start.withUnsafeBufferPointer { Cbc_setInitialSolution(model, $0.baseAddress) } }
        _ = Cbc_solve(model)
        // Only a whole-number solution counts (`Cbc_getColSolution` may hold the relaxation's
        // fractional point when the limit came first), and only a clean finish or a limit
        // gives a bound (status 2 is a numerical breakdown, 5 an interruption).
        let status = Cbc_status(model)
        guard status == 0 || status == 1, Cbc_isProvenInfeasible(model) == 0, Cbc_isAbandoned(model) == 0,
              let solution = Cbc_bestSolution(model) else { return (nil, 0, 0, false) }
        let values = Array(UnsafeBufferPointer(start: solution, count: columns))
        let found = zip(values, objective).reduce(0) { $0 + $1.0 * $1.1 }
        let proven = status == 0 && Cbc_isProvenOptimal(model) != 0
        let possible = Cbc_getBestPossibleObjValue(model)
        guard proven || (possible.isFinite && abs(possible) < 1e40) else { return (values, found, .infinity, false) }
        let bound = proven ? found : max(found, possible)
        return (values, found, bound, proven)
    }
}
