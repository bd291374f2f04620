import HavenCore
import XCTest

/// The one helper that starts a sentence with a capital (four places spelled it out).
final class SentenceStartTests: XCTestCase {
    func testTheFirstLetterOnlyBecomesACapitalInAnyScript() {
        XCTAssertEqual("a supervisor cannot".sentenceStart, "A supervisor cannot")
        XCTAssertEqual("override HV-000001".sentenceStart, "Override HV-000001")
        XCTAssertEqual("жуков артём".sentenceStart, "Жуков артём")
        XCTAssertEqual("".sentenceStart, "")
        XCTAssertEqual("no look-ahead: x"[...].sentenceStart, "No look-ahead: x")
    }

    func testATitleMidSentenceKeepsItsProperNames() {
        XCTAssertEqual("Exclusion (Refugee Convention art. 1F)".midSentence, "exclusion (Refugee Convention art. 1F)")
        XCTAssertEqual("Identity".midSentence, "identity")
        XCTAssertEqual("".midSentence, "")
    }
}
