import HavenCore
@testable import HavenTUI
import XCTest

/// My work and appointments through the screens, on an in-memory store that two sessions
/// share, with a clock the test moves.
final class MyWorkScreenTests: XCTestCase {
    /// The store, users and sessions of the supervisor screen tests, borrowed (not run again).
    let fixture = SupervisorScreensTests(name: "fixture", testClosure: { _ in })
    static let today = SupervisorScreensTests.today

    final class Clock: @unchecked Sendable {
        var now = SupervisorScreensTests.tick
    }

    func context(_ user: UserName, _ clock: Clock) -> SessionContext {
        var context = fixture.context(user)
        context.clock = { clock.now }
        context.localClock = .utc
        return context
    }

    /// A session of `user` that starts on My work, as Haven does.
    func session(_ user: UserName, _ store: InMemoryCaseStore, _ clock: Clock) -> HavenApp {
        let context = context(user, clock)
        return HavenApp(root: HomeScreen(cases: store.summaries(), context: context), context: context, store: store,
                        first: MyWorkScreen(cases: store.summaries(), context: context, now: clock.now))
    }

    func text(_ app: HavenApp) -> String { app.lines.joined(separator: "\n") }

    func testACaseReassignedInAnotherSessionAppearsAndOpens() throws {
        let store = try fixture.makeStore()
        let clock = Clock()
        var anna = session("anna.k", store, clock)
        XCTAssertEqual(anna.topScreen.title, "My work")
        XCTAssertFalse(text(anna).contains("HV-000003"))
        // The supervisor gives oleh's case to anna in her own session, through its screens.
        var maria = fixture.app("maria.s", store)
        _ = maria.perform([.openCase(CaseID(number: 3))])
        maria.press([.character("o")])
        XCTAssertTrue(text(maria).contains("anna.k"), text(maria))
        for _ in 0..<5 {
            guard let pick = maria.topScreen as? PickScreen, pick.items[pick.selected].title != "anna.k" else { break }
            maria.press([.down])
        }
        maria.press([.enter])
        XCTAssertEqual(try store.load(CaseID(number: 3)).record.assignedTo, "anna.k")
        // Anna's session takes in the store's change (the run loop does this within a second).
        anna.storeDidChange(store.summaries())
        let line = try XCTUnwrap(anna.lines.first { $0.contains("HV-000003") }, text(anna))
        XCTAssertTrue(line.contains("New case") && line.contains("HV-000003 Ivanov (Иванов) · Given to you by maria.s"), line)
        // v reads it whole (the selection stays on the line it was on: go to the new one).
        anna.press([.home])
        for _ in 0..<9 where (anna.topScreen as? MyWorkScreen)?.item?.caseID != CaseID(number: 3) { anna.press([.down]) }
        anna.press([.character("v")])
        XCTAssertTrue(text(anna).contains("Given to you by maria.s on 2026-11-24 (Intake)"), text(anna))
        anna.press([.escape])
        for _ in 0..<9 where (anna.topScreen as? MyWorkScreen)?.item?.caseID != CaseID(number: 3) { anna.press([.down]) }
        anna.press([.enter])
        XCTAssertEqual(anna.topScreen.title, "HV-000003", "Enter opens the case")
        anna.press([.escape])
        XCTAssertFalse(text(anna).contains("HV-000003"), "a new case, once opened, is read")
    }

    func testSlashOnMyWorkFindsACaseOnHome() throws {
        // From the walk: / was ignored on My work, the number typed went nowhere, and Enter
        // opened (and a then approved) the top line instead.
        let store = try fixture.makeStore()
        var anna = session("anna.k", store, Clock())
        XCTAssertEqual(anna.topScreen.title, "My work")
        anna.press([.character("/")])
        let home = try XCTUnwrap(anna.topScreen as? HomeScreen, anna.topScreen.title)
        XCTAssertNotNil(home.finder, "finding at once")
        anna.type("3")
        anna.press([.enter])
        // HV-000003 is oleh's: found, and opened as any case not hers is (a reason asked first).
        XCTAssertEqual(anna.topScreen.title, "Not your case", text(anna))
        XCTAssertTrue(text(anna).contains("HV-000003"), text(anna))
    }

