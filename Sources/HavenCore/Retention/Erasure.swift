/// An erasure proposed by one person and not yet approved by another: which case, under which
/// rule of the retention schedule, why, by whom and when. Kept by the store beside the cases
/// (`erasures.json`), never in the case itself, so withdrawing it changes no record.
public struct ErasureProposal: Hashable, Codable, Sendable {
    public var caseID: CaseID
    public var rule: String
    public var reason: String
    public var proposedBy: UserName
    public var proposedAt: Timestamp

    public init(caseID: CaseID, rule: String, reason: String, proposedBy: UserName, proposedAt: Timestamp) {
        self.caseID = caseID
        self.rule = rule
        self.reason = reason
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
    }

    /// How the audit trail words it: rule, reason, who proposed.
    public var auditValue: String { "rule \(rule); proposed by \(proposedBy) on \(proposedAt.date): \(reason)" }
}

/// What remains of an erasure in the case (its last version): that it happened, under which
/// rule, proposed by whom and approved by whom, and when. Not the proposal's reason: words
/// about the person, erased with the rest (`TrailRewriter` erases the proposal's entry).
public struct Erasure: Hashable, Codable, Sendable {
    public var rule: String
    public var proposedBy: UserName
    public var proposedAt: Timestamp
    public var approvedBy: UserName
    public var approvedAt: Timestamp

    public init(_ proposal: ErasureProposal, approvedBy: UserName, at time: Timestamp) {
        rule = proposal.rule
        proposedBy = proposal.proposedBy
        proposedAt = proposal.proposedAt
        self.approvedBy = approvedBy
        approvedAt = time
    }

    /// What lists show in place of an erased case's names.
    public static let listName = "(erased)"

    /// One line for the case view and the commands.
    public var description: String {
        "Erased on \(approvedAt.date) under rule \(rule): proposed by \(proposedBy) on \(proposedAt.date), approved by \(approvedBy)"
    }
}

/// Why an erasure cannot be proposed or made.
public enum ErasureError: Error, Equatable, CustomStringConvertible {
    case notClosed(CaseID, CaseStage)
    case alreadyErased(CaseID)
    case alreadyProposed(CaseID, by: UserName)
    case notProposed(CaseID)
    case unknownRule(String, known: [String])
    case ruleDoesNotCover(String, ClosureReason?, covering: [String])
    case notDue(CaseID, rule: String, dueOn: CalendarDate)
    case samePerson(CaseID, UserName)
    case reasonTooShort
    case controlCharacters
    case linkedFrom(CaseID, [CaseID])

    public var description: String {
        switch self {
        case let .notClosed(id, stage): "\(id) is at \(stage.title); only a closed case is erased"
        case let .alreadyErased(id): "\(id) was already erased"
        case let .alreadyProposed(id, by): "the erasure of \(id) was already proposed by \(by)"
        case let .notProposed(id): "no erasure of \(id) is proposed"
        case let .unknownRule(rule, known): "no retention rule is called '\(rule)'; the schedule has \(known.joined(separator: ", "))"
        case let .ruleDoesNotCover(rule, reason, covering):
            "rule \(rule) does not cover a case closed as \(reason?.rawValue ?? "(no reason)"); rules that do: \(covering.joined(separator: ", "))"
        case let .notDue(id, rule, dueOn): "\(id) is not due for erasure under rule \(rule) until \(dueOn)"
        case let .samePerson(id, user): "the erasure of \(id) was proposed by \(user): another supervisor or administrator must approve it"
        case .reasonTooShort: "give the reason for the erasure in at least 10 characters"
        case .controlCharacters: "the reason holds a line break or a control character; write it on one line"
        case let .linkedFrom(id, others):
            "\(id) is recorded as a family member in \(others.map(\.rawValue).joined(separator: ", ")), with his names: remove him from "
                + "their family there first (unlinking leaves his names in those cases)"
        }
    }
}

extension Case {
    /// The case with every personal value gone: what an erasure saves as the case's last
    /// version. Kept: the number, the stages entered (when, by whom), who registered and who
    /// holds it, the decision's and the allocation's outcome, country, people and dates (the
    /// counts and quotas rest on them), and why it was closed; not the decision's reasons,
    /// any comment or reason for a stage change, the closure's details, names, dates of birth, service, crossing, family,
    /// notes, documents, integration, appointments, publicity or restriction.
    public func tombstone(_ erasure: Erasure) -> Case {
        var kept = Case(id: id, defector: Defector(), registeredBy: registeredBy, registeredAt: registeredAt, assignedTo: assignedTo)
        kept.assignedTo = assignedTo
        kept.stage = stage
        // The stages entered, without the reasons typed for them (free text, like a comment).
        kept.stageHistory = stageHistory.map { StageChange(stage: $0.stage, at: $0.at, by: $0.by, transition: $0.transition) }
        kept.decision = decision.map { proposal in
            DecisionProposal(outcome: proposal.outcome, reasons: "", proposedBy: proposal.proposedBy, proposedAt: proposal.proposedAt,
                             review: proposal.review.map { Review(verdict: $0.verdict, by: $0.by, at: $0.at) })
        }
        kept.allocation = allocation.map { proposal in
            AllocationProposal(country: proposal.finalCountry, proposedBy: proposal.proposedBy, proposedAt: proposal.proposedAt,
                               review: proposal.review.map { Review(verdict: $0.verdict, by: $0.by, at: $0.at) })
        }
        kept.closure = closure.map { Closure(reason: $0.reason) }
        kept.erasure = erasure
        return kept
    }

    /// Whether the case's personal data has been erased.
    public var isErased: Bool { erasure != nil }
}

extension FieldChange {
    /// How an erased value starts in the audit trail: `erased:` and what the store keeps of it
    /// (the file store: `sha256:` and the digest its chain covers).
    public static let erasedPrefix = "erased:"

    /// Whether this value was erased.
    public static func isErased(_ value: String?) -> Bool { value?.hasPrefix(erasedPrefix) == true }
}

extension AuditEntry {
    /// The entry with each value before and after replaced by `erase(value)`, the field
    /// names, people, times and numbers kept: what remains of a case's history once the case
    /// is erased. Values already erased stay as they are.
    public func erasingValues(_ erase: (String) -> String) -> AuditEntry {
        var copy = self
        copy.changes = changes.map { change in
            FieldChange(field: change.field,
                        before: change.before.map { FieldChange.isErased($0) ? $0 : erase($0) },
                        after: change.after.map { FieldChange.isErased($0) ? $0 : erase($0) })
        }
        return copy
    }
}
