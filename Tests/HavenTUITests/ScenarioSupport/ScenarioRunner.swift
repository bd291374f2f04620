import Foundation
import HavenCore
@testable import HavenTUI

/// Plays scenario scripts (`Scenarios/<name>.keys`) through the real run loop on one shared
/// in-memory store, and compares each `shot` with its saved screen (`Scenarios/<name>/<shot>.screen`).
///
/// A screen that differs fails with the rows that differ and leaves the screen it got beside
/// the saved one as `<shot>.screen.actual` (ignored by git). With `HAVEN_RECORD_SCREENS=1` in
/// the environment the screens got are saved instead, and saved screens no shot names are
/// removed: look at each one (`git diff`) before committing it.
final class ScenarioRunner {
    static let directory = ScenarioFixture.packageRoot.appendingPathComponent("Tests/HavenTUITests/Scenarios")
    static var recording: Bool { ProcessInfo.processInfo.environment["HAVEN_RECORD_SCREENS"].map { !$0.isEmpty && $0 != "0" } ?? false }

    let reference: ReferenceData
    let store: InMemoryCaseStore
    /// What went wrong, one message each, in the order met.
    private(set) var failures: [String] = []
    /// Screens written in record mode.
    private(set) var recorded: [String] = []

    init() throws {
        reference = try ScenarioFixture.reference()
        store = try ScenarioFixture.store(reference: reference)
    }

    static func script(_ name: String) throws -> ScenarioScript {
        let url = directory.appendingPathComponent("\(name).keys")
        return try ScenarioScript(name: name, path: "Tests/HavenTUITests/Scenarios/\(name).keys", text: String(contentsOf: url, encoding: .utf8))
    }

    /// What playing the walk found: each scenario's failures (none when all its screens
    /// matched), the screens recorded, and why the walk could not be played, if it could not.
    struct Outcome: Sendable {
        var failures: [String: [String]] = [:]
        var recorded: [String] = []
        /// The scenario whose `expect` failed, or that could not be read: the ones after it were not played.
        var stoppedIn: String?
        var problem: String?
    }

    /// Plays the scenarios one after another on one store, each starting where the one before
    /// it ended, until one stops.
    static func play(_ names: [String]) -> Outcome {
        var outcome = Outcome()
        let runner: ScenarioRunner
        do { runner = try ScenarioRunner() } catch {
            outcome.problem = "The scenarios' store could not be set up: \(error)"
            return outcome
        }
        for name in names {
            let before = runner.failures.count
            let finished: Bool
            do { finished = runner.play(try script(name)) } catch {
                runner.failures.append("\(error)")
                finished = false
            }
            outcome.failures[name] = Array(runner.failures[before...])
            if !finished {
                outcome.stoppedIn = name
                break
            }
        }
        outcome.recorded = runner.recorded
        return outcome
    }

    /// Plays `script`, comparing each shot with its saved screen; an `expect` that does not
    /// hold stops it there.
    /// - Returns: whether the script ran to its end.
    func play(_ script: ScenarioScript) -> Bool {
        var shots: [String] = []
        var sessions: [[ScenarioScript.Step]] = []
        for step in script.steps {
            if case .session = step.action { sessions.append([step]) } else { sessions[sessions.count - 1].append(step) }
        }
        for session in sessions {
            guard case let .session(user, day) = session[0].action else { continue }
            var app = ScenarioFixture.app(user, on: day ?? ScenarioFixture.today, store: store, reference: reference)
            var looks: [String] = []
            let steps = session.dropFirst().map { step -> ScenarioTerminal.Step in
                let place = "\(script.path):\(step.line)"
                switch step.action {
                case let .key(key):
                    return .key(key)
                case let .shot(name):
                    shots.append(name)
                    return .look { canvas in
                        self.compare(canvas, with: name, of: script, at: place)
                        return true
                    }
                case let .expect(text):
                    return .look { canvas in
                        guard !canvas.lines.contains(where: { $0.contains(text) }) else { return true }
                        looks.append("\(place): expected '\(text)' on the screen; "
                            + "the script stopped here. The screen:\n" + canvas.lines.joined(separator: "\n"))
                        return false
                    }
                case .session:
                    preconditionFailure("sessions were split off above")
                }
            }
            let terminal = ScenarioTerminal(size: ScenarioFixture.size, steps: steps)
            // The clock stands still: no poll for other sessions or drafts interleaves with the keys.
            let end = TerminalSession.run(&app, on: terminal, clock: { 0 })
            failures += looks
            if terminal.stopped { return false }
            if !terminal.finished {
                failures.append("\(script.path): the session of \(user) ended (\(end)) before the script's steps for it did")
                return false
            }
        }
        checkForUnusedScreens(of: script, shots: shots)
        return true
    }

    private func compare(_ canvas: Canvas, with shot: String, of script: ScenarioScript, at place: String) {
        let folder = Self.directory.appendingPathComponent(script.name)
        let saved = folder.appendingPathComponent("\(shot).screen")
        let actualFile = folder.appendingPathComponent("\(shot).screen.actual")
        let relative = "Tests/HavenTUITests/Scenarios/\(script.name)/\(shot).screen"
        let actual = SavedScreen(canvas)
        let savedText = try? String(contentsOf: saved, encoding: .utf8)
        if savedText == actual.fileText {
            try? FileManager.default.removeItem(at: actualFile)
            return
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            if Self.recording {
                try actual.fileText.write(to: saved, atomically: true, encoding: .utf8)
                try? FileManager.default.removeItem(at: actualFile)
                recorded.append(relative)
                return
            }
            try actual.fileText.write(to: actualFile, atomically: true, encoding: .utf8)
        } catch {
            failures.append("\(place): could not write \(relative) or its .actual: \(error)")
        }
        let rerecord = "If the new screen is right: HAVEN_RECORD_SCREENS=1 swift test --skip-build --filter ScenarioTests"
        guard let savedText else {
            failures.append("\(place): no saved screen \(relative); the screen got is in \(relative).actual:\n"
                + actual.text.joined(separator: "\n") + "\n" + rerecord)
            return
        }
        guard let expected = SavedScreen(fileText: savedText) else {
            failures.append("\(place): \(relative) is not a saved screen (cut short or edited?); the screen got is in its .actual. \(rerecord)")
            return
        }
        failures.append("\(place): the screen differs from \(relative) (the screen got is in \(relative).actual):\n"
            + expected.differences(from: actual) + "\n" + rerecord)
    }

    /// Saved screens of `script` that no shot names: removed when recording, else a failure.
    private func checkForUnusedScreens(of script: ScenarioScript, shots: [String]) {
        let folder = Self.directory.appendingPathComponent(script.name)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let unused = files.filter { $0.hasSuffix(".screen") && !shots.contains(String($0.dropLast(".screen".count))) }.sorted()
        guard !unused.isEmpty else { return }
        if Self.recording {
            for file in unused { try? FileManager.default.removeItem(at: folder.appendingPathComponent(file)) }
        } else {
            failures.append("\(script.path): no shot of the script names \(unused.joined(separator: ", ")) in Scenarios/\(script.name)/; "
                + "delete them, or record again (HAVEN_RECORD_SCREENS=1), which deletes them")
        }
    }
}
