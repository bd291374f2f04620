import ArgumentParser
import Foundation
import Glibc
import HavenCore
import HavenStore

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the store, consistent at one moment, while others keep working; with --verify, check a copy.",
        discussion: """
            The copy goes into DIR, a new or empty directory (made 0700, files 0600), under the store's own \
            file names, with backup.json (each file's length and SHA-256, the case count and last audit entry) \
            written last. Every save acknowledged before the backup's moment is in it; nothing after is, not \
            even half. It copies the quarantine (evidence) and the drafts this account may read, and lists \
            what it left out. Administrators only, and recorded in the audit trail. The copy holds family \
            whereabouts: keep it owner-only and encrypt any copy that leaves the server (docs/store-format.md, \
            "Backups"). 'haven restore DIR --store NEW' makes a store from it; 'haven --store DIR' opens it \
            for reading.
            """)

    @Argument(help: ArgumentHelp("Where to write the backup (new or empty); with --verify, the backup to check.", valueName: "dir"))
    var directory: String

    @Flag(help: "Check the backup in DIR instead of writing one: every file's length and SHA-256 against backup.json, then the copy as a store (as 'haven check'). Exit 0 only when sound.")
    var verify = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if verify, store.store != nil { throw ValidationError("--verify checks the backup in DIR and takes no --store.") }
    }

    func run() throws {
        let destination = URL(fileURLWithPath: directory).standardizedFileURL
        if verify { return try check(destination) }
        // The opened store is let go once the backup is recorded: the copy needs only its files.
        var opened: FileCaseStore?
        let actor: Actor
        do {
            let (openedStore, runner) = try store.openFiles(for: .exportSensitive, instead: "back it up with pg_dump, as docs/store-format.md shows, and check the restored copy with 'haven check --store'")
            (opened, actor) = (openedStore, runner)
        }
        let storeDirectory = opened!.directory
        // Recorded before the cut, as an export of family whereabouts is recorded before it
        // leaves: a copy of everything that is not in the audit trail does not happen (and the
        // copy holds its own record). A store that cannot be written (a disk gone read-only)
        // is still copied, saying it was not recorded.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let what = String(decoding: try encoder.encode("the whole store, family whereabouts included, as a backup to \(destination.path)"), as: UTF8.self)
        func record() throws {
            defer { opened = nil }
            if let reason = opened?.readOnlyReason {
                FileHandle.standardError.write(Data("Not recorded in the audit trail (\(reason)).\n".utf8))
            } else {
                try opened?.auditExport("backup", what, by: actor, at: .now())
            }
        }
        let started = Date()
        var meter = ByteMeter(label: "Backing up")
        let manifest: BackupManifest
        do {
            manifest = try StoreBackup.take(of: storeDirectory, into: destination, by: actor.user, beforeCut: record) { meter.update($0, of: $1) }
        } catch {
            meter.finish()
            throw HavenFailure("\(error); no backup was written")
        }
        meter.finish()
        for omission in manifest.notCopied where !FileCaseStore.cacheFiles.contains(omission.name) {
            print("Not copied: \(omission.name): \(omission.reason).")
        }
        let seconds = Date().timeIntervalSince(started)
        print("Backed up \(manifest.caseCount) cases (\(manifest.recordCount) saved versions, audit trail to entry \(manifest.lastAuditSequence)) "
              + "as of \(manifest.takenAt) from \(storeDirectory.path) to \(destination.path): \(manifest.files.count) files, "
              + "\(ByteMeter.text(manifest.totalBytes)) in \(String(format: "%.1f", seconds)) s. Check it with 'haven backup --verify \(destination.path)'.")
    }

    /// `--verify`: the files against the manifest, then the copy as a store.
    func check(_ backup: URL) throws {
        var meter = ByteMeter(label: "Verifying")
        let result = StoreBackup.verify(backup) { meter.update($0, of: $1) }
        meter.finish()
        for problem in result.problems { print(problem) }
        let damaged = result.problems.filter { $0.severity == .damaged }.count
        guard let manifest = result.manifest else { throw ExitCode(1) }
        let check = result.check.map { "\($0.caseCount) cases, \($0.recordCount) saved versions, \($0.auditEntryCount) audit entries" } ?? ""
        print("Backup of \(manifest.store) on \(manifest.host) as of \(manifest.takenAt), by \(manifest.takenBy): "
              + "\(result.filesChecked) of \(manifest.files.count) files read (\(ByteMeter.text(result.bytesChecked))); \(check): "
              + (result.isSound ? "sound" : "\(damaged) problem\(damaged == 1 ? "" : "s")"))
        if !result.isSound { throw ExitCode(1) }
    }
}
