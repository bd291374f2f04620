import HavenCore

/// The runtime of the interface: keys in, commands performed, messages delivered, a canvas
/// out. It knows no feature: a screen's `handle` returns commands (`Command`), the runtime
/// performs them on behalf of that screen (store tasks against `SessionServices`, pushes and
/// pops on the `ScreenStack`, status lines), and an answer goes back to the screen that asked,
/// whichever is on top by then. The frame is drawn by `HavenApp+Frame.swift`; drafts, quitting
/// and background jobs are in `HavenApp+Session.swift`.
public struct HavenApp {
    public static let globalKeys = KeyTable<GlobalAction>([
        KeyBinding([.character("?"), .function(1)], .help, label: "Help", help: "Show the keys of this screen"),
        KeyBinding([.character("q"), .escape], .back, label: "Back", help: "Go back; on the home screen, quit Haven (asks first)"),
        KeyBinding([.control("c")], .quit, help: "Quit Haven from anywhere (asks first if something typed is unsaved)"),
        KeyBinding([.control("z")], .suspend, help: "Suspend Haven to the shell; fg brings it back"),
        KeyBinding([.control("l")], .repaint, help: "Repaint the whole screen (after line noise)"),
        KeyBinding([.control("p")], .messages, help: "Read the status line whole, with the messages before it"),
    ])

    /// The smallest terminal the frame itself can use: title, one body row, status, key bar.
    public static let frameMinimum = Size(width: 20, height: 4)

    var stack: ScreenStack
    public var screens: [any Screen] { stack.screens }
    public internal(set) var status: (text: String, kind: StatusKind)? {
        // The same line set again while it stands (a save's reply and the screen's own word of
        // it) is one message: every save read "(×2)" in Messages (a walk).
        didSet {
            guard let status, !reportingProgress, !sayingAgain, status.text != oldValue?.text || status.kind != oldValue?.kind else { return }
            messages.record(status.text, kind: status.kind, at: session.now)
        }
    }
    /// What the status line said this session, to read back whole (Ctrl-P).
    public internal(set) var messages = StatusMessages()
    /// Set while a message is put back on the status line, not said anew, and while a long
    /// job's progress is said (kept: how it ended, and anything else said meanwhile).
    var sayingAgain = false
    var reportingProgress = false
    /// The Messages page open, the screen it opened over, what the status line said then and
    /// how many messages had been said (put back on closing only if none was said since).
    var openedMessages: (id: ScreenStack.ID, over: ScreenStack.ID, said: (text: String, kind: StatusKind)?, count: Int)?
    public let context: SessionContext
    /// The store, the clock, undo and the duplicate index: what store tasks run against.
    let session: SessionServices
    var store: (any CaseStore)? { session.store }
    /// The long job under way, if any (see `work()`), and the screen that started it.
    public internal(set) var job: (any BackgroundJob)?
    var jobOwner: ScreenStack.ID?

    public var isWorking: Bool { job != nil }
    /// Quitting was asked for: y quits, any other key stays.
    public internal(set) var confirmingQuit = false

    /// - Parameter first: opened over `root` as the session starts (My work), under any
    ///   kept forms offered back.
    public init(root: any Screen, context: SessionContext, store: (any CaseStore)? = nil, first: (any Screen)? = nil) {
        stack = ScreenStack(root: root)
        self.context = context
        session = SessionServices(context: context, store: store)
        session.beginSession()
        // What this reader cannot read at the start, so the first case closed to them later is
        // seen as one more (`forgetMessagesClosedToReader`).
        if let all = try? store?.summaries() { _ = session.closesAnotherCase(session.visible(all)) }
        if let warning = context.startupWarning {
            status = (warning, .warning)
            messages.record(warning, kind: .warning, at: session.now)
        }
        let root = stack.top.id
        _ = started(root)
        if let first { _ = open(first) }
        // What an earlier session left typed and unsaved is listed first, to take back.
        if !session.offeredDrafts.isEmpty { _ = open(KeptDraftsScreen(drafts: session.offeredDrafts, quiet: status != nil,
                                                                                   summaries: session.visible((try? store?.summaries()) ?? []))) }
    }