    func testADismissedLineIsKeptForTheUserAndComesBack() throws {
        let store = try fixture.makeStore()
        let clock = Clock()
        var oleh = session("oleh.m", store, clock)
        var record = try store.load(CaseID(number: 3)).record
        record = try Workflow.addNote("@oleh.m the brother called back", on: record, by: Actor(user: "maria.s", role: .supervisor), at: clock.now)
        _ = try store.save(record, basedOn: CaseVersion(1), by: Actor(user: "maria.s", role: .supervisor), at: clock.now)
        oleh.storeDidChange(store.summaries())
        XCTAssertTrue(text(oleh).contains("maria.s mentioned you"), text(oleh))
        oleh.press([.character("d")])
        XCTAssertFalse(text(oleh).contains("maria.s mentioned you"), text(oleh))
        XCTAssertEqual(try store.settings(for: "oleh.m").dismissedWork.count, 1)
        // A second session of oleh's does not show it either.
        let again = session("oleh.m", store, clock)
        XCTAssertFalse(text(again).contains("mentioned you"), text(again))
        XCTAssertTrue(text(again).contains("nothing needs you"), text(again))
        oleh.press([.character("u")])
        XCTAssertTrue(text(oleh).contains("maria.s mentioned you"), text(oleh))
        XCTAssertEqual(try store.settings(for: "oleh.m").dismissedWork, [])
    }

    /// Booked through the screens; Tomorrow, then Today, then To record as the clock moves;
    /// recorded as held from My work, and gone.
    func testAnAppointmentBookedOnScreenFallsDueAndIsRecorded() throws {
        let store = try fixture.makeStore()
        let clock = Clock()
        var anna = session("anna.k", store, clock)
        _ = anna.perform([.openCase(CaseID(number: 2))])
        XCTAssertTrue(text(anna).contains("Missing") && text(anna).contains("Screening interview"), text(anna))
        anna.press([.character("m")])
        XCTAssertEqual(anna.topScreen.title, "Appointments")
        XCTAssertTrue(text(anna).contains("Missing for screening: Article 1F interview"), text(anna))
        anna.press([.character("n")])
        XCTAssertEqual(anna.topScreen.title, "Book")
        anna.press([.tab, .tab, .tab, .tab])
        anna.type("Interview room 3")
        anna.press([.control("s")])
        let saved = try store.load(CaseID(number: 2)).record.appointments
        XCTAssertEqual(saved.count, 1, text(anna))
        XCTAssertEqual(saved.first?.at, Timestamp(date: Self.today.adding(days: 1), hour: 10))
        XCTAssertEqual(saved.first?.attendees, ["anna.k"])
        anna.storeDidChange(store.summaries())
        XCTAssertTrue(text(anna).contains("10:00  Screening interview"), text(anna))
        anna.press([.escape, .escape])
        XCTAssertEqual(anna.topScreen.title, "My work")
        /// The appointment's line, without the selection marker.
        func line() -> String { String((anna.lines.first { $0.contains("Screening interview") } ?? "").dropFirst()) }
        XCTAssertTrue(line().hasPrefix("Tomorrow"), text(anna))
        clock.now = Timestamp(date: Self.today.adding(days: 1), hour: 8)
        XCTAssertTrue(anna.clockDidTick())
        XCTAssertTrue(line().hasPrefix("Today") && line().contains("HV-000002 Shcherbakov (Щербаков) · Screening interview at 10:00"), text(anna))
        clock.now = Timestamp(date: Self.today.adding(days: 1), hour: 11, minute: 5)
        XCTAssertTrue(anna.clockDidTick())
        XCTAssertTrue(line().hasPrefix("To record") && line().contains("Screening interview, 2026-11-25"), text(anna))
        XCTAssertFalse(anna.clockDidTick(), "the same minute draws nothing")
        anna.press([.home])
        for _ in 0..<9 where (anna.topScreen as? MyWorkScreen)?.item?.reason != .toRecord { anna.press([.down]) }
        anna.press([.enter])
        XCTAssertEqual(anna.topScreen.title, "Appointments")
        anna.press([.character("h"), .control("s")])
        XCTAssertEqual(try store.load(CaseID(number: 2)).record.appointments.first?.status, .held, text(anna))
        anna.storeDidChange(store.summaries())
        anna.press([.escape, .escape])
        XCTAssertEqual(anna.topScreen.title, "My work", text(anna))
        XCTAssertFalse(text(anna).contains("Screening interview"), text(anna))
    }

