import HavenCore
@testable import HavenTUI
import XCTest

final class ScreenTests: XCTestCase {
    static let context = SessionContext(user: "anna.k", today: CalendarDate(year: 2026, month: 11, day: 24)!,
                                        storeDescription: "Demo store: 3 cases")
    static let supervisor = SessionContext(user: "maria.s", today: CalendarDate(year: 2026, month: 11, day: 24)!,
                                           storeDescription: "Demo store: 3 cases", role: .supervisor)
    static let noStore = SessionContext(user: "anna.k", today: CalendarDate(year: 2026, month: 11, day: 24)!, storeDescription: "No store opened")

    static func summaries() -> [CaseSummary] {
        let today = CalendarDate(year: 2026, month: 11, day: 24)!
        let people: [(String, String, String, String, CaseStage)] = [
            ("Жуков", "Артём", "Zhukov", "Artem", .screening),
            ("Щербаков", "Владимир", "Shcherbakov", "Vladimir", .decision),
            ("Иванов", "Юрий", "Ivanov", "Iurii", .screening),
        ]
        return people.enumerated().map { index, person in
            var record = Case(id: CaseID(number: index + 1),
                              defector: Defector(cyrillicName: FullName(family: person.0, given: person.1),
                                                 latinName: FullName(family: person.2, given: person.3)),
                              registeredBy: "anna.k", registeredAt: Timestamp(date: today))
            record.stage = person.4
            return CaseSummary(StoredCase(record: record, version: CaseVersion(1), savedBy: "anna.k", savedAt: Timestamp(date: today)))
        }
    }

    func render(_ app: HavenApp, _ width: Int, _ height: Int) -> Canvas {
        var canvas = Canvas(size: Size(width: width, height: height))
        app.render(into: &canvas)
        return canvas
    }

    func press(_ keys: [Key], _ app: inout HavenApp, size: Size = Size(width: 80, height: 24)) -> AppCommand? {
        var last: AppCommand?
        for key in keys { last = app.handle(key, terminalSize: size) }
        return last
    }

    func testHomeScreenAt80x24() {
        let app = HavenApp(root: HomeScreen(cases: Self.summaries(), context: Self.supervisor), context: Self.supervisor)
        XCTAssertEqual(render(app, 80, 24).lines, [
            " Haven · Home                                              maria.s · 2026-11-24",
            " Areas                                                  Cases by stage",
            "> 1  Intake       Register a defector; duplicates flag…",
            "  2  Queues       Cases by stage, caseworker and count… Intake               0",
            "  3  Approvals    Proposed decisions and allocations w… Screening            2",
            "  4  Allocation   Quotas, the queue of granted cases, … Decision             1",
            "  5  Workload     Cases per caseworker by stage; overd… Allocation           0",
            "  6  Dashboard    Stages, quota use, decisions per wee… Relocation           0",
            "  7  Audit trail  Who changed what and when, by user, … Integration          0",
            "  8  Reports      Pipeline, quotas, workload, decision… Closed               0",
            "  9  Courses      Language courses: seats, waiting lis…",
            "     Jobs         Job openings and the candidates for … All cases            3",
            "     Access log   Who opened which case, when, and why",
            "     Families     Family members to bring, by next act…",
            "     Publicity    Stories told with consent, waiting f…",
            "     Retention    Closed cases due for erasure; two pe…",
            "",
            // The selected area's description whole, where its row cut it.
            " Register a defector; duplicates flagged across",
            " scripts",
            "", "", "",
            " Demo store: 3 cases",
            "? Help Enter Open / Find Down Move m My work q Quit",
        ])
    }

    func testSelectedRowIsVisibleWithoutColour() {
        var app = HavenApp(root: HomeScreen(cases: nil, context: Self.supervisor), context: Self.supervisor)
        _ = press([.down, .down], &app)
        let canvas = render(app, 80, 24)
        XCTAssertTrue(canvas.line(4).hasPrefix("> 3  Approvals"), canvas.line(4))
        XCTAssertTrue(canvas.styles(inRow: 4)[5..<14].allSatisfy { $0.reverse }, "the selected area's name is reverse video")
        XCTAssertFalse(canvas.styles(inRow: 3).contains { $0.reverse })
        XCTAssertTrue(canvas.styles(inRow: 0).allSatisfy { $0.reverse }, "the title bar stands out without colour")
    }

