import Foundation
import Glibc
import HavenStore

/// The files Haven writes for people (exports, reports, stories) and reads from them
/// (imports): written owner-only, only as a new file (never over one, never through a link),
/// never inside a store; read only when a regular file (never a pipe or a device).
enum ReportFile {
    /// Writes to standard output, every byte or a clear failure (a full disk behind `>`, a
    /// closed pipe): never a crash, never a half export that looks whole.
    static func writeToStandardOutput(_ bytes: [UInt8], what: String, encryptingTo recipients: [AgeEncryption.Recipient] = []) throws {
        let stream = Stream(standardOutputFor: what)
        try stream.encrypt(to: recipients)
        try stream.write(bytes)
        try stream.finish()
    }

    /// Writes every byte (retrying short writes and interruptions): how many were written, and
    /// the error that stopped it, if one did.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> (written: Int, failure: Int32?) {
        var written = 0
        let failure: Int32? = bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let result = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 { if errno == EINTR { continue }; return errno }
                written += result
            }
            return nil
        }
        return (written, failure)
    }

    static func write(_ text: String, to path: String, store: URL? = nil, encryptingTo recipients: [AgeEncryption.Recipient] = []) throws {
        try write(Array(text.utf8), to: path, store: store, encryptingTo: recipients)
    }

    static func write(_ bytes: [UInt8], to path: String, store: URL? = nil, encryptingTo recipients: [AgeEncryption.Recipient] = []) throws {
        let stream = try Stream(creating: path, store: store)
        do {
            try stream.encrypt(to: recipients)
            try stream.write(bytes)
            try stream.finish()
        } catch {
            stream.abandon()
            throw error
        }
    }

    /// A file written a piece at a time (a whole-store export is written as it is read), or
    /// standard output. A new file is created as `write(_:to:store:)` creates one; when a piece
    /// cannot be written, or `abandon` is called, it is removed, so a half export never looks whole.
    final class Stream {
        let path: String?
        let what: String
        private var descriptor: Int32
        private(set) var written = 0
        /// Set by `encrypt(to:)`: every byte after it goes out encrypted (age).
        private var encryptor: AgeEncryption.Encryptor?

        /// A new file at `path` (never over one, never through a link, never inside `store`).
        init(creating path: String, store: URL? = nil, what: String = "the file") throws {
            let parent = (path as NSString).deletingLastPathComponent
            if let store, let inside = realpath(parent.isEmpty ? "." : parent, nil), let storePath = realpath(store.path, nil) {
                defer { free(inside); free(storePath) }
                let folder = String(cString: inside), root = String(cString: storePath)
                if folder == root || folder.hasPrefix(root + "/") {
                    throw HavenFailure("\(path) is inside the store \(store.path); write exports and reports elsewhere.")
                }
            }
            // O_EXCL with O_CREAT refuses any existing name, a symbolic link (even a dangling one)
            // included, so nothing is written over and no link leads the file elsewhere.
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                let code = errno
                switch code {
                case EEXIST: throw HavenFailure("\(path) already exists; Haven does not write over files. Choose another name.")
                case ENOENT, ENOTDIR: throw HavenFailure("\(path): cannot be written: its folder does not exist.")
                default: throw HavenFailure("\(path): cannot be written: \(String(cString: strerror(code))).")
                }
            }
            self.path = path
            self.what = what
            self.descriptor = descriptor
        }

        /// Standard output; `what` names what is written in a failure ("the export").
        init(standardOutputFor what: String) {
            path = nil
            self.what = what
            descriptor = STDOUT_FILENO
        }

        /// From here on, what is written is encrypted to `recipients` (none: written as it is).
        func encrypt(to recipients: [AgeEncryption.Recipient]) throws {
            guard !recipients.isEmpty, encryptor == nil else { return }
            let made = try AgeEncryption.Encryptor(to: recipients)
            try writeOut(made.header)
            encryptor = made
        }

        func write(_ bytes: [UInt8]) throws {
            if encryptor != nil {
                let sealed: [UInt8]
                do { sealed = try encryptor!.update(bytes) } catch { throw HavenFailure("\(what) could not be encrypted: \(error)") }
                try writeOut(sealed)
            } else {
                try writeOut(bytes)
            }
        }

        private func writeOut(_ bytes: [UInt8]) throws {
            let (count, failure) = writeAll(bytes, to: descriptor)
            written += count
            if let failure { try fail(failure) }
        }

        /// Writes the last encrypted chunk, then makes a file durable and closes it.
        func finish() throws {
            if encryptor != nil {
                let last: [UInt8]
                do { last = try encryptor!.finish() } catch { throw HavenFailure("\(what) could not be encrypted: \(error)") }
                encryptor = nil
                try writeOut(last)
            }
            guard path != nil else { return }
            if fsync(descriptor) != 0 { try fail(errno) }
            close(descriptor)
            descriptor = -1
        }

        /// Removes a file written in part (when what was to be written cannot be had whole).
        func abandon() {
            guard let path, descriptor >= 0 else { return }
            close(descriptor)
            descriptor = -1
            unlink(path)
        }

        private func fail(_ code: Int32) throws -> Never {
            guard let path else {
                throw HavenFailure("standard output: \(what) could not be written whole (\(written) bytes written): \(String(cString: strerror(code))). Whatever received it is incomplete; write it again with --output to a disk with room.")
            }
            abandon()
            throw HavenFailure("\(path): cannot be written: \(String(cString: strerror(code))); nothing was left there.")
        }

        deinit { if descriptor >= 0, path != nil { close(descriptor) } }
    }

    /// A regular file's bytes; a directory, pipe or device (a link to /dev/zero) is refused by
    /// name. The file is opened first and what was opened is checked (never the name, then a
    /// second open that a swapped path could turn into a pipe that never ends).
    static func read(_ path: String) throws -> Data {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw HavenFailure("\(path): cannot be read: \(String(cString: strerror(errno)))") }
        let file = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw HavenFailure("\(path): cannot be read: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw HavenFailure("\(path): not a regular file (a directory, pipe or device); give the path of a file")
        }
        do {
            return try file.readToEnd() ?? Data()
        } catch {
            throw HavenFailure("\(path): cannot be read: \(error.localizedDescription)")
        }
    }
}
