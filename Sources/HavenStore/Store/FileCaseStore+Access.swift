import Foundation
import Glibc
import HavenCore

/// Who read what: every opening goes through `read`, which asks `NeedToKnow` and writes the
/// access log (`AccessLog`) before it hands the case over; exports and reports write their
/// own entry (`logAccess`). An entry is appended under an exclusive `flock` on `access.jsonl`
/// itself (never the case log's lock, so reading does not wait for saves) and fsynced.
extension FileCaseStore {
    var accessLogPath: String { directory.appendingPathComponent(AccessLog.fileName).path }

    /// A backup, or a store on a read-only file system: a copy for recovery, read unrecorded.
    var isRecoveryCopy: Bool {
        if access(directory.appendingPathComponent(BackupManifest.fileName).path, F_OK) == 0 { return true }
        var info = statvfs()
        return statvfs(directory.path, &info) == 0 && info.f_flag & UInt(ST_RDONLY) != 0
    }
    var reasonsLogPath: String { directory.appendingPathComponent(AccessLog.reasonsFileName).path }

    public func read(_ id: CaseID, part: AccessPart, by reader: Reader, reason: String?, at time: Timestamp) throws -> StoredCase {
        guard let summary = summary(of: id) else { throw StoreError.notFound(id) }
        let users = try readUsers().directory
        // The role the store gives this user now: a supervisor demoted (or removed) while a
        // session is open opens nothing more as a supervisor.
        do { try users.verify(reader.actor) } catch { throw StoreError.forbidden(error.description) }
        let judged: (entry: AccessEntry, refusal: NeedToKnowError?)
        do {
            judged = try NeedToKnow.judge(summary, part: part, by: reader, reason: reason,
                                          reasonGivenBefore: hasReason(reader.actor.user, toOpen: id), users: users, at: time)
        } catch { throw StoreError.needToKnow(error) }
        try logAccess(judged.entry)
        if let refusal = judged.refusal { throw StoreError.needToKnow(refusal) }
        if judged.entry.outcome == .reasoned { reasonsGiven[reader.actor.user, default: []].insert(id) }
        return try load(id)
    }

    struct AccessLogReplaced: Error {}

    public func logAccess(_ entry: AccessEntry) throws {
        do {
            try appendAccess(entry)
        } catch is AccessLogReplaced {
            try appendAccess(entry)
        }
    }

    func appendAccess(_ entry: AccessEntry) throws {
        // A store on a read-only file system, or a backup, is open for recovery: reading and
        // export work unrecorded (nothing can be written there; whoever can mount or copy it
        // can read its files anyway). A writable store whose log cannot be written refuses.
        if let readOnlyReason {
            guard isRecoveryCopy else {
                // An account the files are read-only to (an auditor given read access by the
                // system) reads nothing unrecorded.
                throw StoreError.unavailable("the access log cannot be written by this account (\(readOnlyReason)), and nothing is read unrecorded")
            }
            return
        }
        var file = try openAccessLog()
        // An erasure may have renamed a new log in: the one at the path is the one appended to.
        for _ in 0..<3 where !isCurrentAccessLog(file) {
            accessFile = nil
            accessTail = nil
            file = try openAccessLog()
        }
        try file.withLock(.exclusive) {
            // Replaced while this session waited for the lock: append to the new one instead.
            guard isCurrentAccessLog(file) else {
                accessFile = nil
                accessTail = nil
                throw AccessLogReplaced()
            }
            var tail = accessTail
            if tail?.end != file.size { tail = try readAccessTail(of: file) }
            var numbered = entry
            numbered.sequence = tail!.sequence + 1
            let (bytes, hash) = try AccessLog.encode(numbered, previousHash: tail!.hash)
            do {
                try file.write(bytes)
                try file.sync()
            } catch {
                file.cutBack(to: tail!.end)
                accessTail = nil
                throw StoreError.unavailable("the access log could not be written (\(error)); nothing was opened")
            }
            accessTail = (tail!.end + bytes.count, numbered.sequence, hash)
            if NeedToKnow.tellsSupervisors(numbered) { copyForSupervisors(numbered) }
        }
    }

