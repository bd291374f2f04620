/// The version of a stored case: it goes up by one with every save. A save names the version
/// it started from; if the store holds a later one, the save is a conflict.
public struct CaseVersion: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: Int

    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public var next: CaseVersion { CaseVersion(rawValue + 1) }
    public var description: String { "v\(rawValue)" }
    public static func < (a: CaseVersion, b: CaseVersion) -> Bool { a.rawValue < b.rawValue }

    /// A plain number in JSON.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A case as the store holds it: the record, its version, and who saved it last and when.
public struct StoredCase: Hashable, Sendable {
    public var record: Case
    public var version: CaseVersion
    public var savedBy: UserName
    public var savedAt: Timestamp

    public init(record: Case, version: CaseVersion, savedBy: UserName, savedAt: Timestamp) {
        self.record = record
        self.version = version
        self.savedBy = savedBy
        self.savedAt = savedAt
    }
}

/// The few fields lists and queues show, so a queue of 120,000 cases never decodes whole records.
public struct CaseSummary: Hashable, Sendable, Identifiable {
    public var id: CaseID
    public var cyrillicName: String
    public var latinName: String
    public var stage: CaseStage
    public var stageEnteredAt: Timestamp
    public var assignedTo: UserName?
    public var country: CountryCode?
    public var version: CaseVersion
    public var flags: Set<CaseFlag>
    /// The latest proposed decision and what became of it, for the approvals queue and the
    /// decisions-per-week chart.
    public var decision: DecisionSummary?
    /// The latest proposed allocation and what became of it, for quotas and approvals.
    public var allocation: AllocationSummary?
    /// Arrival, courses, levels, skills and work; nil when there is none of these.
    public var integration: IntegrationSummary?
    /// Each family member's reunification stage and next action (no names, no whereabouts).
    public var family: [FamilyMemberSummary]
    /// Consent to publicity and its approval; nil when consent was never given.
    public var publicity: PublicitySummary?
    /// What may need someone (My work): reassignment, returns, mentions, appointments.
    public var attention: AttentionSummary?
    /// Who may open the case when a supervisor has restricted it; nil for most cases.
    public var restriction: RestrictionSummary?

    public init(id: CaseID, cyrillicName: String, latinName: String, stage: CaseStage, stageEnteredAt: Timestamp,
                assignedTo: UserName?, country: CountryCode?, version: CaseVersion, flags: Set<CaseFlag> = [],
                decision: DecisionSummary? = nil, allocation: AllocationSummary? = nil, integration: IntegrationSummary? = nil,
                family: [FamilyMemberSummary] = [], publicity: PublicitySummary? = nil, attention: AttentionSummary? = nil,
                restriction: RestrictionSummary? = nil) {
        self.attention = attention
        self.restriction = restriction
        self.family = family
        self.publicity = publicity
        self.allocation = allocation
        self.integration = integration
        self.flags = flags
        self.decision = decision
        self.id = id
        self.cyrillicName = cyrillicName
        self.latinName = latinName
        self.stage = stage
        self.stageEnteredAt = stageEnteredAt
        self.assignedTo = assignedTo
        self.country = country
        self.version = version
    }

    /// The summary of a case at `version`: the one place its list fields are worked out.
    public init(record: Case, version: CaseVersion) {
        // An erased case keeps no name: lists say what happened in its place.
        self.init(id: record.id, cyrillicName: record.erasure == nil ? record.defector.cyrillicName.displayed : Erasure.listName,
                  latinName: record.erasure == nil ? record.defector.latinName.displayed : Erasure.listName, stage: record.stage,
                  stageEnteredAt: record.stageEnteredAt, assignedTo: record.assignedTo,
                  country: record.allocatedCountry, version: version, flags: CaseFlag.flags(of: record),
                  decision: record.decision.map(DecisionSummary.init), allocation: record.allocation.map(AllocationSummary.init),
                  integration: IntegrationSummary.of(record), family: record.family.map(FamilyMemberSummary.init),
                  publicity: PublicitySummary(record.publicity), attention: AttentionSummary.of(record),
                  restriction: RestrictionSummary(record))
    }

    /// Whether the case's personal data was erased.
    public var isErased: Bool { flags.contains(.erased) }

    /// A proposed decision waits for a supervisor.
    public var isAwaitingDecisionReview: Bool { stage == .decision && decision?.isAwaitingReview == true }

    public init(_ stored: StoredCase) {
        self.init(record: stored.record, version: stored.version)
    }
}

