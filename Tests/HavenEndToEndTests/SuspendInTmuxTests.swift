import Foundation
import HavenTestSupport
import XCTest

/// Ctrl-Z as a person uses it: Haven started from an interactive shell with job control stops
/// and gives the terminal back; `fg` brings it back drawn whole, and it still quits normally.
final class SuspendInTmuxTests: XCTestCase {
    func testCtrlZStopsHavenAndFgRedrawsIt() throws {
        let socket = "haven-z-\(getpid())-\(UUID().uuidString.prefix(8))"
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer {
            _ = try? tmux(socket, scratch, ["kill-server"])
            try? FileManager.default.removeItem(at: scratch)
        }
        let store = scratch.appendingPathComponent("store").path
        let shell = "env -i PATH=/usr/bin:/bin TERM=xterm-256color LANG=C.UTF-8 HAVEN_START=home HOME=\(scratch.path) HISTFILE=/dev/null bash --norc --noprofile -i"
        try tmux(socket, scratch, ["-f", "/dev/null", "new-session", "-d", "-s", "z", "-x", "80", "-y", "24", shell])
        try tmux(socket, scratch, ["send-keys", "-t", "z", "\(HavenBinary.url.path) demo --cases 20 --store \(store)", "Enter"])
        try waitFor(socket, scratch, "Cases by stage")
        try tmux(socket, scratch, ["send-keys", "-t", "z", "C-z"])
        try waitFor(socket, scratch, "Stopped")
        XCTAssertFalse(try screen(socket, scratch).contains("Cases by stage"), "the shell has the terminal back")
        try tmux(socket, scratch, ["send-keys", "-t", "z", "fg", "Enter"])
        try waitFor(socket, scratch, "Cases by stage")
        XCTAssertTrue(try screen(socket, scratch).contains("Haven · Home"), "redrawn whole after fg")
        try tmux(socket, scratch, ["send-keys", "-t", "z", "q"])
        try waitFor(socket, scratch, "Quit Haven? y quits")
        try tmux(socket, scratch, ["send-keys", "-t", "z", "y"])
        try waitFor(socket, scratch, "Cases by stage", gone: true)
    }

    @discardableResult
    func tmux(_ socket: String, _ scratch: URL, _ arguments: [String]) throws -> String {
        let (status, text) = try ChildProcess.run(["tmux", "-L", socket] + arguments,
                                                  outputPath: scratch.appendingPathComponent("tmux-\(UUID().uuidString)").path)
        guard status == 0 else { throw NSError(domain: "tmux", code: Int(status), userInfo: [NSLocalizedDescriptionKey: text]) }
        return text
    }

    func screen(_ socket: String, _ scratch: URL) throws -> String { try tmux(socket, scratch, ["capture-pane", "-p", "-t", "z"]) }

    func waitFor(_ socket: String, _ scratch: URL, _ text: String, gone: Bool = false) throws {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if try screen(socket, scratch).contains(text) != gone { return }
            usleep(50_000)
        }
        XCTFail("timed out waiting for '\(text)'; the screen was:\n\(try screen(socket, scratch))")
        throw NSError(domain: "walk", code: 1)
    }
}
