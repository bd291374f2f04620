import Foundation
import HavenCore

/// The casework steps the case view offers, each a form or a pick list whose values go
/// through the workflow (so every rule is HavenCore's) and come back as a save.
enum CaseActions {
    static func failure(_ error: any Error) -> FormOutcome {
        if case let WorkflowError.invalid(issues) = error { return .problems(issues) }
        return .refused("\(error)")
    }

    // MARK: Screening

    /// One screening check: kind, outcome, date, documents (identity), the article 1F
    /// assessment (exclusion: the clause, each step's finding and reasoning, the conclusion),
    /// and notes. Who recorded it is the session's user, never a field.
    static func screeningForm(today: CalendarDate, kind: ScreeningCheckKind) -> Form {
        let yesNo = [FormOption("yes", "Points to exclusion"), FormOption("no", "Does not")]
        let sections = [
            Form.Section(title: "Check", fields: [
                FormField("kind", "Check", .choice(FormOption.all(ScreeningCheckKind.self)), value: kind.rawValue),
                FormField("outcome", "Outcome", .choice(FormOption.all(ScreeningOutcome.self)), value: ScreeningOutcome.cleared.rawValue),
                FormField("date", "Date", .date, hint: "YYYY-MM-DD", value: today.description),
            ] + (kind == .identity ? [
                // Documents belong to the identity check only; elsewhere the field would catch notes.
                FormField("documentsSeen", "Documents seen", .text(maximumLength: 200), hint: "e.g. military ID, passport"),
            ] : []) + [
                FormField("notes", "Notes", .text(maximumLength: 1000), hint: "required for concerns or failure"),
            ]),
        ]
        // The article 1F steps appear only for the exclusion check.
        guard kind == .exclusion else { return Form(sections: sections) }
        return Form(sections: sections + [Form.Section(title: "Article 1F assessment", fields: [
            FormField("exclusion.clause", "Sub-clause considered", .choice(FormOption.all(ExclusionClause.self))),
        ] + ExclusionStep.allCases.flatMap { step in
            [FormField("exclusion.\(step.rawValue)", step.title, .choice(yesNo), value: "no"),
             FormField("exclusion.\(step.rawValue).reasoning", "  reasoning", .text(maximumLength: 500))]
        } + [
            FormField("exclusion.conclusion", "Conclusion", .choice(FormOption.all(ExclusionConclusion.self))),
        ])])
    }

    /// After a change of check kind, the form with that kind's fields, keeping what was typed.
    static func reshapeScreening(_ form: inout Form, today: CalendarDate) {
        guard let kind = ScreeningCheckKind(rawValue: form.value("kind")),
              (kind == .exclusion) != (form["exclusion.conclusion"] != nil) || (kind == .identity) != (form["documentsSeen"] != nil) else { return }
        let values = form.values
        let dirty = form.isDirty
        form = screeningForm(today: today, kind: kind)
        form.restore(values, focus: "kind")
        if !dirty { form.markSaved() }
    }

    /// The check the form describes; field problems (an unreadable date) come back as issues.
    static func screeningCheck(from form: Form, by user: UserName) -> (ScreeningCheck?, [ValidationIssue]) {
        guard let kind = ScreeningCheckKind(rawValue: form.value("kind")),
              let outcome = ScreeningOutcome(rawValue: form.value("outcome")) else { return (nil, []) }
        guard let date = CalendarDate(iso: form.value("date")) else {
            return (nil, [ValidationIssue(field: "date", message: "Write the date as YYYY-MM-DD.")])
        }
        let documents = form.value("documentsSeen").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var exclusion: ExclusionAssessment?
        if kind == .exclusion {
            exclusion = ExclusionAssessment(
                clause: ExclusionClause(rawValue: form.value("exclusion.clause")) ?? .a,
                findings: ExclusionStep.allCases.map { step in
                    ExclusionStepFinding(step: step, pointsToExclusion: form.value("exclusion.\(step.rawValue)") == "yes",
                                         reasoning: form.value("exclusion.\(step.rawValue).reasoning").trimmingCharacters(in: .whitespaces))
                },
                conclusion: ExclusionConclusion(rawValue: form.value("exclusion.conclusion")) ?? .notExcluded)
        }
        let check = ScreeningCheck(kind: kind, outcome: outcome, date: date, recordedBy: user,
                                   notes: form.value("notes").trimmingCharacters(in: .whitespaces),
                                   documentsSeen: documents, exclusion: exclusion)
        return (check, [])
    }

