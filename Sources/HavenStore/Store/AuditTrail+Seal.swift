import Crypto
import Foundation
import HavenCore

/// The trail's second form: a line ending in `,"seal":"…"}` instead of `,"hash":"…"}`, whose
/// SHA-256 covers each value before and after by its own SHA-256. The line is hashed as if
/// every value string `"…"` in its changes were `"sha256:HEX"`, HEX the SHA-256 of the value's
/// bytes as written (quotes included). Erasing a value writes `"erased:sha256:HEX"` in its
/// place, which is hashed as `"sha256:HEX"` too: the line's seal, and so every line after it,
/// stay what they were, and `haven check` verifies a trail with erased values as one without.
/// Every entry is written in this form; lines of the first form (written before it) verify as
/// they always did, and the first erasure rewrites them into this one (`FileCaseStore+Erasure`).
extension AuditTrail {
    static let sealKey = Array(#","seal":""#.utf8)
    static let changesKey = Array(#","changes":["#.utf8)
    static let erasedMarker = Array(#""erased:sha256:"#.utf8)
    static let sealedMarker = Array(#""sha256:"#.utf8)

    /// How a chained line is sealed, from the key before its hash.
    enum Form {
        /// `,"hash":`: SHA-256 of the bytes as written (the access log, and trails of before).
        case plain
        /// `,"seal":`: values covered by their digests.
        case valuesSealed

        /// The form of a line ending in `,"KEY":"` + 64 hex + `"}`, when it is one of the two.
        static func of(_ line: UnsafeRawBufferPointer) -> Form? {
            let suffixLength = hashKey.count + 64 + 2
            guard line.count > suffixLength else { return nil }
            let start = line.baseAddress! + line.count - suffixLength
            if memcmp(start, hashKey, hashKey.count) == 0 { return .plain }
            if memcmp(start, sealKey, sealKey.count) == 0 { return .valuesSealed }
            return nil
        }
    }

    /// Calls `visit` with the range of each string value of `after` and `before` in the
    /// changes of `body` (a line as Haven writes it: `,"changes":[{"after":"…","before":"…",
    /// "field":"…"},…]`); false when the changes are not laid out so.
    static func forEachValue(in body: UnsafeRawBufferPointer, _ visit: (Range<Int>) -> Void) -> Bool {
        let count = body.count
        guard count > changesKey.count, let base = body.baseAddress else { return false }
        var start = -1
        var probe = 0
        while probe + changesKey.count <= count {
            if body[probe] == changesKey[0], memcmp(base + probe, changesKey, changesKey.count) == 0 { start = probe; break }
            probe += 1
        }
        guard start >= 0 else { return false }
        var cursor = start + changesKey.count
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        func skipString() -> Bool {
            guard cursor < count, body[cursor] == quote else { return false }
            cursor += 1
            while cursor < count {
                let byte = body[cursor]
                if byte == backslash { cursor += 2; continue }
                cursor += 1
                if byte == quote { return true }
            }
            return false
        }
        func at(_ byte: Character) -> Bool { cursor < count && body[cursor] == UInt8(ascii: byte.unicodeScalars.first!) }
        if at("]") { return true }
        while true {
            guard at("{") else { return false }
            cursor += 1
            while true {
                let keyStart = cursor
                guard skipString(), at(":") else { return false }
                let keyLength = cursor - keyStart
                let isValue = (keyLength == 7 && memcmp(base + keyStart, "\"after\"", 7) == 0)
                    || (keyLength == 8 && memcmp(base + keyStart, "\"before\"", 8) == 0)
                cursor += 1
                let valueStart = cursor
                if at("\"") {
                    guard skipString() else { return false }
                    if isValue { visit(valueStart..<cursor) }
                } else if count - cursor >= 4, memcmp(base + cursor, "null", 4) == 0 {
                    cursor += 4
                } else {
                    return false
                }
                if at(",") { cursor += 1; continue }
                if at("}") { cursor += 1; break }
                return false
            }
            if at(",") { cursor += 1; continue }
            if at("]") { return true }
            return false
        }
    }

    /// The 64 hex digits an erased value keeps, or nil when `token` is not an erased value.
    static func erasedDigest(_ token: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard token.count == erasedMarker.count + 64 + 1, memcmp(token.baseAddress!, erasedMarker, erasedMarker.count) == 0 else { return nil }
        return UnsafeRawBufferPointer(rebasing: token[erasedMarker.count..<(erasedMarker.count + 64)])
    }

    /// `"sha256:HEX"` for a value token as written (`"…"`, or `"erased:sha256:HEX"`).
    static func sealedToken(_ token: UnsafeRawBufferPointer) -> [UInt8] {
        if let kept = erasedDigest(token) { return sealedMarker + Array(kept) + [UInt8(ascii: "\"")] }
        return sealedMarker + Array(hash(token).utf8) + [UInt8(ascii: "\"")]
    }

    /// `"erased:sha256:HEX"` for a value token as written: what an erasure leaves.
    static func erasedToken(_ token: UnsafeRawBufferPointer) -> [UInt8] {
        if erasedDigest(token) != nil { return Array(token) }
        return erasedMarker + Array(hash(token).utf8) + [UInt8(ascii: "\"")]
    }

    /// The seal of a line of the second form: `body` is the line up to `,"seal":`; nil when its
    /// changes cannot be read.
    static func valuesSealedDigest(_ body: UnsafeRawBufferPointer) -> HexDigest? {
        var hasher = SHA256()
        var segment = 0
        let read = forEachValue(in: body) { range in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: body[segment..<range.lowerBound]))
            sealedToken(UnsafeRawBufferPointer(rebasing: body[range])).withUnsafeBytes { hasher.update(bufferPointer: $0) }
            segment = range.upperBound
        }
        guard read else { return nil }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: body[segment...]))
        hasher.update(data: [UInt8(ascii: "}")])
        return HexDigest(digest: hasher.finalize())
    }

