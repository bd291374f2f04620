import Foundation

/// The rules a case must meet, each reported with its field and a plain message.
public enum CaseValidation {
    /// The earliest plausible crossing: the start of the conflict in February 2014.
    public static let earliestCrossing = CalendarDate(year: 2014, month: 2, day: 20)!
    public static let youngestAge = 16
    public static let oldestAge = 80
    /// The longest part of a name (the longest recorded surnames are under 40 letters).
    public static let longestNamePart = 100
    /// The longest note: several pages, far more than an interview summary needs.
    public static let longestNote = 20_000

    /// Every problem with the whole case, intake fields first.
    public static func issues(in record: Case, today: CalendarDate) -> [ValidationIssue] {
        var collector = IssueCollector()
        collector.merge(intakeCollector(record.defector, today: today, prefix: "defector"))
        for (index, check) in record.screening.enumerated() {
            collector.merge(screeningCollector(check, today: today, prefix: "screening[\(index)]"))
        }
        for (index, member) in record.family.enumerated() {
            collector.merge(familyCollector(member, today: today, prefix: "family[\(index)]"))
        }
        var ids: Set<Int> = []
        for (index, appointment) in record.appointments.enumerated() {
            let field = "appointments[\(index)]"
            if appointment.id < 1 || !ids.insert(appointment.id).inserted {
                collector.add("\(field).id", "Appointment \(appointment.id) is numbered twice or below 1.")
            }
            if !Appointment.minutesAllowed.contains(appointment.minutes) {
                collector.add("\(field).minutes", "An appointment lasts \(Appointment.minutesAllowed.lowerBound) to \(Appointment.minutesAllowed.upperBound) minutes, not \(appointment.minutes).")
            }
            if appointment.attendees.isEmpty || Set(appointment.attendees).count != appointment.attendees.count {
                collector.add("\(field).attendees", "Name each member of staff who attends once.")
            }
            if appointment.place.count > AppointmentValidation.longestText || appointment.outcome.count > AppointmentValidation.longestText {
                collector.add("\(field).place", "Keep the place and the outcome under \(AppointmentValidation.longestText) characters.")
            }
        }
        for (index, note) in record.notes.enumerated() {
            collector.require(note.text, "notes[\(index)].text", "A note cannot be empty.")
            if note.text.unicodeScalars.count > longestNote {
                collector.add("notes[\(index)].text", "The note is \(note.text.count) characters long; the most is \(longestNote).")
            }
        }
        return collector.issues
    }

    /// Every problem with the intake record of a defector, with fields relative to it.
    public static func intakeIssues(_ defector: Defector, today: CalendarDate) -> [ValidationIssue] {
        intakeCollector(defector, today: today, prefix: "").issues
    }

    static func intakeCollector(_ d: Defector, today: CalendarDate, prefix: String) -> IssueCollector {
        var c = IssueCollector(prefix: prefix)
        checkName(d.cyrillicName, field: "cyrillicName", script: .cyrillic, into: &c)
        checkName(d.latinName, field: "latinName", script: .latin, into: &c)

        if let birth = d.birthDate {
            if birth > today {
                c.add("birthDate", "The date of birth \(birth) is in the future.")
            } else {
                let age = birth.age(on: today)
                if age < youngestAge {
                    c.add("birthDate", "The date of birth \(birth) makes him \(age); check it (youngest expected \(youngestAge)).")
                } else if age > oldestAge {
                    c.add("birthDate", "The date of birth \(birth) makes him \(age); check it (oldest expected \(oldestAge)).")
                }
            }
        } else {
            c.add("birthDate", "Enter the date of birth (YYYY-MM-DD).")
        }
        c.require(d.birthPlace, "birthPlace", "Enter the place of birth.")
        c.require(d.service.unit, "service.unit", "Enter the unit (number or name; \"unknown\" if he does not know it).")

        if let date = d.crossing.date {
            if date > today {
                c.add("crossing.date", "The crossing date \(date) is in the future.")
            } else if date < earliestCrossing {
                c.add("crossing.date", "The crossing date \(date) is before the conflict began (\(earliestCrossing)).")
            }
            if let birth = d.birthDate, date < birth {
                c.add("crossing.date", "The crossing date \(date) is before the date of birth.")
            }
        } else {
            c.add("crossing.date", "Enter the date he came over (YYYY-MM-DD).")
        }
        c.require(d.crossing.place, "crossing.place", "Enter where he came over.")
        if d.crossing.method == .defectedWithEquipment, d.equipment.isEmpty {
            c.add("equipment", "He defected with equipment: record at least one item handed over.")
        }
        if d.crossing.method == .reachedThirdCountry, d.crossing.thirdCountry == nil {
            c.add("crossing.thirdCountry", "Name the third country he reached.")
        }

        for (index, item) in d.equipment.enumerated() {
            let field = "equipment[\(index)]"
            c.require(item.identifier, "\(field).identifier", "Enter the equipment's hull, serial or tail number (\"none\" if it has none).")
            if let reward = item.reward {
                if reward.minorUnits < 0 { c.add("\(field).reward", "A reward cannot be negative.") }
                if reward.currency.count != 3 || !reward.currency.allSatisfy({ $0.isASCII && $0.isUppercase }) {
                    c.add("\(field).reward", "The currency '\(reward.currency)' is not an ISO 4217 code such as USD or UAH.")
                }
            }
        }

        var seenLanguages: Set<LanguageCode> = []
        for (index, skill) in d.languages.enumerated() where !seenLanguages.insert(skill.language).inserted {
            c.add("languages[\(index)]", "The language '\(skill.language)' is listed twice.")
        }
        for (index, skill) in d.skills.enumerated() {
            c.require(skill.description, "skills[\(index)].description", "Describe the skill.")
            if let years = skill.years, !(0...60).contains(years) {
                c.add("skills[\(index)].years", "\(years) years of practice is not plausible.")
            }
        }
        for issue in preferenceIssues(d.preferredCountries, reasons: d.preferenceReasons) { c.add(issue.field, issue.message) }
        if d.consent.publicity || d.consent.shareWithHostCountry || d.consent.communicationsWork,
           d.consent.recordedOn == nil {
            c.add("consent.recordedOn", "Record the date the consent choices were made.")
        }
        return c
    }

