import Foundation
import HavenCore

/// Milliseconds on a clock that never goes backwards.
public func monotonicMilliseconds() -> Int {
    Int(ProcessInfo.processInfo.systemUptime * 1000)
}

/// Something that happened at the terminal.
public enum TerminalEvent: Hashable, Sendable {
    case key(Key)
    case resize(Size)
    /// SIGTERM, SIGHUP, SIGINT or SIGQUIT arrived: restore the terminal and leave.
    case signal(Int32)
    /// Standard input is gone (the ssh connection dropped without a SIGHUP reaching us).
    case inputClosed
    /// Bytes typed that are not UTF-8 (a terminal in another encoding, without a UTF-8 locale).
    case undecodable
}

/// Tells a closed standard input from a read that simply found nothing: a read that was
/// allowed to wait but failed at once, fifty times running, means input has gone (a dropped
/// connection whose SIGHUP was lost). A read with a zero timeout (the run loop polling while a
/// job works) fails at once by design and says nothing either way: counting those ended the
/// session with 129 whenever a job polled fifty times, a batch solve of two seconds, with no
/// key pressed.
public struct ClosedInputDetector: Sendable {
    public static let failuresRunning = 50
    var failures = 0

    public init() {}

    /// Records a read's outcome (`failed`: it returned an error, not a key) after `elapsed`
    /// of its `timeout` milliseconds; true once input has gone.
    public mutating func record(failed: Bool, timeout: Int, elapsed: Int) -> Bool {
        guard failed else { failures = 0; return false }
        guard timeout > 0 else { return false }
        if elapsed < max(1, timeout / 4) {
            failures += 1
            return failures >= Self.failuresRunning
        }
        failures = 0
        return false
    }
}

/// The one thing that touches a real terminal (ratatui's Backend): everything else draws into
/// a `Canvas`, and tests use the canvas with no terminal at all.
public protocol Terminal: AnyObject {
    var size: Size { get }
    /// Copies the canvas to the screen, sending only what changed.
    func draw(_ canvas: Canvas)
    /// Repaints everything on the next draw, for Ctrl-L after line noise.
    func invalidate()
    /// The next event, or nil when `timeoutMilliseconds` pass with none. With 0 it never
    /// waits: only an event already waiting (typed ahead) is returned.
    func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent?
    /// Gives the terminal back as it was found. Safe to call more than once.
    func restore()
    /// Shows `text` on the status line now, over the last frame drawn: for a wait the run loop
    /// cannot draw through (a save waiting for another session's lock).
    func showNow(_ text: String)
    /// Gives the terminal to the shell and stops the process (Ctrl-Z); returns once it is
    /// continued (`fg`), ready for a full repaint. False when the shell has no job control.
    func suspend() -> Bool
}

extension Terminal {
    /// The last frame with `text` on its status line (the line above the key bar).
    public static func frame(_ canvas: Canvas, withStatus text: String) -> Canvas {
        var frame = canvas
        guard frame.size.height >= 2 else { return frame }
        let y = frame.size.height - 2
        _ = frame.put(String(repeating: " ", count: frame.size.width), x: 0, y: y)
        _ = frame.put(" " + text, x: 0, y: y, width: frame.size.width, style: .warning)
        return frame
    }
}

/// Why the run loop ended.
public enum SessionEnd: Equatable, Sendable {
    case quit
    case signal(Int32)
    case inputClosed
}

/// The run loop: draw, wait for an event, take it and every event already waiting behind it
/// (typeahead), perform what the app asks, then draw once.
public enum TerminalSession {
    /// How long the run loop may go on taking typed-ahead events before it draws anyway, so a
    /// long paste still shows progress and other sessions' changes are still asked for.
    public static let typeaheadMilliseconds = 250

    /// Runs until the app quits, a signal arrives or input closes. The caller restores the
    /// terminal (on every path, through `defer`). `refresh` is asked about once every
    /// `pollMilliseconds` for what other sessions changed (nil when nothing did), so their
    /// changes show within two seconds.
    ///
    /// Input first, then one frame: when an event arrives, every event already waiting (keys
    /// typed ahead on a slow link arrive together) is handed to the app before the next frame
    /// is drawn, so twelve PageDowns cost one frame, not twelve. A signal or closed input among
    /// them ends the session at once; a resize is drawn at the new size in that one frame. A
    /// key that quits ends the loop there: the keys behind it are never handed to the app (and
    /// `NcursesTerminal.restore` discards them, so they cannot reach the shell). A key that
    /// starts a background job or suspends Haven ends the burst, so the keys behind it wait
    /// for the job's first step or the repaint, as they did when each key had its own frame.
    public static func run(_ app: inout HavenApp, on terminal: any Terminal, pollMilliseconds: Int = 1000,
                           clock: () -> Int = monotonicMilliseconds,
                           refresh: () -> [CaseSummary]? = { nil }) -> SessionEnd {
        var needsDraw = true
        var lastRefresh = clock()
        while true {
            if app.isWorking {
                app.work()
                needsDraw = true
            }
            if clock() - lastRefresh >= pollMilliseconds {
                lastRefresh = clock()
                app.keepDraft()
                if app.clockDidTick() { needsDraw = true }
                if let summaries = refresh() {
                    app.storeDidChange(summaries)
                    needsDraw = true
                }
            }
            if needsDraw {
                var canvas = Canvas(size: terminal.size)
                app.render(into: &canvas)
                terminal.draw(canvas)
                needsDraw = false
            }
            guard var event = terminal.nextEvent(timeoutMilliseconds: app.isWorking ? 0 : pollMilliseconds) else { continue }
            let burstStarted = clock()
            burst: while true {
                let wasWorking = app.isWorking
                switch take(event, into: &app, on: terminal) {
                case let .end(end):
                    return end
                case .redraw:
                    needsDraw = true
                case .redrawBeforeMore:
                    needsDraw = true
                    break burst
                case .unchanged:
                    break
                }
                if app.isWorking, !wasWorking { break }
                if clock() - burstStarted >= typeaheadMilliseconds { break }
                // A zero timeout: only what is already waiting, never a wait.
                guard let waiting = terminal.nextEvent(timeoutMilliseconds: 0) else { break }
                event = waiting
            }
        }
    }

    /// What taking one event asks of the run loop.
    private enum Taken {
        case end(SessionEnd)
        /// The screen changed: draw it once the events waiting are taken.
        case redraw
        /// Draw before taking any more (Haven was suspended and is back).
        case redrawBeforeMore
        case unchanged
    }

    /// Hands one event to the app and performs what it asks, except drawing.
    private static func take(_ event: TerminalEvent, into app: inout HavenApp, on terminal: any Terminal) -> Taken {
        switch event {
        case let .signal(number):
            return .end(.signal(number))
        case .inputClosed:
            return .end(.inputClosed)
        case .undecodable:
            app.say("A key was not UTF-8 and is dropped: set the terminal and LANG to UTF-8.", .warning)
            return .redraw
        case .resize:
            return .redraw
        case let .key(key):
            switch app.handle(key, terminalSize: terminal.size) {
            case .quit?:
                return .end(.quit)
            case .suspend?:
                app.keepDraft()
                if !terminal.suspend() { app.say("This shell has no job control, so Ctrl-Z cannot suspend Haven here.", .warning) }
                terminal.invalidate()
                return .redrawBeforeMore
            case .repaint?:
                terminal.invalidate()
                return .redraw
            case .redraw?:
                return .redraw
            case nil:
                return .unchanged
            }
        }
    }
}
