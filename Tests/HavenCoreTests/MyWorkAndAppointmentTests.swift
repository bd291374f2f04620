import Foundation
@testable import HavenCore
import XCTest

/// Appointments (booked, moved, recorded, missing per stage), the attention summary, My work's
/// lines and order, the server's time zone, double bookings and the iCalendar file.
final class MyWorkAndAppointmentTests: XCTestCase {
    let now = Fixtures.now
    let users = UserDirectory(users: [
        UserAccount(name: "anna.k", role: .caseworker, addedBy: "root", addedAt: Fixtures.now),
        UserAccount(name: "oleh.m", role: .caseworker, addedBy: "root", addedAt: Fixtures.now),
        UserAccount(name: "maria.s", role: .supervisor, addedBy: "root", addedAt: Fixtures.now),
        UserAccount(name: "audit.e", role: .auditor, addedBy: "root", addedAt: Fixtures.now),
    ])

    func booking(_ kind: AppointmentKind = .screeningInterview, at: Timestamp, attendees: [UserName] = ["anna.k"],
                 place: String = "Room 2", minutes: Int = 60) -> AppointmentBooking {
        AppointmentBooking(kind: kind, at: at, minutes: minutes, channel: .inPerson, place: place, interpreter: LanguageCode("uk"),
                           attendees: attendees)
    }

