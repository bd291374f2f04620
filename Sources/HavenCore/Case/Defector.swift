import Foundation

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
    /// Why he would choose them, in his words (a brother in Leipzig, speaks some Polish).
    public var preferenceReasons: String

    public init(
        cyrillicName: FullName = FullName(), latinName: FullName = FullName(),
        otherSpellings: [String] = [], birthDate: CalendarDate? = nil, birthPlace: String = "",
        service: MilitaryService = MilitaryService(), crossing: Crossing = Crossing(),
        custody: CustodyStatus = .ukrainianPrisonerOfWar, equipment: [EquipmentHandover] = [],
        languages: [LanguageSkill] = [], skills: [Skill] = [], education: String = "",
        healthNeeds: String = "", riskOnReturn: String = "", consent: ConsentChoices = ConsentChoices(),
        preferredCountries: [CountryCode] = [], educationLevel: EducationLevel? = nil,
        drivingCategories: [DrivingCategory] = [], otherLicences: [String] = [], preferenceReasons: String = ""
    ) {
        self.preferredCountries = preferredCountries
        self.preferenceReasons = preferenceReasons
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
        preferenceReasons = try c.decodeIfPresent(String.self, forKey: .preferenceReasons) ?? ""
        educationLevel = try c.decodeIfPresent(EducationLevel.self, forKey: .educationLevel)
        drivingCategories = try c.decodeIfPresent([DrivingCategory].self, forKey: .drivingCategories) ?? []
        otherLicences = try c.decodeIfPresent([String].self, forKey: .otherLicences) ?? []
    }

    /// Words caseworkers write for "no health needs"; the allocation must not read them as needs.
    public static let noNeeds: Set<String> = ["none", "no", "nothing", "n/a", "na", "-", "—", "нет", "не имеет", "no needs", "none known", "нет потребностей"]

    /// Whether health needs are recorded: a text that is not empty and not a way of saying "none".
    public var hasHealthNeeds: Bool {
        let text = healthNeeds.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "."))).lowercased()
        return !text.isEmpty && !Self.noNeeds.contains(text)
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

    /// An amount and a currency as people type them across Europe and North America:
    /// "10000 USD", "2,450.50 EUR", "2.450,50 EUR", "2450,50", "2 450,50 €"-style spacing
    /// ("EUR" written out). A comma or point followed by one or two digits at the end marks the
    /// cents; followed by groups of three digits it separates thousands; spaces and apostrophes
    /// also separate thousands. Without a currency, `defaultCurrency`. Exact: no floating point.
    /// Nil for anything else (a negative amount, three decimals, "2,4,5"), never a guess.
    public init?(parsing text: String, defaultCurrency: String? = nil) {
        var text = text.trimmingCharacters(in: .whitespaces)
        var currency = defaultCurrency?.uppercased() ?? ""
        // The euro's and the pound's signs, before or after, stand for their codes (a walk's
        // "2 450,50 €" was refused); a dollar sign names no one currency, so it is not taken.
        for (sign, code) in [("€", "EUR"), ("£", "GBP")] where text.hasPrefix(sign) || text.hasSuffix(sign) {
            text = String(text.hasPrefix(sign) ? text.dropFirst() : text.dropLast()).trimmingCharacters(in: .whitespaces)
            currency = code
        }
        var words = text.split(whereSeparator: { $0 == " " || $0 == "\u{00A0}" || $0 == "\u{202F}" }).map(String.init)
        func isCode(_ word: String) -> Bool { word.count == 3 && word.allSatisfy { $0.isASCII && $0.isLetter } }
        if let last = words.last, isCode(last) {
            currency = last.uppercased()
            words.removeLast()
        } else if let first = words.first, isCode(first) {
            currency = first.uppercased()
            words.removeFirst()
        }
        guard currency.count == 3, !words.isEmpty, let amount = Money.minorUnits(of: words.joined(separator: " ")) else { return nil }
        self.init(minorUnits: amount, currency: currency)
    }

    /// The amount in cents of a number written with thousands separators (space, apostrophe,
    /// comma or point) and a decimal comma or point; nil if it is ambiguous or malformed.
    static func minorUnits(of text: String) -> Int64? {
        // Spaces between digit groups separate thousands, as an apostrophe does.
        let groupedBySpace = text.contains(" ") || text.contains("'")
        let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == " " || $0 == "'" }).map(String.init)
        if groupedBySpace {
            guard parts.count > 1, (1...3).contains(parts[0].count), parts.dropFirst().dropLast().allSatisfy({ $0.count == 3 }) else { return nil }
            // The last group is three digits, perhaps with the decimals: "2 450,50".
            guard let last = parts.last, last.count >= 3, last.prefix(3).allSatisfy({ $0.isNumber }) else { return nil }
            let decimals = last.dropFirst(3)
            guard decimals.isEmpty || ((decimals.first == "," || decimals.first == ".") && (2...3).contains(decimals.count)
                                       && decimals.dropFirst().allSatisfy({ $0.isNumber })) else { return nil }
        }
        let plain = parts.joined()
        guard !plain.isEmpty, plain.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "," || $0 == "." }),
              plain.first!.isNumber else { return nil }
        let separators = plain.filter { $0 == "," || $0 == "." }
        var whole = plain, fraction = ""
        if let lastSeparator = plain.lastIndex(where: { $0 == "," || $0 == "." }) {
            let after = plain[plain.index(after: lastSeparator)...]
            let mark = plain[lastSeparator]
            let decimal: Bool
            if Set(separators).count == 2 {
                // Both kinds: the last is the decimal mark, and it appears once.
                decimal = separators.filter { $0 == mark }.count == 1
                guard decimal else { return nil }
            } else if separators.count == 1 {
                guard (1...3).contains(after.count) else { return nil }
                decimal = after.count != 3
            } else {
                decimal = false
            }
            if decimal {
                guard (1...2).contains(after.count) else { return nil }
                fraction = String(after)
                whole = String(plain[..<lastSeparator])
            }
            // What is left separates thousands: 1 to 3 digits, then groups of exactly three.
            let groups = whole.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "," || $0 == "." })
            if groups.count > 1 {
                guard (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }),
                      Set(whole.filter { $0 == "," || $0 == "." }).count == 1 else { return nil }
            }
            whole = whole.filter { $0.isNumber }
        }
        guard !whole.isEmpty, let units = Int64(whole), units < Int64.max / 100 else { return nil }
        let cents = fraction.isEmpty ? 0 : (Int64(fraction) ?? 0) * (fraction.count == 1 ? 10 : 1)
        return units * 100 + cents
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
