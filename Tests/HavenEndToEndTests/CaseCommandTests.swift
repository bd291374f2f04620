import Foundation
import HavenCore
import HavenStore
import HavenTestSupport
import XCTest

/// The per-case commands of issue 20 through the real binary: travel and arrival.
final class CaseCommandTests: CommandTestCase {
    func testTravelDepartureAndArrivalByCommandMoveTheCaseOnlyAtArrival() throws {
        XCTAssertEqual(try haven("demo", "--cases", "80", "--seed", "3", "--no-open", "--role", "supervisor", "--store", store).status, 0)
        let opened = try FileCaseStore(at: URL(fileURLWithPath: store))
        guard let summary = try opened.summaries().first(where: { $0.stage == .relocation }) else { return XCTFail("no case in Relocation") }
        let id = summary.id.rawValue
        let record = try opened.load(summary.id).record
        let allocated = record.stageHistory.last { $0.stage == .relocation }!.at.date
        let today = CalendarDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400))

        let badDate = try haven("travel", id, "--date", "10.12.2026", "--store", store)
        XCTAssertEqual(badDate.status, 1)
        XCTAssertTrue(badDate.output.contains("--date '10.12.2026' is not a date"), badDate.output)
        let travel = try haven("travel", id, "--date", allocated.description, "--route", "KBP–WAW, escorted", "--store", store)
        XCTAssertEqual(travel.status, 0, travel.output)
        XCTAssertFalse(travel.output.contains("now in"), "travel does not move the case")
        let noPlace = try haven("travel", id, "--left", today.description, "--arrived", today.description, "--store", store)
        XCTAssertEqual(noPlace.status, 1)
        XCTAssertTrue(noPlace.output.contains("nothing saved; Name the place of reception."), noPlace.output)
        let arrived = try haven("travel", id, "--left", today.description, "--arrived", today.description,
                                "--reception", "Центр приёма, Лейпциг", "--met-by", "Frau Schulz, Caritas", "--store", store)
        XCTAssertEqual(arrived.status, 0, arrived.output)
        XCTAssertTrue(arrived.output.contains("now in Integration"), arrived.output)
        let saved = try FileCaseStore(at: URL(fileURLWithPath: store)).load(summary.id).record
        XCTAssertEqual(saved.stage, .integration)
        XCTAssertEqual(saved.relocation.travelNotes, "KBP–WAW, escorted")
        XCTAssertEqual(saved.relocation.receptionPlace, "Центр приёма, Лейпциг")
        XCTAssertEqual(saved.relocation.metBy, "Frau Schulz, Caritas")
    }
}