    public var topScreen: any Screen { stack.top.screen }

    /// The size below which the top screen is replaced by a "terminal too small" message.
    public var minimumSize: Size {
        let screen = topScreen.minimumSize
        return Size(width: max(screen.width, Self.frameMinimum.width), height: max(screen.height, Self.frameMinimum.height))
    }

    /// Takes one key: the top screen's table, then its unbound-key handler, then the global table.
    public mutating func handle(_ key: Key, terminalSize: Size) -> AppCommand? {
        if let job {
            // While a job runs only Esc (stop it), Ctrl-C and Ctrl-L do anything.
            switch key {
            case .escape:
                self.job = nil
                jobOwner = nil
                status = ("\(job.title) stopped; what it saved stays saved.", .warning)
                storeChanged()
                return .redraw
            case .control("c"): return .quit
            case .control("l"): return .repaint
            default: return nil
            }
        }
        if confirmingQuit {
            // y (or a second Ctrl-C) quits; n, q and Esc only stay; any other key stays and
            // does what it does, so a stray q costs nothing.
            confirmingQuit = false
            if key == .character("y") || key == .character("Y") || key == .control("c") { return .quit }
            status = ("Still here: nothing was closed.", .info)
            // A key that would be typed into a field only answers the question.
            if [.character("n"), .character("N"), .character("q"), .escape].contains(key) || (topScreen.capturesText && key.typedCharacter != nil) {
                return .redraw
            }
        }
        if key == .control("z") { return .suspend }
        let tooSmall = !terminalSize.contains(minimumSize)
        // Before the screen: a screen asking y/n takes every key, and the question is what
        // may need reading whole.
        if key == .control("p") { return tooSmall ? nil : openMessages() }
        let top = stack.top.id
        let area = Self.bodyArea(in: terminalSize)
        let now = session.now
        let answer = stack.update(top) { screen -> [Command]? in
            screen.prepare(for: area, now: now)
            return tooSmall ? nil : screen.dispatch(key)
        } ?? nil
        if let commands = answer {
            // A stray key under a y/n question leaves the question said (from a walk: it
            // vanished while y and n still answered it).
            if !(commands.isEmpty && topScreen.asksYesOrNo) { status = nil }
            let result = perform(commands, for: top)
            forgetClosedDrafts()
            return result
        }
        guard let global = Self.globalKeys.action(for: key) else { return nil }
        // A y/n question is answered first: Ctrl-L repaints with it still said, and help
        // waits (from the review: either hid it while y still answered it).
        if topScreen.asksYesOrNo, global == .repaint || global == .help { return global == .repaint ? .repaint : .redraw }
        let said = status
        status = nil
        switch global {
        case .help:
            guard !tooSmall else { return nil }
            let sections = [topScreen.helpSection] + topScreen.moreHelp + [Self.globalKeys.helpSection(title: "Keys everywhere")]
            return perform([.push(HelpScreen(sections: sections))], for: top)
        case .back:
            // Too small, the screen is not shown: a screen with typing on it is not closed
            // unseen (a walk's q closed a typed form, unasked); q or Esc asks to quit instead,
            // keeping the typing. With nothing typed on it, it goes back as usual.
            if tooSmall, topScreen.hasUnsavedWork { return askToQuit() }
            let result = perform([.back], for: top)
            // Closing Messages says again what the line said when it opened (a y/n question read
            // whole there still waits for its answer), unless something was said since or
            // the screen it was said over is no longer the one under.
            if let opened = openedMessages, opened.id == top {
                openedMessages = nil
                // A question still asked is said again whatever came since: y still answers it.
                if stack.top.id == opened.over, messages.count == opened.count || topScreen.asksYesOrNo {
                    sayingAgain = true
                    status = opened.said
                    sayingAgain = false
                }
            }
            return result
        case .quit: return unsavedWork.isEmpty ? .quit : askToQuit()
        case .repaint: return .repaint
        case .suspend: return .suspend
        case .messages:
            // Reached only if Ctrl-P is taken off the early path: the same page.
            status = said
            return tooSmall ? nil : openMessages()
        }
    }

