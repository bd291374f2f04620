import HavenCore
@testable import HavenTUI
import XCTest

/// Retention through the screens (issue 24): a supervisor sees what is due, proposes, cannot
/// approve her own proposal; the administrator approves by typing the case number, and the
/// case reads "(erased)" in the lists and as a tombstone when opened.
final class RetentionScreenTests: XCTestCase {
    let fixture = SupervisorScreensTests(name: "fixture", testClosure: { _ in })

    func text(_ app: HavenApp) -> String { app.lines.joined(separator: "\n") }

    /// The fixture's store, with HV-000003 closed six years ago (due under the five-year rule)
    /// and HV-000002 closed today (due only on request).
    func storeWithClosedCases() throws -> InMemoryCaseStore {
        let store = try fixture.makeStore()
        let maria = Actor(user: "maria.s", role: .supervisor)
        let longAgo = Timestamp(date: SupervisorScreensTests.today.adding(months: -72), hour: 9)
        for (number, at) in [(3, longAgo), (2, SupervisorScreensTests.tick)] {
            let stored = try store.load(CaseID(number: number))
            var record = stored.record
            record.stage = .closed
            record.stageHistory.append(StageChange(stage: .closed, at: at, by: maria.user, transition: .close))
            record.closure = Closure(reason: .withdrawn, details: "Уехал")
            _ = try store.save(record, basedOn: stored.version, by: maria, at: SupervisorScreensTests.tick)
        }
        return store
    }

    func testASupervisorProposesAndAnotherPersonErasesThroughTheScreens() throws {
        let store = try storeWithClosedCases()
        var maria = fixture.app("maria.s", store)
        XCTAssertTrue(text(maria).contains("Retention"), "the area is on the supervisor's home screen: " + text(maria))
        _ = maria.perform([.push(RetentionScreen(context: fixture.context("maria.s")))])
        XCTAssertTrue(text(maria).contains("Retention: 0 proposed, 1 due"), text(maria))
        XCTAssertTrue(text(maria).contains("HV-000003  closed"), text(maria))
        XCTAssertFalse(text(maria).contains("HV-000002"), "closed today: not due under any rule")
        // The due case, under its own rule; too short a reason is refused beside the field.
        maria.press([.character("p")])
        XCTAssertEqual(maria.topScreen.title, "Propose erasure")
        XCTAssertTrue(text(maria).contains("HV-000003"), text(maria))
        maria.press([.down, .down])
        maria.type("Review")
        maria.press([.control("s")])
        XCTAssertTrue(text(maria).contains("in at least 10"), text(maria))
        maria.type(" of December 2026")
        maria.press([.control("s")])
        XCTAssertEqual(maria.topScreen.title, "Retention", text(maria))
        XCTAssertTrue(text(maria).contains("Proposed: erase HV-000003 (rule closed); a second person approves."), text(maria))
        XCTAssertTrue(text(maria).contains("HV-000003: closed 2020-11-24 as Claim withdrawn by the person. Proposed by"), "the selected row whole, under the list: " + text(maria))
        XCTAssertTrue(text(maria).contains("Retention: 1 proposed, 0 due"), text(maria))
        // On request: HV-000002, typed, with the on-request rule.
        maria.press([.character("p")])
        maria.type("HV-000002")
        maria.press([.down])
        for _ in 0..<4 where !(maria.topScreen as? FormScreen).map({ $0.form.value("rule") == "on-request" })! { maria.press([.right]) }
        maria.press([.down])
        maria.type("Asked for deletion in writing")
        maria.press([.control("s")])
        XCTAssertTrue(text(maria).contains("Retention: 2 proposed"), text(maria))
        // Her own proposal she may not approve.
        maria.press([.character("a")])
        XCTAssertTrue(text(maria).contains("you proposed it; another supervisor or administrator approves"), text(maria))
        XCTAssertEqual(maria.topScreen.title, "Retention")

        // Oleh, its caseworker, is writing a note on HV-000003 while it is erased: what she typed goes with it.
        var oleh = fixture.app("oleh.m", store)
        _ = oleh.perform([.openCase(CaseID(number: 3))])
        oleh.press([.character("n")])
        oleh.type("Живёт у сестры в Туле")
        XCTAssertTrue(text(oleh).contains("Живёт у сестры"), text(oleh))

        // The administrator approves HV-000003, typing its number.
        var root = fixture.app("root", store)
        XCTAssertTrue(text(root).contains("Retention"), text(root))
        _ = root.perform([.push(RetentionScreen(context: fixture.context("root")))])
        XCTAssertTrue(text(root).contains("HV-000003  closed") && text(root).contains("by maria.s"), text(root))
        root.press([.character("a")])
        XCTAssertEqual(root.topScreen.title, "Approve erasure")
        root.type("HV-000004")
        root.press([.control("s")])
        XCTAssertTrue(text(root).contains("Type HV-000003 to erase it"), text(root))
        root.press([.control("u")])
        root.type("hv-000003")
        root.press([.control("s")])
        XCTAssertEqual(root.topScreen.title, "Retention", text(root))
        // The erasure runs as a job: the status line says what is under way, then what was done.
        XCTAssertTrue(root.isWorking)
        XCTAssertTrue(text(root).contains("Erasing HV-000003 (Esc stops): 0/1 ············ saving what remains"), text(root))
        while root.isWorking { root.work() }
        XCTAssertTrue(text(root).contains("HV-000003 erased"), text(root))
        XCTAssertTrue(text(root).contains("Retention: 1 proposed, 0 due"), text(root))
        XCTAssertTrue(try store.load(CaseID(number: 3)).record.isErased)
        // The other proposal withdrawn; the lists read "(erased)"; the case opens as its tombstone.
        root.press([.character("w")])
        XCTAssertTrue(text(root).contains("Withdrawn: the erasure of HV-000002"), text(root))
        XCTAssertTrue(store.erasureProposals().isEmpty)
        XCTAssertEqual(store.summaries().first { $0.id == CaseID(number: 3) }?.latinName, Erasure.listName)
        _ = maria.perform([.openCase(CaseID(number: 3))])
        XCTAssertTrue(text(maria).contains("HV-000003 (erased)"), text(maria))
        XCTAssertTrue(text(maria).contains("Erased on \(SupervisorScreensTests.today) under rule closed"), text(maria))
        XCTAssertFalse(text(maria).contains("Иванов"), text(maria))
        // Oleh's view of it closes, his note neither kept nor shown; opened again, the case
        // shows what remains and offers nothing to change.
        oleh.storeDidChange(store.summaries())
        XCTAssertEqual(oleh.topScreen.title, "Erased", "a page that stays until Esc: " + text(oleh))
        XCTAssertTrue(text(oleh).contains("HV-000003 was erased; what was open on it closed, and what was typed is gone."), text(oleh))
        XCTAssertFalse(text(oleh).contains("Живёт у сестры"), text(oleh))
        XCTAssertTrue(try store.drafts(for: "oleh.m").isEmpty)
        oleh.press([.enter, .character("x")])
        XCTAssertEqual(oleh.topScreen.title, "Erased", "keys typed meanwhile fall on nothing")
        oleh.press([.escape])
        _ = oleh.perform([.openCase(CaseID(number: 3))])
        XCTAssertTrue(text(oleh).contains("Why closed        Claim withdrawn by the person"), text(oleh))
        XCTAssertFalse(text(oleh).contains("Rank") || text(oleh).contains("Custody") || text(oleh).contains(" n Note"), text(oleh))
        oleh.press([.character("n")])
        XCTAssertFalse(text(oleh).contains("New note"), text(oleh))
        // Its history keeps who changed what and when, the values erased.
        oleh.press([.character("0")])
        XCTAssertTrue(text(oleh).contains("(erased)") && text(oleh).contains("maria.s"), text(oleh))
        XCTAssertFalse(text(oleh).contains("Иванов") || text(oleh).contains("erased:sha256"), text(oleh))
        // A caseworker has no such area.
        XCTAssertFalse(fixture.app("anna.k", store).lines.joined().contains("Retention"))
    }

