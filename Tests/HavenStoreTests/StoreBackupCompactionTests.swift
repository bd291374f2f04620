import Foundation
import HavenCore
@testable import HavenStore
import XCTest

/// A backup and a compaction (issue 21) together: the backup copies the log of its cut, even
/// when a compaction renames a new one into place while it copies, and a backup of a
/// compacted store verifies.
final class StoreBackupCompactionTests: StoreTestCase {
    var backupURL: URL { scratch.appendingPathComponent("backup") }

    func agedStore() throws -> FileCaseStore { try savedStore(cases: 10) }

    func testACompactionDuringTheCopyLeavesTheBackupWithTheLogOfItsCut() throws {
        let store = try agedStore()
        let logAtCut = try Data(contentsOf: URL(fileURLWithPath: path(FileCaseStore.casesFile)))
        var compacted: FileCaseStore.CompactionReport?
        let manifest = try StoreBackup.take(of: storeURL, into: backupURL, by: "root", progress: { done, _ in
            guard done == 0, compacted == nil else { return }
            compacted = try? store.compact(by: self.anna, at: self.now)
        })
        XCTAssertNotNil(compacted, "the compaction ran while the backup held its cut")
        XCTAssertLessThan(try Data(contentsOf: URL(fileURLWithPath: path(FileCaseStore.casesFile))).count, logAtCut.count, "the live log was compacted")
        XCTAssertEqual(try Data(contentsOf: backupURL.appendingPathComponent(FileCaseStore.casesFile)), logAtCut, "the copy is the log of the cut")
        XCTAssertEqual(manifest.recordCount, 40)
        let verification = StoreBackup.verify(backupURL)
        XCTAssertTrue(verification.isSound, verification.problems.map(\.description).joined(separator: "\n"))
    }

    func testABackupOfACompactedStoreVerifiesAndRestores() throws {
        let store = try agedStore()
        _ = try store.compact(by: anna, at: now)
        let manifest = try StoreBackup.take(of: storeURL, into: backupURL, by: "root")
        XCTAssertEqual(manifest.recordCount, 10)
        XCTAssertEqual(manifest.caseCount, 10)
        let verification = StoreBackup.verify(backupURL)
        XCTAssertTrue(verification.isSound, verification.problems.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(verification.check?.compactions, 1)
        let restored = try StoreBackup.restore(from: backupURL, to: scratch.appendingPathComponent("restored"))
        XCTAssertTrue(restored.check.isSound, restored.check.problems.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(try FileCaseStore(at: scratch.appendingPathComponent("restored")).allCases(), try store.allCases())
    }
}
