/// A language course a provider runs in a host country: what cases are enrolled in.
public struct LanguageCourse: Hashable, Codable, Sendable, Identifiable {
    /// A short stable identifier (`de-berlin-b1-2027`), what enrolments record.
    public var id: String
    public var provider: String
    public var language: LanguageCode
    /// The CEFR level the course leads to.
    public var targetLevel: CEFRLevel
    public var country: CountryCode
    public var city: String
    /// When it meets: "Mon-Fri 9:00-13:00 from 2027-01-11".
    public var schedule: String
    /// Seats; more requests go on the waiting list.
    public var capacity: Int

    public init(id: String, provider: String, language: LanguageCode, targetLevel: CEFRLevel, country: CountryCode,
                city: String, schedule: String, capacity: Int) {
        self.id = id
        self.provider = provider
        self.language = language
        self.targetLevel = targetLevel
        self.country = country
        self.city = city
        self.schedule = schedule
        self.capacity = capacity
    }

    /// "de B1 · Goethe-Institut, Berlin".
    public var title: String { "\(language) \(targetLevel.rawValue) · \(provider), \(city)" }
}

/// A language a job needs, at least at a level.
public struct LanguageRequirement: Hashable, Codable, Sendable, CustomStringConvertible {
    public var language: LanguageCode
    public var minimum: CEFRLevel

    public init(language: LanguageCode, minimum: CEFRLevel) {
        self.language = language
        self.minimum = minimum
    }

    /// "de:B1", the form CSV files and forms use.
    public var description: String { "\(language):\(minimum.rawValue)" }

    /// Requirements written "de:B1; en:A2" (semicolons, commas or spaces between).
    public static func parse(_ text: String) -> Result<[LanguageRequirement], CatalogueIssue> {
        var requirements: [LanguageRequirement] = []
        for word in text.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == " " }) {
            let parts = word.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let language = LanguageCode(String(parts[0]).lowercased()),
                  let level = CEFRLevel(rawValue: String(parts[1]).uppercased()) else {
                return .failure(CatalogueIssue(field: "languages",
                                               message: "'\(word)' is not a language and level such as de:B1 (ISO 639-1 code, CEFR A1-C2)."))
            }
            guard !requirements.contains(where: { $0.language == language }) else {
                return .failure(CatalogueIssue(field: "languages", message: "\(language) is named twice."))
            }
            requirements.append(LanguageRequirement(language: language, minimum: level))
        }
        return .success(requirements)
    }
}

/// A job an employer offers to the programme's people.
public struct JobOpening: Hashable, Codable, Sendable, Identifiable {
    public var id: String
    public var employer: String
    public var country: CountryCode
    public var city: String
    public var occupation: ISCOCode
    /// Any one is not enough: each is needed at its level.
    public var languages: [LanguageRequirement]
    public var startDate: CalendarDate
    public var places: Int

    public init(id: String, employer: String, country: CountryCode, city: String, occupation: ISCOCode,
                languages: [LanguageRequirement], startDate: CalendarDate, places: Int) {
        self.id = id
        self.employer = employer
        self.country = country
        self.city = city
        self.occupation = occupation
        self.languages = languages
        self.startDate = startDate
        self.places = places
    }
}

/// What is wrong with a course or an opening: the field, and what to do about it.
public struct CatalogueIssue: Error, Hashable, Sendable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// The courses and openings an administrator keeps: both are lists of items with an id, each
/// checked against the host countries before it is kept.
public protocol CatalogueItem: Hashable, Codable, Sendable, Identifiable where ID == String {
    /// "course", "opening": for messages and the audit trail's subject.
    static var kind: String { get }
    /// The item's own problems, given the host countries it may be in.
    func issues(countries: [HostCountry]) -> [CatalogueIssue]
    /// How many it can take: seats or places.
    var capacity: Int { get }
    /// How much of each item the cases use.
    static func use(in summaries: [CaseSummary]) -> CatalogueUse
}

extension CatalogueItem {
    /// An identifier is short, and letters, digits, `-`, `_` and `.` only, so it reads the same
    /// in a CSV file, a record and a command line.
    static func idIssues(_ id: String) -> [CatalogueIssue] {
        let allowed = id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
        guard !id.isEmpty, id.count <= 40, allowed else {
            return [CatalogueIssue(field: "id", message: "'\(id)' is not an identifier: 1-40 Latin letters, digits, - _ or .")]
        }
        return []
    }

    static func requireText(_ value: String, _ field: String, _ what: String, limit: Int = 120) -> [CatalogueIssue] {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return [CatalogueIssue(field: field, message: "Give the \(what).")] }
        if trimmed.count > limit { return [CatalogueIssue(field: field, message: "The \(what) is longer than \(limit) characters.")] }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return [CatalogueIssue(field: field, message: "The \(what) contains a control character.")]
        }
        return []
    }

    static func countryIssues(_ country: CountryCode, countries: [HostCountry]) -> [CatalogueIssue] {
        guard countries.isEmpty || countries.contains(where: { $0.code == country }) else {
            return [CatalogueIssue(field: "country", message: "\(country) is not one of the host countries.")]
        }
        return []
    }
}

