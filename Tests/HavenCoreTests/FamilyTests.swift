import XCTest
@testable import HavenCore

/// Family members, reunification stages and due dates, eligibility, links both ways, and
/// what a link changes in allocation.
final class FamilyTests: XCTestCase {
    let now = Fixtures.now
    let today = Fixtures.today
    let policy = ReunificationPolicy.standard

    func wife() -> FamilyMember {
        FamilyMember(id: 0, relationship: .spouse, cyrillicName: FullName(family: "Жукова", given: "Анна"),
                     latinName: FullName(family: "Zhukova", given: "Anna"), birthDate: CalendarDate(iso: "1994-03-02"),
                     whereabouts: .russia, risk: .high, contactIsSafe: true, contactChannel: "Signal via a cousin")
    }

    func withWife() throws -> Case {
        try Workflow.addFamilyMember(wife(), to: Fixtures.newCase(), policy: policy, by: Fixtures.anna, at: now)
    }

    func testAMemberIsAddedWithTheChecklistOfTheRelationshipAndChecked() throws {
        let record = try withWife()
        XCTAssertEqual(record.family.map(\.id), [1])
        XCTAssertEqual(record.family[0].stage, .notStarted)
        XCTAssertEqual(record.family[0].documents.map(\.name), ["Passport or identity document", "Photographs", "Marriage certificate"])
        // Names in the wrong script, a safe contact with no channel, a host country not named.
        var bad = wife()
        bad.cyrillicName.given = "Anna"
        bad.contactChannel = ""
        bad.whereabouts = .hostCountry
        XCTAssertThrowsError(try Workflow.addFamilyMember(bad, to: record, policy: policy, by: Fixtures.anna, at: now)) { error in
            guard case let WorkflowError.invalid(issues) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(Set(issues.map(\.field)), ["cyrillicName.given", "contactChannel", "country"])
        }
        // Another caseworker's case is refused; an auditor may not.
        XCTAssertThrowsError(try Workflow.addFamilyMember(wife(), to: record, policy: policy, by: Fixtures.oleh, at: now))
        XCTAssertThrowsError(try Workflow.addFamilyMember(wife(), to: record, policy: policy, by: Fixtures.auditor, at: now))
        let second = try Workflow.addFamilyMember(wife(), to: record, policy: policy, by: Fixtures.maria, at: now)
        XCTAssertEqual(second.family.map(\.id), [1, 2])
    }

    func testStagesMoveOneAtATimeWithDatesNextActionsAndTheChecklist() throws {
        var record = try withWife()
        func move(_ stage: ReunificationStage, on date: String, _ action: String = "", due: String? = nil) throws -> Case {
            try Workflow.moveReunification(member: 1, to: stage, on: CalendarDate(iso: date)!, nextAction: action,
                                           due: due.flatMap(CalendarDate.init(iso:)), in: record, policy: policy, by: Fixtures.anna, at: now)
        }
        XCTAssertThrowsError(try move(.interview, on: "2026-11-20", "x", due: "2026-12-01")) { error in
            XCTAssertEqual("\(error)", "1 problem to fix: stage: After Not started comes Application filed (or Withdrawn), not Interview.")
        }
        XCTAssertThrowsError(try move(.applicationFiled, on: "2026-11-20")) { error in
            guard case let WorkflowError.invalid(issues) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(issues.map(\.field), ["nextAction", "due"])
        }
        XCTAssertThrowsError(try move(.applicationFiled, on: "2026-11-30", "Gather documents", due: "2026-12-10")) { error in
            XCTAssertTrue("\(error)".contains("2026-11-30 is in the future"), "\(error)")
        }
        record = try move(.applicationFiled, on: "2026-11-20", "Gather documents", due: "2026-12-10")
        XCTAssertEqual(record.family[0].stage, .applicationFiled)
        XCTAssertEqual(record.family[0].nextActionDue, CalendarDate(iso: "2026-12-10"))
        XCTAssertEqual(record.family[0].steps, [ReunificationStep(stage: .applicationFiled, date: CalendarDate(iso: "2026-11-20")!, by: "anna.k")])
        // Documents gathered needs every document ticked.
        XCTAssertThrowsError(try move(.documentsGathered, on: "2026-11-22", "Book the interview", due: "2026-12-01")) { error in
            XCTAssertTrue("\(error)".contains("3 documents are still missing: Passport or identity document, Photographs, Marriage certificate"), "\(error)")
        }
        for index in 0..<3 {
            record = try Workflow.markDocument(member: 1, document: index, gathered: today, in: record, by: Fixtures.anna, at: now)
        }
        // Before the last stage's date, or a due date before the stage's.
        XCTAssertThrowsError(try move(.documentsGathered, on: "2026-11-19", "Book", due: "2026-12-01"))
        XCTAssertThrowsError(try move(.documentsGathered, on: "2026-11-22", "Book", due: "2026-11-21"))
        record = try move(.documentsGathered, on: "2026-11-22", "Book the interview", due: "2026-12-01")
        XCTAssertEqual(record.family[0].steps.map(\.stage), [.applicationFiled, .documentsGathered])
        // Withdrawn ends it: no next action, and nothing follows.
        XCTAssertThrowsError(try move(.withdrawn, on: "2026-11-23", "something", due: "2026-12-01"))
        record = try move(.withdrawn, on: "2026-11-23")
        XCTAssertNil(record.family[0].nextActionDue)
        XCTAssertThrowsError(try move(.interview, on: "2026-11-24", "x", due: "2026-12-01")) { error in
            XCTAssertTrue("\(error)".contains("nothing follows"), "\(error)")
        }
    }

