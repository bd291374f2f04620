/// What a user may do in Haven. Kept in the store, keyed by the OS user name.
public enum Role: String, Choice {
    case caseworker
    case supervisor
    case administrator
    case auditor

    public var title: String {
        switch self {
        case .caseworker: "Caseworker"
        case .supervisor: "Supervisor"
        case .administrator: "Administrator"
        case .auditor: "Auditor"
        }
    }

    /// "a caseworker", "an auditor".
    public var withArticle: String {
        let name = title.lowercased()
        return ("aeiou".contains(name.first!) ? "an " : "a ") + name
    }

    /// Whether this role may do `capability` at all (stage, assignment and the two-person
    /// rule are checked by the workflow on top of this).
    public func may(_ capability: Capability) -> Bool { capability.roles.contains(self) }
}

/// Someone acting in Haven: the OS user and the role the store gives them.
public struct Actor: Hashable, Codable, Sendable {
    public var user: UserName
    public var role: Role

    public init(user: UserName, role: Role) {
        self.user = user
        self.role = role
    }
}

/// Everything a user can try to do, each allowed to some roles. This table is the one place
/// roles are decided: the workflow, the store, the commands and the interface (which hides
/// what a role cannot do) all ask it.
public enum Capability: String, CaseIterable, Sendable {
    case viewCases = "view-cases"
    case registerCase = "register-case"
    case editCase = "edit-case"
    case addNote = "add-note"
    case submitForScreening = "submit-for-screening"
    case recordScreening = "record-screening"
    case completeScreening = "complete-screening"
    case proposeDecision = "propose-decision"
    case reviewDecision = "review-decision"
    case reopenScreening = "reopen-screening"
    case proposeAllocation = "propose-allocation"
    case runAllocationBatch = "run-allocation-batch"
    case approveAllocation = "approve-allocation"
    case confirmArrival = "confirm-arrival"
    case closeCase = "close-case"
    case reassignCases = "reassign-cases"
    case viewApprovals = "view-approvals"
    case viewAllocation = "view-allocation"
    case viewWorkload = "view-workload"
    case viewDashboard = "view-dashboard"
    case viewAuditTrail = "view-audit-trail"
    case runReports = "run-reports"
    case manageUsers = "manage-users"
    case manageCountries = "manage-countries"
    case recordIntegration = "record-integration"
    case manageIntegrationCatalogue = "manage-courses-and-openings"
    case recordFamily = "record-family"
    case recordPublicityConsent = "record-publicity-consent"
    case approvePublicity = "approve-publicity"
    case exportPublicity = "export-publicity"
    case exportSensitive = "export-sensitive"
    case importCases = "import-cases"
    case exportCases = "export-cases"
    case checkStore = "check-store"
    case compactStore = "compact-store"
    case restrictCases = "restrict-cases"
    case viewAccessLog = "view-access-log"
    case exportSubject = "export-subject"
    case eraseCases = "erase-cases"

    /// What the capability is, as a phrase after "cannot".
    public var phrase: String {
        switch self {
        case .viewCases: "read cases"
        case .registerCase: "register defectors"
        case .editCase: "change cases"
        case .addNote: "add notes"
        case .submitForScreening: "submit cases for screening"
        case .recordScreening: "record screening checks"
        case .completeScreening: "complete screening"
        case .proposeDecision: "propose decisions"
        case .reviewDecision: "approve or return decisions"
        case .reopenScreening: "reopen screening"
        case .proposeAllocation: "propose allocations"
        case .runAllocationBatch: "run the batch allocation"
        case .approveAllocation: "approve or override allocations"
        case .confirmArrival: "confirm arrivals"
        case .closeCase: "close cases"
        case .reassignCases: "reassign cases"
        case .viewApprovals: "see the approvals queue"
        case .viewAllocation: "see quotas and the allocation queue"
        case .viewWorkload: "see caseworkers' workload"
        case .viewDashboard: "see the dashboard"
        case .viewAuditTrail: "read the audit trail"
        case .runReports: "run reports"
        case .manageUsers: "manage users and roles"
        case .manageCountries: "change host countries and quotas"
        case .recordIntegration: "record courses, assessments and jobs"
        case .manageIntegrationCatalogue: "change language courses and job openings"
        case .recordFamily: "record family members and reunification"
        case .recordPublicityConsent: "record or withdraw consent to publicity"
        case .approvePublicity: "approve public stories"
        case .exportPublicity: "export approved public stories"
        case .exportSensitive: "export family whereabouts and contact channels"
        case .importCases: "import cases"
        case .exportCases: "export cases"
        case .checkStore: "check the store"
        case .compactStore: "compact the store"
        case .restrictCases: "restrict cases to a team"
        case .viewAccessLog: "read the access log"
        case .exportSubject: "export everything held about one person"
        case .eraseCases: "propose or approve the erasure of a closed case"
        }
    }

    /// The roles allowed, in `Role.allCases` order.
    public var roles: [Role] {
        let casework: [Role] = [.caseworker, .supervisor]
        let supervision: [Role] = [.supervisor]
        let oversight: [Role] = [.supervisor, .administrator, .auditor]
        return switch self {
        case .viewCases: Role.allCases
        case .registerCase, .editCase, .addNote, .submitForScreening, .recordScreening, .completeScreening,
             .proposeDecision, .proposeAllocation, .confirmArrival, .recordIntegration, .recordFamily, .recordPublicityConsent: casework
        case .reviewDecision, .reopenScreening, .approveAllocation, .runAllocationBatch, .closeCase, .reassignCases,
             .approvePublicity, .restrictCases: supervision
        case .exportPublicity: [.supervisor, .administrator]
        case .exportSensitive: [.administrator]
        case .viewApprovals, .viewWorkload: [.supervisor, .auditor]
        case .viewDashboard, .viewAuditTrail, .runReports, .viewAllocation: oversight
        case .manageUsers, .manageCountries, .manageIntegrationCatalogue, .importCases, .exportCases: [.administrator]
        case .checkStore: [.administrator, .auditor]
        case .viewAccessLog: [.supervisor, .auditor]
        case .exportSubject: [.supervisor, .administrator]
        // Two of them for each erasure: one proposes, another approves.
        case .eraseCases: [.supervisor, .administrator]
        // Rewrites no record (only drops versions the trail keeps); a caseworker's save starts it.
        case .compactStore: Role.allCases
        }
    }

    /// Refuses `actor` unless their role allows the capability.
    public func require(_ actor: Actor) throws(WorkflowError) {
        guard actor.role.may(self) else { throw .notPermitted(self, role: actor.role) }
    }
}
