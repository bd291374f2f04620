import Foundation

/// One problem with a record: the field it concerns and a message a caseworker understands.
/// Validation reports every problem at once, so a form can mark each field.
public struct ValidationIssue: Hashable, Sendable, CustomStringConvertible {
    /// A dotted path naming the field, as the JSON form names it: `defector.birthDate`,
    /// `defector.equipment[0].identifier`.
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Collects issues under a field path while walking a record.
struct IssueCollector {
    private(set) var issues: [ValidationIssue] = []
    let prefix: String

    init(prefix: String = "") { self.prefix = prefix }

    mutating func add(_ field: String, _ message: String) {
        issues.append(ValidationIssue(field: prefix.isEmpty ? field : "\(prefix).\(field)", message: message))
    }

    mutating func require(_ text: String, _ field: String, _ message: String) {
        // A text that starts with a printable ASCII character or a letter is not blank; only
        // the rest is trimmed the long way (an import validates 120,000 cases of names).
        if let first = text.unicodeScalars.first,
           (0x21..<0x7F).contains(first.value) || (first.value >= 0x80 && first.properties.isAlphabetic) { return }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { add(field, message) }
    }

    mutating func merge(_ other: IssueCollector) { issues += other.issues }
}
