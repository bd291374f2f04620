import Foundation
import HavenTestSupport
import XCTest

/// `haven backup`, `haven backup --verify` and `haven restore` as an administrator types them,
/// and a backup opened as a store.
final class BackupCommandTests: CommandTestCase {
    var backup: String { scratch.appendingPathComponent("backups/2026-11-24").path }
    var restored: String { scratch.appendingPathComponent("restored").path }

    func makeDemoStore() throws {
        let made = try haven("demo", "--cases", "40", "--seed", "3", "--no-open", "--role", "administrator", "--store", store)
        XCTAssertEqual(made.status, 0, made.output)
    }

    func mode(_ path: String) throws -> Int {
        try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    /// Backup, verify, restore: the restored store checks sound and exports exactly what the
    /// store did; the backup is recorded in the trail, and the copy holds that record.
    func testBackupVerifyAndRestoreFromTheCommandLine() throws {
        try makeDemoStore()
        let taken = try haven("backup", backup, "--store", store)
        XCTAssertEqual(taken.status, 0, taken.output)
        XCTAssertTrue(taken.output.hasPrefix("Backed up 40 cases (40 saved versions, audit trail to entry "), taken.output)
        XCTAssertTrue(taken.output.contains("from \(store) to \(backup): 6 files,"), taken.output)
        XCTAssertEqual(try mode(backup), 0o700)
        XCTAssertEqual(try mode(backup + "/cases.jsonl"), 0o600)
        let trail = try String(contentsOfFile: store + "/audit.jsonl", encoding: .utf8)
        XCTAssertTrue(trail.split(separator: "\n").last?.contains(#""subject":"backup""#) == true, "the backup is the trail's last entry")
        XCTAssertTrue(try String(contentsOfFile: backup + "/audit.jsonl", encoding: .utf8).contains("as a backup to \(backup)"), "the copy holds its own record")

        let verified = try haven("backup", "--verify", backup)
        XCTAssertEqual(verified.status, 0, verified.output)
        XCTAssertTrue(verified.output.hasPrefix("Backup of \(store) on "), verified.output)
        XCTAssertTrue(verified.output.hasSuffix(": 6 of 6 files read (\(verified.output.split(separator: "(").last!.split(separator: ")").first!)); 40 cases, 40 saved versions, "
                                                + "\(trail.split(separator: "\n").count) audit entries: sound\n"), verified.output)

        let restore = try haven("restore", backup, "--store", restored)
        XCTAssertEqual(restore.status, 0, restore.output)
        XCTAssertTrue(restore.output.hasPrefix("Restored the backup of \(store) as of "), restore.output)
        XCTAssertTrue(restore.output.hasSuffix("into \(restored): 40 cases, 40 saved versions, \(trail.split(separator: "\n").count) audit entries: sound\n"), restore.output)
        XCTAssertEqual(try mode(restored), 0o700)
        XCTAssertEqual(try mode(restored + "/audit.jsonl"), 0o600)
        XCTAssertEqual(try haven("check", "--store", restored).status, 0)
        let exported = try haven("export", "--store", store)
        XCTAssertEqual(exported.status, 0)
        XCTAssertEqual(try haven("export", "--store", restored).output, exported.output, "the restored store holds the same cases")
        XCTAssertEqual(try String(contentsOfFile: restored + "/audit.jsonl", encoding: .utf8), trail, "and the same trail")
    }

    /// A flipped byte is named by --verify and refused by restore, which writes nothing.
    func testVerifyAndRestoreNameADamagedFile() throws {
        try makeDemoStore()
        XCTAssertEqual(try haven("backup", backup, "--store", store).status, 0)
        let log = backup + "/cases.jsonl"
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: log)))
        bytes[bytes.count / 3] ^= 0x04
        try Data(bytes).write(to: URL(fileURLWithPath: log))
        let verified = try haven("backup", "--verify", backup)
        XCTAssertEqual(verified.status, 1, verified.output)
        XCTAssertTrue(verified.output.hasPrefix("damaged: \(log): its SHA-256 is "), verified.output)
        XCTAssertTrue(verified.output.contains("the file changed after the backup"), verified.output)
        let restore = try haven("restore", backup, "--store", restored)
        XCTAssertEqual(restore.status, 1, restore.output)
        XCTAssertTrue(restore.output.contains("\(backup) is not a sound backup, so nothing was restored"), restore.output)
        XCTAssertTrue(restore.output.contains("damaged: \(log): its SHA-256 is "), restore.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: restored))
    }

    /// `haven --store BACKUP` opens it for reading: commands that read work, `haven check`
    /// calls it sound, a change is refused saying why, and the backup still verifies.
    func testABackupOpensAsAStoreForReadingOnly() throws {
        try makeDemoStore()
        XCTAssertEqual(try haven("backup", backup, "--store", store).status, 0)
        let stats = try haven("stats", "--json", "--store", backup)
        XCTAssertEqual(stats.status, 0, stats.output)
        XCTAssertTrue(stats.output.contains(#""total":40"#), stats.output)
        XCTAssertTrue(stats.output.contains("a backup (it holds backup.json); to work on it, restore it with 'haven restore \(backup) --store NEW'"), stats.output)
        let check = try haven("check", "--store", backup)
        XCTAssertEqual(check.status, 0, check.output)
        XCTAssertTrue(check.output.hasSuffix(": sound\n"), check.output)
        let change = try haven("users", "add", "daemon", "--role", "auditor", "--store", backup)
        XCTAssertEqual(change.status, 1, change.output)
        XCTAssertTrue(change.output.contains("a backup (it holds backup.json)") && change.output.contains("nothing can be saved"), change.output)
        XCTAssertEqual(try haven("backup", "--verify", backup).status, 0)
    }

    func testBackupAndRestoreRefuseADirectoryThatIsNotEmpty() throws {
        try makeDemoStore()
        try FileManager.default.createDirectory(atPath: backup, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: backup + "/yesterday", contents: Data()))
        let trail = try String(contentsOfFile: store + "/audit.jsonl", encoding: .utf8)
        let refused = try haven("backup", backup, "--store", store)
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.output, "Error: The store cannot be used: \(backup) already exists and is not empty; a backup goes into a new (or empty) directory; no backup was written\n")
        XCTAssertEqual(try String(contentsOfFile: store + "/audit.jsonl", encoding: .utf8), trail, "a refused backup is not recorded")
        let other = scratch.appendingPathComponent("other").path
        XCTAssertEqual(try haven("backup", other, "--store", store).status, 0)
        let restore = try haven("restore", other, "--store", backup)
        XCTAssertEqual(restore.status, 1)
        XCTAssertEqual(restore.output, "Error: The store cannot be used: \(backup) already exists and is not empty; restore into a new directory (nothing was written)\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: backup), ["yesterday"])
    }
}
