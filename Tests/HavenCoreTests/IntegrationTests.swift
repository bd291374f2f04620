import HavenCore
import XCTest

final class IntegrationTests: XCTestCase {
    let now = Fixtures.now
    let anna = Fixtures.anna
    static let gb = CountryCode("GB")!, de = CountryCode("DE")!
    static let countries = [
        HostCountry(code: gb, name: "United Kingdom", languages: [LanguageCode("en")!]),
        HostCountry(code: de, name: "Germany", languages: [LanguageCode("de")!]),
    ]
    let catalogue = OccupationCatalogue(unitGroups: [], specialties: [
        MilitarySpecialty(code: "tank-driver-mechanic", name: "Tank driver-mechanic", russianName: "", occupations: [ISCOCode("8342")!, ISCOCode("7233")!]),
    ])

    func course(_ id: String = "en-leeds", capacity: Int = 2) -> LanguageCourse {
        LanguageCourse(id: id, provider: "Leeds College", language: LanguageCode("en")!, targetLevel: .b1, country: Self.gb,
                       city: "Leeds", schedule: "Mon-Fri 9-13", capacity: capacity)
    }

    /// Cases numbered `numbers`, in integration in GB, assigned to anna.
    func people(_ numbers: [Int]) throws -> [Case] {
        try numbers.map { number in
            var record = try Fixtures.caseIn(.integration)
            record.id = CaseID(number: number)
            return record
        }
    }

    // MARK: Waiting lists

    func testAFullCourseTakesNewCasesOnItsWaitingListInOrderAndAdmitsThemInThatOrder() throws {
        let store = InMemoryCaseStore(countries: Self.countries)
        _ = try store.changeCatalogue(CatalogueChange.add([course(capacity: 2)]), by: Fixtures.admin, at: now)
        var day = now
        for record in try people([1, 2, 3, 4]) {
            _ = try store.save(record, basedOn: nil, by: anna, at: now)
            let roster = CourseRoster(course: course(capacity: 2), summaries: store.summaries())
            day = Timestamp(secondsSinceEpoch: day.secondsSinceEpoch + 86_400)
            let enrolled = try Workflow.enrol(try store.load(record.id).record, in: course(), roster: roster, by: anna, at: day)
            _ = try store.save(enrolled, basedOn: CaseVersion(1), by: anna, at: day)
        }
        var roster = CourseRoster(course: course(), summaries: store.summaries())
        XCTAssertEqual(roster.enrolled.map(\.id.number), [1, 2])
        XCTAssertEqual(roster.waiting.map(\.id.number), [3, 4])
        XCTAssertTrue(roster.isFull)

        // Nobody is admitted while the course is full; a case cannot enrol twice.
        XCTAssertThrowsError(try Workflow.admit(try store.load(CaseID(number: 3)).record, to: roster, by: anna, at: day)) {
            XCTAssertTrue("\($0)".contains("no free seat"), "\($0)")
        }
        XCTAssertThrowsError(try Workflow.enrol(try store.load(CaseID(number: 3)).record, in: course(), roster: roster, by: anna, at: day)) {
            XCTAssertTrue("\($0)".contains("already on the waiting list"), "\($0)")
        }

        // Case 1 completes: a seat is free, and the first in line, not the second, gets it.
        let one = try store.load(CaseID(number: 1))
        _ = try store.save(try Workflow.leaveCourse(one.record, course: "en-leeds", as: .completed, by: anna, at: day),
                           basedOn: one.version, by: anna, at: day)
        roster = CourseRoster(course: course(), summaries: store.summaries())
        XCTAssertEqual(roster.freeSeats, 1)
        XCTAssertThrowsError(try Workflow.admit(try store.load(CaseID(number: 4)).record, to: roster, by: anna, at: day)) {
            XCTAssertTrue("\($0)".contains("1 case is ahead of"), "\($0)")
        }
        // A newcomer does not jump the queue either.
        let five = try people([5])[0]
        _ = try store.save(five, basedOn: nil, by: anna, at: day)
        let late = try Workflow.enrol(five, in: course(), roster: roster, by: anna, at: day)
        XCTAssertEqual(late.integration.enrolments.last?.status, .waiting)

        let three = try store.load(CaseID(number: 3))
        _ = try store.save(try Workflow.admit(three.record, to: roster, by: anna, at: day), basedOn: three.version, by: anna, at: day)
        roster = CourseRoster(course: course(), summaries: store.summaries())
        XCTAssertEqual(roster.enrolled.map(\.id.number), [2, 3])
        XCTAssertEqual(roster.waiting.map(\.id.number), [4])

        // The store has the last word: a seat taken behind the session's back is refused.
        let four = try store.load(CaseID(number: 4))
        var pushed = four.record
        pushed.integration.enrolments[0].status = .enrolled
        XCTAssertThrowsError(try store.save(pushed, basedOn: four.version, by: anna, at: day)) {
            XCTAssertEqual($0 as? StoreError, .capacity(.courseFull("en-leeds", capacity: 2)))
        }
    }

