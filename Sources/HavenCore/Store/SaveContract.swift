/// What a store holds at the moment of a save, as the save contract reads it. A store answers
/// under its write lock, after taking in every other session's saves, so the contract judges
/// the store as it is, not as this session last saw it. Anything costly (a record, the
/// catalogues) is asked for only when the save needs it.
public protocol SaveLedger {
    /// The case as stored now, or nil when there is none.
    func stored(_ id: CaseID) throws -> StoredCase?
    /// The case's summary as stored now (for the other side of a family link).
    func summary(of id: CaseID) -> CaseSummary?
    /// Who may use the store now; nil when the store keeps no list (then the role alone counts).
    func currentUsers() throws -> UserDirectory?
    /// The host countries and their quotas now; empty when no quota applies.
    func currentHostCountries() throws -> [HostCountry]
    /// Places used (approved allocations) and held (pending proposals) by country, and the
    /// same for each scarcer kind of place (`PlaceKind`), counted in one pass where a store
    /// counts them afresh (its `countries` may be empty: the contract reads them apart).
    var placeCounts: QuotaLedger { get }
    func currentCourses() throws -> [LanguageCourse]
    func currentOpenings() throws -> [JobOpening]
    /// Enrolled seats by course and filled places by opening, every case counted.
    var seatsTaken: [String: Int] { get }
    var placesFilled: [String: Int] { get }
    /// The sequence number of the newest audit entry (0 for an empty trail).
    var lastAuditSequence: Int { get }
    /// Whether `user` gave a reason to open case `id` in this session (`NeedToKnow`).
    func hasReason(_ user: UserName, toOpen id: CaseID) -> Bool
}

extension SaveLedger {
    public func hasReason(_ user: UserName, toOpen id: CaseID) -> Bool { false }
}

/// One case of a save as the contract passed it: what to write, at which version, and its
/// audit entry.
public struct PreparedSave: Sendable {
    public var record: Case
    public var version: CaseVersion
    /// The case as stored before this save (nil for a new case).
    public var previous: Case?
    public var audit: AuditEntry

    public init(record: Case, version: CaseVersion, previous: Case?, audit: AuditEntry) {
        self.record = record
        self.version = version
        self.previous = previous
        self.audit = audit
    }
}

/// The rules every save must pass, written once: the file store, the in-memory store, imports
/// and any later store call `prepare` under their write lock and write exactly what it returns.
///
/// In order: the actor's capability and current role, each case once, each on the version it
/// started from (a later one is a conflict naming who and when), quotas, course and opening
/// capacity, family links written on both cases, and the audit entries (the diff with
/// sensitive values withheld) numbered on from the trail's last, unique and without gaps.
public enum SaveContract {
    /// `newCaseChanges`, when given, holds the audit changes of each update made before the
    /// lock (an import): a new case's diff depends on nothing stored, so it is used for the
    /// updates that are new cases, and worked out here for any other.
    public static func prepare(_ updates: [CaseUpdate], by actor: Actor, at time: Timestamp,
                               capability: Capability = .editCase, newCaseChanges: [[FieldChange]]? = nil,
                               ledger: some SaveLedger) throws -> [PreparedSave] {
        do { try capability.require(actor) } catch { throw StoreError.forbidden("\(error)") }
        let users = try ledger.currentUsers()
        if let users {
            do { try users.verify(actor) } catch { throw StoreError.forbidden(error.description) }
        }
        guard Set(updates.map(\.record.id)).count == updates.count else {
            throw StoreError.unavailable("a case appears twice in one change")
        }
        var previous: [Case?] = []
        var versions: [CaseVersion] = []
        for update in updates {
            let current = try ledger.stored(update.record.id)
            switch (current, update.basedOn) {
            case (nil, nil): break
            case (_?, nil): throw StoreError.alreadyExists(update.record.id)
            case (nil, _?): throw StoreError.notFound(update.record.id)
            case let (existing?, base?) where existing.version != base:
                throw StoreError.conflict(update.record.id, savedBy: existing.savedBy, savedAt: existing.savedAt, version: existing.version)
            default: break
            }
            if let current { try checkNeedToKnow(current, actor: actor, users: users, ledger: ledger) }
            // An erased case is never written again, and only an approved erasure
            // (`CaseStore.erase`) makes one: no edit or import can set or clear it.
            if let erasure = current?.record.erasure {
                throw StoreError.forbidden("\(update.record.id) was erased: \(erasure.description). Nothing more is recorded in it")
            }
            if update.record.erasure != nil {
                throw StoreError.forbidden("\(update.record.id): an erasure is made only when a second person approves it ('haven retention --approve')")
            }
            // Restricting, changing a restriction or lifting one is a supervisor's, whatever
            // the save (an edit, an import) carries.
            if current?.record.restriction != update.record.restriction {
                do { try Capability.restrictCases.require(actor) } catch { throw StoreError.forbidden("\(error)") }
            }
            previous.append(current?.record)
            versions.append(current?.version.next ?? CaseVersion(1))
        }
        try checkQuotas(updates, previous: previous, ledger: ledger)
        try checkCapacity(updates, previous: previous, ledger: ledger)
        try checkFamilyLinks(updates, previous: previous, ledger: ledger)
        return updates.indices.map { index in
            let record = updates[index].record
            let changes = previous[index] == nil ? newCaseChanges?[index] ?? CaseDiff.changes(from: nil, to: record)
                                                 : CaseDiff.changes(from: previous[index], to: record)
            let audit = AuditEntry(sequence: ledger.lastAuditSequence + 1 + index, at: time, user: actor.user, caseID: record.id,
                                   version: versions[index], changes: changes)
            return PreparedSave(record: record, version: versions[index], previous: previous[index], audit: audit)
        }
    }

