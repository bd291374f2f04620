import Foundation

/// The named moves of a case between stages.
public enum TransitionName: String, Codable, Sendable, CaseIterable {
    /// The case is created at intake (only ever the first entry of the history).
    case register
    case submitForScreening = "submit-for-screening"
    case completeScreening = "complete-screening"
    case approveGrant = "approve-grant"
    case approveRefusal = "approve-refusal"
    case reopenScreening = "reopen-screening"
    case approveAllocation = "approve-allocation"
    /// An approved allocation taken back before departure (a mistake, a change of circumstance).
    case reopenAllocation = "reopen-allocation"
    case confirmArrival = "confirm-arrival"
    /// An arrival recorded by mistake taken back: the case returns to Relocation.
    case undoArrival = "undo-arrival"
    case close

    public var title: String {
        switch self {
        case .register: "Register at intake"
        case .submitForScreening: "Submit for screening"
        case .completeScreening: "Complete screening"
        case .approveGrant: "Approve grant"
        case .approveRefusal: "Approve refusal or exclusion"
        case .reopenScreening: "Reopen screening"
        case .approveAllocation: "Approve allocation"
        case .reopenAllocation: "Reopen allocation"
        case .confirmArrival: "Confirm arrival"
        case .undoArrival: "Undo the arrival"
        case .close: "Close case"
        }
    }
}

/// One allowed move: from which stages, to which stage, and which roles may make it.
public struct StageTransition: Hashable, Sendable {
    public let name: TransitionName
    public let from: Set<CaseStage>
    public let to: CaseStage
    /// What the move needs; the roles come from the capability table.
    public let capability: Capability

    public var roles: Set<Role> { Set(capability.roles) }
}

