/// Finds line and column positions in JSON text, for error messages a person can act on.
///
/// Foundation's `JSONDecoder` reports a type error by coding path (`[3].quota`) and a syntax
/// error with no position at all; this scanner turns both into "line 12, column 5".
public struct JSONPosition: Hashable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column)" }

    /// One step of a coding path: an object key or an array index.
    public enum PathComponent: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    /// The first syntax error in `bytes`, with its position, or nil when the text is valid JSON.
    public static func syntaxError(in bytes: [UInt8]) -> (position: JSONPosition, message: String)? {
        var scanner = Scanner(bytes: bytes, target: nil)
        do {
            try scanner.scanDocument()
            return nil
        } catch {
            return (position(ofOffset: error.offset, in: bytes), error.message)
        }
    }

    /// Where the value at `path` starts, or nil if the path is not in the text.
    public static func position(of path: [PathComponent], in bytes: [UInt8]) -> JSONPosition? {
        var scanner = Scanner(bytes: bytes, target: path)
        try? scanner.scanDocument()
        return scanner.found.map { position(ofOffset: $0, in: bytes) }
    }

    /// Line and column (both from 1; the column counts characters, not bytes) of a byte offset.
    public static func position(ofOffset offset: Int, in bytes: [UInt8]) -> JSONPosition {
        let end = min(offset, bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<end where bytes[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        // Count characters, not bytes, so a Cyrillic line points at the right column.
        let column = bytes[lineStart..<end].filter { $0 & 0xC0 != 0x80 }.count + 1
        return JSONPosition(line: line, column: column)
    }

    struct ScanError: Error {
        let offset: Int
        let message: String
    }

    /// A recursive-descent JSON recogniser that notes where the target path's value starts.
    struct Scanner {
        /// Deeper nesting than this is refused rather than risking the stack.
        static let maximumDepth = 512
        let bytes: [UInt8]
        let target: [PathComponent]?
        var offset = 0
        var path: [PathComponent] = []
        var found: Int?

        init(bytes: [UInt8], target: [PathComponent]?) {
            self.bytes = bytes
            self.target = target
        }

        mutating func scanDocument() throws(ScanError) {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
            skipWhitespace()
            try scanValue()
            skipWhitespace()
            if offset < bytes.count { throw ScanError(offset: offset, message: "unexpected text after the end of the JSON value") }
        }

        mutating func skipWhitespace() {
            while offset < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[offset]) { offset += 1 }
        }

        func fail(_ message: String) -> ScanError { ScanError(offset: offset, message: message) }

        mutating func scanValue() throws(ScanError) {
            if let target, found == nil, path == target { found = offset }
            guard offset < bytes.count else { throw fail("the text ends where a value was expected") }
            guard path.count < Scanner.maximumDepth else { throw fail("nesting deeper than \(Scanner.maximumDepth) levels") }
            switch bytes[offset] {
            case UInt8(ascii: "{"): try scanObject()
            case UInt8(ascii: "["): try scanArray()
            case UInt8(ascii: "\""): _ = try scanString()
            case UInt8(ascii: "t"): try scanLiteral("true")
            case UInt8(ascii: "f"): try scanLiteral("false")
            case UInt8(ascii: "n"): try scanLiteral("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try scanNumber()
            default: throw fail("unexpected character '\(String(decoding: [bytes[offset]], as: UTF8.self))' where a value was expected")
            }
        }

        mutating func scanObject() throws(ScanError) {
            offset += 1
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") { offset += 1; return }
            while true {
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                    throw fail("expected a quoted key in the object")
                }
                let key = try scanString()
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw fail("expected ':' after the key \"\(key)\"") }
                offset += 1
                skipWhitespace()
                path.append(.key(key))
                try scanValue()
                path.removeLast()
                skipWhitespace()
                guard offset < bytes.count else { throw fail("the text ends inside an object (missing '}')") }
                if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                if bytes[offset] == UInt8(ascii: "}") { offset += 1; return }
                throw fail("expected ',' or '}' in the object")
            }
        }

        mutating func scanArray() throws(ScanError) {
            offset += 1
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") { offset += 1; return }
            var index = 0
            while true {
                skipWhitespace()
                path.append(.index(index))
                try scanValue()
                path.removeLast()
                index += 1
                skipWhitespace()
                guard offset < bytes.count else { throw fail("the text ends inside an array (missing ']')") }
                if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                if bytes[offset] == UInt8(ascii: "]") { offset += 1; return }
                throw fail("expected ',' or ']' in the array")
            }
        }

        mutating func scanString() throws(ScanError) -> String {
            let start = offset
            offset += 1
            var content: [UInt8] = []
            while offset < bytes.count {
                let byte = bytes[offset]
                if byte == UInt8(ascii: "\"") {
                    offset += 1
                    guard let text = String(validating: content, as: UTF8.self) else {
                        throw ScanError(offset: start, message: "the string is not valid UTF-8")
                    }
                    return text
                }
                if byte < 0x20 { throw fail("a control character inside a string (line breaks must be written \\n)") }
                if byte == UInt8(ascii: "\\") {
                    offset += 1
                    guard offset < bytes.count else { break }
                    let escaped = bytes[offset]
                    guard "\"\\/bfnrtu".utf8.contains(escaped) else { throw fail("an unknown escape in a string") }
                    content.append(escaped)
                } else {
                    content.append(byte)
                }
                offset += 1
            }
            throw ScanError(offset: start, message: "a string that is never closed")
        }

        mutating func scanLiteral(_ word: String) throws(ScanError) {
            let expected = Array(word.utf8)
            guard bytes.count - offset >= expected.count, Array(bytes[offset..<offset + expected.count]) == expected else {
                throw fail("unexpected text where a value was expected (\(word)?)")
            }
            offset += expected.count
        }

        mutating func scanNumber() throws(ScanError) {
            let start = offset
            let allowed = Set("+-0123456789.eE".utf8)
            while offset < bytes.count, allowed.contains(bytes[offset]) { offset += 1 }
            let text = String(decoding: bytes[start..<offset], as: UTF8.self)
            guard Double(text) != nil else { throw ScanError(offset: start, message: "'\(text)' is not a number") }
        }
    }
}
