import HavenCore
@testable import HavenTUI
import XCTest

/// A terminal that replays scripted events and keeps every frame drawn: the run loop tested
/// with no terminal and no sleeps. Each event of `events` arrives on its own, when the run loop
/// waits for it (a key at a time; nil is a wait that times out); each of `bursts` arrives in
/// one piece, as keys typed ahead on a slow link do: its first event ends the wait and the rest
/// are already waiting behind it.
class ScriptedTerminal: Terminal {
    /// What is still to come, each with whether it is already waiting behind the one before.
    private var script: [(event: TerminalEvent?, typedAhead: Bool)]
    var size: Size
    private(set) var frames: [Canvas] = []
    private(set) var invalidations = 0
    private(set) var restored = 0
    private(set) var suspensions = 0
    /// The events not taken by the run loop.
    var untaken: [TerminalEvent?] { script.map(\.event) }

    init(size: Size, events: [TerminalEvent?]) {
        self.size = size
        script = events.map { ($0, false) }
    }

    init(size: Size, bursts: [[TerminalEvent]]) {
        self.size = size
        script = bursts.flatMap { burst in burst.enumerated().map { ($1, $0 > 0) } }
    }

    func draw(_ canvas: Canvas) { frames.append(canvas) }
    func showNow(_ text: String) { if let last = frames.last { frames.append(Self.frame(last, withStatus: text)) } }
    func invalidate() { invalidations += 1 }
    func restore() { restored += 1 }
    func suspend() -> Bool { suspensions += 1; return true }

    func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent? {
        // A look with no wait finds only what is already waiting.
        guard let next = script.first else { return timeoutMilliseconds == 0 ? nil : .inputClosed }
        if timeoutMilliseconds == 0, !next.typedAhead { return nil }
        script.removeFirst()
        if case let .resize(newSize)? = next.event { size = newSize }
        return next.event
    }
}

final class TerminalSessionTests: XCTestCase {
    func makeApp() -> HavenApp {
        HavenApp(root: HomeScreen(cases: nil), context: ScreenTests.noStore)
    }

    func testKeysResizeAndQuit() {
        var app = makeApp()
        let terminal = ScriptedTerminal(size: Size(width: 80, height: 24), events: [
            .key(.character("?")), nil, .resize(Size(width: 40, height: 12)), .resize(Size(width: 20, height: 6)),
            .resize(Size(width: 80, height: 24)), .key(.character("q")), .key(.character("q")), .key(.character("y")),
        ])
        XCTAssertEqual(TerminalSession.run(&app, on: terminal), .quit)
        XCTAssertEqual(terminal.frames.map(\.size), [
            Size(width: 80, height: 24), Size(width: 80, height: 24), Size(width: 40, height: 12),
            Size(width: 20, height: 6), Size(width: 80, height: 24), Size(width: 80, height: 24), Size(width: 80, height: 24),
        ], "one frame at start, after each key that changed something and after each resize; none on a timeout")
        XCTAssertEqual(terminal.frames[1].line(1), " Keys on the Home screen")
        XCTAssertEqual(terminal.frames[3].line(1), " Terminal too small")
        XCTAssertEqual(terminal.frames[5].line(1), " Areas")
        XCTAssertTrue(terminal.frames[6].line(22).contains("Quit Haven? y quits, any other key stays."), terminal.frames[6].line(22))
    }

    /// Ctrl-Z hands the terminal to the shell; on `fg` the whole screen is drawn again.
    func testCtrlZSuspendsAndRepaintsOnReturn() {
        var app = makeApp()
        let terminal = ScriptedTerminal(size: Size(width: 80, height: 24), events: [.key(.control("z")), .key(.control("c"))])
        XCTAssertEqual(TerminalSession.run(&app, on: terminal), .quit)
        XCTAssertEqual(terminal.suspensions, 1)
        XCTAssertEqual(terminal.invalidations, 1, "a full repaint after fg")
        XCTAssertEqual(terminal.frames.count, 2)
    }

    /// Other sessions' changes are asked for each time the poll interval has passed on the
    /// session's clock (a second by default, so they show within two), with no key pressed.
    func testOtherSessionsChangesAreAskedForEveryPollInterval() {
        final class Clocked: ScriptedTerminal {
            var now = 0
            override func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent? {
                now += timeoutMilliseconds // each wait lasts its whole timeout: no key came
                return super.nextEvent(timeoutMilliseconds: timeoutMilliseconds)
            }
        }
        var app = makeApp()
        let terminal = Clocked(size: Size(width: 80, height: 24), events: [nil, nil, nil, .key(.control("c"))])
        var asked: [Int] = []
        _ = TerminalSession.run(&app, on: terminal, clock: { terminal.now }, refresh: { asked.append(terminal.now); return nil })
        XCTAssertEqual(asked, [1000, 2000, 3000], "asked after every second without a key")
    }

