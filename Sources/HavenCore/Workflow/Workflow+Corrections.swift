import Foundation

/// Corrections of what was recorded: each item is corrected by whoever may record it, through
/// the same rules as recording it, and the audit trail keeps the value before and after. Where
/// something already rests on the item (a screening check once a decision was approved), the
/// correction needs a reason, which is kept on the case as a signed note.
extension Workflow {
    /// Whether a correction of screening needs a reason: once a decision resting on the checks
    /// was approved.
    public static func screeningCorrectionNeedsReason(_ record: Case) -> Bool {
        record.decision?.review?.verdict == .approved
    }

    /// Replaces screening check `index` with `check`, as recorded by the actor. In Screening as
    /// recording is; later (a wrong date or document found afterwards), with a reason once a
    /// decision was approved.
    public static func correctScreening(at index: Int, to check: ScreeningCheck, reason: String, on record: Case, by actor: Actor,
                                        at time: Timestamp) throws(WorkflowError) -> Case {
        try Capability.recordScreening.require(actor)
        try requireAssignment(record, actor)
        guard record.stage != .closed else { throw .closed(record.id) }
        guard record.screening.indices.contains(index) else { throw issue("kind", "\(record.id) has no such screening check.") }
        let old = record.screening[index]
        // A proposal rests on the checks as its reviewer reads them: no change under it.
        if record.decision?.isAwaitingReview == true {
            throw issue("kind", "A proposed decision rests on these checks; its proposer amends it, or a supervisor returns it, first.")
        }
        var corrected = check
        corrected.recordedBy = actor.user
        // After a decision, a detail (a date, a document) is corrected; a changed outcome is a
        // new finding, for screening reopened.
        if screeningCorrectionNeedsReason(record), corrected.outcome != old.outcome || corrected.exclusion?.conclusion != old.exclusion?.conclusion {
            throw issue("outcome", "A decision was approved on the outcome \(old.outcome.title.lowercased()); a new outcome needs screening reopened.")
        }
        var issues = ScreeningValidation.issues(corrected, today: time.date, cameOver: record.defector.crossing.date)
        if corrected.kind != old.kind {
            issues.append(ValidationIssue(field: "kind", message: "A correction keeps the check's kind (\(old.kind.title)); record a new check instead."))
        }
        guard issues.isEmpty else { throw .invalid(issues) }
        var next = record
        next.screening[index] = corrected
        if screeningCorrectionNeedsReason(record) {
            next = try correctionNote("screening (\(old.kind.title), \(old.date))", reason: reason, on: next, by: actor, at: time)
        }
        return next
    }

