import Foundation
import Glibc
import HavenCore

/// The part of `haven check` that reads the case log and the audit trail: both cut into chunks
/// that worker threads read and prepare on every core (each log line's CRC and header, each
/// entry's SHA-256 and fields, the chain within the chunk; `StoreCheck+Chunks.swift`), taken in
/// side by side in audit-sequence order (the log is written in that order) by one thread, which
/// checks what needs order. Memory grows with the number of cases and never with the length of
/// either file.
///
/// What it holds the store to:
/// - every log line framed, checksummed and with a header it can read; each case's versions
///   rising by one (with `decodingRecords`, every case decoded and every entry read whole);
/// - the trail's hash chain unbroken and its numbers without a gap; each case's entries numbered
///   1, 2, 3… up to the version the log holds last (its history whole);
/// - every log line has the entry its number names, for the same case and version;
/// - a save the trail records and the log does not hold is allowed only when a compaction
///   entry covers it (the log then holds a later version of that case, which the point above
///   checks): anything else is lines removed from the log.
enum LogCheck {
    struct Result {
        var problems: [StoreProblem] = []
        var caseCount = 0
        var recordCount = 0
        var auditEntryCount = 0
        var userEntryCount = 0
        var compactions = 0
        /// The latest change to users.json the trail records.
        var usersRevision = 0
        var latestSummaries: [CaseSummary] = []
    }

    /// How much of a file a chunk is (tests make it small to cross chunk boundaries).
    nonisolated(unsafe) static var chunkBytes = 8 << 20

    static func run(casesPath: String, auditPath: String, indexPath: String, decodingRecords: Bool = true, attempt: Int = 1) -> Result {
        var result = Result()
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
            cases = try? PosixFile.openLog(casesPath, flags: O_RDONLY)
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
        if cases == nil { result.problems.append(StoreProblem(.damaged, file: casesPath, message: "missing or unreadable: restore it from a backup")) }
        if audit == nil { result.problems.append(StoreProblem(.damaged, file: auditPath, message: "missing or unreadable: restore it from a backup")) }

        let pipeline = ChunkPipeline()
        let chunkBytes = Self.chunkBytes
        let trailStream = pipeline.stream(file: audit, length: lengths.1, chunkBytes: chunkBytes) { chunk in
            TrailChunk(chunk, decodingEntries: decodingRecords)
        }
        let logStream = pipeline.stream(file: cases, length: lengths.0, chunkBytes: chunkBytes) { chunk in
            LogChunk(chunk, decodingRecords: decodingRecords, file: casesPath)
        }
        nonisolated(unsafe) let log = cases
        let indexExpectation = Background { IndexExpectation(indexPath: indexPath, log: log) }
        var walk = CrossCheck(casesPath: casesPath, auditPath: auditPath,
                              index: indexExpectation,
                              trail: TrailReader(stream: trailStream, path: auditPath))
        let logCutShort = walk.takeLog(logStream)
        pipeline.close()
        // A file read back shorter than it was at the cut: a writer set a torn tail aside while
        // the check read. What was read is not one moment's store: check again.
        if logCutShort || walk.trail.cutShort {
            if attempt < 3 {
                return run(casesPath: casesPath, auditPath: auditPath, indexPath: indexPath, decodingRecords: decodingRecords, attempt: attempt + 1)
            }
            walk.damaged(logCutShort ? casesPath : auditPath, "", "the file was cut back three times while it was checked; run the check again")
        }
        walk.finish(into: &result)
        return result
    }

    /// Whether `file` is still the file at its path (not renamed over since it was opened).
    static func isAtPath(_ file: PosixFile) -> Bool {
        var atPath = stat()
        guard stat(file.path, &atPath) == 0, let held = try? file.status() else { return false }
        return atPath.st_ino == held.st_ino && atPath.st_dev == held.st_dev
    }
}

