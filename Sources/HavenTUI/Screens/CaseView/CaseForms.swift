import HavenCore

/// Every form on a case by its key (`FormScreen.keeping`), built as the case view builds it:
/// a kept draft reopens as exactly its form on its case, and Ctrl-R after a conflict
/// rebuilds the form from the newer case. A key that no longer applies (the family member was
/// removed, no follow-up is due) gives nil, and the draft is read back instead.
enum CaseForms {
    static func make(_ key: String, on stored: StoredCase, context: SessionContext,
                     catalogue: () -> IntegrationCatalogue?, users: () -> UserDirectory? = { nil }) -> FormScreen? {
        let parts = key.split(separator: ":").map(String.init)
        let numbers = parts.dropFirst().compactMap { Int($0) }
        let first = numbers.first ?? -1
        let record = stored.record, i = record.integration
        let member = record.family.first { $0.id == first }
        switch parts.first ?? "" {
        case "screening": return CaseActions.recordScreening(stored, context: context)
        case "propose": return CaseActions.proposeDecision(stored, context: context)
        case "close": return CaseActions.closeCase(stored, context: context)
        case "restrict": return RestrictionActions.restrict(stored, context: context, users: users())
        case "decision.amend": return CorrectionActions.amendDecision(stored, context: context)
        case "screening.correct" where record.screening.indices.contains(first):
            return CorrectionActions.correctScreening(stored, index: first, context: context)
        case "travel": return RelocationActions.travel(stored, context: context)
        case "reopen-allocation": return RelocationActions.reopenAllocation(stored, context: context)
        case "undo-arrival" where record.stage == .integration: return RelocationActions.undoArrival(stored, context: context)
        case "preferences": return AllocationActions.preferences(stored, context: context)
        case "consent": return FamilyActions.consentForm(stored, context: context)
        case "member.add": return FamilyActions.addMember(stored, context: context)
        case "member.edit": return member.map { FamilyActions.editMember(stored, $0, context: context) }
        case "member.move": return member.map { FamilyActions.move(stored, $0, context: context) }
        case "member.next": return member.map { FamilyActions.nextAction(stored, $0, context: context) }
        case "member.step": return member.map { CorrectionActions.correctStep(stored, $0, context: context) }
        case "hours":
            let enrolled = i.enrolments.filter { $0.status == .enrolled }.map(\.courseID)
            return enrolled.isEmpty ? nil : IntegrationActions.hours(stored, context: context, courses: enrolled)
        case "leave":
            let holding = i.enrolments.filter(\.status.holdsSeat).map(\.courseID)
            return holding.isEmpty ? nil : IntegrationActions.leave(stored, context: context, courses: holding)
        case "assessment": return IntegrationActions.assessment(stored, context: context)
        case "skills": return IntegrationActions.skills(stored, context: context)
        case "application" where i.applications.contains(where: \.status.isOpen):
            return IntegrationActions.application(stored, context: context)
        case "job" where i.openPlacement == nil:
            return catalogue().map { IntegrationActions.placement(stored, context: context, catalogue: $0) }
        case "job.end" where i.openPlacement != nil:
            return IntegrationActions.endJob(stored, context: context)
        case "job.end.correct" where i.placements.indices.contains(first) && i.placements[first].endedOnItsOwn:
            return CorrectionActions.correctPlacementEnd(stored, index: first, context: context)
        case "followup" where i.openPlacement?.nextFollowUp != nil:
            return IntegrationActions.followUp(stored, context: context)
        case "course.correct":
            let courses = Array(Set(i.enrolments.map(\.courseID))).sorted()
            return courses.isEmpty ? nil : CorrectionActions.correctEnrolment(stored, context: context, courses: courses)
        case "hours.correct":
            let attended = Array(Set(i.enrolments.filter { $0.status != .waiting }.map(\.courseID))).sorted()
            return attended.isEmpty ? nil : CorrectionActions.correctHours(stored, context: context, courses: attended)
        case "assessment.correct" where i.assessments.indices.contains(first):
            return CorrectionActions.correctAssessment(stored, index: first, context: context)
        case "application.correct" where i.applications.indices.contains(first):
            return CorrectionActions.correctApplication(stored, index: first, context: context)
        case "job.correct" where i.placements.indices.contains(first):
            return CorrectionActions.correctPlacement(stored, index: first, context: context)
        case "followup.correct" where numbers.count == 2 && i.placements.indices.contains(first)
            && i.placements[first].followUps.contains { $0.monthsAfterStart == numbers[1] }:
            return CorrectionActions.correctFollowUp(stored, job: first, months: numbers[1], context: context)
        case "return":
            let summary = CaseSummary(stored)
            guard let pending = summary.pendingApproval else { return nil }
            return CaseActions.returnProposal(record.id, kind: pending.kind, seen: ProposalSeen(pendingIn: summary), record: record)
        case "override":
            let summary = CaseSummary(stored)
            guard case let .allocation(country)? = summary.pendingApproval?.kind else { return nil }
            return CaseActions.overrideAllocation(record.id, proposed: country, seen: ProposalSeen(pendingIn: summary),
                                                  countries: context.reference?.countries ?? [])
        case "appointment.new": return AppointmentActions.book(stored, context: context, users: users())
        case "appointment.edit": return AppointmentActions.make("appointment.edit", id: first, on: stored, context: context, users: users())
        case "appointment.record":
            return AppointmentActions.make("appointment.record", id: first, status: parts.count > 2 ? parts[2] : nil, on: stored, context: context, users: nil)
        case "story.approve":
            return storyForm(stored) { PublicityQueueScreen.overrideForm(record.id, seen: $0) }
        case "story.decline":
            return storyForm(stored) { PublicityQueueScreen.declineForm(record.id, seen: $0) }
        default: return nil
        }
    }
}

extension CaseForms {
    /// A supervisor's form on a story still waiting for a verdict; nil once it has one.
    static func storyForm(_ stored: StoredCase, _ make: (ProposalSeen?) -> FormScreen) -> FormScreen? {
        let summary = CaseSummary(stored)
        guard summary.publicity?.isInQueue == true, summary.publicity?.verdict == nil else { return nil }
        return make(ProposalSeen(storyIn: summary))
    }
}

/// Ctrl-R on a form on a case: the case as it is now, and the same form filled from it, for
/// the form to merge with what was typed (`FormScreen.reloaded`).
public struct ReloadCaseForm: StoreTask {
    /// A message to the asking form only; the runtime runs on one thread.
    public struct Reloaded: @unchecked Sendable {
        public let screen: FormScreen
    }

    public let form: String
    public let id: CaseID

    public func run(in session: SessionServices) -> [Command] {
        switch session.load(id) {
        case let .loaded(stored, _):
            guard let screen = CaseForms.make(form, on: stored, context: session.context, catalogue: { session.catalogue() },
                                              users: { session.users() }) else {
                return [.status("\(id) has changed so that this form no longer applies (now \(stored.version)); Esc, and look at the case.", .error)]
            }
            return [.message(Reloaded(screen: screen))]
        case let .failed(message):
            return [.status(message, .error)]
        default:
            return []
        }
    }
}
