import Foundation

/// How much of a case someone may see.
public enum AccessLevel: Hashable, Sendable {
    /// The whole case: it is theirs (assigned, their team's, restricted to them) or they supervise.
    case full
    /// Its summary in lists; the case itself only after giving a reason (breaking the glass),
    /// which is logged and shown to supervisors.
    case reasonNeeded
    /// A restricted case outside their team: masked in lists, never opened.
    case refused
}

/// The need-to-know rule, in one place: the store applies it to every opening and every save,
/// the commands to every export and report, and the interface to every list.
///
/// - Supervisors see every case in full (each opening is logged all the same).
/// - A restricted case: its team (with the caseworker it is assigned to) in full; nobody else,
///   and its names are masked in their lists.
/// - Any other case: the caseworker it is assigned to in full, and, when teams are set, the
///   members of that caseworker's team; everyone else (other caseworkers, administrators,
///   auditors) sees the summary and must give a reason to open it.
public enum NeedToKnow {
    /// The least a reason to open a case must say, in characters.
    public static let shortestReason = 10
    /// What a refusal's access entry says of itself: the step before a reason, or a
    /// restricted case outside the reader's team (which supervisors hear of).
    public static let noReasonDetail = "asked for a reason"
    public static let restrictedDetail = "restricted to its team"
    /// The words lists show instead of a restricted case's names.
    public static let maskedName = "(restricted)"

    public static func level(of actor: Actor, for summary: CaseSummary, users: UserDirectory?) -> AccessLevel {
        if actor.role == .supervisor { return .full }
        if let restriction = summary.restriction {
            // Named in the team and still someone who works on cases (a member made an
            // auditor or an administrator since is not).
            return restriction.team.contains(actor.user) && actor.role.may(.editCase) ? .full : .refused
        }
        guard actor.role == .caseworker, let holder = summary.assignedTo else { return .reasonNeeded }
        if holder == actor.user { return .full }
        if let mine = users?.account(actor.user)?.team, let theirs = users?.account(holder)?.team, mine == theirs { return .full }
        return .reasonNeeded
    }

    /// Whether a masked summary (as a reader's screens receive them) says the case is now
    /// restricted to a team without that reader: every screen holding it closes.
    public static func isClosedToReader(_ summary: CaseSummary?) -> Bool {
        summary?.restriction != nil && summary?.latinName == maskedName
    }

    /// Whether `actor` sees the case's names in lists.
    public static func seesNames(_ actor: Actor, of summary: CaseSummary, users: UserDirectory?) -> Bool {
        summary.restriction == nil || level(of: actor, for: summary, users: users) == .full
    }

    /// The summaries as `actor` may see them: a restricted case outside their team keeps its
    /// number, stage and dates, but its names read `maskedName`. The same array, uncopied,
    /// when nothing is masked (no restricted case, or a supervisor).
    /// (A restricted case's team is in its summary: no directory is read for this.)
    public static func masking(_ summaries: [CaseSummary], for actor: Actor) -> [CaseSummary] {
        guard actor.role != .supervisor else { return summaries }
        var masked: [CaseSummary]?
        for index in summaries.indices where summaries[index].restriction != nil {
            guard !seesNames(actor, of: summaries[index], users: nil) else { continue }
            if masked == nil { masked = summaries }
            masked![index].cyrillicName = maskedName
            masked![index].latinName = maskedName
        }
        return masked ?? summaries
    }

    /// The reason typed to open a case, trimmed; refused when it says too little.
    public static func reason(_ typed: String) throws(NeedToKnowError) -> String {
        let trimmed = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= shortestReason else { throw .reasonTooShort(trimmed.count) }
        // Words, not a row of dots: at least five letters in any script.
        guard trimmed.unicodeScalars.filter(\.properties.isAlphabetic).count >= 5 else { throw .reasonWithoutWords }
        guard trimmed.count <= 500 else { throw .reasonTooLong(trimmed.count) }
        return trimmed
    }

    /// The supervisors who hear of `user`'s broken glass: those of the same team when there
    /// are any, else every supervisor.
    public static func supervisorsTold(of user: UserName, users: UserDirectory) -> Set<UserName> {
        let supervisors = users.users(in: .supervisor)
        if let team = users.account(user)?.team {
            let ofTeam = supervisors.filter { $0.team == team }
            if !ofTeam.isEmpty { return Set(ofTeam.map(\.name)) }
        }
        return Set(supervisors.map(\.name))
    }
}