/// The log and the trail taken in side by side, in order: each case's versions and history,
/// and each line against its entry. What it keeps a case is two numbers and the latest
/// summary, found by the case's number (the trail's 2.5 million entries make no string).
struct CrossCheck {
    let casesPath: String
    let auditPath: String
    private let indexLoading: Background<IndexExpectation>
    private var loadedIndex: IndexExpectation?
    private var index: IndexExpectation {
        mutating get {
            if let loadedIndex { return loadedIndex }
            loadedIndex = indexLoading.wait()
            return loadedIndex!
        }
    }
    var trail: TrailReader
    private(set) var problems: [StoreProblem] = []

    /// What the check keeps of a case: the version of its latest line in the log (0 when it
    /// has none) and the highest version the trail records.
    struct CaseState {
        var logged = 0
        var audited = 0
    }

    /// Each case's place in `states` and `summaries`: by number (an array, as ids are numbered
    /// from 1) when `CaseKey` files it by number, else by id.
    private var placeByNumber: [Int32] = []
    private var otherPlaces: [CaseID: Int] = [:]
    private var states: [CaseState] = []
    /// Each case's latest summary, from its latest line.
    private var summaries: [CaseSummary?] = []
    /// Numbers from here on are filed by id, so an odd number cannot make the array huge.
    static let directLimit = 1 << 22

    private var recordCount = 0
    private var auditEntryCount = 0
    private var userEntryCount = 0
    private var compactions = 0
    private var usersRevision = 0
    /// Saves the trail records that the log does not hold, since the last compaction entry
    /// that covers them: how many, the first and the last (never a list: after a compaction
    /// of a store saved twenty times a case they are millions).
    private var unlogged: (count: Int, first: (sequence: Int, id: CaseID, version: CaseVersion)?, last: Int) = (0, nil, 0)
    private var compactedThrough = 0
    private var lastLoggedSequence = 0

    init(casesPath: String, auditPath: String, index: Background<IndexExpectation>, trail: TrailReader) {
        self.casesPath = casesPath
        self.auditPath = auditPath
        indexLoading = index
        self.trail = trail
    }

    mutating func damaged(_ file: String, _ position: String, _ message: String) {
        problems.append(StoreProblem(.damaged, file: file, position: position, message: message))
    }

    /// The place of the case `key` names, made when it is new.
    private mutating func place(of key: CaseKey) -> Int {
        if case let .number(number) = key, number < Self.directLimit {
            if number >= placeByNumber.count {
                placeByNumber += repeatElement(-1, count: min(Self.directLimit, max(number + 1, 2 * placeByNumber.count, 1024)) - placeByNumber.count)
            }
            if placeByNumber[number] >= 0 { return Int(placeByNumber[number]) }
            placeByNumber[number] = Int32(states.count)
        } else {
            let id = key.id
            if let place = otherPlaces[id] { return place }
            otherPlaces[id] = states.count
        }
        states.append(CaseState())
        summaries.append(nil)
        return states.count - 1
    }

    /// The whole log, a chunk at a time; the trail is read along with it up to each line's
    /// entry. Whether the log was cut back while it was read.
    mutating func takeLog(_ stream: ChunkStream<LogChunk>) -> Bool {
        var cutShort = false
        var linesBefore = 0
        var tornAt: Int?
        while let chunk = stream.next() {
            if chunk.cutShort { cutShort = true }
            guard let prepared = chunk.prepared else { break }
            for problem in prepared.problems {
                damaged(casesPath, "line \(linesBefore + problem.before + 1), byte \(problem.byte)", problem.message)
            }
            problems += prepared.decodeProblems
            for record in prepared.records { take(record) }
            linesBefore += chunk.newlines
            if let torn = chunk.torn { tornAt = torn.offset }
        }
        if let tornAt {
            damaged(casesPath, "byte \(tornAt)", "the last line is incomplete (a torn write); opening the store sets it aside")
        }
        while let entry = trail.pop() { take(entry, logged: false) }
        problems += trail.problems
        return cutShort
    }

