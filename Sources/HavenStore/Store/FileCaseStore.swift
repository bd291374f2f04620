import Foundation
import Glibc
import HavenCore

/// The JSON file store (see docs/store-format.md): `store.json`, an append-only log of case
/// records `cases.jsonl`, and the hash-chained audit trail `audit.jsonl`.
///
/// Saves append one line and fsync under an exclusive `flock`, so their cost does not grow with
/// the store; readers take a shared lock, so they never see half a line from a live writer and
/// a half line means a writer died. Other sessions' saves are taken in by reading the log from
/// where this session stopped.
public final class FileCaseStore: CaseStore {
    public static let manifestFile = "store.json"
    public static let casesFile = "cases.jsonl"
    public static let auditFile = "audit.jsonl"
    /// The queue index: a cache of every case's summary (docs/store-format.md).
    public static let queueIndexFile = QueueIndex.fileName
    /// Caches beside the log, made again from it: never backed up.
    public static let cacheFiles: Set = [QueueIndex.fileName, CompactionMoves.fileName]
    public static let quarantineDirectory = "quarantine"
    public static let draftsDirectory = "drafts"

    public let directory: URL
    public let manifest: StoreManifest
    /// What opening found and dealt with, or found damaged, for the interface to report.
    public internal(set) var openingProblems: [StoreProblem] = []
    /// The host countries the reference data gives, which apply until an administrator
    /// changes the store's own list (`countries.json`).
    public var referenceCountries: [HostCountry] = []

    /// Where a case's latest line is and who wrote it. Its list summary is kept apart, in
    /// `summaryList`, converted once when the line is read.
    struct IndexEntry {
        var id: CaseID
        var version: CaseVersion
        var savedBy: UserName
        var savedAt: Timestamp
        var auditSequence: Int
        var offset: Int
        var length: Int

        init(id: CaseID, version: CaseVersion, savedBy: UserName, savedAt: Timestamp, auditSequence: Int, offset: Int, length: Int) {
            self.id = id
            self.version = version
            self.savedBy = savedBy
            self.savedAt = savedAt
            self.auditSequence = auditSequence
            self.offset = offset
            self.length = length
        }

        init(header: RecordHeader, offset: Int, length: Int) {
            self.init(id: header.id, version: header.version, savedBy: header.savedBy, savedAt: header.savedAt,
                      auditSequence: header.auditSequence, offset: offset, length: length)
        }
    }

    var cases: PosixFile
    var audit: PosixFile
    /// Every case's summary in case-number order: what `summaries()` hands out, shared rather
    /// than built again on each call (one copy of 120,000 summaries, not one per screen).
    var summaryList: [CaseSummary] = []
    /// Where each case's latest line is, in the same order: the index proper.
    var entryList: [IndexEntry] = []
    /// Each case's number, in the same order: a case is found by a binary search of these
    /// (one contiguous megabyte at 120,000 cases), so taking cases in hashes nothing and an
    /// opening builds no table of them.
    var caseNumbers: [Int] = []

    /// The index by case, read through the lists (changed only by `setIndex`, emptied by
    /// `forgetIndex`).
    var index: CaseIndex { CaseIndex(numbers: caseNumbers, entries: entryList) }

    /// Every case's latest line by case: a view of `entryList`.
    struct CaseIndex {
        let numbers: [Int]
        let entries: [IndexEntry]

        subscript(id: CaseID) -> IndexEntry? { CaseIndex.position(of: id, numbers: numbers, entries: entries).map { entries[$0] } }
        var values: [IndexEntry] { entries }
        var keys: LazyMapSequence<[IndexEntry], CaseID> { entries.lazy.map(\.id) }
        var count: Int { entries.count }
        var isEmpty: Bool { entries.isEmpty }

        /// Where `id` is in lists in case-number order, or nil. Two ids can share a number
        /// (HV-000001 and HV-0000001), so the id itself is compared too.
        static func position(of id: CaseID, numbers: [Int], entries: [IndexEntry]) -> Int? {
            var place = firstPosition(numbered: id.number, in: numbers)
            while place < numbers.count, numbers[place] == id.number {
                if entries[place].id == id { return place }
                place += 1
            }
            return nil
        }

        /// The first position whose number is `number` or more.
        static func firstPosition(numbered number: Int, in numbers: [Int]) -> Int {
            numbers.withUnsafeBufferPointer { numbers in
                var low = 0, high = numbers.count
                while low < high {
                    let middle = (low + high) / 2
                    if numbers[middle] < number { low = middle + 1 } else { high = middle }
                }
                return low
            }
        }
    }

