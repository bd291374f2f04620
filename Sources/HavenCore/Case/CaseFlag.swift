/// Marks on a case that queues filter by, worked out from the case itself.
public enum CaseFlag: String, Choice, Comparable {
    /// A family member at high risk: reunification and publicity need care.
    case highRiskFamily = "high-risk-family"
    /// Came over with equipment: a reward may be due, and the debrief matters more.
    case equipment
    /// Consent to publicity is in force.
    case publicityConsent = "publicity-consent"
    /// No caseworker is assigned.
    case unassigned
    /// Its personal data was erased (`Case.erasure`): only the tombstone remains.
    case erased

    public var title: String {
        switch self {
        case .highRiskFamily: "Family at high risk"
        case .equipment: "Came with equipment"
        case .publicityConsent: "Publicity consent"
        case .unassigned: "Unassigned"
        case .erased: "Erased"
        }
    }

    public static func < (a: CaseFlag, b: CaseFlag) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The flags that hold for `record`.
    public static func flags(of record: Case) -> Set<CaseFlag> {
        var flags: Set<CaseFlag> = []
        if record.family.contains(where: { $0.risk == .high }) { flags.insert(.highRiskFamily) }
        if !record.defector.equipment.isEmpty { flags.insert(.equipment) }
        if record.publicity.hasConsent || record.defector.consent.publicity { flags.insert(.publicityConsent) }
        if record.assignedTo == nil { flags.insert(.unassigned) }
        if record.erasure != nil { flags.insert(.erased) }
        return flags
    }
}
