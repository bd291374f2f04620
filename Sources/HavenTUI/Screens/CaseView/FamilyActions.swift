import Foundation
import HavenCore

/// The family steps: a member's form, moving a reunification on, the next action, the
/// documents checklist, links between cases, and consent to publicity. Each goes through the
/// workflow and comes back as a save.
enum FamilyActions {
    static func policy(_ context: SessionContext) -> ReunificationPolicy { context.reference?.reunification ?? .standard }

    static func outcome(_ stored: StoredCase, _ change: () throws(WorkflowError) -> Case) -> FormOutcome {
        do { return .perform([.save(try change(), basedOn: stored.version)]) } catch { return CaseActions.failure(error) }
    }

    static func trimmed(_ text: String) -> String { text.trimmingCharacters(in: .whitespaces) }

    // MARK: Members

    static func memberForm(_ member: FamilyMember?) -> Form {
        let m = member
        return Form(sections: [
            Form.Section(title: "Who", fields: [
                FormField("relationship", "Relationship", .choice(FormOption.all(Relationship.self)), value: m?.relationship.rawValue ?? "spouse"),
                FormField("cyrillic.family", "Family name (Cyrillic)", .text(maximumLength: 60), value: m?.cyrillicName.family ?? ""),
                FormField("cyrillic.given", "Given name (Cyrillic)", .text(maximumLength: 60), value: m?.cyrillicName.given ?? ""),
                FormField("cyrillic.patronymic", "Patronymic (Cyrillic)", .text(maximumLength: 60), value: m?.cyrillicName.patronymic ?? ""),
                FormField("latin.family", "Family name (Latin)", .text(maximumLength: 60), hint: "empty: from Cyrillic (ICAO)",
                          value: m?.latinName.family ?? ""),
                FormField("latin.given", "Given name (Latin)", .text(maximumLength: 60), hint: "empty: from Cyrillic (ICAO)",
                          value: m?.latinName.given ?? ""),
                FormField("birthDate", "Date of birth", .date, hint: "YYYY-MM-DD, if known", value: m?.birthDate?.description ?? ""),
            ]),
            Form.Section(title: "Where and how (sensitive: shown on this screen only)", fields: [
                FormField("whereabouts", "Where now", .choice(FormOption.all(Whereabouts.self)), value: m?.whereabouts.rawValue ?? "russia"),
                FormField("country", "Country", .text(maximumLength: 2), hint: "two letters, for a third or host country",
                          value: m?.country?.rawValue ?? ""),
                FormField("risk", "Risk", .choice(FormOption.all(RiskLevel.self)), value: m?.risk.rawValue ?? "medium"),
                FormField("contactIsSafe", "Contact is safe", .toggle, value: m?.contactIsSafe == true ? "yes" : "no"),
                FormField("contactChannel", "Channel", .text(maximumLength: 200), hint: "how to reach them safely", value: m?.contactChannel ?? ""),
                FormField("eligibilityNote", "Why eligible", .text(maximumLength: 500), hint: "for relatives taken case by case",
                          value: m?.eligibilityNote ?? ""),
                FormField("notes", "Notes", .text(maximumLength: 1000), value: m?.notes ?? ""),
            ]),
        ])
    }

