import Foundation
import HavenCore

/// The integration steps the case view offers under `i`: a menu filled once the store has
/// answered with the courses and openings, each step a pick list or a small form whose values
/// go through the workflow and come back as a save.
enum IntegrationActions {
    /// `i` on a case: the menu, and the query that fills it.
    static func menu(_ stored: StoredCase, context: SessionContext) -> [Command] {
        let picker = PickScreen(title: "Integration", heading: "Integration of \(stored.record.id): choose a step", items: [],
                                opening: [.query(.catalogue)], itemsFromReply: { reply in
            guard case let .catalogue(catalogue) = reply else { return nil }
            return items(stored, context: context, catalogue: catalogue)
        })
        return [.push(picker)]
    }

    /// The steps that apply to the case as it is: each replaces the menu with its own screen.
    static func items(_ stored: StoredCase, context: SessionContext, catalogue: IntegrationCatalogue) -> [PickScreen.Item] {
        let record = stored.record, i = record.integration
        let placed = record.stage >= .relocation
        func step(_ title: String, _ detail: String, _ screen: @escaping () -> any Screen) -> PickScreen.Item {
            PickScreen.Item(title, detail) { _ in [.replace(screen())] }
        }
        // Every step has its place whatever the case's state, muted with the reason when it
        // cannot be taken now: the items moved as steps were recorded, so the same keys
        // chose another step (a walk).
        func step(_ title: String, _ detail: String, unless why: String?, _ screen: @escaping () -> any Screen) -> PickScreen.Item {
            why.map { PickScreen.Item(title, unavailable: $0) } ?? step(title, detail, screen)
        }
        let notPlaced = placed ? nil : "only once the case is in Relocation"
        let enrolled = i.enrolments.filter { $0.status == .enrolled }.map(\.courseID)
        let holding = i.enrolments.filter(\.status.holdsSeat).map(\.courseID)
        let placement = i.openPlacement
        var items: [PickScreen.Item] = [
            step("Enrol in a course", "a seat, or the waiting list when full", unless: notPlaced) {
                enrol(stored, context: context, catalogue: catalogue)
            },
            step("Record hours", "attended in \(enrolled.joined(separator: ", "))", unless: notPlaced ?? (enrolled.isEmpty ? "enrolled in no course" : nil)) {
                hours(stored, context: context, courses: enrolled)
            },
            step("Leave a course", "completed or withdrawn", unless: notPlaced ?? (holding.isEmpty ? "in no course and on no waiting list" : nil)) {
                leave(stored, context: context, courses: holding)
            },
            step("Record an assessment", "a CEFR level on a date", unless: notPlaced) { assessment(stored, context: context) },
            step("Skills profile", "occupations, education, licences") { skills(stored, context: context) },
            step("Openings for this case", "ranked, with reasons; Enter applies", unless: notPlaced) {
                MatchListScreen.openings(for: stored, context: context, catalogue: catalogue)
            },
            step("Application status", "interview, offer, rejected",
                 unless: notPlaced ?? (i.applications.contains(where: \.status.isOpen) ? nil : "no application open")) {
                application(stored, context: context)
            },
            step("Record a job", "employer, start, wage, contract",
                 unless: notPlaced ?? placement.map { _ in "a job is open: record its end first" }) {
                self.placement(stored, context: context, catalogue: catalogue)
            },
        ]
        if let due = placement?.nextFollowUp {
            // When it may be recorded, before then (a walk chose it months early, refused at Ctrl-S).
            let from = due.due.adding(days: -FollowUp.earlyDays)
            items.append(step("Record the \(due.months)-month follow-up", "due \(due.due)" + (context.today < from ? ", from \(from)" : ""), unless: notPlaced) {
                followUp(stored, context: context)
            })
        } else {
            items.append(PickScreen.Item("Record a follow-up", unavailable: placement == nil ? "no job open" : "every follow-up is recorded"))
        }
        // Whenever the job ends, not only at a follow-up: a job held at its last follow-up
        // stayed open, and no new job could be recorded (a walk).
        items.append(step("Record the job's end", "the date and why",
                          unless: notPlaced ?? (placement == nil ? "no job open" : nil)) {
            endJob(stored, context: context)
        })
        return items + CorrectionActions.integrationItems(stored, context: context, catalogue: catalogue)
    }