    /// Where case `id` is in the lists, or nil.
    func position(of id: CaseID) -> Int? { CaseIndex.position(of: id, numbers: caseNumbers, entries: entryList) }
    /// The bytes of every case's latest line (newlines included): what a compacted log holds.
    public internal(set) var liveLogBytes = 0
    /// When this session last started a compaction by itself (`startCompactionIfDue`).
    var lastCompactionStart: Date?

    public func summary(of id: CaseID) -> CaseSummary? { position(of: id).map { summaryList[$0] } }
    /// Places used (approved allocations) and held (pending proposals) per country, kept in
    /// step with the index so a quota check at 120,000 cases counts nothing.
    public private(set) var placesUsed: [CountryCode: Int] = [:]
    public private(set) var placesHeld: [CountryCode: Int] = [:]
    /// The same for each scarcer kind of place the allocations take (`PlaceKind`).
    public private(set) var placesUsedOfKind: [CountryCode: [PlaceKind: Int]] = [:]
    public private(set) var placesHeldOfKind: [CountryCode: [PlaceKind: Int]] = [:]
    /// Enrolled seats per course and placements per opening, kept the same way.
    public private(set) var seatsTaken: [String: Int] = [:]
    public private(set) var placesFilled: [String: Int] = [:]

    /// Empties the index and everything kept in step with it (a scan from the start).
    func forgetIndex() {
        highestIndexedSequence = 0
        placesUsed = [:]; placesHeld = [:]; seatsTaken = [:]; placesFilled = [:]; placesUsedOfKind = [:]; placesHeldOfKind = [:]
        summaryList = []; entryList = []; caseNumbers = []
        liveLogBytes = 0
    }

    /// Makes room for `count` cases at once in the index and the list: growing them by
    /// doubling would hold two copies of the list (96 MB at 120,000 cases) and hash every
    /// case again at each step.
    func reserveIndex(for count: Int) {
        caseNumbers.reserveCapacity(count)
        summaryList.reserveCapacity(count)
        entryList.reserveCapacity(count)
    }

    /// Puts a record line in the index and its summary in the list, moving its places in the
    /// counts.
    func setIndex(_ entry: IndexEntry, summary stored: StoredSummary) {
        setIndex(entry, caseSummary: stored.caseSummary(id: entry.id, version: entry.version))
    }

    /// The same, with the summary already made (a scan makes it on the core that read the line).
    func setIndex(_ entry: IndexEntry, caseSummary summary: CaseSummary) {
        setIndex(entry, caseSummary: summary, at: position(of: entry.id))
    }

    /// The same, with the case's place in the lists already looked up (nil: a case not in
    /// them): a cold opening does this 120,000 times, so each case is hashed once.
    func setIndex(_ entry: IndexEntry, caseSummary summary: CaseSummary, at position: Int?) {
        highestIndexedSequence = max(highestIndexedSequence, entry.auditSequence)
        if let position {
            liveLogBytes += entry.length - entryList[position].length
            countPlaces(summaryList[position], by: -1)
            summaryList[position] = summary
            entryList[position] = entry
        } else if isAfterEveryCase(entry.id) {
            liveLogBytes += entry.length + 1
            caseNumbers.append(entry.id.number)
            summaryList.append(summary)
            entryList.append(entry)
        } else {
            // A number below the highest (an import of old cases): after those numbered the same.
            liveLogBytes += entry.length + 1
            let position = CaseIndex.firstPosition(numbered: entry.id.number + 1, in: caseNumbers)
            caseNumbers.insert(entry.id.number, at: position)
            summaryList.insert(summary, at: position)
            entryList.insert(entry, at: position)
        }
        countPlaces(summary, by: 1)
    }

    /// Whether `id`'s number is above every case's in the lists: then it is not among them.
    func isAfterEveryCase(_ id: CaseID) -> Bool {
        caseNumbers.last.map { $0 < id.number } ?? true
    }

