/// Every field of a case in the words of the case view: its section and its label, by the
/// shape of its path. Pick lists read by their titles, days as YYYY-MM-DD, yes and no, money
/// as shown. A field added to `Case` without wording here still reads well enough (its keys
/// in words, `AuditWording.unknownField`); a test lists the ones that do.
extension AuditWording {
    static func caseField(_ at: WordingLookup) -> CaseField? {
        let pattern = at.path.pattern
        if pattern.hasPrefix("defector.") { return personField(pattern, at) ?? serviceField(pattern, at) }
        if pattern.hasPrefix("family[]") { return familyField(pattern, at) }
        if pattern.hasPrefix("integration.") { return integrationField(pattern, at) }
        if pattern.hasPrefix("publicity.") { return publicityField(pattern, at) }
        return caseLevelField(pattern, at)
    }

    /// A review of a proposal (`decision.review.verdict`, ...), in `section`; a returned
    /// publicity proposal reads as declined, as the publicity section says.
    static func reviewField(_ key: String, _ section: String, returned: String = "Returned") -> CaseField? {
        switch key {
        case "verdict": CaseField(section, "Review", .choice { ["approved": "Approved", "returned": returned][$0] })
        case "by": CaseField(section, "Reviewed by")
        case "at": CaseField(section, "Reviewed at", .date)
        case "comment": CaseField(section, "Review comment")
        default: nil
        }
    }

    private static func personField(_ pattern: String, _ at: WordingLookup) -> CaseField? {
        let person = "Person"
        func language() -> String { at.named("language", at.element(0, "language"), 0) }
        func skill() -> String { at.quoted("skill", 0, "description") }
        switch pattern {
        case "defector.cyrillicName.family": return CaseField(person, "Family name (Cyrillic)")
        case "defector.cyrillicName.given": return CaseField(person, "Given name (Cyrillic)")
        case "defector.cyrillicName.patronymic": return CaseField(person, "Patronymic (Cyrillic)")
        case "defector.latinName.family": return CaseField(person, "Family name (Latin)")
        case "defector.latinName.given": return CaseField(person, "Given name (Latin)")
        case "defector.latinName.patronymic": return CaseField(person, "Patronymic (Latin)")
        case "defector.otherSpellings[]": return CaseField(person, "Other spelling")
        case "defector.birthDate": return CaseField(person, "Date of birth", .date)
        case "defector.birthPlace": return CaseField(person, "Place of birth")
        case "defector.custody": return CaseField(person, "Custody", .titles(CustodyStatus.self))
        case "defector.languages[].language": return CaseField(person, "language")
        case "defector.languages[].level": return CaseField(person, "\(language()) level", .titles(CEFRLevel.self))
        case "defector.languages[].isNative": return CaseField(person, "\(language()) native", .yesNo)
        case "defector.skills[].description": return CaseField(person, "skill")
        case "defector.skills[].occupation": return CaseField(person, "\(skill()) occupation (ISCO)")
        case "defector.skills[].years": return CaseField(person, "\(skill()) years", .number)
        case "defector.education": return CaseField(person, "Education")
        case "defector.educationLevel": return CaseField(person, "Education level", .titles(EducationLevel.self))
        case "defector.drivingCategories[]": return CaseField(person, "Driving licence category", .titles(DrivingCategory.self))
        case "defector.otherLicences[]": return CaseField(person, "Other licence")
        case "defector.healthNeeds": return CaseField(person, "Health needs")
        case "defector.riskOnReturn": return CaseField(person, "Risk on return")
        case "defector.consent.publicity": return CaseField(person, "Consent: may be considered for publicity", .yesNo)
        case "defector.consent.shareWithHostCountry": return CaseField(person, "Consent: file may be shared with the host country", .yesNo)
        case "defector.consent.communicationsWork": return CaseField(person, "Consent: may be asked about communications work", .yesNo)
        case "defector.consent.recordedOn": return CaseField(person, "Consent recorded on", .date)
        case "defector.preferredCountries[]": return CaseField(person, "Preferred country (choice \(at.position(0) + 1))")
        case "defector.preferenceReasons": return CaseField(person, "Why these countries")
        default: return nil
        }
    }

