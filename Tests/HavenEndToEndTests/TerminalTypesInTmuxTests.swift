import Foundation
import XCTest

/// Haven under every terminal type its users arrive with (ssh passes TERM through): the same
/// walk through home, the queue, a case, a resize and out again, and the terminal given back
/// (normal screen, cursor shown). A locale that is not UTF-8 is warned about and stays legible.
final class TerminalTypesInTmuxTests: XCTestCase {
    func walk(term: String) throws {
        let session = try TmuxSession(arguments: ["demo", "--cases", "60"], environment: ["TERM": term])
        session.waitFor(text: "Cases by stage")
        XCTAssertEqual(session.lines[0].count, 79, "\(term): the title spans 80 columns (its last, a space, trimmed)")
        try session.press("2")
        session.waitFor(text: "All cases: 60 of 60")
        try session.press("Down")
        session.waitFor("\(term): the second case selected") { $0.contains("\n>HV-000002 ") }
        try session.press("Enter")
        session.waitFor(text: "› HV-000002")
        XCTAssertTrue(session.screen.contains("Name (Cyrillic)"), session.screen)
        try session.resize(width: 100, height: 30)
        session.waitFor("\(term): redrawn at 100x30") { screen in
            let lines = screen.components(separatedBy: "\n")
            return lines.first.map { $0.count == 99 } == true && lines.count >= 30 && lines[29].contains("q Back")
        }
        try session.resize(width: 80, height: 24)
        session.waitFor("\(term): redrawn at 80x24") { $0.components(separatedBy: "\n").first?.count == 79 }
        try session.press("Escape", "Escape")
        session.waitFor(text: "Cases by stage")
        try session.quit()
        XCTAssertEqual(session.exitStatus(), 0, "\(term): \(session.standardError)")
        // The terminal is given back: out of the alternate screen (where the type has one),
        // cursor shown.
        let state = try session.tmux(["display-message", "-p", "-t", "haven", "#{alternate_on} #{cursor_flag}"])
        XCTAssertEqual(state.trimmingCharacters(in: .whitespacesAndNewlines), "0 1", "\(term)")
    }

    func testXterm256Color() throws { try walk(term: "xterm-256color") }
    func testXterm() throws { try walk(term: "xterm") }
    func testScreen() throws { try walk(term: "screen") }
    func testTmux256Color() throws { try walk(term: "tmux-256color") }
    func testLinuxConsole() throws { try walk(term: "linux") }
    func testVT100() throws { try walk(term: "vt100") }

    /// LANG=C: the start warns how to fix it, and Cyrillic names come out as ASCII letters in
    /// their columns rather than bytes the terminal cannot show.
    func testALocaleThatIsNotUTF8IsWarnedAboutAndStaysLegible() throws {
        let session = try TmuxSession(arguments: ["demo", "--cases", "60"], environment: ["LANG": "C", "LC_ALL": "C"])
        session.waitFor(text: "Locale is not UTF-8")
        XCTAssertTrue(session.screen.contains("try LANG=C.UTF-8"), session.screen)
        try session.press("2")
        session.waitFor(text: "All cases: 60 of 60")
        let rows = session.lines.filter { $0.dropFirst().hasPrefix("HV-0000") }
        XCTAssertFalse(rows.isEmpty, session.screen)
        for row in rows {
            XCTAssertTrue(row.unicodeScalars.allSatisfy(\.isASCII), row)
            XCTAssertFalse(row.contains("?"), "Cyrillic shown as letters: \(row)")
        }
        XCTAssertTrue(session.lines.contains { $0.hasPrefix(" Case") && $0.contains("Stage") }, "the columns stay in place")
        try session.quit()
        XCTAssertEqual(session.exitStatus(), 0)
    }
}