/// Why a case cannot be opened, or a reason was refused.
public enum NeedToKnowError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The case is not the actor's: they may open it only with a reason.
    case reasonNeeded(CaseID)
    /// The case is restricted to a team the actor is not in.
    case restricted(CaseID)
    case reasonTooShort(Int)
    case reasonTooLong(Int)
    case reasonWithoutWords

    public var description: String {
        switch self {
        case let .reasonNeeded(id): "\(id) is not assigned to you or your team; give a reason to open it (it is logged and your supervisor sees it)."
        case let .restricted(id): "\(id) is restricted to its team; ask a supervisor."
        case let .reasonTooShort(count):
            "A reason must say why in at least \(NeedToKnow.shortestReason) characters (\(count) typed)."
        case let .reasonTooLong(count): "A reason is at most 500 characters (\(count) typed)."
        case .reasonWithoutWords: "A reason must say why in words (five letters at least)."
        }
    }
}

extension NeedToKnow {
    /// What an opening of `part` of case `id` comes to: the access log's entry, and the
    /// refusal when it may not go on (logged all the same). A reason is checked first: one
    /// that says too little is refused before anything is logged.
    public static func judge(_ summary: CaseSummary, part: AccessPart, by reader: Reader, reason typed: String?,
                             reasonGivenBefore: Bool, users: UserDirectory?, at time: Timestamp)
        throws(NeedToKnowError) -> (entry: AccessEntry, refusal: NeedToKnowError?) {
        let reason = try typed.map { (text) throws(NeedToKnowError) in try Self.reason(text) }
        var entry = AccessEntry(at: time, user: reader.actor.user, role: reader.actor.role, session: reader.session,
                                part: part, outcome: .opened, caseID: summary.id)
        switch level(of: reader.actor, for: summary, users: users) {
        case .full:
            entry.reason = reason
            return (entry, nil)
        case .reasonNeeded:
            if let reason {
                entry.outcome = .reasoned
                entry.reason = reason
            } else if reasonGivenBefore {
                entry.outcome = .openedOnReason
            } else {
                entry.outcome = .refused
                entry.detail = NeedToKnow.noReasonDetail
                return (entry, .reasonNeeded(summary.id))
            }
            return (entry, nil)
        case .refused:
            entry.outcome = .refused
            entry.detail = NeedToKnow.restrictedDetail
            entry.reason = reason
            return (entry, .restricted(summary.id))
        }
    }
}

extension NeedToKnow {
    /// What audit entries show a reader who may not open a case: who changed it, when and
    /// which fields, never the values (a new case's entry holds the whole record).
    public static let notTheirs = "\"(need to know: open the case to read)\""

    /// The audit entries as `actor` may read them: an entry about a case they may not open in
    /// full (and have given no reason for, `reasoned`) keeps its fields but not their values.
    public static func redacting(_ entries: [AuditEntry], for actor: Actor, summaries: [CaseSummary], users: UserDirectory?,
                                 reasoned: (CaseID) -> Bool) -> [AuditEntry] {
        guard actor.role != .supervisor else { return entries }
        return entries.map { entry in
            guard let id = entry.caseID else { return entry }
            let level = summaries.summary(of: id).map { Self.level(of: actor, for: $0, users: users) } ?? .reasonNeeded
            if level == .full || level == .reasonNeeded && reasoned(id) { return entry }
            var redacted = entry
            // An erased value holds nothing of the person: it reads "(erased)", not as withheld.
            func withheld(_ value: String) -> String { FieldChange.isErased(value) ? value : notTheirs }
            redacted.changes = entry.changes.map { FieldChange(field: $0.field, before: $0.before.map(withheld), after: $0.after.map(withheld)) }
            return redacted
        }
    }

    /// Whether a refusal or a reason is one supervisors hear of (and the store copies for
    /// them): every reason, and a restricted case tried from outside its team; not the refusal
    /// that only asks for a reason (the step before one).
    public static func tellsSupervisors(_ entry: AccessEntry) -> Bool {
        entry.outcome == .reasoned || entry.outcome == .refused && entry.detail == restrictedDetail
    }
}
