import Foundation
import Glibc

/// A child process started with posix_spawn, its output in a file. Not Foundation's Process:
/// on Linux it waits for a descriptor that a daemon child (the tmux server) inherits, and it
/// cannot be killed at a chosen instant without its own bookkeeping getting in the way.
public final class ChildProcess {
    public let pid: pid_t
    public let outputPath: String
    private var status: Int32?

    /// Starts `arguments` (the first found on PATH) with standard output and error in `outputPath`.
    public init(_ arguments: [String], outputPath: String) throws {
        self.outputPath = outputPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawnp(&child, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw NSError(domain: "spawn", code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "cannot run \(arguments[0])"])
        }
        pid = child
    }

    /// Waits for the child to end; its exit status, or 128 + the signal that ended it.
    @discardableResult
    public func wait() -> Int32 {
        if let status { return status }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1, errno == EINTR {}
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift cannot call as macros.
        let result = raw & 0x7F == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
        status = result
        return result
    }

    /// Waits for the child to end; its exit status (as `wait`) and its peak resident memory in
    /// kilobytes (the kernel's count for this child alone).
    public func waitReportingPeakMemory() -> (status: Int32, peakKilobytes: Int) {
        var raw: Int32 = 0
        var usage = rusage()
        while wait4(pid, &raw, 0, &usage) == -1, errno == EINTR {}
        let result = raw & 0x7F == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
        status = result
        return (result, usage.ru_maxrss)
    }

    public func kill(_ signal: Int32) {
        Glibc.kill(pid, signal)
    }

    public var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// Runs a command to the end; its status and output.
    public static func run(_ arguments: [String], outputPath: String) throws -> (status: Int32, output: String) {
        let child = try ChildProcess(arguments, outputPath: outputPath)
        let status = child.wait()
        return (status, child.output)
    }

    /// The directory of the running test binary's build products, where `haven` and
    /// `haven-stress` are built.
    public static var buildProducts: URL {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        while directory.path != "/", !directory.lastPathComponent.hasSuffix(".xctest") {
            directory = directory.deletingLastPathComponent()
        }
        return directory.path == "/" ? testBinary.deletingLastPathComponent() : directory.deletingLastPathComponent()
    }
}
