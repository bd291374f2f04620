import HavenCore
@testable import HavenTUI
import XCTest

final class CaseViewScreenTests: XCTestCase {
    static let today = CalendarDate(year: 2026, month: 11, day: 24)!
    static let tick = Timestamp(date: today, hour: 9, minute: 30)

    func makeCase() -> Case {
        var record = Case(id: CaseID(number: 7),
                          defector: Defector(cyrillicName: FullName(family: "Жуков", given: "Артём", patronymic: "Сергеевич"),
                                             latinName: FullName(family: "Zhukov", given: "Artem", patronymic: "Sergeevich"),
                                             birthDate: CalendarDate(year: 1998, month: 3, day: 14), birthPlace: "Псков",
                                             service: MilitaryService(branch: .groundForces, rank: .sergeant, unit: "4-я гв. танковая дивизия",
                                                                      specialty: "tank-driver-mechanic"),
                                             crossing: Crossing(method: .defectedWithEquipment, date: CalendarDate(year: 2026, month: 9, day: 2), place: "Купянск"),
                                             equipment: [EquipmentHandover(kind: .tank, identifier: "214", reward: Money(minorUnits: 1_000_000, currency: "USD"))]),
                          registeredBy: "anna.k", registeredAt: Timestamp(date: Self.today))
        record.family = [FamilyMember(id: 1, relationship: .spouse, cyrillicName: FullName(family: "Жукова", given: "Анна"),
                                      whereabouts: .russia, risk: .high, contactIsSafe: true, contactChannel: "Signal через сестру",
                                      stage: .applicationFiled)]
        return record
    }

    /// An app on an in-memory store holding the case, opened on it from a queue.
    func makeApp(store: InMemoryCaseStore, user: UserName = "anna.k") -> HavenApp {
        let context = SessionContext(user: user, today: Self.today, storeDescription: "Store", clock: { Self.tick })
        var app = HavenApp(root: HomeScreen(cases: store.summaries(), user: user, today: Self.today), context: context, store: store)
        _ = app.handle(.character("2"), terminalSize: Size(width: 80, height: 24))
        _ = app.handle(.enter, terminalSize: Size(width: 80, height: 24))
        return app
    }

    func render(_ app: HavenApp) -> [String] { app.lines }
    func keys(_ keys: [Key], _ app: inout HavenApp) { app.press(keys) }
    func type(_ text: String, _ app: inout HavenApp) { app.type(text) }

    func store() throws -> InMemoryCaseStore {
        let store = InMemoryCaseStore()
        _ = try store.save(makeCase(), basedOn: nil, by: Actor(user: "anna.k", role: .caseworker), at: Timestamp(date: Self.today))
        return store
    }

    /// Narrower than the heading, the version goes first, then the Latin name, then the name is
    /// cut: the stage and RESTRICTED stay (a walk found "· Intak…").
    func testTheHeadingKeepsTheStageWhenNarrow() throws {
        let app = makeApp(store: try store())
        var canvas = Canvas(size: Size(width: 60, height: 16))
        app.render(into: &canvas)
        XCTAssertEqual(canvas.line(1), " HV-000007 Жуков Артём Сергеевич (Artem Zhukov) · Intake")
        var screen = try XCTUnwrap(app.topScreen as? CaseViewScreen)
        XCTAssertEqual(screen.heading(width: 80), " HV-000007 Жуков Артём Сергеевич (Artem Zhukov) · Intake · v1")
        XCTAssertEqual(screen.heading(width: 41), " HV-000007 Жуков Артём Сергеевич · Intake")
        XCTAssertEqual(screen.heading(width: 30), " HV-000007 Жуков Арт… · Intake")
        var stored = screen.stored
        stored.record.restriction = CaseRestriction(team: ["anna.k"], reason: "Известный журналист", by: "maria.s", at: Self.tick)
        screen = CaseViewScreen(stored: stored, history: [], context: screen.context)
        XCTAssertTrue(screen.heading(width: 40).hasSuffix(" · Intake · RESTRICTED"), screen.heading(width: 40))
        XCTAssertLessThanOrEqual(DisplayWidth.of(screen.heading(width: 40)), 40)
    }

    func testPersonSectionAt80x24() throws {
        let app = makeApp(store: try store())
        let lines = render(app)
        XCTAssertEqual(Array(lines[0...8]), [
            " Haven · Home › My cases › HV-000007                        anna.k · 2026-11-24",
            " HV-000007 Жуков Артём Сергеевич (Artem Zhukov) · Intake · v1",
            " 1 Person  2 Service  3 Screening  4 Decision  5 Allocation  6 Integration    ›",
            "",
            " Name (Cyrillic)    Жуков Артём Сергеевич",
            " Name (Latin)       Zhukov Artem Sergeevich",
            " Other spellings    —",
            " Born               1998-03-14, Псков",
            " Age                28",
        ])
        XCTAssertEqual(lines[23], "? Help n Note e Edit i Integrate f Family c Consent t Stage Tab Section q Back")
    }