    /// The member the form describes; an unreadable date or country comes back as an issue.
    static func member(from form: Form, id: Int) -> (FamilyMember?, [ValidationIssue]) {
        var problems: [ValidationIssue] = []
        var birth: CalendarDate?
        if !trimmed(form.value("birthDate")).isEmpty {
            birth = CalendarDate(iso: trimmed(form.value("birthDate")))
            if birth == nil { problems.append(ValidationIssue(field: "birthDate", message: FormKeys.dateMessage(form.value("birthDate")))) }
        }
        var country: CountryCode?
        if !trimmed(form.value("country")).isEmpty {
            country = CountryCode(trimmed(form.value("country")).uppercased())
            if country == nil { problems.append(ValidationIssue(field: "country", message: "Two letters, such as GE or DE.")) }
        }
        guard problems.isEmpty else { return (nil, problems) }
        let cyrillic = FullName(family: trimmed(form.value("cyrillic.family")), given: trimmed(form.value("cyrillic.given")),
                                patronymic: trimmed(form.value("cyrillic.patronymic")))
        func latin(_ key: String, _ from: String) -> String {
            let typed = trimmed(form.value(key))
            return typed.isEmpty ? Transliteration.icao(from) : typed
        }
        let member = FamilyMember(
            id: id, relationship: Relationship(rawValue: form.value("relationship")) ?? .other, cyrillicName: cyrillic,
            latinName: FullName(family: latin("latin.family", cyrillic.family), given: latin("latin.given", cyrillic.given),
                                patronymic: Transliteration.icao(cyrillic.patronymic)),
            birthDate: birth, whereabouts: Whereabouts(rawValue: form.value("whereabouts")) ?? .russia, country: country,
            risk: RiskLevel(rawValue: form.value("risk")) ?? .medium, contactIsSafe: form.value("contactIsSafe") == "yes",
            contactChannel: trimmed(form.value("contactChannel")), notes: trimmed(form.value("notes")),
            eligibilityNote: trimmed(form.value("eligibilityNote")))
        return (member, [])
    }

    /// Issue fields from the workflow (`cyrillicName.given`) named as the form names them.
    static func formIssues(_ outcome: FormOutcome) -> FormOutcome {
        guard case let .problems(issues) = outcome else { return outcome }
        return .problems(issues.map { issue in
            let field = issue.field.replacingOccurrences(of: "cyrillicName.", with: "cyrillic.")
                .replacingOccurrences(of: "latinName.", with: "latin.")
            return ValidationIssue(field: field == "name" ? "cyrillic.given" : field, message: issue.message)
        })
    }

    static func addMember(_ stored: StoredCase, context: SessionContext) -> FormScreen {
        FormScreen(title: "Family member", heading: "A family member of \(stored.record.id) · Ctrl-S saves", form: memberForm(nil)) { form, now in
            let (member, problems) = member(from: form, id: 0)
            guard let member else { return .problems(problems) }
            return formIssues(outcome(stored) { () throws(WorkflowError) in
                try Workflow.addFamilyMember(member, to: stored.record, policy: policy(context), by: context.actor, at: now)
            })
        }.keeping("member.add", on: stored)
    }

    static func editMember(_ stored: StoredCase, _ existing: FamilyMember, context: SessionContext) -> FormScreen {
        FormScreen(title: "Family member", heading: "\(existing.displayName) · Ctrl-S saves", form: memberForm(existing)) { form, now in
            let (member, problems) = member(from: form, id: existing.id)
            guard let member else { return .problems(problems) }
            return formIssues(outcome(stored) { () throws(WorkflowError) in
                try Workflow.updateFamilyMember(member, on: stored.record, policy: policy(context), by: context.actor, at: now)
            })
        }.keeping("member.edit:\(existing.id)", on: stored)
    }

    // MARK: Reunification

