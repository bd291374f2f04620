import Foundation
import Glibc
import HavenCore

/// Compaction: the log rewritten with each case's latest line only, swapped in by rename while
/// other sessions read and save (docs/store-format.md, "Compaction").
///
/// The long part runs with no lock: the latest lines as of a cut are copied, in log order, to
/// `cases.jsonl.tmp-PID-RANDOM` and fsynced, with a queue index for it written beside. Then,
/// under the exclusive lock, the lines saved since the cut are copied after them as they are,
/// the file is fsynced, an audit entry records the compaction, and the file and its index are
/// renamed into place. A session holding the old file finds, under its next lock, that the
/// path names another file, and reads the new one (`holdsCurrentFiles`): a save waiting on the
/// old file's lock is made in the new one, never in the old.
///
/// The audit trail is never compacted: every version's changes stay there, and `haven check`
/// accepts a save the log no longer holds only when a compaction entry covers it and the log
/// holds a later version of that case.
extension FileCaseStore {
    public struct CompactionReport: Sendable, Equatable {
        public var bytesBefore = 0
        public var bytesAfter = 0
        /// Lines in the new log: one per case, and the lines saved meanwhile.
        public var linesAfter = 0
        /// Lines saved by others while the compaction ran, copied after the compacted ones.
        public var linesSavedMeanwhile = 0
        /// How long the exclusive lock was held (saves waited at most this, plus reopening).
        public var lockSeconds = 0.0
        public var seconds = 0.0
        /// The audit entry that records it.
        public var auditSequence = 0
        /// Whether the old log was freed a step at a time once no session held it (false: some
        /// session still had it open at `retireWait`, and the last to close it frees it).
        public var oldLogFreedGently = false
        /// Seconds from the swap until the old log was freed (waiting for sessions included).
        public var retireSeconds = 0.0
    }

    /// The log is compacted by itself once it is larger than this many times its live lines.
    public static let compactionRatio = 2
    /// …and at least this large: below it a compaction saves too little to be worth a process.
    /// The tests set it low.
    public nonisolated(unsafe) static var compactionMinimumBytes = 16 << 20

    /// The log's length as this session last read it.
    public var logBytes: Int { scannedBytes }

    /// Whether the log has grown past twice its live lines (and the minimum size).
    public var compactionDue: Bool {
        readOnlyReason == nil && scannedBytes >= Self.compactionMinimumBytes && scannedBytes > Self.compactionRatio * liveLogBytes
    }

    /// Called after a save that leaves the log due for compaction, with the store's directory;
    /// `haven` sets it to start `haven compact --if-due` as a process of its own, so no one's
    /// screen waits for it. Nil (the library alone): nothing starts by itself.
    public nonisolated(unsafe) static var compactionStarter: (@Sendable (URL) -> Void)?

    /// Starts a compaction through `compactionStarter` when the log is due one; at most once a
    /// minute per session, so a session saving fast does not start one per save.
    func startCompactionIfDue() {
        guard compactionDue, let starter = Self.compactionStarter else { return }
        let now = Date()
        if let last = lastCompactionStart, now.timeIntervalSince(last) < 60 { return }
        lastCompactionStart = now
        // Not when it would be refused: a damaged line (check first), or one already running
        // (its lock on store.json is held: tried, not waited for).
        if openingProblems.contains(where: { $0.severity == .damaged && $0.file == cases.path }) { return }
        guard let manifestFile = try? PosixFile(path: directory.appendingPathComponent(Self.manifestFile).path, flags: O_RDONLY),
              (try? manifestFile.lock(.exclusive, wait: .once)) != nil else { return }
        manifestFile.unlock()
        starter(directory)
    }

