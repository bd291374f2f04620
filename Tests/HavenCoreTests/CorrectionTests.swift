import HavenCore
import XCTest

/// Issue 20: everything recorded can be corrected by whoever may record it, under the same
/// rules, with a reason where a decision already rests on it; undo takes back only one's own
/// correctable change.
final class CorrectionTests: XCTestCase {
    let now = Fixtures.now
    let today = Fixtures.today
    let anna = Fixtures.anna

    func testAScreeningCheckIsCorrectedFreelyInScreeningAndWithAReasonOnceADecisionRestsOnIt() throws {
        var record = try Fixtures.caseIn(.screening)
        record.screening = Fixtures.clearedScreening(by: anna)
        var check = record.screening[0]
        check.documentsSeen = ["internal passport"]
        check.outcome = .concerns
        check.notes = "The photo is old."
        let corrected = try Workflow.correctScreening(at: 0, to: check, reason: "", on: record, by: Fixtures.oleh.withRole(.supervisor), at: now)
        XCTAssertEqual(corrected.screening[0].documentsSeen, ["internal passport"])
        XCTAssertEqual(corrected.screening[0].recordedBy, "oleh.m", "who corrected it is recorded")
        XCTAssertEqual(corrected.notes, [], "no reason needed before a decision")
        check.kind = .debrief
        XCTAssertThrowsError(try Workflow.correctScreening(at: 0, to: check, reason: "", on: record, by: anna, at: now))

        let decided = try Fixtures.caseIn(.allocation)
        var identity = decided.screening[0]
        identity.documentsSeen = ["military ID"]
        XCTAssertThrowsError(try Workflow.correctScreening(at: 0, to: identity, reason: " ", on: decided, by: anna, at: now)) { error in
            guard case let WorkflowError.invalid(issues) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(issues.map(\.field), ["reason"])
        }
        let withReason = try Workflow.correctScreening(at: 0, to: identity, reason: "The passport was a copy.", on: decided, by: anna, at: now)
        XCTAssertEqual(withReason.screening[0].documentsSeen, ["military ID"])
        XCTAssertEqual(withReason.notes.last?.text, "Corrected screening (Identity verified, \(today)): The passport was a copy.")
        XCTAssertEqual(withReason.notes.last?.author, "anna.k")
    }