    /// A booking that puts an attendee in two places at once is saved, and said at once (a walk
    /// booked anna.k over another interview with only the week view's !! to tell her).
    func testABookingOverAnotherOfTheSamePersonIsSaidWhenSaved() throws {
        let store = try fixture.makeStore()
        let clock = Clock()
        var anna = session("anna.k", store, clock)
        for number in [2, 1] {
            _ = anna.perform([.openCase(CaseID(number: number))])
            anna.press([.character("m"), .character("n")])
            XCTAssertEqual(anna.topScreen.title, "Book", text(anna))
            anna.press([.tab, .tab, .tab, .tab])
            anna.type("Кабинет 3")
            anna.press([.control("s")])
            XCTAssertEqual(try store.load(CaseID(number: number)).record.appointments.count, 1, text(anna))
            anna.storeDidChange(store.summaries())
            if number == 2 { XCTAssertEqual(anna.status?.kind, .info, anna.status?.text ?? "") }
            else {
                XCTAssertEqual(anna.status?.text, "Saved, but anna.k is booked then on HV-000002 too (10:00): w on My work shows the week.")
                XCTAssertEqual(anna.status?.kind, .warning)
            }
            anna.press([.escape, .escape])
        }
    }

    func testTheWeekFlagsDoubleBookingsAndTheHomeScreenCounts() throws {
        let store = try fixture.makeStore()
        let clock = Clock()
        let users = SupervisorScreensTests.users
        let maria = Actor(user: "maria.s", role: .supervisor)
        for number in [1, 2] {
            var record = try store.load(CaseID(number: number)).record
            record = try Workflow.book(AppointmentBooking(kind: number == 1 ? .debrief : .screeningInterview,
                                                          at: Timestamp(date: Self.today, hour: 13, minute: number * 20), minutes: 60,
                                                          channel: .video, place: "", interpreter: nil, attendees: ["anna.k"]),
                                       on: record, users: users, by: maria, at: clock.now)
            _ = try store.save(record, basedOn: try store.load(CaseID(number: number)).version, by: maria, at: clock.now)
        }
        var anna = session("anna.k", store, clock)
        anna.press([.character("w")])
        XCTAssertEqual(anna.topScreen.title, "Week")
        let week = text(anna)
        XCTAssertTrue(week.contains("2 double-booked !!"), week)
        XCTAssertTrue(week.contains("!! 13:20-14:20 Debrief HV-000001") && week.contains("· anna.k double-booked"), week)
        // The supervisor steps to everyone's week and sees the same clash.
        var maria2 = fixture.app("maria.s", store)
        _ = maria2.perform([.push(WeekScreen(cases: store.summaries(), context: context("maria.s", clock), now: clock.now))])
        XCTAssertTrue(text(maria2).contains("your appointments (0)"), text(maria2))
        maria2.press([.character("a")])
        XCTAssertTrue(text(maria2).contains("everyone's appointments (2)") && text(maria2).contains("(anna.k)"), text(maria2))
        // The home screen counts My work's lines.
        anna.press([.escape, .escape])
        XCTAssertEqual(anna.topScreen.title, "Home")
        XCTAssertTrue(anna.clockDidTick())
        // The two appointments and her case past its stage target (HV-000002, 40 days in screening).
        XCTAssertTrue(text(anna).contains("m My work: 3"), text(anna))
    }

    /// Her own cases past their target are one line; Enter opens her queue narrowed to them.
    func testACaseworkersLateCasesLineOpensHerLateCases() throws {
        let store = try fixture.makeStore()
        var anna = session("anna.k", store, Clock())
        for _ in 0..<9 where (anna.topScreen as? MyWorkScreen)?.item?.reason != .overdue { anna.press([.down]) }
        XCTAssertEqual((anna.topScreen as? MyWorkScreen)?.item?.text, "1 of your cases is overdue (up to 10 days late)", text(anna))
        anna.press([.enter])
        let queue = try XCTUnwrap(anna.topScreen as? QueueScreen, text(anna))
        XCTAssertTrue(queue.onlyMine && queue.onlyOverdue)
        XCTAssertTrue(text(anna).contains("HV-000002"), text(anna))
    }