    private static func serviceField(_ pattern: String, _ at: WordingLookup) -> CaseField? {
        let service = "Service"
        func equipment() -> String {
            let kind = at.element(0, "kind").map { EquipmentKind(rawValue: $0)?.title ?? $0 }
            let name = [kind, at.element(0, "identifier")].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return at.named("equipment", name, 0)
        }
        switch pattern {
        case "defector.service.branch": return CaseField(service, "Branch", .titles(ServiceBranch.self))
        case "defector.service.rank": return CaseField(service, "Rank", .titles(Rank.self))
        case "defector.service.unit": return CaseField(service, "Unit")
        case "defector.service.specialty": return CaseField(service, "Specialty")
        case "defector.service.specialtyDescription": return CaseField(service, "Specialty in his words")
        case "defector.crossing.method": return CaseField(service, "Came over", .titles(CrossingMethod.self))
        case "defector.crossing.date": return CaseField(service, "Crossing date", .date)
        case "defector.crossing.place": return CaseField(service, "Crossing place")
        case "defector.crossing.thirdCountry": return CaseField(service, "Third country reached")
        case "defector.equipment[].kind": return CaseField(service, "equipment", .titles(EquipmentKind.self))
        case "defector.equipment[].identifier": return CaseField(service, "\(equipment()) identifier")
        case "defector.equipment[].description": return CaseField(service, "\(equipment()) description")
        case "defector.equipment[].reward.minorUnits", "defector.equipment[].reward.currency":
            return CaseField(service, "\(equipment()) reward", .money(currency: nil))
        default: return nil
        }
    }

    /// The stage, the assignment, screening, decision, allocation and relocation, notes, closure.
    private static func caseLevelField(_ pattern: String, _ at: WordingLookup) -> CaseField? {
        let keys = at.path.keys
        switch keys.first {
        case "screening": return screeningField(pattern, at)
        case "decision":
            if keys.count == 3, keys[1] == "review" { return reviewField(keys[2], "Decision") }
            return decisionField(pattern)
        case "allocation", "relocation", "returnedAllocations":
            if keys.count == 3, keys[1] == "review", keys[0] != "returnedAllocations" { return reviewField(keys[2], "Allocation") }
            return allocationField(pattern, at)
        default: break
        }
        var stage: String { at.named("stage", at.element(0, "stage").map { CaseStage(rawValue: $0)?.title ?? $0 }, 0) }
        switch pattern {
        case "id": return CaseField("Case", "Case number")
        case "stage": return CaseField("Case", "Stage", .titles(CaseStage.self))
        case "stageHistory[].stage": return CaseField("Case", "Stage entered", .titles(CaseStage.self))
        case "stageHistory[].at": return CaseField("Case", "\(stage) entered at", .date)
        case "stageHistory[].by": return CaseField("Case", "\(stage) entered by")
        case "stageHistory[].transition":
            return CaseField("Case", "\(stage) entered through", .choice { TransitionName(rawValue: $0)?.title })
        case "stageHistory[].reason": return CaseField("Case", "\(stage) entered because")
        case "assignedTo": return CaseField("Case", "Assigned to")
        case "restriction.team[]": return CaseField("Case", "Restricted to")
        case "restriction.reason": return CaseField("Case", "Restricted because")
        case "restriction.by": return CaseField("Case", "Restricted by")
        case "restriction.at": return CaseField("Case", "Restricted at", .date)
        case "registeredBy": return CaseField("Case", "Registered by")
        case "registeredAt": return CaseField("Case", "Registered at", .date)
        case "closure.reason": return CaseField("Case", "Closed", .titles(ClosureReason.self))
        case "closure.details": return CaseField("Case", "Closure details")
        case "notes[].text": return CaseField("Notes", "Note")
        case "notes[].author": return CaseField("Notes", "Note written by")
        case "notes[].at": return CaseField("Notes", "Note written at", .date)
        default: return nil
        }
    }

    private static func screeningField(_ pattern: String, _ at: WordingLookup) -> CaseField? {
        let section = "Screening"
        let check = at.element(0, "kind").flatMap(ScreeningCheckKind.init(rawValue:)).map(checkName) ?? "check \(at.position(0) + 1)"
        func finding() -> String {
            "\(check), " + (at.element(1, "step").map { ExclusionStep(rawValue: $0)?.title ?? $0 } ?? "finding \(at.position(1) + 1)")
        }
        switch pattern {
        case "screening[].kind": return CaseField(section, "Check recorded", .titles(ScreeningCheckKind.self))
        case "screening[].outcome": return CaseField(section, "\(check) outcome", .titles(ScreeningOutcome.self))
        case "screening[].date": return CaseField(section, "\(check) date", .date)
        case "screening[].recordedBy": return CaseField(section, "\(check) recorded by")
        case "screening[].notes": return CaseField(section, "\(check) notes")
        case "screening[].documentsSeen[]": return CaseField(section, "\(check) document seen")
        case "screening[].exclusion.clause": return CaseField(section, "\(check) clause", .titles(ExclusionClause.self))
        case "screening[].exclusion.conclusion": return CaseField(section, "\(check) conclusion", .titles(ExclusionConclusion.self))
        case "screening[].exclusion.findings[].step": return CaseField(section, "\(check) finding", .titles(ExclusionStep.self))
        case "screening[].exclusion.findings[].pointsToExclusion": return CaseField(section, "\(finding()) points to exclusion", .yesNo)
        case "screening[].exclusion.findings[].reasoning": return CaseField(section, "\(finding()) reasoning")
        default: return nil
        }
    }

