/// What an erasure did, for the person who approved it and for the tests.
public struct ErasureReport: Hashable, Sendable {
    public var caseID: CaseID
    public var erasure: Erasure
    /// The tombstone's version.
    public var version: CaseVersion
    /// Audit entries whose values were erased: the case's, and its proposal's.
    public var entriesErased: Int
    /// Entries of the older form the trail was rewritten from (its first erasure only).
    public var entriesConverted: Int
    /// Nil when the log no longer holds any earlier version of the case; otherwise why it
    /// still does (a compaction could not run now), until the next `haven compact`.
    public var logNotCompacted: String?
    /// Reasons given to open the case (access log) replaced by `(erased)`.
    public var accessReasonsErased = 0
    public var draftsRemoved: Int
    /// Drafts of other accounts this one may not remove: their owners' next session does.
    public var draftsLeft: [String]

    public init(caseID: CaseID, erasure: Erasure, version: CaseVersion, entriesErased: Int = 0, entriesConverted: Int = 0,
                logNotCompacted: String? = nil, draftsRemoved: Int = 0, draftsLeft: [String] = []) {
        self.caseID = caseID
        self.erasure = erasure
        self.version = version
        self.entriesErased = entriesErased
        self.entriesConverted = entriesConverted
        self.logNotCompacted = logNotCompacted
        self.draftsRemoved = draftsRemoved
        self.draftsLeft = draftsLeft
    }
}

/// The rules of erasure, written once for every store: who may propose, who may approve
/// (another person), what may be erased and when, and the tombstone and audit entry an
/// approved erasure writes.
public enum ErasureContract {
    /// The audit subject of proposals and withdrawals (`erasures.HV-…`).
    public static let subject = "erasures"
    /// The field of a tombstone's audit entry.
    public static let field = "erasure"

    /// The other cases that record `id` as a family member's own case.
    public static func linkedFrom(_ id: CaseID, in summaries: [CaseSummary]) -> [CaseID] {
        summaries.filter { $0.id != id && $0.family.contains { $0.linkedCase == id } }.map(\.id)
    }

    /// Refuses `actor` unless their role may erase and the store's users give them that role now.
    public static func requireEraser(_ actor: Actor, users: UserDirectory?) throws {
        do { try Capability.eraseCases.require(actor) } catch { throw StoreError.forbidden("\(error)") }
        if let users {
            do { try users.verify(actor) } catch { throw StoreError.forbidden(error.description) }
        }
    }

    /// Checks a new proposal against the store as it is; returns its audit change.
    public static func propose(_ proposal: ErasureProposal, schedule: RetentionSchedule, stored: StoredCase, linkedFrom: [CaseID],
                               pending: [ErasureProposal], actor: Actor, users: UserDirectory?) throws -> FieldChange {
        try requireEraser(actor, users: users)
        guard proposal.proposedBy == actor.user else { throw StoreError.forbidden("a proposal is made in its proposer's name") }
        if let existing = pending.first(where: { $0.caseID == proposal.caseID }) {
            throw StoreError.forbidden(ErasureError.alreadyProposed(proposal.caseID, by: existing.proposedBy).description)
        }
        do throws(ErasureError) {
            try schedule.check(proposal, record: stored.record, linkedFrom: linkedFrom, today: proposal.proposedAt.date)
        } catch {
            throw StoreError.forbidden(error.description)
        }
        return FieldChange(field: "\(subject).\(proposal.caseID)", before: nil, after: proposal.auditValue)
    }

    /// Checks a withdrawal: its proposer, or any other who may erase.
    public static func withdraw(_ id: CaseID, pending: [ErasureProposal], actor: Actor, users: UserDirectory?) throws -> FieldChange {
        try requireEraser(actor, users: users)
        guard let proposal = pending.first(where: { $0.caseID == id }) else {
            throw StoreError.forbidden(ErasureError.notProposed(id).description)
        }
        return FieldChange(field: "\(subject).\(id)", before: proposal.auditValue, after: nil)
    }

    /// Checks an approval (someone other than the proposer, the case still closed and the
    /// rule still applying) and makes what it writes: the tombstone at the next version, and
    /// its audit entry, which names the erasure and holds no value of the case.
    public static func approve(_ id: CaseID, pending: [ErasureProposal], schedule: RetentionSchedule, stored: StoredCase,
                               linkedFrom: [CaseID], actor: Actor, users: UserDirectory?, at time: Timestamp,
                               sequence: Int) throws -> (tombstone: Case, audit: AuditEntry) {
        try requireEraser(actor, users: users)
        guard let proposal = pending.first(where: { $0.caseID == id }) else {
            throw StoreError.forbidden(ErasureError.notProposed(id).description)
        }
        guard proposal.proposedBy != actor.user else {
            throw StoreError.forbidden(ErasureError.samePerson(id, proposal.proposedBy).description)
        }
        do throws(ErasureError) {
            try schedule.check(proposal, record: stored.record, linkedFrom: linkedFrom, today: proposal.proposedAt.date)
        } catch {
            throw StoreError.forbidden(error.description)
        }
        let erasure = Erasure(proposal, approvedBy: actor.user, at: time)
        let tombstone = stored.record.tombstone(erasure)
        let audit = AuditEntry(sequence: sequence, at: time, user: actor.user, caseID: id, version: stored.version.next,
                               changes: [FieldChange(field: field, before: nil, after: erasure.description)])
        return (tombstone, audit)
    }
}