/// Why a workflow step was refused. Each message is written for the person who tried it.
public enum WorkflowError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongStage(TransitionName, current: CaseStage)
    case notPermitted(Capability, role: Role)
    case ownProposal(TransitionName)
    case screeningIncomplete(outstanding: [ScreeningCheckKind])
    case noProposal(TransitionName)
    case proposalMismatch(TransitionName, proposed: DecisionOutcome)
    case proposalAlreadyReviewed
    case intakeInvalid([ValidationIssue])
    case arrivalNotRecorded
    case reasonRequired(TransitionName)
    case notAssigned(CaseID, assignedTo: UserName?)
    /// What was entered has problems, each with its field.
    case invalid([ValidationIssue])
    case alreadyAssigned(CaseID, UserName)
    case notAssignable(UserName)
    case closed(CaseID)
    case proposalPending(CaseID)
    /// The proposal changed between being shown to the reviewer and the review.
    /// `now` nil: no proposal waits any more (withdrawn, or reviewed by someone else); `seen`
    /// is then named short (`ProposalSeen.shortDescription`).
    case proposalChanged(seen: String, now: String?)
    /// The proposal is now another's or for another outcome or country: what it is now, short.
    case proposalNowOther(String)
    /// An undo that would take back more than the session's own correctable change.
    case cannotUndo(String)
    /// The defector's preferences cannot change now: why (`Workflow.preferencesRefusal`).
    case preferencesSettled(String)
    /// A change or withdrawal of an allocation proposal that is not this person's to make:
    /// who proposed it, and what.
    /// `caseworker`: for a batch's proposal, the case's caseworker, who may change it too.
    case notYourProposal(CaseID, country: CountryCode, proposedBy: UserName, caseworker: UserName? = nil)
    /// The proposal being changed or withdrawn was reviewed meanwhile: how, by whom, and the comment.
    case proposalReviewed(CaseID, country: CountryCode, verdict: Review.Verdict, by: UserName, comment: String)
    /// No proposal waits to be changed or withdrawn (taken back meanwhile, or never made).
    case noProposalWaiting(CaseID)

    public var description: String {
        switch self {
        case let .wrongStage(name, current):
            "\(name.title) is not possible while the case is in \(current.title)."
        case let .notPermitted(capability, role):
            "\(role.withArticle.sentenceStart) cannot \(capability.phrase); "
                + "only \(capability.roles.map(\.withArticle).joined(separator: " or ")) can."
        case let .ownProposal(name):
            "You proposed this yourself; \(name.title.lowercased()) needs a second person."
        case let .screeningIncomplete(outstanding):
            "Screening is not complete: \(outstanding.map(\.title).joined(separator: ", ")) still outstanding."
        case let .noProposal(name):
            "There is no proposal awaiting review, so \(name.title.lowercased()) is not possible yet."
        case let .proposalMismatch(name, proposed):
            "The proposal is to \(proposed.title.lowercased()); \(name.title.lowercased()) does not apply."
        case .proposalAlreadyReviewed:
            "This proposal has already been reviewed; a new proposal is needed."
        case let .intakeInvalid(issues):
            "The intake record has \(issues.count) problem\(issues.count == 1 ? "" : "s") to fix first: "
                + issues.prefix(3).map(\.description).joined(separator: "; ")
        case .arrivalNotRecorded:
            "Record the arrival date before confirming arrival."
        case let .reasonRequired(name):
            "\(name.title) needs a reason."
        case let .notAssigned(id, assignedTo):
            "\(id) is assigned to \(assignedTo?.rawValue ?? "nobody"); ask a supervisor to reassign it."
        case let .invalid(issues):
            "\(issues.count) problem\(issues.count == 1 ? "" : "s") to fix: "
                + issues.prefix(3).map(\.description).joined(separator: "; ")
        case let .alreadyAssigned(id, user): "\(id) is already assigned to \(user)."
        case let .notAssignable(user): "\(user) is not a caseworker or supervisor here, so cannot be given cases."
        case let .closed(id): "\(id) is closed."
        case let .proposalPending(id): "\(id) already has a proposal waiting for a supervisor."
        case let .cannotUndo(why): "That change cannot be undone: \(why). Correct it instead."
        // What matters first: a status line at 80 columns cut "Nothing saved" off the end.
        case let .proposalChanged(seen, now?) where now == seen:
            // Amended within the minute: the same words twice said nothing (from a walk).
            "Nothing saved: \(seen) was amended since; look again."
        case let .proposalChanged(seen, now?):
            "Nothing saved: the proposal changed, now \(now); you saw \(seen)."
        case let .proposalChanged(seen, nil):
            "Nothing saved: \(seen) was withdrawn or reviewed meanwhile."
        case let .proposalNowOther(now):
            // Short, so it fits a status line with the case's number before it (from a walk).
            "Nothing saved: it is now \(now); look again."
        case let .preferencesSettled(reason): reason
        case let .notYourProposal(id, country, proposedBy, nil):
            "Only \(proposedBy), who proposed \(country) for \(id), can change or withdraw it; a supervisor can return it."
        case let .notYourProposal(id, country, proposedBy, caseworker?):
            "Only \(caseworker) (caseworker) or \(proposedBy) (ran the batch) may change \(country) for \(id)."
        case let .proposalReviewed(id, country, verdict, by, comment):
            "Nothing changed: \(by) \(verdict == .approved ? "approved" : "returned") \(country) for \(id) meanwhile"
                + (comment.isEmpty ? "." : ": \(comment)")
        case let .noProposalWaiting(id): "\(id) has no allocation proposal waiting; nothing changed."
        }
    }
}