    func testEligibilityIsSpouseAndMinorChildrenByDefaultAndOthersNeedAReason() throws {
        let son = FamilyMember(id: 1, relationship: .son, cyrillicName: FullName(given: "Михаил"), birthDate: CalendarDate(iso: "2015-05-01"))
        var adult = son
        adult.birthDate = CalendarDate(iso: "2005-01-01")
        let mother = FamilyMember(id: 1, relationship: .mother, cyrillicName: FullName(given: "Ольга"))
        XCTAssertEqual(policy.eligibility(of: wife(), on: today).text, "Eligible: spouse")
        XCTAssertEqual(policy.eligibility(of: son, on: today).text, "Eligible: son under 18 (11)")
        XCTAssertEqual(policy.eligibility(of: adult, on: today).text, "Case by case: son aged 21, not under 18")
        XCTAssertEqual(policy.eligibility(of: mother, on: today).text, "Case by case: mother")
        // A stricter policy (as data) changes the answer.
        let strict = ReunificationPolicy(eligible: [.spouse], eligibleWhileMinor: [.son], minorAge: 10, documentsForAll: [])
        XCTAssertEqual(strict.eligibility(of: son, on: today).text, "Case by case: son aged 11, not under 10")
        // A case-by-case relative needs the reason recorded before the application.
        var record = try Workflow.addFamilyMember(mother, to: Fixtures.newCase(), policy: policy, by: Fixtures.anna, at: now)
        XCTAssertThrowsError(try Workflow.moveReunification(member: 1, to: .applicationFiled, on: today, nextAction: "Wait",
                                                            due: today.adding(days: 30), in: record, policy: policy, by: Fixtures.anna, at: now)) { error in
            XCTAssertTrue("\(error)".contains("eligible only case by case (mother)"), "\(error)")
        }
        var edited = record.family[0]
        edited.eligibilityNote = "Sole carer of his son; depends on him."
        record = try Workflow.updateFamilyMember(edited, on: record, policy: policy, by: Fixtures.anna, at: now)
        record = try Workflow.moveReunification(member: 1, to: .applicationFiled, on: today, nextAction: "Wait",
                                                due: today.adding(days: 30), in: record, policy: policy, by: Fixtures.anna, at: now)
        XCTAssertEqual(record.family[0].stage, .applicationFiled)
    }

