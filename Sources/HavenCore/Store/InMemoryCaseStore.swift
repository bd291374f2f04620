import Synchronization

/// A case store held in memory, with the same conflict rules as the file store. For tests,
/// and for a demo that needs no disk.
public final class InMemoryCaseStore: CaseStore, Sendable {
    private let cases = Mutex<[CaseID: StoredCase]>([:])
    private let trail = Mutex<[AuditEntry]>([])
    private let drafts = Mutex<[UserName: IntakeDraft]>([:])
    private let directory: Mutex<UserDirectory>
    /// Empty: no quota is checked (tests of other things); see `init`.
    private let countries: Mutex<[HostCountry]>
    private let courses = Mutex<[LanguageCourse]>([])
    private let openings = Mutex<[JobOpening]>([])

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
        do { try Capability.editCase.require(actor) } catch { throw StoreError.forbidden(error.description) }
        let users = directory.withLock { $0 }
        if !users.users.isEmpty {
            do { try users.verify(actor) } catch { throw StoreError.forbidden(error.description) }
        }
        return try cases.withLock { table throws(StoreError) -> CaseVersion in
            try check(record, basedOn: version, in: table)
            return apply(record, to: &table, by: actor, at: time)
        }
    }

    public func save(together updates: [CaseUpdate], by actor: Actor, at time: Timestamp) throws -> [CaseVersion] {
        do { try Capability.editCase.require(actor) } catch { throw StoreError.forbidden(error.description) }
        let users = directory.withLock { $0 }
        if !users.users.isEmpty {
            do { try users.verify(actor) } catch { throw StoreError.forbidden(error.description) }
        }
        guard Set(updates.map(\.record.id)).count == updates.count else { throw StoreError.unavailable("a case appears twice in one change") }
        return try cases.withLock { table throws(StoreError) -> [CaseVersion] in
            for update in updates { try check(update.record, basedOn: update.basedOn, in: table) }
            return updates.map { apply($0.record, to: &table, by: actor, at: time) }
        }
    }

    /// Refuses a save on a version that is not the latest, or over a quota or a capacity.
    private func check(_ record: Case, basedOn version: CaseVersion?, in table: [CaseID: StoredCase]) throws(StoreError) {
        let current = table[record.id]
        switch (current, version) {
        case (nil, nil):
            break
        case (_?, nil):
            throw .alreadyExists(record.id)
        case (nil, _?):
            throw .notFound(record.id)
        case let (existing?, base?) where existing.version != base:
            throw .conflict(record.id, savedBy: existing.savedBy, savedAt: existing.savedAt, version: existing.version)
        default:
            break
        }
        let hosts = countries.withLock { $0 }
        if !hosts.isEmpty {
            let ledger = QuotaLedger(countries: hosts, summaries: table.values.lazy.map(CaseSummary.init), excluding: record.id)
            do throws(QuotaError) { try ledger.check(previous: current?.record, next: record) } catch { throw .quota(error) }
        }
        // Counting seats and places reads every case: only when this save takes a new one.
        if CapacityCheck.takesCapacity(previous: current?.record, next: record) {
            let others = table.values.filter { $0.record.id != record.id }.map(CaseSummary.init)
            do throws(CapacityError) {
                try CapacityCheck.check(previous: current?.record, next: record, courses: courses.withLock { $0 },
                                        openings: openings.withLock { $0 }, courseUse: LanguageCourse.use(in: others),
                                        openingUse: JobOpening.use(in: others))
            } catch { throw .capacity(error) }
        }
    }

    private func apply(_ record: Case, to table: inout [CaseID: StoredCase], by actor: Actor, at time: Timestamp) -> CaseVersion {
        let current = table[record.id]
        let newVersion = current?.version.next ?? CaseVersion(1)
        table[record.id] = StoredCase(record: record, version: newVersion, savedBy: actor.user, savedAt: time)
        let changes = CaseDiff.changes(from: current?.record, to: record)
        trail.withLock { entries in
            entries.append(AuditEntry(sequence: entries.count + 1, at: time, user: actor.user, caseID: record.id,
                                      version: newVersion, changes: changes))
        }
        return newVersion
    }

    public func history(of id: CaseID) -> [AuditEntry] {
        trail.withLock { $0.filter { $0.caseID == id } }
    }

    public func keepDraft(_ draft: IntakeDraft?, for user: UserName) {
        drafts.withLock { $0[user] = draft }
    }

    public func draft(for user: UserName) -> IntakeDraft? {
        drafts.withLock { $0[user] }
    }

    public func users() -> UserDirectory { directory.withLock { $0 } }

    public func changeUsers(_ change: UserChange, by actor: Actor, at time: Timestamp) throws -> UserDirectory {
        try directory.withLock { current throws(StoreError) -> UserDirectory in
            do {
                let next = try current.applying(change, by: actor, at: time)
                let changes = current.fieldChanges(to: next, for: change.user)
                current = next
                trail.withLock { entries in
                    entries.append(AuditEntry(sequence: entries.count + 1, at: time, user: actor.user, caseID: nil, subject: "users",
                                              version: CaseVersion(entries.count + 1), changes: changes))
                }
                return next
            } catch {
                throw .forbidden("\(error)")
            }
        }
    }

    public func auditTrail(matching filter: AuditFilter, limit: Int) -> [AuditEntry] {
        trail.withLock { Array($0.filter(filter.matches).reversed().prefix(limit)) }
    }

    public func hostCountries() -> [HostCountry] { countries.withLock { $0 } }

    public func changeHostCountries(_ change: HostCountryChange, by actor: Actor, at time: Timestamp) throws -> [HostCountry] {
        let summaries = summaries()
        return try countries.withLock { current in
            let ledger = QuotaLedger(countries: current, summaries: summaries)
            let next: [HostCountry]
            do { next = try ledger.applying(change, by: actor) } catch { throw StoreError.forbidden("\(error)") }
            let changes = QuotaLedger.fieldChanges(from: current, to: next, for: change.country)
            current = next
            trail.withLock { entries in
                entries.append(AuditEntry(sequence: entries.count + 1, at: time, user: actor.user, caseID: nil, subject: "countries",
                                          version: CaseVersion(entries.count + 1), changes: changes))
            }
            return next
        }
    }

    public func catalogue<Item: CatalogueItem>(of type: Item.Type) -> [Item] {
        if Item.self == LanguageCourse.self { return courses.withLock { $0 } as! [Item] }
        return openings.withLock { $0 } as! [Item]
    }

    public func changeCatalogue<Item: CatalogueItem>(_ change: CatalogueChange<Item>, by actor: Actor, at time: Timestamp) throws -> [Item] {
        let summaries = summaries()
        let ledger = CatalogueLedger(items: catalogue(of: Item.self), countries: hostCountries(), use: Item.use(in: summaries))
        let next: [Item]
        do { next = try ledger.applying(change, by: actor) } catch { throw StoreError.forbidden("\(error)") }
        if let list = next as? [LanguageCourse] { courses.withLock { $0 = list } } else { openings.withLock { $0 = next as! [JobOpening] } }
        let changes = change.ids.flatMap { CatalogueLedger.fieldChanges(from: ledger.items, to: next, id: $0) }
        trail.withLock { entries in
            entries.append(AuditEntry(sequence: entries.count + 1, at: time, user: actor.user, caseID: nil, subject: "\(Item.kind)s",
                                      version: CaseVersion(entries.count + 1), changes: changes))
        }
        return next
    }

    /// Nothing else writes to a store in memory.
    public func refresh() -> Bool { false }

    public func nextCaseID() -> CaseID {
        CaseID(number: (cases.withLock { $0.keys.map(\.number).max() } ?? 0) + 1)
    }
}