    static func move(_ stored: StoredCase, _ member: FamilyMember, context: SessionContext) -> FormScreen {
        let options = ([member.stage.next].compactMap { $0 } + [.withdrawn]).map { FormOption($0.rawValue, $0.title) }
        // Said before anything is typed: a move on is refused at Ctrl-S until the member says
        // why a relative taken case by case is eligible (a walk typed the move, then had to throw it away).
        var warning: [String] = []
        if member.stage == .notStarted, case let .caseByCase(why) = policy(context).eligibility(of: member, on: context.today),
           member.eligibilityNote.trimmingCharacters(in: .whitespaces).isEmpty {
            warning = ["! Eligible only case by case (\(why)): record why on the member first (Esc, then e); only Withdrawn can be saved now."]
        }
        let form = Form(sections: [Form.Section(title: "\(member.displayName): from \(member.stage.title)", fields: [
            FormField("stage", "Stage reached", .choice(options), value: options.first?.value ?? ""),
            FormField("date", "On", .date, hint: "YYYY-MM-DD", value: context.today.description),
            FormField("nextAction", "Next action", .text(maximumLength: 200), hint: "what has to happen next (none once final)"),
            FormField("due", "Due", .date, hint: "YYYY-MM-DD"),
        ], text: warning)])
        return FormScreen(title: "Reunification", heading: "Move \(member.displayName)'s reunification on · Ctrl-S saves", form: form) { form, now in
            guard let stage = ReunificationStage(rawValue: form.value("stage")) else { return .refused("Nothing follows \(member.stage.title).") }
            guard let date = CalendarDate(iso: trimmed(form.value("date"))) else {
                return .problems([ValidationIssue(field: "date", message: FormKeys.dateMessage(form.value("date")))])
            }
            let dueText = trimmed(form.value("due"))
            let due = CalendarDate(iso: dueText)
            if !dueText.isEmpty, due == nil { return .problems([ValidationIssue(field: "due", message: FormKeys.dateMessage(form.value("due")))]) }
            return outcome(stored) { () throws(WorkflowError) in
                try Workflow.moveReunification(member: member.id, to: stage, on: date, nextAction: form.value("nextAction"), due: due,
                                               in: stored.record, policy: policy(context), by: context.actor, at: now)
            }
        }.keeping("member.move:\(member.id)", on: stored, subject: "Move \(member.displayName)'s reunification on from \(member.stage.title)")
    }

    static func nextAction(_ stored: StoredCase, _ member: FamilyMember, context: SessionContext) -> FormScreen {
        let form = Form(sections: [Form.Section(title: "\(member.displayName): \(member.stage.title)", fields: [
            FormField("nextAction", "Next action", .text(maximumLength: 200), value: member.nextAction),
            FormField("due", "Due", .date, hint: "YYYY-MM-DD", value: member.nextActionDue?.description ?? ""),
        ])])
        return FormScreen(title: "Next action", heading: "The next action for \(member.displayName) · Ctrl-S saves", form: form) { form, now in
            let dueText = trimmed(form.value("due"))
            let due = CalendarDate(iso: dueText)
            if !dueText.isEmpty, due == nil { return .problems([ValidationIssue(field: "due", message: FormKeys.dateMessage(form.value("due")))]) }
            return outcome(stored) { () throws(WorkflowError) in
                try Workflow.setNextAction(member: member.id, form.value("nextAction"), due: due, in: stored.record, by: context.actor,
                                           at: now)
            }
        }.keeping("member.next:\(member.id)", on: stored)
    }

    /// The checklist: Enter ticks a missing document as gathered today, or unticks one; the
    /// list stays open, redrawn from each save, so several are ticked in a row.
    static func documents(_ stored: StoredCase, _ member: FamilyMember, context: SessionContext) -> PickScreen {
        PickScreen(title: "Documents", heading: "Documents for \(member.displayName) · Enter ticks or unticks · q when done",
                   items: documentItems(stored, member: member.id, context: context), staysOpen: true,
                   itemsFromReply: { reply in
            guard case let .saved(newer, _) = reply else { return nil }
            return documentItems(newer, member: member.id, context: context)
        })
    }

    static func documentItems(_ stored: StoredCase, member id: Int, context: SessionContext) -> [PickScreen.Item] {
        guard let member = stored.record.family.first(where: { $0.id == id }) else { return [] }
        return member.documents.enumerated().map { index, document in
            PickScreen.Item((document.gathered == nil ? "[ ] " : "[x] ") + document.name,
                            document.gathered.map { "gathered \($0)" } ?? "missing") { now in
                do {
                    let record = try Workflow.markDocument(member: member.id, document: index,
                                                           gathered: document.gathered == nil ? context.today : nil,
                                                           in: stored.record, by: context.actor, at: now)
                    return [.save(record, basedOn: stored.version)]
                } catch {
                    return [.status("\(error)", .error)]
                }
            }
        }
    }

    // MARK: Links

    /// The allocation context a change of link refreshes waiting proposals with: the reference
    /// data's policy and countries, and where every case is placed as the store has it now.
    static func allocationContext(_ reference: ReferenceData?, summaries: [CaseSummary]) -> AllocationContext? {
        guard let reference else { return nil }
        return AllocationContext(policy: reference.allocation, countries: reference.countries, occupations: reference.occupations,
                                 summaries: summaries)
    }

