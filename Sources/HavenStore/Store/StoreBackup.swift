import Foundation
import Glibc
import HavenCore

/// `haven backup`: a copy of a store others keep working on, consistent at one moment (the
/// cut). Under a brief shared lock on the log, which no writer holds while it is between its
/// case line and its audit entry, the log and the trail are opened and their lengths noted,
/// ending on whole lines, and the small files are read; after the lock each log is copied up
/// to its length from the descriptor opened under it. The log and the trail only grow, so
/// every save acknowledged before the cut is in the copy and no later one is, not even half.
/// Opening the files under the lock and reading only through those descriptors keeps this
/// true when the log is replaced by rename (a compaction) during the copy.
public enum StoreBackup {
    /// How far a long job has got: bytes done of the total.
    public typealias Progress = (_ done: Int, _ total: Int) -> Void

    /// The store's small files, read whole at the cut when they are there.
    static let smallFiles = [FileCaseStore.manifestFile, FileCaseStore.usersFile, FileCaseStore.countriesFile,
                             FileCaseStore.catalogueFile(LanguageCourse.self), FileCaseStore.catalogueFile(JobOpening.self),
                             AccessLog.fileName, AccessLog.reasonsFileName, FileCaseStore.erasuresFile]
    /// Every name a backup may hold at its top level (beside `backup.json`).
    static let topLevelFiles = Set(smallFiles + [FileCaseStore.casesFile, FileCaseStore.auditFile])

    /// The store as it stood at the backup's moment: descriptors opened under the lock and the
    /// lengths to copy from them.
    struct Cut {
        struct Source {
            var name: String
            var file: PosixFile
            var length: Int
        }

        var moment: Timestamp
        var cases: Source
        var audit: Source
        /// What each log held at the cut in its last bytes, to make sure the copy read the same.
        var casesTail: [UInt8]
        var auditTail: [UInt8]
        /// Bytes after the last whole line of each log: a torn write nobody has set aside yet.
        var tornCases: Int
        var tornAudit: Int
        var smallFiles: [(name: String, bytes: [UInt8])]
        var quarantine: [Source]
    }

