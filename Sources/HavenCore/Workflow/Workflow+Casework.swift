import Foundation

/// The casework steps that are not stage moves: screening checks, approving a proposed
/// decision, notes, and reassignment. Like the transitions, each checks the actor's role first.
extension Workflow {
    /// A caseworker works only on the cases assigned to them; supervisors on any.
    static func requireAssignment(_ record: Case, _ actor: Actor) throws(WorkflowError) {
        if actor.role == .caseworker, record.assignedTo != actor.user {
            throw .notAssigned(record.id, assignedTo: record.assignedTo)
        }
    }

    /// Approves the proposed decision through the transition its outcome calls for: a grant
    /// moves the case to allocation, a refusal or exclusion closes it.
    public static func approveDecision(on record: Case, seen: ProposalSeen? = nil, by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        try Capability.reviewDecision.require(actor)
        try requireSeen(seen, ProposalSeen.decision(of: record))
        guard let proposal = record.decision, proposal.isAwaitingReview else {
            throw record.decision == nil ? .noProposal(.approveGrant) : .proposalAlreadyReviewed
        }
        return try perform(proposal.outcome == .grant ? .approveGrant : .approveRefusal, on: record, by: actor, at: time)
    }

    /// Adds a note, dated and signed by the actor.
    public static func addNote(_ text: String, on record: Case, by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        try Capability.addNote.require(actor)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalid([ValidationIssue(field: "notes", message: "A note cannot be empty.")]) }
        var next = record
        next.notes.append(Note(author: actor.user, at: time, text: trimmed))
        return next
    }

    /// Records one screening check. The date, outcome and details are the caller's; who
    /// recorded it is always the actor, never something typed.
    public static func recordScreening(_ check: ScreeningCheck, on record: Case, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        try Capability.recordScreening.require(actor)
        try requireAssignment(record, actor)
        guard record.stage == .screening else { throw .wrongStage(.completeScreening, current: record.stage) }
        var check = check
        check.recordedBy = actor.user
        let issues = ScreeningValidation.issues(check, today: time.date, cameOver: record.defector.crossing.date)
        guard issues.isEmpty else { throw .invalid(issues) }
        var next = record
        next.screening.append(check)
        return next
    }

    /// Gives the case to another caseworker or supervisor of the store.
    public static func reassign(_ record: Case, to user: UserName, users: UserDirectory, by actor: Actor,
                                at time: Timestamp) throws(WorkflowError) -> Case {
        try Capability.reassignCases.require(actor)
        guard record.stage != .closed else { throw .closed(record.id) }
        guard let account = users.account(user), account.role.may(.editCase) else { throw .notAssignable(user) }
        guard record.assignedTo != user else { throw .alreadyAssigned(record.id, user) }
        var next = record
        next.assignedTo = user
        next.assignment = Assignment(by: actor.user, at: time)
        return next
    }
}

/// The rules a screening check must meet before it is recorded.
public enum ScreeningValidation {
    /// `cameOver` is the day he came over: a check can predate his registration in Haven (a
    /// defector screened before the programme took his case), never his crossing.
    public static func issues(_ check: ScreeningCheck, today: CalendarDate, cameOver: CalendarDate?) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if check.date > today { issues.append(ValidationIssue(field: "date", message: "The date \(check.date) is in the future.")) }
        let earliest = cameOver ?? CaseValidation.earliestCrossing
        if check.date < earliest {
            issues.append(ValidationIssue(field: "date", message: "The date \(check.date) is before he came over (\(earliest))."))
        }
        if [.concerns, .failed].contains(check.outcome), check.notes.trimmingCharacters(in: .whitespaces).isEmpty {
            issues.append(ValidationIssue(field: "notes", message: "Say what the \(check.outcome == .failed ? "failure" : "concerns") are."))
        }
        switch check.kind {
        case .identity:
            if [.cleared, .concerns].contains(check.outcome), check.documentsSeen.isEmpty {
                issues.append(ValidationIssue(field: "documentsSeen", message: "Name the documents seen that verify the identity."))
            }
        case .exclusion:
            guard let assessment = check.exclusion else {
                issues.append(ValidationIssue(field: "exclusion", message: "The article 1F assessment is missing."))
                break
            }
            for step in assessment.missingSteps {
                issues.append(ValidationIssue(field: "exclusion.\(step.rawValue)", message: "\(step.title): no finding recorded."))
            }
            for finding in assessment.findings where finding.reasoning.trimmingCharacters(in: .whitespaces).isEmpty {
                issues.append(ValidationIssue(field: "exclusion.\(finding.step.rawValue)", message: "\(finding.step.title): give the reasoning."))
            }
            let expected: Set<ScreeningOutcome> = switch assessment.conclusion {
            case .excluded: [.failed]
            case .furtherInquiry: [.pending]
            case .notExcluded: [.cleared, .concerns]
            }
            if !expected.contains(check.outcome) {
                issues.append(ValidationIssue(field: "outcome", message: "The outcome \(check.outcome.title.lowercased()) does not fit the conclusion \(assessment.conclusion.title.lowercased())."))
            }
            // Exclusion needs every step against the person; any step for him rules it out.
            let all = assessment.missingSteps.isEmpty && assessment.findings.allSatisfy(\.pointsToExclusion)
            if assessment.conclusion == .excluded, assessment.missingSteps.isEmpty, !all {
                let against = assessment.findings.filter { !$0.pointsToExclusion }.map { $0.step.title.lowercased() }
                issues.append(ValidationIssue(field: "exclusion.conclusion", message: "Exclusion needs every step to point to it; not so for: \(against.joined(separator: ", "))."))
            }
            if assessment.conclusion == .notExcluded, all {
                issues.append(ValidationIssue(field: "exclusion.conclusion", message: "Every step points to exclusion, yet the conclusion is not excluded."))
            }
        case .securityVetting, .debrief:
            break
        }
        return issues
    }
}
