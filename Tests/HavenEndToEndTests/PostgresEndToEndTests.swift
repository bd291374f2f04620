import Foundation
import HavenTestSupport
import XCTest

/// A supervisor's move to PostgreSQL (issue 25), with the real `haven`: `haven migrate`, both
/// checks sound, the exports byte for byte the same, and then two `haven` processes on the one
/// database (two servers, as far as each knows) where a case saved by a third appears in both
/// open sessions with no key pressed.
final class PostgresEndToEndTests: CommandTestCase {
    func testMigrateThenWorkOnPostgresWithNothingElseChanged() throws {
        guard let url = PostgresTestServer.newStoreURL(prefix: "e") else {
            throw XCTSkip("PostgreSQL: \(PostgresTestServer.unavailableReason ?? "no server")")
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else { throw XCTSkip("tmux is not installed") }
        // A file store of 20 cases with history; 5 more kept aside for "another server" later.
        XCTAssertEqual(try haven("demo", "--cases", "25", "--no-open", "--role", "administrator", "--store", store).status, 0)
        let all = try haven("export", "--include-sensitive", "--store", store)
        XCTAssertEqual(all.status, 0, all.output)
        var cases = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(all.output.utf8)) as? [Any])
        let later = scratch.appendingPathComponent("later.json").path
        try JSONSerialization.data(withJSONObject: Array(cases[20...])).write(to: URL(fileURLWithPath: later))
        cases.removeLast(5)
        let first = scratch.appendingPathComponent("first.json").path
        try JSONSerialization.data(withJSONObject: cases).write(to: URL(fileURLWithPath: first))
        try FileManager.default.removeItem(atPath: store)
        XCTAssertEqual(try haven("init", "--store", store).status, 0)
        XCTAssertEqual(try haven("import", first, "--store", store).status, 0)
        XCTAssertEqual(try haven("export", "--format", "csv", "--store", store).status, 0, "an export, so the access log has entries")

        let migrated = try haven("migrate", "--from", store, "--to", url)
        XCTAssertEqual(migrated.status, 0, migrated.output)
        XCTAssertTrue(migrated.output.contains("Migrated 20 cases"), migrated.output)
        // A second migration into the same store is refused: nothing is copied twice.
        let again = try haven("migrate", "--from", store, "--to", url)
        XCTAssertEqual(again.status, 1, again.output)
        XCTAssertTrue(again.output.contains("already holds a store"), again.output)

        for place in [store, url] {
            let check = try haven("check", "--store", place)
            XCTAssertEqual(check.status, 0, check.output)
            XCTAssertTrue(check.output.contains("20 cases") && check.output.contains("sound"), check.output)
        }
        for format in ["json", "csv"] {
            let fromFiles = scratch.appendingPathComponent("files.\(format)").path, fromDatabase = scratch.appendingPathComponent("database.\(format)").path
            XCTAssertEqual(try haven("export", "--format", format, "--output", fromFiles, "--store", store).status, 0)
            XCTAssertEqual(try haven("export", "--format", format, "--output", fromDatabase, "--store", url).status, 0)
            let files = try Data(contentsOf: URL(fileURLWithPath: fromFiles)), database = try Data(contentsOf: URL(fileURLWithPath: fromDatabase))
            XCTAssertGreaterThan(files.count, 1000)
            XCTAssertEqual(files, database, "the \(format) exports of the two stores are byte for byte the same")
        }
        // A backup as docs/store-format.md shows it: pg_dump while sessions may save, restored
        // into a new database, and haven check on the copy.
        let socket = try XCTUnwrap(PostgresTestServer.socket)
        let schema = try XCTUnwrap(URLComponents(string: url)?.queryItems?.first { $0.name == "schema" }?.value)
        let dump = scratch.appendingPathComponent("haven.dump").path
        let restored = "restored_\(schema)"
        for command in [[try XCTUnwrap(PostgresTestServer.tool("pg_dump")), "-h", socket, "-d", "postgres", "-n", schema, "-Fc", "-f", dump],
                        [try XCTUnwrap(PostgresTestServer.tool("createdb")), "-h", socket, restored],
                        [try XCTUnwrap(PostgresTestServer.tool("pg_restore")), "-h", socket, "-d", restored, dump]] {
            let (status, output) = try ChildProcess.run(command, outputPath: scratch.appendingPathComponent("pg-\(UUID().uuidString)").path)
            XCTAssertEqual(status, 0, "\(command[0]): \(output)")
        }
        let restoredCheck = try haven("check", "--store", "postgresql:///\(restored)?host=\(socket)&schema=\(schema)")
        XCTAssertEqual(restoredCheck.status, 0, restoredCheck.output)
        XCTAssertTrue(restoredCheck.output.contains("20 cases") && restoredCheck.output.contains("sound"), restoredCheck.output)

        // The users came across with their roles.
        let users = try haven("users", "--store", url)
        XCTAssertTrue(users.output.contains("root") && users.output.contains("administrator"), users.output)

        // Two sessions on the database, as on two servers; a third process saves five cases.
        let one = try TmuxSession(arguments: ["--store", url])
        let two = try TmuxSession(arguments: ["--store", url], width: 100, height: 30)
        one.waitFor(text: "All cases           20")
        two.waitFor(text: "All cases           20")
        XCTAssertTrue(one.screen.contains("Store postgresql://"), one.screen)
        let imported = try haven("import", later, "--store", url)
        XCTAssertEqual(imported.status, 0, imported.output)
        // No wall-clock limit (a busy machine would fail it): each session hears of the save
        // by its notification or its own look at the change sequence, with no key pressed.
        one.waitFor(text: "All cases           25")
        two.waitFor(text: "All cases           25")
        try one.quit()
        try two.quit()
        XCTAssertEqual(one.exitStatus(), 0)
        XCTAssertEqual(two.exitStatus(), 0)
        XCTAssertEqual(one.standardError, "")
        let check = try haven("check", "--store", url)
        XCTAssertEqual(check.status, 0, check.output)
        XCTAssertTrue(check.output.contains("25 cases"), check.output)
    }
}
