// The check of the case log and the audit trail as it was before it was cut into chunks that
// worker threads prepare (issue 21's `haven check` within 10 s): the reference the new
// `LogCheck` is compared with, problem for problem, on damaged stores of every kind
// (`StoreCheckReferenceTests`). Kept as it was but for its names; not used by Haven.
import Crypto
import Foundation
import Glibc
import HavenCore
@testable import HavenStore

/// The part of `haven check` that reads the case log and the audit trail: both read a chunk at
/// a time, side by side in audit-sequence order (the log is written in that order), so memory
/// grows with the number of cases and never with the length of either file. Each chunk's lines
/// are checked on every core; what needs order (versions rising, the hash chain) is checked after.
///
/// What it holds the store to:
/// - every log line framed, checksummed and decodable; each case's versions rising by one;
/// - the trail's hash chain unbroken and its numbers without a gap; each case's entries numbered
///   1, 2, 3… up to the version the log holds last (its history whole);
/// - every log line has the entry its number names, for the same case and version;
/// - a save the trail records and the log does not hold is allowed only when a compaction
///   entry covers it (the log then holds a later version of that case, which the point above
///   checks): anything else is lines removed from the log.
enum ReferenceLogCheck {
    struct Result {
        var problems: [StoreProblem] = []
        var caseCount = 0
        var recordCount = 0
        var auditEntryCount = 0
        var userEntryCount = 0
        var compactions = 0
        /// The latest change to users.json the trail records.
        var usersRevision = 0
        /// Each case's approved country, from its latest line.
        var allocatedTo: [CountryCode] = []
        var latestSummaries: [CaseSummary] = []
    }

    /// How much of a file is read at a time (tests make it small to cross chunk boundaries).
    nonisolated(unsafe) static var chunkBytes = 32 << 20

    /// What the check keeps per case: a few numbers and the latest summary.
    struct CaseState {
        var firstLogged: CaseVersion
        var latestLogged: CaseVersion
        var summary: StoredSummary
        var latestAudited = 0
    }

