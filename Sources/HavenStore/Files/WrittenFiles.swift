import Glibc

/// What a backup or a restore has written so far, so a failure can take it all away again.
struct WrittenFiles {
    var files: [String] = []
    var directories: [String] = []
    var madeDirectory = false

    /// A new file holding `bytes`, fsynced.
    mutating func writeNew(_ path: String, bytes: [UInt8], mode: mode_t, group: gid_t? = nil) throws {
        files.append(path)
        let file = try PosixFile(path: path, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: mode)
        if let group, fchown(file.descriptor, getuid(), group) != 0 { throw FileError(path: path, operation: "chown", code: errno) }
        try file.writeDurably(bytes)
    }

    mutating func makeDirectory(_ path: String, mode: mode_t = 0o700, group: gid_t? = nil) throws {
        guard mkdir(path, 0o700) == 0 else { throw FileError(path: path, operation: "mkdir", code: errno) }
        directories.append(path)
        if let group, chown(path, getuid(), group) != 0 { throw FileError(path: path, operation: "chown", code: errno) }
        guard chmod(path, mode) == 0 else { throw FileError(path: path, operation: "chmod", code: errno) }
    }

    /// Removes what was written, and `top` too when it was made here.
    func remove(keeping top: String) {
        for file in files.reversed() { unlink(file) }
        for directory in directories.reversed() { rmdir(directory) }
        if madeDirectory { rmdir(top) }
    }
}
