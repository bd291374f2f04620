import HavenCore
@testable import HavenTUI
import XCTest

/// The stages and corrections issue 20 added to the screens: travel and arrival, and the rest
/// of a case's life, driven through the app at 80x24 with Cyrillic names.
final class CaseLifeScreensTests: XCTestCase {
    static let today = IntegrationScreensTests.today
    static let tick = IntegrationScreensTests.tick

    /// Case 1 (Жуков) approved for Germany, in Relocation, assigned to anna.k.
    func makeStore(stage: CaseStage = .relocation) throws -> InMemoryCaseStore { try Self.store(stage: stage) }

    /// Case 1, Жуков, at `stage`, allocated to Germany and approved.
    static func store(stage: CaseStage = .relocation) throws -> InMemoryCaseStore {
        let store = InMemoryCaseStore(users: IntegrationScreensTests.users, countries: IntegrationScreensTests.countries)
        var record = Case(id: CaseID(number: 1),
                          defector: Defector(cyrillicName: FullName(family: "Жуков", given: "Артём"), latinName: FullName(family: "Zhukov", given: "Artem"),
                                             birthDate: CalendarDate(year: 1998, month: 3, day: 14), birthPlace: "Псков",
                                             service: MilitaryService(unit: "4-я гв. танковая дивизия"),
                                             crossing: Crossing(date: Self.today.adding(days: -30), place: "Купянск"),
                                             languages: [LanguageSkill(language: LanguageCode("ru")!, level: .c2, isNative: true)]),
                          registeredBy: "anna.k", registeredAt: Self.tick)
        record.stage = stage
        record.stageHistory.append(StageChange(stage: stage, at: Self.tick, by: "pieter.v", transition: .approveAllocation))
        record.allocation = AllocationProposal(country: CountryCode("DE")!, proposedBy: "root", proposedAt: Self.tick,
                                               review: Review(verdict: .approved, by: "pieter.v", at: Self.tick))
        _ = try store.save(record, basedOn: nil, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        return store
    }

    func app(_ user: UserName, _ store: InMemoryCaseStore) -> HavenApp { IntegrationScreensTests.app(user, store) }

    func openCase(_ app: inout HavenApp) {
        app.press([.character("/")])
        app.type("1")
        app.press([.enter])
        XCTAssertEqual(app.topScreen.title, "HV-000001")
    }

    /// Types into the focused field, replacing what is there.
    func fill(_ app: inout HavenApp, _ text: String) {
        app.press([.control("u")])
        app.type(text)
        app.press([.tab])
    }

    func testTravelDepartureAndArrivalAreRecordedOnScreenAndTheArrivalMovesTheCaseOn() throws {
        let store = try makeStore()
        var app = app("anna.k", store)
        openCase(&app)
        XCTAssertTrue(app.lines.last!.contains("Travel"), app.lines.last!)
        app.press([.character("l")])
        XCTAssertEqual(app.topScreen.title, "Travel")
        let screen = app.lines.joined(separator: "\n")
        for label in ["Travel date", "Route, arrangements", "Left on", "Arrived on", "Place of reception", "Met by"] {
            XCTAssertTrue(screen.contains(label), label)
        }
        fill(&app, Self.today.description)
        fill(&app, "KBP–WAW–LEJ, сопровождение")
        app.press([.control("s")])
        XCTAssertEqual(app.topScreen.title, "HV-000001", app.lines.last!)
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.stage, .relocation)
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.relocation.travelNotes, "KBP–WAW–LEJ, сопровождение")
        // The stage menu's "Confirm arrival" opens the same form at the departure.
        app.press([.character("t")])
        XCTAssertTrue(app.lines.joined().contains("Confirm arrival"))
        app.press([.enter])
        XCTAssertEqual(app.topScreen.title, "Travel")
        fill(&app, Self.today.description)
        fill(&app, Self.today.description)
        app.press([.control("s")])
        XCTAssertTrue(app.lines.joined(separator: "\n").contains("Name the place of reception"), app.lines.joined(separator: "\n"))
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.stage, .relocation, "refused: nothing saved")
        fill(&app, "Erstaufnahme Leipzig")
        fill(&app, "Frau Schulz, Caritas")
        app.press([.control("s")])
        let saved = try store.load(CaseID(number: 1)).record
        XCTAssertEqual(saved.stage, .integration)
        XCTAssertTrue(app.status?.text.hasSuffix(": now in Integration.") == true, app.status?.text ?? "")
        XCTAssertEqual(saved.relocation.receptionPlace, "Erstaufnahme Leipzig")
        XCTAssertEqual(saved.relocation.metBy, "Frau Schulz, Caritas")
        XCTAssertEqual(saved.relocation.departureDate, Self.today)
        app.press([.character("5")])
        let allocation = app.lines.joined(separator: "\n")
        XCTAssertTrue(allocation.contains("Met by") && allocation.contains("Frau Schulz, Caritas"), allocation)
    }

    /// An arrival saved on the wrong case is taken back from the stage menu (t), saying why and
    /// where he is now; the case view then shows who undid it and why, and the travel form
    /// takes the arrival again.
    func testAnArrivalRecordedByMistakeIsUndoneOnScreenWithItsReason() throws {
        let store = try makeStore()
        var app = app("anna.k", store)
        openCase(&app)
        app.press([.character("l")])
        for value in [Self.today.description, "", Self.today.description, Self.today.description, "Erstaufnahme Leipzig", "Frau Schulz"] {
            fill(&app, value)
        }
        app.press([.control("s")])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.stage, .integration, app.lines.last!)
        app.press([.character("t")])
        try choose("Undo the arrival", &app)
        XCTAssertEqual(app.topScreen.title, "Undo arrival")
        XCTAssertTrue(app.lines.joined(separator: "\n").contains("Undo the arrival on \(Self.today) in DE"), app.lines.joined(separator: "\n"))
        // Nothing chosen, nothing typed: both named, nothing saved.
        app.press([.control("s")])
        let refused = app.lines.joined(separator: "\n")
        XCTAssertTrue(refused.contains("Choose where he is now") && refused.contains("Say why the arrival is undone"), refused)
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.stage, .integration)
        app.press([.right, .right, .right, .right, .tab])
        app.type("Записано не в то дело: он ещё в Варшаве")
        app.press([.control("s")])
        let saved = try store.load(CaseID(number: 1)).record
        XCTAssertEqual(saved.stage, .relocation, app.lines.joined(separator: "\n"))
        XCTAssertNil(saved.relocation.arrivalDate)
        XCTAssertEqual(saved.defector.custody, .inThirdCountry)
        XCTAssertEqual(saved.stageHistory.last?.reason, "Записано не в то дело: он ещё в Варшаве")
        XCTAssertEqual(app.topScreen.title, "HV-000001")
        app.press([.character("5")])
        let allocation = app.lines.joined(separator: "\n")
        XCTAssertTrue(allocation.contains("Arrival undone") && allocation.contains("Записано не в то дело"), allocation)
    }

    /// From the walk: in Relocation the help listed p as "Propose a decision", and G did nothing.
    func testTheCaseViewHelpSpeaksOfTheAllocationInRelocationAndGReachesTheEnd() throws {
        let store = try makeStore()
        var app = app("anna.k", store)
        openCase(&app)
        let view = try XCTUnwrap(app.topScreen as? CaseViewScreen)
        let help = view.keyTable.helpSection(title: "Case").entries.map(\.text)
        XCTAssertFalse(help.contains { $0.contains("Propose a decision") }, "\(help)")
        XCTAssertTrue(help.contains { $0.hasPrefix("Propose a host country") && $0.contains("is approved; a supervisor may reopen it (t)") }, "\(help)")
        app.press([.character("p")])
        XCTAssertEqual(app.status?.text, "HV-000001's allocation is approved; a supervisor may reopen it (t).")
        // A section longer than the screen: G shows its end, g its top.
        let loaded = try store.load(CaseID(number: 1))
        var noted = loaded.record
        noted.notes = (0..<30).map { Note(author: "anna.k", at: Self.tick, text: "Заметка \($0)") }
        _ = try store.save(noted, basedOn: loaded.version, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        // The sections cut off at 80 columns are marked at either end.
        XCTAssertTrue(app.lines[2].hasSuffix("›") && !app.lines[2].contains("‹"), app.lines[2])
        app.press([.character("r")])
        app.press([.character(CaseSection.notes.key)])
        XCTAssertTrue(app.lines[2].hasPrefix(" ‹ ") && app.lines[2].contains("Notes"), app.lines[2])
        app.press([.character("G")])
        let end = try XCTUnwrap(app.topScreen as? CaseViewScreen)
        XCTAssertGreaterThan(end.scroll, 0)
        let last = try XCTUnwrap(end.lines.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
        XCTAssertTrue(app.lines.contains { $0.contains(last.trimmingCharacters(in: .whitespaces)) }, "\(last)\n" + app.lines.joined(separator: "\n"))
        app.press([.character("g")])
        XCTAssertEqual((app.topScreen as? CaseViewScreen)?.scroll, 0)
    }

    /// From the review: a corrected Cyrillic name re-spells the Latin one as it was loaded;
    /// at a Ctrl-S in that very field the new spelling is shown first, not saved unseen.
    func testACorrectedNameShowsItsNewLatinSpellingBeforeSaving() throws {
        let store = try makeStore()
        var app = app("anna.k", store)
        openCase(&app)
        app.press([.character("e")])
        let edit = try XCTUnwrap(app.topScreen as? IntakeScreen, app.lines.joined(separator: "\n"))
        XCTAssertEqual(edit.form.focusedField.id, "cyrillicName.family")
        app.press([.end])
        app.type("а")
        app.press([.control("s")])
        XCTAssertEqual(app.status?.text, "Family name (Latin) now Zhukova (follows the Cyrillic); Ctrl-S saves.")
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.defector.latinName.family, "Zhukov", "not saved yet")
        app.press([.control("s")])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.defector.latinName.family, "Zhukova", app.status?.text ?? "")
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.defector.cyrillicName.family, "Жукова")
    }

    /// From a walk: Esc on "Go to which field?" asked to throw the typed form away.
    func testEscOnTheGoToQuestionPutsOnlyTheQuestionAway() throws {
        let store = try makeStore()
        var app = app("anna.k", store)
        openCase(&app)
        app.press([.character("l")])
        app.type("2026")
        app.type("в")
        XCTAssertEqual(app.status?.text, "Travel date is a date, YYYY-MM-DD: \"в\" is not taken.")
        app.press([.control("g")])
        XCTAssertEqual(app.status?.text, "Go to which field? Its label's first letter, or a section's number.")
        app.press([.escape])
        XCTAssertEqual(app.status?.text, "Stayed on this field.")
        XCTAssertEqual(app.topScreen.title, "Travel")
        XCTAssertEqual((app.topScreen as? FormScreen)?.form.value("travelDate"), "2026")
        app.press([.escape])
        XCTAssertEqual(app.status?.text, "Throw away this form? y discards, n keeps it.", "a second Esc asks about the form")
    }

    func testQuittingWithSomethingTypedAsksAndNamesIt() throws {
        let store = try makeStore()
        var app = app("anna.k", store)
        openCase(&app)
        app.press([.character("l")])
        app.type("2026")
        XCTAssertEqual(app.handle(.control("c"), terminalSize: HavenApp.testSize), .redraw)
        XCTAssertEqual(app.status?.text, "Quit Haven? y quits, any other key stays. Unsaved Travel is kept.")
        XCTAssertEqual(app.handle(.character("n"), terminalSize: HavenApp.testSize), .redraw)
        XCTAssertEqual(app.topScreen.title, "Travel")
        XCTAssertEqual((app.topScreen as? FormScreen)?.form.value("travelDate"), "2026", "the form is as it was")
        XCTAssertEqual(app.handle(.control("c"), terminalSize: HavenApp.testSize), .redraw)
        XCTAssertEqual(app.handle(.control("c"), terminalSize: HavenApp.testSize), .quit, "a second Ctrl-C quits")
    }

    func choose(_ title: String, _ app: inout HavenApp) throws {
        let picker = try XCTUnwrap(app.topScreen as? PickScreen, app.lines.joined(separator: "\n"))
        let index = try XCTUnwrap(picker.items.firstIndex { $0.title == title }, "\(picker.items.map(\.title))")
        app.press(Array(repeating: .down, count: index) + [.enter])
    }

    /// A wage typed with a decimal comma is taken as meant, and the job is corrected later
    /// through the integration menu; both show in the history in words.
    func testAJobIsRecordedWithAEuropeanWageAndCorrectedFromTheMenu() throws {
        let store = try makeStore(stage: .integration)
        var app = app("anna.k", store)
        openCase(&app)
        app.press([.character("i")])
        try choose("Record a job", &app)
        app.press([.tab])
        fill(&app, "Spedition Müller")
        fill(&app, "8332")
        app.press([.tab])
        fill(&app, "2450,50")
        app.press([.control("s")])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.integration.placements.first?.monthlyWage,
                       Money(minorUnits: 245_050, currency: "EUR"), app.lines.joined(separator: "\n"))
        app.press([.character("i")])
        XCTAssertEqual((app.topScreen as? PickScreen)?.items.first { $0.title == "Record a job" }?.unavailable,
                       "a job is open: record its end first", "one job at a time")
        try choose("Correct a job", &app)
        try choose("Spedition Müller", &app)
        XCTAssertEqual(app.topScreen.title, "Job")
        let form = app.lines.joined(separator: "\n")
        XCTAssertTrue(form.contains("Spedition Müller") && form.contains("2450.50 EUR"), "the form opens with what was recorded:\n\(form)")
        app.press([.tab, .tab, .tab])
        fill(&app, "2.650,00")
        app.press([.control("s")])
        let job = try store.load(CaseID(number: 1)).record.integration.placements[0]
        XCTAssertEqual(job.monthlyWage, Money(minorUnits: 265_000, currency: "EUR"))
        XCTAssertEqual(job.employer, "Spedition Müller")
        app.press([.character("0")])
        let history = app.lines.joined(separator: "\n")
        XCTAssertTrue(history.contains("2450.50 EUR → 2650.00 EUR"), history)
        XCTAssertFalse(history.contains("placements[0]"), "the history in words, not paths")
    }

    /// A job held at its 12-month follow-up stayed open with nothing left to record, and no
    /// new job could be (a walk): the menu records its end with why, the case view reads it
    /// back, a new job can then be recorded, and the end is corrected from the menu.
    func testAJobHeldPastItsFollowUpsIsEndedFromTheMenuAndCorrected() throws {
        let store = try makeStore(stage: .integration)
        var seeded = try store.load(CaseID(number: 1))
        let start = Self.today.adding(months: -14)
        seeded.record.integration.placements = [JobPlacement(employer: "Spedition Müller", startDate: start, contract: .permanent,
                                                             followUps: FollowUp.schedule.map {
            FollowUp(monthsAfterStart: $0, doneOn: start.adding(months: $0), stillEmployed: true)
        })]
        _ = try store.save(seeded.record, basedOn: seeded.version, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        var app = app("anna.k", store)
        openCase(&app)
        app.press([.character("i")])
        let menu = try XCTUnwrap(app.topScreen as? PickScreen)
        XCTAssertEqual(menu.items.first { $0.title == "Record a job" }?.unavailable, "a job is open: record its end first")
        XCTAssertNil(try XCTUnwrap(menu.items.first { $0.title == "Record the job's end" }).unavailable, "the step that frees it is open")
        try choose("Record the job's end", &app)
        XCTAssertEqual(app.topScreen.title, "Job ended")
        app.press([.control("s")])
        XCTAssertTrue(app.lines.joined(separator: "\n").contains("Say why the job ended."), "a reason is asked for:\n\(app.lines.joined(separator: "\n"))")
        XCTAssertNotNil(try store.load(CaseID(number: 1)).record.integration.openPlacement, "nothing saved without it")
        app.press([.tab])
        app.type("Уволился: переезд в Гамбург")
        app.press([.control("s")])
        let job = try store.load(CaseID(number: 1)).record.integration.placements[0]
        XCTAssertEqual(job.endDate, Self.today)
        XCTAssertEqual(job.endNotes, "Уволился: переезд в Гамбург")
        XCTAssertTrue(app.lines.contains { $0.contains("ended") && $0.contains("Уволился") }, "the case view reads it back:\n\(app.lines.joined(separator: "\n"))")

        app.press([.character("i")])
        XCTAssertNil(try XCTUnwrap((app.topScreen as? PickScreen)?.items.first { $0.title == "Record a job" }).unavailable, "a new job can be recorded now")
        XCTAssertEqual((app.topScreen as? PickScreen)?.items.first { $0.title == "Record the job's end" }?.unavailable, "no job open")
        try choose("Correct a job's end", &app)
        try choose("Spedition Müller", &app)
        XCTAssertEqual(app.topScreen.title, "Job's end")
        XCTAssertTrue(app.lines.contains { $0.contains("Уволился") }, "the form opens with what was recorded")
        app.press([.tab])
        fill(&app, "Переехал в Гамбург к семье")
        app.press([.control("s")])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.integration.placements[0].endNotes, "Переехал в Гамбург к семье")
        // Ended by mistake: the date emptied holds the job again, its reason gone.
        app.press([.character("i")])
        try choose("Correct a job's end", &app)
        try choose("Spedition Müller", &app)
        app.press([.control("u"), .control("s")])
        let reopened = try store.load(CaseID(number: 1)).record.integration.placements[0]
        XCTAssertNil(reopened.endDate)
        XCTAssertNil(reopened.endNotes)
    }

    /// z takes back the session's last change of the case, and again puts it back; once
    /// someone else has saved the case since, it is refused and says who.
    func testUndoTakesBackMyLastChangeUnlessSomeoneChangedTheCaseSince() throws {
        let store = try makeStore(stage: .integration)
        var app = app("anna.k", store)
        openCase(&app)
        app.press([.character("z")])
        XCTAssertEqual(app.status?.text, "Nothing of yours to undo on HV-000001 in this session.")
        app.press([.character("n")])
        app.type("Позвонил в центр.")
        app.press([.enter])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.notes.map(\.text), ["Позвонил в центр."])
        app.press([.character("z")])
        XCTAssertEqual(app.status?.text, "Undone: HV-000001 is as it was before your last change (z again redoes it).")
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.notes, [])
        XCTAssertEqual(try store.load(CaseID(number: 1)).version.rawValue, 3, "the undo is a new version: the trail keeps both")
        app.press([.character("z")])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.notes.map(\.text), ["Позвонил в центр."], "z again redoes")
        XCTAssertEqual(app.status?.text, "Redone: HV-000001 has your change again (z again undoes it).", "and says so (a walk: it said Undone)")
        app.press([.character("z")])
        XCTAssertEqual(app.status?.text, "Undone: HV-000001 is as it was before your last change (z again redoes it).")
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.notes, [])
        app.press([.character("z")])

        // Someone else saves the case: an undo now would overwrite them, so it is refused.
        var other = try store.load(CaseID(number: 1))
        other.record.integration.assessments.append(LanguageAssessment(language: LanguageCode("de")!, level: .a2, assessedOn: Self.today))
        _ = try store.save(other.record, basedOn: other.version, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick) // her other session
        app.press([.character("z")])
        XCTAssertEqual(app.status?.text, "Not undone: anna.k changed it \(Self.tick.minuteText) UTC, after your change. Look again and correct it instead.")
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.integration.assessments.count, 1, "nothing of theirs lost")
    }

    /// q after opening a case from the finder or a searched list never types into a search.
    func testQAfterOpeningACaseFromASearchGoesBackWithoutTyping() throws {
        let store = try makeStore()
        var app = app("anna.k", store)
        openCase(&app)
        app.press([.character("q")])
        XCTAssertEqual(app.topScreen.title, "Home")
        XCTAssertFalse(app.topScreen.capturesText, "the finder closed behind the case")
        app.press([.character("q")])
        XCTAssertTrue(app.confirmingQuit, "the second q asks to quit; it is not text")
        app.press([.character("n")])
        // The case list's search stays applied, but q backs out of the list.
        let areas = (app.topScreen as! HomeScreen).areas
        app.press([.character(Character(String(areas.firstIndex(of: .queues)! + 1))), .character("/")])
        app.type("Жук")
        app.press([.enter])
        XCTAssertEqual(app.topScreen.title, "HV-000001")
        app.press([.character("q")])
        XCTAssertEqual((app.topScreen as? QueueScreen)?.search?.text, "Жук", "the search is still applied")
        app.press([.character("q")])
        XCTAssertEqual(app.topScreen.title, "Home", "q left the list: it was not typed")
    }

    /// An edit of a case left unsaved (a dropped connection) comes back as that edit, over
    /// the case, never as a new registration; and opening the case's edit form finds it too.
    func testAnUnsavedEditComesBackAsThatEditNotARegistration() throws {
        let store = try makeStore()
        var first = app("anna.k", store)
        openCase(&first)
        first.press([.character("e")])
        XCTAssertEqual(first.topScreen.title, "Edit HV-000001")
        first.press([.control("g"), .character("4"), .tab, .tab, .tab])
        first.type("Астма")
        XCTAssertTrue(first.topScreen.hasUnsavedWork, first.lines.joined(separator: "\n"))
        first.endSession()
        let kept = try XCTUnwrap(store.drafts(for: "anna.k").first)
        XCTAssertEqual(kept.editing, CaseID(number: 1))
        XCTAssertEqual(kept.target, "HV-000001.person")
        XCTAssertEqual(kept.values["healthNeeds"], "Астма")

        // The next session lists it; Enter reopens the edit over the case.
        var second = app("anna.k", store)
        XCTAssertEqual(second.topScreen.title, "Kept forms")
        second.press([.enter])
        XCTAssertEqual(second.topScreen.title, "Edit HV-000001", "the edit, not Register a defector")
        XCTAssertEqual((second.topScreen as? IntakeScreen)?.form.value("healthNeeds"), "Астма")
        XCTAssertTrue(second.status?.text.hasPrefix("Your unsaved edit of HV-000001") == true, second.status?.text ?? "")
        second.press([.control("s")])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.defector.healthNeeds, "Астма")
        XCTAssertEqual(second.topScreen.title, "HV-000001")
        second.endSession()

        // Or, in a fourth session, straight to the case and e: the kept edit is there too.
        var third = app("anna.k", store)
        openCase(&third)
        third.press([.character("e"), .control("g"), .character("4"), .tab, .tab, .tab, .control("u")])
        third.type("Нет")
        third.endSession()
        var fourth = app("anna.k", store)
        fourth.press([.escape])
        XCTAssertEqual(fourth.topScreen.title, "Home", "Esc leaves the list, the draft kept")
        openCase(&fourth)
        fourth.press([.character("e")])
        XCTAssertEqual((fourth.topScreen as? IntakeScreen)?.form.value("healthNeeds"), "Нет")
    }

    /// Typing a date over a filled-in date starts a new one; a note with text asks before Esc
    /// throws it away; a letter finds a country by its name's word as well as its code.
    func testSmallThingsThatLostWork() throws {
        var date = FormField("d", "Date", .date, value: "2026-12-05")
        for key in "2026-11-02" { _ = date.handle(.character(key)) }
        XCTAssertEqual(date.value, "2026-11-02")
        var country = FormField("c", "Country", .choice([FormOption("", "None"), FormOption("US", "US United States"),
                                                        FormOption("GB", "GB United Kingdom"), FormOption("DE", "DE Germany")]))
        _ = country.handle(.character("u"))
        XCTAssertEqual(country.value, "US")
        _ = country.handle(.character("u"))
        XCTAssertEqual(country.value, "GB", "u reaches the United Kingdom too")
        _ = country.handle(.character("g"))
        XCTAssertEqual(country.value, "DE", "g finds Germany by its name after GB")

        let store = try makeStore()
        var app = app("anna.k", store)
        openCase(&app)
        app.press([.character("n")])
        app.type("Важный звонок")
        app.press([.escape])
        XCTAssertEqual(app.status?.text, "Throw away this note? y discards, n goes on writing.")
        app.press([.character("n")])
        XCTAssertEqual((app.topScreen as? CaseViewScreen)?.note?.text, "Важный звонок", "kept")
        app.press([.escape, .character("y")])
        XCTAssertNil((app.topScreen as? CaseViewScreen)?.note)
    }

    /// A story longer than the screen is approved only once it has been read to the end.
    func testAStoryIsApprovedOnlyOnceReadToTheEnd() throws {
        let store = try makeStore(stage: .integration)
        var stored = try store.load(CaseID(number: 1))
        let story = Array(repeating: "Я не мог стрелять в людей, которые мне ничего не сделали.", count: 12).joined(separator: " ")
        let record = try Workflow.recordConsent(on: Self.today, scope: "His crossing", neverTell: "Family", elements: [.story], story: story,
                                                in: stored.record, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        _ = try store.save(record, basedOn: stored.version, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        stored = try store.load(CaseID(number: 1))
        let small = Size(width: 60, height: 16)
        // The supervisor must be one of the store's users: a reading checks the role it gives him.
        _ = try store.changeUsers(.add("pieter.v", .supervisor), by: Actor(user: "root", role: .administrator), at: Self.tick)
        let context = SessionContext(user: "pieter.v", today: Self.today, storeDescription: "Store", role: .supervisor,
                                     clock: { Self.tick }, reference: IntegrationScreensTests.reference)
        var app = HavenApp(root: StoryReviewScreen(id: CaseID(number: 1), context: context), context: context, store: store)
        _ = app.perform([.reload(CaseID(number: 1))])
        _ = app.handle(.character("a"), terminalSize: small)
        XCTAssertEqual(app.status?.text, "Read the story to the end first (Space pages down).")
        for _ in 0..<10 { _ = app.handle(.character(" "), terminalSize: small) }
        _ = app.handle(.character("a"), terminalSize: small)
        XCTAssertEqual(app.status?.text, "Approve the story of HV-000001 as shown? y approves, n does not.")
    }

    /// Two people change the same field: the reload after the conflict shows both values and
    /// asks which to keep; left undecided, this one's stays, marked with what the other saved.
    func testAFieldBothChangedShowsTheOthersValueAfterTheReload() throws {
        let store = try makeStore()
        var app = app("anna.k", store)
        openCase(&app)
        app.press([.character("e"), .control("g"), .character("4"), .tab, .tab, .tab])
        app.type("Астма")
        var other = try store.load(CaseID(number: 1))
        other.record.defector.healthNeeds = "Диабет"
        _ = try store.save(other.record, basedOn: other.version, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        // The save meets the other change, reloads and merges at once, and asks about the clash.
        app.press([.control("s")])
        var screen = app.lines.joined(separator: "\n")
        XCTAssertEqual(app.topScreen.title, "Conflict", screen)
        XCTAssertTrue(screen.contains("theirs   Диабет") && screen.contains("yours    Астма"), screen)
        app.press([.escape])
        screen = app.lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("anna.k saved \"Диабет\" here."), screen)
        XCTAssertEqual((app.topScreen as? IntakeScreen)?.form.value("healthNeeds"), "Астма")
        XCTAssertEqual(app.status?.kind, .warning)
    }

    /// Two items handed over are recorded and corrected on the intake form; a third recorded
    /// earlier (by import) is kept as it was.
    func testTwoItemsOfEquipmentOnTheFormAndAThirdKept() throws {
        let reference = IntegrationScreensTests.reference
        var base = try makeStore().load(CaseID(number: 1)).record.defector
        base.equipment = [EquipmentHandover(kind: .tank, identifier: "T-72B3 №214"), EquipmentHandover(kind: .other, identifier: "рация"),
                          EquipmentHandover(kind: .other, identifier: "бинокль")]
        var form = IntakeForm.make(reference: reference)
        form.restore(IntakeForm.values(of: base), focus: "equipment[1].identifier")
        XCTAssertEqual(form.value("equipment[1].identifier"), "рация")
        var values = form.values
        values["equipment[1].identifier"] = "рация Р-168"
        values["equipment[1].reward"] = "2.000 USD"
        form.restore(values, focus: "equipment[1].reward")
        let (defector, problems) = IntakeForm.defector(from: form, today: Self.today, base: base)
        XCTAssertEqual(problems, [])
        XCTAssertEqual(defector.equipment.map(\.identifier), ["T-72B3 №214", "рация Р-168", "бинокль"])
        XCTAssertEqual(defector.equipment[1].reward, Money(minorUnits: 200_000, currency: "USD"))
    }
}

extension CaseLifeScreensTests {
    /// The walk's finding: Ctrl-S on the Close form at once closed a granted case as "Claim
    /// refused" (the first reason, chosen for the person), with no details, and nothing on
    /// the case said why it was closed.
    func testClosingACaseAsksForTheReasonAndDetailsAndTheHeadingSaysWhy() throws {
        let store = try makeStore(stage: .integration)
        _ = try store.changeUsers(.add("maria.s", .supervisor), by: Actor(user: "root", role: .administrator), at: Self.tick)
        let context = SessionContext(user: "maria.s", today: Self.today, storeDescription: "Store", role: .supervisor,
                                     clock: { Self.tick }, reference: IntegrationScreensTests.reference)
        var app = HavenApp(root: HomeScreen(cases: store.summaries(), context: context), context: context, store: store)
        openCase(&app)
        app.press([.character("t")])
        XCTAssertEqual(app.topScreen.title, "Move")
        let close = try XCTUnwrap((app.topScreen as? PickScreen)?.items.firstIndex { $0.title == TransitionName.close.title })
        for _ in 0..<close { app.press([.down]) }
        app.press([.enter])
        XCTAssertEqual(app.topScreen.title, "Close")
        XCTAssertTrue(app.lines.contains { $0.contains("— choose why —") }, app.lines.joined(separator: "\n"))
        app.press([.control("s")])
        XCTAssertEqual(app.topScreen.title, "Close", "nothing saved")
        let text = app.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Choose why the case is closed."), text)
        XCTAssertTrue(text.contains("Say what happened: the record keeps it."), text)
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.stage, .integration)
        // A letter on a choice picks the next option starting with it, and says so.
        app.type("i")
        XCTAssertEqual(app.lines[22], " Reason is now Integration complete (letters pick options here).")
        // Space and punctuation typed into the pick list are text meant for a field: not taken,
        // and said (a space moved it on, unseen, in two walks).
        app.type(" ")
        XCTAssertEqual(app.lines[22], " Reason is a choice (Left/Right or its first letters): Space is not taken.")
        app.type(";")
        XCTAssertEqual(app.lines[22], " Reason is a choice (Left/Right or its first letters): \";\" is not taken.")
        XCTAssertTrue(app.lines.contains { $0.contains("Integration complete") }, "unchanged")
        app.press([.tab])
        app.type("Работает в Лейпциге, семья воссоединилась.")
        app.press([.control("s")])
        let closed = try store.load(CaseID(number: 1)).record
        XCTAssertEqual(closed.stage, .closed, app.lines.joined(separator: "\n"))
        XCTAssertEqual(closed.closure, Closure(reason: .integrated, details: "Работает в Лейпциге, семья воссоединилась."))
        XCTAssertEqual(app.topScreen.title, "HV-000001", app.lines.joined(separator: "\n"))
        XCTAssertTrue(app.lines[1].contains("· Closed: Integration complete ·"), app.lines[1])
    }
}
