import Glibc
import HavenCore

/// The store holds data that can get people killed: no other user on the server may read it.
enum StorePermissions {
    /// Refuses a store this account may not enter, saying so (not "there is no store").
    static func checkReadable(_ path: String) throws {
        guard access(path, R_OK | X_OK) != 0, errno == EACCES else { return }
        var info = stat()
        let group = stat(path, &info) == 0 ? getgrgid(info.st_gid).map { String(cString: $0.pointee.gr_name) } : nil
        throw StoreError.forbidden("\(path): permission denied: your account may not read this store"
            + (group.map { "; an administrator can add you to its group '\($0)' (then log in again)" } ?? ""))
    }

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