    /// A case is changed only by someone who may open it (`NeedToKnow`): theirs, their
    /// team's, or one they gave a reason to open in this session; a restricted case only by
    /// its team and supervisors. Judged on the case as stored, before this change.
    static func checkNeedToKnow(_ current: StoredCase, actor: Actor, users: UserDirectory?, ledger: some SaveLedger) throws {
        let summary = ledger.summary(of: current.record.id) ?? CaseSummary(current)
        switch NeedToKnow.level(of: actor, for: summary, users: users) {
        case .full: return
        case .reasonNeeded:
            guard ledger.hasReason(actor.user, toOpen: current.record.id) else {
                throw StoreError.forbidden(NeedToKnowError.reasonNeeded(current.record.id).description)
            }
        case .refused: throw StoreError.forbidden(NeedToKnowError.restricted(current.record.id).description)
        }
    }

    /// Each case judged against every other case, the earlier cases of this save included.
    static func checkQuotas(_ updates: [CaseUpdate], previous: [Case?], ledger: some SaveLedger) throws {
        let moving = updates.indices.filter {
            updates[$0].record.allocatedCountry != previous[$0]?.allocatedCountry || updates[$0].record.heldCountry != previous[$0]?.heldCountry
                || updates[$0].record.allocation?.placesTaken != previous[$0]?.allocation?.placesTaken
        }
        // Most saves touch no allocation: nothing to count.
        guard !moving.isEmpty else { return }
        let countries = try ledger.currentHostCountries()
        // A store opened without any country list (some tools and tests) has no quota to keep.
        guard !countries.isEmpty else { return }
        let counted = ledger.placeCounts
        var used = counted.used
        var held = counted.reserved
        var usedOfKind = counted.usedOfKind
        var heldOfKind = counted.reservedOfKind
        func count(_ record: Case?, by amount: Int) {
            let kinds = record?.allocation?.placesTaken ?? []
            if let country = record?.allocatedCountry {
                used[country, default: 0] += amount
                for kind in kinds { usedOfKind[country, default: [:]][kind, default: 0] += amount }
            }
            if let country = record?.heldCountry {
                held[country, default: 0] += amount
                for kind in kinds { heldOfKind[country, default: [:]][kind, default: 0] += amount }
            }
        }
        for index in moving {
            let (before, next) = (previous[index], updates[index].record)
            count(before, by: -1)
            let quotas = QuotaLedger(countries: countries, used: used, reserved: held, usedOfKind: usedOfKind, reservedOfKind: heldOfKind)
            do throws(QuotaError) { try quotas.check(previous: before, next: next) } catch { throw StoreError.quota(error) }
            count(next, by: 1)
        }
    }

    static func checkCapacity(_ updates: [CaseUpdate], previous: [Case?], ledger: some SaveLedger) throws {
        let taking = updates.indices.filter { CapacityCheck.takesCapacity(previous: previous[$0], next: updates[$0].record) }
        guard !taking.isEmpty else { return }
        let courses = try ledger.currentCourses()
        let openings = try ledger.currentOpenings()
        var seats = ledger.seatsTaken
        var places = ledger.placesFilled
        for index in taking {
            let (before, next) = (previous[index], updates[index].record)
            do throws(CapacityError) {
                try CapacityCheck.check(previous: before, next: next, courses: courses, openings: openings,
                                        courseUse: CatalogueUse(taken: seats), openingUse: CatalogueUse(taken: places))
            } catch { throw StoreError.capacity(error) }
            for course in CapacityCheck.newSeats(previous: before, next: next) { seats[course, default: 0] += 1 }
            for opening in CapacityCheck.newPlacements(previous: before, next: next) { places[opening, default: 0] += 1 }
        }
    }

    /// A link made or removed on one case is made or removed on the other in the same save (or
    /// is already so): a family is never linked on one side only.
    static func checkFamilyLinks(_ updates: [CaseUpdate], previous: [Case?], ledger: some SaveLedger) throws {
        // Most saves (and imports) link nobody: nothing to look up.
        let linking = updates.indices.filter { index in
            updates[index].record.family.contains { $0.linkedCase != nil } || previous[index]?.family.contains { $0.linkedCase != nil } == true
        }
        guard !linking.isEmpty else { return }
        let position = Dictionary(uniqueKeysWithValues: updates.enumerated().map { ($0.element.record.id, $0.offset) })
        func links(of id: CaseID) -> Set<CaseID>? {
            if let index = position[id] { return Set(updates[index].record.family.compactMap(\.linkedCase)) }
            return ledger.summary(of: id).map { Set($0.family.compactMap(\.linkedCase)) }
        }
        for index in linking {
            let update = updates[index]
            let before = Set(previous[index]?.family.compactMap(\.linkedCase) ?? [])
            let after = Set(update.record.family.compactMap(\.linkedCase))
            for other in after.subtracting(before).sorted() {
                guard let theirs = links(of: other) else {
                    throw StoreError.unavailable("\(update.record.id) links to \(other), which is not in the store")
                }
                guard theirs.contains(update.record.id) else {
                    throw StoreError.unavailable("\(update.record.id) links to \(other), but \(other) does not link back; a link is saved on both cases at once")
                }
            }
            for other in before.subtracting(after).sorted() where links(of: other)?.contains(update.record.id) == true {
                throw StoreError.unavailable("\(update.record.id) unlinks \(other), but \(other) still links to it; an unlink is saved on both cases at once")
            }
        }
    }
}