    private mutating func take(_ record: LoggedRecord) {
        recordCount += 1
        index.see(record)
        let place = place(of: CaseKey(record.id))
        let latestLogged = states[place].logged
        states[place].logged = record.version.rawValue
        summaries[place] = record.summary
        if latestLogged > 0, record.version.rawValue != latestLogged + 1 {
            damaged(casesPath, "byte \(record.offset)", "\(record.id) \(record.version) follows \(CaseVersion(latestLogged)); a version is missing or repeated")
        }
        // Its audit entry: the trail is read up to the number the line carries.
        let sequence = record.auditSequence
        guard sequence > lastLoggedSequence else {
            damaged(casesPath, "byte \(record.offset)", "\(record.id) \(record.version) names audit entry \(sequence), but an earlier line names \(lastLoggedSequence): the log is out of order")
            return
        }
        lastLoggedSequence = sequence
        while let entry = trail.peek(), entry.sequence < sequence {
            take(trail.pop()!, logged: false)
        }
        if let entry = trail.peek(), entry.sequence == sequence {
            take(trail.pop()!, logged: true)
            if entry.caseKey != CaseKey(record.id) || entry.version != record.version.rawValue {
                damaged(auditPath, "entry \(sequence)", "records \(entry.caseKey?.id.rawValue ?? "the users") v\(entry.version) but \(FileCaseStore.casesFile) says this entry is for \(record.id) \(record.version)")
            }
        } else {
            damaged(auditPath, "entry \(sequence)", "missing: the save of \(record.id) \(record.version) has no audit entry (deleted, or a crash before it was written)")
        }
    }

    /// Takes one trail entry in: its case's history, what it says of users and compactions.
    private mutating func take(_ entry: TrailEntry, logged: Bool) {
        auditEntryCount += 1
        guard let key = entry.caseKey else {
            userEntryCount += 1
            if entry.subject == "users" { usersRevision = max(usersRevision, entry.version) }
            if entry.subject == FileCaseStore.compactionSubject, let through = entry.compactedThrough {
                compactions += 1
                compactedThrough = max(compactedThrough, through)
                if unlogged.last <= compactedThrough { unlogged = (0, nil, 0) }
            }
            return
        }
        let place = place(of: key)
        let latestAudited = states[place].audited
        states[place].audited = max(latestAudited, entry.version)
        if entry.version != latestAudited + 1, entry.wellFormed {
            damaged(auditPath, "entry \(entry.sequence)", "records \(key.id) v\(entry.version) after v\(latestAudited): the case's history is not whole")
        }
        if !logged {
            unlogged.count += 1
            if unlogged.first == nil { unlogged.first = (entry.sequence, key.id, CaseVersion(entry.version)) }
            unlogged.last = entry.sequence
        }
    }

    /// What is left to say once both files are read: each case's history whole (the trail's
    /// entries reach the version the log holds last), saves missing from the log, the index.
    mutating func finish(into result: inout LogCheck.Result) {
        var incomplete: [(id: CaseID, message: String)] = []
        func history(_ id: @autoclosure () -> CaseID, _ state: CaseState) {
            if state.logged == 0 {
                // Saved, by the trail, and not one line of it in the log: the case is gone.
                if state.audited > 0 {
                    incomplete.append((id(), "the audit trail records \(id()) up to v\(state.audited) but the log holds no line of it: the case was removed from the log, or the log was replaced; restore it from a backup"))
                }
            } else if state.audited > state.logged {
                incomplete.append((id(), "the audit trail records \(id()) up to v\(state.audited) but the log's latest is \(CaseVersion(state.logged)): lines were removed from the log or it was replaced; restore it from a backup"))
            }
        }
        for (number, place) in placeByNumber.enumerated() where place >= 0 { history(CaseID(number: number), states[Int(place)]) }
        for (id, place) in otherPlaces { history(id, states[place]) }
        for (id, message) in incomplete.sorted(by: { $0.id < $1.id }) { damaged(casesPath, id.rawValue, message) }
        if let first = unlogged.first {
            damaged(casesPath, "", "the audit trail records \(unlogged.count) save\(unlogged.count == 1 ? "" : "s") the case log does not hold, "
                    + "from entry \(first.sequence) (\(first.id) \(first.version)): lines were removed from the log or it was replaced; restore it from a backup")
        }
        result.problems += problems
        result.problems += index.problems()
        result.recordCount = recordCount
        result.auditEntryCount = auditEntryCount
        result.userEntryCount = userEntryCount
        result.compactions = compactions
        result.usersRevision = usersRevision
        result.latestSummaries.reserveCapacity(states.count)
        for place in states.indices where states[place].logged > 0 {
            if let summary = summaries[place] { result.latestSummaries.append(summary) }
        }
        summaries = []
        result.caseCount = result.latestSummaries.count
    }
}