    static func run(casesPath: String, auditPath: String, indexPath: String, decodingRecords: Bool = true, attempt: Int = 1) -> Result {
        var result = Result()
        func damaged(_ file: String, _ position: String, _ message: String) {
            result.problems.append(StoreProblem(.damaged, file: file, position: position, message: message))
        }
        // The log and the trail as they stood at one moment: both opened, their lengths read
        // under a brief shared lock (no writer is between its log line and its audit entry
        // then), each read up to that length. Saves made while the check reads, and a
        // compaction's rename, are simply not in its cut: it reads the files it opened.
        // A compaction may rename a new log into place between the opening and the lock: the
        // files locked must be the files at the paths, else they are opened again.
        var cases: PosixFile?
        var audit: PosixFile?
        var lengths = (0, 0)
        for _ in 0..<10 {
            cases = try? PosixFile(path: casesPath, flags: O_RDONLY)
            audit = try? PosixFile(path: auditPath, flags: O_RDONLY)
            lengths = (cases?.size ?? 0, audit?.size ?? 0)
            guard let log = cases else { break }
            let current: Bool
            do {
                current = try log.withLock(.shared) { () -> Bool in
                    lengths = (log.size, audit?.size ?? 0)
                    return isAtPath(log) && audit.map(isAtPath) ?? true
                }
            } catch {
                // Without the lock a writer may be between its line and its entry: checking
                // then could call a sound store damaged. Say so instead.
                result.problems.append(StoreProblem(.damaged, file: casesPath, position: "",
                                                    message: "busy: \(error); nothing was checked, run the check again"))
                return result
            }
            if current { break }
        }
        if cases == nil { damaged(casesPath, "", "missing or unreadable: restore it from a backup") }
        if audit == nil { damaged(auditPath, "", "missing or unreadable: restore it from a backup") }

        var states: [CaseID: CaseState] = [:]
        let indexCheck = ReferenceIndexExpectation(indexPath: indexPath, log: cases)
        var trail = ReferenceTrailReader(file: audit, length: lengths.1, path: auditPath)
        // Saves the trail records that the log does not hold, since the last compaction entry
        // that covers them: how many, the first and the last (never a list: after a compaction
        // of a store saved twenty times a case they are millions).
        var unlogged: (count: Int, first: (sequence: Int, id: CaseID, version: CaseVersion)?, last: Int) = (0, nil, 0)
        var compactedThrough = 0
        var lastLoggedSequence = 0

        /// Takes one trail entry in: its case's history, what it says of users and compactions.
        func take(_ entry: ReferenceTrailReader.Entry, logged: Bool) {
            result.auditEntryCount += 1
            guard let id = entry.caseID else {
                result.userEntryCount += 1
                if entry.subject == "users" { result.usersRevision = max(result.usersRevision, entry.version) }
                if entry.subject == FileCaseStore.compactionSubject, let through = entry.compactedThrough {
                    result.compactions += 1
                    compactedThrough = max(compactedThrough, through)
                    if unlogged.last <= compactedThrough { unlogged = (0, nil, 0) }
                }
                return
            }
            var state = states[id] ?? CaseState(firstLogged: CaseVersion(0), latestLogged: CaseVersion(0), summary: .empty)
            if entry.version != state.latestAudited + 1, entry.wellFormed {
                damaged(auditPath, "entry \(entry.sequence)", "records \(id) v\(entry.version) after v\(state.latestAudited): the case's history is not whole")
            }
            state.latestAudited = max(state.latestAudited, entry.version)
            states[id] = state
            if !logged {
                unlogged.count += 1
                if unlogged.first == nil { unlogged.first = (entry.sequence, id, CaseVersion(entry.version)) }
                unlogged.last = entry.sequence
            }
        }

        // The log, a chunk at a time; the trail is read along with it up to each line's entry.
        var reader = ReferenceChunkReader(file: cases, length: lengths.0)
        while let chunk = reader.next() {
            let scan = LogScanner.scan(chunk.bytes, baseOffset: chunk.offset, file: casesPath)
            result.problems += scan.problems
            if decodingRecords { result.problems += decodeProblems(scan.records, in: chunk, file: casesPath) }
            for record in scan.records {
                let header = record.header
                result.recordCount += 1
                indexCheck.see(record)
                if var state = states[header.id], state.latestLogged.rawValue > 0 {
                    if header.version != state.latestLogged.next {
                        damaged(casesPath, "byte \(record.offset)", "\(header.id) \(header.version) follows \(state.latestLogged); a version is missing or repeated")
                    }
                    state.latestLogged = header.version
                    state.summary = header.summary
                    states[header.id] = state
                } else {
                    var state = states[header.id] ?? CaseState(firstLogged: header.version, latestLogged: header.version, summary: header.summary)
                    state.firstLogged = header.version
                    state.latestLogged = header.version
                    state.summary = header.summary
                    states[header.id] = state
                }
                // Its audit entry: the trail is read up to the number the line carries.
                let sequence = header.auditSequence
                guard sequence > lastLoggedSequence else {
                    damaged(casesPath, "byte \(record.offset)", "\(header.id) \(header.version) names audit entry \(sequence), but an earlier line names \(lastLoggedSequence): the log is out of order")
                    continue
                }
                lastLoggedSequence = sequence
                while let entry = trail.peek(), entry.sequence < sequence {
                    take(trail.pop()!, logged: false)
                }
                if let entry = trail.peek(), entry.sequence == sequence {
                    take(trail.pop()!, logged: true)
                    if entry.caseID != header.id || entry.version != header.version.rawValue {
                        damaged(auditPath, "entry \(sequence)", "records \(entry.caseID?.rawValue ?? "the users") v\(entry.version) but \(FileCaseStore.casesFile) says this entry is for \(header.id) \(header.version)")
                    }
                } else {
                    damaged(auditPath, "entry \(sequence)", "missing: the save of \(header.id) \(header.version) has no audit entry (deleted, or a crash before it was written)")
                }
            }
        }
        if reader.tornAt != nil {
            damaged(casesPath, "byte \(reader.tornAt!)", "the last line is incomplete (a torn write); opening the store sets it aside")
        }
        while let entry = trail.pop() { take(entry, logged: false) }
        result.problems += trail.problems
        // A file read back shorter than it was at the cut: a writer set a torn tail aside while
        // the check read. What was read is not one moment's store: check again.
        if reader.cutShort || trail.cutShort {
            if attempt < 3 {
                return run(casesPath: casesPath, auditPath: auditPath, indexPath: indexPath, decodingRecords: decodingRecords, attempt: attempt + 1)
            }
            damaged(reader.cutShort ? casesPath : auditPath, "", "the file was cut back three times while it was checked; run the check again")
        }

        // Each case's history whole: the trail's entries reach the version the log holds last.
        for (id, state) in states.sorted(by: { $0.key < $1.key }) {
            if state.latestLogged.rawValue == 0 {
                // Saved, by the trail, and not one line of it in the log: the case is gone.
                if state.latestAudited > 0 {
                    damaged(casesPath, id.rawValue, "the audit trail records \(id) up to v\(state.latestAudited) but the log holds no line of it: the case was removed from the log, or the log was replaced; restore it from a backup")
                }
            } else if state.latestAudited > state.latestLogged.rawValue {
                damaged(casesPath, id.rawValue, "the audit trail records \(id) up to v\(state.latestAudited) but the log's latest is \(state.latestLogged): lines were removed from the log or it was replaced; restore it from a backup")
            }
        }
        if let first = unlogged.first {
            damaged(casesPath, "", "the audit trail records \(unlogged.count) save\(unlogged.count == 1 ? "" : "s") the case log does not hold, "
                    + "from entry \(first.sequence) (\(first.id) \(first.version)): lines were removed from the log or it was replaced; restore it from a backup")
        }
        result.caseCount = states.values.count { $0.latestLogged.rawValue > 0 }
        result.latestSummaries.reserveCapacity(result.caseCount)
        for (id, state) in states where state.latestLogged.rawValue > 0 {
            let summary = state.summary.caseSummary(id: id, version: state.latestLogged)
            result.latestSummaries.append(summary)
            if let country = summary.country { result.allocatedTo.append(country) }
        }
        states = [:]
        result.problems += indexCheck.problems()
        return result
    }

