import Foundation
import HavenTestSupport
import XCTest

/// Exports, reports and stories encrypted to a recipient's age key (issue 24): the standard
/// `age` tool decrypts each to exactly what the plain command writes; a key whose checksum
/// does not hold is refused before anything is written; the access log says it was encrypted.
final class EncryptedExportTests: XCTestCase {
    var scratch: URL!
    var store: String { scratch.appendingPathComponent("demo").path }

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/age"), FileManager.default.isExecutableFile(atPath: "/usr/bin/age-keygen") else {
            throw XCTSkip("the age tool is not installed (.ci/run installs it: apt-get install -y age)")
        }
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haven-age-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try ChildProcess.run(arguments, outputPath: scratch.appendingPathComponent("\(UUID().uuidString).out").path)
    }

    func haven(_ arguments: String...) throws -> (status: Int32, output: String) {
        try run(["env", "HAVEN_DATA=\(HavenBinary.dataDirectory.path)", HavenBinary.url.path] + arguments + ["--store", store])
    }

    func file(_ name: String) -> String { scratch.appendingPathComponent(name).path }

    func decrypt(_ path: String, _ identity: String) throws -> String {
        let plain = file(UUID().uuidString)
        let result = try run(["/usr/bin/age", "-d", "-i", identity, "-o", plain, path])
        XCTAssertEqual(result.status, 0, result.output)
        return (try? String(contentsOfFile: plain, encoding: .utf8)) ?? ""
    }

    func testTheAgeToolDecryptsEveryEncryptedFileToThePlainOne() throws {
        XCTAssertEqual(try haven("demo", "--cases", "40", "--no-open", "--role", "administrator").status, 0)
        XCTAssertEqual(try run(["/usr/bin/age-keygen", "-o", file("auditor.key")]).status, 0)
        let key = try String(contentsOfFile: file("auditor.key"), encoding: .utf8)
        let recipient = String(try XCTUnwrap(key.split(separator: "\n").first { $0.hasPrefix("# public key: ") }).dropFirst("# public key: ".count))
        try "# the auditor's key\n\(recipient)\n".write(toFile: file("recipients.txt"), atomically: true, encoding: .utf8)

        XCTAssertEqual(try haven("export", "--output", file("plain.json")).status, 0)
        var result = try haven("export", "--output", file("export.age"), "--encrypt-to", recipient)
        XCTAssertEqual(result.status, 0, result.output)
        let sealed = try Data(contentsOf: URL(fileURLWithPath: file("export.age")))
        XCTAssertTrue(sealed.starts(with: Data("age-encryption.org/v1\n".utf8)))
        XCTAssertFalse(String(decoding: sealed, as: UTF8.self).contains("HV-000001"), "nothing in the clear")
        XCTAssertEqual(try decrypt(file("export.age"), file("auditor.key")), try String(contentsOfFile: file("plain.json"), encoding: .utf8))

        result = try haven("report", "--kind", "pipeline", "--format", "csv", "--output", file("report.age"), "--encrypt-to", file("recipients.txt"))
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertEqual(try decrypt(file("report.age"), file("auditor.key")), try haven("report", "--kind", "pipeline", "--format", "csv").output)
        result = try haven("publicity", "export", "--output", file("stories.age"), "--encrypt-to", recipient)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(try decrypt(file("stories.age"), file("auditor.key")).hasPrefix("["))

        // To standard output too: a case, and its history.
        let shown = try run(["sh", "-c", "env HAVEN_DATA='\(HavenBinary.dataDirectory.path)' '\(HavenBinary.url.path)' show HV-000001 --history --reason 'Checking the history encrypted' --encrypt-to \(recipient) --store '\(store)' > '\(file("history.age"))'"])
        XCTAssertEqual(shown.status, 0, shown.output)
        XCTAssertFalse(try String(decoding: Data(contentsOf: URL(fileURLWithPath: file("history.age"))), as: UTF8.self).contains("HV-000001"))
        XCTAssertTrue(try decrypt(file("history.age"), file("auditor.key")).contains("\"caseID\":\"HV-000001\""))
        var broken = Array(recipient)
        broken[broken.count - 3] = broken[broken.count - 3] == "q" ? "p" : "q"
        result = try haven("export", "--output", file("never.age"), "--encrypt-to", String(broken))
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.output.contains("is not an age public key: its checksum does not hold"), result.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file("never.age")), "refused before anything is written")
        // The administrator may not read the access log; the file says it all the same.
        let log = try String(contentsOfFile: store + "/access.jsonl", encoding: .utf8)
        XCTAssertTrue(log.contains("to \(file("export.age")), encrypted to age1"), log)
    }
}
