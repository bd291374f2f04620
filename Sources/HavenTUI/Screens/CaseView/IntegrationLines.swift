import HavenCore

/// The Integration section of a case: arrival, language progress, courses, the skills
/// profile, applications, the job and its follow-ups (due and overdue ones marked).
struct IntegrationLines {
    let record: Case
    let today: CalendarDate
    let occupations: OccupationCatalogue?

    func occupation(_ code: ISCOCode) -> String {
        guard let title = occupations?.group(code)?.title, !title.isEmpty else { return code.rawValue }
        return "\(code) \(title)"
    }

    func lines(field: (String, String?) -> String) -> [String] {
        let i = record.integration, d = record.defector
        var lines: [String] = []
        if let arrived = record.relocation.arrivalDate {
            let months = arrived.months(until: today)
            lines.append(field("Arrived", "\(arrived)" + (months >= 0 ? ", \(months) month\(months == 1 ? "" : "s") ago" : "")))
        }
        let progress = i.progress
        for item in progress {
            // From what he declared at intake (or the first assessment) to the latest.
            let declaredLevel = d.languages.first { $0.language == item.language && !$0.isNative }?.level
            let from = declaredLevel.map { "declared \($0.rawValue)" } ?? item.first.rawValue
            let moved = declaredLevel.map { $0 != item.latest } ?? (item.assessments > 1)
            let steps = item.gain == 0 ? "" : item.gain > 0 ? ", +\(item.gain)" : ", \(item.gain)"
            lines.append(field("Language \(item.language)", (moved ? "\(from) → \(item.latest.rawValue)\(steps) " : "\(item.latest.rawValue) ")
                + "(\(item.assessments) assessment\(item.assessments == 1 ? "" : "s"), latest \(item.latestOn))"))
            // Each assessment read back whole: the level, what it rests on and who recorded it,
            // newest first as the courses and jobs below (by date: one may be entered late).
            let assessments = i.assessments.enumerated().filter { $0.element.language == item.language }
                .sorted { ($0.element.assessedOn, $0.offset) > ($1.element.assessedOn, $1.offset) }.map(\.element)
            for assessment in assessments {
                let basis = assessment.basis.isEmpty ? "no basis given" : assessment.basis
                lines.append(field("  \(assessment.assessedOn)", "\(assessment.level.rawValue), \(basis)"
                    + (assessment.assessor.isEmpty ? "" : " · \(assessment.assessor)")))
            }
        }
        let declared = d.languages.map { "\($0.language) \($0.isNative ? "native" : $0.level.rawValue)" }
        if !declared.isEmpty { lines.append(field("Declared", declared.joined(separator: ", "))) }
        for enrolment in i.enrolments.reversed() {
            let status = enrolment.status == .waiting ? "waiting since \(enrolment.requestedOn)" : "\(enrolment.status.title.lowercased()) \(enrolment.since)"
            lines.append(field("Course", "\(enrolment.courseID): \(status), \(enrolment.hoursAttended) h"))
        }
        lines.append("")
        let skills = d.skills.map { skill in
            // A description that only repeats the occupation's title is not said twice.
            let title = skill.occupation.flatMap { occupations?.group($0)?.title }
            let description = skill.description.isEmpty || skill.description == title ? nil : skill.description
            return [skill.occupation.map(occupation), description, skill.years.map { "\($0) y" }]
                .compactMap { $0 }.joined(separator: ", ")
        }
        if skills.isEmpty { lines.append(field("Skills", nil)) }
        for (index, skill) in skills.enumerated() { lines.append(field(index == 0 ? "Skills" : "", skill)) }
        if let occupations, let specialty = d.service.specialty.flatMap(occupations.specialty), d.skills.isEmpty {
            lines.append(field("  suggested", specialty.occupations.map(occupation).joined(separator: "; ")))
        }
        lines.append(field("Education", [d.educationLevel?.title, d.education.isEmpty ? nil : d.education].compactMap { $0 }.joined(separator: " · ")))
        lines.append(field("Licences", (d.drivingCategories.isEmpty ? [] : ["driving " + d.drivingCategories.map(\.rawValue).joined(separator: ", ")])
            .appending(contentsOf: d.otherLicences).joined(separator: " · ")))
        lines.append("")
        for application in i.applications.reversed() {
            lines.append(field("Application", "\(application.openingID): \(application.status.title.lowercased()) \(application.date)"))
        }
        for placement in i.placements.reversed() {
            let wage = placement.monthlyWage.map { ", \($0)/month" } ?? ""
            let end = placement.endDate.map { " to \($0)" } ?? ""
            lines.append(field("Job", "\(placement.employer) from \(placement.startDate)\(end)\(wage), \(placement.contract.title.lowercased())"))
            for done in placement.followUps {
                lines.append(field("  \(done.monthsAfterStart) months", "done \(done.doneOn), \(done.stillEmployed ? "still employed" : "no longer employed")"
                    + (done.notes.isEmpty ? "" : ": \(done.notes)")))
            }
            if let why = placement.endNotes, placement.endDate != nil { lines.append(field("  why it ended", why)) }
            if let next = placement.nextFollowUp {
                let state = switch FollowUpState(due: next.due, today: today) {
                case .upcoming: "due \(next.due)"
                case .due: "DUE since \(next.due)"
                case .overdue: "OVERDUE since \(next.due)"
                }
                lines.append(field("  \(next.months) months", state))
            }
        }
        if i.applications.isEmpty && i.placements.isEmpty { lines.append(field("Work", "no application or job yet")) }
        return lines
    }
}

private extension Array {
    func appending(contentsOf other: [Element]) -> [Element] { self + other }
}
