import Foundation
import HavenCore
import HavenStore
import HavenTestSupport
import XCTest

/// Need to know as real OS accounts (issue 24), through the commands: a caseworker of another
/// team needs a reason, an auditor too; a restricted case opens to its team and supervisors
/// only, with or without a reason, and an export leaves it out; teams widen what a caseworker
/// sees; every opening, refusal and reason is in the access log the auditor reads, and `haven
/// check` verifies its chain. Runs in `AccessMatrixTests`' set-up (root, useradd).
extension AccessMatrixTests {
    static let secondCaseworker = "havenc2"

    func testNeedToKnowRestrictionTeamsAndReasonsAsOSAccounts() throws {
        let (cw, sv, au, c2) = (TwoUsersApprovalTests.caseworker, TwoUsersApprovalTests.supervisor, "havenau", Self.secondCaseworker)
        if getpwnam(c2) == nil { _ = try run(["/usr/sbin/useradd", "--no-create-home", "--shell", "/bin/sh", "-G", Self.group, c2]) }
        XCTAssertEqual(try haven(["init", "--group", Self.group]).status, 0)
        for (name, role) in [(cw, "caseworker"), (c2, "caseworker"), (sv, "supervisor"), (au, "auditor")] {
            XCTAssertEqual(try haven(["users", "add", name, "--role", role]).status, 0)
        }
        XCTAssertEqual(try haven(["users", "team", cw, "kyiv"]).status, 0)
        XCTAssertEqual(try haven(["users", "team", c2, "lviv"]).status, 0)
        // Four cases: 1 and 2 the first caseworker's, 3 and 4 the second's.
        let records = DemoCases.generate(count: 4, today: CalendarDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400)),
                                         countries: ["GB", "DE", "PL"].compactMap(CountryCode.init)).enumerated().map { position, record in
            var mine = record
            mine.assignedTo = UserName(position < 2 ? cw : c2)
            for index in mine.family.indices { mine.family[index].linkedCase = nil }
            return mine
        }
        let file = scratch.appendingPathComponent("four.json").path
        try Data(try StoreExport.json(records, includeSensitive: true)).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o644)
        XCTAssertEqual(try haven(["import", file]).status, 0)

        // Another team's caseworker, and an auditor: a reason first, then the case.
        var result = try haven(["show", "HV-000001"], as: c2)
        XCTAssertEqual(result.status, 1, result.output)
        XCTAssertTrue(result.output.contains("HV-000001 is not assigned to you or your team; say why you need it with --reason"), result.output)
        XCTAssertFalse(result.output.contains(records[0].defector.latinName.family), "nothing of the case is shown")
        result = try haven(["show", "HV-000001", "--reason", "short"], as: c2)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.output.contains("at least 10 characters"), result.output)
        result = try haven(["show", "HV-000001", "--reason", "Covering the interview today"], as: c2)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("\"id\":\"HV-000001\""), result.output)
        XCTAssertEqual(try haven(["show", "HV-000003"], as: c2).status, 0, "his own case")
        XCTAssertEqual(try haven(["show", "HV-000001"], as: au).status, 1)
        XCTAssertEqual(try haven(["show", "HV-000001", "--history", "--reason", "Quarterly audit of openings"], as: au).status, 0)
        XCTAssertEqual(try haven(["show", "HV-000001", "--family"], as: sv).status, 0, "a supervisor sees every case")

        // Restricted to the second caseworker by the supervisor; not by a caseworker.
        XCTAssertEqual(try haven(["restrict", "HV-000002", "--team", c2, "--reason", "Publicised defector"], as: cw).status, 1)
        result = try haven(["restrict", "HV-000002", "--team", c2, "--reason", "Publicised defector; threats received"], as: sv)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertEqual(try haven(["show", "HV-000002"], as: cw).status, 0, "its caseworker is always in its team")
        XCTAssertEqual(try haven(["show", "HV-000002"], as: c2).status, 0, "named in its team")
        XCTAssertEqual(try haven(["show", "HV-000002"], as: sv).status, 0)
        result = try haven(["show", "HV-000002", "--reason", "Quarterly audit of openings"], as: au)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.output.contains("HV-000002 is restricted to its team; ask a supervisor."), result.output)

        // A team widens what a caseworker sees: the second caseworker joins the first's team.
        XCTAssertEqual(try haven(["users", "team", c2, "kyiv"]).status, 0)
        XCTAssertEqual(try haven(["show", "HV-000001"], as: c2).status, 0, "a team-mate's case, no reason needed")
        XCTAssertEqual(try haven(["show", "HV-000003"], as: cw).status, 0)

        // The administrator's export leaves the restricted case out, and says so.
        let exported = scratch.appendingPathComponent("export.json").path
        result = try haven(["export", "--output", exported])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("1 restricted case was left out"), result.output)
        let exportedText = try String(contentsOfFile: exported, encoding: .utf8)
        XCTAssertTrue(exportedText.contains("HV-000001") && !exportedText.contains("HV-000002"))

        // The auditor reads who opened what and why; a caseworker may not.
        result = try haven(["access", "--case", "HV-000001"], as: au)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("\(c2) (caseworker)  broke glass case HV-000001 — reason: Covering the interview today"), result.output)
        XCTAssertTrue(result.output.contains("\(c2) (caseworker)  refused case HV-000001: asked for a reason"), result.output)
        XCTAssertTrue(result.output.contains("\(au) (auditor)  broke glass history HV-000001"), result.output)
        XCTAssertTrue(result.output.contains("\(sv) (supervisor)  opened family HV-000001"), result.output)
        result = try haven(["access", "--reasons"], as: sv)
        XCTAssertTrue(result.output.contains("refused case HV-000002: restricted to its team"), result.output)
        XCTAssertEqual(try haven(["access"], as: cw).status, 1, "caseworkers do not read the access log")
        result = try haven(["access", "--user", "root"], as: au)
        XCTAssertTrue(result.output.contains("opened export: 3 cases as json"), result.output)
        // Every entry chained, every reason in the supervisors' copy; the files keep the store's modes.
        result = try haven(["check"])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("access entries: sound"), result.output)
        for name in ["access.jsonl", "glass.jsonl"] {
            var info = stat()
            XCTAssertEqual(stat(scratch.appendingPathComponent("store/\(name)").path, &info), 0, name)
            XCTAssertEqual(info.st_mode & 0o777, 0o660, "\(name) is the group's, like every store file")
        }
    }
}