    func testHomeScreenAt40x12DropsThePanelAndKeepsEveryArea() {
        let app = HavenApp(root: HomeScreen(cases: Self.summaries(), context: Self.supervisor), context: Self.supervisor)
        XCTAssertEqual(render(app, 40, 12).lines, [
            " Haven · Home      maria.s · 2026-11-24",
            " Areas",
            "> 1  Intake       Register a defector;…",
            "  2  Queues       Cases by stage, case…",
            "  3  Approvals    Proposed decisions a…",
            "  4  Allocation   Quotas, the queue of…",
            "  5  Workload     Cases per caseworker…",
            "  6  Dashboard    Stages, quota use, d…",
            "  7  Audit trail  Who changed what and…",
            "  8  Reports      Pipeline, quotas, wo↓",
            " Demo store: 3 cases",
            "? Help Enter Open / Find q Quit",
        ])
        // The rest scroll into view with the selection: the last area, then the first again.
        var moved = app
        _ = press([.end], &moved, size: Size(width: 40, height: 12))
        let lines = render(moved, 40, 12).lines
        XCTAssertTrue(lines[9].hasPrefix(">    Retention"), lines.joined(separator: "\n"))
        XCTAssertTrue(lines[2].hasSuffix("↑"), lines[2])
        _ = press([.home], &moved, size: Size(width: 40, height: 12))
        XCTAssertEqual(render(moved, 40, 12).lines[2], "> 1  Intake       Register a defector;…")
    }

    func testTooSmallTerminalSaysSoAndStillQuits() {
        var app = HavenApp(root: HomeScreen(cases: nil), context: Self.noStore)
        XCTAssertEqual(render(app, 30, 8).lines, [
            "", "",
            "      Terminal too small",
            "      30x8; this screen",
            "         needs 40x12.",
            "  Enlarge it, or q to quit.",
            "", "",
        ])
        XCTAssertEqual(render(app, 1, 1).lines, ["…"], "even 1x1 draws inside the screen")
        let tiny = Size(width: 30, height: 8)
        XCTAssertEqual(app.handle(.character("?"), terminalSize: tiny), nil, "no help while too small")
        XCTAssertEqual(app.handle(.down, terminalSize: tiny), nil)
        XCTAssertEqual(app.handle(.character("q"), terminalSize: tiny), .redraw, "asks first")
        XCTAssertEqual(render(app, 30, 8).lines[5], "        Quit? y quits.", "the question is said where the screen shows")
        XCTAssertEqual(app.handle(.character("y"), terminalSize: tiny), .quit)
    }

    /// Too small, q is the quit the message offers, asked first: it never closes a form the
    /// person cannot see (a walk's q threw away a form's typing, unasked, and said nothing).
    func testQWhileTooSmallAsksToQuitAndKeepsTheForm() {
        var app = HavenApp(root: HomeScreen(cases: nil), context: Self.noStore)
        let form = FormScreen(title: "Where", heading: "Where",
                              form: Form(sections: [Form.Section(title: "Service", fields: [FormField("where", "Where", .text(maximumLength: 80))])])) { _, _ in .problems([]) }
        _ = app.perform([.push(form)])
        _ = press(Array("Харьков").map { .character($0) }, &app)
        let tiny = Size(width: 40, height: 10)
        XCTAssertEqual(app.handle(.character("q"), terminalSize: tiny), .redraw)
        XCTAssertEqual(app.topScreen.title, "Where", "the form is not closed")
        XCTAssertTrue(app.status?.text.hasPrefix("Quit Haven? y quits, any other key stays. Unsaved Where is kept") ?? false, app.status?.text ?? "")
        XCTAssertEqual(app.handle(.character("n"), terminalSize: tiny), .redraw)
        XCTAssertEqual(app.topScreen.title, "Where")
        XCTAssertEqual((app.topScreen as? FormScreen)?.form.value("where"), "Харьков", "typing as it was")
    }