    func testTheQueueIsSortedByTheNextDueActionAndTheProgressCounts() throws {
        var first = try withWife()
        first = try Workflow.moveReunification(member: 1, to: .applicationFiled, on: today, nextAction: "Gather documents",
                                               due: today.adding(days: 10), in: first, policy: policy, by: Fixtures.anna, at: now)
        var second = Fixtures.newCase()
        second.id = CaseID(number: 2)
        second = try Workflow.addFamilyMember(wife(), to: second, policy: policy, by: Fixtures.anna, at: now)
        second = try Workflow.moveReunification(member: 1, to: .applicationFiled, on: today.adding(days: -20), nextAction: "Chase the embassy",
                                                due: today.adding(days: -2), in: second, policy: policy, by: Fixtures.anna, at: now)
        var third = Fixtures.newCase(assignedTo: Fixtures.oleh)
        third.id = CaseID(number: 3)
        third = try Workflow.addFamilyMember(wife(), to: third, policy: policy, by: Fixtures.oleh, at: now)
        let summaries = [first, second, third].map { CaseSummary(record: $0, version: CaseVersion(1)) }
        let queue = ReunificationItem.queue(summaries)
        XCTAssertEqual(queue.map(\.caseID.number), [2, 1, 3])
        XCTAssertTrue(queue[0].isOverdue(on: today))
        XCTAssertFalse(queue[1].isOverdue(on: today))
        XCTAssertEqual(ReunificationItem.queue(summaries, assignedTo: "anna.k").map(\.caseID.number), [2, 1])
        let progress = ReunificationProgress(summaries, today: today)
        XCTAssertEqual(progress.members, 3)
        XCTAssertEqual(progress.byStage, [.applicationFiled: 2, .notStarted: 1])
        XCTAssertEqual(progress.overdue, 1)
        // No sensitive field reaches the summary lists are built from.
        let encoded = String(decoding: try JSONEncoder().encode(summaries[0].family), as: UTF8.self)
        XCTAssertFalse(encoded.contains("Signal"), encoded)
        XCTAssertFalse(encoded.contains("russia"), encoded)
    }

    func testLinksAreWrittenOnBothSidesAndRemovedFromEither() throws {
        var brother = Fixtures.newCase()
        brother.id = CaseID(number: 2)
        brother.defector.cyrillicName = FullName(family: "Жуков", given: "Павел")
        var record = try Workflow.addFamilyMember(
            FamilyMember(id: 0, relationship: .brother, cyrillicName: FullName(family: "Жуков", given: "Павел"), whereabouts: .russia),
            to: Fixtures.newCase(), policy: policy, by: Fixtures.anna, at: now)
        var (first, second) = try Workflow.link(member: 1, of: record, to: brother, by: Fixtures.anna, at: now)
        XCTAssertEqual(first.family[0].linkedCase, brother.id)
        XCTAssertEqual(first.family[0].whereabouts, .inProgramme)
        XCTAssertEqual(second.family.count, 1)
        XCTAssertEqual(second.family[0].linkedCase, record.id)
        XCTAssertEqual(second.family[0].relationship, .brother)
        XCTAssertEqual(second.family[0].cyrillicName, record.defector.cyrillicName)
        // Linking again, or to itself, is refused.
        XCTAssertThrowsError(try Workflow.link(member: 1, of: first, to: second, by: Fixtures.anna, at: now))
        XCTAssertThrowsError(try Workflow.link(member: 1, of: record, to: record, by: Fixtures.anna, at: now))
        // Unlinked from the other side: both lose the link, both keep the relative.
        (second, first) = try Workflow.unlink(member: 1, of: second, from: first, by: Fixtures.maria, at: now)
        XCTAssertNil(first.family[0].linkedCase)
        XCTAssertNil(second.family[0].linkedCase)
        XCTAssertEqual(first.family.count, 1)
        XCTAssertEqual(second.family.count, 1)
        // A linked member cannot be removed; a member recorded by mistake can.
        record = first
        record = try Workflow.removeFamilyMember(1, from: record, by: Fixtures.anna)
        XCTAssertTrue(record.family.isEmpty)
        XCTAssertEqual(Workflow.reciprocal(of: .daughter), .father)
        XCTAssertEqual(Workflow.reciprocal(of: .mother), .son)
    }

