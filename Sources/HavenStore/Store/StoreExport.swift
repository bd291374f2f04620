import Foundation
import HavenCore

/// Writes cases out: JSON that `import` reproduces exactly, or CSV for a spreadsheet.
public enum StoreExport {
    /// A JSON array, one case per line, so it streams and reads well with jq.
    public static func json(_ records: [Case]) throws -> [UInt8] {
        var bytes = Array("[\n".utf8)
        for (index, record) in records.enumerated() {
            bytes += try CaseRecordLine.encoder.encode(record)
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

    /// One row per case, RFC 4180 (CRLF, quotes doubled), UTF-8 with a byte-order mark so
    /// spreadsheets read Cyrillic correctly. A cell that a spreadsheet would run as a formula
    /// (= + - @ at the start) gets a leading apostrophe.
    public static func csv(_ records: [Case]) -> [UInt8] {
        var text = "\u{FEFF}" + csvColumns.joined(separator: ",") + "\r\n"
        for record in records {
            let d = record.defector
            let row: [String] = [
                record.id.rawValue, record.stage.rawValue, d.cyrillicName.family, d.cyrillicName.given, d.cyrillicName.patronymic,
                d.latinName.family, d.latinName.given, d.latinName.patronymic, d.birthDate?.description ?? "", d.birthPlace,
                d.service.branch.rawValue, d.service.rank.rawValue, d.service.unit, d.service.specialty ?? "",
                d.crossing.method.rawValue, d.crossing.date?.description ?? "", d.custody.rawValue,
                record.assignedTo?.rawValue ?? "", record.allocatedCountry?.rawValue ?? "",
                record.registeredAt.description, record.stageEnteredAt.description,
            ]
            text += row.map(csvField).joined(separator: ",") + "\r\n"
        }
        return Array(text.utf8)
    }

    static func csvField(_ value: String) -> String {
        var field = value
        if let first = field.first, "=+-@".contains(first), !(first == "-" && field.dropFirst().allSatisfy(\.isNumber)) {
            field = "'" + field
        }
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Decodes an import file: a JSON array of cases; errors name the file, line and column.
    public static func decodeCases(_ data: Data, file: String) throws(ReferenceDataError) -> [Case] {
        try ReferenceDataDecoder.decode(data, file: file)
    }
}
