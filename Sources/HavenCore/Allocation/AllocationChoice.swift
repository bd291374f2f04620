import Foundation

/// One case's host countries ranked by the batch's own scoring, for a proposal by hand: each
/// country's factors and score, its free places, and whether the case may be proposed there.
/// The proposal it makes is the one the batch would make for that country (the same factors,
/// runner-up and explanation), with the person's reason when they chose a lower score.
public struct AllocationChoice: Sendable {
    /// One host country for this case.
    public struct Option: Sendable {
        public var country: HostCountry
        /// Nil when family unity rules the country out.
        public var score: Int?
        public var factors: [AllocationFactor]
        /// Places the country can still give (quota less used and held).
        public var free: Int
        /// Why the case cannot be proposed here (no place left, family unity), or nil.
        public var refusal: String?
        /// Why it cannot go here for want of a place or a kind of place, family unity aside:
        /// what still stops an override that splits a family.
        public var placeRefusal: String?
        /// Where linked relatives are, against this country ("Linked: HV-000002 also in DE."), or nil.
        public var familyUnity: String?

        public var isProposable: Bool { refusal == nil }
    }

    public var caseID: CaseID
    /// Highest score first; ties in the order of the host countries, as the runner-up is found.
    public var options: [Option]
    let batch: AllocationBatch
    let profile: AllocationProfile

    /// Ranks the countries for `profile` with the batch's scorer, places and placed relatives.
    public init(profile: AllocationProfile, batch: AllocationBatch) {
        self.batch = batch
        self.profile = profile
        caseID = profile.id
        let compiled = [batch.scorer.compile(profile)]
        let scores = batch.groupScores([0], profiles: [profile], compiled: compiled)
        let capacities = batch.capacities
        let linked = profile.linkedCases.sorted()
        let countries = batch.scorer.countries
        let shortOf = batch.shortOf(needing: profile.places)
        let ranked = countries.indices.sorted { (scores.row[$0] ?? Int.min, -$0) > (scores.row[$1] ?? Int.min, -$1) }
        options = ranked.map { index in
            let country = countries[index]
            let placeRefusal: String? = if capacities[index] < 1 {
                "\(country.name) has no place left."
            } else if let short = shortOf[index] {
                "\(country.name) has \(short.text), which the case needs."
            } else {
                nil
            }
            let refusal: String? = scores.row[index] == nil
                ? "Family unity: linked relatives are placed in \(scores.held ?? "another country"), so the case goes there too." : placeRefusal
            return Option(country: country, score: scores.row[index],
                          factors: batch.scorer.factors(compiled[0], in: index, placedRelatives: scores.placed(in: index)),
                          free: capacities[index], refusal: refusal, placeRefusal: placeRefusal,
                          familyUnity: FamilyLinks.unity(of: linked, proposed: country.code, placed: batch.placedElsewhere))
        }
    }

    /// The country the batch would propose for this case alone: the highest score among those
    /// with a place it may take.
    public var best: Option? { options.first(where: \.isProposable) }

    /// True when proposing `country` passes over a country that scores more and could take the
    /// case: then the person says why, and the explanation keeps it.
    public func needsReason(_ country: CountryCode) -> Bool {
        guard let best, let chosen = options.first(where: { $0.country.code == country }) else { return false }
        return (chosen.score ?? Int.min) < (best.score ?? Int.min) || passedOverPreference(country) != nil
    }

    /// The person's stated preference, ranked above `country`, that could take the case: a
    /// proposal there goes against it and needs a reason (issue 26). Nil when none is passed
    /// over, and for the best country, which the batch itself would propose (the preferences
    /// are already weighed in its score).
    public func passedOverPreference(_ country: CountryCode) -> (rank: Int, option: Option)? {
        guard country != best?.country.code else { return nil }
        for (rank, preferred) in profile.preferences.enumerated() {
            if preferred == country { return nil }
            if let option = options.first(where: { $0.country.code == preferred }), option.isProposable { return (rank, option) }
        }
        return nil
    }

    /// The proposal for `country`, as the batch would make it; `reason` is required (and kept
    /// in the explanation of the runner-up) when a country that scores more could take the case.
    public func planned(_ country: CountryCode, reason: String = "") throws(WorkflowError) -> PlannedAllocation {
        guard let index = batch.scorer.countries.firstIndex(where: { $0.code == country }),
              let option = options.first(where: { $0.country.code == country }) else {
            throw .invalid([ValidationIssue(field: "country", message: "\(country) is not one of the host countries.")])
        }
        if let refusal = option.refusal { throw .invalid([ValidationIssue(field: "country", message: refusal)]) }
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        // A reason given where none is needed is kept all the same: what a person writes,
        // they can read back.
        let byHand = needsReason(country) || !trimmed.isEmpty ? trimmed : nil
        if byHand?.isEmpty == true, let (rank, preferred) = passedOverPreference(country) {
            throw .invalid([ValidationIssue(field: "reason", message: "\(preferred.country.name) is the person's "
                                            + "\(Self.ordinal(rank)) choice and has a place: say why \(option.country.name) instead.")])
        }
        if byHand?.isEmpty == true, let best {
            throw .invalid([ValidationIssue(field: "reason", message: "\(best.country.name) scores \(best.score ?? 0) against "
                                            + "\(option.score ?? 0) and has a place: say why \(option.country.name) instead.")])
        }
        let compiled = [batch.scorer.compile(profile)]
        let scores = batch.groupScores([0], profiles: [profile], compiled: compiled)
        let shortOf = batch.shortOf(needing: profile.places)
        var planned = batch.planned(member: 0, of: [0], in: index, scores: scores, profiles: [profile], compiled: compiled,
                                    capacities: batch.capacities(needing: profile.places), byHand: byHand, shortOf: shortOf)
        planned.familyUnity = option.familyUnity
        planned.preferences = batch.preferenceStanding(profile.preferences, chosen: index, scores: scores,
                                                       own: { scores.row[$0] ?? 0 }, capacities: batch.capacities(needing: profile.places), groupSize: 1,
                                                       byHand: true, shortOf: shortOf)
        if let (rank, preferred) = passedOverPreference(country), byHand != nil {
            planned.runnerUpReason += " It goes against the person's \(Self.ordinal(rank)) choice, \(preferred.country.name), which has a place."
        }
        return planned
    }

    public static func ordinal(_ rank: Int) -> String { rank < 3 ? ["1st", "2nd", "3rd"][rank] : "\(rank + 1)th"
    }
}

extension AllocationRun {
    /// The countries ranked for one case, with the same scorer, free places and placed
    /// relatives as a batch run over the store now would use; `record` is the case read whole.
    public func choice(for record: Case, occupations: OccupationCatalogue) -> AllocationChoice {
        AllocationChoice(profile: AllocationProfile(record: record, occupations: occupations), batch: batch)
    }
}
