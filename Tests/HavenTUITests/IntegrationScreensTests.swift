import HavenCore
@testable import HavenTUI
import XCTest

/// Courses, Jobs and the case view's integration menu, driven through the app on an
/// in-memory store with Cyrillic names at 80x24.
final class IntegrationScreensTests: XCTestCase {
    static let today = CalendarDate(year: 2026, month: 11, day: 24)!
    static let tick = Timestamp(date: today, hour: 9, minute: 30)
    static let users = UserDirectory(users: [("root", Role.administrator), ("anna.k", .caseworker)].map {
        UserAccount(name: UserName($0.0)!, role: $0.1, addedBy: "root", addedAt: tick)
    })
    static let countries = [HostCountry(code: CountryCode("DE")!, name: "Germany", languages: [LanguageCode("de")!])]
    static let reference = ReferenceData(countries: countries, occupations: OccupationCatalogue(
        unitGroups: [OccupationGroup(code: ISCOCode("8332")!, title: "Heavy truck and lorry drivers")], specialties: []))
    static let course = LanguageCourse(id: "de-leipzig-a2", provider: "VHS Leipzig", language: LanguageCode("de")!, targetLevel: .a2,
                                       country: CountryCode("DE")!, city: "Leipzig", schedule: "Mon-Fri 9-13", capacity: 1)
    static let opening = JobOpening(id: "de-8332-1", employer: "Spedition Müller", country: CountryCode("DE")!, city: "Leipzig",
                                    occupation: ISCOCode("8332")!, languages: [LanguageRequirement(language: LanguageCode("de")!, minimum: .a2)],
                                    startDate: today, places: 2)

