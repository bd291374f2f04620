import HavenCore
@testable import HavenTUI
import XCTest

final class QueueScreenTests: XCTestCase {
    static let today = CalendarDate(year: 2026, month: 11, day: 24)!

    /// Five cases: who, what stage, how long in it, where to.
    static func summaries() -> [CaseSummary] {
        let people: [(String, String, CaseStage, Int, UserName?, String?)] = [
            ("Жуков Артём Сергеевич", "Zhukov Artem Sergeevich", .screening, 12, "anna.k", nil),
            ("Щербаков Владимир Юрьевич", "Shcherbakov Vladimir Iurevich", .decision, 3, "oleh.m", nil),
            ("Иванов Юрий Петрович", "Ivanov Iurii Petrovich", .relocation, 40, "anna.k", "DE"),
            ("Абрамов Илья Олегович", "Abramov Ilia Olegovich", .screening, 7, "anna.k", nil),
            ("Владимиров Пётр Ильич", "Vladimirov Petr Ilich", .integration, 90, "sara.l", "GB"),
        ]
        return people.enumerated().map { index, person in
            CaseSummary(id: CaseID(number: index + 1), cyrillicName: person.0, latinName: person.1, stage: person.2,
                        stageEnteredAt: Timestamp(date: today.adding(days: -person.3)), assignedTo: person.4,
                        country: person.5.flatMap(CountryCode.init), version: CaseVersion(1))
        }
    }

    func queue(mine: Bool = true) -> QueueScreen {
        QueueScreen(cases: Self.summaries(), user: "anna.k", today: Self.today, onlyMine: mine)
    }

    func lines(_ screen: QueueScreen, width: Int = 80, height: Int = 12) -> [String] {
        var canvas = Canvas(size: Size(width: width, height: height))
        screen.render(into: &canvas, area: Rect(x: 0, y: 0, width: width, height: height))
        return canvas.lines
    }

    func press(_ actions: [QueueScreen.Action], _ screen: inout QueueScreen) {
        for action in actions { _ = screen.handle(action) }
    }

    func type(_ text: String, _ screen: inout QueueScreen) {
        for character in text { XCTAssertNotNil(screen.handleUnboundKey(.character(character))) }
    }

    func testMyCasesWithCyrillicNamesAt80Columns() {
        XCTAssertEqual(lines(queue()), [
            " My cases: 3 of 5",
            "",
            " Case↑     Name              Latin             Stage        Days Worker    To",
            ">HV-000001 Жуков А.С.        Zhukov A.S.       Screening      12 anna.k",
            " HV-000003 Иванов Ю.П.       Ivanov I.P.       Relocation     40 anna.k    DE",
            " HV-000004 Абрамов И.О.      Abramov I.O.      Screening       7 anna.k",
            "", "", "", "", "", "",
        ], "below 100 columns names are surname and initials, and the selection is > and the case number")
        let wide = lines(queue(), width: 110)
        XCTAssertEqual(wide[3], ">HV-000001 Жуков Артём Сергеевич            Zhukov Artem Sergeevich          Screening      12 anna.k")
    }

    func testAllCasesSortedByDaysInStageDescending() {
        var screen = queue(mine: false)
        press([.sortNext, .sortNext, .sortNext, .sortNext, .reverseSort], &screen)
        XCTAssertEqual(screen.sortColumn, .daysInStage)
        XCTAssertEqual(screen.rows.map(\.id.number), [5, 3, 1, 4, 2])
        XCTAssertEqual(lines(screen)[0], " All cases: 5 of 5")
        XCTAssertEqual(lines(screen)[2], " Case      Name              Latin             Stage       Days↓ Worker    To")
        press([.sortNext], &screen)
        XCTAssertEqual(screen.rows.map(\.assignedTo?.rawValue), ["anna.k", "anna.k", "anna.k", "oleh.m", "sara.l"])
        press([.sortNext], &screen)
        XCTAssertEqual(screen.rows.map(\.country?.rawValue), ["DE", "GB", nil, nil, nil], "cases with no country last")
    }

