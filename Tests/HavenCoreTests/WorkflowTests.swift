import HavenCore
import XCTest

final class WorkflowTests: XCTestCase {
    let now = Fixtures.now

    func testACaseWalksItsWholeLife() throws {
        let closed = try Fixtures.caseIn(.closed)
        XCTAssertEqual(closed.stageHistory.map(\.stage),
                       [.intake, .screening, .decision, .allocation, .relocation, .integration, .closed])
        XCTAssertEqual(closed.stageHistory.map(\.transition),
                       [.register, .submitForScreening, .completeScreening, .approveGrant, .approveAllocation, .confirmArrival, .close])
        XCTAssertEqual(closed.allocatedCountry, CountryCode("GB"))
        XCTAssertEqual(closed.closure?.reason, .integrated)
    }

    /// For every transition and every role: allowed exactly for the roles the table names.
    func testEachTransitionIsAllowedOnlyToItsRoles() throws {
        let expected: [TransitionName: Set<Role>] = [
            .submitForScreening: [.caseworker, .supervisor], .completeScreening: [.caseworker, .supervisor],
            .approveGrant: [.supervisor], .approveRefusal: [.supervisor], .reopenScreening: [.supervisor],
            .approveAllocation: [.supervisor], .reopenAllocation: [.supervisor], .confirmArrival: [.caseworker, .supervisor], .close: [.supervisor],
            .undoArrival: [.caseworker, .supervisor],
        ]
        XCTAssertEqual(Set(expected.keys), Set(TransitionName.allCases).subtracting([.register]), "every transition in the table")
        let users: [Role: UserName] = [.caseworker: "anna.k", .supervisor: "pieter.v", .administrator: "root", .auditor: "audit.e"]
        for (name, roles) in expected {
            let transition = try XCTUnwrap(Workflow.transition(named: name))
            var record = try Fixtures.caseIn(transition.from.min()!)
            // Meet each transition's conditions, so that only the role decides.
            switch name {
            case .approveRefusal:
                record.decision = DecisionProposal(outcome: .refuse, reasons: "Not credible.", proposedBy: "anna.k", proposedAt: now)
            case .approveGrant:
                record.decision = DecisionProposal(outcome: .grant, reasons: "Credible.", proposedBy: "anna.k", proposedAt: now)
            case .approveAllocation:
                record.allocation = AllocationProposal(country: CountryCode("FR")!, proposedBy: "anna.k", proposedAt: now)
            case .confirmArrival:
                record.relocation.arrivalDate = Fixtures.today
            case .reopenAllocation:
                record.allocation = AllocationProposal(country: CountryCode("FR")!, proposedBy: "anna.k", proposedAt: now,
                                                       review: Review(verdict: .approved, by: "maria.s", at: now))
            case .completeScreening:
                record.screening = Fixtures.clearedScreening(by: Fixtures.anna)
            default:
                break
            }
            for role in Role.allCases {
                let actor = Actor(user: users[role]!, role: role)
                let attempt = Result { () throws(WorkflowError) in
                    try Workflow.perform(name, on: record, by: actor, at: now, closure: Closure(reason: .withdrawn), reason: "A mistake")
                }
                if roles.contains(role) {
                    XCTAssertNoThrow(try attempt.get(), "\(role) should be able to \(name)")
                    XCTAssertEqual(try attempt.get().stage, transition.to)
                } else {
                    XCTAssertThrowsError(try attempt.get(), "\(role) must not \(name)") { error in
                        XCTAssertEqual(error as? WorkflowError, .notPermitted(transition.capability, role: role))
                    }
                }
            }
        }
    }

