import Synchronization

/// A case store held in memory, with the same conflict rules as the file store. For tests,
/// and for a demo that needs no disk.
public final class InMemoryCaseStore: CaseStore, Sendable {
    private let cases = Mutex<[CaseID: StoredCase]>([:])
    private let trail = Mutex<[AuditEntry]>([])
    private let drafts = Mutex<[UserName: [String: FormDraft]]>([:])
    private let runningSessions = Mutex<Set<String>>([])
    private let userSettings = Mutex<[UserName: UserSettings]>([:])
    private let directory: Mutex<UserDirectory>
    /// Empty: no quota is checked (tests of other things); see `init`.
    private let countries: Mutex<[HostCountry]>
    private let courses = Mutex<[LanguageCourse]>([])
    private let openings = Mutex<[JobOpening]>([])
    private let accessEntries = Mutex<[AccessEntry]>([])
    /// The cases each user gave a reason to open (in any session: one store, one session here).
    private let reasons = Mutex<[UserName: Set<CaseID>]>([:])
    private let proposals = Mutex<[ErasureProposal]>([])

    /// - Parameter users: when given, saves are refused to anyone whose role is not the one
    ///   it gives them, as the file store does; when empty, only the role itself is checked.
    public init(cases initial: [Case] = [], savedBy: UserName = "demo", at time: Timestamp = Timestamp(secondsSinceEpoch: 0),
                users: UserDirectory = UserDirectory(), countries: [HostCountry] = []) {
        directory = Mutex(users)
        self.countries = Mutex(countries)
        cases.withLock { table in
            for record in initial {
                table[record.id] = StoredCase(record: record, version: CaseVersion(1), savedBy: savedBy, savedAt: time)
            }
        }
    }

    public func summaries() -> [CaseSummary] {
        cases.withLock { $0.values.map(CaseSummary.init).sorted { $0.id < $1.id } }
    }

    public func load(_ id: CaseID) throws -> StoredCase {
        guard let stored = cases.withLock({ $0[id] }) else { throw StoreError.notFound(id) }
        return stored
    }

    public func save(_ record: Case, basedOn version: CaseVersion?, by actor: Actor, at time: Timestamp) throws -> CaseVersion {
        try save(together: [CaseUpdate(record, basedOn: version)], by: actor, at: time)[0]
    }

    /// Saves as the contract says (`SaveContract`), all under one lock.
    public func save(together updates: [CaseUpdate], by actor: Actor, at time: Timestamp) throws -> [CaseVersion] {
        try write(updates, by: actor, at: time, capability: .editCase)
    }

    public func importCases(_ records: [Case], by actor: Actor, at time: Timestamp, today: CalendarDate,
                            progress: (Int) -> Void) throws {
        do { try Capability.importCases.require(actor) } catch { throw StoreError.forbidden("\(error)") }
        let problems = ImportCheck.problems(in: records, today: today) { id in cases.withLock { $0[id] != nil } }
        guard problems.isEmpty else { throw ImportError.invalid(problems) }
        try ImportCheck.checkQuotas(records, countries: countries.withLock { $0 },
                                    used: QuotaLedger(countries: [], summaries: summaries()).used)
        _ = try write(records.map { CaseUpdate($0, basedOn: nil) }, by: actor, at: time, capability: .importCases)
        progress(records.count)
    }

    private func write(_ updates: [CaseUpdate], by actor: Actor, at time: Timestamp, capability: Capability) throws -> [CaseVersion] {
        // Everything the contract reads is taken under the cases lock, which every change of
        // users, countries and catalogues also takes: the store as it is at this save.
        return try cases.withLock { table in
            let users = directory.withLock { $0 }
            let hosts = countries.withLock { $0 }
            let catalogues = (courses.withLock { $0 }, openings.withLock { $0 })
            return try trail.withLock { entries in
                let ledger = Ledger(table: table, users: users.users.isEmpty ? nil : users, countries: hosts,
                                    catalogues: catalogues, lastAuditSequence: entries.count,
                                    reasons: reasons.withLock { $0[actor.user] ?? [] })
                let prepared = try SaveContract.prepare(updates, by: actor, at: time, capability: capability, ledger: ledger)
                for save in prepared {
                    table[save.record.id] = StoredCase(record: save.record, version: save.version, savedBy: actor.user, savedAt: time)
                    entries.append(save.audit)
                }
                return prepared.map(\.version)
            }
        }
    }

