import Foundation
import Glibc
import HavenCore
@testable import HavenStore
import HavenTestSupport
import XCTest

/// `haven backup`, `--verify` and `haven restore` (docs/store-format.md, "Backups"): a copy
/// taken while others save holds exactly the saves acknowledged before its cut; any change to
/// a copied file is named; a restore gives the same store, sound.
final class StoreBackupTests: StoreTestCase {
    var backupURL: URL { scratch.appendingPathComponent("backups/2026-11-24") }
    var restoredURL: URL { scratch.appendingPathComponent("restored") }
    var stress: String { ChildProcess.buildProducts.appendingPathComponent("haven-stress").path }

    /// Five cases, saves on three, a new user, a torn write set aside in quarantine/, a draft,
    /// and a queue index: every kind of file a store holds.
    func makeWorkedStore() throws -> FileCaseStore {
        FileCaseStore.queueIndexThresholdBytes = 0
        defer { FileCaseStore.queueIndexThresholdBytes = 8 << 20 }
        let store = try makeStore()
        try store.importCases(demoCases(5), by: admin, at: now, today: today)
        for number in 1...3 {
            let loaded = try store.load(CaseID(number: number))
            var record = loaded.record
            record.notes.append(Note(author: anna.user, at: now, text: "Seen on \(number)."))
            _ = try store.save(record, basedOn: loaded.version, by: anna, at: now)
        }
        _ = try store.changeUsers(.add("pieter.v", .supervisor), by: admin, at: now)
        try store.keepDraft(FormDraft(session: "s1", savedAt: now, values: ["cyrillicFamily": "Жуков"], focus: "cyrillicFamily"), for: anna.user)
        try appendBytes(Array(#"{"crc32":"0000"#.utf8), to: FileCaseStore.casesFile)
        let reopened = try FileCaseStore(at: storeURL)
        XCTAssertTrue(reopened.openingProblems.contains { $0.message.contains("torn") }, "the torn write went to quarantine/")
        return reopened
    }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        XCTAssertEqual(lstat(path, &info), 0, path)
        return info.st_mode & 0o7777
    }

    func bytes(_ url: URL, _ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url.appendingPathComponent(name)))
    }

    /// The saves (case, version) a log's lines hold, in order.
    func saves(in log: [UInt8]) throws -> [String] {
        try log.split(separator: 10).map { line in
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            let record = try XCTUnwrap(object["record"] as? [String: Any])
            return "\(record["id"]!) \(record["version"]!)"
        }
    }

    /// The saves each child acknowledged so far (`ok ID VERSION NOTE` lines), in its order.
    func acknowledged(_ children: [ChildProcess]) -> [[String]] {
        children.map { child in
            child.output.split(separator: "\n").filter { $0.hasPrefix("ok ") }.map { $0.split(separator: " ").dropFirst().prefix(2).joined(separator: " ") }
        }
    }

    func waitFor(_ what: String, timeout: TimeInterval = 60, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else { throw XCTSkip("timed out waiting for \(what)") }
            usleep(20_000)
        }
    }

    /// Two processes save in a loop while the backup runs; the backup pauses after its cut until
    /// each has acknowledged ten more saves. The copy holds every save acknowledged before the
    /// backup began, each process's saves in the copy are the first of those it acknowledged,
    /// none acknowledged during the pause is in it, both files end on a whole line, and the
    /// copy is a byte-for-byte beginning of the live files that checks sound.
    func testABackupWhileOthersSaveHoldsExactlyTheSavesAcknowledgedBeforeItsCut() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: stress), "build haven-stress first (swift build)")
        let store = try makeStore()
        try store.importCases(demoCases(5), by: admin, at: now, today: today)
        let importLines = try saves(in: bytes(storeURL, FileCaseStore.casesFile)).count
        let children = try (1...2).map { worker in
            try ChildProcess([stress, "save-loop", "--store", storeURL.path, "--worker", "w\(worker)", "--cases", "5", "--seed", "\(worker)"],
                             outputPath: scratch.appendingPathComponent("worker-\(worker).out").path)
        }
        var running = true
        func stop() {
            guard running else { return }
            running = false
            for child in children { child.kill(SIGKILL); child.wait() }
        }
        defer { stop() }
        try waitFor("the first saves") { acknowledged(children).allSatisfy { $0.count >= 20 } }

        let before = acknowledged(children)
        var atCut: [Int] = []
        var afterPause: [Int] = []
        let manifest = try StoreBackup.take(of: storeURL, into: backupURL, by: "root", progress: { done, _ in
            guard done == 0 else { return }
            atCut = acknowledged(children).map(\.count)
            try? waitFor("saves after the cut") { zip(acknowledged(children), atCut).allSatisfy { $0.count >= $1 + 10 } }
            afterPause = acknowledged(children).map(\.count)
        })
        stop()
        let after = acknowledged(children)

        let copiedLog = try bytes(backupURL, FileCaseStore.casesFile)
        let copiedTrail = try bytes(backupURL, FileCaseStore.auditFile)
        XCTAssertEqual(copiedLog.last, 10, "the copied log ends on a whole line")
        XCTAssertEqual(copiedTrail.last, 10, "the copied trail ends on a whole line")
        XCTAssertEqual(Data(try bytes(storeURL, FileCaseStore.casesFile).prefix(copiedLog.count)), Data(copiedLog), "the copy is the live log's beginning")
        XCTAssertEqual(Data(try bytes(storeURL, FileCaseStore.auditFile).prefix(copiedTrail.count)), Data(copiedTrail), "the copy is the live trail's beginning")

        let copied = try saves(in: copiedLog).dropFirst(importLines)
        XCTAssertEqual(copied.count, manifest.recordCount - importLines)
        for (worker, acknowledgedBefore) in before.enumerated() {
            for save in acknowledgedBefore { XCTAssertTrue(copied.contains(save), "\(save), acknowledged before the backup, is in it") }
            let mine = copied.filter(Set(after[worker]).contains)
            XCTAssertEqual(Array(mine), Array(after[worker].prefix(mine.count)), "worker \(worker + 1)'s saves in the copy are the first it acknowledged")
            XCTAssertLessThanOrEqual(mine.count, atCut[worker] + 1, "no save acknowledged after the cut is in the copy")
            XCTAssertLessThan(mine.count, afterPause[worker], "the saves made while the backup paused are not in it")
        }
        XCTAssertEqual(Set(copied).subtracting(after.joined()), [], "every save in the copy was acknowledged")

        let verification = StoreBackup.verify(backupURL)
        XCTAssertTrue(verification.isSound, verification.problems.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(verification.check?.caseCount, 5)
        XCTAssertEqual(manifest.lastAuditSequence, verification.check?.auditEntryCount)
    }

    /// Every file a store holds is in the copy under its own name, with its length and digest;
    /// the queue index (a cache) is left out and says so; modes are owner-only.
    func testTheCopyHoldsEveryFileOfTheStoreAndItsManifest() throws {
        let store = try makeWorkedStore()
        XCTAssertTrue(FileManager.default.fileExists(atPath: path(QueueIndex.fileName)))
        let manifest = try StoreBackup.take(of: storeURL, into: backupURL, by: "root")
        let quarantined = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: path("quarantine")).first)
        XCTAssertEqual(manifest.files.map(\.name), ["store.json", "users.json", "cases.jsonl", "audit.jsonl",
                                                    "quarantine/\(quarantined)", "drafts/anna.k~s1~intake.json"])
        for file in manifest.files {
            let original = try bytes(storeURL, file.name)
            XCTAssertEqual(Data(try bytes(backupURL, file.name)), Data(original), file.name)
            XCTAssertEqual(file.bytes, original.count, file.name)
            XCTAssertEqual(file.sha256, StreamedCopy.sha256(of: original), file.name)
            XCTAssertEqual(mode(backupURL.appendingPathComponent(file.name).path), 0o600, file.name)
        }
        XCTAssertEqual(mode(backupURL.path), 0o700)
        XCTAssertEqual(mode(backupURL.appendingPathComponent("quarantine").path), 0o700)
        XCTAssertEqual(mode(backupURL.appendingPathComponent(BackupManifest.fileName).path), 0o600)
        XCTAssertEqual(manifest.notCopied.map(\.name), [QueueIndex.fileName])
        XCTAssertEqual(manifest.caseCount, 5)
        XCTAssertEqual(manifest.recordCount, 8)
        XCTAssertEqual(manifest.lastAuditSequence, store.lastAuditSequence)
        XCTAssertEqual(manifest.takenBy, "root")
        XCTAssertEqual(manifest.store, storeURL.path)
        let written = try JSONDecoder().decode(BackupManifest.self, from: Data(contentsOf: backupURL.appendingPathComponent(BackupManifest.fileName)))
        XCTAssertEqual(written, manifest)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: backupURL.path).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [], "backup.json was written beside and renamed")
        XCTAssertTrue(StoreBackup.verify(backupURL).isSound)
    }

    /// A torn last line nobody has set aside yet (its writer died; no one has saved since) is
    /// left out of the copy, and the manifest says how many bytes and why.
    func testATornLastLineIsLeftOutAndSaidSo() throws {
        let store = try makeStore()
        try store.importCases(demoCases(2), by: admin, at: now, today: today)
        let whole = try bytes(storeURL, FileCaseStore.casesFile)
        try appendBytes(Array(#"{"crc32":"0000"#.utf8), to: FileCaseStore.casesFile)
        let manifest = try StoreBackup.take(of: storeURL, into: backupURL, by: "root")
        XCTAssertEqual(Data(try bytes(backupURL, FileCaseStore.casesFile)), Data(whole))
        XCTAssertEqual(manifest.notCopied.map(\.name), ["cases.jsonl, its last 14 bytes"])
        XCTAssertTrue(StoreBackup.verify(backupURL).isSound)
    }

    /// The log is copied from the descriptor opened at the cut: a new file renamed over it
    /// during the copy (as a compaction does) changes nothing in the backup.
    func testALogReplacedByRenameDuringTheCopyIsCopiedAsItWasAtTheCut() throws {
        let store = try makeStore()
        try store.importCases(demoCases(3), by: admin, at: now, today: today)
        let original = try bytes(storeURL, FileCaseStore.casesFile)
        try StoreBackup.take(of: storeURL, into: backupURL, by: "root", progress: { done, _ in
            guard done == 0 else { return }
            let replacement = self.path("cases.jsonl.tmp-compacted")
            XCTAssertTrue(FileManager.default.createFile(atPath: replacement, contents: Data("replaced\n".utf8), attributes: [.posixPermissions: 0o600]))
            XCTAssertEqual(rename(replacement, self.path(FileCaseStore.casesFile)), 0)
        })
        XCTAssertEqual(Data(try bytes(backupURL, FileCaseStore.casesFile)), Data(original))
        XCTAssertTrue(StoreBackup.verify(backupURL).isSound)
    }

    func testVerifyNamesAFlippedByte() throws {
        _ = try makeWorkedStore()
        let manifest = try StoreBackup.take(of: storeURL, into: backupURL, by: "root")
        let log = backupURL.appendingPathComponent(FileCaseStore.casesFile)
        var contents = try bytes(backupURL, FileCaseStore.casesFile)
        contents[contents.count / 2] ^= 0x20
        try Data(contents).write(to: log)
        let verification = StoreBackup.verify(backupURL)
        XCTAssertFalse(verification.isSound)
        let named = try XCTUnwrap(verification.problems.first { $0.severity == .damaged })
        XCTAssertEqual(named.file, log.path, "the first problem names the file")
        let expected = try XCTUnwrap(manifest.files.first { $0.name == FileCaseStore.casesFile }).sha256
        XCTAssertTrue(named.message.contains("SHA-256") && named.message.contains(expected), named.message)
        XCTAssertEqual(verification.filesChecked, manifest.files.count, "every file was still read")
    }

    func testVerifyNamesATruncatedFileAMissingOneAndOneAddedAfter() throws {
        _ = try makeWorkedStore()
        try StoreBackup.take(of: storeURL, into: backupURL, by: "root")
        let trail = backupURL.appendingPathComponent(FileCaseStore.auditFile).path
        let length = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: trail)[.size] as? Int)
        XCTAssertEqual(truncate(trail, off_t(length - 100)), 0)
        XCTAssertEqual(unlink(backupURL.appendingPathComponent("drafts/anna.k~s1~intake.json").path), 0)
        XCTAssertTrue(FileManager.default.createFile(atPath: backupURL.appendingPathComponent(FileCaseStore.countriesFile).path, contents: Data("{}".utf8),
                                       attributes: [.posixPermissions: 0o600]))
        let verification = StoreBackup.verify(backupURL)
        XCTAssertFalse(verification.isSound)
        let messages = verification.problems.filter { $0.severity == .damaged }.map(\.description)
        XCTAssertTrue(messages.contains { $0.contains(trail) && $0.contains("\(length - 100) bytes, but backup.json says \(length)") && $0.contains("cut short") },
                      messages.joined(separator: "\n"))
        XCTAssertTrue(messages.contains { $0.contains("drafts/anna.k~s1~intake.json") && $0.contains("missing") }, messages.joined(separator: "\n"))
        XCTAssertTrue(messages.contains { $0.contains("countries.json") && $0.contains("not in backup.json") }, messages.joined(separator: "\n"))
    }

    func testVerifyCallsADirectoryWithoutAManifestUnfinished() throws {
        _ = try makeStore()
        let verification = StoreBackup.verify(storeURL)
        XCTAssertFalse(verification.isSound)
        XCTAssertTrue(verification.problems.first?.message.contains("not a finished Haven backup") == true, "\(verification.problems)")
    }

    /// The restored store checks sound and holds the same cases, summaries, users and trail;
    /// its modes are `haven init`'s.
    func testRestoreGivesASoundStoreWithTheSameCasesAndTrail() throws {
        let store = try makeWorkedStore()
        try StoreBackup.take(of: storeURL, into: backupURL, by: "root")
        let restored = try StoreBackup.restore(from: backupURL, to: restoredURL)
        XCTAssertTrue(restored.check.isSound, restored.check.problems.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(restored.check.caseCount, 5)
        let reopened = try FileCaseStore(at: restoredURL)
        XCTAssertEqual(try reopened.allCases(), try store.allCases())
        XCTAssertEqual(try reopened.summaries(), try store.summaries())
        XCTAssertEqual(try reopened.users(), try store.users())
        XCTAssertEqual(Data(try bytes(restoredURL, FileCaseStore.auditFile)), Data(try bytes(storeURL, FileCaseStore.auditFile)))
        XCTAssertEqual(try reopened.auditTrail(matching: AuditFilter(), limit: 1000), try store.auditTrail(matching: AuditFilter(), limit: 1000))
        XCTAssertEqual(try reopened.drafts(for: anna.user).map(\.values), [["cyrillicFamily": "Жуков"]])
        XCTAssertEqual(mode(restoredURL.path), 0o700)
        for name in [FileCaseStore.manifestFile, FileCaseStore.usersFile, FileCaseStore.casesFile, FileCaseStore.auditFile, "drafts/anna.k~s1~intake.json"] {
            XCTAssertEqual(mode(restoredURL.appendingPathComponent(name).path), 0o600, name)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: restoredURL.appendingPathComponent(BackupManifest.fileName).path))
        // It is a store to work on: a save goes through.
        let loaded = try reopened.load(CaseID(number: 4))
        var record = loaded.record
        record.notes.append(Note(author: anna.user, at: now, text: "After the restore."))
        XCTAssertEqual(try reopened.save(record, basedOn: loaded.version, by: anna, at: now), loaded.version.next)
    }

    func testRestoreWithAGroupMakesAGroupStore() throws {
        _ = try makeWorkedStore()
        try StoreBackup.take(of: storeURL, into: backupURL, by: "root")
        let group = try XCTUnwrap(getgrgid(getgid()).map { String(cString: $0.pointee.gr_name) })
        let restored = try StoreBackup.restore(from: backupURL, to: restoredURL, group: group)
        XCTAssertTrue(restored.check.isSound, restored.check.problems.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(mode(restoredURL.path), 0o2770)
        XCTAssertEqual(mode(restoredURL.appendingPathComponent(FileCaseStore.casesFile).path), 0o660)
        XCTAssertEqual(mode(restoredURL.appendingPathComponent("drafts/anna.k~s1~intake.json").path), 0o600, "a draft stays its writer's alone")
        XCTAssertEqual(try FileCaseStore(at: restoredURL).manifest.group, group)
    }

    func testRestoreRefusesATargetThatIsNotEmptyAndWritesNothing() throws {
        _ = try makeWorkedStore()
        try StoreBackup.take(of: storeURL, into: backupURL, by: "root")
        try FileManager.default.createDirectory(at: restoredURL, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: restoredURL.appendingPathComponent("notes.txt").path, contents: Data("mine".utf8)))
        XCTAssertThrowsError(try StoreBackup.restore(from: backupURL, to: restoredURL)) { error in
            XCTAssertTrue("\(error)".contains("\(restoredURL.path) already exists and is not empty"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: restoredURL.path), ["notes.txt"])
    }

    func testRestoreRefusesACorruptedBackupNamingTheFileAndWritesNothing() throws {
        _ = try makeWorkedStore()
        try StoreBackup.take(of: storeURL, into: backupURL, by: "root")
        let users = backupURL.appendingPathComponent(FileCaseStore.usersFile)
        var contents = try bytes(backupURL, FileCaseStore.usersFile)
        contents[10] ^= 0x01
        try Data(contents).write(to: users)
        XCTAssertThrowsError(try StoreBackup.restore(from: backupURL, to: restoredURL)) { error in
            let refusal = error as? BackupRefused
            XCTAssertNotNil(refusal, "\(error)")
            XCTAssertEqual(refusal?.problems.first?.file, users.path)
            XCTAssertTrue("\(error)".contains("nothing was restored"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: restoredURL.path))
    }

    func testABackupGoesOnlyIntoANewOrEmptyDirectoryOutsideTheStore() throws {
        _ = try makeWorkedStore()
        try FileManager.default.createDirectory(at: backupURL, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: backupURL.appendingPathComponent("old").path, contents: Data()))
        XCTAssertThrowsError(try StoreBackup.take(of: storeURL, into: backupURL, by: "root")) { error in
            XCTAssertTrue("\(error)".contains("already exists and is not empty"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: backupURL.path), ["old"])
        let inside = storeURL.appendingPathComponent("backup")
        XCTAssertThrowsError(try StoreBackup.take(of: storeURL, into: inside, by: "root")) { error in
            XCTAssertTrue("\(error)".contains("is inside the store"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: inside.path))
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound)
    }

    /// A backup is a store directory: it opens, for reading only, and `haven check` calls it
    /// sound; a save is refused, so it still verifies afterwards.
    func testABackupOpensForReadingOnlyAndStillVerifiesAfterwards() throws {
        let store = try makeWorkedStore()
        try StoreBackup.take(of: storeURL, into: backupURL, by: "root")
        let opened = try FileCaseStore(at: backupURL)
        XCTAssertEqual(try opened.summaries(), try store.summaries())
        XCTAssertTrue(opened.readOnlyReason?.contains("a backup") == true, "\(String(describing: opened.readOnlyReason))")
        let loaded = try opened.load(CaseID(number: 1))
        XCTAssertThrowsError(try opened.save(loaded.record, basedOn: loaded.version, by: anna, at: now))
        XCTAssertThrowsError(try opened.keepDraft(FormDraft(session: "s2", savedAt: now, values: [:], focus: ""), for: anna.user))
        let check = StoreCheck.run(at: backupURL)
        XCTAssertTrue(check.isSound, check.problems.map(\.description).joined(separator: "\n"))
        let verification = StoreBackup.verify(backupURL)
        XCTAssertTrue(verification.isSound, verification.problems.map(\.description).joined(separator: "\n"))
    }
}
