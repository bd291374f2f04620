import HavenCore

/// The session's own services beside the run loop: quitting with a question, and drafts kept
/// through a dropped connection (a kept edit comes back as that edit: `ResumeEdit`).
extension HavenApp {
    /// Puts a message on the status line (from the run loop).
    public mutating func say(_ text: String, _ kind: StatusKind) { status = (text, kind) }

    /// The screens holding something typed and unsaved, by title, top first.
    public var unsavedWork: [String] { screens.reversed().filter(\.hasUnsavedWork).map(\.title) }

    /// Asks before quitting (an accidental q or Esc on the home screen costs a key, not the
    /// session), naming what would be lost.
    mutating func askToQuit() -> AppCommand {
        confirmingQuit = true
        let unsaved = unsavedWork
        let loss = unsaved.isEmpty ? "" : " Unsaved: \(unsaved.joined(separator: ", ")) will be lost."
        status = ("Quit Haven? y quits, any other key stays.\(loss)", .warning)
        return .redraw
    }

    /// Writes the half-typed intake form to the store if it changed since last time, and
    /// removes the kept one once the form is saved or thrown away. Called about once a second
    /// and on the way out after SIGHUP or SIGTERM, so a crash loses at most a second of typing.
    public mutating func keepDraft() {
        guard let store else { return }
        let holder = screens.last { $0.unsavedValues != nil }
        let current = holder?.unsavedValues
        guard current?.values != keptDraft else { return }
        let edit = holder?.draftEdit
        let draft = current.map {
            IntakeDraft(savedAt: session.now, values: $0.values, focus: $0.focus, editing: edit?.id, basedOn: edit?.version, baseValues: edit?.base)
        }
        if (try? store.keepDraft(draft, for: context.user)) != nil { keptDraft = current?.values }
    }
}