    static func save(_ stored: StoredCase, _ change: (Case) throws(WorkflowError) -> Case) -> FormOutcome {
        do { return .perform([.save(try change(stored.record), basedOn: stored.version)]) } catch { return CaseActions.failure(error) }
    }

    // MARK: Courses

    /// The courses in the case's country (all of them while it has none), with seats and
    /// waiting lists; Enter asks for a seat.
    static func enrol(_ stored: StoredCase, context: SessionContext, catalogue: IntegrationCatalogue) -> PickScreen {
        let country = stored.record.allocatedCountry
        let courses = catalogue.courses.filter { country == nil || $0.country == country }
        return PickScreen(title: "Enrol", heading: "Enrol \(stored.record.id) in a course" + (country.map { " in \($0)" } ?? ""),
                          items: courses.map { course in
            let roster = catalogue.roster(course)
            let seats = roster.freeSeats > roster.waiting.count ? "\(roster.freeSeats) of \(course.capacity) seats free"
                : "full, \(roster.waiting.count) waiting"
            return PickScreen.Item(course.id, "\(course.title) · \(seats)") { now in
                do {
                    let record = try Workflow.enrol(stored.record, in: course, roster: roster, by: context.actor, at: now)
                    return [.save(record, basedOn: stored.version)]
                } catch {
                    return [.status("\(error)", .error)]
                }
            }
        })
    }

    static func courseOptions(_ courses: [String]) -> [FormOption] { courses.map { FormOption($0, $0) } }

    static func hours(_ stored: StoredCase, context: SessionContext, courses: [String]) -> FormScreen {
        var form = Form(sections: [Form.Section(title: "Hours attended", fields: [
            FormField("course", "Course", .choice(courseOptions(courses))),
            FormField("hours", "Hours", .text(maximumLength: 3), hint: "1 to 200, added to the total"),
        ])])
        // With one course there is nothing to choose: the hours have the keyboard.
        if courses.count == 1 { form.focus(on: "hours") }
        return FormScreen(title: "Hours", heading: "Hours attended by \(stored.record.id) · Ctrl-S records them", form: form) { form, now in
            guard let hours = Int(form.value("hours").trimmingCharacters(in: .whitespaces)) else {
                return .problems([ValidationIssue(field: "hours", message: "Give a whole number of hours.")])
            }
            return save(stored) { record throws(WorkflowError) in
                try Workflow.recordHours(hours, in: form.value("course"), on: record, by: context.actor, at: now)
            }
        }.keeping("hours", on: stored)
    }

    static func leave(_ stored: StoredCase, context: SessionContext, courses: [String]) -> FormScreen {
        let form = Form(sections: [Form.Section(title: "Leave a course", fields: [
            FormField("course", "Course", .choice(courseOptions(courses))),
            FormField("status", "Outcome", .choice([EnrolmentStatus.completed, .withdrawn].map { FormOption($0.rawValue, $0.title) })),
        ])])
        return FormScreen(title: "Leave", heading: "\(stored.record.id) leaves a course; the seat goes to the waiting list", form: form) { form, now in
            save(stored) { record throws(WorkflowError) in
                try Workflow.leaveCourse(record, course: form.value("course"), as: EnrolmentStatus(rawValue: form.value("status")) ?? .withdrawn,
                                         by: context.actor, at: now)
            }
        }.keeping("leave", on: stored)
    }

