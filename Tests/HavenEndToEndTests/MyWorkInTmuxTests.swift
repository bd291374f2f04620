import Foundation
import HavenCore
import HavenTestSupport
import XCTest

/// My work and appointments in real terminals: a supervisor reassigns a case in one OS
/// account's session and it reaches the caseworker's open My work in theirs; an appointment
/// booked through the screens falls due as a demo store's clock runs.
extension TwoUsersApprovalTests {
    func testACaseReassignedByTheSupervisorReachesTheCaseworkersOpenMyWork() throws {
        let store = scratch.appendingPathComponent("store").path
        XCTAssertEqual(try haven(["init", "--group", Self.group, "--store", store]).status, 0)
        XCTAssertEqual(try haven(["users", "add", Self.caseworker, "--role", "caseworker", "--store", store]).status, 0)
        XCTAssertEqual(try haven(["users", "add", Self.supervisor, "--role", "supervisor", "--store", store]).status, 0)
        var record = try caseReadyForDecision()
        record.assignedTo = UserName(Self.supervisor)
        let file = scratch.appendingPathComponent("case.json")
        try JSONEncoder().encode([record]).write(to: file)
        XCTAssertEqual(try haven(["import", file.path, "--store", store]).status, 0)

        // The caseworker starts on My work, with nothing in it.
        let worker = try TmuxSession(arguments: ["--store", store], environment: ["HAVEN_START": "my-work"], user: Self.caseworker)
        worker.waitFor(text: "My work · nothing needs you now")
        // The supervisor gives the case to the caseworker, through the screens.
        let supervisor = try TmuxSession(arguments: ["--store", store], user: Self.supervisor)
        try openCase("1", in: supervisor)
        try supervisor.press("o")
        // The pick list is in name order: the caseworker (havencw) first, then the supervisor.
        supervisor.waitFor(text: Self.caseworker)
        try supervisor.press("Enter")
        supervisor.waitFor(text: "Assigned to        \(Self.caseworker)")
        let saved = Date()
        // The caseworker's open session shows it without a key pressed.
        worker.waitFor(text: "New case")
        let seconds = Date().timeIntervalSince(saved)
        print("My work: a reassignment reached the other session's screen \(String(format: "%.2f", seconds)) s after the save showed")
        XCTAssertTrue(worker.screen.contains("HV-000001") && worker.screen.contains("Given to you by \(Self.supervisor)"), worker.screen)
        XCTAssertTrue(worker.screen.contains("My work · 1 needs you"), worker.screen)
        try worker.press("Enter")
        worker.waitFor(text: "HV-000001 Жуков Артём Сергеевич (Artem Zhukov) · Decision")
        XCTAssertTrue(worker.screen.contains("p Propose"), "now the caseworker's to work on: " + worker.screen)
        try worker.press("Escape")
        worker.waitFor(text: "My work · nothing needs you now")
        try worker.quit()
        try supervisor.quit()
        XCTAssertEqual(worker.exitStatus(), 0)
        XCTAssertEqual(supervisor.exitStatus(), 0)
    }
}

final class AppointmentsInTmuxTests: XCTestCase {
    /// Booked tomorrow at 10:00 on a demo store as a supervisor attending it; then, with the
    /// clock set to 10:59:50 that day, My work shows it today and, ten seconds on, to record.
    func testAnAppointmentFallsDueAsTheDemoClockRuns() throws {
        let (store, cleanup) = try sharedStore(cases: 30)
        defer { cleanup() }
        let today = CalendarDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400))
        let tomorrow = today.adding(days: 1)
        let booking = try TmuxSession(arguments: ["--store", store, "--clock", "\(today)T09:00:00Z"])
        try openCase("2", in: booking)
        try booking.press("m")
        booking.waitFor(text: "appointments · times in")
        try booking.press("n")
        booking.waitFor(text: "Book an appointment on HV-000002")
        for _ in 0..<4 { try booking.press("Tab") }
        try booking.type("Комната 3")
        for _ in 0..<2 { try booking.press("Tab") }
        try booking.press("C-u")
        try booking.type("root")
        try booking.press("C-s")
        booking.waitFor(text: "\(tomorrow) 10:00  Screening interview")
        try booking.quit()
        XCTAssertEqual(booking.exitStatus(), 0)
        let calendar = try runHaven(["calendar", "--store", store, "--days", "3"], in: URL(fileURLWithPath: store).deletingLastPathComponent())
        XCTAssertEqual(calendar.status, 0, calendar.output)
        XCTAssertTrue(calendar.output.contains("SUMMARY:Interview\\, HV-000002"), calendar.output)
        XCTAssertFalse(calendar.output.contains("Комната"), "no place in the calendar")

        let session = try TmuxSession(arguments: ["--store", store, "--clock", "\(tomorrow)T10:59:50Z"], environment: ["HAVEN_START": "my-work"])
        session.waitFor(text: "HV-000002")
        XCTAssertTrue(session.lines.contains { $0.hasPrefix(">Today") && $0.contains("HV-000002") && $0.contains("Screening interview at 10:00") },
                      session.screen)
        // The clock runs on: at 11:00 it ended, and the line says to record it, with no key pressed.
        session.waitFor(text: "To record  HV-000002")
        XCTAssertTrue(session.screen.contains("Screening interview, \(tomorrow)"), session.screen)
        try session.quit()
        XCTAssertEqual(session.exitStatus(), 0)
    }
}
