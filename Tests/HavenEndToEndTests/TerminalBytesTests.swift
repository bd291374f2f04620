import Foundation
import HavenTestSupport
import XCTest

/// The byte budgets of issue 9, on the real binary in a pseudo-terminal at 80x24 with Cyrillic
/// names: what a key costs on an ssh link does not depend on the machine, so it is a test, not
/// only a benchmark figure (`haven-bench --part terminal` measures the same at 120,000 cases).
final class TerminalBytesTests: CommandTestCase {
    func testAMovePageAndScreenSwitchStayWithinTheirBytes() throws {
        XCTAssertEqual(try haven("demo", "--cases", "300", "--no-open", "--store", store).status, 0)
        let session = try PseudoTerminal([HavenBinary.url.path, "--store", store], environment: [
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": scratch.path, "PATH": "/usr/bin:/bin",
            "HAVEN_DATA": HavenBinary.dataDirectory.path,
        ])
        let quiet = 0.15
        XCTAssertNotNil(session.collect(quiet: quiet, limit: 30, until: "Areas").last, "the home screen")
        let queue = session.send(.character("2"), quiet: quiet)
        // ncurses keeps what is already on screen ("A" of "Areas"), so look for the rest.
        XCTAssertTrue(queue.text.contains("cases: 300 of 300"), queue.text)
        XCTAssertTrue(queue.text.contains("Д") || queue.text.contains("а"), "Cyrillic names on the page")

        // Down past the bottom of the page, so moves that scroll are counted too.
        for step in 1...20 {
            let move = session.send(.down, quiet: quiet)
            XCTAssertGreaterThan(move.count, 0, "move \(step) drew something")
            XCTAssertLessThanOrEqual(move.count, Budget.moveBytes, "move \(step): \(move.text.debugDescription)")
        }
        for key in [PseudoTerminalKey.pageDown, .pageDown, .pageUp, .pageDown] {
            let page = session.send(key, quiet: quiet)
            XCTAssertGreaterThan(page.count, 0, "a page draws its new rows (only the cells that differ)")
            XCTAssertLessThanOrEqual(page.count, Budget.pageBytes, "\(key)")
        }
        XCTAssertGreaterThan(session.send(.escape, quiet: quiet).count, 0)
        for area in "23456789" {
            let opened = session.send(.character(area), quiet: quiet)
            XCTAssertLessThanOrEqual(opened.count, Budget.screenSwitchBytes, "Home → area \(area)")
            let back = session.send(.escape, quiet: quiet)
            XCTAssertTrue(back.text.contains("Areas") || back.count > 0, "area \(area) → Home")
            XCTAssertLessThanOrEqual(back.count, Budget.screenSwitchBytes, "area \(area) → Home")
        }
        let asked = session.send(.character("q"), quiet: quiet)
        XCTAssertTrue(asked.text.contains("Quit Haven?"), "q on the home screen asks first")
        _ = session.send(.character("y"), quiet: quiet)
        XCTAssertEqual(session.wait(), 0)
    }
}
