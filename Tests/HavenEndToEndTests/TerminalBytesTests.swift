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
            "HAVEN_DATA": HavenBinary.dataDirectory.path, "HAVEN_START": "home",
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

    func environment() -> [String: String] {
        ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": scratch.path, "PATH": "/usr/bin:/bin",
         "HAVEN_DATA": HavenBinary.dataDirectory.path, "HAVEN_START": "home"]
    }

    /// Issue 23: My work is the first screen; a move through its lines costs what a list move
    /// may (a supervisor's, with approvals and overdue lines to move through, and Cyrillic names).
    func testAMoveInMyWorkStaysWithinAListMovesBytes() throws {
        XCTAssertEqual(try haven("demo", "--cases", "300", "--no-open", "--store", store).status, 0)
        var start = environment()
        start["HAVEN_START"] = nil
        let session = try PseudoTerminal([HavenBinary.url.path, "--store", store], environment: start)
        let opened = session.collect(quiet: 0.15, limit: 30, until: "My work")
        XCTAssertTrue(opened.text.contains("need you"), opened.text)
        XCTAssertTrue(opened.text.contains("Approval") && (opened.text.contains("Д") || opened.text.contains("а")), opened.text)
        for step in 1...24 {
            let move = session.send(.down, quiet: 0.15)
            XCTAssertGreaterThan(move.count, 0, "move \(step) drew something")
            XCTAssertLessThanOrEqual(move.count, Budget.moveBytes, "move \(step): \(move.text.debugDescription)")
        }
        // Back up past the top of the page: the page stays until the selection leaves it.
        for step in 1...24 {
            let move = session.send(.up, quiet: 0.15)
            XCTAssertLessThanOrEqual(move.count, Budget.moveBytes, "move up \(step): \(move.text.debugDescription)")
        }
        _ = session.send(.control("c"), quiet: 0.15)
        XCTAssertEqual(session.wait(), 0)
    }

    /// Issue 22: keys typed ahead on a slow link arrive together; twelve PageDowns written in
    /// one burst cost one frame, within a single page's bytes (they cost twelve pages before).
    func testTwelvePageDownsTypedAheadCostOnePage() throws {
        XCTAssertEqual(try haven("demo", "--cases", "300", "--no-open", "--store", store).status, 0)
        let session = try PseudoTerminal([HavenBinary.url.path, "--store", store], environment: environment())
        XCTAssertNotNil(session.collect(quiet: 0.15, limit: 30, until: "Areas").last, "the home screen")
        XCTAssertTrue(session.send(.character("2"), quiet: 0.15).text.contains("cases: 300 of 300"))
        let burst = session.send(Array(repeating: PseudoTerminalKey.pageDown.bytes, count: 12).flatMap { $0 }, quiet: 0.3)
        XCTAssertTrue(burst.text.contains("200-217") && burst.text.contains(">HV-000217"), "the twelfth page: \(burst.text.debugDescription)")
        XCTAssertGreaterThan(burst.count, 0)
        XCTAssertLessThanOrEqual(burst.count, Budget.typeaheadBurstBytes, "twelve pages typed ahead")
        _ = session.send(.control("c"), quiet: 0.15)
        XCTAssertEqual(session.wait(), 0)
    }

    /// Keys typed ahead behind the one that quits were meant for Haven: they must not reach the
    /// shell, where a line typed for a form would run as a command and land in its history.
    func testKeysTypedAheadAfterQuittingNeverReachTheShell() throws {
        XCTAssertEqual(try haven("demo", "--cases", "20", "--no-open", "--store", store).status, 0)
        let script = #"IFS= read -r line; echo "shell read: [$line]""#
        let session = try PseudoTerminal(["/bin/sh", "-c", "\"$0\" --store \"$1\"; " + script, HavenBinary.url.path, store],
                                         environment: environment())
        XCTAssertNotNil(session.collect(quiet: 0.15, limit: 30, until: "Areas").last, "the home screen")
        // q asks, y quits; the line behind them was typed ahead before the question showed.
        _ = session.send(Array("qyИванов Enter\r".utf8), quiet: 0.3)
        let shell = session.send(Array("\r".utf8), quiet: 0.3)
        XCTAssertTrue(shell.text.contains("shell read: []"), shell.text.debugDescription)
        XCTAssertFalse(shell.text.contains("Иванов"), shell.text.debugDescription)
        XCTAssertEqual(session.wait(), 0)
    }
}