    func testServiceAndFamilyKeepSensitiveFieldsOut() throws {
        var app = makeApp(store: try store())
        keys([.character("2")], &app)
        XCTAssertTrue(render(app).contains(" Equipment          Tank 214, reward 10000.00 USD"))
        keys([.character("7")], &app)
        let family = render(app)
        XCTAssertTrue(family.contains(" Spouse             Жукова Анна: application filed, HIGH RISK"), "\(family)")
        XCTAssertFalse(family.joined().contains("Signal"), "contact channels never show in the case view")
        XCTAssertFalse(family.joined().contains("Russia"), "whereabouts never show in the case view")
    }

    func testAddingANoteSavesItAndShowsItInNotesAndHistory() throws {
        let store = try store()
        var app = makeApp(store: store)
        keys([.character("n")], &app)
        type("Хочет учить немецкий.", &app)
        XCTAssertEqual(render(app)[21], " New note: Хочет учить немецкий.")
        XCTAssertEqual(render(app)[23], "F1 Help Enter Save Esc Cancel", "while typing, q and ? are text")
        keys([.enter], &app)
        var lines = render(app)
        XCTAssertEqual(lines[22], " Saved HV-000007 as v2: note added.")
        XCTAssertEqual(lines[4], " 2026-11-24 anna.k: Хочет учить немецкий.")
        XCTAssertEqual(try store.load(CaseID(number: 7)).record.notes.map(\.text), ["Хочет учить немецкий."])
        XCTAssertEqual(try store.load(CaseID(number: 7)).record.notes.first?.at, Self.tick)
        keys([.character("0")], &app)
        lines = render(app)
        XCTAssertEqual(Array(lines[4...8]), [
            " 2026-11-24 09:30:00 anna.k saved v2",
            "   Notes · Note written at: — → 2026-11-24 09:30",
            "   Notes · Note written by: — → anna.k",
            "   Notes · Note: — → Хочет учить немецкий.",
            " 2026-11-24 00:00:00 anna.k saved v1",
        ])
    }

    func testAConflictNamesWhoAndWhenKeepsTheNoteAndReloads() throws {
        let store = try store()
        var app = makeApp(store: store)
        // Another session saves first.
        var theirs = try store.load(CaseID(number: 7))
        theirs.record.defector.birthPlace = "Омск"
        let theirTime = Timestamp(date: Self.today, hour: 9, minute: 12)
        _ = try store.save(theirs.record, basedOn: theirs.version, by: Actor(user: "oleh.m", role: .supervisor), at: theirTime)

        keys([.character("n")], &app)
        type("Семья в Пскове.", &app)
        keys([.enter], &app)
        var lines = render(app)
        XCTAssertEqual(lines[22], " Not saved: oleh.m changed it 2026-11-24 09:12 UTC. Ctrl-R reloads; note kept.")
        XCTAssertEqual(lines[21], " New note: Семья в Пскове.", "the note is kept")
        XCTAssertEqual(try store.load(CaseID(number: 7)).record.defector.birthPlace, "Омск", "their change is not overwritten")

        keys([.control("r")], &app)
        lines = render(app)
        XCTAssertTrue(lines[1].hasSuffix("· v2"), lines[1])
        XCTAssertEqual(lines[22], " Reloaded HV-000007: oleh.m's v2; your note is kept: Enter saves it.")
        keys([.enter], &app)
        let saved = try store.load(CaseID(number: 7))
        XCTAssertEqual(saved.version, CaseVersion(3))
        XCTAssertEqual(saved.record.defector.birthPlace, "Омск")
        XCTAssertEqual(saved.record.notes.map(\.text), ["Семья в Пскове."])
    }

    func testEmptyNotesAreRefusedAndEscPutsTheNoteAway() throws {
        var app = makeApp(store: try store())
        keys([.character("n"), .enter], &app)
        XCTAssertEqual(render(app)[22], " A note cannot be empty.")
        keys([.escape], &app)
        XCTAssertEqual(render(app)[23], "? Help n Note e Edit i Integrate f Family c Consent t Stage Tab Section q Back")
        keys([.character("q")], &app)
        XCTAssertEqual(render(app)[0], " Haven · Home › My cases                                    anna.k · 2026-11-24")
    }

    func testSectionsCycleWithTabAndTheBarFollowsAtNarrowWidths() throws {
        var app = makeApp(store: try store())
        keys([.backTab], &app)
        var canvas = Canvas(size: Size(width: 60, height: 18))
        app.render(into: &canvas)
        XCTAssertEqual(canvas.line(2), " ‹ 7 Family  8 Publicity  9 Notes  0 History", "the sections left out marked")
        XCTAssertTrue(canvas.line(4).hasPrefix(" 2026-11-24 00:00:00 anna.k saved v1"))
    }
}

extension CaseViewScreenTests {
    func editingApp(store: InMemoryCaseStore) -> HavenApp {
        let context = SessionContext(user: "anna.k", today: Self.today, storeDescription: "Store", clock: { Self.tick },
                                     reference: IntakeScreenTests.reference)
        var app = HavenApp(root: HomeScreen(cases: store.summaries(), user: "anna.k", today: Self.today,
                                            reference: IntakeScreenTests.reference), context: context, store: store)
        keys([.character("2"), .enter], &app)
        return app
    }