    func testAProposedDecisionIsAmendedByItsProposerUntilReviewedAndAnApprovalOfTheOldOneIsRefused() throws {
        var record = try Fixtures.caseIn(.decision)
        record = try Workflow.proposeDecision(.grant, reasons: "Credible.", on: record, by: anna, at: now)
        let seen = ProposalSeen.decision(of: record)
        let amended = try Workflow.amendDecision(.refuse, reasons: "Account contradicts the debrief.", on: record, by: anna, at: now)
        XCTAssertEqual(amended.decision?.outcome, .refuse)
        XCTAssertEqual(amended.decision?.proposedBy, "anna.k")
        XCTAssertThrowsError(try Workflow.approveDecision(on: amended, seen: seen, by: Fixtures.maria, at: now)) { error in
            XCTAssertEqual(error as? WorkflowError, .proposalNowOther("anna.k's proposal to refuse"))
        }
        // Amended within the minute, the outcome kept: the refusal says so, not the same words twice (from a walk).
        let seconds = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + 20)
        let reworded = try Workflow.amendDecision(.grant, reasons: "Credible; the debrief agrees.", on: record, by: anna, at: seconds)
        XCTAssertThrowsError(try Workflow.approveDecision(on: reworded, seen: seen, by: Fixtures.maria, at: seconds)) { error in
            XCTAssertEqual("\(error)", "Nothing saved: anna.k's proposal to grant was amended since; look again.")
        }
        var other = record
        other.assignedTo = "oleh.m"
        XCTAssertThrowsError(try Workflow.amendDecision(.refuse, reasons: "x", on: other, by: Fixtures.oleh, at: now))
        // Not a supervisor either: one who amended and then approved would be both sides of the two-person rule.
        XCTAssertThrowsError(try Workflow.amendDecision(.refuse, reasons: "x", on: record, by: Fixtures.maria, at: now)) { error in
            XCTAssertTrue("\(error)".contains("only they can amend it"), "\(error)")
        }
        let approved = try Workflow.approveDecision(on: record, by: Fixtures.maria, at: now)
        // Reviewed meanwhile, it says how and by whom, with the comment (a walk was told only
        // that there was nothing to amend, and went on typing).
        XCTAssertThrowsError(try Workflow.amendDecision(.refuse, reasons: "x", on: approved, by: anna, at: now)) { error in
            XCTAssertEqual("\(error)", "1 problem to fix: reasons: maria.s approved it \(now.minuteText) UTC: it cannot be amended now.")
        }
        let returned = try Workflow.returnDecision(on: record, comment: "Нужна оценка риска для семьи.", by: Fixtures.maria, at: now)
        XCTAssertThrowsError(try Workflow.amendDecision(.grant, reasons: "x", on: returned, by: anna, at: now)) { error in
            XCTAssertTrue("\(error)".hasSuffix("it cannot be amended now: Esc, then p proposes again (F3 reads what you typed, to copy)."), "\(error)")
        }
        XCTAssertThrowsError(try Workflow.withdrawDecision(on: returned, by: anna, at: now)) { error in
            XCTAssertEqual("\(error)", "1 problem to fix: reasons: maria.s returned it \(now.minuteText) UTC: “Нужна оценка риска для семьи.”; it cannot be withdrawn now.")
        }
    }

    /// An arrived case with a German course, an assessment, an application and a job with its
    /// 3-month follow-up.
    func integrating() throws -> Case {
        var record = try Fixtures.caseIn(.integration)
        record.integration.enrolments = [CourseEnrolment(courseID: "de-a2", requestedOn: today.adding(days: -200), status: .enrolled)]
        record.integration.enrolments[0].hoursAttended = 40
        record.integration.assessments = [LanguageAssessment(language: LanguageCode("de")!, level: .a2, assessedOn: today, basis: "telc")]
        record.integration.applications = [JobApplication(openingID: "de-1", status: .rejected, date: today)]
        let start = today
        record.integration.placements = [JobPlacement(employer: "Müller", startDate: start, monthlyWage: Money(minorUnits: 245_050, currency: "EUR"),
                                                      contract: .permanent,
                                                      followUps: [FollowUp(monthsAfterStart: 3, doneOn: today, stillEmployed: false, notes: "Laid off")],
                                                      endDate: today)]
        return record
    }

    func testIntegrationItemsAreCorrectedUnderTheirRules() throws {
        let record = try integrating()
        XCTAssertEqual(try Workflow.correctHours(32, in: "de-a2", on: record, by: anna, at: now).integration.enrolments[0].hoursAttended, 32)
        let left = try Workflow.leaveCourse(record, course: "de-a2", as: .withdrawn, by: anna, at: now)
        XCTAssertEqual(try Workflow.correctEnrolment(in: "de-a2", to: .enrolled, on: left, by: anna, at: now).integration.enrolments[0].status,
                       .enrolled, "a course left by mistake is his again")
        XCTAssertThrowsError(try Workflow.correctEnrolment(in: "de-a2", to: .waiting, on: left, by: anna, at: now))
        XCTAssertThrowsError(try Workflow.correctHours(-1, in: "de-a2", on: record, by: anna, at: now))
        let b1 = LanguageAssessment(language: LanguageCode("de")!, level: .b1, assessedOn: today, basis: "telc")
        XCTAssertEqual(try Workflow.correctAssessment(at: 0, to: b1, on: record, by: anna, at: now).integration.assessments.map(\.level), [.b1])
        // A supervisor's correction keeps who assessed (the history says who corrected).
        let byAnna = try Workflow.correctAssessment(at: 0, to: b1, on: record, by: anna, at: now)
        XCTAssertEqual(byAnna.integration.assessments.map(\.assessor), [""], "one recorded without an assessor does not take the corrector's")
        var assessed = record
        assessed.integration.assessments[0].assessor = "anna.k"
        let corrected = try Workflow.correctAssessment(at: 0, to: b1, on: assessed, by: Actor(user: "maria.s", role: .supervisor), at: now)
        XCTAssertEqual(corrected.integration.assessments.map(\.assessor), ["anna.k"])
        XCTAssertEqual(try Workflow.correctAssessment(at: 0, to: nil, on: record, by: anna, at: now).integration.assessments, [])
        var future = b1
        future.assessedOn = today.adding(days: 3)
        XCTAssertThrowsError(try Workflow.correctAssessment(at: 0, to: future, on: record, by: anna, at: now))
        let reopened = try Workflow.correctApplication(at: 0, to: .interview, on: today, in: record, by: anna, at: now)
        XCTAssertEqual(reopened.integration.applications[0].status, .interview)

        // The wage typed with a decimal comma was a hundred times off: corrected, follow-ups kept.
        var job = record.integration.placements[0]
        job.monthlyWage = Money(parsing: "2450,50", defaultCurrency: "EUR")
        let paid = try Workflow.correctPlacement(at: 0, to: job, on: record, by: anna, at: now)
        XCTAssertEqual(paid.integration.placements[0].monthlyWage, Money(minorUnits: 245_050, currency: "EUR"))
        XCTAssertEqual(paid.integration.placements[0].followUps.count, 1)
        XCTAssertEqual(paid.integration.placements[0].endDate, today)
        job.startDate = today.adding(days: 1)
        XCTAssertThrowsError(try Workflow.correctPlacement(at: 0, to: job, on: record, by: anna, at: now), "start after its follow-up")

        // The follow-up found him still employed after all: the job is open again.
        let still = try Workflow.correctFollowUp(job: 0, months: 3, to: FollowUp(monthsAfterStart: 3, doneOn: today, stillEmployed: true),
                                                 on: record, by: anna, at: now)
        XCTAssertNil(still.integration.placements[0].endDate)
        XCTAssertThrowsError(try Workflow.correctFollowUp(job: 0, months: 3, to: FollowUp(monthsAfterStart: 3, doneOn: today, stillEmployed: false),
                                                          on: record, by: anna, at: now), "an ended job says why")
        XCTAssertThrowsError(try Workflow.correctHours(10, in: "de-a2", on: record, by: Fixtures.oleh, at: now), "not his case")
    }

    func testTheLastReunificationStageIsCorrectedOrTakenBack() throws {
        var record = try Workflow.addFamilyMember(FamilyMember(id: 0, relationship: .spouse, cyrillicName: FullName(family: "Жукова", given: "Нина"),
                                                               latinName: FullName(family: "Zhukova", given: "Nina"), risk: .medium),
                                                  to: Fixtures.newCase(), policy: .standard, by: anna, at: now)
        record = try Workflow.moveReunification(member: 1, to: .applicationFiled, on: today, nextAction: "Gather documents",
                                                due: today.adding(days: 20), in: record, policy: .standard, by: anna, at: now)
        let redated = try Workflow.correctLastStep(member: 1, to: .withdrawn, on: today, nextAction: "", due: nil, in: record, by: anna, at: now)
        XCTAssertEqual(redated.family[0].stage, .withdrawn)
        XCTAssertNil(redated.family[0].nextActionDue, "nothing follows a withdrawal")
        XCTAssertEqual(redated.family[0].steps.count, 1)
        XCTAssertThrowsError(try Workflow.correctLastStep(member: 1, to: .interview, on: today, nextAction: "x", due: today, in: record,
                                                          by: anna, at: now), "only what may follow the step before")
        // Back from Withdrawn to a live stage needs what follows it, or she drops off the queue.
        XCTAssertThrowsError(try Workflow.correctLastStep(member: 1, to: .applicationFiled, on: today, nextAction: "", due: nil, in: redated,
                                                          by: anna, at: now)) { error in
            guard case let WorkflowError.invalid(issues) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(Set(issues.map(\.field)), ["nextAction", "due"])
        }
        let back = try Workflow.correctLastStep(member: 1, to: nil, on: today, nextAction: "", due: nil, in: record, by: anna, at: now)
        XCTAssertEqual(back.family[0].stage, .notStarted)
        XCTAssertEqual(back.family[0].steps, [])
    }

    func testUndoTakesBackOnlyAChangeThatNeitherMovedNorReviewedTheCase() throws {
        let record = try Fixtures.caseIn(.screening)
        let noted = try Workflow.addNote("Phoned the centre.", on: record, by: anna, at: now)
        XCTAssertEqual(try Workflow.undo(restoring: record, current: noted, by: anna), record)
        let moved = try Workflow.perform(.completeScreening, on: { var r = record; r.screening = Fixtures.clearedScreening(by: anna); return r }(),
                                         by: anna, at: now)
        XCTAssertThrowsError(try Workflow.undo(restoring: record, current: moved, by: anna)) { error in
            XCTAssertEqual("\(error)", "That change cannot be undone: it moved the case from Screening to Decision. Correct it instead.")
        }
        XCTAssertThrowsError(try Workflow.undo(restoring: record, current: noted, by: Fixtures.auditor))
    }

    func testTheIntakeConsentAndThePublicityConsentNeverDisagree() throws {
        var record = Fixtures.newCase()
        record = try Workflow.recordConsent(on: today, scope: "His crossing", neverTell: "Family", elements: [.crossingYear], story: "",
                                            in: record, by: anna, at: now)
        XCTAssertTrue(record.defector.consent.publicity)
        var defector = record.defector
        defector.consent.publicity = false
        let withdrawn = try Workflow.editDefector(defector, on: record, by: anna, today: today)
        XCTAssertFalse(withdrawn.publicity.hasConsent, "switching it off at intake withdraws the consent in force")
        XCTAssertEqual(withdrawn.publicity.consentWithdrawn, today)
        defector.consent.publicity = true
        XCTAssertThrowsError(try Workflow.editDefector(defector, on: withdrawn, by: anna, today: today)) { error in
            guard case let WorkflowError.invalid(issues) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(issues.map(\.field), ["consent.publicity"])
        }
    }
}

