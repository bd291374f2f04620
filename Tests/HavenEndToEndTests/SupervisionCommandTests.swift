import Foundation
import HavenCore
import HavenTestSupport
import XCTest

/// `haven users` and `haven report`, and identity taken from the OS account, through the real binary.
final class SupervisionCommandTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haven-sup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    @discardableResult
    func haven(_ arguments: String..., environment: [String] = []) throws -> (status: Int32, output: String) {
        try ChildProcess.run(["env", "-i", "PATH=/usr/bin:/bin", "HOME=\(scratch.path)", "XDG_DATA_HOME=\(scratch.path)/xdg",
                              "HAVEN_DATA=\(HavenBinary.dataDirectory.path)"] + environment + [HavenBinary.url.path] + arguments,
                             outputPath: scratch.appendingPathComponent("out-\(UUID().uuidString)").path)
    }

    var me: String { String(cString: getpwuid(getuid())!.pointee.pw_name) }
    var store: String { scratch.appendingPathComponent("store").path }

    func testTheCreatorAdministersUsers() throws {
        let created = try haven("init", "--store", store)
        XCTAssertEqual(created.status, 0)
        XCTAssertTrue(created.output.contains("\(me) is its administrator"), created.output)
        // Only accounts the server has can be given a role.
        let unknown = try haven("users", "add", "no-such-account-x", "--role", "caseworker", "--store", store)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.output.contains("There is no user account 'no-such-account-x' on this server."), unknown.output)
        let badRole = try haven("users", "add", "daemon", "--role", "boss", "--store", store)
        XCTAssertNotEqual(badRole.status, 0)
        XCTAssertTrue(badRole.output.contains("boss"), badRole.output)
        XCTAssertEqual(try haven("users", "add", "daemon", "--role", "auditor", "--store", store).output, "daemon is now an auditor in the store.\n")
        let list = try haven("users", "--store", store)
        XCTAssertEqual(list.status, 0)
        let lines = list.output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, list.output)
        XCTAssertTrue(lines.contains { $0.hasPrefix("daemon ") && $0.contains("auditor") }, list.output)
        XCTAssertTrue(lines.contains { $0.hasPrefix("\(me) ") && $0.contains("administrator") }, list.output)
        let last = try haven("users", "remove", me, "--store", store)
        XCTAssertEqual(last.status, 1)
        XCTAssertTrue(last.output.contains("\(me) is the only administrator"), last.output)
        XCTAssertEqual(try haven("users", "remove", "daemon", "--store", store).status, 0)
        XCTAssertEqual(try haven("users", "list", "--store", store).output.split(separator: "\n").count, 2)
        // Each change is in the audit trail, and the store checks sound.
        let check = try haven("check", "--store", store)
        XCTAssertTrue(check.output.hasSuffix("0 cases, 0 saved versions, 2 audit entries (2 of them not about a case: users, countries, courses, openings, compactions or backups): sound\n"), check.output)
    }

    /// As the Users screen asks: a user holding open cases keeps the role unless asked twice.
    func testRemovingAUserWhoHoldsOpenCasesIsRefusedNamingThem() throws {
        XCTAssertEqual(try haven("demo", "--cases", "20", "--no-open", "--role", "administrator", "--store", store).status, 0)
        let refused = try haven("users", "remove", "anna.k", "--store", store)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.output.contains("anna.k holds "), refused.output)
        XCTAssertTrue(refused.output.contains("open cases (HV-"), refused.output)
        XCTAssertTrue(refused.output.contains("nothing was changed"), refused.output)
        XCTAssertTrue(try haven("users", "--store", store).output.contains("anna.k "), "still a user")
        let forced = try haven("users", "remove", "anna.k", "--even-with-open-cases", "--store", store)
        XCTAssertEqual(forced.status, 0, forced.output)
        XCTAssertFalse(try haven("users", "--store", store).output.contains("anna.k "))
    }

    func testARoleDecidesWhatCommandsDoAndTheEnvironmentCannotChangeWho() throws {
        XCTAssertEqual(try haven("demo", "--cases", "20", "--no-open", "--role", "caseworker", "--store", store).status, 0)
        let export = try haven("export", "--store", store)
        XCTAssertEqual(export.status, 1)
        XCTAssertEqual(export.output, "Error: A caseworker cannot export cases; only an administrator can.\n")
        let report = try haven("report", "--kind", "pipeline", "--store", store)
        XCTAssertEqual(report.output, "Error: A caseworker cannot run reports; only a supervisor or an administrator or an auditor can.\n")
        let users = try haven("users", "add", "daemon", "--role", "administrator", "--store", store)
        XCTAssertEqual(users.output, "Error: A caseworker cannot manage users and roles; only an administrator can.\n")
        // $USER and $LOGNAME name someone else: Haven still knows who is typing.
        let pretend = try haven("export", "--store", store, environment: ["USER=demo.admin", "LOGNAME=demo.admin"])
        XCTAssertEqual(pretend.status, 1)
    }

    func testAnAccountWithNoRoleIsRefusedAtStart() throws {
        XCTAssertEqual(try haven("demo", "--cases", "5", "--no-open", "--role", "caseworker", "--store", store).status, 0)
        // Take this account out of users.json by hand, as if it had never been given a role.
        let path = store + "/users.json"
        var file = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        file["users"] = (file["users"] as? [[String: Any]])?.filter { $0["name"] as? String != me }
        try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: path))
        let opened = try haven("--store", store, environment: ["TERM=xterm"])
        XCTAssertEqual(opened.status, 1)
        XCTAssertEqual(opened.output, "Error: \(me) has no role in the store at \(store). An administrator (demo.admin) can give you one: haven users add \(me) --role caseworker\n")
    }

    func testReportsAsTextAndCSVToAFile() throws {
        XCTAssertEqual(try haven("demo", "--cases", "60", "--no-open", "--store", store).status, 0)
        for kind in ["pipeline", "quotas", "workload", "decisions"] {
            let text = try haven("report", "--kind", kind, "--store", store)
            XCTAssertEqual(text.status, 0, text.output)
            let csv = try haven("report", "--kind", kind, "--format", "csv", "--store", store)
            let bytes = Array(csv.output.utf8)
            // (The test's reader drops the byte-order mark; the file below keeps it.)
            XCTAssertEqual(bytes.suffix(2), [13, 10], kind)
        }
        let pipeline = try haven("report", "--kind", "pipeline", "--store", store).output
        XCTAssertTrue(pipeline.contains("stage        cases  overdue  target_days  median_days  oldest_days"), pipeline)
        let stats = try haven("stats", "--json", "--store", store).output
        let counts = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(stats.utf8)) as? [String: Any])
        let intake = (counts["byStage"] as? [String: Int])?["intake"] ?? -1
        XCTAssertTrue(pipeline.split(separator: "\n").contains { $0.hasPrefix("Intake") && $0.split(separator: " ")[1] == Substring(String(intake)) },
                      "the report's count agrees with stats: \(pipeline)")
        let output = scratch.appendingPathComponent("quotas.csv").path
        let written = try haven("report", "--kind", "quotas", "--format", "csv", "--output", output, "--store", store)
        XCTAssertEqual(written.status, 0, written.output)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: output)[.posixPermissions] as? Int, 0o600)
        let file = try Data(contentsOf: URL(fileURLWithPath: output))
        XCTAssertTrue(file.starts(with: Array("\u{FEFF}country,name,quota,used,held,free,used_percent\r\nGB,United Kingdom,6000,".utf8)),
                      "no kind columns while no country limits a kind: " + String(decoding: file, as: UTF8.self))
        let again = try haven("report", "--kind", "quotas", "--output", output, "--store", store)
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.output.contains("already exists; Haven does not write over files"), again.output)
        let badKind = try haven("report", "--kind", "gossip", "--store", store)
        XCTAssertNotEqual(badKind.status, 0)
    }
}
