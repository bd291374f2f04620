import HavenCore
@testable import HavenTUI
import XCTest

/// A status line cut at the terminal's width says so, and Ctrl-P reads it whole, with the
/// messages before it, from any screen, a form being typed in included (a walk: at 60 columns
/// no key read a long status line whole).
final class StatusMessagesTests: XCTestCase {
    func app() -> HavenApp {
        var app = HavenApp(root: HomeScreen(cases: ScreenTests.summaries(), context: ScreenTests.context), context: ScreenTests.context,
                           store: InMemoryCaseStore())
        let form = FormScreen(title: "Where", heading: "Where",
                              form: Form(sections: [Form.Section(title: "Service", fields: [FormField("where", "Where", .text(maximumLength: 80))])])) { _, _ in .problems([]) }
        _ = app.perform([.push(form)])
        return app
    }

    func lines(_ app: HavenApp, _ width: Int, _ height: Int) -> [String] {
        var canvas = Canvas(size: Size(width: width, height: height))
        app.render(into: &canvas)
        return canvas.lines
    }

    func testACutStatusLineSaysWhereToReadItWholeAndCtrlPReadsIt() {
        var app = app()
        app.type("Харьков")
        let long = "Not saved: maria.s changed HV-000002 Щербаков Владимир at 2026-11-24 10:15 UTC; Ctrl-R reloads, your typing is kept."
        _ = app.perform([.status("Saved HV-000001.", .info)])
        _ = app.perform([.status(long, .error)])
        let small = Size(width: 60, height: 16)
        let status = lines(app, 60, 16)[14]
        XCTAssertTrue(status.hasSuffix("Щербаков Влад… Ctrl-P"), status)
        XCTAssertLessThanOrEqual(DisplayWidth.of(status), 60)
        XCTAssertEqual(lines(app, 200, 24)[22].trimmingCharacters(in: .whitespaces), long, "whole where it fits, no hint")

        _ = app.handle(.control("p"), terminalSize: small)
        XCTAssertEqual(app.topScreen.title, "Messages")
        let page = lines(app, 60, 16)
        XCTAssertTrue(page[1].contains("Messages · 2 this session, newest first, times UTC"), page.joined(separator: "\n"))
        let shown = page.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertTrue(shown.contains("✗ Not saved: maria.s changed HV-000002 Щербаков"), shown)
        XCTAssertTrue(shown.contains("your typing is kept."), "read to its end, wrapped: \(shown)")
        XCTAssertLessThan(shown.range(of: "Not saved")!.lowerBound, shown.range(of: "Saved HV-000001.")!.lowerBound, "newest first")

        _ = app.handle(.escape, terminalSize: small)
        XCTAssertEqual(app.topScreen.title, "Where", "back to the form")
        XCTAssertEqual((app.topScreen as? FormScreen)?.form.value("where"), "Харьков", "the typing is as it was")
    }

    func testTheSameMessageInARowIsCountedAndTheOldestGo() {
        var messages = StatusMessages()
        let at = Timestamp(date: CalendarDate(year: 2026, month: 11, day: 24)!, hour: 9, minute: 5, second: 7)
        messages.record("Saved.", kind: .info, at: at)
        messages.record("Saved.", kind: .info, at: Timestamp(secondsSinceEpoch: at.secondsSinceEpoch + 3))
        messages.record("Saved.", kind: .warning, at: at)
        XCTAssertEqual(messages.entries.map(\.times), [2, 1])
        let page = messages.screen()
        XCTAssertEqual(page.paragraphs, ["09:05:07  ! Saved.", "09:05:07  Saved. (×2, last 09:05:10)"])
        XCTAssertEqual(messages.count, 3, "every message said, repeats too")
        for index in 0..<(StatusMessages.limit + 5) { messages.record("m\(index)", kind: .info, at: at) }
        XCTAssertEqual(messages.entries.count, StatusMessages.limit)
        XCTAssertEqual(messages.entries.first?.text, "m5")
        XCTAssertEqual(StatusMessages().screen().heading, "Messages · none yet this session")
    }