extension Array where Element == CaseSummary {
    /// Case `id` in summaries held in case-number order (as the store gives them): found by
    /// binary search on the number, then the id itself decides (HV-000001 and HV-0000001
    /// share a number). Nil when it is not there.
    public func summary(of id: CaseID) -> CaseSummary? {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle].id.number < id.number { low = middle + 1 } else { high = middle }
        }
        while low < count, self[low].id.number == id.number {
            if self[low].id == id { return self[low] }
            low += 1
        }
        return nil
    }
}

/// A proposed decision as lists need it: what, who and when, and the review's verdict.
public struct DecisionSummary: Hashable, Codable, Sendable {
    public var outcome: DecisionOutcome
    public var proposedBy: UserName
    public var proposedAt: Timestamp
    /// Nil while awaiting review.
    public var verdict: Review.Verdict?
    public var reviewedAt: Timestamp?

    public init(outcome: DecisionOutcome, proposedBy: UserName, proposedAt: Timestamp,
                verdict: Review.Verdict? = nil, reviewedAt: Timestamp? = nil) {
        self.outcome = outcome
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
        self.verdict = verdict
        self.reviewedAt = reviewedAt
    }

    public init(_ proposal: DecisionProposal) {
        self.init(outcome: proposal.outcome, proposedBy: proposal.proposedBy, proposedAt: proposal.proposedAt,
                  verdict: proposal.review?.verdict, reviewedAt: proposal.review?.at)
    }

    public var isAwaitingReview: Bool { verdict == nil }
}

/// Why the store refused an operation.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(CaseID)
    /// Someone else saved the case after the version this save started from.
    case conflict(CaseID, savedBy: UserName, savedAt: Timestamp, version: CaseVersion)
    case alreadyExists(CaseID)
    case forbidden(String)
    case unavailable(String)
    /// Another session holds the store's lock past the wait: who, since when.
    case busy(String)
    /// A file of the store is damaged: which file, where, and what is wrong.
    case damaged(file: String, position: String, reason: String)
    /// A quota refused the save (see `QuotaLedger.check`).
    case quota(QuotaError)
    /// A course or an opening had no seat or place left.
    case capacity(CapacityError)
    /// The case is not the reader's to open: a reason is needed, or it is restricted.
    case needToKnow(NeedToKnowError)

    public var description: String {
        switch self {
        case let .notFound(id): "There is no case \(id)."
        case let .conflict(id, savedBy, savedAt, _):
            "\(id) was changed by \(savedBy) at \(savedAt) after you opened it; reload it to see their change."
        case let .alreadyExists(id): "A case \(id) already exists."
        case let .forbidden(reason): reason
        case let .unavailable(reason): "The store cannot be used: \(reason)"
        case let .busy(reason): reason
        case let .damaged(file, position, reason): "\(file), \(position): \(reason)"
        case let .quota(error): error.description
        case let .capacity(error): error.description
        case let .needToKnow(error): error.description
        }
    }
}

/// One case of a change saved together: the new record and the version it was made from.
public struct CaseUpdate: Sendable {
    public var record: Case
    public var basedOn: CaseVersion?

    public init(_ record: Case, basedOn: CaseVersion?) {
        self.record = record
        self.basedOn = basedOn
    }
}