    /// The table as the contract reads it; counts are made only when a save asks for them.
    private struct Ledger: SaveLedger {
        let table: [CaseID: StoredCase]
        let directory: UserDirectory?
        let countries: [HostCountry]
        let catalogues: ([LanguageCourse], [JobOpening])
        let lastAuditSequence: Int
        let reasons: Set<CaseID>

        init(table: [CaseID: StoredCase], users: UserDirectory?, countries: [HostCountry],
             catalogues: ([LanguageCourse], [JobOpening]), lastAuditSequence: Int, reasons: Set<CaseID>) {
            self.reasons = reasons
            self.table = table
            directory = users
            self.countries = countries
            self.catalogues = catalogues
            self.lastAuditSequence = lastAuditSequence
        }

        func stored(_ id: CaseID) -> StoredCase? { table[id] }
        func hasReason(_ user: UserName, toOpen id: CaseID) -> Bool { reasons.contains(id) }
        func summary(of id: CaseID) -> CaseSummary? { table[id].map(CaseSummary.init) }
        func currentUsers() -> UserDirectory? { directory }
        func currentHostCountries() -> [HostCountry] { countries }
        var placeCounts: QuotaLedger { QuotaLedger(countries: countries, summaries: table.values.lazy.map(CaseSummary.init)) }
        func currentCourses() -> [LanguageCourse] { catalogues.0 }
        func currentOpenings() -> [JobOpening] { catalogues.1 }
        var seatsTaken: [String: Int] { LanguageCourse.use(in: table.values.map(CaseSummary.init)).taken }
        var placesFilled: [String: Int] { JobOpening.use(in: table.values.map(CaseSummary.init)).taken }
    }

    public func read(_ id: CaseID, part: AccessPart, by reader: Reader, reason: String?, at time: Timestamp) throws -> StoredCase {
        let stored = try load(id)
        let users = directory.withLock { $0 }
        if !users.users.isEmpty {
            do { try users.verify(reader.actor) } catch { throw StoreError.forbidden(error.description) }
        }
        let before = hasReason(reader.actor.user, toOpen: id)
        let judged: (entry: AccessEntry, refusal: NeedToKnowError?)
        do { judged = try NeedToKnow.judge(CaseSummary(stored), part: part, by: reader, reason: reason, reasonGivenBefore: before,
                                           users: users.users.isEmpty ? nil : users, at: time)
        } catch { throw StoreError.needToKnow(error) }
        logAccess(judged.entry)
        if let refusal = judged.refusal { throw StoreError.needToKnow(refusal) }
        if judged.entry.outcome == .reasoned { _ = reasons.withLock { $0[reader.actor.user, default: []].insert(id) } }
        return stored
    }

    public func hasReason(_ user: UserName, toOpen id: CaseID) -> Bool {
        reasons.withLock { $0[user]?.contains(id) == true }
    }

    public func logAccess(_ entry: AccessEntry) {
        accessEntries.withLock { entries in
            var numbered = entry
            numbered.sequence = entries.count + 1
            entries.append(numbered)
        }
    }

    public func accessLog(matching filter: AccessFilter, limit: Int) -> [AccessEntry] {
        accessEntries.withLock { Array($0.reversed().lazy.filter(filter.matches).prefix(limit)) }
    }

    public func history(of id: CaseID) -> [AuditEntry] {
        trail.withLock { $0.filter { $0.caseID == id } }
    }

    public func beginSession(_ session: String, for user: UserName) {
        _ = runningSessions.withLock { $0.insert("\(user.rawValue)~\(session)") }
    }

    public func endSession(_ session: String, for user: UserName) {
        _ = runningSessions.withLock { $0.remove("\(user.rawValue)~\(session)") }
    }

    public func keepDraft(_ draft: FormDraft, for user: UserName) {
        drafts.withLock { $0[user, default: [:]]["\(draft.session)~\(draft.target)"] = draft }
    }