    static func link(_ stored: StoredCase, _ member: FamilyMember, context: SessionContext) -> [Command] {
        [.push(LinkCaseScreen(stored: stored, member: member, context: context))]
    }

    static func linkChange(_ member: FamilyMember, to other: CaseID, reference: ReferenceData?) -> GroupChange {
        GroupChange("Link \(member.displayName) to \(other)") { records, summaries, actor, time in
            let (first, second) = try FamilyLinks.link(member: member.id, of: records[0], to: records[1],
                                                       allocation: allocationContext(reference, summaries: summaries), by: actor, at: time)
            return [first, second]
        }
    }

    static func unlinkChange(_ member: FamilyMember, from other: CaseID, reference: ReferenceData?) -> GroupChange {
        GroupChange("Unlink \(member.displayName) from \(other)") { records, summaries, actor, time in
            let (first, second) = try FamilyLinks.unlink(member: member.id, of: records[0], from: records[1],
                                                         allocation: allocationContext(reference, summaries: summaries), by: actor, at: time)
            return [first, second]
        }
    }

    // MARK: Publicity

    static func consentMenu(_ stored: StoredCase, context: SessionContext) -> PickScreen {
        let p = stored.record.publicity
        var items: [PickScreen.Item] = []
        if p.hasConsent {
            // On the case as the store has it now: a withdrawal must not wait on a reload.
            items.append(PickScreen.Item("Withdraw consent", "today; leaves the publicity queue at once") { _ in
                [.update([stored.record.id], change: CaseChange("Withdraw consent") { record, actor, time in
                    try Workflow.withdrawConsent(on: time.date, in: record, by: actor, at: time)
                })]
            })
        }
        items.append(PickScreen.Item(p.hasConsent ? "Record a new consent" : "Record consent", "date, what may be told; a supervisor approves") { _ in
            [.replace(consentForm(stored, context: context))]
        })
        return PickScreen(title: "Publicity", heading: "Publicity for \(stored.record.id): " + (p.isPublic ? "approved story" : p.hasConsent ? "consent given \(p.consentGiven!)" : "no consent"),
                          items: items)
    }

    static func consentForm(_ stored: StoredCase, context: SessionContext) -> FormScreen {
        let p = stored.record.publicity
        let form = Form(sections: [
            Form.Section(title: "Consent", fields: [
                FormField("date", "Given on", .date, hint: "YYYY-MM-DD", value: context.today.description),
                FormField("scope", "May be told", .text(maximumLength: 500), hint: "in his words", value: p.scope),
                FormField("neverTell", "Never tell", .text(maximumLength: 500), hint: "family and places are never told", value: p.neverTell),
            ]),
            Form.Section(title: "What the story may use", fields: StoryElement.allCases.map { element in
                FormField("element.\(element.rawValue)", element.title, .toggle, value: p.elements.contains(element) ? "yes" : "no")
            } + [FormField("story", "The story", .text(maximumLength: 2000), hint: "as he agreed it", value: p.story)]),
        ])
        return FormScreen(title: "Consent", heading: "Consent to publicity for \(stored.record.id) · Ctrl-S records it", form: form) { form, now in
            guard let date = CalendarDate(iso: trimmed(form.value("date"))) else {
                return .problems([ValidationIssue(field: "date", message: FormKeys.dateMessage(form.value("date")))])
            }
            let elements = StoryElement.allCases.filter { form.value("element.\($0.rawValue)") == "yes" }
            let result = outcome(stored) { () throws(WorkflowError) in
                try Workflow.recordConsent(on: date, scope: form.value("scope"), neverTell: form.value("neverTell"), elements: elements,
                                           story: form.value("story"), in: stored.record, by: context.actor, at: now)
            }
            guard case let .problems(issues) = result else { return result }
            return .problems(issues.map { $0.field == "elements" ? ValidationIssue(field: "element.given-name", message: $0.message) : $0 })
        }.keeping("consent", on: stored)
    }
}