    func testHelpIsGeneratedFromTheKeyTables() {
        var app = HavenApp(root: HomeScreen(cases: nil), context: Self.noStore)
        XCTAssertEqual(press([.character("?")], &app), .redraw)
        XCTAssertEqual(app.screens.count, 2)
        let help = render(app, 80, 24).lines
        XCTAssertEqual(help[0], " Haven · Home › Help                                        anna.k · 2026-11-24")
        XCTAssertEqual(help[1], " Keys on the Home screen")
        // Every binding of both tables is on the help screen, with all its keys, its text
        // whole (wrapped under itself where it is long), nothing cut.
        let home = HomeScreen(cases: nil)
        XCTAssertFalse(help.joined().contains("…"), help.joined(separator: "\n"))
        // The rest, one page down.
        _ = press([.pageDown], &app)
        let rest = render(app, 80, 24).lines
        XCTAssertFalse(rest.joined().contains("…"), rest.joined(separator: "\n"))
        _ = press([.home], &app)
        let joined = (help.dropLast(2) + rest.dropFirst(2).dropLast(2)).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            .replacingOccurrences(of: #" {2,}"#, with: " ", options: .regularExpression)
        let entries = home.keyTable.bindings.map { ($0.keys, $0.help) } + HavenApp.globalKeys.bindings.map { ($0.keys, $0.help) }
        for (keys, text) in entries {
            let names = keys.map { $0.description }.joined(separator: ", ")
            XCTAssertTrue(joined.contains(names + " " + text), "\(names) \(text)")
        }
        XCTAssertEqual(help[23], "? Help / Find Down Scroll q Back")
        XCTAssertEqual(press([.escape], &app), .redraw)
        XCTAssertEqual(app.screens.count, 1)
        XCTAssertEqual(press([.function(1)], &app), .redraw)
        XCTAssertEqual(app.screens.count, 2, "F1 opens help too")
    }

    /// `/` on help finds as you type: a key by its name, or entries by their words; Esc shows
    /// every key again.
    func testHelpFindsAKeyByNameOrWords() {
        var app = HavenApp(root: HomeScreen(cases: nil), context: Self.noStore)
        _ = press([.character("?"), .character("/")], &app)
        XCTAssertTrue(app.topScreen.capturesText, "letters are the query now")
        _ = press([.character("q")], &app)
        var lines = render(app, 80, 24).lines
        XCTAssertEqual(app.topScreen.title, "Help", "q typed into the query, not back")
        XCTAssertTrue(lines[1].hasPrefix(" Find: q"), lines[1])
        XCTAssertTrue(lines[1].contains("1 key found"), lines[1])
        XCTAssertTrue(lines.contains { $0.hasPrefix("   q, Esc") }, lines.joined(separator: "\n"))
        XCTAssertFalse(lines.contains { $0.contains("Ctrl-L") }, "only what is found")
        _ = press([.backspace], &app)
        for key in "repaint screen" { _ = press([.character(key)], &app) }
        lines = render(app, 80, 24).lines
        XCTAssertTrue(lines.contains { $0.hasPrefix("   Ctrl-L") }, lines.joined(separator: "\n"))
        XCTAssertEqual(lines.filter { $0.hasPrefix("   ") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count, 1)
        for key in " zz" { _ = press([.character(key)], &app) }
        XCTAssertTrue(render(app, 80, 24).lines[1].contains("nothing found: Esc shows every key"))
        _ = press([.escape], &app)
        XCTAssertEqual(app.topScreen.title, "Help", "Esc ends the search, not the help")
        XCTAssertEqual(render(app, 80, 24).lines[1], " Keys on the Home screen")
        XCTAssertTrue(HelpScreen.entry(HelpEntry(keys: "Ctrl-S, F2", text: "Save"), matches: "ctrl-s"))
        XCTAssertTrue(HelpScreen.entry(HelpEntry(keys: "n", text: "Add a note"), matches: "n"))
        XCTAssertFalse(HelpScreen.entry(HelpEntry(keys: "N", text: "Add a note"), matches: "n"), "one character is a key, as typed")
    }

    func testHelpScrollsWhenItDoesNotFit() {
        var app = HavenApp(root: HomeScreen(cases: nil), context: Self.noStore)
        let size = Size(width: 40, height: 12)
        _ = press([.character("?")], &app, size: size)
        var lines = render(app, 40, 12).lines
        XCTAssertEqual(lines[1], " Keys on the Home screen")
        XCTAssertEqual(lines[8], "                 area", "long help wraps under itself")
        XCTAssertEqual(lines[9], "                           more below ↓")
        _ = press([.end], &app, size: size)
        lines = render(app, 40, 12).lines
        XCTAssertEqual(lines[8], "                 messages before it", "the last line of the last entry, whole")
        XCTAssertFalse(lines.contains { $0.contains("more below") }, "nothing more below the last page")
        _ = press([.home], &app, size: size)
        XCTAssertEqual(render(app, 40, 12).lines[1], " Keys on the Home screen")
    }

    func testEscAndQGoBackThenQuit() {
        var app = HavenApp(root: HomeScreen(cases: nil), context: Self.noStore)
        _ = press([.character("?")], &app)
        XCTAssertEqual(press([.character("q")], &app), .redraw)
        // On the home screen q and Esc ask first: any key but y stays.
        XCTAssertEqual(press([.escape], &app), .redraw)
        XCTAssertTrue(app.confirmingQuit)
        XCTAssertEqual(app.status?.text, "Quit Haven? y quits, any other key stays.")
        XCTAssertEqual(press([.character("q")], &app), .redraw, "a second q does not quit")
        XCTAssertEqual(app.status?.text, "Still here: nothing was closed.")
        XCTAssertEqual(press([.character("q"), .character("y")], &app), .quit)
        var other = HavenApp(root: HomeScreen(cases: nil), context: Self.noStore)
        XCTAssertEqual(press([.control("c")], &other), .quit, "nothing unsaved: Ctrl-C quits at once")
        XCTAssertEqual(press([.control("z")], &other), .suspend)
        XCTAssertEqual(press([.control("l")], &other), .repaint)
        XCTAssertNil(press([.character("z")], &other), "an unbound key does nothing")
    }

    /// The interface hides what a role cannot do: each role's home lists only its areas.
    func testEachRoleSeesOnlyItsAreas() {
        XCTAssertEqual(HomeArea.areas(for: .caseworker), [.intake, .queues, .courses, .jobs, .reunification])
        XCTAssertEqual(HomeArea.areas(for: .supervisor), [.intake, .queues, .approvals, .allocation, .workload, .dashboard, .audit, .reports,
                                                          .courses, .jobs, .access, .reunification, .publicity, .retention])
        XCTAssertEqual(HomeArea.areas(for: .administrator), [.queues, .allocation, .dashboard, .audit, .reports, .users, .courses, .jobs, .retention])
        XCTAssertEqual(HomeArea.areas(for: .auditor), [.queues, .approvals, .allocation, .workload, .dashboard, .audit, .reports, .courses, .jobs,
                                                          .access])
        var app = HavenApp(root: HomeScreen(cases: Self.summaries(), context: Self.noStore), context: Self.noStore)
        _ = press([.character("6")], &app)
        XCTAssertEqual(app.screens.count, 1, "a caseworker has no sixth area")
        // Number keys open the first nine areas; a tenth is reached with the arrows.
        let home = HomeScreen(cases: nil, context: Self.supervisor)
        XCTAssertNotNil(home.keyTable.action(for: .character("9")))
        XCTAssertNil(home.keyTable.action(for: .character("0")))
    }

    func testFindingTakesCyrillicAndTransliterations() {
        var app = HavenApp(root: HomeScreen(cases: Self.summaries()), context: Self.context)
        _ = press([.character("/")] + "Щерб".map { Key.character($0) }, &app)
        var lines = render(app, 80, 24).lines
        XCTAssertEqual(lines[1], " Find: Щерб                                                              1 of 3")
        XCTAssertEqual(lines[3], " Case      Name                        Latin                        Stage")
        XCTAssertEqual(lines[4], ">HV-000002 Щербаков Владимир           Shcherbakov Vladimir         Decision")
        XCTAssertEqual(lines[23], "F1 Help Enter Open Esc Close Down Move", "q and ? are text while finding")
        _ = press([.control("u")] + "yury q?".map { Key.character($0) }, &app)
        lines = render(app, 80, 24).lines
        XCTAssertTrue(lines[1].hasPrefix(" Find: yury q?"), "q and ? went into the query")
        _ = press([.control("u")] + "Iouri".map { Key.character($0) }, &app)
        XCTAssertEqual(render(app, 80, 24).line(4), ">HV-000003 Иванов Юрий                 Ivanov Iurii                 Screening")
        _ = press([.control("u")] + "Petrov".map { Key.character($0) }, &app)
        XCTAssertEqual(render(app, 80, 24).line(4), " No case matches \"Petrov\".")
        _ = press([.escape], &app)
        XCTAssertEqual(render(app, 80, 24).line(1), " Areas                                                  Cases by stage")
    }

    /// The name index is built on another thread beside the first screen; a name typed before
    /// it is ready finds the same cases: the finder builds the index itself when the build has
    /// not begun (here it is held back), and waits for it when it has.
    func testFindingBeforeTheNameIndexIsBuiltFindsTheSameCases() {
        nonisolated(unsafe) var held: [@Sendable () -> Void] = []
        HomeScreen.startingSearchIndexBuild = { held.append($0) }
        defer { HomeScreen.startingSearchIndexBuild = nil }
        var app = HavenApp(root: HomeScreen(cases: Self.summaries()), context: Self.context)
        XCTAssertEqual(held.count, 1, "the build was handed to another thread, not done before the first screen")
        XCTAssertEqual(render(app, 80, 24).line(1), " Areas                                                  Cases by stage")
        _ = press([.character("/")] + "Щерб".map { Key.character($0) }, &app)
        var lines = render(app, 80, 24).lines
        XCTAssertEqual(lines[1], " Find: Щерб                                                              1 of 3")
        XCTAssertEqual(lines[4], ">HV-000002 Щербаков Владимир           Shcherbakov Vladimir         Decision")
        // The held build's turn comes after the finder built the index: nothing changes.
        held.forEach { $0() }
        _ = press([.control("u")] + "Iouri".map { Key.character($0) }, &app)
        lines = render(app, 80, 24).lines
        XCTAssertEqual(lines[4], ">HV-000003 Иванов Юрий                 Ivanov Iurii                 Screening")
    }

    func testFindingWithoutAStoreExplains() {
        var app = HavenApp(root: HomeScreen(cases: nil), context: Self.noStore)
        _ = press([.character("/")], &app)
        XCTAssertEqual(render(app, 80, 24).line(22), " No store is open, so there are no cases to find.")
    }

    /// A text field that is full says so at the next character, which goes nowhere else (a
    /// walk's last letters were dropped unsaid, and the case saved cut short).
    func testAFullTextFieldSaysSoAndTakesNothingMore() {
        var screen = FormScreen(title: "Where", heading: "Where",
                                form: Form(sections: [Form.Section(title: "Service", fields: [FormField("where", "Where", .text(maximumLength: 5))])])) { _, _ in .problems([]) }
        for letter in "Харьк" { XCTAssertEqual(screen.handleUnboundKey(.character(letter))?.count ?? 0, 0) }
        XCTAssertEqual(screen.form.value("where"), "Харьк")
        let said = screen.handleUnboundKey(.character("о"))
        guard case let .status(text, kind)? = said?.first else { return XCTFail("\(String(describing: said))") }
        XCTAssertEqual(text, "Where is full (5 characters): nothing more is taken.")
        XCTAssertEqual(kind, .warning)
        XCTAssertEqual(screen.form.value("where"), "Харьк")
        XCTAssertEqual(screen.handleUnboundKey(.backspace)?.count ?? 0, 0, "room again: nothing said")
        XCTAssertEqual(screen.form.value("where"), "Харь")
    }

    /// A section's text is read whole, wrapped to the width, not cut as a title is (the
    /// Return form's reasons were cut at one line: a review).
    func testASectionsTextIsWrappedWhole() {
        let reasons = "Reasons: Рассказ последователен, подтверждён справкой из части и показаниями двух свидетелей; риск при возвращении высок."
        let form = Form(sections: [Form.Section(title: "What is answered", fields: [], text: [reasons]),
                                   Form.Section(title: "Return", fields: [FormField("comment", "Comment", .text(maximumLength: 2000))])])
        var canvas = Canvas(size: Size(width: 60, height: 16))
        form.render(into: &canvas, area: Rect(x: 0, y: 0, width: 60, height: 16))
        let shown = canvas.lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertTrue(shown.contains("свидетелей; риск при возвращении высок."), canvas.lines.joined(separator: "\n"))
        XCTAssertTrue(canvas.lines.allSatisfy { DisplayWidth.of($0) <= 60 })
    }
}
