import HavenCore
@testable import HavenTUI
import XCTest

/// Issue 20, point 4 on screen at 80x24: the defector's preferences recorded from the case
/// view, and a country proposed for one case from its ranking, then approved by a supervisor.
final class AllocationByHandScreensTests: XCTestCase {
    static let today = AllocationScreenTests.today
    static let tick = AllocationScreenTests.tick
    static let users = AllocationScreenTests.users
    static let countries = [
        HostCountry(code: CountryCode("DE")!, name: "Germany", languages: [LanguageCode("de")!], quota: 40),
        HostCountry(code: CountryCode("NL")!, name: "Netherlands", languages: [LanguageCode("nl")!], quota: 40),
        HostCountry(code: CountryCode("GB")!, name: "United Kingdom", languages: [LanguageCode("en")!], quota: 40),
    ]
    static let reference = ReferenceData(countries: countries, occupations: OccupationCatalogue(unitGroups: [], specialties: []),
                                         allocation: AllocationPolicy(weights: [.language: 4, .preference: 5]))

    /// Case 1 (Жуков, German B2, English A2, Dutch first choice) granted and awaiting a country, assigned to anna.k.
    func makeStore(stage: CaseStage = .allocation) throws -> InMemoryCaseStore {
        let store = InMemoryCaseStore(users: Self.users, countries: Self.countries)
        var record = Case(id: CaseID(number: 1),
                          defector: Defector(cyrillicName: FullName(family: "Жуков", given: "Артём"), latinName: FullName(family: "Zhukov", given: "Artem"),
                                             languages: [LanguageSkill(language: LanguageCode("de")!, level: .b2),
                                                         LanguageSkill(language: LanguageCode("en")!, level: .a2)],
                                             preferredCountries: [CountryCode("NL")!]),
                          registeredBy: "anna.k", registeredAt: Self.tick)
        record.stage = stage
        _ = try store.save(record, basedOn: nil, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        return store
    }

    func app(_ user: UserName, _ store: InMemoryCaseStore) -> HavenApp {
        let context = SessionContext(user: user, today: Self.today, storeDescription: "Store", role: Self.users.account(user)!.role,
                                     clock: { Self.tick }, reference: Self.reference)
        return HavenApp(root: HomeScreen(cases: store.summaries(), context: context), context: context, store: store)
    }

    func openCase(_ app: inout HavenApp) {
        app.press([.character("/")])
        app.type("1")
        app.press([.enter])
        XCTAssertEqual(app.topScreen.title, "HV-000001")
    }

    var id: CaseID { CaseID(number: 1) }

    /// anna.k proposes the best country for case 1 by hand; pieter.v, a supervisor, has the case open.
    func annaProposesAndPieterOpens(_ store: InMemoryCaseStore) -> (anna: HavenApp, pieter: HavenApp) {
        var anna = app("anna.k", store)
        openCase(&anna)
        anna.press([.character("p"), .enter])
        var pieter = app("pieter.v", store)
        openCase(&pieter)
        return (anna, pieter)
    }

    func testPreferencesAreRecordedFromTheCaseViewAndACountryTwiceIsRefusedBesideItsField() throws {
        let store = try makeStore(stage: .decision)
        var app = app("anna.k", store)
        openCase(&app)
        XCTAssertFalse(app.lines.last!.contains("Prefer"), "in the key bar only in Allocation: \(app.lines.last!)")
        app.press([.character("w")])
        XCTAssertEqual(app.topScreen.title, "Preferences")
        let form = app.lines.joined(separator: "\n")
        for label in ["1st choice of country", "2nd choice of country", "3rd choice of country", "Why these countries", "NL Netherlands"] {
            XCTAssertTrue(form.contains(label), label + "\n" + form)
        }
        // 1st stays the Netherlands; 2nd: the first option with a word starting with u (United
        // Kingdom, by its name, not its code); 3rd: the same again.
        app.press([.tab, .character("u"), .tab, .character("u"), .tab])
        app.type("Брат в Роттердаме, учит немецкий")
        app.press([.control("s")])
        XCTAssertEqual(app.topScreen.title, "Preferences", "refused: GB twice")
        XCTAssertTrue(app.lines.joined(separator: "\n").contains("GB is already the 2nd choice"), app.lines.joined(separator: "\n"))
        XCTAssertEqual(try store.load(id).record.defector.preferredCountries, [CountryCode("NL")!], "nothing saved")
        // The 3rd back to none (the option after United Kingdom), then saved.
        app.press([.backTab, .right])
        app.press([.control("s")])
        XCTAssertEqual(app.topScreen.title, "HV-000001", app.lines.last!)
        let saved = try store.load(id).record.defector
        XCTAssertEqual(saved.preferredCountries, [CountryCode("NL")!, CountryCode("GB")!])
        XCTAssertEqual(saved.preferenceReasons, "Брат в Роттердаме, учит немецкий")
        let view = app.lines.joined(separator: "\n")
        XCTAssertTrue(view.contains("1 NL Netherlands, 2 GB United Kingdom"), view)
        XCTAssertTrue(view.contains("Брат в Роттердаме"), view)
    }

    func testACountryIsProposedForOneCaseFromItsRankingAndASupervisorApprovesIt() throws {
        let store = try makeStore()
        var anna = app("anna.k", store)
        openCase(&anna)
        XCTAssertTrue(anna.lines.last!.contains("p Propose") && anna.lines.last!.contains("w Prefer"), anna.lines.last!)
        anna.press([.character("p")])
        XCTAssertEqual(anna.topScreen.title, "Propose allocation")
        let screen = anna.lines.joined(separator: "\n")
        // German B2 is 16, the Dutch first choice 15, English A2 8: Germany first, the alternatives below.
        XCTAssertTrue(screen.contains("Allocate HV-000001 Жуков Артём · best DE 16"), screen)
        let rows = anna.lines.filter { $0.contains("     40  ") }
        XCTAssertEqual(rows.count, 3, screen)
        XCTAssertTrue(rows[0].contains("DE") && rows[0].contains("16") && rows[0].contains("40") && rows[0].contains("Language 16"), rows[0])
        XCTAssertTrue(rows[1].contains("NL") && rows[1].contains("15"), rows[1])
        // The detail under the list wraps: read it as one text.
        let flat = anna.lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertTrue(flat.contains("Germany: Language 16 (de B2)"), screen)
        XCTAssertTrue(flat.contains("Why not NL: Netherlands scores 1 point less, 15 against 16 (Language −16, Preference +15)."), screen)
        anna.press([.enter])
        XCTAssertEqual(anna.topScreen.title, "HV-000001", anna.lines.last!)
        let proposed = try XCTUnwrap(try store.load(id).record.allocation)
        XCTAssertEqual(proposed.country, CountryCode("DE")!)
        XCTAssertEqual(proposed.factors.score, 16)
        XCTAssertEqual(proposed.runnerUp, CountryCode("NL")!)
        XCTAssertEqual(proposed.runnerUpReason, "Netherlands scores 1 point less, 15 against 16 (Language −16, Preference +15).")
        XCTAssertFalse(anna.lines.last!.contains("Propose"), "no second proposal while one waits: \(anna.lines.last!)")
        // Preferences cannot change under a waiting proposal, and the case view says why at once.
        anna.press([.character("w")])
        XCTAssertEqual(anna.topScreen.title, "HV-000001")
        XCTAssertEqual(anna.status?.text, "A proposal of DE awaits a supervisor: its proposer withdraws it, or a supervisor returns it, before the preferences change.")
        // A supervisor approves it.
        var pieter = app("pieter.v", store)
        openCase(&pieter)
        pieter.press([.character("a"), .character("y")])
        XCTAssertEqual(try store.load(id).record.stage, .relocation)
        XCTAssertEqual(try store.load(id).record.allocatedCountry, CountryCode("DE")!)
    }

    func testTheProposerReplacesOrWithdrawsAProposalStillWaiting() throws {
        // From the walk: a proposal by hand could be neither changed nor taken back by its
        // proposer. Now p on the case (Amend) opens the ranking again: Enter on another
        // country replaces it, W withdraws it; anyone else is told who may.
        let store = try makeStore()
        var anna = app("anna.k", store)
        openCase(&anna)
        anna.press([.character("p"), .enter])
        XCTAssertEqual(try store.load(id).record.allocation?.country, CountryCode("DE")!)
        XCTAssertTrue(anna.lines.last!.contains("p Amend"), anna.lines.last!)
        var pieter = app("pieter.v", store)
        openCase(&pieter)
        XCTAssertFalse(pieter.lines.last!.contains("Amend"), pieter.lines.last!)
        pieter.press([.character("p")])
        XCTAssertEqual(pieter.status?.text, "Only its proposer, anna.k, can change or withdraw this allocation.")
        anna.press([.character("p")])
        let screen = anna.lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains("HV-000001: DE proposed · Enter replaces, W withdraws"), screen)
        XCTAssertTrue(anna.lines.contains { $0.contains("DE") && $0.contains("proposed, waiting") }, screen)
        XCTAssertTrue(anna.lines.last!.contains("W Withdraw"), anna.lines.last!)
        // End and Home (G, g) reach the last and first country, as in other lists.
        anna.press([.end])
        XCTAssertTrue(anna.lines.contains { $0.hasPrefix("> 3 ") }, anna.lines.joined(separator: "\n"))
        anna.press([.character("g")])
        XCTAssertTrue(anna.lines.contains { $0.hasPrefix("> 1 ") }, anna.lines.joined(separator: "\n"))
        // NL scores less than DE: the reason is asked for and kept, as for any proposal.
        anna.press([.down, .enter])
        anna.type("Сестра в Утрехте")
        anna.press([.enter])
        XCTAssertEqual(anna.topScreen.title, "HV-000001", anna.lines.joined(separator: "\n"))
        XCTAssertEqual(anna.status?.text, "Proposed HV-000001 for NL (replacing DE); a supervisor approves it.")
        let replaced = try XCTUnwrap(try store.load(id).record.allocation)
        XCTAssertEqual(replaced.country, CountryCode("NL")!)
        XCTAssertNil(replaced.review)
        XCTAssertTrue(replaced.runnerUpReason?.contains("Сестра в Утрехте") ?? false, replaced.runnerUpReason ?? "")
        // W asks first; n keeps the proposal, y withdraws it and the case is back in the
        // queue, to be proposed afresh.
        anna.press([.character("p"), .character("W")])
        XCTAssertEqual(anna.status?.text, "Withdraw your proposal of NL for HV-000001? y withdraws, n keeps it.")
        XCTAssertTrue(anna.lines.last!.contains("y Withdraw") && anna.lines.last!.contains("n Keep"), anna.lines.last!)
        anna.press([.character("n")])
        XCTAssertEqual(anna.status?.text, "Kept your proposal of NL for HV-000001.")
        XCTAssertEqual(try store.load(id).record.allocation?.country, CountryCode("NL")!)
        anna.press([.character("W"), .character("y")])
        XCTAssertEqual(anna.status?.text, "Withdrew HV-000001's proposal for NL; it is back in the queue.")
        XCTAssertNil(try store.load(id).record.allocation)
        XCTAssertEqual(try store.load(id).record.stage, .allocation)
        XCTAssertTrue(anna.lines.last!.contains("p Propose"), anna.lines.last!)
    }

