import Foundation
import HavenCore
@testable import HavenStore
import XCTest

/// The access log on disk (issue 24): every opening through the store is written before the
/// case is handed over, chained like the audit trail so that `haven check` finds an edit, a
/// removal or an insertion; the need-to-know rule holds for reads and saves alike.
final class AccessLogStoreTests: StoreTestCase {
    let vera = Actor(user: "vera.t", role: .caseworker)
    let maria = Actor(user: "maria.s", role: .supervisor)

    /// The fixture store, vera.t a caseworker of another team, and two cases of anna.k's.
    func storeWithCases() throws -> FileCaseStore {
        let store = try makeStore()
        _ = try store.changeUsers(.add("vera.t", .caseworker), by: admin, at: now)
        _ = try store.changeUsers(.setTeam("vera.t", "lviv"), by: admin, at: now)
        for number in 1...2 {
            var record = Case(id: CaseID(number: number), defector: demoCases(1)[0].defector, registeredBy: "anna.k", registeredAt: now)
            record.assignedTo = "anna.k"
            _ = try store.save(record, basedOn: nil, by: anna, at: now)
        }
        return store
    }

    func reader(_ actor: Actor, _ session: String = "s1") -> Reader { Reader(actor: actor, session: session) }

    func accessLines() throws -> [String] {
        try String(contentsOfFile: path(AccessLog.fileName), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func testEveryOpeningIsLoggedChainedAndChecked() throws {
        let store = try storeWithCases()
        let id = CaseID(number: 1)
        _ = try store.read(id, part: .caseRecord, by: reader(anna), reason: nil, at: now)
        _ = try store.read(id, part: .family, by: reader(anna), reason: nil, at: now)
        XCTAssertThrowsError(try store.read(id, part: .caseRecord, by: reader(vera, "v1"), reason: nil, at: now)) { error in
            XCTAssertEqual(error as? StoreError, .needToKnow(.reasonNeeded(id)))
        }
        _ = try store.read(id, part: .caseRecord, by: reader(vera, "v1"), reason: "Covering Anna's interview today", at: now)
        // Another session (another process) appends after this one's entries, on the same chain.
        let other = try FileCaseStore(at: storeURL)
        _ = try other.read(id, part: .history, by: reader(maria, "m1"), reason: nil, at: now)
        try store.logAccess(AccessEntry(at: now, user: "root", role: .administrator, session: "cmd-1", part: .export, outcome: .opened,
                                        detail: "2 cases as json"))

        let entries = try store.accessLog(matching: AccessFilter(), limit: 100)
        XCTAssertEqual(entries.map(\.sequence), [6, 5, 4, 3, 2, 1])
        XCTAssertEqual(entries.map(\.outcome), [.opened, .opened, .reasoned, .refused, .opened, .opened])
        XCTAssertEqual(entries.map(\.part), [.export, .history, .caseRecord, .caseRecord, .family, .caseRecord])
        XCTAssertEqual(entries[2].reason, "Covering Anna's interview today")
        XCTAssertEqual(entries[1].session, "m1")
        XCTAssertEqual(try store.accessLog(matching: AccessFilter(user: "vera.t"), limit: 100).count, 2)
        XCTAssertEqual(try store.accessLog(matching: AccessFilter(caseID: id, reasonedOnly: true), limit: 100).map(\.outcome), [.reasoned, .refused])
        XCTAssertEqual(try store.accessLog(matching: AccessFilter(supervisorsCopy: true), limit: 100).map(\.outcome), [.reasoned],
                       "the supervisors' copy holds the reasons, not the refusal that only asked for one")
        var report = StoreCheck.run(at: storeURL)
        XCTAssertTrue(report.isSound, report.problems.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(report.accessEntryCount, 6)

        // An edited entry, a removed one, an edited copy: each named by `haven check`.
        var lines = try accessLines()
        let original = lines
        lines[2] = lines[2].replacingOccurrences(of: "vera.t", with: "anna.k")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path(AccessLog.fileName), atomically: false, encoding: .utf8)
        report = StoreCheck.run(at: storeURL)
        XCTAssertTrue(report.problems.contains { $0.severity == .damaged && $0.position.hasPrefix("line 3") && $0.message.contains("edited") },
                      report.problems.map(\.description).joined(separator: "\n"))
        lines = original
        lines.remove(at: 1)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path(AccessLog.fileName), atomically: false, encoding: .utf8)
        report = StoreCheck.run(at: storeURL)
        XCTAssertTrue(report.problems.contains { $0.severity == .damaged && $0.position.hasPrefix("line 2") }, report.problems.map(\.description).joined(separator: "\n"))
        try (original.joined(separator: "\n") + "\n").write(toFile: path(AccessLog.fileName), atomically: false, encoding: .utf8)
        let copy = try String(contentsOfFile: path(AccessLog.reasonsFileName), encoding: .utf8)
        try copy.replacingOccurrences(of: "Covering", with: "Checking").write(toFile: path(AccessLog.reasonsFileName), atomically: false, encoding: .utf8)
        report = StoreCheck.run(at: storeURL)
        XCTAssertTrue(report.problems.contains { $0.file.hasSuffix(AccessLog.reasonsFileName) && $0.severity == .damaged },
                      report.problems.map(\.description).joined(separator: "\n"))
        // A reason deleted from the copy: supervisors were never shown it, and check says so.
        try "".write(toFile: path(AccessLog.reasonsFileName), atomically: false, encoding: .utf8)
        report = StoreCheck.run(at: storeURL)
        XCTAssertTrue(report.problems.contains { $0.position == "entry 4" && $0.message.contains("vera.t's broke glass on HV-000001 is in the access log but not here") },
                      report.problems.map(\.description).joined(separator: "\n"))
    }

    func testATornLastEntryIsSetAsideAndTheChainGoesOn() throws {
        let store = try storeWithCases()
        _ = try store.read(CaseID(number: 1), part: .caseRecord, by: reader(anna), reason: nil, at: now)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path(AccessLog.fileName)))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"at":"2026-11-24T10:00:00Z","caseID":"HV-0"#.utf8))
        handle.closeFile()
        XCTAssertEqual(StoreCheck.run(at: storeURL).problems.filter { $0.severity == .damaged }.count, 0, "a torn write is not damage")
        let later = try FileCaseStore(at: storeURL)
        _ = try later.read(CaseID(number: 2), part: .caseRecord, by: reader(anna, "s2"), reason: nil, at: now)
        XCTAssertEqual(try later.accessLog(matching: AccessFilter(), limit: 10).map(\.sequence), [2, 1])
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: path(FileCaseStore.quarantineDirectory)).contains { $0.hasPrefix("access.jsonl.torn") })
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound)
    }

    func testSavesFollowTheRuleAndARestrictionTravelsWithTheSummary() throws {
        let store = try storeWithCases()
        let id = CaseID(number: 1)
        let stored = try store.load(id)
        let noted = try Workflow.addNote("Met him at the centre", on: stored.record, by: vera, at: now)
        XCTAssertThrowsError(try store.save(noted, basedOn: stored.version, by: vera, at: now)) { error in
            XCTAssertEqual(error as? StoreError, .forbidden(NeedToKnowError.reasonNeeded(id).description))
        }
        XCTAssertNoThrow(try store.save(try Workflow.addNote("Same team", on: stored.record, by: oleh, at: now), basedOn: stored.version, by: oleh, at: now),
                         "oleh.m is in anna.k's team")
        let restricted = try Workflow.restrict(try store.load(id).record, team: ["vera.t"], reason: "Publicised defector", users: try store.users(),
                                               by: maria, at: now)
        _ = try store.save(restricted, basedOn: CaseVersion(2), by: maria, at: now)
        XCTAssertThrowsError(try store.save(try Workflow.addNote("Team", on: restricted, by: oleh, at: now), basedOn: CaseVersion(3), by: oleh, at: now),
                             "her team-mate is outside the case's team now")
        XCTAssertNoThrow(try store.save(try Workflow.addNote("Named", on: restricted, by: vera, at: now), basedOn: CaseVersion(3), by: vera, at: now))
        // Opened again (from the log's headers, then from the queue index): the team is in the summary.
        let threshold = FileCaseStore.queueIndexThresholdBytes
        FileCaseStore.queueIndexThresholdBytes = 0
        defer { FileCaseStore.queueIndexThresholdBytes = threshold }
        for _ in 0..<2 {
            let reopened = try FileCaseStore(at: storeURL)
            FileCaseStore.waitForQueueIndexWrites()
            XCTAssertEqual(reopened.summary(of: id)?.restriction?.team, ["anna.k", "vera.t"])
            XCTAssertEqual(NeedToKnow.masking(try reopened.summaries(), for: oleh)[0].latinName, NeedToKnow.maskedName)
        }
    }

    func testAReadOnlyCopyReadsUnrecordedAndABackupHoldsTheLog() throws {
        let store = try storeWithCases()
        let backup = scratch.appendingPathComponent("backup")
        try StoreBackup.take(of: storeURL, into: backup, by: "root")
        _ = try store.read(CaseID(number: 1), part: .caseRecord, by: reader(anna), reason: nil, at: now)
        // A backup (like a store on a read-only disk) is for recovery: it is read, and the rule
        // still holds, but nothing can be written there.
        let readOnly = try FileCaseStore(at: backup)
        XCTAssertNoThrow(try readOnly.read(CaseID(number: 1), part: .caseRecord, by: reader(anna), reason: nil, at: now))
        XCTAssertThrowsError(try readOnly.read(CaseID(number: 1), part: .caseRecord, by: reader(vera), reason: nil, at: now))
        XCTAssertFalse(FileManager.default.fileExists(atPath: backup.appendingPathComponent(AccessLog.fileName).path))
        let second = scratch.appendingPathComponent("backup2")
        try StoreBackup.take(of: storeURL, into: second, by: "root")
        XCTAssertEqual(try Data(contentsOf: second.appendingPathComponent(AccessLog.fileName)), try Data(contentsOf: URL(fileURLWithPath: path(AccessLog.fileName))),
                       "a backup holds the access log")
        XCTAssertTrue(StoreBackup.verify(second).isSound)
    }
}
