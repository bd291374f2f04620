import Foundation
import HavenCore

/// The intake form: every intake field of the programme, as form fields whose ids are the
/// paths validation uses, and the mapping from what was typed to a `Defector`.
public enum IntakeForm {
    /// Items handed over that the form shows; further ones are kept from the case as they were.
    static let equipmentRows = 2

    /// The form, empty, with pick lists from the reference data.
    public static func make(reference: ReferenceData) -> Form {
        let specialties = [FormOption("", "None of these")]
            + reference.occupations.specialties.map { FormOption($0.code, "\($0.name) (\($0.russianName))") }
        let occupations = [FormOption("", "None")]
            + reference.occupations.unitGroups.map { FormOption($0.code.rawValue, "\($0.code) \($0.title)") }
        let none = [FormOption("", "None")]
        return Form(sections: [
            Form.Section(title: "Person", fields: [
                FormField("cyrillicName.family", "Family name (Cyrillic)", .text(maximumLength: 60), hint: "e.g. Жуков"),
                FormField("cyrillicName.given", "Given name (Cyrillic)", .text(maximumLength: 60), hint: "e.g. Артём"),
                FormField("cyrillicName.patronymic", "Patronymic (Cyrillic)", .text(maximumLength: 60), hint: "e.g. Сергеевич"),
                FormField("latinName.family", "Family name (Latin)", .text(maximumLength: 60), hint: "filled from Cyrillic (ICAO)"),
                FormField("latinName.given", "Given name (Latin)", .text(maximumLength: 60)),
                FormField("latinName.patronymic", "Patronymic (Latin)", .text(maximumLength: 60)),
                FormField("otherSpellings", "Other spellings", .text(maximumLength: 200), hint: "e.g. Iouri, Yury (comma-separated)"),
                FormField("birthDate", "Date of birth", .date, hint: "YYYY-MM-DD"),
                FormField("birthPlace", "Place of birth", .text(maximumLength: 100)),
            ]),
            Form.Section(title: "Service", fields: [
                FormField("service.branch", "Branch", .choice(FormOption.all(ServiceBranch.self))),
                FormField("service.rank", "Rank", .choice(FormOption.all(Rank.self))),
                FormField("service.unit", "Unit", .text(maximumLength: 120), hint: "number or name; \"unknown\""),
                FormField("service.specialty", "Military specialty", .choice(specialties)),
                FormField("skills[0].occupation", "ISCO-08 occupation", .choice(occupations)),
                FormField("service.specialtyDescription", "Specialty, own words", .text(maximumLength: 200)),
            ]),
            Form.Section(title: "Coming over", fields: [
                FormField("crossing.method", "How", .choice(FormOption.all(CrossingMethod.self))),
                FormField("crossing.date", "Date", .date, hint: "YYYY-MM-DD"),
                FormField("crossing.place", "Where", .text(maximumLength: 400)),
                FormField("crossing.thirdCountry", "Third country", .text(maximumLength: 2), hint: "e.g. GE or TR (two letters)"),
                FormField("custody", "Custody now", .choice(FormOption.all(CustodyStatus.self))),
                FormField("equipment[0].kind", "Equipment handed over", .choice(none + FormOption.all(EquipmentKind.self))),
                FormField("equipment[0].identifier", "Hull / serial number", .text(maximumLength: 60)),
                FormField("equipment[0].reward", "Reward paid", .text(maximumLength: 30), hint: "e.g. 10000 USD"),
                FormField("equipment[1].kind", "Second item handed over", .choice(none + FormOption.all(EquipmentKind.self))),
                FormField("equipment[1].identifier", "  its hull / serial number", .text(maximumLength: 60)),
                FormField("equipment[1].reward", "  its reward paid", .text(maximumLength: 30), hint: "e.g. 2000 USD"),
            ]),
            Form.Section(title: "Languages, skills, needs", fields: [
                FormField("languages", "Languages (CEFR)", .text(maximumLength: 120), hint: "e.g. ru native, en B1, de A2", value: "ru native"),
                FormField("skills", "Civilian skills", .text(maximumLength: 200), hint: "e.g. welding; forklift licence"),
                FormField("education", "Education", .text(maximumLength: 200)),
                FormField("healthNeeds", "Health needs", .text(maximumLength: 200), hint: "leave empty if none"),
                FormField("riskOnReturn", "Risk on return, his words", .text(maximumLength: 500)),
            ]),
            Form.Section(title: "Preferred host countries", fields: AllocationActions.preferenceFields(reference.countries, of: Defector())),
            Form.Section(title: "Consent", fields: [
                FormField("consent.publicity", "May be considered for publicity", .toggle),
                FormField("consent.shareWithHostCountry", "Share file with host country", .toggle),
                FormField("consent.communicationsWork", "Willing to do communications work", .toggle),
                FormField("consent.recordedOn", "Consent recorded on", .date, hint: "YYYY-MM-DD"),
            ]),
        ])
    }