    /// From the walk: a batch's proposal on anna's case was maria's alone; anna, who knows the
    /// person, now amends or withdraws it from the case view, and pieter is told who may.
    func testTheCaseworkerWithdrawsABatchProposalOnHerCase() throws {
        let store = try makeStore()
        let loaded = try store.load(id)
        var record = loaded.record
        record.assignedTo = "anna.k"
        record.allocation = AllocationProposal(country: CountryCode("DE")!, proposedBy: "maria.s", proposedAt: Self.tick)
        record.allocation?.batch = "batch of 1: optimal"
        _ = try store.save(record, basedOn: loaded.version, by: Actor(user: "maria.s", role: .supervisor), at: Self.tick)
        var pieter = app("pieter.v", store)
        openCase(&pieter)
        pieter.press([.character("p")])
        XCTAssertEqual(pieter.status?.text, "Only anna.k (caseworker) or maria.s (ran the batch) may change it.")
        XCTAssertLessThanOrEqual(pieter.status!.text.count, 78, "fits the status line")
        var anna = app("anna.k", store)
        openCase(&anna)
        XCTAssertTrue(anna.lines.last!.contains("p Amend"), anna.lines.last!)
        anna.press([.character("p")])
        XCTAssertTrue(anna.lines.last!.contains("W Withdraw"), anna.lines.last!)
        // Replaced by anna: hers now, not the batch's (maria may review it).
        anna.press([.down, .enter])
        anna.type("Сестра в Утрехте")
        anna.press([.enter])
        let replaced = try XCTUnwrap(try store.load(id).record.allocation)
        XCTAssertEqual(replaced.proposedBy, "anna.k", anna.status?.text ?? "")
        XCTAssertNil(replaced.batch)
        XCTAssertNotEqual(replaced.country, CountryCode("DE")!)
        anna.press([.character("p"), .character("W"), .character("y")])
        XCTAssertEqual(anna.status?.text, "Withdrew HV-000001's proposal for \(replaced.country); it is back in the queue.")
        XCTAssertNil(try store.load(id).record.allocation)
    }

