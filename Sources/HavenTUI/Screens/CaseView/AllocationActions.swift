import HavenCore

/// What the case view asks of `AllocationActions`.
public enum AllocationStep: Sendable, Equatable {
    case preferences, propose
}

/// The allocation steps of the case view: the defector's preferences (any stage before
/// Relocation) and a proposal for this one case (in Allocation), both through the workflow.
enum AllocationActions {
    static func perform(_ step: AllocationStep, _ stored: StoredCase, context: SessionContext) -> [Command] {
        switch step {
        case .preferences:
            // Say at once why they cannot change, rather than after the form is filled in.
            if let refusal = Workflow.preferencesRefusal(for: stored.record) { return [.status(refusal, .error)] }
            return [.push(preferences(stored, context: context))]
        case .propose:
            return [.push(AllocationChoiceScreen(stored: stored, context: context))]
        }
    }

    /// The pick list of a ranked choice: none, or a host country.
    static func countryOptions(_ countries: [HostCountry]) -> [FormOption] {
        [FormOption("", "None")] + countries.map { FormOption($0.code.rawValue, "\($0.code) \($0.name)") }
    }

    /// The three ranked choices and the reasons, as the intake form has them too.
    static func preferenceFields(_ countries: [HostCountry], of defector: Defector) -> [FormField] {
        let options = countryOptions(countries)
        return ["1st", "2nd", "3rd"].enumerated().map { index, ordinal in
            FormField("preferredCountries[\(index)]", "\(ordinal) choice of country", .choice(options), hint: "Left/Right or the first letter",
                      value: defector.preferredCountries.count > index ? defector.preferredCountries[index].rawValue : "")
        } + [
            FormField("preferenceReasons", "Why these countries", .text(maximumLength: CaseValidation.longestPreferenceReasons),
                      hint: "his words: family, friends, languages, work", value: defector.preferenceReasons),
        ]
    }

    /// The ranked countries the form's choices name, first choice first, "None" left out.
    static func preferredCountries(from form: Form) -> [CountryCode] {
        (0..<CaseValidation.preferencesCounted).compactMap { CountryCode(form.value("preferredCountries[\($0)]")) }
    }

    /// The defector's preferences, later than intake: ranked countries and why.
    static func preferences(_ stored: StoredCase, context: SessionContext) -> FormScreen {
        let countries = context.reference?.countries ?? []
        let form = Form(sections: [Form.Section(title: "Preferences of \(stored.record.defector.cyrillicName.displayed)",
                                                fields: preferenceFields(countries, of: stored.record.defector))])
        return FormScreen(title: "Preferences", heading: "Host countries \(stored.record.id) would choose · Ctrl-S saves", form: form) { form, now in
            IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.recordPreferences(preferredCountries(from: form), reasons: form.value("preferenceReasons"),
                                               hostCountries: countries.map(\.code), on: record, by: context.actor, at: now)
            }
        }.keeping("preferences", on: stored)
    }
}
