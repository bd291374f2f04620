/// A record of an import file that cannot be taken: its index in the file, the field, why.
public struct ImportProblem: Hashable, Sendable, CustomStringConvertible {
    public let index: Int
    public let field: String
    public let message: String

    public init(index: Int, field: String, message: String) {
        self.index = index
        self.field = field
        self.message = message
    }

    public var description: String { "record \(index)\(field.isEmpty ? "" : ", \(field)"): \(message)" }
}

public enum ImportError: Error, CustomStringConvertible {
    case unreadable(ReferenceDataError)
    case invalid([ImportProblem])

    public var description: String {
        switch self {
        case let .unreadable(error): "\(error)"
        case let .invalid(problems):
            "nothing was imported: \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
                + problems.map { "  \($0)" }.joined(separator: "\n")
        }
    }
}

/// What an import must pass before the save contract sees it (every store calls this, then
/// saves the cases together as new cases under `SaveContract`).
public enum ImportCheck {
    /// Every case of an import, checked before any is written: it passes validation, and its
    /// id is neither repeated in the file nor already in the store.
    public static func problems(in records: [Case], today: CalendarDate, isStored: (CaseID) -> Bool) -> [ImportProblem] {
        var problems: [ImportProblem] = []
        var seen: [CaseID: Int] = [:]
        // Validation is most of the time (30 µs a case, 120,000 cases): on every core.
        let issues = (try? Parallel.map(records.count, chunkSize: 512) { CaseValidation.issues(in: records[$0], today: today) }) ?? []
        for (index, record) in records.enumerated() {
            if let first = seen[record.id] {
                problems.append(ImportProblem(index: index, field: "id", message: "\(record.id) is also record \(first)"))
            } else {
                seen[record.id] = index
            }
            if isStored(record.id) {
                problems.append(ImportProblem(index: index, field: "id", message: "\(record.id) is already in the store"))
            }
            for issue in issues[index] {
                problems.append(ImportProblem(index: index, field: issue.field, message: issue.message))
            }
        }
        return problems
    }

    /// Refuses an import that would allocate more cases to a country than its quota, counting
    /// the whole import at once (the contract would name only the first case past it).
    public static func checkQuotas(_ records: [Case], countries: [HostCountry], used: [CountryCode: Int]) throws {
        guard !countries.isEmpty else { return }
        var used = used
        for record in records { if let country = record.allocatedCountry { used[country, default: 0] += 1 } }
        for country in countries where (used[country.code] ?? 0) > country.quota {
            throw StoreError.quota(.overQuota(country.code, name: country.name, quota: country.quota, allocated: used[country.code]!))
        }
    }
}