/// The life of a case as an explicit state machine: each stage change is a named transition,
/// allowed only from certain stages, to certain roles, and when its conditions hold. Every
/// screen and command goes through here, so none can get around a rule.
public enum Workflow {
    public static let transitions: [StageTransition] = [
        StageTransition(name: .submitForScreening, from: [.intake], to: .screening, capability: .submitForScreening),
        StageTransition(name: .completeScreening, from: [.screening], to: .decision, capability: .completeScreening),
        StageTransition(name: .approveGrant, from: [.decision], to: .allocation, capability: .reviewDecision),
        StageTransition(name: .approveRefusal, from: [.decision], to: .closed, capability: .reviewDecision),
        StageTransition(name: .reopenScreening, from: [.decision], to: .screening, capability: .reopenScreening),
        StageTransition(name: .approveAllocation, from: [.allocation], to: .relocation, capability: .approveAllocation),
        StageTransition(name: .confirmArrival, from: [.relocation], to: .integration, capability: .confirmArrival),
        // After the arrival in the Move list: a reopening is the exception.
        StageTransition(name: .reopenAllocation, from: [.relocation], to: .allocation, capability: .approveAllocation),
        // An arrival recorded by mistake, by those who record arrivals, saying why.
        StageTransition(name: .undoArrival, from: [.integration], to: .relocation, capability: .confirmArrival),
        StageTransition(name: .close, from: [.intake, .screening, .decision, .allocation, .relocation, .integration],
                        to: .closed, capability: .closeCase),
    ]

    public static func transition(named name: TransitionName) -> StageTransition? {
        transitions.first { $0.name == name }
    }

    /// The transitions `actor` could attempt on a case in `stage` (conditions not yet checked).
    public static func available(from stage: CaseStage, for role: Role) -> [TransitionName] {
        transitions.filter { $0.from.contains(stage) && $0.roles.contains(role) }.map(\.name)
    }

    /// What a reopened allocation clears of the travel arranged, as one line ("2026-12-20 ·
    /// Рейс LO 281"), or nil when none was recorded.
    public static func clearedTravel(_ record: Case) -> String? {
        let parts = [record.relocation.travelDate?.description, record.relocation.travelNotes.isEmpty ? nil : record.relocation.travelNotes]
        let text = parts.compactMap { $0 }.joined(separator: " · ")
        return text.isEmpty ? nil : text
    }