/// A log line as the check takes it in, read on a worker.
struct LoggedRecord {
    let id: CaseID
    let version: CaseVersion
    let auditSequence: Int
    let offset: Int
    /// The line's summary as lists hold it.
    let summary: CaseSummary
    /// What the queue index must say of the line (`IndexExpectation`).
    let fingerprint: Int
}

/// One chunk of the log, prepared on a worker: each line's frame and CRC checked and its
/// header read; with `decodingRecords`, each case decoded too.
struct LogChunk {
    var records: [LoggedRecord] = []
    /// Lines that cannot be taken in: how many of the chunk's newlines come before each (the
    /// reader numbers them), its file offset, and why.
    var problems: [(before: Int, byte: Int, message: String)] = []
    var decodeProblems: [StoreProblem] = []

    init(_ chunk: LineChunk, decodingRecords: Bool, file: String) {
        records.reserveCapacity(chunk.lines.count)
        let decoder = JSONDecoder()
        for line in chunk.lines {
            let offset = chunk.offset + line.start
            let header: RecordHeader
            let body: ArraySlice<UInt8>
            do {
                body = try CaseRecordLine.recordBytes(ofLine: chunk.buffer[line.start..<line.end])
                let headerBytes = try CaseRecordLine.headerBytes(ofRecord: body)
                // The fast reader for headers as Haven writes them; JSONDecoder to name a bad one.
                guard let read = RecordHeaderReader.read(headerBytes) ?? (try? decoder.decode(RecordHeader.self, from: Data(headerBytes))) else {
                    problems.append((line.before, offset, LogScanner.reason("the record header is not a Haven case header")))
                    continue
                }
                header = read
            } catch {
                problems.append((line.before, offset, LogScanner.reason(error)))
                continue
            }
            let summary = header.summary.caseSummary(id: header.id, version: header.version)
            let length = line.end - line.start
            records.append(LoggedRecord(id: header.id, version: header.version, auditSequence: header.auditSequence, offset: offset,
                                        summary: summary,
                                        fingerprint: IndexExpectation.fingerprint(summary: summary, offset: offset, length: length,
                                                                                  savedBy: header.savedBy, savedAt: header.savedAt,
                                                                                  auditSequence: header.auditSequence)))
            if decodingRecords, let problem = Self.decodeProblem(body, header: header, offset: offset, file: file, decoder: decoder) {
                decodeProblems.append(problem)
            }
        }
    }

    /// A line whose case does not decode, or holds another case than its header names.
    static func decodeProblem(_ body: ArraySlice<UInt8>, header: RecordHeader, offset: Int, file: String, decoder: JSONDecoder) -> StoreProblem? {
        guard let caseBytes = try? CaseRecordLine.caseBytes(ofRecord: body) else { return nil }
        do {
            let decoded = try decoder.decode(Case.self, from: Data(caseBytes))
            guard decoded.id != header.id else { return nil }
            return StoreProblem(.damaged, file: file, position: "byte \(offset)", message: "the record says \(header.id) but holds \(decoded.id)")
        } catch {
            return StoreProblem(.damaged, file: file, position: "byte \(offset)", message: "the case \(header.id) \(header.version) does not decode: \(error)")
        }
    }
}
