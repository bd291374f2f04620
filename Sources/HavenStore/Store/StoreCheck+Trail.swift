import Crypto
import Foundation
import Glibc
import HavenCore

/// An audit entry as the check takes it in: what ties it to the log and to its case's history.
struct TrailEntry {
    var sequence: Int
    /// The case it is about; nil for the users, countries, catalogues and compactions.
    var caseKey: CaseKey?
    var subject: String?
    var version: Int
    var compactedThrough: Int?
    /// Its hash matched and it read as an entry (a damaged one is still taken, so one bad
    /// entry does not hide the rest, but its number is not trusted for the history).
    var wellFormed = true
}

/// One chunk of the trail, prepared on a worker: every line's hash checked and its fields read,
/// and the chain checked from each entry to the next within the chunk. Only the chunk's first
/// entry is left to be linked to the chunk before, by `TrailReader`, which alone knows it.
struct TrailChunk {
    var entries: [TrailEntry] = []
    /// The problems of the chunk's lines, each with how many of its newlines come before it.
    var problems: [(before: Int, message: String)] = []
    /// The chunk's first entry, when it is sound and no entry was taken before it here: the
    /// previous hash it names and its number, for the reader to check against what came before.
    var opening: (before: Int, previousHash: HexDigest, sequence: Int)?
    /// What the entry after the chunk must name: the last entry's hash and the next number.
    var closing: (hash: HexDigest, expected: Int)?

    /// `decodingEntries` (`haven check --deep`): every entry read by JSONDecoder, whole, so an
    /// entry whose changes are not what Haven writes is caught too; without it the fields the
    /// check needs are read from the bytes (`TrailLine.read`) and the changes only hashed.
    init(_ chunk: LineChunk, decodingEntries: Bool) {
        entries.reserveCapacity(chunk.lines.count)
        var recent = TrailLine.Recent()
        chunk.buffer.withUnsafeBytes { raw in
            for line in chunk.lines {
                take(UnsafeRawBufferPointer(rebasing: raw[line.start..<line.end]), before: line.before, decodingEntries: decodingEntries, recent: &recent)
            }
        }
    }

    private mutating func take(_ line: UnsafeRawBufferPointer, before: Int, decodingEntries: Bool, recent: inout TrailLine.Recent) {
        do {
            let read = try TrailLine.read(line, decoding: decodingEntries, recent: &recent)
            if let closing {
                if read.previousHash != closing.hash {
                    problems.append((before, "\(AuditTrail.Problem.brokenChain(expectedPrevious: closing.hash.text))"))
                } else if read.entry.sequence != closing.expected {
                    problems.append((before, "\(AuditTrail.Problem.sequenceGap(expected: closing.expected, found: read.entry.sequence))"))
                }
            } else {
                opening = (before, read.previousHash, read.entry.sequence)
            }
            closing = (read.hash, read.entry.sequence + 1)
            entries.append(read.entry)
        } catch {
            problems.append((before, error.description))
            // Carry on from this entry so one bad entry does not hide the rest.
            guard let decoded = try? JSONDecoder().decode(AuditTrail.Line.self, from: Data(line)) else { return }
            // The hash it states, as the last 66 bytes but two hold it (JSONDecoder read the rest).
            let suffix = line.count >= 66 ? (line.count - 66)..<(line.count - 2) : 0..<min(line.count, 64)
            let stated = UnsafeRawBufferPointer(rebasing: line[suffix])
            entries.append(TrailEntry(sequence: decoded.sequence, caseKey: decoded.caseID.map(CaseKey.init), subject: decoded.subject,
                                      version: decoded.version.rawValue, compactedThrough: nil, wellFormed: false))
            closing = (HexDigest(stated) ?? HexDigest.genesis, decoded.sequence + 1)
        }
    }
}

/// The audit trail read in order, a chunk at a time from the pipeline: links each chunk's first
/// entry to the one before, numbers the lines of problems, and hands out entries one by one.
struct TrailReader {
    private let stream: ChunkStream<TrailChunk>?
    private var entries: [TrailEntry] = []
    private var next = 0
    /// Newlines of the chunks taken so far: a chunk's line numbers start after them.
    private var linesBefore = 0
    private var previousHash = HexDigest.genesis
    private var expected = 1
    private(set) var cutShort = false
    let path: String
    var problems: [StoreProblem] = []

    init(stream: ChunkStream<TrailChunk>?, path: String) {
        self.stream = stream
        self.path = path
    }

    mutating func peek() -> TrailEntry? {
        if next == entries.count { fill() }
        return next < entries.count ? entries[next] : nil
    }

