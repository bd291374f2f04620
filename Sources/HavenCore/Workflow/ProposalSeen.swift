/// The proposal a reviewer was shown: what it proposed, who proposed it and when. A review
/// (approve, return, override, decline) names it, and is refused, saying what changed, when
/// the case's proposal is no longer that one: a proposal replaced after a return, another
/// country, a story whose consent was recorded again. Screens take it from the row or the
/// case they showed, never from the record loaded at the moment of saving.
public struct ProposalSeen: Hashable, Sendable {
    public enum Subject: Hashable, Sendable {
        case decision(DecisionOutcome)
        case allocation(CountryCode)
        /// A story, named by the day its consent was given and what it tells (`Publicity.digest`;
        /// nil when shown from a summary written before digests existed).
        case story(consentGiven: CalendarDate, digest: String?)
    }

    public var subject: Subject
    public var proposedBy: UserName?
    public var proposedAt: Timestamp?

    public init(_ subject: Subject, proposedBy: UserName?, proposedAt: Timestamp?) {
        self.subject = subject
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
    }

    /// Both a decision's, or both an allocation's, or both a story's.
    public static func sameKind(_ a: ProposalSeen, _ b: ProposalSeen) -> Bool {
        switch (a.subject, b.subject) {
        case (.decision, .decision), (.allocation, .allocation), (.story, .story): true
        default: false
        }
    }

    /// What a row of a queue shows as waiting for approval.
    public init?(pendingIn summary: CaseSummary) {
        guard let pending = summary.pendingApproval else { return nil }
        let subject: Subject = switch pending.kind {
        case let .decision(outcome): .decision(outcome)
        case let .allocation(country): .allocation(country)
        }
        self.init(subject, proposedBy: pending.proposedBy, proposedAt: pending.proposedAt)
    }

    /// The story a row of the publicity queue shows.
    public init?(storyIn summary: CaseSummary) {
        guard let publicity = summary.publicity, publicity.hasConsent else { return nil }
        self.init(.story(consentGiven: publicity.consentGiven, digest: publicity.digest), proposedBy: nil, proposedAt: nil)
    }

    /// The decision proposal of a case, as a case screen shows it.
    public static func decision(of record: Case) -> ProposalSeen? {
        record.decision.map { ProposalSeen(.decision($0.outcome), proposedBy: $0.proposedBy, proposedAt: $0.proposedAt) }
    }

    /// The allocation proposal of a case, as a case screen shows it.
    public static func allocation(of record: Case) -> ProposalSeen? {
        record.allocation.map { ProposalSeen(.allocation($0.country), proposedBy: $0.proposedBy, proposedAt: $0.proposedAt) }
    }

    public static func story(of record: Case) -> ProposalSeen? {
        record.publicity.consentGiven.map { ProposalSeen(.story(consentGiven: $0, digest: record.publicity.digest), proposedBy: nil, proposedAt: nil) }
    }

    /// "a grant by anna.k (2026-11-24 10:00)", "an allocation to DE by …".
    public var description: String {
        let what = switch subject {
        case let .decision(outcome): "\(outcome.title.lowercased().first.map { "aeiou".contains($0) } == true ? "an" : "a") \(outcome.title.lowercased())"
        case let .allocation(country): "an allocation to \(country)"
        case let .story(given, digest): "a story with consent given on \(given)" + (digest.map { " (version \($0.prefix(8)))" } ?? "")
        }
        return what + (proposedBy.map { " by \($0)" } ?? "") + (proposedAt.map { " (\($0.minuteText))" } ?? "")
    }

    /// The proposal named short, for a refusal that must fit a status line at 80 columns:
    /// "anna.k's proposal of DE", "anna.k's proposal to refuse", "the story".
    public var shortDescription: String {
        let whose = proposedBy.map { "\($0)'s proposal" } ?? "the proposal"
        return switch subject {
        case let .decision(outcome): "\(whose) to \(outcome == .exclude ? "exclude" : outcome.rawValue)"
        case let .allocation(country): "\(whose) of \(country)"
        case .story: "the story"
        }
    }
}

extension Workflow {
    /// Refuses a review when the proposal in `record` is not the one the reviewer saw.
    static func requireSeen(_ seen: ProposalSeen?, _ current: ProposalSeen?) throws(WorkflowError) {
        guard let seen, seen != current else { return }
        // A story shown from an older summary (no digest) is named by its day alone.
        if case let .story(given, nil) = seen.subject, case let .story(currentGiven, _)? = current?.subject, given == currentGiven { return }
        // No proposal now: named short, so the refusal fits a status line.
        // Amended within the minute: the same words twice, so named short once (the status line).
        // Or made again by the same proposer with the same outcome or country: said as amended,
        // short (both with their times ran past a status line, from a review).
        let isProposal = if case .story = seen.subject { false } else { true }
        if let current, current.description == seen.description || (isProposal && current.shortDescription == seen.shortDescription) {
            throw .proposalChanged(seen: seen.shortDescription, now: seen.shortDescription)
        }
        // Another outcome, country or proposer: what it is now, short. The same again (proposed
        // once more): both with their times, which alone tell them apart.
        if let current, current.shortDescription != seen.shortDescription { throw .proposalNowOther(current.shortDescription) }
        throw .proposalChanged(seen: current == nil ? seen.shortDescription : seen.description, now: current?.description)
    }
}