    /// Whether `file` is still the file at its path (not renamed over since it was opened).
    static func isAtPath(_ file: PosixFile) -> Bool {
        var atPath = stat()
        guard stat(file.path, &atPath) == 0, let held = try? file.status() else { return false }
        return atPath.st_ino == held.st_ino && atPath.st_dev == held.st_dev
    }

    /// Every record of a chunk decoded as a case, on every core; a line that does not decode,
    /// or holds another case than its header names, is damaged.
    static func decodeProblems(_ records: [LogScanner.Record], in chunk: ReferenceChunkReader.Chunk, file: String) -> [StoreProblem] {
        guard !records.isEmpty else { return [] }
        let slices = min(records.count, ProcessInfo.processInfo.activeProcessorCount * 4)
        var found = [[StoreProblem]](repeating: [], count: slices)
        found.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: slices) { slice in
                let decoder = JSONDecoder()
                var problems: [StoreProblem] = []
                for number in stride(from: slice, to: records.count, by: slices) {
                    let record = records[number]
                    let start = record.offset - chunk.offset
                    let line = chunk.bytes[start..<(start + record.length)]
                    guard let body = try? CaseRecordLine.recordBytes(ofLine: line), let caseBytes = try? CaseRecordLine.caseBytes(ofRecord: body) else { continue }
                    do {
                        let decoded = try decoder.decode(Case.self, from: Data(caseBytes))
                        if decoded.id != record.header.id {
                            problems.append(StoreProblem(.damaged, file: file, position: "byte \(record.offset)", message: "the record says \(record.header.id) but holds \(decoded.id)"))
                        }
                    } catch {
                        problems.append(StoreProblem(.damaged, file: file, position: "byte \(record.offset)", message: "the case \(record.header.id) \(record.header.version) does not decode: \(error)"))
                    }
                }
                output[slice] = problems
            }
        }
        return found.flatMap { $0 }.sorted { $0.position < $1.position }
    }
}

