import HavenCore
import XCTest

final class DuplicateFinderTests: XCTestCase {
    func stored(_ number: Int, _ cyrillic: FullName, _ latin: FullName, born: CalendarDate?, unit: String) -> Case {
        Case(id: CaseID(number: number),
             defector: Defector(cyrillicName: cyrillic, latinName: latin, birthDate: born, service: MilitaryService(unit: unit)),
             registeredBy: "anna.k", registeredAt: Fixtures.now)
    }

    func testMatchesAcrossScriptsAndRanksByEvidence() {
        let born = CalendarDate(year: 1995, month: 7, day: 30)
        let cases = [
            stored(1, FullName(family: "Щербаков", given: "Владимир"), FullName(family: "Shcherbakov", given: "Vladimir"),
                   born: born, unit: "150-я мотострелковая дивизия"),
            stored(2, FullName(family: "Щербаков", given: "Владимир"), FullName(family: "Shcherbakov", given: "Vladimir"),
                   born: CalendarDate(year: 1990, month: 1, day: 1), unit: "76-я ДШД"),
            stored(3, FullName(family: "Щербаков", given: "Пётр"), FullName(family: "Shcherbakov", given: "Petr"), born: born, unit: "x"),
        ]
        let summaries = cases.map { CaseSummary(StoredCase(record: $0, version: CaseVersion(1), savedBy: "anna.k", savedAt: Fixtures.now)) }
        let byID = Dictionary(uniqueKeysWithValues: summaries.map { ($0.id, $0) })
        let records = Dictionary(uniqueKeysWithValues: cases.map { ($0.id, $0) })
        // Typed in Latin only, German spelling, unit written differently.
        let newcomer = Defector(cyrillicName: FullName(), latinName: FullName(family: "Schtscherbakow", given: "Wladimir"),
                                birthDate: born, service: MilitaryService(unit: "150-Я Мотострелковая  дивизия"))
        let found = DuplicateFinder.candidates(for: newcomer, in: CaseSearchIndex(summaries), summaries: byID) { records[$0]! }
        XCTAssertEqual(found.map(\.summary.id.number), [1, 2], "Пётр is not Владимир")
        XCTAssertEqual(found[0].reasons, [.name, .birthDate, .unit])
        XCTAssertEqual(found[1].reasons, [.name])
        let stranger = Defector(cyrillicName: FullName(family: "Иванов", given: "Владимир"), latinName: FullName(family: "Ivanov", given: "Vladimir"))
        XCTAssertEqual(DuplicateFinder.candidates(for: stranger, in: CaseSearchIndex(summaries), summaries: byID) { records[$0]! }, [])
    }
}