    /// Rewrites the log with the latest version of each case, online. `progress` is told how
    /// many bytes of the log are read, of how many. Refused (nothing changed) when the
    /// store is read-only, another compaction is running, the log has damaged lines (they are
    /// evidence a compaction must not drop: `haven check` names them), or the log was replaced
    /// meanwhile.
    public func compact(by actor: Actor, at time: Timestamp, retireWait: Double = FileCaseStore.retireWait,
                        progress: (Int, Int) -> Void = { _, _ in }) throws -> CompactionReport {
        do { try Capability.compactStore.require(actor) } catch { throw StoreError.forbidden("\(error)") }
        if let readOnlyReason { throw StoreError.unavailable("\(readOnlyReason); the store cannot be compacted") }
        try requireCurrentRole(actor)
        let clock = ContinuousClock()
        let started = clock.now
        // One compaction at a time: a second would only do the same work again. The lock is
        // taken on store.json, which nothing else locks and only a migration replaces.
        let guardFile = try PosixFile(path: directory.appendingPathComponent(Self.manifestFile).path, flags: O_RDONLY)
        do {
            try guardFile.lock(.exclusive, wait: .once)
        } catch is LockTimeout {
            throw StoreError.busy("another compaction of this store is running")
        }
        defer { guardFile.unlock() }

        // The cut: everything saved up to now, and the store repaired first if it needs it.
        if try !holdsCurrentFiles() || needsReopen { try reopen() }
        try withStoreLock(.shared) { try catchUp() }
        if needsRepair { try withWriteLock {} }
        try refuseDamagedLog()
        let source = cases
        let cut = scannedBytes
        var report = CompactionReport(bytesBefore: cut)
        let kept = index.values.sorted { $0.offset < $1.offset }
        let summariesAtCut = summaryList

        let newPath = PosixFile.temporaryName(beside: source.path)
        let newIndexPath = PosixFile.temporaryName(beside: queueIndexPath)
        let newMovesPath = PosixFile.temporaryName(beside: compactionMovesPath)
        var renamed = false
        defer {
            if !renamed {
                PosixFile.unlink(newPath)
                PosixFile.unlink(newIndexPath)
                PosixFile.unlink(newMovesPath)
            }
        }
        let target = try PosixFile(path: newPath, flags: O_RDWR | O_CREAT | O_EXCL | O_APPEND, mode: manifest.fileMode)
        if let groupID { fchown(target.descriptor, getuid(), groupID) }
        var moved: [CaseID: (offset: Int, length: Int)] = [:]
        moved.reserveCapacity(kept.count)
        let written = try copyLatestLines(kept, upTo: cut, from: source, to: target, moved: &moved, progress: progress)
        try target.sync()
        // The queue index for the new file as of these lines (its inode is the new log's once
        // renamed), renamed into place with the log so openings start from it.
        var indexReady = false
        if usesQueueIndex {
            do {
                let entries = summariesAtCut.map { summary -> IndexEntry in
                    var entry = index[summary.id]!
                    if let place = moved[summary.id] { entry.offset = place.offset; entry.length = place.length }
                    return entry
                }
                let queueIndex = QueueIndex(stamp: try QueueIndex.stamp(of: target, coveredLength: written), entries: entries,
                                            summaries: summariesAtCut, problems: [])
                // Synced now, before the lock: renamed over the old index unsynced, its 23 MB
                // would be written out by the directory's fsync under the lock, and every
                // save's fsync would queue behind them.
                try PosixFile(path: newIndexPath, flags: O_WRONLY | O_CREAT | O_EXCL, mode: manifest.fileMode).writeDurably(queueIndex.encoded())
                if let groupID { chown(newIndexPath, getuid(), groupID) }
                indexReady = true
            } catch {
                PosixFile.unlink(newIndexPath) // a cache: the next opening reads the log instead
            }
        }

        // The new places, for the sessions holding the old log (`CompactionMoves`), written
        // and synced before the lock, renamed into place just before the log.
        var movesReady = false
        do {
            let places = kept.map { entry -> CompactionMoves.Place in
                let place = moved[entry.id] ?? (entry.offset, entry.length)
                return CompactionMoves.Place(id: entry.id, version: entry.version, offset: place.offset, length: place.length)
            }
            let moves = CompactionMoves(source: try CompactionMoves.FileIdentity(source), cut: cut,
                                        target: try CompactionMoves.FileIdentity(target), compactedLength: written, places: places)
            try PosixFile(path: newMovesPath, flags: O_WRONLY | O_CREAT | O_EXCL, mode: manifest.fileMode).writeDurably(moves.encoded())
            if let groupID { chown(newMovesPath, getuid(), groupID) }
            movesReady = true
        } catch {
            PosixFile.unlink(newMovesPath) // a cache: sessions read the new log's index instead
        }

        // The swap, under the exclusive lock on the file compacted.
        let locked = clock.now
        try lockStore(.exclusive)
        defer { source.unlock() }
        guard try holdsCurrentFiles(), cases === source else {
            throw StoreError.busy("\(source.path) was replaced while it was being compacted (a restore, or another compaction); nothing was changed")
        }
        LockNote.write(beside: source.path, mode: manifest.fileMode, group: groupID)
        try catchUp()
        if let auditTailProblem { throw StoreError.unavailable("\(audit.path): \(auditTailProblem)") }
        try repairTails()
        try refuseDamagedLog()
        if scannedBytes > cut {
            // Saved since the cut: whole lines (no writer is mid-write under this lock), copied
            // as they are, after the compacted ones.
            var position = cut
            while position < scannedBytes {
                let bytes = try source.read(at: position, count: min(Self.scanChunkBytes, scannedBytes - position))
                try target.write(bytes)
                report.linesSavedMeanwhile += bytes.count(where: { $0 == 10 })
                position += bytes.count
            }
            try target.sync()
        }
        report.bytesAfter = written + (scannedBytes - cut)
        report.linesAfter = index.count + report.linesSavedMeanwhile
        // The entry first: a crash after it and before the rename leaves the whole log, which
        // the entry allows; a crash before it leaves the whole log and no entry.
        let through = lastAuditSequence
        report.auditSequence = lastAuditSequence + 1
        try appendAudit(AuditEntry(sequence: lastAuditSequence + 1, at: time, user: actor.user, caseID: nil, subject: Self.compactionSubject,
                                   version: CaseVersion(1), changes: [
                                       FieldChange(field: "log", before: "\"\(report.bytesBefore) bytes\"",
                                                   after: "\"\(report.bytesAfter) bytes: the latest version of each of \(index.count) cases\""),
                                       FieldChange(field: Self.compactedThroughField, before: nil, after: "\(through)"),
                                   ]))
        // The new file is locked before it takes the path, until the rename is on disk: a
        // session that opens it meanwhile waits, so no save is acknowledged in a file a power
        // cut could still put back under its temporary name.
        try target.lock(.exclusive, wait: .once)
        defer { target.unlock() }
        // An older table left in place could name files it never saw (inode numbers are used
        // again): none is left unless this compaction's own takes its place.
        if !movesReady || (try? PosixFile.rename(newMovesPath, to: compactionMovesPath)) == nil {
            PosixFile.unlink(newMovesPath)
            PosixFile.unlink(compactionMovesPath)
            movesReady = false
        }
        do {
            try PosixFile.rename(newPath, to: source.path)
        } catch {
            if movesReady { PosixFile.unlink(compactionMovesPath) }
            throw error
        }
        renamed = true
        if indexReady { try? PosixFile.rename(newIndexPath, to: queueIndexPath) }
        try PosixFile.syncDirectory(directory.path)
        target.unlock()
        report.lockSeconds = Self.seconds(clock.now - locked)
        source.unlock()
        // This session reads the new file (from its index) like any other.
        try reopen()
        report.seconds = Self.seconds(clock.now - started)
        // The old log, freed gently once every session has let go of it (`LogHold.swift`).
        let retiring = clock.now
        report.oldLogFreedGently = Self.retire(source, waiting: retireWait)
        report.retireSeconds = Self.seconds(clock.now - retiring)
        return report
    }

