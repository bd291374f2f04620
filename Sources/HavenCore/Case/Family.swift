public enum Relationship: String, Choice {
    case spouse, partner, son, daughter, mother, father, brother, sister, grandparent, other

    public var title: String {
        switch self {
        case .spouse: "Spouse"
        case .partner: "Partner"
        case .son: "Son"
        case .daughter: "Daughter"
        case .mother: "Mother"
        case .father: "Father"
        case .brother: "Brother"
        case .sister: "Sister"
        case .grandparent: "Grandparent"
        case .other: "Other relative"
        }
    }
}

/// Where a family member is now. Sensitive: shown only on the family screen.
public enum Whereabouts: String, Choice {
    case russia
    case belarus
    case occupiedUkraine = "occupied-ukraine"
    case thirdCountry = "third-country"
    case hostCountry = "host-country"

    public var title: String {
        switch self {
        case .russia: "Russia"
        case .belarus: "Belarus"
        case .occupiedUkraine: "Occupied Ukraine"
        case .thirdCountry: "A third country"
        case .hostCountry: "A host country"
        }
    }
}

public enum RiskLevel: String, Choice, Comparable {
    case low, medium, high

    public var title: String {
        switch self {
        case .low: "Low"
        case .medium: "Medium"
        case .high: "High"
        }
    }

    public static func < (a: RiskLevel, b: RiskLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The stages of bringing one family member to the host country.
public enum ReunificationStage: String, Choice {
    case notStarted = "not-started"
    case applicationFiled = "application-filed"
    case documentsGathered = "documents-gathered"
    case interview
    case visaGranted = "visa-granted"
    case travelled
    case reunited
    case withdrawn

    public var title: String {
        switch self {
        case .notStarted: "Not started"
        case .applicationFiled: "Application filed"
        case .documentsGathered: "Documents gathered"
        case .interview: "Interview"
        case .visaGranted: "Visa granted"
        case .travelled: "Travelled"
        case .reunited: "Reunited"
        case .withdrawn: "Withdrawn"
        }
    }
}

/// A family member of the defector, and where their reunification stands.
public struct FamilyMember: Hashable, Codable, Sendable, Identifiable {
    public var id: Int
    public var relationship: Relationship
    public var cyrillicName: FullName
    public var latinName: FullName
    public var birthDate: CalendarDate?
    public var whereabouts: Whereabouts
    /// For a third or host country: which one.
    public var country: CountryCode?
    public var risk: RiskLevel
    public var contactIsSafe: Bool
    /// How contact is made when it is safe (never shown in lists).
    public var contactChannel: String
    public var notes: String
    /// The member's own case, when they defected too.
    public var linkedCase: CaseID?
    public var stage: ReunificationStage
    public var stageDate: CalendarDate?

    public init(id: Int, relationship: Relationship, cyrillicName: FullName = FullName(),
                latinName: FullName = FullName(), birthDate: CalendarDate? = nil,
                whereabouts: Whereabouts = .russia, country: CountryCode? = nil, risk: RiskLevel = .medium,
                contactIsSafe: Bool = false, contactChannel: String = "", notes: String = "",
                linkedCase: CaseID? = nil, stage: ReunificationStage = .notStarted, stageDate: CalendarDate? = nil) {
        self.id = id
        self.relationship = relationship
        self.cyrillicName = cyrillicName
        self.latinName = latinName
        self.birthDate = birthDate
        self.whereabouts = whereabouts
        self.country = country
        self.risk = risk
        self.contactIsSafe = contactIsSafe
        self.contactChannel = contactChannel
        self.notes = notes
        self.linkedCase = linkedCase
        self.stage = stage
        self.stageDate = stageDate
    }
}