extension LanguageCourse: CatalogueItem {
    public static let kind = "course"
    public static func use(in summaries: [CaseSummary]) -> CatalogueUse { CourseRoster.use(in: summaries) }

    public func issues(countries: [HostCountry]) -> [CatalogueIssue] {
        var issues = Self.idIssues(id) + Self.requireText(provider, "provider", "provider") + Self.requireText(city, "city", "city")
            + Self.requireText(schedule, "schedule", "schedule", limit: 200) + Self.countryIssues(country, countries: countries)
        if !(1...500).contains(capacity) { issues.append(CatalogueIssue(field: "capacity", message: "Give 1 to 500 seats.")) }
        return issues
    }
}

extension JobOpening: CatalogueItem {
    public static let kind = "opening"
    public static func use(in summaries: [CaseSummary]) -> CatalogueUse { CatalogueUse.openings(in: summaries) }
    public var capacity: Int { places }

    public func issues(countries: [HostCountry]) -> [CatalogueIssue] {
        var issues = Self.idIssues(id) + Self.requireText(employer, "employer", "employer") + Self.requireText(city, "city", "city")
            + Self.countryIssues(country, countries: countries)
        if !(1...1000).contains(places) { issues.append(CatalogueIssue(field: "places", message: "Give 1 to 1000 places.")) }
        return issues
    }
}

/// A change to the courses or the openings.
public enum CatalogueChange<Item: CatalogueItem>: Hashable, Sendable {
    /// New items (one from a form, many from an import); none may reuse an id.
    case add([Item])
    /// An item changed in place, found by its id.
    case update(Item)
    case remove(String)

    /// The items the change touches.
    public var ids: [String] {
        switch self {
        case let .add(items): items.map(\.id)
        case let .update(item): [item.id]
        case let .remove(id): [id]
        }
    }

    public var title: String {
        switch self {
        case let .add(items): items.count == 1 ? "add \(Item.kind) \(items[0].id)" : "import \(items.count) \(Item.kind)s"
        case let .update(item): "change \(Item.kind) \(item.id)"
        case let .remove(id): "remove \(Item.kind) \(id)"
        }
    }
}

/// Applies catalogue changes and says why one is refused: an item's capacity may not go below
/// what is taken of it, and an item cases refer to may not be removed.
public struct CatalogueLedger<Item: CatalogueItem>: Sendable {
    public var items: [Item]
    public var countries: [HostCountry]
    public var use: CatalogueUse

    public init(items: [Item], countries: [HostCountry], use: CatalogueUse = CatalogueUse()) {
        self.items = items
        self.countries = countries
        self.use = use
    }

    /// The list after `change`, or the first problem, naming the item and field.
    public func applying(_ change: CatalogueChange<Item>, by actor: Actor) throws(CatalogueIssue) -> [Item] {
        do { try Capability.manageIntegrationCatalogue.require(actor) } catch {
            throw CatalogueIssue(field: Item.kind, message: error.description)
        }
        var next = items
        switch change {
        case let .add(added):
            guard !added.isEmpty else { throw CatalogueIssue(field: "\(Item.kind)s", message: "There is nothing to add.") }
            var seen = Set(items.map(\.id))
            for item in added {
                if let issue = item.issues(countries: countries).first {
                    throw CatalogueIssue(field: "\(Item.kind) \(item.id) \(issue.field)", message: issue.message)
                }
                guard seen.insert(item.id).inserted else {
                    throw CatalogueIssue(field: "\(Item.kind) \(item.id)", message: "There is already a \(Item.kind) \(item.id).")
                }
                next.append(item)
            }
        case let .update(item):
            guard let index = next.firstIndex(where: { $0.id == item.id }) else {
                throw CatalogueIssue(field: "\(Item.kind) \(item.id)", message: "There is no \(Item.kind) \(item.id).")
            }
            if let issue = item.issues(countries: countries).first {
                throw CatalogueIssue(field: "\(Item.kind) \(item.id) \(issue.field)", message: issue.message)
            }
            let used = use.taken[item.id] ?? 0
            guard item.capacity >= used else {
                throw CatalogueIssue(field: "\(Item.kind) \(item.id)", message: "\(used) already hold one of its places; it cannot have fewer than \(used).")
            }
            next[index] = item
        case let .remove(id):
            guard let index = next.firstIndex(where: { $0.id == id }) else {
                throw CatalogueIssue(field: "\(Item.kind) \(id)", message: "There is no \(Item.kind) \(id).")
            }
            if let used = use.referenced[id], used > 0 {
                throw CatalogueIssue(field: "\(Item.kind) \(id)", message: "\(used) case\(used == 1 ? " is" : "s are") on it; it cannot be removed.")
            }
            next.remove(at: index)
        }
        return next
    }

    /// The audit entry's field changes: each field of the item before and after.
    public static func fieldChanges(from old: [Item], to new: [Item], id: String) -> [FieldChange] {
        let before = old.first { $0.id == id }, after = new.first { $0.id == id }
        let a = before.map(CaseDiff.flatten) ?? [:], b = after.map(CaseDiff.flatten) ?? [:]
        return Set(a.keys).union(b.keys).sorted().compactMap { key in
            a[key] == b[key] ? nil : FieldChange(field: "\(Item.kind)s.\(id).\(key)", before: a[key], after: b[key])
        }
    }
}
