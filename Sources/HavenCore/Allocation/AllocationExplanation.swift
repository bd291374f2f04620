import Foundation

/// Why a proposal's runner-up lost, in one sentence a supervisor can check against the scores
/// on screen. The scores it names are the case's own, as shown (the factors' rounded sum), so
/// "the same" is said only of scores that read the same; a family group's totals, which are
/// what the batch compares, follow when the group has more than one person.
extension AllocationBatch {
    /// Who chose the country the runner-up lost to.
    enum Choice: Equatable {
        /// The batch, for the highest total within the quotas.
        case batch
        /// A person, with the reason they gave for choosing it over a better-scoring country.
        case byHand(String)
        /// A proposal worked out again after its family links changed: the scores are new,
        /// the choice is the one made before.
        case relinked
        /// The batch, with the look-ahead's prices per place (points) there and here: the
        /// runner-up's places are kept for the people expected later.
        case keptForLater(there: Int, here: Int)
    }

    /// "Germany scores 9 points less, 39 against 48 (Language −8, Preference −5, Job fit +4)."
    /// or, when the runner-up scored as much or more, why the case is not going there.
    static func whyNot(_ other: HostCountry, chosen: HostCountry, groupScores: (Int, Int), factors: [AllocationFactor],
                       runnerUpFactors: [AllocationFactor], freeThere: Int, groupSize: Int, choice: Choice = .batch,
                       shortOf: KindShortage? = nil) -> String {
        let (mine, theirs) = (factors.score, runnerUpFactors.score)
        var sentence = "\(other.name) \(comparison(theirs, against: mine))\(differences(factors, runnerUpFactors))"
        // The batch compares a family group's totals; with one person they are the case's own.
        var decisive = (mine: mine, theirs: theirs)
        if groupSize > 1 {
            decisive = (groupScores.0, groupScores.1)
            sentence += "; for the family together " + (decisive.theirs == decisive.mine ? "the same, \(decisive.mine)"
                                                        : "\(decisive.theirs) against \(decisive.mine)")
        }
        let handReason: String? = if case let .byHand(reason) = choice { reason } else { nil }
        let chosenByHand = handReason.map { " \(chosen.name) was chosen by hand: \(sentenceEnd($0))" } ?? ""
        if decisive.theirs < decisive.mine { return sentence + "." + chosenByHand }
        if freeThere < groupSize {
            // Places there, but not of a kind the case needs: that kind is named.
            let missing = shortOf?.text ?? ("no place left" + (groupSize > 1 ? " for all \(groupSize)" : ""))
            return sentence + ", but has " + missing + "." + chosenByHand
        }
        switch choice {
        case let .byHand(reason):
            return sentence + ", but \(chosen.name) was chosen by hand: \(sentenceEnd(reason))"
        case .relinked:
            return sentence + ": the family links changed after the proposal was made."
        case let .keptForLater(there, here):
            return sentence + ", but its places are kept for the people expected later (look-ahead: a place is worth "
                + "\(there) points to them there, \(here) here)."
        case .batch where decisive.theirs == decisive.mine:
            return sentence + ": either would do."
        case .batch:
            return sentence + ", but its places gain more with other cases: this way the batch's total is the highest possible."
        }
    }

    /// "scores the same, 48", "scores 30 points less, 18 against 48", "scores 1 point more, 49 against 48".
    static func comparison(_ theirs: Int, against mine: Int) -> String {
        guard theirs != mine else { return "scores the same, \(mine)" }
        let gap = abs(theirs - mine)
        return "scores \(gap) point\(gap == 1 ? "" : "s") \(theirs < mine ? "less" : "more"), \(theirs) against \(mine)"
    }

    /// " (Language −8, Preference −5, Job fit +4)": each factor where the runner-up differs,
    /// in the order explanations list them; empty when none does.
    static func differences(_ factors: [AllocationFactor], _ runnerUpFactors: [AllocationFactor]) -> String {
        var parts: [String] = []
        for kind in AllocationFactorKind.allCases {
            let here = factors.first { $0.name == kind.rawValue }?.contribution ?? 0
            let there = runnerUpFactors.first { $0.name == kind.rawValue }?.contribution ?? 0
            let difference = Int((there - here).rounded())
            if difference != 0 { parts.append("\(kind.title) \(difference > 0 ? "+" : "−")\(abs(difference))") }
        }
        return parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))"
    }

    /// A reason as typed, ending with a full stop.
    static func sentenceEnd(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.last.map { ".!?".contains($0) } ?? true ? trimmed : trimmed + "."
    }
}

extension AllocationBatch {
    /// Where each of the person's ranked preferences stood against the country chosen: "1st NL:
    /// no place left · 2nd DE: proposed · 3rd GB: 31 points against 40 here". Nil when the
    /// person stated none. `scores` are the group's, `capacities` the places free at the start
    /// (none where a kind the case needs is used up: `shortOf` names that kind).
    func preferenceStanding(_ preferences: [CountryCode], chosen: Int, scores: GroupScores, own: (Int) -> Int,
                            capacities: [Int], groupSize: Int, byHand: Bool, leftAfter: [Int]? = nil,
                            shortOf: [KindShortage?] = []) -> String? {
        guard !preferences.isEmpty else { return nil }
        let countries = scorer.countries
        let ordinals = ["1st", "2nd", "3rd"]
        return preferences.enumerated().map { rank, code in
            let label = (rank < ordinals.count ? ordinals[rank] : "\(rank + 1)th") + " \(code): "
            guard let index = countries.firstIndex(where: { $0.code == code }) else { return label + "not a host country" }
            if index == chosen { return label + "proposed" }
            // Ruled out: by relatives placed elsewhere, or as a country a supervisor returned for
            // it (a walk read "family unity" on a case with no family, its GB reopened).
            guard scores.row[index] != nil else {
                let heldElsewhere = scores.held.map { !$0.components(separatedBy: " or ").contains(code.rawValue) } ?? false
                // A family group's returns are the group's (the batch places it together).
                return label + (heldElsewhere ? "family unity holds the case in \(scores.held!)"
                                : groupSize > 1 ? "returned by a supervisor before, for the family group" : "returned by a supervisor before")
            }
            if capacities[index] < groupSize {
                if index < shortOf.count, let shortage = shortOf[index] { return label + shortage.text }
                return label + (groupSize > 1 ? "no \(groupSize) places left" : "no place left")
            }
            // The person's own points, never the family's total.
            let (theirs, mine) = (own(index), own(chosen))
            // The batch compared the group's totals: so does this.
            let keptForLater = keptForLater(index, over: chosen, scores: (scores.row[index]!, scores.row[chosen]!),
                                            size: groupSize, leftAfter: leftAfter)
            return label + "\(theirs) points against \(mine) here"
                + (theirs > mine && !byHand ? (keptForLater ? ", its places kept for people expected later" : ", its places gain more with other cases") : "")
        }.joined(separator: " · ")
    }
}