    func hours(_ n: Int) -> Timestamp { Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + Int64(n) * 3600) }

    func testAnAppointmentIsBookedMovedAndRecordedWithReasons() throws {
        var record = try Fixtures.caseIn(.screening)
        XCTAssertEqual(record.missingAppointments.map(\.kind), [.screeningInterview, .exclusionInterview, .debrief])
        record = try Workflow.book(booking(at: hours(24)), on: record, users: users, by: Fixtures.anna, at: now)
        XCTAssertEqual(record.appointments.map(\.id), [1])
        XCTAssertEqual(record.missingAppointments.first?.booked?.id, 1, "booked, still missing until held")
        // What is refused, each named.
        for (bad, field) in [(booking(at: hours(24), attendees: []), "attendees"), (booking(at: hours(24), attendees: ["audit.e"]), "attendees"),
                             (booking(at: hours(24), place: " "), "place"), (booking(at: hours(24), minutes: 2), "minutes"),
                             (booking(at: Timestamp(date: Fixtures.today.adding(days: -900))), "when")] {
            XCTAssertThrowsError(try Workflow.book(bad, on: record, users: users, by: Fixtures.anna, at: now)) { error in
                guard case let WorkflowError.invalid(issues) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(issues.map(\.field), [field], "\(issues)")
            }
        }
        XCTAssertThrowsError(try Workflow.book(booking(at: hours(24)), on: record, users: users, by: Fixtures.oleh, at: now),
                             "not his case")
        // Held before its time: refused; moved: the old time kept.
        XCTAssertThrowsError(try Workflow.recordAppointment(1, as: .held, outcome: "", on: record, by: Fixtures.anna, at: now))
        record = try Workflow.changeAppointment(1, to: booking(at: hours(2)), on: record, users: users, by: Fixtures.anna, at: now)
        XCTAssertEqual(record.appointments[0].rescheduledFrom, [hours(24)])
        XCTAssertThrowsError(try Workflow.recordAppointment(1, as: .noShow, outcome: " ", on: record, by: Fixtures.anna, at: hours(3)),
                             "a no-show needs its reason")
        record = try Workflow.recordAppointment(1, as: .noShow, outcome: "Did not come; phone off", on: record, by: Fixtures.anna, at: hours(3))
        // A no-show recorded by mistake is taken back, and recorded again.
        let undone = try Workflow.recordAppointment(1, as: .scheduled, outcome: "", on: record, by: Fixtures.anna, at: hours(3))
        XCTAssertEqual(undone.appointments[0].status, .scheduled)
        XCTAssertEqual(undone.appointments[0].outcome, "")
        // Given a new time, it is scheduled again; then held.
        record = try Workflow.changeAppointment(1, to: booking(at: hours(5)), on: record, users: users, by: Fixtures.anna, at: hours(3))
        XCTAssertEqual(record.appointments[0].status, .scheduled)
        XCTAssertEqual(record.appointments[0].rescheduledFrom, [hours(24), hours(2)])
        record = try Workflow.recordAppointment(1, as: .held, outcome: "", on: record, by: Fixtures.anna, at: hours(6))
        XCTAssertEqual(record.missingAppointments.map(\.kind), [.exclusionInterview, .debrief])
        XCTAssertThrowsError(try Workflow.recordAppointment(1, as: .cancelled, outcome: "late", on: record, by: Fixtures.anna, at: hours(6)))
        // A held one is corrected in place: still held, no move in its history.
        record = try Workflow.changeAppointment(1, to: booking(at: hours(4), place: "Room 7"), on: record, users: users, by: Fixtures.anna, at: hours(6))
        XCTAssertEqual(record.appointments[0].status, .held)
        XCTAssertEqual(record.appointments[0].at, hours(4))
        XCTAssertEqual(record.appointments[0].rescheduledFrom, [hours(24), hours(2)])
        // The JSON of a case without appointments has no key for them (older records read the same).
        let plain = try JSONEncoder().encode(Fixtures.newCase())
        XCTAssertFalse(String(decoding: plain, as: UTF8.self).contains("appointments"))
        let again = try JSONDecoder().decode(Case.self, from: try JSONEncoder().encode(record))
        XCTAssertEqual(again, record)
    }

    func testMentionsAreNamesAfterAnAtSign() {
        XCTAssertEqual(NoteMention.names(in: "@anna.k please call; cc @oleh.m."), ["anna.k", "oleh.m"])
        XCTAssertEqual(NoteMention.names(in: "mail x@anna.k or @@anna.k, @ alone, @anna.k again"), ["anna.k"])
        XCTAssertEqual(NoteMention.names(in: "Позвоните @maria.s сегодня"), ["maria.s"])
        XCTAssertEqual(NoteMention.names(in: "no mention"), [])
    }

    /// Each kind of line, for the right person, in the order of urgency; dismissed lines go.
    func testMyWorkSaysWhatNeedsMeMostUrgentFirst() throws {
        let clock = LocalClock.utc
        var returned = try Fixtures.caseIn(.decision)
        returned = try Workflow.proposeDecision(.grant, reasons: "Credible.", on: returned, by: Fixtures.anna, at: now)
        returned = try Workflow.returnDecision(on: returned, comment: "Add the unit's location", by: Fixtures.maria, at: now)
        var given = Fixtures.newCase(assignedTo: Fixtures.oleh)
        given.id = CaseID(number: 2)
        given = try Workflow.reassign(given, to: "anna.k", users: users, by: Fixtures.maria, at: now)
        var noted = Fixtures.newCase()
        noted.id = CaseID(number: 3)
        noted = try Workflow.addNote("@anna.k the family called", on: noted, by: Fixtures.maria, at: now)
        noted = try Workflow.addNote("note to self @anna.k", on: noted, by: Fixtures.anna, at: now)
        var meeting = try Fixtures.caseIn(.screening)
        meeting.id = CaseID(number: 4)
        meeting = try Workflow.book(booking(at: hours(2)), on: meeting, users: users, by: Fixtures.anna, at: now)
        meeting = try Workflow.book(booking(.debrief, at: hours(24)), on: meeting, users: users, by: Fixtures.anna, at: now)
        meeting = try Workflow.book(booking(.exclusionInterview, at: hours(-5)), on: meeting, users: users, by: Fixtures.anna, at: hours(-6))
        var family = Fixtures.newCase()
        family.id = CaseID(number: 5)
        family.family = [FamilyMember(id: 1, relationship: .spouse, cyrillicName: FullName(family: "Жукова", given: "Анна"),
                                      stage: .notStarted, stageDate: Fixtures.today)]
        family.family[0].nextAction = "Call the consulate"
        family.family[0].nextActionDue = Fixtures.today.adding(days: -3)
        let cases = [returned, given, noted, meeting, family].map { CaseSummary(record: $0, version: CaseVersion(1)) }
        let items = MyWork.items(for: "anna.k", role: .caseworker, cases: cases, now: now, clock: clock, targets: StageTargets(days: [:]))
        XCTAssertEqual(items.map(\.reason), [.toRecord, .late, .appointmentToday, .returned, .assigned, .mention, .appointmentTomorrow])
        XCTAssertEqual(items.map(\.caseID?.number), [4, 5, 4, 1, 2, 3, 4])
        XCTAssertTrue(items[3].text.contains("Add the unit's location") && items[3].text.contains("maria.s"), items[3].text)
        XCTAssertTrue(items[4].text.contains("Given to you by maria.s"), items[4].text)
        XCTAssertEqual(items[1].place, .family(CaseID(number: 5)))
        XCTAssertEqual(items[0].place, .appointments(CaseID(number: 4), appointment: 3), "the 1F interview, selected")
        // Nothing of anna's is oleh's; dismissed lines go, and only those.
        XCTAssertEqual(MyWork.items(for: "oleh.m", role: .caseworker, cases: cases, now: now, clock: clock, targets: StageTargets(days: [:])), [])
        let fewer = MyWork.items(for: "anna.k", role: .caseworker, cases: cases, now: now, clock: clock, targets: StageTargets(days: [:]),
                                 dismissed: [items[4].id, items[5].id])
        XCTAssertEqual(fewer.map(\.reason), [.toRecord, .late, .appointmentToday, .returned, .appointmentTomorrow])
        // The next day: tomorrow's appointment is today's; the proposal, once proposed again, is not returned.
        let later = MyWork.items(for: "anna.k", role: .caseworker, cases: cases, now: hours(20), clock: clock, targets: StageTargets(days: [:]))
        XCTAssertTrue(later.contains { $0.reason == .appointmentToday && $0.text.hasPrefix("Debrief") }, "\(later.map(\.text))")
        // A return saved before summaries held it (an older store's line): still a line, without the comment.
        var older = CaseSummary(record: returned, version: CaseVersion(1))
        older.attention = nil
        let fallback = MyWork.items(for: "anna.k", role: .caseworker, cases: [older], now: now, clock: clock, targets: StageTargets(days: [:]))
        XCTAssertEqual(fallback.map(\.text), ["Decision returned on 2026-11-24: the comment is on the case"])
        XCTAssertEqual(fallback.first?.id, items[3].id, "the same line, so a dismissal of either holds for both")
        let again = try Workflow.proposeDecision(.grant, reasons: "Unit located.", on: returned, by: Fixtures.anna, at: now)
        XCTAssertFalse(MyWork.items(for: "anna.k", role: .caseworker, cases: [CaseSummary(record: again, version: CaseVersion(2))], now: now,
                                    clock: clock, targets: StageTargets(days: [:])).contains { $0.reason == .returned })
    }

    /// A supervisor: approvals oldest first (never their own), the rest in one line; overdue per caseworker.
    func testASupervisorSeesApprovalsOldestFirstAndOverdueTeams() throws {
        var cases: [CaseSummary] = []
        for number in 1...(MyWork.approvalLines + 5) {
            var record = try Fixtures.caseIn(.decision)
            record.id = CaseID(number: number)
            let author = number == 3 ? Fixtures.maria : Fixtures.anna
            record = try Workflow.proposeDecision(.grant, reasons: "Credible.", on: record, by: author,
                                                  at: Timestamp(secondsSinceEpoch: now.secondsSinceEpoch - Int64(number) * 86_400))
            cases.append(CaseSummary(record: record, version: CaseVersion(1)))
        }
        let items = MyWork.items(for: "maria.s", role: .supervisor, cases: cases, now: hours(72), clock: .utc,
                                 targets: StageTargets(days: [.decision: 1]))
        let approvals = items.filter { $0.reason == .approval }
        XCTAssertEqual(approvals.count, MyWork.approvalLines + 1)
        XCTAssertEqual(approvals.first?.caseID?.number, MyWork.approvalLines + 5, "the oldest first")
        XCTAssertFalse(approvals.contains { $0.caseID?.number == 3 }, "never one's own proposal")
        XCTAssertTrue(approvals.last!.text.hasPrefix("4 more proposals waiting"), approvals.last!.text)
        XCTAssertEqual(approvals.map(\.proposals).reduce(0, +), MyWork.approvalLines + 4, "the lines stand for every proposal but maria's own")
        let overdue = try XCTUnwrap(items.first { $0.reason == .overdue })
        XCTAssertTrue(overdue.text.hasPrefix("anna.k: \(cases.count) cases overdue"), overdue.text)
    }

    func testTimesAreStoredInUTCAndShownInTheServersZone() throws {
        let berlin = LocalClock(zone: try XCTUnwrap(TimeZone(identifier: "Europe/Berlin")))
        let december = CalendarDate(year: 2026, month: 12, day: 7)!
        let instant = berlin.instant(on: december, minute: 10 * 60)
        XCTAssertEqual(instant.description, "2026-12-07T09:00:00Z", "winter: UTC+1")
        XCTAssertEqual(berlin.text(instant), "2026-12-07 10:00")
        XCTAssertEqual(LocalClock.weekday(december), "Mon")
        XCTAssertEqual(LocalClock.weekday(december.adding(days: 6)), "Sun")
        let summer = berlin.instant(on: CalendarDate(year: 2027, month: 7, day: 1)!, minute: 10 * 60)
        XCTAssertEqual(summer.description, "2027-07-01T08:00:00Z", "summer: UTC+2")
        // Late evening in Berlin is the next day there, not in UTC.
        let late = Timestamp(iso: "2026-12-07T23:30:00Z")!
        XCTAssertEqual(berlin.day(of: late), december.adding(days: 1))
        XCTAssertEqual(LocalClock.minute(typed: "9:05"), 545)
        XCTAssertEqual(LocalClock.minute(typed: "1430"), 870)
        XCTAssertNil(LocalClock.minute(typed: "24:00"))
        XCTAssertNil(LocalClock.minute(typed: "ten"))
    }

    func testDoubleBookingsAreFlaggedOnBothAppointments() throws {
        func summary(_ number: Int, _ appointments: [AppointmentSummary]) -> CaseSummary {
            var summary = CaseSummary(record: Fixtures.newCase(), version: CaseVersion(1))
            summary.id = CaseID(number: number)
            summary.attention = AttentionSummary(appointments: appointments)
            return summary
        }
        let cases = [
            summary(1, [AppointmentSummary(id: 1, kind: .debrief, at: hours(0), minutes: 180, attendees: ["anna.k"])]),
            summary(2, [AppointmentSummary(id: 1, kind: .followUp, at: hours(1), minutes: 30, attendees: ["oleh.m"])]),
            summary(3, [AppointmentSummary(id: 1, kind: .other, at: hours(2), minutes: 30, attendees: ["anna.k", "oleh.m"])]),
            summary(4, [AppointmentSummary(id: 1, kind: .other, at: hours(3), minutes: 30, attendees: ["anna.k"])]),
        ]
        let all = AppointmentCalendar.entries(cases, attendedBy: nil, from: hours(-1), to: hours(10))
        XCTAssertEqual(all.map(\.doubleBooked), [["anna.k"], [], ["anna.k"], []], "3 ends at 2:30; 4 starts at 3 (and 1 ended at 3)")
        XCTAssertEqual(AppointmentCalendar.entries(cases, attendedBy: "oleh.m", from: hours(-1), to: hours(10)).map(\.caseID.number), [2, 3])
    }

    func testTheICalendarFileIsRFC5545AndHoldsNothingSensitive() throws {
        var record = try Fixtures.caseIn(.screening)
        var long = booking(at: hours(26), place: "Safe house, Ulica Długa 5, Warszawa")
        long.kind = .reunificationInterview
        record = try Workflow.book(long, on: record, users: users, by: Fixtures.anna, at: now)
        let summary = CaseSummary(record: record, version: CaseVersion(1))
        let entries = AppointmentCalendar.entries([summary], attendedBy: "anna.k", from: now, to: hours(48))
        let text = ICalendar.document(entries, user: "anna.k", stamp: now)
        XCTAssertTrue(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"))
        XCTAssertTrue(text.hasSuffix("END:VCALENDAR\r\n"))
        XCTAssertTrue(text.contains("DTSTART:20261125T120000Z\r\n"), text)
        XCTAssertTrue(text.contains("DTEND:20261125T130000Z\r\n"))
        XCTAssertTrue(text.contains("SUMMARY:Interview\\, \(record.id)\r\n"), text)
        for line in text.components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.utf8.count, 75, line) }
        XCTAssertFalse(text.replacingOccurrences(of: "\r\n", with: "\n").contains("\n\n"))
        for secret in ["Safe house", "Długa", "uk", "Reunification", "1F", record.defector.latinName.family, record.defector.cyrillicName.family] {
            XCTAssertFalse(text.contains(secret), "\(secret) must not leave in a calendar")
        }
        // Folding: a long line is split on character boundaries and joins back whole.
        let folded = ICalendar.folded("SUMMARY:" + String(repeating: "Ж", count: 60))
        XCTAssertEqual(folded.replacingOccurrences(of: "\r\n ", with: ""), "SUMMARY:" + String(repeating: "Ж", count: 60))
        XCTAssertTrue(folded.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 })
        XCTAssertEqual(ICalendar.escaped("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne")
    }
}