    private func countPlaces(_ summary: CaseSummary, by amount: Int) {
        let kinds = summary.allocation?.placesTaken ?? []
        if let country = summary.country {
            placesUsed[country, default: 0] += amount
            for kind in kinds { placesUsedOfKind[country, default: [:]][kind, default: 0] += amount }
        }
        if let country = summary.allocation?.heldCountry(in: summary.stage) {
            placesHeld[country, default: 0] += amount
            for kind in kinds { placesHeldOfKind[country, default: [:]][kind, default: 0] += amount }
        }
        guard let integration = summary.integration else { return }
        for seat in integration.seats where seat.status == .enrolled { seatsTaken[seat.course, default: 0] += amount }
        if let opening = integration.employment?.openingID { placesFilled[opening, default: 0] += amount }
    }
    var scannedBytes = 0
    var scannedInode: ino_t = 0
    /// How much of the audit trail the last look at its end covered.
    var scannedAuditBytes = 0
    public internal(set) var lastAuditSequence = 0
    var lastAuditHash = AuditTrail.genesis

    // MARK: Creating and opening

    /// Creates an empty store at `directory` (which must not exist or be empty).
    public static func create(at directory: URL, kind: StoreManifest.Kind, by user: UserName, at time: Timestamp,
                              group: String? = nil) throws -> FileCaseStore {
        let path = directory.path
        let manifest = StoreManifest(kind: kind, createdAt: time, createdBy: user, group: group)
        var groupID: gid_t?
        if let group {
            guard let entry = getgrnam(group) else { throw StoreError.unavailable("there is no Unix group '\(group)'") }
            groupID = entry.pointee.gr_gid
        }
        if FileManager.default.fileExists(atPath: path) {
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            guard contents.isEmpty else { throw StoreError.unavailable("\(path) already exists and is not empty") }
        } else {
            // Parents (~/.local/share on a new account) are made owner-only too.
            try FileManager.default.createDirectory(at: directory.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            guard mkdir(path, 0o700) == 0 else { throw FileError(path: path, operation: "mkdir", code: errno) }
        }
        if let groupID, chown(path, getuid(), groupID) != 0 { throw FileError(path: path, operation: "chown", code: errno) }
        guard chmod(path, manifest.directoryMode) == 0 else { throw FileError(path: path, operation: "chmod", code: errno) }
        for name in [casesFile, auditFile] {
            let file = try PosixFile(path: "\(path)/\(name)", flags: O_WRONLY | O_CREAT | O_EXCL, mode: manifest.fileMode)
            if let groupID { fchown(file.descriptor, getuid(), groupID) }
            try file.sync()
        }
        try PosixFile.replaceDurably("\(path)/\(manifestFile)", with: Array(try CaseRecordLine.encoder.encode(manifest)) + [10],
                                     mode: manifest.fileMode)
        if let groupID { chown("\(path)/\(manifestFile)", getuid(), groupID) }
        // The creator is the store's first administrator.
        try writeUsers(UserDirectory.founding(user, at: time), revision: 1, to: "\(path)/\(usersFile)", manifest: manifest)
        try PosixFile.syncDirectory(path)
        return try FileCaseStore(at: directory)
    }

    /// Opens the store at `directory`, refusing one that others could read, one of another
    /// format, or one that is not there; sets aside a torn last write and reports it.
    /// `usingQueueIndex: false` reads the whole log and neither reads nor writes the queue
    /// index (for measuring what opening costs without it).
    public init(at directory: URL, usingQueueIndex: Bool = true) throws {
        self.directory = directory
        self.usesQueueIndex = usingQueueIndex
        let path = directory.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError.unavailable("there is no store at \(path); create one with 'haven init --store \(path)'")
        }
        try StorePermissions.checkNotWorldAccessible(path)
        try StorePermissions.checkReadable(path)
        let manifestPath = "\(path)/\(Self.manifestFile)"
        guard let manifestData = FileManager.default.contents(atPath: manifestPath) else {
            throw StoreError.unavailable("\(path) is not a Haven store: \(Self.manifestFile) is missing")
        }
        do {
            manifest = try JSONDecoder().decode(StoreManifest.self, from: manifestData)
        } catch {
            throw StoreError.damaged(file: manifestPath, position: "whole file", reason: "not a Haven store manifest (\(error))")
        }
        guard manifest.format == StoreManifest.formatName else {
            throw StoreError.unavailable("\(manifestPath) names the format '\(manifest.format)', not \(StoreManifest.formatName)")
        }
        guard manifest.schemaVersion <= StoreManifest.currentSchemaVersion else {
            throw StoreError.unavailable("\(manifestPath): the store has schema version \(manifest.schemaVersion); this Haven reads up to \(StoreManifest.currentSchemaVersion). Use a newer Haven.")
        }
        for name in [Self.casesFile, Self.auditFile] {
            try StorePermissions.checkNotWorldAccessible("\(path)/\(name)")
        }
        var indexStatus = stat()
        if lstat("\(path)/\(QueueIndex.fileName)", &indexStatus) == 0 { // it holds every name too
            try StorePermissions.checkNotWorldAccessible("\(path)/\(QueueIndex.fileName)")
        }
        (cases, audit, readOnlyReason) = try Self.openLogs(in: path)
        if let readOnlyReason {
            openingProblems.append(StoreProblem(.warning, file: path, message: "\(readOnlyReason): the store is open for reading and export only"))
        }
        try openAndScan()
    }

