import Foundation

/// A problem in a reference data file, with the file, the position and what is wrong.
public struct ReferenceDataError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    /// Line and column of the offending value, when it can be found in the text.
    public let position: JSONPosition?
    /// The coding path of the offending value (`[3].quota`), when there is one.
    public let path: String
    public let message: String

    public init(file: String, position: JSONPosition?, path: String, message: String) {
        self.file = file
        self.position = position
        self.path = path
        self.message = message
    }

    public var description: String {
        var location = file
        if let position { location += ", \(position)" }
        if !path.isEmpty { location += " (at \(path))" }
        return "\(location): \(message)"
    }
}

/// Decodes and checks reference data from the bytes of its files. Reading the files is the
/// caller's job (HavenCore does no I/O); every error names the file and the position.
public enum ReferenceDataDecoder {
    public static func countries(from data: Data, file: String) throws(ReferenceDataError) -> [HostCountry] {
        let countries: [HostCountry] = try decode(data, file: file)
        let bytes = [UInt8](data)
        func problem(_ path: [JSONPosition.PathComponent], _ message: String) -> ReferenceDataError {
            error(file: file, bytes: bytes, path: path, message: message)
        }
        guard !countries.isEmpty else { throw problem([], "the list of host countries is empty") }
        var seen: Set<CountryCode> = []
        for (index, country) in countries.enumerated() {
            if !seen.insert(country.code).inserted {
                throw problem([.index(index), .key("code")], "the country code \(country.code) appears twice")
            }
            if country.name.trimmingCharacters(in: .whitespaces).isEmpty {
                throw problem([.index(index), .key("name")], "the country \(country.code) has no name")
            }
            if country.languages.isEmpty {
                throw problem([.index(index), .key("languages")], "the country \(country.code) lists no official language")
            }
            if country.quota < 0 {
                throw problem([.index(index), .key("quota")], "the quota of \(country.code) is \(country.quota); a quota cannot be negative")
            }
            for (kind, capacity) in country.capacities.sorted(by: { $0.key < $1.key }) where capacity < 0 {
                throw problem([.index(index), .key("capacities"), .key(kind.rawValue)],
                              "\(country.code) has \(capacity) \(kind.title.lowercased()); a number of places cannot be negative")
            }
        }
        return countries
    }

    public static func stageTargets(from data: Data, file: String) throws(ReferenceDataError) -> StageTargets {
        let file_ = file
        let file: StageTargets.File = try decode(data, file: file_)
        let bytes = [UInt8](data)
        var seen: Set<CaseStage> = []
        for (index, entry) in file.targets.enumerated() {
            if !seen.insert(entry.stage).inserted {
                throw error(file: file_, bytes: bytes, path: [.key("targets"), .index(index), .key("stage")],
                            message: "the stage \(entry.stage.rawValue) has two targets")
            }
            if entry.stage == .closed || entry.days < 1 {
                throw error(file: file_, bytes: bytes, path: [.key("targets"), .index(index), .key(entry.stage == .closed ? "stage" : "days")],
                            message: entry.stage == .closed ? "a closed case has no target" : "a target must be at least one day, not \(entry.days)")
            }
        }
        return StageTargets(days: Dictionary(file.targets.map { ($0.stage, $0.days) }) { $1 })
    }

    struct ReunificationFile: Decodable {
        var eligible: [Relationship]
        var eligibleWhileMinor: [Relationship]
        var minorAge: Int
        var documentsForAll: [String]
        var documentsByRelationship: [String: [String]]
    }

