import HavenCore

/// A supervisor's review of the selected case's pending proposal, as the approvals queue and
/// the Allocation screen both offer it: approve after y (never one's own), return with a
/// comment, override an allocation to another country with a reason.
struct ProposalReview {
    /// The case whose approval waits for y or n.
    private(set) var confirming: CaseID?
    /// The proposal shown when the approval was asked for: what y approves.
    private var confirmingSeen: ProposalSeen?
    let user: UserName

    init(user: UserName) { self.user = user }

    mutating func approve(_ summary: CaseSummary?) -> [Command] {
        guard let summary, let pending = summary.pendingApproval else { return [.status("Nothing is waiting for approval.", .info)] }
        let question = CaseActions.askToApprove(summary.id, kind: pending.kind, proposedBy: pending.proposedBy, user: user)
        if question.ask {
            confirming = summary.id
            confirmingSeen = ProposalSeen(pendingIn: summary)
        }
        return [question.effect]
    }

    /// y: approves the case asked about, if it is still among `rows` and still pending.
    mutating func confirm(in rows: [CaseSummary]) -> [Command] {
        defer { confirming = nil; confirmingSeen = nil }
        guard let id = confirming, let seen = confirmingSeen else { return [] }
        guard let kind = rows.first(where: { $0.id == id })?.pendingApproval?.kind else {
            return [Self.putAway(id, now: nil, asked: seen)]
        }
        return [.update([id], change: CaseActions.approve(id, kind: kind, seen: seen))]
    }

    /// The store changed while y or n is asked: a proposal no longer waiting as it was shown puts
    /// the question away, and says so (a walk found it still asked over "Nothing waiting matches").
    mutating func storeDidChange(_ waiting: [CaseSummary]) -> [Command] {
        guard let id = confirming else { return [] }
        let now = waiting.first { $0.id == id }.flatMap { ProposalSeen(pendingIn: $0) }
        guard now != confirmingSeen else { return [] }
        let asked = confirmingSeen
        confirming = nil
        confirmingSeen = nil
        return [Self.putAway(id, now: now, asked: asked)]
    }

    /// What a y/n approval question put away says: what the proposal is now, if anything (the
    /// same proposer and outcome again: amended, which "it is now" the same would not say).
    static func putAway(_ id: CaseID, now: ProposalSeen?, asked: ProposalSeen?) -> Command {
        let why = now.map { now in
            now.shortDescription == asked?.shortDescription ? "\(now.shortDescription) was amended; look again"
                : "it is now \(now.shortDescription); look again"
        } ?? "no longer waiting (withdrawn or reviewed meanwhile)"
        return .status("\(id) not approved: \(why).", .warning)
    }

    /// The reader's own proposals, counted apart from those they may approve: " (+2 yours)".
    static func yours(_ own: Int) -> String { own == 0 ? "" : " (+\(own) yours)" }

    mutating func cancel() -> [Command] {
        confirming = nil
        confirmingSeen = nil
        return [.status("Not approved.", .info)]
    }

    func returnProposal(_ summary: CaseSummary?) -> [Command] {
        guard let summary, let pending = summary.pendingApproval else { return [.status("Nothing is waiting for approval.", .info)] }
        // Refused at once, as the approval is: not after a comment was typed (from a walk).
        let refusal = CaseActions.askToApprove(summary.id, kind: pending.kind, proposedBy: pending.proposedBy, user: user)
        guard refusal.ask else { return [refusal.effect] }
        return [.run(OpenReturn(id: summary.id, kind: pending.kind, seen: ProposalSeen(pendingIn: summary)))]
    }

    func overrideAllocation(_ summary: CaseSummary?) -> [Command] {
        guard let summary, case let .allocation(country)? = summary.pendingApproval?.kind else {
            return [.status("Only an allocation can be overridden to another country.", .info)]
        }
        return [.run(OpenOverride(id: summary.id, proposed: country, seen: ProposalSeen(pendingIn: summary)))]
    }

    /// The status line for the outcome of an approval, or nil for other replies.
    static func outcome(_ reply: StoreReply) -> [Command]? {
        switch reply {
        case let .updated(saved, refused):
            if let (id, reason) = refused.first { return [.status("\(id) not approved: \(StoreReply.reason(reason))", .error)] }
            return [.status("Approved \(saved.map(\.rawValue).joined(separator: ", ")).", .info)]
        case let .failed(message):
            return [.status(message, .error)]
        default:
            return nil
        }
    }
}
