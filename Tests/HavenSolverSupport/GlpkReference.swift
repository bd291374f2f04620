import CGlpk
import HavenCore

/// The independent check of the allocation (issue 26): the whole placement problem, as it
/// stands before any of Haven's reductions, solved by GLPK's branch and cut with one binary
/// variable per item and country, most people first, then the highest score with that many.
/// It shares nothing with Haven's solver but the problem.
public enum GlpkReference {
    public struct Result: Sendable {
        public var people: Int
        public var score: Int
        /// False when GLPK stopped at its time limit (the figures are then its best found).
        public var finished: Bool
        public var seconds: Double
    }

    public static func solve(_ problem: PlacementProblem, secondsLimit: Double = 60) -> Result? {
        let clock = ContinuousClock()
        let started = clock.now
        func elapsed() -> Double {
            let duration = clock.now - started
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }
        glp_term_out(GLP_OFF)
        guard let lp = glp_create_prob() else { return nil }
        defer { glp_delete_prob(lp) }
        let items = problem.itemCount
        let countries = problem.countryCount
        // Rows: one per item (at most one country), one per country (its capacity), one for
        // the people of stage 2 (free in stage 1).
        glp_add_rows(lp, Int32(items + countries + 1))
        for item in 0..<items { glp_set_row_bnds(lp, Int32(item + 1), GLP_UP, 0, 1) }
        for country in 0..<countries {
            glp_set_row_bnds(lp, Int32(items + country + 1), GLP_UP, 0, Double(problem.capacities[country]))
        }
        let peopleRow = Int32(items + countries + 1)
        glp_set_row_bnds(lp, peopleRow, GLP_FR, 0, 0)
        // One row per limit and country that has a capacity.
        var limitRow: [[Int32?]] = []
        for limit in problem.limits {
            limitRow.append(limit.capacities.map { capacity in
                guard let capacity else { return nil }
                let row = glp_add_rows(lp, 1)
                glp_set_row_bnds(lp, row, GLP_UP, 0, Double(capacity))
                return row
            })
        }
        var columns: [(item: Int, country: Int)] = []
        for item in 0..<items {
            for country in 0..<countries where problem.scores[item][country] != nil { columns.append((item, country)) }
        }
        guard !columns.isEmpty else { return Result(people: 0, score: 0, finished: true, seconds: 0) }
        glp_add_cols(lp, Int32(columns.count))
        var ia: [Int32] = [0], ja: [Int32] = [0], ar: [Double] = [0]
        for (index, column) in columns.enumerated() {
            let j = Int32(index + 1)
            glp_set_col_kind(lp, j, GLP_BV)
            let size = Double(problem.sizes[column.item])
            var entries = [(Int32(column.item + 1), 1.0), (Int32(items + column.country + 1), size), (peopleRow, size)]
            for (index, limit) in problem.limits.enumerated() where limit.uses[column.item] > 0 {
                if let row = limitRow[index][column.country] { entries.append((row, Double(limit.uses[column.item]))) }
            }
            for (row, value) in entries {
                ia.append(row)
                ja.append(j)
                ar.append(value)
            }
        }
        glp_load_matrix(lp, Int32(ia.count - 1), ia, ja, ar)
        glp_set_obj_dir(lp, GLP_MAX)

        func run(seconds: Double) -> (status: Int32, value: Double) {
            var parm = glp_iocp()
            glp_init_iocp(&parm)
            parm.presolve = GLP_ON
            parm.msg_lev = GLP_MSG_OFF
            parm.mip_gap = 0
            parm.tm_lim = Int32(max(1, min(Double(Int32.max / 2), seconds * 1000)))
            let code = glp_intopt(lp, &parm)
            let status = glp_mip_status(lp)
            guard code == 0 || code == GLP_ETMLIM, status == GLP_OPT || status == GLP_FEAS else { return (GLP_UNDEF, 0) }
            return (code == GLP_ETMLIM ? GLP_FEAS : status, glp_mip_obj_val(lp))
        }
        // Stage 1: people.
        for (index, column) in columns.enumerated() { glp_set_obj_coef(lp, Int32(index + 1), Double(problem.sizes[column.item])) }
        let first = run(seconds: secondsLimit)
        guard first.status != GLP_UNDEF else { return nil }
        let people = Int(first.value.rounded())
        guard first.status == GLP_OPT else {
            return Result(people: people, score: score(of: lp, columns, problem), finished: false, seconds: elapsed())
        }
        // Stage 2: score, with that many people.
        for (index, column) in columns.enumerated() {
            glp_set_obj_coef(lp, Int32(index + 1), Double(problem.scores[column.item][column.country]!))
        }
        glp_set_row_bnds(lp, peopleRow, GLP_LO, Double(people) - 1e-6, 0)
        let second = run(seconds: max(1, secondsLimit - elapsed()))
        guard second.status != GLP_UNDEF else { return nil }
        return Result(people: people, score: Int(second.value.rounded()), finished: second.status == GLP_OPT, seconds: elapsed())
    }

    static func score(of lp: OpaquePointer, _ columns: [(item: Int, country: Int)], _ problem: PlacementProblem) -> Int {
        var score = 0
        for (index, column) in columns.enumerated() where glp_mip_col_val(lp, Int32(index + 1)) > 0.5 {
            score += problem.scores[column.item][column.country]!
        }
        return score
    }
}

/// Every assignment tried, for the smallest queues: the most people, then the highest score.
public enum BruteForcePlacement {
    public static func solve(_ problem: PlacementProblem) -> (people: Int, score: Int) {
        var best = (people: -1, score: Int.min)
        var free = problem.capacities
        var freeOf = problem.limits.map { $0.capacities.map { $0 ?? Int.max } }
        var people = 0, score = 0
        func visit(_ item: Int) {
            if item == problem.itemCount {
                if (people, score) > (best.people, best.score) { best = (people, score) }
                return
            }
            visit(item + 1)
            let size = problem.sizes[item]
            for country in 0..<problem.countryCount {
                guard let value = problem.scores[item][country], free[country] >= size,
                      problem.limits.indices.allSatisfy({ freeOf[$0][country] >= problem.limits[$0].uses[item] }) else { continue }
                for index in problem.limits.indices { freeOf[index][country] -= problem.limits[index].uses[item] }
                free[country] -= size
                people += size
                score += value
                visit(item + 1)
                for index in problem.limits.indices { freeOf[index][country] += problem.limits[index].uses[item] }
                free[country] += size
                people -= size
                score -= value
            }
        }
        visit(0)
        return best
    }
}