    /// The proposer amends a decision proposal still awaiting review. Only the proposer: a
    /// supervisor who could amend and then approve would be both sides of the two-person rule
    /// (a supervisor returns it with a comment instead). The fingerprint changes, so a
    /// reviewer who saw the old proposal cannot approve the new one unread.
    public static func amendDecision(_ outcome: DecisionOutcome, reasons: String, on record: Case, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        var proposal = try ownWaitingDecision(record, actor, "amend")
        guard !reasons.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw issue("reasons", "Give the reasons.") }
        if let conflict = screeningConflict(outcome, record) { throw issue("outcome", conflict) }
        proposal.outcome = outcome
        proposal.reasons = reasons
        proposal.proposedAt = time
        var next = record
        next.decision = proposal
        return next
    }

    /// Whoever proposed a decision takes it back before it is reviewed (made too soon, or on the
    /// wrong case: a walk could only amend one): the case stays in Decision with none proposed,
    /// and the audit trail keeps what was proposed.
    public static func withdrawDecision(on record: Case, by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        _ = try ownWaitingDecision(record, actor, "withdraw")
        var next = record
        next.decision = nil
        return next
    }

    /// The proposed decision waiting for review that `actor` proposed and may `act` on (amend,
    /// withdraw): the one check both make.
    static func ownWaitingDecision(_ record: Case, _ actor: Actor, _ act: String) throws(WorkflowError) -> DecisionProposal {
        try Capability.proposeDecision.require(actor)
        try requireAssignment(record, actor)
        // Reviewed meanwhile: said with who and how, and the comment, which is what a person
        // amending it needs (a walk was told only that there was nothing to amend).
        if let review = record.decision?.review {
            let done = act == "amend" ? "amended" : "withdrawn"
            let comment = review.comment.isEmpty ? "" : ": “\(review.comment)”"
            // The way on is advice for one amending (typing to keep); a withdrawal typed nothing.
            let next = act == "amend" ? ": Esc, then p proposes again (F3 reads what you typed, to copy)" : ""
            throw issue("reasons", review.verdict == .returned
                ? "\(review.by) returned it \(review.at.minuteText) UTC\(comment); it cannot be \(done) now\(next)."
                : "\(review.by) approved it \(review.at.minuteText) UTC: it cannot be \(done) now.")
        }
        guard record.stage == .decision, let proposal = record.decision, proposal.isAwaitingReview else {
            throw issue("reasons", "There is no proposed decision awaiting review to \(act).")
        }
        guard proposal.proposedBy == actor.user else {
            throw issue("reasons", "\(proposal.proposedBy) proposed this; only they can \(act) it (a supervisor returns it with a comment).")
        }
        return proposal
    }

    /// Sets the hours attended in a course (its latest place) to the corrected total.
    public static func correctHours(_ total: Int, in course: String, on record: Case, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        guard (0...2000).contains(total) else { throw issue("hours", "Give the total, 0 to 2000 hours.") }
        guard let index = record.integration.enrolments.lastIndex(where: { $0.courseID == course && $0.status != .waiting }) else {
            throw issue("course", "\(record.id) has attended no hours in \(course).")
        }
        var next = record
        next.integration.enrolments[index].hoursAttended = total
        return next
    }

    /// Corrects where his place in a course stands: a course left by mistake is his again
    /// (the store checks the seat is free), a completion was a withdrawal, or the other way.
    public static func correctEnrolment(in course: String, to status: EnrolmentStatus, on record: Case, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        guard status != .waiting else { throw issue("status", "A place on the waiting list is asked for with Enrol in a course.") }
        guard let index = record.integration.enrolments.lastIndex(where: { $0.courseID == course }) else {
            throw issue("course", "\(record.id) has no place in \(course).")
        }
        let current = record.integration.enrolments[index]
        if current.status == .waiting, status != .withdrawn {
            throw issue("status", "\(record.id) is on the waiting list of \(course); a seat is given from the Courses area.")
        }
        guard current.status != status else { return record }
        var next = record
        next.integration.enrolments[index].status = status
        next.integration.enrolments[index].since = time.date
        return next
    }

    /// Corrects assessment `index`, or removes it (nil): recorded in error.
    public static func correctAssessment(at index: Int, to assessment: LanguageAssessment?, on record: Case, by actor: Actor,
                                         at time: Timestamp) throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        guard record.integration.assessments.indices.contains(index) else { throw issue("language", "\(record.id) has no such assessment.") }
        var next = record
        guard let assessment else {
            next.integration.assessments.remove(at: index)
            return next
        }
        let checked = try recordAssessment(assessment, on: record, by: actor, at: time)
        var corrected = checked.integration.assessments.last!
        // Who assessed stays who assessed: the correction's author is in the history (a walk
        // found a supervisor's correction had put their name in the assessor's place).
        // (One recorded before assessors were kept stays without a name: not the corrector's.)
        corrected.assessor = record.integration.assessments[index].assessor
        next.integration.assessments[index] = corrected
        return next
    }

    /// Corrects where application `index` stands, whatever it was (a rejection recorded for the
    /// wrong opening, an offer on the wrong day).
    public static func correctApplication(at index: Int, to status: ApplicationStatus, on date: CalendarDate, in record: Case,
                                          by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        guard record.integration.applications.indices.contains(index) else { throw issue("opening", "\(record.id) has no such application.") }
        if date > time.date { throw issue("date", "The date \(date) is in the future.") }
        if date < record.registeredAt.date { throw issue("date", "The date \(date) is before the case was registered.") }
        var next = record
        next.integration.applications[index].status = status
        next.integration.applications[index].date = date
        return next
    }

    /// Corrects job `index`: employer, occupation, start, wage, contract. Its follow-ups stay;
    /// a start moved after one of them is refused.
    public static func correctPlacement(at index: Int, to placement: JobPlacement, on record: Case, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        guard record.integration.placements.indices.contains(index) else { throw issue("employer", "\(record.id) has no such job.") }
        let old = record.integration.placements[index]
        // The same rules as recording a job, as if this one were not there.
        var without = record
        without.integration.placements.remove(at: index)
        without.integration.placements.removeAll { $0.endDate == nil }
        let checked = try place(placement, on: without, by: actor, at: time)
        var job = checked.integration.placements.last!
        job.followUps = old.followUps
        job.endDate = old.endDate
        job.endNotes = old.endNotes
        if let first = old.followUps.map(\.doneOn).min(), job.startDate > first {
            throw issue("start", "The start \(job.startDate) is after the follow-up of \(first); correct that first.")
        }
        if let end = old.endDate, job.startDate > end {
            throw issue("start", "The start \(job.startDate) is after the job ended (\(end)); correct its end first.")
        }
        var next = record
        next.integration.placements[index] = job
        return next
    }

    /// Corrects the `months` follow-up of job `index` (the date, whether still employed, the
    /// notes); a job it ended ends on the corrected date, or reopens if he is still employed.
    public static func correctFollowUp(job index: Int, months: Int, to followUp: FollowUp, on record: Case, by actor: Actor,
                                       at time: Timestamp) throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        guard record.integration.placements.indices.contains(index),
              let position = record.integration.placements[index].followUps.firstIndex(where: { $0.monthsAfterStart == months }) else {
            throw issue("followUp", "\(record.id) has no \(months)-month follow-up recorded on that job.")
        }
        let job = record.integration.placements[index]
        if followUp.doneOn > time.date { throw issue("date", "The date \(followUp.doneOn) is in the future.") }
        if followUp.doneOn < job.startDate { throw issue("date", "The date \(followUp.doneOn) is before the job started (\(job.startDate)).") }
        if !followUp.stillEmployed, followUp.notes.trimmingCharacters(in: .whitespaces).isEmpty { throw issue("notes", FollowUp.sayWhyEnded) }
        // An end recorded on its own stands: a follow-up before it found him employed.
        if job.endedOnItsOwn, let end = job.endDate {
            if !followUp.stillEmployed { throw issue("employed", "The job's end is recorded on its own (\(end)); correct that instead.") }
            if followUp.doneOn > end { throw issue("date", "The date \(followUp.doneOn) is after the job ended (\(end)).") }
        }
        // A follow-up that ended the job, corrected to say he is still employed, holds it again:
        // only the latest job can be (the lists read a person's work from it).
        if followUp.stillEmployed, job.endDate != nil, !job.endedOnItsOwn, job.followUps.contains(where: { $0.monthsAfterStart > months }) == false,
           let later = record.integration.placements.indices.last, later != index {
            throw issue("employed", "A later job, at \(record.integration.placements[later].employer), is recorded; he cannot still be in this one.")
        }
        if job.followUps.contains(where: { $0.monthsAfterStart > months }), !followUp.stillEmployed {
            throw issue("employed", "A later follow-up found him still employed; correct that one first.")
        }
        var next = record
        var entry = followUp
        entry.monthsAfterStart = months
        entry.notes = entry.notes.trimmingCharacters(in: .whitespaces)
        next.integration.placements[index].followUps[position] = entry
        // The end follows the follow-ups only where one of them ended the job (before or after
        // this correction): an end recorded on its own stays, whatever its reason field holds.
        if job.followUps.contains(where: { !$0.stillEmployed }) || !followUp.stillEmployed {
            let last = next.integration.placements[index].followUps.max { $0.monthsAfterStart < $1.monthsAfterStart }
            next.integration.placements[index].endDate = last.flatMap { $0.stillEmployed ? nil : $0.doneOn }
        }
        return next
    }

    /// Corrects the end of job `index` that was recorded on its own (`endPlacement`): another
    /// date or reason, or, with no date, the job reopened as still held (refused while another
    /// job is open since).
    public static func correctPlacementEnd(job index: Int, on date: CalendarDate?, why: String, on record: Case, by actor: Actor,
                                           at time: Timestamp) throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        guard record.integration.placements.indices.contains(index), record.integration.placements[index].endedOnItsOwn else {
            throw issue("date", "\(record.id) has no such job with its end recorded on its own.")
        }
        var next = record
        if let date {
            try checkEnd(of: index, on: date, why: why, in: record, at: time)
            next.integration.placements[index].endDate = date
            next.integration.placements[index].endNotes = why.trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            // Only the latest job can be held again: the lists read a person's work from it.
            if let later = record.integration.placements.indices.last, later != index {
                throw issue("date", "A later job, at \(record.integration.placements[later].employer), is recorded; he cannot still be in this one.")
            }
            next.integration.placements[index].endDate = nil
            next.integration.placements[index].endNotes = nil
        }
        return next
    }

    /// Adds a signed note saying what was corrected and why; the reason is required.
    static func correctionNote(_ item: String, reason: String, on record: Case, by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else {
            throw issue("reason", "A decision already rests on this; say why it is corrected.")
        }
        var next = record
        next.notes.append(Note(author: actor.user, at: time, text: "Corrected \(item): \(why)"))
        return next
    }

    /// The session's own last change of a case taken back: `before` is the case as it was,
    /// `current` as it is now (the change, with nobody else's since). A change that moved the
    /// stage or reviewed a proposal is not undone (others rely on it); it is corrected instead.
    public static func undo(restoring before: Case, current: Case, by actor: Actor) throws(WorkflowError) -> Case {
        try Capability.editCase.require(actor)
        guard before.id == current.id else { throw .cannotUndo("the change was to another case") }
        if before.stage != current.stage {
            throw .cannotUndo("it moved the case from \(before.stage.title) to \(current.stage.title)")
        }
        if before.decision?.review != current.decision?.review || before.allocation?.review != current.allocation?.review
            || before.publicity.review != current.publicity.review {
            throw .cannotUndo("it reviewed a proposal")
        }
        if before.assignedTo != current.assignedTo { throw .cannotUndo("it reassigned the case") }
        if before.publicity.hasConsent, !current.publicity.hasConsent {
            throw .cannotUndo("it withdrew his consent to publicity; a new consent is recorded with what may be told")
        }
        return before
    }
}