    static func recordScreening(_ stored: StoredCase, context: SessionContext) -> FormScreen {
        let next = stored.record.outstandingScreening.first ?? .identity
        return FormScreen(title: "Screening", heading: "Screening check for \(stored.record.id) · Ctrl-S records it",
                          form: screeningForm(today: context.today, kind: next),
                          adjust: { reshapeScreening(&$0, today: context.today) }) { form, now in
            let (check, problems) = screeningCheck(from: form, by: context.user)
            guard let check else { return .problems(problems) }
            do {
                let record = try Workflow.recordScreening(check, on: stored.record, by: context.actor, at: now)
                return .perform([.save(record, basedOn: stored.version)])
            } catch {
                // The reasoning fields carry the step's issues.
                if case let WorkflowError.invalid(issues) = error {
                    return .problems(issues.map { issue in
                        ExclusionStep.allCases.contains { issue.field == "exclusion.\($0.rawValue)" } && issue.message.hasSuffix("give the reasoning.")
                            ? ValidationIssue(field: issue.field + ".reasoning", message: issue.message) : issue
                    })
                }
                return failure(error)
            }
        }.keeping("screening", on: stored, subject: "The \(next.title.midSentence) check of \(stored.record.id)")
    }

    // MARK: Decisions

    static func proposeDecision(_ stored: StoredCase, context: SessionContext) -> FormScreen {
        // A proposal returned by a supervisor comes back to be amended, not retyped, with the
        // supervisor's comment above it.
        let returned = stored.record.decision.flatMap { $0.review?.verdict == .returned ? $0 : nil }
        // The comment under the title, wrapped whole: as a title it was cut at the width, with
        // no way to read it while answering it (a walk).
        let review = returned?.review
        var form = Form(sections: [Form.Section(title: review.map { "Returned by \($0.by), \($0.at.minuteText) UTC:" } ?? "Proposed decision", fields: [
            FormField("outcome", "Decision", .choice(FormOption.all(DecisionOutcome.self)), value: returned?.outcome.rawValue ?? DecisionOutcome.allCases[0].rawValue),
            FormField("reasons", "Reasons", .text(maximumLength: 2000), hint: "what the decision rests on", value: returned?.reasons ?? ""),
        ], text: review.map { ["“\($0.comment)”"] } ?? [])])
        // Returned: the reasons are what is amended, so the form opens on them (it opened on the
        // decision, and a walk's amendment typed there turned Grant into Refuse).
        if returned != nil { form.focus(on: "reasons") }
        let heading = returned == nil ? "Propose a decision on \(stored.record.id) · a supervisor reviews it"
            : "Propose again on \(stored.record.id) · the returned proposal, to amend"
        return FormScreen(title: "Propose", heading: heading, form: form) { form, now in
            do {
                let record = try Workflow.proposeDecision(DecisionOutcome(rawValue: form.value("outcome")) ?? .grant,
                                                          reasons: form.value("reasons"), on: stored.record, by: context.actor,
                                                          at: now)
                return .perform([.save(record, basedOn: stored.version)])
            } catch {
                if case WorkflowError.reasonRequired = error { return .problems([ValidationIssue(field: "reasons", message: "Give the reasons.")]) }
                return failure(error)
            }
        }.keeping("propose", on: stored)
    }