    /// A long job's progress is not kept line by line; how it ended is.
    func testAJobsProgressIsNotKept() {
        var app = app()
        app.job = CountingJob()
        app.work()
        app.work()
        XCTAssertTrue(app.status?.text.contains("Counting") ?? false)
        XCTAssertEqual(app.messages.entries.map(\.text), [])
        app.work()
        XCTAssertEqual(app.messages.entries.map(\.text), ["Counted 2."])
    }
}

/// Two slices of work, then done.
struct CountingJob: BackgroundJob {
    var done = 0
    let title = "Counting"
    mutating func step(store: any CaseStore, context: SessionContext, now: Timestamp) -> JobStep {
        guard done < 2 else { return .finished(message: "Counted 2.", failed: false) }
        done += 1
        return .working(phase: "counting", done: done, total: 2)
    }
}

extension StatusMessagesTests {
    /// A y/n question cut at 60 columns is read whole with Ctrl-P, and is asked again, said
    /// whole on the line, when Messages closes: y still answers it, seen (help waits instead).
    func testAQuestionReadWholeIsStillAskedAfter() {
        var app = HavenApp(root: HomeScreen(cases: ScreenTests.summaries(), context: ScreenTests.context), context: ScreenTests.context,
                           store: InMemoryCaseStore())
        let question = "Propose for all 60 waiting? y, l: no look-ahead, n · for another's approval"
        _ = app.perform([.status(question, .warning)])
        let small = Size(width: 60, height: 16)
        _ = app.handle(.control("p"), terminalSize: small)
        XCTAssertEqual(app.topScreen.title, "Messages")
        _ = app.handle(.down, terminalSize: small)
        _ = app.handle(.escape, terminalSize: small)
        XCTAssertEqual(app.topScreen.title, "Home")
        XCTAssertEqual(app.status?.text, question, "said again on coming back")
        XCTAssertEqual(app.messages.entries.map(\.times), [1], "not counted twice")
    }
}

extension StatusMessagesTests {
    /// A form's discard question takes every key, Ctrl-P too before (a review); now Ctrl-P
    /// reads it, a second Ctrl-P opens no second page, and on closing the page the question
    /// is said again and y still answers it.
    func testAFormsQuestionIsReadWholeAndStillAnswered() {
        var app = app()
        app.type("Харьков")
        app.press([.escape])
        let question = "Throw away this form? y discards, n keeps it."
        XCTAssertEqual(app.status?.text, question)
        app.press([.control("p")])
        XCTAssertEqual(app.topScreen.title, "Messages")
        app.press([.control("p")])
        XCTAssertEqual(app.screens.map(\.title), ["Home", "Where", "Messages"], "no second page")
        app.press([.escape])
        XCTAssertEqual(app.topScreen.title, "Where")
        XCTAssertEqual(app.status?.text, question, "said again")
        app.press([.character("y")])
        XCTAssertEqual(app.topScreen.title, "Home", "y still answers it")
    }

    /// Something said while the page is open is not covered on closing by what the line said
    /// before (it is in Messages, newest first); the line is left clear.
    func testWhatIsSaidMeanwhileIsNotCoveredOnClosing() {
        var app = app()
        _ = app.perform([.status("First.", .info)])
        app.press([.control("p")])
        app.say("Saved HV-000002 in another session.", .info)
        app.press([.escape])
        XCTAssertEqual(app.topScreen.title, "Where")
        XCTAssertNil(app.status, "neither put back nor covered: said already, and kept in Messages")
        XCTAssertEqual(app.messages.entries.last?.text, "Saved HV-000002 in another session.")
    }

    /// Messages name cases: when a case is closed to the reader (restricted away, erased),
    /// what was said goes, with an open Messages page, though no screen showed that case.
    func testMessagesGoWhenACaseIsClosedToTheReader() {
        var app = app()
        var summaries = ScreenTests.summaries()
        _ = app.perform([.status("Saved HV-000002 Щербаков Владимир.", .info)])
        app.press([.control("p")])
        XCTAssertEqual(app.topScreen.title, "Messages")
        app.forgetMessagesClosedToReader(summaries)
        XCTAssertEqual(app.messages.entries.count, 1, "nothing closed: kept")
        summaries[1].restriction = RestrictionSummary(team: ["oleh.m"])
        summaries[1].cyrillicName = NeedToKnow.maskedName
        summaries[1].latinName = NeedToKnow.maskedName
        // The first change this session sees (a review: the first look only noted what was
        // closed, and a restriction seen first kept every message).
        app.storeDidChange(summaries)
        XCTAssertTrue(app.messages.entries.isEmpty)
        XCTAssertEqual(app.topScreen.title, "Where", "the page reading them closed")
        app.press([.control("p")])
        XCTAssertFalse(app.lines.joined().contains("Щербаков"), app.lines.joined(separator: "\n"))
    }

