import HavenCore

/// A supervisor restricts a case to a named team (need to know), changes the team or the
/// reason, or lifts the restriction: one form, saved through `Workflow.restrict` with the
/// store's users (each member must be a caseworker or supervisor there).
enum RestrictionActions {
    static func restrict(_ stored: StoredCase, context: SessionContext) -> FormScreen {
        let current = stored.record.restriction
        let form = Form(sections: [Form.Section(title: "Need to know", fields: [
            FormField("restricted", "Restricted", .toggle, value: "yes"),
            FormField("restriction.team", "Team", .text(maximumLength: 400),
                      hint: "user names, separated by commas; its caseworker and supervisors always see it",
                      value: current?.team.map(\.rawValue).joined(separator: ", ") ?? ""),
            FormField("restriction.reason", "Why", .text(maximumLength: 500), hint: "e.g. publicised defector; threats received",
                      value: current?.reason ?? ""),
        ])])
        let heading = current == nil ? "Restrict \(stored.record.id): names masked in lists for all but its team"
            : "\(stored.record.id) is restricted · Restricted: no lifts it"
        return FormScreen(title: "Restrict", heading: heading, form: form) { form, _ in
            guard form.value("restricted") == "yes" else {
                guard current != nil else { return .refused("\(stored.record.id) is not restricted; nothing to lift.") }
                return .perform([.run(RestrictCase(id: stored.record.id, version: stored.version, team: nil, reason: ""))])
            }
            var team: [UserName] = []
            var problems: [ValidationIssue] = []
            for name in form.value("restriction.team").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                if let user = UserName(name) { team.append(user) } else {
                    problems.append(ValidationIssue(field: "restriction.team", message: "'\(name)' is not a user name."))
                }
            }
            if form.value("restriction.reason").trimmingCharacters(in: .whitespaces).count < NeedToKnow.shortestReason {
                problems.append(ValidationIssue(field: "restriction.reason", message: "Say why, in at least \(NeedToKnow.shortestReason) characters."))
            }
            guard problems.isEmpty else { return .problems(problems) }
            return .perform([.run(RestrictCase(id: stored.record.id, version: stored.version, team: team, reason: form.value("restriction.reason")))])
        }.keeping("restrict", on: stored)
    }
}

/// Restricts (or, with no team, lifts) case `id` on the version the form was opened on, with
/// the store's users; the form closes on the save as on any other.
public struct RestrictCase: StoreTask, Equatable {
    public let id: CaseID
    public let version: CaseVersion
    /// Nil lifts the restriction.
    public let team: [UserName]?
    public let reason: String

    public func run(in session: SessionServices) -> [Command] {
        guard let store = session.store else { return [.status("No store is open.", .error)] }
        do {
            let stored = try store.load(id)
            guard stored.version == version else {
                return [.message(StoreReply.conflict(savedBy: stored.savedBy, savedAt: stored.savedAt))]
            }
            let next = try team.map { try Workflow.restrict(stored.record, team: $0, reason: reason, users: try store.users(), by: session.actor, at: session.now) }
                ?? Workflow.liftRestriction(stored.record, by: session.actor)
            return session.save(next, basedOn: version)
        } catch let WorkflowError.invalid(issues) {
            return [.status(issues.map(\.message).joined(separator: " "), .error)]
        } catch {
            return [.status("\(error)", .error)]
        }
    }
}
