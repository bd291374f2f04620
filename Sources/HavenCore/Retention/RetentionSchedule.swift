import Foundation

/// One rule of the retention schedule (`data/retention.json`): how long a closed case's
/// personal data is kept after closure, for which reasons of closure.
public struct RetentionRule: Hashable, Codable, Sendable {
    public var id: String
    public var title: String
    /// The closure reasons it covers; nil for every reason no other rule names.
    public var closure: [ClosureReason]?
    /// Whole years after the case was closed.
    public var yearsAfterClosure: Int
    /// A rule applied only when someone asks (the person's own request for deletion): never
    /// listed as due, proposed for any closed case with the request as its reason.
    public var onRequest: Bool?

    public init(id: String, title: String, closure: [ClosureReason]? = nil, yearsAfterClosure: Int, onRequest: Bool? = nil) {
        self.id = id
        self.title = title
        self.closure = closure
        self.yearsAfterClosure = yearsAfterClosure
        self.onRequest = onRequest
    }

    public var isOnRequest: Bool { onRequest == true }

    /// Whether the rule covers a case closed for `reason` (an on-request rule too: one that
    /// names reasons is not for the others, such as an exclusion kept for inquiries).
    public func covers(_ reason: ClosureReason?) -> Bool {
        closure == nil || reason.map { closure!.contains($0) } == true
    }
}

/// The retention schedule: which rule keeps a closed case how long. Only closed cases are
/// ever erased; the audit trail keeps its facts (who changed which field of which case,
/// when) for the life of the store, without the values.
public struct RetentionSchedule: Hashable, Codable, Sendable {
    public var rules: [RetentionRule]

    public init(rules: [RetentionRule]) {
        self.rules = rules
    }

    /// The schedule when none is given: five years after closure, or on request.
    public static let standard = RetentionSchedule(rules: [
        RetentionRule(id: "closed", title: "Personal data of a closed case", yearsAfterClosure: 5),
        RetentionRule(id: "on-request", title: "Erased at the person's request",
                      closure: [.withdrawn, .integrated, .returnedOrDeparted, .deceased, .duplicate], yearsAfterClosure: 0, onRequest: true),
    ])

    public func rule(named id: String) -> RetentionRule? { rules.first { $0.id == id } }

    /// The rule that keeps a case closed for `reason`: the first that names the reason, else
    /// the first that names none (never an on-request rule).
    public func rule(for reason: ClosureReason?) -> RetentionRule? {
        let scheduled = rules.filter { !$0.isOnRequest }
        if let reason, let named = scheduled.first(where: { $0.closure?.contains(reason) == true }) { return named }
        return scheduled.first { $0.closure == nil }
    }

    /// The day a case closed on `closedOn` falls due under `rule`.
    public static func dueOn(closedOn: CalendarDate, rule: RetentionRule) -> CalendarDate {
        closedOn.adding(months: rule.yearsAfterClosure * 12)
    }

    /// Checks that `proposal` may be made on `record` today: a closed case not yet erased, a
    /// rule of this schedule that covers it and is due (or applies on request), a reason, and
    /// no other case linking to it as a family member (`linkedFrom`).
    public func check(_ proposal: ErasureProposal, record: Case, linkedFrom: [CaseID], today: CalendarDate) throws(ErasureError) {
        if record.isErased { throw .alreadyErased(record.id) }
        guard record.stage == .closed else { throw .notClosed(record.id, record.stage) }
        let covering = rules.filter { $0.covers(record.closure?.reason) }.map(\.id)
        guard let rule = rule(named: proposal.rule) else { throw .unknownRule(proposal.rule, known: rules.map(\.id)) }
        guard rule.covers(record.closure?.reason) else { throw .ruleDoesNotCover(rule.id, record.closure?.reason, covering: covering) }
        let trimmed = proposal.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= 10 else { throw .reasonTooShort }
        guard !proposal.reason.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { throw .controlCharacters }
        if !rule.isOnRequest {
            let due = Self.dueOn(closedOn: record.stageEnteredAt.date, rule: rule)
            guard due <= today else { throw .notDue(record.id, rule: rule.id, dueOn: due) }
        }
        guard linkedFrom.isEmpty else { throw .linkedFrom(record.id, linkedFrom) }
    }

    /// A closed case whose personal data is due for erasure: when it closed, under which rule,
    /// since when.
    public struct Due: Hashable, Sendable {
        public var caseID: CaseID
        public var closedOn: CalendarDate
        public var rule: RetentionRule
        public var dueOn: CalendarDate

        public init(caseID: CaseID, closedOn: CalendarDate, rule: RetentionRule, dueOn: CalendarDate) {
            self.caseID = caseID
            self.closedOn = closedOn
            self.rule = rule
            self.dueOn = dueOn
        }
    }

    /// The closed cases due on `today`, oldest due first. `closure` gives a case's closure
    /// reason (read from the case: lists do not carry it), asked only of cases closed long
    /// enough for the shortest rule.
    public func due(_ summaries: [CaseSummary], today: CalendarDate,
                    closure: (CaseID) throws -> ClosureReason?) rethrows -> [Due] {
        let scheduled = rules.filter { !$0.isOnRequest }
        guard let shortest = scheduled.map(\.yearsAfterClosure).min() else { return [] }
        var due: [Due] = []
        for summary in summaries where summary.stage == .closed && !summary.isErased {
            let closedOn = summary.stageEnteredAt.date
            guard closedOn.adding(months: shortest * 12) <= today else { continue }
            guard let rule = rule(for: try closure(summary.id)) else { continue }
            let dueOn = Self.dueOn(closedOn: closedOn, rule: rule)
            if dueOn <= today { due.append(Due(caseID: summary.id, closedOn: closedOn, rule: rule, dueOn: dueOn)) }
        }
        return due.sorted { ($0.dueOn, $0.caseID.number) < ($1.dueOn, $1.caseID.number) }
    }
}
