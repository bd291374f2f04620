import Foundation
import Glibc
import HavenCore

/// An erasure reaches the access log too: a reason typed to open the case (or a subject
/// export's request) is the reader's words and may name the person or a relative. Its entries'
/// reasons become `(erased)` and the log is sealed again from the first of them, under the
/// log's own lock, renamed into place; the audit trail records the log's last hash before and
/// after, so the part before stays provable and the re-sealing is on the record.
extension FileCaseStore {
    static let erasedReason = "(erased)"

    /// Erases the reasons of `id`'s access entries, in the log and the supervisors' copy;
    /// returns how many entries changed.
    func eraseAccessReasons(of id: CaseID, by actor: Actor, at time: Timestamp) throws -> Int {
        guard FileManager.default.fileExists(atPath: accessLogPath) else { return 0 }
        let file = try PosixFile(path: accessLogPath, flags: O_RDWR | O_APPEND)
        let (changed, before, after) = try file.withLock(.exclusive) { () throws -> (Int, String, String) in
            let reading = AccessLog.read(try file.readAll())
            if let problem = reading.problem {
                throw StoreError.damaged(file: accessLogPath, position: "line \(problem.line)",
                                         reason: "\(problem.reason); the access log was not sealed again. Run 'haven check'")
            }
            var entries = reading.entries
            guard entries.contains(where: { $0.caseID == id && $0.reason != nil && $0.reason != Self.erasedReason }) else { return (0, "", "") }
            var changed = 0
            for index in entries.indices where entries[index].caseID == id && entries[index].reason != nil && entries[index].reason != Self.erasedReason {
                entries[index].reason = Self.erasedReason
                changed += 1
            }
            // Sealed again whole (the lines before the first changed one come out as they were).
            var hash = AuditTrail.genesis
            var bytes: [UInt8] = []
            for (index, entry) in entries.enumerated() {
                let (line, next) = try AccessLog.encode(entry, previousHash: hash)
                bytes += line
                hash = next
            }
            let oldLast = try readAccessTail(of: file).hash
            let newPath = PosixFile.temporaryName(beside: accessLogPath)
            var renamed = false
            defer { if !renamed { PosixFile.unlink(newPath) } }
            let target = try PosixFile(path: newPath, flags: O_RDWR | O_CREAT | O_EXCL, mode: manifest.fileMode)
            if let groupID { fchown(target.descriptor, getuid(), groupID) }
            try target.write(bytes)
            try target.sync()
            // The supervisors' copy, as plain lines: the same reasons erased.
            if let copy = FileManager.default.contents(atPath: reasonsLogPath) {
                var lines: [UInt8] = []
                for line in copy.split(separator: 10) {
                    if var entry = try? JSONDecoder().decode(AccessEntry.self, from: Data(line)), entry.caseID == id, entry.reason != nil {
                        entry.reason = Self.erasedReason
                        lines += try CaseRecordLine.writer.encode(entry) + [10]
                    } else {
                        lines += Array(line) + [10]
                    }
                }
                try PosixFile.replaceDurably(reasonsLogPath, with: lines, mode: manifest.fileMode, group: groupID)
            }
            try PosixFile.rename(newPath, to: accessLogPath)
            renamed = true
            try PosixFile.syncDirectory(directory.path)
            return (changed, oldLast, hash)
        }
        accessFile = nil
        accessTail = nil
        guard changed > 0 else { return 0 }
        try withWriteLock {
            try appendAudit(AuditEntry(sequence: lastAuditSequence + 1, at: time, user: actor.user, caseID: nil, subject: "access-log",
                                       version: CaseVersion(1), changes: [FieldChange(
                                           field: "resealed", before: "\"\(before)\"",
                                           after: "\"\(after): \(changed) reasons erased with \(id)\"")]))
        }
        return changed
    }

    /// Whether `file` is still the access log at its path (an erasure renames a new one in).
    func isCurrentAccessLog(_ file: PosixFile) -> Bool {
        var atPath = stat()
        guard stat(accessLogPath, &atPath) == 0, let held = try? file.status() else { return false }
        return atPath.st_ino == held.st_ino && atPath.st_dev == held.st_dev
    }
}