    public func takeDraft(_ draft: FormDraft, into session: String, for user: UserName) -> Bool {
        drafts.withLock { all in
            guard var taken = all[user]?.removeValue(forKey: "\(draft.session)~\(draft.target)") else { return false }
            taken.session = session
            all[user, default: [:]]["\(session)~\(draft.target)"] = taken
            return true
        }
    }

    public func discardDraft(session: String, target: String, for user: UserName) {
        _ = drafts.withLock { $0[user]?.removeValue(forKey: "\(session)~\(target)") }
    }

    public func drafts(for user: UserName) -> [FormDraft] {
        let running = runningSessions.withLock { $0 }
        return drafts.withLock { ($0[user] ?? [:]).values }
            .filter { !running.contains("\(user.rawValue)~\($0.session)") }
            .sorted { ($0.savedAt, $0.target) > ($1.savedAt, $1.target) }
    }

    public func settings(for user: UserName) -> UserSettings { userSettings.withLock { $0[user] ?? UserSettings() } }

    public func keepSettings(_ settings: UserSettings, for user: UserName) {
        userSettings.withLock { $0[user] = settings }
    }

    public func users() -> UserDirectory { directory.withLock { $0 } }

    public func changeUsers(_ change: UserChange, by actor: Actor, at time: Timestamp) throws -> UserDirectory {
        try administratorChange { _ in
            try directory.withLock { current in
                let next: UserDirectory
                do { next = try current.applying(change, by: actor, at: time) } catch { throw StoreError.forbidden("\(error)") }
                let changes = current.fieldChanges(to: next, for: change.user)
                current = next
                // The users list starts at revision 1, as the file store's users.json does.
                audit("users", revision: { $0 + 2 }, changes: changes, by: actor, at: time)
                return next
            }
        }
    }

    /// Runs an administrator's change under the cases lock, so no save judges the store
    /// half-way through it, with the summaries it may need.
    private func administratorChange<T>(_ body: ([CaseSummary]) throws -> T) throws -> T {
        try cases.withLock { table in try body(table.values.map(CaseSummary.init)) }
    }

    /// Records an administrator's change; `revision` turns the number of earlier changes of
    /// this subject into this one's revision.
    private func audit(_ subject: String, revision: (Int) -> Int, changes: [FieldChange], by actor: Actor, at time: Timestamp) {
        trail.withLock { entries in
            let earlier = entries.filter { $0.subject == subject }.count
            entries.append(AuditEntry(sequence: entries.count + 1, at: time, user: actor.user, caseID: nil, subject: subject,
                                      version: CaseVersion(revision(earlier)), changes: changes))
        }
    }

    public func auditTrail(matching filter: AuditFilter, limit: Int) -> [AuditEntry] {
        trail.withLock { Array($0.filter(filter.matches).reversed().prefix(limit)) }
    }

    public func erasureProposals() -> [ErasureProposal] { proposals.withLock { $0 } }

    /// In memory an erasure is one step: none is ever left unfinished.
    public func unfinishedErasures() -> [CaseID] { [] }

    public func proposeErasure(_ proposal: ErasureProposal, schedule: RetentionSchedule, by actor: Actor) throws {
        try cases.withLock { table in
            guard let stored = table[proposal.caseID] else { throw StoreError.notFound(proposal.caseID) }
            let users = directory.withLock { $0 }
            let change = try ErasureContract.propose(proposal, schedule: schedule, stored: stored,
                                                     linkedFrom: ErasureContract.linkedFrom(proposal.caseID, in: table.values.map(CaseSummary.init)),
                                                     pending: proposals.withLock { $0 }, actor: actor, users: users.users.isEmpty ? nil : users)
            proposals.withLock { $0.append(proposal) }
            audit(ErasureContract.subject, revision: { $0 + 1 }, changes: [change], by: actor, at: proposal.proposedAt)
        }
    }

