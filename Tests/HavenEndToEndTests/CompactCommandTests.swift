import Foundation
import HavenCore
import HavenStore
import HavenTestSupport
import XCTest

/// `haven compact` through the real binary, by hand and started by itself after a save.
final class CompactCommandTests: CommandTestCase {
    func haven(_ arguments: [String], environment: [String] = []) throws -> (status: Int32, output: String) {
        try ChildProcess.run(["env", "-i", "PATH=/usr/bin:/bin", "HOME=\(scratch.path)", "HAVEN_DATA=\(HavenBinary.dataDirectory.path)"]
                             + environment + [HavenBinary.url.path] + arguments,
                             outputPath: scratch.appendingPathComponent("out-\(UUID().uuidString)").path)
    }

    func compactions() throws -> Int {
        try String(contentsOfFile: store + "/audit.jsonl", encoding: .utf8).split(separator: "\n")
            .count { $0.contains(#""subject":"compaction""#) }
    }

    func logSize() throws -> Int {
        try FileManager.default.attributesOfItem(atPath: store + "/cases.jsonl")[.size] as! Int
    }

    func testCompactByHandThenByItselfAfterASave() throws {
        XCTAssertEqual(try haven(["demo", "--cases", "30", "--seed", "4", "--no-open", "--role", "supervisor", "--store", store]).status, 0)
        let notDue = try haven(["compact", "--if-due", "--store", store])
        XCTAssertEqual(notDue.status, 0, notDue.output)
        XCTAssertTrue(notDue.output.hasPrefix("Not due: the log is"), notDue.output)
        XCTAssertEqual(try compactions(), 0)

        let byHand = try haven(["compact", "--store", store])
        XCTAssertEqual(byHand.status, 0, byHand.output)
        XCTAssertTrue(byHand.output.contains("Compacted \(store)/cases.jsonl") && byHand.output.contains("The audit trail keeps every change"), byHand.output)
        XCTAssertEqual(try compactions(), 1)

        // Saves through a command, with the floor lowered: the save that takes the log past
        // twice its live size starts `haven compact --if-due` by itself, and returns at once.
        let opened = try FileCaseStore(at: URL(fileURLWithPath: store))
        guard let id = try opened.summaries().first(where: { $0.stage == .relocation })?.id.rawValue else { return XCTFail("no case in Relocation") }
        var saves = 0
        while try compactions() == 1, saves < 80 {
            let saved = try haven(["travel", id, "--route", "Route \(saves): KBP–WAW, escorted", "--store", store], environment: ["HAVEN_COMPACT_FROM=0"])
            XCTAssertEqual(saved.status, 0, saved.output)
            saves += 1
            if saves > 20 { usleep(100_000) } // it runs beside, in its own process
        }
        let deadline = Date().addingTimeInterval(20)
        while try compactions() < 2, Date() < deadline { usleep(100_000) }
        XCTAssertEqual(try compactions(), 2, "a compaction started by itself after \(saves) saves")
        XCTAssertGreaterThan(saves, 3, "not before the log had grown")
        let check = StoreCheck.run(at: URL(fileURLWithPath: store)) // (haven check is for administrators and auditors)
        XCTAssertTrue(check.isSound, "\(check.problems)")
        XCTAssertEqual(check.compactions, 2)
        let after = try FileCaseStore(at: URL(fileURLWithPath: store))
        XCTAssertEqual(try after.load(CaseID(id)!).record.relocation.travelNotes.hasPrefix("Route"), true)
        XCTAssertLessThanOrEqual(after.logBytes, 2 * after.liveLogBytes, "the log is back near its live size")
    }
}
