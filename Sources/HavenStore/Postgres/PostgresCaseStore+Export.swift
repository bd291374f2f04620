import Foundation
import HavenCore

/// What the commands need beyond `CaseStore` (`OpenStore`).
extension PostgresCaseStore: OpenStore {
    public var place: String { location.description }
    public var storeDirectory: URL? { nil }

    public var kind: StoreManifest.Kind {
        get throws {
            try locked {
                let text = try link.query("SELECT kind FROM \(schema).head WHERE id = 1").first?.text(0) ?? ""
                return StoreManifest.Kind(rawValue: text) ?? .live
            }
        }
    }

    public func adopt(_ reference: ReferenceData) throws -> ReferenceData {
        locked { referenceCountries = reference.countries }
        var adopted = reference
        adopted.countries = try hostCountries()
        return adopted
    }

    public func auditExport(_ subject: String, _ description: String, by actor: Actor, at time: Timestamp) throws {
        try administratorChange(by: actor, at: time, subject: subject) { _, _ in
            ((), 1, [FieldChange(field: "exported", before: nil, after: description)])
        }
    }

    /// The cases as they stood at one moment: a connection of its own in a repeatable-read
    /// transaction reads the summaries, then the records a batch at a time, while saves go on.
    public func latestVersions() throws -> LatestVersions {
        let reading = try PostgresLink(location)
        try reading.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        let decoder = JSONDecoder()
        let summaries = try reading.query("SELECT id, version, summary FROM \(schema).cases ORDER BY id").map { row in
            let id = CaseID(number: try row.int(0))
            return try decoder.decode(StoredSummary.self, from: Data(try row.text(2).utf8)).caseSummary(id: id, version: CaseVersion(try row.int(1)))
        }
        let schema = schema
        return LatestVersions(summaries: summaries) { ids in
            let rows = try reading.query("SELECT id, record FROM \(schema).cases WHERE id = ANY($1::int[])", [.ints(ids.map(\.number))])
            var byID: [Int: [UInt8]] = [:]
            for row in rows { byID[try row.int(0)] = Array(try row.text(1).utf8) }
            return try ids.map { id in
                guard let record = byID[id.number] else {
                    throw StoreError.damaged(file: "\(schema).cases", position: "\(id)", reason: "the case is missing from the export's reading")
                }
                return record
            }
        }
    }
}
