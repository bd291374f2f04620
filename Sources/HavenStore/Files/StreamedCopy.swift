import Crypto
import Foundation
import Glibc
import HavenCore

/// Copies and hashes a file a chunk at a time, so a log of many gigabytes costs a few
/// megabytes of memory. It reads through a descriptor opened earlier (never the path again):
/// a log replaced by rename meanwhile (a compaction) is still the file that was opened.
enum StreamedCopy {
    /// Bytes read, hashed and written at a time.
    static let chunkSize = 4 << 20
    /// The copy is fsynced every this many bytes and its pages dropped from the cache, so a
    /// copy of gigabytes neither leaves the disk a burst of dirty pages that would hold up the
    /// live store's fsyncs nor pushes the sessions' pages out of memory.
    static let syncEvery = 64 << 20
    /// How many of the last bytes copied are kept, to compare with what the file held at the cut.
    static let tailCount = 4096

    struct Copied {
        var bytes: Int
        var sha256: String
        /// The last bytes copied (up to `tailCount`).
        var tail: [UInt8]
    }

    /// Copies the first `length` bytes of `source` into a new file at `path` (refused if the
    /// name is taken or is a link), fsynced, hashing them as they pass; `observe` sees each
    /// chunk, `progress` the bytes done so far. A source that ends before `length` is an error:
    /// it was cut back while it was copied.
    static func copy(from source: PosixFile, length: Int, to path: String, mode: mode_t, group: gid_t? = nil,
                     observe: ((ArraySlice<UInt8>) -> Void)? = nil, progress: (Int) -> Void) throws -> Copied {
        let target = try PosixFile(path: path, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: mode)
        if let group, fchown(target.descriptor, getuid(), group) != 0 {
            throw FileError(path: path, operation: "chown", code: errno)
        }
        posix_fadvise(source.descriptor, 0, off_t(length), POSIX_FADV_SEQUENTIAL)
        var hasher = SHA256()
        var done = 0
        var synced = 0
        var tail: [UInt8] = []
        while done < length {
            let chunk = try source.read(at: done, count: min(chunkSize, length - done))
            guard !chunk.isEmpty else { throw StreamedCopy.shrank(source.path, at: done, expected: length) }
            hasher.update(data: chunk)
            observe?(chunk[...])
            try target.write(chunk)
            done += chunk.count
            tail = chunk.count >= tailCount ? Array(chunk.suffix(tailCount)) : Array((tail + chunk).suffix(tailCount))
            if done - synced >= syncEvery {
                try target.sync()
                posix_fadvise(target.descriptor, off_t(synced), off_t(done - synced), POSIX_FADV_DONTNEED)
                synced = done
            }
            progress(done)
        }
        try target.sync()
        posix_fadvise(target.descriptor, 0, 0, POSIX_FADV_DONTNEED)
        return Copied(bytes: done, sha256: hex(hasher.finalize()), tail: tail)
    }

    /// The SHA-256 of a whole file, read a chunk at a time, and its length.
    static func sha256(of file: PosixFile, progress: (Int) -> Void) throws -> (bytes: Int, sha256: String) {
        var hasher = SHA256()
        var done = 0
        while true {
            let chunk = try file.read(at: done, count: chunkSize)
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
            done += chunk.count
            progress(done)
        }
        return (done, hex(hasher.finalize()))
    }

    static func sha256(of bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func shrank(_ path: String, at offset: Int, expected length: Int) -> StoreError {
        .unavailable("\(path) ended at byte \(offset), before the \(length) bytes it held when the copy began: it was cut back meanwhile (a repair of its last lines); take the backup again")
    }
}
