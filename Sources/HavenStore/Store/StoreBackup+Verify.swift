import Foundation
import Glibc
import HavenCore

/// `haven backup --verify`: a backup is sound when every file its manifest lists is there with
/// its length and SHA-256, and the copy, read as a store, checks sound and holds what the
/// manifest says it held at its moment. Nothing is written.
extension StoreBackup {
    public struct Verification: Sendable {
        public var manifest: BackupManifest?
        /// What does not match, first the files against the manifest, then the store's check.
        public var problems: [StoreProblem] = []
        /// The check of the copy as a store (`haven check`), when it was run.
        public var check: StoreCheck.Report?
        public var filesChecked = 0
        public var bytesChecked = 0

        public var isSound: Bool { manifest != nil && !problems.contains { $0.severity == .damaged } }
    }

    /// Re-reads every file `backup.json` lists and checks its length and SHA-256, then checks
    /// the copy as a store; `progress` is told the bytes read of the manifest's total.
    public static func verify(_ directory: URL, progress: Progress = { _, _ in }) -> Verification {
        let path = directory.standardizedFileURL.path
        var result = Verification()
        func damaged(_ file: String, _ position: String = "", _ message: String) {
            result.problems.append(StoreProblem(.damaged, file: file, position: position, message: message))
        }
        let manifestPath = "\(path)/\(BackupManifest.fileName)"
        if access(manifestPath, F_OK) == 0, access(manifestPath, R_OK) != 0 {
            damaged(manifestPath, "", "cannot be read: \(String(cString: strerror(errno))); verify it as the account that took it")
            return result
        }
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            var isDirectory: ObjCBool = false
            damaged(manifestPath, "", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
                    ? "missing: not a finished Haven backup (the backup stopped before writing it last, or this is not a backup)"
                    : "there is no backup at \(path)")
            return result
        }
        guard let manifest = try? JSONDecoder().decode(BackupManifest.self, from: data), manifest.format == BackupManifest.formatName else {
            damaged(manifestPath, "whole file", "not a Haven backup manifest")
            return result
        }
        guard manifest.formatVersion <= BackupManifest.currentFormatVersion else {
            damaged(manifestPath, "formatVersion", "version \(manifest.formatVersion); this Haven reads up to \(BackupManifest.currentFormatVersion): use a newer Haven")
            return result
        }
        result.manifest = manifest
        let total = manifest.totalBytes
        for file in manifest.files {
            let filePath = "\(path)/\(file.name)"
            guard BackupManifest.isStorePath(file.name) else {
                damaged(manifestPath, file.name, "names a file a store does not hold; the manifest has been edited")
                continue
            }
            let opened: PosixFile?
            do { opened = try openIfPresent(filePath) } catch { damaged(filePath, "", "\(error)"); continue }
            guard let opened else {
                damaged(filePath, "", "missing (\(BackupManifest.fileName) lists \(file.bytes) bytes)")
                continue
            }
            let before = result.bytesChecked
            guard let (bytes, sha256) = try? StreamedCopy.sha256(of: opened, progress: { progress(before + $0, total) }) else {
                damaged(filePath, "", "cannot be read")
                continue
            }
            result.filesChecked += 1
            result.bytesChecked += bytes
            if bytes != file.bytes {
                damaged(filePath, "", "\(bytes) bytes, but \(BackupManifest.fileName) says \(file.bytes): the file was "
                        + (bytes < file.bytes ? "cut short" : "added to") + " after the backup")
            } else if sha256 != file.sha256 {
                damaged(filePath, "", "its SHA-256 is \(sha256), but \(BackupManifest.fileName) says \(file.sha256): "
                        + "the file changed after the backup (a flipped bit on the disk, or an edit)")
            }
        }
        // A store file beside the listed ones was put there after the backup (the queue index
        // and the lock note are written by opening the copy, and are not the store's record).
        let listed = Set(manifest.files.map(\.name))
        var present = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter(topLevelFiles.contains)
        for folder in [FileCaseStore.quarantineDirectory, FileCaseStore.draftsDirectory] {
            present += ((try? FileManager.default.contentsOfDirectory(atPath: "\(path)/\(folder)")) ?? []).map { "\(folder)/\($0)" }
        }
        for name in present.sorted() where !listed.contains(name) {
            damaged("\(path)/\(name)", "", "not in \(BackupManifest.fileName): put there after the backup; move it out")
        }
        // The copy as a store: `haven check`, then what the manifest counted at the cut.
        let check = StoreCheck.run(at: URL(fileURLWithPath: path), decodingRecords: false)
        result.check = check
        result.problems += check.problems
        if check.isSound {
            let counted = [("cases", check.caseCount, manifest.caseCount), ("saved versions", check.recordCount, manifest.recordCount),
                           ("audit entries", check.auditEntryCount, manifest.lastAuditSequence)]
            for (what, found, expected) in counted where found != expected {
                damaged(path, "", "holds \(found) \(what), but \(BackupManifest.fileName) says \(expected) at the backup's moment")
            }
        }
        return result
    }
}
