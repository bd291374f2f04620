import Foundation
import HavenStore
import HavenTestSupport
import XCTest

/// `haven research-export` on a demo store (issue 24): every written group of the
/// quasi-identifiers holds five or more people, no case number or name is in the file, dates
/// are months, and a kept key gives the same pseudonyms twice while none gives new ones.
final class ResearchExportCommandTests: XCTestCase {
    var scratch: URL!
    var store: String { scratch.appendingPathComponent("demo").path }

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haven-research-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func haven(_ arguments: String...) throws -> (status: Int32, output: String) {
        try ChildProcess.run(["env", "HAVEN_DATA=\(HavenBinary.dataDirectory.path)", HavenBinary.url.path] + arguments + ["--store", store],
                             outputPath: scratch.appendingPathComponent("\(UUID().uuidString).out").path)
    }

    func file(_ name: String) -> String { scratch.appendingPathComponent(name).path }

    func rows(_ path: String) throws -> [[String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    func testEveryGroupHoldsFiveAndNothingNamesAPerson() throws {
        XCTAssertEqual(try haven("demo", "--cases", "600", "--no-open", "--role", "supervisor").status, 0)
        try Data((0..<32).map { UInt8($0 * 7 + 1) }).write(to: URL(fileURLWithPath: file("research.key")))
        var result = try haven("research-export", "--output", file("one.csv"), "--key-file", file("research.key"))
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("were left out"), result.output)
        let one = try rows(file("one.csv"))
        XCTAssertGreaterThan(one.count, 100, "most of 600 cases are in groups of five or more")
        var sizes: [String: Int] = [:]
        for row in one { sizes[row[1...4].joined(separator: "|"), default: 0] += 1 }
        XCTAssertTrue(sizes.values.allSatisfy { $0 >= 5 }, "\(sizes.filter { $0.value < 5 })")
        let text = try String(contentsOfFile: file("one.csv"), encoding: .utf8)
        XCTAssertFalse(text.contains("HV-"))
        XCTAssertTrue(one.allSatisfy { $0[0].hasPrefix("p") && $0[0].count == 17 }, "a letter, then 16 hex digits")
        XCTAssertNil(text.range(of: "[А-Яа-яЁё]", options: .regularExpression), "no name in either script")
        XCTAssertNil(text.range(of: "\\d{4}-\\d{2}-\\d{2}", options: .regularExpression), "no day, only months")
        // The same key, the same pseudonyms; no key, others.
        XCTAssertEqual(try haven("research-export", "--output", file("two.csv"), "--key-file", file("research.key")).status, 0)
        XCTAssertEqual(Set(try rows(file("two.csv")).map { $0[0] }), Set(one.map { $0[0] }))
        result = try haven("research-export", "--output", file("three.csv"))
        XCTAssertTrue(result.output.contains("link to no other export"), result.output)
        XCTAssertTrue(Set(try rows(file("three.csv")).map { $0[0] }).isDisjoint(with: Set(one.map { $0[0] })))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: file("short.key")))
        result = try haven("research-export", "--output", file("four.csv"), "--key-file", file("short.key"))
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.output.contains("at least 32 bytes"), result.output)
    }
}

extension ResearchExportCommandTests {
    /// `haven subject-export` (issue 24): the case whole, its history and who opened it, as
    /// JSON and text, in a new folder; the request is in the audit trail and the access log.
    func testASubjectExportHoldsEverythingAboutThePersonAndIsRecorded() throws {
        XCTAssertEqual(try haven("demo", "--cases", "60", "--no-open", "--role", "supervisor").status, 0)
        // A case with family, to see the whereabouts the person is owed (found in the log's summaries).
        let lines = try String(contentsOfFile: store + "/cases.jsonl", encoding: .utf8).split(separator: "\n")
        let records = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.compactMap { $0["record"] as? [String: Any] }
        let withFamily = try XCTUnwrap(records.first { ($0["summary"] as? [String: Any])?["family"] != nil })
        let id = try XCTUnwrap(withFamily["id"] as? String)
        XCTAssertEqual(try haven("show", id).status, 0)
        var result = try haven("subject-export", id, "--output", file("dsr"), "--reason", "short")
        XCTAssertEqual(result.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file("dsr")), "refused before anything is written")
        result = try haven("subject-export", id, "--output", file("dsr"), "--reason", "Data-subject request 2026-41, letter of 1 December")
        XCTAssertEqual(result.status, 0, result.output)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file("dsr/\(id).json")))) as? [String: Any])
        XCTAssertEqual((json["case"] as? [String: Any])?["id"] as? String, id)
        XCTAssertFalse((json["history"] as? [Any] ?? []).isEmpty)
        let access = try XCTUnwrap(json["access"] as? [[String: Any]])
        XCTAssertEqual(access.map { $0["part"] as? String }, ["case", "subject-export"], "the earlier opening, then this export")
        let family = try XCTUnwrap((json["case"] as? [String: Any])?["family"] as? [[String: Any]])
        XCTAssertNotNil(family.first?["whereabouts"], "the family in full, whereabouts included")
        let text = try String(contentsOfFile: file("dsr/\(id).txt"), encoding: .utf8)
        for expected in ["Everything Haven holds about \(id)", "== Person", "== Family, in full", "== Every change", "== Who opened it",
                         "== Whole-store exports and reports", "Data-subject request 2026-41"] {
            XCTAssertTrue(text.contains(expected), "\(expected) in:\n\(text.prefix(1500))")
        }
        XCTAssertTrue(text.contains("opened subject export \(id) — reason: Data-subject request 2026-41"), text)
        var info = stat()
        XCTAssertEqual(stat(file("dsr"), &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o700)
        let trail = try String(contentsOfFile: store + "/audit.jsonl", encoding: .utf8)
        XCTAssertTrue(trail.contains("\"subject\":\"subject-export\"") && trail.contains("Data-subject request 2026-41"), "audited")
        result = try haven("subject-export", id, "--output", file("dsr"), "--reason", "Data-subject request 2026-41 again")
        XCTAssertEqual(result.status, 1, "never into a folder that exists")
        result = try haven("subject-export", id, "--output", store + "/inside", "--reason", "Data-subject request 2026-41 again")
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.output.contains("is inside the store"), result.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: store + "/inside"))
        // haven check's own code (the demo's supervisor may not run the command).
        let check = StoreCheck.run(at: URL(fileURLWithPath: store))
        XCTAssertTrue(check.isSound, check.problems.map(\.description).joined(separator: "\n"))
    }
}
