import Foundation
import Glibc

// The store's lock, with manners: how long a session waits (`LockWait`), what it says when it
// gives up (`LockTimeout`), and who holds the lock (`LockHolder`, from /proc/locks and the
// `lock-holder` note). `PosixFile.lock` does the waiting.

/// How long a lock may be waited for, and who is told when the wait is long.
struct LockWait {
    /// After this many seconds `waiting` is told who holds the lock.
    var patience: Double
    /// After this many seconds the wait ends in an error.
    var limit: Double
    var waiting: ((String) -> Void)?

    static var standard: LockWait { LockWait(patience: FileCaseStore.lockPatience, limit: FileCaseStore.lockLimit, waiting: FileCaseStore.lockWaitReporter) }
    /// One try: take the lock if it is free now, else give up at once.
    static var once: LockWait { LockWait(patience: 0, limit: 0, waiting: nil) }
}

/// A lock waited for past the limit: which file, who holds it, how long it was waited for.
struct LockTimeout: Error, CustomStringConvertible {
    let path: String
    let holders: [LockHolder]
    let waited: Double

    /// "anna.k (process 812, haven) holds the store since 10:02:03 UTC; waited 20 s (path)":
    /// the store leads it with what happened ("Not saved, try again: " for a save), so the
    /// point fits a status line.
    var description: String {
        let who = LockHolder.describe(holders, path: path).dropFirst("Busy: ".count)
        return "\(who); waited \(waited < 10 ? String(format: "%.1f", waited) : String(Int(waited))) s (\(path))"
    }
}

/// A process holding a lock on a file, as Linux lists it in /proc/locks.
struct LockHolder: Equatable {
    let processID: Int32
    let user: String
    let command: String
    let exclusive: Bool
    /// When the holder took it, from the note an exclusive holder leaves (`lock-holder`).
    let since: Date?

    /// Every process holding a flock on `file` now.
    static func holders(of file: PosixFile) -> [LockHolder] {
        guard let inode = try? file.status().st_ino,
              let text = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return [] }
        let note = LockNote.read(beside: file.path)
        var found: [LockHolder] = []
        for line in text.split(separator: "\n") where !line.contains("->") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1] == "FLOCK", let processID = Int32(fields[4]),
                  fields[5].split(separator: ":").last == Substring("\(inode)") else { continue }
            var info = stat()
            let user = stat("/proc/\(processID)", &info) == 0 ? (getpwuid(info.st_uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(info.st_uid)") : "?"
            let command = ((try? String(contentsOfFile: "/proc/\(processID)/comm", encoding: .utf8)) ?? "?")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            found.append(LockHolder(processID: processID, user: user, command: command, exclusive: fields[3] == "WRITE",
                                    since: note?.processID == processID ? note?.since : nil))
        }
        return found
    }

    /// "Busy: anna.k (process 812, haven) holds the store since 10:02:03 UTC": who first,
    /// so it fits a status line; the file last.
    static func describe(_ holders: [LockHolder], path: String) -> String {
        guard !holders.isEmpty else { return "Busy: another process holds the store (\(path)), and this account cannot see which" }
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss 'UTC'"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let named = holders.map { holder in
            "\(holder.user) (process \(holder.processID), \(holder.command))" + (holder.since.map { " since \(formatter.string(from: $0))" } ?? "")
        }
        return "Busy: \(named.joined(separator: ", ")) \(holders.count == 1 ? "holds" : "hold") the store"
    }
}

/// `lock-holder`: one line an exclusive holder writes as it takes the lock (process, time),
/// so a waiting session can say since when. Never fsynced: it is a hint, and /proc/locks
/// decides who really holds the lock.
enum LockNote {
    static let fileName = "lock-holder"

    static func write(beside logPath: String, mode: mode_t, group: gid_t?) {
        let path = (logPath as NSString).deletingLastPathComponent + "/" + fileName
        // Opened as it is; made (with the store's mode and group) only the first time.
        var descriptor = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
        if descriptor < 0, errno == ENOENT {
            descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
            if descriptor >= 0 {
                fchmod(descriptor, mode)
                if let group { fchown(descriptor, getuid(), group) }
            }
        }
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let line = Array(String(format: "%010d %020.3f\n", getpid(), Date().timeIntervalSince1970).utf8)
        _ = line.withUnsafeBytes { pwrite(descriptor, $0.baseAddress!, $0.count, 0) }
    }

    static func read(beside logPath: String) -> (processID: Int32, since: Date)? {
        let path = (logPath as NSString).deletingLastPathComponent + "/" + fileName
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count >= 2, let processID = Int32(fields[0]), let seconds = Double(fields[1]) else { return nil }
        return (processID, Date(timeIntervalSince1970: seconds))
    }
}