/// A file read a chunk of whole lines at a time, up to a length; what is left after the last
/// newline is a torn tail.
struct ReferenceChunkReader {
    struct Chunk {
        var bytes: [UInt8]
        var offset: Int
    }

    let file: PosixFile?
    let length: Int
    var position = 0
    var tornAt: Int?
    /// A read came back short of the length measured under the lock (or failed).
    var cutShort = false
    var chunkBytes = ReferenceLogCheck.chunkBytes

    init(file: PosixFile?, length: Int) {
        self.file = file
        self.length = length
    }

    /// The next chunk, ending on a newline, or nil at the end (or on a read error).
    mutating func next() -> Chunk? {
        guard let file, position < length else { return nil }
        while true {
            let count = min(chunkBytes, length - position)
            guard let bytes = try? file.read(at: position, count: count), bytes.count == count else {
                cutShort = true
                return nil
            }
            guard let lastNewline = bytes.lastIndex(of: 10) else {
                if position + count >= length {
                    tornAt = position
                    position = length
                    return nil
                }
                chunkBytes *= 2 // a line longer than a chunk
                continue
            }
            let chunk = Chunk(bytes: lastNewline + 1 == bytes.count ? bytes : Array(bytes[...lastNewline]), offset: position)
            position += lastNewline + 1
            if position + count - (lastNewline + 1) >= length, lastNewline + 1 < bytes.count {
                tornAt = position // the file ends inside a line
                position = length
            }
            return chunk
        }
    }
}

/// A SHA-256 as the trail writes it (64 hex digits), held in place: the check compares 2.5
/// million of them and must not allocate a string for each.
struct ReferenceHexDigest: Equatable {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

    init?(_ hex: some Collection<UInt8>) {
        guard hex.count == 64 else { return nil }
        withUnsafeMutableBytes(of: &words) { target in
            for (index, byte) in hex.enumerated() { target[index] = byte }
        }
    }

    init?(_ text: String) {
        self.init(Array(text.utf8))
    }

    static func == (a: ReferenceHexDigest, b: ReferenceHexDigest) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
            && a.words.4 == b.words.4 && a.words.5 == b.words.5 && a.words.6 == b.words.6 && a.words.7 == b.words.7
    }

    var text: String { withUnsafeBytes(of: words) { String(decoding: $0, as: UTF8.self) } }
    static let genesis = ReferenceHexDigest(AuditTrail.genesis)!
}

/// The audit trail read in order, a chunk at a time: each line's hash checked, and the fields
/// the check needs read, on every core; the chain and the numbering checked in order as
/// entries are taken.
struct ReferenceTrailReader {
    struct Entry {
        var lineNumber: Int
        var sequence: Int
        var caseID: CaseID?
        var subject: String?
        var version: Int
        var compactedThrough: Int?
        var previousHash: ReferenceHexDigest
        var hash: ReferenceHexDigest
        /// Its hash matched and it read as an entry (a damaged one is still taken, so one bad
        /// entry does not hide the rest, but its number is not trusted for the history).
        var wellFormed = true
    }

    private var chunks: ReferenceChunkReader
    var cutShort: Bool { chunks.cutShort }
    private var pending: [Entry] = []
    private var next = 0
    private var lineNumber = 0
    private var previousHash = ReferenceHexDigest.genesis
    private var expected = 1
    let path: String
    var problems: [StoreProblem] = []

