import Glibc

/// What the store does to the disk, one call at a time, as an observer sees it: the only place
/// the fault and power-loss suites stand between the store and the operating system (in the
/// spirit of SQLite's test file layer). Every write, fsync, truncation, rename, link removal,
/// new file and directory fsync of the store goes through `PosixFile`, which reports it here.
public enum FileOperation: Sendable, Equatable {
    /// A new, empty file at `path` (created, or truncated by O_TRUNC).
    case create(path: String)
    case write(path: String, offset: Int, bytes: [UInt8])
    case truncate(path: String, length: Int)
    case sync(path: String)
    case rename(from: String, to: String)
    case unlink(path: String)
    case makeDirectory(path: String)
    case syncDirectory(path: String)
}

/// An answer to an operation about to happen: let it be, or make it fail with `code` after
/// `bytesWritten` of its bytes reached the file (a write cut short by a full disk).
public enum FileFault: Sendable, Equatable {
    case fail(code: Int32, bytesWritten: Int = 0)
}

/// Stands between the store and the disk in the fault and power-loss suites. `before` may fail
/// the operation; `after` is told of each operation that happened, in order.
public protocol FileLayerObserver: AnyObject {
    func before(_ operation: FileOperation) -> FileFault?
    func after(_ operation: FileOperation)
}

public enum FileLayer {
    /// Nil in ordinary use: then the store calls the operating system with nothing between.
    public nonisolated(unsafe) static var observer: (any FileLayerObserver)?

    /// Runs `operation` past the observer: a fault it asks for is raised as `FileError`.
    static func perform(_ operation: @autoclosure () -> FileOperation, path: String, name: String) throws {
        guard let observer else { return }
        if case let .fail(code, _)? = observer.before(operation()) {
            throw FileError(path: path, operation: name, code: code)
        }
    }

    static func happened(_ operation: @autoclosure () -> FileOperation) {
        observer?.after(operation())
    }
}