    /// anna proposes, opens her proposal and presses W (the question open); then pieter
    /// approves it in his own session. anna's session has not looked at the store since.
    func withdrawAskedWhileApproved(_ store: InMemoryCaseStore) throws -> HavenApp {
        var anna = app("anna.k", store)
        openCase(&anna)
        anna.press([.character("p"), .enter])
        anna.press([.character("p"), .character("W")])
        XCTAssertTrue(anna.lines.last!.contains("y Withdraw"), anna.lines.last!)
        var pieter = app("pieter.v", store)
        openCase(&pieter)
        pieter.press([.character("a"), .character("y")])
        XCTAssertEqual(try store.load(id).record.stage, .relocation)
        return anna
    }

    func testTheWithdrawQuestionIsPutAwayWhenTheProposalIsApprovedMeanwhile() throws {
        // From the review: W asked, another supervisor approved the proposal, and the question
        // stayed; n then spoke of a proposal no longer there. It is put away, and said so.
        let store = try makeStore()
        var anna = try withdrawAskedWhileApproved(store)
        anna.storeDidChange(store.summaries())
        XCTAssertEqual(anna.status?.text, "Nothing withdrawn: your proposal of DE for HV-000001 changed in another session.")
        XCTAssertFalse(anna.lines.last!.contains("y Withdraw"), anna.lines.last!)
        anna.press([.character("y")])
        XCTAssertEqual(try store.load(id).record.stage, .relocation, "still approved")
        XCTAssertNotNil(try store.load(id).record.allocatedCountry)
    }