    func testSortingByCyrillicNameIsAlphabetical() {
        var screen = queue(mine: false)
        press([.sortNext], &screen)
        XCTAssertEqual(screen.rows.map { String($0.cyrillicName.prefix(3)) }, ["Абр", "Вла", "Жук", "Ива", "Щер"])
    }

    func testFiltersByStageCaseworkerAndCountry() {
        var screen = queue(mine: false)
        press([.cycleStage], &screen)
        XCTAssertEqual(screen.stageFilter, .intake)
        XCTAssertEqual(lines(screen)[3], " No case matches; x clears the search and filters.")
        press([.cycleStage], &screen)
        XCTAssertEqual(screen.rows.map(\.id.number), [1, 4])
        XCTAssertEqual(lines(screen)[0], " All cases: 2 of 5 · stage Screening")
        press([.clearFilters, .cycleCaseworker, .cycleCaseworker], &screen)
        XCTAssertEqual(screen.caseworkerFilter, "oleh.m")
        XCTAssertEqual(screen.rows.map(\.id.number), [2])
        press([.clearFilters, .cycleCountry], &screen)
        XCTAssertEqual(lines(screen)[0], " All cases: 1 of 5 · country DE")
        press([.cycleCountry, .cycleCountry], &screen)
        XCTAssertNil(screen.countryFilter, "cycling past the last country shows every country")
        XCTAssertEqual(screen.rows.count, 5)
    }

    func testSearchAsYouTypeInEitherScript() {
        var screen = queue(mine: false)
        press([.startSearch], &screen)
        XCTAssertTrue(screen.capturesText)
        type("влад", &screen)
        XCTAssertEqual(screen.rows.map(\.id.number), [2, 5], "Владимир and Владимиров")
        XCTAssertEqual(lines(screen)[1], " Search: влад")
        for _ in 0..<4 { _ = screen.handleUnboundKey(.backspace) }
        type("Iouri", &screen)
        XCTAssertEqual(screen.rows.map(\.id.number), [3])
        _ = screen.handleUnboundKey(.control("u"))
        type("Wladimir", &screen)
        XCTAssertEqual(screen.rows.map(\.id.number), [2, 5])
        press([.stopSearch], &screen)
        XCTAssertEqual(screen.rows.count, 5, "leaving the search shows the whole queue again")
    }

    /// A queue opened before the home screen's name index is built (here its build is held
    /// back) searches as one opened after: the first key typed builds it.
    func testASearchTypedBeforeTheNameIndexIsBuiltFindsTheRightCases() {
        nonisolated(unsafe) var held: (@Sendable () -> Void)?
        let index = CaseSearchIndex.building(Self.summaries(), start: { held = $0 })
        var screen = QueueScreen(cases: Self.summaries(), user: "anna.k", today: Self.today, onlyMine: false, index: index)
        XCTAssertEqual(screen.rows.count, 5, "the queue is shown without waiting for the index")
        XCTAssertFalse(index.isBuilt)
        press([.startSearch], &screen)
        type("влад", &screen)
        XCTAssertEqual(screen.rows.map(\.id.number), [2, 5], "Владимир and Владимиров")
        held?()
        _ = screen.handleUnboundKey(.control("u"))
        type("Iouri", &screen)
        XCTAssertEqual(screen.rows.map(\.id.number), [3])
    }

    func testMyCasesAndAllCases() {
        var screen = queue()
        XCTAssertEqual(screen.title, "My cases")
        press([.toggleMine], &screen)
        XCTAssertEqual(screen.title, "All cases")
        XCTAssertEqual(screen.rows.count, 5)
        let nobody = QueueScreen(cases: Self.summaries(), user: "maria.s", today: Self.today)
        XCTAssertEqual(lines(nobody)[3], " No cases are assigned to you; m shows all cases.")
    }