    /// The case log and the audit trail, to append to when the file system allows it, else
    /// to read (with why not).
    static func openLogs(in path: String) throws -> (PosixFile, PosixFile, String?) {
        // A backup opens for reading only: a save would change the files its manifest vouches for.
        if access("\(path)/\(BackupManifest.fileName)", F_OK) == 0 {
            return (try PosixFile.openLog("\(path)/\(casesFile)", flags: O_RDONLY), try PosixFile.openLog("\(path)/\(auditFile)", flags: O_RDONLY),
                    "a backup (it holds \(BackupManifest.fileName)); to work on it, restore it with 'haven restore \(path) --store NEW'")
        }
        do {
            return (try PosixFile.openLog("\(path)/\(casesFile)", flags: O_RDWR | O_APPEND),
                    try PosixFile.openLog("\(path)/\(auditFile)", flags: O_RDWR | O_APPEND), nil)
        } catch let error as FileError where [EROFS, EACCES, EPERM].contains(error.code) {
            return (try PosixFile.openLog("\(path)/\(casesFile)", flags: O_RDONLY),
                    try PosixFile.openLog("\(path)/\(auditFile)", flags: O_RDONLY), "\(error)")
        }
    }

    /// Opens the files at the store's paths in place of those held. The last close of a log a
    /// compaction replaced frees its blocks (0.7 s for 1.5 GB on ext4, during which others'
    /// fsyncs wait up to 0.15 s): usually the compacting process, which holds it longest.
    func openLogsAgain() throws {
        (cases, audit, readOnlyReason) = try Self.openLogs(in: directory.path)
    }

    /// Where the last line the log scan took in starts, and its first bytes (its checksum).
    var lastLineRead: (offset: Int, bytes: [UInt8])?
    /// The log's length when an unfinished write of several cases was found at its end.
    var tornLogSize: Int?
    /// The highest audit sequence any line in the index carries: when it is past the trail's
    /// last entry, saves reached the log without their entries (checked on every write, so
    /// kept as lines are taken in, never counted over 120,000 cases).
    var highestIndexedSequence = 0

    /// Why nothing can be written in this session (the file system is read-only), or nil.
    public internal(set) var readOnlyReason: String?

    // MARK: The access log (FileCaseStore+Access.swift)

    /// `access.jsonl`, opened at the first entry this session writes.
    var accessFile: PosixFile?
    /// Where this session last saw the access log end: its length, last number and hash.
    var accessTail: (end: Int, sequence: Int, hash: String)?
    /// The cases each user gave a reason to open in this session (`NeedToKnow`).
    var reasonsGiven: [UserName: Set<CaseID>] = [:]

    // MARK: Reading the log

    /// A torn tail in either file, or saves whose audit entry was not written.
    var tornCasesTail = false
    var tornAuditTail = false
    /// Where the trail's torn last line starts, when it has one.
    var tornAuditFrom = 0
    /// Whole lines at the end of the trail that cannot be read, from this byte on.
    var damagedAuditTail: Int?
    /// Why the trail cannot be written to (no entry in it can be read), or nil.
    var auditTailProblem: String?
    /// A write or fsync failed: reopen the files and read them again before the next write.
    var needsReopen = false
    var needsRepair: Bool {
        tornCasesTail || tornAuditTail || damagedAuditTail != nil || highestIndexedSequence > lastAuditSequence
    }

    let usesQueueIndex: Bool