    /// Appends `entry` to the supervisors' copy, under the log's lock. The log is the record, so
    /// a copy that cannot be written is cut back to its whole lines (never a torn one that would
    /// swallow the next) and `haven check` names the entry missing from it.
    func copyForSupervisors(_ entry: AccessEntry) {
        guard let copy = try? openAppending(reasonsLogPath) else { return }
        let size = copy.size
        do {
            try copy.write(try CaseRecordLine.writer.encode(entry) + [10])
            try copy.sync()
        } catch {
            copy.cutBack(to: size)
        }
    }

    public func accessLog(matching filter: AccessFilter, limit: Int) throws -> [AccessEntry] {
        if filter.supervisorsCopy {
            guard let bytes = FileManager.default.contents(atPath: reasonsLogPath) else { return [] }
            let decoder = JSONDecoder()
            var entries: [AccessEntry] = []
            for line in bytes.split(separator: 10) {
                if let entry = try? decoder.decode(AccessEntry.self, from: Data(line)), filter.matches(entry) { entries.append(entry) }
            }
            return Array(entries.reversed().prefix(limit))
        }
        guard let data = FileManager.default.contents(atPath: accessLogPath) else { return [] }
        let reading = AccessLog.read(Array(data), keep: filter.matches)
        if let problem = reading.problem, !problem.reason.hasPrefix("the last line has no end") {
            throw StoreError.damaged(file: accessLogPath, position: "line \(problem.line), byte \(problem.byte)",
                                     reason: "\(problem.reason); run 'haven check'")
        }
        return Array(reading.entries.reversed().prefix(limit))
    }

    /// The access log, opened (and made, the first time in an older store) for appending.
    func openAccessLog() throws -> PosixFile {
        if let accessFile { return accessFile }
        let file = try openAppending(accessLogPath)
        accessFile = file
        return file
    }

    /// `path` opened to append, made with the store's mode when it is not there yet (only the
    /// first maker sets the mode: another user's file in a shared store cannot be chmod-ed).
    func openAppending(_ path: String) throws -> PosixFile {
        for _ in 0..<3 {
            do {
                return try PosixFile(path: path, flags: O_RDWR | O_APPEND)
            } catch let error as FileError where error.code == ENOENT {
                do {
                    let made = try PosixFile(path: path, flags: O_RDWR | O_APPEND | O_CREAT | O_EXCL, mode: manifest.fileMode)
                    try? PosixFile.syncDirectory(directory.path)
                    return made
                } catch let error as FileError where error.code == EEXIST {
                    continue
                }
            }
        }
        return try PosixFile(path: path, flags: O_RDWR | O_APPEND)
    }

    /// The log's last entry's number and hash, under the lock: a torn last line (a writer
    /// that died mid-write, never acknowledged) is set aside in quarantine first. A last line
    /// that does not check is refused: nothing is read unrecorded, and 'haven check' says where.
    func readAccessTail(of file: PosixFile) throws -> (end: Int, sequence: Int, hash: String) {
        var size = file.size
        guard size > 0 else { return (0, 0, AuditTrail.genesis) }
        var window = try file.read(at: max(0, size - 65_536), count: min(size, 65_536))
        if window.last != 10 {
            let cut = window.lastIndex(of: 10).map { size - window.count + $0 + 1 } ?? 0
            try setAsideTail(of: file, from: cut, reason: "torn")
            size = cut
            guard size > 0 else { return (0, 0, AuditTrail.genesis) }
            window = try file.read(at: max(0, size - 65_536), count: min(size, 65_536))
        }
        let body = window.dropLast()
        let start = body.lastIndex(of: 10).map { $0 + 1 } ?? body.startIndex
        do {
            let (entry, hash) = try AccessLog.decode(line: body[start...], previousHash: nil, expectedSequence: nil)
            return (size, entry.sequence, hash)
        } catch {
            throw StoreError.damaged(file: accessLogPath, position: "byte \(size - window.count + start)",
                                     reason: "the last entry of the access log does not check (\(error)); nothing can be opened until 'haven check' has been run and the log restored")
        }
    }
}