    func testHoursAndAssessmentsShowProgressFromTheFirstLevelToTheLatest() throws {
        var record = try people([1])[0]
        record = try Workflow.enrol(record, in: course(), roster: CourseRoster(course: course(), summaries: []), by: anna, at: now)
        record = try Workflow.recordHours(12, in: "en-leeds", on: record, by: anna, at: now)
        record = try Workflow.recordHours(8, in: "en-leeds", on: record, by: anna, at: now)
        XCTAssertEqual(record.integration.enrolments[0].hoursAttended, 20)
        XCTAssertThrowsError(try Workflow.recordHours(0, in: "en-leeds", on: record, by: anna, at: now))
        let en = LanguageCode("en")!
        for (day, level) in [(Fixtures.today, CEFRLevel.a2), (Fixtures.today, .b1)] {
            record = try Workflow.recordAssessment(LanguageAssessment(language: en, level: level, assessedOn: day, assessor: "forged"),
                                                   on: record, by: anna, at: now)
        }
        XCTAssertEqual(record.integration.assessments.map(\.assessor), ["anna.k", "anna.k"])
        XCTAssertEqual(record.integration.progress, [LevelProgress(language: en, first: .a2, latest: .b1, latestOn: Fixtures.today, assessments: 2)])
        XCTAssertThrowsError(try Workflow.recordAssessment(LanguageAssessment(language: en, level: .c1, assessedOn: Fixtures.today.adding(days: 1)),
                                                           on: record, by: anna, at: now)) {
            XCTAssertTrue("\($0)".contains("in the future"))
        }
        // The summary's level is the latest assessment, above what was declared (en A2).
        XCTAssertEqual(IntegrationSummary(record: record).level(in: en), .b1)
        XCTAssertEqual(IntegrationSummary(record: record).level(in: LanguageCode("ru")!), .c2)
    }

    // MARK: Follow-ups

    func testFollowUpsFallDueAtThreeSixAndTwelveMonthsAndAreOverdueAfterTheGrace() throws {
        let start = CalendarDate(year: 2026, month: 11, day: 30)!
        var record = try people([1])[0]
        record = try Workflow.place(JobPlacement(employer: "Yorkshire Haulage", occupation: ISCOCode("8332"), startDate: start,
                                                 monthlyWage: Money(minorUnits: 240_000, currency: "GBP"), contract: .permanent),
                                    on: record, by: anna, at: now)
        let due = try XCTUnwrap(record.integration.placements[0].nextFollowUp)
        XCTAssertEqual(due.months, 3)
        // 30 November + 3 months is the last day of February.
        XCTAssertEqual(due.due, CalendarDate(year: 2027, month: 2, day: 28))
        XCTAssertEqual(FollowUpState(due: due.due, today: CalendarDate(year: 2027, month: 2, day: 27)!), .upcoming)
        XCTAssertEqual(FollowUpState(due: due.due, today: due.due), .due)
        XCTAssertEqual(FollowUpState(due: due.due, today: due.due.adding(days: FollowUp.graceDays)), .due)
        XCTAssertEqual(FollowUpState(due: due.due, today: due.due.adding(days: FollowUp.graceDays + 1)), .overdue)

        // Too early, the wrong one, or a future date are refused.
        let march = Timestamp(date: CalendarDate(year: 2027, month: 3, day: 2)!, hour: 9)
        XCTAssertThrowsError(try Workflow.recordFollowUp(FollowUp(monthsAfterStart: 6, doneOn: march.date, stillEmployed: true), on: record, by: anna, at: march))
        XCTAssertThrowsError(try Workflow.recordFollowUp(FollowUp(monthsAfterStart: 3, doneOn: CalendarDate(year: 2027, month: 1, day: 2)!, stillEmployed: true),
                                                         on: record, by: anna, at: march)) { XCTAssertTrue("\($0)".contains("can be recorded from 2027-02-14"), "\($0)") }
        record = try Workflow.recordFollowUp(FollowUp(monthsAfterStart: 3, doneOn: march.date, stillEmployed: true), on: record, by: anna, at: march)
        XCTAssertEqual(record.integration.placements[0].nextFollowUp?.months, 6)
        XCTAssertEqual(record.integration.placements[0].nextFollowUp?.due, CalendarDate(year: 2027, month: 5, day: 30))
        XCTAssertEqual(EmploymentSummary(record.integration.placements[0]).followUpDue, CalendarDate(year: 2027, month: 5, day: 30))

        // A follow-up that finds the job gone ends it (with the reason); nothing more falls due.
        let june = Timestamp(date: CalendarDate(year: 2027, month: 6, day: 1)!, hour: 9)
        XCTAssertThrowsError(try Workflow.recordFollowUp(FollowUp(monthsAfterStart: 6, doneOn: june.date, stillEmployed: false), on: record, by: anna, at: june))
        record = try Workflow.recordFollowUp(FollowUp(monthsAfterStart: 6, doneOn: june.date, stillEmployed: false, notes: "Contract not renewed"),
                                             on: record, by: anna, at: june)
        XCTAssertEqual(record.integration.placements[0].endDate, june.date)
        XCTAssertNil(record.integration.placements[0].nextFollowUp)
        XCTAssertFalse(IntegrationSummary(record: record).isEmployed(on: june.date))
        XCTAssertTrue(IntegrationSummary(record: record).isEmployed(on: june.date.adding(days: -1)))
    }

