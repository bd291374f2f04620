import Foundation
import Glibc
import HavenCore

/// Finding and repairing what a crash or a damaged disk leaves at the end of the log and the
/// trail. Opening only finds; a writer, under the exclusive lock, repairs (see
/// `FileCaseStore+Writing.swift`), and every repair is reported in `openingProblems`.
extension FileCaseStore {
    /// Finds the last audit entry that can be read (sequence and hash), reading back from the
    /// end only as far as it must; the whole chain is checked by `check`. Never guesses: whole
    /// lines after it that cannot be read are a damaged tail (`damagedAuditTail`), set aside by
    /// the next writer, and a trail with no readable entry at all cannot be written to.
    func scanAuditTail() throws {
        let size = audit.size
        scannedAuditBytes = size
        auditTailProblem = nil
        damagedAuditTail = nil
        lastAuditSequence = 0
        lastAuditHash = AuditTrail.genesis
        var end = size
        var chunk = 65_536
        var torn = true
        var firstDamaged: Int?
        while end > 0 {
            let start = max(0, end - chunk)
            let bytes = try audit.read(at: start, count: end - start)
            var lineEnd = bytes.count
            if torn {
                // Bytes after the last newline: a torn write, or a writer still at work.
                let complete = bytes.lastIndex(of: 10).map { $0 + 1 } ?? 0
                if complete == 0, start > 0 { chunk *= 4; continue }
                tornAuditTail = start + complete < size
                tornAuditFrom = start + complete
                lineEnd = complete
                torn = false
            }
            // Whole lines of this chunk, newest first; the first one may be cut by the chunk.
            var cursor = lineEnd
            while cursor > 0 {
                let body = bytes[..<(cursor - 1)]
                let lineStart = body.lastIndex(of: 10).map { $0 + 1 } ?? 0
                if lineStart == 0, start > 0 { break } // cut by the chunk: read further back
                let line = bytes[lineStart..<(cursor - 1)]
                if !line.isEmpty {
                    if let (sequence, hash) = AuditTrail.sealedEntry(line) {
                        lastAuditSequence = sequence
                        lastAuditHash = hash
                        if let firstDamaged { damagedAuditTail = firstDamaged }
                        return
                    }
                    firstDamaged = start + lineStart
                }
                cursor = lineStart
            }
            end = start + cursor
            chunk = min(chunk * 4, 16 << 20)
        }
        if let firstDamaged {
            // Not one entry can be read: nothing is set aside (that would throw the whole
            // trail away) and nothing is written after it.
            if firstDamaged == 0 {
                auditTailProblem = "no entry of the audit trail can be read, so the next entry's number is unknown; nothing can be saved until 'haven check' has been run and the trail restored"
            }
        }
    }


    /// Moves the bytes from `offset` to the end into quarantine/, then cuts the file there.
    /// The copy gets a name no other call can choose (O_EXCL); when it cannot be written
    /// whole it is removed and the file is left as it was.
    func setAsideTail(of file: PosixFile, from offset: Int, reason: String) throws {
        let tail = try file.read(at: offset, count: file.size - offset)
        guard !tail.isEmpty else { return }
        let quarantine = directory.appendingPathComponent(Self.quarantineDirectory).path
        if try PosixFile.makeDirectory(quarantine, mode: 0o700) {
            chmod(quarantine, manifest.group == nil ? 0o700 : 0o2770)
            try PosixFile.syncDirectory(directory.path)
        }
        let stamp = Int(Date().timeIntervalSince1970)
        var target = ""
        var saved: PosixFile?
        for attempt in 0..<100 where saved == nil {
            target = "\(quarantine)/\((file.path as NSString).lastPathComponent).\(reason)-at-\(offset)-\(stamp)-\(getpid())\(attempt == 0 ? "" : "-\(attempt)")"
            do {
                saved = try PosixFile(path: target, flags: O_WRONLY | O_CREAT | O_EXCL, mode: manifest.fileMode)
            } catch let error as FileError where error.code == EEXIST {
                continue
            }
        }
        guard let saved else { throw FileError(path: quarantine, operation: "open", code: EEXIST) }
        do {
            try saved.writeDurably(tail)
            try PosixFile.syncDirectory(quarantine)
        } catch {
            PosixFile.unlink(target)
            throw error
        }
        try file.truncate(to: offset)
        try file.sync()
        let position = JSONPosition.position(ofOffset: offset, in: try file.read(at: 0, count: offset))
        let what = reason == "torn" ? "a torn last write (\(tail.count) bytes, never acknowledged)" : "\(tail.count) bytes of entries that cannot be read"
        openingProblems.append(StoreProblem(.repaired, file: file.path, position: "\(position), byte \(offset)",
                                            message: "\(what) was set aside in \(target)"))
    }

    /// Under the exclusive lock, after catching up: sets aside what no writer can append after
    /// (a torn last line in either file, unreadable entries at the end of the trail), then
    /// writes the audit entries of saves the log holds and the trail does not.
    func repairTails() throws {
        if tornCasesTail, cases.size > scannedBytes {
            try setAsideTail(of: cases, from: scannedBytes, reason: "torn")
            tornCasesTail = false
        }
        // The torn write is gone: saves that bring the log back to its length are new lines.
        tornLogSize = nil
        if tornAuditTail || damagedAuditTail != nil {
            if let damaged = damagedAuditTail, damaged > 0 {
                try setAsideTail(of: audit, from: damaged, reason: "unreadable")
            } else if tornAuditTail {
                try setAsideTail(of: audit, from: tornAuditFrom, reason: "torn")
            }
            try scanAuditTail()
        }
        try writeMissingAuditEntries()
        removeAbandonedTemporaryFiles()
    }