    /// The batch's line about several of her cases opens her queue at Allocation.
    func testAGroupedProposalLineOpensHerCasesAtAllocation() throws {
        let store = try fixture.makeStore()
        var anna = session("anna.k", store, Clock())
        _ = anna.perform(try XCTUnwrap(anna.topScreen as? MyWorkScreen).open(.ownCases(.allocation)))
        let queue = try XCTUnwrap(anna.topScreen as? QueueScreen, text(anna))
        XCTAssertTrue(queue.onlyMine)
        XCTAssertEqual(queue.stageFilter, .allocation)
        XCTAssertFalse(queue.onlyOverdue)
    }

    /// D lists what was dismissed, u brings one back though it was dismissed in another session,
    /// and leaving My work tells the home screen, whose count follows.
    func testDismissedLinesAreListedAndTheHomeCountFollows() throws {
        let store = try fixture.makeStore()
        let clock = Clock()
        var record = try store.load(CaseID(number: 3)).record
        record = try Workflow.addNote("@oleh.m call the brother", on: record, by: Actor(user: "maria.s", role: .supervisor), at: clock.now)
        _ = try store.save(record, basedOn: CaseVersion(1), by: Actor(user: "maria.s", role: .supervisor), at: clock.now)
        var first = session("oleh.m", store, clock)
        first.press([.character("d")])
        var second = session("oleh.m", store, clock)
        XCTAssertTrue(text(second).contains("nothing needs you now"), text(second))
        second.press([.character("u")])
        XCTAssertTrue(second.status?.text.contains("D lists the lines you dismissed") == true, "\(String(describing: second.status))")
        second.press([.character("D")])
        XCTAssertTrue(text(second).contains("1 dismissed") && text(second).contains("HV-000003"), text(second))
        second.press([.character("u"), .character("D")])
        XCTAssertTrue(text(second).contains("maria.s mentioned you in note 1"), text(second))
        XCTAssertEqual(try store.settings(for: "oleh.m").dismissedWork, [])
        // The first session reads it again with the next change in the store.
        first.storeDidChange(store.summaries())
        XCTAssertTrue(text(first).contains("maria.s mentioned you"), text(first))
        // Dismissed again and left: the home screen counts none.
        first.press([.character("d"), .escape])
        XCTAssertEqual(first.topScreen.title, "Home")
        XCTAssertTrue(first.clockDidTick())
        XCTAssertTrue(text(first).contains("m My work: 0"), text(first))
    }

    /// A no-show's form rebuilt from its kept key (after a conflict, or a dropped session) is
    /// still a no-show, never turned into "held".
    func testAnOutcomeFormRebuiltFromItsKeyKeepsItsOutcome() throws {
        let store = try fixture.makeStore()
        let clock = Clock()
        var record = try store.load(CaseID(number: 2)).record
        record = try Workflow.book(AppointmentBooking(kind: .debrief, at: Timestamp(date: Self.today, hour: 8), minutes: 30, channel: .phone,
                                                      place: "", interpreter: nil, attendees: ["anna.k"]),
                                   on: record, users: SupervisorScreensTests.users, by: Actor(user: "anna.k", role: .caseworker), at: clock.now)
        _ = try store.save(record, basedOn: try store.load(CaseID(number: 2)).version, by: Actor(user: "anna.k", role: .caseworker), at: clock.now)
        let stored = try store.load(CaseID(number: 2))
        let form = AppointmentActions.record(stored, stored.record.appointments[0], as: .noShow, context: context("anna.k", clock))
        let key = try XCTUnwrap(form.origin?.form)
        XCTAssertEqual(key, "appointment.record:1:no-show")
        let rebuilt = try XCTUnwrap(CaseForms.make(key, on: stored, context: context("anna.k", clock), catalogue: { nil }))
        XCTAssertEqual(rebuilt.form.value("status"), "no-show")
    }

