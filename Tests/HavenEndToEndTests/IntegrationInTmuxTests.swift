import Foundation
import HavenCore
import HavenTestSupport
import XCTest

/// Integration through the real binary in tmux: enrol a case in a course, record an
/// assessment, place them in a job, then move the session's clock (`--clock`, demo stores
/// only) and see the 3-month follow-up due in the queue, then overdue. No sleeps: the clock is
/// injected.
final class IntegrationInTmuxTests: CommandTestCase {
    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed (apt-get install tmux; .ci/run installs it)")
        }
        try super.setUpWithError()
    }

    /// A case in Integration with nothing recorded yet: no course, application or job.
    func freshIntegrationCase() throws -> String {
        let text = try String(contentsOfFile: "\(store)/cases.jsonl", encoding: .utf8)
        for line in text.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let record = object["record"] as? [String: Any], let summary = record["summary"] as? [String: Any],
                  summary["stage"] as? String == "integration", let id = record["id"] as? String else { continue }
            let integration = summary["integration"] as? [String: Any] ?? [:]
            if integration["seats"] == nil, integration["employment"] == nil, integration["applications"] == nil { return id }
        }
        throw XCTSkip("the demo store has no case in Integration without a course or job")
    }

    /// Moves down a pick list to the item titled `title` and chooses it.
    func choose(_ title: String, first: String, in session: TmuxSession) throws {
        session.waitFor(text: title)
        let lines = session.lines
        let top = try XCTUnwrap(lines.firstIndex { $0.contains(first) }, session.screen)
        let target = try XCTUnwrap(lines.firstIndex { $0.contains(title) }, session.screen)
        for _ in 0..<(target - top) { try session.press("Down") }
        try session.press("Enter")
    }

    /// A session on `day` showing the queue's follow-ups due, searched for case `number`.
    func queueOfFollowUps(for number: String, on day: CalendarDate) throws -> TmuxSession {
        let session = try TmuxSession(arguments: ["--store", store, "--clock", day.description])
        session.waitFor(text: "Cases by stage")
        try session.press("2")
        session.waitFor(text: "Case")
        try session.press("u")
        session.waitFor(text: "follow-ups due")
        try session.press("/")
        try session.type(number)
        return session
    }

    func testEnrolAssessPlaceAndSeeTheFollowUpDueWhenTheClockMoves() throws {
        XCTAssertEqual(try haven("demo", "--cases", "300", "--no-open", "--store", store).status, 0)
        let id = try freshIntegrationCase()
        let number = String(id.drop { !$0.isNumber }.drop { $0 == "0" })
        let day = CalendarDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400))

        let session = try TmuxSession(arguments: ["--store", store, "--clock", day.description])
        session.waitFor(text: "Cases by stage")
        try session.press("/")
        try session.type(number)
        session.waitFor(text: id)
        try session.press("Enter")
        session.waitFor(text: "\(id) ")

        // Enrol: the first course in the case's country (a seat, or its waiting list).
        try session.press("i")
        try choose("Enrol in a course", first: "Enrol in a course", in: session)
        session.waitFor(text: "Enrol \(id) in a course in")
        try session.press("Enter")
        session.waitFor(text: "Saved \(id) as v2")
        session.waitFor("the course in the Integration section") { $0.contains("Course ") && $0.contains(" h") }

        // Assess: the form offers the country's language at his level (A2 when none); Ctrl-S records it.
        try session.press("i")
        try choose("Record an assessment", first: "Enrol in a course", in: session)
        session.waitFor(text: "CEFR assessment of \(id)")
        try session.press("C-s")
        session.waitFor(text: "Saved \(id) as v3")
        session.waitFor("the level in the Integration section") { $0.contains("Language ") && $0.contains("(1 assessment, latest") }

        // Place: a job starting today, employer typed in Cyrillic.
        try session.press("i")
        try choose("Record a job", first: "Enrol in a course", in: session)
        session.waitFor(text: "A job for \(id)")
        try session.press("Tab")
        try session.type("Спедиция Мюллер")
        try session.press("C-s")
        session.waitFor(text: "Saved \(id) as v4")
        let due = day.adding(months: 3)
        session.waitFor(text: "Job                Спедиция Мюллер from \(day)")
        session.waitFor(text: "3 months         due \(due)")
        // Back to the home screen's finder, close it, quit.
        try session.quit()
        XCTAssertEqual(session.exitStatus(), 0)
        XCTAssertEqual(session.standardError, "")

        // Three months and a day on: the follow-up is due in the queue, in place of the stage.
        let later = try queueOfFollowUps(for: number, on: due.adding(days: 1))
        later.waitFor("the case with its follow-up due, not yet late") { screen in
            screen.components(separatedBy: "\n").contains { $0.contains(id) && $0.contains("Due 3 mo.") }
        }
        try later.quit()
        XCTAssertEqual(later.exitStatus(), 0)

        // Past the grace period it is late: marked ! in the queue, OVERDUE on the case.
        let overdue = try queueOfFollowUps(for: number, on: due.adding(days: 20))
        overdue.waitFor("the late follow-up marked") { screen in
            screen.components(separatedBy: "\n").contains { $0.contains(id) && $0.contains("LATE 3 mo.") && $0.contains("!") }
        }
        try overdue.press("Enter")
        overdue.waitFor(text: "\(id) ")
        try overdue.press("6")
        overdue.waitFor(text: "OVERDUE since \(due)")
        try overdue.quit()
        XCTAssertEqual(overdue.exitStatus(), 0)

        // A real store's clock cannot be moved.
        XCTAssertEqual(try haven("init", "--store", scratch.appendingPathComponent("live").path).status, 0)
        let refused = try haven("--store", scratch.appendingPathComponent("live").path, "--clock", "2030-01-01")
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.output.contains("--clock is for demo stores only"), refused.output)
    }
}
