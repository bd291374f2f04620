import Foundation
import HavenCore
import HavenStore
import HavenTestSupport
import XCTest

/// Random keys and resizes (down to 1x1) against the real binary in tmux: haven never crashes,
/// gives the terminal back when it ends, and leaves the store sound. `swift test` sends 3,000
/// keys as each of three roles; `HAVEN_FUZZ_KEYS=100000 swift test --filter KeyboardFuzz`
/// (scripts/fuzz-keys.sh) the full run of docs/reliability.md, 100,000 keys a role.
final class KeyboardFuzzInTmuxTests: CommandTestCase {
    /// tmux key names: every key a caseworker's keyboard sends, control keys included (raw
    /// mode: Ctrl-C, Ctrl-Z and Ctrl-\ reach haven as keys, not signals).
    static let specialKeys = ["Enter", "Escape", "Tab", "BTab", "Up", "Down", "Left", "Right", "PageUp", "PageDown", "Home", "End",
                              "BSpace", "DC", "IC", "Space"] + (1...12).map { "F\($0)" }
        + "abcdefghijklmnopqrstuvwxyz\\".map { "C-\($0)" }
    static let printable = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -'/.,;:!?@#%&*()[]{}<>=+_\"|~`$^")
    static let cyrillic = Array("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")
    static let sizes = [(1, 1), (2, 1), (1, 3), (5, 2), (10, 4), (20, 6), (39, 11), (40, 12), (60, 16), (80, 24), (100, 30), (132, 43), (200, 60)]

    /// Each role its own store and its own keys: a supervisor (who reaches the most screens),
    /// a caseworker (intake and casework forms), and an auditor, who may change nothing: after
    /// the auditor's keys every store file must be byte for byte as it was.
    func testRandomKeysAndResizesNeverCrashHaven() throws {
        let total = Int(ProcessInfo.processInfo.environment["HAVEN_FUZZ_KEYS"] ?? "") ?? 3_000
        let seed = UInt64(ProcessInfo.processInfo.environment["HAVEN_FUZZ_SEED"] ?? "") ?? 10
        for (offset, role) in ["supervisor", "caseworker", "auditor"].enumerated() {
            try fuzz(as: role, keys: total, seed: seed &+ UInt64(offset))
        }
    }

    func fuzz(as role: String, keys total: Int, seed: UInt64) throws {
        try? FileManager.default.removeItem(atPath: store)
        let demo = try haven("demo", "--cases", "300", "--no-open", "--role", role, "--store", store)
        XCTAssertEqual(demo.status, 0, demo.output)
        let before = StoreSnapshot.files(under: URL(fileURLWithPath: store))
        var random = SeededGenerator(seed: seed)
        var sent = 0, resizes = 0, starts = 0, quits = 0
        var session: TmuxSession?
        let started = Date()
        while sent < total {
            if session == nil {
                session = try TmuxSession(arguments: ["--store", store], width: 80, height: 24, sturdyShell: true)
                starts += 1
                guard session!.waitFor(text: "Home") else { return }
            }
            let tmux = session!
            // A batch of keys in one send-keys: names, single characters, Cyrillic letters.
            var batch: [String] = []
            for _ in 0..<40 {
                switch random.next() % 10 {
                case 0...3: batch.append(Self.specialKeys[Int(random.next() % UInt64(Self.specialKeys.count))])
                case 4...7: batch.append(String(Self.printable[Int(random.next() % UInt64(Self.printable.count))]))
                default: batch.append(String(Self.cyrillic[Int(random.next() % UInt64(Self.cyrillic.count))]))
                }
            }
            // A lone ";" separates tmux commands: escaped, it is the key.
            do {
                try tmux.tmux(["send-keys", "-t", "haven"] + batch.map { $0 == ";" ? "\\;" : $0 })
            } catch {
                // Haven quit on a key of this batch, and a later one (Ctrl-C) ended the pane's
                // shell with it: the status haven left says how it ended.
                guard FileManager.default.fileExists(atPath: tmux.directory.appendingPathComponent("status").path) else { throw error }
            }
            sent += batch.count
            // Let haven take the batch in before the next (keys sent faster than it reads them
            // would pile up in the terminal and be lost when a key quits): the screen settles.
            var previous = ""
            for _ in 0..<100 {
                let now = tmux.screen
                if now == previous { break }
                previous = now
                usleep(5_000)
            }
            if random.next() % 8 == 0 {
                let (width, height) = Self.sizes[Int(random.next() % UInt64(Self.sizes.count))]
                try tmux.resize(width: width, height: height)
                resizes += 1
            }
            // Ended by itself: only ever by a key that quits (status 0), never by a crash.
            if FileManager.default.fileExists(atPath: tmux.directory.appendingPathComponent("status").path) {
                let status = tmux.exitStatus()
                XCTAssertEqual(status, 0, "haven ended with status \(status ?? -1) after \(sent) keys; stderr:\n\(tmux.standardError)\nscreen:\n\(tmux.screen)")
                guard status == 0 else { return }
                XCTAssertFalse(tmux.alternateScreenIsOn, "the terminal was not given back after \(sent) keys")
                quits += 1
                session = nil
            }
        }
        // The end: a terminal of a normal size, then SIGTERM, as a closed ssh session sends SIGHUP.
        if let tmux = session {
            try tmux.resize(width: 80, height: 24)
            usleep(200_000)
            if let pid = tmux.haven {
                XCTAssertEqual(kill(pid, SIGTERM), 0)
                XCTAssertEqual(tmux.exitStatus(), 128 + SIGTERM, "stderr:\n\(tmux.standardError)")
            } else {
                XCTAssertEqual(tmux.exitStatus(), 0, "stderr:\n\(tmux.standardError)")
            }
            XCTAssertFalse(tmux.alternateScreenIsOn, "the terminal was not given back")
        }
        // haven check's own code (the supervisor the demo made may not run the command).
        let check = StoreCheck.run(at: URL(fileURLWithPath: store))
        XCTAssertTrue(check.isSound, "the store after \(sent) random keys:\n\(check.problems.map(\.description).joined(separator: "\n"))")
        if role == "auditor" {
            let after = StoreSnapshot.files(under: URL(fileURLWithPath: store))
            // What the auditor opened (or was refused) is in the access log, by design; nothing else moves.
            let logs: Set = ["access.jsonl", "glass.jsonl"]
            let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] && !logs.contains($0) }.sorted()
            XCTAssertEqual(changed, [], "an auditor changes nothing, yet after \(sent) keys these store files differ")
        }
        let saved = try FileCaseStore(at: URL(fileURLWithPath: store)).summaries().filter { $0.version.rawValue > 1 || $0.id.number > 300 }.count
        print("keyboard fuzz as \(role): \(sent) keys, \(resizes) resizes (down to 1x1), \(starts) starts, \(quits) quits by a key, no crash, "
              + "the terminal given back each time, \(saved) cases saved by the keys, haven check \(check.isSound ? "sound" : "NOT sound"), "
              + String(format: "%.0f s", Date().timeIntervalSince(started)))
    }
}
