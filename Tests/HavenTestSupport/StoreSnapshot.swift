import Foundation
import Glibc

/// Every regular file under a store directory (drafts and quarantine included), by path
/// relative to it, with its bytes: what the suites compare to show that something refused,
/// or someone allowed to change nothing, left the store byte for byte as it was. `lock-holder`
/// is left out: a writer notes there who holds the lock (a hint for waiting sessions, never data).
public enum StoreSnapshot {
    public static func files(under directory: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let base = directory.path
        for name in FileManager.default.subpaths(atPath: base) ?? [] {
            var info = stat()
            guard name != "lock-holder", lstat("\(base)/\(name)", &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            files[name] = FileManager.default.contents(atPath: "\(base)/\(name)")
        }
        return files
    }
}
