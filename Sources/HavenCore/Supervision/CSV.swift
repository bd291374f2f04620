/// RFC 4180 text for spreadsheets: CRLF line ends, quotes doubled, UTF-8 with a byte-order
/// mark so Cyrillic reads right. A cell a spreadsheet would run as a formula (= + - @ at the
/// start, other than a negative number) gets a leading apostrophe.
public enum CSV {
    public static func field(_ value: String) -> String {
        var field = value
        if let first = field.first, "=+-@".contains(first), !(first == "-" && field.dropFirst().allSatisfy(\.isNumber)) {
            field = "'" + field
        }
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func document(header: [String], rows: [[String]]) -> String {
        var text = "\u{FEFF}" + header.map(field).joined(separator: ",") + "\r\n"
        for row in rows { text += row.map(field).joined(separator: ",") + "\r\n" }
        return text
    }
}
