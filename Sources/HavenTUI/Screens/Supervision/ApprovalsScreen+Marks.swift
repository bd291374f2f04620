import HavenCore

/// The marks of the approvals queue, and the confirmation of `A`, as the store changes under
/// them: a mark is on the proposal as marked (`markedAs`), so one changed or gone is taken off
/// and said; the list `A` asks about drops what changed.
extension ApprovalsScreen {
    /// Marks taken off by this change, said with those taken off since the last key here.
    mutating func sayUnmarked() -> [Command] {
        let now = unmarkChanged()
        guard !(now.changed + now.gone).isEmpty else { return [] }
        // Those taken off since the last key here, together: changes that came one after
        // another while a case was read were said one at a time, the last over the others (a walk).
        unmarkedSinceKey.changed += now.changed
        unmarkedSinceKey.gone += now.gone
        let (changed, gone) = unmarkedSinceKey
        // Changed or gone, each said: a withdrawn one vanished from the marks unsaid (a walk).
        let said: [Command] = (changed + gone).min().map { first in
            let all = changed.count + gone.count, more = all > 1 ? " and \(all - 1) more" : ""
            let why = gone.isEmpty ? (all == 1 ? "the proposal changed since you marked it; look again" : "changed since marked; look again")
                : changed.isEmpty ? (all == 1 ? "no longer waiting (withdrawn or reviewed meanwhile)" : "no longer waiting")
                : "changed or gone since marked; look again"
            return "Unmarked \(first)\(more): \(why)."
        }.map { note in
            // Said now, and over the list until the next key here: a screen above it (the case
            // being read) would hide the status line's word of it (from a review).
            unmarkedNote = note
            return [Command.status(note, .warning)]
        } ?? []
        return said
    }

    /// Marks on proposals no longer waiting as marked go: changed, or gone (reviewed or
    /// withdrawn meanwhile), each returned by case, to be said.
    mutating func unmarkChanged() -> (changed: [CaseID], gone: [CaseID]) {
        let now = waitingSeen
        var changed: [CaseID] = [], gone: [CaseID] = []
        for (id, seen) in markedAs where now[id] ?? nil != seen {
            markedAs[id] = nil
            if now[id] != nil { changed.append(id) } else { gone.append(id) }
        }
        return (changed.sorted(), gone.sorted())
    }

    /// The confirmation of `A` while the store changed: a listed proposal no longer waiting as
    /// listed moves to the skipped, said, so y approves only what the list shows.
    mutating func recheckBatch() -> [Command] {
        guard let batch else { return [] }
        let now = waitingSeen
        let changed = batch.approve.filter { now[$0.id] ?? nil != ProposalSeen(pendingIn: $0) }
        guard !changed.isEmpty else { return [] }
        let still = batch.approve.filter { summary in !changed.contains { $0.id == summary.id } }
        guard !still.isEmpty else {
            self.batch = nil
            return [.status("Nothing approved: the \(batch.approve.count) listed were changed or reviewed meanwhile.", .warning)]
        }
        self.batch = Batch(approve: still, skipped: batch.skipped + changed.map { ($0, Self.changedMeanwhile) })
        let left = still.count == 1 ? "the one left" : "the \(still.count) left"
        return [.status("\(changed.count) changed or reviewed meanwhile: approve \(left)? y approves each, n none.", .warning)]
    }
}