    /// The form's values for an existing defector, to edit him with the intake form.
    public static func values(of d: Defector) -> [String: String] {
        let values: [String: String] = [
            "cyrillicName.family": d.cyrillicName.family, "cyrillicName.given": d.cyrillicName.given,
            "cyrillicName.patronymic": d.cyrillicName.patronymic, "latinName.family": d.latinName.family,
            "latinName.given": d.latinName.given, "latinName.patronymic": d.latinName.patronymic,
            "otherSpellings": d.otherSpellings.joined(separator: ", "), "birthDate": d.birthDate?.description ?? "",
            "birthPlace": d.birthPlace, "service.branch": d.service.branch.rawValue, "service.rank": d.service.rank.rawValue,
            "service.unit": d.service.unit, "service.specialty": d.service.specialty ?? "",
            "skills[0].occupation": d.skills.first { $0.occupation != nil }?.occupation?.rawValue ?? "",
            "service.specialtyDescription": d.service.specialtyDescription, "crossing.method": d.crossing.method.rawValue,
            "crossing.date": d.crossing.date?.description ?? "", "crossing.place": d.crossing.place,
            "crossing.thirdCountry": d.crossing.thirdCountry?.rawValue ?? "", "custody": d.custody.rawValue,
            "equipment[0].kind": d.equipment.first?.kind.rawValue ?? "", "equipment[0].identifier": d.equipment.first?.identifier ?? "",
            "equipment[0].reward": d.equipment.first?.reward.map(\.description) ?? "",
            "equipment[1].kind": d.equipment.dropFirst().first?.kind.rawValue ?? "",
            "equipment[1].identifier": d.equipment.dropFirst().first?.identifier ?? "",
            "equipment[1].reward": d.equipment.dropFirst().first?.reward.map(\.description) ?? "",
            "languages": d.languages.map { "\($0.language) \($0.isNative ? "native" : $0.level.rawValue)" }.joined(separator: ", "),
            "skills": d.skills.filter { $0.occupation == nil }.map(\.description).joined(separator: "; "),
            "education": d.education, "healthNeeds": d.healthNeeds, "riskOnReturn": d.riskOnReturn,
            "consent.publicity": d.consent.publicity ? "yes" : "no",
            "consent.shareWithHostCountry": d.consent.shareWithHostCountry ? "yes" : "no",
            "consent.communicationsWork": d.consent.communicationsWork ? "yes" : "no",
            "consent.recordedOn": d.consent.recordedOn?.description ?? "",
        ]
        // Empty values stay: they must replace a new form's defaults (languages "ru native").
        return values.merging(preferenceValues(of: d)) { $1 }
    }

