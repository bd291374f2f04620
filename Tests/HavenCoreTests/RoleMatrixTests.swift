import HavenCore
import XCTest

/// Every role against every action: allowed or refused, and when refused, the message the
/// person sees. The expected table is written out here, apart from the code's, so a change to
/// either shows up.
final class RoleMatrixTests: XCTestCase {
    let now = Fixtures.now
    static let actors: [Role: Actor] = [.caseworker: Fixtures.anna, .supervisor: Fixtures.pieter,
                                        .administrator: Fixtures.admin, .auditor: Fixtures.auditor]

    /// C caseworker, S supervisor, A administrator, U auditor.
    static let expected: [Capability: String] = [
        .viewCases: "CSAU", .registerCase: "CS", .editCase: "CS", .addNote: "CS", .submitForScreening: "CS",
        .recordScreening: "CS", .completeScreening: "CS", .proposeDecision: "CS", .reviewDecision: "S",
        .reopenScreening: "S", .proposeAllocation: "CS", .runAllocationBatch: "S", .approveAllocation: "S", .confirmArrival: "CS", .closeCase: "S", .reassignCases: "S",
        .viewApprovals: "SU", .viewAllocation: "SAU", .viewWorkload: "SU", .viewDashboard: "SAU", .viewAuditTrail: "SAU", .runReports: "SAU",
        .recordIntegration: "CS", .manageIntegrationCatalogue: "A",
        .recordFamily: "CS", .recordPublicityConsent: "CS", .approvePublicity: "S", .exportPublicity: "SA", .exportSensitive: "A",
        .manageUsers: "A", .manageCountries: "A", .importCases: "A", .exportCases: "A", .checkStore: "AU",
        .compactStore: "CSAU", .restrictCases: "S", .viewAccessLog: "SU", .exportSubject: "SA", .eraseCases: "SA",
    ]
    static let letter: [Role: Character] = [.caseworker: "C", .supervisor: "S", .administrator: "A", .auditor: "U"]

    func testTheTableCoversEveryCapabilityAndMatchesTheCode() {
        XCTAssertEqual(Set(Self.expected.keys), Set(Capability.allCases))
        for capability in Capability.allCases {
            for role in Role.allCases {
                let allowed = Self.expected[capability]!.contains(Self.letter[role]!)
                XCTAssertEqual(role.may(capability), allowed, "\(role) \(capability)")
                let attempt = Result { () throws(WorkflowError) in try capability.require(Self.actors[role]!) }
                if allowed {
                    XCTAssertNoThrow(try attempt.get())
                } else {
                    XCTAssertThrowsError(try attempt.get()) { error in
                        XCTAssertEqual(error as? WorkflowError, .notPermitted(capability, role: role))
                    }
                }
            }
        }
    }

    func testRefusalsSayWhoCan() {
        XCTAssertEqual(WorkflowError.notPermitted(.reviewDecision, role: .caseworker).description,
                       "A caseworker cannot approve or return decisions; only a supervisor can.")
        XCTAssertEqual(WorkflowError.notPermitted(.recordScreening, role: .auditor).description,
                       "An auditor cannot record screening checks; only a caseworker or a supervisor can.")
        XCTAssertEqual(WorkflowError.notPermitted(.manageUsers, role: .supervisor).description,
                       "A supervisor cannot manage users and roles; only an administrator can.")
    }

