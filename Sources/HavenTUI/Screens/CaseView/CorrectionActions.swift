import Foundation
import HavenCore

/// Corrections on screen: the form that recorded an item opens again filled with what was
/// recorded, and saving goes through the workflow's correction (same rules; the audit trail
/// keeps before and after; a reason where a decision already rests on the item).
enum CorrectionActions {
    static func item(_ title: String, _ detail: String, _ screen: @escaping () -> any Screen) -> PickScreen.Item {
        PickScreen.Item(title, detail) { _ in [.replace(screen())] }
    }

    static func trimmed(_ text: String) -> String { text.trimmingCharacters(in: .whitespaces) }

    static func date(_ form: Form, _ id: String) -> (CalendarDate?, [ValidationIssue]) {
        let text = trimmed(form.value(id))
        guard let date = CalendarDate(iso: text) else {
            return (nil, [ValidationIssue(field: id, message: FormKeys.notADate(text))])
        }
        return (date, [])
    }

    /// A form whose fields start as `values`, counted as unchanged until typed in.
    static func filled(_ form: Form, _ values: [String: String], focus: String) -> Form {
        var form = form
        form.restore(values, focus: focus)
        form.markSaved()
        return form
    }

    // MARK: Screening

    /// `s` on a case: record the next check (in Screening), or correct one already recorded.
    static func screeningMenu(_ stored: StoredCase, context: SessionContext) -> PickScreen {
        let record = stored.record
        var items: [PickScreen.Item] = []
        if record.stage == .screening {
            items.append(item("Record a check", "next: \((record.outstandingScreening.first ?? .identity).title)") {
                CaseActions.recordScreening(stored, context: context)
            })
        }
        for (index, check) in record.screening.enumerated() {
            items.append(item("Correct \(check.kind.title.midSentence)", "\(check.outcome.title), \(check.date), \(check.recordedBy)") {
                correctScreening(stored, index: index, context: context)
            })
        }
        return PickScreen(title: "Screening", heading: "Screening of \(record.id): record or correct a check", items: items)
    }

    static func values(of check: ScreeningCheck) -> [String: String] {
        var values = ["kind": check.kind.rawValue, "outcome": check.outcome.rawValue, "date": check.date.description,
                      "documentsSeen": check.documentsSeen.joined(separator: ", "), "notes": check.notes]
        if let exclusion = check.exclusion {
            values["exclusion.clause"] = exclusion.clause.rawValue
            values["exclusion.conclusion"] = exclusion.conclusion.rawValue
            for finding in exclusion.findings {
                values["exclusion.\(finding.step.rawValue)"] = finding.pointsToExclusion ? "yes" : "no"
                values["exclusion.\(finding.step.rawValue).reasoning"] = finding.reasoning
            }
        }
        return values
    }

