import HavenCore

/// The session's own services beside the run loop: quitting with a question, and drafts kept
/// through a dropped connection (a kept edit comes back as that edit: `ResumeEdit`).
extension HavenApp {
    /// Puts a message on the status line (from the run loop).
    public mutating func say(_ text: String, _ kind: StatusKind) { status = (text, kind) }

    /// The screens holding something typed and unsaved, by title, top first.
    public var unsavedWork: [String] { screens.reversed().filter(\.hasUnsavedWork).map(\.title) }

    /// Asks before quitting (an accidental q or Esc on the home screen costs a key, not the
    /// session), naming what is typed and unsaved: it is kept as a draft, offered next time.
    mutating func askToQuit() -> AppCommand {
        confirmingQuit = true
        let unsaved = unsavedWork
        let what = unsaved.joined(separator: ", ")
        let kept = unsaved.isEmpty ? "" : session.draftsFailing == nil ? " Unsaved \(what) is kept."
            : " Unsaved \(what) will be lost: \(session.draftsFailing!)."
        status = ("Quit Haven? y quits, any other key stays.\(kept)", .warning)
        return .redraw
    }

    /// Keeps every form with unsaved typing as a draft under this session (written only when
    /// it changed), and removes the draft of a form saved or thrown away. Called about once a
    /// second and on the way out, whatever ended the session (SIGHUP, SIGTERM, a quit), so a
    /// crash loses at most a second of typing.
    public mutating func keepDraft() {
        var wanted: [String: FormDraft] = [:]
        for screen in screens where screen.hasUnsavedWork {
            if let draft = screen.formDraft { wanted[draft.target] = draft }
        }
        session.keepDrafts(wanted)
        // Once a second, not as a screen opens: what a session of this user that ended since
        // has left (one readdir of a small folder, off the keystroke path).
        session.refreshOffered()
    }

    /// The clock moved on: the top screen is told (a list of what falls due redraws itself);
    /// true when the screen is to be drawn again.
    public mutating func clockDidTick() -> Bool {
        let now = session.now
        return stack.update(stack.top.id) { $0.clockDidTick(now) } ?? false
    }

    /// Removes at once the draft of a form just saved or thrown away, rather than at the next
    /// tick: a crash in between would offer again what was saved. Writes nothing.
    mutating func forgetClosedDrafts() {
        guard !session.keptDrafts.isEmpty else { return }
        var open: Set<String> = []
        for screen in screens where screen.hasUnsavedWork {
            if let target = screen.formDraft?.target { open.insert(target) }
        }
        session.forget(keeping: open)
    }

    /// The session is over: its drafts stay, for the next one to offer.
    public mutating func endSession() {
        keepDraft()
        session.endSession()
    }

    /// The drafts of earlier sessions not yet taken back.
    public var offeredDrafts: [FormDraft] { session.offeredDrafts }
}
