import HavenCore

/// A supervisor restricts a case to a named team (need to know), changes the team or the
/// reason, or lifts the restriction: one form, checked by `Workflow.restrict` against the
/// store's users, each problem beside its field.
enum RestrictionActions {
    static func restrict(_ stored: StoredCase, context: SessionContext, users: UserDirectory?) -> FormScreen {
        let current = stored.record.restriction
        let form = Form(sections: [Form.Section(title: "Need to know", fields: [
            FormField("restricted", "Restricted", .toggle, value: "yes"),
            FormField("restriction.team", "Team", .text(maximumLength: 400),
                      hint: "names, comma between (its caseworker always)",
                      value: current?.team.map(\.rawValue).joined(separator: ", ") ?? ""),
            FormField("restriction.reason", "Why", .text(maximumLength: 500), hint: "e.g. publicised defector; threats received",
                      value: current?.reason ?? ""),
        ])])
        let heading = current == nil ? "Restrict \(stored.record.id): names masked in lists for all but its team"
            : "\(stored.record.id) is restricted · set Restricted to no to lift it"
        return FormScreen(title: "Restrict", heading: heading, form: form) { form, now in
            do {
                guard form.value("restricted") == "yes" else {
                    guard current != nil else { return .refused("\(stored.record.id) is not restricted; nothing to lift.") }
                    return .perform([.save(try Workflow.liftRestriction(stored.record, by: context.actor), basedOn: stored.version)])
                }
                var team: [UserName] = []
                var problems: [ValidationIssue] = []
                for name in form.value("restriction.team").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                    if let user = UserName(name) { team.append(user) } else {
                        problems.append(ValidationIssue(field: "restriction.team", message: "'\(name)' is not a user name."))
                    }
                }
                if form.value("restriction.reason").trimmingCharacters(in: .whitespaces).count < NeedToKnow.shortestReason {
                    problems.append(ValidationIssue(field: "restriction.reason", message: "Say why the case is restricted, in at least \(NeedToKnow.shortestReason) characters."))
                }
                guard problems.isEmpty else { return .problems(problems) }
                let next = try Workflow.restrict(stored.record, team: team, reason: form.value("restriction.reason"), users: users ?? UserDirectory(),
                                                 by: context.actor, at: now)
                return .perform([.save(next, basedOn: stored.version)])
            } catch {
                return CaseActions.failure(error)
            }
        }.keeping("restrict", on: stored)
    }
}

/// Opens the restriction form with the store's users, whom the team is checked against.
public struct OpenRestrictForm: StoreTask, Equatable {
    public let stored: StoredCase

    public func run(in session: SessionServices) -> [Command] {
        [.push(RestrictionActions.restrict(stored, context: session.context, users: session.users()))]
    }
}
