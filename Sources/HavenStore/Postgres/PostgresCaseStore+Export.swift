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
        try reading.beginSnapshot()
        let joined = try reading.query("""
            SELECT count(*)::int, coalesce(string_agg(id || ' ' || version || ' ' || change_sequence || ' ' || summary, E'\\n' ORDER BY id), '')
            FROM \(schema).cases
            """)
        var (count, text) = try joined.first!.decode((Int, String).self)
        let summaries = count == 0 ? [] : try text.withUTF8 { try Self.summaryLines($0, count: count).map(\.0) }
        let schema = schema
        return LatestVersions(summaries: summaries) { ids in
            // One text of the batch's records, a line each (`id {…}`), in case order.
            let rows = try reading.query("""
                SELECT count(*)::int, coalesce(string_agg(id || ' ' || record, E'\\n' ORDER BY id), '')
                FROM \(schema).cases WHERE id = ANY($1::int[])
                """, [.ints(ids.map(\.number))])
            var (found, text) = try rows.first!.decode((Int, String).self)
            let ordered = ids.map(\.number).sorted()
            guard found == ids.count, ordered == ids.map(\.number) else {
                throw StoreError.damaged(file: "\(schema).cases", position: "an export batch", reason: "\(ids.count - found) of its cases are missing from the export's reading")
            }
            return try text.withUTF8 { bytes -> [[UInt8]] in
                var records: [[UInt8]] = []
                records.reserveCapacity(found)
                var start = 0
                for (index, id) in ordered.enumerated() {
                    let end = index == found - 1 ? bytes.count : (bytes[start...].firstIndex(of: 10) ?? bytes.count)
                    let prefix = Array("\(id) ".utf8)
                    guard end - start > prefix.count, bytes[start..<(start + prefix.count)].elementsEqual(prefix) else {
                        throw StoreError.damaged(file: "\(schema).cases", position: "HV-\(id)", reason: "the export's reading is not laid out as asked")
                    }
                    records.append(Array(bytes[(start + prefix.count)..<end]))
                    start = end + 1
                }
                return records
            }
        }
    }
}
