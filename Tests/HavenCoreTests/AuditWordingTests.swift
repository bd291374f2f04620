import XCTest
@testable import HavenCore

/// The audit trail in people's words: every field of a case by its section and the label the
/// screens use, values as the screens show them, sensitive values never.
final class AuditWordingTests: XCTestCase {
    static let gb = CountryCode("GB")!, de = CountryCode("DE")!
    static let day = CalendarDate(year: 2026, month: 11, day: 3)!

    /// A case with every field of every part filled, optional ones included.
    static func richCase() throws -> Case {
        var record = try Fixtures.caseIn(.integration)
        let anna = Fixtures.anna.user, maria = Fixtures.maria.user
        record.defector.otherSpellings = ["Artyom Zhukov"]
        record.defector.service.specialtyDescription = "Механик-водитель танка"
        record.defector.crossing.thirdCountry = CountryCode("PL")
        record.defector.equipment[0].description = "Танк с боекомплектом"
        record.defector.education = "Псковский техникум"
        record.defector.educationLevel = .vocational
        record.defector.drivingCategories = [.b, .ce]
        record.defector.otherLicences = ["Welding"]
        record.defector.healthNeeds = "Hearing loss, left ear"
        record.defector.riskOnReturn = "Prosecution for desertion"
        record.defector.consent = ConsentChoices(publicity: true, shareWithHostCountry: true, communicationsWork: true, recordedOn: day)
        record.defector.preferredCountries = [gb, de]
        record.screening[0].notes = "Documents consistent."
        record.decision?.review?.comment = "Agreed."
        record.allocation = AllocationProposal(
            country: gb, factors: [AllocationFactor(name: "job", contribution: 12, detail: "8332 shortage"),
                                   AllocationFactor(name: "language", contribution: 6.5, detail: "en A2")],
            runnerUp: de, runnerUpFactors: [AllocationFactor(name: "family", contribution: 4)], runnerUpReason: "Fewer openings.",
            proposedBy: anna, proposedAt: Fixtures.now, review: Review(verdict: .approved, by: maria, at: Fixtures.now, comment: "Fine."),
            override: AllocationOverride(country: gb, reason: "Brother in Leeds."))
        record.allocation?.familyUnity = "Brother's case placed in GB."
        record.allocation?.places = [.familyHousing]
        record.relocation = Relocation(travelDate: day, travelNotes: "Flight via Warsaw", arrivalDate: day, receptionPlace: "Croydon")
        record.integration = Integration(
            enrolments: [CourseEnrolment(courseID: "gb-en-a2-leeds", requestedOn: day, status: .enrolled, hoursAttended: 40)],
            assessments: [LanguageAssessment(language: LanguageCode("en")!, level: .b1, assessedOn: day, assessor: "anna.k", basis: "Teacher's report")],
            applications: [JobApplication(openingID: "gb-8332-leeds", status: .offer, date: day)],
            placements: [JobPlacement(openingID: "gb-8332-leeds", employer: "Leeds Haulage", occupation: ISCOCode("8332"), startDate: day,
                                      monthlyWage: Money(minorUnits: 210_000, currency: "GBP"), contract: .permanent,
                                      followUps: [FollowUp(monthsAfterStart: 3, doneOn: day, stillEmployed: true, notes: "Doing well.")],
                                      endDate: day, endNotes: "Moved to York")])
        record.family = [
            FamilyMember(id: 1, relationship: .mother, latinName: FullName(family: "Ivanova", given: "Olga"), birthDate: day,
                         whereabouts: .belarus, country: CountryCode("BY"), risk: .high, contactIsSafe: true,
                         contactChannel: "Signal via her sister", notes: "Lives near Gomel", linkedCase: CaseID(number: 9),
                         stage: .applicationFiled, stageDate: day, steps: [ReunificationStep(stage: .applicationFiled, date: day, by: anna)],
                         nextAction: "Book the interview", nextActionDue: day,
                         documents: [FamilyDocument(name: "Passport", gathered: day), FamilyDocument(name: "Birth certificate", gathered: day)],
                         eligibilityNote: "Dependent on him"),
            FamilyMember(id: 4, relationship: .brother, cyrillicName: FullName(family: "Жуков", given: "Илья")),
        ]
        record.publicity = Publicity(consentGiven: day, consentWithdrawn: day, scope: "His crossing", neverTell: "His unit",
                                     elements: [.givenName, .hostCountry, .story], story: "I crossed at night.", proposedBy: anna,
                                     review: Review(verdict: .returned, by: maria, at: Fixtures.now, comment: "Shorter."),
                                     highRiskOverrideReason: "Mother agrees.")
        record.notes = [Note(author: anna, at: Fixtures.now, text: "Wants to learn English.\nAsked twice.")]
        record.closure = Closure(reason: .integrated, details: "Settled in Leeds.")
        return record
    }

