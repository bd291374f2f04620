import HavenCore

/// One of Haven's areas as the home screen lists it; each needs a capability, and a role
/// sees only the areas it can use.
public enum HomeArea: String, CaseIterable, Sendable {
    case intake, queues, approvals, allocation, workload, dashboard, audit, reports, users, courses, jobs, access, reunification, publicity, retention

    public var name: String {
        switch self {
        case .intake: "Intake"
        case .queues: "Queues"
        case .reunification: "Families"
        case .publicity: "Publicity"
        case .approvals: "Approvals"
        case .allocation: "Allocation"
        case .workload: "Workload"
        case .dashboard: "Dashboard"
        case .audit: "Audit trail"
        case .access: "Access log"
        case .retention: "Retention"
        case .reports: "Reports"
        case .users: "Users"
        case .courses: "Courses"
        case .jobs: "Jobs"
        }
    }

    public var summary: String {
        switch self {
        case .intake: "Register a defector; duplicates flagged across scripts"
        case .queues: "Cases by stage, caseworker and country; overdue; search"
        case .reunification: "Family members to bring, by next action due"
        case .publicity: "Stories told with consent, waiting for approval"
        case .approvals: "Proposed decisions and allocations waiting for a second person"
        case .allocation: "Quotas, the queue of granted cases, the batch run, proposals"
        case .workload: "Cases per caseworker by stage; overdue; reassign"
        case .dashboard: "Stages, quota use, decisions per week, outcomes"
        case .audit: "Who changed what and when, by user, case and date"
        case .access: "Who opened which case, when, and why"
        case .retention: "Closed cases due for erasure; two people erase one"
        case .reports: "Pipeline, quotas, workload, decisions; text or CSV"
        case .users: "Who may use Haven, and in which role"
        case .courses: "Language courses: seats, waiting lists, enrolled"
        case .jobs: "Job openings and the candidates for each"
        }
    }

    public var capability: Capability {
        switch self {
        case .intake: .registerCase
        case .queues: .viewCases
        case .reunification: .recordFamily
        case .publicity: .approvePublicity
        case .approvals: .viewApprovals
        case .allocation: .viewAllocation
        case .workload: .viewWorkload
        case .dashboard: .viewDashboard
        case .audit: .viewAuditTrail
        case .access: .viewAccessLog
        case .retention: .eraseCases
        case .reports: .runReports
        case .users: .manageUsers
        case .courses, .jobs: .viewCases
        }
    }

    /// The areas `role` can use, in the order of the work.
    public static func areas(for role: Role) -> [HomeArea] { allCases.filter { role.may($0.capability) } }
}

/// How many cases are in each stage, for the panel beside the areas.
public struct StageCounts: Hashable, Sendable {
    public let counts: [CaseStage: Int]

    public init(_ summaries: [CaseSummary]) {
        // Each summary's stage read in place (a loop over the summaries would copy each one,
        // retaining its dozen strings and arrays), counted by the stage's place.
        let stages = CaseStage.allCases
        var byPlace = [Int](repeating: 0, count: stages.count)
        for position in summaries.indices {
            let stage = summaries[position].stage
            byPlace[stages.firstIndex(of: stage)!] += 1
        }
        var counts: [CaseStage: Int] = [:]
        for (place, stage) in stages.enumerated() where byPlace[place] > 0 { counts[stage] = byPlace[place] }
        self.counts = counts
    }

    public var total: Int { counts.values.reduce(0, +) }
}