    /// A form of one text that must be given (a comment, a reason); once given, `apply` changes
    /// case `id` as the store has it now, and the screen below reloads `reloads`. `above`: lines
    /// shown over the field (what is answered).
    static func reasonForm(_ id: CaseID, key: String, seen: ProposalSeen?, title: String, heading: String, section: String, field: String = "reason",
                           label: String, hint: String, missing: String, change: String, above: [String] = [],
                           apply: @escaping @Sendable (Case, Actor, Timestamp, String) throws -> Case) -> FormScreen {
        // What is answered, read whole, wrapped (as section titles the reasons were cut: a review).
        let answered = above.isEmpty ? [] : [Form.Section(title: "What is answered", fields: [], text: above)]
        let form = Form(sections: answered + [Form.Section(title: section, fields: [FormField(field, label, .text(maximumLength: 2000), hint: hint)])])
        return FormScreen(title: title, heading: heading, form: form) { form, now in
            let text = form.value(field)
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return .problems([ValidationIssue(field: field, message: missing)]) }
            return .perform([.update([id], change: CaseChange(change) { record, actor, time in try apply(record, actor, time, text) })])
        }.keeping(key, onCase: id, about: seen)
    }

    /// The form that sends a proposal (decision or allocation) back with a comment, showing the
    /// proposal it answers when the record is at hand (`record`): a walk wrote its comment blind.
    static func returnProposal(_ id: CaseID, kind: ApprovalKind, seen: ProposalSeen?, record: Case? = nil) -> FormScreen {
        let what = if case .allocation = kind { "allocation" } else { "decision" }
        // The heading names the proposal (it never scrolls off, as the lines above the comment may).
        let heading = seen.map { "Return \($0.shortDescription) on \(id)" } ?? "Return the proposed \(what) on \(id) with a comment"
        return reasonForm(id, key: "return", seen: seen, title: "Return", heading: heading, section: "Return to the caseworker",
                          field: "comment", label: "Comment", hint: "what is missing or wrong", missing: "Say why it goes back.", change: "Return \(what)",
                          above: record.map { proposalLines($0, kind: kind) } ?? []) { record, actor, time, comment in
            if case .allocation = kind { return try Workflow.returnAllocation(on: record, seen: seen, comment: comment, by: actor, at: time) }
            return try Workflow.returnDecision(on: record, seen: seen, comment: comment, by: actor, at: time)
        }
    }

    /// The proposal a review answers, in a line or two: "Proposed: Grant, by anna.k" and its
    /// reasons; an allocation's country with why the runner-up was not chosen.
    static func proposalLines(_ record: Case, kind: ApprovalKind) -> [String] {
        if case .allocation = kind, let allocation = record.allocation {
            return ["Proposed: \(allocation.country), by \(allocation.proposedBy)"]
                + (allocation.runnerUpReason.map { $0.isEmpty ? [] : ["Why: \($0)"] } ?? [])
        }
        guard let decision = record.decision else { return [] }
        // Up to 400 characters: more pushed the comment's heading off a small screen (a walk).
        let reasons = decision.reasons.count > 400 ? decision.reasons.prefix(400) + "… (whole on the case, 4 Decision)" : decision.reasons
        return ["Proposed: \(decision.outcome.title), by \(decision.proposedBy)", "Reasons: \(reasons)"]
    }

    /// Approves the proposal the supervisor was shown (`seen`), refused if it changed since.
    static func approve(_ id: CaseID, kind: ApprovalKind, seen: ProposalSeen?) -> CaseChange {
        CaseChange("Approve \(kind.phrase)") { record, actor, time in
            if case .allocation = kind { return try Workflow.approveAllocation(on: record, seen: seen, by: actor, at: time) }
            return try Workflow.approveDecision(on: record, seen: seen, by: actor, at: time)
        }
    }

    /// The override as a form: kept for drafts an earlier version kept ("override"); the
    /// override itself is `AllocationChoiceScreen` in override mode, ranked with scores.
    static func overrideAllocation(_ id: CaseID, proposed: CountryCode, seen: ProposalSeen?, countries: [HostCountry]) -> FormScreen {
        let options = countries.filter { $0.code != proposed }.map { FormOption($0.code.rawValue, "\($0.code) \($0.name)") }
        let title = "Override the proposed \(proposed)"
        let form = Form(sections: [Form.Section(title: title, fields: [
            FormField("country", "Country", .choice(options), hint: "Left/Right or the first letter"),
            FormField("reason", "Reason", .text(maximumLength: 2000), hint: "why this country instead"),
        ])])
        return FormScreen(title: "Override", heading: "Allocate \(id) elsewhere · Ctrl-S approves with the reason", form: form) { form, now in
            guard let country = CountryCode(form.value("country")) else {
                return .problems([ValidationIssue(field: "country", message: "Choose a country.")])
            }
            let reason = form.value("reason")
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                return .problems([ValidationIssue(field: "reason", message: "Say why the case goes to \(country) instead of \(proposed).")])
            }
            return .perform([.update([id], change: CaseChange("Override allocation to \(country)") { record, actor, time in
                try Workflow.overrideAllocation(on: record, seen: seen, to: country, reason: reason, by: actor, at: time)
            })])
        }.keeping("override", onCase: id, about: seen)
    }

    /// The proposer's own decision, waiting: taken back from the move list (`Workflow.withdrawDecision`).
    static func mayWithdrawDecision(_ record: Case, user: UserName) -> Bool {
        record.stage == .decision && record.decision?.isAwaitingReview == true && record.decision?.proposedBy == user
    }

    static func withdrawal(_ stored: StoredCase, context: SessionContext) -> [PickScreen.Item] {
        guard mayWithdrawDecision(stored.record, user: context.user), context.may(.proposeDecision) else { return [] }
        return [PickScreen.Item("Withdraw the proposed decision", "before it is reviewed; the case stays in Decision") { now in
            do { return [.save(try Workflow.withdrawDecision(on: stored.record, by: context.actor, at: now), basedOn: stored.version)] }
            catch { return [.status("\(error)", .error)] }
        }]
    }

    static func moves(for record: Case, role: Role) -> [TransitionName] {
        Workflow.available(from: record.stage, for: role).filter { ![.approveGrant, .approveRefusal, .approveAllocation].contains($0) }
    }

    static func moveStage(_ stored: StoredCase, context: SessionContext) -> any Screen {
        // A move on past a stage whose interviews were not held says so where it is chosen (a
        // walk completed screening unwarned with "Missing: Screening interview" on the case).
        let missing = stored.record.missingAppointments.map(\.kind.title)
        let notHeld = missing.isEmpty ? "" : " · not held: " + missing.joined(separator: ", ")
        return PickScreen(title: "Move", heading: "Move \(stored.record.id) on from \(stored.record.stage.title)",
                   items: withdrawal(stored, context: context) + moves(for: stored.record, role: context.role).map { name in
                       let to = Workflow.transition(named: name)?.to
                       // Refused as it stands, said where it is chosen (a walk typed a reason first).
                       // Shown muted in its place, as every step not possible now (`PickScreen.Item(_:unavailable:)`).
                       if name == .reopenAllocation, let refused = Workflow.reopenRefusal(stored.record) {
                           return PickScreen.Item(name.title, unavailable: refused)
                       }
                       let detail = "to \(to?.title ?? "")" + (to.map { $0 > stored.record.stage && $0 != .closed } == true ? notHeld : "")
                       return PickScreen.Item(name.title, detail) { now in
                           if name == .close { return [.push(closeCase(stored, context: context))] }
                           if name == .reopenAllocation { return [.push(RelocationActions.reopenAllocation(stored, context: context))] }
                           if name == .undoArrival { return [.push(RelocationActions.undoArrival(stored, context: context))] }
                           // The arrival is recorded with its details, which moves the case on.
                           if name == .confirmArrival { return [.replace(RelocationActions.travel(stored, context: context))] }
                           do {
                               let record = try Workflow.perform(name, on: stored.record, by: context.actor, at: now)
                               return [.save(record, basedOn: stored.version)]
                           } catch {
                               return [.status("\(error)", .error)]
                           }
                       }
                   })
    }

    static func closeCase(_ stored: StoredCase, context: SessionContext) -> FormScreen {
        let form = Form(sections: [Form.Section(title: "Close the case", fields: [
            // No reason is chosen for the person: a closure is not taken back, and a default
            // saved by a Ctrl-S too soon recorded a grant as "Claim refused".
            FormField("reason", "Reason", .choice([FormOption("", "— choose why —")] + FormOption.all(ClosureReason.self))),
            FormField("details", "Details", .text(maximumLength: 1000), hint: "what happened, for whoever reads the case later"),
        ])])
        return FormScreen(title: "Close", heading: "Close \(stored.record.id) · it cannot be reopened here", form: form) { form, now in
            var problems: [ValidationIssue] = []
            if ClosureReason(rawValue: form.value("reason")) == nil { problems.append(ValidationIssue(field: "reason", message: "Choose why the case is closed.")) }
            if form.value("details").trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append(ValidationIssue(field: "details", message: "Say what happened: the record keeps it."))
            }
            guard problems.isEmpty, let reason = ClosureReason(rawValue: form.value("reason")) else { return .problems(problems) }
            let closure = Closure(reason: reason, details: form.value("details"))
            do {
                let record = try Workflow.perform(.close, on: stored.record, by: context.actor, at: now, closure: closure)
                return .perform([.save(record, basedOn: stored.version)])
            } catch {
                return failure(error)
            }
        }.keeping("close", on: stored)
    }

    /// Picks a caseworker or supervisor for `ids`: the pick list, and the query that fills it
    /// with the store's users.
    static func reassign(_ ids: [CaseID]) -> [Command] {
        let picker = PickScreen(title: "Reassign", heading: "Give \(ids.count == 1 ? ids[0].rawValue : "\(ids.count) marked cases") to",
                                items: [], opening: [.query(.users)], itemsFromReply: { reply in
            guard case let .users(directory) = reply else { return nil }
            return directory.assignable.map { account in
                PickScreen.Item(account.name.rawValue, account.role.title) { _ in
                    [.update(ids, change: CaseChange("Reassign to \(account.name)") { record, actor, time in
                        try Workflow.reassign(record, to: account.name, users: directory, by: actor, at: time)
                    })]
                }
            }
        })
        return [.push(picker)]
    }

    /// `a` on a proposal: ask first (y/n), or say at once that it is the user's own.
    /// What an approval saved, for the status line: "allocation to DE approved", "Grant approved".
    static func approvedPhrase(_ kind: ApprovalKind) -> String {
        switch kind {
        case let .allocation(country): "allocation to \(country) approved"
        case let .decision(outcome): "\(outcome.title) approved"
        }
    }

    static func askToApprove(_ id: CaseID, kind: ApprovalKind, proposedBy: UserName, user: UserName) -> (ask: Bool, effect: Command) {
        guard proposedBy != user else {
            let transition: TransitionName = if case .allocation = kind { .approveAllocation } else { .approveGrant }
            return (false, .status(WorkflowError.ownProposal(transition).description, .error))
        }
        return (true, .status("Approve \(id): \(kind.phrase), proposed by \(proposedBy)? y approves, n does not.", .warning))
    }

}
