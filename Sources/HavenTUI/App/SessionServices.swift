import HavenCore

/// What a session has beside its screens: the store as this user sees it, the time, this
/// session's last change of each case (for undo), the name index for duplicate checks, and
/// the edit kept from an earlier session. Store tasks (`StoreTask`) run against it; screens
/// never hold it, and the runtime only hands it to tasks and jobs.
public final class SessionServices {
    public let context: SessionContext
    /// The store, through HavenCore's protocol; nil when none is open.
    public let store: (any CaseStore)?
    /// This session's last change of each case: the case before it and the version it made.
    var lastChanges: [CaseID: (before: Case, after: CaseVersion)] = [:]
    /// The name index for duplicate checks: built at the first registration, then updated
    /// with only the names that changed.
    var nameIndex: CaseSearchIndex?
    /// The drafts this session has written, by target, so an unchanged form is not written
    /// again and a form closed or saved has its draft removed.
    var keptDrafts: [String: FormDraft] = [:]
    /// Drafts kept by this user's sessions that are over, not yet taken back: each is offered
    /// when its form opens (and listed at the start).
    public internal(set) var offeredDrafts: [FormDraft] = []

    init(context: SessionContext, store: (any CaseStore)?) {
        self.context = context
        self.store = store
    }

    /// Marks this session as running in the store and reads what earlier ones left.
    func beginSession() {
        guard let store else { return }
        try? store.beginSession(context.sessionID, for: context.user)
        offeredDrafts = (try? store.drafts(for: context.user)) ?? []
    }

    /// Keeps `wanted` (the forms with unsaved typing now, by target) under this session:
    /// writes those new or changed since the last call, removes those no longer wanted.
    /// Each write is durable when it returns; one that fails is tried again next time.
    func keepDrafts(_ wanted: [String: FormDraft]) {
        guard let store else { return }
        for (target, draft) in wanted where keptDrafts[target]?.values != draft.values {
            var stamped = draft
            stamped.session = context.sessionID
            stamped.savedAt = now
            if (try? store.keepDraft(stamped, for: context.user)) != nil { keptDrafts[target] = stamped }
        }
        for target in keptDrafts.keys where wanted[target] == nil {
            if (try? store.discardDraft(session: context.sessionID, target: target, for: context.user)) != nil { keptDrafts[target] = nil }
        }
    }

    /// Takes an earlier session's draft as this session's: written under this session first,
    /// then the earlier copy removed, so a crash between the two leaves it kept twice, never
    /// lost.
    func adopt(_ draft: FormDraft) {
        offeredDrafts.removeAll { $0.session == draft.session && $0.target == draft.target }
        guard let store else { return }
        var mine = draft
        mine.session = context.sessionID
        if (try? store.keepDraft(mine, for: context.user)) != nil { keptDrafts[draft.target] = mine }
        try? store.discardDraft(session: draft.session, target: draft.target, for: context.user)
    }

    /// Throws an earlier session's draft away (asked first, on the kept forms' list).
    func discard(_ draft: FormDraft) -> Bool {
        guard let store, (try? store.discardDraft(session: draft.session, target: draft.target, for: context.user)) != nil else { return false }
        offeredDrafts.removeAll { $0.session == draft.session && $0.target == draft.target }
        return true
    }

    /// The session is over: what it keeps stays kept, offered to the next.
    func endSession() {
        store?.endSession(context.sessionID, for: context.user)
    }

    /// The courses and openings, or nil when the store cannot say.
    func catalogue() -> IntegrationCatalogue? {
        guard let store else { return nil }
        return try? catalogue(of: store)
    }

    /// The time now: read here, by the runtime's tasks, never inside a screen's `handle`.
    public var now: Timestamp { context.clock() }
    public var actor: Actor { context.actor }

    /// The store, or the commands that say none is open.
    func withStore(_ body: (any CaseStore) throws -> [Command]) -> [Command] {
        guard let store else { return [.message(StoreReply.failed("No store is open."))] }
        do { return try body(store) } catch { return [.message(StoreReply.failed("\(error)"))] }
    }

    /// A case with its history, after taking in others' saves (a reload shows it as it is).
    func load(_ id: CaseID) -> StoreReply {
        guard let store else { return .failed("No store is open.") }
        do {
            _ = try store.refresh()
            return .loaded(try store.load(id), history: try store.history(of: id))
        } catch {
            return .failed("\(error)")
        }
    }

    /// Saves as the session's user; a stale save comes back as a conflict naming who and
    /// when, never an overwrite. Every open screen then hears of the change.
    func save(_ record: Case, basedOn version: CaseVersion) -> [Command] {
        guard let store else { return [.message(StoreReply.failed("No store is open."))] }
        do {
            let before = try? store.load(record.id)
            let saved = try store.save(record, basedOn: version, by: actor, at: now)
            if let before, before.version == version { lastChanges[record.id] = (before.record, saved) }
            // The other screens first (a case view under a form reloads quietly), then the asker,
            // whose status line is the one left showing.
            return [.storeChanged, .message(StoreReply.saved(try store.load(record.id), history: try store.history(of: record.id)))]
        } catch let StoreError.conflict(_, savedBy, savedAt, _) {
            return [.message(StoreReply.conflict(savedBy: savedBy, savedAt: savedAt))]
        } catch {
            return [.message(StoreReply.failed("\(error)"))]
        }
    }

    /// Applies `change` to each case on its latest version and saves it; a case refused by a
    /// rule, or changed by someone else in between, is reported and left as it was.
    func update(_ ids: [CaseID], _ change: CaseChange) -> [Command] {
        guard let store else { return [.message(StoreReply.failed("No store is open."))] }
        var saved: [CaseID] = []
        var refused: [(CaseID, String)] = []
        for id in ids {
            do {
                let stored = try store.load(id)
                let next = try change.apply(stored.record, actor, now)
                let version = try store.save(next, basedOn: stored.version, by: actor, at: now)
                lastChanges[id] = (stored.record, version)
                saved.append(id)
            } catch {
                refused.append((id, "\(error)"))
            }
        }
        return (saved.isEmpty ? [] : [.storeChanged]) + [.message(StoreReply.updated(saved: saved, refused: refused))]
    }

    /// Loads `ids`, applies the change to them all, and saves them in one write: all or none.
    func updateTogether(_ ids: [CaseID], _ change: GroupChange) -> [Command] {
        guard let store else { return [.message(StoreReply.failed("No store is open."))] }
        do {
            let loaded = try ids.map { try store.load($0) }
            let next = try change.apply(loaded.map(\.record), try store.summaries(), actor, now)
            let versions = try store.save(together: zip(next, loaded).map { CaseUpdate($0, basedOn: $1.version) }, by: actor, at: now)
            for (stored, version) in zip(loaded, versions) { lastChanges[stored.record.id] = (stored.record, version) }
            return [.storeChanged, .message(StoreReply.updated(saved: ids, refused: []))]
        } catch {
            return [.message(StoreReply.updated(saved: [], refused: [(ids.first ?? CaseID(number: 0), "\(error)")]))]
        }
    }

    /// The courses and openings with the summaries their use is counted from.
    func catalogue(of store: any CaseStore) throws -> IntegrationCatalogue {
        IntegrationCatalogue(courses: try store.catalogue(of: LanguageCourse.self), openings: try store.catalogue(of: JobOpening.self),
                             summaries: try store.summaries())
    }
}
