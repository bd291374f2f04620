import HavenCore
import XCTest

final class CalendarDateTests: XCTestCase {
    func testParsesAndPrintsISODates() {
        let date = CalendarDate(iso: "1994-02-28")
        XCTAssertEqual(date?.description, "1994-02-28")
        XCTAssertNil(CalendarDate(iso: "1994-02-30"))
        XCTAssertNil(CalendarDate(iso: "2023-02-29"))
        XCTAssertNotNil(CalendarDate(iso: "2024-02-29"))
        XCTAssertNil(CalendarDate(iso: "1994-2-28"))
        XCTAssertNil(CalendarDate(iso: "28.02.1994"))
        XCTAssertNil(CalendarDate(iso: "１９９４-02-28"), "full-width digits are not a date")
    }

    func testDayArithmeticRoundTrips() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            XCTAssertEqual(CalendarDate(daysSinceEpoch: days).daysSinceEpoch, days)
        }
        XCTAssertEqual(CalendarDate(year: 1970, month: 1, day: 1)!.daysSinceEpoch, 0)
        XCTAssertEqual(CalendarDate(year: 2026, month: 11, day: 24)!.adding(days: 7).description, "2026-12-01")
    }

    func testAgeCountsCompletedYears() {
        let birth = CalendarDate(year: 2000, month: 6, day: 15)!
        XCTAssertEqual(birth.age(on: CalendarDate(year: 2026, month: 6, day: 14)!), 25)
        XCTAssertEqual(birth.age(on: CalendarDate(year: 2026, month: 6, day: 15)!), 26)
    }

    func testTimestampsRoundTripThroughISO() {
        let text = "2026-11-24T21:05:09Z"
        XCTAssertEqual(Timestamp(iso: text)?.description, text)
        XCTAssertNil(Timestamp(iso: "2026-11-24T25:05:09Z"))
        XCTAssertNil(Timestamp(iso: "2026-11-24 21:05:09"))
        XCTAssertEqual(Timestamp(iso: text)?.date.description, "2026-11-24")
    }
}
