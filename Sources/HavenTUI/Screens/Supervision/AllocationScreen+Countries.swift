import HavenCore

/// The administrator's forms of the Allocation screen: a country's quota and places of each
/// kind (`e`), and a new host country (`+`).
extension AllocationScreen {
    /// The fields of each kind of place: blank when only the quota limits it.
    static func kindFields(_ use: QuotaUse?) -> [FormField] {
        PlaceKind.allCases.map { kind in
            let taken = use?.kinds.first { $0.kind == kind }
            let hint = taken.map { "\($0.used) used, \($0.reserved) held; blank: no limit" } ?? "blank: no limit but the quota"
            return FormField(kind.rawValue, kind.label, .text(maximumLength: 7), hint: hint,
                             value: use?.country.capacity(kind).map(String.init) ?? "", number: true)
        }
    }

    /// The kinds as entered: a whole number 0 or more, or blank for no limit.
    static func kindValues(_ form: Form, into issues: inout [ValidationIssue]) -> [PlaceKind: Int] {
        var capacities: [PlaceKind: Int] = [:]
        for kind in PlaceKind.allCases {
            let text = form.value(kind.rawValue).trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            guard let value = Int(text), value >= 0 else {
                issues.append(ValidationIssue(field: kind.rawValue, message: "A whole number, 0 or more; blank for no limit."))
                continue
            }
            capacities[kind] = value
        }
        return capacities
    }

    func quotaForm(_ use: QuotaUse) -> FormScreen {
        let form = Form(sections: [Form.Section(title: "\(use.country.name): \(use.used) used, \(use.reserved) held", fields: [
            FormField("quota", "Quota", .text(maximumLength: 7), hint: "places in all", value: String(use.country.quota), number: true),
        ] + Self.kindFields(use))])
        return FormScreen(title: "Quota", heading: "The places of \(use.country.name) · Ctrl-S saves", form: form) { form, now in
            var issues: [ValidationIssue] = []
            let quota = Int(form.value("quota").trimmingCharacters(in: .whitespaces))
            if quota == nil || quota! < 0 { issues.append(ValidationIssue(field: "quota", message: "A quota is a whole number, 0 or more.")) }
            // Below what is used and held, said beside the field as the form opened it (the
            // store refuses it too, counting what changed meanwhile).
            if let quota, quota >= 0, quota < use.used + use.reserved {
                issues.append(ValidationIssue(field: "quota", message: "At least \(use.used + use.reserved): \(use.used) used, \(use.reserved) held by proposals."))
            }
            let capacities = Self.kindValues(form, into: &issues)
            for taken in use.kinds where (capacities[taken.kind] ?? Int.max) < taken.used + taken.reserved {
                issues.append(ValidationIssue(field: taken.kind.rawValue,
                                              message: "At least \(taken.used + taken.reserved): \(taken.used) used, \(taken.reserved) held; blank: no limit."))
            }
            guard issues.isEmpty, let quota else { return .problems(issues) }
            // Only the kinds changed in the form: another administrator's change meanwhile stands.
            var changed: [PlaceKind: Int?] = [:]
            for kind in PlaceKind.allCases where capacities[kind] != use.country.capacity(kind) { changed[kind] = .some(capacities[kind]) }
            return .perform([.changeCountries(.setPlaces(use.country.code, quota: quota, capacities: changed))])
        }
    }

    func countryForm() -> FormScreen {
        let form = Form(sections: [Form.Section(title: "A new host country", fields: [
            FormField("code", "Code", .text(maximumLength: 2), hint: "ISO 3166, such as AT"),
            FormField("name", "Name", .text(maximumLength: 60)),
            FormField("languages", "Languages", .text(maximumLength: 40), hint: "ISO 639-1, main first: de fr"),
            FormField("quota", "Quota", .text(maximumLength: 7), value: String(HostCountry.defaultQuota)),
        ] + Self.kindFields(nil))])
        return FormScreen(title: "Add country", heading: "Add a host country · Ctrl-S saves", form: form) { form, now in
            var issues: [ValidationIssue] = []
            let code = CountryCode(form.value("code").uppercased())
            if code == nil { issues.append(ValidationIssue(field: "code", message: "Two capital letters, such as AT.")) }
            let name = form.value("name").trimmingCharacters(in: .whitespaces)
            if name.isEmpty { issues.append(ValidationIssue(field: "name", message: "The country's name.")) }
            let words = form.value("languages").split(separator: " ").map { String($0).lowercased() }
            let languages = words.compactMap(LanguageCode.init)
            if languages.isEmpty || languages.count != words.count {
                issues.append(ValidationIssue(field: "languages", message: "Two-letter language codes, such as de fr."))
            }
            let quota = Int(form.value("quota").trimmingCharacters(in: .whitespaces))
            if quota == nil || quota! < 0 { issues.append(ValidationIssue(field: "quota", message: "A whole number, 0 or more.")) }
            let capacities = Self.kindValues(form, into: &issues)
            guard issues.isEmpty, let code, let quota else { return .problems(issues) }
            return .perform([.changeCountries(.add(HostCountry(code: code, name: name, languages: languages, quota: quota,
                                                               capacities: capacities)))])
        }
    }
}