/// What the review of issue 23 found, each held.
final class MyWorkCornerTests: XCTestCase {
    let now = Fixtures.now
    let users = UserDirectory(users: [
        UserAccount(name: "anna.k", role: .caseworker, addedBy: "root", addedAt: Fixtures.now),
        UserAccount(name: "oleh.m", role: .caseworker, addedBy: "root", addedAt: Fixtures.now),
        UserAccount(name: "maria.s", role: .supervisor, addedBy: "root", addedAt: Fixtures.now),
    ])

    func hours(_ n: Int) -> Timestamp { Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + Int64(n) * 3600) }

    func booked(_ record: Case, _ kind: AppointmentKind = .screeningInterview, at: Timestamp, attendees: [UserName] = ["anna.k"]) throws -> Case {
        try Workflow.book(AppointmentBooking(kind: kind, at: at, minutes: 60, channel: .video, place: "", interpreter: nil, attendees: attendees),
                          on: record, users: users, by: Fixtures.anna, at: now)
    }

    func items(_ user: UserName, _ records: [Case], at time: Timestamp? = nil, role: Role = .caseworker,
               dismissed: Set<String> = []) -> [WorkItem] {
        MyWork.items(for: user, role: role, cases: records.map { CaseSummary(record: $0, version: CaseVersion(1)) }, now: time ?? now,
                     clock: .utc, targets: StageTargets(days: [:]), dismissed: dismissed)
    }

    func testDaylightSavingGapsMoveOnAndRepeatsTakeTheFirst() throws {
        let york = LocalClock(zone: try XCTUnwrap(TimeZone(identifier: "America/New_York")))
        let berlin = LocalClock(zone: try XCTUnwrap(TimeZone(identifier: "Europe/Berlin")))
        // 02:30 does not exist on these days: the clock is moved on to 03:30.
        let springYork = york.instant(on: CalendarDate(year: 2026, month: 3, day: 8)!, minute: 150)
        XCTAssertEqual(york.text(springYork), "2026-03-08 03:30")
        let springBerlin = berlin.instant(on: CalendarDate(year: 2026, month: 3, day: 29)!, minute: 150)
        XCTAssertEqual(berlin.text(springBerlin), "2026-03-29 03:30")
        // 02:30 happens twice in Berlin on 2026-10-25: the first (summer time, UTC+2).
        XCTAssertEqual(berlin.instant(on: CalendarDate(year: 2026, month: 10, day: 25)!, minute: 150).description, "2026-10-25T00:30:00Z")
        // 01:30 twice in New York on 2026-11-01: the first (EDT, UTC-4).
        XCTAssertEqual(york.instant(on: CalendarDate(year: 2026, month: 11, day: 1)!, minute: 90).description, "2026-11-01T05:30:00Z")
    }

    func testEachPhaseOfAnAppointmentIsItsOwnLineAndAnAttendeeMayRecordIt() throws {
        var record = try booked(try Fixtures.caseIn(.screening), at: hours(24), attendees: ["oleh.m"])
        let tomorrow = items("oleh.m", [record])
        XCTAssertEqual(tomorrow.map(\.reason), [.appointmentTomorrow])
        // Dismissed as a reminder, it still asks to be recorded once it is over.
        let over = items("oleh.m", [record], at: hours(26), dismissed: Set(tomorrow.map(\.id)))
        XCTAssertEqual(over.map(\.reason), [.toRecord])
        // oleh.m attends anna's case: he may record it, not move it.
        record = try Workflow.recordAppointment(1, as: .held, outcome: "", on: record, by: Fixtures.oleh, at: hours(26))
        XCTAssertEqual(record.appointments[0].status, .held)
        XCTAssertThrowsError(try Workflow.changeAppointment(1, to: AppointmentBooking(record.appointments[0]), on: record, users: users,
                                                            by: Fixtures.oleh, at: hours(26)))
    }

    func testClosingACaseCancelsWhatWasBookedAndNeedsNobody() throws {
        var record = try booked(try Fixtures.caseIn(.screening), at: hours(2))
        record = try Workflow.addNote("@anna.k see the file", on: record, by: Fixtures.maria, at: now)
        record = try Workflow.perform(.close, on: record, by: Fixtures.maria, at: hours(1), closure: Closure(reason: .withdrawn))
        XCTAssertEqual(record.appointments[0].status, .cancelled)
        XCTAssertEqual(record.appointments[0].outcome, "The case was closed.")
        XCTAssertNil(AttentionSummary.of(record))
        XCTAssertEqual(items("anna.k", [record], at: hours(5)), [])
    }

    func testWhatIsAlreadyRecordedIsNotMissing() throws {
        var record = try Fixtures.caseIn(.screening)
        record.screening = Fixtures.clearedScreening(by: Fixtures.anna)
        XCTAssertEqual(record.missingAppointments.map(\.kind), [.screeningInterview], "the 1F assessment and the debrief are recorded")
    }

    func testAFollowUpInItsGraceDaysIsDueNotLate() throws {
        let start = Fixtures.today.adding(months: -3)
        var record = try Fixtures.caseIn(.integration)
        record.integration.placements = [JobPlacement(employer: "Müller", startDate: start, contract: .permanent)]
        let due = try XCTUnwrap(record.integration.openPlacement?.nextFollowUp?.due)
        let inGrace = items("anna.k", [record], at: Timestamp(date: due.adding(days: 2), hour: 9))
        XCTAssertEqual(inGrace.map(\.reason), [.dueToday], "\(inGrace.map(\.text))")
        let late = items("anna.k", [record], at: Timestamp(date: due.adding(days: FollowUp.graceDays + 1), hour: 9))
        XCTAssertEqual(late.map(\.reason), [.late])
        XCTAssertEqual(late.first?.place, .integration(record.id), "Enter opens the case at its integration, where the follow-up is")
    }

    func testAReturnReachesWhoeverHasTheCaseNow() throws {
        var record = try Fixtures.caseIn(.decision)
        record = try Workflow.proposeDecision(.grant, reasons: "Credible.", on: record, by: Fixtures.anna, at: now)
        record = try Workflow.returnDecision(on: record, comment: "Which unit?", by: Fixtures.maria, at: now)
        record = try Workflow.reassign(record, to: "oleh.m", users: users, by: Fixtures.maria, at: hours(1))
        let oleh = items("oleh.m", [record], at: hours(2))
        XCTAssertEqual(oleh.map(\.reason), [.returned, .assigned])
        XCTAssertTrue(oleh[0].text.contains("Which unit?") && oleh[0].text.contains("(proposed by anna.k)"), oleh[0].text)
        XCTAssertEqual(items("anna.k", [record], at: hours(2)), [], "no longer hers")
    }

    /// A country proposed on her case by someone else (the batch, run by a supervisor) is a line
    /// of hers, information like a new case; a batch's many on one day are one line. Gone when
    /// approved, withdrawn or returned; none for her own proposal, nor for a supervisor (who has
    /// it as an approval).
    func testACountryProposedOnHerCaseBySomeoneElseIsALineOfHers() throws {
        func granted(_ number: Int) throws -> Case {
            var record = try Fixtures.caseIn(.allocation)
            record.id = CaseID(number: number)
            return record
        }
        func plan(_ record: Case) -> PlannedAllocation {
            var planned = PlannedAllocation(caseID: record.id, country: CountryCode("DE")!, factors: [], runnerUp: nil,
                                            runnerUpFactors: [], runnerUpReason: "", groupedWith: [])
            planned.batch = "batch of 3: optimal"
            return planned
        }
        let one = try granted(1)
        let batch = try Workflow.proposeAllocation(plan(one), on: one, by: Fixtures.maria, at: now)
        let anna = items("anna.k", [batch], at: hours(1))
        XCTAssertEqual(anna.map(\.reason), [.proposed])
        XCTAssertEqual(anna.first?.text, "DE proposed by maria.s on \(now.date), waiting for approval")
        XCTAssertEqual(anna.first?.place, .proposal(one.id, .allocation))
        XCTAssertTrue(anna.first?.isDoneWhenOpened == true)
        XCTAssertEqual(items("anna.k", [batch], at: Timestamp(date: now.date.adding(days: MyWork.informationDays + 1), hour: 9)), [],
                       "information goes after a month")
        XCTAssertEqual(items("maria.s", [batch], at: hours(1), role: .supervisor).filter { $0.reason == .proposed }, [],
                       "hers: nothing to be told")
        var assigned = batch
        assigned.assignedTo = "oleh.m"
        let supervisorAssigned = items("oleh.m", [assigned], at: hours(1), role: .supervisor)
        XCTAssertEqual(supervisorAssigned.map(\.reason), [.approval], "a supervisor has it as an approval, not twice")

        // Several on one day from one proposer: one line.
        let three = try [granted(2), granted(3), granted(4)].map { try Workflow.proposeAllocation(plan($0), on: $0, by: Fixtures.maria, at: now) }
        let grouped = items("anna.k", three, at: hours(1))
        XCTAssertEqual(grouped.map(\.text), ["maria.s proposed countries for 3 of your cases (\(now.date)), waiting for approval"])
        XCTAssertEqual(grouped.first?.place, .ownCases(.allocation), "all of them, not the first")
        XCTAssertNil(grouped.first?.caseID)
        // A fourth the same day is a new line, not hidden behind the three's dismissal.
        let four = three + [try Workflow.proposeAllocation(plan(try granted(5)), on: try granted(5), by: Fixtures.maria, at: now)]
        let again = items("anna.k", four, at: hours(1), dismissed: Set(grouped.map(\.id)))
        XCTAssertEqual(again.map(\.text), ["maria.s proposed countries for 4 of your cases (\(now.date)), waiting for approval"])
        // One of the four approved: the dismissed line stays dismissed (it came back with the
        // smaller count when the count was its id), and a newer proposal still shows.
        let root = Actor(user: "root", role: .supervisor)
        let oneApproved = [try Workflow.perform(.approveAllocation, on: four[0], by: root, at: hours(1))] + four.dropFirst()
        XCTAssertEqual(items("anna.k", oneApproved, at: hours(2), dismissed: Set(again.map(\.id))).filter { $0.reason == .proposed }, [])
        // Down to the last of them: still dismissed (a single case's line is not a new one).
        let oneLeft = try four.dropLast().map { try Workflow.perform(.approveAllocation, on: $0, by: root, at: hours(1)) } + [four[3]]
        XCTAssertEqual(items("anna.k", oneLeft, at: hours(2), dismissed: Set(again.map(\.id))).filter { $0.reason == .proposed }, [])
        XCTAssertEqual(items("anna.k", oneLeft, at: hours(2)).map(\.text), ["DE proposed by maria.s on \(now.date), waiting for approval"],
                       "not dismissed: shown")
        // A dismissal kept from before the time was in the id (the count alone) still covers.
        XCTAssertEqual(items("anna.k", oneApproved, at: hours(2), dismissed: ["proposed:maria.s:\(now.date):4"]).filter { $0.reason == .proposed }, [])
        let later = try granted(6)
        let withLater = oneApproved + [try Workflow.proposeAllocation(plan(later), on: later, by: Fixtures.maria, at: hours(1))]
        XCTAssertEqual(items("anna.k", withLater, at: hours(2), dismissed: Set(again.map(\.id))).map(\.text),
                       ["maria.s proposed countries for 4 of your cases (\(now.date)), waiting for approval"])

        // Gone when reviewed or withdrawn.
        let approved = try Workflow.perform(.approveAllocation, on: batch, by: root, at: hours(1))
        XCTAssertEqual(items("anna.k", [approved], at: hours(2)).filter { $0.reason == .proposed }, [])
        let withdrawn = try Workflow.withdrawAllocation(on: batch, by: Fixtures.anna, at: hours(1))
        XCTAssertEqual(items("anna.k", [withdrawn], at: hours(2)).filter { $0.reason == .proposed }, [])
        let returned = try Workflow.returnAllocation(on: batch, comment: "Семья в Утрехте", by: root, at: hours(1))
        XCTAssertEqual(items("anna.k", [returned], at: hours(2)).map(\.reason), [.returned], "the return, not the proposal")
        let own = try Workflow.proposeAllocation(plan(one), on: one, by: Fixtures.anna, at: now)
        XCTAssertEqual(items("anna.k", [own], at: hours(1)), [], "her own proposal tells her nothing")
    }

    /// A caseworker's own cases past their stage target are one line of theirs (a walk found
    /// them only on the supervisor's list); a supervisor has the team's lines instead.
    func testACaseworkersOwnLateCasesAreOneLine() throws {
        let late = Case(id: CaseID(number: 1), defector: Fixtures.defector(), registeredBy: "anna.k",
                        registeredAt: Timestamp(date: Fixtures.today.adding(days: -20), hour: 9))
        let later = Case(id: CaseID(number: 2), defector: Fixtures.defector(), registeredBy: "anna.k",
                         registeredAt: Timestamp(date: Fixtures.today.adding(days: -12), hour: 9))
        var onTime = Fixtures.newCase()
        onTime.id = CaseID(number: 3)
        var cases = [late, later, onTime].map { CaseSummary(record: $0, version: CaseVersion(1)) }
        let targets = StageTargets(days: [.intake: 7])
        let anna = MyWork.items(for: "anna.k", role: .caseworker, cases: cases, now: now, clock: .utc, targets: targets)
        XCTAssertEqual(anna.map(\.text), ["2 of your cases are overdue (up to 13 days late)"])
        // A job follow-up past its grace days is overdue work too, as the queue's ! and `o` have
        // it (the line counted the stage alone, and the queue it opened listed one more).
        var followUpLate = cases[2]
        followUpLate.id = CaseID(number: 5)
        followUpLate.integration = IntegrationSummary(employment: EmploymentSummary(startedOn: Fixtures.today.adding(days: -150),
                                                                                    followUpMonths: 3, followUpDue: Fixtures.today.adding(days: -40)))
        XCTAssertNil(targets.daysOverdue(followUpLate, on: Fixtures.today))
        XCTAssertEqual(targets.daysLate(followUpLate, on: Fixtures.today), 40 - FollowUp.graceDays, "past its grace")
        cases.append(followUpLate)
        XCTAssertTrue(MyWork.items(for: "anna.k", role: .caseworker, cases: cases, now: now, clock: .utc, targets: targets)
            .contains { $0.text == "3 of your cases are overdue (up to \(40 - FollowUp.graceDays) days late)" })
        // A late follow-up alone is its own line, not said again as an overdue case.
        XCTAssertFalse(MyWork.items(for: "anna.k", role: .caseworker, cases: [followUpLate], now: now, clock: .utc, targets: targets)
            .contains { $0.reason == .overdue })
        cases.removeLast()
        XCTAssertEqual(anna.first?.place, .overdueCases)
        XCTAssertEqual(MyWork.items(for: "oleh.m", role: .caseworker, cases: cases, now: now, clock: .utc, targets: targets), [], "not his")
        // A supervisor with a late case of her own: the team's lines, hers among them, not a line of her own.
        let hers = Case(id: CaseID(number: 4), defector: Fixtures.defector(), registeredBy: "maria.s",
                        registeredAt: Timestamp(date: Fixtures.today.adding(days: -30), hour: 9))
        let all = cases + [CaseSummary(record: hers, version: CaseVersion(1))]
        let maria = MyWork.items(for: "maria.s", role: .supervisor, cases: all, now: now, clock: .utc, targets: targets)
        XCTAssertEqual(Set(maria.map(\.place)), [.lateCases(of: "anna.k"), .lateCases(of: "maria.s")], "the team's lines, not one of her own")
    }

    func testMentionsAndNewCasesGoAfterAMonthAndApprovalsPastTheTwentiethStand() throws {
        var noted = Fixtures.newCase()
        noted = try Workflow.addNote("@anna.k call back", on: noted, by: Fixtures.maria, at: now)
        XCTAssertEqual(items("anna.k", [noted]).map(\.reason), [.mention])
        XCTAssertEqual(items("anna.k", [noted], at: Timestamp(date: Fixtures.today.adding(days: MyWork.informationDays + 1), hour: 9)), [])
        var cases: [CaseSummary] = []
        for number in 1...25 {
            var record = try Fixtures.caseIn(.decision)
            record.id = CaseID(number: number)
            record = try Workflow.proposeDecision(.grant, reasons: "Credible.", on: record, by: Fixtures.anna,
                                                  at: Timestamp(secondsSinceEpoch: now.secondsSinceEpoch - Int64(number) * 3600))
            cases.append(CaseSummary(record: record, version: CaseVersion(1)))
        }
        let all = MyWork.list(for: "maria.s", role: .supervisor, cases: cases, now: now, clock: .utc, targets: StageTargets(days: [:]))
        // The oldest (25th) dismissed: it stays dismissed, and it and every other waiting approval stand.
        let oldest = try XCTUnwrap(all.items.first)
        let (items, standing) = MyWork.list(for: "maria.s", role: .supervisor, cases: cases, now: now, clock: .utc,
                                            targets: StageTargets(days: [:]), dismissed: [oldest.id])
        XCTAssertFalse(items.contains { $0.id == oldest.id })
        XCTAssertTrue(cases.allSatisfy { summary in standing.contains { $0.hasPrefix("approval:\(summary.id):") } },
                      "every waiting approval stands, not only the twenty shown")
        XCTAssertTrue(items.last?.text.hasPrefix("4 more proposals waiting") == true, "\(items.map(\.text))")
    }

    func testAppointmentsOutOfBoundsAreRefusedByTheSaveContractsValidation() throws {
        var record = try Fixtures.caseIn(.screening)
        record.appointments = [Appointment(id: 1, kind: .debrief, at: now, minutes: -5, attendees: [], bookedBy: "anna.k", bookedAt: now),
                               Appointment(id: 1, kind: .debrief, at: now, minutes: 9_000_000_000, attendees: ["anna.k"], bookedBy: "anna.k", bookedAt: now)]
        let fields = Set(CaseValidation.issues(in: record, today: Fixtures.today).map(\.field))
        XCTAssertTrue(fields.isSuperset(of: ["appointments[0].minutes", "appointments[0].attendees", "appointments[1].id", "appointments[1].minutes"]), "\(fields)")
        XCTAssertEqual(record.appointments[1].ends.secondsSinceEpoch - now.secondsSinceEpoch, 1440 * 60, "a damaged length is held to a day")
    }
}
