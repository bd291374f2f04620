import Foundation
import Glibc
import HavenCore

/// How the file store writes: one discipline for every save, import and administrator change.
///
/// Under the exclusive lock a writer first checks that the files it holds are the files at
/// the store's paths now (else it reopens and reads again), takes in every other session's
/// saves, and sets aside a torn or unreadable tail in either file, writing the audit entries
/// of saves that reached the log but not the trail, before it appends anything. A write or
/// fsync that fails is cut back, and the session reopens before it writes again.
extension FileCaseStore {
    /// Seconds a session waits for the lock before it says who holds it.
    public nonisolated(unsafe) static var lockPatience = 1.0
    /// Seconds a session waits for the lock before it gives up (nothing written).
    public nonisolated(unsafe) static var lockLimit = 20.0
    /// Told who holds the lock when a wait passes `lockPatience` (commands print it).
    public nonisolated(unsafe) static var lockWaitReporter: (@Sendable (String) -> Void)?

    /// Runs `body` under the lock, a wait past the limit ending in a message naming the holder.
    func withStoreLock<T>(_ kind: PosixFile.LockKind, wait: LockWait = .standard, _ body: () throws -> T) throws -> T {
        try lockStore(kind, wait: wait)
        defer { cases.unlock() }
        return try body()
    }

    /// Takes the lock; a wait past the limit is `StoreError.busy`, naming who holds it.
    func lockStore(_ kind: PosixFile.LockKind, wait: LockWait = .standard) throws {
        do {
            try cases.lock(kind, wait: wait)
        } catch let timeout as LockTimeout {
            throw StoreError.busy((kind == .exclusive ? "Not saved, try again: " : "Busy, try again: ") + timeout.description)
        }
    }

    /// Runs `body` as the store's one writer, with the files checked and the tails sound.
    func withWriteLock<T>(_ body: () throws -> T) throws -> T {
        if let readOnlyReason { throw StoreError.unavailable("\(readOnlyReason); nothing can be saved in this session") }
        let clock = ContinuousClock()
        var steps = WriteSteps()
        steps.followedBefore = compactionsFollowed
        var mark = clock.now
        func step(_ name: String) {
            let now = clock.now
            steps.steps.append((name, Self.seconds(now - mark)))
            mark = now
        }
        defer { lastWriteSteps = steps }
        if needsReopen {
            try reopen()
            step("reopen")
        }
        var attempts = 0
        while true {
            try lockStore(.exclusive)
            step("lock")
            if try holdsCurrentFiles() { break }
            cases.unlock()
            attempts += 1
            guard attempts < 10 else { throw StoreError.unavailable("\(cases.path) keeps being replaced; try again") }
            try reopen()
            step(compactionsFollowed > steps.followedBefore ? "follow" : "reopen")
        }
        defer { cases.unlock() }
        LockNote.write(beside: cases.path, mode: manifest.fileMode, group: groupID)
        try catchUp()
        step("catch up")
        if let auditTailProblem { throw StoreError.unavailable("\(audit.path): \(auditTailProblem)") }
        try repairTails()
        let result = try body()
        step("write")
        return result
    }

    /// Where a write's time went, step by step, for the benchmark's slowest saves.
    public struct WriteSteps: CustomStringConvertible, Sendable {
        public internal(set) var steps: [(name: String, seconds: Double)] = []
        var followedBefore = 0

        public var description: String {
            steps.map { String(format: "%@ %.0f ms", $0.name, $0.seconds * 1000) }.joined(separator: ", ")
        }
    }

    /// The Unix group of a group store, or nil.
    var groupID: gid_t? { manifest.group.flatMap { getgrnam($0)?.pointee.gr_gid } }

    /// Whether the log and the trail this session holds are the files at the store's paths.
    func holdsCurrentFiles() throws -> Bool {
        for file in [cases, audit] {
            var atPath = stat()
            guard stat(file.path, &atPath) == 0 else {
                throw StoreError.unavailable("\(file.path) is missing: the store was moved or removed while open")
            }
            let held = try file.status()
            if atPath.st_ino != held.st_ino || atPath.st_dev != held.st_dev { return false }
        }
        return true
    }

    /// Opens the files at the store's paths again and reads them (after a write failed, or a
    /// file was replaced).
    func reopen() throws {
        // Until this reopen is done, the session must read everything again at its next look:
        // one that fails part-way (a lock waited for past its limit) must not leave the new
        // file read from the old file's positions.
        let canFollow = !needsReopen
        needsReopen = true
        // A compaction's swap: the new places of the lines this session knows, from its table.
        if canFollow, try followCompaction() {
            needsReopen = false
            return
        }
        try openLogsAgain()
        // A compaction holds its new log's lock from before the log takes the path until its
        // queue index is in place and the rename is on disk: wait for that (a moment), so this
        // session starts from the new index instead of reading the whole log.
        try withStoreLock(.shared) {}
        auditIndex = [:]
        auditIndexedBytes = 0
        try scanFromStart()
        try confirmUnlockedScan()
        needsReopen = false
    }

