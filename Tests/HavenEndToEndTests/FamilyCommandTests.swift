import Foundation
import HavenCore
import HavenTestSupport
import XCTest

/// `haven publicity export` and `haven export --include-sensitive` through the real binary.
final class FamilyCommandTests: CommandTestCase {
    func auditLines() throws -> [String] {
        try String(contentsOfFile: "\(store)/audit.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func testPublicityExportHasOnlyApprovedStoriesAndIsAudited() throws {
        XCTAssertEqual(try haven("demo", "--cases", "400", "--no-open", "--role", "administrator", "--store", store).status, 0)
        let full = try haven("export", "--include-sensitive", "--store", store)
        XCTAssertEqual(full.status, 0)
        let records = try JSONDecoder().decode([Case].self, from: Data(full.output.utf8))
        let approved = records.filter(\.publicity.isPublic)
        XCTAssertFalse(approved.isEmpty, "the demo has approved stories")
        XCTAssertTrue(records.contains { $0.publicity.isAwaitingApproval }, "and stories waiting")

        let output = scratch.appendingPathComponent("stories.json").path
        let result = try haven("publicity", "export", "--output", output, "--store", store)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("Wrote \(approved.count) approved stor"), result.output)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        let stories = try JSONDecoder().decode([PublicStory].self, from: Data(text.utf8))
        XCTAssertEqual(stories.map(\.reference), approved.map(\.id))
        // No family member of any approved case, nothing sensitive, no place finer than the country.
        for record in approved {
            for member in record.family {
                for value in [member.cyrillicName.given, member.latinName.given, member.contactChannel, member.notes] where value.count > 2 {
                    XCTAssertFalse(text.contains(value), "\(value) in the stories")
                }
            }
            for place in [record.defector.birthPlace, record.defector.crossing.place, record.defector.service.unit, record.relocation.receptionPlace]
                where place.count > 2 {
                XCTAssertFalse(text.contains(place), "\(place) in the stories")
            }
        }
        for field in SensitiveField.allCases { XCTAssertFalse(text.contains("\"\(field.rawValue)\""), "\(field)") }
        XCTAssertTrue(try auditLines().last!.contains("\"subject\":\"publicity\""))
        // Never over a file.
        XCTAssertEqual(try haven("publicity", "export", "--output", output, "--store", store).status, 1)
    }

    func testSensitiveExportOnlyForAnAdministratorAndAudited() throws {
        XCTAssertEqual(try haven("demo", "--cases", "30", "--no-open", "--role", "administrator", "--store", store).status, 0)
        let before = try auditLines().count
        let plain = try haven("export", "--store", store)
        XCTAssertEqual(plain.status, 0)
        XCTAssertFalse(plain.output.contains("\"contactChannel\""))
        XCTAssertFalse(plain.output.contains("\"whereabouts\""))
        XCTAssertEqual(try auditLines().count, before, "an export without sensitive fields is not a disclosure")
        let full = try haven("export", "--include-sensitive", "--store", store)
        XCTAssertEqual(full.status, 0)
        XCTAssertTrue(full.output.contains("\"whereabouts\""))
        let lines = try auditLines()
        XCTAssertEqual(lines.count, before + 1)
        XCTAssertTrue(lines.last!.contains("30 cases as JSON with family whereabouts and contact channels"), lines.last!)
        XCTAssertTrue(lines.last!.contains("\"user\":\"root\""), lines.last!)
        XCTAssertEqual(try haven("export", "--include-sensitive", "--format", "csv", "--store", store).status, 1)
        XCTAssertEqual(try haven("check", "--store", store).status, 0, "the audit chain holds the new entry")
    }
}