    /// Two arrived cases in Germany: Жуков (a lorry driver with German B1) and Орлов.
    func makeStore() throws -> InMemoryCaseStore {
        let store = InMemoryCaseStore(users: Self.users, countries: Self.countries)
        let admin = Actor(user: "root", role: .administrator)
        _ = try store.changeCatalogue(CatalogueChange.add([Self.course]), by: admin, at: Self.tick)
        _ = try store.changeCatalogue(CatalogueChange.add([Self.opening]), by: admin, at: Self.tick)
        for (number, family, skills, german) in [(1, "Жуков", [Skill(occupation: ISCOCode("8332"), description: "Лорри")], CEFRLevel.b1),
                                                 (2, "Орлов", [], .a1)] {
            var record = Case(id: CaseID(number: number),
                              defector: Defector(cyrillicName: FullName(family: family, given: "Артём"), latinName: FullName(family: "X", given: "Artem"),
                                                 languages: [LanguageSkill(language: LanguageCode("de")!, level: german)], skills: skills),
                              registeredBy: "anna.k", registeredAt: Self.tick)
            record.stage = .integration
            record.allocation = AllocationProposal(country: CountryCode("DE")!, proposedBy: "root", proposedAt: Self.tick,
                                                   review: Review(verdict: .approved, by: "pieter.v", at: Self.tick))
            record.relocation.arrivalDate = Self.today
            _ = try store.save(record, basedOn: nil, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        }
        return store
    }

    func app(_ user: UserName, _ store: InMemoryCaseStore) -> HavenApp { Self.app(user, store) }

    /// A session of `user` (one of `users`) on the home screen of `store`, at the tests' day and time.
    static func app(_ user: UserName, _ store: InMemoryCaseStore) -> HavenApp {
        let context = SessionContext(user: user, today: today, storeDescription: "Store", role: users.account(user)!.role,
                                     clock: { tick }, reference: reference)
        return HavenApp(root: HomeScreen(cases: store.summaries(), context: context), context: context, store: store)
    }

    func open(_ area: HomeArea, _ app: inout HavenApp) {
        let areas = (app.topScreen as! HomeScreen).areas
        app.press([.character(Character(String(areas.firstIndex(of: area)! + 1)))])
    }

    /// Opens case `number` from the home finder, then its integration menu.
    func openMenu(_ number: Int, _ app: inout HavenApp) {
        app.press([.character("/")])
        app.type(String(number))
        app.press([.enter, .character("i")])
        XCTAssertEqual(app.topScreen.title, "Integration")
    }

    func choose(_ title: String, _ app: inout HavenApp) throws {
        let picker = try XCTUnwrap(app.topScreen as? PickScreen)
        let index = try XCTUnwrap(picker.items.firstIndex { $0.title == title }, "\(picker.items.map(\.title))")
        app.press(Array(repeating: .down, count: index) + [.enter])
    }

    /// Home and End reach either end of a menu (from a walk: End did nothing, and End, Enter
    /// chose the first item).
    func testHomeAndEndReachEitherEndOfAMenu() throws {
        let store = try makeStore()
        var app = Self.app("anna.k", store)
        openMenu(1, &app)
        let count = try XCTUnwrap(app.topScreen as? PickScreen).items.count
        XCTAssertGreaterThan(count, 2)
        app.press([.end])
        XCTAssertEqual((app.topScreen as? PickScreen)?.selected, count - 1)
        app.press([.home])
        XCTAssertEqual((app.topScreen as? PickScreen)?.selected, 0)
    }

    /// A course added by an administrator in another session shows on an open Courses screen at
    /// the next look, as others' enrolments do; a user added elsewhere, on the Workload screen.
    func testTheCoursesAndWorkloadScreensFollowOtherSessions() throws {
        let store = try makeStore()
        var courses = CoursesScreen(context: Self.app("root", store).context)
        _ = courses.receive(reply: .catalogue(IntegrationCatalogue(courses: try store.catalogue(of: LanguageCourse.self),
                                                                   openings: [], summaries: store.summaries())))
        XCTAssertEqual(courses.courses.map(\.id), ["de-leipzig-a2"])
        let second = LanguageCourse(id: "de-berlin-b1", provider: "VHS Berlin", language: LanguageCode("de")!, targetLevel: .b1,
                                    country: CountryCode("DE")!, city: "Berlin", schedule: "Mon-Thu 17-20", capacity: 12)
        _ = try store.changeCatalogue(CatalogueChange.add([second]), by: Actor(user: "root", role: .administrator), at: Self.tick)
        XCTAssertEqual(courses.storeDidChange(store.summaries()).count, 1, "it asks for the catalogue again")
        var app = Self.app("root", store)
        _ = app.perform([.push(CoursesScreen(context: app.context))])
        app.storeDidChange(store.summaries())
        XCTAssertEqual((app.topScreen as? CoursesScreen)?.courses.map(\.id).sorted(), ["de-berlin-b1", "de-leipzig-a2"])

        var workload = WorkloadScreen(cases: store.summaries(), context: Self.app("root", store).context)
        XCTAssertEqual(workload.storeDidChange(store.summaries()).count, 1, "it asks for the users again")
    }

    func testEnrolmentFillsTheCourseThenTheWaitingListAndTheCoursesScreenAdmitsInOrder() throws {
        let store = try makeStore()
        var anna = app("anna.k", store)
        for number in [1, 2] {
            openMenu(number, &anna)
            try choose("Enrol in a course", &anna)
            XCTAssertTrue(anna.lines.contains { $0.contains("de-leipzig-a2") && $0.contains(number == 1 ? "1 of 1 seats free" : "full, 0 waiting") },
                          anna.lines.joined(separator: "\n"))
            anna.press([.enter])
            XCTAssertTrue(anna.lines[22].contains("Saved HV-00000\(number) as v2"), anna.lines[22])
            XCTAssertTrue(anna.lines.contains { $0.contains("de-leipzig-a2: " + (number == 1 ? "enrolled 2026-11-24" : "waiting since 2026-11-24")) },
                          anna.lines.joined(separator: "\n"))
            anna.press([.escape, .escape])
        }
        // The Courses screen: 1/1 taken, Орлов first in line; no seat to give yet.
        anna.press([.escape])
        open(.courses, &anna)
        XCTAssertTrue(anna.lines.contains { $0.hasPrefix(">de-leipzig-a2     de A2   Leipzig         1/1    1") }, anna.lines.joined(separator: "\n"))
        XCTAssertTrue(anna.lines.contains { $0.contains("HV-000001 Жуков Артём") && $0.contains("1. HV-000002 Орлов Артём 2026-11-24") },
                      anna.lines.joined(separator: "\n"))
        XCTAssertFalse(anna.lines[23].contains("Add"), "caseworkers do not manage courses")
        anna.press([.character("a")])
        XCTAssertEqual(anna.lines[22].trimmingCharacters(in: .whitespaces), "de-leipzig-a2 has no free seat; 1 waiting.")

        // The administrator gives the course a second seat; then the first in line is admitted.
        var root = app("root", store)
        open(.courses, &root)
        root.press([.character("e")])
        XCTAssertEqual(root.topScreen.title, "Course")
        let form = try XCTUnwrap(root.topScreen as? FormScreen)
        XCTAssertEqual(form.form.value("capacity"), "1")
        root.press(Array(repeating: .down, count: 6) + [.control("u")])  // seats: the id is fixed once made
        root.type("0")
        root.press([.control("s")])
        XCTAssertTrue(root.lines.contains { $0.contains("! Give 1 to 500 seats.") || $0.contains("Give 1 to 500 seats") }, root.lines.joined(separator: "\n"))
        root.press([.control("u")])
        root.type("2")
        root.press([.control("s")])
        XCTAssertEqual(root.topScreen.title, "Courses")
        XCTAssertTrue(root.lines[22].contains("Saved: change course de-leipzig-a2."), root.lines[22])
        XCTAssertEqual(store.catalogue(of: LanguageCourse.self).first?.capacity, 2)

        anna.press([.escape])
        open(.courses, &anna)
        anna.press([.character("a")])
        XCTAssertTrue(anna.lines[22].contains("Saved HV-000002"), anna.lines[22])
        XCTAssertTrue(anna.lines.contains { $0.hasPrefix(">de-leipzig-a2     de A2   Leipzig         2/2") }, anna.lines.joined(separator: "\n"))
        XCTAssertEqual(try store.load(CaseID(number: 2)).record.integration.enrolments.last?.status, .enrolled)
    }

    func testOpeningsAreRankedWithReasonsAndEnterApplies() throws {
        let store = try makeStore()
        var anna = app("anna.k", store)
        open(.jobs, &anna)
        XCTAssertTrue(anna.lines.contains { $0.contains("de-8332-1") && $0.contains("Spedition Müller") && $0.contains("0/2") },
                      anna.lines.joined(separator: "\n"))
        XCTAssertTrue(anna.lines.contains { $0.contains("8332 Heavy truck and lorry drivers") })
        anna.press([.enter])
        XCTAssertEqual(anna.topScreen.title, "Candidates")
        let lines = anna.lines
        XCTAssertTrue(lines[3].contains("same job, lang ok") && lines[3].contains("HV-000001  Жуков Артём"), lines[3])
        XCTAssertTrue(lines[4].contains("other job, lang -1") && lines[4].contains("HV-000002  Орлов Артём"), lines[4])
        XCTAssertTrue(lines.contains("   · de B1 meets A2"), lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains("   · occupation 8332 matches"))

        anna.press([.escape, .escape])
        openMenu(1, &anna)
        try choose("Openings for this case", &anna)
        XCTAssertEqual(anna.topScreen.title, "Openings")
        XCTAssertTrue(anna.lines.contains("   · in DE, where the case is allocated"), anna.lines.joined(separator: "\n"))
        anna.press([.enter])
        XCTAssertTrue(anna.lines[22].contains("Saved HV-000001 as v2"), anna.lines[22])
        XCTAssertTrue(anna.lines.contains { $0.contains("Application") && $0.contains("de-8332-1: applied 2026-11-24") })

        // The job from the opening: its 3-month follow-up shows due on the case.
        anna.press([.character("i")])
        try choose("Record a job", &anna)
        XCTAssertEqual((anna.topScreen as? FormScreen)?.form.value("opening"), "de-8332-1")
        anna.press([.control("s")])
        XCTAssertTrue(anna.lines[22].contains("Saved HV-000001 as v3"), anna.lines[22])
        XCTAssertTrue(anna.lines.contains { $0.contains("Job                Spedition Müller from 2026-11-24") }, anna.lines.joined(separator: "\n"))
        XCTAssertTrue(anna.lines.contains { $0.contains("3 months         due 2027-02-24") })
        // The menu says from when it may be recorded, months before (a walk chose it early).
        anna.press([.character("i")])
        XCTAssertTrue(anna.lines.contains { $0.contains("Record the 3-month follow-up") && $0.contains("due 2027-02-24, from 2027-02-10") },
                      anna.lines.joined(separator: "\n"))
        anna.press([.escape])
        XCTAssertEqual(JobOpening.use(in: store.summaries()).taken["de-8332-1"], 1)
        // My work's follow-up line opens the case at Integration with the follow-up's form on
        // top (from a walk: it was a page and two keys away).
        anna.press([.escape])
        _ = anna.perform([.run(OpenCase(id: CaseID(number: 1), section: .integration, followUp: true))])
        XCTAssertEqual(anna.topScreen.title, "Follow-up", anna.lines.joined(separator: "\n"))
        XCTAssertTrue(anna.lines[1].contains("The 3-month follow-up of HV-000001, due 2027-02-24"), anna.lines[1])
        XCTAssertEqual(anna.screens.dropLast().last?.title, "HV-000001")
    }

    func testAnAdministratorAddsAnOpeningAndCannotRemoveACourseInUseAndTheDashboardShowsOutcomes() throws {
        let store = try makeStore()
        var anna = app("anna.k", store)
        openMenu(1, &anna)
        try choose("Enrol in a course", &anna)
        anna.press([.enter])
        anna.press([.character("i")])
        try choose("Record a job", &anna)
        anna.press([.tab])
        anna.type("Bäckerei Schulz")
        anna.press(Array(repeating: .down, count: 3))
        anna.type("2450.5")
        anna.press([.control("s")])
        XCTAssertTrue(anna.lines[22].contains("Saved HV-000001 as v3"), anna.lines[22])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.integration.placements.first?.monthlyWage,
                       Money(minorUnits: 245_050, currency: "EUR"))

        var root = app("root", store)
        open(.jobs, &root)
        root.press([.character("+")])
        XCTAssertEqual(root.topScreen.title, "Opening")
        root.type("de-7512-1")
        root.press([.down])
        root.type("Bäckerei Schulz")
        root.press([.down, .down])
        root.type("Leipzig")
        root.press([.down])
        root.type("7512")
        root.press([.down])
        root.type("de:Z2")
        root.press([.down])
        root.type("2027-01-04")
        root.press([.down])
        root.type("1")
        root.press([.control("s")])
        XCTAssertTrue(root.lines.joined(separator: "\n").contains("'de:Z2' is not a language and level such as de:B1"), root.lines.joined(separator: "\n"))
        // The form puts the cursor on the field to fix.
        XCTAssertTrue(root.lines.contains { $0.hasPrefix("> Languages") }, root.lines.joined(separator: "\n"))
        root.press([.control("u")])
        root.type("de:A2")
        root.press([.control("s")])
        XCTAssertEqual(root.topScreen.title, "Jobs")
        XCTAssertTrue(root.lines[22].contains("Saved: add opening de-7512-1."), root.lines[22])
        XCTAssertEqual(store.catalogue(of: JobOpening.self).map(\.id), ["de-8332-1", "de-7512-1"])

        root.press([.escape])
        open(.courses, &root)
        root.press([.character("-")])
        XCTAssertTrue(root.lines[22].contains("Remove de-leipzig-a2? y removes, n keeps."), root.lines[22])
        root.press([.character("y")])
        XCTAssertTrue(root.lines[22].contains("1 case is on it; it cannot be removed."), root.lines[22])
        XCTAssertEqual(store.catalogue(of: LanguageCourse.self).count, 1)

        // Outcomes: one of the two arrived is in work.
        root.press([.escape])
        open(.dashboard, &root)
        root.press(Array(repeating: .pageDown, count: 1))
        let dashboard = root.lines.joined(separator: "\n")
        XCTAssertTrue(dashboard.contains("Employment by host country · 1 of 2 arrived in work (50%)"), dashboard)
        XCTAssertTrue(root.lines.contains { $0.contains("DE Germany") && $0.contains("1/2 50%") && $0.contains("█") }, dashboard)
        XCTAssertTrue(root.lines.contains { $0.contains("0–2 months") && $0.contains("1/2 50%") }, dashboard)
    }
}

