import Foundation
import Glibc

/// An error from the operating system, with the path and the call that failed.
public struct FileError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let code: Int32

    public var description: String {
        "\(path): \(operation) failed: \(String(cString: strerror(code)))"
    }
}

/// An open file descriptor with the few operations the store needs, each checked. Foundation's
/// FileHandle neither fsyncs directories nor takes flock locks, so this is plain POSIX.
final class PosixFile {
    let path: String
    let descriptor: Int32

    /// Opens `path` with `flags`; new files get `mode` exactly (the umask is undone by fchmod).
    init(path: String, flags: Int32, mode: mode_t = 0o600) throws {
        self.path = path
        let fd = open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileError(path: path, operation: "open", code: errno) }
        descriptor = fd
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

    func write(_ bytes: [UInt8]) throws {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "write", code: errno)
            }
            written += result
        }
    }

    func sync() throws {
        guard fsync(descriptor) == 0 else { throw FileError(path: path, operation: "fsync", code: errno) }
    }

    /// Reads `count` bytes at `offset` (fewer at the end of the file), into a buffer that is
    /// not zeroed first: the store's log can be hundreds of megabytes.
    func read(at offset: Int, count: Int) throws -> [UInt8] {
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: max(0, count)) { buffer, initialized in
            var done = 0
            while done < count {
                let result = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if result == 0 { break }
                done += result
            }
            initialized = done
        }
        guard failure == 0 else { throw FileError(path: path, operation: "read", code: failure) }
        return bytes
    }

    func truncate(to length: Int) throws {
        guard ftruncate(descriptor, off_t(length)) == 0 else { throw FileError(path: path, operation: "ftruncate", code: errno) }
    }

    enum LockKind { case shared, exclusive }

    /// Takes an advisory lock on the whole file, waiting for it.
    func lock(_ kind: LockKind) throws {
        while flock(descriptor, kind == .shared ? LOCK_SH : LOCK_EX) != 0 {
            if errno == EINTR { continue }
            throw FileError(path: path, operation: "flock", code: errno)
        }
    }

    func unlock() {
        flock(descriptor, LOCK_UN)
    }

    /// Runs `body` holding the lock.
    func withLock<T>(_ kind: LockKind, _ body: () throws -> T) throws -> T {
        try lock(kind)
        defer { unlock() }
        return try body()
    }

    /// Makes a rename or a new file in `directory` durable: fsync the directory itself.
    static func syncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError(path: directory, operation: "open", code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileError(path: directory, operation: "fsync", code: errno) }
    }

    /// Writes a whole file beside `path`, fsyncs it, renames it over `path`, fsyncs the directory.
    static func replaceDurably(_ path: String, with bytes: [UInt8], mode: mode_t) throws {
        let temporary = path + ".tmp-\(getpid())"
        do {
            let file = try PosixFile(path: temporary, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: mode)
            try file.writeDurably(bytes)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileError(path: path, operation: "rename", code: code)
        }
        try syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// The whole file's bytes.
    func readAll() throws -> [UInt8] {
        try read(at: 0, count: size)
    }
}