    /// Each casework action through the workflow itself, as each role, on a case that meets
    /// every other condition: only the role decides.
    func testEachCaseworkActionThroughTheWorkflow() throws {
        let screening = try Fixtures.caseIn(.screening)
        let decision = try Fixtures.caseIn(.decision)
        let proposed = try Workflow.proposeDecision(.grant, reasons: "Credible.", on: decision, by: Fixtures.anna, at: now)
        let users = UserDirectory(users: [
            UserAccount(name: "anna.k", role: .caseworker, addedBy: "root", addedAt: now),
            UserAccount(name: "oleh.m", role: .caseworker, addedBy: "root", addedAt: now),
        ])
        let check = Fixtures.clearedScreening(by: Fixtures.anna)[0]
        let actions: [(Capability, (Actor) throws -> Case)] = [
            (.addNote, { try Workflow.addNote("Called the family.", on: screening, by: $0, at: self.now) }),
            (.recordScreening, { try Workflow.recordScreening(check, on: screening, by: $0, at: self.now) }),
            (.proposeDecision, { try Workflow.proposeDecision(.grant, reasons: "Credible.", on: decision, by: $0, at: self.now) }),
            (.reviewDecision, { try Workflow.approveDecision(on: proposed, by: $0, at: self.now) }),
            (.reviewDecision, { try Workflow.returnDecision(on: proposed, comment: "Thin.", by: $0, at: self.now) }),
            (.reassignCases, { try Workflow.reassign(screening, to: "oleh.m", users: users, by: $0, at: Fixtures.now) }),
            (.submitForScreening, { try Workflow.perform(.submitForScreening, on: Fixtures.newCase(), by: $0, at: self.now) }),
        ]
        for (capability, action) in actions {
            for role in Role.allCases {
                let allowed = Self.expected[capability]!.contains(Self.letter[role]!)
                if allowed {
                    XCTAssertNoThrow(try action(Self.actors[role]!), "\(role) \(capability)")
                } else {
                    XCTAssertThrowsError(try action(Self.actors[role]!), "\(role) \(capability)") { error in
                        XCTAssertEqual(error as? WorkflowError, .notPermitted(capability, role: role))
                    }
                }
            }
        }
    }

    func testOnlyCaseworkersAndSupervisorsSaveCases() throws {
        for role in Role.allCases {
            let store = InMemoryCaseStore()
            let actor = Self.actors[role]!
            let record = Fixtures.newCase(assignedTo: actor)
            if role.may(.editCase) {
                XCTAssertNoThrow(try store.save(record, basedOn: nil, by: actor, at: now))
            } else {
                XCTAssertThrowsError(try store.save(record, basedOn: nil, by: actor, at: now)) { error in
                    XCTAssertEqual("\(error)", "An \(role.rawValue) cannot change cases; only a caseworker or a supervisor can.")
                }
            }
        }
    }

    func testOnlyAdministratorsManageUsersAndOneAlwaysRemains() throws {
        var users = UserDirectory.founding("root", at: now)
        users = try users.applying(.add("anna.k", .caseworker), by: Fixtures.admin, at: now)
        users = try users.applying(.add("pieter.v", .supervisor), by: Fixtures.admin, at: now)
        XCTAssertEqual(users.actor(for: "anna.k"), Fixtures.anna)
        XCTAssertNil(users.actor(for: "oleh.m"))
        for actor in [Fixtures.anna, Fixtures.pieter, Fixtures.auditor] {
            XCTAssertThrowsError(try users.applying(.add("oleh.m", .caseworker), by: actor, at: now)) { error in
                XCTAssertEqual(error as? UserDirectoryError, .notPermitted(actor.role))
            }
        }
        // An administrator role claimed but not held in the directory does not count.
        XCTAssertThrowsError(try users.applying(.add("oleh.m", .caseworker), by: Actor(user: "anna.k", role: .administrator), at: now))
        XCTAssertThrowsError(try users.applying(.remove("root"), by: Fixtures.admin, at: now)) { error in
            XCTAssertEqual("\(error)", "root is the only administrator; make someone else an administrator first.")
        }
        XCTAssertThrowsError(try users.applying(.add("root", .supervisor), by: Fixtures.admin, at: now))
        XCTAssertThrowsError(try users.applying(.add("anna.k", .caseworker), by: Fixtures.admin, at: now)) { error in
            XCTAssertEqual("\(error)", "anna.k is already a caseworker.")
        }
        users = try users.applying(.add("anna.k", .supervisor), by: Fixtures.admin, at: now)
        XCTAssertEqual(users.account("anna.k")?.role, .supervisor)
        users = try users.applying(.remove("anna.k"), by: Fixtures.admin, at: now)
        XCTAssertNil(users.account("anna.k"))
        XCTAssertEqual(UserDirectory.founding("root", at: now).fieldChanges(to: users, for: "pieter.v"),
                       [FieldChange(field: "users.pieter.v.role", before: nil, after: "\"supervisor\"")])
    }
}