    /// How many bytes of the log the last opening took from the queue index rather than
    /// parsing them (0: it read the whole log). The fault suites count openings by it.
    public internal(set) var bytesFromQueueIndex = 0
    /// How many compactions this session followed by their tables of new places
    /// (`CompactionMoves`), rather than reading the new log's index or the log.
    public internal(set) var compactionsFollowed = 0
    /// Seconds the last look at a compaction's table took (followed or not), for the benchmark.
    public internal(set) var lastFollowSeconds = 0.0
    /// Where the last write's time went (lock, follow, catch up, write), for the benchmark.
    public internal(set) var lastWriteSteps = WriteSteps()
    /// How much of the log the queue index on disk covers, as far as this session knows.
    var queueIndexCovers = 0

    /// Writes a new queue index when much of the log is beyond the one on disk.
    func writeQueueIndexIfBehind() {
        if usesQueueIndex, scannedBytes - queueIndexCovers > Self.queueIndexThresholdBytes { writeQueueIndex() }
    }

    /// How many bytes of log beyond the queue index make opening write a new one: about 2,000
    /// saves, a twentieth of a second of parsing. The tests and the crash suite set 0, so
    /// every opening that read any log writes one and the next opening starts from it.
    public nonisolated(unsafe) static var queueIndexThresholdBytes = 8 << 20

    var queueIndexPath: String { directory.appendingPathComponent(QueueIndex.fileName).path }

    /// Takes in the queue index when it stands for the first bytes of the log; returns how
    /// many bytes it covers (0 when there is none, or it is stale, damaged or of another format).
    func adoptQueueIndex() -> Int {
        guard let file = try? PosixFile(path: queueIndexPath, flags: O_RDONLY), let bytes = try? file.readAll(),
              let queueIndex = try? QueueIndex.decode(bytes), (try? queueIndex.matches(cases)) == true else { return 0 }
        caseNumbers.reserveCapacity(queueIndex.entries.count)
        for entry in queueIndex.entries {
            liveLogBytes += entry.length + 1
            highestIndexedSequence = max(highestIndexedSequence, entry.auditSequence)
            caseNumbers.append(entry.id.number)
        }
        entryList = queueIndex.entries
        summaryList = queueIndex.summaries
        for summary in summaryList { countPlaces(summary, by: 1) }
        openingProblems += queueIndex.problems.map { StoreProblem(.damaged, file: cases.path, position: $0.position, message: $0.message) }
        return queueIndex.stamp.coveredLength
    }

    /// Writes the queue index for the log as read so far (beside, then renamed over the old,
    /// so a reader sees the old index or the new, never half of one). It is a cache: when it
    /// cannot be written (a full disk), the store opens by reading the log, as before.
    func writeQueueIndex() {
        guard scannedBytes > 0 else { return }
        let temporary = PosixFile.temporaryName(beside: queueIndexPath)
        let queueIndex: QueueIndex
        do {
            let entries = entryList
            let problems = openingProblems.filter { $0.severity == .damaged && $0.file == cases.path }.map { ($0.position, $0.message) }
            queueIndex = QueueIndex(stamp: try QueueIndex.stamp(of: cases, coveredLength: scannedBytes), entries: entries,
                                    summaries: summaryList, problems: problems)
        } catch {
            return
        }
        queueIndexCovers = scannedBytes
        let (path, mode, logPath) = (queueIndexPath, manifest.fileMode, cases.path)
        let write = {
            do {
                let file = try PosixFile(path: temporary, flags: O_WRONLY | O_CREAT | O_EXCL, mode: mode)
                let (head, body, checksum) = queueIndex.encodedParts()
                var tail = ByteWriter()
                tail.fixed32(checksum)
                try file.write(head)
                try file.write(body)
                try file.write(tail.bytes)
                // Written a moment after the opening: if a compaction has since put a new log
                // (and its own index) in place, this one stands for a file that is gone.
                var atPath = stat()
                guard stat(logPath, &atPath) == 0, UInt64(atPath.st_ino) == queueIndex.stamp.inode,
                      UInt64(atPath.st_dev) == queueIndex.stamp.device else {
                    PosixFile.unlink(temporary)
                    return
                }
                try PosixFile.rename(temporary, to: path)
            } catch {
                PosixFile.unlink(temporary)
            }
        }
        guard Self.writesQueueIndexInBackground else { return write() }
        // Encoding 120,000 summaries and writing 23 MB takes a third of a second after a cold
        // opening: done from a copy of the summaries once the first screen is up (a second on;
        // an exit before then waits for it).
        nonisolated(unsafe) let job = write
        let delay = Self.queueIndexWriteDelay
        DispatchQueue.global().async(group: Self.queueIndexWrites) {
            _ = Self.queueIndexHurry.wait(timeout: .now() + delay)
            job()
        }
    }

