import Foundation

/// Finds cases by a name typed in either script and any transliteration, or by case number,
/// as the user types: every word typed must begin a word of the case's Cyrillic or Latin
/// name under the name-matching key ("влад", "Wlad" and "Vlad" all find Владимир).
public struct CaseSearchIndex: Sendable {
    struct Entry: Sendable {
        let id: CaseID
        /// The names the keys were worked out from, so an update can tell what changed.
        let names: String
        let wordKeys: [String]

        init(_ summary: CaseSummary) {
            id = summary.id
            names = summary.cyrillicName + "\u{0}" + summary.latinName
            let keys = NameMatchingKey.wordKeys(of: summary.cyrillicName) + NameMatchingKey.wordKeys(of: summary.latinName)
            wordKeys = Array(Set(keys))
        }
    }

    private let entries: [Entry]

    public init(_ summaries: [CaseSummary]) {
        entries = summaries.sorted { $0.id < $1.id }.map(Entry.init)
    }

    private init(entries: [Entry]) {
        self.entries = entries
    }

    /// The index for `summaries`, reusing the keys of every case whose names did not change:
    /// another session's save costs one case's keys, not the whole store's.
    public func updating(with summaries: [CaseSummary]) -> CaseSearchIndex {
        var known: [CaseID: Entry] = [:]
        known.reserveCapacity(entries.count)
        for entry in entries { known[entry.id] = entry }
        return CaseSearchIndex(entries: summaries.sorted { $0.id < $1.id }.map { summary in
            if let entry = known[summary.id], entry.names == summary.cyrillicName + "\u{0}" + summary.latinName { return entry }
            return Entry(summary)
        })
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
