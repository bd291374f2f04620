import Foundation

/// The defector's stated preferences: the host countries he would choose, ranked, and why.
/// They are taken at intake or later, and weigh in the allocation until a country is settled.
extension Workflow {
    /// Why the preferences of `record` cannot change now, or nil when they can: they count
    /// until a supervisor approves an allocation, and not while a proposal that weighed them
    /// waits for review (return it first, so the proposal and its reasons stay true).
    public static func preferencesRefusal(for record: Case) -> String? {
        if record.stage == .closed { return "\(record.id) is closed; its preferences stay as they were." }
        if record.stage > .allocation || record.allocatedCountry != nil {
            return "Allocated to \(record.allocation?.finalCountry.rawValue ?? "a country"): preferences no longer count (a note can record them)."
        }
        if let proposal = record.allocation, proposal.review == nil {
            return "A proposal of \(proposal.country) awaits a supervisor: its proposer withdraws it, or a supervisor returns it, before the preferences change."
        }
        return nil
    }

    /// Records the ranked `countries` (first choice first, at most three) and the reasons, as
    /// the caseworker assigned to the case or a supervisor; `hostCountries` are the countries
    /// that may be chosen.
    public static func recordPreferences(_ countries: [CountryCode], reasons: String, hostCountries: [CountryCode],
                                         on record: Case, by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        try Capability.editCase.require(actor)
        try requireAssignment(record, actor)
        if let refusal = preferencesRefusal(for: record) {
            throw .preferencesSettled(refusal)
        }
        let reasons = reasons.trimmingCharacters(in: .whitespacesAndNewlines)
        let issues = CaseValidation.preferenceIssues(countries, reasons: reasons, hostCountries: hostCountries)
        guard issues.isEmpty else { throw .invalid(issues) }
        var next = record
        next.defector.preferredCountries = countries
        next.defector.preferenceReasons = reasons
        return next
    }
}