extension Actor {
    func withRole(_ role: Role) -> Actor { Actor(user: user, role: role) }
}

/// Issue 20's walk found these; each is a rule in HavenCore now.
final class WalkFindingsTests: XCTestCase {
    func testNoneWrittenAsHealthNeedsIsNoNeed() {
        var d = Fixtures.defector()
        for none in ["", "none", "None.", "нет", "n/a", " - "] {
            d.healthNeeds = none
            XCTAssertFalse(d.hasHealthNeeds, none)
        }
        d.healthNeeds = "Астма, ингалятор"
        XCTAssertTrue(d.hasHealthNeeds)
        var record = Fixtures.newCase()
        record.defector.healthNeeds = "none"
        XCTAssertFalse(AllocationProfile(record: record, occupations: OccupationCatalogue(unitGroups: [], specialties: [])).hasSpecialNeeds)
    }

    func testClosingAsIntegratedWithAFollowUpDueIsRefused() throws {
        var record = try Fixtures.caseIn(.integration)
        let start = Fixtures.today.adding(days: -120)
        record.integration.placements = [JobPlacement(employer: "Müller", startDate: start, contract: .permanent)]
        XCTAssertThrowsError(try Workflow.perform(.close, on: record, by: Fixtures.maria, at: Fixtures.now, closure: Closure(reason: .integrated))) { error in
            XCTAssertTrue("\(error)".contains("3-month job follow-up is due"), "\(error)")
        }
        XCTAssertNoThrow(try Workflow.perform(.close, on: record, by: Fixtures.maria, at: Fixtures.now, closure: Closure(reason: .returnedOrDeparted)))
    }

