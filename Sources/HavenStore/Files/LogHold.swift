import Foundation
import Glibc

/// Who still reads a log a compaction has replaced, and freeing it gently once no one does.
///
/// The last close of a replaced log frees its blocks, and on ext4 freeing 1.5 GB at once takes
/// 0.7 s, during which every other session's fsync waits up to 0.15 s: at a compaction's swap,
/// with eight sessions queued to save, that alone kept a save waiting over a second
/// (docs/performance.md). So every opening of the log for reading or writing *holds* it: a
/// shared open-file-description lock (`F_OFD_SETLK`) on one byte far past any end, which the
/// kernel lets go when that opening is closed, and which never meets the store's `flock`. The
/// compacting process keeps the old log open after the swap; once it can take that byte
/// exclusively, no one else has the old log open, and it cuts it down a few tens of megabytes
/// at a time with pauses between, so the freeing is spread out, then closes it.
extension PosixFile {
    /// The byte the holds are on: far past the end of any log.
    static let holdByte: Int = 1 << 62
    // Linux's open-file-description locks (fcntl.h, with _GNU_SOURCE, which Swift's Glibc lacks).
    private static let setLockOFD: Int32 = 37 // F_OFD_SETLK
    private static let setLockOFDWaiting: Int32 = 38 // F_OFD_SETLKW

    private func lockHoldByte(_ type: Int32, waiting: Bool = false) -> Bool {
        var lock = Glibc.flock()
        lock.l_type = Int16(type)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = off_t(Self.holdByte)
        lock.l_len = 1
        lock.l_pid = 0
        let command = waiting ? Self.setLockOFDWaiting : Self.setLockOFD
        return withUnsafeMutablePointer(to: &lock) { fcntl(descriptor, command, UnsafeMutableRawPointer($0)) } == 0
    }

    /// Marks this opening of a log as one that reads it (best effort: without it, a compaction
    /// that replaced the log only waits its time out and leaves the freeing to the last close).
    /// Waits (microseconds) while a compaction looks whether anyone holds the file.
    func holdAsLog() {
        for _ in 0..<3 where lockHoldByte(Int32(F_RDLCK), waiting: true) { return }
    }

    /// Whether some other opening still holds this file (`holdAsLog`). Needs this opening to be
    /// able to write (the exclusive probe); a read-only one always answers yes.
    func isHeldByOthers() -> Bool {
        guard lockHoldByte(Int32(F_WRLCK)) else { return true }
        _ = lockHoldByte(Int32(F_RDLCK))
        return false
    }

    /// Opens a log (the case log or the audit trail) and holds it, and makes sure that what it
    /// holds is still the file at `path`: a log opened just before a compaction renamed another
    /// over it, and held only after the compaction looked for holders, might be cut while read.
    /// A file replaced meanwhile is opened again.
    static func openLog(_ path: String, flags: Int32) throws -> PosixFile {
        var file = try PosixFile(path: path, flags: flags)
        for _ in 0..<10 {
            file.holdAsLog()
            var atPath = stat()
            let held = try file.status()
            guard stat(path, &atPath) == 0, atPath.st_ino != held.st_ino || atPath.st_dev != held.st_dev else { return file }
            file = try PosixFile(path: path, flags: flags)
        }
        return file
    }
}

extension FileCaseStore {
    /// Seconds a compaction waits after its swap for every session to let go of the old log
    /// before it frees the old log gently; past it, the old log is freed by its last close.
    public nonisolated(unsafe) static var retireWait = 10.0
    /// How much of a retired log is cut off at a time, and the pause between cuts.
    nonisolated(unsafe) static var retireStep = 32 << 20
    nonisolated(unsafe) static var retirePause: useconds_t = 10_000

    /// Waits until no other opening holds `old` (a log renamed over), then frees its blocks a
    /// step at a time. Returns whether it did (false: someone still held it at the limit, and
    /// the last of them to close it frees it). `old` is no longer at any path: these cuts
    /// bypass `FileLayer`, which knows files by path and would apply them to the new log.
    static func retire(_ old: PosixFile, waiting limit: Double = retireWait) -> Bool {
        let started = DispatchTime.now().uptimeNanoseconds
        var pause: useconds_t = 1_000
        while old.isHeldByOthers() {
            guard Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 < limit else { return false }
            usleep(pause)
            pause = min(pause * 2, 50_000)
        }
        var info = stat()
        guard fstat(old.descriptor, &info) == 0, info.st_nlink == 0 else { return false } // never a file at a path
        var length = Int(info.st_size)
        while length > 0 {
            // Looked at again before every cut: a holder that turns up stops it.
            guard !old.isHeldByOthers() else { return false }
            length = max(0, length - retireStep)
            guard ftruncate(old.descriptor, off_t(length)) == 0 else { return false }
            if length > 0 { usleep(retirePause) }
        }
        return true
    }
}
