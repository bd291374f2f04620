import Foundation

/// The rules of a defector's stated preferences: at most three ranked countries, none twice,
/// each a host country, and reasons of a sensible length. Intake validation checks all but
/// the host countries (an imported record is checked without them); the intake form, the
/// preferences step and `Workflow.recordPreferences` check those too.
extension CaseValidation {
    /// Ranked choices beyond this many add nothing to the allocation.
    public static let preferencesCounted = 3
    /// The longest reasons: a paragraph.
    public static let longestPreferenceReasons = 2000

    /// Each problem with `countries` (first choice first) and `reasons`; `hostCountries`,
    /// when given, are the countries that may be chosen. Fields are
    /// `preferredCountries[i]` and `preferenceReasons`.
    public static func preferenceIssues(_ countries: [CountryCode], reasons: String,
                                        hostCountries: [CountryCode]? = nil) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        let ordinals = ["1st", "2nd", "3rd"]
        if countries.count > preferencesCounted {
            issues.append(ValidationIssue(field: "preferredCountries[\(preferencesCounted)]",
                                          message: "At most \(preferencesCounted) countries are ranked; \(countries.count) are given."))
        }
        for (index, country) in countries.enumerated() {
            let field = "preferredCountries[\(index)]"
            let ordinal = index < ordinals.count ? ordinals[index] : "\(index + 1)th"
            if let earlier = countries[..<index].firstIndex(of: country) {
                issues.append(ValidationIssue(field: field, message: "\(country) is already the \(ordinals[min(earlier, 2)]) choice; "
                                              + "choose another country for the \(ordinal), or none."))
            } else if let hostCountries, !hostCountries.contains(country) {
                issues.append(ValidationIssue(field: field, message: "\(country) is not one of the host countries; the \(ordinal) choice must be."))
            }
        }
        if reasons.unicodeScalars.count > longestPreferenceReasons {
            issues.append(ValidationIssue(field: "preferenceReasons",
                                          message: "The reasons are \(reasons.count) characters long; the most is \(longestPreferenceReasons)."))
        }
        return issues
    }
}