    func testEditingPersonDetailsKeepsWhatTheFormDoesNotShow() throws {
        let store = InMemoryCaseStore()
        var record = makeCase()
        record.defector.skills = [Skill(occupation: ISCOCode("8342"), description: "Earthmoving"),
                                  Skill(occupation: ISCOCode("7233"), description: "Machinery mechanic")]
        record.defector.equipment.append(EquipmentHandover(kind: .smallArms, identifier: "AK-74M"))
        _ = try store.save(record, basedOn: nil, by: Actor(user: "anna.k", role: .caseworker), at: Timestamp(date: Self.today))
        var app = editingApp(store: store)
        keys([.character("e")], &app)
        XCTAssertTrue(render(app)[0].contains("Home › My cases › HV-000007 › Edit HV-000007"), render(app)[0])
        XCTAssertEqual(render(app)[1], " Edit HV-000007 Жуков Артём Сергеевич · v1 · Ctrl-S saves")
        keys(Array(repeating: .tab, count: 8), &app)   // to Place of birth
        keys([.control("u")], &app)
        type("Великие Луки", &app)
        keys([.control("s")], &app)
        let lines = render(app)
        XCTAssertEqual(lines[22], " Saved HV-000007 as v2.")
        XCTAssertEqual(lines[1], " HV-000007 Жуков Артём Сергеевич (Artem Zhukov) · Intake · v2", "back in the case view, reloaded")
        let saved = try store.load(CaseID(number: 7)).record
        XCTAssertEqual(saved.defector.birthPlace, "Великие Луки")
        XCTAssertEqual(saved.defector.skills.compactMap(\.occupation), [ISCOCode("8342")!, ISCOCode("7233")!], "the second skill is kept")
        XCTAssertEqual(saved.defector.equipment.map(\.identifier), ["214", "AK-74M"], "the second item is kept")
        XCTAssertEqual(saved.family, record.family)
        XCTAssertEqual(store.history(of: CaseID(number: 7)).last?.changes.map(\.field), ["defector.birthPlace"], "only what changed")
    }

    func testAnEditThatMeetsAnotherSessionsChangeMergesOnReload() throws {
        let store = try store()
        var app = editingApp(store: store)
        keys([.character("e")], &app)
        // Another session changes the unit while anna edits the place of birth.
        var theirs = try store.load(CaseID(number: 7))
        theirs.record.defector.service.unit = "1-я гв. танковая армия"
        _ = try store.save(theirs.record, basedOn: theirs.version, by: Actor(user: "oleh.m", role: .supervisor),
                           at: Timestamp(date: Self.today, hour: 9, minute: 12))
        keys(Array(repeating: .tab, count: 8), &app)
        keys([.control("u")], &app)
        type("Великие Луки", &app)
        // The save meets oleh's change to another field: reloaded, merged and saved at once.
        keys([.control("s")], &app)
        XCTAssertEqual(render(app)[22], " Saved HV-000007 as v3, oleh.m's change of 2026-11-24 09:12 UTC merged first.")
        let saved = try store.load(CaseID(number: 7))
        XCTAssertEqual(saved.version, CaseVersion(3))
        XCTAssertEqual(saved.record.defector.birthPlace, "Великие Луки", "my change")
        XCTAssertEqual(saved.record.defector.service.unit, "1-я гв. танковая армия", "their change, not overwritten")
    }
}

extension CaseViewScreenTests {
    func testAnOpenCaseTakesInAnotherSessionsChange() throws {
        let store = try store()
        var app = makeApp(store: store)
        var theirs = try store.load(CaseID(number: 7))
        theirs.record.notes.append(Note(author: "oleh.m", at: Self.tick, text: "Звонил брат."))
        _ = try store.save(theirs.record, basedOn: theirs.version, by: Actor(user: "oleh.m", role: .supervisor), at: Self.tick)
        app.storeDidChange(store.summaries())
        XCTAssertTrue(app.lines[1].hasSuffix("· v2"), "reloaded without a restart: \(app.lines[1])")
        app.press([.character("9")])
        XCTAssertEqual(app.lines[4], " 2026-11-24 oleh.m: Звонил брат.")

        // While a note is being written, nothing is thrown away: it says so instead.
        app.press([.character("n")])
        app.type("Моя заметка")
        theirs = try store.load(CaseID(number: 7))
        theirs.record.defector.birthPlace = "Омск"
        _ = try store.save(theirs.record, basedOn: theirs.version, by: Actor(user: "oleh.m", role: .supervisor), at: Self.tick)
        app.storeDidChange(store.summaries())
        XCTAssertTrue(app.lines[1].hasSuffix("· v2"))
        XCTAssertEqual(app.lines[21], " New note: Моя заметка")
        XCTAssertEqual(app.lines[22], " HV-000007 was changed in another session; Ctrl-R reloads, your note is kept.")
    }
}
