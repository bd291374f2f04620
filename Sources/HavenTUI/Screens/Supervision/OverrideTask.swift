import HavenCore

/// The override from a list (Allocation's proposals, Approvals): the case read as the case
/// view would read it (an entry in the access log), then the same ranking as a proposal by
/// hand, every country with its score, free places and factors (`AllocationChoiceScreen` in
/// override mode). From the walk: the override's form listed one bare country at a time.
struct OpenOverride: StoreTask {
    let id: CaseID
    let proposed: CountryCode
    let seen: ProposalSeen?

    func run(in session: SessionServices) -> [Command] {
        switch session.open(id, part: .caseRecord) {
        case let .success(stored):
            if let refusal = Self.refusal(stored, user: session.context.user) { return [refusal] }
            return [.push(AllocationChoiceScreen(stored: stored, context: session.context,
                                                 overriding: AllocationChoiceScreen.Override(proposed: proposed, seen: seen)))]
        case let .failure(refusal):
            return [.status(refusal.reply.statusWhenUnheard?.0 ?? "\(id) cannot be opened.", .error)]
        }
    }

    /// One's own proposal is refused before the ranking opens, not after a reason is typed
    /// (from a walk: the refusal came only on saving).
    static func refusal(_ stored: StoredCase, user: UserName) -> Command? {
        guard stored.record.allocation?.proposedBy == user, stored.record.allocation?.review == nil else { return nil }
        return .status(WorkflowError.ownProposal(.approveAllocation).description, .error)
    }
}

/// The Return form from a list (Approvals, Allocation's proposals): the case read as the case
/// view reads it (an entry in the access log), so the form shows the proposal it answers
/// (a walk wrote its comment without the reasons in view).
struct OpenReturn: StoreTask {
    let id: CaseID
    let kind: ApprovalKind
    let seen: ProposalSeen?

    func run(in session: SessionServices) -> [Command] {
        switch session.open(id, part: .caseRecord) {
        case let .success(stored):
            // Changed since the row was read: the reasons shown would be another proposal's.
            let now = ProposalSeen(pendingIn: CaseSummary(stored))
            guard now == seen else {
                let what = now.map { "it is now \($0.shortDescription); look again" } ?? "withdrawn or reviewed meanwhile"
                return [.status("\(id) not returned: \(what).", .warning)]
            }
            return [.push(CaseActions.returnProposal(id, kind: kind, seen: seen, record: stored.record))]
        case let .failure(refusal):
            return [.status(refusal.reply.statusWhenUnheard?.0 ?? "\(id) cannot be opened.", .error)]
        }
    }
}