    /// Whether a queue index is written on another thread, so the first screen after an
    /// opening that read much of the log does not wait for it. The interactive session turns
    /// it on (and waits for the writes before it exits, `waitForQueueIndexWrites`); commands
    /// and the test suites write the index before they go on.
    public nonisolated(unsafe) static var writesQueueIndexInBackground = false
    static let queueIndexWrites = DispatchGroup()
    nonisolated(unsafe) static var queueIndexWriteDelay = 1.0 // seconds after the first screen

    /// Signalled when the session ends: a write still waiting for its moment starts at once.
    static let queueIndexHurry = DispatchSemaphore(value: 0)

    /// Waits for queue indexes still being written on other threads (starting any that wait).
    public static func waitForQueueIndexWrites() {
        for _ in 0..<16 { queueIndexHurry.signal() }
        queueIndexWrites.wait()
    }

    // MARK: CaseStore

    public func summaries() throws -> [CaseSummary] {
        summaryList
    }

    public func load(_ id: CaseID) throws -> StoredCase {
        guard let stored = try stored(id) else { throw StoreError.notFound(id) }
        return stored
    }

    public func save(_ record: Case, basedOn version: CaseVersion?, by actor: Actor, at time: Timestamp) throws -> CaseVersion {
        try save(together: [CaseUpdate(record, basedOn: version)], by: actor, at: time)[0]
    }

    /// One save of one case or several, as `SaveContract` says, in one durable write (see
    /// `append`).
    public func save(together updates: [CaseUpdate], by actor: Actor, at time: Timestamp) throws -> [CaseVersion] {
        do { try Capability.editCase.require(actor) } catch { throw StoreError.forbidden("\(error)") }
        guard !updates.isEmpty else { return [] }
        let versions = try withWriteLock {
            let prepared = try SaveContract.prepare(updates, by: actor, at: time, ledger: self)
            try append(prepared, by: actor, at: time)
            return prepared.map(\.version)
        }
        startCompactionIfDue()
        return versions
    }

    /// The audit entries of one case: the trail is read under the shared lock and only lines
    /// naming the case are decoded.
    public func history(of id: CaseID) throws -> [AuditEntry] {
        try withStoreLock(.shared) {
            try indexAuditTail()
            return try (auditIndex[id] ?? []).compactMap { place in
                let line = try audit.read(at: place.offset, count: place.length)
                return (try? JSONDecoder().decode(AuditTrail.Line.self, from: Data(line)))?.entry
            }
        }
    }

    /// Where each case's audit entries are in the trail. Built on the first `history` and
    /// extended from the file's tail after that, so opening a case reads its own entries, not
    /// the whole trail (hundreds of megabytes at 120,000 cases).
    var auditIndex: [CaseID: [(offset: Int, length: Int)]] = [:]
    var auditIndexedBytes = 0
    /// The sessions running here, each holding a lock on its `drafts/USER~SESSION.session`.
    var sessionLocks: [String: PosixFile] = [:]
    /// The sessions begun here (`USER~SESSION`), whose file is made at their first draft.
    var startedSessions: Set<String> = []

