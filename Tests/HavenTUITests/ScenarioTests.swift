@testable import HavenTUI
import XCTest

/// The casework walk of the end-to-end test (WholeCaseWalkInTmuxTests), typed as keystroke
/// scripts through the real run loop on an in-memory store at 80x24 and compared with saved
/// screens, styles and all (Tests/HavenTUITests/Scenarios, README "Testing"). Each scenario
/// starts where the one before it ended, so the walk is played once, in order, by whichever
/// test comes first; each test then reports its own scenario's screens.
final class ScenarioTests: XCTestCase {
    /// The walk, in order.
    static let walk = ["register", "find", "screen", "propose", "approve", "allocate", "relocate", "integrate", "correct",
                       "family", "publicity"]

    static let outcome: ScenarioRunner.Outcome = {
        let outcome = ScenarioRunner.play(walk)
        if !outcome.recorded.isEmpty {
            print("Recorded \(outcome.recorded.count) screen(s); look at each before committing:\n  " + outcome.recorded.joined(separator: "\n  "))
        }
        return outcome
    }()

    func check(_ scenario: String, file: StaticString = #filePath, line: UInt = #line) {
        let outcome = Self.outcome
        if let problem = outcome.problem { return XCTFail(problem, file: file, line: line) }
        guard let failures = outcome.failures[scenario] else {
            return XCTFail("\(scenario) was not played: the walk stopped in \(outcome.stoppedIn ?? "?") (its test says why)", file: file, line: line)
        }
        for failure in failures { XCTFail(failure, file: file, line: line) }
    }

    func testRegisterWithCyrillicNamesAndADuplicateWarning() { check("register") }
    func testFindByEitherScript() { check("find") }
    func testScreeningChecks() { check("screen") }
    func testProposeADecision() { check("propose") }
    func testASupervisorApprovesTheGrant() { check("approve") }
    func testAllocateToAHostCountry() { check("allocate") }
    func testRelocateAndConfirmTheArrival() { check("relocate") }
    func testIntegrateWithACourseAndAJob() { check("integrate") }
    func testCorrectAFieldAndReadItBack() { check("correct") }
    func testFamilyLinkAndReunification() { check("family") }
    func testPublicityApprovedAsAStory() { check("publicity") }
}

/// The saved-screen format itself: what a failed scenario test prints must be right too.
extension ScenarioTests {
    func testASavedScreenKeepsTextStylesAndCursorAndNamesTheRowThatDiffers() throws {
        var canvas = Canvas(size: Size(width: 12, height: 3))
        canvas.put(" Жуков 日本", x: 0, y: 0, style: .title)
        canvas.put("x", x: 11, y: 1, style: Style(.heading, underline: true))
        canvas.cursor = (x: 3, y: 2)
        let saved = SavedScreen(canvas)
        XCTAssertEqual(saved.fileText, """
            Haven screen 12x3, cursor at column 3 row 2 (from 0)
            styles: . normal  T title  K key name  S selection  H heading  W warning  E error  m muted  O overdue  b bar  1 heading+underline
            ------------ text
             Жуков 日本
                       x

            ------------ styles
            TTTTTTTTTTT
            ...........1


            """)
        XCTAssertEqual(SavedScreen(fileText: saved.fileText), saved, "reads back as written")
        canvas.put("y", x: 11, y: 1, style: Style(.heading, underline: true))
        XCTAssertEqual(saved.differences(from: SavedScreen(canvas)), """
            row 1 text      saved |           x|
                            now   |           y|
                                              ^ column 11
            """)
    }
}