    func testPagingKeepsTheSelectionInView() {
        let many = (1...60).map { number in
            CaseSummary(id: CaseID(number: number), cyrillicName: "Петров Пётр \(number)", latinName: "Petrov Petr \(number)",
                        stage: .screening, stageEnteredAt: Timestamp(date: Self.today), assignedTo: "anna.k", country: nil,
                        version: CaseVersion(1))
        }
        var screen = QueueScreen(cases: many, user: "anna.k", today: Self.today)
        screen.prepare(for: Rect(x: 0, y: 1, width: 80, height: 13), now: Timestamp(secondsSinceEpoch: 0))
        press([.pageDown], &screen)
        XCTAssertEqual(screen.selected, 10)
        var rendered = lines(screen, height: 13)
        XCTAssertEqual(rendered[0], " My cases: 60 of 60                                                  2-11 of 60")
        XCTAssertTrue(rendered[12].hasPrefix(">HV-000011"))
        press([.last], &screen)
        rendered = lines(screen, height: 13)
        XCTAssertTrue(rendered[12].hasPrefix(">HV-000060"))
        XCTAssertTrue(rendered[0].hasSuffix("51-60 of 60"))
        press([.first, .up], &screen)
        XCTAssertEqual(screen.selected, 0)
    }

    func testOthersChangesAreTakenInKeepingTheSelection() {
        var screen = queue(mine: false)
        press([.down, .down], &screen)
        XCTAssertEqual(screen.rows[screen.selected].id.number, 3)
        var changed = Self.summaries()
        changed.insert(CaseSummary(id: CaseID(number: 9), cyrillicName: "Аксёнов Олег", latinName: "Aksenov Oleg", stage: .intake,
                                   stageEnteredAt: Timestamp(date: Self.today), assignedTo: "anna.k", country: nil,
                                   version: CaseVersion(1)), at: 0)
        changed[3].stage = .integration
        screen.storeDidChange(changed)
        XCTAssertEqual(screen.rows.count, 6)
        XCTAssertEqual(screen.rows[screen.selected].id.number, 3, "the same case stays selected")
        XCTAssertEqual(screen.rows[screen.selected].stage, .integration)
    }

    func testTheSelectedRowIsReverseVideoAndKeysAreInTheBarAndHelp() {
        var app = HavenApp(root: HomeScreen(cases: Self.summaries(), user: "anna.k", today: Self.today),
                           context: SessionContext(user: "anna.k", today: Self.today, storeDescription: "Store"))
        XCTAssertEqual(app.handle(.character("2"), terminalSize: Size(width: 80, height: 24)), .redraw)
        var canvas = Canvas(size: Size(width: 80, height: 24))
        app.render(into: &canvas)
        XCTAssertEqual(canvas.line(0), " Haven · Home › My cases                                    anna.k · 2026-11-24")
        XCTAssertTrue(canvas.styles(inRow: 4)[0..<10].allSatisfy(\.reverse), "the selected case number is visible without colour")
        XCTAssertEqual(canvas.line(4).first, ">")
        XCTAssertFalse(canvas.styles(inRow: 4)[10...].contains { $0.reverse }, "not a bar across the row: a move rewrites a dozen cells")
        XCTAssertFalse(canvas.styles(inRow: 5).contains { $0.reverse })
        XCTAssertEqual(canvas.line(23), "? Help Enter Open / Search s Sort m Mine/all t Stage o Overdue u Due q Back")
        _ = app.handle(.character("?"), terminalSize: Size(width: 80, height: 24))
        var help = Canvas(size: Size(width: 80, height: 40))
        app.render(into: &help)
        XCTAssertTrue(help.lines.contains { $0.contains("S") && $0.hasSuffix("Reverse the sort order") })
        XCTAssertTrue(help.lines.contains { $0.hasSuffix("Switch between my cases and all cases") })
    }
}

extension QueueScreenTests {
    func testFilterByFlag() {
        var cases = Self.summaries()
        cases[1].flags = [.highRiskFamily, .equipment]
        cases[4].flags = [.equipment]
        var screen = QueueScreen(cases: cases, user: "anna.k", today: Self.today, onlyMine: false)
        _ = screen.handle(.cycleFlag)
        XCTAssertEqual(screen.rows.map(\.id.number), [2])
        XCTAssertEqual(lines(screen)[0], " All cases: 1 of 5 · family at high risk")
        _ = screen.handle(.cycleFlag)
        XCTAssertEqual(screen.rows.map(\.id.number), [2, 5])
        _ = screen.handle(.clearFilters)
        XCTAssertEqual(screen.rows.count, 5)
    }
}
