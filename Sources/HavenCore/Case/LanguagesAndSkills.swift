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

/// The highest education completed, in the Russian system's steps with their ISCED 2011 level.
public enum EducationLevel: String, Choice {
    case basicGeneral = "basic-general"
    case secondaryGeneral = "secondary-general"
    case vocational
    case incompleteHigher = "incomplete-higher"
    case bachelor
    case specialist
    case master
    case doctorate

    public var title: String {
        switch self {
        case .basicGeneral: "Basic general, 9 years (ISCED 2)"
        case .secondaryGeneral: "Secondary general, 11 years (ISCED 3)"
        case .vocational: "Secondary vocational, SPO (ISCED 3-5)"
        case .incompleteHigher: "Higher education not completed (ISCED 3)"
        case .bachelor: "Bachelor (ISCED 6)"
        case .specialist: "Specialist diploma (ISCED 7)"
        case .master: "Master (ISCED 7)"
        case .doctorate: "Candidate or doctor of sciences (ISCED 8)"
        }
    }
}

/// Driving licence categories. Russia uses the Vienna Convention's letters, as the EU does
/// (B, C, CE, D...), plus M (mopeds) and the tram and trolleybus categories.
public enum DrivingCategory: String, Choice, Comparable {
    case m = "M", a = "A", a1 = "A1", b = "B", be = "BE", b1 = "B1", c = "C", ce = "CE", c1 = "C1", c1e = "C1E"
    case d = "D", de = "DE", d1 = "D1", d1e = "D1E", tm = "Tm", tb = "Tb"

    public var title: String {
        switch self {
        case .m: "M mopeds"
        case .a: "A motorcycles"
        case .a1: "A1 light motorcycles"
        case .b: "B cars"
        case .be: "BE cars with trailer"
        case .b1: "B1 tricycles and quadricycles"
        case .c: "C lorries"
        case .ce: "CE lorries with trailer"
        case .c1: "C1 medium lorries"
        case .c1e: "C1E medium lorries with trailer"
        case .d: "D buses"
        case .de: "DE buses with trailer"
        case .d1: "D1 minibuses"
        case .d1e: "D1E minibuses with trailer"
        case .tm: "Tm trams"
        case .tb: "Tb trolleybuses"
        }
    }

    public static func < (a: DrivingCategory, b: DrivingCategory) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// Categories written as "B, C, CE" (spaces, commas or semicolons between); a failure names
    /// the first word that is not one.
    public static func parse(_ text: String) -> Result<[DrivingCategory], ParseFailure> {
        var categories: [DrivingCategory] = []
        for word in text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " }) {
            let raw = String(word)
            guard let category = DrivingCategory.allCases.first(where: { $0.rawValue.uppercased() == raw.uppercased() }) else {
                return .failure(ParseFailure(text: raw))
            }
            if !categories.contains(category) { categories.append(category) }
        }
        return .success(categories.sorted())
    }

    public struct ParseFailure: Error, Hashable {
        public var text: String
        public init(text: String) { self.text = text }
    }
}