    /// Moves the case through `name`, checking stage, role and the transition's conditions.
    ///
    /// - Parameters:
    ///   - closure: required for `close`; for `approveRefusal` it is derived from the proposal.
    ///   - reason: required for `reopenAllocation`, kept as the review's comment, and for
    ///     `undoArrival`, kept with the stage change.
    ///   - today: the date against which intake validation runs.
    /// - Returns: the case in its new stage, with the change in its history.
    public static func perform(
        _ name: TransitionName, on record: Case, by actor: Actor, at time: Timestamp,
        closure: Closure? = nil, reason: String? = nil
    ) throws(WorkflowError) -> Case {
        guard let transition = transition(named: name) else { throw .wrongStage(name, current: record.stage) }
        guard transition.from.contains(record.stage) else { throw .wrongStage(name, current: record.stage) }
        try transition.capability.require(actor)
        try requireAssignment(record, actor)

        var next = record
        switch name {
        case .register:
            throw .wrongStage(name, current: record.stage)
        case .submitForScreening:
            let issues = CaseValidation.intakeIssues(record.defector, today: time.date)
            guard issues.isEmpty else { throw .intakeInvalid(issues) }
        case .completeScreening:
            let outstanding = record.outstandingScreening
            guard outstanding.isEmpty else { throw .screeningIncomplete(outstanding: outstanding) }
        case .approveGrant, .approveRefusal:
            guard var proposal = record.decision else { throw .noProposal(name) }
            guard proposal.isAwaitingReview else { throw .proposalAlreadyReviewed }
            let isGrant = proposal.outcome == .grant
            guard isGrant == (name == .approveGrant) else { throw .proposalMismatch(name, proposed: proposal.outcome) }
            guard proposal.proposedBy != actor.user else { throw .ownProposal(name) }
            proposal.review = Review(verdict: .approved, by: actor.user, at: time)
            next.decision = proposal
            if !isGrant {
                next.closure = Closure(reason: proposal.outcome == .exclude ? .excluded : .refused,
                                       details: proposal.reasons)
            }
        case .reopenScreening:
            break
        case .approveAllocation:
            guard var proposal = record.allocation else { throw .noProposal(name) }
            guard proposal.review == nil else { throw .proposalAlreadyReviewed }
            guard proposal.proposedBy != actor.user else { throw .ownProposal(name) }
            proposal.review = Review(verdict: .approved, by: actor.user, at: time)
            // The kinds of place it takes as the case is now: a spouse or health needs recorded
            // after the proposal are taken too (the store refuses the approval where none is left).
            let kinds = PlaceKind.needed(by: record)
            proposal.places = kinds.isEmpty ? nil : kinds
            next.allocation = proposal
        case .reopenAllocation:
            // Before departure only: the case goes back to the allocation queue, the approval
            // recorded as returned with the reason (the audit trail keeps the approval), and the
            // place is free again.
            guard var proposal = record.allocation, proposal.review?.verdict == .approved else { throw .noProposal(name) }
            if let refusal = reopenRefusal(record) { throw .invalid([ValidationIssue(field: "reason", message: refusal)]) }
            let why = (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !why.isEmpty else { throw .reasonRequired(name) }
            // Who approved it, and when, stays on the case view in the comment, after the
            // reason (a walk found the approval only on the audit trail once reopened; before
            // the reason, it pushed the reason off My work's line).
            let approval = proposal.review.map { " (approved by \($0.by), \($0.at.minuteText) UTC)" } ?? ""
            proposal.review = Review(verdict: .returned, by: actor.user, at: time, comment: "Reopened after approval: \(why)\(approval)")
            // The override and the travel arranged were for that country (the audit trail keeps
            // both). The travel arranged stays readable on the case, as a note (a walk found the
            // route typed gone from every screen).
            proposal.override = nil
            next.allocation = proposal
            if let travel = clearedTravel(record) {
                next.notes.append(Note(author: actor.user, at: time,
                                       text: "Travel arranged for \(record.allocatedCountry?.rawValue ?? "the country"), cleared on reopening the allocation: \(travel)"))
            }
            next.relocation = Relocation()
        case .confirmArrival:
            guard record.relocation.arrivalDate != nil else { throw .arrivalNotRecorded }
        case .undoArrival:
            // What runs in the country since is ended first (the Integrate screen), so nothing
            // runs on there for a person who has not arrived; what ended stays on the record.
            // Travel and departure stay, to be corrected on the travel form. (Said in the
            // status line: no field of the form is at fault.)
            if let live = liveInCountry(record) {
                throw .invalid([ValidationIssue(field: "arrival", message: "\(record.id) has \(live): end them on the Integrate screen first.")])
            }
            guard !(reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .reasonRequired(name) }
            // The reception described an arrival that did not happen (the audit trail keeps it).
            next.relocation.arrivalDate = nil
            next.relocation.receptionPlace = ""
            next.relocation.metBy = ""
        case .close:
            guard let closure else { throw .reasonRequired(name) }
            // "Integration complete" with a job follow-up due or late would drop it unseen.
            if closure.reason == .integrated, let due = record.integration.openPlacement?.nextFollowUp, due.due <= time.date {
                throw .invalid([ValidationIssue(field: "reason", message: "The \(due.months)-month job follow-up is due since \(due.due); "
                    + "record it before closing as integrated, or give another reason.")])
            }
            next.closure = closure
        }
        next.stage = transition.to
        let why = name == .undoArrival ? reason?.trimmingCharacters(in: .whitespacesAndNewlines) : nil
        next.stageHistory.append(StageChange(stage: transition.to, at: time, by: actor.user, transition: name, reason: why))
        // A closed case meets nobody: what was still booked is cancelled, saying why.
        if next.stage == .closed {
            for index in next.appointments.indices where next.appointments[index].status == .scheduled {
                next.appointments[index].status = .cancelled
                next.appointments[index].outcome = "The case was closed."
            }
        }
        return next
    }

    /// Why an approved allocation in Relocation cannot be reopened now, or nil: the person has
    /// left, or a course seat (held or waited for), an open job application or a job not
    /// ended is recorded in that country; those are ended on the Integrate screen first (from
    /// Allocation they could not be). What the workflow and the case view's advice both ask.
    public static func reopenRefusal(_ record: Case) -> String? {
        if let left = record.relocation.departureDate {
            return "\(record.id) left on \(left): the allocation stands; record the arrival, or close the case saying why."
        }
        if let live = liveInCountry(record) {
            return "\(record.id) has \(live): end them on the Integrate screen first."
        }
        return nil
    }

    /// What is recorded as going on in the allocated country ("1 course seat, 2 jobs in DE"):
    /// course seats held or waited for, open job applications, jobs not ended; nil when none.
    public static func liveInCountry(_ record: Case) -> String? {
        let i = record.integration
        let live = [(i.enrolments.filter { [.waiting, .enrolled].contains($0.status) }.count, "course seat"),
                    (i.applications.filter { [.applied, .interview, .offer].contains($0.status) }.count, "open job application"),
                    (i.placements.filter { $0.endDate == nil }.count, "job")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
        guard !live.isEmpty else { return nil }
        return "\(live.joined(separator: ", ")) in \(record.allocatedCountry?.rawValue ?? "its country")"
    }

    /// Records a proposed decision. Caseworkers and supervisors propose; only after screening.
    public static func proposeDecision(
        _ outcome: DecisionOutcome, reasons: String, on record: Case, by actor: Actor, at time: Timestamp
    ) throws(WorkflowError) -> Case {
        try Capability.proposeDecision.require(actor)
        try requireAssignment(record, actor)
        guard record.stage == .decision else {
            if record.stage < .decision { throw .screeningIncomplete(outstanding: record.outstandingScreening) }
            throw .wrongStage(.approveGrant, current: record.stage)
        }
        if let existing = record.decision, existing.isAwaitingReview { throw .proposalPending(record.id) }
        guard !reasons.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .reasonRequired(.approveGrant) }
        if let conflict = screeningConflict(outcome, record) { throw .invalid([ValidationIssue(field: "outcome", message: conflict)]) }
        var next = record
        next.decision = DecisionProposal(outcome: outcome, reasons: reasons, proposedBy: actor.user, proposedAt: time)
        return next
    }

    /// Why `outcome` contradicts the article 1F check as recorded, or nil: exclusion rests on a
    /// conclusion of excluded, and a grant or a refusal cannot stand on one.
    static func screeningConflict(_ outcome: DecisionOutcome, _ record: Case) -> String? {
        let conclusion = record.latestScreening[.exclusion]?.exclusion?.conclusion
        if outcome == .exclude, conclusion != .excluded {
            return "The article 1F check concludes \((conclusion ?? .notExcluded).title.lowercased()); exclusion needs it to conclude excluded (reopen screening to record that)."
        }
        if outcome != .exclude, conclusion == .excluded {
            return "The article 1F check concludes excluded; the decision to propose is exclusion."
        }
        return nil
    }

    /// A supervisor sends a proposed decision back with a comment; the case stays in Decision.
    public static func returnDecision(
        on record: Case, seen: ProposalSeen? = nil, comment: String, by actor: Actor, at time: Timestamp
    ) throws(WorkflowError) -> Case {
        try Capability.reviewDecision.require(actor)
        try requireSeen(seen, ProposalSeen.decision(of: record))
        guard record.stage == .decision else { throw .wrongStage(.approveGrant, current: record.stage) }
        guard var proposal = record.decision, proposal.isAwaitingReview else { throw .noProposal(.approveGrant) }
        guard proposal.proposedBy != actor.user else { throw .ownProposal(.approveGrant) }
        guard !comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .reasonRequired(.approveGrant) }
        proposal.review = Review(verdict: .returned, by: actor.user, at: time, comment: comment)
        var next = record
        next.decision = proposal
        return next
    }
}