    static func correctScreening(_ stored: StoredCase, index: Int, context: SessionContext) -> FormScreen {
        let check = stored.record.screening[index]
        let needsReason = Workflow.screeningCorrectionNeedsReason(stored.record)
        var form = CaseActions.screeningForm(today: context.today, kind: check.kind)
        if needsReason {
            form.sections.append(Form.Section(title: "Why correct it", fields: [
                FormField("reason", "Reason", .text(maximumLength: 1000), hint: "a decision rests on this check: say why"),
            ]))
        }
        form = filled(form, values(of: check), focus: "kind")
        return FormScreen(title: "Correct", heading: "Correct the \(check.kind.title.midSentence) check of \(stored.record.id) · Ctrl-S saves",
                          form: form) { form, now in
            let (corrected, problems) = CaseActions.screeningCheck(from: form, by: context.user)
            guard let corrected else { return .problems(problems) }
            return IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.correctScreening(at: index, to: corrected, reason: form.value("reason"), on: record, by: context.actor,
                                              at: now)
            }
        }.keeping("screening.correct:\(index)", on: stored)
    }

    // MARK: Decision

    /// The proposal awaiting review, amended by its proposer (or a supervisor).
    static func amendDecision(_ stored: StoredCase, context: SessionContext) -> FormScreen {
        let proposal = stored.record.decision
        let form = filled(Form(sections: [Form.Section(title: "Proposed decision", fields: [
            FormField("outcome", "Decision", .choice(FormOption.all(DecisionOutcome.self))),
            FormField("reasons", "Reasons", .text(maximumLength: 2000), hint: "what the decision rests on"),
        ])]), ["outcome": proposal?.outcome.rawValue ?? "", "reasons": proposal?.reasons ?? ""], focus: "reasons")
        return FormScreen(title: "Amend", heading: "Amend the proposed decision on \(stored.record.id) · not yet reviewed", form: form) { form, now in
            IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.amendDecision(DecisionOutcome(rawValue: form.value("outcome")) ?? .grant, reasons: form.value("reasons"),
                                           on: record, by: context.actor, at: now)
            }
        }.keeping("decision.amend", on: stored)
    }

    // MARK: Integration

    /// The integration menu's corrections for what the case has recorded.
    static func integrationItems(_ stored: StoredCase, context: SessionContext, catalogue: IntegrationCatalogue) -> [PickScreen.Item] {
        let i = stored.record.integration
        var items: [PickScreen.Item] = []
        let courses = Array(Set(i.enrolments.map(\.courseID))).sorted()
        if !courses.isEmpty {
            items.append(item("Correct a course", "enrolled, completed or withdrawn") { correctEnrolment(stored, context: context, courses: courses) })
        }
        let attended = Array(Set(i.enrolments.filter { $0.status != .waiting }.map(\.courseID))).sorted()
        if !attended.isEmpty {
            items.append(item("Correct hours", "set the total attended") { correctHours(stored, context: context, courses: attended) })
        }
        if !i.assessments.isEmpty {
            items.append(item("Correct an assessment", "level, date, basis, or remove") {
                pick(stored, "Assessment", i.assessments.enumerated().map { index, a in
                    ("\(a.language) \(a.level.rawValue)", "\(a.assessedOn) \(a.basis)", { correctAssessment(stored, index: index, context: context) })
                })
            })
        }
        if !i.applications.isEmpty {
            items.append(item("Correct an application", "where it stands, and since when") {
                pick(stored, "Application", i.applications.enumerated().map { index, a in
                    (a.openingID, "\(a.status.title.lowercased()) \(a.date)", { correctApplication(stored, index: index, context: context) })
                })
            })
        }
        if !i.placements.isEmpty {
            items.append(item("Correct a job", "employer, start, wage, contract") {
                pick(stored, "Job", i.placements.enumerated().map { index, job in
                    (job.employer, "from \(job.startDate)" + (job.endDate.map { " to \($0)" } ?? ""), {
                        correctPlacement(stored, index: index, context: context)
                    })
                })
            })
        }
        let ended = i.placements.indices.filter { i.placements[$0].endedOnItsOwn }
        if !ended.isEmpty {
            items.append(item("Correct a job's end", "the date and why, or still in the job") {
                pick(stored, "Job's end", ended.map { index in
                    let job = i.placements[index]
                    return (job.employer, "ended \(job.endDate?.description ?? "")", { correctPlacementEnd(stored, index: index, context: context) })
                })
            })
        }
        let followUps = i.placements.enumerated().flatMap { index, job in job.followUps.map { (index, job, $0) } }
        if !followUps.isEmpty {
            items.append(item("Correct a follow-up", "date, still employed, notes") {
                pick(stored, "Follow-up", followUps.map { index, job, f in
                    ("\(f.monthsAfterStart)-month, \(job.employer)", "\(f.doneOn) " + (f.stillEmployed ? "employed" : "ended"), {
                        correctFollowUp(stored, job: index, months: f.monthsAfterStart, context: context)
                    })
                })
            })
        }
        return items
    }

    /// A pick list of recorded items, each opening its correction.
    static func pick(_ stored: StoredCase, _ what: String, _ entries: [(String, String, () -> any Screen)]) -> PickScreen {
        PickScreen(title: what, heading: "\(what) of \(stored.record.id) to correct", items: entries.map { entry in item(entry.0, entry.1, entry.2) })
    }

    static func correctHours(_ stored: StoredCase, context: SessionContext, courses: [String]) -> FormScreen {
        let hours = { (course: String) in stored.record.integration.enrolments.last { $0.courseID == course && $0.status != .waiting }?.hoursAttended ?? 0 }
        let form = filled(Form(sections: [Form.Section(title: "Hours attended, corrected", fields: [
            FormField("course", "Course", .choice(IntegrationActions.courseOptions(courses))),
            FormField("hours", "Total hours", .text(maximumLength: 4), hint: "the whole total, not hours to add"),
        ])]), ["course": courses[0], "hours": String(hours(courses[0]))], focus: courses.count == 1 ? "hours" : "course")
        return FormScreen(title: "Hours", heading: "Correct the hours of \(stored.record.id) · Ctrl-S saves", form: form) { form, now in
            guard let total = Int(trimmed(form.value("hours"))) else {
                return .problems([ValidationIssue(field: "hours", message: "Give the total as a whole number of hours.")])
            }
            return IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.correctHours(total, in: form.value("course"), on: record, by: context.actor, at: now)
            }
        }.keeping("hours.correct", on: stored)
    }

    static func correctEnrolment(_ stored: StoredCase, context: SessionContext, courses: [String]) -> FormScreen {
        let current = stored.record.integration.enrolments.last { $0.courseID == courses[0] }?.status ?? .enrolled
        let statuses = [EnrolmentStatus.enrolled, .completed, .withdrawn].map { FormOption($0.rawValue, $0.title) }
        let form = filled(Form(sections: [Form.Section(title: "His place in a course", fields: [
            FormField("course", "Course", .choice(IntegrationActions.courseOptions(courses))),
            FormField("status", "Stands at", .choice(statuses)),
        ])]), ["course": courses[0], "status": current == .waiting ? EnrolmentStatus.withdrawn.rawValue : current.rawValue],
                          focus: courses.count == 1 ? "status" : "course")
        return FormScreen(title: "Course", heading: "Correct a course of \(stored.record.id) · Ctrl-S saves", form: form) { form, now in
            IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.correctEnrolment(in: form.value("course"), to: EnrolmentStatus(rawValue: form.value("status")) ?? .enrolled,
                                              on: record, by: context.actor, at: now)
            }
        }.keeping("course.correct", on: stored)
    }

    static func correctAssessment(_ stored: StoredCase, index: Int, context: SessionContext) -> FormScreen {
        let old = stored.record.integration.assessments[index]
        var form = IntegrationActions.assessment(stored, context: context).form
        form.sections.append(Form.Section(title: "Recorded in error", fields: [FormField("remove", "Remove it", .toggle)]))
        form = filled(form, ["language": old.language.rawValue, "level": old.level.rawValue, "date": old.assessedOn.description,
                             "basis": old.basis, "remove": "no"], focus: "level")
        return FormScreen(title: "Assessment", heading: "Correct the \(old.language) assessment of \(old.assessedOn) · Ctrl-S saves",
                          form: form) { form, now in
            if form.value("remove") == "yes" {
                return IntegrationActions.save(stored) { record throws(WorkflowError) in
                    try Workflow.correctAssessment(at: index, to: nil, on: record, by: context.actor, at: now)
                }
            }
            guard let language = LanguageCode(trimmed(form.value("language")).lowercased()) else {
                return .problems([ValidationIssue(field: "language", message: "Give a two-letter ISO 639-1 code, such as de.")])
            }
            let (date, problems) = date(form, "date")
            guard let date else { return .problems(problems) }
            let assessment = LanguageAssessment(language: language, level: CEFRLevel(rawValue: form.value("level")) ?? .a1, assessedOn: date,
                                                basis: trimmed(form.value("basis")))
            return IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.correctAssessment(at: index, to: assessment, on: record, by: context.actor, at: now)
            }
        }.keeping("assessment.correct:\(index)", on: stored)
    }

    static func correctApplication(_ stored: StoredCase, index: Int, context: SessionContext) -> FormScreen {
        let old = stored.record.integration.applications[index]
        let form = filled(Form(sections: [Form.Section(title: "Application to \(old.openingID)", fields: [
            FormField("status", "Stands at", .choice(FormOption.all(ApplicationStatus.self))),
            FormField("date", "Since", .date, hint: "YYYY-MM-DD"),
        ])]), ["status": old.status.rawValue, "date": old.date.description], focus: "status")
        return FormScreen(title: "Application", heading: "Correct an application of \(stored.record.id) · Ctrl-S saves", form: form) { form, now in
            let (date, problems) = date(form, "date")
            guard let date else { return .problems(problems) }
            return IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.correctApplication(at: index, to: ApplicationStatus(rawValue: form.value("status")) ?? old.status, on: date,
                                                in: record, by: context.actor, at: now)
            }
        }.keeping("application.correct:\(index)", on: stored)
    }

    static func correctPlacement(_ stored: StoredCase, index: Int, context: SessionContext) -> FormScreen {
        let job = stored.record.integration.placements[index]
        let currency = stored.record.allocatedCountry.flatMap { IntegrationActions.currencies[$0.rawValue] } ?? "EUR"
        let form = filled(Form(sections: [Form.Section(title: "Job", fields: [
            FormField("employer", "Employer", .text(maximumLength: 120)),
            FormField("occupation", "ISCO-08", .text(maximumLength: 4), hint: "four digits"),
            FormField("start", "Start", .date, hint: "YYYY-MM-DD"),
            FormField("wage", "Monthly wage", .text(maximumLength: 20), hint: "gross, e.g. 2450,50 or 2,450.50 (\(currency) unless named)"),
            FormField("contract", "Contract", .choice(FormOption.all(ContractType.self))),
        ])]), ["employer": job.employer, "occupation": job.occupation?.rawValue ?? "", "start": job.startDate.description,
               "wage": job.monthlyWage.map(\.description) ?? "", "contract": job.contract.rawValue], focus: "employer")
        return FormScreen(title: "Job", heading: "Correct the job of \(stored.record.id) at \(job.employer) · Ctrl-S saves", form: form) { form, now in
            var problems: [ValidationIssue] = []
            let (start, dateProblems) = date(form, "start")
            problems += dateProblems
            let code = trimmed(form.value("occupation"))
            let occupation = ISCOCode(code)
            if !code.isEmpty, occupation == nil { problems.append(ValidationIssue(field: "occupation", message: "Four digits, such as 8332.")) }
            let wageText = trimmed(form.value("wage"))
            let wage = wageText.isEmpty ? nil : Money(parsing: wageText, defaultCurrency: currency)
            if !wageText.isEmpty, wage == nil {
                problems.append(ValidationIssue(field: "wage", message: "'\(wageText)' is not an amount: write 2450,50 or 2 450.50, with or without \(currency)."))
            }
            guard problems.isEmpty, let start else { return .problems(problems) }
            let corrected = JobPlacement(openingID: job.openingID, employer: trimmed(form.value("employer")), occupation: occupation, startDate: start,
                                         monthlyWage: wage, contract: ContractType(rawValue: form.value("contract")) ?? job.contract)
            return IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.correctPlacement(at: index, to: corrected, on: record, by: context.actor, at: now)
            }
        }.keeping("job.correct:\(index)", on: stored)
    }

    static func correctFollowUp(_ stored: StoredCase, job index: Int, months: Int, context: SessionContext) -> FormScreen {
        let job = stored.record.integration.placements[index]
        let old = job.followUps.first { $0.monthsAfterStart == months }
        let form = filled(Form(sections: [Form.Section(title: "The \(months)-month follow-up at \(job.employer)", fields: [
            FormField("date", "Done on", .date, hint: "YYYY-MM-DD"),
            FormField("employed", "Still employed", .toggle),
            FormField("notes", "Notes", .text(maximumLength: 1000), hint: "how it goes; why it ended"),
        ])]), ["date": old?.doneOn.description ?? "", "employed": old?.stillEmployed == false ? "no" : "yes", "notes": old?.notes ?? ""],
                          focus: "date")
        return FormScreen(title: "Follow-up", heading: "Correct the \(months)-month follow-up of \(stored.record.id) · Ctrl-S saves",
                          form: form) { form, now in
            let (date, problems) = date(form, "date")
            guard let date else { return .problems(problems) }
            let corrected = FollowUp(monthsAfterStart: months, doneOn: date, stillEmployed: form.value("employed") == "yes", notes: form.value("notes"))
            return IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.correctFollowUp(job: index, months: months, to: corrected, on: record, by: context.actor, at: now)
            }
        }.keeping("followup.correct:\(index):\(months)", on: stored)
    }

    /// The end of job `index` recorded on its own: another date or reason, or no date to
    /// reopen it (recorded by mistake).
    static func correctPlacementEnd(_ stored: StoredCase, index: Int, context: SessionContext) -> FormScreen {
        let job = stored.record.integration.placements[index]
        let form = filled(Form(sections: [Form.Section(title: "The end of the job at \(job.employer)", fields: [
            FormField("date", "Ended on", .date, hint: "YYYY-MM-DD; empty: still in it (the reason goes)"),
            FormField("why", "Why", .text(maximumLength: 1000), hint: "left, dismissed, contract over, moved away"),
        ])]), ["date": job.endDate?.description ?? "", "why": job.endNotes ?? ""], focus: "date")
        return FormScreen(title: "Job's end", heading: "Correct the end of \(stored.record.id)'s job at \(job.employer) · Ctrl-S saves",
                          form: form) { form, now in
            let text = trimmed(form.value("date"))
            var ended: CalendarDate?
            if !text.isEmpty {
                let (date, problems) = date(form, "date")
                guard let date else { return .problems(problems) }
                ended = date
            }
            return IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.correctPlacementEnd(job: index, on: ended, why: form.value("why"), on: record, by: context.actor, at: now)
            }
        }.keeping("job.end.correct:\(index)", on: stored)
    }

    // MARK: Family

    /// The member's last reunification stage, corrected (stage, date, what follows) or taken back.
    static func correctStep(_ stored: StoredCase, _ member: FamilyMember, context: SessionContext) -> FormScreen {
        let options = Workflow.correctableStages(of: member).map { FormOption($0.rawValue, $0.title) }
            + [FormOption("", "Take it back (recorded by mistake)")]
        let form = filled(Form(sections: [Form.Section(title: "\(member.displayName): the last stage recorded", fields: [
            FormField("stage", "Stage reached", .choice(options)),
            FormField("date", "On", .date, hint: "YYYY-MM-DD"),
            FormField("nextAction", "Next action", .text(maximumLength: 200), hint: "what has to happen next (none once final)"),
            FormField("due", "Due", .date, hint: "YYYY-MM-DD"),
        ])]), ["stage": member.stage.rawValue, "date": member.steps.last?.date.description ?? context.today.description,
               "nextAction": member.nextAction, "due": member.nextActionDue?.description ?? ""], focus: "stage")
        let note = member.stage == .reunited ? " · taking back Reunited leaves where she is to correct with e" : ""
        return FormScreen(title: "Correct", heading: "Correct \(member.displayName)'s last reunification stage\(note)", form: form) { form, now in
            let (date, problems) = date(form, "date")
            guard let date else { return .problems(problems) }
            let dueText = trimmed(form.value("due"))
            let due = CalendarDate(iso: dueText)
            if !dueText.isEmpty, due == nil { return .problems([ValidationIssue(field: "due", message: FormKeys.dateMessage(form.value("due")))]) }
            return FamilyActions.outcome(stored) { () throws(WorkflowError) in
                try Workflow.correctLastStep(member: member.id, to: ReunificationStage(rawValue: form.value("stage")), on: date,
                                             nextAction: form.value("nextAction"), due: due, in: stored.record, by: context.actor, at: now)
            }
        }.keeping("member.step:\(member.id)", on: stored)
    }
}
