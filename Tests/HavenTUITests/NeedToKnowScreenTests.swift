import HavenCore
@testable import HavenTUI
import XCTest

/// Need to know through the screens (issue 24): a case that is not yours opens only with a
/// reason, which the supervisor sees in My work and the access log; a restricted case is
/// masked in lists and not opened outside its team; the history and family screens are
/// recorded; an auditor reads the access log.
final class NeedToKnowScreenTests: XCTestCase {
    /// The store, users and sessions of the supervisor screen tests (cases 1 and 2 anna.k's,
    /// 3 oleh.m's), borrowed.
    let fixture = SupervisorScreensTests(name: "fixture", testClosure: { _ in })

    func text(_ app: HavenApp) -> String { app.lines.joined(separator: "\n") }

    func testACaseNotYoursOpensWithAReasonTheSupervisorSees() throws {
        let store = try fixture.makeStore()
        var oleh = fixture.app("oleh.m", store)
        _ = oleh.perform([.openCase(CaseID(number: 1))])
        XCTAssertEqual(oleh.topScreen.title, "Not your case")
        XCTAssertTrue(text(oleh).contains("HV-000001 is not assigned to you or your team"), text(oleh))
        XCTAssertTrue(text(oleh).contains("Assigned to  anna.k"), text(oleh))
        oleh.type("Because")
        oleh.press([.enter])
        XCTAssertEqual(oleh.topScreen.title, "Not your case", "a reason that says too little opens nothing")
        XCTAssertTrue(text(oleh).contains("A reason must say why in at least 10 characters (7 typed)."), text(oleh))
        oleh.press([.control("u")])
        oleh.type("Covering Anna's interview today")
        oleh.press([.enter])
        XCTAssertEqual(oleh.topScreen.title, "HV-000001", "the case view takes the reason's place")
        oleh.press([.escape])
        XCTAssertNotEqual(oleh.topScreen.title, "Not your case", "Esc from the case goes back past the reason")
        // Opened again in this session: no reason asked, logged as opened on the reason given.
        _ = oleh.perform([.openCase(CaseID(number: 1))])
        XCTAssertEqual(oleh.topScreen.title, "HV-000001")
        let log = store.accessLog(matching: AccessFilter(user: "oleh.m"), limit: 10)
        XCTAssertEqual(log.map(\.outcome), [.openedOnReason, .reasoned, .refused])
        XCTAssertEqual(log[1].reason, "Covering Anna's interview today")

        // The supervisor's My work says so; Enter opens the access log on the case.
        let context = fixture.context("maria.s")
        var maria = HavenApp(root: HomeScreen(cases: store.summaries(), context: context), context: context, store: store,
                             first: MyWorkScreen(cases: store.summaries(), context: context, now: SupervisorScreensTests.tick))
        let line = try XCTUnwrap(maria.lines.first { $0.contains("Access") }, text(maria))
        XCTAssertTrue(line.contains("HV-000001") && line.contains("oleh.m opened it (case): Covering Anna"), line)
        let items = (maria.topScreen as? MyWorkScreen)?.items ?? []
        let position = try XCTUnwrap(items.firstIndex { $0.reason == .access }, "\(items.map(\.text))")
        // The selection stays on the line it was on as the reasons arrive: from the first line.
        maria.press([.home])
        for _ in 0..<position { maria.press([.down]) }
        XCTAssertEqual((maria.topScreen as? MyWorkScreen)?.item?.reason, .access, text(maria))
        maria.press([.enter])
        XCTAssertEqual(maria.topScreen.title, "Access log")
        XCTAssertTrue(text(maria).contains("case HV-000001"), text(maria))
        XCTAssertTrue(text(maria).contains("broke glass case: Covering Anna"), text(maria))
        // Anna, whose case it is, is not told (she is no supervisor).
        let annaContext = fixture.context("anna.k")
        let anna = HavenApp(root: HomeScreen(cases: store.summaries(), context: annaContext), context: annaContext, store: store,
                            first: MyWorkScreen(cases: store.summaries(), context: annaContext, now: SupervisorScreensTests.tick))
        XCTAssertFalse(text(anna).contains("opened it"), text(anna))
    }

