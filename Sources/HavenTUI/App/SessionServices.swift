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
    /// Per case, the version an undo saved: a `z` on that version again is a redo, and says so.
    var undoneAt: [CaseID: CaseVersion] = [:]
    /// The name index for duplicate checks: built at the first registration, then updated
    /// with only the names that changed.
    var nameIndex: CaseSearchIndex?
    /// The drafts this session has written, by target, so an unchanged form is not written
    /// again and a form closed or saved has its draft removed.
    var keptDrafts: [String: FormDraft] = [:]
    /// Drafts kept by this user's sessions that are over, not yet taken back: each is offered
    /// when its form opens (and listed at the start).
    public internal(set) var offeredDrafts: [FormDraft] = []
    /// The draft the person chose to reopen on the kept forms' list: put back before any
    /// other of the same target.
    var resuming: FormDraft?
    /// Why drafts cannot be kept in this session (a read-only store, a full disk), or nil.
    public internal(set) var draftsFailing: String?

    init(context: SessionContext, store: (any CaseStore)?) {
        self.context = context
        self.store = store
    }

    /// Marks this session as running in the store and reads what earlier ones left. A session
    /// that cannot mark itself running keeps no drafts (another session would take them for a
    /// finished one's) and says so when asked to quit.
    func beginSession() {
        guard let store else { return }
        do {
            try store.beginSession(context.sessionID, for: context.user)
        } catch {
            draftsFailing = "drafts cannot be kept here (\(error))"
            sessionRunning = false
            return
        }
        offeredDrafts = (try? store.drafts(for: context.user)) ?? []
    }

    /// The offered draft of `target` to put back: the one chosen on the list, else the newest.
    func offeredDraft(for target: String) -> FormDraft? {
        if let resuming, resuming.target == target, offeredDrafts.contains(where: { Self.same($0, resuming) }) { return resuming }
        return offeredDrafts.first { $0.target == target && ($0.editing != nil || $0.form == FormDraft.intake) }
    }

    static func same(_ a: FormDraft, _ b: FormDraft) -> Bool { a.session == b.session && a.target == b.target }

    /// Keeps `wanted` (the forms with unsaved typing now, by target) under this session:
    /// writes those new or changed since the last call (anything but the time), removes those
    /// no longer wanted. Each write is durable when it returns; one that fails is tried again
    /// next time, and the quit question says typing would be lost meanwhile.
    func keepDrafts(_ wanted: [String: FormDraft]) {
        guard let store, sessionRunning else { return }
        var failure: String?
        for (target, draft) in wanted {
            var stamped = draft
            stamped.session = context.sessionID
            stamped.savedAt = keptDrafts[target]?.savedAt ?? now
            guard keptDrafts[target] != stamped else { continue }
            stamped.savedAt = now
            do {
                try store.keepDraft(stamped, for: context.user)
                keptDrafts[target] = stamped
            } catch {
                failure = "drafts cannot be kept (\(error))"
            }
        }
        forget(keeping: Set(wanted.keys))
        draftsFailing = failure
    }

    /// Whether the store knows this session as running (else it keeps nothing).
    var sessionRunning = true

    /// Removes this session's drafts of forms no longer open with typing.
    func forget(keeping open: Set<String>) {
        guard let store else { return }
        for target in keptDrafts.keys where !open.contains(target) {
            if (try? store.discardDraft(session: context.sessionID, target: target, for: context.user)) != nil { keptDrafts[target] = nil }
        }
    }

    /// Takes an earlier session's draft as this session's, in one rename: false when another
    /// session of this user took it first (or it is gone), and then this one must not put it
    /// back, or the form would be typed and saved twice.
    func adopt(_ draft: FormDraft) -> Bool {
        offeredDrafts.removeAll { Self.same($0, draft) }
        if let resuming, Self.same(resuming, draft) { self.resuming = nil }
        guard let store else { return false }
        do {
            guard try store.takeDraft(draft, into: context.sessionID, for: context.user) else { return false }
            var mine = draft
            mine.session = context.sessionID
            keptDrafts[draft.target] = mine
            return true
        } catch {
            draftsFailing = "drafts cannot be kept (\(error))"
            return false
        }
    }

    /// Reads again which drafts over sessions have left (a session of this user that ended
    /// after this one started), less those this session has set aside.
    func refreshOffered() {
        guard let store, sessionRunning else { return }
        let fresh = (try? store.drafts(for: context.user)) ?? []
        offeredDrafts = fresh.filter { draft in !setAsideDrafts.contains { Self.same($0, draft) } }
    }

    /// The cases this reader could not read at the last look (`closesAnotherCase`): nil
    /// before the first, as the session starts.
    var closedCases: Set<CaseID>?

    /// Drafts that could not go back into their forms in this session: not offered again here.
    var setAsideDrafts: [FormDraft] = []

    /// A draft that could not go back into its form: no longer offered in this session, still
    /// kept in the store for the next.
    func setAside(_ draft: FormDraft) {
        setAsideDrafts.append(draft)
        offeredDrafts.removeAll { Self.same($0, draft) }
        if let resuming, Self.same(resuming, draft) { self.resuming = nil }
    }

    /// Throws an earlier session's draft away (asked first, on the kept forms' list).
    func discard(_ draft: FormDraft) -> Bool {
        guard let store, (try? store.discardDraft(session: draft.session, target: draft.target, for: context.user)) != nil else { return false }
        offeredDrafts.removeAll { Self.same($0, draft) }
        return true
    }

    /// The session is over: what it keeps stays kept, offered to the next.
    func endSession() {
        store?.endSession(context.sessionID, for: context.user)
    }

    /// The store's users, or nil when the store cannot say.
    func users() -> UserDirectory? {
        guard let store else { return nil }
        return try? store.users()
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

    /// Who reads, for the access log: this user in this session.
    public var reader: Reader { Reader(actor: context.actor, session: context.sessionID) }

    /// A case with its history, after taking in others' saves (a reload shows it as it is),
    /// opened through the store's need-to-know rule and recorded in the access log: a case
    /// that is not this user's comes back as `.reasonNeeded` until a reason is given.
    func load(_ id: CaseID, part: AccessPart = .caseRecord, reason: String? = nil) -> StoreReply {
        switch open(id, part: part, reason: reason) {
        case let .success(stored):
            do { return .loaded(stored, history: try store!.history(of: id)) } catch { return .failed("\(error)") }
        case let .failure(refusal): return refusal.reply
        }
    }

    /// Why `open` gave no case, as the common reply says it.
    struct OpenRefusal: Error {
        let reply: StoreReply
    }

    /// Part of a case opened through the rule and recorded, without its history (the family
    /// screen, the history section's own entry): what `load` does before reading the history.
    func open(_ id: CaseID, part: AccessPart, reason: String? = nil) -> Result<StoredCase, OpenRefusal> {
        guard let store else { return .failure(OpenRefusal(reply: .failed("No store is open."))) }
        do {
            _ = try store.refresh()
            return .success(try store.read(id, part: part, by: reader, reason: reason, at: now))
        } catch StoreError.needToKnow(.reasonNeeded) {
            return .failure(OpenRefusal(reply: .reasonNeeded(id)))
        } catch {
            return .failure(OpenRefusal(reply: .failed("\(error)")))
        }
    }

    /// The access log, for supervisors and auditors only (the role table decides).
    func accessLog(_ filter: AccessFilter, limit: Int) throws -> [AccessEntry] {
        guard let store else { return [] }
        try Capability.viewAccessLog.require(actor)
        return try store.accessLog(matching: filter, limit: limit)
    }

    /// The audit trail as this user may read it: an entry about a case they may not open says
    /// who, when and which fields, not the values (`NeedToKnow.redacting`).
    func auditTrail(_ filter: AuditFilter, limit: Int) throws -> [AuditEntry] {
        guard let store else { return [] }
        let user = actor.user
        return NeedToKnow.redacting(try store.auditTrail(matching: filter, limit: limit), for: actor, summaries: try store.summaries(),
                                    users: users(), reasoned: { store.hasReason(user, toOpen: $0) })
    }

    /// The summaries as this user may see them (`NeedToKnow.masking`).
    func visible(_ summaries: [CaseSummary]) -> [CaseSummary] {
        NeedToKnow.masking(summaries, for: context.actor)
    }

    /// Saves as the session's user; a stale save comes back as a conflict naming who and
    /// when, never an overwrite. Every open screen then hears of the change.
    func save(_ record: Case, basedOn version: CaseVersion) -> [Command] {
        guard let store else { return [.message(StoreReply.failed("No store is open."))] }
        do {
            _ = try? store.refresh()
            let before = try? store.load(record.id)
            // Saving what is already there would only add an empty version, which then meets
            // every other session's save as a conflict: nothing is written.
            if let before, before.version == version, before.record == record {
                return [.message(StoreReply.saved(before, history: try store.history(of: record.id))),
                        .status("Nothing changed in \(record.id): not saved again.", .info)]
            }
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
        // A refusal is most often a change made elsewhere meanwhile, which this session's own
        // look at the store has now taken in: every screen is told, or they would go on showing
        // what was (a walk's losing session showed the old proposal until r).
        return (saved.isEmpty && refused.isEmpty ? [] : [.storeChanged]) + [.message(StoreReply.updated(saved: saved, refused: refused))]
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
            // As in `update`: a refusal is most often a change made elsewhere; every screen is told.
            return [.storeChanged, .message(StoreReply.updated(saved: [], refused: [(ids.first ?? CaseID(number: 0), "\(error)")]))]
        }
    }

    /// The courses and openings with the summaries their use is counted from.
    func catalogue(of store: any CaseStore) throws -> IntegrationCatalogue {
        IntegrationCatalogue(courses: try store.catalogue(of: LanguageCourse.self), openings: try store.catalogue(of: JobOpening.self),
                             summaries: visible(try store.summaries()))
    }
}
