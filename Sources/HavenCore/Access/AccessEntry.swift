/// What part of a case, or which whole-store job, an access was to.
public enum AccessPart: String, Codable, Sendable, CaseIterable {
    /// The case view.
    case caseRecord = "case"
    /// The family screen: names, whereabouts and contacts of relatives.
    case family
    /// The case's history (its audit entries).
    case history
    /// An export of cases (`haven export`, the research export).
    case export
    /// A report or a calendar written from summaries.
    case report
    /// Everything held about one person (`haven subject-export`).
    case subjectExport = "subject-export"

    public var title: String {
        switch self {
        case .caseRecord: "case"
        case .family: "family"
        case .history: "history"
        case .export: "export"
        case .report: "report"
        case .subjectExport: "subject export"
        }
    }
}

/// How an access ended.
public enum AccessOutcome: String, Codable, Sendable, CaseIterable {
    /// Opened: the case is theirs, or they supervise.
    case opened
    /// Opened with a reason given: the glass was broken.
    case reasoned = "broke-glass"
    /// Opened again in a session that broke the glass on it earlier.
    case openedOnReason = "opened-on-reason"
    /// Refused: restricted, or no reason given.
    case refused

    public var title: String {
        switch self {
        case .opened: "opened"
        case .reasoned: "broke glass"
        case .openedOnReason: "opened again on a reason"
        case .refused: "refused"
        }
    }
}

/// One entry of the access log: who read what, when, from which session, and why when a
/// reason was needed. Numbered and hash-chained by the store like the audit trail.
public struct AccessEntry: Hashable, Codable, Sendable {
    public var sequence: Int
    public var at: Timestamp
    public var user: UserName
    public var role: Role
    public var session: String
    public var part: AccessPart
    public var outcome: AccessOutcome
    /// The case read; nil for a whole-store job (an export, a report).
    public var caseID: CaseID?
    /// The reason given to open a case that is not theirs.
    public var reason: String?
    /// What else the job says of itself: a report's name, how many cases an export wrote.
    public var detail: String?

    public init(sequence: Int = 0, at: Timestamp, user: UserName, role: Role, session: String, part: AccessPart,
                outcome: AccessOutcome, caseID: CaseID? = nil, reason: String? = nil, detail: String? = nil) {
        self.sequence = sequence
        self.at = at
        self.user = user
        self.role = role
        self.session = session
        self.part = part
        self.outcome = outcome
        self.caseID = caseID
        self.reason = reason
        self.detail = detail
    }

    /// One line for lists and `haven access`.
    public var line: String {
        var text = "\(at.minuteText)  \(user) (\(role.rawValue))  \(outcome.title) \(part.title)"
        if let caseID { text += " \(caseID)" }
        if let detail { text += ": \(detail)" }
        if let reason { text += " — reason: \(reason)" }
        return text
    }
}

/// Who is reading: the actor and their session (a terminal session, or a command's run).
public struct Reader: Hashable, Sendable {
    public var actor: Actor
    public var session: String

    public init(actor: Actor, session: String) {
        self.actor = actor
        self.session = session
    }
}

/// Which access entries to show.
public struct AccessFilter: Hashable, Sendable {
    public var caseID: CaseID?
    public var user: UserName?
    public var since: Timestamp?
    /// Only openings with a reason given (and refusals): what a supervisor looks over.
    public var reasonedOnly: Bool
    /// Read from the store's small copy of the reasons supervisors hear of (`NeedToKnow
    /// .tellsSupervisors`) instead of the chained log: quick, for My work; never for an audit.
    public var supervisorsCopy: Bool

    public init(caseID: CaseID? = nil, user: UserName? = nil, since: Timestamp? = nil, reasonedOnly: Bool = false, supervisorsCopy: Bool = false) {
        self.supervisorsCopy = supervisorsCopy
        self.caseID = caseID
        self.user = user
        self.since = since
        self.reasonedOnly = reasonedOnly
    }

    public func matches(_ entry: AccessEntry) -> Bool {
        if let caseID, entry.caseID != caseID { return false }
        if let user, entry.user != user { return false }
        if let since, entry.at < since { return false }
        if reasonedOnly, entry.outcome != .reasoned, entry.outcome != .refused { return false }
        if supervisorsCopy, !NeedToKnow.tellsSupervisors(entry) { return false }
        return true
    }
}
