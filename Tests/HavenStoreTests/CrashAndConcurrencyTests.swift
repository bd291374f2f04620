import Foundation
import HavenCore
@testable import HavenStore
import HavenTestSupport
import XCTest

/// Real processes, really killed and really racing: the promises of the store under faults.
/// The suites are `haven-stress crash` and `haven-stress race` (docs/reliability.md); these
/// tests run them at the size `swift test` can afford and read their reports.
final class CrashAndConcurrencyTests: StoreTestCase {
    var stress: String { ChildProcess.buildProducts.appendingPathComponent("haven-stress").path }

    func figure(_ name: String, in report: String) -> Int? {
        guard let range = report.range(of: #"(\d+) "# + name, options: .regularExpression) else { return nil }
        return Int(report[range].split(separator: " ")[0])
    }

    /// A child saving in a loop is killed with SIGKILL at a random moment, 50 times over; after
    /// each kill the store opens, and every save the children acknowledged is in it.
    func testKillingASavingProcessNeverLosesAnAcknowledgedSave() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: stress), "build haven-stress first (swift build)")
        let (status, output) = try ChildProcess.run([stress, "crash", "--kills", "50", "--directory", scratch.path],
                                                    outputPath: scratch.appendingPathComponent("crash.out").path)
        XCTAssertEqual(status, 0, output)
        let report = try XCTUnwrap(output.split(separator: "\n").last { $0.hasPrefix("crash suite:") }.map(String.init), output)
        XCTAssertTrue(report.contains("50 kills, the store opened 50 times of 50"), report)
        XCTAssertGreaterThan(figure("from a queue index", in: report) ?? 0, 25, "most openings start from the queue index the last wrote: \(report)")
        XCTAssertEqual(figure("lost", in: report), 0, report)
        XCTAssertGreaterThan(figure("acknowledged saves", in: report) ?? 0, 50, "the children did save between kills: \(report)")
        XCTAssertTrue(report.contains("haven check sound"), report)
        XCTAssertGreaterThan(figure("compactions finished beside the savers", in: report) ?? 0, 0, "compaction was in the mix: \(report)")
        XCTAssertEqual(figure("made by cutting", in: report), 5, "every tenth kill also cuts a write short: \(report)")
        // At least the tears it made: a SIGKILL during a long write can tear one more.
        XCTAssertGreaterThanOrEqual(figure("torn writes set aside and reported", in: report) ?? 0, 5, report)
        print(report)
    }

    /// Eight processes make 500 saves each on the same five cases: no update is lost, and every
    /// stale save is refused and reported to the process that made it.
    func testEightProcessesRacingLoseNoUpdate() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: stress), "build haven-stress first (swift build)")
        let (status, output) = try ChildProcess.run([stress, "race", "--processes", "8", "--saves", "500", "--directory", scratch.path],
                                                    outputPath: scratch.appendingPathComponent("race.out").path)
        XCTAssertEqual(status, 0, output)
        let report = try XCTUnwrap(output.split(separator: "\n").last { $0.hasPrefix("concurrency suite:") }.map(String.init), output)
        let saved = try XCTUnwrap(figure("saved", in: report), report)
        let conflicts = try XCTUnwrap(figure("conflicts", in: report), report)
        XCTAssertEqual(saved + conflicts, 4_000, report)
        XCTAssertGreaterThan(conflicts, 0, "the processes did race: \(report)")
        XCTAssertGreaterThan(figure("compactions beside them", in: report) ?? 0, 0, "a compaction ran beside them: \(report)")
        XCTAssertEqual(figure("lost", in: report), 0, report)
        print(report)
    }

    /// Simulated power cuts at the store's file layer (`haven-stress power-loss`): unsynced
    /// writes dropped or torn at a sector, unsynced renames and removals reordered; every
    /// acknowledged save survives, the store opens, and after opening it checks sound.
    func testPowerCutsAtTheFileLayerLoseNoAcknowledgedSave() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: stress), "build haven-stress first (swift build)")
        let (status, output) = try ChildProcess.run([stress, "power-loss", "--cuts", "120", "--directory", scratch.path],
                                                    outputPath: scratch.appendingPathComponent("power.out").path)
        XCTAssertEqual(status, 0, output)
        let report = try XCTUnwrap(output.split(separator: "\n").last { $0.hasPrefix("power-loss suite:") }.map(String.init), output)
        XCTAssertTrue(report.contains("the store opened 120 times of 120"), report)
        XCTAssertEqual(figure("lost", in: report), 0, report)
        XCTAssertGreaterThan(figure("acknowledged saves checked", in: report) ?? 0, 1000, report)
        XCTAssertGreaterThan(figure("unsynced changes dropped", in: report) ?? 0, 20, "cuts fell between writes and their fsyncs: \(report)")
        XCTAssertGreaterThan(figure("writes torn at a sector", in: report) ?? 0, 10, report)
        XCTAssertTrue(report.contains("haven check sound 120 of 120"), report)
        print(report)
    }
}
