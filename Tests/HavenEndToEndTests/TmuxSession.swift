import Foundation
import XCTest

/// The built `haven`, beside the test bundle in the build directory.
enum HavenBinary {
    static var url: URL {
        if let explicit = ProcessInfo.processInfo.environment["HAVEN_BINARY"] { return URL(fileURLWithPath: explicit) }
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        while directory.path != "/", !directory.lastPathComponent.hasSuffix(".xctest") {
            directory = directory.deletingLastPathComponent()
        }
        return (directory.path == "/" ? testBinary.deletingLastPathComponent() : directory.deletingLastPathComponent())
            .appendingPathComponent("haven")
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
    init(arguments: [String], width: Int = 80, height: Int = 24, environment: [String: String] = [:]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var env = ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HAVEN_DATA": HavenBinary.dataDirectory.path]
        env.merge(environment) { $1 }
        let assignments = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }.joined(separator: " ")
        let command = ([HavenBinary.url.path] + arguments).map(Self.quote).joined(separator: " ")
        let status = Self.quote(directory.appendingPathComponent("status").path)
        let stderr = Self.quote(directory.appendingPathComponent("stderr").path)
        // env -i: nothing from the test runner's environment leaks in. The exit status is
        // written only when haven has ended, so its presence means "exited".
        let script = "env -i PATH=/usr/bin:/bin \(assignments) \(command) 2>\(stderr); echo $? > \(status).tmp; mv \(status).tmp \(status); sleep 60"
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
        let status = try Self.spawn(["tmux", "-L", socket] + arguments, output: outputURL.path)
        let text = (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw NSError(domain: "tmux", code: Int(status), userInfo: [NSLocalizedDescriptionKey: "tmux \(arguments): \(text)"])
        }
        return text
    }

    /// Runs a command to completion with its output in a file, by posix_spawn and waitpid.
    /// Not Foundation's Process: on Linux it waits for a descriptor that the tmux server
    /// started by new-session inherits and holds open, so it would never return.
    static func spawn(_ arguments: [String], output: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw NSError(domain: "spawn", code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "cannot run \(arguments[0])"])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, which Swift cannot call as macros.
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    var screen: String { (try? tmux(["capture-pane", "-p", "-t", "haven"])) ?? "" }
    var lines: [String] { screen.components(separatedBy: "\n") }

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
