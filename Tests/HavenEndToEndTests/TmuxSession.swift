import Foundation
import HavenTestSupport
import XCTest

/// The built `haven`, beside the test bundle in the build directory.
enum HavenBinary {
    static var url: URL {
        if let explicit = ProcessInfo.processInfo.environment["HAVEN_BINARY"] { return URL(fileURLWithPath: explicit) }
        return ChildProcess.buildProducts.appendingPathComponent("haven")
    }

    /// The package's data/ directory.
    static let dataDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("data")
}

/// Haven running in a detached tmux pane on a private socket: keys in, screen text out, as a
/// person at a terminal would see it. Waits poll the screen until the text appears (never a
/// fixed sleep) and fail after `timeout`.
final class TmuxSession {
    let socket = "haven-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
    let directory: URL
    let timeout: TimeInterval = 15

    /// Starts `haven` with `arguments` in a pane of `width`x`height`, with `environment`
    /// added to a clean UTF-8 one.
    ///
    /// - Parameter user: run as this OS account (through `runuser`, so the test must be root).
    /// - Parameter sturdyShell: the pane's shell ignores Ctrl-C, Ctrl-\\ and Ctrl-Z, so keys
    ///   that arrive after haven has ended (a fuzzer's) cannot end the pane before the status is kept.
    init(arguments: [String], width: Int = 80, height: Int = 24, environment: [String: String] = [:], user: String? = nil,
         sturdyShell: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var env = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HAVEN_DATA": HavenBinary.dataDirectory.path,
                   "HOME": directory.path, "XDG_DATA_HOME": directory.appendingPathComponent("data-home").path,
                   // The areas first, as these tests were written for; My work's own tests set my-work.
                   "HAVEN_START": "home"]
        env.merge(environment) { $1 }
        let assignments = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        let command = ([HavenBinary.url.path] + arguments).map(Self.quote).joined(separator: " ")
        let status = Self.quote(directory.appendingPathComponent("status").path)
        let stderr = Self.quote(directory.appendingPathComponent("stderr").path)
        // env -i: nothing from the test runner's environment leaks in. The exit status is
        // written only when haven has ended, so its presence means "exited".
        let runAs = user.map { "runuser -u \(Self.quote($0)) -- " } ?? ""
        let script = (sturdyShell ? "trap '' INT QUIT TSTP; " : "") + "\(runAs)env -i PATH=/usr/bin:/bin \(assignments) \(command) 2>\(stderr); echo $? > \(status).tmp; mv \(status).tmp \(status); sleep 60"
        try tmux(["-f", "/dev/null", "new-session", "-d", "-s", "haven", "-x", "\(width)", "-y", "\(height)", script])
        try tmux(["set-option", "-t", "haven", "status", "off"])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(at: directory)
    }

    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let outputURL = directory.appendingPathComponent("tmux-output-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: outputURL) }
        let (status, text) = try ChildProcess.run(["tmux", "-L", socket] + arguments, outputPath: outputURL.path)
        guard status == 0 else {
            throw NSError(domain: "tmux", code: Int(status), userInfo: [NSLocalizedDescriptionKey: "tmux \(arguments): \(text)"])
        }
        return text
    }

    var screen: String { (try? tmux(["capture-pane", "-p", "-t", "haven"])) ?? "" }
    /// The screen with its attributes as escape sequences (reverse video is ESC [7m).
    var screenWithAttributes: String { (try? tmux(["capture-pane", "-p", "-e", "-t", "haven"])) ?? "" }
    var lines: [String] { screen.components(separatedBy: "\n") }

    /// Leaves Haven as a person does: q until it asks whether to quit (each screen closes in
    /// turn; the home screen asks), then y.
    func quit(file: StaticString = #filePath, line: UInt = #line) throws {
        for _ in 0..<8 where !screen.contains("Quit Haven? y quits") {
            // A field has the keyboard when the key bar offers F1 rather than ?: Esc leaves it
            // (q would be typed); a form asking to throw away what was typed is answered y.
            let now = screen
            let bar = now.components(separatedBy: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
            try press(now.contains("y discards") ? "y" : bar.hasPrefix("F1 Help") ? "Escape" : "q")
            usleep(150_000)
        }
        waitFor(text: "Quit Haven? y quits", file: file, line: line)
        try press("y")
    }

    /// Presses tmux-named keys one by one (Escape, Down, F1, C-c, ?).
    func press(_ keys: String...) throws {
        for key in keys { try tmux(["send-keys", "-t", "haven", key]) }
    }

    /// Types text literally (UTF-8).
    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", "haven", "-l", "--", text])
    }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "haven", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Waits until `condition` holds of the screen; fails the test with the screen if it never does.
    @discardableResult
    func waitFor(_ what: String, file: StaticString = #filePath, line: UInt = #line,
                 _ condition: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(screen) { return true }
            usleep(20_000)
        }
        XCTFail("timed out waiting for \(what); the screen was:\n\(screen)", file: file, line: line)
        return false
    }

    @discardableResult
    func waitFor(text: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        waitFor("'\(text)'", file: file, line: line) { $0.contains(text) }
    }

    /// Haven's exit status, once it has exited.
    func exitStatus(file: StaticString = #filePath, line: UInt = #line) -> Int32? {
        let url = directory.appendingPathComponent("status")
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: url, encoding: .utf8) {
                return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            usleep(20_000)
        }
        XCTFail("haven did not exit; the screen was:\n\(screen)", file: file, line: line)
        return nil
    }

    var standardError: String {
        (try? String(contentsOf: directory.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
    }

    /// Whether the pane is showing the alternate screen (ncurses has the terminal).
    var alternateScreenIsOn: Bool {
        (try? tmux(["display-message", "-p", "-t", "haven", "#{alternate_on}"]))?.hasPrefix("1") ?? false
    }

    /// Whether the pane's terminal is back in cooked mode with echo: the terminal was restored.
    var haven: pid_t? {
        guard let shell = try? tmux(["display-message", "-p", "-t", "haven", "#{pane_pid}"]),
              let shellPID = pid_t(shell.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        let children = (try? String(contentsOfFile: "/proc/\(shellPID)/task/\(shellPID)/children", encoding: .utf8)) ?? ""
        // The shell's child is env, which exec'd haven, so the pid is haven's.
        return children.split(separator: " ").compactMap { pid_t($0) }.first
    }
}

/// What the tests in tmux share: running `haven` once, a store two sessions share, and
/// opening a case from the home screen's finder.
extension XCTestCase {
    func runHaven(_ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
        try ChildProcess.run(["env", "HAVEN_DATA=\(HavenBinary.dataDirectory.path)", HavenBinary.url.path] + arguments,
                             outputPath: directory.appendingPathComponent("out-\(UUID().uuidString)").path)
    }

    /// A store of a few demo cases that two sessions can share, in a directory of its own.
    func sharedStore(cases: Int, role: String = "supervisor") throws -> (store: String, cleanup: () -> Void) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("haven-shared-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = directory.appendingPathComponent("store").path
        let result = try runHaven(["demo", "--cases", "\(cases)", "--no-open", "--role", role, "--store", store], in: directory)
        XCTAssertEqual(result.status, 0, result.output)
        return (store, { try? FileManager.default.removeItem(at: directory) })
    }

    /// Open a case by number from the home screen's finder.
    func openCase(_ number: String, in session: TmuxSession) throws {
        session.waitFor(text: "Cases by stage")
        try session.press("/")
        try session.type(number)
        session.waitFor(text: "HV-00000\(number) ")
        try session.press("Enter")
        session.waitFor(text: "1 Person")
    }
}
