import Crypto
import Foundation
import HavenCore

/// The trail's second form: a line ending in `,"seal":"…"}` instead of `,"hash":"…"}`, whose
/// SHA-256 covers each change's values by their digests, so that a value can be erased and the
/// chain still verify.
///
/// Each change is written `{"after":A,"before":B,"field":F,"salt":S}`: S a random string of 32
/// hex digits (A and B absent when nil). The seal is SHA-256 of the line as if, in every
/// change, S were `"sha256:" + hex(SHA-256(S))` and A and B each `"sha256:" + hex(SHA-256(S
/// followed by the value))` (every token as written, quotes and escapes included). Erasing a
/// change writes `"erased:sha256:"` and that digest in place of A, B and S alike, which the seal
/// counts as the digest it holds: the seal is unchanged, so is every line after it, and `haven
/// check` verifies a trail with erased values as one without. The salt is what makes an erased
/// digest useless for confirming a guess (a birth date, a surname): it is erased with the
/// values, and without it the digest of `"1991-04-26"` cannot be worked out.
///
/// Every entry is written in this form; lines of the first form (before it) verify as they
/// always did, and the first erasure seals them again in this one (`FileCaseStore+Erasure`).
extension AuditTrail {
    static let sealKey = Array(#","seal":""#.utf8)
    static let changesKey = Array(#","changes":["#.utf8)
    static let erasedMarker = Array(#""erased:sha256:"#.utf8)
    static let sealedMarker = Array(#""sha256:"#.utf8)
    static let closingQuote: [UInt8] = [UInt8(ascii: "\"")]

    /// How a chained line is sealed, from the key before its hash.
    enum Form {
        /// `,"hash":`: SHA-256 of the bytes as written (the access log, and trails of before).
        case plain
        /// `,"seal":`: values covered by their salted digests.
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

    /// One change of a line, as places in it: its value tokens, its salt and its field.
    struct ChangePlaces {
        var after: Range<Int>?
        var before: Range<Int>?
        var salt: Range<Int>?
        var field: Range<Int>?

        /// The tokens the seal counts by digest, in the order they are in the line.
        var sealed: [Range<Int>] { [after, before, salt].compactMap { $0 }.sorted { $0.lowerBound < $1.lowerBound } }
    }

    /// Calls `visit` with each change of `body` (a line as Haven writes it: `,"changes":[{…},…]`)
    /// once the change is read whole; false when the changes are not laid out so.
    static func forEachChange(in body: UnsafeRawBufferPointer, _ visit: (ChangePlaces) -> Void) -> Bool {
        let count = body.count
        guard count > changesKey.count, let base = body.baseAddress else { return false }
        var start = -1
        var probe = 0
        while probe + changesKey.count <= count {
            guard let found = memchr(base + probe, Int32(changesKey[0]), count - probe - changesKey.count + 1) else { break }
            probe = base.distance(to: UnsafeRawPointer(found))
            if memcmp(base + probe, changesKey, changesKey.count) == 0 { start = probe; break }
            probe += 1
        }
        guard start >= 0 else { return false }
        var cursor = start + changesKey.count
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        // A string ends at the first quote after its opening one that an even number of
        // backslashes precede; memchr finds each quote, so kilobytes pass at memory speed.
        func skipString() -> Bool {
            guard cursor < count, body[cursor] == quote else { return false }
            var from = cursor + 1
            while from < count {
                guard let found = memchr(base + from, Int32(quote), count - from) else { return false }
                let at = base.distance(to: UnsafeRawPointer(found))
                var backslashes = 0
                var back = at - 1
                while back > cursor, body[back] == backslash { backslashes += 1; back -= 1 }
                if backslashes % 2 == 0 {
                    cursor = at + 1
                    return true
                }
                from = at + 1
            }
            return false
        }
        func at(_ byte: UInt8) -> Bool { cursor < count && body[cursor] == byte }
        func key(_ start: Int, _ name: StaticString) -> Bool {
            cursor - start == name.utf8CodeUnitCount + 2 && memcmp(base + start + 1, name.utf8Start, name.utf8CodeUnitCount) == 0
        }
        if at(UInt8(ascii: "]")) { return true }
        while true {
            guard at(UInt8(ascii: "{")) else { return false }
            cursor += 1
            var places = ChangePlaces()
            while true {
                let keyStart = cursor
                guard skipString(), at(UInt8(ascii: ":")) else { return false }
                let isAfter = key(keyStart, "after"), isBefore = key(keyStart, "before")
                let isSalt = key(keyStart, "salt"), isField = key(keyStart, "field")
                cursor += 1
                let valueStart = cursor
                if at(quote) {
                    guard skipString() else { return false }
                    let range = valueStart..<cursor
                    if isAfter { places.after = range } else if isBefore { places.before = range } else if isSalt { places.salt = range } else if isField { places.field = range }
                } else if count - cursor >= 4, memcmp(base + cursor, "null", 4) == 0 {
                    cursor += 4
                } else {
                    return false
                }
                if at(UInt8(ascii: ",")) { cursor += 1; continue }
                if at(UInt8(ascii: "}")) { cursor += 1; break }
                return false
            }
            visit(places)
            if at(UInt8(ascii: ",")) { cursor += 1; continue }
            if at(UInt8(ascii: "]")) { return true }
            return false
        }
    }

    /// The 64 hex digits an erased token keeps, or nil when `token` is not an erased one.
    static func erasedDigest(_ token: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard token.count == erasedMarker.count + 64 + 1, memcmp(token.baseAddress!, erasedMarker, erasedMarker.count) == 0 else { return nil }
        return UnsafeRawBufferPointer(rebasing: token[erasedMarker.count..<(erasedMarker.count + 64)])
    }

    /// The digest (64 hex digits) the seal counts for the token at `range` in `body`: an erased
    /// token's own; a salt's SHA-256; a value's SHA-256 after its change's salt (none when the
    /// change has no salt).
    static func digest(of range: Range<Int>, in body: UnsafeRawBufferPointer, places: ChangePlaces) -> HexDigest {
        let token = UnsafeRawBufferPointer(rebasing: body[range])
        if let kept = erasedDigest(token) { return HexDigest(kept)! }
        var hasher = SHA256()
        if range != places.salt, let salt = places.salt { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: body[salt])) }
        hasher.update(bufferPointer: token)
        return HexDigest(digest: hasher.finalize())
    }

    /// The seal of a line of the second form: `body` is the line up to `,"seal":`; nil when its
    /// changes cannot be read.
    static func valuesSealedDigest(_ body: UnsafeRawBufferPointer) -> HexDigest? {
        var hasher = SHA256()
        var segment = 0
        let read = forEachChange(in: body) { places in
            for range in places.sealed {
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: body[segment..<range.lowerBound]))
                sealedMarker.withUnsafeBytes { hasher.update(bufferPointer: $0) }
                withUnsafeBytes(of: digest(of: range, in: body, places: places).words) { hasher.update(bufferPointer: $0) }
                closingQuote.withUnsafeBytes { hasher.update(bufferPointer: $0) }
                segment = range.upperBound
            }
        }
        guard read else { return nil }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: body[segment...]))
        hasher.update(data: [UInt8(ascii: "}")])
        return HexDigest(digest: hasher.finalize())
    }

    static func valuesSealedDigest(_ body: [UInt8]) -> String? {
        body.withUnsafeBytes { valuesSealedDigest($0) }.map(\.text)
    }

    /// `body` with each change's sealed tokens replaced by `replace(tokens' digest)` where
    /// `which(change)` says so.
    static func replacingTokens(in body: UnsafeRawBufferPointer, where which: (ChangePlaces) -> Bool,
                                _ replace: (HexDigest) -> [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var segment = 0
        let read = forEachChange(in: body) { places in
            guard which(places) else { return }
            for range in places.sealed {
                out += UnsafeRawBufferPointer(rebasing: body[segment..<range.lowerBound])
                out += replace(digest(of: range, in: body, places: places))
                segment = range.upperBound
            }
        }
        guard read else { return nil }
        out += UnsafeRawBufferPointer(rebasing: body[segment...])
        return out
    }

    /// The bytes the seal covers for a part of a line (`Unsealed.before`).
    static func sealedBytes(_ body: UnsafeRawBufferPointer) -> [UInt8]? {
        replacingTokens(in: body, where: { _ in true }) { digest in sealedMarker + withUnsafeBytes(of: digest.words) { Array($0) } + closingQuote }
    }

    /// An entry's line in the second form, following a line whose hash is `previousHash`.
    static func sealedValues(_ line: Line) throws -> (bytes: [UInt8], hash: String) {
        var body = try CaseRecordLine.writer.encode(line.salted())
        body.removeLast()
        guard let digest = valuesSealedDigest(body) else { throw Problem.malformed("an audit entry is not laid out as the trail writes it") }
        return (body + sealKey + Array(digest.utf8) + Array("\"}\n".utf8), digest)
    }

    /// A whole line of the second form (no newline) with its changes erased where `which`
    /// says (values and salt alike): the same seal, so the chain holds.
    static func erasingChanges(ofLine line: UnsafeRawBufferPointer, where which: (ChangePlaces) -> Bool = { _ in true }) -> [UInt8]? {
        guard Form.of(line) == .valuesSealed else { return nil }
        let bodyEnd = line.count - (sealKey.count + 64 + 2)
        guard let erased = replacingTokens(in: UnsafeRawBufferPointer(rebasing: line[..<bodyEnd]), where: which, { digest in
            erasedMarker + withUnsafeBytes(of: digest.words) { Array($0) } + closingQuote
        }) else { return nil }
        return erased + Array(UnsafeRawBufferPointer(rebasing: line[bodyEnd...]))
    }

    /// A random salt: 32 hex digits.
    static func newSalt() -> String {
        var generator = SystemRandomNumberGenerator()
        let words = (generator.next() as UInt64, generator.next() as UInt64)
        return String(format: "%016llx%016llx", words.0, words.1)
    }
}

extension AuditTrail.Line {
    /// The line as the second form writes it: each change with a salt of its own.
    func salted() -> SaltedLine { SaltedLine(self) }
}

/// An audit line with a salt in each change (`AuditTrail+Seal`): keys as `Line`, sorted.
struct SaltedLine: Encodable {
    struct Change: Encodable {
        var after: String?
        var before: String?
        var field: String
        var salt: String
    }

    var sequence: Int
    var at: Timestamp
    var user: UserName
    var caseID: CaseID?
    var subject: String?
    var version: CaseVersion
    var changes: [Change]
    var previousHash: String

    init(_ line: AuditTrail.Line) {
        sequence = line.sequence
        at = line.at
        user = line.user
        caseID = line.caseID
        subject = line.subject
        version = line.version
        changes = line.changes.map { Change(after: $0.after, before: $0.before, field: $0.field, salt: AuditTrail.newSalt()) }
        previousHash = line.previousHash
    }
}
