import Glibc
import HavenCore

/// The store holds data that can get people killed: no other user on the server may read it.
enum StorePermissions {
    /// Refuses a path that every user could read or write, naming the fix.
    static func checkNotWorldAccessible(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw FileError(path: path, operation: "stat", code: errno) }
        if info.st_mode & S_IFMT == S_IFLNK {
            throw StoreError.forbidden("\(path) is a symbolic link; a store's files must be plain files inside the store")
        }
        let mode = info.st_mode & 0o7777
        guard mode & 0o007 != 0 else { return }
        let isDirectory = info.st_mode & S_IFMT == S_IFDIR
        let fix = isDirectory ? "chmod 700 \(path)   (or chmod 2770 for a store shared by a group)"
            : "chmod 600 \(path)   (or chmod 660 in a group store)"
        throw StoreError.forbidden("\(path) can be \(mode & 0o002 != 0 ? "written" : "read") by every user on this machine (mode \(String(mode, radix: 8))). Haven will not open it. Fix it with: \(fix)")
    }
}