extension Workflow {
    /// The stages the last step of `member` may be corrected to: what may follow the step
    /// before it, or a withdrawal.
    public static func correctableStages(of member: FamilyMember) -> [ReunificationStage] {
        let previous = member.steps.dropLast().last?.stage ?? .notStarted
        return [previous.next, .withdrawn].compactMap { $0 }
    }

    /// Corrects a member's last reunification step: its stage (one that may follow the step
    /// before) and date, under the rules of recording a step (documents gathered before
    /// "documents gathered", a next action and its due date unless the stage is final); or,
    /// with `stage` nil, takes the step back as recorded by mistake.
    public static func correctLastStep(member id: Int, to stage: ReunificationStage?, on date: CalendarDate, nextAction: String,
                                       due: CalendarDate?, in record: Case, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        try requireFamily(record, actor)
        let index = try memberIndex(id, in: record)
        let member = record.family[index]
        guard !member.steps.isEmpty else { throw issue("stage", "\(member.displayName)'s reunification has no stage recorded yet.") }
        let previous = member.steps.dropLast().last
        var next = record
        guard let stage else {
            next.family[index].steps.removeLast()
            next.family[index].stage = previous?.stage ?? .notStarted
            next.family[index].stageDate = previous?.date
            return next
        }
        let allowed = correctableStages(of: member)
        guard allowed.contains(stage) else {
            throw issue("stage", "After \((previous?.stage ?? .notStarted).title) comes \(allowed.map(\.title).joined(separator: " or ")), not \(stage.title).")
        }
        var problems: [ValidationIssue] = []
        if date > time.date { problems.append(ValidationIssue(field: "date", message: "\(date) is in the future.")) }
        if let before = previous?.date, date < before { problems.append(ValidationIssue(field: "date", message: "\(date) is before the stage before it (\(before)).")) }
        if stage == .documentsGathered, !member.missingDocuments.isEmpty {
            problems.append(ValidationIssue(field: "stage", message: "Documents are still missing: \(member.missingDocuments.map(\.name).joined(separator: ", "))."))
        }
        let action = nextAction.trimmingCharacters(in: .whitespaces)
        if !stage.isFinal {
            if action.isEmpty { problems.append(ValidationIssue(field: "nextAction", message: "Say what has to happen next.")) }
            if due == nil { problems.append(ValidationIssue(field: "due", message: "Give the date the next action is due.")) }
        }
        guard problems.isEmpty else { throw .invalid(problems) }
        next.family[index].steps[member.steps.count - 1] = ReunificationStep(stage: stage, date: date, by: actor.user)
        next.family[index].stage = stage
        next.family[index].stageDate = date
        next.family[index].nextAction = stage.isFinal ? "" : action
        next.family[index].nextActionDue = stage.isFinal ? nil : due
        if stage == .reunited, let country = record.allocatedCountry {
            next.family[index].whereabouts = .hostCountry
            next.family[index].country = country
        }
        return next
    }
}

