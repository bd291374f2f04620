/// RFC 4180 text for spreadsheets: CRLF line ends, quotes doubled, UTF-8 with a byte-order
/// mark so Cyrillic reads right. A cell a spreadsheet would run as a formula (= + - @ at the
/// start, other than a negative number) gets a leading apostrophe.
public enum CSV {
    public static func field(_ value: String) -> String {
        // Almost every field starts with none of = + - @ and holds no comma, quote or line
        // break: then it is written as it is. A character that is one of those holds its byte,
        // so looking at the bytes is enough to know; anything else goes the long way below.
        func isPlain(_ bytes: some Collection<UInt8>) -> Bool {
            if let first = bytes.first,
               first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: "@") {
                return false
            }
            return !bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        }
        if value.utf8.withContiguousStorageIfAvailable(isPlain) ?? isPlain(value.utf8) { return value }
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

extension CSV {
    /// A record read from CSV text: the line it starts on (1-based) and its fields.
    public struct Record: Hashable, Sendable {
        public var line: Int
        public var fields: [String]
    }

    /// Where CSV text breaks the format: an unclosed quote, text after a closing quote.
    public struct SyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Reads RFC 4180 text (as spreadsheets write it): a leading byte-order mark is skipped,
    /// lines end in CRLF or LF, quoted fields may hold commas, quotes ("") and line breaks.
    /// Blank lines are skipped.
    public static func records(_ text: String) throws(SyntaxError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var line = 1, recordLine = 1
        var quoted = false, afterQuote = false, fieldStarted = false
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var index = 0
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !fieldStarted) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
            field = ""
            fieldStarted = false
            afterQuote = false
        }
        while index < scalars.count {
            let c = scalars[index]
            index += 1
            if quoted {
                if c == "\"" {
                    if index < scalars.count, scalars[index] == "\"" { field.unicodeScalars.append("\""); index += 1 } else { quoted = false; afterQuote = true }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
                fieldStarted = true
            case "\r" where index < scalars.count && scalars[index] == "\n":
                break
            case "\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            case "\"":
                guard field.isEmpty, !afterQuote else { throw SyntaxError(line: line, message: "a quote inside an unquoted field; quote the whole field and double the quote") }
                quoted = true
                fieldStarted = true
            default:
                guard !afterQuote else { throw SyntaxError(line: line, message: "text after a closing quote") }
                field.unicodeScalars.append(c)
                fieldStarted = true
            }
        }
        guard !quoted else { throw SyntaxError(line: recordLine, message: "a quoted field is never closed") }
        if fieldStarted || !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