    func testAPlacementNeedsAnEmployerAndEndsNoOtherJobSilently() throws {
        var record = try people([1])[0]
        XCTAssertThrowsError(try Workflow.place(JobPlacement(employer: " ", startDate: Fixtures.today, contract: .permanent), on: record, by: anna, at: now)) {
            guard case let WorkflowError.invalid(issues) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(issues.map(\.field), ["employer"])
        }
        record = try Workflow.place(JobPlacement(employer: "A", startDate: Fixtures.today, contract: .permanent), on: record, by: anna, at: now)
        XCTAssertThrowsError(try Workflow.place(JobPlacement(employer: "B", startDate: Fixtures.today, contract: .permanent), on: record, by: anna, at: now)) {
            XCTAssertTrue("\($0)".contains("still works for A"), "\($0)")
        }
        // Not before the case has a country; not by an auditor.
        XCTAssertThrowsError(try Workflow.enrol(try Fixtures.caseIn(.allocation), in: course(), roster: CourseRoster(course: course(), summaries: []), by: anna, at: now))
        XCTAssertThrowsError(try Workflow.recordHours(1, in: "x", on: record, by: Fixtures.auditor, at: now)) {
            guard case WorkflowError.notPermitted(.recordIntegration, _) = $0 else { return XCTFail("\($0)") }
        }
    }