    func testASupervisorReopensAnApprovedAllocationBeforeDepartureWithAReason() throws {
        var record = try Fixtures.caseIn(.relocation)
        record.allocation = AllocationProposal(country: CountryCode("FR")!, proposedBy: "anna.k", proposedAt: now,
                                               review: Review(verdict: .approved, by: "maria.s", at: now))
        XCTAssertEqual(record.allocatedCountry, CountryCode("FR")!)
        XCTAssertThrowsError(try Workflow.perform(.reopenAllocation, on: record, by: Fixtures.pieter, at: now, reason: "  ")) { error in
            XCTAssertEqual(error as? WorkflowError, .reasonRequired(.reopenAllocation))
        }
        let reopened = try Workflow.perform(.reopenAllocation, on: record, by: Fixtures.pieter, at: now, reason: "Wrong country: his wife is in Lyon, not Lille")
        XCTAssertEqual(reopened.stage, .allocation)
        XCTAssertNil(reopened.allocatedCountry, "the place is free again")
        XCTAssertEqual(reopened.allocation?.review?.verdict, .returned)
        XCTAssertEqual(reopened.allocation?.review?.comment, "Reopened after approval: Wrong country: his wife is in Lyon, not Lille (approved by maria.s, \(now.minuteText) UTC)")
        XCTAssertTrue(CaseSummary(record: reopened, version: CaseVersion(2)).isAwaitingAllocation, "back in the allocation queue")
        XCTAssertEqual(reopened.stageHistory.last?.transition, .reopenAllocation)
        // Back in the queue where his grant put him, not behind everyone granted since (the
        // reopening is not his doing): first granted, first placed.
        let later = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + 30 * 86_400)
        // (The one granted since has the lower number: the order is the grant's, not the id's.)
        var grantedSince = try Fixtures.caseIn(.allocation)
        XCTAssertGreaterThan(record.id, CaseID(number: 0))
        grantedSince.id = CaseID(number: 0)
        grantedSince.stageHistory[grantedSince.stageHistory.count - 1].at = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + 86_400)
        grantedSince.decision?.review?.at = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + 86_400)
        let reopenedLater = try Workflow.perform(.reopenAllocation, on: record, by: Fixtures.pieter, at: later, reason: "Flight cancelled, visa lapsed")
        let summaries = [CaseSummary(record: grantedSince, version: CaseVersion(1)), CaseSummary(record: reopenedLater, version: CaseVersion(3))]
        XCTAssertEqual(summaries[1].stageEnteredAt, later)
        XCTAssertEqual(summaries.sorted(by: CaseSummary.queueOrder).map(\.id), [record.id, grantedSince.id])
        XCTAssertEqual(AllocationRun(summaries: summaries, countries: AllocationTests.countries, policy: AllocationTests.policy).queue.map(\.id),
                       [record.id, grantedSince.id])
        // The override and the travel arranged for that country go (the audit trail keeps them).
        var overridden = record
        overridden.allocation?.override = AllocationOverride(country: CountryCode("DE")!, reason: "Brother in Leipzig")
        overridden.relocation.travelDate = Fixtures.today
        overridden.relocation.travelNotes = "Flight to Frankfurt"
        let cleared = try Workflow.perform(.reopenAllocation, on: overridden, by: Fixtures.pieter, at: now, reason: "Brother moved")
        XCTAssertNil(cleared.allocation?.override)
        XCTAssertNil(cleared.relocation.travelDate)
        XCTAssertEqual(cleared.relocation.travelNotes, "")
        // The travel arranged stays readable, as a note by who reopened it (a walk found the route gone).
        XCTAssertEqual(cleared.notes.last?.text, "Travel arranged for DE, cleared on reopening the allocation: \(Fixtures.today) · Flight to Frankfurt")
        XCTAssertEqual(cleared.notes.last?.author, Fixtures.pieter.user)
        XCTAssertEqual(reopened.notes.count, record.notes.count, "nothing arranged: no note")
        // An open application in that country: ended first, where it can be; once it is
        // ended (rejected), the reopen goes ahead, the record of it kept.
        var enrolled = record
        enrolled.integration.applications = [JobApplication(openingID: "job-1", status: .applied, date: Fixtures.today)]
        XCTAssertThrowsError(try Workflow.perform(.reopenAllocation, on: enrolled, by: Fixtures.pieter, at: now, reason: "x")) { error in
            XCTAssertTrue("\(error)".contains("has 1 open job application in FR: end them on the Integrate screen first"), "\(error)")
        }
        enrolled.integration.applications[0].status = .rejected
        XCTAssertNil(Workflow.reopenRefusal(enrolled))
        XCTAssertEqual(try Workflow.perform(.reopenAllocation, on: enrolled, by: Fixtures.pieter, at: now, reason: "x").integration.applications.count, 1)
        // Once he has left, it stands.
        var left = record
        left.relocation.departureDate = Fixtures.today
        XCTAssertThrowsError(try Workflow.perform(.reopenAllocation, on: left, by: Fixtures.pieter, at: now, reason: "x")) { error in
            XCTAssertTrue("\(error)".contains("left on \(Fixtures.today): the allocation stands"), "\(error)")
        }
    }

    func testTransitionsFromTheWrongStageAreRefused() throws {
        let record = Fixtures.newCase()
        XCTAssertThrowsError(try Workflow.perform(.approveGrant, on: record, by: Fixtures.maria, at: now)) { error in
            XCTAssertEqual(error as? WorkflowError, .wrongStage(.approveGrant, current: .intake))
            XCTAssertEqual("\(error)", "Approve grant is not possible while the case is in Intake.")
        }
        let closed = try Fixtures.caseIn(.closed)
        XCTAssertThrowsError(try Workflow.perform(.close, on: closed, by: Fixtures.maria, at: now, closure: Closure(reason: .withdrawn)))
    }

    /// A review names the proposal the reviewer saw; a proposal replaced in between (returned
    /// by someone else and proposed again as a refusal) is not approved unseen.
    func testAnApprovalIsRefusedWhenTheProposalChangedSinceItWasShown() throws {
        var record = try Fixtures.caseIn(.decision)
        record = try Workflow.proposeDecision(.grant, reasons: "Credible.", on: record, by: Fixtures.anna, at: now)
        let seen = try XCTUnwrap(ProposalSeen.decision(of: record))
        XCTAssertEqual(try Workflow.approveDecision(on: record, seen: seen, by: Fixtures.maria, at: now).stage, .allocation)
        let later = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + 600)
        var changed = try Workflow.returnDecision(on: record, comment: "Cite the debrief.", by: Fixtures.pieter, at: later)
        changed = try Workflow.proposeDecision(.refuse, reasons: "Debrief inconsistent.", on: changed, by: Fixtures.anna, at: later)
        for attempt in [{ try Workflow.approveDecision(on: changed, seen: seen, by: Fixtures.maria, at: later) },
                        { try Workflow.returnDecision(on: changed, seen: seen, comment: "No.", by: Fixtures.maria, at: later) }] {
            XCTAssertThrowsError(try attempt()) { error in
                XCTAssertEqual("\(error)", "Nothing saved: it is now anna.k's proposal to refuse; look again.")
            }
        }
    }

    func testAnAllocationApprovalIsRefusedWhenTheCountryChanged() throws {
        var record = try Fixtures.caseIn(.relocation)
        record.stage = .allocation
        record.allocation = AllocationProposal(country: CountryCode("DE")!, proposedBy: "anna.k", proposedAt: now)
        let seen = try XCTUnwrap(ProposalSeen.allocation(of: record))
        record.allocation = AllocationProposal(country: CountryCode("PL")!, proposedBy: "anna.k", proposedAt: now)
        XCTAssertThrowsError(try Workflow.approveAllocation(on: record, seen: seen, by: Fixtures.maria, at: now)) { error in
            XCTAssertEqual("\(error)", "Nothing saved: it is now anna.k's proposal of PL; look again.")
        }
        XCTAssertThrowsError(try Workflow.overrideAllocation(on: record, seen: seen, to: CountryCode("GB")!, reason: "Family.", by: Fixtures.maria, at: now))
    }

    func testSupervisorCannotApproveOwnProposal() throws {
        var record = try Fixtures.caseIn(.decision)
        record = try Workflow.proposeDecision(.grant, reasons: "Credible.", on: record, by: Fixtures.maria, at: now)
        XCTAssertThrowsError(try Workflow.perform(.approveGrant, on: record, by: Fixtures.maria, at: now)) { error in
            XCTAssertEqual(error as? WorkflowError, .ownProposal(.approveGrant))
            XCTAssertEqual("\(error)", "You proposed this yourself; approve grant needs a second person.")
        }
        XCTAssertEqual(try Workflow.perform(.approveGrant, on: record, by: Fixtures.pieter, at: now).stage, .allocation)
    }

    func testSupervisorCannotApproveOwnAllocation() throws {
        var record = try Fixtures.caseIn(.allocation)
        record.allocation = AllocationProposal(country: CountryCode("DE")!, proposedBy: "maria.s", proposedAt: now)
        XCTAssertThrowsError(try Workflow.perform(.approveAllocation, on: record, by: Fixtures.maria, at: now)) { error in
            XCTAssertEqual(error as? WorkflowError, .ownProposal(.approveAllocation))
        }
        XCTAssertEqual(try Workflow.perform(.approveAllocation, on: record, by: Fixtures.pieter, at: now).allocatedCountry,
                       CountryCode("DE"))
    }

    func testNoDecisionBeforeScreeningIsComplete() throws {
        var record = try Fixtures.caseIn(.screening)
        record.screening = Array(Fixtures.clearedScreening(by: Fixtures.anna).prefix(2))
        XCTAssertThrowsError(try Workflow.perform(.completeScreening, on: record, by: Fixtures.anna, at: now)) { error in
            XCTAssertEqual(error as? WorkflowError, .screeningIncomplete(outstanding: [.exclusion, .debrief]))
            XCTAssertEqual("\(error)", "Screening is not complete: Exclusion (Refugee Convention art. 1F), Debrief still outstanding.")
        }
        XCTAssertThrowsError(try Workflow.proposeDecision(.grant, reasons: "x", on: record, by: Fixtures.anna, at: now)) { error in
            XCTAssertEqual(error as? WorkflowError, .screeningIncomplete(outstanding: [.exclusion, .debrief]))
        }
        record.screening.append(ScreeningCheck(kind: .exclusion, outcome: .pending, date: Fixtures.today, recordedBy: "anna.k"))
        XCTAssertThrowsError(try Workflow.perform(.completeScreening, on: record, by: Fixtures.anna, at: now))
    }

    func testIntakeMustBeValidBeforeScreening() {
        var record = Fixtures.newCase()
        record.defector.birthPlace = ""
        XCTAssertThrowsError(try Workflow.perform(.submitForScreening, on: record, by: Fixtures.anna, at: now)) { error in
            XCTAssertEqual("\(error)", "The intake record has 1 problem to fix first: birthPlace: Enter the place of birth.")
        }
    }

    func testRefusalClosesTheCaseWithTheReasons() throws {
        var record = try Fixtures.caseIn(.decision)
        // Exclusion rests on the article 1F check concluding so; against a check that does not, it is refused.
        XCTAssertThrowsError(try Workflow.proposeDecision(.exclude, reasons: "x", on: record, by: Fixtures.anna, at: now)) { error in
            XCTAssertTrue("\(error)".contains("exclusion needs it to conclude excluded"), "\(error)")
        }
        let check = record.screening.firstIndex { $0.kind == .exclusion }!
        record.screening[check].outcome = .failed
        record.screening[check].exclusion?.conclusion = .excluded
        XCTAssertThrowsError(try Workflow.proposeDecision(.grant, reasons: "x", on: record, by: Fixtures.anna, at: now), "no grant on an exclusion")
        record = try Workflow.proposeDecision(.exclude, reasons: "Art. 1F(a): ordered the shelling.", on: record, by: Fixtures.anna, at: now)
        XCTAssertThrowsError(try Workflow.perform(.approveGrant, on: record, by: Fixtures.maria, at: now)) { error in
            XCTAssertEqual(error as? WorkflowError, .proposalMismatch(.approveGrant, proposed: .exclude))
        }
        let closed = try Workflow.perform(.approveRefusal, on: record, by: Fixtures.maria, at: now)
        XCTAssertEqual(closed.stage, .closed)
        XCTAssertEqual(closed.closure, Closure(reason: .excluded, details: "Art. 1F(a): ordered the shelling."))
        XCTAssertEqual(closed.decision?.review?.by, "maria.s")
    }

    func testReturnedDecisionCanBeProposedAgain() throws {
        var record = try Fixtures.caseIn(.decision)
        record = try Workflow.proposeDecision(.grant, reasons: "Credible.", on: record, by: Fixtures.anna, at: now)
        XCTAssertThrowsError(try Workflow.proposeDecision(.refuse, reasons: "x", on: record, by: Fixtures.pieter, at: now)) { error in
            XCTAssertEqual(error as? WorkflowError, .proposalPending(record.id))
            XCTAssertEqual("\(error)", "\(record.id) already has a proposal waiting for a supervisor.")
        }
        XCTAssertThrowsError(try Workflow.returnDecision(on: record, comment: "Too thin.", by: Fixtures.anna, at: now))
        record = try Workflow.returnDecision(on: record, comment: "Reasons too thin; cite the debrief.", by: Fixtures.maria, at: now)
        XCTAssertEqual(record.decision?.review?.verdict, .returned)
        XCTAssertThrowsError(try Workflow.perform(.approveGrant, on: record, by: Fixtures.maria, at: now)) { error in
            XCTAssertEqual(error as? WorkflowError, .proposalAlreadyReviewed)
        }
        record = try Workflow.proposeDecision(.grant, reasons: "Credible; debrief consistent.", on: record, by: Fixtures.anna, at: now)
        XCTAssertEqual(try Workflow.perform(.approveGrant, on: record, by: Fixtures.maria, at: now).stage, .allocation)
    }

    func testCaseworkerActsOnlyOnTheirOwnCases() throws {
        let record = Fixtures.newCase(assignedTo: Fixtures.anna)
        XCTAssertThrowsError(try Workflow.perform(.submitForScreening, on: record, by: Fixtures.oleh, at: now)) { error in
            XCTAssertEqual("\(error)", "HV-000001 is assigned to anna.k; ask a supervisor to reassign it.")
        }
    }

    func testArrivalMustBeRecordedAndAuditorsChangeNothing() throws {
        var record = try Fixtures.caseIn(.relocation)
        record.relocation.arrivalDate = nil
        XCTAssertThrowsError(try Workflow.perform(.confirmArrival, on: record, by: Fixtures.anna, at: now)) { error in
            XCTAssertEqual(error as? WorkflowError, .arrivalNotRecorded)
        }
        let decision = try Fixtures.caseIn(.decision)
        XCTAssertThrowsError(try Workflow.proposeDecision(.grant, reasons: "x", on: decision, by: Fixtures.auditor, at: now))
        XCTAssertEqual(Workflow.available(from: .decision, for: .auditor), [])
        XCTAssertEqual(Workflow.available(from: .decision, for: .supervisor), [.approveGrant, .approveRefusal, .reopenScreening, .close])
    }
}
