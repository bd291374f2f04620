/// A case that may be the same person as one being registered, and why it looks so.
public struct PossibleDuplicate: Hashable, Sendable {
    public enum Reason: String, Hashable, Sendable, CaseIterable {
        case name = "name"
        case birthDate = "birth date"
        case unit = "unit"
    }

    public let summary: CaseSummary
    public let reasons: [Reason]

    public init(summary: CaseSummary, reasons: [Reason]) {
        self.summary = summary
        self.reasons = reasons
    }
}

/// Finds the cases a new defector may duplicate: every case whose name, in either script or
/// under any transliteration, has the new family and given names under the name-matching key;
/// each is then compared on date of birth and unit, and the likeliest come first.
public enum DuplicateFinder {
    public static func candidates(for defector: Defector, in index: CaseSearchIndex, summaries: [CaseID: CaseSummary],
                                  load: (CaseID) throws -> Case) -> [PossibleDuplicate] {
        // A name of one word (a lone given name) would match half the store: two words at least.
        let wanted = defector.namesForMatching.map(NameMatchingKey.wordKeys).filter { $0.count >= 2 }
        var found: Set<CaseID> = []
        for keys in wanted { found.formUnion(index.cases(havingEveryWord: keys)) }
        let unitKey = normalizedUnit(defector.service.unit)
        return found.compactMap { id -> PossibleDuplicate? in
            guard let summary = summaries[id] else { return nil }
            var reasons: [PossibleDuplicate.Reason] = [.name]
            if let other = try? load(id) {
                if let birth = defector.birthDate, other.defector.birthDate == birth { reasons.append(.birthDate) }
                if !unitKey.isEmpty, normalizedUnit(other.defector.service.unit) == unitKey { reasons.append(.unit) }
            }
            return PossibleDuplicate(summary: summary, reasons: reasons)
        }.sorted { ($0.reasons.count, $1.summary.id) > ($1.reasons.count, $0.summary.id) }
    }

    /// Units are written many ways ("150-я мотострелковая дивизия", "150 МСД"): compare their
    /// letters and digits only, case-folded.
    static func normalizedUnit(_ unit: String) -> String {
        String(unit.lowercased().filter { $0.isLetter || $0.isNumber })
    }
}
