import Foundation
import HavenCore
import HavenTestSupport
import XCTest

/// `haven openings`, `haven courses` and `haven report --kind outcomes` through the real binary.
final class IntegrationCommandTests: CommandTestCase {
    func file(_ name: String, _ text: String) throws -> String {
        let path = scratch.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testOpeningsImportReportsEveryBadRowAndImportsNothingThenImportsAGoodFile() throws {
        let store = scratch.appendingPathComponent("store").path
        XCTAssertEqual(try haven("demo", "--cases", "60", "--no-open", "--role", "administrator", "--store", store).status, 0)
        let before = try haven("openings", "--store", store).output
        XCTAssertTrue(before.contains("60 openings."), before)

        let bad = try file("bad.csv", "id,employer,country,city,isco,languages,start_date,places\n"
            + "x-1,Spedition Müller,DE,Leipzig,8332,de:B1,2027-01-04,2\n"
            + "x-2,Acme,ZZ,Leipzig,83,de:Q1,2027-02-30,two\n"
            + "x-1,Again,DE,Leipzig,8332,,2027-01-04,1\n")
        let refused = try haven("openings", "import", bad, "--store", store)
        XCTAssertEqual(refused.status, 1)
        for expected in ["bad.csv: line 3, country: ZZ is not one of the host countries", "line 3, isco:", "line 3, languages:",
                         "line 3, start_date:", "line 3, places:", "line 4, id: x-1 is also on line 2",
                         "6 problems in \(bad); nothing was imported."] {
            XCTAssertTrue(refused.output.contains(expected), "\(expected) in:\n\(refused.output)")
        }
        XCTAssertEqual(try haven("openings", "--store", store).output, before, "nothing was imported")

        let good = try file("good.csv", "\u{FEFF}places,id,employer,country,city,isco,languages,start_date\r\n"
            + "2,x-1,\"Spedition Müller, Leipzig\",DE,Leipzig,8332,de:B1,2027-01-04\r\n"
            + "1,x-2,Bäckerei Schulz,at,Graz,7512,,2027-02-01\r\n")
        XCTAssertTrue(try haven("openings", "import", good, "--dry-run", "--store", store).output.contains("2 openings would be imported"))
        XCTAssertEqual(try haven("openings", "--store", store).output, before, "a dry run writes nothing")
        let imported = try haven("openings", "import", good, "--store", store)
        XCTAssertEqual(imported.status, 0, imported.output)
        let after = try haven("openings", "--store", store).output
        XCTAssertTrue(after.contains("62 openings."), after)
        XCTAssertTrue(after.contains("Spedition Müller, Leipzig"), after)
        // Importing the same file again: every id is taken, and it says so.
        let again = try haven("openings", "import", good, "--store", store)
        XCTAssertTrue(again.output.contains("line 2, id: x-1 is already an opening in the store"), again.output)

        // A supervisor cannot import.
        let other = scratch.appendingPathComponent("other").path
        XCTAssertEqual(try haven("demo", "--cases", "10", "--no-open", "--store", other).status, 0)
        let forbidden = try haven("openings", "import", good, "--store", other)
        XCTAssertNotEqual(forbidden.status, 0)
        XCTAssertTrue(forbidden.output.contains("only an administrator"), forbidden.output)
    }

    func testOutcomesReportAndCourses() throws {
        let store = scratch.appendingPathComponent("store").path
        XCTAssertEqual(try haven("demo", "--cases", "400", "--no-open", "--store", store).status, 0)
        let report = try haven("report", "--kind", "outcomes", "--store", store)
        XCTAssertEqual(report.status, 0, report.output)
        XCTAssertTrue(report.output.contains("employed_by_country"), report.output)
        XCTAssertTrue(report.output.contains("employed_by_months_since_arrival  0–2 months"), report.output)
        XCTAssertTrue(report.output.contains("level_reached"), report.output)
        // The totals line agrees with the rows: the employed and arrived counts by country add up.
        let rows = report.output.split(separator: "\n").filter { $0.hasPrefix("employed_by_country") }
        let cells = rows.map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        let employed = cells.map { Int($0[$0.count - 3])! }.reduce(0, +), arrived = cells.map { Int($0[$0.count - 2])! }.reduce(0, +)
        XCTAssertTrue(report.output.contains("\(employed) of \(arrived) people who have arrived are in work"), report.output)
        let csv = scratch.appendingPathComponent("outcomes.csv").path
        XCTAssertEqual(try haven("report", "--kind", "outcomes", "--format", "csv", "--output", csv, "--store", store).status, 0)
        XCTAssertTrue(try String(contentsOfFile: csv, encoding: .utf8).contains("measure,group,count,of,percent"))
        let courses = try haven("courses", "--store", store)
        XCTAssertTrue(courses.output.contains("40 courses."), courses.output)
    }
}
