import HavenCore
@testable import HavenTUI
import XCTest

/// The Allocation screen driven through the app on an in-memory store: the batch with its
/// progress, approvals and overrides, and quotas changed by an administrator.
final class AllocationScreenTests: XCTestCase {
    static let today = CalendarDate(year: 2026, month: 11, day: 24)!
    static let tick = Timestamp(date: today, hour: 9, minute: 30)
    static let users = UserDirectory(users: [
        ("root", Role.administrator), ("anna.k", .caseworker), ("maria.s", .supervisor), ("pieter.v", .supervisor),
    ].map { UserAccount(name: UserName($0.0)!, role: $0.1, addedBy: "root", addedAt: tick) })
    static let countries = [
        HostCountry(code: CountryCode("DE")!, name: "Germany", languages: [LanguageCode("de")!], quota: 40),
        HostCountry(code: CountryCode("GB")!, name: "United Kingdom", languages: [LanguageCode("en")!], quota: 40),
    ]
    static let reference = ReferenceData(countries: countries, occupations: OccupationCatalogue(unitGroups: [], specialties: []),
                                         allocation: AllocationPolicy(weights: [.language: 4, .preference: 5]))

    /// `count` granted cases awaiting a country; the first half speak German, the rest English.
    /// `decided`: each with its grant proposed and approved at `tick`, so the batch's
    /// look-ahead has recent grants to forecast from.
    func makeStore(_ count: Int, decided: Bool = false) throws -> InMemoryCaseStore {
        let store = InMemoryCaseStore(users: Self.users, countries: Self.countries)
        for number in 1...count {
            let language = number <= count / 2 ? "de" : "en"
            var record = Case(id: CaseID(number: number),
                              defector: Defector(cyrillicName: FullName(family: "Жуков", given: "Артём \(number)"),
                                                 latinName: FullName(family: "Zhukov", given: "Artem"),
                                                 languages: [LanguageSkill(language: LanguageCode(language)!, level: .b2)]),
                              registeredBy: "anna.k", registeredAt: Self.tick)
            record.stage = decided ? .decision : .allocation
            if decided {
                record = try Workflow.proposeDecision(.grant, reasons: "Credible account.", on: record,
                                                      by: Actor(user: "anna.k", role: .caseworker), at: Self.tick)
                record = try Workflow.perform(.approveGrant, on: record, by: Actor(user: "maria.s", role: .supervisor), at: Self.tick)
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

    func openAllocation(_ app: inout HavenApp) {
        let areas = (app.topScreen as! HomeScreen).areas
        app.press([.character(Character(String(areas.firstIndex(of: .allocation)! + 1)))])
        XCTAssertEqual(app.topScreen.title, "Allocation")
    }

    /// Works the running job to its end (at most 100 slices); the status line after each.
    func runJob(_ app: inout HavenApp) -> [String] {
        var progress: [String] = []
        while app.isWorking, progress.count < 100 {
            progress.append(app.lines[22])
            app.work()
        }
        return progress
    }

    func testWithRecentGrantsTheBatchLooksAheadAndSaysSo() throws {
        let store = try makeStore(60, decided: true)
        var maria = app("maria.s", store)
        openAllocation(&maria)
        maria.press([.character("r"), .character("y")])
        let progress = runJob(&maria)
        XCTAssertTrue(progress.contains { $0.contains("Batch allocation (Esc stops): ") && $0.contains("reading recent grants for the") }, "\(progress)")
        XCTAssertEqual(maria.lines[22], " Placed 60 of 60 · score 960 · look-ahead, optimal · 60 for another supervisor")
        let proposal = try XCTUnwrap(store.load(CaseID(number: 1)).record.allocation)
        XCTAssertEqual(proposal.country, CountryCode("DE"))
        XCTAssertEqual(proposal.batch, "batch of 60, look-ahead: optimal")
    }

    /// From a walk: the batch's question kept the count it was asked with while cases were
    /// proposed by hand meanwhile. It is asked again with the count y now proposes for, and put
    /// away when nothing waits.
    func testTheBatchQuestionFollowsTheQueueItProposesFor() throws {
        let store = try makeStore(3)
        var maria = app("maria.s", store)
        openAllocation(&maria)
        maria.press([.character("r")])
        XCTAssertEqual(maria.status?.text, "Propose for all 3 waiting? y, l: no look-ahead, n · for another's approval")
        // At 60 columns the keys stay on the line; the reminder is what is cut.
        var narrow = Canvas(size: Size(width: 60, height: 16))
        maria.render(into: &narrow)
        XCTAssertTrue(narrow.lines.contains { $0.contains("Propose for all 3 waiting? y, l: no look-ahead, n") }, narrow.lines.joined(separator: "\n"))
        // anna.k proposes a country for one by hand, as the case view does.
        func takeOut(_ number: Int) throws {
            let stored = try store.load(CaseID(number: number))
            let anna = Actor(user: "anna.k", role: .caseworker)
            let run = AllocationRun(summaries: store.summaries(), countries: Self.countries, policy: Self.reference.allocation)
            let planned = try run.choice(for: stored.record, occupations: Self.reference.occupations).planned(CountryCode("DE")!, reason: "Немецкий B2")
            _ = try store.save(try Workflow.proposeAllocation(planned, on: stored.record, by: anna, at: Self.tick),
                               basedOn: stored.version, by: anna, at: Self.tick)
        }
        try takeOut(1)
        try takeOut(2)
        maria.storeDidChange(store.summaries())
        XCTAssertEqual(maria.status?.text, "Propose for the 1 case waiting? y, l: no look-ahead, n · for another's approval")
        XCTAssertTrue((maria.topScreen as? AllocationScreen)?.runAsked == true)
        maria.storeDidChange(store.summaries())
        XCTAssertEqual(maria.status?.text, "Propose for the 1 case waiting? y, l: no look-ahead, n · for another's approval", "asked once")
        try takeOut(3)
        maria.storeDidChange(store.summaries())
        XCTAssertEqual(maria.status?.text, "The batch did not run: no granted case is waiting for a country now.")
        XCTAssertFalse((maria.topScreen as? AllocationScreen)?.runAsked ?? true)
        maria.press([.character("y")])
        XCTAssertFalse(maria.isWorking, "y no longer runs anything")
    }

    func testTheBatchRunsWithoutTheLookAheadWhenAskedAndSaysSo() throws {
        // The same store, l instead of y: the queue is placed as if it were the last, no
        // forecast is read, and the line and the proposals say so.
        let store = try makeStore(60, decided: true)
        var maria = app("maria.s", store)
        openAllocation(&maria)
        maria.press([.character("r")])
        XCTAssertTrue(maria.lines.last!.contains("l Run, no look-ahead"), maria.lines.last!)
        maria.press([.character("l")])
        XCTAssertTrue(maria.isWorking)
        let progress = runJob(&maria)
        XCTAssertFalse(progress.contains { $0.contains("recent grants") }, "\(progress)")
        XCTAssertEqual(maria.lines[22], " Placed 60 of 60 · score 960 · no look-ahead, optimal · 60 for another … Ctrl-P")
        let proposal = try XCTUnwrap(store.load(CaseID(number: 1)).record.allocation)
        XCTAssertEqual(proposal.batch, "batch of 60: optimal")
    }

    func testTheBatchRunsInSlicesWithProgressThenAnotherSupervisorApproves() throws {
        let store = try makeStore(60)
        var maria = app("maria.s", store)
        openAllocation(&maria)
        XCTAssertTrue(maria.lines[1].contains("60 waiting · 0 to approve · 80 of 80 places free"), maria.lines[1])
        XCTAssertTrue(maria.lines[5].hasPrefix(">DE  Germany             40     0     0    40"), maria.lines[5])
        // It asks first (it writes a proposal for every case waiting); n runs nothing.
        maria.press([.character("r")])
        XCTAssertFalse(maria.isWorking)
        XCTAssertTrue(maria.lines.last!.contains("y Run the batch") && maria.lines.last!.contains("n Cancel"), maria.lines.last!)
        XCTAssertEqual(maria.status?.text, "Propose for all 60 waiting? y, l: no look-ahead, n · for another's approval")
        maria.press([.character("n")])
        XCTAssertFalse(maria.isWorking)
        XCTAssertEqual(maria.status?.text, "The batch did not run; nothing was proposed.")
        XCTAssertTrue(store.summaries().filter(\.isAwaitingAllocationReview).isEmpty)
        maria.press([.character("r"), .character("y")])
        XCTAssertTrue(maria.isWorking)
        let progress = runJob(&maria)
        XCTAssertTrue(progress.contains { $0.hasPrefix(" Batch allocation (Esc stops): 0/60") && $0.hasSuffix(" reading cases") }, "\(progress)")
        XCTAssertTrue(progress.contains { $0.contains("Batch allocation (Esc stops): 50/60 ██████████·· saving proposals") }, "\(progress)")
        let screen = maria.lines
        // No case here has a decision: nothing to forecast from, and the line says so beside
        // the score (the reason, at its end, is cut at 80 columns, saying Ctrl-P reads it whole).
        XCTAssertEqual(screen[22], " Placed 60 of 60 · score 960 · no look-ahead, optimal · 60 for another … Ctrl-P")
        XCTAssertTrue(maria.status?.text.hasSuffix(" · no look-ahead: 0 granted in 26 weeks, 30 needed") ?? false, maria.status?.text ?? "")
        // maria ran it: the proposals are hers, for another supervisor (four eyes).
        XCTAssertTrue(screen[1].contains("0 waiting · 0 to approve (+60 yours) · 20 of 80 places free"), screen[1])
        // The German speakers got Germany; the places show as held.
        XCTAssertTrue(screen[5].hasPrefix(">DE  Germany             40     0    30    10  "), screen[5])
        XCTAssertTrue(screen[5].contains("▒"), screen[5])
        let first = try store.load(CaseID(number: 1)).record.allocation
        XCTAssertEqual(first?.country, CountryCode("DE"))
        XCTAssertEqual(first?.factors.score, 16)
        XCTAssertEqual(first?.runnerUp, CountryCode("GB"))
        XCTAssertEqual(first?.proposedBy, "maria.s")

        // maria ran the batch, so she cannot approve its proposals; pieter can.
        maria.press([.tab, .tab, .character("a")])
        XCTAssertTrue(maria.lines[22].contains("You proposed this yourself"), maria.lines[22])
        // Nor override them: refused at x, before a country is chosen or a reason typed.
        maria.press([.character("x")])
        XCTAssertEqual(maria.topScreen.title, "Allocation")
        XCTAssertTrue(maria.lines[22].contains("You proposed this yourself"), maria.lines[22])
        var pieter = app("pieter.v", store)
        openAllocation(&pieter)
        pieter.press([.tab, .tab])
        XCTAssertTrue(pieter.lines[4].contains("Country  Proposed by"), pieter.lines[4])
        // Enter opens the case at its Allocation section, as the help says.
        pieter.press([.enter])
        XCTAssertEqual((pieter.topScreen as? CaseViewScreen)?.section, .allocation)
        pieter.press([.character("q")])
        pieter.press([.character("a")])
        XCTAssertTrue(pieter.lines[22].contains("y approves"), pieter.lines[22])
        pieter.press([.character("y")])
        XCTAssertEqual(try store.load(CaseID(number: 1)).record.stage, .relocation)
        XCTAssertTrue(pieter.lines[1].contains("59 to approve"), pieter.lines[1])
        // An override: the countries ranked as for a proposal by hand, with scores, free places
        // and factors (from the walk: a form showing one bare country at a time), the best
        // other than the proposed selected; Enter asks why, and a reason is required.
        pieter.press([.character("x")])
        XCTAssertEqual(pieter.topScreen.title, "Override")
        let ranking = pieter.lines.joined(separator: "\n")
        XCTAssertTrue(ranking.contains("HV-000002: override DE (scores 16) · Enter, then why"), ranking)
        XCTAssertTrue(pieter.lines.contains { $0.contains("DE Germany") && $0.contains("proposed") }, ranking)
        XCTAssertTrue(pieter.lines.contains { $0.hasPrefix(">") && $0.contains("GB United Kingdom") }, ranking)
        pieter.press([.up, .up, .enter])
        XCTAssertEqual(pieter.status?.text, "DE is the proposal: Esc, then a approves it as it is.")
        pieter.press([.down, .enter])
        XCTAssertEqual(pieter.status?.text, "Why GB, not DE? Enter approves, Esc cancels.")
        pieter.press([.enter])
        XCTAssertEqual(pieter.status?.text, "Say why GB; Esc cancels.")
        pieter.type("Brother lives in Leeds")
        pieter.press([.enter])
        XCTAssertEqual(pieter.status?.text, "Approved HV-000002 into GB (override of DE).")
        let overridden = try store.load(CaseID(number: 2)).record
        XCTAssertEqual(overridden.allocatedCountry, CountryCode("GB"))
        XCTAssertEqual(overridden.allocation?.override?.reason, "Brother lives in Leeds")
        // Health needs recorded after the approval: the case view says it needs a place it
        // does not hold, and who mends it.
        var needing = overridden
        needing.defector.healthNeeds = "Insulin"
        let needs = CaseSection.allocation.lines(of: needing, history: [], today: Self.today, reference: Self.reference).joined(separator: "\n")
        XCTAssertTrue(needs.contains("Needs too") && needs.contains("a place with medical support, recorded after the approval"), needs)
        var arrived = needing
        arrived.stage = .integration
        XCTAssertFalse(CaseSection.allocation.lines(of: arrived, history: [], today: Self.today, reference: Self.reference).joined().contains("Needs too"),
                       "once it has moved on, reopening is no longer open: nothing to advise")
        // The case view leads with where the case goes, not the country first proposed.
        let allocationLines = CaseSection.allocation.lines(of: overridden, history: [], today: Self.today, reference: Self.reference)
        XCTAssertTrue(allocationLines.first { $0.contains("Allocated") }?.contains("GB United Kingdom (overridden; DE was proposed)") ?? false,
                      allocationLines.joined(separator: "\n"))
        XCTAssertEqual(allocationLines.firstIndex { $0.contains("Allocated") }, 0, allocationLines.joined(separator: "\n"))
        let audit = try store.history(of: CaseID(number: 2)).last!
        XCTAssertEqual(audit.user, "pieter.v")
        XCTAssertTrue(audit.changes.contains { $0.after?.contains("Brother lives in Leeds") == true }, "\(audit.changes)")
    }

    func testEscStopsTheBatchAndKeepsWhatItSaved() throws {
        let store = try makeStore(200)
        var maria = app("maria.s", store)
        openAllocation(&maria)
        maria.press([.character("r"), .character("y")])
        while maria.isWorking, store.summaries().filter(\.isAwaitingAllocationReview).isEmpty { maria.work() }
        maria.press([.escape])
        XCTAssertFalse(maria.isWorking)
        XCTAssertTrue(maria.lines[22].contains("Batch allocation stopped; what it saved stays saved."), maria.lines[22])
        let saved = store.summaries().filter(\.isAwaitingAllocationReview).count
        XCTAssertGreaterThan(saved, 0)
        XCTAssertLessThan(saved, 200)
        XCTAssertTrue(maria.lines[1].contains("\(200 - saved) waiting"), maria.lines[1])
    }

    func testAnAdministratorChangesAQuotaButNotBelowWhatIsUsed() throws {
        let store = try makeStore(4)
        var root = app("root", store)
        openAllocation(&root)
        XCTAssertTrue(root.lines[23].contains("e Quota"), root.lines[23])
        root.press([.character("e")])
        XCTAssertEqual(root.topScreen.title, "Quota")
        root.press([.backspace, .backspace, .character("7"), .control("s")])
        XCTAssertEqual(root.topScreen.title, "Allocation")
        XCTAssertTrue(root.lines[5].hasPrefix(">DE  Germany              7     0     0     7"), root.lines[5])
        XCTAssertEqual(try store.hostCountries()[0].quota, 7)
        XCTAssertEqual(store.auditTrail(matching: AuditFilter(), limit: 5).first?.subject, "countries")
        // A supervisor sees no quota keys.
        var maria = app("maria.s", store)
        openAllocation(&maria)
        XCTAssertFalse(maria.lines[23].contains("Quota"), maria.lines[23])
        maria.press([.character("e")])
        XCTAssertEqual(maria.topScreen.title, "Allocation")
    }

    func testEachKindOfPlaceIsShownAndSetFromTheQuotaForm() throws {
        // Issue 26, point 4: the selected country's family housing and medical places under the
        // list; the quota form sets them, refuses a bad number, and blank lifts a limit.
        let store = try makeStore(4)
        var root = app("root", store)
        openAllocation(&root)
        let screen = root.lines.joined(separator: "\n")
        XCTAssertTrue(screen.contains(" DE family housing: 0 used, 0 held, no limit but the quota"), screen)
        XCTAssertTrue(screen.contains("    medical support: 0 used, 0 held, no limit but the quota"), screen)
        root.press([.character("e")])
        XCTAssertEqual(root.topScreen.title, "Quota")
        root.press([.tab])
        root.type("x")
        root.press([.control("s")])
        XCTAssertTrue(root.lines.joined().contains("A whole number, 0 or more; blank for no limit."),
                      root.lines.joined(separator: "\n"))
        root.press([.backspace])
        root.type("12")
        root.press([.tab])
        root.type("3")
        root.press([.control("s")])
        XCTAssertEqual(root.topScreen.title, "Allocation")
        XCTAssertEqual(try store.hostCountries()[0].capacities, [.familyHousing: 12, .medicalSupport: 3])
        XCTAssertTrue(root.lines.joined().contains("Saved DE: quota 40, family housing 12, medical support 3."), root.lines.joined(separator: "\n"))
        XCTAssertTrue(root.lines.joined().contains("medical support: 0 used, 0 held, 3 free of 3"), root.lines.joined(separator: "\n"))
        XCTAssertEqual(store.auditTrail(matching: AuditFilter(), limit: 1).first?.changes.first?.after,
                       "Germany; languages de; quota 40; family housing 12; medical support 3")
        // Read back whole in the form, and a limit lifted by leaving it blank.
        root.press([.character("e"), .tab])
        XCTAssertTrue(root.lines.joined().contains("12"), root.lines.joined(separator: "\n"))
        root.press([.backspace, .backspace, .control("s")])
        XCTAssertEqual(try store.hostCountries()[0].capacities, [.medicalSupport: 3])
        // A number above the quota is kept (the quota may be raised later), and the status says
        // only the quota's worth can be used.
        XCTAssertFalse(root.lines.joined().contains("above the quota"), root.lines.joined(separator: "\n"))
        root.press([.character("e"), .tab, .tab, .backspace])
        root.type("50")
        root.press([.control("s")])
        XCTAssertEqual(try store.hostCountries()[0].capacities, [.medicalSupport: 50])
        XCTAssertTrue(root.lines.joined().contains("Saved DE: medical support 50 above the quota 40: only 40 usable."),
                      root.lines.joined(separator: "\n"))
        XCTAssertTrue(root.lines.joined().contains("medical support: 0 used, 0 held, 50 free of 50, only 40 usable"),
                      root.lines.joined(separator: "\n"))
    }

    func testLettersTypedOneAfterAnotherPickAChoiceByTheirPrefix() {
        // From the walk: "DE" typed on the override's country picked D's Germany, then E's
        // Spain, and the override was saved to Spain.
        let options = [("DK", "DK Denmark · 20"), ("DE", "DE Germany · 18"), ("ES", "ES Spain · 6"), ("EE", "EE Estonia · 5")]
            .map { FormOption($0.0, $0.1) }
        var form = Form(sections: [Form.Section(title: "Override", fields: [
            FormField("country", "Country", .choice(options)), FormField("reason", "Reason", .text(maximumLength: 100)),
        ])])
        _ = form.handle(.character("d"))
        _ = form.handle(.character("e"))
        XCTAssertEqual(form.value("country"), "DE", "d then e is Germany, not Spain")
        _ = form.handle(.character("d"))
        XCTAssertEqual(form.value("country"), "DK", "a letter that fits nothing with the others starts again: the next d")
        _ = form.handle(.character("d"))
        XCTAssertEqual(form.value("country"), "DE")
        // Another key ends the prefix; so does reaching the field again.
        _ = form.handle(.right)
        XCTAssertEqual(form.value("country"), "ES")
        _ = form.handle(.character("e"))
        XCTAssertEqual(form.value("country"), "EE", "e alone: the next option with a word starting with e")
        form.move(by: 1)
        form.move(by: -1)
        _ = form.handle(.character("s"))
        XCTAssertEqual(form.value("country"), "ES", "reached again, s starts afresh")
        // A pause starts afresh too: d, then e within a second, is "de" (Germany stays); after a
        // pause, e alone (the next option with a word starting with e: Spain).
        func typed(_ keys: [(Character, Int64)]) -> String {
            var fresh = Form(sections: [Form.Section(title: "Override", fields: [FormField("country", "Country", .choice(options))])])
            for (letter, second) in keys { _ = fresh.handle(.character(letter), at: Timestamp(secondsSinceEpoch: second)) }
            return fresh.value("country")
        }
        XCTAssertEqual(typed([("d", 1_000)]), "DE")
        XCTAssertEqual(typed([("d", 1_000), ("e", 1_001)]), "DE", "within a second: one prefix")
        XCTAssertEqual(typed([("d", 1_000), ("e", 1_002)]), "ES", "after a pause, e alone")
    }

    func testTypingOverANumberReplacesItAndAnEditingKeyKeepsIt() throws {
        // From the walk: 29 typed, the field left and reached again, then 1 typed saved 291.
        // A number field reached is drawn selected, its hint beside it; the first character
        // typed replaces it, an editing key first keeps it.
        let store = try makeStore(2)
        var root = app("root", store)
        openAllocation(&root)
        root.press([.character("e")])
        let quota = try store.hostCountries()[0].quota
        let row = try XCTUnwrap(root.lines.firstIndex { $0.contains("> Quota") }, root.lines.joined(separator: "\n"))
        XCTAssertTrue(root.lines[row].contains("\(quota)") && root.lines[row].contains("places in all"), root.lines[row])
        root.type("29")
        root.press([.down, .up])
        root.type("1")
        root.press([.control("s")])
        XCTAssertEqual(try store.hostCountries()[0].quota, 1, "typed over, not 291")
        root.press([.character("e"), .left])
        root.type("5")
        root.press([.control("s")])
        XCTAssertEqual(try store.hostCountries()[0].quota, 51, "Left first: the value is edited, not replaced")
        // A kind's number keeps its used and held beside it once it has a value.
        root.press([.character("e"), .down])
        root.type("8")
        root.press([.down])
        let kindRow = try XCTUnwrap(root.lines.firstIndex { $0.contains("Family housing units") }, root.lines.joined(separator: "\n"))
        XCTAssertTrue(root.lines[kindRow].contains("8") && root.lines[kindRow].contains("0 used, 0 held"), root.lines[kindRow])
    }

    func testAnAdministratorAddsAndRemovesACountryFromTheScreen() throws {
        let store = try makeStore(2)
        var root = app("root", store)
        openAllocation(&root)
        root.press([.character("+")])
        XCTAssertEqual(root.topScreen.title, "Add country")
        root.type("at")
        root.press([.tab])
        root.type("Austria")
        root.press([.tab])
        root.type("de x1")
        root.press([.control("s")])
        XCTAssertTrue(root.lines.joined().contains("Two-letter language codes, such as de fr."), root.lines.joined(separator: "\n"))
        root.press([.backspace, .backspace, .backspace, .control("s")])
        XCTAssertEqual(root.topScreen.title, "Allocation")
        XCTAssertTrue(root.lines[7].hasPrefix(" AT  Austria           6000     0     0  6000"), root.lines[7])
        XCTAssertEqual(try store.hostCountries().map(\.code.rawValue), ["DE", "GB", "AT"])
        root.press([.down, .down, .character("-")])
        XCTAssertTrue(root.lines[22].contains("Remove Austria from the host countries? y removes, n keeps it."), root.lines[22])
        root.press([.character("n")])
        XCTAssertEqual(try store.hostCountries().count, 3)
        root.press([.character("-"), .character("y")])
        XCTAssertEqual(try store.hostCountries().map(\.code.rawValue), ["DE", "GB"])
        XCTAssertFalse(root.lines.contains { $0.hasPrefix(" AT ") })
        XCTAssertEqual(store.auditTrail(matching: AuditFilter(), limit: 5).filter { $0.subject == "countries" }.count, 2)
    }
}
