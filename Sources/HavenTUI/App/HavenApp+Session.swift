import HavenCore

/// The session's own services beside the run loop: quitting with a question, undo of one's
/// last change, and drafts kept through a dropped connection (a kept edit comes back as that
/// edit). The run loop (`HavenApp.handle`, `perform`) only calls them.
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

    /// A kept edit of a case, back on its form over the case view.
    mutating func resume(_ kept: IntakeDraft) {
        guard let id = kept.editing else { return }
        openCase(id)
        guard let view = screens.last as? CaseViewScreen, view.stored.record.id == id else { return }
        pushKeptEdit(kept, over: view.stored)
    }

    /// The edit form with the kept values, based on the version the edit started from and its
    /// values then: a save meets anyone's change since as a conflict, and Ctrl-R then keeps
    /// only the fields changed in the edit, never reverting theirs.
    mutating func pushKeptEdit(_ kept: IntakeDraft, over current: StoredCase) {
        guard let reference = context.reference else { return }
        let id = current.record.id
        let base = StoredCase(record: current.record, version: kept.basedOn ?? current.version, savedBy: current.savedBy, savedAt: current.savedAt)
        var intake = IntakeScreen(editing: base, reference: reference, today: context.today, actor: context.actor)
        intake.restore(kept)
        pendingEdit = nil
        screens.append(intake)
        let changed = base.version != current.version ? " \(id) was changed since (now \(current.version)): Ctrl-S shows the conflict, Ctrl-R keeps your fields." : " Ctrl-S saves it."
        status = ("Your unsaved edit of \(id) from \(kept.savedAt.minuteText) UTC is back.\(changed)", .info)
    }

    /// Undo: the case as it was before this session's last change of it, saved as a new
    /// version (the trail keeps both), only if nobody else has saved it since and the change
    /// did not move or review it (HavenCore decides). Undoing again redoes.
    mutating func undo(_ id: CaseID) -> [Effect] {
        guard let store else { return [.status("No store is open.", .error)] }
        guard let last = lastChanges[id] else { return [.status("Nothing of yours to undo on \(id) in this session.", .info)] }
        do {
            _ = try store.refresh()
            let current = try store.load(id)
            guard current.version == last.after else {
                let entry = try store.history(of: id).last
                let who = entry.map { "\($0.user) changed it \($0.at.minuteText) UTC" } ?? "it was changed"
                return [.status("Not undone: \(who), after your change. Look again and correct it instead.", .error)]
            }
            let restored = try Workflow.undo(restoring: last.before, current: current.record, by: context.actor)
            let effects = save(restored, basedOn: current.version)
            // Saved (the session's last change is now the undo): say so; otherwise the save said why not.
            guard lastChanges[id]?.after != last.after else { return effects }
            return effects + [.status("Undone: \(id) is as it was before your last change (z again redoes it).", .info)]
        } catch {
            return [.status("\(error)", .error)]
        }
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
            IntakeDraft(savedAt: context.clock(), values: $0.values, focus: $0.focus, editing: edit?.id, basedOn: edit?.version, baseValues: edit?.base)
        }
        if (try? store.keepDraft(draft, for: context.user)) != nil { keptDraft = current?.values }
    }
}