    enum Script { case cyrillic, latin }

    static func checkName(_ name: FullName, field: String, script: Script, into c: inout IssueCollector) {
        let scriptName = script == .cyrillic ? "Cyrillic" : "Latin"
        c.require(name.family, "\(field).family", "Enter the family name in \(scriptName) letters.")
        c.require(name.given, "\(field).given", "Enter the given name in \(scriptName) letters.")
        checkNameParts(name, field: field, script: script, into: &c)
    }

    /// Each part of a name: not too long, and only the script's letters, spaces, hyphens and apostrophes.
    static func checkNameParts(_ name: FullName, field: String, script: Script, into c: inout IssueCollector) {
        let scriptName = script == .cyrillic ? "Cyrillic" : "Latin"
        for (part, text) in [("family", name.family), ("given", name.given), ("patronymic", name.patronymic)] {
            if text.unicodeScalars.count > longestNamePart {
                c.add("\(field).\(part)", "The \(scriptName) \(part) name is \(text.count) characters long; the most is \(longestNamePart).")
                continue
            }
            guard let bad = text.unicodeScalars.first(where: { !isAllowed($0, in: script) }) else { continue }
            let shown = bad.properties.isWhitespace ? "a tab or line break" : "'\(Character(bad))'"
            c.add("\(field).\(part)", "The \(scriptName) \(part) name contains \(shown); use \(scriptName) letters, spaces, hyphens and apostrophes only.")
        }
    }

    static func isAllowed(_ scalar: Unicode.Scalar, in script: Script) -> Bool {
        if scalar == " " || scalar == "-" || scalar == "'" || scalar == "’" { return true }
        if scalar.properties.generalCategory == .nonspacingMark { return true }
        guard scalar.properties.isAlphabetic else { return false }
        let cyrillic = Transliteration.isCyrillic(scalar)
        return script == .cyrillic ? cyrillic : (!cyrillic && scalar.value < 0x0370)
    }

    static func screeningCollector(_ check: ScreeningCheck, today: CalendarDate, prefix: String) -> IssueCollector {
        var c = IssueCollector(prefix: prefix)
        if check.date > today { c.add("date", "The date \(check.date) is in the future.") }
        if check.kind == .identity, check.outcome == .cleared, check.documentsSeen.isEmpty {
            c.add("documentsSeen", "Identity cannot be cleared without naming the documents seen.")
        }
        if check.kind == .exclusion, check.outcome.isFinal {
            if let assessment = check.exclusion {
                let missing = assessment.missingSteps
                if !missing.isEmpty {
                    c.add("exclusion.findings", "Record a finding for every step before concluding: \(missing.map(\.title).joined(separator: ", ")) missing.")
                }
                for (index, finding) in assessment.findings.enumerated() {
                    c.require(finding.reasoning, "exclusion.findings[\(index)].reasoning", "Give the reasoning for \"\(finding.step.title)\".")
                }
                if assessment.conclusion == .excluded, check.outcome != .failed {
                    c.add("outcome", "The assessment concludes exclusion, so the check's outcome must be Failed.")
                }
            } else {
                c.add("exclusion", "An exclusion check needs its article 1F assessment: the clause and each analysis step.")
            }
        }
        return c
    }

    static func familyCollector(_ member: FamilyMember, today: CalendarDate, prefix: String) -> IssueCollector {
        var c = IssueCollector(prefix: prefix)
        if member.cyrillicName.given.isEmpty, member.latinName.given.isEmpty {
            c.add("name", "Enter the family member's given name in at least one script.")
        }
        if let birth = member.birthDate, birth > today {
            c.add("birthDate", "The date of birth \(birth) is in the future.")
        }
        for (field, name, script) in [("cyrillicName", member.cyrillicName, Script.cyrillic), ("latinName", member.latinName, .latin)] {
            checkNameParts(name, field: field, script: script, into: &c)
        }
        if member.contactIsSafe {
            c.require(member.contactChannel, "contactChannel", "Contact is marked safe: record the channel to use.")
        }
        if [.thirdCountry, .hostCountry].contains(member.whereabouts), member.country == nil {
            c.add("country", "Name the country where the family member is.")
        }
        return c
    }
}