    func testAReplacementOfAProposalReturnedMeanwhileSaysWhoReturnedItOnce() throws {
        // From the walk: "Not proposed: Nothing changed: …" said nothing twice.
        let store = try makeStore()
        var anna = app("anna.k", store)
        openCase(&anna)
        anna.press([.character("p"), .enter])
        anna.press([.character("p")])
        let stored = try store.load(id)
        let returned = try Workflow.returnAllocation(on: stored.record, comment: "Нет мест", by: Actor(user: "pieter.v", role: .supervisor),
                                                     at: Self.tick)
        _ = try store.save(returned, basedOn: stored.version, by: Actor(user: "pieter.v", role: .supervisor), at: Self.tick)
        anna.press([.down, .enter])
        anna.type("Сестра")
        anna.press([.enter])
        let status = anna.status?.text ?? ""
        XCTAssertTrue(status.hasPrefix("Not proposed: pieter.v returned DE for HV-000001 meanwhile"), status)
        XCTAssertFalse(status.contains("Nothing changed"), status)
        // Proposed again, the return's comment stays on the case, under the new proposal.
        anna.press([.escape, .escape])
        openCase(&anna)
        anna.press([.character("p"), .enter])
        anna.press([.character("5")])
        let flat = anna.lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertTrue(flat.contains("Returned before"), anna.lines.joined(separator: "\n"))
        XCTAssertTrue(flat.contains("DE by anna.k, returned by pieter.v, 2026-11-24: Нет мест"), anna.lines.joined(separator: "\n"))
        // Withdrawn, the return stays on the case (it went with the proposal, found by a
        // review) until the next proposal takes it.
        anna.press([.character("p"), .character("W"), .character("y")])
        XCTAssertNil(try store.load(id).record.allocation, anna.status?.text ?? "")
        if !(anna.topScreen is CaseViewScreen) { anna.press([.escape]) }
        anna.press([.character("5")])
        let after = anna.lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertTrue(after.contains("No allocation waiting: the last was withdrawn."), anna.lines.joined(separator: "\n"))
        XCTAssertTrue(after.contains("DE by anna.k, returned by pieter.v, 2026-11-24: Нет мест"), anna.lines.joined(separator: "\n"))
    }

    func testASessionThatLosesARaceShowsWhatWon() throws {
        // From the walk: anna's withdrawal lost to pieter's approval, pressed at once; her
        // screens went on showing the proposal waiting until r. The refusal now tells every
        // screen what the store holds.
        let store = try makeStore()
        var anna = try withdrawAskedWhileApproved(store)
        // anna's session has not looked at the store since: y is tried, and refused.
        anna.press([.character("y")])
        XCTAssertTrue(anna.status?.text.hasPrefix("Not withdrawn:") ?? false, anna.status?.text ?? "")
        XCTAssertFalse(anna.lines[1].contains("proposed · Enter replaces"), anna.lines[1])
        anna.press([.escape])
        let view = try XCTUnwrap(anna.topScreen as? CaseViewScreen)
        XCTAssertEqual(view.stored.version, try store.load(id).version, "the case view shows the approval")
    }

