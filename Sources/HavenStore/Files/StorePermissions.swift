import Glibc
import HavenCore

/// The store holds data that can get people killed: no other user on the server may read it.
enum StorePermissions {
    /// Refuses a store this account may not enter, saying so (not "there is no store").
    static func checkReadable(_ path: String) throws {
        guard access(path, R_OK | X_OK) != 0, errno == EACCES else { return }
        var info = stat()
        guard stat(path, &info) == 0 else { throw StoreError.forbidden("\(path): permission denied: your account may not read this store") }
        let group = getgrgid(info.st_gid).map { String(cString: $0.pointee.gr_name) }
        let owner = getpwuid(info.st_uid).map { String(cString: $0.pointee.pw_name) }
        throw StoreError.forbidden("\(path): permission denied: your account may not read this store; "
            + advice(mode: info.st_mode, group: group, owner: owner))
    }

    /// What to do about a store this account may not read: join its group when it is shared
    /// with one (its folder open to the group), else it is its owner's alone, and joining the
    /// group it happens to have (often the owner's own, or root) would not help.
    static func advice(mode: mode_t, group: String?, owner: String?) -> String {
        if mode & 0o050 == 0o050, let group {
            return "an administrator can add you to its group '\(group)' (then log in again)"
        }
        return "it is \(owner.map { "\($0)'s" } ?? "its owner's") alone (shared with no group); a store for several accounts is made "
            + "with 'haven init --group NAME', and an administrator adds each account to that group"
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
