import HavenCore

extension Command {
    /// Add a note to the case as it is now, even if someone saved it since `seen` (notes only
    /// add); it comes back as `.saved`.
    public static func addNote(_ text: String, to id: CaseID, seen: CaseVersion) -> Command { .run(AddNote(id: id, text: text, seen: seen)) }
}

/// A note added to the case as it is in the store: notes only add, so a note written while
/// someone else saved the case (another note, an edit) is added to their version, through the
/// access rule again, and the reader is shown that version and told whose it is (a walk: two
/// notes written at once met the conflict screen). Saved as ever on the version read, so a
/// save in between is a conflict, and the note is tried again on the newer one.
public struct AddNote: StoreTask, Equatable {
    public let id: CaseID
    public let text: String
    public let seen: CaseVersion

    public func run(in session: SessionServices) -> [Command] {
        for _ in 0..<3 {
            // Unchanged since read: saved as any change is. Changed: opened again (the rule,
            // the access log), as a reload is, since the reader is then shown the newer version.
            _ = try? session.store?.refresh()
            let current: StoredCase
            if let latest = try? session.store?.load(id), latest.version == seen {
                current = latest
            } else {
                switch session.open(id, part: .caseRecord) {
                case let .success(stored): current = stored
                case .failure: return [.message(StoreReply.failed("Not saved: \(id) cannot be opened now; your note is kept."))]
                }
            }
            let record: Case
            do { record = try Workflow.addNote(text, on: current.record, by: session.actor, at: session.now) } catch {
                return [.message(StoreReply.failed(error.description))]
            }
            let commands = session.save(record, basedOn: current.version)
            let conflicted = commands.contains { command in
                if case let .message(reply) = command, case .conflict? = reply as? StoreReply { return true }
                return false
            }
            if conflicted { continue }
            guard current.version != seen else { return commands }
            return commands + [.status("Note added to \(id) after \(current.savedBy)'s \(current.version) of \(current.savedAt.minuteText) UTC.", .info)]
        }
        return [.message(StoreReply.failed("Not saved: \(id) is being changed by others right now; your note is kept: Enter tries again."))]
    }
}
