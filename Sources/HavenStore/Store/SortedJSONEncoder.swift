import Foundation
import HavenCore

/// Writes what `JSONEncoder` with `[.sortedKeys, .withoutEscapingSlashes]` writes, byte for
/// byte, straight into one buffer: no tree of dictionaries, no string per value. The log
/// holds each case exactly as that encoder writes it (an export copies the bytes, a check
/// compares them), so this one must never differ; `SortedJSONEncoderTests` compares the two
/// on thousands of demo cases and on every awkward value. It is several times quicker, which
/// is what lets an import of 120,000 cases encode each once within its budget.
///
/// Anything it does not write the same way for certain (a `Date`, `Data`, `URL` or `Decimal`,
/// which JSONEncoder treats specially; a key that is not plain ASCII; a key given twice; a
/// nested container asked for by key; a value that encodes nothing) makes it hand the whole
/// value to `JSONEncoder` instead, so its output is that encoder's in every case.
struct SortedJSONEncoder: Sendable {
    /// Leave out the sensitive family fields (`SensitiveField.leaveOutKey`).
    var leavingOutSensitive = false

    func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try encode(value, appendingTo: &bytes)
        return bytes
    }

    /// Appends the value's JSON to `bytes`.
    func encode<T: Encodable>(_ value: T, appendingTo bytes: inout [UInt8]) throws {
        let start = bytes.count
        do {
            try encodeItself(value, appendingTo: &bytes)
        } catch is Unsupported {
            bytes.removeSubrange(start...)
            bytes += try Self.foundation(leavingOutSensitive: leavingOutSensitive).encode(value)
        }
    }

    /// Appends the value's JSON as this encoder writes it, or throws `Unsupported` (with
    /// `bytes` as they were) for what it leaves to JSONEncoder.
    func encodeItself<T: Encodable>(_ value: T, appendingTo bytes: inout [UInt8]) throws {
        let output = Output(userInfo: leavingOutSensitive ? Self.leavingOut : [:])
        swap(&output.bytes, &bytes)
        let start = output.bytes.count
        defer { swap(&output.bytes, &bytes) }
        do {
            try output.write(value)
        } catch {
            output.bytes.removeSubrange(start...)
            throw error
        }
    }

    nonisolated(unsafe) static let leavingOut: [CodingUserInfoKey: Any] = [SensitiveField.leaveOutKey: true]

    /// The encoder this one stands in for.
    static func foundation(leavingOutSensitive: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if leavingOutSensitive { encoder.userInfo[SensitiveField.leaveOutKey] = true }
        return encoder
    }

    /// Something this encoder does not write as JSONEncoder would: JSONEncoder writes it.
    struct Unsupported: Error {}

    // MARK: The buffer

    final class Output {
        // Touched by one encoding on one thread; the dynamic exclusivity check on every append
        // was a tenth of the time.
        @exclusivity(unchecked) var bytes: [UInt8] = []
        let userInfo: [CodingUserInfoKey: Any]
        /// Set by a call that cannot throw (asking for a second kind of container): the value
        /// is then written by JSONEncoder.
        var unsupported = false

        init(userInfo: [CodingUserInfoKey: Any]) {
            self.userInfo = userInfo
            bytes.reserveCapacity(8192)
        }

        func write<T: Encodable>(_ value: T) throws {
            if T.self == String.self {
                writeString(cast(value, to: String.self))
            } else if T.self == Int.self {
                writeInteger(Int64(cast(value, to: Int.self)))
            } else if T.self == Bool.self {
                writeBool(cast(value, to: Bool.self))
            } else if T.self == Double.self {
                try writeDouble(cast(value, to: Double.self))
            } else if T.self == Date.self || T.self == Data.self || T.self == URL.self || T.self == Decimal.self
                        || T.self == Float.self {
                throw Unsupported()
            } else {
                var encoder = spare.popLast() ?? ValueEncoder(output: self)
                encoder.reset(start: bytes.count)
                try value.encode(to: encoder)
                try encoder.finish()
                // Used again for the next value, unless something kept hold of it.
                if isKnownUniquelyReferenced(&encoder) { spare.append(encoder) }
            }
            if unsupported { throw Unsupported() }
        }

        /// Encoders finished with, to be used again (one per level of nesting, about six).
        @exclusivity(unchecked) var spare: [ValueEncoder] = []

        @inline(__always)
        private func cast<T, U>(_ value: T, to: U.Type) -> U {
            withUnsafePointer(to: value) { $0.withMemoryRebound(to: U.self, capacity: 1) { $0.pointee } }
        }

        static let hex = Array("0123456789abcdef".utf8)

        /// A JSON string as JSONEncoder writes it: `"` and `\` escaped, the control characters
        /// as `\b \f \n \r \t` or `\u00XX`, everything else (slashes, DEL, U+2028) as it is.
        func writeString(_ text: String) {
            var text = text
            text.withUTF8 { Self.appendString($0, to: &bytes) }
        }

        /// Appends a string's UTF-8 as a JSON string, counting what it needs first and writing
        /// it in one go.
        static func appendString(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
            var extra = 0
            for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                extra += byte == 0x08 || byte == 0x0C || byte == 0x0A || byte == 0x0D || byte == 0x09
                    || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") ? 1 : 5
            }
            let total = utf8.count + extra + 2
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: total))
            bytes.withUnsafeMutableBufferPointer { buffer in
                let out = buffer.baseAddress! + start
                out[0] = UInt8(ascii: "\"")
                var cursor = 1
                if extra == 0 {
                    if let base = utf8.baseAddress { (out + 1).update(from: base, count: utf8.count) }
                    cursor += utf8.count
                } else {
                    for byte in utf8 {
                        guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                            out[cursor] = byte
                            cursor += 1
                            continue
                        }
                        out[cursor] = UInt8(ascii: "\\")
                        switch byte {
                        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out[cursor + 1] = byte; cursor += 2
                        case 0x08: out[cursor + 1] = UInt8(ascii: "b"); cursor += 2
                        case 0x0C: out[cursor + 1] = UInt8(ascii: "f"); cursor += 2
                        case 0x0A: out[cursor + 1] = UInt8(ascii: "n"); cursor += 2
                        case 0x0D: out[cursor + 1] = UInt8(ascii: "r"); cursor += 2
                        case 0x09: out[cursor + 1] = UInt8(ascii: "t"); cursor += 2
                        default:
                            out[cursor + 1] = UInt8(ascii: "u")
                            out[cursor + 2] = UInt8(ascii: "0")
                            out[cursor + 3] = UInt8(ascii: "0")
                            out[cursor + 4] = hex[Int(byte >> 4)]
                            out[cursor + 5] = hex[Int(byte & 0xF)]
                            cursor += 6
                        }
                    }
                }
                out[cursor] = UInt8(ascii: "\"")
            }
        }

        func writeInteger(_ value: Int64) {
            if value < 0 {
                bytes.append(UInt8(ascii: "-"))
                writeUnsigned(value.magnitude)
            } else {
                writeUnsigned(UInt64(value))
            }
        }

        func writeUnsigned(_ value: UInt64) {
            if value < 10 { bytes.append(UInt8(ascii: "0") + UInt8(value)); return }
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                         UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var count = 0
            var rest = value
            withUnsafeMutableBytes(of: &digits) { buffer in
                while rest > 0 {
                    buffer[19 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                    count += 1
                }
                bytes.append(contentsOf: buffer[(20 - count)...])
            }
        }

        func writeBool(_ value: Bool) {
            bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
        }

        static let trueBytes = Array("true".utf8)
        static let falseBytes = Array("false".utf8)
        static let nullBytes = Array("null".utf8)

        /// JSONEncoder writes a finite double as its `description` less a final `.0`; NaN and
        /// the infinities it refuses, and so does this (by handing them to it).
        func writeDouble(_ value: Double) throws {
            guard value.isFinite else { throw Unsupported() }
            var text = value.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            bytes.append(contentsOf: text.utf8)
        }

        func writeNull() { bytes.append(contentsOf: Self.nullBytes) }
    }

    // MARK: The encoder one value is given

    /// A keyed entry written so far: where its `"key":value` lies in the buffer (the key's
    /// bytes run from `start + 1` to `keyEnd`).
    struct Entry {
        var start: Int
        var keyEnd: Int
        var end: Int
    }

    final class ValueEncoder: Encoder {
        enum Shape { case none, keyed, unkeyed, single }

        unowned(unsafe) let output: Output
        @exclusivity(unchecked) var start = 0
        @exclusivity(unchecked) var shape = Shape.none
        @exclusivity(unchecked) var entries: [Entry] = []
        @exclusivity(unchecked) var elementCount = 0
        @exclusivity(unchecked) var singleWritten = false

        init(output: Output) {
            self.output = output
        }

        /// Ready for a new value that starts at `start`.
        func reset(start: Int) {
            self.start = start
            shape = .none
            entries.removeAll(keepingCapacity: true)
            elementCount = 0
            singleWritten = false
        }

        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { output.userInfo }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if shape != .keyed {
                if shape != .none { output.unsupported = true }
                shape = .keyed
            }
            return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            if shape != .none { output.unsupported = true }
            shape = .unkeyed
            output.bytes.append(UInt8(ascii: "["))
            return UnkeyedContainer(encoder: self)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            if shape != .none && shape != .single { output.unsupported = true }
            shape = .single
            return SingleContainer(encoder: self)
        }

        /// Writes `"key":` and notes where the entry starts; `endEntry` after the value.
        @inline(__always)
        func beginEntry(_ key: some CodingKey) throws -> (start: Int, keyEnd: Int) {
            var name = key.stringValue
            let entryStart = output.bytes.count
            try name.withUTF8 { utf8 in
                // Keys are sorted as bytes only when they are plain ASCII with nothing to escape.
                for byte in utf8 where byte < 0x20 || byte > 0x7E || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    throw Unsupported()
                }
                output.bytes.append(UInt8(ascii: "\""))
                output.bytes.append(contentsOf: utf8)
            }
            let keyEnd = output.bytes.count
            output.bytes.append(UInt8(ascii: "\""))
            output.bytes.append(UInt8(ascii: ":"))
            return (entryStart, keyEnd)
        }

        @inline(__always)
        func endEntry(_ begun: (start: Int, keyEnd: Int)) {
            entries.append(Entry(start: begun.start, keyEnd: begun.keyEnd, end: output.bytes.count))
        }

        func beforeElement() {
            if elementCount > 0 { output.bytes.append(UInt8(ascii: ",")) }
            elementCount += 1
        }

        func beforeSingleValue() throws {
            // JSONEncoder keeps only one value per single-value container; two is a mistake.
            if singleWritten { throw Unsupported() }
            singleWritten = true
        }

        /// Closes the value: a keyed one is rewritten with its entries in key order.
        func finish() throws {
            switch shape {
            case .none: throw Unsupported()
            case .single: if !singleWritten { throw Unsupported() }
            case .unkeyed: output.bytes.append(UInt8(ascii: "]"))
            case .keyed: try sortEntries()
            }
        }

        private func sortEntries() throws {
            if entries.isEmpty {
                output.bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
                return
            }
            let written = Array(output.bytes[start...])
            let order: [Int] = written.withUnsafeBufferPointer { buffer in
                let base = buffer.baseAddress!
                /// -1, 0 or 1 as key a sorts before, with or after key b, byte by byte.
                func compare(_ a: Entry, _ b: Entry) -> Int32 {
                    let (aStart, aCount) = (a.start - start + 1, a.keyEnd - a.start - 1)
                    let (bStart, bCount) = (b.start - start + 1, b.keyEnd - b.start - 1)
                    let common = memcmp(base + aStart, base + bStart, min(aCount, bCount))
                    if common != 0 { return common }
                    return aCount == bCount ? 0 : (aCount < bCount ? -1 : 1)
                }
                var sorted = true
                for index in entries.indices.dropFirst() where compare(entries[index - 1], entries[index]) >= 0 {
                    sorted = false
                    break
                }
                if sorted { return Array(entries.indices) }
                return entries.indices.sorted { compare(entries[$0], entries[$1]) < 0 }
            }
            for (a, b) in zip(order, order.dropFirst()) {
                let keyA = written[(entries[a].start - start + 1)..<(entries[a].keyEnd - start)]
                let keyB = written[(entries[b].start - start + 1)..<(entries[b].keyEnd - start)]
                if keyA.elementsEqual(keyB) { throw Unsupported() }
            }
            output.bytes.removeSubrange(start...)
            output.bytes.append(UInt8(ascii: "{"))
            written.withUnsafeBufferPointer { buffer in
                for (position, index) in order.enumerated() {
                    if position > 0 { output.bytes.append(UInt8(ascii: ",")) }
                    let entry = entries[index]
                    output.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[(entry.start - start)..<(entry.end - start)]))
                }
            }
            output.bytes.append(UInt8(ascii: "}"))
        }
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: ValueEncoder
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { let begun = try encoder.beginEntry(key); encoder.output.writeNull(); encoder.endEntry(begun) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { let begun = try encoder.beginEntry(key); encoder.output.writeBool(value); encoder.endEntry(begun) }
        mutating func encode(_ value: String, forKey key: Key) throws { let begun = try encoder.beginEntry(key); encoder.output.writeString(value); encoder.endEntry(begun) }
        mutating func encode(_ value: Double, forKey key: Key) throws { let begun = try encoder.beginEntry(key); try encoder.output.writeDouble(value); encoder.endEntry(begun) }
        mutating func encode(_ value: Float, forKey key: Key) throws { throw Unsupported() }
        mutating func encode(_ value: Int, forKey key: Key) throws { let begun = try encoder.beginEntry(key); encoder.output.writeInteger(Int64(value)); encoder.endEntry(begun) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { let begun = try encoder.beginEntry(key); encoder.output.writeInteger(Int64(value)); encoder.endEntry(begun) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { let begun = try encoder.beginEntry(key); encoder.output.writeInteger(Int64(value)); encoder.endEntry(begun) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { let begun = try encoder.beginEntry(key); encoder.output.writeInteger(Int64(value)); encoder.endEntry(begun) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { let begun = try encoder.beginEntry(key); encoder.output.writeInteger(value); encoder.endEntry(begun) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { let begun = try encoder.beginEntry(key); encoder.output.writeUnsigned(UInt64(value)); encoder.endEntry(begun) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { let begun = try encoder.beginEntry(key); encoder.output.writeUnsigned(UInt64(value)); encoder.endEntry(begun) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { let begun = try encoder.beginEntry(key); encoder.output.writeUnsigned(UInt64(value)); encoder.endEntry(begun) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { let begun = try encoder.beginEntry(key); encoder.output.writeUnsigned(UInt64(value)); encoder.endEntry(begun) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { let begun = try encoder.beginEntry(key); encoder.output.writeUnsigned(value); encoder.endEntry(begun) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { let begun = try encoder.beginEntry(key); try encoder.output.write(value); encoder.endEntry(begun) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            encoder.output.unsupported = true
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(encoder: encoder))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            encoder.output.unsupported = true
            return UnkeyedContainer(encoder: encoder)
        }

        mutating func superEncoder() -> any Encoder {
            encoder.output.unsupported = true
            return encoder
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            encoder.output.unsupported = true
            return encoder
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let encoder: ValueEncoder
        var codingPath: [any CodingKey] { [] }
        var count: Int { encoder.elementCount }

        mutating func encodeNil() throws { encoder.beforeElement(); encoder.output.writeNull() }
        mutating func encode(_ value: Bool) throws { encoder.beforeElement(); encoder.output.writeBool(value) }
        mutating func encode(_ value: String) throws { encoder.beforeElement(); encoder.output.writeString(value) }
        mutating func encode(_ value: Double) throws { encoder.beforeElement(); try encoder.output.writeDouble(value) }
        mutating func encode(_ value: Float) throws { throw Unsupported() }
        mutating func encode(_ value: Int) throws { encoder.beforeElement(); encoder.output.writeInteger(Int64(value)) }
        mutating func encode(_ value: Int8) throws { encoder.beforeElement(); encoder.output.writeInteger(Int64(value)) }
        mutating func encode(_ value: Int16) throws { encoder.beforeElement(); encoder.output.writeInteger(Int64(value)) }
        mutating func encode(_ value: Int32) throws { encoder.beforeElement(); encoder.output.writeInteger(Int64(value)) }
        mutating func encode(_ value: Int64) throws { encoder.beforeElement(); encoder.output.writeInteger(value) }
        mutating func encode(_ value: UInt) throws { encoder.beforeElement(); encoder.output.writeUnsigned(UInt64(value)) }
        mutating func encode(_ value: UInt8) throws { encoder.beforeElement(); encoder.output.writeUnsigned(UInt64(value)) }
        mutating func encode(_ value: UInt16) throws { encoder.beforeElement(); encoder.output.writeUnsigned(UInt64(value)) }
        mutating func encode(_ value: UInt32) throws { encoder.beforeElement(); encoder.output.writeUnsigned(UInt64(value)) }
        mutating func encode(_ value: UInt64) throws { encoder.beforeElement(); encoder.output.writeUnsigned(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { encoder.beforeElement(); try encoder.output.write(value) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            encoder.output.unsupported = true
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(encoder: encoder))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            encoder.output.unsupported = true
            return self
        }

        mutating func superEncoder() -> any Encoder {
            encoder.output.unsupported = true
            return encoder
        }
    }

    struct SingleContainer: SingleValueEncodingContainer {
        let encoder: ValueEncoder
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws { try encoder.beforeSingleValue(); encoder.output.writeNull() }
        mutating func encode(_ value: Bool) throws { try encoder.beforeSingleValue(); encoder.output.writeBool(value) }
        mutating func encode(_ value: String) throws { try encoder.beforeSingleValue(); encoder.output.writeString(value) }
        mutating func encode(_ value: Double) throws { try encoder.beforeSingleValue(); try encoder.output.writeDouble(value) }
        mutating func encode(_ value: Float) throws { throw Unsupported() }
        mutating func encode(_ value: Int) throws { try encoder.beforeSingleValue(); encoder.output.writeInteger(Int64(value)) }
        mutating func encode(_ value: Int8) throws { try encoder.beforeSingleValue(); encoder.output.writeInteger(Int64(value)) }
        mutating func encode(_ value: Int16) throws { try encoder.beforeSingleValue(); encoder.output.writeInteger(Int64(value)) }
        mutating func encode(_ value: Int32) throws { try encoder.beforeSingleValue(); encoder.output.writeInteger(Int64(value)) }
        mutating func encode(_ value: Int64) throws { try encoder.beforeSingleValue(); encoder.output.writeInteger(value) }
        mutating func encode(_ value: UInt) throws { try encoder.beforeSingleValue(); encoder.output.writeUnsigned(UInt64(value)) }
        mutating func encode(_ value: UInt8) throws { try encoder.beforeSingleValue(); encoder.output.writeUnsigned(UInt64(value)) }
        mutating func encode(_ value: UInt16) throws { try encoder.beforeSingleValue(); encoder.output.writeUnsigned(UInt64(value)) }
        mutating func encode(_ value: UInt32) throws { try encoder.beforeSingleValue(); encoder.output.writeUnsigned(UInt64(value)) }
        mutating func encode(_ value: UInt64) throws { try encoder.beforeSingleValue(); encoder.output.writeUnsigned(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { try encoder.beforeSingleValue(); try encoder.output.write(value) }
    }
}
