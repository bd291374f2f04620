/// A name in one script: family name, given name and patronymic (Иванов Иван Иванович).
public struct FullName: Hashable, Codable, Sendable {
    public var family: String
    public var given: String
    public var patronymic: String

    public init(family: String = "", given: String = "", patronymic: String = "") {
        self.family = family
        self.given = given
        self.patronymic = patronymic
    }

    /// "Family Given Patronymic", the order of Russian documents; empty parts left out.
    public var displayed: String {
        [family, given, patronymic].filter { !$0.isEmpty }.joined(separator: " ")
    }

    public var isEmpty: Bool { family.isEmpty && given.isEmpty && patronymic.isEmpty }
}

/// The person who came over: who they are, where they served, how they crossed.
public struct Defector: Hashable, Codable, Sendable {
    public var cyrillicName: FullName
    /// The Latin spelling the person uses; ICAO Doc 9303 is suggested (`Transliteration.icao`).
    public var latinName: FullName
    /// Other spellings seen on documents or given by the person (Wladimir, Iouri).
    public var otherSpellings: [String]
    public var birthDate: CalendarDate?
    public var birthPlace: String
    public var service: MilitaryService
    public var crossing: Crossing
    public var custody: CustodyStatus
    public var equipment: [EquipmentHandover]
    public var languages: [LanguageSkill]
    public var skills: [Skill]
    /// Education in the person's words (school, institute, field).
    public var education: String
    public var educationLevel: EducationLevel?
    public var drivingCategories: [DrivingCategory]
    /// Other licences and certificates: welding, forklift, first aid, radio operator.
    public var otherLicences: [String]
    public var healthNeeds: String
    /// The person's own account of the risk they face if returned.
    public var riskOnReturn: String
    public var consent: ConsentChoices
    /// Host countries the person would choose, first choice first (at most three count).
    public var preferredCountries: [CountryCode]

    public init(
        cyrillicName: FullName = FullName(), latinName: FullName = FullName(),
        otherSpellings: [String] = [], birthDate: CalendarDate? = nil, birthPlace: String = "",
        service: MilitaryService = MilitaryService(), crossing: Crossing = Crossing(),
        custody: CustodyStatus = .ukrainianPrisonerOfWar, equipment: [EquipmentHandover] = [],
        languages: [LanguageSkill] = [], skills: [Skill] = [], education: String = "",
        healthNeeds: String = "", riskOnReturn: String = "", consent: ConsentChoices = ConsentChoices(),
        preferredCountries: [CountryCode] = [], educationLevel: EducationLevel? = nil,
        drivingCategories: [DrivingCategory] = [], otherLicences: [String] = []
    ) {
        self.preferredCountries = preferredCountries
        self.educationLevel = educationLevel
        self.drivingCategories = drivingCategories
        self.otherLicences = otherLicences
        self.cyrillicName = cyrillicName
        self.latinName = latinName
        self.otherSpellings = otherSpellings
        self.birthDate = birthDate
        self.birthPlace = birthPlace
        self.service = service
        self.crossing = crossing
        self.custody = custody
        self.equipment = equipment
        self.languages = languages
        self.skills = skills
        self.education = education
        self.healthNeeds = healthNeeds
        self.riskOnReturn = riskOnReturn
        self.consent = consent
    }

    /// Records written before preferences or the skills profile existed have none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cyrillicName = try c.decode(FullName.self, forKey: .cyrillicName)
        latinName = try c.decode(FullName.self, forKey: .latinName)
        otherSpellings = try c.decode([String].self, forKey: .otherSpellings)
        birthDate = try c.decodeIfPresent(CalendarDate.self, forKey: .birthDate)
        birthPlace = try c.decode(String.self, forKey: .birthPlace)
        service = try c.decode(MilitaryService.self, forKey: .service)
        crossing = try c.decode(Crossing.self, forKey: .crossing)
        custody = try c.decode(CustodyStatus.self, forKey: .custody)
        equipment = try c.decode([EquipmentHandover].self, forKey: .equipment)
        languages = try c.decode([LanguageSkill].self, forKey: .languages)
        skills = try c.decode([Skill].self, forKey: .skills)
        education = try c.decode(String.self, forKey: .education)
        healthNeeds = try c.decode(String.self, forKey: .healthNeeds)
        riskOnReturn = try c.decode(String.self, forKey: .riskOnReturn)
        consent = try c.decode(ConsentChoices.self, forKey: .consent)
        preferredCountries = try c.decodeIfPresent([CountryCode].self, forKey: .preferredCountries) ?? []
        educationLevel = try c.decodeIfPresent(EducationLevel.self, forKey: .educationLevel)
        drivingCategories = try c.decodeIfPresent([DrivingCategory].self, forKey: .drivingCategories) ?? []
        otherLicences = try c.decodeIfPresent([String].self, forKey: .otherLicences) ?? []
    }

    /// The key under which this person's spellings meet, for duplicate detection.
    public var nameMatchingKey: NameMatchingKey {
        NameMatchingKey("\(cyrillicName.family) \(cyrillicName.given)")
    }

    /// The names this person goes by: "family given" in each script, and each other spelling.
    public var namesForMatching: [String] {
        [cyrillicName, latinName].filter { !$0.family.isEmpty || !$0.given.isEmpty }.map { "\($0.family) \($0.given)" }
            + otherSpellings.filter { !$0.isEmpty }
    }

    /// Every key this person can be found under: the Cyrillic name, the Latin one and each
    /// other spelling (they normally agree; a caseworker's odd spelling still matches).
    public var nameMatchingKeys: Set<NameMatchingKey> {
        Set(namesForMatching.map(NameMatchingKey.init))
    }
}

