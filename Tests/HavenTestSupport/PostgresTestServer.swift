import Foundation
import Synchronization

/// The PostgreSQL server the tests of the PostgreSQL store use (issue 25): the one `.ci/run`
/// started (`HAVEN_TEST_POSTGRES`, its socket directory), or else a throwaway cluster this test
/// process starts with `scripts/pg-cluster` and stops when it exits. Nil, with the reason
/// printed once, only where PostgreSQL's server is not installed.
public enum PostgresTestServer {
    private static let started = Mutex<(socket: String?, reason: String?)?>(nil)

    /// The socket directory, or nil when no server can be had (then `unavailableReason` says why).
    public static var socket: String? { state.socket }
    public static var unavailableReason: String? { state.reason }

    /// A `postgresql://` address for a new, empty schema on the test server.
    public static func newStoreURL(prefix: String = "t") -> String? {
        guard let socket else { return nil }
        let name = "\(prefix)_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        return "postgresql:///postgres?host=\(socket)&schema=\(name)"
    }

    /// The path of one of PostgreSQL's programs (pg_dump, pg_restore, createdb), the newest installed.
    public static func tool(_ name: String) -> String? {
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted { $0.compare($1, options: .numeric) == .orderedAscending }
        return versions.reversed().map { "/usr/lib/postgresql/\($0)/bin/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A shell command that shuts the test server down at once (as a crash) and starts it again.
    public static var restartCommand: String? {
        guard let socket else { return nil }
        let directory = URL(fileURLWithPath: socket).deletingLastPathComponent().path
        return "bash \(root.appendingPathComponent("scripts/pg-cluster").path) restart \(directory)"
    }

    private static var state: (socket: String?, reason: String?) {
        started.withLock { state in
            if let state { return state }
            let found = start()
            if let reason = found.reason, ProcessInfo.processInfo.environment["HAVEN_REQUIRE_POSTGRES"] == "1" {
                fatalError("PostgreSQL is required here (HAVEN_REQUIRE_POSTGRES=1) and cannot be had: \(reason)")
            }
            if let reason = found.reason {
                FileHandle.standardError.write(Data("PostgreSQL tests skipped: \(reason)\n".utf8))
            }
            state = found
            return found
        }
    }

    /// The package's root (for `scripts/pg-cluster`).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static func start() -> (socket: String?, reason: String?) {
        if let socket = ProcessInfo.processInfo.environment["HAVEN_TEST_POSTGRES"], !socket.isEmpty {
            return FileManager.default.fileExists(atPath: "\(socket)/.s.PGSQL.5432")
                ? (socket, nil) : (nil, "HAVEN_TEST_POSTGRES names \(socket), where no server listens")
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard versions.contains(where: { FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb") }) else {
            return (nil, "PostgreSQL's server is not installed (apt-get install postgresql; .ci/run does)")
        }
        let directory = "/tmp/haven-test-pg-\(getpid())"
        let script = root.appendingPathComponent("scripts/pg-cluster").path
        let log = "/tmp/haven-test-pg-\(getpid())-\(UUID().uuidString).log"
        defer { unlink(log) }
        guard let status = bash([script, "start", directory], output: log) else {
            return (nil, "scripts/pg-cluster could not run")
        }
        guard status == 0 else {
            return (nil, "scripts/pg-cluster failed: " + ((try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))
        }
        stopDirectory = directory
        stopScript = script
        atexit {
            guard let directory = PostgresTestServer.stopDirectory, let script = PostgresTestServer.stopScript else { return }
            _ = PostgresTestServer.bash([script, "stop", directory], output: "/dev/null")
        }
        return ("\(directory)/sock", nil)
    }

    nonisolated(unsafe) static var stopDirectory: String?
    nonisolated(unsafe) static var stopScript: String?

    /// Runs bash with `arguments`, its output to the file `output`; its exit status, or nil
    /// when it could not start. posix_spawn and waitpid, not Foundation's Process: a Process
    /// waits for its child on a run loop, which a test process that is already exiting (Swift
    /// Testing's discovery can run this while the main thread exits) never turns, so a plain
    /// `swift test` hung at its end.
    static func bash(_ arguments: [String], output: String) -> Int32? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // A new file only (never through a link someone left in /tmp), or /dev/null.
        let flags = output == "/dev/null" ? O_WRONLY : O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
        guard posix_spawn_file_actions_addopen(&actions, 1, output, flags, 0o600) == 0,
              posix_spawn_file_actions_adddup2(&actions, 1, 2) == 0 else { return nil }
        var argv: [UnsafeMutablePointer<CChar>?] = (["/bin/bash"] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/bash", &actions, nil, &argv, environ) == 0 else { return nil }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return nil }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
        return status & 0x7f == 0 ? (status >> 8) & 0xff : -1
    }
}
