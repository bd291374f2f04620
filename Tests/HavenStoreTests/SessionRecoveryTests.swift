import Foundation
import Glibc
import HavenCore
@testable import HavenStore
import XCTest

/// What a session does when its view of the files goes wrong: a reopen that fails part-way, a
/// torn write set aside, an index pointing at another case's line (review of issue 21).
final class SessionRecoveryTests: StoreTestCase {
    func addNote(_ number: Int, _ text: String, in store: FileCaseStore) throws {
        let stored = try store.load(CaseID(number: number))
        var record = stored.record
        record.notes.append(Note(author: anna.user, at: now, text: text))
        _ = try store.save(record, basedOn: stored.version, by: anna, at: now)
    }

    func assertSameAsAFreshOpening(_ session: FileCaseStore, file: StaticString = #filePath, line: UInt = #line) throws {
        let fresh = try FileCaseStore(at: storeURL)
        XCTAssertEqual(try session.summaries(), try fresh.summaries(), file: file, line: line)
        for summary in try fresh.summaries() {
            XCTAssertEqual(try session.load(summary.id).record, try fresh.load(summary.id).record, file: file, line: line)
        }
    }

    /// The new log's lock held past the limit while a session that cannot follow the
    /// compaction reads it: the look fails, and the next one reads everything again rather
    /// than read the new log from the old one's positions.
    func testAReopenThatFailsPartWayIsDoneAgainAtTheNextLook() throws {
        let store = try makeStore()
        try store.importCases(demoCases(30), by: admin, at: now, today: today)
        for round in 0..<3 { for number in 1...30 { try addNote(number, "round \(round)", in: store) } }
        let behind = try FileCaseStore(at: storeURL)
        let other = try FileCaseStore(at: storeURL)
        try addNote(5, "saved before the compaction, unseen", in: other)
        _ = try store.compact(by: admin, at: now)
        unlink(path(CompactionMoves.fileName))
        let holder = open(path("cases.jsonl"), O_RDONLY)
        defer { close(holder) }
        flock(holder, LOCK_EX)
        let (patience, limit) = (FileCaseStore.lockPatience, FileCaseStore.lockLimit)
        FileCaseStore.lockPatience = 0.05
        FileCaseStore.lockLimit = 0.2
        defer { (FileCaseStore.lockPatience, FileCaseStore.lockLimit) = (patience, limit) }
        XCTAssertThrowsError(try behind.refresh())
        flock(holder, LOCK_UN)
        XCTAssertTrue(behind.needsReopen)
        // The log grows past where the session had read the old one.
        XCTAssertTrue(try other.refresh())
        for number in 10..<40 { try addNote(10 + number % 15, "filler \(number)", in: other) }
        XCTAssertTrue(try behind.refresh())
        XCTAssertFalse(behind.needsReopen)
        XCTAssertTrue(behind.openingProblems.allSatisfy { $0.severity != .damaged }, "\(behind.openingProblems)")
        try assertSameAsAFreshOpening(behind)
        try addNote(5, "saved by the session that was behind", in: behind)
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound, "\(StoreCheck.run(at: storeURL).problems)")
    }

    /// A torn write set aside leaves the log shorter; another session's save that brings it
    /// back to exactly the torn length is a new line, not the torn write again.
    func testASaveThatBringsTheLogBackToATornWritesLengthIsTakenIn() throws {
        let store = try makeStore()
        try store.importCases(demoCases(30), by: admin, at: now, today: today)
        let longNote = String(repeating: "x", count: 6_000)
        // How long a save of that note on case 7 is, measured on a copy.
        let copy = scratch.appendingPathComponent("copy")
        try FileManager.default.copyItem(at: storeURL, to: copy)
        let copied = try FileCaseStore(at: copy)
        let before = copied.cases.size
        let stored7 = try copied.load(CaseID(number: 7))
        var record7 = stored7.record
        record7.notes.append(Note(author: anna.user, at: now, text: longNote))
        _ = try copied.save(record7, basedOn: stored7.version, by: anna, at: now)
        let saveLength = copied.cases.size - before
        // A torn write of two cases: its first part whole, its second cut so the two are as long as that save.
        var header1 = FileCaseStore.header(of: try store.load(CaseID(number: 1)).record, version: CaseVersion(2), part: 0, of: 2, by: anna, at: now)
        header1.auditSequence = store.lastAuditSequence + 1
        let line1 = try CaseRecordLine.encode(try store.load(CaseID(number: 1)).record, header: header1)
        var record2 = try store.load(CaseID(number: 2)).record
        record2.notes.append(Note(author: anna.user, at: now, text: longNote + longNote))
        var header2 = FileCaseStore.header(of: record2, version: CaseVersion(2), part: 1, of: 2, by: anna, at: now)
        header2.auditSequence = header1.auditSequence + 1
        let line2 = try CaseRecordLine.encode(record2, header: header2)
        let cut = saveLength - line1.count
        XCTAssertTrue(cut > 0 && cut < line2.count)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path("cases.jsonl")))
        handle.seekToEndOfFile()
        handle.write(Data(line1 + line2.prefix(cut)))
        try handle.close()

        let first = try FileCaseStore(at: storeURL) // finds the torn write and sets it aside
        XCTAssertEqual(first.cases.size, before, "the torn write was set aside")
        let other = try FileCaseStore(at: storeURL)
        let stored = try other.load(CaseID(number: 7))
        var record = stored.record
        record.notes.append(Note(author: oleh.user, at: now, text: longNote))
        _ = try other.save(record, basedOn: stored.version, by: oleh, at: now)
        _ = try first.refresh()
        XCTAssertEqual(try first.load(CaseID(number: 7)).version, stored.version.next, "the other session's save is seen")
        try addNote(7, "saved on what the first session saw", in: first)
        let notes = try FileCaseStore(at: storeURL).load(CaseID(number: 7)).record.notes.map(\.text)
        XCTAssertTrue(notes.contains(longNote))
        XCTAssertEqual(notes.last, "saved on what the first session saw")
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound, "\(StoreCheck.run(at: storeURL).problems)")
    }

    /// An index entry that points at another case's sound line is never handed out as that
    /// case: the session reads the log again and finds the right one.
    func testAnIndexPointingAtAnotherCasesLineIsNeverServed() throws {
        let store = try makeStore()
        try store.importCases(demoCases(10), by: admin, at: now, today: today)
        let wrong = try XCTUnwrap(store.index[CaseID(number: 4)])
        var entry = try XCTUnwrap(store.index[CaseID(number: 3)])
        entry.offset = wrong.offset
        entry.length = wrong.length
        store.entryList[try XCTUnwrap(store.position(of: entry.id))] = entry
        let loaded = try store.load(CaseID(number: 3))
        XCTAssertEqual(loaded.record.id, CaseID(number: 3))
        XCTAssertEqual(loaded.record, try FileCaseStore(at: storeURL).load(CaseID(number: 3)).record)
    }
}