    /// A job held at its last follow-up stayed open with nothing left to record, so no new
    /// job could be (a walk): its end is recorded on its own, with why, on any day from its
    /// start or its last follow-up, and a new job can then be recorded.
    func testAJobHeldAtItsLastFollowUpCanBeEndedAndANewOneRecorded() throws {
        let start = CalendarDate(year: 2026, month: 11, day: 30)!
        var record = try people([1])[0]
        record = try Workflow.place(JobPlacement(employer: "Yorkshire Haulage", startDate: start, contract: .permanent), on: record, by: anna, at: now)
        for months in FollowUp.schedule {
            let day = start.adding(months: months)
            record = try Workflow.recordFollowUp(FollowUp(monthsAfterStart: months, doneOn: day, stillEmployed: true), on: record, by: anna,
                                                 at: Timestamp(date: day, hour: 9))
        }
        XCTAssertNil(record.integration.placements[0].nextFollowUp, "every follow-up is recorded")
        XCTAssertNotNil(record.integration.openPlacement, "and the job is still held")
        let later = Timestamp(date: start.adding(months: 15), hour: 9)
        XCTAssertThrowsError(try Workflow.place(JobPlacement(employer: "Leeds Logistics", startDate: later.date, contract: .fixedTerm),
                                                on: record, by: anna, at: later)) {
            XCTAssertTrue("\($0)".contains("record the end of that job first"), "\($0)")
        }
        // Refused: no reason, before the last follow-up that found him employed, in the future.
        let twelve = start.adding(months: 12)
        XCTAssertThrowsError(try Workflow.endPlacement(on: later.date, why: "  ", on: record, by: anna, at: later)) {
            guard case let WorkflowError.invalid(issues) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(issues.map(\.field), ["why"])
        }
        XCTAssertThrowsError(try Workflow.endPlacement(on: twelve.adding(days: -1), why: "Left", on: record, by: anna, at: later)) {
            XCTAssertTrue("\($0)".contains("found him still employed"), "\($0)")
        }
        XCTAssertThrowsError(try Workflow.endPlacement(on: later.date.adding(days: 1), why: "Left", on: record, by: anna, at: later)) {
            XCTAssertTrue("\($0)".contains("in the future"), "\($0)")
        }
        XCTAssertThrowsError(try Workflow.endPlacement(on: later.date, why: "Left", on: record, by: Fixtures.auditor, at: later))
        let ended = later.date.adding(days: -10)
        record = try Workflow.endPlacement(on: ended, why: " Moved to Leeds ", on: record, by: anna, at: later)
        XCTAssertEqual(record.integration.placements[0].endDate, ended)
        XCTAssertEqual(record.integration.placements[0].endNotes, "Moved to Leeds")
        XCTAssertNil(record.integration.openPlacement)
        XCTAssertFalse(IntegrationSummary(record: record).isEmployed(on: ended))
        XCTAssertThrowsError(try Workflow.endPlacement(on: later.date, why: "Again", on: record, by: anna, at: later)) {
            XCTAssertTrue("\($0)".contains("no job open"), "\($0)")
        }
        record = try Workflow.place(JobPlacement(employer: "Leeds Logistics", startDate: later.date, contract: .fixedTerm), on: record, by: anna, at: later)
        XCTAssertEqual(record.integration.placements.map(\.employer), ["Yorkshire Haulage", "Leeds Logistics"])
        XCTAssertNil(record.integration.placements[1].endNotes)

        // Corrected: the reopening is refused while the new job is open; the date and reason can change;
        // a follow-up correction keeps the end (and cannot say it ended there instead).
        XCTAssertThrowsError(try Workflow.correctPlacementEnd(job: 0, on: nil, why: "", on: record, by: anna, at: later)) {
            XCTAssertTrue("\($0)".contains("A later job, at Leeds Logistics, is recorded"), "\($0)")
        }
        record = try Workflow.correctPlacementEnd(job: 0, on: ended.adding(days: 2), why: "Moved to Leeds for his family", on: record, by: anna, at: later)
        XCTAssertEqual(record.integration.placements[0].endDate, ended.adding(days: 2))
        XCTAssertEqual(record.integration.placements[0].endNotes, "Moved to Leeds for his family")
        record = try Workflow.correctFollowUp(job: 0, months: 12, to: FollowUp(monthsAfterStart: 12, doneOn: twelve, stillEmployed: true, notes: "Fine"),
                                              on: record, by: anna, at: later)
        XCTAssertEqual(record.integration.placements[0].endDate, ended.adding(days: 2), "a follow-up corrected keeps the end recorded on its own")
        XCTAssertThrowsError(try Workflow.correctFollowUp(job: 0, months: 12, to: FollowUp(monthsAfterStart: 12, doneOn: twelve, stillEmployed: false, notes: "x"),
                                                          on: record, by: anna, at: later)) {
            XCTAssertTrue("\($0)".contains("correct that instead"), "\($0)")
        }
        // A job ended by mistake, with no other job open, is reopened as held.
        var mistaken = try people([2])[0]
        let recent = later.date.adding(days: -10)
        mistaken = try Workflow.place(JobPlacement(employer: "A", startDate: recent, contract: .permanent), on: mistaken, by: anna, at: later)
        mistaken = try Workflow.endPlacement(on: later.date, why: "Wrong case", on: mistaken, by: anna, at: later)
        XCTAssertThrowsError(try Workflow.correctPlacement(at: 0, to: JobPlacement(employer: "A", startDate: later.date.adding(days: 5), contract: .permanent),
                                                           on: mistaken, by: anna, at: later)) {
            XCTAssertTrue("\($0)".contains("after the job ended"), "\($0)")
        }
        let corrected = try Workflow.correctPlacement(at: 0, to: JobPlacement(employer: "A GmbH", startDate: recent, contract: .permanent),
                                                      on: mistaken, by: anna, at: later)
        XCTAssertEqual(corrected.integration.placements[0].endNotes, "Wrong case", "correcting the job keeps its end")
        mistaken = try Workflow.correctPlacementEnd(job: 0, on: nil, why: "", on: mistaken, by: anna, at: later)
        XCTAssertNil(mistaken.integration.placements[0].endDate)
        XCTAssertNil(mistaken.integration.placements[0].endNotes)
        XCTAssertEqual(mistaken.integration.openPlacement?.nextFollowUp?.months, 3, "its follow-ups are asked for again")
    }

