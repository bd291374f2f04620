import HavenCore

/// Reads a case's JSON as the log holds it (as `CaseRecordLine.encoder` writes it: keys sorted,
/// no spaces) without decoding the case. An export of 120,000 cases copies each case's bytes
/// from the log; decoding and encoding each case with family again to leave its sensitive
/// fields out took 30 s (about 0.2 ms to decode a case, as much again to encode it), while
/// cutting the fields out of the bytes takes microseconds. Each reader answers nil for bytes
/// not laid out as expected, and the caller then decodes the case as before, so the output is
/// always what the encoder would write (`CaseJSONTests` compares them on thousands of cases).
enum CaseJSON {
    static let familyKey = Array("family".utf8)
    static let sensitiveKeys = SensitiveField.allCases.map { Array($0.rawValue.utf8) }

    /// Appends the case without the sensitive fields of its family members, byte for byte as
    /// `StoreExport.withoutSensitive` writes it; false (with nothing appended) when the bytes are
    /// not a case object as the encoder writes it.
    static func appendWithoutSensitiveFields(_ caseBytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) -> Bool {
        let json = Scanner(bytes: caseBytes)
        // One walk over the whole object, which also checks that it is one.
        var family: Range<Int>?
        guard json.members(ofObjectAt: 0, { key, value in
            if family == nil, json.bytes[key].elementsEqual(Self.familyKey) { family = value }
            return true
        }) == caseBytes.count else { return false }
        guard let (valueStart, valueEnd) = family.map({ ($0.lowerBound, $0.upperBound) }) else {
            output.append(contentsOf: caseBytes) // no family key at all: nothing to leave out
            return true
        }
        guard caseBytes[valueStart] == UInt8(ascii: "[") else { return false }
        let mark = output.count
        output.append(contentsOf: UnsafeBufferPointer(rebasing: caseBytes[..<valueStart]))
        output.append(UInt8(ascii: "["))
        var index = valueStart + 1
        var first = true
        while caseBytes[index] != UInt8(ascii: "]") {
            if !first {
                guard caseBytes[index] == UInt8(ascii: ",") else { output.removeSubrange(mark...); return false }
                index += 1
                output.append(UInt8(ascii: ","))
            }
            first = false
            guard caseBytes[index] == UInt8(ascii: "{"),
                  let end = json.appendMembers(ofObjectAt: index, to: &output, leavingOut: Self.sensitiveKeys) else {
                output.removeSubrange(mark...)
                return false
            }
            index = end
        }
        guard index + 1 == valueEnd else { output.removeSubrange(mark...); return false }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: caseBytes[index...]))
        return true
    }

    /// The case's own fields a CSV row shows (the rest come from its summary), as the decoded
    /// case would give them; nil when any is missing or not as the encoder writes it.
    struct CSVFields: Equatable {
        var cyrillicName: FullName
        var latinName: FullName
        var birthDate: String
        var birthPlace: String
        var branch: String
        var rank: String
        var unit: String
        var specialty: String
        var crossingMethod: String
        var crossingDate: String
        var custody: String
        var registeredAt: String
    }

    static func csvFields(_ caseBytes: UnsafeBufferPointer<UInt8>) -> CSVFields? {
        let json = Scanner(bytes: caseBytes)
        /// The members of the object at `start` named in `keys` (one walk), by position in `keys`.
        func members(_ keys: [[UInt8]], ofObjectAt start: Int) -> [Range<Int>?]? {
            var found = [Range<Int>?](repeating: nil, count: keys.count)
            var left = keys.count
            guard json.members(ofObjectAt: start, { key, value in
                if let index = keys.firstIndex(where: { json.bytes[key].elementsEqual($0) }), found[index] == nil {
                    found[index] = value
                    left -= 1
                }
                return left > 0
            }) != nil else { return nil }
            return found
        }
        func object(_ range: Range<Int>?) -> Int? {
            guard let range, caseBytes[range.lowerBound] == UInt8(ascii: "{") else { return nil }
            return range.lowerBound
        }
        func string(_ range: Range<Int>?) -> String? { range.flatMap { json.string(at: $0.lowerBound) } }
        /// An optional string: "" when absent or null; nil when it is there but not a string.
        func optional(_ range: Range<Int>?) -> String? {
            guard let range else { return "" }
            if caseBytes[range.lowerBound] == UInt8(ascii: "n") { return caseBytes[range].elementsEqual(Self.null) ? "" : nil }
            return json.string(at: range.lowerBound)
        }
        func name(_ range: Range<Int>?) -> FullName? {
            guard let start = object(range), let parts = members(Self.nameKeys, ofObjectAt: start),
                  let family = string(parts[0]), let given = string(parts[1]), let patronymic = string(parts[2]) else { return nil }
            return FullName(family: family, given: given, patronymic: patronymic)
        }
        guard let top = members(Self.caseKeys, ofObjectAt: 0), let defectorStart = object(top[0]),
              let registeredAt = string(top[1]),
              let defector = members(Self.defectorKeys, ofObjectAt: defectorStart),
              let cyrillic = name(defector[0]), let latin = name(defector[1]),
              let birthDate = optional(defector[2]), let birthPlace = string(defector[3]),
              let serviceStart = object(defector[4]), let crossingStart = object(defector[5]), let custody = string(defector[6]),
              let service = members(Self.serviceKeys, ofObjectAt: serviceStart),
              let branch = string(service[0]), let rank = string(service[1]), let unit = string(service[2]),
              let specialty = optional(service[3]),
              let crossing = members(Self.crossingKeys, ofObjectAt: crossingStart),
              let method = string(crossing[0]), let crossed = optional(crossing[1])
        else { return nil }
        return CSVFields(cyrillicName: cyrillic, latinName: latin, birthDate: birthDate, birthPlace: birthPlace,
                         branch: branch, rank: rank, unit: unit, specialty: specialty, crossingMethod: method,
                         crossingDate: crossed, custody: custody, registeredAt: registeredAt)
    }

    static let null = Array("null".utf8)
    static let caseKeys = ["defector", "registeredAt"].map { Array($0.utf8) }
    static let defectorKeys = ["cyrillicName", "latinName", "birthDate", "birthPlace", "service", "crossing", "custody"].map { Array($0.utf8) }
    static let nameKeys = ["family", "given", "patronymic"].map { Array($0.utf8) }
    static let serviceKeys = ["branch", "rank", "unit", "specialty"].map { Array($0.utf8) }
    static let crossingKeys = ["method", "date"].map { Array($0.utf8) }

    /// Finds its way through JSON written with no spaces; every answer is nil on anything else.
    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>

        /// Just past the value that starts at `index`.
        func end(ofValueAt index: Int) -> Int? {
            guard index < bytes.count, let base = bytes.baseAddress else { return nil }
            let count = bytes.count
            switch base[index] {
            case UInt8(ascii: "\""):
                return end(ofStringAt: index)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                var cursor = index
                let structural = Self.structural
                while cursor < count {
                    // Most bytes are none of " \\ { } [ ]: pass them by a table.
                    while cursor < count, !structural[Int(base[cursor])] { cursor += 1 }
                    guard cursor < count else { return nil }
                    let byte = base[cursor]
                    cursor += 1
                    switch byte {
                    case UInt8(ascii: "\""):
                        // Skip the string: to its closing quote, past escaped characters.
                        while cursor < count {
                            let inner = base[cursor]
                            if inner == UInt8(ascii: "\"") { break }
                            cursor += inner == UInt8(ascii: "\\") ? 2 : 1
                        }
                        guard cursor < count else { return nil }
                        cursor += 1
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { return cursor }
                    default:
                        break
                    }
                }
                return nil
            default:
                var cursor = index
                while cursor < count, base[cursor] != UInt8(ascii: ","), base[cursor] != UInt8(ascii: "}"),
                      base[cursor] != UInt8(ascii: "]") {
                    guard base[cursor] > 0x20 else { return nil }
                    cursor += 1
                }
                return cursor > index ? cursor : nil
            }
        }

        /// The bytes that matter when passing over a value: quotes, escapes and brackets.
        static let structural: [Bool] = (0..<256).map { byte in
            [UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "]")]
                .contains(UInt8(byte))
        }

        /// Just past the closing quote of the string that starts at `index`.
        func end(ofStringAt index: Int) -> Int? {
            guard let base = bytes.baseAddress else { return nil }
            var cursor = index + 1
            while cursor < bytes.count {
                switch base[cursor] {
                case UInt8(ascii: "\""): return cursor + 1
                case UInt8(ascii: "\\"): cursor += 2
                default: cursor += 1
                }
            }
            return nil
        }

        /// Walks the members of the object at `index`, handing each key (without its quotes,
        /// as written) and where its value lies; `body` answers false to stop. Returns just
        /// past the object, or nil when it is not one as the encoder writes it.
        func members(ofObjectAt index: Int, _ body: (_ key: Range<Int>, _ value: Range<Int>) -> Bool) -> Int? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
            var cursor = index + 1
            guard cursor < bytes.count else { return nil }
            if bytes[cursor] == UInt8(ascii: "}") { return cursor + 1 }
            while true {
                guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\""), let keyEnd = end(ofStringAt: cursor),
                      keyEnd < bytes.count, bytes[keyEnd] == UInt8(ascii: ":"), let valueEnd = end(ofValueAt: keyEnd + 1),
                      valueEnd < bytes.count else { return nil }
                if !body((cursor + 1)..<(keyEnd - 1), (keyEnd + 1)..<valueEnd) { return valueEnd }
                switch bytes[valueEnd] {
                case UInt8(ascii: ","): cursor = valueEnd + 1
                case UInt8(ascii: "}"): return valueEnd + 1
                default: return nil
                }
            }
        }

        /// Copies the object at `index` less the members named in `leavingOut`; returns just past it.
        func appendMembers(ofObjectAt index: Int, to output: inout [UInt8], leavingOut: [[UInt8]]) -> Int? {
            let mark = output.count
            output.append(UInt8(ascii: "{"))
            var first = true
            let end = members(ofObjectAt: index) { key, value in
                let name = bytes[key]
                if leavingOut.contains(where: { name.elementsEqual($0) }) { return true }
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(key.lowerBound - 1)..<value.upperBound]))
                return true
            }
            guard let end else {
                output.removeSubrange(mark...)
                return nil
            }
            output.append(UInt8(ascii: "}"))
            return end
        }

        /// The string at `index`, escapes decoded.
        func string(at index: Int) -> String? {
            var reader = RecordHeaderReader.Reader(bytes: bytes)
            reader.offset = index
            return reader.string()
        }
    }
}