    /// A link is the family-unity constraint of the batch and the family factor of a proposal;
    /// a change of link brings a waiting proposal's explanation up to date.
    func testALinkKeepsTheBatchTogetherAndUpdatesTheWaitingProposal() throws {
        var a = try Fixtures.caseIn(.allocation)
        var b = try Fixtures.caseIn(.allocation)
        b.id = CaseID(number: 2)
        a = try Workflow.addFamilyMember(FamilyMember(id: 0, relationship: .brother, cyrillicName: FullName(given: "Павел")),
                                         to: a, policy: policy, by: Fixtures.anna, at: now)
        b.defector.languages = [LanguageSkill(language: LanguageCode("de")!, level: .c2)]
        a.defector.languages = [LanguageSkill(language: LanguageCode("en")!, level: .c2)]
        let countries = AllocationTests.countries
        let context = AllocationContext(policy: AllocationTests.policy, countries: countries, occupations: OccupationCatalogue(unitGroups: [], specialties: []),
                                        summaries: [])
        // Proposals waiting for both, apart: a to GB, b to DE.
        a.allocation = AllocationProposal(country: CountryCode("GB")!, factors: [], proposedBy: "anna.k", proposedAt: now)
        b.allocation = AllocationProposal(country: CountryCode("DE")!, factors: [], proposedBy: "anna.k", proposedAt: now)
        let (linkedA, linkedB) = try FamilyLinks.link(member: 1, of: a, to: b, allocation: context, by: Fixtures.anna, at: now)
        XCTAssertEqual(linkedA.allocation?.familyUnity, "Linked: HV-000002 in DE, not GB: approving splits the family.")
        XCTAssertEqual(linkedB.allocation?.familyUnity, "Linked: HV-000001 in GB, not DE: approving splits the family.")
        XCTAssertEqual(linkedA.allocation?.factors.map(\.name), ["language"])
        // The batch, from the linked records, keeps them together.
        let profiles = [linkedA, linkedB].map { AllocationProfile(record: $0, occupations: context.occupations) }
        XCTAssertEqual(profiles[0].linkedCases, [b.id])
        XCTAssertEqual(profiles[1].linkedCases, [a.id])
        let result = AllocationBatch(scorer: context.scorer, free: [CountryCode("DE")!: 3, CountryCode("GB")!: 3, CountryCode("NL")!: 3]).run(profiles)
        XCTAssertEqual(Set(result.proposals.map(\.country)).count, 1, "\(result.proposals)")
        XCTAssertEqual(result.familyGroups, 1)
        // With b placed in DE already, a proposal of DE for a counts him as a relative there.
        var placedB = linkedB
        placedB.allocation = AllocationProposal(country: CountryCode("DE")!, factors: [], proposedBy: "anna.k", proposedAt: now)
        var proposedA = linkedA
        proposedA.allocation = AllocationProposal(country: CountryCode("DE")!, factors: [], proposedBy: "anna.k", proposedAt: now)
        var together = context
        together.placed[placedB.id] = CountryCode("DE")!
        let refreshed = FamilyLinks.refreshExplanation(proposedA, together)
        XCTAssertEqual(refreshed.allocation?.factors.first?.detail, "1 relative there")
        XCTAssertEqual(refreshed.allocation?.familyUnity, "Linked: HV-000002 also in DE.")
        // Unlinking takes the family line and the relative's points away.
        let (unlinkedA, _) = try FamilyLinks.unlink(member: 1, of: proposedA, from: placedB, allocation: together, by: Fixtures.anna, at: now)
        XCTAssertNil(unlinkedA.allocation?.familyUnity)
        XCTAssertFalse(unlinkedA.allocation!.factors.contains { $0.name == "family" })
        // A reviewed proposal is history: left as it was.
        var approved = proposedA
        approved.allocation?.review = Review(verdict: .approved, by: "maria.s", at: now)
        XCTAssertEqual(FamilyLinks.refreshExplanation(approved, together), approved)
    }

    func testSensitiveFieldsAreLeftOutWhenAskedAndWithheldFromTheAudit() throws {
        let record = try withWife()
        let encoder = JSONEncoder()
        encoder.userInfo[SensitiveField.leaveOutKey] = true
        let text = String(decoding: try encoder.encode(record), as: UTF8.self)
        XCTAssertFalse(text.contains("Signal via a cousin"))
        XCTAssertFalse(text.contains("\"whereabouts\""))
        XCTAssertTrue(text.contains("Жукова"))
        // The full form reads back; the reduced one is refused rather than read as complete.
        XCTAssertEqual(try JSONDecoder().decode(Case.self, from: JSONEncoder().encode(record)), record)
        XCTAssertThrowsError(try JSONDecoder().decode(Case.self, from: Data(text.utf8)))
        // The trail records that the channel changed, not what it is.
        var moved = record
        moved.family[0].contactChannel = "Telegram via the priest"
        moved.family[0].whereabouts = .belarus
        let changes = CaseDiff.changes(from: record, to: moved)
        XCTAssertEqual(changes.map(\.field), ["family[0].contactChannel", "family[0].whereabouts"])
        XCTAssertTrue(changes.allSatisfy { $0.after == CaseDiff.withheld && $0.before == CaseDiff.withheld })
        let created = CaseDiff.changes(from: nil, to: record)
        XCTAssertFalse(created[0].after!.contains("Signal"))
        for field in SensitiveField.allCases { XCTAssertTrue(SensitiveField.isSensitive(path: "family[3].\(field.rawValue)")) }
        XCTAssertFalse(SensitiveField.isSensitive(path: "notes[0].text"))
        XCTAssertFalse(SensitiveField.isSensitive(path: "family[0].cyrillicName.family"))
    }

