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
}

/// The one thing that touches a real terminal (ratatui's Backend): everything else draws into
/// a `Canvas`, and tests use the canvas with no terminal at all.
public protocol Terminal: AnyObject {
    var size: Size { get }
    /// Copies the canvas to the screen, sending only what changed.
    func draw(_ canvas: Canvas)
    /// Repaints everything on the next draw, for Ctrl-L after line noise.
    func invalidate()
    /// The next event, or nil when `timeoutMilliseconds` pass with none.
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

/// The run loop: draw, wait for an event, hand it to the app, perform what it asks.
public enum TerminalSession {
    /// Runs until the app quits, a signal arrives or input closes. The caller restores the
    /// terminal (on every path, through `defer`). `refresh` is asked about once every
    /// `pollMilliseconds` for what other sessions changed (nil when nothing did), so their
    /// changes show within two seconds.
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
            guard let event = terminal.nextEvent(timeoutMilliseconds: app.isWorking ? 0 : pollMilliseconds) else { continue }
            switch event {
            case let .signal(number):
                return .signal(number)
            case .inputClosed:
                return .inputClosed
            case .resize:
                needsDraw = true
            case let .key(key):
                switch app.handle(key, terminalSize: terminal.size) {
                case .quit?: return .quit
                case .suspend?:
                    app.keepDraft()
                    if !terminal.suspend() { app.say("This shell has no job control, so Ctrl-Z cannot suspend Haven here.", .warning) }
                    terminal.invalidate()
                    needsDraw = true
                case .repaint?:
                    terminal.invalidate()
                    needsDraw = true
                case .redraw?:
                    needsDraw = true
                case nil:
                    break
                }
            }
        }
    }
}
