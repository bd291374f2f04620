public enum DecisionOutcome: String, Choice {
    case grant
    case refuse
    /// Excluded from protection under article 1F.
    case exclude

    public var title: String {
        switch self {
        case .grant: "Grant"
        case .refuse: "Refuse"
        case .exclude: "Exclude (art. 1F)"
        }
    }
}

/// A proposal awaiting a second person's review: who proposed, when, and what became of it.
/// Decisions, allocations and publicity approvals all follow this two-person rule.
public struct Review: Hashable, Codable, Sendable {
    public enum Verdict: String, Codable, Sendable, Hashable, CaseIterable {
        case approved
        case returned
    }

    public var verdict: Verdict
    public var by: UserName
    public var at: Timestamp
    public var comment: String

    public init(verdict: Verdict, by: UserName, at: Timestamp, comment: String = "") {
        self.verdict = verdict
        self.by = by
        self.at = at
        self.comment = comment
    }
}

/// A proposed decision on the claim and, once reviewed, its review.
public struct DecisionProposal: Hashable, Codable, Sendable {
    public var outcome: DecisionOutcome
    public var reasons: String
    public var proposedBy: UserName
    public var proposedAt: Timestamp
    public var review: Review?

    public init(outcome: DecisionOutcome, reasons: String, proposedBy: UserName, proposedAt: Timestamp,
                review: Review? = nil) {
        self.outcome = outcome
        self.reasons = reasons
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
        self.review = review
    }

    public var isAwaitingReview: Bool { review == nil }
    public var isApproved: Bool { review?.verdict == .approved }
}