    /// Every raw value of a pick list whose title differs from it, with the title.
    static let choiceTitles: [String: String] = {
        func pairs<C: Choice>(_ type: C.Type) -> [(String, String)] { C.allCases.map { ($0.rawValue, $0.title) } }
        let all = pairs(ServiceBranch.self) + pairs(Rank.self) + pairs(CrossingMethod.self) + pairs(CustodyStatus.self)
            + pairs(EquipmentKind.self) + pairs(CEFRLevel.self) + pairs(EducationLevel.self) + pairs(DrivingCategory.self)
            + pairs(CaseStage.self) + pairs(ClosureReason.self) + pairs(ScreeningCheckKind.self) + pairs(ScreeningOutcome.self)
            + pairs(ExclusionClause.self) + pairs(ExclusionStep.self) + pairs(ExclusionConclusion.self) + pairs(DecisionOutcome.self)
            + pairs(Relationship.self) + pairs(Whereabouts.self) + pairs(RiskLevel.self) + pairs(ReunificationStage.self)
            + pairs(EnrolmentStatus.self) + pairs(ApplicationStatus.self) + pairs(ContractType.self) + pairs(StoryElement.self)
            + TransitionName.allCases.map { ($0.rawValue, $0.title) } + AllocationFactorKind.allCases.map { ($0.rawValue, $0.title) }
        return Dictionary(all.filter { $0.0 != $0.1 }, uniquingKeysWith: { first, _ in first })
    }()

    /// Every field of the rich case, as a save that wrote it (one entry) and as one change
    /// alone with the record at hand: known, in words, with no raw path, bracket or raw value.
    func testEveryFieldOfACaseReadsInWords() throws {
        let record = try Self.richCase()
        let leaves = CaseDiff.flatten(record)
        let changes = leaves.keys.sorted().map { FieldChange(field: $0, before: nil, after: leaves[$0]) }
        let entry = AuditEntry(sequence: 2, at: Fixtures.now, user: "anna.k", caseID: record.id, version: CaseVersion(2), changes: changes)
        let wording = AuditWording(record: record)
        // An empty list is a leaf of the record's JSON but never a change of the trail (it is
        // told by its elements), so it needs no wording of its own.
        let unknown = changes.filter { $0.after != "[]" && AuditWording.caseField(wording.lookup(for: $0, in: entry)) == nil }.map(\.field)
        XCTAssertEqual(unknown, [], "fields of Case with no wording of their own: add them to CaseFieldWording")
        let described = wording.describe(entry) + changes.map { AuditWording.describe($0, in: record) }
        XCTAssertGreaterThan(described.count, 150)
        for change in described {
            let line = change.line
            XCTAssertFalse(line.contains("[") || line.contains("]"), line)
            for key in FieldPath(change.field).keys where key.contains(where: \.isUppercase) {
                XCTAssertFalse(change.label.contains(key), "\(change.field) → \(line)")
            }
            XCTAssertNil(change.label.range(of: "[a-z][A-Z]", options: .regularExpression), line)
            // Countries read as their codes, as on the screens (DE is also a driving category).
            for value in [change.before, change.after] where CountryCode(value) == nil || change.label.contains("category") {
                XCTAssertNil(Self.choiceTitles[value], "raw value \(value) where a title exists: \(line)")
            }
            XCTAssertFalse(line.contains("Signal") || line.contains("Gomel") || line.contains("Belarus") || line.contains(" BY"),
                           "a sensitive value leaked: \(line)")
        }
        XCTAssertEqual(described.filter(\.isWithheld).count, 18, "the mother's five sensitive fields and the brother's four, twice")
    }

    func line(_ field: String, _ before: String?, _ after: String?, in record: Case?) -> String {
        AuditWording.describe(FieldChange(field: field, before: before, after: after), in: record).line
    }

