import Foundation
import Glibc
import HavenCore
import HavenTestSupport
import XCTest

/// The PostgreSQL store with real OS accounts (issue 25, point 4): each connects over the
/// socket as itself (peer authentication), the identity Haven records is the one the server
/// verified, and each account's own database connection can do only what its Haven role may,
/// whatever client it uses. Needs root (useradd, runuser); skipped otherwise, saying why.
final class PostgresAccountsTests: XCTestCase {
    static let accounts = ["havenpgadm", "havenpgcw", "havenpgau", "havenpgsv"]
    var scratch: URL!

    override func setUpWithError() throws {
        guard getuid() == 0 else { throw XCTSkip("This test creates OS accounts with useradd, so it runs only as root.") }
        guard PostgresTestServer.socket != nil else { throw XCTSkip("PostgreSQL: \(PostgresTestServer.unavailableReason ?? "no server")") }
        scratch = URL(fileURLWithPath: "/tmp").appendingPathComponent("haven-pg-accounts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        for account in Self.accounts where getpwnam(account) == nil {
            XCTAssertEqual(try run(["/usr/sbin/useradd", "--no-create-home", "--shell", "/bin/sh", account]).status, 0)
        }
        guard try run(["/usr/sbin/runuser", "-u", "havenpgcw", "--", "test", "-x", HavenBinary.url.path]).status == 0 else {
            throw XCTSkip("other accounts cannot run \(HavenBinary.url.path); build in a folder others can read.")
        }
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func run(_ command: [String]) throws -> (status: Int32, output: String) {
        try ChildProcess.run(command, outputPath: scratch.appendingPathComponent("out-\(UUID().uuidString)").path)
    }

    @discardableResult
    func haven(_ arguments: [String], as user: String? = nil) throws -> (status: Int32, output: String) {
        let base = ["env", "-i", "PATH=/usr/bin:/bin", "HOME=\(scratch.path)", "HAVEN_DATA=\(HavenBinary.dataDirectory.path)", HavenBinary.url.path] + arguments
        return try run((user.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? []) + base)
    }

    func psql(_ sql: String, as user: String, socket: String) throws -> (status: Int32, output: String) {
        try run(["/usr/sbin/runuser", "-u", user, "--", try XCTUnwrap(PostgresTestServer.tool("psql")), "-h", socket, "-d", "postgres",
                 "-v", "ON_ERROR_STOP=1", "-Atc", sql])
    }

    func testEachAccountIsItselfAndItsConnectionMayOnlyWhatItsRoleMay() throws {
        let socket = try XCTUnwrap(PostgresTestServer.socket)
        let url = try XCTUnwrap(PostgresTestServer.newStoreURL(prefix: "a"))
        let schema = try XCTUnwrap(URLComponents(string: url)?.queryItems?.first { $0.name == "schema" }?.value)
        XCTAssertEqual(try haven(["init", "--store", url]).status, 0)
        XCTAssertEqual(try haven(["users", "add", "havenpgadm", "--role", "administrator", "--store", url]).status, 0)
        // A second administrator, with no power over the cluster's roles, gives roles (through
        // the store's own function), and the new users connect as themselves.
        for (account, role) in [("havenpgcw", "caseworker"), ("havenpgau", "auditor"), ("havenpgsv", "supervisor")] {
            let added = try haven(["users", "add", account, "--role", role, "--store", url], as: "havenpgadm")
            XCTAssertEqual(added.status, 0, added.output)
        }
        let records = DemoCases.generate(count: 5, today: CalendarDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400)),
                                         countries: ["GB", "DE"].compactMap(CountryCode.init))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let file = scratch.appendingPathComponent("cases.json").path
        try encoder.encode(records).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o644)
        let imported = try haven(["import", file, "--store", url], as: "havenpgadm")
        XCTAssertEqual(imported.status, 0, imported.output)
        // The trail names the account the server verified.
        let last = try psql("SELECT line FROM \(schema).audit ORDER BY sequence DESC LIMIT 1", as: "root", socket: socket)
        XCTAssertTrue(last.output.contains("\"user\":\"havenpgadm\""), last.output)
        let stats = try haven(["stats", "--store", url], as: "havenpgau")
        XCTAssertEqual(stats.status, 0, stats.output)
        XCTAssertTrue(stats.output.contains("5 cases"), stats.output)

        // What Haven refuses, the database refuses too, to the same account with psql.
        XCTAssertNotEqual(try haven(["users", "add", "havenpgsv", "--role", "administrator", "--store", url], as: "havenpgcw").status, 0)
        for (account, sql) in [
            ("havenpgcw", "SELECT \(schema).set_store_role('havenpgcw', 'administrator')"),
            ("havenpgcw", "UPDATE \(schema).kept SET revision = revision + 1 WHERE name = 'users'"),
            ("havenpgcw", "SELECT count(*) FROM \(schema).access_log"),
            ("havenpgcw", "BEGIN; UPDATE \(schema).cases SET record = record WHERE id = 1; COMMIT"),
            ("havenpgau", "UPDATE \(schema).cases SET saved_by = saved_by WHERE id = 1"),
            ("havenpgau", "INSERT INTO \(schema).audit (sequence, line) VALUES (1000, '{}')"),
            ("havenpgsv", "SELECT \(schema).set_store_role('havenpgsv', 'administrator')"),
            ("havenpgsv", "INSERT INTO \(schema).kept (name, revision, body) VALUES ('countries', 9, '{\"revision\":9,\"countries\":[]}')"),
        ] {
            let result = try psql(sql, as: account, socket: socket)
            XCTAssertNotEqual(result.status, 0, "\(account) could: \(sql): \(result.output)")
        }
        // Removed, an account keeps its login and loses the store.
        XCTAssertEqual(try haven(["users", "remove", "havenpgau", "--store", url], as: "havenpgadm").status, 0)
        XCTAssertNotEqual(try psql("SELECT count(*) FROM \(schema).cases", as: "havenpgau", socket: socket).status, 0)
        let check = try haven(["check", "--store", url])
        XCTAssertEqual(check.status, 0, check.output)
        XCTAssertTrue(check.output.contains("sound"), check.output)
    }
}
