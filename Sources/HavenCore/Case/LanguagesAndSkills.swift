/// A Common European Framework of Reference level, A1 (breakthrough) to C2 (mastery).
public enum CEFRLevel: String, Choice, Comparable {
    case a1 = "A1", a2 = "A2", b1 = "B1", b2 = "B2", c1 = "C1", c2 = "C2"

    public var title: String {
        switch self {
        case .a1: "A1 Beginner"
        case .a2: "A2 Elementary"
        case .b1: "B1 Intermediate"
        case .b2: "B2 Upper intermediate"
        case .c1: "C1 Advanced"
        case .c2: "C2 Proficient"
        }
    }

    /// 1 for A1 up to 6 for C2: how many steps apart two levels are.
    public var rank: Int { CEFRLevel.allCases.firstIndex(of: self)! + 1 }

    public static func < (a: CEFRLevel, b: CEFRLevel) -> Bool { a.rank < b.rank }
}

/// A language the person speaks, at a CEFR level (native speakers are recorded as native).
public struct LanguageSkill: Hashable, Codable, Sendable {
    public var language: LanguageCode
    public var level: CEFRLevel
    public var isNative: Bool

    public init(language: LanguageCode, level: CEFRLevel, isNative: Bool = false) {
        self.language = language
        self.level = level
        self.isNative = isNative
    }
}

/// A skill, civilian or military, with the ISCO-08 occupation it maps to where one does.
public struct Skill: Hashable, Codable, Sendable {
    public var occupation: ISCOCode?
    public var description: String
    /// Years of practice, if known.
    public var years: Int?

    public init(occupation: ISCOCode? = nil, description: String, years: Int? = nil) {
        self.occupation = occupation
        self.description = description
        self.years = years
    }
}
