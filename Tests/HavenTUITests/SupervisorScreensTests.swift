import HavenCore
@testable import HavenTUI
import XCTest

/// The supervisor's side and the casework keys, driven through the app on an in-memory store
/// that knows its users, as a person would use them.
final class SupervisorScreensTests: XCTestCase {
    static let today = CalendarDate(year: 2026, month: 11, day: 24)!
    static let tick = Timestamp(date: today, hour: 9, minute: 30)
    static let users = UserDirectory(users: [
        ("root", Role.administrator), ("anna.k", .caseworker), ("oleh.m", .caseworker), ("maria.s", .supervisor), ("audit.e", .auditor),
    ].map { UserAccount(name: UserName($0.0)!, role: $0.1, addedBy: "root", addedAt: tick) })
    static let reference = ReferenceData(
        countries: [HostCountry(code: CountryCode("GB")!, name: "United Kingdom", languages: [LanguageCode("en")!], quota: 8)],
        occupations: OccupationCatalogue(unitGroups: [], specialties: []),
        stageTargets: StageTargets(days: [.intake: 7, .screening: 30, .decision: 14]))

    func defector(_ family: String, _ given: String, _ latin: String) -> Defector {
        Defector(cyrillicName: FullName(family: family, given: given, patronymic: "Сергеевич"),
                 latinName: FullName(family: latin, given: "Artem", patronymic: "Sergeevich"),
                 birthDate: CalendarDate(year: 1998, month: 3, day: 14), birthPlace: "Псков",
                 service: MilitaryService(branch: .groundForces, rank: .sergeant, unit: "4-я гв. танковая дивизия"),
                 crossing: Crossing(method: .surrendered, date: CalendarDate(year: 2026, month: 9, day: 2), place: "Купянск"))
    }

    /// HV-000001 proposed for a grant by anna.k; HV-000002 in screening, 40 days; HV-000003 in intake.
    func makeStore() throws -> InMemoryCaseStore {
        let store = InMemoryCaseStore(users: Self.users)
        let anna = Actor(user: "anna.k", role: .caseworker)
        let registered = Timestamp(date: Self.today.adding(days: -40), hour: 9)
        let first = try proposedGrant(1, defector("Жуков", "Артём", "Zhukov"), by: anna, registered: registered, at: Self.tick)
        var second = Case(id: CaseID(number: 2), defector: defector("Щербаков", "Владимир", "Shcherbakov"), registeredBy: "anna.k",
                          registeredAt: registered)
        second = try Workflow.perform(.submitForScreening, on: second, by: anna, at: registered)
        let third = Case(id: CaseID(number: 3), defector: defector("Иванов", "Юрий", "Ivanov"), registeredBy: "oleh.m", registeredAt: Self.tick)
        for record in [first, second, third] { _ = try store.save(record, basedOn: nil, by: Actor(user: record.assignedTo!, role: .caseworker), at: Self.tick) }
        return store
    }

    func context(_ user: UserName) -> SessionContext {
        SessionContext(user: user, today: Self.today, storeDescription: "Store", role: Self.users.account(user)!.role,
                       clock: { Self.tick }, reference: Self.reference)
    }

    /// Case `number`, screened and cleared, with a grant proposed by `actor` at `time`.
    func proposedGrant(_ number: Int, _ person: Defector, by actor: Actor, registered: Timestamp, at time: Timestamp) throws -> Case {
        var record = Case(id: CaseID(number: number), defector: person, registeredBy: actor.user, registeredAt: registered)
        record = try Workflow.perform(.submitForScreening, on: record, by: actor, at: registered)
        for kind in ScreeningCheckKind.allCases {
            let check = ScreeningCheck(kind: kind, outcome: .cleared, date: time.date, recordedBy: actor.user,
                                       documentsSeen: kind == .identity ? ["military ID"] : [],
                                       exclusion: kind == .exclusion ? ExclusionAssessment(clause: .a, findings: ExclusionStep.allCases.map {
                                           ExclusionStepFinding(step: $0, pointsToExclusion: false, reasoning: "None.")
                                       }, conclusion: .notExcluded) : nil)
            record = try Workflow.recordScreening(check, on: record, by: actor, at: time)
        }
        record = try Workflow.perform(.completeScreening, on: record, by: actor, at: time)
        return try Workflow.proposeDecision(.grant, reasons: "Credible account.", on: record, by: actor, at: time)
    }

    func app(_ user: UserName, _ store: InMemoryCaseStore) -> HavenApp {
        let context = context(user)
        return HavenApp(root: HomeScreen(cases: store.summaries(), context: context), context: context, store: store)
    }

    func typeKeys(_ text: String) -> [Key] { text.map { Key.character($0) } }

    // MARK: Approvals

    func testASupervisorApprovesFromTheApprovalsQueue() throws {
        let store = try makeStore()
        var app = app("maria.s", store)
        app.press([.character("3")])
        var lines = app.lines
        XCTAssertEqual(lines[1], " Proposals awaiting approval: 1")
        XCTAssertEqual(lines[4], "> HV-000001  Жуков Артём Сергеевич Grant             anna.k     2026-11-24 0")
        XCTAssertEqual(lines[23], "? Help Enter Open a Approve u Return x Override v Mark / Find Down Move q Back")
        app.press([.character("a")])
        XCTAssertEqual(app.lines[22], " Approve HV-000001: grant, proposed by anna.k? y approves, n does not.")
        app.press([.character("y")])
        lines = app.lines
        XCTAssertEqual(lines[22], " Approved HV-000001.")
        XCTAssertEqual(lines[1], " Proposals awaiting approval: 0")
        XCTAssertEqual(lines[4], " Nothing is waiting for approval.")
        let approved = try store.load(CaseID(number: 1)).record
        XCTAssertEqual(approved.stage, .allocation)
        XCTAssertEqual(approved.decision?.review?.by, "maria.s")
        XCTAssertEqual(store.auditTrail(matching: AuditFilter(user: "maria.s"), limit: 5).first?.caseID, CaseID(number: 1))
    }