    func testRepresentativeFieldsReadAsTheScreensShowThem() throws {
        var record = try Self.richCase()
        XCTAssertEqual(line("family[0].documents[1].gathered", nil, "\"2026-11-03\"", in: record),
                       "Family · Ivanova Olga (mother) · document \"Birth certificate\" gathered: — → 2026-11-03")
        XCTAssertEqual(line("allocation.factors[0].contribution", "12", "18", in: record), "Allocation · factor Job fit points: 12 → 18")
        XCTAssertEqual(line("allocation.factors[1].contribution", "6.5", "8", in: record), "Allocation · factor Language points: 6.5 → 8")
        XCTAssertEqual(line("defector.consent.publicity", "false", "true", in: record),
                       "Person · Consent: may be considered for publicity: no → yes")
        XCTAssertEqual(line("screening[0].outcome", "\"pending\"", "\"cleared\"", in: record),
                       "Screening · Identity check outcome: Pending → Cleared")
        XCTAssertEqual(line("stage", "\"allocation\"", "\"relocation\"", in: record), "Case · Stage: Allocation → Relocation")
        XCTAssertEqual(line("defector.service.branch", "\"ground-forces\"", "\"airborne\"", in: record),
                       "Service · Branch: Ground Forces → Airborne Forces (VDV)")
        XCTAssertEqual(line("stageHistory[1].at", nil, "\"2026-11-24T10:00:00Z\"", in: record),
                       "Case · stage Screening entered at: — → 2026-11-24 10:00")
        XCTAssertEqual(line("assignedTo", "\"anna.k\"", "\"oleh.m\"", in: record), "Case · Assigned to: anna.k → oleh.m")
        XCTAssertEqual(line("defector.equipment[0].reward.minorUnits", "1000000", "1500000", in: record),
                       "Service · equipment Tank T-72B3 №214 reward: 10000.00 USD → 15000.00 USD")
        XCTAssertEqual(line("integration.placements[0].followUps[0].stillEmployed", "true", "false", in: record),
                       "Integration · job at \"Leeds Haulage\", follow-up at 3 months still employed: yes → no")
        XCTAssertEqual(line("publicity.review.verdict", nil, "\"returned\"", in: record), "Publicity · Review: — → Declined")
        XCTAssertEqual(line("notes[0].text", nil, "\"Wants to learn English.\\nAsked twice.\"", in: record),
                       "Notes · Note: — → Wants to learn English. ↵ Asked twice.")
        // Without the record, elements are named by their place; with a record that has
        // moved on, the save's own fields name them.
        XCTAssertEqual(line("allocation.factors[0].contribution", "12", "18", in: nil), "Allocation · factor 1 points: 12 → 18")
        XCTAssertEqual(line("family[0].documents[1].gathered", nil, "\"2026-11-03\"", in: nil),
                       "Family · member 1 · document 2 gathered: — → 2026-11-03")
        record.allocation = nil
        let save = AuditEntry(sequence: 3, at: Fixtures.now, user: "anna.k", caseID: record.id, version: CaseVersion(3), changes: [
            FieldChange(field: "allocation.factors[0].contribution", before: nil, after: "7"),
            FieldChange(field: "allocation.factors[0].name", before: nil, after: "\"preference\""),
        ])
        XCTAssertEqual(AuditWording(record: record).describe(save).map(\.line),
                       ["Allocation · factor Preference points: — → 7", "Allocation · factor: — → Preference"])
    }

    func testASumOfMoneyIsOneChangeInItsCurrency() throws {
        let record = try Self.richCase()
        let save = AuditEntry(sequence: 3, at: Fixtures.now, user: "anna.k", caseID: record.id, version: CaseVersion(3), changes: [
            FieldChange(field: "integration.placements[0].monthlyWage.currency", before: "\"GBP\"", after: "\"EUR\""),
            FieldChange(field: "integration.placements[0].monthlyWage.minorUnits", before: "210000", after: "245050"),
            FieldChange(field: "defector.equipment[0].reward.currency", before: nil, after: "\"USD\""),
            FieldChange(field: "defector.equipment[0].reward.minorUnits", before: nil, after: "1000000"),
        ])
        XCTAssertEqual(AuditWording(record: record).describe(save).map(\.line), [
            "Integration · job at \"Leeds Haulage\" monthly wage: 2100.00 GBP → 2450.50 EUR",
            "Service · equipment Tank T-72B3 №214 reward: — → 10000.00 USD",
        ])
    }

    /// The trail withholds where a family member is and how to reach them; the words never
    /// show it either, even from an entry that (from before the rule) held the value.
    func testSensitiveFamilyFieldsSayOnlyThatTheyChanged() throws {
        let record = try Self.richCase()
        XCTAssertEqual(line("family[0].contactChannel", CaseDiff.withheld, CaseDiff.withheld, in: record),
                       "Family · Ivanova Olga (mother) · contact channel: changed (not recorded)")
        let old = AuditWording.describe(FieldChange(field: "family[0].whereabouts", before: "\"russia\"", after: "\"belarus\""), in: record)
        XCTAssertTrue(old.isWithheld)
        XCTAssertEqual([old.before, old.after], ["not recorded", "not recorded"])
        XCTAssertEqual(old.line, "Family · Ivanova Olga (mother) · whereabouts: changed (not recorded)")
    }