    /// The job's end keeps the follow-ups owed and the order of jobs: a follow-up due by the
    /// end is recorded first; no end before the start unless the job never started; no end
    /// after a later job's start; only the latest job is held again; a correction of a
    /// follow-up never moves an end recorded on its own, nor dates itself after it.
    func testAJobsEndKeepsTheFollowUpsOwedAndTheOrderOfJobs() throws {
        let start = CalendarDate(year: 2026, month: 11, day: 30)!
        var record = try people([1])[0]
        record = try Workflow.place(JobPlacement(employer: "A", startDate: start, contract: .permanent), on: record, by: anna, at: now)
        let july = Timestamp(date: start.adding(months: 7), hour: 9)
        XCTAssertThrowsError(try Workflow.endPlacement(on: july.date, why: "Left", on: record, by: anna, at: july)) {
            XCTAssertTrue("\($0)".contains("The 3-month follow-up was due 2027-02-28, before this end: record it first"), "\($0)")
        }
        XCTAssertThrowsError(try Workflow.endPlacement(on: start.adding(days: -1), why: "Left", on: record, by: anna, at: july)) {
            XCTAssertTrue("\($0)".contains("before the job at A started"), "\($0)")
        }
        let february = Timestamp(date: start.adding(months: 2), hour: 9)
        var early = try Workflow.endPlacement(on: february.date, why: "Left in the second month", on: record, by: anna, at: february)
        XCTAssertNil(early.integration.placements[0].nextFollowUp, "none was due by then")
        XCTAssertTrue(early.integration.placements[0].endedOnItsOwn)
        // A correction moving the end past a follow-up's due date asks for it first.
        XCTAssertThrowsError(try Workflow.correctPlacementEnd(job: 0, on: july.date, why: "Left", on: early, by: anna, at: july)) {
            XCTAssertTrue("\($0)".contains("record it first"), "\($0)")
        }
        XCTAssertThrowsError(try Workflow.correctPlacementEnd(job: 0, on: july.date.adding(days: 1), why: "Left", on: early, by: anna, at: july)) {
            XCTAssertTrue("\($0)".contains("in the future"), "\($0)")
        }
        // One job at a time: none starts before the last ended.
        XCTAssertThrowsError(try Workflow.place(JobPlacement(employer: "B0", startDate: start.adding(months: 1), contract: .permanent), on: early, by: anna, at: july)) {
            XCTAssertTrue("\($0)".contains("The job at A ended 2027-01-30; this one starts on or after that."), "\($0)")
        }
        // A later job: the earlier one may not end after it started, nor be held again.
        early = try Workflow.place(JobPlacement(employer: "B", startDate: start.adding(months: 3), contract: .permanent), on: early, by: anna, at: july)
        XCTAssertThrowsError(try Workflow.correctPlacementEnd(job: 0, on: start.adding(months: 4), why: "Left", on: early, by: anna, at: july))
        XCTAssertThrowsError(try Workflow.correctPlacementEnd(job: 0, on: nil, why: "", on: early, by: anna, at: july)) {
            XCTAssertTrue("\($0)".contains("A later job, at B, is recorded"), "\($0)")
        }
        early = try Workflow.recordFollowUp(FollowUp(monthsAfterStart: 3, doneOn: start.adding(months: 6), stillEmployed: false, notes: "Gone"),
                                            on: early, by: anna, at: july)
        XCTAssertFalse(early.integration.placements[1].endedOnItsOwn, "a follow-up ended it")
        XCTAssertThrowsError(try Workflow.correctPlacementEnd(job: 1, on: july.date, why: "x", on: early, by: anna, at: july), "only an end recorded on its own")

        // A job that never started ends before its start.
        var never = try people([2])[0]
        never = try Workflow.place(JobPlacement(employer: "C", startDate: now.date.adding(days: 30), contract: .permanent), on: never, by: anna, at: now)
        never = try Workflow.endPlacement(on: now.date, why: "The offer fell through", on: never, by: anna, at: now)
        XCTAssertEqual(never.integration.placements[0].endDate, now.date)
        XCTAssertFalse(IntegrationSummary(record: never).isEmployed(on: now.date.adding(days: 31)))

        // A follow-up corrected after an end on its own: its date may not pass the end, and the
        // end stays whatever the reason field holds (an older build could drop it).
        var held = try people([3])[0]
        held = try Workflow.place(JobPlacement(employer: "D", startDate: start, contract: .permanent), on: held, by: anna, at: now)
        let may = Timestamp(date: start.adding(months: 5), hour: 9)
        held = try Workflow.recordFollowUp(FollowUp(monthsAfterStart: 3, doneOn: start.adding(months: 3), stillEmployed: true), on: held, by: anna, at: may)
        held = try Workflow.endPlacement(on: start.adding(months: 4), why: "Left", on: held, by: anna, at: may)
        XCTAssertThrowsError(try Workflow.correctFollowUp(job: 0, months: 3, to: FollowUp(monthsAfterStart: 3, doneOn: start.adding(months: 4).adding(days: 1), stillEmployed: true),
                                                          on: held, by: anna, at: may)) {
            XCTAssertTrue("\($0)".contains("after the job ended"), "\($0)")
        }
        held.integration.placements[0].endNotes = nil
        held = try Workflow.correctFollowUp(job: 0, months: 3, to: FollowUp(monthsAfterStart: 3, doneOn: start.adding(months: 3), stillEmployed: true, notes: "Good"),
                                            on: held, by: anna, at: may)
        XCTAssertEqual(held.integration.placements[0].endDate, start.adding(months: 4), "the end stays")
    }

    // MARK: Matching

    func opening(_ id: String, isco: String, languages: String, country: CountryCode = gb, places: Int = 2) -> JobOpening {
        guard case let .success(requirements) = LanguageRequirement.parse(languages) else { fatalError(languages) }
        return JobOpening(id: id, employer: "Employer \(id)", country: country, city: "Leeds", occupation: ISCOCode(isco)!,
                          languages: requirements, startDate: Fixtures.today, places: places)
    }