    /// Appends the lines of `prepared` in one durable write (the lines of a write of several
    /// carry `part` and `parts`, so a crash that tears it leaves none of it), then their audit
    /// entries in one more. A failure cuts both files back: nothing of it stays, nothing is
    /// acknowledged. `unnumbered` are the lines already made but for their numbers (an import,
    /// from `header(of:part:of:by:at:)`).
    func append(_ prepared: [PreparedSave], by actor: Actor, at time: Timestamp,
                unnumbered: [(header: RecordHeader, line: CaseRecordLine.Unnumbered, audit: AuditTrail.Unsealed)]? = nil) throws {
        var written: [(header: RecordHeader, start: Int, length: Int)] = []
        written.reserveCapacity(prepared.count)
        let offset = cases.size
        do {
            // Written a few megabytes at a time and fsynced once (an import of 120,000 is half a
            // gigabyte): to the disk that is one write of several parts, torn or whole.
            let writer = PieceWriter(file: cases)
            for (number, save) in prepared.enumerated() {
                var header: RecordHeader
                let start = writer.position
                if let made = unnumbered?[number], made.header.id == save.record.id, made.header.version == save.version {
                    header = made.header
                    header.auditSequence = save.audit.sequence
                    CaseRecordLine.append(made.line, sequence: save.audit.sequence, to: &writer.bytes)
                } else {
                    header = Self.header(of: save.record, version: save.version, part: number, of: prepared.count, by: actor, at: time)
                    header.auditSequence = save.audit.sequence
                    writer.bytes += try CaseRecordLine.encode(save.record, header: header)
                }
                written.append((header, start, writer.position - start - 1))
                try writer.endOfUnit()
            }
            try writer.finish()
        } catch {
            cases.cutBack(to: offset)
            needsReopen = true
            throw StoreError.unavailable("\(error); nothing was saved, and what was half-written was cut back")
        }
        do {
            // Lines made before the lock come with their entries made too (each the entry the
            // contract made, but for its number: the same case, version and diff).
            let allMatched = unnumbered.map { made in
                made.count == prepared.count && zip(made, prepared).allSatisfy { $0.header.id == $1.record.id && $0.header.version == $1.version }
            } ?? false
            try appendAudit(prepared.map(\.audit), unsealed: allMatched ? unnumbered?.map(\.audit) : nil)
        } catch {
            cases.cutBack(to: offset)
            needsReopen = true
            throw StoreError.unavailable("\(error); nothing was saved, and what was half-written was cut back")
        }
        for line in written {
            setIndex(IndexEntry(header: line.header, offset: offset + line.start, length: line.length), summary: line.header.summary)
        }
        scannedBytes = offset + (written.last.map { $0.start + $0.length + 1 } ?? 0)
    }

}

/// What one append writes, a few megabytes at a time: units (lines, entries) are added to
/// `bytes`, and once past `pieceBytes` at the end of a unit they are written; `finish` writes
/// the rest and fsyncs, once. A failure leaves the caller to cut the file back.
final class PieceWriter {
    nonisolated(unsafe) static var pieceBytes = 8 << 20 // tests make it small

    let file: PosixFile
    var bytes: [UInt8] = []
    private var written = 0

    init(file: PosixFile) {
        self.file = file
    }

    /// Where the next byte goes, counted from the start of this append.
    var position: Int { written + bytes.count }

    func endOfUnit() throws {
        guard bytes.count >= Self.pieceBytes else { return }
        try file.write(bytes)
        written += bytes.count
        bytes.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        if !bytes.isEmpty { try file.write(bytes) }
        written += bytes.count
        bytes = []
        try file.sync()
    }
}

extension FileCaseStore {
    /// The header of a case's line but for its audit sequence; the lines of a write of several
    /// carry `part` and `parts`.
    static func header(of record: Case, version: CaseVersion, part number: Int, of count: Int, by actor: Actor, at time: Timestamp) -> RecordHeader {
        var header = RecordHeader(id: record.id, version: version, savedBy: actor.user, savedAt: time, auditSequence: 0,
                                  summary: StoredSummary(record))
        if count > 1 {
            header.part = number + 1
            header.parts = count
        }
        return header
    }
}

/// The store as the save contract reads it, under the write lock after catching up.
extension FileCaseStore: SaveLedger {
    /// The counters kept as the log is read and written.
    public var placeCounts: QuotaLedger {
        QuotaLedger(countries: [], used: placesUsed, reserved: placesHeld, usedOfKind: placesUsedOfKind, reservedOfKind: placesHeldOfKind)
    }

    public func stored(_ id: CaseID) throws -> StoredCase? {
        var misplaced: MisplacedLine?
        for _ in 0..<2 {
            guard let entry = index[id] else { return nil }
            do {
                return StoredCase(record: try decodeCase(entry), version: entry.version, savedBy: entry.savedBy, savedAt: entry.savedAt)
            } catch let error as MisplacedLine {
                // Never another case's record: read the log again, then look once more.
                misplaced = error
                needsReopen = true
                try reopen()
            }
        }
        throw StoreError.unavailable("\(id) could not be read: where this session expected \(misplaced!.expected) it found \(misplaced!.found), "
                                     + "even after reading the store again; nothing was shown or changed. Restart Haven, and run 'haven check'")
    }

    public func currentUsers() throws -> UserDirectory? { try readUsers().directory }
    public func hasReason(_ user: UserName, toOpen id: CaseID) -> Bool { reasonsGiven[user]?.contains(id) == true }
    public func currentHostCountries() throws -> [HostCountry] { try readCountries().countries }
    public func currentCourses() throws -> [LanguageCourse] { try readCatalogue(LanguageCourse.self).items }
    public func currentOpenings() throws -> [JobOpening] { try readCatalogue(JobOpening.self).items }
}
