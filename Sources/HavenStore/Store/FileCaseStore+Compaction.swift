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
        starter(directory)
    }

    /// Rewrites the log with the latest version of each case, online. `progress` is told how
    /// many of the live lines are copied, of how many. Refused (nothing changed) when the
    /// store is read-only, another compaction is running, the log has damaged lines (they are
    /// evidence a compaction must not drop: `haven check` names them), or the log was replaced
    /// meanwhile.
    public func compact(by actor: Actor, at time: Timestamp, progress: (Int, Int) -> Void = { _, _ in }) throws -> CompactionReport {
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
        var renamed = false
        defer {
            if !renamed {
                PosixFile.unlink(newPath)
                PosixFile.unlink(newIndexPath)
            }
        }
        let target = try PosixFile(path: newPath, flags: O_RDWR | O_CREAT | O_EXCL | O_APPEND, mode: manifest.fileMode)
        if let groupID { fchown(target.descriptor, getuid(), groupID) }
        var moved: [CaseID: (offset: Int, length: Int)] = [:]
        moved.reserveCapacity(kept.count)
        let written = try copyLatestLines(kept, from: source, to: target, moved: &moved, progress: progress)
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
                try PosixFile(path: newIndexPath, flags: O_WRONLY | O_CREAT | O_EXCL, mode: manifest.fileMode).write(queueIndex.encoded())
                if let groupID { chown(newIndexPath, getuid(), groupID) }
                indexReady = true
            } catch {
                PosixFile.unlink(newIndexPath) // a cache: the next opening reads the log instead
            }
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
        try PosixFile.rename(newPath, to: source.path)
        renamed = true
        if indexReady { try? PosixFile.rename(newIndexPath, to: queueIndexPath) }
        try PosixFile.syncDirectory(directory.path)
        report.lockSeconds = Self.seconds(clock.now - locked)
        source.unlock()
        // This session reads the new file (from its index) like any other.
        try reopen()
        report.seconds = Self.seconds(clock.now - started)
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

    /// Copies each case's latest line (`kept`, in log order) to `target`, reading runs of
    /// nearby lines at once and at most 8 MiB in memory; a line of a write of several is
    /// written again without `part` and `parts` (its siblings may be gone, so it is a write of
    /// one now). Checks each line's CRC as it goes. Returns the bytes written.
    private func copyLatestLines(_ kept: [IndexEntry], from source: PosixFile, to target: PosixFile,
                                 moved: inout [CaseID: (offset: Int, length: Int)], progress: (Int, Int) -> Void) throws -> Int {
        let flushBytes = 8 << 20
        let partKey = Array(#""parts":"#.utf8)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(flushBytes + (1 << 20))
        var written = 0
        var first = 0
        while first < kept.count {
            // A run: lines near each other, read with one pread.
            var last = first
            var end = kept[first].offset + kept[first].length + 1
            while last + 1 < kept.count, kept[last + 1].offset - end < 65_536,
                  kept[last + 1].offset + kept[last + 1].length + 1 - kept[first].offset <= flushBytes {
                last += 1
                end = kept[last].offset + kept[last].length + 1
            }
            let start = kept[first].offset
            let bytes = try source.read(at: start, count: end - start)
            guard bytes.count == end - start else { throw StoreError.unavailable("\(source.path) ended early while it was compacted") }
            for entry in kept[first...last] {
                let line = bytes[(entry.offset - start)..<(entry.offset - start + entry.length)]
                let body: ArraySlice<UInt8>
                do { body = try CaseRecordLine.recordBytes(ofLine: line) } catch {
                    throw StoreError.damaged(file: source.path, position: "byte \(entry.offset)", reason: "the latest line of \(entry.id) no longer reads (\(error)); nothing was compacted")
                }
                let header = try CaseRecordLine.headerBytes(ofRecord: body)
                let offset = written + buffer.count
                if CaseRecordLine.firstRange(of: partKey, in: header[...]) != nil, var parsed = RecordHeaderReader.read(header) {
                    parsed.part = nil
                    parsed.parts = nil
                    let rewritten = try CaseRecordLine.encode(caseBytes: Array(try CaseRecordLine.caseBytes(ofRecord: body)), header: parsed)
                    buffer += rewritten
                    moved[entry.id] = (offset, rewritten.count - 1)
                } else {
                    buffer += line
                    buffer.append(10)
                    if offset != entry.offset { moved[entry.id] = (offset, entry.length) }
                }
            }
            if buffer.count >= flushBytes {
                try target.write(buffer)
                written += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
            progress(last + 1, kept.count)
            first = last + 1
        }
        try target.write(buffer)
        return written + buffer.count
    }
}
