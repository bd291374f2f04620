import Foundation
import HavenCore
import HavenTestSupport
import XCTest

/// The data commands of the real binary, as an administrator would type them.
final class CommandLineTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haven-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Runs haven with `arguments`; its status and what it printed (stdout and stderr together).
    @discardableResult
    func haven(_ arguments: String...) throws -> (status: Int32, output: String) {
        try ChildProcess.run(["env", "-i", "PATH=/usr/bin:/bin", "HOME=\(scratch.path)", "XDG_DATA_HOME=\(scratch.path)/xdg",
                              "HAVEN_DATA=\(HavenBinary.dataDirectory.path)", HavenBinary.url.path] + arguments,
                             outputPath: scratch.appendingPathComponent("out-\(UUID().uuidString)").path)
    }

    func store(_ name: String) -> String { scratch.appendingPathComponent(name).path }

    func mode(_ path: String) throws -> Int {
        try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    func testAMissingStoreSaysHowToCreateOne() throws {
        let result = try haven("--store", store("none"))
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.output, "Error: The store cannot be used: there is no store at \(store("none")); create one with 'haven init --store \(store("none"))'\n")
    }

    func testInitMakesAPrivateStoreAndTheDefaultFollowsXDG() throws {
        XCTAssertEqual(try haven("init").status, 0)
        let xdg = scratch.appendingPathComponent("xdg/haven").path
        XCTAssertEqual(try mode(xdg), 0o700)
        XCTAssertEqual(try mode("\(xdg)/cases.jsonl"), 0o600)
        let again = try haven("init")
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.output.contains("already exists and is not empty"), again.output)
        XCTAssertEqual(try haven("check").output, "0 cases, 0 saved versions, 0 audit entries: sound\n")
    }

    func testDemoWritesOnlyDemoStoresAndIsRepeatable() throws {
        XCTAssertEqual(try haven("demo", "--cases", "120", "--seed", "7", "--no-open", "--role", "administrator", "--store", store("demo")).status, 0)
        let first = try haven("export", "--store", store("demo")).output
        XCTAssertEqual(try haven("demo", "--cases", "120", "--seed", "7", "--no-open", "--role", "administrator", "--store", store("demo")).status, 0)
        XCTAssertEqual(try haven("export", "--store", store("demo")).output, first, "the same seed writes the same cases")
        XCTAssertEqual(try haven("init", "--store", store("live")).status, 0)
        let refused = try haven("demo", "--no-open", "--store", store("live"))
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.output.contains("is not a demo store"), refused.output)
        let stats = try haven("stats", "--json", "--store", store("demo"))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(stats.output.utf8)) as? [String: Any])
        XCTAssertEqual(json["total"] as? Int, 120)
        let byStage = try XCTUnwrap(json["byStage"] as? [String: Int])
        XCTAssertEqual(byStage.values.reduce(0, +), 120)
        XCTAssertEqual(Set(byStage.keys), Set(CaseStage.allCases.map(\.rawValue)))
        XCTAssertTrue(byStage.values.allSatisfy { $0 > 0 }, "every stage of the pipeline is represented: \(byStage)")
    }

    func testImportNamesTheBadRecordAndWritesNothing() throws {
        XCTAssertEqual(try haven("init", "--store", store("live")).status, 0)
        let bad = scratch.appendingPathComponent("bad.json").path
        try "[\n  {\"id\": \"HV-000001\", \"defector\": 5}\n]\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let result = try haven("import", bad, "--store", store("live"))
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.output.contains("\(bad), line 2, column 35 (at [0].defector): expected an object {...}; found number"), result.output)
        XCTAssertEqual(try haven("stats", "--json", "--store", store("live")).output.contains("\"total\":0"), true)
    }

    func testExportIsPrivateAndNeverOverwrites() throws {
        XCTAssertEqual(try haven("demo", "--cases", "30", "--no-open", "--role", "administrator", "--store", store("demo")).status, 0)
        let csv = scratch.appendingPathComponent("cases.csv").path
        XCTAssertEqual(try haven("export", "--format", "csv", "--output", csv, "--store", store("demo")).status, 0)
        XCTAssertEqual(try mode(csv), 0o600)
        let text = try String(contentsOfFile: csv, encoding: .utf8)
        XCTAssertEqual(text.components(separatedBy: "\r\n").count, 32)
        let again = try haven("export", "--output", csv, "--store", store("demo"))
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.output.contains("already exists; Haven does not write over files"), again.output)
    }

    func testCheckFailsOnTamperingAndNamesIt() throws {
        XCTAssertEqual(try haven("demo", "--cases", "10", "--no-open", "--role", "administrator", "--store", store("demo")).status, 0)
        XCTAssertEqual(try haven("check", "--store", store("demo")).status, 0)
        let audit = store("demo") + "/audit.jsonl"
        var lines = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.remove(at: 4)
        try (lines.joined(separator: "\n") + "\n").write(toFile: audit, atomically: false, encoding: .utf8)
        let result = try haven("check", "--store", store("demo"))
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.output.contains("audit.jsonl, line 5: the entry does not follow the one before it"), result.output)
        XCTAssertTrue(result.output.hasSuffix("10 cases, 10 saved versions, 17 audit entries (8 of them not about a case: users, countries, courses, openings, compactions or backups): 2 problem(s)\n"), result.output)
    }
}

