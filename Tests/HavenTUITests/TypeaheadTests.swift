import HavenCore
@testable import HavenTUI
import XCTest

/// Input first, then one frame (issue 22): keys typed ahead on a slow link arrive together, and
/// the run loop takes all of them before it draws.
final class TypeaheadTests: XCTestCase {
    static let size = Size(width: 80, height: 24)
    static let pageDowns = [TerminalEvent](repeating: .key(.pageDown), count: 12)

    /// A supervisor on the queue of all cases, 2,000 of them.
    func queueOfAllCases() -> HavenApp {
        let today = ScreenTests.supervisor.today
        let cases = (1...2000).map { number in
            CaseSummary(id: CaseID(number: number), cyrillicName: "Петров Пётр \(number)", latinName: "Petrov Petr \(number)",
                        stage: .screening, stageEnteredAt: Timestamp(date: today), assignedTo: "anna.k", country: nil,
                        version: CaseVersion(1))
        }
        return HavenApp(root: QueueScreen(cases: cases, context: ScreenTests.supervisor, onlyMine: false),
                        context: ScreenTests.supervisor)
    }

    func testTwelvePageDownsTypedAheadCostOneFrame() {
        var typedAhead = queueOfAllCases()
        let burst = ScriptedTerminal(size: Self.size, bursts: [Self.pageDowns])
        XCTAssertEqual(TerminalSession.run(&typedAhead, on: burst), .inputClosed)
        XCTAssertEqual(burst.frames.count, 2, "the first frame, then one for all twelve pages")

        var oneAtATime = queueOfAllCases()
        let keys = ScriptedTerminal(size: Self.size, events: Self.pageDowns)
        XCTAssertEqual(TerminalSession.run(&oneAtATime, on: keys), .inputClosed)
        XCTAssertEqual(keys.frames.count, 13, "a key at a time, a frame for each key, as before")

        XCTAssertEqual(burst.frames.last?.cells, keys.frames.last?.cells, "the same screen, styles and all, either way")
        XCTAssertTrue(burst.frames[1].lines.contains { $0.contains("of 2000") && $0.contains("-") }, burst.frames[1].lines.joined(separator: "\n"))
        XCTAssertNotEqual(burst.frames[0].lines, burst.frames[1].lines)
    }

    /// Ctrl-C in the middle of a burst quits there: the keys typed behind it are never handed
    /// to the app (the real terminal then discards them on restore, so the shell never gets
    /// them; `TerminalBytesTests` checks that end to end).
    func testAQuitInTheMiddleOfABurstLeavesTheKeysBehindItUntaken() {
        var app = HavenApp(root: HomeScreen(cases: nil), context: ScreenTests.noStore)
        let terminal = ScriptedTerminal(size: Self.size, bursts: [[.key(.down), .key(.control("c")), .key(.down), .key(.character("x"))]])
        XCTAssertEqual(TerminalSession.run(&app, on: terminal), .quit)
        XCTAssertEqual(terminal.frames.count, 1, "no frame for a burst that quits")
        XCTAssertEqual(terminal.untaken, [.key(.down), .key(.character("x"))])
    }

    /// The same with the question asked first: q on the home screen asks, y in the burst answers.
    func testQuitAskedAndAnsweredInOneBurst() {
        var app = HavenApp(root: HomeScreen(cases: nil), context: ScreenTests.noStore)
        let terminal = ScriptedTerminal(size: Self.size, bursts: [[.key(.character("q")), .key(.character("y")), .key(.character("J"))]])
        XCTAssertEqual(TerminalSession.run(&app, on: terminal), .quit)
        XCTAssertEqual(terminal.untaken, [.key(.character("J"))])
    }

    func testASignalInABurstEndsTheSessionAtOnce() {
        var app = queueOfAllCases()
        let terminal = ScriptedTerminal(size: Self.size, bursts: [[.key(.pageDown), .signal(15), .key(.pageDown)]])
        XCTAssertEqual(TerminalSession.run(&app, on: terminal), .signal(15))
        XCTAssertEqual(terminal.frames.count, 1)
        XCTAssertEqual(terminal.untaken, [.key(.pageDown)])
    }

    func testAResizeInABurstIsDrawnOnceAtTheNewSize() {
        var app = queueOfAllCases()
        let wider = Size(width: 100, height: 30)
        let terminal = ScriptedTerminal(size: Self.size, bursts: [[.key(.down), .resize(wider), .key(.pageDown)]])
        XCTAssertEqual(TerminalSession.run(&app, on: terminal), .inputClosed)
        XCTAssertEqual(terminal.frames.map(\.size), [Self.size, wider])
    }

    /// Ctrl-Z ends the burst: the screen is drawn again when Haven is back, then the keys
    /// behind it are taken.
    func testSuspendInABurstRepaintsBeforeTheKeysBehindIt() {
        var app = queueOfAllCases()
        let terminal = ScriptedTerminal(size: Self.size, bursts: [[.key(.control("z")), .key(.pageDown), .key(.pageDown)]])
        XCTAssertEqual(TerminalSession.run(&app, on: terminal), .inputClosed)
        XCTAssertEqual(terminal.suspensions, 1)
        XCTAssertEqual(terminal.invalidations, 1)
        XCTAssertEqual(terminal.frames.count, 3, "the first frame, the repaint after fg, then both pages in one")
    }

    /// A long paste still shows progress: the loop draws after a quarter of a second of
    /// typeahead (on the session's clock) even when more is waiting, and takes every key.
    func testALongBurstStillDrawsEveryQuarterSecond() {
        var app = queueOfAllCases()
        let terminal = ScriptedTerminal(size: Self.size, bursts: [[TerminalEvent](repeating: .key(.down), count: 100)])
        var now = 0
        // Every look at the clock is 10 ms later: each key costs at least that.
        XCTAssertEqual(TerminalSession.run(&app, on: terminal, clock: { now += 10; return now }), .inputClosed)
        XCTAssertEqual(terminal.untaken, [])
        XCTAssertGreaterThan(terminal.frames.count, 3)
        XCTAssertLessThan(terminal.frames.count, 12)
        XCTAssertTrue(terminal.frames.last!.lines.contains { $0.hasPrefix(">HV-000101") }, terminal.frames.last!.lines.joined(separator: "\n"))
    }
}
