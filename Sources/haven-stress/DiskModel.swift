import Foundation
import HavenStore

/// A model of what a disk keeps through a power cut, fed by the store's file layer: in the
/// spirit of SQLite's crash-test file layer. It follows every write, truncation, fsync,
/// rename, unlink and directory fsync the store makes, and for a cut at any moment it makes
/// one state the disk could come back in:
///
/// - a file keeps what its last fsync made durable, plus a random prefix of the writes and
///   truncations after it, the last of which may be torn at a 512-byte sector boundary;
/// - a directory keeps the names its last fsync made durable, plus any subset, in order, of
///   the creations, renames and removals after it (unsynced metadata may be reordered).
///
/// Directories themselves are taken as kept once made (the store fsyncs a new directory's
/// parent before it relies on it).
final class DiskModel: FileLayerObserver {
    enum Change {
        case write(offset: Int, bytes: [UInt8])
        case truncate(length: Int)
    }

    struct File {
        var durable: [UInt8]
        var current: [UInt8]
        var unsynced: [Change] = []
    }

    enum NameChange {
        case link(name: String, file: Int)
        case unlink(name: String)
    }

    private(set) var files: [Int: File] = [:]
    /// Path to file, as the running system sees it.
    private(set) var names: [String: Int] = [:]
    /// Directory to its durable names.
    private var durableNames: [String: [String: Int]] = [:]
    private var unsyncedNames: [String: [NameChange]] = [:]
    /// How many operations have happened: a cut is "after operation N".
    private(set) var operations = 0

    /// Starts from the files under `root` as they are, every byte and name durable.
    init(root: String) {
        for name in FileManager.default.subpaths(atPath: root) ?? [] {
            let path = "\(root)/\(name)"
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let data = FileManager.default.contents(atPath: path) else { continue }
            let id = files.count
            files[id] = File(durable: Array(data), current: Array(data))
            names[path] = id
            durableNames[Self.parent(of: path), default: [:]][path] = id
        }
    }

    static func parent(of path: String) -> String { (path as NSString).deletingLastPathComponent }

    func before(_ operation: FileOperation) -> FileFault? { nil }

    func after(_ operation: FileOperation) {
        operations += 1
        switch operation {
        case let .create(path):
            if let id = names[path] {
                change(id, .truncate(length: 0))
            } else {
                let id = (files.keys.max() ?? -1) + 1
                files[id] = File(durable: [], current: [])
                names[path] = id
                unsyncedNames[Self.parent(of: path), default: []].append(.link(name: path, file: id))
            }
        case let .write(path, offset, bytes):
            if let id = names[path] { change(id, .write(offset: offset, bytes: bytes)) }
        case let .truncate(path, length):
            if let id = names[path] { change(id, .truncate(length: length)) }
        case let .sync(path):
            if let id = names[path] {
                files[id]!.durable = files[id]!.current
                files[id]!.unsynced = []
            }
        case let .rename(from, to):
            guard let id = names.removeValue(forKey: from) else { return }
            names[to] = id
            unsyncedNames[Self.parent(of: to), default: []] += [.link(name: to, file: id), .unlink(name: from)]
        case let .unlink(path):
            guard names.removeValue(forKey: path) != nil else { return }
            unsyncedNames[Self.parent(of: path), default: []].append(.unlink(name: path))
        case .makeDirectory:
            break
        case let .syncDirectory(path):
            durableNames[path] = names.filter { Self.parent(of: $0.key) == path }
            unsyncedNames[path] = []
        }
    }

    private func change(_ id: Int, _ change: Change) {
        files[id]!.unsynced.append(change)
        Self.apply(change, to: &files[id]!.current)
    }

    static func apply(_ change: Change, to bytes: inout [UInt8]) {
        switch change {
        case let .write(offset, written):
            if bytes.count < offset { bytes += [UInt8](repeating: 0, count: offset - bytes.count) }
            let overlap = min(written.count, bytes.count - offset)
            bytes.replaceSubrange(offset..<(offset + overlap), with: written[0..<overlap])
            bytes += written[overlap...]
        case let .truncate(length):
            if bytes.count > length { bytes.removeLast(bytes.count - length) } else { bytes += [UInt8](repeating: 0, count: length - bytes.count) }
        }
    }

    /// A copy of the model at this moment, to cut later (the running store goes on).
    func snapshot() -> Snapshot {
        Snapshot(files: files, durableNames: durableNames, unsyncedNames: unsyncedNames, operations: operations)
    }

    struct Snapshot {
        let files: [Int: File]
        let durableNames: [String: [String: Int]]
        let unsyncedNames: [String: [NameChange]]
        let operations: Int

        /// Writes one state the disk could come back in under `root` (in place of `from`).
        /// Returns how many unsynced writes were dropped or torn.
        @discardableResult
        func materialize(replacing from: String, with root: String, random: inout some RandomNumberGenerator) throws -> (dropped: Int, torn: Int) {
            var dropped = 0, torn = 0
            var kept: [String: Int] = [:]
            for (directory, durable) in durableNames { _ = directory; kept.merge(durable) { _, new in new } }
            for (_, changes) in unsyncedNames {
                for change in changes where Bool.random(using: &random) {
                    switch change {
                    case let .link(name, file): kept[name] = file
                    case let .unlink(name): kept[name] = nil
                    }
                }
            }
            for (path, id) in kept {
                guard let file = files[id] else { continue }
                var bytes = file.durable
                let applied = file.unsynced.isEmpty ? 0 : Int.random(in: 0...file.unsynced.count, using: &random)
                dropped += file.unsynced.count - applied
                for (index, change) in file.unsynced.prefix(applied).enumerated() {
                    if index == applied - 1, case let .write(offset, written) = change, written.count > 1, Bool.random(using: &random) {
                        // Torn: only the sectors up to a boundary inside the write reached the disk.
                        let end = offset + written.count
                        let boundaries = stride(from: (offset / 512 + 1) * 512, to: end, by: 512).map { $0 }
                        if let cut = boundaries.randomElement(using: &random) {
                            DiskModel.apply(.write(offset: offset, bytes: Array(written[0..<(cut - offset)])), to: &bytes)
                            torn += 1
                            continue
                        }
                    }
                    DiskModel.apply(change, to: &bytes)
                }
                let target = root + path.dropFirst(from.count)
                try FileManager.default.createDirectory(atPath: DiskModel.parent(of: target), withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
                FileManager.default.createFile(atPath: target, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
            }
            return (dropped, torn)
        }
    }
}
