import Foundation
import HavenCore
@testable import HavenStore
import HavenTestSupport
import XCTest

/// An import is prepared on every core and written a few megabytes at a time, and is still
/// one write of several parts to the disk: fsynced once, all there or nothing.
final class LargeImportTests: StoreTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        PieceWriter.pieceBytes = 16 << 10 // an import of a few hundred cases in many pieces
    }

    override func tearDownWithError() throws {
        PieceWriter.pieceBytes = 8 << 20
        FileLayer.observer = nil
        try super.tearDownWithError()
    }

    /// Records what the store does to the disk while installed.
    final class Recording: FileLayerObserver {
        var operations: [FileOperation] = []
        func before(_ operation: FileOperation) -> FileFault? { nil }
        func after(_ operation: FileOperation) { operations.append(operation) }

        func writes(to name: String) -> Int {
            operations.count { if case let .write(path, _, _) = $0 { return path.hasSuffix("/" + name) }; return false }
        }

        func syncs(of name: String) -> Int {
            operations.count { if case let .sync(path) = $0 { return path.hasSuffix("/" + name) }; return false }
        }
    }

    func testALargeImportIsWrittenInPiecesAndFsyncedOnce() throws {
        let store = try makeStore()
        let records = demoCases(300)
        let recording = Recording()
        FileLayer.observer = recording
        try store.importCases(records, by: admin, at: now, today: today)
        FileLayer.observer = nil
        XCTAssertGreaterThan(recording.writes(to: FileCaseStore.casesFile), 20)
        XCTAssertEqual(recording.syncs(of: FileCaseStore.casesFile), 1)
        XCTAssertGreaterThan(recording.writes(to: FileCaseStore.auditFile), 20)
        XCTAssertEqual(recording.syncs(of: FileCaseStore.auditFile), 1)
        let lines = try String(contentsOfFile: path("cases.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 300)
        XCTAssertTrue(lines.last?.contains("\"part\":300,\"parts\":300") == true, "one write of 300 parts")
        let opened = try FileCaseStore(at: storeURL, usingQueueIndex: false)
        XCTAssertEqual(try opened.allCases(), records)
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound)
    }

    /// Each new case's audit entry, made before the lock from the line's own bytes, is the
    /// entry the save contract would make: the whole case less the sensitive family fields.
    func testEachImportedCasesAuditEntryIsTheCaseDiff() throws {
        let store = try makeStore()
        let records = demoCases(120)
        XCTAssertTrue(records.contains { !$0.family.isEmpty })
        try store.importCases(records, by: admin, at: now, today: today)
        for record in records {
            let history = try store.history(of: record.id)
            XCTAssertEqual(history.count, 1)
            XCTAssertEqual(history.first?.changes, CaseDiff.changes(from: nil, to: record), "\(record.id)")
        }
    }

    /// A failure in any piece, of the log or of the trail, leaves the store as it was.
    func testAnImportThatFailsInAnyPieceLeavesNothing() throws {
        let store = try makeStore()
        _ = try store.save(demoCases(1)[0], basedOn: nil, by: anna, at: now)
        let files = StoreSnapshot.files(under: storeURL)
        var more = demoCases(200)
        for index in more.indices { more[index].id = CaseID(number: 10 + index) }
        for name in [FileCaseStore.casesFile, FileCaseStore.auditFile] {
            var seen = 0
            let layer = FaultingLayer { operation in
                guard case let .write(path, _, bytes) = operation, path.hasSuffix("/" + name) else { return nil }
                seen += 1
                return seen == 3 ? .fail(code: ENOSPC, bytesWritten: bytes.count / 2) : nil
            }
            layer.install()
            XCTAssertThrowsError(try store.importCases(more, by: admin, at: now, today: today), name)
            layer.remove()
            XCTAssertGreaterThanOrEqual(seen, 3, name)
            XCTAssertEqual(StoreSnapshot.files(under: storeURL), files, "nothing of the import is left after a failure in \(name)")
        }
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound)
        try store.importCases(more, by: admin, at: now, today: today)
        XCTAssertEqual(try FileCaseStore(at: storeURL).summaries().count, 201)
    }
}