    /// The audit entry of a compaction: `subject` "compaction", with the highest entry whose
    /// save it may have dropped from the log in the field `compactedThrough`.
    public static let compactionSubject = "compaction"
    public static let compactedThroughField = "compactedThrough"

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// A damaged line is evidence: compaction would drop it, so it is not run until it is dealt with.
    private func refuseDamagedLog() throws {
        if let problem = openingProblems.first(where: { $0.severity == .damaged && $0.file == cases.path }) {
            throw StoreError.unavailable("the log has a damaged line (\(problem.position): \(problem.message)); it is not compacted until 'haven check' is clean")
        }
    }

    /// Reads the log up to `cut` from its start, a chunk of whole lines at a time, checking
    /// every line's CRC on both cores (a damaged line, old or latest, stops the compaction:
    /// it is evidence), and copies each case's latest line (`kept`, in log order) to `target`,
    /// holding at most a chunk and 8 MiB of output. A line that was part of a write of several
    /// is written again without `part` and `parts` (its siblings may be gone, so it is a write
    /// of one now). Returns the bytes written.
    private func copyLatestLines(_ kept: [IndexEntry], upTo cut: Int, from source: PosixFile, to target: PosixFile,
                                 moved: inout [CaseID: (offset: Int, length: Int)], progress: (Int, Int) -> Void) throws -> Int {
        let flushBytes = 8 << 20
        let partKey = Array(#""parts":"#.utf8)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(flushBytes + (1 << 20))
        var written = 0
        var lastWrittenBack = 0
        var next = 0 // the next kept line, by offset
        var position = 0
        var chunkBytes = 8 << 20
        while position < cut {
            let count = min(chunkBytes, cut - position)
            let bytes = try source.read(at: position, count: count)
            guard bytes.count == count else { throw StoreError.unavailable("\(source.path) ended early while it was compacted; nothing was changed") }
            let (lines, complete) = LogScanner.lineRanges(in: bytes)
            if complete == 0 {
                chunkBytes *= 2 // one line longer than a chunk
                continue
            }
            // Every line's frame and CRC, on both cores.
            var damaged = [Int?](repeating: nil, count: lines.count)
            let slices = max(1, min(lines.count, ProcessInfo.processInfo.activeProcessorCount * 4))
            damaged.withUnsafeMutableBufferPointer { found in
                nonisolated(unsafe) let output = found
                DispatchQueue.concurrentPerform(iterations: slices) { slice in
                    for number in stride(from: slice, to: lines.count, by: slices) {
                        let line = lines[number]
                        if (try? CaseRecordLine.recordBytes(ofLine: bytes[line.start..<line.end])) == nil { output[number] = line.start }
                    }
                }
            }
            if let first = damaged.lazy.compactMap({ $0 }).first {
                throw StoreError.damaged(file: source.path, position: "byte \(position + first)",
                                         reason: "a line does not read (its checksum or frame is damaged); it is evidence, so the log is not compacted until 'haven check' is clean")
            }
            for line in lines {
                let offset = position + line.start
                guard next < kept.count, kept[next].offset == offset else { continue }
                let entry = kept[next]
                next += 1
                let lineBytes = bytes[line.start..<line.end]
                let body = try CaseRecordLine.recordBytes(ofLine: lineBytes)
                let header = try CaseRecordLine.headerBytes(ofRecord: body)
                let newOffset = written + buffer.count
                if CaseRecordLine.firstRange(of: partKey, in: header[...]) != nil {
                    guard var parsed = RecordHeaderReader.read(header) ?? (try? JSONDecoder().decode(RecordHeader.self, from: Data(header))) else {
                        throw StoreError.damaged(file: source.path, position: "byte \(offset)", reason: "the header of \(entry.id)'s latest line does not read; nothing was compacted")
                    }
                    parsed.part = nil
                    parsed.parts = nil
                    let rewritten = try CaseRecordLine.encode(caseBytes: Array(try CaseRecordLine.caseBytes(ofRecord: body)), header: parsed)
                    buffer += rewritten
                    moved[entry.id] = (newOffset, rewritten.count - 1)
                } else {
                    buffer += lineBytes
                    buffer.append(10)
                    if newOffset != entry.offset { moved[entry.id] = (newOffset, entry.length) }
                }
                if buffer.count >= flushBytes {
                    try target.write(buffer)
                    // Written out as it goes, the piece before waited for: the fsync at the
                    // end then has little to write, and saves' own fsyncs never queue behind
                    // half a gigabyte (they waited 4 s at 120,000 cases).
                    target.writeBack(from: written, count: buffer.count, waiting: false)
                    target.writeBack(from: lastWrittenBack, count: written - lastWrittenBack, waiting: true)
                    lastWrittenBack = written
                    written += buffer.count
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            position += complete
            progress(position, cut)
        }
        guard next == kept.count else {
            throw StoreError.unavailable("\(kept.count - next) cases' latest lines were not where the index says; nothing was compacted")
        }
        try target.write(buffer)
        return written + buffer.count
    }
}