    /// The file a temporary name stands in for (`users.json.tmp-PID-RANDOM` -> `users.json`).
    static func replacedFile(ofTemporary name: String) -> String? {
        guard let range = name.range(of: ".tmp-") else { return nil }
        return String(name[..<range.lowerBound])
    }

    /// Files written beside a store file by a process that is gone (killed, or the power was
    /// cut before its rename): never read, removed by the next writer.
    func removeAbandonedTemporaryFiles() {
        for folder in [directory.path, directory.appendingPathComponent(Self.draftsDirectory).path, settingsFolder] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                guard let range = name.range(of: ".tmp-"),
                      let processID = name[range.upperBound...].split(separator: "-").first.flatMap({ Int32($0) }),
                      processID != getpid(), kill(processID, 0) != 0, errno == ESRCH else { continue }
                PosixFile.unlink("\(folder)/\(name)")
            }
        }
    }

    /// The saves in the log numbered past the trail's last entry get their entries, written
    /// from the log. They are the log's last lines (the log is written in sequence order), so
    /// the log is read backwards once, only as far as the oldest earlier version a diff needs:
    /// the work grows with what is repaired, and a second opening finds nothing to do.
    func writeMissingAuditEntries() throws {
        guard auditTailProblem == nil, highestIndexedSequence > lastAuditSequence else { return }
        var missing: [LogScanner.Record] = []
        var earlier: [CaseID: LogScanner.Record] = [:] // the version before each case's first missing one
        var wanted: Set<CaseID> = []
        var end = scannedBytes
        var chunk = 1 << 20
        var carry: [UInt8] = []
        scan: while end > 0 {
            let start = max(0, end - chunk)
            let bytes = try cases.read(at: start, count: end - start) + carry
            // The first line may be cut by the chunk: keep it for the next read back.
            let cut = start == 0 ? 0 : (bytes.firstIndex(of: 10).map { $0 + 1 } ?? bytes.count)
            carry = Array(bytes[..<cut])
            let scan = LogScanner.scan(Array(bytes[cut...]), baseOffset: start + cut, file: cases.path)
            for record in scan.records.reversed() {
                let header = record.header
                if header.auditSequence > lastAuditSequence {
                    missing.append(record)
                    wanted.insert(header.id)
                    earlier[header.id] = nil
                } else if wanted.contains(header.id), earlier[header.id] == nil {
                    earlier[header.id] = record
                }
                if header.auditSequence <= lastAuditSequence, wanted.allSatisfy({ earlier[$0] != nil }) { break scan }
            }
            end = start
            chunk = min(chunk * 2, 64 << 20)
        }
        // Oldest first, each under the number its log line already carries; a case saved twice
        // diffs against its own missing version before. A number no log line carries was an
        // entry of another kind (users, countries, an export) lost with the tail: an entry
        // says so in its place, so the chain has no gap and hides nothing.
        var before: [CaseID: Case] = try earlier.mapValues { record in
            try decodeCase(IndexEntry(header: record.header, offset: record.offset, length: record.length))
        }
        var entries: [AuditEntry] = []
        var lost: [Int] = []
        var next = lastAuditSequence + 1
        for record in missing.sorted(by: { $0.header.auditSequence < $1.header.auditSequence }) {
            let header = record.header
            while next < header.auditSequence {
                lost.append(next)
                entries.append(AuditEntry(sequence: next, at: header.savedAt, user: header.savedBy, caseID: nil, subject: "repair",
                                          version: CaseVersion(1), changes: [FieldChange(field: "lost", before: nil,
                                          after: "\"entry \(next) could not be read; what was left of it is in \(Self.quarantineDirectory)/\"")]))
                next += 1
            }
            let current = try decodeCase(IndexEntry(header: header, offset: record.offset, length: record.length))
            // A tombstone's entry is the erasure's alone, as the erasure writes it: a diff from
            // the version before would put back every value the erasure takes away.
            let changes = current.erasure.map { [FieldChange(field: ErasureContract.field, before: nil, after: $0.description)] }
                ?? CaseDiff.changes(from: header.version.rawValue > 1 ? before[header.id] : nil, to: current)
            entries.append(AuditEntry(sequence: header.auditSequence, at: header.savedAt, user: header.savedBy,
                                      caseID: header.id, version: header.version, changes: changes))
            before[header.id] = current
            next = header.auditSequence + 1
        }
        guard !entries.isEmpty else { return }
        try appendAudit(entries)
        for entry in entries {
            let message = entry.caseID.map { "the save of \($0) \(entry.version) was on disk but not in the audit trail; its entry was written from the log" }
                ?? "entry \(entry.sequence) could not be read and is not a save the log holds; an entry in its place says so"
            openingProblems.append(StoreProblem(entry.caseID == nil ? .damaged : .repaired, file: audit.path,
                                                position: "entry \(entry.sequence)", message: message))
        }
    }
}
