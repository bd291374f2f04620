import Foundation
import HavenCore
import HavenStore
import HavenTestSupport
import XCTest

/// `haven stats` and the supervisor reports read each case's latest version, one summary a
/// case, however long the log has grown: on a store whose every case was saved again, and
/// whose queue index is lost (so the whole log is read), they say what they said before and
/// what the cases themselves say.
final class WholeStoreJobTests: CommandTestCase {
    func testStatsAndReportsOfALongLogCountEachCaseOnce() throws {
        XCTAssertEqual(try haven("demo", "--cases", "60", "--no-open", "--role", "administrator", "--store", store).status, 0)
        let stats = try haven("stats", "--json", "--store", store).output
        let reports = try ["pipeline", "quotas", "workload", "decisions", "outcomes"].map {
            try haven("report", "--kind", $0, "--format", "csv", "--store", store).output
        }
        let url = URL(fileURLWithPath: store)
        let opened = try FileCaseStore(at: url)
        // The demo's supervisor: a caseworker may change only the cases of theirs (need to know).
        let caseworker = Actor(user: DemoCases.supervisor, role: .supervisor)
        for round in 1...3 {
            for summary in try opened.summaries() {
                var stored = try opened.load(summary.id)
                stored.record.notes.append(Note(author: caseworker.user, at: Timestamp(secondsSinceEpoch: 1_800_000_000), text: "Round \(round)"))
                _ = try opened.save(stored.record, basedOn: stored.version, by: caseworker, at: Timestamp(secondsSinceEpoch: 1_800_000_000))
            }
        }
        unlink(url.appendingPathComponent(FileCaseStore.queueIndexFile).path)
        let lines = try String(contentsOf: url.appendingPathComponent(FileCaseStore.casesFile), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 60 * 4, "four versions of every case in the log")
        XCTAssertEqual(try haven("stats", "--json", "--store", store).output, stats)
        for (kind, before) in zip(["pipeline", "quotas", "workload", "decisions", "outcomes"], reports) {
            XCTAssertEqual(try haven("report", "--kind", kind, "--format", "csv", "--store", store).output, before, kind)
        }
        // And what the latest versions themselves say.
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(stats.utf8)) as? [String: Any])
        let byStage = try XCTUnwrap(json["byStage"] as? [String: Int])
        let cases = try FileCaseStore(at: url).allCases()
        XCTAssertEqual(json["total"] as? Int, cases.count)
        for stage in CaseStage.allCases {
            XCTAssertEqual(byStage[stage.rawValue], cases.count { $0.stage == stage }, stage.rawValue)
        }
    }
}