    init(file: PosixFile?, length: Int, path: String) {
        chunks = ReferenceChunkReader(file: file, length: length)
        self.path = path
    }

    mutating func peek() -> Entry? {
        if next == pending.count { fill() }
        return next < pending.count ? pending[next] : nil
    }

    mutating func pop() -> Entry? {
        guard let entry = peek() else { return nil }
        next += 1
        return entry
    }

    /// Reads the next chunk and checks its entries' chain and numbers, in order.
    private mutating func fill() {
        pending = []
        next = 0
        while pending.isEmpty {
            guard let chunk = chunks.next() else {
                if chunks.tornAt != nil, !problems.contains(where: { $0.message.contains("the last entry is incomplete") }) {
                    problems.append(StoreProblem(.damaged, file: path, position: "line \(lineNumber + 1)", message: "the last entry is incomplete (a torn write); opening the store sets it aside"))
                }
                return
            }
            // Every line, empty ones counted (line numbers are the file's).
            var ranges: [(start: Int, end: Int, number: Int)] = []
            var start = 0
            chunk.bytes.withUnsafeBytes { buffer in
                while start < buffer.count, let found = memchr(buffer.baseAddress! + start, 10, buffer.count - start) {
                    let end = buffer.baseAddress!.distance(to: UnsafeRawPointer(found))
                    lineNumber += 1
                    if end > start { ranges.append((start, end, lineNumber)) }
                    start = end + 1
                }
            }
            let read = Self.readAll(chunk.bytes, ranges)
            for (range, parsed) in zip(ranges, read) {
                switch parsed {
                case let .success(entry):
                    if entry.previousHash != previousHash {
                        problems.append(StoreProblem(.damaged, file: path, position: "line \(range.number)", message: "\(AuditTrail.Problem.brokenChain(expectedPrevious: previousHash.text))"))
                    } else if entry.sequence != expected {
                        problems.append(StoreProblem(.damaged, file: path, position: "line \(range.number)", message: "\(AuditTrail.Problem.sequenceGap(expected: expected, found: entry.sequence))"))
                    }
                    previousHash = entry.hash
                    expected = entry.sequence + 1
                    pending.append(entry)
                case let .failure(problem):
                    problems.append(StoreProblem(.damaged, file: path, position: "line \(range.number)", message: "\(problem.description)"))
                    // Carry on from this entry so one bad entry does not hide the rest.
                    let line = chunk.bytes[range.start..<range.end]
                    if let decoded = try? JSONDecoder().decode(AuditTrail.Line.self, from: Data(line)) {
                        var entry = Entry(lineNumber: range.number, sequence: decoded.sequence, caseID: decoded.caseID, subject: decoded.subject,
                                          version: decoded.version.rawValue, compactedThrough: nil,
                                          previousHash: ReferenceHexDigest(decoded.previousHash) ?? ReferenceHexDigest.genesis,
                                          hash: ReferenceHexDigest(line.suffix(66).prefix(64)) ?? ReferenceHexDigest.genesis)
                        entry.wellFormed = false
                        previousHash = entry.hash
                        expected = entry.sequence + 1
                        pending.append(entry)
                    }
                }
            }
        }
    }