/// Where and how the person served.
public struct MilitaryService: Hashable, Codable, Sendable {
    public var branch: ServiceBranch
    public var rank: Rank
    public var unit: String
    /// A specialty code from `data/occupations.json` (`tank-driver-mechanic`), or nil if none fits.
    public var specialty: String?
    /// The specialty as the person describes it, in their words.
    public var specialtyDescription: String

    public init(branch: ServiceBranch = .groundForces, rank: Rank = .private, unit: String = "",
                specialty: String? = nil, specialtyDescription: String = "") {
        self.branch = branch
        self.rank = rank
        self.unit = unit
        self.specialty = specialty
        self.specialtyDescription = specialtyDescription
    }
}

/// How and where the person came over.
public struct Crossing: Hashable, Codable, Sendable {
    public var method: CrossingMethod
    public var date: CalendarDate?
    /// Where: a place on the line, a town, a border crossing.
    public var place: String
    /// For `reachedThirdCountry`: the country reached.
    public var thirdCountry: CountryCode?

    public init(method: CrossingMethod = .surrendered, date: CalendarDate? = nil, place: String = "",
                thirdCountry: CountryCode? = nil) {
        self.method = method
        self.date = date
        self.place = place
        self.thirdCountry = thirdCountry
    }
}

/// Equipment handed over at defection, and the reward paid for it.
public struct EquipmentHandover: Hashable, Codable, Sendable {
    public var kind: EquipmentKind
    /// Hull number, serial number or tail number.
    public var identifier: String
    public var description: String
    public var reward: Money?

    public init(kind: EquipmentKind, identifier: String, description: String = "", reward: Money? = nil) {
        self.kind = kind
        self.identifier = identifier
        self.description = description
        self.reward = reward
    }
}

/// An amount of money in minor units (cents), with its ISO 4217 currency.
public struct Money: Hashable, Codable, Sendable, CustomStringConvertible {
    public var minorUnits: Int64
    public var currency: String

    public init(minorUnits: Int64, currency: String) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// An amount and a currency as people type them: "10000 USD", "2,450.50 EUR" (commas
    /// group thousands, a point marks cents, at most two digits after it). Without a currency,
    /// `defaultCurrency`. Exact: no floating point. Nil for anything else, or a negative amount.
    public init?(parsing text: String, defaultCurrency: String? = nil) {
        let parts = text.split(separator: " ")
        guard (1...2).contains(parts.count) else { return nil }
        let currency = parts.count == 2 ? String(parts[1]).uppercased() : defaultCurrency?.uppercased() ?? ""
        guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        let amount = parts[0].replacingOccurrences(of: ",", with: "").split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(amount.count), amount.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }), !amount[0].isEmpty,
              let whole = Int64(amount[0]), whole < Int64.max / 100 else { return nil }
        var cents: Int64 = 0
        if amount.count == 2 {
            guard (1...2).contains(amount[1].count), let fraction = Int64(amount[1]) else { return nil }
            cents = amount[1].count == 1 ? fraction * 10 : fraction
        }
        self.init(minorUnits: whole * 100 + cents, currency: currency)
    }

    public var description: String {
        let whole = minorUnits / 100, cents = abs(minorUnits % 100)
        return "\(whole).\(cents < 10 ? "0" : "")\(cents) \(currency)"
    }
}

/// The consent choices made at intake; each can be changed later and every change is audited.
public struct ConsentChoices: Hashable, Codable, Sendable {
    /// Whether the case may be considered for publicity at all (a supervisor still approves).
    public var publicity: Bool
    /// Whether the case file may be shared with the host country's authorities.
    public var shareWithHostCountry: Bool
    /// Whether the person is willing to be asked about communications work after resettlement.
    public var communicationsWork: Bool
    public var recordedOn: CalendarDate?

    public init(publicity: Bool = false, shareWithHostCountry: Bool = false,
                communicationsWork: Bool = false, recordedOn: CalendarDate? = nil) {
        self.publicity = publicity
        self.shareWithHostCountry = shareWithHostCountry
        self.communicationsWork = communicationsWork
        self.recordedOn = recordedOn
    }
}
