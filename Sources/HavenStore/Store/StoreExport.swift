import Foundation
import HavenCore

/// Writes cases out: JSON that `import` reproduces exactly (with `--include-sensitive`, or
/// when no case has family), or CSV for a spreadsheet (no family fields at all).
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
        csvHeader + records.flatMap { csvLine(csvRow($0)) }
    }

    /// The byte-order mark and the header line.
    static let csvHeader = Array(("\u{FEFF}" + csvColumns.map(CSV.field).joined(separator: ",") + "\r\n").utf8)

    static func csvLine(_ row: [String]) -> [UInt8] {
        var line: [UInt8] = []
        appendCSVLine(row, to: &line)
        return line
    }

    /// Appends the row as `CSV.document` writes it, with no string made on the way.
    static func appendCSVLine(_ row: [String], to bytes: inout [UInt8]) {
        for (index, value) in row.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += CSV.field(value).utf8
        }
        bytes += [13, 10]
    }

    /// An erased case's row leaves its branch, rank, way of crossing and custody empty: its
    /// tombstone holds only the defaults of those fields, which would count as facts.
    static func csvRow(_ record: Case) -> [String] {
        let d = record.defector
        let erased = record.isErased
        return [
            record.id.rawValue, record.stage.rawValue, d.cyrillicName.family, d.cyrillicName.given, d.cyrillicName.patronymic,
            d.latinName.family, d.latinName.given, d.latinName.patronymic, d.birthDate?.description ?? "", d.birthPlace,
            erased ? "" : d.service.branch.rawValue, erased ? "" : d.service.rank.rawValue, d.service.unit, d.service.specialty ?? "",
            erased ? "" : d.crossing.method.rawValue, d.crossing.date?.description ?? "", erased ? "" : d.custody.rawValue,
            record.assignedTo?.rawValue ?? "", record.allocatedCountry?.rawValue ?? "",
            record.registeredAt.description, record.stageEnteredAt.description,
        ]
    }

    /// The same row from fields read out of the case's bytes and its summary (`CaseJSON`).
    static func csvRow(id: CaseID, summary: CaseSummary, fields f: CaseJSON.CSVFields) -> [String] {
        [
            id.rawValue, summary.stage.rawValue, f.cyrillicName.family, f.cyrillicName.given, f.cyrillicName.patronymic,
            f.latinName.family, f.latinName.given, f.latinName.patronymic, f.birthDate, f.birthPlace,
            summary.isErased ? "" : f.branch, summary.isErased ? "" : f.rank, f.unit, f.specialty,
            summary.isErased ? "" : f.crossingMethod, f.crossingDate, summary.isErased ? "" : f.custody,
            summary.assignedTo?.rawValue ?? "", summary.country?.rawValue ?? "",
            f.registeredAt, summary.stageEnteredAt.description,
        ]
    }

    /// Decodes an import file: a JSON array of cases; errors name the file, line and column,
    /// and a file exported without the sensitive fields is refused saying so (`ImportFile`).
    public static func decodeCases(_ data: Data, file: String) throws(ReferenceDataError) -> [Case] {
        try ImportFile.decodeCases(data, file: file)
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
