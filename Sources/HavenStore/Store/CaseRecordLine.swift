import Foundation
import Glibc
import HavenCore

/// What a record line says about a case besides the case itself; all that opening the store
/// needs, so queues never decode whole records.
struct RecordHeader: Codable, Hashable {
    var id: CaseID
    var version: CaseVersion
    var savedBy: UserName
    var savedAt: Timestamp
    /// The audit entry that records this save.
    var auditSequence: Int
    var summary: StoredSummary
    /// In a write of several cases (a link): this line's place in it, and how many lines it has.
    var part: Int?
    var parts: Int?
}

/// The summary fields as they are written in each record line.
struct StoredSummary: Codable, Hashable {
    var cyrillicName: String
    var latinName: String
    var stage: CaseStage
    var stageEnteredAt: Timestamp
    var assignedTo: UserName?
    var country: CountryCode?
    /// Absent in lines written before flags existed: read as none.
    var flags: [CaseFlag]?
    /// Absent when no decision has been proposed.
    var decision: DecisionSummary?
    /// Absent when no allocation has been proposed.
    var allocation: AllocationSummary?
    /// Absent before arrival unless courses, levels or skills are recorded.
    var integration: IntegrationSummary?
    /// Absent when no family member is recorded.
    var family: [FamilyMemberSummary]?
    /// Absent when consent to publicity was never given.
    var publicity: PublicitySummary?
    /// Absent when nothing on the case may need anyone (My work).
    var attention: AttentionSummary?
    /// Absent unless a supervisor restricted the case: who may open it.
    var restriction: RestrictionSummary?

    static let empty = StoredSummary(cyrillicName: "", latinName: "", stage: .intake,
                                     stageEnteredAt: Timestamp(secondsSinceEpoch: 0), assignedTo: nil, country: nil)

    init(cyrillicName: String, latinName: String, stage: CaseStage, stageEnteredAt: Timestamp,
         assignedTo: UserName?, country: CountryCode?) {
        self.cyrillicName = cyrillicName
        self.latinName = latinName
        self.stage = stage
        self.stageEnteredAt = stageEnteredAt
        self.assignedTo = assignedTo
        self.country = country
    }

    /// The list fields of a case, as HavenCore works them out.
    init(_ record: Case) {
        self.init(CaseSummary(record: record, version: CaseVersion(0)))
    }

    /// A summary as it is written in a line: every field of `CaseSummary` but the id and the
    /// version (the header's own). `SummaryDescriptionTests` fails when the two drift.
    init(_ summary: CaseSummary) {
        self.init(cyrillicName: summary.cyrillicName, latinName: summary.latinName, stage: summary.stage,
                  stageEnteredAt: summary.stageEnteredAt, assignedTo: summary.assignedTo, country: summary.country)
        flags = summary.flags.isEmpty ? nil : summary.flags.sorted()
        decision = summary.decision
        allocation = summary.allocation
        integration = summary.integration
        family = summary.family.isEmpty ? nil : summary.family
        publicity = summary.publicity
        attention = summary.attention
        restriction = summary.restriction
    }

    func caseSummary(id: CaseID, version: CaseVersion) -> CaseSummary {
        CaseSummary(id: id, cyrillicName: cyrillicName, latinName: latinName, stage: stage,
                    stageEnteredAt: stageEnteredAt, assignedTo: assignedTo, country: country, version: version,
                    flags: Set(flags ?? []), decision: decision, allocation: allocation, integration: integration,
                    family: family ?? [], publicity: publicity, attention: attention, restriction: restriction)
    }
}

