import Foundation

/// One caseworker's load: their active cases by stage, how many are overdue, and how many of
/// their proposals wait for a supervisor.
public struct WorkloadRow: Hashable, Sendable {
    public var user: UserName?
    /// Their role in the store; nil for a name cases are still assigned to but who has none.
    public var role: Role?
    public var byStage: [CaseStage: Int]
    public var overdue: Int
    public var awaitingReview: Int

    public var active: Int { byStage.filter { $0.key != .closed }.values.reduce(0, +) }
}

/// A week's approved decisions, by outcome; weeks start on Monday.
public struct DecisionWeek: Hashable, Sendable {
    public var weekStart: CalendarDate
    public var byOutcome: [DecisionOutcome: Int]
    public var returned: Int

    public var total: Int { byOutcome.values.reduce(0, +) }
}

/// One host country's places: the quota, the places used by approved allocations, the places
/// held by proposals awaiting approval, and what is free.
public struct QuotaUse: Hashable, Sendable {
    public var country: HostCountry
    public var used: Int
    public var reserved: Int
    /// Each kind of place the country limits, or any of its proposals take, in `PlaceKind` order.
    public var kinds: [KindUse]

    /// One kind of place in one country: how many there are (nil: only the quota limits them),
    /// used and held.
    public struct KindUse: Hashable, Sendable {
        public var kind: PlaceKind
        public var capacity: Int?
        public var used: Int
        public var reserved: Int

        public var free: Int? { capacity.map { max(0, $0 - used - reserved) } }

        /// "family housing: 12 used, 3 held, 885 free of 900", or "… no limit but the quota".
        public var line: String {
            "\(kind.shortTitle): \(used) used, \(reserved) held, "
                + (capacity.map { "\(free ?? 0) free of \($0)" } ?? "no limit but the quota")
        }

        /// `line`, saying when the country's free places are fewer than this kind's: "…, 6995
        /// free of 7000, only 5924 usable" (a place of a kind is one of its places).
        public func line(placesFree: Int) -> String {
            guard let free, free > placesFree else { return line }
            return line + ", only \(placesFree) usable"
        }
    }

    public init(country: HostCountry, used: Int, reserved: Int = 0, kinds: [KindUse] = []) {
        self.country = country
        self.used = used
        self.reserved = reserved
        self.kinds = kinds
    }

    public var free: Int { max(0, country.quota - used - reserved) }
    /// Used places as a fraction of the quota (0 when the quota is 0).
    public var fraction: Double { country.quota == 0 ? 0 : Double(used) / Double(country.quota) }
}

/// One stage of the pipeline: how many cases, how many overdue (`StageTargets.daysLate`), the median
/// and longest time in it.
public struct StageLine: Hashable, Sendable {
    public var stage: CaseStage
    public var count: Int
    public var overdue: Int
    public var target: Int?
    public var medianDays: Int?
    public var oldestDays: Int?

    public init(stage: CaseStage, count: Int, overdue: Int, target: Int?, medianDays: Int?, oldestDays: Int?) {
        self.stage = stage
        self.count = count
        self.overdue = overdue
        self.target = target
        self.medianDays = medianDays
        self.oldestDays = oldestDays
    }
}

/// What supervisors watch, worked out from case summaries alone (never whole records), so the
/// dashboard and reports stay quick at 120,000 cases.
public enum Supervision {
    public static func pipeline(_ summaries: [CaseSummary], targets: StageTargets, today: CalendarDate) -> [StageLine] {
        var days: [CaseStage: [Int]] = [:]
        var overdue: [CaseStage: Int] = [:]
        for summary in summaries {
            let inStage = summary.daysInStage(on: today)
            days[summary.stage, default: []].append(inStage)
            if targets.daysLate(summary, on: today) != nil { overdue[summary.stage, default: 0] += 1 }
        }
        return CaseStage.allCases.map { stage in
            let sorted = (days[stage] ?? []).sorted()
            let open = stage != .closed
            return StageLine(stage: stage, count: sorted.count, overdue: overdue[stage] ?? 0, target: targets.target(for: stage),
                             medianDays: open && !sorted.isEmpty ? sorted[(sorted.count - 1) / 2] : nil,
                             oldestDays: open ? sorted.last : nil)
        }
    }

