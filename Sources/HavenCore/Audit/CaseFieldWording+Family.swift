/// Family, integration and publicity fields in words, and the trail's entries about other
/// records (users, host countries, courses and openings, exports).
extension AuditWording {
    /// A family member's field, after the member's name and relationship: `Жукова Анна
    /// (spouse) · document "Birth certificate" gathered`. Where they are and how to reach them
    /// are withheld, as the trail withholds them.
    static func familyField(_ pattern: String, _ at: WordingLookup) -> CaseField? {
        let label: String
        var kind: ValueKind = .text
        switch pattern {
        case "family[].id": label = "member number"; kind = .number
        case "family[].relationship": label = "relationship"; kind = .titles(Relationship.self)
        case "family[].cyrillicName.family": label = "family name (Cyrillic)"
        case "family[].cyrillicName.given": label = "given name (Cyrillic)"
        case "family[].cyrillicName.patronymic": label = "patronymic (Cyrillic)"
        case "family[].latinName.family": label = "family name (Latin)"
        case "family[].latinName.given": label = "given name (Latin)"
        case "family[].latinName.patronymic": label = "patronymic (Latin)"
        case "family[].birthDate": label = "date of birth"; kind = .date
        case "family[].whereabouts": label = "whereabouts"; kind = .withheld
        case "family[].country": label = "country"; kind = .withheld
        case "family[].contactIsSafe": label = "contact is safe"; kind = .withheld
        case "family[].contactChannel": label = "contact channel"; kind = .withheld
        case "family[].notes": label = "notes"; kind = .withheld
        case "family[].risk": label = "risk"; kind = .titles(RiskLevel.self)
        case "family[].linkedCase": label = "own case"
        case "family[].stage": label = "reunification stage"; kind = .titles(ReunificationStage.self)
        case "family[].stageDate": label = "reunification stage date"; kind = .date
        case "family[].steps[].stage": label = "step"; kind = .titles(ReunificationStage.self)
        case "family[].steps[].date": label = "\(at.named("step", at.memberStep().map { "\"\($0)\"" }, 1)) date"; kind = .date
        case "family[].steps[].by": label = "\(at.named("step", at.memberStep().map { "\"\($0)\"" }, 1)) recorded by"
        case "family[].nextAction": label = "next action"
        case "family[].nextActionDue": label = "next action due"; kind = .date
        case "family[].documents[].name": label = "document"
        case "family[].documents[].gathered": label = "\(at.named("document", at.memberDocument().map { "\"\($0)\"" }, 1)) gathered"; kind = .date
        case "family[].eligibilityNote": label = "eligibility note"
        default: return nil
        }
        return CaseField("Family", "\(at.memberName()) · \(label)", kind)
    }

    static func integrationField(_ pattern: String, _ at: WordingLookup) -> CaseField? {
        let section = "Integration"
        func course() -> String { at.quoted("course", 0, "courseID") }
        func assessment() -> String { at.named("assessment", at.element(0, "language"), 0) }
        func application() -> String { at.quoted("application to opening", 0, "openingID") }
        func job() -> String { at.quoted("job at", 0, "employer") }
        func followUp() -> String { "\(job()), " + at.named("follow-up", at.element(1, "monthsAfterStart").map { "at \($0) months" }, 1) }
        switch pattern {
        case "integration.enrolments[].courseID": return CaseField(section, "course")
        case "integration.enrolments[].requestedOn": return CaseField(section, "\(course()) requested on", .date)
        case "integration.enrolments[].status": return CaseField(section, "\(course()) status", .titles(EnrolmentStatus.self))
        case "integration.enrolments[].since": return CaseField(section, "\(course()) status since", .date)
        case "integration.enrolments[].hoursAttended": return CaseField(section, "\(course()) hours attended", .number)
        case "integration.assessments[].language": return CaseField(section, "language assessment")
        case "integration.assessments[].level": return CaseField(section, "\(assessment()) level", .titles(CEFRLevel.self))
        case "integration.assessments[].assessedOn": return CaseField(section, "\(assessment()) date", .date)
        case "integration.assessments[].assessor": return CaseField(section, "\(assessment()) recorded by")
        case "integration.assessments[].basis": return CaseField(section, "\(assessment()) basis")
        case "integration.applications[].openingID": return CaseField(section, "application to opening")
        case "integration.applications[].status": return CaseField(section, "\(application()) status", .titles(ApplicationStatus.self))
        case "integration.applications[].date": return CaseField(section, "\(application()) status date", .date)
        case "integration.placements[].employer": return CaseField(section, "job at")
        case "integration.placements[].openingID": return CaseField(section, "\(job()) opening")
        case "integration.placements[].occupation": return CaseField(section, "\(job()) occupation (ISCO)")
        case "integration.placements[].startDate": return CaseField(section, "\(job()) start date", .date)
        case "integration.placements[].endDate": return CaseField(section, "\(job()) ended", .date)
        case "integration.placements[].endNotes": return CaseField(section, "\(job()) end reason")
        case "integration.placements[].contract": return CaseField(section, "\(job()) contract", .titles(ContractType.self))
        case "integration.placements[].monthlyWage.minorUnits", "integration.placements[].monthlyWage.currency":
            return CaseField(section, "\(job()) monthly wage", .money(currency: nil))
        case "integration.placements[].followUps[].monthsAfterStart": return CaseField(section, "\(job()), follow-up months", .number)
        case "integration.placements[].followUps[].doneOn": return CaseField(section, "\(followUp()) done on", .date)
        case "integration.placements[].followUps[].stillEmployed": return CaseField(section, "\(followUp()) still employed", .yesNo)
        case "integration.placements[].followUps[].notes": return CaseField(section, "\(followUp()) notes")
        default: return nil
        }
    }

    static func publicityField(_ pattern: String, _ at: WordingLookup) -> CaseField? {
        let section = "Publicity"
        let keys = at.path.keys
        if keys.count == 3, keys[1] == "review" { return reviewField(keys[2], section, returned: "Declined") }
        switch pattern {
        case "publicity.consentGiven": return CaseField(section, "Consent given", .date)
        case "publicity.consentWithdrawn": return CaseField(section, "Consent withdrawn", .date)
        case "publicity.scope": return CaseField(section, "May be told")
        case "publicity.neverTell": return CaseField(section, "Never tell")
        case "publicity.elements[]": return CaseField(section, "Story uses", .titles(StoryElement.self))
        case "publicity.story": return CaseField(section, "Story")
        case "publicity.proposedBy": return CaseField(section, "Proposed by")
        case "publicity.highRiskOverrideReason": return CaseField(section, "Risk override")
        default: return nil
        }
    }

    /// An entry about something other than a case: a user's role (`users.NAME.role`), a host
    /// country (`countries.GB`), a course's or opening's field (`courses.ID.capacity`), an
    /// export, an entry lost and repaired. Nil for a case's field.
    static func otherRecord(_ change: FieldChange) -> FieldWording? {
        let field = change.field
        func wording(_ section: String, _ label: String, _ kind: ValueKind = .plain) -> FieldWording {
            FieldWording(section: section, label: label, before: ValueWording.text(change.before, as: kind),
                         after: ValueWording.text(change.after, as: kind), field: field)
        }
        if field.hasPrefix("users."), field.hasSuffix(".role") {
            return wording("Users", "\(field.dropFirst("users.".count).dropLast(".role".count)) role", .titles(Role.self))
        }
        if field.hasPrefix("countries.") { return wording("Host countries", String(field.dropFirst("countries.".count)), .text) }
        for (prefix, section) in [("courses.", "Language courses"), ("openings.", "Job openings")] where field.hasPrefix(prefix) {
            let rest = field.dropFirst(prefix.count)
            guard let dot = rest.firstIndex(of: ".") else { return wording(section, String(rest)) }
            return wording(section, "\(rest[..<dot]) " + FieldName.readable(FieldPath(String(rest[rest.index(after: dot)...])), capitalised: false))
        }
        switch field {
        case "exported": return wording("Export", "Exported", .text)
        case "lost": return wording("Store", "Entry lost", .text)
        // A compaction: the log's size before and after, and the last entry whose save it may
        // have taken out of the log (this trail keeps every one).
        case "log": return wording("Compaction", "Case log", .text)
        case "compactedThrough": return wording("Compaction", "Earlier versions kept in this trail up to entry")
        default: return nil
        }
    }
}
