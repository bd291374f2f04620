import Foundation
import Glibc
import HavenTestSupport
import XCTest

/// The real `haven` binary in a real terminal (tmux), driven as a person would.
final class HavenInTmuxTests: XCTestCase {
    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed (apt-get install tmux; .ci/run installs it)")
        }
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: HavenBinary.url.path),
                      "the haven binary is not at \(HavenBinary.url.path); run 'swift build' first")
    }

    func testHomeHelpResizeAndQuitAt80x24() throws {
        let session = try TmuxSession(arguments: ["demo", "--cases", "40"])
        session.waitFor(text: "Cases by stage")
        XCTAssertTrue(session.lines[2].hasPrefix("> 1  Intake"), session.screen)
        XCTAssertTrue(session.screen.contains("? Help Enter Open / Find Down Move m My work q Quit"), session.screen)
        XCTAssertTrue(session.alternateScreenIsOn)

        try session.press("?")
        session.waitFor(text: "Keys on the Home screen")
        // The keys everywhere follow the home screen's own, below the first page at 80x24.
        for _ in 0..<6 where !session.screen.contains("q, Esc                  Go back; on the home screen, quit Haven") {
            try session.press("Down")
        }
        XCTAssertTrue(session.screen.contains("q, Esc                  Go back; on the home screen, quit Haven"), session.screen)
        try session.press("Escape")
        session.waitFor(text: "Cases by stage")

        try session.resize(width: 40, height: 12)
        session.waitFor("the 40-column home screen, without the stage panel") {
            $0.contains("Register a defector;…") && !$0.contains("All cases")
        }
        XCTAssertTrue(session.lines.allSatisfy { $0.count <= 40 })
        try session.resize(width: 24, height: 8)
        session.waitFor(text: "Terminal too small")
        try session.resize(width: 80, height: 24)
        session.waitFor(text: "Cases by stage")

        try session.quit()
        XCTAssertEqual(session.exitStatus(), 0)
        XCTAssertFalse(session.alternateScreenIsOn, "the terminal is given back")
        XCTAssertEqual(session.standardError, "")
    }

    func testCyrillicIsTypedAndShown() throws {
        let session = try TmuxSession(arguments: ["demo", "--cases", "300"])
        session.waitFor(text: "Cases by stage")
        try session.press("/")
        try session.type("Владимир")
        session.waitFor(text: " Find: Владимир ")
        session.waitFor("a Cyrillic match with its ICAO spelling") { screen in
            screen.components(separatedBy: "\n").contains { $0.contains("Владимир") && $0.contains("Vladimir") && $0.contains("HV-") }
        }
        try session.press("C-u")
        try session.type("Wladimir")
        session.waitFor("the same people found by a German spelling") { $0.contains("Find: Wladimir") && $0.contains("Владимир") }
        try session.quit()
        XCTAssertEqual(session.exitStatus(), 0)
    }

    /// Another session's change shows in an open session with no key pressed and no restart.
    func testAnotherSessionsChangeShowsWithNoKeyPressed() throws {
        let (store, cleanup) = try sharedStore(cases: 25, role: "administrator")
        defer { cleanup() }
        let directory = URL(fileURLWithPath: store).deletingLastPathComponent()
        // Cases 21 to 25 of that demo are kept aside, to be added by "another session" later.
        var cases = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try runHaven(["export", "--include-sensitive", "--store", store], in: directory).output.utf8)) as? [Any])
        let later = directory.appendingPathComponent("later.json").path
        try JSONSerialization.data(withJSONObject: Array(cases[20...])).write(to: URL(fileURLWithPath: later))
        cases.removeLast(5)
        let first = directory.appendingPathComponent("first.json").path
        try JSONSerialization.data(withJSONObject: cases).write(to: URL(fileURLWithPath: first))
        try FileManager.default.removeItem(atPath: store)
        XCTAssertEqual(try runHaven(["init", "--store", store], in: directory).status, 0)
        XCTAssertEqual(try runHaven(["import", first, "--store", store], in: directory).status, 0)

        let session = try TmuxSession(arguments: ["--store", store])
        session.waitFor(text: "All cases           20")
        XCTAssertEqual(try runHaven(["import", later, "--store", store], in: directory).status, 0)
        // No wall-clock limit here (a busy machine would fail it): the run loop asks for
        // changes every second on its own clock (TerminalSessionTests), and this shows they
        // arrive with no key pressed.
        session.waitFor(text: "All cases           25")
        try session.quit()
        XCTAssertEqual(session.exitStatus(), 0)
    }

    /// The queue from the home screen: every case (the test user has none of their own), a
    /// search typed in Cyrillic and then in Latin, a stage filter, back home. At 100 columns,
    /// where the queue shows whole names in both scripts.
    func testQueueSearchesInBothScripts() throws {
        let session = try TmuxSession(arguments: ["demo", "--cases", "300"], width: 100)
        session.waitFor(text: "Cases by stage")
        try session.press("2")
        session.waitFor(text: "All cases: 300 of 300")
        try session.press("/")
        try session.type("Владимир")
        session.waitFor("Cyrillic matches") { screen in
            screen.contains("Search: Владимир") && screen.split(separator: "\n").contains { $0.contains("Владимир") && $0.dropFirst().hasPrefix("HV-") }
        }
        let cyrillicCount = session.lines[1]
        try session.press("C-u")
        try session.type("Wladimir")
        session.waitFor("the same cases found by a German spelling") { $0.contains("Search: Wladimir") && $0.contains("Владимир") }
        XCTAssertEqual(session.lines[1], cyrillicCount.replacingOccurrences(of: "Владимир", with: "Wladimir"))
        try session.press("Escape", "t", "t")
        session.waitFor(text: "· stage Screening")
        XCTAssertTrue(session.lines.filter { $0.hasPrefix(" HV-") }.allSatisfy { $0.contains("Screening") }, session.screen)
        try session.quit()
        XCTAssertEqual(session.exitStatus(), 0)
    }

    /// Runs a data command of the real binary (outside tmux); its status and output.
    func testANoteSurvivesQuittingAndStartingAgain() throws {
        let (store, cleanup) = try sharedStore(cases: 5)
        defer { cleanup() }
        let first = try TmuxSession(arguments: ["--store", store])
        try openCase("3", in: first)
        try first.press("n")
        try first.type("Хочет учить немецкий язык.")
        try first.press("Enter")
        first.waitFor(text: "Saved HV-000003 as v2: note added.")
        try first.quit()
        XCTAssertEqual(first.exitStatus(), 0)

        let second = try TmuxSession(arguments: ["--store", store])
        try openCase("3", in: second)
        try second.press("9")
        second.waitFor(text: "Хочет учить немецкий язык.")
        try second.quit()
        XCTAssertEqual(second.exitStatus(), 0)
    }

    /// Another process holds the store's lock (a session stopped mid-save): the save waits
    /// as long as HAVEN_LOCK_WAIT says, then says who holds the lock, and the note stays on
    /// screen to save again once the lock is free. The screen never freezes meanwhile.
    func testASaveBehindAHeldLockSaysWhoHoldsItAndKeepsTheNote() throws {
        let (store, cleanup) = try sharedStore(cases: 5)
        defer { cleanup() }
        let session = try TmuxSession(arguments: ["--store", store], environment: ["HAVEN_LOCK_WAIT": "4"])
        try openCase("3", in: session)
        let holder = open("\(store)/cases.jsonl", O_RDONLY | O_CLOEXEC)
        XCTAssertEqual(flock(holder, LOCK_EX), 0)
        try session.press("n")
        try session.type("Ждёт звонка из посольства.")
        try session.press("Enter")
        // While it waits (after a second), the status line says who holds the lock.
        session.waitFor(text: "holds the store; waiting up to 4 s")
        XCTAssertTrue(session.screen.contains("Busy: \(NSUserName()) (process \(getpid())"), session.screen)
        session.waitFor(text: "Not saved, try again: \(NSUserName()) (process")
        XCTAssertTrue(session.screen.contains("process \(getpid())"), session.screen)
        XCTAssertTrue(session.screen.contains("Ждёт звонка из посольства."), "the note is still there: \(session.screen)")
        flock(holder, LOCK_UN)
        close(holder)
        try session.press("Enter")
        session.waitFor(text: "Saved HV-000003 as v2: note added.")
        try session.quit()
        XCTAssertEqual(session.exitStatus(), 0)
    }

    func testTwoSessionsEditingOneCaseTheSecondSaveShowsTheConflict() throws {
        let (store, cleanup) = try sharedStore(cases: 5)
        defer { cleanup() }
        let anna = try TmuxSession(arguments: ["--store", store])
        let oleh = try TmuxSession(arguments: ["--store", store])
        try openCase("2", in: anna)
        try openCase("2", in: oleh)
        // Oleh is already writing when Anna saves: an open case view would otherwise take in
        // Anna's change by itself within a second, and there would be no conflict to show.
        try oleh.press("n")
        try oleh.type("Вторая заметка")
        oleh.waitFor(text: "New note: Вторая заметка")
        try anna.press("n")
        try anna.type("Первая заметка")
        try anna.press("Enter")
        anna.waitFor(text: "Saved HV-000002 as v2: note added.")
        try oleh.press("Enter")
        oleh.waitFor(text: "Not saved:")
        XCTAssertTrue(oleh.screen.contains("changed it"), oleh.screen)
        XCTAssertTrue(oleh.screen.contains("New note: Вторая заметка"), "the second note is kept")
        try oleh.press("C-r")
        oleh.waitFor(text: "your note is kept")
        try oleh.press("Enter")
        oleh.waitFor(text: "Saved HV-000002 as v3: note added.")
        try oleh.press("9")
        oleh.waitFor("both notes") { $0.contains("Первая заметка") && $0.contains("Вторая заметка") }
        for session in [anna, oleh] {
            try session.quit()
            XCTAssertEqual(session.exitStatus(), 0)
        }
    }

    /// The caseworker's loop from an empty store: register a defector with a Cyrillic name,
    /// find him by Cyrillic and by Latin, add a note, quit, start again, see the note.
    func testRegisterFindAddANoteAndSeeItAfterARestart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("haven-loop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = directory.appendingPathComponent("store").path
        // An empty store in which this user is a caseworker.
        XCTAssertEqual(try runHaven(["demo", "--cases", "0", "--no-open", "--role", "caseworker", "--store", store], in: directory).status, 0)
        let first = try TmuxSession(arguments: ["--store", store])
        first.waitFor(text: "All cases            0")
        try first.press("1")
        first.waitFor(text: "Register a defector")
        for (text, tabs) in [("Щербаков", 1), ("Владимир", 1), ("Юрьевич", 4), ("Wladimir", 1), ("1995-07-30", 1), ("Чита", 3),
                             ("150-я мотострелковая дивизия", 5), ("2026-10-01", 1), ("Бахмут", 1)] {
            try first.type(text)
            for _ in 0..<tabs { try first.press("Tab") }
        }
        try first.press("C-s")
        first.waitFor(text: "Registered HV-000001: Щербаков Владимир Юрьевич.")
        XCTAssertTrue(first.screen.contains("(Vladimir Shcherbakov)"), first.screen)
        try first.press("q")
        first.waitFor(text: "All cases            1")
        try first.press("/")
        try first.type("Щерб")
        first.waitFor(text: "HV-000001 Щербаков Владимир Юрьевич")
        try first.press("C-u")
        try first.type("Schtscherbakow")
        first.waitFor("the German spelling finds him") { $0.contains("Find: Schtscherbakow") && $0.contains("HV-000001 Щербаков") }
        try first.press("Enter")
        first.waitFor(text: "1 Person")
        try first.press("n")
        try first.type("Просит связаться с матерью в Чите.")
        try first.press("Enter")
        first.waitFor(text: "Saved HV-000001 as v2: note added.")
        try first.quit()
        XCTAssertEqual(first.exitStatus(), 0)

        let second = try TmuxSession(arguments: ["--store", store])
        second.waitFor(text: "All cases            1")
        try second.press("2")
        second.waitFor(text: "My cases: 1 of 1")
        try second.press("Enter", "9")
        second.waitFor(text: "Просит связаться с матерью в Чите.")
        try second.quit()
        XCTAssertEqual(second.exitStatus(), 0)
    }

    /// A dropped connection (SIGHUP) in the middle of an intake form loses nothing: the next
    /// start lists the form, and Enter brings it back.
    func testAHalfTypedFormSurvivesADroppedConnection() throws {
        let (store, cleanup) = try sharedStore(cases: 3)
        defer { cleanup() }
        let first = try TmuxSession(arguments: ["--store", store])
        first.waitFor(text: "Cases by stage")
        try first.press("1")
        first.waitFor(text: "Register a defector")
        try first.type("Горбачёв")
        try first.press("Tab")
        try first.type("Семён")
        try first.press("Tab")
        // "Semen" is suggested only once Семён and its Tab are processed: only then is every
        // key typed in the form (a kill earlier keeps just what Haven had seen, rightly).
        first.waitFor(text: "Semen")
        let pid = try XCTUnwrap(first.haven)
        XCTAssertEqual(kill(pid, SIGHUP), 0)
        XCTAssertEqual(first.exitStatus(), 128 + SIGHUP)
        let drafts = URL(fileURLWithPath: store).appendingPathComponent("drafts")
        let kept = try FileManager.default.contentsOfDirectory(at: drafts, includingPropertiesForKeys: nil).filter { $0.pathExtension == "json" }
        XCTAssertEqual(kept.count, 1)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: kept[0].path)[.posixPermissions] as? Int, 0o600)

        let second = try TmuxSession(arguments: ["--store", store])
        second.waitFor(text: "1 unsaved form from an earlier session")
        try second.press("Enter")
        second.waitFor("the form as it was") { $0.contains("Горбачёв") && $0.contains("Семён") && $0.contains("Gorbachev") && $0.contains("Semen") }
        try second.press("Escape")
        second.waitFor(text: "Throw away this unsaved form?")
        try second.press("y")
        try second.quit()
        XCTAssertEqual(second.exitStatus(), 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: drafts.path), [], "thrown away on purpose: gone")
    }

    /// A crash (SIGKILL: no chance to save on the way out) loses at most the last second of
    /// typing: the form is kept by the once-a-second tick.
    func testAHalfTypedFormSurvivesACrash() throws {
        let (store, cleanup) = try sharedStore(cases: 3)
        defer { cleanup() }
        let first = try TmuxSession(arguments: ["--store", store])
        first.waitFor(text: "Cases by stage")
        try first.press("1")
        first.waitFor(text: "Register a defector")
        try first.type("Хабибуллин")
        try first.press("Tab")
        first.waitFor(text: "Khabibullin")
        let drafts = URL(fileURLWithPath: store).appendingPathComponent("drafts")
        let deadline = Date().addingTimeInterval(10)
        var kept = ""
        while Date() < deadline, !kept.contains("Хабибуллин") {
            kept = (try? FileManager.default.contentsOfDirectory(at: drafts, includingPropertiesForKeys: nil))?
                .compactMap { try? String(contentsOf: $0, encoding: .utf8) }.joined() ?? ""
            usleep(50_000)
        }
        XCTAssertTrue(kept.contains("Хабибуллин"), "the tick kept the form within a second or two")
        XCTAssertEqual(kill(try XCTUnwrap(first.haven), SIGKILL), 0)
        XCTAssertEqual(first.exitStatus(), 128 + SIGKILL)

        let second = try TmuxSession(arguments: ["--store", store])
        second.waitFor(text: "1 unsaved form from an earlier session")
        try second.press("Enter")
        second.waitFor("the form as it was") { $0.contains("Хабибуллин") && $0.contains("Khabibullin") }
        try second.press("Escape", "y")
        try second.quit()
        XCTAssertEqual(second.exitStatus(), 0)
    }

    /// On a vt100 with NO_COLOR: the arrow keys work and the selected row is reverse video,
    /// visible without colour.
    func testVT100WithoutColourIsUsable() throws {
        let session = try TmuxSession(arguments: ["demo", "--cases", "20"], environment: ["TERM": "vt100", "NO_COLOR": "1"])
        session.waitFor(text: "Cases by stage")
        try session.press("2")
        session.waitFor(text: "All cases: 20 of 20")
        try session.press("Down", "Down")
        session.waitFor("the third case selected in reverse video") { _ in
            session.screenWithAttributes.split(separator: "\n").contains { $0.contains("\u{1B}[7m") && $0.contains("HV-000003") }
        }
        // No colour set at all: no SGR 30-37 or 40-47 (39 and 49, "default colour", are tmux's resets).
        XCTAssertNil(session.screenWithAttributes.range(of: "\u{1B}\\[([0-9]*;)*[34][0-7](;[0-9]+)*m", options: .regularExpression),
                     "no colour codes")
        try session.press("Enter")
        session.waitFor(text: "1 Person")
        try session.quit()
        XCTAssertEqual(session.exitStatus(), 0)
    }

    func testUnknownTermEndsWithAClearMessageAndStatus1() throws {
        let session = try TmuxSession(arguments: ["demo"], environment: ["TERM": "no-such-terminal"])
        XCTAssertEqual(session.exitStatus(), 1)
        XCTAssertEqual(session.standardError, """
            haven: the terminal type 'no-such-terminal' (from TERM) is not known on this machine.
            Set TERM to one it knows, for example: TERM=xterm-256color haven

            """)
    }

    func testSigtermRestoresTheTerminal() throws {
        try assertSignalRestoresTheTerminal(SIGTERM)
    }

    func testSighupRestoresTheTerminal() throws {
        try assertSignalRestoresTheTerminal(SIGHUP)
    }

    func assertSignalRestoresTheTerminal(_ signal: Int32, file: StaticString = #filePath, line: UInt = #line) throws {
        let session = try TmuxSession(arguments: ["demo", "--cases", "10"])
        session.waitFor(text: "Cases by stage", file: file, line: line)
        XCTAssertTrue(session.alternateScreenIsOn, file: file, line: line)
        let pid = try XCTUnwrap(session.haven, file: file, line: line)
        XCTAssertEqual(kill(pid, signal), 0, file: file, line: line)
        XCTAssertEqual(session.exitStatus(file: file, line: line), 128 + signal, file: file, line: line)
        XCTAssertFalse(session.alternateScreenIsOn, "endwin ran: the alternate screen is gone", file: file, line: line)
    }

    /// ncurses waits ESCDELAY ms after Esc to tell it from an arrow key; 1000 ms by default.
    /// Haven sets 25 ms unless the environment sets ESCDELAY; here the environment asks for
    /// 1500 ms and Esc must take at least a second to act, then without it Esc must act well
    /// under the default second.
    func testEscapeDelayIsShortUnlessTheEnvironmentSetsOne() throws {
        func secondsForEscape(_ environment: [String: String]) throws -> TimeInterval {
            let session = try TmuxSession(arguments: ["demo", "--cases", "5"], environment: environment)
            session.waitFor(text: "Cases by stage")
            try session.press("?")
            session.waitFor(text: "Keys on the Home screen")
            let start = Date()
            try session.press("Escape")
            session.waitFor(text: "Cases by stage")
            let elapsed = Date().timeIntervalSince(start)
            try session.quit()
            _ = session.exitStatus()
            return elapsed
        }
        // Compared with each other, measured under the same load, so a busy machine does not
        // make the test fail: ncurses' default (1 s) would make the two about equal.
        let slow = try secondsForEscape(["ESCDELAY": "1500"])
        let fast = try secondsForEscape([:])
        XCTAssertGreaterThanOrEqual(slow, 1.0, "the environment's ESCDELAY is respected")
        XCTAssertLessThan(fast, slow - 0.5, "Esc acts without ncurses' default one-second wait (fast \(fast) s, slow \(slow) s)")
    }
}
