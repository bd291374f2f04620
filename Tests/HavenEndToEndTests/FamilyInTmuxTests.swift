import Foundation
import HavenCore
import HavenTestSupport
import XCTest

/// Family through the real binary in tmux, as a supervisor on a demo store: add a family
/// member in Cyrillic, move her through two stages (ticking the documents between), add a
/// brother and link him to his own case, then open that case and see the link there too.
final class FamilyInTmuxTests: CommandTestCase {
    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed (apt-get install tmux; .ci/run installs it)")
        }
        try super.setUpWithError()
    }

    /// The first two open cases of the store.
    func twoOpenCases() throws -> (String, String) {
        let text = try String(contentsOfFile: "\(store)/cases.jsonl", encoding: .utf8)
        var ids: [String] = []
        for line in text.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let record = object["record"] as? [String: Any], let summary = record["summary"] as? [String: Any],
                  summary["stage"] as? String != "closed", let id = record["id"] as? String else { continue }
            ids.append(id)
            if ids.count == 2 { return (ids[0], ids[1]) }
        }
        throw XCTSkip("the demo store has fewer than two open cases")
    }

    func open(_ id: String, in session: TmuxSession) throws {
        try session.press("/")
        try session.type(String(id.drop { !$0.isNumber }.drop { $0 == "0" }))
        session.waitFor(text: id)
        try session.press("Enter")
        session.waitFor(text: "\(id) ")
        try session.press("f")
        session.waitFor(text: "Family of \(id)")
    }

    /// `m` on the selected member: the next stage, today, with the next action and its date.
    func move(from stage: String, next action: String, due: String, in session: TmuxSession) throws {
        try session.press("m")
        session.waitFor(text: "from \(stage)")
        try session.press("Down", "Down")
        try session.type(action)
        try session.press("Down")
        try session.type(due)
        try session.press("C-s")
    }

    func testAddAMemberMoveTwoStagesAndLinkTwoCasesSeenOnBoth() throws {
        XCTAssertEqual(try haven("demo", "--cases", "40", "--no-open", "--store", store).status, 0)
        let (first, second) = try twoOpenCases()
        let session = try TmuxSession(arguments: ["--store", store])
        session.waitFor(text: "Cases by stage")
        try open(first, in: session)

        // A wife, in Cyrillic; the Latin spelling is made from it.
        try session.press("+")
        session.waitFor(text: "A family member of \(first)")
        try session.press("Down")
        try session.type("Жукова")
        try session.press("Down")
        try session.type("Анна")
        try session.press("C-s")
        session.waitFor(text: "Жукова Анна (Zhukova Anna) · spouse")

        // Stage one: application filed, with the next action and its date.
        try move(from: "Not started", next: "Собрать документы", due: "2099-12-10", in: session)
        session.waitFor(text: "Application filed · due 2099-12-10")

        // The checklist, then stage two.
        try session.press("d")
        session.waitFor(text: "Documents for Жукова Анна")
        for index in 0..<4 {
            if index > 0 { try session.press("Down") }
            try session.press("Enter")
            session.waitFor("\(index + 1) ticked") { $0.components(separatedBy: "[x]").count - 1 == index + 1 }
        }
        try session.press("q")
        session.waitFor(text: "Documents 4/4")
        try move(from: "Application filed", next: "Записаться на собеседование", due: "2099-12-20", in: session)
        session.waitFor(text: "Documents gathered · due 2099-12-20")
        session.waitFor(text: "Steps: Application filed")

        // A brother with his own case: linked, and the link shown on this side.
        try session.press("+")
        session.waitFor(text: "A family member of \(first)")
        for _ in 0..<6 { try session.press("Right") }
        session.waitFor(text: "◂ Brother ▸")
        try session.press("Down")
        try session.type("Жуков")
        try session.press("Down")
        try session.type("Павел")
        try session.press("C-s")
        session.waitFor(text: "Жуков Павел (Zhukov Pavel) · brother")
        try session.press("l")
        session.waitFor(text: "Link brother Жуков Павел to their own case")
        try session.press("C-u") // the whole name is offered; a case number instead
        try session.type(second)
        session.waitFor(text: "\(second)  ")
        try session.press("Enter")
        session.waitFor(text: "own case \(second)")

        // The other case shows the link back, to the first.
        try session.press("q", "q", "Escape")
        session.waitFor(text: "Cases by stage")
        try open(second, in: session)
        session.waitFor(text: "own case \(first)")
        try session.quit()
        XCTAssertEqual(session.exitStatus(), 0)
        XCTAssertEqual(session.standardError, "")
        // On disk: the last record of each case names the other, written in one save.
        var latest: [String: [String: Any]] = [:]
        for line in try String(contentsOfFile: "\(store)/cases.jsonl", encoding: .utf8).split(separator: "\n") {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let record = try XCTUnwrap(object["record"] as? [String: Any])
            latest[record["id"] as! String] = record
        }
        func links(_ id: String) -> [String] {
            ((latest[id]?["case"] as? [String: Any])?["family"] as? [[String: Any]] ?? []).compactMap { $0["linkedCase"] as? String }
        }
        XCTAssertEqual(links(first), [second])
        XCTAssertEqual(links(second), [first])
        XCTAssertEqual(latest[first]?["parts"] as? Int, 2)
    }
}
