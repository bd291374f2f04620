/// Who may be brought by default, and the documents each relationship needs: data
/// (`data/reunification.json`), because host countries' rules differ and change.
public struct ReunificationPolicy: Hashable, Sendable {
    /// Eligible whatever their age (spouse, partner).
    public var eligible: [Relationship]
    /// Eligible while under `minorAge` (sons, daughters).
    public var eligibleWhileMinor: [Relationship]
    public var minorAge: Int
    /// Documents every application needs.
    public var documentsForAll: [String]
    /// Further documents by relationship.
    public var documentsByRelationship: [Relationship: [String]]

    public init(eligible: [Relationship], eligibleWhileMinor: [Relationship], minorAge: Int,
                documentsForAll: [String], documentsByRelationship: [Relationship: [String]] = [:]) {
        self.eligible = eligible
        self.eligibleWhileMinor = eligibleWhileMinor
        self.minorAge = minorAge
        self.documentsForAll = documentsForAll
        self.documentsByRelationship = documentsByRelationship
    }

    /// The programme's default: spouse and partner, and children under 18.
    public static let standard = ReunificationPolicy(
        eligible: [.spouse, .partner], eligibleWhileMinor: [.son, .daughter], minorAge: 18,
        documentsForAll: ["Passport or identity document", "Photographs"],
        documentsByRelationship: [.spouse: ["Marriage certificate"], .son: ["Birth certificate"], .daughter: ["Birth certificate"]])

    /// The checklist a new family member starts with.
    public func checklist(for relationship: Relationship) -> [FamilyDocument] {
        (documentsForAll + (documentsByRelationship[relationship] ?? [])).map { FamilyDocument(name: $0) }
    }

    /// Whether `member` may be brought by default, or only case by case, and why.
    public func eligibility(of member: FamilyMember, on today: CalendarDate) -> Eligibility {
        let relationship = member.relationship.title.lowercased()
        if eligible.contains(member.relationship) { return .eligible(relationship) }
        if eligibleWhileMinor.contains(member.relationship) {
            guard let birth = member.birthDate else { return .caseByCase("\(relationship), date of birth unknown") }
            let age = birth.age(on: today)
            return age < minorAge ? .eligible("\(relationship) under \(minorAge) (\(age))")
                : .caseByCase("\(relationship) aged \(age), not under \(minorAge)")
        }
        return .caseByCase(relationship)
    }
}

/// The outcome of the eligibility rules for one family member.
public enum Eligibility: Hashable, Sendable {
    case eligible(String)
    case caseByCase(String)

    /// "Eligible: spouse", "Case by case: mother".
    public var text: String {
        switch self {
        case let .eligible(why): "Eligible: \(why)"
        case let .caseByCase(why): "Case by case: \(why)"
        }
    }

    public var isDefault: Bool { if case .eligible = self { true } else { false } }
}
