import Foundation

/// Finds cases by a name typed in either script and any transliteration, or by case number,
/// as the user types: every word typed must begin a word of the case's Cyrillic or Latin
/// name under the name-matching key ("влад", "Wlad" and "Vlad" all find Владимир).
public struct CaseSearchIndex: Sendable {
    struct Entry: Sendable {
        let id: CaseID
        let wordKeys: [String]
    }

    private let entries: [Entry]

    public init(_ summaries: [CaseSummary]) {
        entries = summaries.sorted { $0.id < $1.id }.map { summary in
            let keys = NameMatchingKey.wordKeys(of: summary.cyrillicName) + NameMatchingKey.wordKeys(of: summary.latinName)
            return Entry(id: summary.id, wordKeys: Array(Set(keys)))
        }
    }

    public var count: Int { entries.count }

    /// The cases matching `query`, in case-number order; at most `limit`.
    public func matches(_ query: String, limit: Int = .max) -> [CaseID] {
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return [] }
        if let number = Self.caseNumber(in: trimmed) {
            return Array(entries.lazy.filter { String($0.id.number).hasPrefix(number) }.prefix(limit).map(\.id))
        }
        let wanted = NameMatchingKey.wordKeys(of: trimmed)
        guard !wanted.isEmpty else { return [] }
        return Array(entries.lazy.filter { entry in
            wanted.allSatisfy { word in entry.wordKeys.contains { $0.hasPrefix(word) } }
        }.prefix(limit).map(\.id))
    }

    /// The cases whose names contain every one of these word keys exactly (whole words, not
    /// prefixes): the cases a new registration may duplicate.
    public func cases(havingEveryWord keys: [String]) -> [CaseID] {
        guard !keys.isEmpty else { return [] }
        return entries.filter { entry in keys.allSatisfy(entry.wordKeys.contains) }.map(\.id)
    }

    /// "HV-0012", "hv12" or "12" → "12"; nil when the query is not a case number.
    static func caseNumber(in query: String) -> String? {
        var digits = Substring(query.uppercased())
        if digits.hasPrefix("HV") { digits = digits.dropFirst(2) }
        if digits.hasPrefix("-") { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let trimmed = digits.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }
}