    /// Another session's save reads the proposals again but keeps the due list, which costs a
    /// read of every long-closed case; a case closed or erased meanwhile reads it whole again.
    func testAStoreChangeKeepsTheDueListUnlessTheClosedCasesChanged() throws {
        let store = try storeWithClosedCases()
        var screen = RetentionScreen(context: fixture.context("maria.s"))
        func read(_ commands: [Command]) -> ReadRetention? {
            guard case let .run(task)? = commands.first else { return nil }
            return task as? ReadRetention
        }
        XCTAssertNil(try XCTUnwrap(read(screen.start())).keepingDue)
        let session = SessionServices(context: fixture.context("maria.s"), store: store)
        for command in try XCTUnwrap(read(screen.storeDidChange(store.summaries()))).run(in: session) {
            if case let .message(message) = command { _ = screen.receive(message) }
        }
        XCTAssertEqual(screen.dueCases.map(\.caseID), [CaseID(number: 3)])
        XCTAssertEqual(read(screen.storeDidChange(store.summaries()))?.keepingDue?.map(\.caseID), [CaseID(number: 3)], "nothing closed meanwhile")
        var closing = try store.load(CaseID(number: 1))
        closing.record.stage = .closed
        _ = try store.save(closing.record, basedOn: closing.version, by: Actor(user: "maria.s", role: .supervisor), at: SupervisorScreensTests.tick)
        XCTAssertNil(read(screen.storeDidChange(store.summaries()))?.keepingDue, "a case closed: the due list is worked out again")
    }
}