    /// Ctrl-P: the Messages page over the top screen (not a second over the first).
    mutating func openMessages() -> AppCommand {
        var top = stack.top.id
        if openedMessages?.id == top { return .redraw }
        // One page at most (so the clean-up below finds it): one under Help goes first.
        if let opened = openedMessages {
            stack.remove(opened.id)
            openedMessages = nil
            top = stack.top.id
        }
        let said = status
        status = nil
        let result = perform([.push(messages.screen())], for: top)
        openedMessages = (stack.top.id, top, said, messages.count)
        return result
    }

    /// Messages name cases: when one more case is closed to this reader (restricted to a
    /// team without them, or erased), what was said this session goes, with the page reading it.
    mutating func forgetMessagesClosedToReader(_ summaries: [CaseSummary]) {
        guard session.closesAnotherCase(summaries) else { return }
        messages = StatusMessages()
        if let opened = openedMessages {
            stack.remove(opened.id)
            openedMessages = nil
        }
    }

    /// Performs `commands` in order on behalf of the screen `asker`. `quietly`: for a screen
    /// underneath keeping itself current after a store change, whose status lines (and those
    /// of what it asked for) are not shown over the screen on top.
    mutating func perform(_ commands: [Command], for asker: ScreenStack.ID, quietly: Bool = false) -> AppCommand {
        var result = AppCommand.redraw
        for command in commands {
            var next = AppCommand.redraw
            switch command {
            case let .push(screen):
                next = open(screen, quietly: quietly)
            case let .replace(screen):
                if let id = stack.replace(asker, with: screen) {
                    next = started(id, quietly: quietly)
                } else {
                    next = open(screen, quietly: quietly)
                }
            case .back:
                if stack.ids.first == asker {
                    if stack.count == 1 { return askToQuit() }
                } else {
                    stack.remove(asker)
                }
            case let .backAnswering(message):
                // The screen at the bottom is never closed this way (as `.back`, it would ask to quit).
                guard stack.ids.first != asker else { continue }
                let below = stack.below(asker)
                stack.remove(asker)
                if let below { next = deliver(message, to: below, quietly: quietly) }
            case .quit:
                return .quit
            case let .status(text, kind):
                if !quietly { status = (text, kind) }
            case .repaint:
                result = .repaint
            case let .run(task):
                next = perform(task.run(in: session), for: asker, quietly: quietly)
            case let .message(message):
                next = deliver(message, to: asker, quietly: quietly)
            case .storeChanged:
                storeChanged()
            case let .startJob(job):
                self.job = job
                jobOwner = asker
                work()
            }
            if next == .quit { return .quit }
        }
        return result
    }

    /// Opens `screen` on top and performs what it asks for first.
    mutating func open(_ screen: any Screen, quietly: Bool = false) -> AppCommand {
        started(stack.push(screen), quietly: quietly)
    }

