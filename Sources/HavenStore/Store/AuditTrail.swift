import Crypto
import Foundation
import HavenCore

/// The audit trail file, `audit.jsonl`: one entry a line, append-only. Each line carries the
/// SHA-256 of the line before it and its own, so an edited, inserted or deleted entry breaks
/// the chain:
///
///     {"at":…,"caseID":…,"changes":[…],"previousHash":"…","sequence":7,"user":…,"version":3,"hash":"…"}
///
/// `hash` is SHA-256 of the line's bytes up to (not including) `,"hash":`, plus the closing
/// brace: the entry with its previous hash, exactly as written.
enum AuditTrail {
    /// The previous hash of the first entry.
    static let genesis = String(repeating: "0", count: 64)
    static let hashKey = Array(#","hash":""#.utf8)

    struct Line: Codable, Hashable {
        var sequence: Int
        var at: Timestamp
        var user: UserName
        var caseID: CaseID?
        var subject: String?
        var version: CaseVersion
        var changes: [FieldChange]
        var previousHash: String

        init(_ entry: AuditEntry, previousHash: String) {
            sequence = entry.sequence
            at = entry.at
            user = entry.user
            caseID = entry.caseID
            subject = entry.subject
            version = entry.version
            changes = entry.changes
            self.previousHash = previousHash
        }

        var entry: AuditEntry {
            AuditEntry(sequence: sequence, at: at, user: user, caseID: caseID, subject: subject, version: version, changes: changes)
        }
    }

    static func hash(_ bytes: some Collection<UInt8>) -> String {
        let digest = bytes.withContiguousStorageIfAvailable { SHA256.hash(data: UnsafeRawBufferPointer($0)) } ?? SHA256.hash(data: Array(bytes))
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in digest {
            hex.append(SortedJSONEncoder.Output.hex[Int(byte >> 4)])
            hex.append(SortedJSONEncoder.Output.hex[Int(byte & 0xF)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The bytes of the line for `entry` following a line whose hash is `previousHash`, and its hash.
    static func encode(_ entry: AuditEntry, previousHash: String) throws -> (bytes: [UInt8], hash: String) {
        try sealedValues(Line(entry, previousHash: previousHash))
    }

    /// A chained line (this trail's, or the access log's): the object's sorted JSON, its
    /// SHA-256 as `"hash"` before the closing brace, and a newline.
    static func sealed(_ line: some Encodable) throws -> (bytes: [UInt8], hash: String) {
        var body = try CaseRecordLine.writer.encode(line)
        let digest = hash(body)
        body.removeLast()
        return (body + hashKey + Array(digest.utf8) + Array("\"}\n".utf8), digest)
    }

    /// An entry encoded before its sequence number and the previous hash are known: the two
    /// sit side by side in the middle of the line (keys are sorted), so an import encodes its
    /// thousands of entries before the lock and only seals them (number, chain, SHA-256) under it.
    struct Unsealed {
        static let marker = Array(#""previousHash":""#.utf8)
        let before: [UInt8]
        /// `before` as the seal covers it: each value by its digest (`AuditTrail+Seal`).
        let sealedBefore: [UInt8]
        let after: [UInt8]

        init(_ entry: AuditEntry) throws {
            var placeholder = entry
            placeholder.sequence = 0
            let encoded = try CaseRecordLine.writer.encode(Line(placeholder, previousHash: genesis).salted())
            let middle = Array(#"\#(genesis)","sequence":0"#.utf8)
            guard let start = CaseRecordLine.firstRange(of: Self.marker, in: encoded[...]),
                  encoded[(start + Self.marker.count)...].starts(with: middle) else {
                throw Problem.malformed("an audit entry is not laid out as the trail writes it")
            }
            before = Array(encoded[..<(start + Self.marker.count)])
            guard let sealed = before.withUnsafeBytes({ AuditTrail.sealedBytes($0) }) else {
                throw Problem.malformed("an audit entry's changes are not laid out as the trail writes them")
            }
            sealedBefore = sealed
            after = Array(encoded[(start + Self.marker.count + middle.count)...])
        }
    }

    /// The line for an unsealed entry as `encode` writes it, and its hash.
    static func seal(_ entry: Unsealed, sequence: Int, previousHash: String) -> (bytes: [UInt8], hash: String) {
        var bytes: [UInt8] = []
        let digest = seal(entry, sequence: sequence, previousHash: previousHash, appendingTo: &bytes)
        return (bytes, digest)
    }

    static let sequenceKey = Array(#"","sequence":"#.utf8)

    /// Appends the line as `seal` makes it, with no copy on the way; returns its hash.
    static func seal(_ entry: Unsealed, sequence: Int, previousHash: String, appendingTo bytes: inout [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(data: entry.sealedBefore)
        let middle = Array(previousHash.utf8) + sequenceKey + Array(String(sequence).utf8)
        hasher.update(data: middle)
        hasher.update(data: entry.after)
        let digest = HexDigest(digest: hasher.finalize()).text
        bytes += entry.before
        bytes += middle
        bytes += entry.after
        bytes.removeLast()
        bytes += sealKey
        bytes += digest.utf8
        bytes += [UInt8(ascii: "\""), UInt8(ascii: "}"), UInt8(ascii: "\n")]
        return digest
    }

    /// The sequence number and hash of a line whose hash matches its contents, or nil.
    static func sealedEntry(_ line: ArraySlice<UInt8>) -> (sequence: Int, hash: String)? {
        guard let (body, stated) = try? verifiedBody(line, what: "an audit line"),
              let decoded = try? JSONDecoder().decode(Line.self, from: Data(body)) else { return nil }
        return (decoded.sequence, stated)
    }

    enum Problem: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case hashMismatch
        case brokenChain(expectedPrevious: String)
        case sequenceGap(expected: Int, found: Int)

        var description: String {
            switch self {
            case let .malformed(reason): reason
            case .hashMismatch: "the entry's hash does not match its contents: it was edited"
            case .brokenChain: "the entry does not follow the one before it: an entry was inserted, deleted or reordered"
            case let .sequenceGap(expected, found): "entry \(found) where \(expected) was expected: an entry is missing or inserted"
            }
        }
    }

    /// A chained line's body (what its hash covers: up to `,"hash":`, closed with `}`) and the
    /// hash it states, once the two agree; `what` names the file's lines in a refusal.
    static func verifiedBody(_ line: ArraySlice<UInt8>, what: String) throws(Problem) -> (body: [UInt8], hash: String) {
        let suffixLength = hashKey.count + 64 + 2
        guard line.count > suffixLength, line.last == UInt8(ascii: "}") else { throw .malformed("not \(what)") }
        let hashStart = line.endIndex - suffixLength
        let bytes = Array(line)
        guard let form = bytes.withUnsafeBytes({ Form.of($0) }) else { throw .malformed("the line has no hash") }
        let stated = String(decoding: line[(hashStart + hashKey.count)..<(line.endIndex - 2)], as: UTF8.self)
        var body = Array(line[line.startIndex..<hashStart])
        let computed: String? = switch form {
        case .plain: hash(body + [UInt8(ascii: "}")])
        case .valuesSealed: valuesSealedDigest(body)
        }
        guard computed == stated else { throw .hashMismatch }
        body.append(UInt8(ascii: "}"))
        return (body, stated)
    }

    /// Checks one line (without its newline) against the previous hash; returns the entry and its hash.
    static func decode(line: ArraySlice<UInt8>, previousHash: String, expectedSequence: Int) throws(Problem) -> (Line, String) {
        let (body, stated) = try verifiedBody(line, what: "an audit line")
        let decoded: Line
        do {
            decoded = try JSONDecoder().decode(Line.self, from: Data(body))
        } catch {
            throw .malformed("the entry is not a Haven audit entry")
        }
        guard decoded.previousHash == previousHash else { throw .brokenChain(expectedPrevious: previousHash) }
        guard decoded.sequence == expectedSequence else { throw .sequenceGap(expected: expectedSequence, found: decoded.sequence) }
        return (decoded, stated)
    }
}
