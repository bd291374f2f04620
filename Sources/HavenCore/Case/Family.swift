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
    /// A defector with a case of his own in the programme (a linked case).
    case inProgramme = "in-programme"

    public var title: String {
        switch self {
        case .russia: "Russia"
        case .belarus: "Belarus"
        case .occupiedUkraine: "Occupied Ukraine"
        case .thirdCountry: "A third country"
        case .hostCountry: "A host country"
        case .inProgramme: "In the programme (own case)"
        }
    }

    /// Russia, Belarus and occupied Ukraine: where the family is within reach of the state
    /// the person deserted.
    public var isWithinReach: Bool { [.russia, .belarus, .occupiedUkraine].contains(self) }
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

/// The stages of bringing one family member to the host country, in order; `withdrawn`
/// ends it from any stage.
public enum ReunificationStage: String, Choice, Comparable {
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

    public static func < (a: ReunificationStage, b: ReunificationStage) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Reunited or withdrawn: nothing more to do.
    public var isFinal: Bool { self == .reunited || self == .withdrawn }

    /// The stage after this one on the way to reunion; nil once final.
    public var next: ReunificationStage? {
        guard !isFinal else { return nil }
        return Self.allCases[Self.allCases.firstIndex(of: self)! + 1]
    }
}

/// A reunification stage reached: when, and who recorded it.
public struct ReunificationStep: Hashable, Codable, Sendable {
    public var stage: ReunificationStage
    public var date: CalendarDate
    public var by: UserName

    public init(stage: ReunificationStage, date: CalendarDate, by: UserName) {
        self.stage = stage
        self.date = date
        self.by = by
    }
}

/// One document of a family member's checklist, and when it was gathered (nil: still missing).
public struct FamilyDocument: Hashable, Codable, Sendable {
    public var name: String
    public var gathered: CalendarDate?

    public init(name: String, gathered: CalendarDate? = nil) {
        self.name = name
        self.gathered = gathered
    }
}

/// A family member of the defector, and where their reunification stands. Whereabouts, the
/// country, contact and notes are sensitive (`SensitiveField`): written only to the store,
/// shown only on the family screen, left out of exports.
public struct FamilyMember: Hashable, Sendable, Identifiable {
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
    /// Every stage reached, oldest first.
    public var steps: [ReunificationStep]
    /// What has to happen next, and by when.
    public var nextAction: String
    public var nextActionDue: CalendarDate?
    /// The documents the application needs (from `ReunificationPolicy`), each ticked when gathered.
    public var documents: [FamilyDocument]
    /// Why a relative outside the default eligibility is accepted (case by case).
    public var eligibilityNote: String

    public init(id: Int, relationship: Relationship, cyrillicName: FullName = FullName(),
                latinName: FullName = FullName(), birthDate: CalendarDate? = nil,
                whereabouts: Whereabouts = .russia, country: CountryCode? = nil, risk: RiskLevel = .medium,
                contactIsSafe: Bool = false, contactChannel: String = "", notes: String = "",
                linkedCase: CaseID? = nil, stage: ReunificationStage = .notStarted, stageDate: CalendarDate? = nil,
                steps: [ReunificationStep] = [], nextAction: String = "", nextActionDue: CalendarDate? = nil,
                documents: [FamilyDocument] = [], eligibilityNote: String = "") {
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
        self.steps = steps
        self.nextAction = nextAction
        self.nextActionDue = nextActionDue
        self.documents = documents
        self.eligibilityNote = eligibilityNote
    }

    /// The documents not gathered yet.
    public var missingDocuments: [FamilyDocument] { documents.filter { $0.gathered == nil } }

    /// The name to show: Cyrillic when known, Latin otherwise.
    public var displayName: String { cyrillicName.isEmpty ? latinName.displayed : cyrillicName.displayed }
}

extension FamilyMember: Codable {
    enum CodingKeys: String, CodingKey {
        case id, relationship, cyrillicName, latinName, birthDate, whereabouts, country, risk, contactIsSafe, contactChannel
        case notes, linkedCase, stage, stageDate, steps, nextAction, nextActionDue, documents, eligibilityNote
    }