    /// Offers the languages of the case's country first, then those assessed or declared (a
    /// native language is not assessed).
    static func assessment(_ stored: StoredCase, context: SessionContext) -> FormScreen {
        let record = stored.record
        let countryLanguages = context.reference?.countries.first { $0.code == record.allocatedCountry }?.languages ?? []
        var languages: [LanguageCode] = []
        let native = Set(record.defector.languages.filter(\.isNative).map(\.language))
        for code in countryLanguages + record.integration.assessments.map(\.language) + record.defector.languages.map(\.language)
            where !languages.contains(code) && !native.contains(code) { languages.append(code) }
        let form = Form(sections: [Form.Section(title: "Language assessment", fields: [
            FormField("language", "Language", .text(maximumLength: 2), hint: "ISO 639-1, e.g. de", value: languages.first?.rawValue ?? ""),
            // The level to start from: the latest assessed in that language, else the declared one.
            FormField("level", "CEFR level", .choice(FormOption.all(CEFRLevel.self)),
                      value: (languages.first.flatMap { code in
                          record.integration.assessments.last { $0.language == code }?.level
                              ?? record.defector.languages.first { $0.language == code && !$0.isNative }?.level
                      } ?? .a2).rawValue),
            FormField("date", "Assessed on", .date, hint: "YYYY-MM-DD", value: context.today.description),
            FormField("basis", "Basis", .text(maximumLength: 200), hint: "test or teacher's report"),
        ])])
        return FormScreen(title: "Assessment", heading: "CEFR assessment of \(record.id) · Ctrl-S records it", form: form) { form, now in
            guard let language = LanguageCode(form.value("language").lowercased()) else {
                return .problems([ValidationIssue(field: "language", message: "Give a two-letter ISO 639-1 code, such as de.")])
            }
            guard let date = CalendarDate(iso: form.value("date")) else {
                return .problems([ValidationIssue(field: "date", message: FormKeys.dateMessage(form.value("date")))])
            }
            let assessment = LanguageAssessment(language: language, level: CEFRLevel(rawValue: form.value("level")) ?? .a1,
                                                assessedOn: date, basis: form.value("basis").trimmingCharacters(in: .whitespaces))
            return save(stored) { record throws(WorkflowError) in
                try Workflow.recordAssessment(assessment, on: record, by: context.actor, at: now)
            }
        }.keeping("assessment", on: stored)
    }

    // MARK: Skills

    /// Rows shown: at least four, and always one free beyond what is recorded, so no recorded
    /// skill (an intake's civilian skills included) is ever left off the form and lost.
    static func skillRows(_ recorded: Int) -> Int { max(4, recorded + 1) }

