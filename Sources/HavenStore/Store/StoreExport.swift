import Foundation
import HavenCore

/// Writes cases out: JSON that `import` reproduces exactly (with `--include-sensitive`), or
/// CSV for a spreadsheet (no family fields at all).
public enum StoreExport {
    /// The case encoder, leaving out the sensitive fields.
    static let withoutSensitive: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.userInfo[SensitiveField.leaveOutKey] = true
        return encoder
    }()

    /// A JSON array, one case per line, so it streams and reads well with jq; without the
    /// sensitive fields unless `includeSensitive`.
    public static func json(_ records: [Case], includeSensitive: Bool = false) throws -> [UInt8] {
        var bytes = Array("[\n".utf8)
        for (index, record) in records.enumerated() {
            bytes += try (includeSensitive ? CaseRecordLine.encoder : withoutSensitive).encode(record)
            bytes += Array((index + 1 < records.count ? ",\n" : "\n").utf8)
        }
        bytes += Array("]\n".utf8)
        return bytes
    }

    public static let csvColumns = [
        "id", "stage", "family_cyrillic", "given_cyrillic", "patronymic_cyrillic", "family_latin", "given_latin",
        "patronymic_latin", "birth_date", "birth_place", "branch", "rank", "unit", "specialty", "crossing_method",
        "crossing_date", "custody", "assigned_to", "country", "registered_at", "stage_entered_at",
    ]

    /// One row per case, as `CSV` writes it (RFC 4180, BOM, formulas defused).
    public static func csv(_ records: [Case]) -> [UInt8] {
        let rows: [[String]] = records.map { record in
            let d = record.defector
            return [
                record.id.rawValue, record.stage.rawValue, d.cyrillicName.family, d.cyrillicName.given, d.cyrillicName.patronymic,
                d.latinName.family, d.latinName.given, d.latinName.patronymic, d.birthDate?.description ?? "", d.birthPlace,
                d.service.branch.rawValue, d.service.rank.rawValue, d.service.unit, d.service.specialty ?? "",
                d.crossing.method.rawValue, d.crossing.date?.description ?? "", d.custody.rawValue,
                record.assignedTo?.rawValue ?? "", record.allocatedCountry?.rawValue ?? "",
                record.registeredAt.description, record.stageEnteredAt.description,
            ]
        }
        return Array(CSV.document(header: csvColumns, rows: rows).utf8)
    }

    /// Decodes an import file: a JSON array of cases; errors name the file, line and column.
    public static func decodeCases(_ data: Data, file: String) throws(ReferenceDataError) -> [Case] {
        try ReferenceDataDecoder.decode(data, file: file)
    }
}

extension StoreExport {
    /// Approved public stories as a JSON array, one per line.
    public static func stories(_ stories: [PublicStory]) throws -> [UInt8] {
        var bytes = Array("[\n".utf8)
        for (index, story) in stories.enumerated() {
            bytes += try CaseRecordLine.encoder.encode(story)
            bytes += Array((index + 1 < stories.count ? ",\n" : "\n").utf8)
        }
        bytes += Array("]\n".utf8)
        return bytes
    }
}