    public func withdrawErasure(of id: CaseID, by actor: Actor, at time: Timestamp) throws {
        try cases.withLock { _ in
            let users = directory.withLock { $0 }
            let change = try ErasureContract.withdraw(id, pending: proposals.withLock { $0 }, actor: actor, users: users.users.isEmpty ? nil : users)
            proposals.withLock { $0.removeAll { $0.caseID == id } }
            audit(ErasureContract.subject, revision: { $0 + 1 }, changes: [change], by: actor, at: time)
        }
    }

    /// In memory there is no older version or draft file to remove: the record becomes its
    /// tombstone and the trail's values of the case are replaced by `erased:`.
    public func erase(_ id: CaseID, schedule: RetentionSchedule, by actor: Actor, at time: Timestamp,
                      progress: (String) -> Void) throws -> ErasureReport {
        try cases.withLock { table in
            guard let stored = table[id] else { throw StoreError.notFound(id) }
            let users = directory.withLock { $0 }
            return try trail.withLock { entries in
                let (tombstone, entry) = try ErasureContract.approve(
                    id, pending: proposals.withLock { $0 }, schedule: schedule, stored: stored,
                    linkedFrom: ErasureContract.linkedFrom(id, in: table.values.map(CaseSummary.init)), actor: actor,
                    users: users.users.isEmpty ? nil : users, at: time, sequence: entries.count + 1)
                var erased = 0
                // The case's entries, and its proposals and withdrawals (they carry the reason).
                for index in entries.indices
                where entries[index].caseID == id || entries[index].changes.contains(where: { $0.field == "\(ErasureContract.subject).\(id)" }) {
                    entries[index] = entries[index].erasingValues { _ in FieldChange.erasedPrefix }
                    erased += 1
                }
                entries.append(entry)
                table[id] = StoredCase(record: tombstone, version: entry.version, savedBy: actor.user, savedAt: time)
                proposals.withLock { $0.removeAll { $0.caseID == id } }
                drafts.withLock { all in
                    for user in all.keys { all[user] = all[user]?.filter { !$0.key.hasSuffix("~\(id)") && !$0.key.contains("~\(id).") } }
                }
                return ErasureReport(caseID: id, erasure: tombstone.erasure!, version: entry.version, entriesErased: erased)
            }
        }
    }

    public func hostCountries() -> [HostCountry] { countries.withLock { $0 } }

    public func changeHostCountries(_ change: HostCountryChange, by actor: Actor, at time: Timestamp) throws -> [HostCountry] {
        try administratorChange { summaries in
            try countries.withLock { current in
                let ledger = QuotaLedger(countries: current, summaries: summaries)
                let next: [HostCountry]
                do { next = try ledger.applying(change, by: actor) } catch { throw StoreError.forbidden("\(error)") }
                let changes = QuotaLedger.fieldChanges(from: current, to: next, for: change.country)
                current = next
                audit("countries", revision: { $0 + 1 }, changes: changes, by: actor, at: time)
                return next
            }
        }
    }

    public func catalogue<Item: CatalogueItem>(of type: Item.Type) -> [Item] {
        if Item.self == LanguageCourse.self { return courses.withLock { $0 } as! [Item] }
        return openings.withLock { $0 } as! [Item]
    }

    public func changeCatalogue<Item: CatalogueItem>(_ change: CatalogueChange<Item>, by actor: Actor, at time: Timestamp) throws -> [Item] {
        try administratorChange { summaries in
            let ledger = CatalogueLedger(items: catalogue(of: Item.self), countries: hostCountries(), use: Item.use(in: summaries))
            let next: [Item]
            do { next = try ledger.applying(change, by: actor) } catch { throw StoreError.forbidden("\(error)") }
            if let list = next as? [LanguageCourse] { courses.withLock { $0 = list } } else { openings.withLock { $0 = next as! [JobOpening] } }
            audit("\(Item.kind)s", revision: { $0 + 1 }, changes: change.ids.flatMap { CatalogueLedger.fieldChanges(from: ledger.items, to: next, id: $0) },
                  by: actor, at: time)
            return next
        }
    }

    /// Nothing else writes to a store in memory.
    public func refresh() -> Bool { false }

    public func nextCaseID() -> CaseID {
        CaseID(number: (cases.withLock { $0.keys.map(\.number).max() } ?? 0) + 1)
    }
}
