import Foundation
import HavenCore
import HavenTestSupport
import XCTest

/// Who may do what, against real OS accounts: every command as an administrator, a
/// caseworker, a supervisor, an auditor, a member of the store's group who is not a Haven
/// user, and an account outside the group. The expected answer of each comes from HavenCore's
/// role table (`Capability.roles`), so the command line is held to the same rules as the
/// interface. Identity comes from the OS: no environment variable or argument changes it.
/// Store files keep their modes; exports are written only as new files, never through a link,
/// never into the store. Needs root (useradd, runuser); skipped otherwise, saying why.
final class AccessMatrixTests: XCTestCase {
    static let group = TwoUsersApprovalTests.group
    static let accounts: [(name: String, role: Role?, inGroup: Bool)] = [
        (TwoUsersApprovalTests.caseworker, .caseworker, true), (TwoUsersApprovalTests.supervisor, .supervisor, true),
        ("havenau", .auditor, true), (TwoUsersApprovalTests.outsider, nil, true), ("havenout", nil, false),
    ]
    var scratch: URL!
    var store: String { scratch.appendingPathComponent("store").path }
    var outputs: URL { scratch.appendingPathComponent("outputs") }

    override func setUpWithError() throws {
        guard getuid() == 0 else { throw XCTSkip("The access matrix creates OS accounts with useradd, so it runs only as root.") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd"), FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else {
            throw XCTSkip("useradd and runuser are needed to act as several OS accounts.")
        }
        scratch = URL(fileURLWithPath: "/tmp").appendingPathComponent("haven-access-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        // Where the accounts write their exports: sticky and open to all, as /tmp is, but removed with the test.
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        chmod(outputs.path, 0o1777)
        if getgrnam(Self.group) == nil { _ = try run(["/usr/sbin/groupadd", Self.group]) }
        for account in Self.accounts where getpwnam(account.name) == nil {
            _ = try run(["/usr/sbin/useradd", "--no-create-home", "--shell", "/bin/sh"] + (account.inGroup ? ["-G", Self.group] : []) + [account.name])
        }
        let reachable = try run(["/usr/sbin/runuser", "-u", "havenout", "--", "test", "-x", HavenBinary.url.path])
        guard reachable.status == 0 else { throw XCTSkip("other accounts cannot run \(HavenBinary.url.path); build in a folder others can read.") }
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func run(_ command: [String]) throws -> (status: Int32, output: String) {
        try ChildProcess.run(command, outputPath: scratch.appendingPathComponent("\(UUID().uuidString).out").path)
    }

    @discardableResult
    func haven(_ arguments: [String], as user: String? = nil, environment: [String] = []) throws -> (status: Int32, output: String) {
        let base = ["env", "-i", "PATH=/usr/bin:/bin", "HOME=\(scratch.path)", "HAVEN_DATA=\(HavenBinary.dataDirectory.path)"] + environment
            + [HavenBinary.url.path] + arguments + ["--store", store]
        return try run((user.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? []) + base)
    }

    func importFile(from: Int, count: Int) throws -> String {
        let records = DemoCases.generate(count: from + count - 1, today: CalendarDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400)),
                                         countries: ["GB", "DE", "PL"].compactMap(CountryCode.init))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let path = scratch.appendingPathComponent("cases-\(from).json").path
        try encoder.encode(Array(records.suffix(count))).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o644)
        return path
    }

    func testEveryCommandAsEveryKindOfAccount() throws {
        XCTAssertEqual(try haven(["init", "--group", Self.group]).status, 0)
        for account in Self.accounts {
            if let role = account.role { XCTAssertEqual(try haven(["users", "add", account.name, "--role", role.rawValue]).status, 0) }
        }
        XCTAssertEqual(try haven(["import", try importFile(from: 1, count: 20)]).status, 0)
        var matrix: [String] = []
        for (index, account) in Self.accounts.enumerated() {
            let out = outputs.appendingPathComponent(UUID().uuidString).path
            // Each command, with the capability HavenCore says it needs.
            let commands: [(arguments: [String], capability: Capability, writes: Bool)] = [
                (["stats"], .viewCases, false),
                (["courses"], .viewCases, false),
                (["check"], .checkStore, false),
                (["compact"], .compactStore, true),
                (["report", "--kind", "pipeline"], .runReports, false),
                (["export", "--output", out + "-export.json"], .exportCases, false),
                (["backup", out + "-backup"], .exportSensitive, true),
                (["publicity", "export", "--output", out + "-stories.json"], .exportPublicity, true),
                (["allocate", "--dry-run"], .runAllocationBatch, false),
                (["import", try importFile(from: 100 + index * 10, count: 3)], .importCases, true),
                (["users", "add", "havennew\(index)", "--role", "caseworker"], .manageUsers, true),
            ]
            var row: [String] = []
            for command in commands {
                let before = StoreSnapshot.files(under: URL(fileURLWithPath: store))
                let (status, output) = try haven(command.arguments, as: account.name)
                let allowed = account.role.map { command.capability.roles.contains($0) } ?? false
                let label = "\(account.name) (\(account.role?.rawValue ?? (account.inGroup ? "in the group, not a user" : "outside the group"))): haven \(command.arguments.joined(separator: " "))"
                if allowed {
                    XCTAssertEqual(status, 0, "\(label) should be allowed: \(output.prefix(400))")
                } else {
                    XCTAssertEqual(status, 1, "\(label) should be refused: \(output.prefix(400))")
                    XCTAssertFalse(output.isEmpty, "\(label): refused without a word")
                    XCTAssertEqual(StoreSnapshot.files(under: URL(fileURLWithPath: store)), before, "\(label): refused, yet the store changed")
                    if !account.inGroup, command.arguments[0] != "users" { // users add first asks the OS for the new account
                        XCTAssertTrue(output.contains("ermission denied") || output.contains("cannot be read") || output.contains("not allowed"),
                                      "\(label): \(output.prefix(300))")
                    }
                }
                if command.arguments[0] == "export" {
                    XCTAssertEqual(FileManager.default.fileExists(atPath: out + "-export.json"), allowed, label)
                }
                row.append(allowed ? "yes" : "no")
            }
            matrix.append("\(account.name): " + row.joined(separator: " "))
        }
        print("access matrix (stats courses check compact report export backup publicity allocate import users):\n  " + matrix.joined(separator: "\n  "))
    }

    func testIdentityComesFromTheOperatingSystemAlone() throws {
        XCTAssertEqual(try haven(["init", "--group", Self.group]).status, 0)
        XCTAssertEqual(try haven(["users", "add", TwoUsersApprovalTests.caseworker, "--role", "caseworker"]).status, 0)
        let pretend = ["USER=root", "LOGNAME=root", "USERNAME=root", "SUDO_USER=root", "HAVEN_USER=root", "HAVEN_ROLE=administrator"]
        let check = try haven(["check"], as: TwoUsersApprovalTests.caseworker, environment: pretend)
        XCTAssertEqual(check.status, 1, check.output)
        XCTAssertTrue(check.output.contains("caseworker"), "refused as the caseworker he is: \(check.output)")
        for arguments in [["check", "--user", "root"], ["check", "--as", "root"], ["check", "--role", "administrator"]] {
            let result = try haven(arguments, as: TwoUsersApprovalTests.caseworker)
            XCTAssertNotEqual(result.status, 0, "\(arguments): \(result.output)")
        }
        // The audit trail names the OS account, whatever the environment says.
        XCTAssertEqual(try haven(["users", "add", "havenau", "--role", "auditor"], environment: ["USER=anna.k", "LOGNAME=anna.k"]).status, 0)
        let audit = try String(contentsOfFile: "\(store)/audit.jsonl", encoding: .utf8)
        XCTAssertTrue(audit.split(separator: "\n").last?.contains("\"user\":\"root\"") ?? false, "\(audit.suffix(300))")
    }

    func testStoreFilesKeepTheirModesAndExportsNeverEscape() throws {
        XCTAssertEqual(try haven(["init", "--group", Self.group]).status, 0)
        XCTAssertEqual(try haven(["import", try importFile(from: 1, count: 5)]).status, 0)
        var info = stat()
        XCTAssertEqual(stat(store, &info), 0)
        XCTAssertEqual(info.st_mode & 0o7777, 0o2770, "the store directory: setgid, group only")
        XCTAssertEqual(info.st_gid, getgrnam(Self.group)!.pointee.gr_gid)
        for name in try FileManager.default.contentsOfDirectory(atPath: store) {
            XCTAssertEqual(lstat("\(store)/\(name)", &info), 0)
            XCTAssertEqual(info.st_mode & 0o007, 0, "\(name) is open to every user")
            XCTAssertEqual(info.st_gid, getgrnam(Self.group)!.pointee.gr_gid, "\(name) is not in the store's group")
        }
        let outsider = try haven(["stats"], as: "havenout")
        XCTAssertEqual(outsider.status, 1, outsider.output)
        XCTAssertTrue(outsider.output.contains("ermission denied"), outsider.output)

        // Exports: never over a file, never through a link, never into the store, never world-readable.
        let target = scratch.appendingPathComponent("elsewhere.json").path
        let link = scratch.appendingPathComponent("link.json").path
        symlink(target, link)
        let throughLink = try haven(["export", "--output", link])
        XCTAssertEqual(throughLink.status, 1, throughLink.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: target), "the export followed the link")
        let intoStore = try haven(["export", "--output", "\(store)/export.json"])
        XCTAssertEqual(intoStore.status, 1)
        XCTAssertTrue(intoStore.output.contains("inside the store"), intoStore.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(store)/export.json"))
        let dotted = try haven(["export", "--output", "\(store)/../store/./x.json"])
        XCTAssertEqual(dotted.status, 1, dotted.output)
        let noFolder = try haven(["export", "--output", scratch.appendingPathComponent("no/such/folder.json").path])
        XCTAssertTrue(noFolder.output.contains("its folder does not exist"), noFolder.output)
        let good = scratch.appendingPathComponent("export.json").path
        XCTAssertEqual(try haven(["export", "--output", good]).status, 0)
        XCTAssertEqual(lstat(good, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
        let again = try haven(["report", "--kind", "pipeline", "--output", good])
        XCTAssertTrue(again.output.contains("already exists"), again.output)
        XCTAssertEqual(try haven(["check"]).status, 0, "the store is sound after all of it")
    }
}