    /// A message said while a job runs is kept; the job's progress is not.
    func testAMessageSaidDuringAJobIsKept() {
        var app = app()
        app.job = CountingJob()
        app.work()
        app.say("HV-000003 is now restricted to its team, and was closed here.", .warning)
        app.work()
        app.work()
        XCTAssertEqual(app.messages.entries.map(\.text), ["HV-000003 is now restricted to its team, and was closed here.", "Counted 2."])
    }
}

extension StatusMessagesTests {
    /// Help over Messages, then Ctrl-P: still one page, which the clean-up finds (a review: a
    /// second page left the first untracked, reading on after a restriction).
    func testMessagesUnderHelpStayOnePage() {
        var app = app()
        _ = app.perform([.status("Saved HV-000002 Щербаков Владимир.", .info)])
        app.press([.control("p"), .character("?"), .control("p")])
        XCTAssertEqual(app.screens.filter { $0.title == "Messages" }.count, 1, app.screens.map(\.title).joined(separator: " › "))
        var summaries = ScreenTests.summaries()
        summaries[1].restriction = RestrictionSummary(team: ["oleh.m"])
        summaries[1].cyrillicName = NeedToKnow.maskedName
        summaries[1].latinName = NeedToKnow.maskedName
        app.storeDidChange(summaries)
        XCTAssertFalse(app.screens.contains { $0.title == "Messages" }, app.screens.map(\.title).joined(separator: " › "))
    }

    /// Too small: Esc on a screen with nothing typed goes back as ever; on a typed form it asks
    /// to quit, saying there whether the typing is kept. No Ctrl-P hint while a job runs.
    func testTooSmallEscAndTheJobsLine() {
        var app = HavenApp(root: HomeScreen(cases: ScreenTests.summaries(), context: ScreenTests.context), context: ScreenTests.context,
                           store: InMemoryCaseStore())
        let tiny = Size(width: 40, height: 10)
        _ = app.perform([.push(TextViewScreen(title: "Wide", heading: "Wide", text: "x"))])
        _ = app.handle(.escape, terminalSize: Size(width: 20, height: 5))
        XCTAssertEqual(app.topScreen.title, "Home", "nothing typed: back")
        _ = app.perform([.push(FormScreen(title: "Where", heading: "Where",
                                          form: Form(sections: [Form.Section(title: "S", fields: [FormField("where", "Where", .text(maximumLength: 80))])])) { _, _ in
            .problems([])
        })])
        app.type("Харьков")
        _ = app.handle(.escape, terminalSize: tiny)
        XCTAssertEqual(app.topScreen.title, "Where", "typed: not closed unseen")
        XCTAssertTrue(lines(app, 40, 10).contains { $0.contains("Quit? y quits, typing kept") }, lines(app, 40, 10).joined(separator: "\n"))
        _ = app.handle(.character("n"), terminalSize: tiny)
        app.job = CountingJob()
        app.say(String(repeating: "Batch allocation (Esc stops): ", count: 4), .info)
        XCTAssertFalse(lines(app, 80, 24)[22].contains("Ctrl-P"), "Ctrl-P is not taken while a job runs")
    }
}

extension StatusMessagesTests {
    /// The same line set again while it stands is one message; said again after the line was
    /// cleared, it is counted (a walk: every save read "(×2)").
    func testTheSameLineSetAgainIsOneMessage() {
        var app = app()
        _ = app.perform([.status("Saved HV-000001 as v2.", .info), .status("Saved HV-000001 as v2.", .info)])
        XCTAssertEqual(app.messages.entries.map(\.times), [1])
        app.press([.down])
        _ = app.perform([.status("Saved HV-000001 as v2.", .info)])
        XCTAssertEqual(app.messages.entries.map(\.times), [2])
    }
}