    /// The defector the form describes, and every problem with it: what cannot be read
    /// (a date that is not a date) and what validation finds. Editing starts from `base`, so
    /// what the form does not show (further skills and equipment, the family) is kept.
    public static func defector(from form: Form, today: CalendarDate, base: Defector? = nil) -> (Defector, [ValidationIssue]) {
        var problems: [ValidationIssue] = []
        func text(_ id: String) -> String { form.value(id).trimmingCharacters(in: .whitespaces) }
        func date(_ id: String) -> CalendarDate? {
            let value = text(id)
            guard !value.isEmpty else { return nil }
            guard let parsed = CalendarDate(iso: value) else {
                problems.append(ValidationIssue(field: id, message: FormKeys.notADate(value, example: true)))
                return nil
            }
            return parsed
        }
        var d = base ?? Defector()
        d.cyrillicName = FullName(family: text("cyrillicName.family"), given: text("cyrillicName.given"), patronymic: text("cyrillicName.patronymic"))
        d.latinName = FullName(family: text("latinName.family"), given: text("latinName.given"), patronymic: text("latinName.patronymic"))
        d.otherSpellings = text("otherSpellings").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        d.birthDate = date("birthDate")
        d.birthPlace = text("birthPlace")
        d.service = MilitaryService(branch: ServiceBranch(rawValue: text("service.branch")) ?? .groundForces,
                                    rank: Rank(rawValue: text("service.rank")) ?? .private, unit: text("service.unit"),
                                    specialty: text("service.specialty").isEmpty ? nil : text("service.specialty"),
                                    specialtyDescription: text("service.specialtyDescription"))
        let third = text("crossing.thirdCountry").uppercased()
        if !third.isEmpty, CountryCode(third) == nil {
            problems.append(ValidationIssue(field: "crossing.thirdCountry", message: "'\(third)' is not a two-letter country code such as GE or TR."))
        }
        d.crossing = Crossing(method: CrossingMethod(rawValue: text("crossing.method")) ?? .surrendered, date: date("crossing.date"),
                              place: text("crossing.place"), thirdCountry: CountryCode(third))
        d.custody = CustodyStatus(rawValue: text("custody")) ?? .ukrainianPrisonerOfWar
        // Two items on the form; any further ones recorded earlier are kept as they were.
        d.equipment = (0..<equipmentRows).compactMap { n -> EquipmentHandover? in
            guard let kind = EquipmentKind(rawValue: text("equipment[\(n)].kind")) else { return nil }
            var reward: Money?
            let rewardText = text("equipment[\(n)].reward")
            if !rewardText.isEmpty {
                if let amount = Money(parsing: rewardText), rewardText.contains(" ") {
                    reward = amount
                } else {
                    problems.append(ValidationIssue(field: "equipment[\(n)].reward", message: "Write the reward as an amount and a currency: 10000 USD."))
                }
            }
            return EquipmentHandover(kind: kind, identifier: text("equipment[\(n)].identifier"), reward: reward)
        } + (base?.equipment.dropFirst(equipmentRows) ?? [])
        let (languages, languageProblems) = parseLanguages(text("languages"))
        d.languages = languages
        problems += languageProblems
        d.skills = []
        if let code = ISCOCode(text("skills[0].occupation")) {
            let kept = base?.skills.first { $0.occupation == code }
            d.skills.append(kept ?? Skill(occupation: code, description: form["skills[0].occupation"]?.options
                .first { $0.value == code.rawValue }?.title.dropFirst(5).description ?? ""))
        }
        // Further occupation skills are not on the form: keep them as they were.
        d.skills += (base?.skills.filter { $0.occupation != nil }.dropFirst() ?? [])
        for skill in text("skills").split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !skill.isEmpty {
            d.skills.append(Skill(description: skill))
        }
        d.education = text("education")
        d.healthNeeds = text("healthNeeds")
        d.riskOnReturn = text("riskOnReturn")
        d.consent = ConsentChoices(publicity: form.value("consent.publicity") == "yes",
                                   shareWithHostCountry: form.value("consent.shareWithHostCountry") == "yes",
                                   communicationsWork: form.value("consent.communicationsWork") == "yes",
                                   recordedOn: date("consent.recordedOn"))
        d.preferredCountries = AllocationActions.preferredCountries(from: form)
        d.preferenceReasons = text("preferenceReasons")
        // A field already reported as unreadable needs no second message saying it is empty.
        let unreadable = Set(problems.map(\.field))
        let issues = CaseValidation.intakeIssues(d, today: today)
        // The choices are the form's host countries; validation of the record alone cannot know them.
        let hosts = form["preferredCountries[0]"]?.options.compactMap { CountryCode($0.value) } ?? []
        let notHosts = CaseValidation.preferenceIssues(d.preferredCountries, reasons: d.preferenceReasons, hostCountries: hosts)
            .filter { !issues.contains($0) }
        return (d, problems + (issues + notHosts).filter { !unreadable.contains($0.field) })
    }

    /// The preference fields' values: the three ranked choices ("" for none) and the reasons.
    static func preferenceValues(of d: Defector) -> [String: String] {
        var values = ["preferenceReasons": d.preferenceReasons]
        for index in 0..<CaseValidation.preferencesCounted {
            values["preferredCountries[\(index)]"] = d.preferredCountries.count > index ? d.preferredCountries[index].rawValue : ""
        }
        return values
    }

    /// "ru native, en B1" → languages; each part that is not a language and a level is a problem.
    static func parseLanguages(_ text: String) -> ([LanguageSkill], [ValidationIssue]) {
        var skills: [LanguageSkill] = []
        var problems: [ValidationIssue] = []
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            let words = part.split(separator: " ")
            guard words.count == 2, let language = LanguageCode(words[0].lowercased()) else {
                problems.append(ValidationIssue(field: "languages", message: "'\(part)' should be a two-letter language and a level: en B1, ru native."))
                continue
            }
            if words[1].lowercased() == "native" {
                skills.append(LanguageSkill(language: language, level: .c2, isNative: true))
            } else if let level = CEFRLevel(rawValue: words[1].uppercased()) {
                skills.append(LanguageSkill(language: language, level: level))
            } else {
                problems.append(ValidationIssue(field: "languages", message: "'\(words[1])' is not a CEFR level (A1, A2, B1, B2, C1, C2) or \"native\"."))
            }
        }
        return (skills, problems)
    }
}