extension CommandLineTests {
    func testImportReadsStandardInput() throws {
        XCTAssertEqual(try haven("demo", "--cases", "12", "--no-open", "--role", "administrator", "--store", store("demo")).status, 0)
        let exported = scratch.appendingPathComponent("all.json").path
        XCTAssertEqual(try haven("export", "--include-sensitive", "--output", exported, "--store", store("demo")).status, 0)
        XCTAssertEqual(try haven("init", "--store", store("live")).status, 0)
        let result = try ChildProcess.run(["sh", "-c", "env HAVEN_DATA='\(HavenBinary.dataDirectory.path)' '\(HavenBinary.url.path)' import - --store '\(store("live"))' < '\(exported)'"],
                                          outputPath: scratch.appendingPathComponent("stdin.out").path)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertEqual(result.output, "Imported 12 cases into \(store("live")).\n")
        XCTAssertEqual(try haven("export", "--include-sensitive", "--store", store("live")).output, try String(contentsOfFile: exported, encoding: .utf8))
    }
}

extension CommandLineTests {
    /// What `haven export --help` promises `haven import` reads back is what it reads back; an
    /// export that left family whereabouts out is refused with one message saying what to do.
    func testImportReadsBackWhatTheExportHelpPromisesAndNoMore() throws {
        func words(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let exportHelp = words(try haven("export", "--help").output)
        XCTAssertTrue(exportHelp.contains("'haven import' reads back a JSON export made with --include-sensitive, and one made without it when none of its cases has family"), exportHelp)
        let importHelp = words(try haven("import", "--help").output)
        XCTAssertTrue(importHelp.contains("An export made without --include-sensitive is read back only when none of its cases has family"), importHelp)

        XCTAssertEqual(try haven("demo", "--cases", "12", "--no-open", "--role", "administrator", "--store", store("demo")).status, 0)
        let reduced = scratch.appendingPathComponent("reduced.json").path
        XCTAssertEqual(try haven("export", "--output", reduced, "--store", store("demo")).status, 0)
        let cases = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reduced))) as? [[String: Any]])
        let first = try XCTUnwrap(cases.firstIndex { !(($0["family"] as? [Any]) ?? []).isEmpty })
        let id = try XCTUnwrap(cases[first]["id"] as? String)
        XCTAssertEqual(try haven("init", "--store", store("live")).status, 0)
        let refused = try haven("import", reduced, "--store", store("live"))
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(words(refused.output), words("""
            Error: \(reduced): \(id) (record \(first)) lists family members without their whereabouts, country, contact or notes: \
            the file was exported without the sensitive fields, and importing it would lose where the family is. Nothing was imported. \
            Ask an administrator to export again with 'haven export --include-sensitive' and import that file.
            """))
        XCTAssertTrue(try haven("stats", "--json", "--store", store("live")).output.contains("\"total\":0"))
        let whole = scratch.appendingPathComponent("whole.json").path
        XCTAssertEqual(try haven("export", "--include-sensitive", "--output", whole, "--store", store("demo")).status, 0)
        XCTAssertEqual(try haven("import", whole, "--store", store("live")).status, 0)
        XCTAssertEqual(try haven("export", "--include-sensitive", "--store", store("live")).output, try String(contentsOfFile: whole, encoding: .utf8))
    }
}
