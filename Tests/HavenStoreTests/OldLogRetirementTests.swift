import Foundation
import Glibc
import HavenCore
@testable import HavenStore
import XCTest

/// A compaction frees the log it replaced a step at a time, and only once no session has it
/// open (`LogHold.swift`): freeing 1.5 GB at once stalled every other session's fsync at the
/// swap, and cutting a log some session still reads would hand it a damaged record.
final class OldLogRetirementTests: StoreTestCase {
    func agedStore() throws -> FileCaseStore { try savedStore(cases: 30) }

    func inode(_ path: String) -> ino_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_ino : 0
    }

    func testAnOpeningHoldsTheLogUntilItIsClosed() throws {
        let path = scratch.appendingPathComponent("log").path
        _ = FileManager.default.createFile(atPath: path, contents: Data("line\n".utf8))
        let mine = try PosixFile.openLog(path, flags: O_RDWR)
        XCTAssertFalse(mine.isHeldByOthers(), "its own hold is not another's")
        var other: PosixFile? = try PosixFile.openLog(path, flags: O_RDONLY)
        XCTAssertTrue(mine.isHeldByOthers())
        XCTAssertTrue(mine.isHeldByOthers(), "asking does not take the other's hold away")
        XCTAssertNotNil(other)
        other = nil
        XCTAssertFalse(mine.isHeldByOthers(), "a closed opening holds nothing")
        let unheld = try PosixFile(path: path, flags: O_RDONLY)
        XCTAssertFalse(mine.isHeldByOthers(), "an opening that is not a log's holds nothing")
        XCTAssertEqual(try unheld.readAll(), Array("line\n".utf8))
    }

    func testTheOldLogIsFreedOnceTheLastSessionHoldingItFollows() throws {
        FileCaseStore.retireWait = 20
        nonisolated(unsafe) let compacting = try agedStore()
        let other = try FileCaseStore(at: storeURL)
        let before = Dictionary(uniqueKeysWithValues: try other.summaries().map { ($0.id, try other.load($0.id).record) })
        let logPath = path("cases.jsonl")
        let oldInode = inode(logPath)
        nonisolated(unsafe) var report: FileCaseStore.CompactionReport?
        nonisolated(unsafe) var failure: Error?
        let done = DispatchSemaphore(value: 0)
        let (actor, time) = (anna, now)
        Thread {
            do { report = try compacting.compact(by: actor, at: time) } catch { failure = error }
            done.signal()
        }.start()
        // The swap, then the compaction waiting for `other` to let go of the old log.
        let deadline = Date().addingTimeInterval(20)
        while inode(logPath) == oldInode, Date() < deadline { usleep(1_000) }
        XCTAssertNotEqual(inode(logPath), oldInode, "the log was replaced")
        usleep(300_000)
        XCTAssertEqual(done.wait(timeout: .now()), .timedOut, "the compaction waits while a session still has the old log open")
        XCTAssertTrue(try other.refresh(), "the other session follows the compaction")
        XCTAssertEqual(done.wait(timeout: .now() + 20), .success)
        XCTAssertNil(failure)
        let finished = try XCTUnwrap(report)
        XCTAssertTrue(finished.oldLogFreedGently)
        XCTAssertGreaterThanOrEqual(finished.retireSeconds, 0.3)
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: try other.summaries().map { ($0.id, try other.load($0.id).record) }), before)
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound)
    }

    func testASessionStillHoldingTheOldLogAtTheLimitKeepsItWhole() throws {
        FileCaseStore.retireWait = 0.2
        let compacting = try agedStore()
        let other = try FileCaseStore(at: storeURL)
        let before = Dictionary(uniqueKeysWithValues: try other.summaries().map { ($0.id, try other.load($0.id).record) })
        let report = try compacting.compact(by: anna, at: now)
        XCTAssertFalse(report.oldLogFreedGently, "another session had the old log open throughout")
        // It still reads every case whole from the old log it holds, then follows.
        for (id, record) in before { XCTAssertEqual(try other.load(id).record, record) }
        XCTAssertTrue(try other.refresh())
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: try other.summaries().map { ($0.id, try other.load($0.id).record) }), before)
        XCTAssertEqual(other.compactionsFollowed, 1)
    }

    func testACompactionAloneFreesTheOldLogAtOnce() throws {
        FileCaseStore.retireWait = 20
        let store = try agedStore()
        let report = try store.compact(by: anna, at: now)
        XCTAssertTrue(report.oldLogFreedGently)
        XCTAssertLessThan(report.retireSeconds, 10, "no one else held it: no wait for the limit")
    }
}

