/// A family member as lists need them: no names, whereabouts or contact, only where the
/// reunification stands and what is due. Written in each record's header.
public struct FamilyMemberSummary: Hashable, Codable, Sendable {
    public var id: Int
    public var relationship: Relationship
    public var stage: ReunificationStage
    public var nextAction: String?
    public var due: CalendarDate?
    public var linkedCase: CaseID?
    public var highRisk: Bool?

    public init(id: Int, relationship: Relationship, stage: ReunificationStage, nextAction: String? = nil, due: CalendarDate? = nil,
                linkedCase: CaseID? = nil, highRisk: Bool? = nil) {
        self.id = id
        self.relationship = relationship
        self.stage = stage
        self.nextAction = nextAction
        self.due = due
        self.linkedCase = linkedCase
        self.highRisk = highRisk
    }

    public init(_ member: FamilyMember) {
        self.init(id: member.id, relationship: member.relationship, stage: member.stage,
                  nextAction: member.nextAction.isEmpty ? nil : member.nextAction, due: member.nextActionDue,
                  linkedCase: member.linkedCase, highRisk: member.risk == .high ? true : nil)
    }

    /// In the reunification queue: a member whose reunification is under way or not begun.
    public var isOpen: Bool { !stage.isFinal && linkedCase == nil }
}

/// Consent and approval as lists need them, for the publicity queue.
public struct PublicitySummary: Hashable, Codable, Sendable {
    public var consentGiven: CalendarDate
    public var withdrawn: CalendarDate?
    public var verdict: Review.Verdict?
    /// A fingerprint of what the story would tell (`Publicity.digest`), so an approval names
    /// the story it was shown; absent in lines written before it existed.
    public var digest: String?

    public init(consentGiven: CalendarDate, withdrawn: CalendarDate? = nil, verdict: Review.Verdict? = nil, digest: String? = nil) {
        self.consentGiven = consentGiven
        self.withdrawn = withdrawn
        self.verdict = verdict
        self.digest = digest
    }

    public init?(_ publicity: Publicity) {
        guard let given = publicity.consentGiven else { return nil }
        self.init(consentGiven: given, withdrawn: publicity.consentWithdrawn, verdict: publicity.review?.verdict, digest: publicity.digest)
    }

    public var hasConsent: Bool { withdrawn.map { $0 < consentGiven } ?? true }
    /// In the publicity queue: consent in force.
    public var isInQueue: Bool { hasConsent }
    public var isApproved: Bool { hasConsent && verdict == .approved }
}

/// One line of the reunification queue: a case's member and their next action.
public struct ReunificationItem: Hashable, Sendable {
    public var caseID: CaseID
    public var caseName: String
    public var assignedTo: UserName?
    public var member: FamilyMemberSummary

    /// Due first (soonest first), then those with no due date, by case and member.
    public static func queue(_ summaries: [CaseSummary], assignedTo user: UserName? = nil) -> [ReunificationItem] {
        var items: [ReunificationItem] = []
        for summary in summaries where summary.stage != .closed && (user == nil || summary.assignedTo == user) {
            for member in summary.family where member.isOpen {
                items.append(ReunificationItem(caseID: summary.id, caseName: summary.cyrillicName, assignedTo: summary.assignedTo,
                                               member: member))
            }
        }
        return items.sorted { a, b in
            switch (a.member.due, b.member.due) {
            case let (x?, y?) where x != y: x < y
            case (_?, nil): true
            case (nil, _?): false
            default: (a.caseID, a.member.id) < (b.caseID, b.member.id)
            }
        }
    }

    public func isOverdue(on today: CalendarDate) -> Bool { member.due.map { $0 < today } ?? false }
}

/// Reunification across the programme, for the dashboard: members per stage, overdue actions,
/// linked cases.
public struct ReunificationProgress: Hashable, Sendable {
    public var byStage: [ReunificationStage: Int] = [:]
    public var overdue = 0
    public var linkedCases = 0
    public var members = 0

    public init(_ summaries: [CaseSummary], today: CalendarDate) {
        for summary in summaries {
            for member in summary.family {
                if member.linkedCase != nil { linkedCases += 1; continue }
                members += 1
                byStage[member.stage, default: 0] += 1
                if !member.stage.isFinal, let due = member.due, due < today { overdue += 1 }
            }
        }
    }

    public var reunited: Int { byStage[.reunited] ?? 0 }
}