    func testOpeningsForACaseAreRankedByCountryLanguageThenOccupationWithReasons() throws {
        var record = try people([1])[0]  // en A2 declared, 7233 recorded, GB
        record.defector.skills.append(Skill(occupation: ISCOCode("8332"), description: "Lorry driver"))
        let summary = CaseSummary(record: record, version: CaseVersion(1))
        let profile = MatchProfile(summary: summary, occupations: catalogue, today: Fixtures.today)
        let openings = [
            opening("exact-short", isco: "8332", languages: "en:B1"),
            opening("related-met", isco: "7231", languages: "en:A2"),
            opening("exact-met", isco: "8332", languages: "en:A1"),
            opening("abroad", isco: "8332", languages: "", country: Self.de),
            opening("nothing", isco: "2221", languages: "en:C1"),
            opening("full", isco: "8332", languages: "", places: 1),
        ]
        let use = CatalogueUse(taken: ["full": 1])
        let ranked = JobMatching.openings(for: profile, in: openings, use: use)
        XCTAssertEqual(ranked.map(\.opening.id), ["exact-met", "related-met", "exact-short", "nothing", "abroad", "full"])
        XCTAssertEqual(ranked[0].reasons, ["in GB, where the case is allocated", "en A2 meets A1", "occupation 8332 matches"])
        XCTAssertEqual(ranked[1].reasons, ["in GB, where the case is allocated", "en A2 meets A2", "related occupation 7233 (group 723)"])
        XCTAssertEqual(ranked[2].reasons, ["in GB, where the case is allocated", "en A2, short by 1 level of B1", "occupation 8332 matches"])
        XCTAssertEqual(ranked[3].reasons, ["in GB, where the case is allocated", "en A2, short by 3 levels of C1",
                                           "no related occupation (has 7233, 8332)"])
        XCTAssertEqual(ranked[4].reasons, ["in DE; the case is allocated to GB", "no language required", "occupation 8332 matches"])
        XCTAssertEqual(ranked[5].reasons.first, "no place left (1 filled)")
        XCTAssertEqual(ranked[3].languageShortfall, 3)
    }

    func testCandidatesForAnOpeningAreTheCountrysJobSeekersRankedTheSameWay() throws {
        var records = try people([1, 2, 3, 4, 5])
        // 1: specialty only (8342, 7233 suggested); 2: lorry driver with en B2; 3: lorry driver, no English;
        // 4: employed already; 5: in Germany.
        records[0].defector.skills = []
        records[1].defector.skills = [Skill(occupation: ISCOCode("8332"), description: "")]
        records[1].defector.languages.append(LanguageSkill(language: LanguageCode("en")!, level: .b2))
        records[2].defector.skills = [Skill(occupation: ISCOCode("8332"), description: "")]
        records[2].defector.languages = [LanguageSkill(language: LanguageCode("ru")!, level: .c2, isNative: true)]
        records[3] = try Workflow.place(JobPlacement(employer: "X", startDate: Fixtures.today, contract: .permanent), on: records[3], by: anna, at: now)
        records[4].allocation?.country = Self.de
        let summaries = records.map { CaseSummary(record: $0, version: CaseVersion(1)) }
        let candidates = JobMatching.candidates(for: opening("drive", isco: "8332", languages: "en:B1"), summaries: summaries,
                                                occupations: catalogue, use: CatalogueUse(), today: Fixtures.today)
        XCTAssertEqual(candidates.map(\.profile.id.number), [2, 3, 1])
        XCTAssertEqual(candidates[0].reasons.dropFirst(), ["en B2 meets B1", "occupation 8332 matches"])
        XCTAssertEqual(candidates[1].reasons.dropFirst(), ["no en, short by 3 levels of B1", "occupation 8332 matches"])
        // The specialty stands in for skills not yet recorded.
        XCTAssertEqual(candidates[2].reasons.last, "related occupation 8342 (group 83)")
    }

    // MARK: Catalogue and CSV

