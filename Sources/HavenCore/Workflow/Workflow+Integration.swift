import Foundation

/// Integration casework: courses, assessments, the skills profile, applications, placements
/// and their follow-ups. Caseworkers on their own cases and supervisors on any, once the case
/// has a country (relocation) and until it closes; the skills profile also before.
extension Workflow {
    static func requireIntegration(_ record: Case, _ actor: Actor, from earliest: CaseStage = .relocation) throws(WorkflowError) {
        try Capability.recordIntegration.require(actor)
        try requireAssignment(record, actor)
        guard record.stage != .closed else { throw .closed(record.id) }
        guard record.stage >= earliest else {
            throw .invalid([ValidationIssue(field: "stage", message: "\(record.id) is in \(record.stage.title); this is recorded from \(earliest.title) on.")])
        }
    }

    static func issue(_ field: String, _ message: String) -> WorkflowError { .invalid([ValidationIssue(field: field, message: message)]) }

    /// Asks for a seat in `course`: enrolled when a seat is free and nobody waits for it,
    /// otherwise on the waiting list. `roster` is the course as the store has it now.
    public static func enrol(_ record: Case, in course: LanguageCourse, roster: CourseRoster, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        if let country = record.allocatedCountry, country != course.country {
            throw issue("course", "\(course.id) is in \(course.country); \(record.id) is allocated to \(country).")
        }
        if let active = record.integration.activeEnrolment(in: course.id) {
            throw issue("course", "\(record.id) is already \(active.status == .waiting ? "on the waiting list of" : "enrolled in") \(course.id).")
        }
        let others = roster.waiting.filter { $0.id != record.id }
        let status: EnrolmentStatus = roster.freeSeats > others.count ? .enrolled : .waiting
        var next = record
        next.integration.enrolments.append(CourseEnrolment(courseID: course.id, requestedOn: time.date, status: status))
        return next
    }

    /// Gives a waiting case a seat that has come free, in waiting-list order.
    public static func admit(_ record: Case, to roster: CourseRoster, by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        let course = roster.course.id
        guard let index = record.integration.enrolments.lastIndex(where: { $0.courseID == course && $0.status == .waiting }) else {
            throw issue("course", "\(record.id) is not on the waiting list of \(course).")
        }
        guard roster.freeSeats > 0 else { throw issue("course", "\(course) has no free seat (\(roster.course.capacity) of \(roster.course.capacity) taken).") }
        let ahead = roster.waiting.prefix { $0.id != record.id }.count
        guard ahead < roster.freeSeats else {
            throw issue("course", "\(ahead) case\(ahead == 1 ? " is" : "s are") ahead of \(record.id) on the waiting list of \(course).")
        }
        var next = record
        next.integration.enrolments[index].status = .enrolled
        next.integration.enrolments[index].since = time.date
        return next
    }

    /// Ends a place in a course, completed or withdrawn (a waiting case can only withdraw).
    public static func leaveCourse(_ record: Case, course: String, as status: EnrolmentStatus, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        guard status == .completed || status == .withdrawn else { throw issue("status", "A course is left completed or withdrawn.") }
        guard let index = record.integration.enrolments.lastIndex(where: { $0.courseID == course && $0.status.holdsSeat }) else {
            throw issue("course", "\(record.id) has no place in \(course).")
        }
        if status == .completed, record.integration.enrolments[index].status == .waiting {
            throw issue("status", "\(record.id) is still on the waiting list of \(course); it can only be withdrawn.")
        }
        var next = record
        next.integration.enrolments[index].status = status
        next.integration.enrolments[index].since = time.date
        return next
    }

    /// Adds attended hours to an enrolled course.
    public static func recordHours(_ hours: Int, in course: String, on record: Case, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        guard (1...200).contains(hours) else { throw issue("hours", "Give 1 to 200 hours.") }
        guard let index = record.integration.enrolments.lastIndex(where: { $0.courseID == course && $0.status == .enrolled }) else {
            throw issue("course", "\(record.id) is not enrolled in \(course).")
        }
        var next = record
        next.integration.enrolments[index].hoursAttended += hours
        return next
    }

    /// Records a CEFR assessment; who recorded it is the actor.
    public static func recordAssessment(_ assessment: LanguageAssessment, on record: Case, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        if assessment.assessedOn > time.date { throw issue("date", "The date \(assessment.assessedOn) is in the future.") }
        if assessment.assessedOn < record.registeredAt.date {
            throw issue("date", "The date \(assessment.assessedOn) is before the case was registered (\(record.registeredAt.date)).")
        }
        var entry = assessment
        entry.assessor = actor.user.rawValue
        var next = record
        next.integration.assessments.append(entry)
        return next
    }

