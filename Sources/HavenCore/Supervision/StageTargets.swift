import Foundation

/// How many days a case should spend in each stage at most; a case past its stage's target is
/// overdue. Kept as data (`data/stage-targets.json`) so the programme can change them.
public struct StageTargets: Hashable, Sendable {
    public var days: [CaseStage: Int]

    public init(days: [CaseStage: Int]) {
        self.days = days
    }

    public func target(for stage: CaseStage) -> Int? { days[stage] }

    /// Days past the target on `date`, or nil when the case is within it (or its stage has none).
    public func daysOverdue(stage: CaseStage, enteredAt: Timestamp, on date: CalendarDate) -> Int? {
        guard let target = days[stage] else { return nil }
        let inStage = max(0, enteredAt.date.days(until: date))
        return inStage > target ? inStage - target : nil
    }

    public func daysOverdue(_ summary: CaseSummary, on date: CalendarDate) -> Int? {
        daysOverdue(stage: summary.stage, enteredAt: summary.stageEnteredAt, on: date)
    }

    public func isOverdue(_ summary: CaseSummary, on date: CalendarDate) -> Bool { daysOverdue(summary, on: date) != nil }

    /// Overdue work on an open case, one definition for the queue's ! and `o`, My work's
    /// overdue lines and the workload's Overdue column: past the stage's target, or a job
    /// follow-up past its grace days. The days: the more late of the two, each counted past
    /// its target or its grace. (My work counted the
    /// stage alone, and the queue its line opened listed one case more: a review.)
    public func daysLate(_ summary: CaseSummary, on date: CalendarDate) -> Int? {
        guard summary.stage != .closed else { return nil }
        var late = daysOverdue(summary, on: date)
        if let job = summary.integration?.employment, job.followUpMonths != nil, let due = job.followUpDue,
           job.followUpState(on: date) == .overdue {
            // Days past its grace, as a stage counts days past its target.
            late = max(late ?? 0, max(0, due.adding(days: FollowUp.graceDays).days(until: date)))
        }
        return late
    }
}

extension StageTargets: Codable {
    struct Entry: Codable {
        var stage: CaseStage
        var days: Int
    }

    /// `{"targets": [{"stage": "intake", "days": 7}, …]}`
    struct File: Codable {
        var targets: [Entry]
    }

    public init(from decoder: any Decoder) throws {
        let file = try File(from: decoder)
        self.init(days: Dictionary(file.targets.map { ($0.stage, $0.days) }) { $1 })
    }

    public func encode(to encoder: any Encoder) throws {
        let entries = CaseStage.allCases.compactMap { stage in days[stage].map { Entry(stage: stage, days: $0) } }
        try File(targets: entries).encode(to: encoder)
    }
}

extension CaseSummary {
    /// Whole days in the current stage on `date`.
    public func daysInStage(on date: CalendarDate) -> Int { max(0, stageEnteredAt.date.days(until: date)) }
}
