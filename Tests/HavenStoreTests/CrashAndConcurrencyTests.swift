import Foundation
import HavenCore
@testable import HavenStore
import HavenTestSupport
import XCTest

/// Real processes, really killed and really racing: the promises of the store under faults.
final class CrashAndConcurrencyTests: StoreTestCase {
    var stress: String { ChildProcess.buildProducts.appendingPathComponent("haven-stress").path }

    struct Acknowledged: Hashable {
        let id: CaseID
        let version: Int
        let note: String
    }

    func acknowledgedSaves(in output: String) -> [Acknowledged] {
        output.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 4, parts[0] == "ok", let id = CaseID(String(parts[1])), let version = Int(parts[2]) else { return nil }
            return Acknowledged(id: id, version: version, note: String(parts[3]))
        }
    }

    func makeSharedStore(cases: Int) throws {
        let store = try makeStore()
        try store.importCases(demoCases(cases), by: admin, at: now, today: today)
    }

    /// A child saving in a loop is killed with SIGKILL at a random moment, 50 times over; after
    /// each kill the store opens, and every save the child acknowledged is in it.
    func testKillingASavingProcessNeverLosesAnAcknowledgedSave() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: stress), "build haven-stress first (swift build)")
        try makeSharedStore(cases: 5)
        var acknowledged: [Acknowledged] = []
        var tornWritesReported = 0
        var random = SeededGenerator(seed: 50)
        for trial in 0..<50 {
            let child = try ChildProcess([stress, "save-loop", "--store", storeURL.path, "--worker", "k\(trial)", "--seed", "\(trial)"],
                                         outputPath: scratch.appendingPathComponent("child-\(trial).out").path)
            usleep(useconds_t(30_000 + random.next() % 120_000))
            child.kill(SIGKILL)
            XCTAssertEqual(child.wait(), 128 + SIGKILL)
            acknowledged += acknowledgedSaves(in: child.output)

            let reopened = try FileCaseStore(at: storeURL)
            tornWritesReported += reopened.openingProblems.filter { $0.severity == .repaired }.count
            XCTAssertFalse(reopened.openingProblems.contains { $0.severity == .damaged }, "\(reopened.openingProblems)")
            for save in acknowledged {
                let stored = try reopened.load(save.id)
                XCTAssertGreaterThanOrEqual(stored.version.rawValue, save.version)
                XCTAssertTrue(stored.record.notes.contains { $0.text == save.note }, "trial \(trial): \(save.note) on \(save.id) was lost")
            }
        }
        XCTAssertGreaterThan(acknowledged.count, 50, "the children did save between kills")
        let report = StoreCheck.run(at: storeURL)
        XCTAssertTrue(report.isSound, report.problems.map(\.description).joined(separator: "\n"))
        print("crash suite: 50 kills, \(acknowledged.count) acknowledged saves, all present; \(tornWritesReported) torn writes set aside and reported")
    }

    /// Four processes make 200 saves each on the same five cases: no update is lost, and every
    /// stale save is refused and reported to the process that made it.
    func testFourProcessesRacingLoseNoUpdate() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: stress), "build haven-stress first (swift build)")
        try makeSharedStore(cases: 5)
        let children = try (0..<4).map { worker in
            try ChildProcess([stress, "save-loop", "--store", storeURL.path, "--worker", "w\(worker)", "--count", "200",
                              "--seed", "\(worker + 7)"],
                             outputPath: scratch.appendingPathComponent("worker-\(worker).out").path)
        }
        var acknowledged: [Acknowledged] = []
        var conflicts = 0
        for child in children {
            XCTAssertEqual(child.wait(), 0, child.output)
            acknowledged += acknowledgedSaves(in: child.output)
            conflicts += child.output.split(separator: "\n").filter { $0.hasPrefix("conflict ") }.count
        }
        XCTAssertEqual(acknowledged.count + conflicts, 800, "every attempt either saved or was told of a conflict")
        let store = try FileCaseStore(at: storeURL)
        var notesInStore = 0
        for summary in try store.summaries() {
            let stored = try store.load(summary.id)
            let mine = acknowledged.filter { $0.id == summary.id }
            notesInStore += stored.record.notes.count
            XCTAssertEqual(stored.version.rawValue, 1 + mine.count, "\(summary.id): one version per acknowledged save")
            XCTAssertEqual(Set(stored.record.notes.map(\.text)), Set(mine.map(\.note)), "\(summary.id): every acknowledged note, no other")
        }
        XCTAssertEqual(notesInStore, acknowledged.count, "zero lost updates")
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound)
        print("concurrency suite: 4 processes x 200 saves: \(acknowledged.count) saved, \(conflicts) conflicts reported, 0 lost")
    }
}
