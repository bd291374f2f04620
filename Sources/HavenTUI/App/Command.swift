import HavenCore

/// What a screen asks the runtime to do, returned from `handle` (and from `receive`,
/// `storeDidChange`, `start`). A command is a value: the runtime performs it after the screen
/// has returned, on behalf of the screen that asked, and whatever it answers comes back to
/// that screen as a message, whichever screen is on top by then. The runtime knows no feature:
/// a store-backed action is a `StoreTask` written beside the screen that uses it.
public enum Command {
    /// Open a screen on top; it is told `start()` and its commands are performed for it.
    case push(any Screen)
    /// The asking screen gives way to another in its place (a pick list to the form chosen).
    case replace(any Screen)
    /// Close the asking screen (quit, asking first, if it is the last).
    case back
    /// Close the asking screen and hand `message` to the screen it uncovers (a form's result
    /// to the list below it).
    case backAnswering(any Sendable)
    case quit
    /// A line for the status bar.
    case status(String, StatusKind)
    /// Repaint the whole terminal (after line noise on a bad link).
    case repaint
    /// Run `task` against the session's services; its commands are performed for the asker.
    case run(any StoreTask)
    /// A message for the asking screen (what a task answers): `receive` is told it.
    case message(any Sendable)
    /// The store's cases changed: every open screen is told the new summaries.
    case storeChanged
    /// Start a long job, run in slices between keys with a progress bar on the status line;
    /// what it did comes back to the asker as `StoreReply.jobFinished`.
    case startJob(any BackgroundJob)
}

/// Something a screen needs done with the store or the session (load, save, ask, write a
/// file), as a value the runtime runs off the screen's `handle`. It answers with commands
/// performed for the screen that asked: usually a `.message` back to it.
public protocol StoreTask {
    func run(in session: SessionServices) -> [Command]
}

public enum StatusKind: Sendable {
    case info, warning, error
}

/// A long piece of work (a batch allocation) done a slice at a time, so the screen shows its
/// progress and Esc can stop it between slices.
public protocol BackgroundJob {
    /// "Batch allocation", for the status line.
    var title: String { get }
    /// Does one slice of the work (tens of milliseconds) and says how far it has got.
    mutating func step(store: any CaseStore, context: SessionContext, now: Timestamp) -> JobStep
}

public enum JobStep {
    case working(phase: String, done: Int, total: Int)
    /// The message for the status line, and whether it reports a failure.
    case finished(message: String, failed: Bool)
}