    func testSignalsAndClosedInputEndTheSession() {
        var app = makeApp()
        XCTAssertEqual(TerminalSession.run(&app, on: ScriptedTerminal(size: Size(width: 80, height: 24),
                                                                      events: [.key(.down), .signal(15)])), .signal(15))
        XCTAssertEqual(TerminalSession.run(&app, on: ScriptedTerminal(size: Size(width: 80, height: 24), events: [])), .inputClosed)
    }

    /// Without a UTF-8 locale the terminal puts a character's bytes together itself
    /// (`UTF8Keys`): Cyrillic typed arrives whole, and bytes that are not UTF-8 are said
    /// dropped, never taken as another letter (ncurses' own reader swallowed "Ж" and the keys
    /// after it, unsaid).
    func testKeysTypedAsUTF8BytesArriveWholeAndOthersAreSaid() {
        func decode(_ bytes: [UInt8]) -> [String] {
            var keys = UTF8Keys()
            return bytes.compactMap { byte in
                switch keys.take(byte) {
                case let .character(character): String(character)
                case .pending: nil
                case .invalid: "?"
                }
            }
        }
        XCTAssertEqual(decode(Array("Жуков ёЁ a1 €😀".utf8)).joined(), "Жуков ёЁ a1 €😀")
        XCTAssertEqual(decode([0xF6]), ["?"], "KOI8-R's Ж: not UTF-8")
        XCTAssertEqual(decode([0xC0, 0x80]), ["?", "?"], "an overlong form")
        XCTAssertEqual(decode([0xED, 0xA0, 0x80]), ["?"], "a surrogate")
        XCTAssertEqual(decode([0xD0, 0x41]), ["?"], "cut short by another key (which the terminal keeps aside, said after)")
        XCTAssertEqual(decode([0xD0, 0xD0, 0x94]), ["?", "Д"], "cut short by another character's first byte, which starts afresh")
        var keys = UTF8Keys()
        XCTAssertEqual(keys.take(0xD0), .pending)
        XCTAssertTrue(keys.isPending)
        XCTAssertEqual(keys.drop(), .invalid)
        XCTAssertEqual(keys.take(0x41), .character("A"), "afresh after a drop")

        var app = makeApp()
        let terminal = ScriptedTerminal(size: Size(width: 80, height: 24), events: [.undecodable])
        XCTAssertEqual(TerminalSession.run(&app, on: terminal), .inputClosed)
        XCTAssertEqual(app.status?.text, "A key was not UTF-8 and is dropped: set the terminal and LANG to UTF-8.")
    }

    func testCtrlLRepaintsEverything() {
        var app = makeApp()
        let terminal = ScriptedTerminal(size: Size(width: 80, height: 24), events: [.key(.control("l")), .key(.control("c"))])
        XCTAssertEqual(TerminalSession.run(&app, on: terminal), .quit)
        XCTAssertEqual(terminal.invalidations, 1)
        XCTAssertEqual(terminal.frames.count, 2)
    }
}

/// Issue 26's walk: a batch that worked for two seconds ended the session with 129.
final class ClosedInputDetectorTests: XCTestCase {
    func testPollsWithNoWaitNeverCountAsClosedInput() {
        var detector = ClosedInputDetector()
        for _ in 0..<1_000 { XCTAssertFalse(detector.record(failed: true, timeout: 0, elapsed: 0)) }
    }

    func testFiftyReadsFailingAtOnceWhenAllowedToWaitMeanInputHasGone() {
        var detector = ClosedInputDetector()
        for _ in 0..<(ClosedInputDetector.failuresRunning - 1) {
            XCTAssertFalse(detector.record(failed: true, timeout: 1_000, elapsed: 0))
            // A job's polls in between neither count nor reset the run.
            XCTAssertFalse(detector.record(failed: true, timeout: 0, elapsed: 0))
        }
        XCTAssertTrue(detector.record(failed: true, timeout: 1_000, elapsed: 1))
    }

    func testAKeyOrAWholeTimeoutStartsTheCountAgain() {
        var detector = ClosedInputDetector()
        for _ in 0..<49 { _ = detector.record(failed: true, timeout: 1_000, elapsed: 0) }
        XCTAssertFalse(detector.record(failed: false, timeout: 1_000, elapsed: 3))
        for _ in 0..<49 { XCTAssertFalse(detector.record(failed: true, timeout: 1_000, elapsed: 0)) }
        XCTAssertFalse(detector.record(failed: true, timeout: 1_000, elapsed: 1_000), "a timeout that took its time")
        for _ in 0..<49 { XCTAssertFalse(detector.record(failed: true, timeout: 1_000, elapsed: 0)) }
        XCTAssertTrue(detector.record(failed: true, timeout: 1_000, elapsed: 0))
    }
}
