import Foundation
import Glibc

/// A program running in a pseudo-terminal of a chosen size and TERM, as over ssh: keys are
/// written to the master side, and every byte the program writes back is counted and timed.
/// The terminal benchmark (`haven-bench --part terminal`) and the byte-budget tests use it.
public final class PseudoTerminal {
    public let pid: pid_t
    public let master: Int32
    public let term: String
    private var status: Int32?

    /// What the program wrote in answer to one input: the bytes, and when the first and the
    /// last arrived, in seconds after the input was sent (nil when nothing came).
    public struct Answer {
        public var bytes: [UInt8] = []
        public var first: Double?
        public var last: Double?
        /// Each read: when it came back (seconds after the input was sent) and how many bytes.
        public var reads: [(at: Double, count: Int)] = []
        public var count: Int { bytes.count }
        public var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// Starts `arguments[0]` (a path) in a new session whose controlling terminal is a fresh
    /// pseudo-terminal of `columns`x`rows`, with exactly `environment` (TERM added).
    public init(_ arguments: [String], columns: Int = 80, rows: Int = 24, term: String = "xterm-256color",
                environment: [String: String]) throws {
        self.term = term
        // posix_openpt, unlockpt and ptsname by hand (Swift's Glibc leaves them out): the
        // master is /dev/ptmx; TIOCSPTLCK unlocks the slave, TIOCGPTN names it (Linux ioctls).
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw NSError(domain: "pty", code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "cannot open a pseudo-terminal"])
        }
        let slavePath = "/dev/pts/\(number)"
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc 2.26): a new session, so opening the slave below makes it
        // the controlling terminal and the kernel sends SIGWINCH on a resize.
        posix_spawnattr_setflags(&attributes, 0x80)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addclose(&actions, master)
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var env = environment
        env["TERM"] = term
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = env.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, arguments[0], &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            close(master)
            throw NSError(domain: "spawn", code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "cannot run \(arguments[0])"])
        }
        pid = child
    }

    deinit {
        if status == nil {
            Glibc.kill(pid, SIGKILL)
            _ = wait()
        }
        close(master)
    }

    /// Reads what the program writes until it has been quiet for `quiet` seconds (or `limit`
    /// seconds have passed since `since`), and, given `until`, has written that text; times
    /// are measured from `since`.
    public func collect(quiet: Double = 0.15, limit: Double = 20, since: Double = PseudoTerminal.now(),
                        until marker: String? = nil) -> Answer {
        var answer = Answer()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let now = Self.now()
            if now - since > limit { return answer }
            // Wait for the first byte up to the limit; after it, only for the quiet spell.
            let waiting = answer.last == nil || marker.map { !answer.text.contains($0) } ?? false
            let wait = waiting ? limit - (now - since) : min(quiet, limit - (now - since))
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(max(0, wait * 1000)))
            if ready < 0, errno == EINTR { continue }
            if ready <= 0 { return answer }
            let count = read(master, &buffer, buffer.count)
            if count <= 0 { return answer }
            let arrived = Self.now() - since
            answer.first = answer.first ?? arrived
            answer.last = arrived
            answer.bytes += buffer[0..<count]
            answer.reads.append((arrived, count))
        }
    }

    /// Writes `bytes` and collects the answer.
    public func send(_ bytes: [UInt8], quiet: Double = 0.15, limit: Double = 5) -> Answer {
        let start = Self.now()
        bytes.withUnsafeBytes { _ = write(master, $0.baseAddress, $0.count) }
        return collect(quiet: quiet, limit: limit, since: start)
    }

    public func send(_ key: PseudoTerminalKey, quiet: Double = 0.15, limit: Double = 5) -> Answer {
        send(key.bytes, quiet: quiet, limit: limit)
    }

    /// Changes the terminal's size; the kernel tells the program (SIGWINCH).
    public func resize(columns: Int, rows: Int, quiet: Double = 0.15) -> Answer {
        let start = Self.now()
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        return collect(quiet: quiet, since: start)
    }

    /// The program's peak resident memory so far (VmHWM), in bytes.
    public var peakResidentBytes: Int? { memoryFigure("VmHWM:") }
    /// The program's resident memory now (VmRSS), in bytes.
    public var residentBytes: Int? { memoryFigure("VmRSS:") }

    private func memoryFigure(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    /// Waits for the program to end (reading what it still writes, so it never blocks on a
    /// full terminal); its exit status, or 128 + the signal that ended it.
    @discardableResult
    public func wait(limit: Double = 20) -> Int32 {
        if let status { return status }
        let start = Self.now()
        var raw: Int32 = 0
        while true {
            let done = waitpid(pid, &raw, WNOHANG)
            if done == pid { break }
            if done == -1, errno != EINTR { return -1 }
            if Self.now() - start > limit { Glibc.kill(pid, SIGKILL) }
            _ = collect(quiet: 0.02, limit: 0.05)
        }
        let result = raw & 0x7F == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
        status = result
        return result
    }

    /// Several keys in one write, as keys typed ahead on a slow link arrive.
    public func send(burst keys: [PseudoTerminalKey], quiet: Double = 0.15, limit: Double = 5) -> Answer {
        send(keys.flatMap(\.bytes), quiet: quiet, limit: limit)
    }

    public static func now() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
}

/// The bytes a key sends, in the keypad ("application") mode curses programs turn on, which
/// is what xterm, screen, tmux, linux and vt100 all send for these keys once `smkx` is given.
public enum PseudoTerminalKey {
    case up, down, pageUp, pageDown, home, enter, escape, backspace
    case character(Character)
    case control(Character)

    public var bytes: [UInt8] {
        switch self {
        case .up: Array("\u{1B}OA".utf8)
        case .down: Array("\u{1B}OB".utf8)
        case .pageUp: Array("\u{1B}[5~".utf8)
        case .pageDown: Array("\u{1B}[6~".utf8)
        case .home: Array("\u{1B}OH".utf8)
        case .enter: [13]
        case .escape: [27]
        case .backspace: [127]
        case let .character(character): Array(String(character).utf8)
        case let .control(letter): [UInt8(letter.asciiValue! & 0x1F)]
        }
    }
}

/// A slow ssh link between a person and the program, as arithmetic on when the program's
/// output came back (`Answer.reads`): keys take half a round trip to arrive, output crosses at
/// `bitsPerSecond` and arrives half a round trip later. ssh's buffers take tens of kilobytes
/// without blocking the program, so its own timing stays what the pseudo-terminal measured.
public struct SlowLink: Sendable {
    public var roundTrip: Double
    public var bitsPerSecond: Double

    public init(roundTripMilliseconds: Double, kilobitsPerSecond: Double) {
        roundTrip = roundTripMilliseconds / 1000
        bitsPerSecond = kilobitsPerSecond * 1000
    }

    /// Seconds from the keys typed to the answer's last byte on the person's screen (the screen
    /// settled); nil when nothing came back.
    public func settled(_ answer: PseudoTerminal.Answer) -> Double? {
        guard !answer.reads.isEmpty else { return nil }
        var linkFree = 0.0
        for read in answer.reads {
            linkFree = max(linkFree, read.at) + Double(read.count * 8) / bitsPerSecond
        }
        return roundTrip / 2 + linkFree + roundTrip / 2
    }

    public var description: String { String(format: "%.0f ms round trip, %.0f kbit/s", roundTrip * 1000, bitsPerSecond / 1000) }
}
