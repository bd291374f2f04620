import ArgumentParser
import Foundation
import HavenCore
import HavenStore

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Make a new store from a backup, after verifying it as 'haven backup --verify' does.",
        discussion: """
            --store NEW is required: the new store's directory, which must not exist or be empty. A backup \
            that does not verify is refused, naming each file that does not match, and nothing is written. \
            The new store is 0700 with files 0600 (with --group, 2770 and 0660, as 'haven init --group' \
            makes); it is fsynced, then checked as 'haven check' does. Administrators of the backed-up \
            store only.
            """)

    @Argument(help: ArgumentHelp("The backup directory (as 'haven backup' wrote it).", valueName: "backup"))
    var backup: String

    /// The new store's directory: `--store` as everywhere else, but never the default (a
    /// restore names where it goes).
    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Share the new store with this Unix group (the caseworkers' group).", valueName: "name"))
    var group: String?

    func validate() throws {
        guard store.store != nil else { throw ValidationError("Name the new store: haven restore BACKUP --store NEW (a directory that does not exist, or is empty).") }
    }

    func run() throws {
        let source = URL(fileURLWithPath: backup).standardizedFileURL
        let target = store.directory()
        // The backup's own users decide (it is their store); users that cannot be read are
        // left to the verification, which names the file.
        if let users = try? FileCaseStore.users(at: source) {
            _ = try actor(in: users, store: source.path, for: .importCases)
        }
        var meter = ByteMeter(label: "Verifying and restoring")
        let restored: StoreBackup.Restored
        do {
            restored = try StoreBackup.restore(from: source, to: target, group: group) { meter.update($0, of: $1) }
        } catch {
            meter.finish()
            throw HavenFailure("\(error)")
        }
        meter.finish()
        let check = restored.check
        for problem in check.problems { print(problem) }
        let damaged = check.problems.filter { $0.severity == .damaged }.count
        print("Restored the backup of \(restored.manifest.store) as of \(restored.manifest.takenAt) into \(target.path)"
              + (group.map { " shared with the group \($0)" } ?? "") + ": \(check.caseCount) cases, \(check.recordCount) saved versions, "
              + "\(check.auditEntryCount) audit entries: " + (check.isSound ? "sound" : "\(damaged) problem\(damaged == 1 ? "" : "s")"))
        if let original = restored.originalGroup, group == nil {
            print("The store it came from was shared with the group \(original); to share this one the same way, restore again with --group \(original).")
        }
        if !check.isSound { throw ExitCode(1) }
    }
}
