import Foundation
import HavenCore
@testable import HavenTUI
import XCTest

final class IntakeScreenTests: XCTestCase {
    static let today = CalendarDate(year: 2026, month: 11, day: 24)!

    static let reference = ReferenceData(
        countries: [HostCountry(code: CountryCode("GB")!, name: "United Kingdom", languages: [LanguageCode("en")!])],
        occupations: OccupationCatalogue(
            unitGroups: [OccupationGroup(code: ISCOCode("8342")!, title: "Earthmoving and related plant operators"),
                         OccupationGroup(code: ISCOCode("7233")!, title: "Agricultural and industrial machinery mechanics and repairers")],
            specialties: [MilitarySpecialty(code: "tank-driver-mechanic", name: "Tank driver-mechanic", russianName: "механик-водитель танка",
                                            occupations: [ISCOCode("8342")!, ISCOCode("7233")!])]))

    func makeApp(store: InMemoryCaseStore) -> HavenApp {
        let context = SessionContext(user: "anna.k", today: Self.today, storeDescription: "Store",
                                     clock: { Timestamp(date: Self.today, hour: 11) })
        var app = HavenApp(root: HomeScreen(cases: store.summaries(), user: "anna.k", today: Self.today, reference: Self.reference),
                           context: context, store: store)
        _ = app.handle(.character("1"), terminalSize: Size(width: 80, height: 24))
        return app
    }

    func render(_ app: HavenApp) -> [String] { app.lines }
    func keys(_ keys: [Key], _ app: inout HavenApp) { app.press(keys) }
    func type(_ text: String, _ app: inout HavenApp) { app.type(text) }

    /// Types into the current field and moves to the next.
    func fill(_ text: String, _ app: inout HavenApp) {
        type(text, &app)
        keys([.tab], &app)
    }

    func testTheEmptyFormAt80x24() {
        let lines = render(makeApp(store: InMemoryCaseStore()))
        XCTAssertEqual(Array(lines[0...8]), [
            " Haven · Home › Intake                                      anna.k · 2026-11-24",
            " Register a defector · 39 fields · Ctrl-S saves",
            "",
            " 1 Person",
            "> Family name (Cyrillic)  e.g. Жуков",
            "  Given name (Cyrillic)   e.g. Артём",
            "  Patronymic (Cyrillic)   e.g. Сергеевич",
            "  Family name (Latin)     filled from Cyrillic (ICAO)",
            "  Given name (Latin)",
        ])
        XCTAssertTrue(render(makeApp(store: InMemoryCaseStore()))[4].hasSuffix("e.g. Жуков"), "the hint says it is an example")
        XCTAssertEqual(lines[23], "F1 Help Ctrl-S Save Tab Next Esc Close F3 Whole Ctrl-G Go to", "a text field has the keys: no ? or q")
    }