/// One line of `cases.jsonl`:
///
///     {"crc32":"1a2b3c4d","record":{"id":…,"version":…,…,"summary":{…},"case":{…}}}
///
/// The CRC covers the bytes of the record object exactly as written, so a torn or altered
/// line is caught; the header fields come before `"case"` so they can be read without it.
enum CaseRecordLine {
    static let prefix = Array(#"{"crc32":""#.utf8)
    static let afterChecksum = Array(#"","record":"#.utf8)
    static let caseKey = Array(#","case":"#.utf8)
    /// `{"crc32":"` + 8 hex digits + `","record":`.
    static let recordStart = prefix.count + 8 + afterChecksum.count

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Writes the same bytes as `encoder`, several times quicker (`SortedJSONEncoder`): what
    /// the log, the trail and imports are written with.
    static let writer = SortedJSONEncoder()

    /// The bytes of a whole line, newline included.
    static func encode(_ record: Case, header: RecordHeader) throws -> [UInt8] {
        try encode(caseBytes: try writer.encode(record), header: header)
    }

    /// The line for a case already encoded (as `encoder` writes it).
    static func encode(caseBytes: [UInt8], header: RecordHeader) throws -> [UInt8] {
        try encode(Unnumbered(caseBytes: caseBytes, header: header), sequence: header.auditSequence)
    }

    /// A line made before its audit sequence is known: everything but that number, which is
    /// the header's first key (keys are sorted), so the line is finished under the write lock
    /// by writing the number in and taking the CRC. An import of thousands of cases encodes its
    /// lines before it takes the lock, so saves beside it wait for the append, not the encoding.
    struct Unnumbered {
        static let sequenceKey = Array(#"{"auditSequence":"#.utf8)
        /// The record from just after the sequence number to the end of the case, closing brace included.
        let rest: [UInt8]

        init(caseBytes: [UInt8], header: RecordHeader) throws {
            var unnumbered = header
            unnumbered.auditSequence = 0
            let encoded = try writer.encode(unnumbered)
            let zero = Self.sequenceKey + [UInt8(ascii: "0")]
            guard encoded.starts(with: zero) else { throw Problem.malformed("the record header does not begin with its audit sequence") }
            rest = Array(encoded[zero.count..<(encoded.count - 1)]) + caseKey + caseBytes + [UInt8(ascii: "}")]
        }
    }

    static func encode(_ line: Unnumbered, sequence: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        append(line, sequence: sequence, to: &bytes)
        return bytes
    }

    /// Appends the line numbered `sequence`, newline included, with no copy of it made on the
    /// way (an import appends 120,000 of them under the lock).
    static func append(_ line: Unnumbered, sequence: Int, to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes += prefix
        bytes += [UInt8](repeating: UInt8(ascii: "0"), count: 8)
        bytes += afterChecksum
        let bodyStart = bytes.count
        bytes += Unnumbered.sequenceKey
        bytes += String(sequence).utf8
        bytes += line.rest
        let checksum = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[bodyStart...])) }
        for (offset, digit) in CRC32.hex(checksum).utf8.enumerated() { bytes[start + prefix.count + offset] = digit }
        bytes += [UInt8(ascii: "}"), UInt8(ascii: "\n")]
    }

    enum Problem: Error, Equatable {
        case malformed(String)
        case checksumMismatch
    }

    /// The record bytes of a line (without its newline), after checking the frame and the CRC.
    static func recordBytes(ofLine line: ArraySlice<UInt8>) throws(Problem) -> ArraySlice<UInt8> {
        guard line.count > recordStart + 1, line.starts(with: prefix), line.last == UInt8(ascii: "}") else {
            throw .malformed("not a Haven record line")
        }
        let start = line.startIndex
        let checksumBytes = line[(start + prefix.count)..<(start + prefix.count + 8)]
        guard let expected = hexValue(checksumBytes) ?? UInt32(String(decoding: checksumBytes, as: UTF8.self), radix: 16),
              line[(start + prefix.count + 8)..<(start + recordStart)].elementsEqual(afterChecksum) else {
            throw .malformed("the record frame is damaged")
        }
        let body = line[(start + recordStart)..<(line.endIndex - 1)]
        guard CRC32.checksum(body) == expected else { throw .checksumMismatch }
        return body
    }

    /// Eight hex digits' value read from the bytes (nil for anything else, which
    /// `UInt32(_:radix:)` then reads as it always did): no string made for each line.
    static func hexValue(_ digits: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        for byte in digits {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The header part of record bytes, as a JSON object of its own.
    static func headerBytes(ofRecord body: ArraySlice<UInt8>) throws(Problem) -> [UInt8] {
        guard let split = firstRange(of: caseKey, in: body) else { throw .malformed("the record has no case") }
        return Array(body[body.startIndex..<split]) + [UInt8(ascii: "}")]
    }

    /// The same, written over `header` (kept from line to line, so reading 120,000 headers
    /// makes no array for each).
    static func headerBytes(ofRecord body: ArraySlice<UInt8>, into header: inout [UInt8]) throws(Problem) {
        guard let split = firstRange(of: caseKey, in: body) else { throw .malformed("the record has no case") }
        header.removeAll(keepingCapacity: true)
        header.append(contentsOf: body[body.startIndex..<split])
        header.append(UInt8(ascii: "}"))
    }

    /// The case part of record bytes.
    static func caseBytes(ofRecord body: ArraySlice<UInt8>) throws(Problem) -> ArraySlice<UInt8> {
        guard let split = firstRange(of: caseKey, in: body) else { throw .malformed("the record has no case") }
        return body[(split + caseKey.count)..<(body.endIndex - 1)]
    }

    /// Where `needle` first occurs in `haystack` (an index of the slice), found with memchr on
    /// its first byte: opening a store looks for `,"case":` in every line it reads.
    static func firstRange(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            var index = 0
            let last = buffer.count - needle.count
            while index <= last {
                guard let found = memchr(base + index, Int32(first), last - index + 1) else { return nil }
                let at = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                if memcmp(base + at, needle, needle.count) == 0 { return haystack.startIndex + at }
                index = at + 1
            }
            return nil
        }
    }
}