    /// `retention.json`, the retention schedule: rule names unique (letters, digits, '-'), 0 to 100 years, and
    /// one rule that keeps every closure reason no other rule names, so no closed case is
    /// without a rule.
    public static func retention(from data: Data, file: String) throws(ReferenceDataError) -> RetentionSchedule {
        struct RetentionFile: Decodable { var rules: [RetentionRule] }
        let parsed: RetentionFile = try decode(data, file: file)
        let bytes = [UInt8](data)
        func problem(_ path: [JSONPosition.PathComponent], _ message: String) -> ReferenceDataError {
            error(file: file, bytes: bytes, path: path, message: message)
        }
        var seen: Set<String> = []
        for (index, rule) in parsed.rules.enumerated() {
            let allowed = rule.id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            guard (1...40).contains(rule.id.count), allowed else {
                throw problem([.key("rules"), .index(index), .key("id")], "a rule's id is 1 to 40 lower-case letters, digits or '-', not '\(rule.id)'")
            }
            guard seen.insert(rule.id).inserted else {
                throw problem([.key("rules"), .index(index), .key("id")], "the rule \(rule.id) appears twice")
            }
            guard (0...100).contains(rule.yearsAfterClosure) else {
                throw problem([.key("rules"), .index(index), .key("yearsAfterClosure")], "keep a case 0 to 100 years, not \(rule.yearsAfterClosure)")
            }
            guard !rule.title.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw problem([.key("rules"), .index(index), .key("title")], "the rule \(rule.id) has no title")
            }
        }
        guard parsed.rules.contains(where: { !$0.isOnRequest && $0.closure == nil }) else {
            throw problem([.key("rules")], "no rule keeps the cases closed for reasons no other rule names: add one without 'closure'")
        }
        return RetentionSchedule(rules: parsed.rules)
    }

    /// `reunification.json`: eligibility and the documents checklist.
    public static func reunification(from data: Data, file: String) throws(ReferenceDataError) -> ReunificationPolicy {
        let parsed: ReunificationFile = try decode(data, file: file)
        let bytes = [UInt8](data)
        guard (1...25).contains(parsed.minorAge) else {
            throw error(file: file, bytes: bytes, path: [.key("minorAge")], message: "the age of majority must be 1 to 25, not \(parsed.minorAge)")
        }
        var byRelationship: [Relationship: [String]] = [:]
        for (key, documents) in parsed.documentsByRelationship {
            guard let relationship = Relationship(rawValue: key) else {
                throw error(file: file, bytes: bytes, path: [.key("documentsByRelationship"), .key(key)],
                            message: "\(key) is not a relationship (\(Relationship.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            byRelationship[relationship] = documents
        }
        return ReunificationPolicy(eligible: parsed.eligible, eligibleWhileMinor: parsed.eligibleWhileMinor, minorAge: parsed.minorAge,
                                   documentsForAll: parsed.documentsForAll, documentsByRelationship: byRelationship)
    }

    public static func occupations(from data: Data, file: String) throws(ReferenceDataError) -> OccupationCatalogue {
        let catalogue: OccupationCatalogue = try decode(data, file: file)
        let bytes = [UInt8](data)
        func problem(_ path: [JSONPosition.PathComponent], _ message: String) -> ReferenceDataError {
            error(file: file, bytes: bytes, path: path, message: message)
        }
        var groups: Set<ISCOCode> = []
        for (index, group) in catalogue.unitGroups.enumerated() {
            if !groups.insert(group.code).inserted {
                throw problem([.key("unitGroups"), .index(index), .key("code")], "the ISCO-08 unit group \(group.code) appears twice")
            }
            if group.title.trimmingCharacters(in: .whitespaces).isEmpty {
                throw problem([.key("unitGroups"), .index(index), .key("title")], "the ISCO-08 unit group \(group.code) has no title")
            }
        }
        var specialties: Set<String> = []
        for (index, specialty) in catalogue.specialties.enumerated() {
            let at: [JSONPosition.PathComponent] = [.key("specialties"), .index(index)]
            if specialty.code.isEmpty || !specialty.code.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) {
                throw problem(at + [.key("code")], "the specialty code '\(specialty.code)' must be small letters, digits and hyphens")
            }
            if !specialties.insert(specialty.code).inserted {
                throw problem(at + [.key("code")], "the specialty '\(specialty.code)' appears twice")
            }
            if specialty.occupations.isEmpty {
                throw problem(at + [.key("occupations")], "the specialty '\(specialty.code)' maps to no occupation")
            }
            for (occupationIndex, code) in specialty.occupations.enumerated() where !groups.contains(code) {
                throw problem(at + [.key("occupations"), .index(occupationIndex)],
                              "the specialty '\(specialty.code)' names ISCO-08 unit group \(code), which is not in unitGroups")
            }
        }
        return catalogue
    }

    /// Decodes `T`, turning Foundation's errors into ones that name the line and column.
    public static func decode<T: Decodable>(_ data: Data, file: String) throws(ReferenceDataError) -> T {
        let bytes = [UInt8](data)
        if let (position, message) = JSONPosition.syntaxError(in: bytes) {
            throw ReferenceDataError(file: file, position: position, path: "", message: "not valid JSON: \(message)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let decodingError as DecodingError {
            throw describe(decodingError, file: file, bytes: bytes)
        } catch {
            throw ReferenceDataError(file: file, position: nil, path: "", message: "\(error)")
        }
    }

    public static func error(file: String, bytes: [UInt8], path: [JSONPosition.PathComponent], message: String) -> ReferenceDataError {
        ReferenceDataError(file: file, position: JSONPosition.position(of: path, in: bytes),
                           path: pathText(path), message: message)
    }

    static func describe(_ decodingError: DecodingError, file: String, bytes: [UInt8]) -> ReferenceDataError {
        func components(_ codingPath: [any CodingKey]) -> [JSONPosition.PathComponent] {
            codingPath.map { key in key.intValue.map { .index($0) } ?? .key(key.stringValue) }
        }
        switch decodingError {
        case let .typeMismatch(type, context):
            return error(file: file, bytes: bytes, path: components(context.codingPath),
                         message: "expected \(kind(of: type)); \(foundPhrase(context.debugDescription))")
        case let .valueNotFound(type, context):
            return error(file: file, bytes: bytes, path: components(context.codingPath),
                         message: "expected \(kind(of: type)), found null")
        case let .keyNotFound(key, context):
            return error(file: file, bytes: bytes, path: components(context.codingPath),
                         message: "the field \"\(key.stringValue)\" is missing")
        case let .dataCorrupted(context):
            return error(file: file, bytes: bytes, path: components(context.codingPath), message: context.debugDescription)
        @unknown default:
            return ReferenceDataError(file: file, position: nil, path: "", message: "\(decodingError)")
        }
    }

    static func kind(of type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type: "a whole number"
        case is Double.Type: "a number"
        case is String.Type: "text in quotes"
        case is Bool.Type: "true or false"
        default:
            String(describing: type).hasPrefix("Array") ? "a list [...]" :
                String(describing: type).hasPrefix("Dictionary") ? "an object {...}" : "a \(type)"
        }
    }

    /// "Expected to decode Int but found a string instead." → "found text".
    static func foundPhrase(_ debugDescription: String) -> String {
        guard let range = debugDescription.range(of: "but found ") else { return debugDescription }
        let found = debugDescription[range.upperBound...].replacingOccurrences(of: " instead.", with: "")
        switch found {
        case "a string": return "found text"
        case "a dictionary": return "found an object {...}"
        case "an array": return "found a list [...]"
        default: return "found \(found)"
        }
    }

    static func pathText(_ path: [JSONPosition.PathComponent]) -> String {
        var text = ""
        for component in path {
            switch component {
            case let .index(i): text += "[\(i)]"
            case let .key(k): text += text.isEmpty ? k : ".\(k)"
            }
        }
        return text
    }
}
