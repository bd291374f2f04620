import Foundation
import Glibc
import HavenTestSupport
import XCTest

/// Drafts and conflicts with the real `haven` in real terminals: an edit of a case cut off by
/// a dropped connection comes back as that edit; two sessions of one user keep their own
/// drafts; a field changed in two sessions is shown with both values to choose from.
final class DraftsInTmuxTests: XCTestCase {
    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed (apt-get install tmux; .ci/run installs it)")
        }
    }

    /// `e` on case `number`, then the health needs field (section 4) emptied and `text` typed.
    func editHealthNeeds(_ number: String, to text: String, in session: TmuxSession) throws {
        try openCase(number, in: session)
        try session.press("e")
        session.waitFor(text: "Edit HV-00000\(number) ")
        try session.press("C-g", "4", "Tab", "Tab", "Tab", "C-u")
        try session.type(text)
        session.waitFor(text: text)
    }

    /// The connection drops: SIGHUP, and haven ends by it.
    func hangUp(_ session: TmuxSession, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(kill(try XCTUnwrap(session.haven), SIGHUP), 0, file: file, line: line)
        XCTAssertEqual(session.exitStatus(), 128 + SIGHUP, file: file, line: line)
    }

    func draftFiles(_ store: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(store)/drafts")) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    /// Waits until the once-a-second tick has kept `count` drafts holding `text`.
    func waitForDrafts(_ count: Int, holding text: String, in store: String) {
        let deadline = Date().addingTimeInterval(10)
        var kept: [String] = []
        while Date() < deadline {
            kept = draftFiles(store).compactMap { try? String(contentsOfFile: "\(store)/drafts/\($0)", encoding: .utf8) }
            if kept.count == count, kept.contains(where: { $0.contains(text) }) { return }
            usleep(50_000)
        }
        XCTFail("expected \(count) drafts, one holding \(text); found \(kept)")
    }

    func testADroppedEditOfACaseComesBackAsThatEdit() throws {
        let (store, cleanup) = try sharedStore(cases: 3)
        defer { cleanup() }
        let first = try TmuxSession(arguments: ["--store", store])
        try editHealthNeeds("2", to: "Астма, ингалятор", in: first)
        try hangUp(first)
        XCTAssertEqual(draftFiles(store).count, 1)
        XCTAssertTrue(draftFiles(store)[0].hasSuffix("~HV-000002.person.json"), "\(draftFiles(store))")

        let second = try TmuxSession(arguments: ["--store", store])
        second.waitFor(text: "1 unsaved form from an earlier session")
        XCTAssertTrue(second.screen.contains("Edit HV-000002"), second.screen)
        try second.press("Enter")
        second.waitFor("the edit of HV-000002, over its case") {
            $0.contains("Edit HV-000002 ") && $0.contains("Астма, ингалятор") && $0.contains("Your unsaved edit of HV-000002")
        }
        XCTAssertFalse(second.screen.contains("Register a defector"), "never a new registration")
        try second.press("C-s")
        second.waitFor(text: "Saved HV-000002 as v2.")
        try second.press("1")
        second.waitFor(text: "Астма, ингалятор")
        try second.quit()
        XCTAssertEqual(second.exitStatus(), 0)
        XCTAssertEqual(draftFiles(store), [], "saved: nothing is kept")
    }

    func testTwoSessionsOfOneUserKeepTheirOwnDrafts() throws {
        let (store, cleanup) = try sharedStore(cases: 3)
        defer { cleanup() }
        let intake = try TmuxSession(arguments: ["--store", store])
        let edit = try TmuxSession(arguments: ["--store", store])
        intake.waitFor(text: "Cases by stage")
        try intake.press("1")
        intake.waitFor(text: "Register a defector")
        try intake.type("Горбачёв")
        try editHealthNeeds("3", to: "Диабет", in: edit)
        waitForDrafts(2, holding: "Горбачёв", in: store)
        waitForDrafts(2, holding: "Диабет", in: store)

        // The intake session drops; the edit session goes on typing, and keeps its own draft.
        try hangUp(intake)
        try edit.type(", инсулин")
        waitForDrafts(2, holding: "Диабет, инсулин", in: store)
        let third = try TmuxSession(arguments: ["--store", store])
        third.waitFor(text: "1 unsaved form from an earlier session")
        XCTAssertTrue(third.screen.contains("Intake"), third.screen)
        XCTAssertFalse(third.screen.contains("Edit HV-000003"), "the running session's draft is its own")
        try third.press("Enter")
        third.waitFor("the intake form as it was") { $0.contains("Register a defector") && $0.contains("Горбачёв") }

        // The edit session drops too: its edit, with what it typed last, is offered to the next.
        try hangUp(edit)
        let fourth = try TmuxSession(arguments: ["--store", store])
        fourth.waitFor(text: "1 unsaved form from an earlier session")
        XCTAssertTrue(fourth.screen.contains("Edit HV-000003"), fourth.screen)
        XCTAssertFalse(fourth.screen.contains("Intake"), "the third session took the intake and is running")
        try fourth.press("Enter")
        fourth.waitFor(text: "Диабет, инсулин")
        for session in [third, fourth] {
            try session.press("Escape", "y")
            try session.quit()
            XCTAssertEqual(session.exitStatus(), 0)
        }
        XCTAssertEqual(draftFiles(store), [], "both thrown away on purpose")
    }

    func testASameFieldConflictOffersBothValues() throws {
        let (store, cleanup) = try sharedStore(cases: 3)
        defer { cleanup() }
        let first = try TmuxSession(arguments: ["--store", store])
        let second = try TmuxSession(arguments: ["--store", store])
        try editHealthNeeds("2", to: "Астма", in: first)
        try editHealthNeeds("2", to: "Диабет", in: second)
        try first.press("C-s")
        first.waitFor(text: "Saved HV-000002 as v2.")
        // The save meets the first one's: reloaded and merged at once, the clash asked about.
        try second.press("C-s")
        second.waitFor("both values, theirs with who and when") {
            $0.contains("changed here and by root meanwhile") && $0.contains("theirs   Астма") && $0.contains("yours    Диабет")
                && $0.contains("Theirs: the case as root last saved it")
        }
        try second.press("Enter")
        second.waitFor(text: "Still to choose: Health needs")
        try second.press("m", "Enter")
        second.waitFor(text: "Chosen. Ctrl-S saves the edit.")
        try second.press("C-s")
        second.waitFor(text: "Saved HV-000002 as v3.")
        try second.press("1")
        second.waitFor(text: "Диабет")
        for session in [first, second] {
            try session.quit()
            XCTAssertEqual(session.exitStatus(), 0)
        }
    }
}