/// What every case store offers. HavenCore declares it; HavenStore implements it on disk;
/// the interface sees only this protocol.
public protocol CaseStore: AnyObject {
    /// Summaries of every case, for queues and counts.
    func summaries() throws -> [CaseSummary]
    /// One case in full, with its version, for the jobs that act on cases the person has
    /// already opened or on the whole store (a save's re-read, the batch allocation, the fault
    /// suites). What a person reads goes through `read`, which the need-to-know rule guards
    /// and the access log records.
    func load(_ id: CaseID) throws -> StoredCase
    /// Opens part of case `id` for `reader` (the case view, its family screen, its history):
    /// `NeedToKnow` decides; a reason opens a case that is not theirs (never a restricted one
    /// outside its team) and counts for the rest of this session. Every opening and refusal
    /// is in the access log before this returns; a refusal is `StoreError.needToKnow`.
    func read(_ id: CaseID, part: AccessPart, by reader: Reader, reason: String?, at time: Timestamp) throws -> StoredCase
    /// Writes `entry` to the access log (numbered and chained there): an export, a report, a
    /// part of an open case shown without reading it again. Durable when it returns.
    func logAccess(_ entry: AccessEntry) throws
    /// The newest `limit` access entries matching `filter`, newest first.
    func accessLog(matching filter: AccessFilter, limit: Int) throws -> [AccessEntry]
    /// Whether `user` gave a reason to open case `id` in this session (`read`).
    func hasReason(_ user: UserName, toOpen id: CaseID) -> Bool
    /// Saves a case. `version` is the version the change started from (nil for a new case);
    /// a later version in the store makes this a `StoreError.conflict`, never an overwrite.
    /// Returns the new version once the change is durable.
    func save(_ record: Case, basedOn version: CaseVersion?, by actor: Actor, at time: Timestamp) throws -> CaseVersion
    /// Saves several cases as one change, all or none: each on its version, in one durable
    /// write (a link between two cases is written on both or neither).
    func save(together updates: [CaseUpdate], by actor: Actor, at time: Timestamp) throws -> [CaseVersion]
    /// Adds new cases all at once, all or none (`ImportCheck`, then `SaveContract` as one save
    /// of new cases): what is already in the store is never rewritten. `progress` is told how
    /// many records are ready; no lock is held while it runs.
    func importCases(_ records: [Case], by actor: Actor, at time: Timestamp, today: CalendarDate,
                     progress: (Int) -> Void) throws
    /// The identifier the next registered case should get.
    func nextCaseID() throws -> CaseID
    /// Takes in what other sessions have saved since the last look; true when anything changed.
    func refresh() throws -> Bool
    /// The audit entries of one case, oldest first.
    func history(of id: CaseID) throws -> [AuditEntry]
    /// Marks `session` of `user` as running for as long as this store stays open here (or
    /// until `endSession`): its drafts are never offered to another session meanwhile.
    func beginSession(_ session: String, for user: UserName) throws
    /// The session is over (a crash or a dropped connection ends it too): its drafts are
    /// offered to the user's next session.
    func endSession(_ session: String, for user: UserName)
    /// Keeps `user`'s half-typed form under its session and target (`FormDraft.target`),
    /// replacing that one only; durable when it returns.
    func keepDraft(_ draft: FormDraft, for user: UserName) throws
    /// Moves an over session's draft to `session`, at once and whole: true when this call
    /// moved it, false when it was gone (another session took it, or it was thrown away).
    /// Two sessions starting together never both take one draft.
    func takeDraft(_ draft: FormDraft, into session: String, for user: UserName) throws -> Bool
    /// Removes `user`'s kept form of `session` on `target`, if there is one.
    func discardDraft(session: String, target: String, for user: UserName) throws
    /// `user`'s forms kept by sessions no longer running, newest first: what a new session
    /// offers back. A running session's drafts are its own.
    func drafts(for user: UserName) throws -> [FormDraft]
    /// What `user` keeps for themselves (saved filters); empty settings when none are kept.
    func settings(for user: UserName) throws -> UserSettings
    /// Keeps `user`'s settings, replacing what was kept; durable when it returns.
    func keepSettings(_ settings: UserSettings, for user: UserName) throws
    /// Who may use the store, and in which role.
    func users() throws -> UserDirectory
    /// Changes a user's role (administrators only; see `UserDirectory.applying`), audited.
    func changeUsers(_ change: UserChange, by actor: Actor, at time: Timestamp) throws -> UserDirectory
    /// The newest `limit` audit entries matching `filter`, newest first.
    func auditTrail(matching filter: AuditFilter, limit: Int) throws -> [AuditEntry]
    /// The host countries and their quotas: the store's own list once an administrator has
    /// changed it, the reference data's until then.
    func hostCountries() throws -> [HostCountry]
    /// Changes the host countries (administrators; see `QuotaLedger.applying`), audited.
    func changeHostCountries(_ change: HostCountryChange, by actor: Actor, at time: Timestamp) throws -> [HostCountry]
    /// The language courses or the job openings.
    func catalogue<Item: CatalogueItem>(of type: Item.Type) throws -> [Item]
    /// Changes the courses or openings (administrators; see `CatalogueLedger.applying`), audited.
    func changeCatalogue<Item: CatalogueItem>(_ change: CatalogueChange<Item>, by actor: Actor, at time: Timestamp) throws -> [Item]
    /// Erasures proposed and not yet approved, oldest first.
    func erasureProposals() throws -> [ErasureProposal]
    /// Erasures approved whose last steps did not run (a crash, a busy store): approving
    /// again finishes each.
    func unfinishedErasures() throws -> [CaseID]
    /// Proposes erasing a closed case (`ErasureContract.propose`), audited.
    func proposeErasure(_ proposal: ErasureProposal, schedule: RetentionSchedule, by actor: Actor) throws
    /// Withdraws a proposal, audited.
    func withdrawErasure(of id: CaseID, by actor: Actor, at time: Timestamp) throws
    /// Approves another person's proposal and erases the case: its tombstone saved, every
    /// earlier version gone from the store, the values of its audit entries erased (the
    /// chain still verifying), its drafts removed. `progress` hears what it is doing.
    func erase(_ id: CaseID, schedule: RetentionSchedule, by actor: Actor, at time: Timestamp,
               progress: (String) -> Void) throws -> ErasureReport
}
