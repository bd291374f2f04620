/// A convex function known by its cuts (docs/DECISIONS.md, issue 26, "Prices by cutting planes
/// in a box"): each cut says f(λ) ≥ value + slope · (λ − at), true everywhere for a convex f
/// and a subgradient `slope` at `at`; their maximum is a model of f from below. Its least value
/// over a box is a small linear programme, solved here by the simplex method: twenty prices and
/// a few dozen cuts, a fraction of a millisecond, against half a second for each cut (one
/// relaxation of 120,000 cases).
struct CuttingPlanes {
    struct Cut {
        var value: Double
        var at: [Double]
        var slope: [Double]
    }

    var cuts: [Cut] = []

    /// The point of the box [lower, upper] where the model is least, that least value, and the
    /// weight of each cut in it (the linear programme's dual: weights summing to 1, on the cuts
    /// that hold the least); nil without cuts or when the simplex method does not end.
    func minimum(lower: [Double], upper: [Double]) -> (point: [Double], value: Double, weights: [Double])? {
        guard !cuts.isEmpty else { return nil }
        let dimension = lower.count
        // λ = lower + y, 0 ≤ y ≤ upper − lower. Cut k reads t ≥ a_k + slope_k · y with
        // a_k = value_k + slope_k · (lower − at_k); with t = top − s (top the largest a_k, where
        // y = 0 puts t), the least t is the most s subject to s + slope_k · y ≤ top − a_k ≥ 0.
        let offsets = cuts.map { cut in
            cut.value + (0..<dimension).reduce(0) { $0 + cut.slope[$1] * (lower[$1] - cut.at[$1]) }
        }
        let top = offsets.max()!
        var rows: [[Double]] = []
        var limits: [Double] = []
        for (cut, offset) in zip(cuts, offsets) {
            rows.append([1] + cut.slope)
            limits.append(top - offset)
        }
        for index in 0..<dimension {
            var row = [Double](repeating: 0, count: dimension + 1)
            row[index + 1] = 1
            rows.append(row)
            limits.append(max(0, upper[index] - lower[index]))
        }
        var objective = [Double](repeating: 0, count: dimension + 1)
        objective[0] = 1
        guard let (x, duals) = Self.maximise(objective, rows, limits) else { return nil }
        return ((0..<dimension).map { lower[$0] + x[$0 + 1] }, top - x[0], Array(duals.prefix(cuts.count)))
    }

    /// max c·x subject to A x ≤ b, x ≥ 0, where b ≥ 0 (so the origin is a vertex to start
    /// from): the primal simplex method on a dense tableau, Bland's rule (it cannot cycle).
    /// The optimum and each row's dual price; nil when unbounded or past its iterations.
    static func maximise(_ c: [Double], _ a: [[Double]], _ b: [Double]) -> (x: [Double], duals: [Double])? {
        let m = a.count, n = c.count, width = n + m + 1
        var table = [Double](repeating: 0, count: (m + 1) * width)
        for i in 0..<m {
            for j in 0..<n { table[i * width + j] = a[i][j] }
            table[i * width + n + i] = 1
            table[i * width + width - 1] = b[i]
        }
        // The last row: reduced costs (−c to start) and the objective's value.
        for j in 0..<n { table[m * width + j] = -c[j] }
        var basis = (0..<m).map { n + $0 }
        let tolerance = 1e-9
        for _ in 0..<(50 * (m + n) + 100) {
            guard let entering = (0..<(n + m)).first(where: { table[m * width + $0] < -tolerance }) else {
                var x = [Double](repeating: 0, count: n)
                for (row, column) in basis.enumerated() where column < n { x[column] = table[row * width + width - 1] }
                return (x, (0..<m).map { table[m * width + n + $0] })
            }
            // The least ratio; among rows within the tolerance of it, the lowest basic column.
            let candidates = (0..<m).filter { table[$0 * width + entering] > tolerance }
            let ratios = candidates.map { table[$0 * width + width - 1] / table[$0 * width + entering] }
            guard let least = ratios.min() else { return nil }
            let leaving = zip(candidates, ratios).filter { $0.1 <= least + tolerance }.min { basis[$0.0] < basis[$1.0] }?.0
            guard let pivotRow = leaving else { return nil }
            let pivot = table[pivotRow * width + entering]
            for j in 0..<width { table[pivotRow * width + j] /= pivot }
            for i in 0...m where i != pivotRow {
                let factor = table[i * width + entering]
                guard factor != 0 else { continue }
                for j in 0..<width { table[i * width + j] -= factor * table[pivotRow * width + j] }
            }
            basis[pivotRow] = entering
            // Rounding can leave a right-hand side a hair below 0, which would let a later
            // ratio test step out of the feasible region.
            for i in 0..<m where table[i * width + width - 1] < 0 { table[i * width + width - 1] = 0 }
        }
        return nil
    }
}
