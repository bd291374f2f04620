import Foundation
import Glibc
import HavenTestSupport
import XCTest

/// The batch allocation in the real binary and a real terminal, run to its end with no key
/// pressed, with the look-ahead on the demo's recent grants. (A job of more than fifty polls
/// once ended the session with status 129; `ClosedInputDetectorTests` guard that logic.)
final class AllocationInTmuxTests: XCTestCase {
    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed (apt-get install tmux; .ci/run installs it)")
        }
    }

    func testALongBatchRunsToItsEndWithNoKeyPressedAndLooksAhead() throws {
        let session = try TmuxSession(arguments: ["demo", "--cases", "300"])
        session.waitFor("the home screen or My work") { $0.contains("Cases by stage") || $0.contains("My work ·") }
        if !session.screen.contains("Cases by stage") {
            try session.press("q")
            session.waitFor(text: "Cases by stage")
        }
        try session.press("4")
        session.waitFor(text: "r Run batch")
        try session.press("r")
        session.waitFor(text: "waiting? y, l: no look-ahead, n · for another's approval")
        try session.press("y")
        let status = directoryStatus(session)
        let deadline = Date().addingTimeInterval(180)
        var finished = false
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: status) { break }
            if session.screen.contains(" Placed ") { finished = true; break }
            usleep(100_000)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: status), "haven ended during the batch:\n\(session.screen)")
        XCTAssertTrue(finished, session.screen)
        XCTAssertTrue(session.screen.contains("· look-ahead, "), session.screen)
        try session.quit()
        XCTAssertEqual(session.exitStatus(), 0)
    }

    func directoryStatus(_ session: TmuxSession) -> String { session.directory.appendingPathComponent("status").path }
}