    /// Each line's hash checked and its fields read, on every core.
    private static func readAll(_ bytes: [UInt8], _ ranges: [(start: Int, end: Int, number: Int)]) -> [Result<Entry, AuditTrail.Problem>] {
        var read = [Result<Entry, AuditTrail.Problem>](repeating: .failure(.malformed("not read")), count: ranges.count)
        let slices = max(1, min(ranges.count, ProcessInfo.processInfo.activeProcessorCount * 4))
        read.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: slices) { slice in
                for number in stride(from: slice, to: ranges.count, by: slices) {
                    let range = ranges[number]
                    output[number] = Result { () throws(AuditTrail.Problem) in try entry(bytes[range.start..<range.end], lineNumber: range.number) }
                }
            }
        }
        return read
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// One line's entry: its hash checked against its bytes, its fields read from the few
    /// places they can be (keys are sorted; only the case's changes are long, and they are
    /// skipped, not parsed), with JSONDecoder for a line this reading does not expect.
    static func entry(_ line: ArraySlice<UInt8>, lineNumber: Int) throws(AuditTrail.Problem) -> Entry {
        let suffixLength = AuditTrail.hashKey.count + 64 + 2
        guard line.count > suffixLength, line.last == UInt8(ascii: "}") else { throw .malformed("not an audit line") }
        let hashStart = line.endIndex - suffixLength
        let keyBytes = line[hashStart..<(hashStart + AuditTrail.hashKey.count)]
        let sealed = keyBytes.elementsEqual(Array(#","seal":""#.utf8))
        guard keyBytes.elementsEqual(AuditTrail.hashKey) || sealed else { throw .malformed("the line has no hash") }
        let stated = line[(hashStart + AuditTrail.hashKey.count)..<(line.endIndex - 2)]
        var hasher = SHA256()
        if sealed {
            guard let covered = valuesByDigest(Array(line[line.startIndex..<hashStart])) else { throw .hashMismatch }
            hasher.update(data: covered)
        } else {
            hasher.update(data: line[line.startIndex..<hashStart])
        }
        hasher.update(data: [UInt8(ascii: "}")])
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in hasher.finalize() {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 15)])
        }
        guard hex.elementsEqual(stated) else { throw .hashMismatch }
        guard let hash = ReferenceHexDigest(stated) else { throw .malformed("the line has no hash") }
        if let entry = quickRead(line[line.startIndex..<hashStart], lineNumber: lineNumber, hash: hash) { return entry }
        let body = Array(line[line.startIndex..<hashStart]) + [UInt8(ascii: "}")]
        guard let decoded = try? JSONDecoder().decode(AuditTrail.Line.self, from: Data(body)) else {
            throw .malformed("the entry is not a Haven audit entry")
        }
        return Entry(lineNumber: lineNumber, sequence: decoded.sequence, caseID: decoded.caseID, subject: decoded.subject,
                     version: decoded.version.rawValue, compactedThrough: compactedThrough(decoded),
                     previousHash: ReferenceHexDigest(decoded.previousHash) ?? ReferenceHexDigest.genesis, hash: hash)
    }

    /// The bytes a seal of the second form covers, worked out another way than the store's
    /// scanner: a regular expression finds each `"after"`, `"before"`, `"field"` and `"salt"`
    /// string of the changes, in order; each change's values are replaced by `"sha256:" +
    /// hex(SHA-256 of its salt's token then the value's)` and its salt by `"sha256:" +
    /// hex(SHA-256 of the salt's token)` (an erased token by the digest it keeps).
    static func valuesByDigest(_ body: [UInt8]) -> [UInt8]? {
        let text = String(decoding: body, as: UTF8.self)
        guard let changes = text.range(of: #","changes":["#),
              let end = text.range(of: #"],"previousHash":""#, options: .backwards),
              let expression = try? NSRegularExpression(pattern: #""(after|before|field|salt)":("(?:[^"\\]|\\.)*")"#) else { return nil }
        func hex(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }
        func kept(_ token: String) -> String? {
            token.hasPrefix(#""erased:sha256:"#) && token.count == 80 ? String(token.dropFirst(15).dropLast()) : nil
        }
        var tokens: [(key: String, range: Range<String.Index>)] = []
        for match in expression.matches(in: text, range: NSRange(changes.upperBound..<end.lowerBound, in: text)) {
            guard let key = Range(match.range(at: 1), in: text), let value = Range(match.range(at: 2), in: text) else { return nil }
            tokens.append((String(text[key]), value))
        }
        var replacements: [(Range<String.Index>, String)] = []
        var values: [Range<String.Index>] = []
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            if token.key == "after" || token.key == "before" {
                values.append(token.range)
                index += 1
                continue
            }
            guard token.key == "field" else { return nil }
            var salt: Range<String.Index>?
            if index + 1 < tokens.count, tokens[index + 1].key == "salt" { salt = tokens[index + 1].range; index += 1 }
            let saltBytes = salt.map { Array(text[$0].utf8) } ?? []
            for value in values {
                let token = String(text[value])
                replacements.append((value, kept(token) ?? hex(saltBytes + Array(token.utf8))))
            }
            if let salt { replacements.append((salt, kept(String(text[salt])) ?? hex(saltBytes))) }
            values = []
            index += 1
        }
        guard values.isEmpty else { return nil }
        var out = ""
        var last = text.startIndex
        for (range, digest) in replacements.sorted(by: { $0.0.lowerBound < $1.0.lowerBound }) {
            out += text[last..<range.lowerBound]
            out += #""sha256:"# + digest + #"""#
            last = range.upperBound
        }
        out += text[last...]
        return Array(out.utf8)
    }

    static func compactedThrough(_ line: AuditTrail.Line) -> Int? {
        guard line.caseID == nil, line.subject == FileCaseStore.compactionSubject else { return nil }
        return line.changes.first { $0.field == FileCaseStore.compactedThroughField }?.after.flatMap { Int($0) }
    }

    private static let previousKey = Array(#","previousHash":""#.utf8)
    private static let caseKey = Array(#"","caseID":""#.utf8)

    /// The fields after the changes, read from the key `previousHash` on (the last place it
    /// can appear unescaped, since no change has such a key), and the case from the start.
    /// Nil when the line is not laid out as Haven writes it, or is a compaction's.
    static func quickRead(_ body: ArraySlice<UInt8>, lineNumber: Int, hash: ReferenceHexDigest) -> Entry? {
        guard let keyAt = lastRange(of: previousKey, in: body) else { return nil }
        var cursor = keyAt + previousKey.count
        guard body.endIndex - cursor > 66 else { return nil }
        guard let previous = ReferenceHexDigest(body[cursor..<(cursor + 64)]) else { return nil }
        cursor += 64
        func expect(_ text: String) -> Bool {
            let bytes = Array(text.utf8)
            guard body.endIndex - cursor >= bytes.count, body[cursor..<(cursor + bytes.count)].elementsEqual(bytes) else { return false }
            cursor += bytes.count
            return true
        }
        func number() -> Int? {
            var value = 0
            var digits = 0
            while cursor < body.endIndex, let digit = Optional(body[cursor]), digit >= 48, digit <= 57, digits < 18 {
                value = value * 10 + Int(digit - 48)
                digits += 1
                cursor += 1
            }
            return digits > 0 ? value : nil
        }
        func plainString() -> String? {
            guard let end = body[cursor...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            let text = body[cursor..<end]
            guard !text.contains(UInt8(ascii: "\\")) else { return nil }
            cursor = end + 1
            return String(decoding: text, as: UTF8.self)
        }
        guard expect("\",\"sequence\":"), let sequence = number() else { return nil }
        var subject: String?
        if expect(",\"subject\":\"") {
            guard let text = plainString() else { return nil }
            subject = text
        }
        guard expect(",\"user\":\""), plainString() != nil, expect(",\"version\":"), let version = number(), cursor == body.endIndex else { return nil }
        if subject == FileCaseStore.compactionSubject { return nil } // read whole, for its fields
        // The case: `{"at":"…","caseID":"HV-…"` when the entry is about one.
        var caseID: CaseID?
        if let at = body.firstIndex(of: UInt8(ascii: ",")), body[at...].starts(with: caseKey.dropFirst()) {
            cursor = at + caseKey.count - 1
            guard let text = plainString(), let id = CaseID(text) else { return nil }
            caseID = id
        }
        guard body.starts(with: Array(#"{"at":""#.utf8)) else { return nil }
        return Entry(lineNumber: lineNumber, sequence: sequence, caseID: caseID, subject: subject, version: version,
                     compactedThrough: nil, previousHash: previous, hash: hash)
    }

    static func lastRange(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.endIndex - needle.count
        while index >= haystack.startIndex {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index -= 1
        }
        return nil
    }
}

/// The queue index, when it stands for the log (else opening ignores it): what it says of each
/// case must be what the log's lines up to its position say. The latest line of each case
/// below that position is kept as the log streams by.
final class ReferenceIndexExpectation {
    let indexPath: String
    private var unusable = false
    private var coveredLength = 0
    /// What the index says of each case, as one number (in case-number order, as it lists them).
    private var stated: [(id: CaseID, fingerprint: Int)]?
    /// What the log's latest line below the index's position says of each case, as one number.
    private var seen: [CaseID: (version: CaseVersion, fingerprint: Int)] = [:]

    init(indexPath: String, log: PosixFile?) {
        self.indexPath = indexPath
        var status = stat()
        guard lstat(indexPath, &status) == 0 else { return }
        guard let bytes = try? PosixFile(path: indexPath, flags: O_RDONLY).readAll(), let decoded = try? QueueIndex.decode(bytes) else {
            unusable = true
            return
        }
        guard let log, (try? decoded.matches(log)) == true else { return }
        coveredLength = decoded.stamp.coveredLength
        // Only a number a case is kept, not the index itself.
        stated = zip(decoded.entries, decoded.summaries).map { entry, summary in
            (entry.id, Self.fingerprint(summary: summary, offset: entry.offset, length: entry.length, savedBy: entry.savedBy,
                                        savedAt: entry.savedAt, auditSequence: entry.auditSequence))
        }
    }

    static func fingerprint(summary: CaseSummary, offset: Int, length: Int, savedBy: UserName, savedAt: Timestamp, auditSequence: Int) -> Int {
        var hasher = Hasher()
        hasher.combine(summary)
        hasher.combine(offset)
        hasher.combine(length)
        hasher.combine(savedBy)
        hasher.combine(savedAt)
        hasher.combine(auditSequence)
        return hasher.finalize()
    }

    func see(_ record: LogScanner.Record) {
        guard stated != nil, record.offset < coveredLength else { return }
        let header = record.header
        if let kept = seen[header.id], kept.version >= header.version { return }
        seen[header.id] = (header.version, Self.fingerprint(summary: header.summary.caseSummary(id: header.id, version: header.version),
                                                           offset: record.offset, length: record.length, savedBy: header.savedBy,
                                                           savedAt: header.savedAt, auditSequence: header.auditSequence))
    }

    func problems() -> [StoreProblem] {
        if unusable {
            return [StoreProblem(.repaired, file: indexPath, position: "",
                                 message: "not a queue index this Haven can use (damaged, or of another version); opening ignores it and writes a new one")]
        }
        guard let stated else { return [] }
        let fix = "delete \(QueueIndex.fileName) (a cache); the next opening reads the log and writes it again"
        var wrong: [CaseID] = []
        var expected = seen
        for (id, fingerprint) in stated {
            guard let line = expected.removeValue(forKey: id), line.fingerprint == fingerprint else { wrong.append(id); continue }
        }
        wrong += expected.keys.sorted()
        guard !wrong.isEmpty else { return [] }
        let named = wrong.prefix(5).map(\.rawValue).joined(separator: ", ") + (wrong.count > 5 ? " and \(wrong.count - 5) more" : "")
        return [StoreProblem(.damaged, file: indexPath, position: "",
                             message: "the queue index disagrees with the log about \(named): queues would show the index's version; \(fix)")]
    }
}
