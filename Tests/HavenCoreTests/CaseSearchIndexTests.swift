import Foundation
import HavenCore
import XCTest

final class CaseSearchIndexTests: XCTestCase {
    func summary(_ number: Int, _ cyrillic: String, _ latin: String) -> CaseSummary {
        let names = cyrillic.split(separator: " ").map(String.init)
        let latinNames = latin.split(separator: " ").map(String.init)
        let record = Case(id: CaseID(number: number),
                          defector: Defector(cyrillicName: FullName(family: names[0], given: names[1]),
                                             latinName: FullName(family: latinNames[0], given: latinNames[1])),
                          registeredBy: "anna.k", registeredAt: Fixtures.now)
        return CaseSummary(StoredCase(record: record, version: CaseVersion(1), savedBy: "anna.k", savedAt: Fixtures.now))
    }

    lazy var index = CaseSearchIndex([
        summary(3, "Иванов Юрий", "Ivanov Iurii"),
        summary(1, "Щербаков Владимир", "Shcherbakov Vladimir"),
        summary(12, "Жуков Артём", "Zhukov Artem"),
        summary(120, "Владимиров Пётр", "Vladimirov Petr"),
    ])

    func testFindsByAnyScriptAndPartialWords() {
        XCTAssertEqual(index.matches("влад"), [CaseID(number: 1), CaseID(number: 120)])
        XCTAssertEqual(index.matches("Wladimir"), [CaseID(number: 1), CaseID(number: 120)])
        XCTAssertEqual(index.matches("Iouri Iwanow"), [CaseID(number: 3)])
        XCTAssertEqual(index.matches("Artyom"), [CaseID(number: 12)])
        XCTAssertEqual(index.matches("Schtscherb"), [CaseID(number: 1)])
        XCTAssertEqual(index.matches("Pyotr"), [CaseID(number: 120)])
        XCTAssertEqual(index.matches("Petrov"), [])
        XCTAssertEqual(index.matches("   "), [])
    }

    func testFindsByCaseNumber() {
        XCTAssertEqual(index.matches("12"), [CaseID(number: 12), CaseID(number: 120)])
        XCTAssertEqual(index.matches("HV-000012", limit: 1), [CaseID(number: 12)])
        XCTAssertEqual(index.matches("hv3"), [CaseID(number: 3)])
    }

    /// An index built on another thread answers as one built at once, whenever it is asked:
    /// before its build has begun (the search builds it), while the build runs (the search
    /// waits), and after.
    func testAnIndexBuiltInTheBackgroundAnswersAsOneBuiltAtOnce() {
        let summaries = [summary(3, "Иванов Юрий", "Ivanov Iurii"), summary(1, "Щербаков Владимир", "Shcherbakov Vladimir"),
                         summary(12, "Жуков Артём", "Zhukov Artem"), summary(120, "Владимиров Пётр", "Vladimirov Petr")]
        nonisolated(unsafe) var held: (@Sendable () -> Void)?
        let early = CaseSearchIndex.building(summaries, start: { held = $0 })
        XCTAssertFalse(early.isBuilt, "held back: nothing was built yet")
        XCTAssertEqual(early.count, 4, "the count is known before the build")
        XCTAssertEqual(early.matches("влад"), [CaseID(number: 1), CaseID(number: 120)], "the search built it")
        XCTAssertTrue(early.isBuilt)
        held?() // the background's turn: already done
        XCTAssertEqual(early.matches("12"), [CaseID(number: 12), CaseID(number: 120)])
        XCTAssertEqual(early.updating(with: summaries + [summary(200, "Щербакова Анна", "Shcherbakova Anna")]).matches("Щерб"),
                       [CaseID(number: 1), CaseID(number: 200)])

        // Searches from several threads racing the build on another: each finds the same.
        let many = (1...3_000).map { summary($0, ["Иванов Юрий", "Щербаков Владимир", "Жуков Артём"][$0 % 3],
                                             ["Ivanov Iurii", "Shcherbakov Vladimir", "Zhukov Artem"][$0 % 3]) }
        let expected = CaseSearchIndex(many).matches("Wladimir")
        XCTAssertEqual(expected.count, 1_000)
        for _ in 0..<20 {
            let racing = CaseSearchIndex.building(many)
            let found = UnsafeMutableBufferPointer<[CaseID]>.allocate(capacity: 4)
            found.initialize(repeating: [])
            defer { found.deallocate() }
            nonisolated(unsafe) let results = found
            DispatchQueue.concurrentPerform(iterations: 4) { results[$0] = racing.matches("Wladimir") }
            XCTAssertEqual(Array(found), Array(repeating: expected, count: 4))
        }
    }

    func testUpdatingFollowsNewAndRenamedCases() {
        let renamed = summary(3, "Иванов Юрий", "Ivanov Iurii")
        var changed = summary(1, "Щербаков Владимир", "Shcherbakov Vladimir")
        changed.cyrillicName = "Петров Владимир"
        changed.latinName = "Petrov Vladimir"
        let updated = index.updating(with: [renamed, changed, summary(12, "Жуков Артём", "Zhukov Artem"),
                                            summary(120, "Владимиров Пётр", "Vladimirov Petr"), summary(200, "Щербакова Анна", "Shcherbakova Anna")])
        XCTAssertEqual(updated.matches("Petrov"), [CaseID(number: 1)])
        XCTAssertEqual(updated.matches("Щерб"), [CaseID(number: 200)], "the old name is gone, the new case is in")
        XCTAssertEqual(updated.count, 5)
    }
}