    /// A long queue is narrowed and approved in a batch: / finds by name, f by kind, p by
    /// proposer, w by age, Home and End; v marks, A lists the marked and asks, and the
    /// supervisor's own proposal is named and skipped (the two-person rule, item by item).
    func testTheApprovalsQueueFindsFiltersAndApprovesMarkedInABatch() throws {
        let store = try makeStore()
        let oleh = Actor(user: "oleh.m", role: .caseworker), maria = Actor(user: "maria.s", role: .supervisor)
        let old = Timestamp(date: Self.today.adding(days: -20), hour: 9)
        for (number, person, actor, at) in [(4, defector("Петров", "Иван", "Petrov"), oleh, old),
                                            (5, defector("Сидоров", "Пётр", "Sidorov"), oleh, Self.tick),
                                            (6, defector("Орлов", "Олег", "Orlov"), maria, Self.tick)] {
            _ = try store.save(try proposedGrant(number, person, by: actor, registered: old, at: at), basedOn: nil, by: actor, at: at)
        }
        var app = app("maria.s", store)
        app.press([.character("3")])
        XCTAssertEqual(app.lines[1], " Proposals awaiting approval: 3 (+1 yours)", "her own waits for another")
        app.press([.character("/")])
        app.type("петр")
        XCTAssertEqual(app.lines[1], " Proposals awaiting approval: 1 of 3 · \"петр\"")
        XCTAssertTrue(app.lines[4].hasPrefix("> HV-000004  Петров"), app.lines[4])
        app.press([.escape])
        XCTAssertEqual(app.lines[1], " Proposals awaiting approval: 3 (+1 yours)", "Esc: every proposal again")
        app.press([.character("w")])
        XCTAssertEqual(app.lines[1], " Proposals awaiting approval: 1 of 3 · waiting 7+ days")
        app.press([.character("w"), .character("w"), .character("w"), .character("o")])
        XCTAssertTrue(app.lines[4].hasPrefix("> HV-000006"), "newest first: \(app.lines[4])")
        app.press([.end])
        XCTAssertTrue(app.lines[7].hasPrefix("> HV-000004"), "End: the oldest, last \(app.lines.joined(separator: "\n"))")
        app.press([.home, .character("p")])
        XCTAssertEqual(app.lines[1], " Proposals awaiting approval: 0 of 3 (+1 yours) · by maria.s · newest first")
        app.press([.character("p"), .character("o"), .character("f"), .character("f")])
        XCTAssertEqual(app.lines[1], " Proposals awaiting approval: 0 of 3 · allocations")
        app.press([.character("f")])

        // Mark three (one of them her own) and approve them together.
        app.press([.home, .character("v"), .character("v"), .end, .character("v")])
        XCTAssertEqual(app.status?.text, "3 marked: A approves them after listing them.")
        // The mark takes the second column, the selection the first: every case number starts
        // in the same column, and the selected marked row shows both without colour.
        let rows = app.lines.filter { $0.dropFirst(2).hasPrefix("HV-") }
        XCTAssertEqual(rows.filter { $0.hasPrefix(" +HV-") }.count, 2, rows.joined(separator: "\n"))
        XCTAssertEqual(rows.filter { $0.hasPrefix(">+HV-") }.count, 1, "marked and selected: " + rows.joined(separator: "\n"))
        XCTAssertEqual(rows.filter { $0.hasPrefix("  HV-") }.count, 1, rows.joined(separator: "\n"))
        app.press([.character("A")])
        let lines = app.lines.joined(separator: "\n")
        XCTAssertTrue(lines.contains(" Approve these 2? y approves each one, n none"), lines)
        XCTAssertTrue(lines.contains(" HV-000001 Жуков Артём Сергеевич · Grant · by anna.k"), lines)
        XCTAssertTrue(lines.contains(" HV-000006 Орлов Олег Сергеевич: your own: another supervisor approves it"), lines)
        app.press([.character("y")])
        XCTAssertEqual(app.status?.text, "Approved HV-000001, HV-000004.")
        XCTAssertFalse(app.lines.joined().contains("Unmarked"), "the approved are not said as gone: " + app.lines.joined(separator: "\n"))
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.stage, .allocation)
        XCTAssertEqual(try store.load(CaseID(number: 4)).record.stage, .allocation)
        XCTAssertEqual(try store.load(CaseID(number: 6)).record.stage, .decision, "her own: not approved")
        XCTAssertEqual(try store.load(CaseID(number: 5)).record.stage, .decision, "not marked")
        XCTAssertEqual(app.lines[1], " Proposals awaiting approval: 1 (+1 yours) · 1 marked")
    }

    /// The store with anna.k's grant (HV-000001) and oleh.m's (HV-000004) waiting, and those two.
    func storeWithTwoGrants() throws -> (InMemoryCaseStore, oleh: Actor, anna: Actor) {
        let store = try makeStore()
        let oleh = Actor(user: "oleh.m", role: .caseworker), anna = Actor(user: "anna.k", role: .caseworker)
        _ = try store.save(try proposedGrant(4, defector("Петров", "Иван", "Petrov"), by: oleh, registered: Self.tick, at: Self.tick),
                           basedOn: nil, by: oleh, at: Self.tick)
        return (store, oleh, anna)
    }

    /// From a walk (high): a mark is on the proposal as marked, not on the case. The caseworker
    /// amends a marked grant's reasons: it is unmarked, said; A approves only the other. One
    /// changed after the last look is approved against what was marked, so the store refuses it.
    func testAMarkIsOnTheProposalAsMarkedNotOnTheCase() throws {
        let (store, oleh, anna) = try storeWithTwoGrants()
        var app = app("maria.s", store)
        app.press([.character("3"), .character("v"), .character("v")])
        XCTAssertEqual((app.topScreen as? ApprovalsScreen)?.marked, [CaseID(number: 1), CaseID(number: 4)])
        let later = Timestamp(secondsSinceEpoch: Self.tick.secondsSinceEpoch + 120)
        let one = try store.load(CaseID(number: 1))
        _ = try store.save(try Workflow.amendDecision(.grant, reasons: "Credible account. Но есть сомнения по 1F.", on: one.record, by: anna, at: later),
                           basedOn: one.version, by: anna, at: later)
        app.storeDidChange(store.summaries())
        XCTAssertEqual(app.status?.text, "Unmarked HV-000001: the proposal changed since you marked it; look again.")
        XCTAssertEqual((app.topScreen as? ApprovalsScreen)?.marked, [CaseID(number: 4)])
        // HV-000004 changes after the last look: listed as it was seen, refused by the store.
        let four = try store.load(CaseID(number: 4))
        _ = try store.save(try Workflow.amendDecision(.refuse, reasons: "Debrief inconsistent.", on: four.record, by: oleh, at: later),
                           basedOn: four.version, by: oleh, at: later)
        app.press([.character("A")])
        XCTAssertTrue(app.lines.contains(" Approve this one? y approves each one, n none"), app.lines.joined(separator: "\n"))
        app.press([.character("y")])
        XCTAssertTrue(app.status?.text.hasPrefix("None approved; HV-000004 refused") == true, app.status?.text ?? "")
        XCTAssertNil(try store.load(CaseID(number: 4)).record.decision?.review)
        XCTAssertNil(try store.load(CaseID(number: 1)).record.decision?.review)
        // A marked proposal reviewed or withdrawn elsewhere is unmarked, said (it vanished unsaid).
        app.press([.home, .character("v")])
        let marked = try XCTUnwrap((app.topScreen as? ApprovalsScreen)?.marked.first)
        let stored = try store.load(marked)
        _ = try store.save(try Workflow.returnDecision(on: stored.record, comment: "Уточнить", by: Actor(user: "maria.s", role: .supervisor), at: later),
                           basedOn: stored.version, by: Actor(user: "maria.s", role: .supervisor), at: later)
        app.storeDidChange(store.summaries())
        XCTAssertEqual(app.status?.text, "Unmarked \(marked): no longer waiting (withdrawn or reviewed meanwhile).")
        XCTAssertEqual(app.lines[2], " Unmarked \(marked): no longer waiting (withdrawn or reviewed meanwhile).", "over the list, too")
        XCTAssertEqual((app.topScreen as? ApprovalsScreen)?.marked, [])
    }

    /// Marks taken off one change after another while a case is read on top are said together
    /// over the list on coming back (a walk heard of the last alone, and a review of none).
    func testMarksTakenOffWhileACaseIsReadAreSaidTogetherOnComingBack() throws {
        let (store, oleh, anna) = try storeWithTwoGrants()
        var app = app("maria.s", store)
        app.press([.character("3"), .character("v"), .character("v"), .home, .enter])
        XCTAssertEqual(app.topScreen.title, "HV-000001", app.lines.joined(separator: "\n"))
        let later = Timestamp(secondsSinceEpoch: Self.tick.secondsSinceEpoch + 120)
        for (number, actor) in [(1, anna), (4, oleh)] {
            let stored = try store.load(CaseID(number: number))
            _ = try store.save(try Workflow.amendDecision(.refuse, reasons: "Пересмотрено.", on: stored.record, by: actor, at: later),
                               basedOn: stored.version, by: actor, at: later)
            app.storeDidChange(store.summaries())
        }
        app.press([.escape])
        XCTAssertEqual(app.topScreen.title, "Approvals", app.lines.joined(separator: "\n"))
        XCTAssertEqual(app.lines[2], " Unmarked HV-000001 and 1 more: changed since marked; look again.")
        XCTAssertEqual((app.topScreen as? ApprovalsScreen)?.marked, [])
        app.press([.down])
        XCTAssertFalse(app.lines[2].contains("Unmarked"), "until a key here")
    }

    /// A confirmation longer than the screen ends with how many more, on a row of its own: no
    /// case line under it (a walk found "… and 132 more linesгорий Валерьевич").
    func testALongApprovalListEndsWithHowManyMoreOnARowOfItsOwn() throws {
        let store = try makeStore()
        let summaries = store.summaries()
        let screen = ApprovalsScreen(cases: summaries, context: context("maria.s"))
        let batch = ApprovalsScreen.Batch(approve: Array(repeating: summaries, count: 4).flatMap { $0 }, skipped: [])
        var canvas = Canvas(size: Size(width: 80, height: 8))
        screen.renderBatch(batch, into: &canvas, area: Rect(x: 0, y: 0, width: 80, height: 8))
        let hidden = batch.approve.count - 5
        XCTAssertEqual(canvas.line(7), " … and \(hidden) more lines", canvas.lines.joined(separator: "\n"))
        XCTAssertEqual(canvas.lines.filter { $0.hasPrefix(" HV-") }.count, 5, canvas.lines.joined(separator: "\n"))
    }

    /// A filter saved with s is there in the next session: 1 applies it, 0 shows everything.
    func testASavedApprovalsFilterIsThereInTheNextSession() throws {
        let store = try makeStore()
        var app = app("maria.s", store)
        app.press([.character("3"), .character("w")])
        app.press([.character("1")])
        XCTAssertTrue(app.status?.text.contains("no filter is saved as 1") == true, app.status?.text ?? "")
        app.press([.character("s")])
        XCTAssertEqual(app.status?.text, "Saved as 1: waiting 7+ days. 1 applies it, here and in later sessions.")
        var next = self.app("maria.s", store)
        next.press([.character("3")])
        XCTAssertEqual(next.lines[1], " Proposals awaiting approval: 1")
        XCTAssertEqual(next.lines[2], " Saved: 1 waiting 7+ days")
        next.press([.character("1")])
        XCTAssertEqual(next.lines[1], " Proposals awaiting approval: 0 of 1 · waiting 7+ days")
        next.press([.character("0")])
        XCTAssertEqual(next.lines[1], " Proposals awaiting approval: 1")
        XCTAssertEqual(store.settings(for: "anna.k"), UserSettings(), "maria's, not anna's")
    }

    /// `/` on the Allocation screen's proposals opens the approvals queue narrowed to
    /// allocations, finding: one queue that scales, not a second one.
    func testAllocationProposalsAreFoundInTheApprovalsQueue() throws {
        var screen = AllocationScreen(cases: try makeStore().summaries(), context: context("maria.s"))
        _ = screen.handle(.nextPane)
        _ = screen.handle(.nextPane)
        XCTAssertEqual(screen.pane, .proposals)
        guard case let .push(pushed)? = screen.handle(.findProposals).first, let queue = pushed as? ApprovalsScreen else {
            return XCTFail("the approvals queue opens")
        }
        XCTAssertEqual(queue.filter.kind, .allocations)
        XCTAssertNotNil(queue.finding, "with / already pressed")
        XCTAssertTrue(queue.rows.isEmpty, "HV-000001 waits for a decision, not an allocation")
    }

    /// Enter on a proposal opens the case on what is to be approved, not on the person.
    func testOpeningAProposalShowsTheProposal() throws {
        let store = try makeStore()
        var app = app("maria.s", store)
        app.press([.character("3"), .enter])
        let view = try XCTUnwrap(app.topScreen as? CaseViewScreen)
        XCTAssertEqual(view.stored.record.id, CaseID(number: 1))
        XCTAssertEqual(view.section, .decision)
        XCTAssertTrue(app.lines.contains { $0.contains("Credible account.") }, app.lines.joined(separator: "\n"))
    }

    /// Someone else returns HV-000001's grant, and anna proposes a refusal instead.
    func returnAndProposeARefusal(in store: InMemoryCaseStore) throws {
        let later = Timestamp(date: Self.today, hour: 11)
        let stored = try store.load(CaseID(number: 1))
        var changed = try Workflow.returnDecision(on: stored.record, comment: "Cite the debrief.", by: Actor(user: "root", role: .supervisor), at: later)
        changed = try Workflow.proposeDecision(.refuse, reasons: "Debrief inconsistent.", on: changed, by: Actor(user: "anna.k", role: .caseworker), at: later)
        _ = try store.save(changed, basedOn: stored.version, by: Actor(user: "anna.k", role: .caseworker), at: later)
    }

    /// The walk's finding: a returned proposal came back as an empty form, the supervisor's
    /// comment nowhere on it. It now comes back to be amended, with the comment above it.
    func testAReturnedProposalComesBackToBeAmendedWithTheComment() throws {
        let store = try makeStore()
        let stored = try store.load(CaseID(number: 1))
        let returned = try Workflow.returnDecision(on: stored.record, comment: "Cite the debrief.", by: Actor(user: "maria.s", role: .supervisor),
                                                   at: Timestamp(date: Self.today, hour: 11))
        _ = try store.save(returned, basedOn: stored.version, by: Actor(user: "maria.s", role: .supervisor), at: Self.tick)
        var app = app("anna.k", store)
        // Her queue marks it as returned to her.
        app.press([.character("2")])
        let row = try XCTUnwrap(app.lines.first { $0.contains("HV-000001") })
        XCTAssertTrue(row.contains("Decision↩"), row)
        XCTAssertFalse(try XCTUnwrap(app.lines.first { $0.contains("HV-000002") }).contains("↩"))
        app.press([.escape])
        app.press([.character("/")])
        app.type("1")
        app.press([.enter, .character("p")])
        XCTAssertEqual(app.topScreen.title, "Propose", app.lines.joined(separator: "\n"))
        let text = app.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("Returned by maria.s, 2026-11-24 "), text)
        XCTAssertTrue(text.contains("“Cite the debrief.”"), "the comment, whole under the title: \(text)")
        XCTAssertEqual((app.topScreen as? FormScreen)?.form.value("reasons"), "Credible account.")
        XCTAssertEqual((app.topScreen as? FormScreen)?.form.value("outcome"), DecisionOutcome.grant.rawValue)
        // It opens on the reasons, what is amended (a walk typed its amendment on the decision).
        XCTAssertEqual((app.topScreen as? FormScreen)?.form.focusedField.id, "reasons")
        // On the decision, text meant for the reasons changes nothing: a space is not taken and
        // said, and letters matching no option leave it.
        app.press([.backTab])
        app.type(" ")
        XCTAssertEqual(app.status?.text, "Decision is a choice (Left/Right or its first letters): Space is not taken.")
        app.type("Риск")
        XCTAssertEqual(app.status?.text, "Decision: no option starts with \"к\" (Left/Right, or its first letters).")
        XCTAssertEqual((app.topScreen as? FormScreen)?.form.value("outcome"), DecisionOutcome.grant.rawValue)
        app.press([.tab, .control("e")])
        app.type(" The debrief of 2026-11-20 agrees.")
        app.press([.control("s")])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.decision?.reasons, "Credible account. The debrief of 2026-11-20 agrees.")
    }

    /// A caseworker takes back her own proposed decision before it is reviewed, from the move
    /// list (a walk could only amend it); the approvals queue no longer lists it.
    func testACaseworkerWithdrawsHerProposedDecision() throws {
        let store = try makeStore()
        var anna = app("anna.k", store)
        anna.press([.character("/")])
        anna.type("1")
        anna.press([.enter])
        XCTAssertEqual(anna.topScreen.title, "HV-000001")
        anna.press([.character("t")])
        XCTAssertEqual(anna.topScreen.title, "Move", anna.lines.joined(separator: "\n"))
        XCTAssertTrue(anna.lines.contains { $0.contains("Withdraw the proposed decision") }, anna.lines.joined(separator: "\n"))
        anna.press([.enter])
        let record = try store.load(CaseID(number: 1)).record
        XCTAssertNil(record.decision, anna.lines.joined(separator: "\n"))
        XCTAssertEqual(record.stage, .decision)
        XCTAssertEqual(Supervision.approvals(store.summaries()).map(\.id), [])
        // Not hers: not offered, and refused by the workflow.
        let oleh = Actor(user: "oleh.m", role: .caseworker)
        let hers = try proposedGrant(7, defector("Орлов", "Олег", "Orlov"), by: Actor(user: "anna.k", role: .caseworker), registered: Self.tick, at: Self.tick)
        XCTAssertFalse(CaseActions.mayWithdrawDecision(hers, user: oleh.user))
        XCTAssertThrowsError(try Workflow.withdrawDecision(on: hers, by: oleh, at: Self.tick))
        // Reviewed meanwhile: refused.
        let approved = try Workflow.perform(.approveGrant, on: hers, by: Actor(user: "maria.s", role: .supervisor), at: Self.tick)
        XCTAssertThrowsError(try Workflow.withdrawDecision(on: approved, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick))
    }

    /// maria asks to approve anna's grant; before she says y, the proposal is returned by
    /// someone else and anna proposes a refusal. y does not approve what maria never saw.
    /// maria.s asked to approve anna's grant from the queue; then it is returned and a refusal
    /// proposed (`returnAndProposeARefusal`) before she answers.
    func askedWhileARefusalIsProposed(_ store: InMemoryCaseStore) throws -> HavenApp {
        var app = app("maria.s", store)
        app.press([.character("3"), .character("a")])
        XCTAssertEqual(app.lines[22], " Approve HV-000001: grant, proposed by anna.k? y approves, n does not.")
        try returnAndProposeARefusal(in: store)
        return app
    }

    func testApprovingAProposalThatChangedMeanwhileIsRefusedSayingWhatChanged() throws {
        let store = try makeStore()
        var app = try askedWhileARefusalIsProposed(store)
        // y before the change reaches the screen: the store refuses it, saying what it is now.
        app.press([.character("y")])
        XCTAssertEqual(app.lines[22], " HV-000001 not approved: it is now anna.k's proposal to refuse; look again.")
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.decision?.outcome, .refuse)
        XCTAssertNil(try store.load(CaseID(number: 1)).record.decision?.review, "the refusal waits for a supervisor who has seen it")
    }

    /// A return being written while the proposal changes: said over the form as the change
    /// arrives, the comment kept; Ctrl-S is still refused by the store (from a walk).
    func testAReturnFormSaysSoWhenItsProposalChangesMeanwhile() throws {
        let store = try makeStore()
        var app = app("maria.s", store)
        app.press([.character("3"), .character("u")])
        XCTAssertEqual(app.topScreen.title, "Return", app.lines.joined(separator: "\n"))
        // The proposal it answers is in view (a walk wrote its comment blind).
        XCTAssertTrue(app.lines.contains { $0.contains("Proposed: Grant, by anna.k") }, app.lines.joined(separator: "\n"))
        XCTAssertTrue(app.lines.contains { $0.contains("Reasons: Credible account.") }, app.lines.joined(separator: "\n"))
        app.type("Нет справки из части")
        app.storeDidChange(store.summaries())
        XCTAssertNil((app.topScreen as? FormScreen)?.overtaken, "nothing changed: nothing said")
        try returnAndProposeARefusal(in: store)
        app.storeDidChange(store.summaries())
        XCTAssertEqual(app.lines[2], " Changed meanwhile (Ctrl-R takes it up): it is now anna.k's proposal to refuse")
        XCTAssertEqual(app.status?.text, "Meanwhile it is now anna.k's proposal to refuse.")
        XCTAssertEqual((app.topScreen as? FormScreen)?.form.value("comment"), "Нет справки из части")
        // At 60 columns the instruction stays whole.
        var narrow = Canvas(size: Size(width: 60, height: 16))
        app.render(into: &narrow)
        XCTAssertTrue(narrow.lines[2].hasPrefix(" Changed meanwhile (Ctrl-R takes it up):"), narrow.lines[2])
        app.press([.control("s")])
        XCTAssertNil(try store.load(CaseID(number: 1)).record.decision?.review, "the refusal was not returned unseen")
        // Then the refusal is returned too: said again, as what it is now.
        let stored = try store.load(CaseID(number: 1))
        let maria = Actor(user: "maria.s", role: .supervisor)  // in another session of hers
        _ = try store.save(try Workflow.returnDecision(on: stored.record, comment: "Нужны документы", by: maria, at: Self.tick),
                           basedOn: stored.version, by: maria, at: Self.tick)
        app.storeDidChange(store.summaries())
        XCTAssertEqual(app.status?.text, "Meanwhile anna.k's proposal to grant was withdrawn or reviewed.")
        XCTAssertEqual((app.topScreen as? FormScreen)?.form.value("comment"), "Нет справки из части")
        // anna.k proposes a grant again; Ctrl-R takes the comment to it, shown above, and
        // Ctrl-S returns that one with it.
        let returned = try store.load(CaseID(number: 1))
        let anna = Actor(user: "anna.k", role: .caseworker)
        let later = Timestamp(secondsSinceEpoch: Self.tick.secondsSinceEpoch + 600)
        _ = try store.save(try Workflow.proposeDecision(.grant, reasons: "Справка из части приложена.", on: returned.record, by: anna, at: later),
                           basedOn: returned.version, by: anna, at: later)
        app.storeDidChange(store.summaries())
        XCTAssertEqual(app.status?.text, "Meanwhile anna.k's proposal to grant was amended.")
        app.press([.control("r")])
        XCTAssertEqual(app.status?.text, "Now about anna.k's proposal to grant (above); text kept, Ctrl-S saves.")
        XCTAssertTrue(app.lines.contains { $0.contains("Reasons: Справка из части приложена.") }, app.lines.joined(separator: "\n"))
        XCTAssertNil((app.topScreen as? FormScreen)?.overtaken)
        app.press([.control("s")])
        let review = try XCTUnwrap(try store.load(CaseID(number: 1)).record.decision?.review)
        XCTAssertEqual(review.verdict, .returned)
        XCTAssertEqual(review.comment, "Нет справки из части")
    }

    /// A story's forms are not watched through the summaries (which name no story as its form
    /// does): a change elsewhere says nothing over them (a review found every poll did).
    func testAStoryFormIsNotTakenAsOvertakenByAnyChange() throws {
        let store = try makeStore()
        var form = FormScreen(title: "Decline", heading: "Decline the story", form: Form(sections: [])) { _, _ in .problems([]) }
            .keeping("story.decline", onCase: CaseID(number: 1),
                     about: ProposalSeen(.story(consentGiven: Self.today, digest: "abc"), proposedBy: nil, proposedAt: nil))
        XCTAssertEqual(form.storeDidChange(store.summaries()).count, 0)
        XCTAssertNil(form.overtaken)
    }

    /// The same change reaching the screen while y or n is asked: the question is put away,
    /// saying what the proposal is now, not left over the new proposal (from a walk).
    func testAnApprovalQuestionIsPutAwayWhenTheProposalChangesMeanwhile() throws {
        let store = try makeStore()
        var app = try askedWhileARefusalIsProposed(store)
        app.storeDidChange(store.summaries())
        XCTAssertEqual(app.lines[22], " HV-000001 not approved: it is now anna.k's proposal to refuse; look again.")
        XCTAssertNil((app.topScreen as? ApprovalsScreen)?.confirming)
        app.press([.character("y")])
        XCTAssertNil(try store.load(CaseID(number: 1)).record.decision?.review, "y approves nothing: the refusal waits unreviewed")
    }

    /// maria asks to approve; someone else returns the proposal meanwhile: y says so.
    func testApprovingAProposalReturnedMeanwhileSaysSo() throws {
        let store = try makeStore()
        var app = app("maria.s", store)
        app.press([.character("3"), .character("a")])
        let stored = try store.load(CaseID(number: 1))
        let returned = try Workflow.returnDecision(on: stored.record, comment: "Cite the debrief.", by: Actor(user: "root", role: .supervisor), at: Self.tick)
        _ = try store.save(returned, basedOn: stored.version, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        app.storeDidChange(store.summaries())
        XCTAssertEqual(app.lines[22], " HV-000001 not approved: no longer waiting (withdrawn or reviewed meanwhile).")
        XCTAssertNil((app.topScreen as? ApprovalsScreen)?.confirming, "the question is put away with the row (from a walk)")
        XCTAssertEqual(app.lines[4], " Nothing is waiting for approval.")
        app.press([.character("y")])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.decision?.review?.verdict, .returned)
    }

    /// The list `A` asks about loses a proposal returned meanwhile: it moves to the skipped and
    /// the question is asked again of what is left; y approves only that.
    func testTheMarkedApprovalListDropsAProposalReturnedMeanwhile() throws {
        let store = try makeStore()
        let oleh = Actor(user: "oleh.m", role: .caseworker)
        _ = try store.save(try proposedGrant(4, defector("Петров", "Иван", "Petrov"), by: oleh, registered: Self.tick, at: Self.tick),
                           basedOn: nil, by: oleh, at: Self.tick)
        var app = app("maria.s", store)
        app.press([.character("3"), .character("v"), .character("v"), .character("A")])
        XCTAssertTrue(app.lines.contains(" Approve these 2? y approves each one, n none"), app.lines.joined(separator: "\n"))
        let stored = try store.load(CaseID(number: 1))
        let returned = try Workflow.returnDecision(on: stored.record, comment: "Cite the debrief.", by: Actor(user: "root", role: .supervisor), at: Self.tick)
        _ = try store.save(returned, basedOn: stored.version, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        app.storeDidChange(store.summaries())
        XCTAssertEqual(app.status?.text, "1 changed or reviewed meanwhile: approve the one left? y approves each, n none.")
        let lines = app.lines.joined(separator: "\n")
        XCTAssertTrue(lines.contains(" Approve this one? y approves each one, n none"), lines)
        XCTAssertTrue(lines.contains(" HV-000001 Жуков Артём Сергеевич: changed or reviewed meanwhile"), lines)
        app.press([.character("y")])
        XCTAssertEqual(app.status?.text, "Approved HV-000004; not HV-000001 (changed meanwhile).")
        XCTAssertEqual(try store.load(CaseID(number: 4)).record.stage, .allocation)
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.decision?.review?.verdict, .returned)
        // Both gone: the question goes, nothing approved.
        _ = try store.save(try proposedGrant(5, defector("Сидоров", "Пётр", "Sidorov"), by: oleh, registered: Self.tick, at: Self.tick),
                           basedOn: nil, by: oleh, at: Self.tick)
        app.storeDidChange(store.summaries())
        app.press([.home, .character("v"), .character("A")])
        XCTAssertTrue(app.lines.contains(" Approve this one? y approves each one, n none"), app.lines.joined(separator: "\n"))
        let five = try store.load(CaseID(number: 5))
        _ = try store.save(try Workflow.returnDecision(on: five.record, comment: "More.", by: Actor(user: "root", role: .supervisor), at: Self.tick),
                           basedOn: five.version, by: oleh, at: Self.tick)
        app.storeDidChange(store.summaries())
        XCTAssertEqual(app.status?.text, "Nothing approved: the 1 listed were changed or reviewed meanwhile.")
        XCTAssertNil((app.topScreen as? ApprovalsScreen)?.batch)
    }

    /// The same from the case screen, where the case reloads while the question is open: y
    /// approves what the question showed, or nothing.
    func testApprovingFromTheCaseAfterTheProposalChangedIsRefused() throws {
        let store = try makeStore()
        var app = app("maria.s", store)
        app.press([.character("3"), .enter, .character("a")])
        XCTAssertEqual(app.lines[22], " Approve HV-000001: grant, proposed by anna.k? y approves, n does not.")
        // A reload that leaves the proposal as it was keeps the question said.
        _ = app.perform([.reload(CaseID(number: 1))])
        XCTAssertEqual(app.lines[22], " Approve HV-000001: grant, proposed by anna.k? y approves, n does not.")
        XCTAssertTrue(app.lines[23].contains("y Approve"), app.lines[23])
        try returnAndProposeARefusal(in: store)
        // y before the reload: the store refuses it (the case changed since it was read).
        var early = app
        early.press([.character("y")])
        XCTAssertTrue(early.lines[22].hasPrefix(" Not saved: anna.k changed it"), early.lines[22])
        XCTAssertNil(try store.load(CaseID(number: 1)).record.decision?.review)
        // The reload puts the question away, saying what waits now; y then approves nothing.
        _ = app.perform([.reload(CaseID(number: 1))])
        XCTAssertEqual(app.lines[22], " HV-000001 not approved: it is now anna.k's proposal to refuse; look again.")
        XCTAssertFalse(app.lines[23].contains("y Approve"), app.lines[23])
        app.press([.character("y")])
        XCTAssertNil(try store.load(CaseID(number: 1)).record.decision?.review)
    }

    /// A kept amendment of a proposal approved meanwhile is read back saying who approved it,
    /// not opened as a form whose save is refused (from a walk).
    func testAKeptAmendmentOfADecisionApprovedMeanwhileIsReadBackSayingWho() throws {
        let store = try makeStore()
        var anna = app("anna.k", store)
        _ = anna.perform([.openCase(CaseID(number: 1))])
        anna.press([.character("p")])
        XCTAssertEqual(anna.topScreen.title, "Amend", anna.lines.joined(separator: "\n"))
        anna.type(" Дебрифинг подтверждает.")
        anna.endSession()
        var maria = app("maria.s", store)
        maria.press([.character("3"), .character("a"), .character("y")])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.decision?.review?.verdict, .approved)
        var back = app("anna.k", store)
        XCTAssertEqual(back.topScreen.title, "Kept forms", back.lines.joined(separator: "\n"))
        back.press([.enter])
        XCTAssertEqual(back.status?.text, "Your \u{201C}Amend HV-000001\u{201D} cannot open: approved by maria.s meanwhile.")
        XCTAssertTrue(back.lines.joined(separator: "\n").contains("Дебрифинг подтверждает."), "read back, to keep as a note")
    }

    func testASupervisorApprovesFromTheCaseItself() throws {
        let store = try makeStore()
        var app = app("maria.s", store)
        app.press([.character("3"), .enter])
        XCTAssertTrue(app.lines[1].hasPrefix(" HV-000001 Жуков Артём Сергеевич (Artem Zhukov) · Decision · v"), app.lines[1])
        app.press([.character("a")])
        XCTAssertEqual(app.lines[22], " Approve HV-000001: grant, proposed by anna.k? y approves, n does not.")
        app.press([.character("n")])
        XCTAssertEqual(app.lines[22], " Not approved.")
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.stage, .decision)
        app.press([.character("a"), .character("y")])
        XCTAssertTrue(app.lines[1].contains("· Allocation ·"), app.lines[1])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.stage, .allocation)
    }

    /// The store with HV-000001's proposed decision made maria.s's own.
    func storeWithMariasProposal() throws -> InMemoryCaseStore {
        let store = try makeStore()
        var record = try store.load(CaseID(number: 1))
        record.record.decision?.proposedBy = "maria.s"
        _ = try store.save(record.record, basedOn: record.version, by: Actor(user: "maria.s", role: .supervisor), at: Self.tick)
        return store
    }

    func testNobodyApprovesTheirOwnProposal() throws {
        let store = try storeWithMariasProposal()
        var app = app("maria.s", store)
        app.press([.character("3")])
        XCTAssertTrue(app.lines[4].contains("maria.s (…"), app.lines[4])
        XCTAssertEqual(app.render().styles(inRow: 4).first?.reverse, true)
        app.press([.character("a")])
        XCTAssertEqual(app.lines[22], " You proposed this yourself; approve grant needs a second person.")
        // Nor returns it: refused at u, before a comment is typed (from a walk).
        app.press([.character("u")])
        XCTAssertEqual(app.topScreen.title, "Approvals")
        XCTAssertEqual(app.lines[22], " You proposed this yourself; approve grant needs a second person.")
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.stage, .decision)
    }

    func testReturningAsksForACommentAndKeepsTheCaseInDecision() throws {
        let store = try makeStore()
        var app = app("maria.s", store)
        app.press([.character("3"), .character("u")])
        XCTAssertEqual(app.lines[1], " Return anna.k's proposal to grant on HV-000001", "the heading names what is returned")
        app.press([.control("s")])
        XCTAssertTrue(app.lines.contains("                          ! Say why it goes back."), app.lines.joined(separator: "\n"))
        app.press(typeKeys("Cite the debrief.") + [.control("s")])
        XCTAssertEqual(app.lines[22], " Saved HV-000001: return decision.")
        XCTAssertEqual(app.lines[1], " Proposals awaiting approval: 0")
        let returned = try store.load(CaseID(number: 1)).record
        XCTAssertEqual(returned.decision?.review, Review(verdict: .returned, by: "maria.s", at: Self.tick, comment: "Cite the debrief."))
        XCTAssertEqual(returned.stage, .decision)
    }

    // MARK: Keys by role

    func testTheCaseViewOffersOnlyWhatTheRoleMayDo() throws {
        let store = try makeStore()
        func bar(_ user: UserName, case number: Int) -> String {
            let stored = try! store.load(CaseID(number: number))
            let screen = CaseViewScreen(stored: stored, history: [], context: context(user))
            var canvas = Canvas(size: Size(width: 120, height: 24))
            var app = HavenApp(root: screen, context: context(user), store: store)
            app.render(into: &canvas)
            _ = app.handle(.character("z"), terminalSize: Size(width: 120, height: 24))
            return canvas.line(23)
        }
        XCTAssertEqual(bar("anna.k", case: 1), "? Help n Note e Edit p Amend i Integrate f Family c Consent t Stage Tab Section r Reload q Quit",
                       "a caseworker waits for review, and may amend or withdraw (t) her proposal until then")
        XCTAssertEqual(bar("maria.s", case: 1), "? Help a Approve u Return n Note e Edit i Integrate f Family c Consent t Stage o Reassign Tab Section r Reload q Quit",
                       "the review waiting for her first")
        XCTAssertEqual(bar("anna.k", case: 2), "? Help n Note e Edit s Screen i Integrate f Family c Consent t Stage Tab Section r Reload q Quit")
        XCTAssertEqual(bar("audit.e", case: 1), "? Help Tab Section r Reload q Quit", "an auditor reads and changes nothing")
        XCTAssertEqual(bar("root", case: 2), "? Help Tab Section r Reload q Quit")
        // At the smallest size the review keeps its keys on the bar (a walk found them dropped).
        let stored = try store.load(CaseID(number: 1))
        var app = HavenApp(root: CaseViewScreen(stored: stored, history: [], context: context("maria.s")), context: context("maria.s"), store: store)
        var canvas = Canvas(size: Size(width: 60, height: 16))
        _ = app.handle(.character("z"), terminalSize: Size(width: 60, height: 16))
        app.render(into: &canvas)
        XCTAssertTrue(canvas.line(15).hasPrefix("? Help a Approve u Return n Note"), canvas.line(15))
        XCTAssertTrue(canvas.line(15).hasSuffix("q Quit"), canvas.line(15))
    }

    func testASupervisorsOwnProposalOffersNoReviewInTheCaseViewAndSaysWhy() throws {
        // From a review: the key bar offered a Approve and u Return to the proposer, and u
        // opened the comment form only for the save to refuse it.
        let store = try storeWithMariasProposal()
        var app = app("maria.s", store)
        app.press([.character("3"), .enter])
        XCTAssertTrue(app.lines[1].hasPrefix(" HV-000001 "), app.lines[1])
        XCTAssertFalse(app.lines[23].contains("Approve"), app.lines[23])
        XCTAssertFalse(app.lines[23].contains("Return"), app.lines[23])
        for key in ["a", "u"] as [Character] {
            app.press([.character(key)])
            XCTAssertTrue(app.lines[1].hasPrefix(" HV-000001 "), "\(key): \(app.lines[1])")
            XCTAssertEqual(app.lines[22], " You proposed this yourself; approve grant needs a second person.", "\(key)")
        }
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.stage, .decision)
        XCTAssertNil(try store.load(CaseID(number: 1)).record.decision?.review)
    }

    func testACaseworkerRecordsScreeningChecks() throws {
        let store = try makeStore()
        var app = app("anna.k", store)
        app.press([.character("2"), .down, .enter]) // My cases: HV-000001, HV-000002
        XCTAssertTrue(app.lines[1].hasPrefix(" HV-000002 Щербаков"), app.lines[1])
        app.press([.character("s")])
        XCTAssertEqual(app.lines[1], " Screening check for HV-000002 · Ctrl-S records it")
        XCTAssertFalse(app.lines.contains { $0.contains("Article 1F") }, "the 1F steps only for the exclusion check")
        // Identity, cleared, but no document named: the rule says so beside the field.
        app.press([.control("s")])
        XCTAssertTrue(app.lines.contains { $0.contains("! Name the documents seen that verify the identity.") })
        // The focus went to the field with the problem.
        app.press(typeKeys("военный билет") + [.control("s")])
        XCTAssertEqual(app.lines[22], " Saved HV-000002 as v2.")
        XCTAssertTrue(app.lines[1].hasPrefix(" HV-000002 Щербаков"), "back on the case")
        let screened = try store.load(CaseID(number: 2)).record
        XCTAssertEqual(screened.screening.first?.documentsSeen, ["военный билет"])
        XCTAssertEqual(screened.screening.first?.recordedBy, "anna.k")
        XCTAssertEqual(screened.outstandingScreening, [.securityVetting, .exclusion, .debrief])
        // The next check offered is the next outstanding one; an exclusion check needs its 1F steps.
        // With a check recorded, s offers a new check first, then each recorded one to correct.
        app.press([.character("s")])
        XCTAssertTrue(app.lines.contains { $0.contains("Record a check") && $0.contains("next: Security vetting") }, app.lines.joined(separator: "\n"))
        XCTAssertTrue(app.lines.contains { $0.contains("Correct identity verified") }, app.lines.joined(separator: "\n"))
        app.press([.enter, .right]) // Security vetting -> Exclusion
        XCTAssertTrue(app.lines.contains(" 2 Article 1F assessment"), app.lines.joined(separator: "\n"))
        app.press([.control("s")])
        XCTAssertTrue(app.lines.contains { $0.contains("! The act: give the reasoning.") }, app.lines.joined(separator: "\n"))
    }

    func testStageMovesComeFromTheWorkflow() throws {
        let store = try makeStore()
        var app = app("oleh.m", store)
        app.press([.character("2"), .enter, .character("t")])
        XCTAssertEqual(app.lines[1], " Move HV-000003 on from Intake")
        XCTAssertTrue(app.lines[3].hasPrefix(">Submit for screening"), app.lines[3])
        app.press([.enter])
        XCTAssertEqual(app.lines[22], " Saved HV-000003 as v2.")
        XCTAssertEqual(try store.load(CaseID(number: 3)).record.stage, .screening)
        // Moving on past interviews not held says so where the move is chosen (from a walk).
        var anna = self.app("anna.k", store)
        _ = anna.perform([.openCase(CaseID(number: 2))])
        anna.press([.character("t")])
        let line = try XCTUnwrap(anna.lines.first { $0.contains("Complete screening") }, anna.lines.joined(separator: "\n"))
        XCTAssertTrue(line.contains("to Decision · not held: Screening interview"), line)
    }

    // MARK: Queues, workload, reassignment

    func testOverdueCasesAreMarkedAndFiltered() throws {
        let store = try makeStore()
        var app = app("maria.s", store)
        app.press([.character("2")])
        let lines = app.lines
        XCTAssertTrue(lines[5].hasSuffix("Screening     40! anna.k"), lines[5])
        XCTAssertFalse(lines[4].contains("!"), lines[4])
        XCTAssertFalse(lines[6].contains("!"), lines[6])
        XCTAssertEqual(app.render().styles(inRow: 6).first, Style.normal)
        XCTAssertEqual(app.render().styles(inRow: 5).first, Style.normal, "the ! marks it; no bold or colour to pay for on every page")
        app.press([.character("o")])
        XCTAssertEqual(app.lines[1], " All cases: 1 of 3 · overdue")
    }

    func testASupervisorReassignsMarkedCases() throws {
        let store = try makeStore()
        var app = app("maria.s", store)
        app.press([.character("5")])
        var lines = app.lines
        XCTAssertTrue(lines[4].hasPrefix(">anna.k"), lines[4])
        XCTAssertTrue(lines[4].hasSuffix("     0     1     1     0     0     0     2     1     1"), lines[4])
        app.press([.enter]) // anna.k's queue
        XCTAssertEqual(app.lines[1], " All cases: 2 of 3 · worker anna.k")
        app.press([.character("v"), .character("v"), .character("R")])
        lines = app.lines
        XCTAssertEqual(lines[1], " Give 2 marked cases to")
        XCTAssertEqual(lines.filter { $0.contains("Caseworker") || $0.contains("Supervisor") }.count, 3, "auditors and administrators are not offered")
        app.press([.down, .down]) // anna.k, maria.s, oleh.m
        app.press([.enter])
        XCTAssertEqual(app.lines[22], " 2 cases saved.")
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.assignedTo, "oleh.m")
        XCTAssertEqual(try store.load(CaseID(number: 2)).record.assignedTo, "oleh.m")
        XCTAssertEqual(app.lines[1], " All cases: 0 of 3 · worker anna.k")
    }

    // MARK: Dashboard, audit, reports, users

    func testTheDashboardDrawsBarsAndAnHonestEmptyState() throws {
        let empty = InMemoryCaseStore(users: Self.users)
        var app = app("maria.s", empty)
        app.press([.character("6")])
        var lines = app.lines
        XCTAssertEqual(lines[1], " Cases by stage · 0 in all")
        XCTAssertEqual(lines[2], "   No cases yet: register one from Intake.")
        XCTAssertTrue(lines.contains("   No allocation has been approved yet, so every place is free."))
        XCTAssertTrue(lines.contains("   No decision was approved in the last 8 weeks."))

        let store = try makeStore()
        app = self.app("maria.s", store)
        app.press([.character("6")])
        lines = app.lines
        // Intake 1, Screening 1, Decision 1: equal bars, full width; the others empty.
        XCTAssertEqual(lines[2].prefix(18), " Intake           ")
        XCTAssertTrue(lines[3].contains("████"), lines[3])
        XCTAssertTrue(lines[3].hasSuffix("1 · 1 overdue"), lines[3])
        XCTAssertTrue(lines[5].contains("  0"), lines[5])
        XCTAssertFalse(lines[5].contains("█"), lines[5])
    }

    func testBarsAreDrawnInEighths() {
        XCTAssertEqual(BarChart.bar(value: 1, maximum: 2, width: 4), "██  ")
        XCTAssertEqual(BarChart.bar(value: 3, maximum: 16, width: 2), "▍ ")
        XCTAssertEqual(BarChart.bar(value: 1, maximum: 6000, width: 10), "▏         ", "a value above zero never vanishes")
        XCTAssertEqual(BarChart.bar(value: 0, maximum: 10, width: 3), "   ")
        XCTAssertEqual(BarChart.bar(value: 12, maximum: 10, width: 3), "███", "never past the end")
        var canvas = Canvas(size: Size(width: 40, height: 1))
        BarChart.draw(BarChart.Row(label: "Ирландия", value: 3, maximum: 6, figures: "3/6"), into: &canvas, x: 0, y: 0, width: 40,
                      labelWidth: 10, figuresWidth: 5)
        // 21 cells of bar: half is 10 and a half.
        XCTAssertEqual(canvas.line(0), " Ирландия   ██████████▌           3/6")
        XCTAssertEqual(canvas.styles(inRow: 0)[12], Style.bar)
    }

    /// The dashboard and the allocation screen take in a quota changed in another session at
    /// the next look, not only the cases: they ask the store, not the reference data read at
    /// the start.
    func testTheDashboardAndAllocationFollowAQuotaChangedElsewhere() throws {
        let gb = Self.reference.countries[0]
        let store = InMemoryCaseStore(users: Self.users, countries: [gb])
        var app = app("maria.s", store)
        app.press([.character("6")])
        XCTAssertTrue(app.lines.contains { $0.contains("0/8 0%") }, app.lines.joined(separator: "\n"))
        _ = try store.changeHostCountries(.setQuota(gb.code, 6000), by: Actor(user: "root", role: .administrator), at: Self.tick)
        app.storeDidChange(store.summaries())
        XCTAssertTrue(app.lines.contains { $0.contains("0/6,000 0%") }, app.lines.joined(separator: "\n"))
        var allocation = AllocationScreen(cases: store.summaries(), context: context("maria.s"))
        XCTAssertEqual(allocation.uses.first?.country.quota, 8, "the reference data until the store answers")
        let asked = allocation.storeDidChange(store.summaries())
        XCTAssertEqual(asked.count, 1)
        _ = allocation.receive(reply: .hostCountries(try store.hostCountries()))
        XCTAssertEqual(allocation.uses.first?.country.quota, 6000)
    }

    /// A quota bar marks where full is and never loses a small figure: 6 of 6,000 is a sliver
    /// at the start of an empty track ending in |, with the figures and a percentage that is
    /// not 0% beside it.
    func testQuotaBarsMarkFullAndShowSmallFigures() {
        XCTAssertEqual(BarChart.markedBar(value: 6, maximum: 6000, width: 10), "▏        |")
        XCTAssertEqual(BarChart.markedBar(value: 0, maximum: 6000, width: 6), "     |", "empty, but the quota is there")
        XCTAssertEqual(BarChart.markedBar(value: 6000, maximum: 6000, width: 6), "█████|")
        XCTAssertEqual(BarChart.markedBar(value: 9000, maximum: 6000, width: 6), "█████|", "never past the mark")
        XCTAssertEqual(BarChart.markedBar(value: 2, held: 1, maximum: 10, width: 11), "██▒       |", "held after used")
        XCTAssertEqual(BarChart.markedBar(value: 6, held: 3, maximum: 6000, width: 6), "▏▒   |", "a few held still show")
        XCTAssertEqual(BarChart.percent(6, of: 6000), "0.1%")
        XCTAssertEqual(BarChart.percent(1, of: 60000), "<0.1%")
        XCTAssertEqual(BarChart.percent(0, of: 6000), "0%")
        XCTAssertEqual(BarChart.percent(2999, of: 6000), "49%")
        XCTAssertEqual(BarChart.grouped(120000), "120,000")
        XCTAssertEqual(BarChart.grouped(6), "6")
        var canvas = Canvas(size: Size(width: 50, height: 1))
        BarChart.draw(BarChart.Row(label: "DE Germany", value: 6, maximum: 6000, figures: "6/6,000 0.1%", marksFull: true),
                      into: &canvas, x: 0, y: 0, width: 50, labelWidth: 12, figuresWidth: 12)
        XCTAssertEqual(canvas.line(0), " DE Germany   ▏                    | 6/6,000 0.1%")
    }

    func testTheAuditTrailFiltersByUser() throws {
        let store = try makeStore()
        var app = app("audit.e", store)
        app.press([.character("6")]) // auditor: Queues, Approvals, Allocation, Workload, Dashboard, Audit trail
        XCTAssertEqual(app.lines[1], " Audit trail: 3 entries · everything")
        XCTAssertTrue(app.lines[4].contains("oleh.m       HV-000003 v1 registered"), app.lines[4])
        app.press([.character("/")] + typeKeys("anna.k") + [.control("s")])
        XCTAssertEqual(app.lines[1], " Audit trail: 2 entries · user anna.k")
        app.press([.enter])
        XCTAssertTrue(app.lines[3].hasPrefix(" #2 · 2026-11-24 09:30 UTC · anna.k · HV-000002 v1"), app.lines[3])
        app.press([.enter, .character("/")] + [.tab, .tab] + typeKeys("2026-13-01") + [.control("s")])
        XCTAssertTrue(app.lines.contains { $0.contains("! Write the date as YYYY-MM-DD.") })
    }

    func testReportsShowEachKindAndWriteAFile() throws {
        let store = try makeStore()
        let written = WrittenFiles()
        var context = context("maria.s")
        context.writeFile = { path, contents in written.add(path, contents) }
        var app = HavenApp(root: HomeScreen(cases: store.summaries(), context: context), context: context, store: store)
        app.press([.character("8")])
        XCTAssertTrue(app.lines[3].hasPrefix(" Pipeline: cases by stage, 2026-11-24"), app.lines[3])
        app.press([.character("3")])
        XCTAssertTrue(app.lines.contains { $0.hasPrefix(" anna.k   caseworker") }, app.lines.joined(separator: "\n"))
        app.press([.character("w"), .tab, .control("u")] + typeKeys("/tmp/w.csv") + [.control("s")])
        XCTAssertEqual(app.lines[22], " Wrote /tmp/w.csv.")
        XCTAssertEqual(written.files.first?.0, "/tmp/w.csv")
        XCTAssertTrue(written.files.first?.1.hasPrefix("\u{FEFF}user,role,intake,screening") == true)
    }

    func testAnAdministratorGivesAndTakesRoles() throws {
        let store = try makeStore()
        var context = context("root")
        context.accountExists = { $0 != "nobody" }
        var app = HavenApp(root: HomeScreen(cases: store.summaries(), context: context), context: context, store: store)
        app.press([.character("6")]) // administrator: Queues, Allocation, Dashboard, Audit, Reports, Users
        XCTAssertEqual(app.lines[1], " Users of this store: 5")
        app.press([.character("a")] + typeKeys("nobody") + [.control("s")])
        XCTAssertTrue(app.lines.contains { $0.contains("! There is no user account 'nobody' on this server.") })
        app.press([.control("u")] + typeKeys("pieter.v") + [.tab, .right, .control("s")])
        XCTAssertEqual(app.lines[1], " Users of this store: 6")
        XCTAssertEqual(app.lines[22], " pieter.v is now a supervisor.")
        XCTAssertEqual(store.users().account("pieter.v")?.role, .supervisor)
        // The last administrator cannot be removed.
        let rootRow = app.lines.firstIndex { $0.hasPrefix(" root (you)") }!
        for _ in 0..<(rootRow - 3) { app.press([.down]) }
        app.press([.character("d"), .character("y")])
        XCTAssertEqual(app.lines[22], " root is the only administrator; make someone else an administrator first.")
        XCTAssertEqual(store.users().users.count, 6)
        // Anyone else can be: pieter.v sits just above root.
        app.press([.up, .character("d")])
        XCTAssertEqual(app.lines[22], " Take pieter.v's role (supervisor) away? y removes, n keeps.")
        app.press([.character("y")])
        XCTAssertEqual(app.lines[22], " pieter.v no longer has a role here.")
        XCTAssertNil(store.users().account("pieter.v"))
        XCTAssertEqual(store.auditTrail(matching: AuditFilter(), limit: 1).first?.changes,
                       [FieldChange(field: "users.pieter.v.role", before: "\"supervisor\"", after: nil)])
    }

    /// Added after the runtime became commands and messages (issue 22): a store-backed action
    /// written in one screen's file, `UsersScreen.OpenCasesOf`, with no change to the runtime.
    func testRemovingAUserNamesTheOpenCasesTheyStillHold() throws {
        let store = try makeStore()
        let context = context("root")
        var app = HavenApp(root: HomeScreen(cases: store.summaries(), context: context), context: context, store: store)
        app.press([.character("6")])
        let holder = try XCTUnwrap(store.summaries().first { $0.stage != .closed && $0.assignedTo != nil }?.assignedTo)
        let held = store.summaries().filter { $0.assignedTo == holder && $0.stage != .closed }.map(\.id)
        let row = try XCTUnwrap(app.lines.firstIndex { $0.dropFirst().hasPrefix("\(holder) ") })
        let at = try XCTUnwrap(app.lines.firstIndex { $0.hasPrefix(">") })
        for _ in 0..<(row - at) { app.press([.down]) }
        app.press([.character("d")])
        let count = held.count == 1 ? "1 open case" : "\(held.count) open cases"
        XCTAssertTrue(app.lines[22].hasPrefix(" \(holder) holds \(count) (\(held[0])"), app.lines[22])
        XCTAssertTrue(app.lines[22].hasSuffix("remove anyway? y removes, n keeps."), app.lines[22])
        app.press([.character("n")])
        XCTAssertNotNil(store.users().account(holder), "n keeps the user")
        // Someone with no open case is asked plainly.
        app.press([.character("a")] + typeKeys("pieter.v") + [.control("s")])
        let pieter = try XCTUnwrap(app.lines.firstIndex { $0.dropFirst().hasPrefix("pieter.v ") })
        for _ in 0..<20 { app.press([.up]) }
        let top = try XCTUnwrap(app.lines.firstIndex { $0.hasPrefix(">") })
        for _ in 0..<(pieter - top) { app.press([.down]) }
        app.press([.character("d")])
        XCTAssertEqual(app.lines[22], " Take pieter.v's role (caseworker) away? y removes, n keeps.")
    }
}

final class WrittenFiles: @unchecked Sendable {
    var files: [(String, String)] = []
    func add(_ path: String, _ contents: String) { files.append((path, contents)) }
}
