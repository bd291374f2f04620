import HavenCore
import XCTest

final class ScreeningTests: XCTestCase {
    let now = Fixtures.now

    func exclusion(conclusion: ExclusionConclusion, outcome: ScreeningOutcome, against: Set<ExclusionStep>,
                   reasoning: String = "Weighed the debrief.") -> ScreeningCheck {
        ScreeningCheck(kind: .exclusion, outcome: outcome, date: Fixtures.today, recordedBy: "someone.else",
                       notes: outcome == .cleared ? "" : "See the assessment.",
                       exclusion: ExclusionAssessment(clause: .a, findings: ExclusionStep.allCases.map {
                           ExclusionStepFinding(step: $0, pointsToExclusion: against.contains($0), reasoning: reasoning)
                       }, conclusion: conclusion))
    }

    func testRecordedByIsAlwaysTheActor() throws {
        let record = try Fixtures.caseIn(.screening)
        let recorded = try Workflow.recordScreening(exclusion(conclusion: .notExcluded, outcome: .cleared, against: [.act]),
                                                    on: record, by: Fixtures.anna, at: now)
        XCTAssertEqual(recorded.screening.last?.recordedBy, "anna.k")
        XCTAssertEqual(recorded.outstandingScreening, [.identity, .securityVetting, .debrief])
    }

    func testAnExclusionAssessmentMustBeCompleteAndConsistent() throws {
        let record = try Fixtures.caseIn(.screening)
        func issues(_ check: ScreeningCheck) -> [String] {
            do {
                _ = try Workflow.recordScreening(check, on: record, by: Fixtures.anna, at: now)
                return []
            } catch {
                guard case let .invalid(found) = error else { return ["\(error)"] }
                return found.map(\.description)
            }
        }
        // Excluded needs every step against the person.
        XCTAssertEqual(issues(exclusion(conclusion: .excluded, outcome: .failed, against: [.act, .individualResponsibility])),
                       ["exclusion.conclusion: Exclusion needs every step to point to it; not so for: grounds negating responsibility (duress, ...), proportionality."])
        XCTAssertEqual(issues(exclusion(conclusion: .excluded, outcome: .failed, against: Set(ExclusionStep.allCases))), [])
        // The outcome follows the conclusion.
        XCTAssertEqual(issues(exclusion(conclusion: .excluded, outcome: .cleared, against: Set(ExclusionStep.allCases))),
                       ["outcome: The outcome cleared does not fit the conclusion excluded under article 1f."])
        XCTAssertEqual(issues(exclusion(conclusion: .furtherInquiry, outcome: .pending, against: [.act])), [])
        XCTAssertEqual(issues(exclusion(conclusion: .notExcluded, outcome: .cleared, against: Set(ExclusionStep.allCases))),
                       ["exclusion.conclusion: Every step points to exclusion, yet the conclusion is not excluded."])
        // Every step reasoned.
        XCTAssertEqual(issues(exclusion(conclusion: .notExcluded, outcome: .cleared, against: [], reasoning: " ")).count, 4)
        var missing = exclusion(conclusion: .notExcluded, outcome: .cleared, against: [])
        missing.exclusion?.findings.removeLast()
        XCTAssertEqual(issues(missing), ["exclusion.proportionality: Proportionality: no finding recorded."])
        var none = missing
        none.exclusion = nil
        XCTAssertEqual(issues(none), ["exclusion: The article 1F assessment is missing."])
    }

    func testIdentityNeedsDocumentsAndConcernsNeedNotes() throws {
        let record = try Fixtures.caseIn(.screening)
        var identity = ScreeningCheck(kind: .identity, outcome: .cleared, date: Fixtures.today, recordedBy: "anna.k")
        XCTAssertThrowsError(try Workflow.recordScreening(identity, on: record, by: Fixtures.anna, at: now)) { error in
            XCTAssertEqual("\(error)", "1 problem to fix: documentsSeen: Name the documents seen that verify the identity.")
        }
        identity.documentsSeen = ["military ID"]
        identity.outcome = .concerns
        XCTAssertThrowsError(try Workflow.recordScreening(identity, on: record, by: Fixtures.anna, at: now)) { error in
            XCTAssertEqual("\(error)", "1 problem to fix: notes: Say what the concerns are.")
        }
        identity.date = Fixtures.today.adding(days: 1)
        identity.notes = "Photo worn."
        XCTAssertThrowsError(try Workflow.recordScreening(identity, on: record, by: Fixtures.anna, at: now)) { error in
            XCTAssertEqual("\(error)", "1 problem to fix: date: The date 2026-11-25 is in the future.")
        }
    }