extension Workflow {
    /// The case with its person and service details replaced by an edit of the intake form,
    /// keeping the two records of consent to publicity in agreement: switching the intake's
    /// choice off withdraws a consent in force (today); switching it back on after a withdrawal
    /// needs a new consent recorded with what may be told, so it is refused here.
    public static func editDefector(_ defector: Defector, on record: Case, by actor: Actor, today: CalendarDate) throws(WorkflowError) -> Case {
        try Capability.editCase.require(actor)
        try requireAssignment(record, actor)
        guard record.stage != .closed else { throw .closed(record.id) }
        if (defector.preferredCountries, defector.preferenceReasons) != (record.defector.preferredCountries, record.defector.preferenceReasons),
           let refusal = preferencesRefusal(for: record) {
            throw issue("preferredCountries[0]", refusal)
        }
        var next = record
        next.defector = defector
        let was = record.defector.consent.publicity, now = defector.consent.publicity
        if was, !now, record.publicity.hasConsent {
            next.publicity.consentWithdrawn = today
            next.defector.consent.recordedOn = today
        } else if !was, now, record.publicity.consentWithdrawn != nil {
            throw issue("consent.publicity", "He withdrew his consent to publicity on \(record.publicity.consentWithdrawn!); "
                + "record a new consent, with what may be told, under c on the case.")
        }
        return next
    }
}