    /// Copies the store at `store` into `destination` (a new or empty directory, made 0700,
    /// files 0600) while others work, and writes `backup.json` last. `beforeCut` runs once the
    /// destination is ready, before the cut (the command records the backup in the audit trail
    /// there, so the copy holds its own record); `progress` is told `(0, total)` once the cut is
    /// taken, then as bytes are copied. On failure nothing that looks like a backup is left:
    /// what was written is removed.
    @discardableResult
    public static func take(of store: URL, into destination: URL, by user: UserName, beforeCut: () throws -> Void = {},
                            progress: Progress = { _, _ in }) throws -> BackupManifest {
        let storePath = store.standardizedFileURL.path
        let path = destination.standardizedFileURL.path
        var written = WrittenFiles()
        do {
            written.madeDirectory = try prepareDirectory(path, outside: storePath)
            try beforeCut()
            let cut = try cut(of: storePath)
            var omitted: [BackupManifest.Omission] = []
            if access("\(storePath)/\(QueueIndex.fileName)", F_OK) == 0 {
                omitted.append(.init(name: QueueIndex.fileName, reason: "a cache of the log; the first opening of a restored store writes it again"))
            }
            if access("\(storePath)/\(CompactionMoves.fileName)", F_OK) == 0 {
                omitted.append(.init(name: CompactionMoves.fileName, reason: "where the last compaction moved each line, for the sessions open then; a restored store has none"))
            }
            for (name, bytes) in [(FileCaseStore.casesFile, cut.tornCases), (FileCaseStore.auditFile, cut.tornAudit)] where bytes > 0 {
                omitted.append(.init(name: "\(name), its last \(bytes) bytes",
                                     reason: "a torn write (a process stopped while writing it, so it was never acknowledged); opening the store sets it aside"))
            }
            let (drafts, unreadable) = readableDrafts(in: storePath)
            omitted += unreadable.map {
                .init(name: "\(FileCaseStore.draftsDirectory)/\($0)", reason: "owner-only (a half-typed form is its writer's alone) and \(user) may not read it")
            }
            let total = cut.smallFiles.reduce(0) { $0 + $1.bytes.count } + cut.cases.length + cut.audit.length
                + (cut.quarantine + drafts).reduce(0) { $0 + $1.length }
            var done = 0
            progress(0, total)
            var files: [BackupManifest.File] = []
            for (name, bytes) in cut.smallFiles {
                try written.writeNew("\(path)/\(name)", bytes: bytes, mode: 0o600)
                files.append(.init(name: name, bytes: bytes.count, sha256: StreamedCopy.sha256(of: bytes)))
                done += bytes.count
                progress(done, total)
            }
            func copy(_ source: Cut.Source, observe: ((ArraySlice<UInt8>) -> Void)? = nil) throws -> StreamedCopy.Copied {
                written.files.append("\(path)/\(source.name)")
                let copied = try StreamedCopy.copy(from: source.file, length: source.length, to: "\(path)/\(source.name)", mode: 0o600,
                                                   observe: observe) { progress(done + $0, total) }
                done += copied.bytes
                files.append(.init(name: source.name, bytes: copied.bytes, sha256: copied.sha256))
                return copied
            }
            var log = LineTally(collectingCases: true)
            let copiedCases = try copy(cut.cases) { log.take($0) }
            var trail = LineTally(collectingCases: false)
            let copiedAudit = try copy(cut.audit) { trail.take($0) }
            // A repair cuts back only bytes after the last whole line, or unreadable entries
            // at the end of the trail; if one ran inside the cut while this copied, the copy
            // may mix old bytes and new: then it is refused, not kept.
            for (copied, atCut, name) in [(copiedCases, cut.casesTail, FileCaseStore.casesFile), (copiedAudit, cut.auditTail, FileCaseStore.auditFile)]
            where copied.tail != atCut {
                throw StoreError.unavailable("\(storePath)/\(name): its last lines were set aside (a repair) while the backup copied them; take the backup again")
            }
            if !cut.quarantine.isEmpty { try written.makeDirectory("\(path)/\(FileCaseStore.quarantineDirectory)") }
            for source in cut.quarantine { _ = try copy(source) }
            if !drafts.isEmpty { try written.makeDirectory("\(path)/\(FileCaseStore.draftsDirectory)") }
            for source in drafts { _ = try copy(source) }
            for directory in [FileCaseStore.quarantineDirectory, FileCaseStore.draftsDirectory] where written.directories.contains("\(path)/\(directory)") {
                try PosixFile.syncDirectory("\(path)/\(directory)")
            }
            let schema = (try? JSONDecoder().decode(StoreManifest.self, from: Data(cut.smallFiles[0].bytes)))?.schemaVersion
                ?? StoreManifest.currentSchemaVersion
            let manifest = BackupManifest(schemaVersion: schema, takenAt: cut.moment, takenBy: user, host: hostName(), store: storePath,
                                          caseCount: log.cases.count, recordCount: log.lines,
                                          lastAuditSequence: try lastSequence(in: "\(path)/\(FileCaseStore.auditFile)", from: trail.lastLineStart),
                                          files: files, notCopied: omitted)
            written.files.append("\(path)/\(BackupManifest.fileName)")
            try PosixFile.replaceDurably("\(path)/\(BackupManifest.fileName)", with: try manifest.encoded(), mode: 0o600)
            if written.madeDirectory { try PosixFile.syncDirectory((path as NSString).deletingLastPathComponent) }
            return manifest
        } catch {
            written.remove(keeping: path)
            throw error
        }
    }