    mutating func pop() -> TrailEntry? {
        guard let entry = peek() else { return nil }
        next += 1
        return entry
    }

    private mutating func fill() {
        entries = []
        next = 0
        while entries.isEmpty, let chunk = stream?.next() {
            if chunk.cutShort { cutShort = true }
            guard let prepared = chunk.prepared else { return }
            var found = prepared.problems
            if let opening = prepared.opening {
                if opening.previousHash != previousHash {
                    found.append((opening.before, "\(AuditTrail.Problem.brokenChain(expectedPrevious: previousHash.text))"))
                } else if opening.sequence != expected {
                    found.append((opening.before, "\(AuditTrail.Problem.sequenceGap(expected: expected, found: opening.sequence))"))
                }
                found.sort { $0.before < $1.before }
            }
            for (before, message) in found {
                problems.append(StoreProblem(.damaged, file: path, position: "line \(linesBefore + before + 1)", message: message))
            }
            if let closing = prepared.closing { (previousHash, expected) = closing }
            if let torn = chunk.torn {
                problems.append(StoreProblem(.damaged, file: path, position: "line \(linesBefore + torn.before + 1)",
                                             message: "the last entry is incomplete (a torn write); opening the store sets it aside"))
            }
            linesBefore += chunk.newlines
            entries = prepared.entries
        }
    }
}

/// One line of the trail read as the check reads it.
enum TrailLine {
    struct Read {
        var entry: TrailEntry
        var previousHash: HexDigest
        var hash: HexDigest
    }

    static let hashSuffixLength = AuditTrail.hashKey.count + 64 + 2

    /// The time and the user of the last entry read, found valid: a trail comes in runs of one
    /// user and one second, and checking each again was a fifth of reading the fields.
    struct Recent {
        var at: [UInt8] = []
        var user: [UInt8] = []

        /// Whether `bytes` are those kept (never when empty: nothing was kept yet).
        static func same(_ kept: [UInt8], _ bytes: UnsafeRawBufferPointer) -> Bool {
            !kept.isEmpty && kept.count == bytes.count && kept.withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
        }
    }

    /// The line's entry, its hash checked against its bytes; its fields read from the bytes
    /// where Haven put them (`quickRead`), else, or with `decoding`, by JSONDecoder.
    static func read(_ line: UnsafeRawBufferPointer, decoding: Bool = false, recent: inout Recent) throws(AuditTrail.Problem) -> Read {
        let (hash, hashStart) = try checkedHash(line)
        let body = UnsafeRawBufferPointer(rebasing: line[..<hashStart])
        if !decoding, let read = quickRead(body, recent: &recent) { return Read(entry: read.entry, previousHash: read.previousHash, hash: hash) }
        // Whole: DirectJSONDecoder, which gives JSONDecoder's value or gives up (then JSONDecoder).
        let closed = [UInt8](body) + [UInt8(ascii: "}")]
        guard let decoded = (try? closed.withUnsafeBufferPointer { try DirectJSONDecoder.decode(AuditTrail.Line.self, from: $0) })
            ?? (try? JSONDecoder().decode(AuditTrail.Line.self, from: Data(closed))) else {
            throw .malformed("the entry is not a Haven audit entry")
        }
        let entry = TrailEntry(sequence: decoded.sequence, caseKey: decoded.caseID.map(CaseKey.init), subject: decoded.subject,
                               version: decoded.version.rawValue, compactedThrough: compactedThrough(decoded))
        return Read(entry: entry, previousHash: HexDigest(decoded.previousHash) ?? HexDigest.genesis, hash: hash)
    }

    static func compactedThrough(_ line: AuditTrail.Line) -> Int? {
        guard line.caseID == nil, line.subject == FileCaseStore.compactionSubject else { return nil }
        return line.changes.first { $0.field == FileCaseStore.compactedThroughField }?.after.flatMap { Int($0) }
    }

    private static let closingBrace: [UInt8] = [UInt8(ascii: "}")]