    func testCatalogueChangesAreCheckedAndAudited() throws {
        let store = InMemoryCaseStore(countries: Self.countries)
        XCTAssertThrowsError(try store.changeCatalogue(CatalogueChange.add([course()]), by: anna, at: now)) {
            XCTAssertTrue("\($0)".contains("cannot change language courses"), "\($0)")
        }
        var bad = course()
        bad.country = CountryCode("FR")!
        XCTAssertThrowsError(try store.changeCatalogue(CatalogueChange.add([bad]), by: Fixtures.admin, at: now)) {
            XCTAssertTrue("\($0)".contains("FR is not one of the host countries"), "\($0)")
        }
        _ = try store.changeCatalogue(CatalogueChange.add([course(capacity: 2)]), by: Fixtures.admin, at: now)
        XCTAssertThrowsError(try store.changeCatalogue(CatalogueChange.add([course()]), by: Fixtures.admin, at: now)) {
            XCTAssertTrue("\($0)".contains("There is already a course en-leeds"), "\($0)")
        }
        let record = try Workflow.enrol(try people([1])[0], in: course(), roster: CourseRoster(course: course(), summaries: []), by: anna, at: now)
        _ = try store.save(record, basedOn: nil, by: anna, at: now)
        XCTAssertThrowsError(try store.changeCatalogue(CatalogueChange.update(course(capacity: 0)), by: Fixtures.admin, at: now))
        XCTAssertThrowsError(try store.changeCatalogue(CatalogueChange<LanguageCourse>.remove("en-leeds"), by: Fixtures.admin, at: now)) {
            XCTAssertTrue("\($0)".contains("1 case is on it"), "\($0)")
        }
        _ = try store.changeCatalogue(CatalogueChange.update(course(capacity: 1)), by: Fixtures.admin, at: now)
        XCTAssertEqual(store.catalogue(of: LanguageCourse.self).map(\.capacity), [1])
        let trail = store.auditTrail(matching: AuditFilter(), limit: 10).filter { $0.subject == "courses" }
        XCTAssertEqual(trail.count, 2)
        XCTAssertEqual(trail.first?.changes, [FieldChange(field: "courses.en-leeds.capacity", before: "2", after: "1")])
    }

    func testOpeningsCSVReportsEveryBadRowWithItsLineAndFieldAndImportsNothing() {
        let text = "\u{FEFF}id,employer,country,city,isco,languages,start_date,places\r\n"
            + "leeds-1,Yorkshire Haulage,GB,Leeds,8332,en:B1,2027-01-04,3\r\n"
            + "leeds-2,\"Smith, Jones & Co\",gb,Leeds,7233,\"en:A2; de:A1\",2027-02-01,1\r\n"
            + "bad-1,Acme,XX,Leeds,833,en:Z9,2027-13-01,many\r\n"
            + "leeds-1,Again,GB,Leeds,8332,,2027-01-04,1\r\n"
            + "short,row\r\n"
            + ",Nobody,DE,Berlin,8332,,2027-01-04,0\r\n"
        let (openings, problems) = OpeningsCSV.parse(text, countries: Self.countries)
        XCTAssertEqual(openings, [])
        XCTAssertEqual(problems.map { "\($0.line) \($0.field)" }, [
            "4 country", "4 isco", "4 languages", "4 start_date", "4 places",
            "5 id",
            "6 row",
            "7 id", "7 places",
        ])
        XCTAssertEqual(problems[5].message, "leeds-1 is also on line 2")
        XCTAssertEqual(problems[0].message, "XX is not one of the host countries")
        XCTAssertTrue(problems[2].message.contains("'en:Z9' is not a language and level"), problems[2].message)

        let good = text.split(separator: "\r\n").prefix(3).joined(separator: "\r\n")
        let parsed = OpeningsCSV.parse(good, countries: Self.countries)
        XCTAssertEqual(parsed.problems, [])
        XCTAssertEqual(parsed.openings.map(\.id), ["leeds-1", "leeds-2"])
        XCTAssertEqual(parsed.openings[1].employer, "Smith, Jones & Co")
        XCTAssertEqual(parsed.openings[1].languages.map(\.description), ["en:A2", "de:A1"])
        // An id the store already has is a problem too, as is a header that is not the one expected.
        XCTAssertEqual(OpeningsCSV.parse(good, countries: Self.countries, existing: [parsed.openings[0]]).problems.map(\.description),
                       ["line 2, id: leeds-1 is already an opening in the store"])
        XCTAssertEqual(OpeningsCSV.parse("id,employer\n", countries: Self.countries).problems.first?.field, "header")
        XCTAssertEqual(OpeningsCSV.parse("id,employer,country,city,isco,languages,start_date,places\n\"open", countries: Self.countries).problems.map(\.description),
                       ["line 2, file: a quoted field is never closed"])
    }

    // MARK: Outcomes