    /// Replaces the skills profile: occupations and skills, education, licences.
    public static func updateSkills(_ profile: SkillsProfile, on record: Case, by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        try requireIntegration(record, actor, from: .intake)
        let issues = profile.issues
        guard issues.isEmpty else { throw .invalid(issues) }
        var next = record
        next.defector.skills = profile.skills
        next.defector.education = profile.education.trimmingCharacters(in: .whitespaces)
        next.defector.educationLevel = profile.educationLevel
        next.defector.drivingCategories = profile.drivingCategories
        next.defector.otherLicences = profile.otherLicences
        return next
    }

    /// Applies for an opening.
    public static func apply(_ record: Case, to opening: JobOpening, by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        if let current = record.integration.applications.last(where: { $0.openingID == opening.id }), current.status.isOpen {
            throw issue("opening", "\(record.id) has already applied to \(opening.id) (\(current.status.title.lowercased()), \(current.date)).")
        }
        if let country = record.allocatedCountry, country != opening.country {
            throw issue("opening", "\(opening.id) is in \(opening.country); \(record.id) is allocated to \(country).")
        }
        var next = record
        next.integration.applications.append(JobApplication(openingID: opening.id, status: .applied, date: time.date))
        return next
    }

    /// Moves an application on: interview, offer, rejected.
    public static func updateApplication(_ openingID: String, to status: ApplicationStatus, on record: Case, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        guard let index = record.integration.applications.lastIndex(where: { $0.openingID == openingID }),
              record.integration.applications[index].status.isOpen else {
            throw issue("opening", "\(record.id) has no application in play for \(openingID).")
        }
        var next = record
        next.integration.applications[index].status = status
        next.integration.applications[index].date = time.date
        return next
    }

    /// Records a job taken. The follow-ups fall due 3, 6 and 12 months from its start.
    public static func place(_ placement: JobPlacement, on record: Case, by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        var issues: [ValidationIssue] = []
        if placement.employer.trimmingCharacters(in: .whitespaces).isEmpty { issues.append(ValidationIssue(field: "employer", message: "Name the employer.")) }
        if let wage = placement.monthlyWage, wage.minorUnits <= 0 { issues.append(ValidationIssue(field: "wage", message: "A wage is more than nothing.")) }
        if placement.startDate > time.date.adding(days: 366) {
            issues.append(ValidationIssue(field: "start", message: "The start \(placement.startDate) is more than a year ahead."))
        }
        if placement.startDate < record.registeredAt.date {
            issues.append(ValidationIssue(field: "start", message: "The start \(placement.startDate) is before the case was registered."))
        }
        if let open = record.integration.openPlacement {
            issues.append(ValidationIssue(field: "employer", message: "\(record.id) still works for \(open.employer) since \(open.startDate); record the end of that job first."))
        } else if let earlier = record.integration.placements.first(where: { $0.startDate <= placement.startDate && ($0.endDate.map { $0 > placement.startDate } ?? false) }) {
            // One job at a time: a walk recorded one starting before the last had ended.
            issues.append(ValidationIssue(field: "start", message: "The job at \(earlier.employer) ended \(earlier.endDate!); this one starts on or after that."))
        }
        guard issues.isEmpty else { throw .invalid(issues) }
        var next = record
        var job = placement
        job.followUps = []
        job.endDate = nil
        job.endNotes = nil
        next.integration.placements.append(job)
        if let opening = placement.openingID {
            if let index = next.integration.applications.lastIndex(where: { $0.openingID == opening }) {
                next.integration.applications[index].status = .offer
                next.integration.applications[index].date = time.date
            } else {
                next.integration.applications.append(JobApplication(openingID: opening, status: .offer, date: time.date))
            }
        }
        return next
    }

    /// Records the follow-up now due on the open job; one that finds the person no longer
    /// employed ends the job on that day (and says why).
    public static func recordFollowUp(_ followUp: FollowUp, on record: Case, by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        guard let index = record.integration.placements.lastIndex(where: { $0.endDate == nil }),
              let due = record.integration.placements[index].nextFollowUp else {
            throw issue("followUp", "\(record.id) has no job with a follow-up outstanding.")
        }
        guard followUp.monthsAfterStart == due.months else {
            throw issue("followUp", "The follow-up outstanding is the \(due.months)-month one, due \(due.due).")
        }
        if followUp.doneOn > time.date { throw issue("date", "The date \(followUp.doneOn) is in the future.") }
        if followUp.doneOn < due.due.adding(days: -FollowUp.earlyDays) {
            throw issue("date", "The \(due.months)-month follow-up is due \(due.due); it can be recorded from \(due.due.adding(days: -FollowUp.earlyDays)).")
        }
        if !followUp.stillEmployed, followUp.notes.trimmingCharacters(in: .whitespaces).isEmpty {
            throw issue("notes", FollowUp.sayWhyEnded)
        }
        var next = record
        var entry = followUp
        entry.notes = entry.notes.trimmingCharacters(in: .whitespaces)
        next.integration.placements[index].followUps.append(entry)
        if !followUp.stillEmployed { next.integration.placements[index].endDate = followUp.doneOn }
        return next
    }