    /// Takes the cut under a brief shared lock. The log is locked by its descriptor, so the
    /// lock is checked to be on the file at the log's path (a compaction may have put a new
    /// one there between the open and the lock); if not, it is taken again on the new file.
    static func cut(of store: String) throws -> Cut {
        for _ in 0..<10 {
            let cases = try PosixFile.openLog("\(store)/\(FileCaseStore.casesFile)", flags: O_RDONLY)
            let audit = try PosixFile(path: "\(store)/\(FileCaseStore.auditFile)", flags: O_RDONLY)
            let taken: Cut?
            do {
                taken = try cases.withLock(.shared) { () throws -> Cut? in
                    guard try isCurrent(cases), try isCurrent(audit) else { return nil }
                    let casesLength = try wholeLines(of: cases)
                    let auditLength = try wholeLines(of: audit)
                    var small: [(name: String, bytes: [UInt8])] = []
                    for name in smallFiles {
                        guard let file = try openIfPresent("\(store)/\(name)") else {
                            if name == FileCaseStore.manifestFile { throw StoreError.unavailable("\(store) is not a Haven store: \(name) is missing") }
                            continue
                        }
                        small.append((name, try file.readAll()))
                    }
                    var quarantine: [Cut.Source] = []
                    let folder = "\(store)/\(FileCaseStore.quarantineDirectory)"
                    for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() {
                        guard let file = try openIfPresent("\(folder)/\(name)") else { continue }
                        quarantine.append(.init(name: "\(FileCaseStore.quarantineDirectory)/\(name)", file: file, length: file.size))
                    }
                    return Cut(moment: Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)),
                               cases: .init(name: FileCaseStore.casesFile, file: cases, length: casesLength),
                               audit: .init(name: FileCaseStore.auditFile, file: audit, length: auditLength),
                               casesTail: try tail(of: cases, before: casesLength), auditTail: try tail(of: audit, before: auditLength),
                               tornCases: cases.size - casesLength, tornAudit: audit.size - auditLength,
                               smallFiles: small, quarantine: quarantine)
                }
            } catch let timeout as LockTimeout {
                throw StoreError.busy("Busy, try again: \(timeout.description)")
            }
            if let taken { return taken }
        }
        throw StoreError.unavailable("\(store)/\(FileCaseStore.casesFile) keeps being replaced; try again")
    }

    /// Whether `file` is the file at its path now (not one replaced by rename since it was opened).
    static func isCurrent(_ file: PosixFile) throws -> Bool {
        var atPath = stat()
        guard stat(file.path, &atPath) == 0 else { throw FileError(path: file.path, operation: "stat", code: errno) }
        let held = try file.status()
        return atPath.st_ino == held.st_ino && atPath.st_dev == held.st_dev
    }

    /// The length of `file` up to and including its last newline: a line after it is torn.
    static func wholeLines(of file: PosixFile) throws -> Int {
        var position = file.size
        while position > 0 {
            let start = max(0, position - (64 << 10))
            if let last = try file.read(at: start, count: position - start).lastIndex(of: 10) { return start + last + 1 }
            position = start
        }
        return 0
    }

    static func tail(of file: PosixFile, before length: Int) throws -> [UInt8] {
        let count = min(StreamedCopy.tailCount, length)
        return try file.read(at: length - count, count: count)
    }

    /// A regular file opened for reading, nil when there is none; a link or anything but a
    /// plain file is refused.
    static func openIfPresent(_ path: String) throws -> PosixFile? {
        do {
            let file = try PosixFile(path: path, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
            guard try file.status().st_mode & S_IFMT == S_IFREG else {
                throw StoreError.unavailable("\(path) is not a plain file; a store holds only plain files there")
            }
            return file
        } catch let error as FileError where error.code == ENOENT {
            return nil
        } catch let error as FileError where error.code == ELOOP {
            throw StoreError.forbidden("\(path) is a symbolic link; a store's files must be plain files inside the store")
        }
    }

    /// The drafts the running account may read, and the names of those it may not (owner-only
    /// files of other accounts). Drafts are written outside the lock, each whole by rename, so
    /// each is copied as it stands when opened.
    static func readableDrafts(in store: String) -> (readable: [Cut.Source], unreadable: [String]) {
        let folder = "\(store)/\(FileCaseStore.draftsDirectory)"
        var readable: [Cut.Source] = []
        var unreadable: [String] = []
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        where name.hasSuffix(".json") && FileCaseStore.replacedFile(ofTemporary: name) == nil {
            do {
                guard let file = try openIfPresent("\(folder)/\(name)") else { continue }
                readable.append(.init(name: "\(FileCaseStore.draftsDirectory)/\(name)", file: file, length: file.size))
            } catch {
                unreadable.append(name)
            }
        }
        return (readable, unreadable)
    }

    /// The sequence of the audit entry on the line starting at `offset` (the last line).
    static func lastSequence(in path: String, from offset: Int) throws -> Int {
        let file = try PosixFile(path: path, flags: O_RDONLY)
        let line = try file.read(at: offset, count: file.size - offset)
        guard !line.isEmpty else { return 0 }
        return (try? JSONDecoder().decode(AuditTrail.Line.self, from: Data(line.dropLast())))?.sequence ?? 0
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Makes `path` ready for a copy: a new directory (parents made owner-only too), or an
    /// empty one; never inside the store. True when it was made here.
    static func prepareDirectory(_ path: String, outside store: String) throws -> Bool {
        var made = false
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw StoreError.unavailable("\(path) is not a directory") }
            guard ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? ["?"]).isEmpty else {
                throw StoreError.unavailable("\(path) already exists and is not empty; a backup goes into a new (or empty) directory")
            }
        } else {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            guard mkdir(path, 0o700) == 0 else { throw FileError(path: path, operation: "mkdir", code: errno) }
            made = true
        }
        if let inside = realpath(path, nil), let root = realpath(store, nil) {
            defer { free(inside); free(root) }
            let folder = String(cString: inside), storeFolder = String(cString: root)
            if folder == storeFolder || folder.hasPrefix(storeFolder + "/") {
                if made { rmdir(path) }
                throw StoreError.unavailable("\(path) is inside the store \(store); put backups elsewhere (another disk, ideally)")
            }
        }
        guard chmod(path, 0o700) == 0 else { throw FileError(path: path, operation: "chmod", code: errno) }
        return made
    }
}