    func testSavingAnIncompleteFormMarksEveryProblemBesideItsField() {
        var app = makeApp(store: InMemoryCaseStore())
        fill("Жуков", &app)
        keys([.control("s")], &app)
        let lines = render(app)
        XCTAssertEqual(lines[22], " 7 things to fix, marked ! beside the fields.")
        XCTAssertTrue(lines.contains("                          ! Enter the given name in Cyrillic letters."), "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("> Given name (Cyrillic)") }, "the first problem has the focus")
    }

    func testRegisteringADefectorFromAnEmptyStore() throws {
        let store = InMemoryCaseStore()
        var app = makeApp(store: store)
        fill("Жуков", &app); fill("Артём", &app); fill("Сергеевич", &app)
        XCTAssertTrue(render(app).contains("> Family name (Latin)     Zhukov"), "the ICAO spelling is suggested")
        // The Cyrillic corrected: the suggestion, still untouched, follows it (from a walk).
        keys([.backTab, .backTab, .backTab, .end], &app)
        app.type("а")
        keys([.tab, .tab, .tab], &app)
        XCTAssertEqual((app.topScreen as? IntakeScreen)?.form.value("latinName.family"), "Zhukova")
        keys([.backTab, .backTab, .backTab, .end, .backspace, .tab, .tab, .tab], &app)
        XCTAssertEqual((app.topScreen as? IntakeScreen)?.form.value("latinName.family"), "Zhukov")
        keys([.tab, .tab, .tab], &app)                  // keep the suggested Latin names
        fill("Iouri", &app)                             // other spellings... (a nickname on a document)
        fill("1998-03-14", &app)
        fill("Псков", &app)
        keys([.tab, .tab], &app)                        // branch, rank as they are
        fill("4-я гв. танковая дивизия", &app)
        keys([.character("t")], &app)                   // specialty: jump to "Tank driver-mechanic"
        XCTAssertTrue(render(app).contains("  ISCO-08 occupation      ◂ 8342 Earthmoving and related plant operators ▸"),
                      "the ISCO occupation follows the specialty: \(render(app))")
        keys([.tab, .tab, .tab, .tab], &app)            // to ISCO, own words, how (surrendered), date
        fill("2026-09-02", &app)
        fill("Купянск", &app)
        keys([.control("s")], &app)
        let lines = render(app)
        XCTAssertEqual(lines[22], " Registered HV-000001: Жуков Артём Сергеевич.", lines.joined(separator: "\n"))
        XCTAssertEqual(lines[1], " HV-000001 Жуков Артём Сергеевич (Artem Zhukov) · Intake · v1")
        let saved = try store.load(CaseID(number: 1)).record
        XCTAssertEqual(saved.defector.latinName, FullName(family: "Zhukov", given: "Artem", patronymic: "Sergeevich"))
        XCTAssertEqual(saved.defector.otherSpellings, ["Iouri"])
        XCTAssertEqual(saved.defector.birthDate, CalendarDate(year: 1998, month: 3, day: 14))
        XCTAssertEqual(saved.defector.service.specialty, "tank-driver-mechanic")
        XCTAssertEqual(saved.defector.skills.first?.occupation, ISCOCode("8342"))
        XCTAssertEqual(saved.defector.languages, [LanguageSkill(language: LanguageCode("ru")!, level: .c2, isNative: true)])
        XCTAssertEqual(saved.registeredBy, "anna.k")
        XCTAssertEqual(saved.assignedTo, "anna.k")
    }

    func testBadDatesLanguagesAndRewardsAreExplained() {
        var form = IntakeForm.make(reference: Self.reference)
        form["birthDate"]?.setText("14.03.1998")
        form["languages"]?.setText("ru native, english good")
        form["equipment[0].kind"]?.setChoice(value: "tank")
        form["equipment[0].reward"]?.setText("ten thousand")
        let (_, issues) = IntakeForm.defector(from: form, today: Self.today)
        let messages = Dictionary(grouping: issues, by: \.field).mapValues { $0.map(\.message) }
        XCTAssertEqual(messages["birthDate"], ["'14.03.1998' is not a date; write it as YYYY-MM-DD, for example 1998-03-14."])
        XCTAssertEqual(messages["languages"], ["'english good' should be a two-letter language and a level: en B1, ru native."])
        XCTAssertEqual(messages["equipment[0].reward"], ["Write the reward as an amount and a currency: 10000 USD."])
        // Written as a date, but no such day: said so, not told to write what was written (a walk).
        form["birthDate"]?.setText("1999-02-30")
        let (_, again) = IntakeForm.defector(from: form, today: Self.today)
        XCTAssertEqual(again.first { $0.field == "birthDate" }?.message, "'1999-02-30': there is no such day.")
    }

    func testConsentIsDatedTodayWhenGiven() {
        var form = IntakeForm.make(reference: Self.reference)
        form.focus(on: "consent.publicity")
        var screen = IntakeScreen(reference: Self.reference, today: Self.today, form: form)
        _ = screen.handleUnboundKey(.character(" "))
        XCTAssertEqual(screen.form.value("consent.publicity"), "yes")
        XCTAssertEqual(screen.form.value("consent.recordedOn"), "2026-11-24")
    }

    /// From a walk: "Псков" typed into the birth date vanished unsaid.
    func testLettersADateDoesNotTakeAreSaid() {
        var form = IntakeForm.make(reference: Self.reference)
        form.focus(on: "birthDate")
        var screen = IntakeScreen(reference: Self.reference, today: Self.today, form: form)
        let said = screen.handleUnboundKey(.character("П"))
        guard case let .status(text, _)? = said?.first else { return XCTFail("\(String(describing: said))") }
        XCTAssertEqual(text, "Date of birth is a date, YYYY-MM-DD: \"П\" is not taken.")
        XCTAssertEqual(screen.form.value("birthDate"), "")
    }

    func testAStrayQOnAPickListOrYesNoFieldNeverLeavesTheForm() {
        var app = makeApp(store: InMemoryCaseStore())
        type("Жуков", &app)
        keys(Array(repeating: .tab, count: 9), &app)
        XCTAssertTrue(render(app).contains { $0.hasPrefix("> Branch") }, "on a pick list")
        keys([.character("q"), .character("?")], &app)
        XCTAssertEqual(render(app)[0], " Haven · Home › Intake                                      anna.k · 2026-11-24", "still in the form")
        XCTAssertEqual(render(app)[23], "F1 Help Ctrl-S Save Tab Next Esc Close F3 Whole Ctrl-G Go to")
    }

    func testEscAsksBeforeThrowingAwayChanges() {
        var app = makeApp(store: InMemoryCaseStore())
        keys([.escape], &app)
        XCTAssertEqual(render(app)[0], " Haven · Home                                               anna.k · 2026-11-24", "an untouched form just closes")
        keys([.character("1")], &app)
        type("Жуков", &app)
        keys([.escape], &app)
        XCTAssertEqual(render(app)[22], " Throw away this unsaved form? y discards, n keeps it.")
        XCTAssertEqual(render(app)[23], "F1 Help y Discard n Keep")
        keys([.character("n")], &app)
        XCTAssertTrue(render(app)[4].hasPrefix("> Family name (Cyrillic)  Жуков"), "kept, nothing lost")
        keys([.escape, .character("y")], &app)
        XCTAssertEqual(render(app)[0], " Haven · Home                                               anna.k · 2026-11-24")
    }
}

extension IntakeScreenTests {
    /// Fills the required fields for Жуков Артём with the given birth date.
    func fillZhukov(_ app: inout HavenApp) {
        fill("Жуков", &app); fill("Артём", &app); fill("Сергеевич", &app)
        keys([.tab, .tab, .tab, .tab], &app)
        fill("1998-03-14", &app)
        fill("Псков", &app)
        keys([.tab, .tab], &app)
        fill("4-я гв. танковая дивизия", &app)
        keys([.tab, .tab, .tab, .tab], &app)
        fill("2026-09-02", &app)
        fill("Купянск", &app)
    }