    /// Records the end of the open job on `date`, with why, whenever it ends: between the
    /// follow-ups, after the last found him still employed (a walk: a job held at its 12-month
    /// follow-up stayed open with nothing left to record, and no new job could be), or before a
    /// job that never started. A follow-up due by that date is recorded first (it may itself
    /// say he had left, and end the job there); those falling due after it are not asked for.
    public static func endPlacement(on date: CalendarDate, why: String, on record: Case, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        try requireIntegration(record, actor)
        guard let index = record.integration.placements.lastIndex(where: { $0.endDate == nil }) else {
            throw issue("date", "\(record.id) has no job open.")
        }
        try checkEnd(of: index, on: date, why: why, in: record, at: time)
        var next = record
        next.integration.placements[index].endDate = date
        next.integration.placements[index].endNotes = why.trimmingCharacters(in: .whitespacesAndNewlines)
        return next
    }

    /// The rules an end recorded on its own keeps: not in the future; not before the job
    /// started (unless it starts after today: it never started), nor before a follow-up that
    /// found him still employed, nor after a follow-up due by then and not recorded, nor after
    /// a later job started; and a reason.
    static func checkEnd(of index: Int, on date: CalendarDate, why: String, in record: Case, at time: Timestamp) throws(WorkflowError) {
        let job = record.integration.placements[index]
        var issues: [ValidationIssue] = []
        let done = Set(job.followUps.map(\.monthsAfterStart))
        if date > time.date { issues.append(ValidationIssue(field: "date", message: "The date \(date) is in the future.")) }
        if date < job.startDate, job.startDate <= time.date {
            issues.append(ValidationIssue(field: "date", message: "The date \(date) is before the job at \(job.employer) started (\(job.startDate))."))
        } else if let last = job.followUps.filter(\.stillEmployed).map(\.doneOn).max(), date < last {
            issues.append(ValidationIssue(field: "date", message: "The follow-up of \(last) found him still employed; the end is on or after it."))
        } else if let owed = FollowUp.schedule.first(where: { !done.contains($0) && job.startDate.adding(months: $0) <= date }) {
            issues.append(ValidationIssue(field: "date", message: "The \(owed)-month follow-up was due \(job.startDate.adding(months: owed)), before this end: record it first (if he had left by then, it ends the job)."))
        } else if let later = record.integration.placements.indices.first(where: { $0 != index && record.integration.placements[$0].startDate > job.startDate && record.integration.placements[$0].startDate < date }).map({ record.integration.placements[$0] }) {
            issues.append(ValidationIssue(field: "date", message: "The job at \(later.employer) started \(later.startDate); this one ended by then."))
        }
        if why.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { issues.append(ValidationIssue(field: "why", message: FollowUp.sayWhyEnded)) }
        guard issues.isEmpty else { throw .invalid(issues) }
    }
}

/// The skills profile as the caseworker edits it.
public struct SkillsProfile: Hashable, Sendable {
    public var skills: [Skill]
    public var education: String
    public var educationLevel: EducationLevel?
    public var drivingCategories: [DrivingCategory]
    public var otherLicences: [String]

    public init(skills: [Skill] = [], education: String = "", educationLevel: EducationLevel? = nil,
                drivingCategories: [DrivingCategory] = [], otherLicences: [String] = []) {
        self.skills = skills
        self.education = education
        self.educationLevel = educationLevel
        self.drivingCategories = drivingCategories
        self.otherLicences = otherLicences
    }

    public init(_ defector: Defector) {
        self.init(skills: defector.skills, education: defector.education, educationLevel: defector.educationLevel,
                  drivingCategories: defector.drivingCategories, otherLicences: defector.otherLicences)
    }

    /// The occupations the military specialty suggests that the profile does not have yet.
    public static func suggestions(for defector: Defector, catalogue: OccupationCatalogue) -> [OccupationGroup] {
        guard let specialty = defector.service.specialty.flatMap(catalogue.specialty) else { return [] }
        let have = Set(defector.skills.compactMap(\.occupation))
        return specialty.occupations.filter { !have.contains($0) }.map { code in
            catalogue.unitGroups.first { $0.code == code } ?? OccupationGroup(code: code, title: "")
        }
    }

    public var issues: [ValidationIssue] {
        var issues: [ValidationIssue] = []
        for (index, skill) in skills.enumerated() {
            if skill.description.trimmingCharacters(in: .whitespaces).isEmpty && skill.occupation == nil {
                issues.append(ValidationIssue(field: "skills[\(index)]", message: "A skill needs an occupation code or a description."))
            }
            if let years = skill.years, !(0...60).contains(years) {
                issues.append(ValidationIssue(field: "skills[\(index)].years", message: "Years of practice are 0 to 60."))
            }
        }
        if education.count > 500 { issues.append(ValidationIssue(field: "education", message: "Keep education under 500 characters.")) }
        return issues
    }
}