    func testARestrictedCaseIsMaskedAndClosedOutsideItsTeam() throws {
        let store = try fixture.makeStore()
        // Oleh has it open, on a reason, when the supervisor restricts it; so has Anna's colleague
        // with a note half written.
        var oleh = fixture.app("oleh.m", store)
        _ = oleh.perform([.openCase(CaseID(number: 2))])
        oleh.type("Covering Anna's interview today")
        oleh.press([.enter])
        XCTAssertEqual(oleh.topScreen.title, "HV-000002")
        oleh.press([.character("m")])
        XCTAssertEqual(oleh.topScreen.title, "Appointments")
        var writing = fixture.app("oleh.m", store)
        // (The in-memory store keeps a reason per user, so this second window opens it at once.)
        _ = writing.perform([.openCase(CaseID(number: 2))])
        XCTAssertEqual(writing.topScreen.title, "HV-000002")
        writing.press([.character("n")])
        writing.type("Встреча в пятницу")
        var maria = fixture.app("maria.s", store)
        _ = maria.perform([.openCase(CaseID(number: 2))])
        maria.press([.character("R")])
        XCTAssertEqual(maria.topScreen.title, "Restrict")
        maria.press([.down])
        maria.type("audit.e")
        maria.press([.down])
        maria.type("Publicised defector; threats received")
        maria.press([.control("s")])
        XCTAssertTrue(text(maria).contains("! audit.e is an auditor: only caseworkers and"), "beside the field: " + text(maria))
        // The cursor is on the field to fix.
        maria.press([.control("u")])
        maria.press([.control("s")])
        XCTAssertEqual(maria.topScreen.title, "HV-000002", text(maria))
        let restriction = try XCTUnwrap(try store.load(CaseID(number: 2)).record.restriction)
        XCTAssertEqual(restriction.team, [])
        XCTAssertEqual(restriction.reason, "Publicised defector; threats received")

        // Oleh: the open case closes; the names are masked in his lists, the finder does not
        // find the name, and the case does not open.
        oleh.storeDidChange(store.summaries())
        XCTAssertFalse(oleh.screens.contains { ["HV-000002", "Appointments"].contains($0.title) },
                       "the case and the appointments over it closed: \(oleh.screens.map(\.title))")
        XCTAssertNotEqual(store.accessLog(matching: AccessFilter(user: "oleh.m"), limit: 1).first?.outcome, .refused,
                          "closed before anything reloads it: no refused reading logged")
        XCTAssertTrue(text(oleh).contains("HV-000002 is now restricted to its team, and was closed here."), text(oleh))
        writing.storeDidChange(store.summaries())
        XCTAssertEqual(writing.topScreen.title, "Unsaved", "the case closed; the note is shown to copy")
        XCTAssertTrue(text(writing).contains("Встреча в пятницу"), text(writing))
        XCTAssertFalse(text(writing).contains("Щербаков"), text(writing))
        writing.press([.escape])
        XCTAssertFalse(writing.screens.contains { $0.title == "HV-000002" }, "no view of the case is left under it")
        oleh.press([.character("/")])
        oleh.type("Shcherbakov")
        XCTAssertFalse(text(oleh).contains("HV-000002"), text(oleh))
        oleh.press([.escape])
        _ = oleh.perform([.openCase(CaseID(number: 2))])
        XCTAssertNotEqual(oleh.topScreen.title, "HV-000002")
        XCTAssertTrue(text(oleh).contains("HV-000002 is restricted to its team; ask a supervisor."), text(oleh))
        XCTAssertEqual(store.accessLog(matching: AccessFilter(user: "oleh.m"), limit: 5).first?.outcome, .refused)
        // Anna, its caseworker, still sees and opens it.
        var anna = fixture.app("anna.k", store)
        _ = anna.perform([.openCase(CaseID(number: 2))])
        XCTAssertEqual(anna.topScreen.title, "HV-000002")
        XCTAssertTrue(text(anna).contains("Щербаков"), text(anna))
    }

    func testTheHistoryAndTheFamilyScreenAreRecordedAndAnAuditorReadsTheLog() throws {
        let store = try fixture.makeStore()
        var anna = fixture.app("anna.k", store)
        _ = anna.perform([.openCase(CaseID(number: 1))])
        anna.press([.character("0")])
        anna.press([.character("1")])
        anna.press([.character("0")])
        anna.press([.character("f")])
        XCTAssertEqual(anna.topScreen.title, "Family")
        XCTAssertEqual(store.accessLog(matching: AccessFilter(user: "anna.k"), limit: 10).map(\.part), [.family, .history, .caseRecord],
                       "the history once a view, the family screen each time")
        var auditor = fixture.app("audit.e", store)
        let areas = (auditor.topScreen as? HomeScreen)?.areas ?? []
        let access = try XCTUnwrap(areas.firstIndex(of: .access))
        for _ in 0..<access { auditor.press([.down]) }
        auditor.press([.enter])
        XCTAssertEqual(auditor.topScreen.title, "Access log")
        XCTAssertTrue(text(auditor).contains("Access log: 3 entries · everything"), text(auditor))
        auditor.press([.character("r")])
        XCTAssertTrue(text(auditor).contains("No entry matches"), text(auditor))
        auditor.press([.character("x")])
        auditor.press([.enter])
        XCTAssertTrue(text(auditor).contains("anna.k (caseworker), session"), text(auditor))
        // The auditor cannot open the case without a reason, like anyone it is not assigned to.
        _ = auditor.perform([.openCase(CaseID(number: 1))])
        XCTAssertEqual(auditor.topScreen.title, "Not your case")
    }
}

extension NeedToKnowScreenTests {
    /// A full reason says so at the next character, as every form's field does (a walk: the
    /// break-glass reason and the ranking's took no more, unsaid).
    func testAFullReasonSaysSo() throws {
        let store = try fixture.makeStore()
        var oleh = fixture.app("oleh.m", store)
        _ = oleh.perform([.openCase(CaseID(number: 1))])
        oleh.type(String(repeating: "я", count: 500))
        XCTAssertNil(oleh.status)
        oleh.type("!")
        XCTAssertEqual(oleh.status?.text, "The reason is full (500 characters): nothing more is taken.")
        XCTAssertEqual((oleh.topScreen as? BreakGlassScreen)?.reason.text.count, 500)
        oleh.press([.backspace])
        XCTAssertNil(oleh.status, "room again: nothing said")
    }
}
