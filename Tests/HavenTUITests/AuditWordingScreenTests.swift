import HavenCore
@testable import HavenTUI
import XCTest

/// The case's History section and the audit trail screen speak the case view's words; the
/// trail's exact paths stay on the audit trail's detail, for auditors.
final class AuditWordingScreenTests: XCTestCase {
    static let today = CalendarDate(year: 2026, month: 11, day: 24)!
    static let tick = Timestamp(date: today, hour: 9, minute: 30)
    static let anna = Actor(user: "anna.k", role: .caseworker)
    static let users = UserDirectory(users: [("anna.k", Role.caseworker), ("audit.e", .auditor)].map {
        UserAccount(name: UserName($0.0)!, role: $0.1, addedBy: "anna.k", addedAt: tick)
    })

    /// HV-000007 with a mother whose documents are being gathered, saved twice: the second save
    /// ticks a document, moves her (sensitive) and corrects the place of birth.
    func makeStore() throws -> InMemoryCaseStore {
        let store = InMemoryCaseStore(users: Self.users)
        var record = Case(id: CaseID(number: 7),
                          defector: Defector(cyrillicName: FullName(family: "Жуков", given: "Артём"), birthPlace: "Псков"),
                          registeredBy: "anna.k", registeredAt: Timestamp(date: Self.today))
        record.family = [FamilyMember(id: 1, relationship: .mother, cyrillicName: FullName(family: "Иванова", given: "Ольга"),
                                      whereabouts: .russia, contactChannel: "Signal через соседку",
                                      documents: [FamilyDocument(name: "Passport"), FamilyDocument(name: "Birth certificate")])]
        let first = try store.save(record, basedOn: nil, by: Self.anna, at: Timestamp(date: Self.today))
        record.family[0].documents[1].gathered = CalendarDate(year: 2026, month: 11, day: 3)
        record.family[0].whereabouts = .belarus
        record.defector.birthPlace = "Омск"
        _ = try store.save(record, basedOn: first, by: Self.anna, at: Self.tick)
        return store
    }

    func app(_ user: UserName, _ store: InMemoryCaseStore) -> HavenApp {
        let context = SessionContext(user: user, today: Self.today, storeDescription: "Store", role: Self.users.account(user)!.role,
                                     clock: { Self.tick })
        return HavenApp(root: HomeScreen(cases: store.summaries(), context: context), context: context, store: store)
    }

    func testTheHistorySectionNamesFieldsAndMembersAsTheCaseViewDoes() throws {
        let store = try makeStore()
        var app = app("anna.k", store)
        app.press([.character("2"), .enter, .character("0")])
        XCTAssertEqual(Array(app.lines[4...10]), [
            " 2026-11-24 09:30:00 anna.k saved v2",
            "   Person · Place of birth: Псков → Омск",
            "   Family · Иванова Ольга (mother) · document \"Birth certificate\" gathered:",
            "       — → 2026-11-03",
            "   Family · Иванова Ольга (mother) · whereabouts: changed (not recorded)",
            " 2026-11-24 00:00:00 anna.k saved v1",
            "   registered the case",
        ], "a change too long for 80 columns has its values on a line of their own")
        let screen = app.lines.joined(separator: "\n")
        XCTAssertFalse(screen.contains("family[0]") || screen.contains("birthPlace"), "no raw paths: \(screen)")
        XCTAssertFalse(screen.contains("Belarus") || screen.contains("Russia") || screen.contains("Signal"), "where she is never shows")
    }

    func testTheAuditTrailListsWordsAndItsDetailKeepsTheExactPath() throws {
        let store = try makeStore()
        var app = app("audit.e", store)
        app.press([.character("6")]) // auditor: Queues, Approvals, Allocation, Workload, Dashboard, Audit trail
        XCTAssertEqual(app.lines[1], " Audit trail: 2 entries · everything")
        XCTAssertTrue(app.lines[4].hasSuffix("anna.k       HV-000007 v2 Person · Place of birth, Family · m…"), app.lines[4])
        // Not the auditor's case: which fields changed, not to what (need to know).
        app.press([.enter])
        XCTAssertEqual(Array(app.lines[5...7]), [" Person · Place of birth", "    before: (need to know: open the case to read)",
                                                 "    after:  (need to know: open the case to read)"])
        XCTAssertFalse(app.lines.joined().contains("Псков"))
        app.press([.enter])
        // With a reason given for the case in this session, the values read.
        _ = try store.read(CaseID(number: 7), part: .caseRecord, by: Reader(actor: Actor(user: "audit.e", role: .auditor), session: "s"),
                           reason: "Auditing this case's changes", at: Self.tick)
        app.press([.character("x")])
        app.press([.enter])
        XCTAssertEqual(Array(app.lines[5...16]), [
            " Person · Place of birth",
            "    before: Псков",
            "    after:  Омск",
            "    field:  defector.birthPlace",
            " Family · member 1 · document 2 gathered",
            "    before: —",
            "    after:  2026-11-03",
            "    field:  family[0].documents[1].gathered",
            " Family · member 1 · whereabouts",
            "    before: not recorded",
            "    after:  not recorded",
            "    field:  family[0].whereabouts",
        ])
        XCTAssertEqual(app.render().styles(inRow: 8)[6], Style.muted, "the raw path is set back")
    }
}