/// A lock is waited for blocked in the kernel, which hands it over the moment it is let go;
/// an alarm ends the wait at the patience and at the limit (`LockAlarm`).
final class LockAlarmTests: StoreTestCase {
    func testTheAlarmEndsABlockedCallAndOnlyThatCall() {
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        defer { close(ends[0]); close(ends[1]) }
        var byte: UInt8 = 0
        let result = LockAlarm.interrupting(after: 0.05) { Int32(read(ends[0], &byte, 1)) }
        XCTAssertEqual(result, -1)
        XCTAssertEqual(errno, EINTR, "the read nothing was written to was interrupted")
        // Nothing is left pending: a later blocking call waits for its own end.
        let writeEnd = ends[1]
        let writer = Thread { usleep(100_000); var one: UInt8 = 7; _ = write(writeEnd, &one, 1) }
        writer.start()
        XCTAssertEqual(read(ends[0], &byte, 1), 1)
        XCTAssertEqual(byte, 7)
    }

    func testAWaiterTakesTheLockOnceLetGoAndAWaitPastTheLimitNamesTheHolder() throws {
        let path = scratch.appendingPathComponent("lock").path
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        nonisolated(unsafe) let holder = try PosixFile(path: path, flags: O_RDWR)
        let waiter = try PosixFile(path: path, flags: O_RDWR)
        try holder.lock(.exclusive)
        XCTAssertThrowsError(try waiter.lock(.exclusive, wait: LockWait(patience: 0.05, limit: 0.2, waiting: nil))) { error in
            XCTAssertTrue(error is LockTimeout, "\(error)")
        }
        let release = Thread { usleep(150_000); holder.unlock() }
        release.start()
        var told: [String] = []
        try waiter.lock(.exclusive, wait: LockWait(patience: 0.05, limit: 10, waiting: { told.append($0) }))
        XCTAssertEqual(told.count, 1, "told once who holds it, past the patience")
        XCTAssertThrowsError(try holder.lock(.exclusive, wait: .once), "the waiter holds it now")
        waiter.unlock()
    }
}

extension LockAlarmTests {
    /// The review's finding: on a dispatch worker thread SIGUSR2 is blocked, and the limit
    /// must still end the wait.
    func testAWaitOnADispatchThreadStillEndsAtItsLimit() throws {
        let path = scratch.appendingPathComponent("lock").path
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        let holder = try PosixFile(path: path, flags: O_RDWR)
        try holder.lock(.exclusive)
        defer { holder.unlock() }
        nonisolated(unsafe) var outcome: Error?
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            do {
                let waiter = try PosixFile(path: path, flags: O_RDWR)
                try waiter.lock(.exclusive, wait: LockWait(patience: 0.05, limit: 0.3, waiting: nil))
            } catch {
                outcome = error
            }
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success, "the wait ended")
        XCTAssertTrue(outcome is LockTimeout, "\(String(describing: outcome))")
    }

    /// A log opened just before a compaction's rename and held only after it is opened again,
    /// so nothing ever reads a log being cut.
    func testAnOpeningFindsTheFileAtThePathIsTheOneItHolds() throws {
        let path = scratch.appendingPathComponent("log").path
        _ = FileManager.default.createFile(atPath: path, contents: Data("old\n".utf8))
        let opened = try PosixFile.openLog(path, flags: O_RDONLY)
        XCTAssertEqual(try opened.readAll(), Array("old\n".utf8))
        // Replaced by rename: a later opening holds the new file, and the old one is held
        // only by the first opening.
        let newer = scratch.appendingPathComponent("log.new").path
        _ = FileManager.default.createFile(atPath: newer, contents: Data("new\n".utf8))
        XCTAssertEqual(rename(newer, path), 0)
        let again = try PosixFile.openLog(path, flags: O_RDWR)
        XCTAssertEqual(try again.readAll(), Array("new\n".utf8))
        XCTAssertFalse(again.isHeldByOthers(), "no one else holds the new file")
        XCTAssertTrue(try opened.status().st_ino != again.status().st_ino)
    }
}

extension LockAlarmTests {
    /// The review's finding: with no timer to be had (no /proc, the pending-signal limit), a
    /// lock let go is still taken, by polling, and a wait past the limit still ends.
    func testWithNoTimerALockLetGoIsStillTaken() throws {
        LockAlarm.unavailable = true
        defer { LockAlarm.unavailable = false }
        let path = scratch.appendingPathComponent("lock").path
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        nonisolated(unsafe) let holder = try PosixFile(path: path, flags: O_RDWR)
        let waiter = try PosixFile(path: path, flags: O_RDWR)
        try holder.lock(.exclusive)
        XCTAssertThrowsError(try waiter.lock(.exclusive, wait: LockWait(patience: 0.05, limit: 0.2, waiting: nil)))
        Thread { usleep(100_000); holder.unlock() }.start()
        try waiter.lock(.exclusive, wait: LockWait(patience: 5, limit: 5, waiting: nil))
        XCTAssertThrowsError(try holder.lock(.exclusive, wait: .once), "the waiter holds it")
    }
}