    func testOutcomesCountEmploymentByCountryAndMonthsSinceArrivalAndLevelsReached() throws {
        let today = CalendarDate(year: 2027, month: 6, day: 1)!
        func summary(_ n: Int, country: CountryCode, arrived: CalendarDate, employedFrom: CalendarDate? = nil, endedOn: CalendarDate? = nil,
                     progress: [LevelProgress] = []) -> CaseSummary {
            CaseSummary(id: CaseID(number: n), cyrillicName: "", latinName: "", stage: .integration, stageEnteredAt: now, assignedTo: nil,
                        country: country, version: CaseVersion(1),
                        integration: IntegrationSummary(arrivedOn: arrived, progress: progress,
                                                        employment: employedFrom.map { EmploymentSummary(startedOn: $0, endedOn: endedOn) }))
        }
        let en = LanguageCode("en")!, de = LanguageCode("de")!
        let summaries = [
            summary(1, country: Self.gb, arrived: today.adding(months: -1), employedFrom: today.adding(days: -3),
                    progress: [LevelProgress(language: en, first: .a2, latest: .b1, latestOn: today, assessments: 2)]),
            summary(2, country: Self.gb, arrived: today.adding(months: -4)),
            summary(3, country: Self.gb, arrived: today.adding(months: -13), employedFrom: today.adding(months: -6), endedOn: today.adding(days: -1),
                    progress: [LevelProgress(language: en, first: .b1, latest: .b1, latestOn: today, assessments: 3)]),
            summary(4, country: Self.de, arrived: today.adding(months: -7), employedFrom: today.adding(months: -2),
                    // Assessed in English later, but German is Germany's language: B2 counts.
                    progress: [LevelProgress(language: de, first: .a1, latest: .b2, latestOn: today.adding(days: -9), assessments: 4),
                               LevelProgress(language: en, first: .c1, latest: .c1, latestOn: today, assessments: 1)]),
            summary(5, country: Self.de, arrived: today.adding(days: 1), employedFrom: today),
        ]
        let outcomes = IntegrationOutcomes(summaries: summaries, countries: Self.countries, today: today)
        XCTAssertEqual(outcomes.byCountry.map { "\($0.label) \($0.count)/\($0.total) \($0.percent)%" },
                       ["DE Germany 1/1 100%", "GB United Kingdom 1/3 33%"])
        XCTAssertEqual(outcomes.byMonths.map { "\($0.label) \($0.count)/\($0.total)" },
                       ["0–2 months 1/1", "3–5 months 0/1", "6–11 months 1/1", "12–23 months 0/1", "24+ months 0/0"])
        XCTAssertEqual(outcomes.levels.map(\.count), [0, 0, 2, 1, 0, 0])
        XCTAssertEqual(outcomes.improved.count, 2)
        XCTAssertEqual(outcomes.improved.total, 3)
        XCTAssertEqual(outcomes.employed.percent, 50)
        XCTAssertEqual(Rate(label: "", count: 2, total: 3).percent, 67)
        XCTAssertEqual(Rate(label: "", count: 0, total: 0).percent, 0)
    }

    func testMonthsAndDatesAddUpAcrossMonthEnds() {
        let jan31 = CalendarDate(year: 2028, month: 1, day: 31)!
        XCTAssertEqual(jan31.adding(months: 1), CalendarDate(year: 2028, month: 2, day: 29))
        XCTAssertEqual(jan31.adding(months: 12), CalendarDate(year: 2029, month: 1, day: 31))
        XCTAssertEqual(jan31.adding(months: -2), CalendarDate(year: 2027, month: 11, day: 30))
        XCTAssertEqual(jan31.months(until: CalendarDate(year: 2028, month: 2, day: 29)!), 1)
        XCTAssertEqual(jan31.months(until: CalendarDate(year: 2028, month: 3, day: 30)!), 1)
        XCTAssertEqual(jan31.months(until: CalendarDate(year: 2028, month: 3, day: 31)!), 2)
        XCTAssertEqual(DrivingCategory.parse("c, b;CE"), .success([.b, .c, .ce]))
        // Amounts are read exactly, in minor units.
        XCTAssertEqual(Money(parsing: "2,450.5 eur"), Money(minorUnits: 245_050, currency: "EUR"))
        XCTAssertEqual(Money(parsing: "10000 USD"), Money(minorUnits: 1_000_000, currency: "USD"))
        XCTAssertEqual(Money(parsing: "0.07", defaultCurrency: "GBP"), Money(minorUnits: 7, currency: "GBP"))
        // The euro's and pound's signs, before or after, attached or not (a walk's "2 450,50 €").
        XCTAssertEqual(Money(parsing: "2 450,50 €", defaultCurrency: "PLN"), Money(minorUnits: 245_050, currency: "EUR"))
        XCTAssertEqual(Money(parsing: "€2450"), Money(minorUnits: 245_000, currency: "EUR"))
        XCTAssertEqual(Money(parsing: "£ 1,200.00"), Money(minorUnits: 120_000, currency: "GBP"))
        XCTAssertNil(Money(parsing: "$2450"), "a dollar sign names no one currency")
        XCTAssertEqual(Money(parsing: Money(minorUnits: 1_000_000, currency: "USD").description), Money(minorUnits: 1_000_000, currency: "USD"))
        for bad in ["2450.555 EUR", "-5 EUR", "12 EU", "12", "1.2.3 EUR", "abc EUR", ". EUR"] { XCTAssertNil(Money(parsing: bad), bad) }
        XCTAssertEqual(DrivingCategory.parse("B X"), .failure(DrivingCategory.ParseFailure(text: "X")))
    }
}
