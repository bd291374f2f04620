import XCTest
@testable import HavenCore

/// The research export's rows (issue 24): no name or case number, months not days, ages in
/// bands, and no group of fewer than five on country, age band, specialty and arrival month.
final class ResearchExportTests: XCTestCase {
    let today = CalendarDate(year: 2026, month: 12, day: 6)!

    func person(_ number: Int, born: CalendarDate?, specialty: String?, arrived: CalendarDate?, country: CountryCode?) -> Case {
        var record = Case(id: CaseID(number: number), defector: Fixtures.defector(), registeredBy: "anna.k",
                          registeredAt: Timestamp(date: CalendarDate(year: 2026, month: 3, day: 17)!, hour: 9))
        record.defector.birthDate = born
        record.defector.service.specialty = specialty
        record.relocation.arrivalDate = arrived
        if let country { record.allocation = AllocationProposal(country: country, proposedBy: "anna.k", proposedAt: Timestamp(date: today)) }
        return record
    }

    func testGroupsUnderFiveAreLeftOutAndNothingIdentifiesAPerson() throws {
        let arrived = CalendarDate(year: 2026, month: 10, day: 2)!
        var records: [Case] = []
        for number in 1...6 { records.append(person(number, born: CalendarDate(year: 1995, month: 1, day: number)!, specialty: "driver", arrived: arrived, country: nil)) }
        for number in 7...11 { records.append(person(number, born: CalendarDate(year: 1980, month: 5, day: number)!, specialty: "=HYPERLINK(\"x\")", arrived: nil, country: nil)) }
        records.append(person(12, born: CalendarDate(year: 1960, month: 1, day: 1)!, specialty: "sniper", arrived: arrived, country: nil))
        let rows = records.map { ResearchExport.row($0, today: today, pseudonym: { "p\($0.number * 7919 % 1000)" }) }
        XCTAssertEqual(rows[0].ageBand, "25-34")
        XCTAssertEqual(rows[6].ageBand, "45-54")
        XCTAssertEqual(rows[11].ageBand, "55+")
        XCTAssertEqual(ResearchExport.ageBand(nil, on: today), "unknown")
        XCTAssertEqual(rows[0].arrivalMonth, "2026-10")
        XCTAssertEqual(ResearchExport.header.count, rows[0].fields.count)
        let result = ResearchExport.keepingGroupsOfFive(rows)
        XCTAssertEqual(result.rows.count, 11)
        XCTAssertEqual(result.suppressed, 1)
        XCTAssertEqual(result.suppressedGroups, 1)
        XCTAssertFalse(result.rows.contains { $0.specialty == "sniper" }, "the one sniper of his age who came that month is not written")
        let csv = ResearchExport.csv(result)
        XCTAssertFalse(csv.contains("HV-"), "no case number")
        for name in [Fixtures.defector().cyrillicName.family, Fixtures.defector().latinName.family, "2026-03"] {
            XCTAssertFalse(csv.contains(name), "\(name): no name, no registration month")
        }
        XCTAssertFalse(csv.contains("2026-10-02"), "no day")
        XCTAssertTrue(csv.contains(",\"'=HYPERLINK(\"\"x\"\")\","), "a formula is written as text")
        var sizes: [[String]: Int] = [:]
        for row in result.rows { sizes[row.group, default: 0] += 1 }
        XCTAssertTrue(sizes.values.allSatisfy { $0 >= ResearchExport.smallestGroup })
    }
}