    /// A member removed moves the ones after it up a place; the trail's ids say who a
    /// position meant at each save, so an old entry still names the right person (and a place
    /// a save emptied, the person who was there).
    func testFamilyMembersAreNamedAsTheyWereWhenTheEntryWasWritten() throws {
        var record = try Self.richCase()
        record.family[0].id = 2
        record.family[1].id = 3
        let registration = AuditEntry(sequence: 1, at: Fixtures.now, user: "anna.k", caseID: record.id, version: CaseVersion(1), changes: [
            FieldChange(field: CaseDiff.wholeCase, before: nil, after: #"{"family":[{"id":1},{"id":2},{"id":3}],"id":"HV-000001"}"#),
        ])
        let gathered = AuditEntry(sequence: 2, at: Fixtures.now, user: "anna.k", caseID: record.id, version: CaseVersion(2), changes: [
            FieldChange(field: "family[1].documents[1].gathered", before: nil, after: "\"2026-11-03\""),
        ])
        let removal = AuditEntry(sequence: 3, at: Fixtures.now, user: "anna.k", caseID: record.id, version: CaseVersion(3), changes: [
            FieldChange(field: "family[0].id", before: "1", after: "2"),
            FieldChange(field: "family[1].id", before: "2", after: "3"),
            FieldChange(field: "family[2].id", before: "3", after: nil),
        ])
        let risk = AuditEntry(sequence: 4, at: Fixtures.now, user: "anna.k", caseID: record.id, version: CaseVersion(4), changes: [
            FieldChange(field: "family[1].risk", before: "\"medium\"", after: "\"high\""),
        ])
        let wording = AuditWording(record: record, history: [registration, gathered, removal, risk])
        XCTAssertEqual(wording.describe(gathered).map(\.line),
                       ["Family · Ivanova Olga (mother) · document \"Birth certificate\" gathered: — → 2026-11-03"])
        XCTAssertEqual(wording.describe(risk).map(\.line), ["Family · Жуков Илья (brother) · risk: Medium → High"])
        XCTAssertEqual(wording.describe(removal).map(\.line), [
            "Family · Ivanova Olga (mother) · member number: 1 → 2",
            "Family · Жуков Илья (brother) · member number: 2 → 3",
            "Family · Жуков Илья (brother) · member number: 3 → —",
        ])
    }

    func testOtherRecordsAndUnknownFieldsReadAsWords() throws {
        let record = try Self.richCase()
        XCTAssertEqual(line("users.pieter.v.role", "\"supervisor\"", nil, in: nil), "Users · pieter.v role: Supervisor → —")
        XCTAssertEqual(line("countries.GB", nil, "United Kingdom; languages en; quota 8", in: nil),
                       "Host countries · GB: — → United Kingdom; languages en; quota 8")
        XCTAssertEqual(line("courses.gb-en-a2.targetLevel", "\"A2\"", "\"B1\"", in: nil), "Language courses · gb-en-a2 target level: A2 → B1")
        XCTAssertEqual(line("case", nil, "{}", in: nil), "Case · Registered the case")
        XCTAssertEqual(line("log", "\"2700000 bytes\"", "\"54000 bytes: the latest version of each of 20 cases\"", in: nil),
                       "Compaction · Case log: 2700000 bytes → 54000 bytes: the latest version of each of 20 cases")
        XCTAssertEqual(line("compactedThrough", nil, "1041", in: nil), "Compaction · Earlier versions kept in this trail up to entry: — → 1041")
        let at = Timestamp(secondsSinceEpoch: 0)
        XCTAssertEqual(AuditEntry(sequence: 9, at: at, user: "root", caseID: nil, subject: "compaction", version: CaseVersion(1), changes: []).reference,
                       "compaction", "an event of the store has no version")
        XCTAssertEqual(AuditEntry(sequence: 9, at: at, user: "root", caseID: nil, subject: "users", version: CaseVersion(9), changes: []).reference, "users v9")
        XCTAssertEqual(AuditEntry(sequence: 9, at: at, user: "root", caseID: CaseID(number: 1), version: CaseVersion(3), changes: []).reference, "HV-000001 v3")
        // Fields added to a case after the wording was written still read as words.
        XCTAssertEqual(line("relocation.pickupPoint", nil, "\"Leeds station\"", in: record), "Allocation · Pickup point: — → Leeds station")
        XCTAssertEqual(line("relocation.correctedOn", nil, "\"2026-11-24T10:00:00Z\"", in: record),
                       "Allocation · Corrected on: — → 2026-11-24 10:00")
        XCTAssertEqual(line("family[0].shoeSizes[1]", "41", "42", in: record), "Family · Ivanova Olga (mother) · shoe sizes 2: 41 → 42")
        XCTAssertEqual(line("integration.mentorIsNative", nil, "true", in: record), "Integration · Mentor is native: — → yes")
        XCTAssertEqual(line("correctionOf", nil, "\"HV-000002\"", in: record), "Case · Correction of: — → HV-000002")
    }

    /// From the walk: a withdrawal read as the returns kept removed and added again, a
    /// "Why not the runner-up: — → —", and never said "withdrawn". The History section
    /// (condensed) says so, naming the country, without the returns moved whole or the empty
    /// change; the audit trail's detail and exports still show every change.
    func testAWithdrawalReadsAsWithdrawnWithoutTheMovedReturnsOrEmptyChanges() throws {
        let anna = Fixtures.anna, now = Fixtures.now
        func planned(_ record: Case, _ code: String) -> PlannedAllocation {
            PlannedAllocation(caseID: record.id, country: CountryCode(code)!, factors: [], runnerUp: nil, runnerUpFactors: [],
                              runnerUpReason: "", groupedWith: [])
        }
        var record = try Fixtures.caseIn(.allocation)
        record = try Workflow.proposeAllocation(planned(record, "FR"), on: record, by: anna, at: now)
        record = try Workflow.returnAllocation(on: record, comment: "Жена в Берлине", by: Fixtures.maria, at: now)
        record = try Workflow.proposeAllocation(planned(record, "DE"), on: record, by: anna, at: now)
        let withdrawn = try Workflow.withdrawAllocation(on: record, by: anna, at: now)
        let changes = CaseDiff.changes(from: record, to: withdrawn)
        let entry = AuditEntry(sequence: 9, at: now, user: anna.user, caseID: record.id, version: CaseVersion(5), changes: changes)
        XCTAssertEqual(AuditWording(record: withdrawn).describe(entry, condensed: true).map(\.line), [
            "Allocation · Proposed country, withdrawn: DE → —",
            "Allocation · Proposed at: \(now.minuteText) → —",
            "Allocation · Proposed by: anna.k → —",
        ])
        // The auditor's detail: every change, the move and the empty one too.
        let full = AuditWording(record: withdrawn).describe(entry)
        XCTAssertEqual(full.count, changes.count)
        XCTAssertTrue(full.contains { $0.field.hasPrefix("returnedAllocations[0]") } && full.contains { $0.line.contains("— → —") })
        // The next proposal takes the returns back: also a move, also left out; the country is not "withdrawn".
        let again = try Workflow.proposeAllocation(planned(withdrawn, "NL"), on: withdrawn, by: anna, at: now)
        let back = AuditEntry(sequence: 10, at: now, user: anna.user, caseID: record.id, version: CaseVersion(6),
                              changes: CaseDiff.changes(from: withdrawn, to: again))
        let lines = AuditWording(record: again).describe(back, condensed: true).map(\.line)
        XCTAssertTrue(lines.contains("Allocation · Proposed country: — → NL"), "\(lines)")
        XCTAssertFalse(lines.contains { $0.contains("Returned before") || $0.contains("— → —") }, "\(lines)")
        // A return that only went, or that came back reading otherwise, is told whole.
        let gone = changes.filter { $0.field.hasPrefix("allocation.returnedBefore[0]") }
        XCTAssertEqual(gone.count, 6)
        let onlyGone = AuditEntry(sequence: 11, at: now, user: anna.user, caseID: record.id, version: CaseVersion(7), changes: gone)
        XCTAssertEqual(AuditWording(record: withdrawn).describe(onlyGone, condensed: true).count, 6)
        let otherComment = changes.map { change in
            change.field == "returnedAllocations[0].review.comment" ? FieldChange(field: change.field, before: nil, after: "\"Другое\"") : change
        }
        let differing = AuditEntry(sequence: 12, at: now, user: anna.user, caseID: record.id, version: CaseVersion(8), changes: otherComment)
        let told = AuditWording(record: withdrawn).describe(differing, condensed: true).map(\.line)
        XCTAssertEqual(told.filter { $0.contains("Returned before") }.count, 12, "\(told)")
    }
}