    func testScreeningIsRecordedOnlyInScreeningAndOnlyByTheAssignedCaseworker() throws {
        let check = Fixtures.clearedScreening(by: Fixtures.anna)[0]
        XCTAssertThrowsError(try Workflow.recordScreening(check, on: Fixtures.newCase(), by: Fixtures.anna, at: now)) { error in
            XCTAssertEqual(error as? WorkflowError, .wrongStage(.completeScreening, current: .intake))
        }
        let record = try Fixtures.caseIn(.screening)
        XCTAssertThrowsError(try Workflow.recordScreening(check, on: record, by: Fixtures.oleh, at: now)) { error in
            XCTAssertEqual(error as? WorkflowError, .notAssigned(record.id, assignedTo: "anna.k"))
        }
        XCTAssertNoThrow(try Workflow.recordScreening(check, on: record, by: Fixtures.maria, at: now), "supervisors may")
    }

    func testTheFullPathFromScreeningToAnApprovedDecision() throws {
        var record = try Fixtures.caseIn(.screening)
        for check in Fixtures.clearedScreening(by: Fixtures.anna) {
            record = try Workflow.recordScreening(check, on: record, by: Fixtures.anna, at: now)
        }
        XCTAssertThrowsError(try Workflow.proposeDecision(.grant, reasons: "Credible.", on: record, by: Fixtures.anna, at: now),
                             "still in screening until completed")
        record = try Workflow.perform(.completeScreening, on: record, by: Fixtures.anna, at: now)
        record = try Workflow.proposeDecision(.grant, reasons: "Credible.", on: record, by: Fixtures.anna, at: now)
        XCTAssertThrowsError(try Workflow.approveDecision(on: record, by: Fixtures.anna, at: now))
        record = try Workflow.approveDecision(on: record, by: Fixtures.maria, at: now)
        XCTAssertEqual(record.stage, .allocation)
        XCTAssertThrowsError(try Workflow.approveDecision(on: record, by: Fixtures.pieter, at: now)) { error in
            XCTAssertEqual(error as? WorkflowError, .proposalAlreadyReviewed)
        }
    }

    func testReassignmentGoesOnlyToCaseworkersAndSupervisors() throws {
        let users = UserDirectory(users: [
            UserAccount(name: "anna.k", role: .caseworker, addedBy: "root", addedAt: now),
            UserAccount(name: "oleh.m", role: .caseworker, addedBy: "root", addedAt: now),
            UserAccount(name: "audit.e", role: .auditor, addedBy: "root", addedAt: now),
        ])
        let record = Fixtures.newCase()
        XCTAssertEqual(try Workflow.reassign(record, to: "oleh.m", users: users, by: Fixtures.maria, at: Fixtures.now).assignedTo, "oleh.m")
        XCTAssertThrowsError(try Workflow.reassign(record, to: "audit.e", users: users, by: Fixtures.maria, at: Fixtures.now)) { error in
            XCTAssertEqual("\(error)", "audit.e is not a caseworker or supervisor here, so cannot be given cases.")
        }
        XCTAssertThrowsError(try Workflow.reassign(record, to: "anna.k", users: users, by: Fixtures.maria, at: Fixtures.now)) { error in
            XCTAssertEqual("\(error)", "HV-000001 is already assigned to anna.k.")
        }
        XCTAssertThrowsError(try Workflow.reassign(try Fixtures.caseIn(.closed), to: "oleh.m", users: users, by: Fixtures.maria, at: Fixtures.now))
    }
}