extension IntegrationScreensTests {
    /// Every step keeps its place as steps are recorded: one not possible yet is shown muted,
    /// saying why, and choosing it says so and opens nothing (a walk: the items moved, so the
    /// same keys chose another step).
    func testTheMenusStepsKeepTheirPlaces() throws {
        let store = try makeStore()
        var anna = app("anna.k", store)
        openMenu(1, &anna)
        let before = try XCTUnwrap(anna.topScreen as? PickScreen).items
        XCTAssertEqual(before.prefix(9).map(\.title), ["Enrol in a course", "Record hours", "Leave a course", "Record an assessment", "Skills profile",
                                                       "Openings for this case", "Application status", "Record a job", "Record a follow-up"])
        XCTAssertEqual(before[1].unavailable, "enrolled in no course")
        XCTAssertTrue(anna.lines.contains { $0.hasPrefix(" Record hours") && $0.contains("enrolled in no course") }, anna.lines.joined(separator: "\n"))
        anna.press([.down, .enter])
        XCTAssertEqual(anna.topScreen.title, "Integration", "nothing opened")
        XCTAssertEqual(anna.status?.text, "Record hours: enrolled in no course.")
        anna.press([.home])
        try choose("Enrol in a course", &anna)
        anna.press([.enter, .escape, .escape])
        openMenu(1, &anna)
        let after = try XCTUnwrap(anna.topScreen as? PickScreen).items
        XCTAssertEqual(after.prefix(9).map(\.title), before.prefix(9).map(\.title), "the same steps in the same places")
        XCTAssertNil(after[1].unavailable, "hours can be recorded now")
        anna.press([.down, .enter])
        XCTAssertEqual(anna.topScreen.title, "Hours")
    }
}