    /// Starts the screen `id` just opened: what it asks for first, and, when an earlier
    /// session of this user left this very form typed and unsaved (the same target: a new
    /// registration, or this form on this case), that draft put back into it. A draft that
    /// does not go back whole (a choice no longer offered, a form about something else now)
    /// is never half put back: the form closes, the draft is read back, and it stays kept.
    mutating func started(_ id: ScreenStack.ID, quietly: Bool = false) -> AppCommand {
        var commands = stack.update(id) { $0.start() } ?? []
        guard let target = stack.update(id, { $0.formDraft?.target }) ?? nil else { return perform(commands, for: id, quietly: quietly) }
        if let chosen = session.resuming, chosen.target == target, session.offeredDraft(for: target).map({ !SessionServices.same($0, chosen) }) ?? true {
            // Chosen on the list, and taken meanwhile by another session of this user.
            session.resuming = nil
            _ = stack.remove(id)
            return perform([.status("Open in your other session now: your \(chosen.what).", .warning)],
                           for: stack.top.id, quietly: quietly)
        }
        if let kept = session.offeredDraft(for: target) {
            let restored = stack.update(id) { $0.restore(kept) } ?? []
            let now = stack.update(id) { $0.formDraft?.values } ?? nil
            let lost = kept.changedFields.filter { kept.values[$0] != now?[$0] }
            if lost.isEmpty, session.adopt(kept) {
                commands += restored
            } else if lost.isEmpty {
                _ = stack.remove(id)
                return perform([.status("Open in your other session now: your \(kept.what).", .warning)],
                               for: stack.top.id, quietly: quietly)
            } else {
                session.setAside(kept)
                _ = stack.remove(id)
                let names = lost.prefix(3).map { kept.labels[$0] ?? $0 }.joined(separator: ", ")
                return perform([
                    .push(TextViewScreen(title: kept.title, heading: "\(kept.title), typed \(kept.savedAt.minuteText) UTC, unsaved",
                                         text: kept.readBack())),
                    .status("Kept: your \(kept.what) no longer fits its form (\(names)).", .warning),
                ], for: stack.top.id, quietly: quietly)
            }
        }
        return perform(commands, for: id, quietly: quietly)
    }

    /// Hands `message` to the screen `id`; when it has closed, a refusal is said on the
    /// status line instead.
    mutating func deliver(_ message: any Sendable, to id: ScreenStack.ID, quietly: Bool = false) -> AppCommand {
        guard let commands = stack.update(id, { $0.receive(message) }) else {
            if let reply = message as? StoreReply, let shown = reply.statusWhenUnheard { status = shown }
            return .redraw
        }
        return perform(commands, for: id, quietly: quietly)
    }

    /// Tells every open screen the store's summaries now (after a save here or elsewhere).
    mutating func storeChanged() {
        if let summaries = try? store?.summaries() { storeDidChange(summaries) }
    }

    /// Passes the store's new summaries to every open screen, bottom to top, performing what
    /// each asks for on its own behalf (quietly, but for the screen on top).
    public mutating func storeDidChange(_ unmasked: [CaseSummary]) {
        let summaries = session.visible(unmasked)
        // First, before any screen reloads (a refused reading) what it may no longer read.
        // The messages go before the notice of what closed is said (it is kept).
        forgetMessagesClosedToReader(summaries)
        closeCasesRestrictedAway(summaries)
        for id in stack.ids {
            guard let commands = stack.update(id, { $0.storeDidChange(summaries) }) else { continue }
            _ = perform(commands, for: id, quietly: stack.top.id != id)
        }
    }

    /// The screens the session says may show nothing more (`SessionServices.closedToReader`)
    /// close, whatever is on top; what was typed on them comes back on a page of its own.
    mutating func closeCasesRestrictedAway(_ summaries: [CaseSummary]) {
        guard let closing = session.closedToReader(stack.entries.dropFirst().map { ($0.id, $0.screen) }, summaries: summaries) else { return }
        for id in closing.screens { stack.remove(id) }
        if let page = closing.page { _ = stack.push(page) }
        status = (closing.notice, .warning)
    }

    /// Runs one slice of the job under way: progress on the status line while it works; when
    /// it ends, the new summaries to every screen and its message to the screen that started it.
    public mutating func work() {
        guard var current = job, let store else { job = nil; return }
        switch current.step(store: store, context: context, now: session.now) {
        case let .working(phase, done, total):
            job = current
            let width = 12
            let filled = total == 0 ? 0 : width * min(done, total) / total
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            // Esc and the count first, the phase last: a cut at a narrow width takes the end of
            // the phase, never the way to stop it (it cut "Esc stops" at 80 columns).
            reportingProgress = true
            status = ("\(current.title) (Esc stops): \(done)/\(total) \(bar) \(phase)", .info)
            reportingProgress = false
        case let .finished(message, failed):
            job = nil
            let owner = jobOwner
            jobOwner = nil
            storeChanged()
            if let owner { _ = deliver(StoreReply.jobFinished(message), to: owner) }
            status = (message, failed ? .error : .info)
        }
    }
}