    /// One row per caseworker and supervisor of the store (even with no cases), plus any name
    /// cases are still assigned to, plus unassigned cases (user nil); busiest first.
    public static func workload(_ summaries: [CaseSummary], users: UserDirectory, targets: StageTargets,
                                today: CalendarDate) -> [WorkloadRow] {
        var rows: [UserName?: WorkloadRow] = [:]
        for account in users.assignable {
            rows[account.name] = WorkloadRow(user: account.name, role: account.role, byStage: [:], overdue: 0, awaitingReview: 0)
        }
        for summary in summaries where summary.stage != .closed {
            let key = summary.assignedTo
            var row = rows[key] ?? WorkloadRow(user: key, role: key.flatMap { users.account($0)?.role }, byStage: [:],
                                                  overdue: 0, awaitingReview: 0)
            row.byStage[summary.stage, default: 0] += 1
            if targets.daysLate(summary, on: today) != nil { row.overdue += 1 }
            if summary.isAwaitingDecisionReview { row.awaitingReview += 1 }
            rows[key] = row
        }
        return rows.values.sorted {
            ($0.active, $1.user?.rawValue ?? "") > ($1.active, $0.user?.rawValue ?? "")
        }
    }

    /// Monday of the week holding `date` (1970-01-01 was a Thursday).
    public static func weekStart(of date: CalendarDate) -> CalendarDate {
        let weekday = ((date.daysSinceEpoch % 7) + 7 + 3) % 7 // 0 = Monday
        return date.adding(days: -weekday)
    }

    /// Reviewed decisions per week over the `weeks` weeks ending with today's, oldest first:
    /// approvals by outcome, and proposals returned.
    public static func decisionsPerWeek(_ summaries: [CaseSummary], weeks: Int, today: CalendarDate) -> [DecisionWeek] {
        let last = weekStart(of: today)
        let first = last.adding(days: -7 * (weeks - 1))
        var result = (0..<weeks).map { DecisionWeek(weekStart: first.adding(days: 7 * $0), byOutcome: [:], returned: 0) }
        for summary in summaries {
            guard let decision = summary.decision, let verdict = decision.verdict, let at = decision.reviewedAt else { continue }
            let index = first.days(until: weekStart(of: at.date)) / 7
            guard result.indices.contains(index) else { continue }
            switch verdict {
            case .approved: result[index].byOutcome[decision.outcome, default: 0] += 1
            case .returned: result[index].returned += 1
            }
        }
        return result
    }

    public static func quotaUse(_ summaries: [CaseSummary], countries: [HostCountry]) -> [QuotaUse] {
        let ledger = QuotaLedger(countries: countries, summaries: summaries)
        return countries.map { country in
            let kinds = PlaceKind.allCases.map { kind in
                QuotaUse.KindUse(kind: kind, capacity: country.capacity(kind), used: ledger.used(kind, in: country.code),
                                 reserved: ledger.reserved(kind, in: country.code))
            }
            return QuotaUse(country: country, used: ledger.used[country.code] ?? 0, reserved: ledger.reserved[country.code] ?? 0,
                            kinds: kinds)
        }
    }

    /// The approvals queue: decisions and allocations awaiting a supervisor, oldest first.
    public static func approvals(_ summaries: [CaseSummary]) -> [CaseSummary] {
        // Sorted as small keys, then copied once: sorting the summaries themselves (512 bytes
        // each, 30,000 waiting at 120,000 cases) held three copies at once.
        summaries.indices.compactMap { position in
            summaries[position].pendingApproval.map { ($0.proposedAt, summaries[position].id, position) }
        }
        .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        .map { summaries[$0.2] }
    }
}