    /// Up to four skills (ISCO-08 code, description, years), filled with the specialty's
    /// suggestions while none is recorded; education; driving categories and other licences.
    static func skills(_ stored: StoredCase, context: SessionContext) -> FormScreen {
        let defector = stored.record.defector
        let catalogue = context.reference?.occupations
        var rows = defector.skills.map { ($0.occupation?.rawValue ?? "", $0.description, $0.years.map(String.init) ?? "") }
        let suggested = catalogue.map { SkillsProfile.suggestions(for: defector, catalogue: $0) } ?? []
        if rows.isEmpty { rows = suggested.map { ($0.code.rawValue, $0.title, "") } }
        let hint = suggested.isEmpty ? "ISCO-08, four digits" : "specialty suggests " + suggested.prefix(3).map(\.code.rawValue).joined(separator: ", ")
        let rowCount = skillRows(rows.count)
        let fields = (0..<rowCount).flatMap { n -> [FormField] in
            let row = n < rows.count ? rows[n] : ("", "", "")
            return [FormField("skills[\(n)].occupation", "Skill \(n + 1) ISCO", .text(maximumLength: 4), hint: hint, value: row.0),
                    FormField("skills[\(n)].description", "  description", .text(maximumLength: 120), value: row.1),
                    FormField("skills[\(n)].years", "  years", .text(maximumLength: 2), value: row.2)]
        }
        let form = Form(sections: [
            Form.Section(title: "Skills", fields: fields),
            Form.Section(title: "Education and licences", fields: [
                FormField("educationLevel", "Education", .choice([FormOption("", "Not recorded")] + FormOption.all(EducationLevel.self)),
                          value: defector.educationLevel?.rawValue ?? ""),
                FormField("education", "  where, what", .text(maximumLength: 500), value: defector.education),
                FormField("drivingCategories", "Driving", .text(maximumLength: 60), hint: "categories: B, C, CE",
                          value: defector.drivingCategories.map(\.rawValue).joined(separator: ", ")),
                FormField("otherLicences", "Other licences", .text(maximumLength: 300), hint: "separated by ;",
                          value: defector.otherLicences.joined(separator: "; ")),
            ]),
        ])
        return FormScreen(title: "Skills", heading: "Skills profile of \(stored.record.id) · Ctrl-S saves", form: form) { form, now in
            var problems: [ValidationIssue] = []
            var skills: [Skill] = []
            for n in 0..<rowCount {
                let code = form.value("skills[\(n)].occupation").trimmingCharacters(in: .whitespaces)
                let description = form.value("skills[\(n)].description").trimmingCharacters(in: .whitespaces)
                let yearsText = form.value("skills[\(n)].years").trimmingCharacters(in: .whitespaces)
                guard !(code.isEmpty && description.isEmpty && yearsText.isEmpty) else { continue }
                let occupation = ISCOCode(code)
                if !code.isEmpty, occupation == nil {
                    problems.append(ValidationIssue(field: "skills[\(n)].occupation", message: "'\(code)' is not an ISCO-08 unit group (four digits)."))
                }
                let years = Int(yearsText)
                if !yearsText.isEmpty, years == nil {
                    problems.append(ValidationIssue(field: "skills[\(n)].years", message: "Give whole years."))
                }
                skills.append(Skill(occupation: occupation, description: description, years: years))
            }
            var driving: [DrivingCategory] = []
            switch DrivingCategory.parse(form.value("drivingCategories")) {
            case let .success(categories): driving = categories
            case let .failure(failure):
                problems.append(ValidationIssue(field: "drivingCategories",
                                                message: "'\(failure.text)' is not a category; use \(DrivingCategory.allCases.map(\.rawValue).joined(separator: " "))."))
            }
            guard problems.isEmpty else { return .problems(problems) }
            let profile = SkillsProfile(skills: skills, education: form.value("education"),
                                        educationLevel: EducationLevel(rawValue: form.value("educationLevel")), drivingCategories: driving,
                                        otherLicences: form.value("otherLicences").split(separator: ";")
                                            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            return save(stored) { record throws(WorkflowError) in
                try Workflow.updateSkills(profile, on: record, by: context.actor, at: now)
            }
        }.keeping("skills", on: stored)
    }

    // MARK: Work

    static func application(_ stored: StoredCase, context: SessionContext) -> FormScreen {
        let open = stored.record.integration.applications.filter(\.status.isOpen)
        let form = Form(sections: [Form.Section(title: "Application", fields: [
            FormField("opening", "Opening", .choice(open.map { FormOption($0.openingID, "\($0.openingID) (\($0.status.title.lowercased()))") })),
            FormField("status", "Now", .choice([ApplicationStatus.interview, .offer, .rejected].map { FormOption($0.rawValue, $0.title) })),
        ])])
        return FormScreen(title: "Application", heading: "Where an application of \(stored.record.id) stands", form: form) { form, now in
            save(stored) { record throws(WorkflowError) in
                try Workflow.updateApplication(form.value("opening"), to: ApplicationStatus(rawValue: form.value("status")) ?? .applied,
                                               on: record, by: context.actor, at: now)
            }
        }.keeping("application", on: stored)
    }

    /// Currencies of the host countries outside the euro.
    static let currencies = ["GB": "GBP", "DK": "DKK", "SE": "SEK", "NO": "NOK", "PL": "PLN", "CZ": "CZK", "CA": "CAD", "US": "USD"]

    static func placement(_ stored: StoredCase, context: SessionContext, catalogue: IntegrationCatalogue) -> FormScreen {
        let record = stored.record
        let applied = record.integration.applications.filter(\.status.isOpen).compactMap { application in
            catalogue.openings.first { $0.id == application.openingID }
        }
        let currency = record.allocatedCountry.flatMap { currencies[$0.rawValue] } ?? "EUR"
        let form = Form(sections: [Form.Section(title: "Job", fields: [
            FormField("opening", "From opening", .choice([FormOption("", "None (found otherwise)")] + applied.map { FormOption($0.id, "\($0.id) \($0.employer)") }),
                      value: applied.first?.id ?? ""),
            FormField("employer", "Employer", .text(maximumLength: 120), hint: "taken from the opening if empty"),
            FormField("occupation", "ISCO-08", .text(maximumLength: 4), hint: "taken from the opening if empty"),
            FormField("start", "Start", .date, hint: "YYYY-MM-DD", value: context.today.description),
            FormField("wage", "Monthly wage", .text(maximumLength: 20), hint: "gross, e.g. 2450,50 or 2,450.50 (\(currency) unless named)"),
            FormField("contract", "Contract", .choice(FormOption.all(ContractType.self))),
        ])])
        return FormScreen(title: "Job", heading: "A job for \(record.id) · follow-ups fall due at 3, 6 and 12 months", form: form) { form, now in
            let opening = applied.first { $0.id == form.value("opening") }
            var problems: [ValidationIssue] = []
            let start = CalendarDate(iso: form.value("start"))
            if start == nil { problems.append(ValidationIssue(field: "start", message: FormKeys.dateMessage(form.value("start")))) }
            let codeText = form.value("occupation").trimmingCharacters(in: .whitespaces)
            let occupation = codeText.isEmpty ? opening?.occupation : ISCOCode(codeText)
            if !codeText.isEmpty, occupation == nil { problems.append(ValidationIssue(field: "occupation", message: "Four digits, such as 8332.")) }
            let wageText = form.value("wage").trimmingCharacters(in: .whitespaces)
            let wage = wageText.isEmpty ? nil : Money(parsing: wageText, defaultCurrency: currency)
            if !wageText.isEmpty, wage == nil {
                problems.append(ValidationIssue(field: "wage", message: "'\(wageText)' is not an amount: write 2450,50 or 2 450.50, with or without \(currency)."))
            }
            guard problems.isEmpty, let start else { return .problems(problems) }
            let employer = form.value("employer").trimmingCharacters(in: .whitespaces)
            let job = JobPlacement(openingID: opening?.id, employer: employer.isEmpty ? opening?.employer ?? "" : employer, occupation: occupation,
                                   startDate: start, monthlyWage: wage, contract: ContractType(rawValue: form.value("contract")) ?? .permanent)
            return save(stored) { record throws(WorkflowError) in try Workflow.place(job, on: record, by: context.actor, at: now) }
        }.keeping("job", on: stored)
    }

    static func followUp(_ stored: StoredCase, context: SessionContext) -> FormScreen {
        let due = stored.record.integration.openPlacement?.nextFollowUp
        let form = Form(sections: [Form.Section(title: "Follow-up", fields: [
            FormField("date", "Done on", .date, hint: "YYYY-MM-DD", value: context.today.description),
            FormField("employed", "Still employed", .toggle, value: "yes"),
            FormField("notes", "Notes", .text(maximumLength: 1000), hint: "how it goes; why it ended"),
        ])])
        return FormScreen(title: "Follow-up", heading: "The \(due?.months ?? 0)-month follow-up of \(stored.record.id), due \(due?.due.description ?? "")",
                          form: form) { form, now in
            guard let date = CalendarDate(iso: form.value("date")) else {
                return .problems([ValidationIssue(field: "date", message: FormKeys.dateMessage(form.value("date")))])
            }
            let followUp = FollowUp(monthsAfterStart: due?.months ?? 0, doneOn: date, stillEmployed: form.value("employed") == "yes",
                                    notes: form.value("notes"))
            return save(stored) { record throws(WorkflowError) in
                try Workflow.recordFollowUp(followUp, on: record, by: context.actor, at: now)
            }
        }.keeping("followup", on: stored)
    }

    /// The end of the open job, with why; the rules are `Workflow.endPlacement`'s, and the form
    /// says first which follow-up an end on or after its due day waits for.
    static func endJob(_ stored: StoredCase, context: SessionContext) -> FormScreen {
        let job = stored.record.integration.openPlacement
        let due = job?.nextFollowUp.map { ["The \($0.months)-month follow-up is due \($0.due): an end on or after that day waits for it to be recorded; an end before it means it and those after it are no longer asked for."] } ?? []
        let form = Form(sections: [Form.Section(title: "The job's end", fields: [
            FormField("date", "Ended on", .date, hint: "YYYY-MM-DD", value: context.today.description),
            FormField("why", "Why", .text(maximumLength: 1000), hint: "left, dismissed, contract over, moved away"),
        ], text: due)])
        let at = job.map { " at \($0.employer) (since \($0.startDate))" } ?? ""
        return FormScreen(title: "Job ended", heading: "End of \(stored.record.id)'s job\(at)", form: form) { form, now in
            guard let date = CalendarDate(iso: form.value("date")) else {
                return .problems([ValidationIssue(field: "date", message: FormKeys.dateMessage(form.value("date")))])
            }
            return save(stored) { record throws(WorkflowError) in
                try Workflow.endPlacement(on: date, why: form.value("why"), on: record, by: context.actor, at: now)
            }
        }.keeping("job.end", on: stored)
    }
}
