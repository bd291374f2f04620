/// A string with a checked form (a case id, a country code), stored in JSON as the plain string.
///
/// Conforming types give the check (`init?`) and a phrase naming the form for error messages;
/// decoding, encoding, ordering and printing come from here.
public protocol CheckedString: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    var rawValue: String { get }
    init?(_ text: String)
    /// What a valid value looks like, for messages: "a case id like HV-000123".
    static var expectedForm: String { get }
}

extension CheckedString {
    public var description: String { rawValue }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not \(Self.expectedForm)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A case's identifier, `HV-` and six or more digits (`HV-000123`).
public struct CaseID: CheckedString {
    public let rawValue: String
    /// The numeric part, which orders cases by registration; kept, not reparsed, because
    /// sorting 120,000 cases compares ids millions of times.
    public let number: Int
    public static let expectedForm = "a case id like HV-000123"

    public init?(_ text: String) {
        // Read as bytes (the store reads an id for every line it opens).
        let utf8 = text.utf8
        guard utf8.count >= 9, utf8.count <= 21, utf8.starts(with: "HV-".utf8) else { return nil }
        var number = 0
        for byte in utf8.dropFirst(3) {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let (product, overflow) = number.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            let (sum, overflowAgain) = product.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflowAgain else { return nil }
            number = sum
        }
        rawValue = text
        self.number = number
    }

    public init(number: Int) {
        let digits = String(number)
        rawValue = "HV-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        self.number = number
    }

    public static func < (a: CaseID, b: CaseID) -> Bool { a.number < b.number }
    public static func == (a: CaseID, b: CaseID) -> Bool { a.rawValue == b.rawValue }
    /// By number: equal ids have equal numbers, and hashing an Int skips the Unicode
    /// normalisation a String's hash does (every dictionary of cases hashes ids).
    public func hash(into hasher: inout Hasher) { hasher.combine(number) }
}

/// A Unix account name on the shared server. Haven takes it from the operating system,
/// never from anything the user types.
public struct UserName: CheckedString, ExpressibleByStringLiteral {
    public let rawValue: String
    public static let expectedForm = "a user name (letters, digits, '.', '_' or '-')"

    public init?(_ text: String) {
        // ASCII letters, digits, '.', '_' and '-' only, so bytes are characters.
        guard !text.isEmpty, text.utf8.count <= 64,
              text.utf8.allSatisfy({ byte in
                  (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                      || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                      || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
              }) else { return nil }
        rawValue = text
    }

    public init(stringLiteral value: String) {
        guard let name = UserName(value) else { preconditionFailure("'\(value)' is not a user name") }
        self = name
    }
}

/// An ISO 3166-1 alpha-2 country code (`GB`, `DE`, `RU`).
public struct CountryCode: CheckedString {
    public let rawValue: String
    public static let expectedForm = "an ISO 3166-1 alpha-2 code (two capital letters)"

    public init?(_ text: String) {
        guard text.utf8.count == 2, text.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else { return nil }
        rawValue = text
    }
}

/// An ISO 639-1 language code (`en`, `de`, `ru`).
public struct LanguageCode: CheckedString {
    public let rawValue: String
    public static let expectedForm = "an ISO 639-1 code (two small letters)"

    public init?(_ text: String) {
        guard text.utf8.count == 2, text.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }) else { return nil }
        rawValue = text
    }
}

/// An ISCO-08 unit group: four digits (`8332`, heavy truck and lorry drivers).
public struct ISCOCode: CheckedString {
    public let rawValue: String
    public static let expectedForm = "an ISCO-08 unit group (four digits)"

    public init?(_ text: String) {
        guard text.utf8.count == 4, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        rawValue = text
    }

    /// The major group (first digit): 0 armed forces, 7 craft and trades, 8 operators, ...
    public var majorGroup: Int { Int(String(rawValue.prefix(1))) ?? 0 }
}
