import Foundation
import HavenCore
import HavenStore
import HavenTestSupport
import XCTest

/// Retention and erasure with two people, as real OS accounts (issue 24): the supervisor
/// proposes, may not approve his own proposal, the administrator approves; then `haven check`
/// verifies the store, an export holds nothing of the person, and a byte search of every file
/// of the store finds neither his names, his birth date, his unit nor his note. Runs in
/// `AccessMatrixTests`' set-up (root, useradd).
extension AccessMatrixTests {
    func testErasureNeedsTwoPeopleAndLeavesNoTraceOfThePerson() throws {
        let (cw, sv) = (TwoUsersApprovalTests.caseworker, TwoUsersApprovalTests.supervisor)
        XCTAssertEqual(try haven(["init", "--group", Self.group]).status, 0)
        for (name, role) in [(cw, "caseworker"), (sv, "supervisor")] {
            XCTAssertEqual(try haven(["users", "add", name, "--role", role]).status, 0)
        }
        let today = CalendarDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400))
        var records = DemoCases.generate(count: 3, today: today, countries: ["GB", "DE", "PL"].compactMap(CountryCode.init)).map { record in
            var mine = record
            mine.assignedTo = UserName(cw)
            for index in mine.family.indices { mine.family[index].linkedCase = nil }
            return mine
        }
        // The person: names, birth date, unit and a note no other case has; closed, withdrawn.
        records[0].defector.cyrillicName = FullName(family: "Забытов", given: "Елисей", patronymic: "Прохорович")
        records[0].defector.latinName = FullName(family: "Zabytov", given: "Elisei", patronymic: "Prokhorovich")
        records[0].defector.birthDate = CalendarDate(year: 1969, month: 7, day: 21)
        records[0].defector.service.unit = "в/ч 60417 Болотная"
        records[0].notes = [Note(author: UserName(cw)!, at: Timestamp(date: today, hour: 9), text: "Сестра живёт в Тихвине")]
        records[0].family = []
        records[0].stage = .closed
        records[0].stageHistory.append(StageChange(stage: .closed, at: Timestamp(date: today, hour: 9), by: UserName(sv)!, transition: .close))
        records[0].closure = Closure(reason: .withdrawn, details: "Уехал")
        let needles = ["Забытов", "Елисей", "Zabytov", "Elisei", "1969-07-21", "60417", "Тихвин"]
        let file = scratch.appendingPathComponent("three.json").path
        try Data(try StoreExport.json(records, includeSensitive: true)).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o644)
        XCTAssertEqual(try haven(["import", file]).status, 0)
        try FileManager.default.removeItem(atPath: file)
        XCTAssertEqual(try haven(["show", "HV-000001"], as: cw).status, 0)

        // Nothing is due today; in six years the withdrawn case is, under the five-year rule.
        var result = try haven(["retention", "--dry-run"], as: sv)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("0 cases"), result.output)
        result = try haven(["retention", "--dry-run", "--on", "\(today.adding(months: 72))"], as: sv)
        XCTAssertTrue(result.output.contains("HV-000001") && result.output.contains("rule closed (5 years)"), result.output)
        XCTAssertEqual(try haven(["retention", "--dry-run"], as: cw).status, 1, "a caseworker neither lists nor proposes")

        // He asked for deletion: the supervisor proposes; not the caseworker; nor too early under the five years.
        XCTAssertEqual(try haven(["retention", "--propose", "HV-000001", "--rule", "on-request", "--reason", "Asked for deletion in writing"], as: cw).status, 1)
        result = try haven(["retention", "--propose", "HV-000001", "--reason", "Yearly review"], as: sv)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.output.contains("not due for erasure under rule closed"), result.output)
        result = try haven(["retention", "--propose", "HV-000001", "--rule", "on-request", "--reason", "Asked for deletion in writing, letter of 1 December"], as: sv)
        XCTAssertEqual(result.status, 0, result.output)
        result = try haven(["retention", "--approve", "HV-000001"], as: sv)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.output.contains("another supervisor or administrator must approve it"), result.output)
        XCTAssertTrue(try haven(["retention", "--dry-run"]).output.contains("HV-000001  rule on-request  by \(sv)"))

        result = try haven(["retention", "--approve", "HV-000001"])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("Erased on") && result.output.contains("approved by root"), result.output)
        XCTAssertTrue(result.output.contains("every earlier version dropped"), result.output)

        // The store checks sound; the export and every byte of the store hold nothing of him.
        result = try haven(["check"])
        XCTAssertEqual(result.status, 0, result.output)
        let exported = scratch.appendingPathComponent("after.json").path
        XCTAssertEqual(try haven(["export", "--output", exported, "--include-sensitive"]).status, 0)
        let exportedBytes = try Data(contentsOf: URL(fileURLWithPath: exported))
        XCTAssertTrue(exportedBytes.range(of: Data("HV-000002".utf8)) != nil, "the other cases are exported")
        var found: [String] = []
        var files = [exported]
        let walker = FileManager.default.enumerator(atPath: store)!
        while let name = walker.nextObject() as? String { files.append("\(store)/\(name)") }
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            for needle in needles where data.range(of: Data(needle.utf8)) != nil { found.append("\(path): \(needle)") }
        }
        XCTAssertEqual(found, [], "no file holds the erased person")
        // What remains says an erasure happened, by whom, under which rule; nothing more is saved in it.
        result = try haven(["show", "HV-000001", "--history"], as: sv)
        XCTAssertTrue(result.output.contains("erased:sha256:") && result.output.contains("Erased on"), result.output)
        result = try haven(["show", "HV-000001"], as: sv)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("\"approvedBy\":\"root\"") && result.output.contains("\"proposedBy\":\"\(sv)\"")
                      && result.output.contains("\"rule\":\"on-request\""), result.output)
        XCTAssertTrue(try haven(["retention", "--dry-run"], as: sv).output.contains("waiting for a second person: 0"))
        // Nothing is held about him for a data-subject request; the CSV claims no service or custody for the tombstone.
        result = try haven(["subject-export", "HV-000001", "--output", scratch.appendingPathComponent("dsr").path,
                            "--reason", "Data-subject request 2026-41"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.output.contains("Nothing is held about the person any more"), result.output)
        let csv = scratch.appendingPathComponent("after.csv").path
        XCTAssertEqual(try haven(["export", "--format", "csv", "--output", csv]).status, 0)
        let row = try XCTUnwrap(try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\r\n").first { $0.hasPrefix("HV-000001,") })
        XCTAssertFalse(row.contains("ground-forces") || row.contains("private") || row.contains("surrendered"), String(row))
    }
}
