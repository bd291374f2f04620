import Foundation

/// Restricting a case to a named team, and lifting it: supervisors only (`NeedToKnow`).
extension Workflow {
    /// Restricts the case to `team` (who besides supervisors and its caseworker may open it),
    /// or changes the team or the reason of a restriction. Each member must be a caseworker or
    /// supervisor of the store; the reason must say why.
    public static func restrict(_ record: Case, team: [UserName], reason: String, users: UserDirectory, by actor: Actor,
                                at time: Timestamp) throws(WorkflowError) -> Case {
        try Capability.restrictCases.require(actor)
        var issues: [ValidationIssue] = []
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if why.count < NeedToKnow.shortestReason {
            issues.append(ValidationIssue(field: "restriction.reason", message: "Say why the case is restricted, in at least \(NeedToKnow.shortestReason) characters."))
        }
        for member in team where users.account(member)?.role.may(.editCase) != true {
            let message = users.account(member).map { "\(member) is \($0.role.withArticle): only caseworkers and supervisors can be in a case's team." }
                ?? "There is no user \(member) in this store."
            issues.append(ValidationIssue(field: "restriction.team", message: message))
        }
        guard issues.isEmpty else { throw .invalid(issues) }
        let members = Array(Set(team)).sorted { $0.rawValue < $1.rawValue }
        var next = record
        if let current = record.restriction, current.team == members, current.reason == why { return record }
        next.restriction = CaseRestriction(team: members, reason: why, by: actor.user, at: time)
        return next
    }

    /// Opens the case to need-to-know again.
    public static func liftRestriction(_ record: Case, by actor: Actor) throws(WorkflowError) -> Case {
        try Capability.restrictCases.require(actor)
        var next = record
        next.restriction = nil
        return next
    }
}