    func testASupervisorReopensAnApprovedAllocationFromTheCaseView() throws {
        // From the walk: an approved allocation could not be corrected. Before departure a
        // supervisor reopens it (t, Reopen allocation) with a reason; the case is back in the
        // queue, its place free, and its caseworker proposes again.
        let store = try makeStore()
        var (anna, pieter) = annaProposesAndPieterOpens(store)
        pieter.press([.character("a"), .character("y")])
        XCTAssertEqual(try store.load(id).record.stage, .relocation)
        // The status names what was saved, not only the version.
        XCTAssertTrue(pieter.status?.text.hasSuffix(": allocation to DE approved.") ?? false, pieter.status?.text ?? "")
        // anna.k arranges the travel meanwhile; the reopening form says what it clears.
        var approved = try store.load(id)
        approved.record.relocation.travelNotes = "Рейс LH 1441 через Франкфурт"
        _ = try store.save(approved.record, basedOn: approved.version, by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
        pieter.storeDidChange(store.summaries())
        // Once the person has left, the move list says reopening is not possible, before a
        // reason is typed (a walk was told only at Ctrl-S).
        var left = approved
        left.record.relocation.departureDate = Self.today
        let context = SessionContext(user: "pieter.v", today: Self.today, storeDescription: "Store", role: .supervisor,
                                     clock: { Self.tick }, reference: Self.reference)
        let pick = try XCTUnwrap(CaseActions.moveStage(left, context: context) as? PickScreen)
        let reopen = try XCTUnwrap(pick.items.first { $0.title == "Reopen allocation" })
        XCTAssertTrue(reopen.detail.hasPrefix("HV-000001 left on \(Self.today)"), reopen.detail)
        XCTAssertNotNil(reopen.unavailable, "muted in its place")
        guard case let .status(text, _)? = reopen.choose(Self.tick).first else { return XCTFail("no status") }
        XCTAssertTrue(text.hasPrefix("Reopen allocation: HV-000001 left on"), text)
        XCTAssertFalse(text.hasSuffix(".."), text)
        pieter.press([.character("t")])
        let moves = pieter.lines.joined(separator: "\n")
        XCTAssertTrue(moves.contains("Reopen allocation") && moves.contains("to Allocation"), moves)
        pieter.press([.down, .enter])
        XCTAssertEqual(pieter.topScreen.title, "Reopen allocation", pieter.lines.joined(separator: "\n"))
        XCTAssertTrue(pieter.lines.contains { $0.contains("Travel cleared, kept as a note") }
                      && pieter.lines.contains { $0.contains("Рейс LH 1441 через Франкфурт") },
                      pieter.lines.joined(separator: "\n"))
        pieter.press([.control("s")])
        XCTAssertTrue(pieter.lines.joined().contains("Say why the approval of DE is taken back"), pieter.lines.joined(separator: "\n"))
        pieter.type("Семья в Нидерландах")
        pieter.press([.control("s")])
        let reopened = try store.load(id).record
        XCTAssertEqual(reopened.stage, .allocation)
        XCTAssertNil(reopened.allocatedCountry)
        XCTAssertTrue(reopened.allocation?.review?.comment.hasPrefix("Reopened after approval: Семья в Нидерландах (approved by pieter.v, 2026-11-24 ") ?? false,
                      reopened.allocation?.review?.comment ?? "")
        XCTAssertEqual(reopened.notes.last?.text, "Travel arranged for DE, cleared on reopening the allocation: Рейс LH 1441 через Франкфурт")
        // The caseworker reads why and proposes again.
        anna.press([.escape])
        openCase(&anna)
        anna.press([.character("5")])
        let flat = anna.lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertTrue(flat.contains("returned by pieter.v, 2026-11-24: Reopened after approval: Семья в Нидерландах (approved by pieter.v, 2026-11-24"), anna.lines.joined(separator: "\n"))
        XCTAssertTrue(anna.lines.last!.contains("p Propose"), anna.lines.last!)
    }

    func testAnOverrideMaySplitAFamilySayingSo() throws {
        // From the review: the override's ranking refused every country family unity rules
        // out, so a family proposed together could not be overridden at all. The workflow
        // allows a split with a reason; the screen offers it and says so.
        let store = try makeStore()
        var first = try store.load(id).record
        var brother = Case(id: CaseID(number: 2),
                           defector: Defector(cyrillicName: FullName(family: "Жуков", given: "Павел"), latinName: FullName(family: "Zhukov", given: "Pavel")),
                           registeredBy: "anna.k", registeredAt: Self.tick)
        brother.stage = .relocation
        brother.allocation = AllocationProposal(country: CountryCode("DE")!, proposedBy: "anna.k", proposedAt: Self.tick,
                                                review: Review(verdict: .approved, by: "pieter.v", at: Self.tick))
        brother.family = [FamilyMember(id: 1, relationship: .brother, cyrillicName: first.defector.cyrillicName, linkedCase: id)]
        first.family = [FamilyMember(id: 1, relationship: .brother, cyrillicName: brother.defector.cyrillicName, linkedCase: brother.id)]
        let anna = Actor(user: "anna.k", role: .caseworker)
        _ = try store.save(together: [CaseUpdate(first, basedOn: CaseVersion(1)), CaseUpdate(brother, basedOn: nil)], by: anna, at: Self.tick)
        var annaApp = app("anna.k", store)
        openCase(&annaApp)
        annaApp.press([.character("p"), .enter])
        XCTAssertEqual(try store.load(id).record.allocation?.country, CountryCode("DE")!, "family unity: with his brother")
        var pieter = app("pieter.v", store)
        openCase(&pieter)
        pieter.press([.character("x")])
        XCTAssertEqual(pieter.topScreen.title, "Override")
        XCTAssertTrue(pieter.lines.contains { $0.contains("NL Netherlands") && $0.contains("family elsewhere") }, pieter.lines.joined(separator: "\n"))
        pieter.press([.down, .enter])
        XCTAssertEqual(pieter.status?.text, "Splits the family. Why NL, not DE? Enter approves, Esc cancels.")
        XCTAssertTrue(pieter.lines[22].hasSuffix("Esc cancels."), "the whole question fits 80 columns: \(pieter.lines[22])")
        pieter.type("Сестра жены в Утрехте")
        pieter.press([.enter])
        let overridden = try store.load(id).record
        XCTAssertEqual(overridden.allocatedCountry, CountryCode("NL")!)
        XCTAssertEqual(overridden.allocation?.override?.reason, "Сестра жены в Утрехте")
        XCTAssertTrue(overridden.allocation?.familyUnity?.hasPrefix("As proposed to DE: ") ?? true, overridden.allocation?.familyUnity ?? "")
        // The case view says whose the score is (from a walk: DE's figures read as NL's).
        XCTAssertEqual(pieter.topScreen.title, "HV-000001")
        pieter.press([.character(CaseSection.allocation.key)])
        XCTAssertTrue(pieter.lines.contains { $0.hasPrefix(" DE scored") }, pieter.lines.joined(separator: "\n"))
    }

    /// From the walk: an override refused because the proposal was withdrawn meanwhile said
    /// "Not approved: Nothing saved: the proposal changed, now no proposal; …", cut at 80
    /// columns, and Esc then dropped the typed reason unasked.
    func testAnOverrideLostToAWithdrawalSaysSoInOneLineAndEscAsksBeforeDroppingTheReason() throws {
        let store = try makeStore()
        var (anna, pieter) = annaProposesAndPieterOpens(store)
        pieter.press([.character("x"), .down, .enter])
        pieter.type("Сестра жены в Утрехте")
        anna.press([.character("p"), .character("W"), .character("y")])
        XCTAssertNil(try store.load(id).record.allocation)
        pieter.press([.enter])
        let refusal = try XCTUnwrap(pieter.status?.text)
        XCTAssertEqual(refusal, "Not approved: anna.k's proposal of DE was withdrawn or reviewed meanwhile.")
        XCTAssertLessThanOrEqual(refusal.count + 1, 80, "the whole refusal fits the status line")
        XCTAssertEqual(try store.load(id).record.stage, .allocation, "nothing saved")
        // Esc asks; n keeps the reason as typed, y puts it away.
        pieter.press([.escape])
        XCTAssertEqual(pieter.status?.text, "Put away the reason you typed? y puts it away, n keeps it.")
        pieter.press([.character("x")])
        XCTAssertEqual(pieter.status?.text, "Put away the reason you typed? y puts it away, n keeps it.", "a stray key leaves the question up")
        XCTAssertEqual(pieter.handle(.control("l"), terminalSize: HavenApp.testSize), .repaint)
        XCTAssertEqual(pieter.status?.text, "Put away the reason you typed? y puts it away, n keeps it.", "Ctrl-L repaints it")
        pieter.press([.character("n")])
        XCTAssertEqual((pieter.topScreen as? AllocationChoiceScreen)?.reason?.text, "Сестра жены в Утрехте", "kept, the stray key not typed")
        // Full, it says so at the next character (a walk: it took no more, unsaid).
        pieter.type(String(String(repeating: " и ещё", count: 400).prefix(2000 - "Сестра жены в Утрехте".count)))
        XCTAssertNil(pieter.status)
        pieter.type("!")
        XCTAssertEqual(pieter.status?.text, "The reason is full (2000 characters): nothing more is taken.")
        XCTAssertEqual((pieter.topScreen as? AllocationChoiceScreen)?.reason?.text.count, 2000)
        pieter.press([.escape, .character("y")])
        XCTAssertNil((pieter.topScreen as? AllocationChoiceScreen)?.reason)
        XCTAssertEqual(pieter.status?.text, "Nothing approved.")
        // The refusal read the ranking again: it no longer shows DE proposed, and Enter is
        // refused at once rather than after another reason (from a walk).
        XCTAssertEqual(pieter.lines[1], " HV-000001: the proposal changed meanwhile · Esc, then look again")
        XCTAssertTrue(pieter.lines.contains { $0.contains("Germany") && $0.hasSuffix("was proposed") }, pieter.lines.joined(separator: "\n"))
        pieter.press([.enter])
        XCTAssertEqual(pieter.status?.text, "Not approved: anna.k's proposal of DE no longer waits.")
        XCTAssertNil((pieter.topScreen as? AllocationChoiceScreen)?.reason, "no reason asked for")
    }

    /// The proposal goes while the override is open: the ranking says so as the change
    /// arrives, before any reason is typed.
    func testAnOverrideOpenWhileTheProposalIsWithdrawnSaysSoAtOnce() throws {
        let store = try makeStore()
        var (anna, pieter) = annaProposesAndPieterOpens(store)
        pieter.press([.character("x")])
        XCTAssertTrue(pieter.lines[1].hasPrefix(" HV-000001: override DE"), pieter.lines[1])
        anna.press([.character("p"), .character("W"), .character("y")])
        pieter.storeDidChange(store.summaries())
        XCTAssertEqual(pieter.status?.text, "Meanwhile anna.k's proposal of DE was withdrawn or reviewed.")
        XCTAssertEqual(pieter.lines[1], " HV-000001: the proposal changed meanwhile · Esc, then look again")
        pieter.press([.down, .enter])
        XCTAssertEqual(pieter.status?.text, "Not approved: anna.k's proposal of DE no longer waits.")
        XCTAssertNil((pieter.topScreen as? AllocationChoiceScreen)?.reason)
        pieter.storeDidChange(store.summaries())
        XCTAssertEqual(pieter.status?.text, "Not approved: anna.k's proposal of DE no longer waits.", "said once")
        XCTAssertNil(try store.load(id).record.allocation)
    }

    /// Replaced meanwhile (anna proposes again while pieter types why): said as replaced, with
    /// the country now proposed, and nothing approved against the new proposal.
    func testAnOverrideWhoseProposalIsReplacedSaysSo() throws {
        let store = try makeStore()
        var (anna, pieter) = annaProposesAndPieterOpens(store)
        pieter.press([.character("x"), .down, .enter])
        pieter.type("Сестра жены в Утрехте")
        anna.press([.character("p"), .down, .enter])
        anna.type("Он просил")
        anna.press([.enter])
        let now = try XCTUnwrap(store.load(id).record.allocation)
        pieter.storeDidChange(store.summaries())
        XCTAssertEqual(pieter.status?.text, "Meanwhile anna.k's proposal of DE was replaced (now \(now.country)).")
        XCTAssertFalse(pieter.lines[23].contains("Approve"), "the key bar no longer offers it: \(pieter.lines[23])")
        pieter.press([.escape, .character("n")])
        XCTAssertEqual(pieter.status?.text, "Kept your reason, to copy; nothing is approved here.")
        pieter.press([.enter])
        XCTAssertEqual(pieter.status?.text, "Not approved: anna.k's proposal of DE no longer waits.")
        XCTAssertNil(try store.load(id).record.allocation?.review, "the new proposal waits, unreviewed")
    }

    func testAnOverrideDraftKeepsTheProposalItWasWrittenAgainst() {
        let seen = ProposalSeen(.allocation(CountryCode("DE")!), proposedBy: "anna.k", proposedAt: Self.tick)
        let text = AllocationChoiceScreen.encode(seen)
        XCTAssertEqual(text.flatMap(AllocationChoiceScreen.decode), seen)
        XCTAssertNil(AllocationChoiceScreen.decode("DE|anna.k"), "a damaged value gives none, not another proposal")
    }

    /// From a walk (high): a kept override reason came back armed against a newer proposal,
    /// and one Enter approved it. Now it is read back instead, and nothing is approved.
    func testAKeptOverrideReasonIsNotArmedAgainstAnotherProposal() throws {
        let store = try makeStore()
        var anna = app("anna.k", store)
        openCase(&anna)
        anna.press([.character("p"), .enter])
        XCTAssertEqual(try store.load(id).record.allocation?.country, CountryCode("DE")!)
        var pieter = app("pieter.v", store)
        openCase(&pieter)
        pieter.press([.character("x"), .down, .down, .enter])
        pieter.type("Брат в Лондоне")
        pieter.endSession()
        XCTAssertEqual(store.drafts(for: "pieter.v").count, 1, "kept")
        // anna withdraws DE: from the list of kept forms, it cannot open, said in one line.
        anna.press([.character("p"), .character("W"), .character("y")])
        var listed = app("pieter.v", store)
        XCTAssertEqual(listed.topScreen.title, "Kept forms", listed.lines.joined(separator: "\n"))
        listed.press([.enter])
        XCTAssertEqual(listed.status?.text, "Your \u{201C}Override HV-000001\u{201D} cannot open: no proposal waits now.")
        XCTAssertTrue(listed.lines.contains { $0.contains("Брат в Лондоне") }, listed.lines.joined(separator: "\n"))
        listed.endSession()
        // anna proposes NL.
        anna.press([.character("p"), .down, .enter])
        anna.type("Сестра в Утрехте")
        anna.press([.enter])
        XCTAssertEqual(try store.load(id).record.allocation?.country, CountryCode("NL")!, anna.status?.text ?? "")
        // Resumed from the list of kept forms: read back too, not armed (from the review).
        var resumed = app("pieter.v", store)
        XCTAssertEqual(resumed.topScreen.title, "Kept forms")
        resumed.press([.enter])
        XCTAssertEqual(resumed.status?.text, "Your \u{201C}Override HV-000001\u{201D} cannot open: written for another proposal.")
        XCTAssertTrue(resumed.topScreen is TextViewScreen, resumed.lines.joined(separator: "\n"))
        resumed.press([.enter])
        XCTAssertNil(try store.load(id).record.allocation?.override)
        resumed.endSession()
        var again = app("pieter.v", store)
        if again.topScreen.title == "Kept forms" { again.press([.character("q")]) }
        openCase(&again)
        again.press([.character("x")])
        XCTAssertTrue(again.topScreen is TextViewScreen, again.lines.joined(separator: "\n"))
        XCTAssertTrue(again.status?.text.contains("no longer fits its form") == true, again.status?.text ?? "")
        XCTAssertTrue(again.lines.contains { $0.contains("Брат в Лондоне") }, again.lines.joined(separator: "\n"))
        again.press([.enter])
        XCTAssertNil(try store.load(id).record.allocation?.override, "nothing approved")
        XCTAssertNil(try store.load(id).record.allocation?.review)
        XCTAssertEqual(store.drafts(for: "pieter.v").count, 1, "still kept, to read or discard")
    }

    /// From the walk: a kept override read back showed "Proposal seen: NL|tomasz.w|…".
    func testAKeptOverrideReadsBackTheProposalInWords() throws {
        let store = try makeStore()
        var pieter = app("pieter.v", store)
        var anna = app("anna.k", store)
        openCase(&anna)
        anna.press([.character("p"), .enter])
        openCase(&pieter)
        pieter.press([.character("x"), .down, .enter])
        pieter.type("Сестра жены в Утрехте")
        let draft = try XCTUnwrap(pieter.topScreen.formDraft)
        let text = draft.readBack()
        let proposedAt = try XCTUnwrap(try store.load(id).record.allocation?.proposedAt)
        XCTAssertTrue(text.contains("Reason: Сестра жены в Утрехте"), text)
        XCTAssertTrue(text.contains("Written against: an allocation to DE by anna.k (\(proposedAt.minuteText))"), text)
        XCTAssertFalse(text.contains("|"), text)
    }

    func testALowerScoreIsProposedOnlyWithAReasonKeptInTheExplanation() throws {
        let store = try makeStore()
        var anna = app("anna.k", store)
        openCase(&anna)
        anna.press([.character("p"), .down, .enter])
        XCTAssertEqual(anna.topScreen.title, "Propose allocation")
        XCTAssertEqual(anna.status?.text, "DE scores 16 against 15 and has a place: why NL? Enter proposes, Esc cancels.")
        anna.press([.enter])
        XCTAssertNil(try store.load(id).record.allocation, "no reason, nothing proposed")
        anna.type("Его невеста живёт в Утрехте")
        anna.press([.enter])
        XCTAssertEqual(anna.topScreen.title, "HV-000001", anna.lines.last!)
        let proposed = try XCTUnwrap(try store.load(id).record.allocation)
        XCTAssertEqual(proposed.country, CountryCode("NL")!)
        XCTAssertEqual(proposed.runnerUpReason, "Germany scores 1 point more, 16 against 15 (Language +16, Preference −15), "
                       + "but Netherlands was chosen by hand: Его невеста живёт в Утрехте.")
        XCTAssertTrue(anna.lines.joined(separator: "\n").contains("chosen by hand"), anna.lines.joined(separator: "\n"))
    }

    func testTheRankingFitsAtTheSmallestSize() throws {
        let store = try makeStore()
        var anna = app("anna.k", store)
        openCase(&anna)
        anna.press([.character("p")])
        let size = Size(width: 60, height: 16)
        var canvas = Canvas(size: size)
        anna.render(into: &canvas)
        let text = canvas.lines.joined(separator: "\n")
        XCTAssertTrue(text.contains("DE Germany"), text)
        XCTAssertFalse(text.contains("too small"), text)
        for line in canvas.lines { XCTAssertLessThanOrEqual(line.reduce(0) { $0 + DisplayWidth.of($1) }, 60, line) }
    }
}