    /// The hash the line states (`,"hash":"…"}` at its end), checked against the SHA-256 of
    /// its bytes before that key and a closing brace; and where that key starts.
    static func checkedHash(_ line: UnsafeRawBufferPointer) throws(AuditTrail.Problem) -> (hash: HexDigest, hashStart: Int) {
        guard line.count > hashSuffixLength, line[line.count - 1] == UInt8(ascii: "}") else { throw .malformed("not an audit line") }
        let hashStart = line.count - hashSuffixLength
        let key = AuditTrail.hashKey
        guard let form = AuditTrail.Form.of(line), line[line.count - 2] == UInt8(ascii: "\"") else {
            throw .malformed("the line has no hash")
        }
        let computed: HexDigest
        switch form {
        case .plain:
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: line[..<hashStart]))
            closingBrace.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            computed = HexDigest(digest: hasher.finalize())
        case .valuesSealed:
            // Changes that cannot be framed were edited too: the seal cannot match them.
            guard let digest = AuditTrail.valuesSealedDigest(UnsafeRawBufferPointer(rebasing: line[..<hashStart])) else {
                throw .hashMismatch
            }
            computed = digest
        }
        let stated = HexDigest(UnsafeRawBufferPointer(rebasing: line[(hashStart + key.count)..<(line.count - 2)]))!
        guard computed == stated else { throw .hashMismatch }
        return (stated, hashStart)
    }

    private static let atKey = Array(#"{"at":""#.utf8)
    private static let caseIDKey = Array(#","caseID":""#.utf8)
    private static let changesKey = Array(#","changes":["#.utf8)
    private static let previousKey = Array(#"],"previousHash":""#.utf8)
    private static let sequenceKey = Array(#"","sequence":"#.utf8)
    private static let subjectKey = Array(#","subject":""#.utf8)
    private static let userKey = Array(#","user":""#.utf8)
    private static let versionKey = Array(#","version":"#.utf8)

    /// The fields of an entry laid out as Haven writes it (keys sorted, no spaces), read from
    /// its bytes (the part before `,"hash"`): the time, the case and the user checked as
    /// JSONDecoder checks them, the numbers, the subject; the changes, the long part, are only
    /// framed (`haven check --deep` decodes them). Nil for anything else, and for a
    /// compaction's entry (read whole for its fields), so the caller falls back to JSONDecoder.
    /// `TrailLineTests` holds it to JSONDecoder's answers.
    static func quickRead(_ body: UnsafeRawBufferPointer, recent: inout Recent) -> (entry: TrailEntry, previousHash: HexDigest)? {
        var cursor = 0
        func expect(_ key: [UInt8]) -> Bool {
            guard body.count - cursor >= key.count, memcmp(body.baseAddress! + cursor, key, key.count) == 0 else { return false }
            cursor += key.count
            return true
        }
        /// A string's bytes up to its closing quote, when it has no escape and no control byte.
        func plain() -> UnsafeRawBufferPointer? {
            let start = cursor
            while cursor < body.count {
                let byte = body[cursor]
                if byte == UInt8(ascii: "\"") {
                    cursor += 1
                    return UnsafeRawBufferPointer(rebasing: body[start..<(cursor - 1)])
                }
                guard byte != UInt8(ascii: "\\"), byte >= 0x20 else { return nil }
                cursor += 1
            }
            return nil
        }
        /// A JSON integer as Haven writes it: digits, no sign, no leading zero.
        func number() -> Int? {
            let start = cursor
            var value = 0
            while cursor < body.count, body[cursor] >= UInt8(ascii: "0"), body[cursor] <= UInt8(ascii: "9"), cursor - start < 18 {
                value = value * 10 + Int(body[cursor] - UInt8(ascii: "0"))
                cursor += 1
            }
            let digits = cursor - start
            guard digits > 0, digits < 18, body[start] != UInt8(ascii: "0") || digits == 1 else { return nil }
            return value
        }
        func text(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }

        // The head: `{"at":"…"`, then `,"caseID":"…"` when the entry is about a case, then the changes.
        guard expect(atKey), let at = plain() else { return nil }
        if !Recent.same(recent.at, at) {
            guard at.withMemoryRebound(to: UInt8.self, { Timestamp(isoBytes: $0) }) != nil else { return nil }
            recent.at = Array(at)
        }
        var caseKey: CaseKey?
        if expect(caseIDKey) {
            guard let bytes = plain(), let key = CaseKey(bytes) ?? CaseID(text(bytes)).map(CaseKey.init) else { return nil }
            caseKey = key
        }
        guard expect(changesKey) else { return nil }
        // The tail, from the last `],"previousHash":"` on: no string can hold it unescaped, and
        // the changes, the only part before it that can be long, end there.
        let changesStart = cursor
        guard let tail = lastRange(of: previousKey, in: body, from: changesStart) else { return nil }
        cursor = tail + previousKey.count
        guard body.count - cursor > 64, let previous = HexDigest(hex: UnsafeRawBufferPointer(rebasing: body[cursor..<(cursor + 64)])) else { return nil }
        cursor += 64
        guard expect(sequenceKey), let sequence = number() else { return nil }
        var subject: String?
        if expect(subjectKey) {
            guard let bytes = plain(), let valid = String(validating: bytes, as: UTF8.self) else { return nil }
            subject = valid
        }
        guard expect(userKey), let user = plain() else { return nil }
        if !Recent.same(recent.user, user) {
            guard UserName(text(user)) != nil else { return nil }
            recent.user = Array(user)
        }
        guard expect(versionKey), let version = number(), cursor == body.count else { return nil }
        if subject == FileCaseStore.compactionSubject { return nil }
        return (TrailEntry(sequence: sequence, caseKey: caseKey, subject: subject, version: version), previous)
    }

    /// Where `needle` last starts in `haystack` at or after `from`.
    static func lastRange(of needle: [UInt8], in haystack: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard haystack.count - from >= needle.count else { return nil }
        let base = haystack.baseAddress!
        var end = haystack.count - needle.count + 1 // the first byte is before this
        while let index = lastIndex(of: needle[0], in: base, from: from, before: end) {
            if memcmp(base + index, needle, needle.count) == 0 { return index }
            end = index
        }
        return nil
    }

    /// Where `byte` last is in `[from, end)`, eight bytes at a time (Glibc's memrchr is not
    /// visible to Swift): the tail of each of millions of entries is searched so.
    static func lastIndex(of byte: UInt8, in base: UnsafeRawPointer, from: Int, before end: Int) -> Int? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let pattern = UInt64(byte) &* ones
        var end = end
        while end - from >= 8 {
            let word = base.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self) ^ pattern
            // Nonzero exactly when some byte of the word is `byte`.
            if (word &- ones) & ~word & (ones << 7) != 0 {
                for index in stride(from: end - 1, through: end - 8, by: -1) where base.load(fromByteOffset: index, as: UInt8.self) == byte {
                    return index
                }
            }
            end -= 8
        }
        while end > from {
            end -= 1
            if base.load(fromByteOffset: end, as: UInt8.self) == byte { return end }
        }
        return nil
    }
}

/// A case id as the check files it: by its number alone when it is written as
/// `CaseID(number:)` writes it (`HV-` and six digits, or more with no leading zero: all but
/// an id typed oddly), so 2.5 million entries find their case with no string made or compared.
enum CaseKey: Hashable {
    case number(Int)
    case other(CaseID)

    init(_ id: CaseID) {
        let utf8 = id.rawValue.utf8
        self = utf8.count == 9 || utf8.dropFirst(3).first != UInt8(ascii: "0") ? .number(id.number) : .other(id)
    }

    /// `HV-` and six digits, read from bytes; nil for anything else (which `CaseID` reads).
    init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 9, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "V"), bytes[2] == UInt8(ascii: "-") else { return nil }
        var number = 0
        for index in 3..<9 {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            number = number * 10 + Int(digit)
        }
        self = .number(number)
    }

    var id: CaseID {
        switch self {
        case let .number(number): CaseID(number: number)
        case let .other(id): id
        }
    }
}

/// A SHA-256 as the trail writes it (64 hex digits), held in place: the check compares 2.5
/// million of them and must not allocate a string for each.
struct HexDigest: Equatable {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

    init?(_ hex: UnsafeRawBufferPointer) {
        guard hex.count == 64 else { return nil }
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: hex) }
    }

    /// Only lower-case hex digits, as the trail writes them (any other string JSONDecoder reads).
    init?(hex: UnsafeRawBufferPointer) {
        guard hex.count == 64, hex.allSatisfy({ ($0 &- 48) < 10 || ($0 &- 97) < 6 }) else { return nil }
        self.init(hex)
    }

    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard let digest = bytes.withUnsafeBytes({ HexDigest($0) }) else { return nil }
        self = digest
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A computed digest, written as the trail writes it (lower-case hex).
    init(digest: SHA256.Digest) {
        withUnsafeMutableBytes(of: &words) { target in
            digest.withUnsafeBytes { bytes in
                for (index, byte) in bytes.enumerated() {
                    target[2 * index] = Self.hexDigits[Int(byte >> 4)]
                    target[2 * index + 1] = Self.hexDigits[Int(byte & 15)]
                }
            }
        }
    }

    static func == (a: HexDigest, b: HexDigest) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
            && a.words.4 == b.words.4 && a.words.5 == b.words.5 && a.words.6 == b.words.6 && a.words.7 == b.words.7
    }

    var text: String { withUnsafeBytes(of: words) { String(decoding: $0, as: UTF8.self) } }
    static let genesis = HexDigest(AuditTrail.genesis)!
}