    /// Under a lock: index the audit lines appended since the last look.
    private func indexAuditTail() throws {
        let size = audit.size
        if size < auditIndexedBytes { // cut back (a torn entry set aside): start again
            auditIndex = [:]
            auditIndexedBytes = 0
        }
        guard size > auditIndexedBytes else { return }
        let bytes = try audit.read(at: auditIndexedBytes, count: size - auditIndexedBytes)
        let (lines, completeLength) = LogScanner.lineRanges(in: bytes)
        // Keys are sorted, so "caseID" is the second key: its first occurrence is the key.
        let key = Array(#""caseID":""#.utf8)
        for line in lines {
            guard let found = CaseRecordLine.firstRange(of: key, in: bytes[line.start..<line.end]) else { continue }
            let idStart = found + key.count
            guard let idEnd = bytes[idStart..<line.end].firstIndex(of: UInt8(ascii: "\"")),
                  let id = CaseID(String(decoding: bytes[idStart..<idEnd], as: UTF8.self)) else { continue }
            auditIndex[id, default: []].append((auditIndexedBytes + line.start, line.end - line.start))
        }
        auditIndexedBytes += completeLength
    }

    public func nextCaseID() throws -> CaseID {
        _ = try refresh()
        return CaseID(number: (index.keys.map(\.number).max() ?? 0) + 1)
    }

    /// Takes in lines other sessions appended since the last look; a file replaced under us
    /// (a restore, or a store moved back from a backup) is read again from the start.
    public func refresh() throws -> Bool {
        let before = (scannedBytes, scannedInode, lastAuditSequence)
        if try needsReopen || !holdsCurrentFiles() {
            try reopen()
            return true
        }
        guard cases.size != scannedBytes || audit.size != scannedAuditBytes else { return false }
        // Never waits: a session held up by another's lock looks again at the next poll
        // rather than freeze its screen.
        do {
            try withStoreLock(.shared, wait: .once) { try catchUp() }
        } catch StoreError.busy {
            return false
        }
        return (scannedBytes, scannedInode, lastAuditSequence) != before
    }

    /// Under a lock: read what was appended since the last scan.
    func catchUp() throws {
        let size = cases.size
        if size < scannedBytes { try scanFromStart(); return }
        if size > scannedBytes, size != tornLogSize { try scanCases(from: scannedBytes) } else if size == scannedBytes { tornCasesTail = false }
        if audit.size != scannedAuditBytes || tornAuditTail || damagedAuditTail != nil { try scanAuditTail() }
    }

    // MARK: Records

    /// The line at an index entry's place holds another case or version than the entry says:
    /// the index is wrong (the file moved under it), never the log, so the session reads the
    /// log again rather than hand out another family's record.
    struct MisplacedLine: Error {
        var expected: String
        var found: String
    }

    func decodeCase(_ entry: IndexEntry) throws -> Case {
        let line = try cases.read(at: entry.offset, count: entry.length)
        func damaged(_ error: Error) throws -> Never {
            let position = JSONPosition.position(ofOffset: entry.offset, in: try cases.read(at: 0, count: entry.offset))
            throw StoreError.damaged(file: cases.path, position: "\(position)", reason: "the record of \(entry.id) cannot be read (\(error)); run 'haven check'")
        }
        let body: ArraySlice<UInt8>
        do { body = try CaseRecordLine.recordBytes(ofLine: line[...]) } catch { try damaged(error) }
        // A sound line of another case or version: the place is wrong, not the line.
        if let headerBytes = try? CaseRecordLine.headerBytes(ofRecord: body),
           let header = RecordHeaderReader.read(headerBytes) ?? (try? JSONDecoder().decode(RecordHeader.self, from: Data(headerBytes))),
           header.id != entry.id || header.version != entry.version {
            throw MisplacedLine(expected: "\(entry.id) \(entry.version)", found: "\(header.id) \(header.version)")
        }
        let record: Case
        do {
            record = try JSONDecoder().decode(Case.self, from: Data(try CaseRecordLine.caseBytes(ofRecord: body)))
        } catch {
            try damaged(error)
        }
        guard record.id == entry.id else { throw MisplacedLine(expected: "\(entry.id) \(entry.version)", found: "\(record.id)") }
        return record
    }

    func appendAudit(_ entry: AuditEntry) throws {
        try appendAudit([entry])
    }

    /// Appends entries in one write and one fsync, chaining each to the one before. On a
    /// failure the partial bytes are cut back and the session reopens before it writes again.
    /// `unsealed`, when given, holds the entries already encoded but for their numbers and chain.
    func appendAudit(_ entries: [AuditEntry], unsealed: [AuditTrail.Unsealed]? = nil) throws {
        var hash = lastAuditHash
        let offset = audit.size
        let writer = PieceWriter(file: audit)
        do {
            for (number, entry) in entries.enumerated() {
                if let unsealed {
                    hash = AuditTrail.seal(unsealed[number], sequence: entry.sequence, previousHash: hash, appendingTo: &writer.bytes)
                } else {
                    let encoded = try AuditTrail.encode(entry, previousHash: hash)
                    writer.bytes += encoded.bytes
                    hash = encoded.hash
                }
                try writer.endOfUnit()
            }
            try writer.finish()
        } catch {
            audit.cutBack(to: offset)
            needsReopen = true
            throw error
        }
        lastAuditSequence = entries.last?.sequence ?? lastAuditSequence
        lastAuditHash = hash
        scannedAuditBytes = offset + writer.position
    }
}