    /// A screening check's short name in a label: "Identity check outcome".
    static func checkName(_ kind: ScreeningCheckKind) -> String {
        switch kind {
        case .identity: "Identity check"
        case .securityVetting: "Security vetting"
        case .exclusion: "Exclusion check"
        case .debrief: "Debrief"
        }
    }

    private static func decisionField(_ pattern: String) -> CaseField? {
        switch pattern {
        case "decision.outcome": CaseField("Decision", "Proposed decision", .titles(DecisionOutcome.self))
        case "decision.reasons": CaseField("Decision", "Reasons")
        case "decision.proposedBy": CaseField("Decision", "Proposed by")
        case "decision.proposedAt": CaseField("Decision", "Proposed at", .date)
        default: nil
        }
    }

    /// The allocation and, shown in the same section, the travel and arrival.
    private static func allocationField(_ pattern: String, _ at: WordingLookup) -> CaseField? {
        let section = "Allocation"
        // Returns kept on the case after a withdrawal read as those kept on a proposal.
        let kept = "returnedAllocations[]"
        let pattern = pattern.hasPrefix(kept) ? "allocation.returnedBefore[]" + pattern.dropFirst(kept.count) : pattern
        func factor(_ noun: String) -> String {
            at.named(noun, at.element(0, "name").map { AllocationFactorKind(rawValue: $0)?.title ?? $0 }, 0)
        }
        let factorName: ValueKind = .choice { AllocationFactorKind(rawValue: $0)?.title }
        switch pattern {
        case "allocation.country":
            // Only a withdrawal removes a proposal's country (a reopening keeps it, returned).
            let change = at.siblings[at.path.text]
            return CaseField(section, change?.before != nil && change?.after == nil ? "Proposed country, withdrawn" : "Proposed country")
        case "allocation.factors[].name": return CaseField(section, "factor", factorName)
        case "allocation.factors[].contribution": return CaseField(section, "\(factor("factor")) points", .number)
        case "allocation.factors[].detail": return CaseField(section, "\(factor("factor")) detail")
        case "allocation.runnerUp": return CaseField(section, "Runner-up")
        case "allocation.runnerUpFactors[].name": return CaseField(section, "runner-up factor", factorName)
        case "allocation.runnerUpFactors[].contribution": return CaseField(section, "\(factor("runner-up factor")) points", .number)
        case "allocation.runnerUpFactors[].detail": return CaseField(section, "\(factor("runner-up factor")) detail")
        case "allocation.runnerUpReason": return CaseField(section, "Why not the runner-up")
        case "allocation.batch": return CaseField(section, "Batch result")
        case "allocation.places[]": return CaseField(section, "Takes", .choice { PlaceKind(rawValue: $0)?.one })
        case "allocation.preferences": return CaseField(section, "Preferences against the proposal")
        case "allocation.proposedBy": return CaseField(section, "Proposed by")
        case "allocation.proposedAt": return CaseField(section, "Proposed at", .date)
        case "allocation.override.country": return CaseField(section, "Overridden to")
        case "allocation.override.reason": return CaseField(section, "Override reason")
        case "allocation.familyUnity": return CaseField(section, "Family unity")
        case "allocation.returnedBefore[].country": return CaseField(section, "Returned before: country")
        case "allocation.returnedBefore[].proposedBy": return CaseField(section, "Returned before: proposed by")
        case "allocation.returnedBefore[].review.verdict":
            return CaseField(section, "Returned before: review", .choice { ["approved": "Approved", "returned": "Returned"][$0] })
        case "allocation.returnedBefore[].review.by": return CaseField(section, "Returned before: returned by")
        case "allocation.returnedBefore[].review.at": return CaseField(section, "Returned before: returned at", .date)
        case "allocation.returnedBefore[].review.comment": return CaseField(section, "Returned before: comment")
        case "relocation.travelDate": return CaseField(section, "Travel date", .date)
        case "relocation.travelNotes": return CaseField(section, "Travel notes")
        case "relocation.departureDate": return CaseField(section, "Departure date", .date)
        case "relocation.arrivalDate": return CaseField(section, "Arrived", .date)
        case "relocation.receptionPlace": return CaseField(section, "Reception place")
        case "relocation.metBy": return CaseField(section, "Met by")
        default: return nil
        }
    }
}
