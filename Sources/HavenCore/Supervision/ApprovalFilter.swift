/// What a supervisor narrows the approvals queue to: words (a case number, a name in either
/// script, a proposer), the kind of proposal, one proposer, how long it has waited, and the
/// order. Applied to the queue's summaries on every key: a plain pass over the waiting ones.
public struct ApprovalFilter: Hashable, Codable, Sendable {
    public enum Kind: String, Hashable, Codable, Sendable, CaseIterable {
        case all, decisions, allocations

        public var title: String {
            switch self {
            case .all: "all"
            case .decisions: "decisions"
            case .allocations: "allocations"
            }
        }
    }

    public var words = ""
    public var kind = Kind.all
    public var proposer: UserName?
    /// Only proposals waiting at least this many days.
    public var waitingAtLeast = 0
    public var newestFirst = false

    public init() {}

    /// The steps `w` goes through: every proposal, then those waiting a week, two, a month.
    public static let waitingSteps = [0, 7, 14, 30]

    public var isEmpty: Bool { self == ApprovalFilter() }

    /// The queue (oldest first, as `Supervision.approvals` gives it) narrowed and ordered.
    public func apply(to approvals: [CaseSummary], today: CalendarDate) -> [CaseSummary] {
        let terms = words.lowercased().split(separator: " ").map(String.init)
        let kept = approvals.filter { summary in
            guard let pending = summary.pendingApproval else { return false }
            switch (kind, pending.kind) {
            case (.decisions, .allocation), (.allocations, .decision): return false
            default: break
            }
            if let proposer, pending.proposedBy != proposer { return false }
            if waitingAtLeast > 0, pending.proposedAt.date.days(until: today) < waitingAtLeast { return false }
            guard !terms.isEmpty else { return true }
            let text = "\(summary.id.rawValue) \(summary.cyrillicName) \(summary.latinName) \(pending.proposedBy.rawValue) \(pending.kind.title)".lowercased()
            return terms.allSatisfy { text.contains($0) }
        }
        return newestFirst ? kept.reversed() : kept
    }

    /// "decisions · by anna.k · waiting 7+ days · newest first · "Жук"", or "" with nothing set.
    public var description: String {
        var parts: [String] = []
        if kind != .all { parts.append(kind.title) }
        if let proposer { parts.append("by \(proposer)") }
        if waitingAtLeast > 0 { parts.append("waiting \(waitingAtLeast)+ days") }
        if newestFirst { parts.append("newest first") }
        if !words.isEmpty { parts.append("\"\(words)\"") }
        return parts.joined(separator: " · ")
    }
}
