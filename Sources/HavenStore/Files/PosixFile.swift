import Foundation
import Glibc

/// An error from the operating system, with the path and the call that failed.
public struct FileError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let code: Int32

    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    public var description: String {
        "\(path): \(operation) failed: \(String(cString: strerror(code)))"
    }
}

/// An open file descriptor with the few operations the store needs, each checked. Foundation's
/// FileHandle neither fsyncs directories nor takes flock locks, so this is plain POSIX. Every
/// call that changes the disk is reported to `FileLayer` (the fault and power-loss suites).
final class PosixFile {
    let path: String
    let descriptor: Int32
    /// Opened O_RDONLY: the store is on a read-only file system (or opened only to read).
    let isReadOnly: Bool

    /// Opens `path` with `flags`; new files get `mode` exactly (the umask is undone by fchmod).
    init(path: String, flags: Int32, mode: mode_t = 0o600) throws {
        self.path = path
        let creating = flags & O_CREAT != 0 || flags & O_TRUNC != 0
        if creating { try FileLayer.perform(.create(path: path), path: path, name: "open") }
        let existed = creating && access(path, F_OK) == 0
        let fd = open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileError(path: path, operation: "open", code: errno) }
        descriptor = fd
        isReadOnly = flags & O_ACCMODE == O_RDONLY
        if creating, !existed || flags & O_TRUNC != 0 { FileLayer.happened(.create(path: path)) }
        if flags & O_CREAT != 0 { try setMode(mode) }
    }

    deinit { close(descriptor) }

    func setMode(_ mode: mode_t) throws {
        guard fchmod(descriptor, mode) == 0 else { throw FileError(path: path, operation: "fchmod", code: errno) }
    }

    func status() throws -> stat {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileError(path: path, operation: "fstat", code: errno) }
        return info
    }

    var size: Int { (try? status()).map { Int($0.st_size) } ?? 0 }

    /// Writes every byte (retrying short writes), then fsyncs: durable when this returns.
    func writeDurably(_ bytes: [UInt8]) throws {
        try write(bytes)
        try sync()
    }

    /// Writes every byte at the end (the store's files are opened O_APPEND) or, for a new file,
    /// from the start. A write that fails may have written part of `bytes`: the caller cuts it.
    func write(_ bytes: [UInt8]) throws {
        let offset = FileLayer.observer == nil ? 0 : size
        var written = 0
        if case let .fail(code, partial)? = FileLayer.observer?.before(.write(path: path, offset: offset, bytes: bytes)) {
            let cut = min(partial, bytes.count)
            if cut > 0 { _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress!, cut) } }
            if cut > 0 { FileLayer.happened(.write(path: path, offset: offset, bytes: Array(bytes[0..<cut]))) }
            throw FileError(path: path, operation: "write", code: code)
        }
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                let code = errno
                if written > 0 { FileLayer.happened(.write(path: path, offset: offset, bytes: Array(bytes[0..<written]))) }
                throw FileError(path: path, operation: "write", code: code)
            }
            written += result
        }
        FileLayer.happened(.write(path: path, offset: offset, bytes: bytes))
    }

    func sync() throws {
        try FileLayer.perform(.sync(path: path), path: path, name: "fsync")
        guard fsync(descriptor) == 0 else { throw FileError(path: path, operation: "fsync", code: errno) }
        FileLayer.happened(.sync(path: path))
    }

    /// Asks the kernel to start writing `count` bytes at `offset` to the disk, and, with
    /// `waiting`, waits until they are written: Linux's `sync_file_range` (found at run time;
    /// Swift's Glibc module leaves it out). It promises nothing about durability (no metadata,
    /// no cache flush): it only keeps a long copy from piling up hundreds of megabytes of dirty
    /// pages, which the final fsync would write at once while every save's fsync queued behind
    /// it. Where it is missing this does nothing.
    func writeBack(from offset: Int, count: Int, waiting: Bool) {
        guard let call = Self.syncFileRange, count > 0 else { return }
        let write: UInt32 = 2, waitBefore: UInt32 = 1, waitAfter: UInt32 = 4 // SYNC_FILE_RANGE_*
        _ = call(descriptor, Int64(offset), Int64(count), waiting ? waitBefore | write | waitAfter : write)
    }

    private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
    private static let syncFileRange: SyncFileRange? = dlsym(nil, "sync_file_range").map { unsafeBitCast($0, to: SyncFileRange.self) }

    /// Reads `count` bytes at `offset` (fewer at the end of the file), into a buffer that is
    /// not zeroed first: the store's log can be hundreds of megabytes.
    func read(at offset: Int, count: Int) throws -> [UInt8] {
        guard count > 0 else { return [] }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: max(0, count)) { buffer, initialized in
            (initialized, failure) = readFully(into: UnsafeMutableRawPointer(buffer.baseAddress!), count: count, at: offset)
        }
        guard failure == 0 else { throw FileError(path: path, operation: "read", code: failure) }
        return bytes
    }

    /// pread until `count` bytes are read, the file ends or it fails: how many, and errno (0).
    private func readFully(into pointer: UnsafeMutableRawPointer, count: Int, at offset: Int) -> (done: Int, failure: Int32) {
        var done = 0
        while done < count {
            let result = pread(descriptor, pointer + done, count - done, off_t(offset + done))
            if result < 0 {
                if errno == EINTR { continue }
                return (done, errno)
            }
            if result == 0 { break }
            done += result
        }
        return (done, 0)
    }

    /// Reads `count` bytes at `offset` into `buffer` from index `start` (fewer at the end of
    /// the file), growing the buffer when it is too short; how many were read. The check reads
    /// gigabytes through a few such buffers rather than a new one a chunk.
    func read(at offset: Int, count: Int, into buffer: inout [UInt8], at start: Int) throws -> Int {
        guard count > 0 else { return 0 }
        if buffer.count < start + count { buffer += repeatElement(0, count: start + count - buffer.count) }
        var failure: Int32 = 0
        var done = 0
        buffer.withUnsafeMutableBytes { raw in
            (done, failure) = readFully(into: raw.baseAddress! + start, count: count, at: offset)
        }
        guard failure == 0 else { throw FileError(path: path, operation: "read", code: failure) }
        return done
    }

    func truncate(to length: Int) throws {
        try FileLayer.perform(.truncate(path: path, length: length), path: path, name: "ftruncate")
        guard ftruncate(descriptor, off_t(length)) == 0 else { throw FileError(path: path, operation: "ftruncate", code: errno) }
        FileLayer.happened(.truncate(path: path, length: length))
    }

    /// Cuts back what a failed write may have left after `length`, and makes the cut durable.
    /// Best effort: when even that fails the next writer finds the fragment and sets it aside.
    func cutBack(to length: Int) {
        guard size > length else { return }
        try? truncate(to: length)
        try? sync()
    }

    enum LockKind { case shared, exclusive }

    /// Takes an advisory lock on the whole file, waiting for it as `LockWait` says: after a
    /// moment `waiting` is told who holds it; past the limit the wait ends in
    /// `StoreError.unavailable` naming the holder.
    ///
    /// The wait is a blocked `flock`, which the kernel ends the moment the lock is let go, with
    /// an alarm (`LockAlarm`) to end it at the patience and the limit. Polling with naps lost
    /// the lock again and again to sessions saving in a loop: at a compaction's swap a save
    /// waited 550 ms for a lock no one held more than 2 ms at a time (docs/performance.md).
    func lock(_ kind: LockKind, wait: LockWait = .standard) throws {
        let operation = kind == .shared ? LOCK_SH : LOCK_EX
        if flock(descriptor, operation | LOCK_NB) == 0 { return }
        guard errno == EWOULDBLOCK || errno == EINTR else { throw FileError(path: path, operation: "flock", code: errno) }
        // Measured on the monotonic clock: a wall clock set back would stretch the wait.
        let started = DispatchTime.now().uptimeNanoseconds
        var told = false
        while true {
            let waited = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            if waited >= wait.limit {
                // No one is told about an attempt that was never meant to wait (a refresh).
                throw LockTimeout(path: path, holders: wait.limit > 0 ? LockHolder.holders(of: self) : [], waited: waited)
            }
            if !told, waited >= wait.patience {
                told = true
                wait.waiting?(LockHolder.describe(LockHolder.holders(of: self), path: path))
            }
            let until = told ? wait.limit : min(wait.patience, wait.limit)
            guard let result = LockAlarm.interrupting(after: until - waited, { flock(descriptor, operation) }) else {
                // No timer to be had: tried without blocking, a millisecond apart.
                usleep(1_000)
                if flock(descriptor, operation | LOCK_NB) == 0 { return }
                guard errno == EWOULDBLOCK || errno == EINTR else { throw FileError(path: path, operation: "flock", code: errno) }
                continue
            }
            if result == 0 { return }
            guard errno == EINTR else { throw FileError(path: path, operation: "flock", code: errno) }
        }
    }

    func unlock() {
        flock(descriptor, LOCK_UN)
    }

    /// Runs `body` holding the lock.
    func withLock<T>(_ kind: LockKind, wait: LockWait = .standard, _ body: () throws -> T) throws -> T {
        try lock(kind, wait: wait)
        defer { unlock() }
        return try body()
    }

    /// Makes a rename or a new file in `directory` durable: fsync the directory itself.
    static func syncDirectory(_ directory: String) throws {
        try FileLayer.perform(.syncDirectory(path: directory), path: directory, name: "fsync")
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: directory, operation: "open", code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileError(path: directory, operation: "fsync", code: errno) }
        FileLayer.happened(.syncDirectory(path: directory))
    }

    static func rename(_ from: String, to: String) throws {
        try FileLayer.perform(.rename(from: from, to: to), path: to, name: "rename")
        guard Glibc.rename(from, to) == 0 else { throw FileError(path: to, operation: "rename", code: errno) }
        FileLayer.happened(.rename(from: from, to: to))
    }

    /// Removes a name; true when there was one to remove.
    @discardableResult
    static func unlink(_ path: String) -> Bool {
        guard Glibc.unlink(path) == 0 else { return false }
        FileLayer.happened(.unlink(path: path))
        return true
    }

    /// Makes a directory (true), or finds one there already (false).
    @discardableResult
    static func makeDirectory(_ path: String, mode: mode_t) throws -> Bool {
        try FileLayer.perform(.makeDirectory(path: path), path: path, name: "mkdir")
        if mkdir(path, mode) == 0 {
            FileLayer.happened(.makeDirectory(path: path))
            return true
        }
        guard errno == EEXIST else { throw FileError(path: path, operation: "mkdir", code: errno) }
        return false
    }

    /// A name beside `path` no other process or call will choose: `path.tmp-PID-RANDOM`.
    static func temporaryName(beside path: String) -> String {
        "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Writes a whole file beside `path`, fsyncs it, renames it over `path`, fsyncs the
    /// directory. On any failure the file beside is removed: nothing is left behind.
    static func replaceDurably(_ path: String, with bytes: [UInt8], mode: mode_t, group: gid_t? = nil) throws {
        let temporary = temporaryName(beside: path)
        do {
            let file = try PosixFile(path: temporary, flags: O_WRONLY | O_CREAT | O_EXCL, mode: mode)
            if let group { fchown(file.descriptor, getuid(), group) }
            try file.writeDurably(bytes)
            try rename(temporary, to: path)
        } catch {
            unlink(temporary)
            throw error
        }
        try syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// The whole file's bytes.
    func readAll() throws -> [UInt8] {
        try read(at: 0, count: size)
    }
}