    func testConsentIsRecordedWithdrawnAndApprovedWithAnOverrideForHighRisk() throws {
        var record = try withWife()
        XCTAssertThrowsError(try Workflow.recordConsent(on: today, scope: "", neverTell: "", elements: [], story: "", in: record,
                                                        by: Fixtures.anna, at: now)) { error in
            guard case let WorkflowError.invalid(issues) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(issues.map(\.field), ["scope", "elements"])
        }
        record = try Workflow.recordConsent(on: today, scope: "His crossing and his work now", neverTell: "His unit",
                                            elements: [.givenName, .hostCountry], story: "", in: record, by: Fixtures.anna, at: now)
        XCTAssertTrue(record.publicity.isAwaitingApproval)
        XCTAssertEqual(PublicitySummary(record.publicity)?.isInQueue, true)
        // Not by the one who recorded it; and the wife at high risk needs a reason.
        XCTAssertThrowsError(try Workflow.approvePublicity(on: record, overrideReason: nil, by: Fixtures.anna, at: now))
        XCTAssertThrowsError(try Workflow.approvePublicity(on: record, overrideReason: "  ", by: Fixtures.maria, at: now)) { error in
            XCTAssertTrue("\(error)".contains("1 family member is at high risk; approving needs a reason to override it."), "\(error)")
        }
        let approved = try Workflow.approvePublicity(on: record, overrideReason: "She left Russia; the story names no one.",
                                                     by: Fixtures.maria, at: now)
        XCTAssertTrue(approved.publicity.isPublic)
        XCTAssertEqual(approved.publicity.highRiskOverrideReason, "She left Russia; the story names no one.")
        // Withdrawal takes it out of the queue and out of publicity at once.
        let withdrawn = try Workflow.withdrawConsent(on: today, in: approved, by: Fixtures.anna, at: now)
        XCTAssertFalse(withdrawn.publicity.isPublic)
        XCTAssertEqual(PublicitySummary(withdrawn.publicity)?.isInQueue, false)
        XCTAssertFalse(CaseFlag.flags(of: withdrawn).contains(.publicityConsent))
        XCTAssertThrowsError(try Workflow.withdrawConsent(on: today, in: withdrawn, by: Fixtures.anna, at: now))
        // Without anyone at high risk no reason is asked.
        var calm = record
        calm.family[0].risk = .low
        XCTAssertNoThrow(try Workflow.approvePublicity(on: calm, overrideReason: nil, by: Fixtures.maria, at: now))
        // Approval names the story shown: consent recorded again the same day with another
        // story is not approved unread, from the case or from the queue's summary.
        let shown = try XCTUnwrap(ProposalSeen.story(of: calm))
        XCTAssertEqual(ProposalSeen(storyIn: CaseSummary(record: calm, version: CaseVersion(3))), shown)
        let rewritten = try Workflow.recordConsent(on: today, scope: "His crossing and his work now", neverTell: "His unit",
                                                   elements: [.givenName, .hostCountry, .service], story: "Named his brigade.",
                                                   in: calm, by: Fixtures.anna, at: now)
        XCTAssertThrowsError(try Workflow.approvePublicity(on: rewritten, seen: shown, overrideReason: nil, by: Fixtures.maria, at: now)) { error in
            XCTAssertTrue("\(error)".contains("you saw a story with consent given on \(today) (version "), "\(error)")
        }
        XCTAssertThrowsError(try Workflow.declinePublicity(on: rewritten, seen: shown, comment: "No.", by: Fixtures.maria, at: now))
        XCTAssertNoThrow(try Workflow.approvePublicity(on: rewritten, seen: ProposalSeen.story(of: rewritten), overrideReason: nil,
                                                       by: Fixtures.maria, at: now))
    }
}