    func testPossibleDuplicatesAreShownAndANewPersonCanBeConfirmed() throws {
        let store = InMemoryCaseStore()
        var app = makeApp(store: store)
        fillZhukov(&app)
        keys([.control("s")], &app)
        XCTAssertEqual(render(app)[22], " Registered HV-000001: Жуков Артём Сергеевич.")
        keys([.character("q"), .character("1")], &app)
        fillZhukov(&app)
        keys([.control("s")], &app)
        var lines = render(app)
        XCTAssertEqual(lines[1], " Possible duplicates of Жуков Артём Сергеевич (Artem Zhukov)")
        XCTAssertEqual(lines[4], ">HV-000001 Жуков Артём Сергеевич      Intake      same name, birth date, unit")
        XCTAssertEqual(lines[22], " 1 case looks like the same person: open one, or c for a new person.")
        XCTAssertEqual(lines[23], "? Help Enter Open existing c New person Esc Back to form")
        var narrow = Canvas(size: Size(width: 60, height: 16))
        app.render(into: &narrow)
        XCTAssertEqual(narrow.line(4), ">HV-000001 Жуков Ар… Intake      same name, birth date, unit", "at 60 columns the name gives way, not the reasons")
        keys([.enter], &app)
        XCTAssertEqual(render(app)[1], " HV-000001 Жуков Артём Сергеевич (Artem Zhukov) · Intake · v1", "the existing case opens")
        keys([.character("q")], &app)
        lines = render(app)
        XCTAssertEqual(lines[1], " Possible duplicates of Жуков Артём Сергеевич (Artem Zhukov)", "and the form is still there")
        keys([.character("c")], &app)
        XCTAssertEqual(render(app)[22], " Registered HV-000002: Жуков Артём Сергеевич.")
        XCTAssertEqual(store.summaries().count, 2)
    }
}

extension IntakeScreenTests {
    func testAHalfTypedFormIsKeptAndOfferedBack() throws {
        let store = InMemoryCaseStore()
        var app = makeApp(store: store)
        fill("Жуков", &app); fill("Артём", &app)
        app.keepDraft()
        XCTAssertEqual(store.drafts(for: "anna.k"), [], "a running session's draft is its own")
        app.endSession()
        let kept = try XCTUnwrap(store.drafts(for: "anna.k").first)
        XCTAssertEqual(kept.target, "intake")
        XCTAssertEqual(kept.session, app.context.sessionID)
        XCTAssertEqual(kept.values["cyrillicName.family"], "Жуков")
        XCTAssertEqual(kept.values["latinName.family"], "Zhukov")
        XCTAssertEqual(kept.focus, "cyrillicName.patronymic")

        // A new session (after a dropped connection) lists it first; Enter reopens the form.
        let context = SessionContext(user: "anna.k", today: Self.today, storeDescription: "Store", clock: { Timestamp(date: Self.today, hour: 11) },
                                     reference: Self.reference)
        var again = HavenApp(root: HomeScreen(cases: store.summaries(), user: "anna.k", today: Self.today, reference: Self.reference),
                             context: context, store: store)
        XCTAssertEqual(again.topScreen.title, "Kept forms")
        XCTAssertTrue(render(again).contains { $0.contains("Intake") && $0.contains("2026-11-24 11:00 UTC") }, render(again).joined(separator: "\n"))
        _ = again.handle(.enter, terminalSize: Size(width: 80, height: 24))
        let lines = render(again)
        XCTAssertTrue(lines.contains("  Family name (Cyrillic)  Жуков"), "\(lines)")
        XCTAssertTrue(lines.contains("> Patronymic (Cyrillic)   e.g. Сергеевич"), "the focus is where it was (the hint shows)")
        XCTAssertEqual(lines[22], " Your unsaved intake form from 2026-11-24 11:00 UTC is back.")
        XCTAssertEqual(store.drafts(for: "anna.k"), [], "taken back by this session")

        // Thrown away on purpose: the kept copy goes too.
        _ = again.handle(.escape, terminalSize: Size(width: 80, height: 24))
        _ = again.handle(.character("y"), terminalSize: Size(width: 80, height: 24))
        again.endSession()
        XCTAssertEqual(store.drafts(for: "anna.k"), [])
    }

    func testRegisteringRemovesTheKeptDraft() {
        let store = InMemoryCaseStore()
        var app = makeApp(store: store)
        fillZhukov(&app)
        app.keepDraft()
        XCTAssertEqual(app.session.keptDrafts["intake"]?.values["cyrillicName.family"], "Жуков", "written under this session")
        keys([.control("s")], &app)
        XCTAssertEqual(app.session.keptDrafts.count, 0, "removed with the save, not a second later")
        app.endSession()
        XCTAssertEqual(store.drafts(for: "anna.k"), [])
    }
}
