import Foundation
import Glibc
import HavenCore

/// A backup refused: what does not verify, so nothing was restored.
public struct BackupRefused: Error, CustomStringConvertible {
    public let backup: String
    public let problems: [StoreProblem]

    public var description: String {
        let damaged = problems.filter { $0.severity == .damaged }
        return "\(backup) is not a sound backup, so nothing was restored (\(damaged.count) problem\(damaged.count == 1 ? "" : "s")):\n"
            + damaged.map { "  \($0)" }.joined(separator: "\n")
    }
}

/// `haven restore`: a new store from a verified backup, with the modes `haven init` gives.
extension StoreBackup {
    public struct Restored: Sendable {
        public let manifest: BackupManifest
        /// The check of the new store (`haven check`).
        public let check: StoreCheck.Report
        /// The group the backed-up store was shared with, if any.
        public let originalGroup: String?
    }

    /// Verifies the backup at `backup` (refusing it with `BackupRefused` when it is not
    /// sound), then copies its files into `target` (which must not exist or be empty): 0700
    /// and 0600, or with `group` 2770 and 0660 and that group, as `haven init --group` makes.
    /// Each file is hashed again as it is copied, so a backup that changes after its check is
    /// refused too. Ends with the check of the new store. On failure what was written is removed.
    public static func restore(from backup: URL, to target: URL, group: String? = nil,
                               progress: Progress = { _, _ in }) throws -> Restored {
        let path = target.standardizedFileURL.path
        let source = backup.standardizedFileURL.path
        var groupID: gid_t?
        if let group {
            guard let entry = getgrnam(group) else { throw StoreError.unavailable("there is no Unix group '\(group)'") }
            groupID = entry.pointee.gr_gid
        }
        try refuseNonEmpty(path)
        var total = 0
        let verification = verify(backup) { done, all in
            total = all
            progress(done, 2 * all)
        }
        guard let manifest = verification.manifest, verification.isSound else {
            throw BackupRefused(backup: source, problems: verification.problems)
        }
        total = manifest.totalBytes
        // The modes and group of the new store, and its store.json saying so.
        var storeManifest = try JSONDecoder().decode(StoreManifest.self, from: Data(try PosixFile(path: "\(source)/\(FileCaseStore.manifestFile)", flags: O_RDONLY).readAll()))
        let originalGroup = storeManifest.group
        storeManifest.group = group
        var written = WrittenFiles()
        do {
            written.madeDirectory = try makeStoreDirectory(path, mode: storeManifest.directoryMode, group: groupID)
            var done = 0
            for file in manifest.files {
                let folder = file.name.split(separator: "/").count == 2 ? String(file.name.split(separator: "/")[0]) : nil
                if let folder, !written.directories.contains("\(path)/\(folder)") {
                    try written.makeDirectory("\(path)/\(folder)", mode: storeManifest.directoryMode, group: groupID)
                }
                // A draft is its writer's alone, even in a group store (as `keepDraft` writes it).
                let mode: mode_t = folder == FileCaseStore.draftsDirectory ? 0o600 : storeManifest.fileMode
                let from = try PosixFile(path: "\(source)/\(file.name)", flags: O_RDONLY | O_NOFOLLOW)
                written.files.append("\(path)/\(file.name)")
                let copied = try StreamedCopy.copy(from: from, length: file.bytes, to: "\(path)/\(file.name)", mode: mode,
                                                   group: folder == FileCaseStore.draftsDirectory ? nil : groupID) {
                    progress(total + done + $0, 2 * total)
                }
                done += copied.bytes
                guard copied.sha256 == file.sha256 else {
                    throw BackupRefused(backup: source, problems: [StoreProblem(.damaged, file: "\(source)/\(file.name)", message:
                        "changed while it was restored (its SHA-256 is now \(copied.sha256), \(BackupManifest.fileName) says \(file.sha256))")])
                }
            }
            // The one file that differs from the backup: store.json names the new store's group.
            let storeJSON = Array(try CaseRecordLine.encoder.encode(storeManifest)) + [10]
            if storeJSON != (try PosixFile(path: "\(path)/\(FileCaseStore.manifestFile)", flags: O_RDONLY).readAll()) {
                try PosixFile.replaceDurably("\(path)/\(FileCaseStore.manifestFile)", with: storeJSON, mode: storeManifest.fileMode, group: groupID)
            }
            for directory in written.directories { try PosixFile.syncDirectory(directory) }
            try PosixFile.syncDirectory(path)
            if written.madeDirectory { try PosixFile.syncDirectory((path as NSString).deletingLastPathComponent) }
        } catch {
            written.remove(keeping: path)
            throw error
        }
        return Restored(manifest: manifest, check: StoreCheck.run(at: URL(fileURLWithPath: path), decodingRecords: false), originalGroup: originalGroup)
    }

    static func refuseNonEmpty(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw StoreError.unavailable("\(path) exists and is not a directory; restore into a new directory") }
        guard ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? ["?"]).isEmpty else {
            throw StoreError.unavailable("\(path) already exists and is not empty; restore into a new directory (nothing was written)")
        }
    }

    /// The new store's directory, as `FileCaseStore.create` makes it; true when made here.
    static func makeStoreDirectory(_ path: String, mode: mode_t, group: gid_t?) throws -> Bool {
        try refuseNonEmpty(path)
        var made = false
        if access(path, F_OK) != 0 {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            guard mkdir(path, 0o700) == 0 else { throw FileError(path: path, operation: "mkdir", code: errno) }
            made = true
        }
        if let group, chown(path, getuid(), group) != 0 { throw FileError(path: path, operation: "chown", code: errno) }
        guard chmod(path, mode) == 0 else { throw FileError(path: path, operation: "chmod", code: errno) }
        return made
    }
}