    /// Records written before issue 8 have no steps, next action, documents or note.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int.self, forKey: .id)
        relationship = try c.decode(Relationship.self, forKey: .relationship)
        cyrillicName = try c.decode(FullName.self, forKey: .cyrillicName)
        latinName = try c.decode(FullName.self, forKey: .latinName)
        birthDate = try c.decodeIfPresent(CalendarDate.self, forKey: .birthDate)
        // Required: an export made without sensitive fields cannot be imported as if complete.
        whereabouts = try c.decode(Whereabouts.self, forKey: .whereabouts)
        country = try c.decodeIfPresent(CountryCode.self, forKey: .country)
        risk = try c.decode(RiskLevel.self, forKey: .risk)
        contactIsSafe = try c.decode(Bool.self, forKey: .contactIsSafe)
        contactChannel = try c.decode(String.self, forKey: .contactChannel)
        notes = try c.decode(String.self, forKey: .notes)
        linkedCase = try c.decodeIfPresent(CaseID.self, forKey: .linkedCase)
        stage = try c.decode(ReunificationStage.self, forKey: .stage)
        stageDate = try c.decodeIfPresent(CalendarDate.self, forKey: .stageDate)
        steps = try c.decodeIfPresent([ReunificationStep].self, forKey: .steps) ?? []
        nextAction = try c.decodeIfPresent(String.self, forKey: .nextAction) ?? ""
        nextActionDue = try c.decodeIfPresent(CalendarDate.self, forKey: .nextActionDue)
        documents = try c.decodeIfPresent([FamilyDocument].self, forKey: .documents) ?? []
        eligibilityNote = try c.decodeIfPresent(String.self, forKey: .eligibilityNote) ?? ""
    }

    /// With `CodingUserInfoKey.leaveOutSensitive` set, the sensitive fields are not written.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let all = !SensitiveField.leftOut(by: encoder)
        try c.encode(id, forKey: .id)
        try c.encode(relationship, forKey: .relationship)
        try c.encode(cyrillicName, forKey: .cyrillicName)
        try c.encode(latinName, forKey: .latinName)
        try c.encodeIfPresent(birthDate, forKey: .birthDate)
        if all {
            try c.encode(whereabouts, forKey: .whereabouts)
            try c.encodeIfPresent(country, forKey: .country)
        }
        try c.encode(risk, forKey: .risk)
        if all {
            try c.encode(contactIsSafe, forKey: .contactIsSafe)
            try c.encode(contactChannel, forKey: .contactChannel)
            try c.encode(notes, forKey: .notes)
        }
        try c.encodeIfPresent(linkedCase, forKey: .linkedCase)
        try c.encode(stage, forKey: .stage)
        try c.encodeIfPresent(stageDate, forKey: .stageDate)
        if !steps.isEmpty { try c.encode(steps, forKey: .steps) }
        if !nextAction.isEmpty { try c.encode(nextAction, forKey: .nextAction) }
        try c.encodeIfPresent(nextActionDue, forKey: .nextActionDue)
        if !documents.isEmpty { try c.encode(documents, forKey: .documents) }
        if !eligibilityNote.isEmpty { try c.encode(eligibilityNote, forKey: .eligibilityNote) }
    }
}

/// The fields that can get a family hurt if they leak: where family members are and how to
/// reach them. They are stored, shown on the family screen only, never in lists, left out of
/// exports unless an administrator asks (`--include-sensitive`, audited), and their values are
/// not copied into the audit trail (the change is, the value is not).
public enum SensitiveField: String, CaseIterable, Sendable {
    case whereabouts, country, contactIsSafe, contactChannel, notes

    /// The encoder option that leaves them out.
    public static let leaveOutKey = CodingUserInfoKey(rawValue: "haven.leaveOutSensitive")!

    static func leftOut(by encoder: any Encoder) -> Bool { encoder.userInfo[leaveOutKey] as? Bool == true }

    /// Whether a dotted path of a case's JSON (`family[2].contactChannel`) is one of them.
    public static func isSensitive(path: String) -> Bool {
        guard path.hasPrefix("family["), let dot = path.lastIndex(of: ".") else { return false }
        return SensitiveField(rawValue: String(path[path.index(after: dot)...])) != nil
            && !path[path.index(after: path.startIndex)..<dot].contains(".")
    }
}