    static func valuesSealedDigest(_ body: [UInt8]) -> String? {
        body.withUnsafeBytes { valuesSealedDigest($0) }.map(\.text)
    }

    /// `body` with each value (as `forEachValue` finds them) replaced by `replace(value)`.
    static func replacingValues(in body: UnsafeRawBufferPointer, _ replace: (UnsafeRawBufferPointer) -> [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var segment = 0
        let read = forEachValue(in: body) { range in
            out += UnsafeRawBufferPointer(rebasing: body[segment..<range.lowerBound])
            out += replace(UnsafeRawBufferPointer(rebasing: body[range]))
            segment = range.upperBound
        }
        guard read else { return nil }
        out += UnsafeRawBufferPointer(rebasing: body[segment...])
        return out
    }

    /// An entry's line in the second form, following a line whose hash is `previousHash`.
    static func sealedValues(_ line: Line) throws -> (bytes: [UInt8], hash: String) {
        var body = try CaseRecordLine.writer.encode(line)
        body.removeLast()
        guard let digest = valuesSealedDigest(body) else { throw Problem.malformed("an audit entry is not laid out as the trail writes it") }
        return (body + sealKey + Array(digest.utf8) + Array("\"}\n".utf8), digest)
    }

    /// A whole line of the second form (no newline) with the values of its changes erased:
    /// the same seal, so the chain holds.
    static func erasingValues(ofLine line: UnsafeRawBufferPointer) -> [UInt8]? {
        guard Form.of(line) == .valuesSealed else { return nil }
        let bodyEnd = line.count - (sealKey.count + 64 + 2)
        guard let erased = replacingValues(in: UnsafeRawBufferPointer(rebasing: line[..<bodyEnd]), erasedToken) else { return nil }
        return erased + Array(UnsafeRawBufferPointer(rebasing: line[bodyEnd...]))
    }
}
