/// Allocation steps: a proposal (from the batch or by hand), and a supervisor's approval,
/// override or return. Quotas are the store's to enforce (`QuotaLedger.check`), under its lock.
extension Workflow {
    /// Records a proposed country for a granted case awaiting allocation. `replacing`: the
    /// proposal of the person's own still waiting that they saw and mean to replace; without
    /// it a proposal waiting is never replaced (a batch, or a second session, is refused).
    public static func proposeAllocation(_ planned: PlannedAllocation, on record: Case, replacing: ProposalSeen? = nil, by actor: Actor,
                                         at time: Timestamp) throws(WorkflowError) -> Case {
        try Capability.proposeAllocation.require(actor)
        try requireAssignment(record, actor)
        // Past Allocation because a proposal was approved meanwhile: who approved what (from a
        // walk: a screen opened before the approval was told "Approve allocation is not possible").
        guard record.stage == .allocation || (replacing == nil && record.allocation?.review == nil) else { throw reviewedMeanwhile(record) }
        guard record.stage == .allocation else { throw .wrongStage(.approveAllocation, current: record.stage) }
        // Its proposer (or, for a batch's, the case's caseworker: `mayAmendAllocation`) may
        // replace a proposal still waiting (the supervisor then sees the new one: an approval
        // of the old is refused as stale); anyone else waits for the review.
        if let existing = record.allocation, existing.review == nil {
            guard record.mayAmendAllocation(actor.user) else { throw .notYourProposal(record.id, country: existing.country, proposedBy: existing.proposedBy,
                                        caseworker: existing.batch == nil ? nil : record.assignedTo) }
            guard let replacing else { throw .proposalPending(record.id) }
            try requireSeen(replacing, ProposalSeen.allocation(of: record))
            guard existing.country != planned.country else {
                throw .invalid([ValidationIssue(field: "country", message: "\(planned.country) is already proposed for \(record.id) and waits for approval.")])
            }
        } else if replacing != nil {
            throw reviewedMeanwhile(record)
        }
        var next = record
        next.allocation = planned.proposal(by: actor.user, at: time)
        // What supervisors said of the proposals it replaces stays on the case (kept on the
        // case itself while no proposal was there to keep it: one withdrawn).
        var earlier = (record.returnedAllocations ?? []) + (record.allocation?.returnedBefore ?? [])
        next.returnedAllocations = nil
        if let old = record.allocation, let review = old.review, review.verdict == .returned {
            earlier.append(EarlierReturn(country: old.country, proposedBy: old.proposedBy, review: review))
        }
        next.allocation?.returnedBefore = earlier.isEmpty ? nil : earlier
        // The kinds of place it takes come from the case itself, whoever planned it.
        let places = PlaceKind.needed(by: record)
        next.allocation?.places = places.isEmpty ? nil : places
        return next
    }

    /// Its proposer (or, for a batch's, the case's caseworker) takes back a proposal still
    /// waiting for approval: the case is back in the allocation queue and the place it held is
    /// free again; the audit trail keeps what was proposed. Anyone else's proposal is a
    /// supervisor's to return.
    /// `seen`: the proposal as shown (a screen's); a different one now is refused as stale.
    public static func withdrawAllocation(on record: Case, seen: ProposalSeen? = nil, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        try Capability.proposeAllocation.require(actor)
        guard let proposal = record.allocation, proposal.review == nil, record.stage == .allocation else {
            throw reviewedMeanwhile(record)
        }
        guard record.mayAmendAllocation(actor.user) else {
            throw .notYourProposal(record.id, country: proposal.country, proposedBy: proposal.proposedBy,
                                  caseworker: proposal.batch == nil ? nil : record.assignedTo)
        }
        try requireAssignment(record, actor)
        try requireSeen(seen, ProposalSeen.allocation(of: record))
        var next = record
        next.allocation = nil
        // What supervisors said of earlier proposals stays on the case for the next.
        let earlier = (record.returnedAllocations ?? []) + (proposal.returnedBefore ?? [])
        next.returnedAllocations = earlier.isEmpty ? nil : earlier
        return next
    }

    /// A review of a proposal shown on a screen (`seen`) that another supervisor reviewed
    /// meanwhile is refused saying who did what, not "not possible in Relocation".
    static func requireStillWaiting(_ record: Case, seen: ProposalSeen?) throws(WorkflowError) {
        guard seen != nil, record.allocation?.review != nil else { return }
        throw reviewedMeanwhile(record)
    }

    /// Why a proposal expected to wait is not waiting: reviewed (how, by whom), or gone.
    static func reviewedMeanwhile(_ record: Case) -> WorkflowError {
        guard let proposal = record.allocation, let review = proposal.review else { return .noProposalWaiting(record.id) }
        return .proposalReviewed(record.id, country: proposal.country, verdict: review.verdict, by: review.by, comment: review.comment)
    }

    /// Approves the proposed country: the case moves to Relocation and takes a place.
    public static func approveAllocation(on record: Case, seen: ProposalSeen? = nil, by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        try requireStillWaiting(record, seen: seen)
        try requireSeen(seen, ProposalSeen.allocation(of: record))
        return try perform(.approveAllocation, on: record, by: actor, at: time)
    }

    /// Approves the case into another country than proposed, with the reason (audited).
    public static func overrideAllocation(on record: Case, seen: ProposalSeen? = nil, to country: CountryCode, reason: String, by actor: Actor,
                                          at time: Timestamp) throws(WorkflowError) -> Case {
        try Capability.approveAllocation.require(actor)
        try requireStillWaiting(record, seen: seen)
        try requireSeen(seen, ProposalSeen.allocation(of: record))
        guard record.stage == .allocation else { throw .wrongStage(.approveAllocation, current: record.stage) }
        guard var proposal = record.allocation, proposal.review == nil else { throw .noProposal(.approveAllocation) }
        guard proposal.proposedBy != actor.user else { throw .ownProposal(.approveAllocation) }
        var issues: [ValidationIssue] = []
        if country == proposal.country {
            issues.append(ValidationIssue(field: "country", message: "An override needs another country than the proposed \(country); approve the proposal instead."))
        }
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            issues.append(ValidationIssue(field: "reason", message: "Say why the case goes to \(country) instead of \(proposal.country)."))
        }
        guard issues.isEmpty else { throw .invalid(issues) }
        proposal.override = AllocationOverride(country: country, reason: reason.trimmingCharacters(in: .whitespacesAndNewlines))
        // The family line was written of the proposed country; said so, once overridden.
        proposal.familyUnity = proposal.familyUnity.map { "As proposed to \(proposal.country): \($0)" }
        var next = record
        next.allocation = proposal
        return try perform(.approveAllocation, on: next, by: actor, at: time)
    }

    /// Sends a proposal back with a comment: the case returns to the allocation queue and its
    /// place is released.
    public static func returnAllocation(on record: Case, seen: ProposalSeen? = nil, comment: String, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        try Capability.approveAllocation.require(actor)
        try requireStillWaiting(record, seen: seen)
        try requireSeen(seen, ProposalSeen.allocation(of: record))
        guard record.stage == .allocation else { throw .wrongStage(.approveAllocation, current: record.stage) }
        guard var proposal = record.allocation, proposal.review == nil else { throw .noProposal(.approveAllocation) }
        guard proposal.proposedBy != actor.user else { throw .ownProposal(.approveAllocation) }
        guard !comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .reasonRequired(.approveAllocation) }
        proposal.review = Review(verdict: .returned, by: actor.user, at: time, comment: comment)
        var next = record
        next.allocation = proposal
        return next
    }
}
