import HavenCore
@testable import HavenTUI
import XCTest

/// The stages and corrections issue 20 added to the screens: travel and arrival, and the rest
/// of a case's life, driven through the app at 80x24 with Cyrillic names.
final class CaseLifeScreensTests: XCTestCase {
    static let today = IntegrationScreensTests.today
    static let tick = IntegrationScreensTests.tick

    /// Case 1 (Жуков) approved for Germany, in Relocation, assigned to anna.k.
    func makeStore(stage: CaseStage = .relocation) throws -> InMemoryCaseStore {
        let store = InMemoryCaseStore(users: IntegrationScreensTests.users, countries: IntegrationScreensTests.countries)
        var record = Case(id: CaseID(number: 1),
                          defector: Defector(cyrillicName: FullName(family: "Жуков", given: "Артём"), latinName: FullName(family: "Zhukov", given: "Artem")),
                          registeredBy: "anna.k", registeredAt: Self.tick)
        record.stage = stage
        record.stageHistory.append(StageChange(stage: stage, at: Self.tick, by: "pieter.v", transition: .approveAllocation))
        record.allocation = AllocationProposal(country: CountryCode("DE")!, proposedBy: "root", proposedAt: Self.tick,
                                               review: Review(verdict: .approved, by: "pieter.v", at: Self.tick))
        _ = try store.save(record, basedOn: nil, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        return store
    }

    func app(_ user: UserName, _ store: InMemoryCaseStore) -> HavenApp {
        let users = IntegrationScreensTests.users
        let context = SessionContext(user: user, today: Self.today, storeDescription: "Store", role: users.account(user)!.role,
                                     clock: { Self.tick }, reference: IntegrationScreensTests.reference)
        return HavenApp(root: HomeScreen(cases: store.summaries(), context: context), context: context, store: store)
    }

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
        XCTAssertEqual(saved.relocation.receptionPlace, "Erstaufnahme Leipzig")
        XCTAssertEqual(saved.relocation.metBy, "Frau Schulz, Caritas")
        XCTAssertEqual(saved.relocation.departureDate, Self.today)
        app.press([.character("5")])
        let allocation = app.lines.joined(separator: "\n")
        XCTAssertTrue(allocation.contains("Met by") && allocation.contains("Frau Schulz, Caritas"), allocation)
    }

    func testQuittingWithSomethingTypedAsksAndNamesIt() throws {
        let store = try makeStore()
        var app = app("anna.k", store)
        openCase(&app)
        app.press([.character("l")])
        app.type("2026")
        XCTAssertEqual(app.handle(.control("c"), terminalSize: HavenApp.testSize), .redraw)
        XCTAssertEqual(app.status?.text, "Quit Haven? y quits, any other key stays. Unsaved: Travel will be lost.")
        XCTAssertEqual(app.handle(.character("n"), terminalSize: HavenApp.testSize), .redraw)
        XCTAssertEqual(app.topScreen.title, "Travel")
        XCTAssertEqual((app.topScreen as? FormScreen)?.form.value("travelDate"), "2026", "the form is as it was")
        XCTAssertEqual(app.handle(.control("c"), terminalSize: HavenApp.testSize), .redraw)
        XCTAssertEqual(app.handle(.control("c"), terminalSize: HavenApp.testSize), .quit, "a second Ctrl-C quits")
    }
}