    func testAReunitedRelativeIsInTheHostCountry() throws {
        var record = try Fixtures.caseIn(.integration)
        record.family = [FamilyMember(id: 1, relationship: .spouse, cyrillicName: FullName(family: "Жукова", given: "Анна"),
                                      whereabouts: .russia, stage: .travelled, stageDate: Fixtures.today,
                                      steps: [ReunificationStep(stage: .travelled, date: Fixtures.today, by: "anna.k")])]
        let reunited = try Workflow.moveReunification(member: 1, to: .reunited, on: Fixtures.today, nextAction: "", due: nil, in: record,
                                                      policy: .standard, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertEqual(reunited.family[0].whereabouts, .hostCountry)
        XCTAssertEqual(reunited.family[0].country, CountryCode("GB"))
    }

    /// A defector screened before the programme took his case: the check predates his
    /// registration, never his crossing.
    func testAScreeningCheckMayPredateRegistrationButNotTheCrossing() throws {
        var record = try Fixtures.caseIn(.screening)
        record.defector.crossing.date = Fixtures.today.adding(days: -60)
        let early = ScreeningCheck(kind: .identity, outcome: .cleared, date: Fixtures.today.adding(days: -30), recordedBy: "anna.k",
                                   documentsSeen: ["военный билет"])
        XCTAssertNoThrow(try Workflow.recordScreening(early, on: record, by: Fixtures.anna, at: Fixtures.now))
        var tooEarly = early
        tooEarly.date = Fixtures.today.adding(days: -61)
        XCTAssertThrowsError(try Workflow.recordScreening(tooEarly, on: record, by: Fixtures.anna, at: Fixtures.now)) { error in
            XCTAssertTrue("\(error)".contains("before he came over"), "\(error)")
        }
    }

    /// The review of the change found these; each is refused in HavenCore now.
    func testEditsCorrectionsAndUndoRespectTheRulesOfWhoAndWhen() throws {
        // An edit of the person: by the assigned caseworker or a supervisor, never on a closed case.
        let record = Fixtures.newCase()
        XCTAssertThrowsError(try Workflow.editDefector(record.defector, on: record, by: Fixtures.oleh, today: Fixtures.today)) { error in
            XCTAssertEqual(error as? WorkflowError, .notAssigned(record.id, assignedTo: "anna.k"))
        }
        XCTAssertThrowsError(try Workflow.editDefector(record.defector, on: record, by: Fixtures.auditor, today: Fixtures.today))
        XCTAssertNoThrow(try Workflow.editDefector(record.defector, on: record, by: Fixtures.maria, today: Fixtures.today))
        let closed = try Fixtures.caseIn(.closed)
        XCTAssertThrowsError(try Workflow.editDefector(closed.defector, on: closed, by: Fixtures.maria, today: Fixtures.today))

        // Screening under a proposal awaiting review, or an outcome changed after a decision: refused.
        var decision = try Fixtures.caseIn(.decision)
        decision = try Workflow.proposeDecision(.grant, reasons: "Credible.", on: decision, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertThrowsError(try Workflow.correctScreening(at: 0, to: decision.screening[0], reason: "", on: decision, by: Fixtures.anna, at: Fixtures.now))
        let allocation = try Fixtures.caseIn(.allocation)
        var failed = allocation.screening[1]
        failed.outcome = .failed
        failed.notes = "Found in a unit list."
        XCTAssertThrowsError(try Workflow.correctScreening(at: 1, to: failed, reason: "New information", on: allocation, by: Fixtures.anna,
                                                           at: Fixtures.now)) { error in
            XCTAssertTrue("\(error)".contains("needs screening reopened"), "\(error)")
        }

        // Undo never puts back a consent that was withdrawn.
        let consented = try Workflow.recordConsent(on: Fixtures.today, scope: "His crossing", neverTell: "Family", elements: [.crossingYear],
                                                   story: "", in: Fixtures.newCase(), by: Fixtures.anna, at: Fixtures.now)
        let withdrawn = try Workflow.withdrawConsent(on: Fixtures.today, in: consented, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertThrowsError(try Workflow.undo(restoring: consented, current: withdrawn, by: Fixtures.anna))
    }

    func testAnAmountWithSpacesHasGroupsOfThree() {
        XCTAssertNil(Money(parsing: "2 4500", defaultCurrency: "EUR"))
        XCTAssertNil(Money(parsing: "2 450,5005", defaultCurrency: "EUR"))
        XCTAssertEqual(Money(parsing: "12 450,5", defaultCurrency: "EUR"), Money(minorUnits: 1_245_050, currency: "EUR"))
    }
}