    /// The second walk: what is typed after the time is refused, not cut off; h on a cancelled
    /// appointment takes the cancellation back; an Overdue line opens the workload on that person.
    func testWhenTakesOnlyADateAndATimeAndOverdueOpensThePerson() throws {
        let store = try fixture.makeStore()
        let clock = Clock()
        let stored = try store.load(CaseID(number: 2))
        var form = AppointmentActions.form(nil, clock: .utc, defaultAttendee: "anna.k", today: Self.today)
        form.restore(["when": "2026-12-07 10:00 +0300"], focus: "when")
        let (booking, problems) = AppointmentActions.booking(from: form, clock: .utc)
        XCTAssertNil(booking)
        XCTAssertEqual(problems.map(\.field), ["when"])
        XCTAssertTrue(problems.first?.message.contains("only a date and a time") == true, "\(problems)")
        var record = try Workflow.book(AppointmentBooking(kind: .debrief, at: Timestamp(date: Self.today.adding(days: 2), hour: 9), minutes: 30,
                                                          channel: .phone, place: "", interpreter: nil, attendees: ["anna.k"]),
                                       on: stored.record, users: SupervisorScreensTests.users, by: Actor(user: "anna.k", role: .caseworker), at: clock.now)
        record = try Workflow.recordAppointment(1, as: .cancelled, outcome: "Дубль", on: record, by: Actor(user: "anna.k", role: .caseworker), at: clock.now)
        let cancelled = StoredCase(record: record, version: stored.version, savedBy: stored.savedBy, savedAt: stored.savedAt)
        let takeBack = AppointmentActions.record(cancelled, record.appointments[0], as: .held, context: context("anna.k", clock))
        XCTAssertEqual(takeBack.form.value("status"), "scheduled")
        // maria.s: the overdue line of anna.k's cases opens those cases, her late ones only
        // (it opened the workload, whose Enter listed all of hers).
        var maria = session("maria.s", store, clock)
        for _ in 0..<9 where (maria.topScreen as? MyWorkScreen)?.item?.reason != .overdue { maria.press([.down]) }
        let line = try XCTUnwrap((maria.topScreen as? MyWorkScreen)?.item)
        guard case let .lateCases(person) = line.place else { return XCTFail("\(line.place)") }
        let count = try XCTUnwrap(Int(line.text.split(separator: " ")[1]), line.text)
        maria.press([.enter])
        let queue = try XCTUnwrap(maria.topScreen as? QueueScreen)
        XCTAssertEqual(queue.rows.count, count, line.text)
        let targets = try XCTUnwrap(context("maria.s", clock).reference?.stageTargets)
        XCTAssertTrue(queue.rows.allSatisfy { $0.assignedTo == person && targets.daysLate($0, on: Self.today) != nil })
        XCTAssertEqual(queue.sortColumn, .daysInStage, "the longest in their stage first, as the heading says")
        XCTAssertFalse(queue.ascending)
        XCTAssertEqual(queue.selected, 0, "from the top")
        XCTAssertLessThan(queue.rows.count, store.summaries().count { $0.assignedTo == person && $0.stage != .closed }, "not all of hers")
    }
}


extension MyWorkScreenTests {
    /// Past the twenty oldest, approvals are one line; the heading then counts the proposals
    /// to approve as well as the lines (a walk read "26 need you" over 60 proposals waiting).
    func testTheHeadingCountsTheProposalsALineStandsFor() throws {
        let store = try fixture.makeStore()
        let oleh = Actor(user: "oleh.m", role: .caseworker)
        let old = Timestamp(date: Self.today.adding(days: -20), hour: 9)
        for number in 10..<(10 + MyWork.approvalLines + 4) {
            let at = Timestamp(secondsSinceEpoch: old.secondsSinceEpoch + Int64(number) * 60)
            _ = try store.save(try fixture.proposedGrant(number, fixture.defector("Петров", "Иван", "Petrov"), by: oleh, registered: old, at: at),
                               basedOn: nil, by: oleh, at: at)
        }
        let maria = session("maria.s", store, Clock())
        let screen = try XCTUnwrap(maria.topScreen as? MyWorkScreen)
        let approvals = screen.items.filter { $0.reason == .approval }
        XCTAssertEqual(approvals.count, MyWork.approvalLines + 1, "twenty lines, and one for the rest")
        let waiting = store.summaries().filter { $0.pendingApproval != nil && $0.pendingApproval?.proposedBy != "maria.s" }.count
        XCTAssertGreaterThan(waiting, approvals.count)
        XCTAssertTrue(maria.lines[1].hasPrefix(" My work · \(screen.items.count) need you (\(waiting) proposals to approve)"), maria.lines[1])
    }
}
