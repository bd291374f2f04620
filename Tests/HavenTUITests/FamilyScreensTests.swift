import HavenCore
@testable import HavenTUI
import XCTest

/// The family screen, links between cases, the reunification queue and the publicity queue,
/// driven through the app on an in-memory store with Cyrillic names at 80x24.
final class FamilyScreensTests: XCTestCase {
    static let today = CalendarDate(year: 2026, month: 11, day: 24)!
    static let tick = Timestamp(date: today, hour: 9, minute: 30)
    static let users = UserDirectory(users: [("root", Role.administrator), ("anna.k", .caseworker), ("maria.s", .supervisor)].map {
        UserAccount(name: UserName($0.0)!, role: $0.1, addedBy: "root", addedAt: tick)
    })
    static let reference = ReferenceData(countries: [HostCountry(code: CountryCode("DE")!, name: "Germany", languages: [LanguageCode("de")!])],
                                         occupations: OccupationCatalogue(unitGroups: [], specialties: []))

    /// Жуков Иван (1), his brother Жуков Павел (2), and Орлов (3) whose wife is at high risk.
    func makeStore() throws -> InMemoryCaseStore {
        let store = InMemoryCaseStore(users: Self.users)
        for (number, given) in [(1, "Иван"), (2, "Павел"), (3, "Олег")] {
            var record = Case(id: CaseID(number: number),
                              defector: Defector(cyrillicName: FullName(family: number == 3 ? "Орлов" : "Жуков", given: given),
                                                 latinName: FullName(family: number == 3 ? "Orlov" : "Zhukov", given: Transliteration.icao(given))),
                              registeredBy: "anna.k", registeredAt: Self.tick)
            if number == 3 {
                record.family = [FamilyMember(id: 1, relationship: .spouse, cyrillicName: FullName(family: "Орлова", given: "Анна"),
                                              whereabouts: .russia, risk: .high, contactIsSafe: true, contactChannel: "Signal via a cousin")]
            }
            _ = try store.save(record, basedOn: nil, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        }
        return store
    }

    func app(_ user: UserName, _ store: InMemoryCaseStore) -> HavenApp {
        let context = SessionContext(user: user, today: Self.today, storeDescription: "Store", role: Self.users.account(user)!.role,
                                     clock: { Self.tick }, reference: Self.reference)
        return HavenApp(root: HomeScreen(cases: store.summaries(), context: context), context: context, store: store)
    }

    func openCase(_ number: Int, _ app: inout HavenApp) {
        app.press([.character("/")])
        app.type(String(number))
        app.press([.enter])
        XCTAssertEqual(app.topScreen.title, CaseID(number: number).rawValue)
    }

    func screen(_ app: HavenApp) -> String { app.lines.joined(separator: "\n") }

    /// The member form: relationship first, then the Cyrillic names.
    func addMember(_ relationship: Relationship, family: String, given: String, _ app: inout HavenApp) {
        app.press([.character("+")])
        XCTAssertEqual(app.topScreen.title, "Family member")
        while !screen(app).contains("◂ \(relationship.title) ▸") { app.press([.right]) }
        app.press([.down])
        app.type(family)
        app.press([.down])
        app.type(given)
        app.press([.control("s")])
        XCTAssertEqual(app.topScreen.title, "Family", screen(app))
    }

    func testAMemberIsAddedAndMovedThroughTwoStagesWithTheChecklist() throws {
        let store = try makeStore()
        var app = app("anna.k", store)
        openCase(1, &app)
        app.press([.character("f")])
        XCTAssertTrue(screen(app).contains("No family members recorded; + adds one."), screen(app))
        addMember(.spouse, family: "Жукова", given: "Мария", &app)
        XCTAssertTrue(screen(app).contains("Spouse     Жукова Мария"), screen(app))
        XCTAssertTrue(screen(app).contains("Жукова Мария (Zhukova Mariia) · spouse"), screen(app))
        XCTAssertTrue(screen(app).contains("Documents 0/3"), screen(app))
        // First stage: a next action is asked for.
        app.press([.character("m")])
        app.press([.control("s")])
        XCTAssertTrue(screen(app).contains("Say what has to happen next."), screen(app))
        // The cursor is on the field with the problem.
        app.type("Собрать документы")
        app.press([.down])
        app.type("2026-12-10")
        app.press([.control("s")])
        XCTAssertEqual(app.topScreen.title, "Family", screen(app))
        XCTAssertTrue(screen(app).contains("Application filed · due 2026-12-10"), screen(app))
        // Documents gathered is refused until the checklist is complete.
        app.press([.character("m"), .down, .down])
        app.type("Book the interview")
        app.press([.down])
        app.type("2026-12-01")
        app.press([.control("s")])
        XCTAssertTrue(screen(app).contains("3 documents are still missing"), screen(app))
        app.press([.escape, .character("y")])
        // The checklist stays open while each is ticked; q closes it and the family screen shows them.
        app.press([.character("d")])
        XCTAssertEqual(app.topScreen.title, "Documents")
        for index in 0..<3 {
            app.press((index == 0 ? [] : [.down]) + [.enter])
            XCTAssertEqual(app.topScreen.title, "Documents", screen(app))
            XCTAssertEqual(screen(app).components(separatedBy: "[x]").count - 1, index + 1, screen(app))
        }
        app.press([.character("q")])
        XCTAssertEqual(app.topScreen.title, "Family", screen(app))
        XCTAssertTrue(screen(app).contains("Documents 3/3"), screen(app))
        app.press([.character("m"), .down, .down])
        app.type("Book the interview")
        app.press([.down])
        app.type("2026-12-01")
        app.press([.control("s")])
        XCTAssertTrue(screen(app).contains("Documents gathered · due 2026-12-01"), screen(app))
        XCTAssertTrue(screen(app).contains("Steps: Application filed 2026-11-24 → Documents gathered 2026-11-24"), screen(app))
        let saved = try store.load(CaseID(number: 1)).record.family[0]
        XCTAssertEqual(saved.steps.map(\.stage), [.applicationFiled, .documentsGathered])
        XCTAssertEqual(saved.nextAction, "Book the interview")
        // Back on the case (reloaded): the family section lists the stage, not where she is.
        app.press([.escape])
        app.press([.character("7")])
        XCTAssertTrue(screen(app).contains("Жукова Мария: documents gathered, due 2026-12-01"), screen(app))
    }

    func testLinkingTwoCasesShowsTheLinkOnBothAndUnlinksFromEither() throws {
        let store = try makeStore()
        var app = app("anna.k", store)
        openCase(1, &app)
        app.press([.character("f")])
        addMember(.brother, family: "Жуков", given: "Павел", &app)
        app.press([.character("l")])
        XCTAssertEqual(app.topScreen.title, "Link")
        // The finder starts from the member's family name; the case itself is left out.
        XCTAssertTrue(screen(app).contains("HV-000002  Жуков Павел"), screen(app))
        XCTAssertFalse(screen(app).contains("HV-000001  Жуков Иван"), screen(app))
        app.press([.enter])
        XCTAssertEqual(app.topScreen.title, "Family", screen(app))
        XCTAssertTrue(screen(app).contains("Brother    Жуков Павел"), screen(app))
        XCTAssertTrue(screen(app).contains("own case HV-000002"), screen(app))
        // The other case shows it too, written in the same change.
        app.press([.escape, .escape, .escape])
        openCase(2, &app)
        app.press([.character("f")])
        XCTAssertTrue(screen(app).contains("Brother    Жуков Иван"), screen(app))
        XCTAssertTrue(screen(app).contains("own case HV-000001"), screen(app))
        XCTAssertEqual(store.history(of: CaseID(number: 2)).last?.user, "anna.k")
        // Unlinked from this side: gone from both.
        app.press([.character("u")])
        XCTAssertFalse(screen(app).contains("own case HV-"), screen(app))
        XCTAssertNil(try store.load(CaseID(number: 1)).record.family[0].linkedCase)
        XCTAssertNil(try store.load(CaseID(number: 2)).record.family[0].linkedCase)
    }

    func testSensitiveFieldsOnlyOnTheFamilyScreen() throws {
        let store = try makeStore()
        var supervisor = app("maria.s", store)
        supervisor.press([.character("G"), .character("k"), .enter])
        XCTAssertEqual(supervisor.topScreen.title, "Publicity")
        supervisor.press([.escape, .character("G"), .character("k"), .character("k"), .enter])
        XCTAssertEqual(supervisor.topScreen.title, "Reunification")
        XCTAssertTrue(screen(supervisor).contains("HV-000003 Орлов Олег"), screen(supervisor))
        XCTAssertFalse(screen(supervisor).contains("Signal"), screen(supervisor))
        XCTAssertFalse(screen(supervisor).contains("Russia"), screen(supervisor))
        supervisor.press([.enter])
        XCTAssertEqual(supervisor.topScreen.title, "Family", screen(supervisor))
        XCTAssertTrue(screen(supervisor).contains("Where: Russia · risk HIGH · contact safe, Signal via a cousin"), screen(supervisor))
        supervisor.press([.escape, .character("7")])
        XCTAssertTrue(screen(supervisor).contains("Spouse"), screen(supervisor))
        XCTAssertFalse(screen(supervisor).contains("Signal"), screen(supervisor))
        // An auditor has no family screen at all.
        var auditorContext = SessionContext(user: "audit.e", today: Self.today, storeDescription: "", role: .auditor, clock: { Self.tick })
        auditorContext.reference = Self.reference
        let view = CaseViewScreen(stored: try store.load(CaseID(number: 3)), history: [], context: auditorContext)
        XCTAssertNil(view.keyTable.action(for: .character("f")))
    }

    func testConsentApprovalWithAnOverrideAndWithdrawalLeavingTheQueue() throws {
        let store = try makeStore()
        var anna = app("anna.k", store)
        openCase(3, &anna)
        anna.press([.character("c")])
        XCTAssertEqual(anna.topScreen.title, "Publicity")
        anna.press([.enter])
        XCTAssertEqual(anna.topScreen.title, "Consent")
        anna.press([.down])
        anna.type("Его переход и работа")
        anna.press([.down, .down, .character(" ")])
        anna.press([.control("s")])
        XCTAssertEqual(anna.topScreen.title, "HV-000003", screen(anna))
        XCTAssertTrue(try store.load(CaseID(number: 3)).record.publicity.isAwaitingApproval)

        var maria = app("maria.s", store)
        maria.press([.character("G"), .character("k"), .enter])
        XCTAssertTrue(screen(maria).contains("HV-000003 Орлов Олег"), screen(maria))
        XCTAssertTrue(screen(maria).contains("waiting     ! high risk"), screen(maria))
        // a opens the story whole, and what the export will say, before anything is approved.
        maria.press([.character("a")])
        XCTAssertEqual(maria.topScreen.title, "Story")
        XCTAssertTrue(screen(maria).contains("The story of HV-000003 Орлов Олег, whole, before approval"), screen(maria))
        XCTAssertTrue(screen(maria).contains("Once approved, haven publicity export will say:"), screen(maria))
        XCTAssertTrue(screen(maria).contains("! A family member is at high risk"), screen(maria))
        maria.press([.character("a")])
        XCTAssertEqual(maria.topScreen.title, "Approve")
        maria.press([.control("s")])
        XCTAssertTrue(screen(maria).contains("Family at high risk: say why it may still be told."), screen(maria))
        maria.type("Рассказ не называет ни семьи, ни мест.")
        maria.press([.control("s")])
        XCTAssertEqual(maria.topScreen.title, "Story", screen(maria))
        XCTAssertFalse(maria.lines[23].contains("Approve"), "approved: nothing left to approve here")
        maria.press([.escape])
        XCTAssertEqual(maria.topScreen.title, "Publicity", screen(maria))
        XCTAssertTrue(screen(maria).contains("approved"), screen(maria))
        XCTAssertEqual(try store.load(CaseID(number: 3)).record.publicity.highRiskOverrideReason, "Рассказ не называет ни семьи, ни мест.")

        // The caseworker withdraws the consent: the story leaves the queue at the next change.
        anna.press([.character("c"), .enter])
        XCTAssertFalse(try store.load(CaseID(number: 3)).record.publicity.hasConsent)
        maria.storeDidChange(store.summaries())
        XCTAssertTrue(screen(maria).contains("No case has consent to publicity in force."), screen(maria))
        XCTAssertTrue(store.history(of: CaseID(number: 3)).last!.changes.contains { $0.field == "publicity.consentWithdrawn" })
    }

    func testTheDashboardShowsReunificationProgress() throws {
        let store = try makeStore()
        var record = try store.load(CaseID(number: 1))
        var moved = try Workflow.addFamilyMember(FamilyMember(id: 0, relationship: .spouse, cyrillicName: FullName(given: "Мария")),
                                                 to: record.record, policy: .standard, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        moved = try Workflow.moveReunification(member: 1, to: .applicationFiled, on: Self.today.adding(days: -30), nextAction: "Chase",
                                               due: Self.today.adding(days: -3), in: moved, policy: .standard,
                                               by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        _ = try store.save(moved, basedOn: record.version, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        record = try store.load(CaseID(number: 1))
        let context = SessionContext(user: "maria.s", today: Self.today, storeDescription: "", role: .supervisor, clock: { Self.tick },
                                     reference: Self.reference)
        let rows = DashboardScreen(cases: store.summaries(), context: context).rows
        XCTAssertTrue(rows.contains(.heading("Reunification · 0 of 2 family members reunited, 1 action overdue")), "\(rows)")
        XCTAssertTrue(rows.contains { if case let .bar(bar) = $0 { bar.label == "Application filed" && bar.figures == "1 50%" } else { false } })
        XCTAssertTrue(rows.contains { if case let .bar(bar) = $0 { bar.label == "Not started" && bar.figures == "1 50%" } else { false } })
    }

    /// A link made on screen brings the other case's waiting allocation proposal up to date,
    /// with where the relative's case is as the store has it then; an unlink takes it away.
    func testALinkOnScreenUpdatesAWaitingProposal() throws {
        let store = try makeStore()
        let anna = Actor(user: "anna.k", role: .caseworker)
        for (number, country) in [(2, "DE"), (1, "DE")] {
            var stored = try store.load(CaseID(number: number))
            stored.record.allocation = AllocationProposal(country: CountryCode(country)!, proposedBy: "anna.k", proposedAt: Self.tick)
            _ = try store.save(stored.record, basedOn: stored.version, by: anna, at: Self.tick)
        }
        var app = app("anna.k", store)
        openCase(1, &app)
        app.press([.character("f")])
        addMember(.brother, family: "Жуков", given: "Павел", &app)
        app.press([.character("l"), .enter])
        XCTAssertTrue(screen(app).contains("own case HV-000002"), screen(app))
        XCTAssertEqual(try store.load(CaseID(number: 2)).record.allocation?.familyUnity, "Linked: HV-000001 also in DE.")
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.allocation?.familyUnity, "Linked: HV-000002 also in DE.")
        app.press([.character("u")])
        XCTAssertNil(try store.load(CaseID(number: 2)).record.allocation?.familyUnity)
        XCTAssertNil(try store.load(CaseID(number: 1)).record.allocation?.familyUnity)
    }
}

extension FamilyScreensTests {
    /// A session of `user` on the family screen of case `number`.
    func family(_ number: Int, _ user: UserName, _ store: InMemoryCaseStore) -> HavenApp {
        var session = app(user, store)
        openCase(number, &session)
        session.press([.character("f")])
        XCTAssertEqual(session.topScreen.title, "Family", screen(session))
        return session
    }

    /// Another session's change to a member shown here is said, not only redrawn (a walk: a
    /// note saved here was replaced by another's choice on the conflict screen, unsaid).
    func testAnotherSessionsChangeToAMemberIsSaid() throws {
        let store = try makeStore()
        var anna = family(3, "anna.k", store)
        var stored = try store.load(CaseID(number: 3))
        stored.record.family[0].notes = "Переехала к сестре в Кстово."
        _ = try store.save(stored.record, basedOn: stored.version, by: Actor(user: "maria.s", role: .supervisor), at: Self.tick)
        anna.storeDidChange(store.summaries())
        XCTAssertEqual(anna.status?.text, "Meanwhile maria.s changed Орлова Анна (v2); shown as saved.")
        // Her own save (a member's form on top saves as her) is not said as another's.
        anna.say("", .info)
        stored = try store.load(CaseID(number: 3))
        stored.record.family[0].notes = "Переехала к сестре в Кстово; звонить после восьми."
        _ = try store.save(stored.record, basedOn: stored.version, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        anna.storeDidChange(store.summaries())
        XCTAssertEqual(anna.status?.text, "", "nothing said of her own save")
        XCTAssertTrue(screen(anna).contains("звонить после восьми"), screen(anna))
    }
}

extension FamilyScreensTests {
    /// A relative taken case by case with no reason recorded: the move form says so before
    /// anything is typed (a walk typed the move, was refused at Ctrl-S, and had to throw it away).
    func testTheMoveFormSaysFirstWhatAMoveOnNeeds() throws {
        var anna = family(1, "anna.k", try makeStore())
        addMember(.mother, family: "Жукова", given: "Мария", &anna)
        anna.press([.character("m")])
        XCTAssertEqual(anna.topScreen.title, "Reunification", screen(anna))
        let shown = anna.lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertTrue(shown.contains("! Eligible only case by case (mother"), screen(anna))
        XCTAssertTrue(shown.contains("record why on the member first (Esc, then e); only Withdrawn can be saved now."), screen(anna))
        // A spouse needs no reason: nothing is said.
        anna.press([.escape])
        addMember(.spouse, family: "Жукова", given: "Анна", &anna)
        anna.press([.character("m")])
        XCTAssertFalse(screen(anna).contains("case by case"), screen(anna))
    }
}
