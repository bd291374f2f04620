import XCTest
@testable import HavenCore

/// Issue 20, point 4: a defector's preferences recorded and guarded, one case ranked and
/// proposed exactly as the batch would, and explanations right about which scores tie.
final class AllocationByHandTests: XCTestCase {
    let countries = AllocationTests.countries
    var codes: [CountryCode] { countries.map(\.code) }
    let scorer = AllocationScorer(policy: AllocationTests.policy, countries: AllocationTests.countries)
    func code(_ text: String) -> CountryCode { CountryCode(text)! }

    func testPreferencesRefuseACountryTwiceMoreThanThreeAndAnyButAHostCountry() {
        XCTAssertEqual(CaseValidation.preferenceIssues([code("DE"), code("NL")], reasons: "Брат в Лейпциге", hostCountries: codes), [])
        let twice = CaseValidation.preferenceIssues([code("DE"), code("NL"), code("DE")], reasons: "", hostCountries: codes)
        XCTAssertEqual(twice.map(\.field), ["preferredCountries[2]"])
        XCTAssertEqual(twice.first?.message, "DE is already the 1st choice; choose another country for the 3rd, or none.")
        let foreign = CaseValidation.preferenceIssues([code("FR")], reasons: "", hostCountries: codes)
        XCTAssertEqual(foreign.map(\.message), ["FR is not one of the host countries; the 1st choice must be."])
        XCTAssertEqual(CaseValidation.preferenceIssues(codes + [code("FR")], reasons: "").map(\.field), ["preferredCountries[3]"])
        // Intake validation, which commands and imports obey, checks a record without the host list.
        var defector = Fixtures.defector()
        defector.preferredCountries = [code("GB"), code("GB")]
        XCTAssertTrue(CaseValidation.intakeIssues(defector, today: Fixtures.today).contains { $0.field == "preferredCountries[1]" })
        defector.preferredCountries = [code("FR")]
        XCTAssertFalse(CaseValidation.intakeIssues(defector, today: Fixtures.today).contains { $0.field.hasPrefix("preferred") })
    }

    func testOldRecordsWithoutReasonsStillRead() throws {
        var record = Fixtures.newCase()
        record.defector.preferenceReasons = "Знает немецкий"
        let data = try JSONEncoder().encode(record.defector)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["preferenceReasons"] as? String, "Знает немецкий")
        object["preferenceReasons"] = nil
        let old = try JSONDecoder().decode(Defector.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertEqual(old.preferenceReasons, "")
    }

    func testPreferencesAreRecordedUntilAProposalWaitsOrTheAllocationIsApproved() throws {
        let hosts = codes
        let granted = try Fixtures.caseIn(.allocation)
        let recorded = try Workflow.recordPreferences([code("NL"), code("DE")], reasons: "  Друг в Роттердаме ", hostCountries: hosts,
                                                      on: granted, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertEqual(recorded.defector.preferredCountries, [code("NL"), code("DE")])
        XCTAssertEqual(recorded.defector.preferenceReasons, "Друг в Роттердаме")
        XCTAssertNoThrow(try Workflow.recordPreferences([], reasons: "", hostCountries: hosts, on: try Fixtures.caseIn(.intake),
                                                        by: Fixtures.maria, at: Fixtures.now))
        XCTAssertThrowsError(try Workflow.recordPreferences([code("NL")], reasons: "", hostCountries: hosts, on: granted,
                                                            by: Fixtures.oleh, at: Fixtures.now)) { error in
            XCTAssertEqual(error as? WorkflowError, .notAssigned(granted.id, assignedTo: "anna.k"))
        }
        XCTAssertThrowsError(try Workflow.recordPreferences([], reasons: "", hostCountries: hosts, on: granted, by: Fixtures.auditor, at: Fixtures.now))
        XCTAssertThrowsError(try Workflow.recordPreferences([code("NL"), code("NL")], reasons: "", hostCountries: hosts, on: granted,
                                                            by: Fixtures.anna, at: Fixtures.now)) { error in
            guard case let .invalid(issues)? = error as? WorkflowError else { return XCTFail("\(error)") }
            XCTAssertEqual(issues.map(\.field), ["preferredCountries[1]"])
        }
        // A proposal waiting for review weighed them as they are: refused, and it says why.
        let proposed = try Workflow.proposeAllocation(PlannedAllocation(caseID: granted.id, country: code("DE"), factors: [], runnerUp: nil,
                                                                        runnerUpFactors: [], runnerUpReason: "", groupedWith: []),
                                                      on: recorded, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertThrowsError(try Workflow.recordPreferences([code("GB")], reasons: "", hostCountries: hosts, on: proposed,
                                                            by: Fixtures.anna, at: Fixtures.now)) { error in
            XCTAssertEqual("\(error)", "A proposal of DE awaits a supervisor: its proposer withdraws it, or a supervisor returns it, before the preferences change.")
        }
        // Returned: they may change again. Approved: never.
        let returned = try Workflow.returnAllocation(on: proposed, comment: "Спросите ещё раз", by: Fixtures.maria, at: Fixtures.now)
        XCTAssertNoThrow(try Workflow.recordPreferences([code("GB")], reasons: "", hostCountries: hosts, on: returned, by: Fixtures.anna, at: Fixtures.now))
        let approved = try Workflow.approveAllocation(on: proposed, by: Fixtures.maria, at: Fixtures.now)
        XCTAssertThrowsError(try Workflow.recordPreferences([code("GB")], reasons: "", hostCountries: hosts, on: approved,
                                                            by: Fixtures.anna, at: Fixtures.now)) { error in
            XCTAssertEqual("\(error)", "Allocated to DE: preferences no longer count (a note can record them).")
        }
        XCTAssertNil(Workflow.preferencesRefusal(for: returned))
    }

    func testAProposalFromAScreenOpenedBeforeAnApprovalSaysWhoApproved() throws {
        // From a walk: "Approve allocation is not possible while the case is in Relocation."
        let granted = try Fixtures.caseIn(.allocation)
        let planned = PlannedAllocation(caseID: granted.id, country: code("DE"), factors: [], runnerUp: nil, runnerUpFactors: [],
                                        runnerUpReason: "", groupedWith: [])
        let proposed = try Workflow.proposeAllocation(planned, on: granted, by: Fixtures.anna, at: Fixtures.now)
        let approved = try Workflow.approveAllocation(on: proposed, by: Fixtures.maria, at: Fixtures.now)
        var other = planned
        other.country = code("NL")
        XCTAssertThrowsError(try Workflow.proposeAllocation(other, on: approved, by: Fixtures.anna, at: Fixtures.now)) { error in
            XCTAssertEqual("\(error)", "Nothing changed: maria.s approved DE for \(granted.id) meanwhile.")
        }
    }

    func testANewProposalKeepsWhatWasSaidOfTheReturnedOnesBefore() throws {
        // From a walk: a returned proposal's comment was seen only in the history once the
        // batch proposed again. Each new proposal keeps the returns before it, oldest first.
        let granted = try Fixtures.caseIn(.allocation)
        func plan(_ country: String) -> PlannedAllocation {
            PlannedAllocation(caseID: granted.id, country: code(country), factors: [], runnerUp: nil, runnerUpFactors: [],
                              runnerUpReason: "", groupedWith: [])
        }
        let first = try Workflow.proposeAllocation(plan("DE"), on: granted, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertNil(first.allocation?.returnedBefore)
        let back = try Workflow.returnAllocation(on: first, comment: "Семья в Варшаве", by: Fixtures.maria, at: Fixtures.now)
        let second = try Workflow.proposeAllocation(plan("PL"), on: back, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertEqual(second.allocation?.returnedBefore?.map(\.country), [code("DE")])
        XCTAssertEqual(second.allocation?.returnedBefore?.first?.review.comment, "Семья в Варшаве")
        XCTAssertEqual(second.allocation?.returnedBefore?.first?.proposedBy, Fixtures.anna.user)
        XCTAssertNil(second.allocation?.review)
        let again = try Workflow.returnAllocation(on: second, comment: "Нет мест", by: Fixtures.maria, at: Fixtures.now)
        let third = try Workflow.proposeAllocation(plan("CZ"), on: again, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertEqual(third.allocation?.returnedBefore?.map(\.review.comment), ["Семья в Варшаве", "Нет мест"])
        // The audit trail names the field.
        let changes = CaseDiff.changes(from: again, to: third)
        XCTAssertTrue(changes.contains { $0.field.hasPrefix("allocation.returnedBefore") }, "\(changes.map(\.field))")

        // Its proposer withdraws the third: the returns stay on the case (they were lost with
        // the proposal that kept them, found by a review), and the next proposal takes them.
        let withdrawn = try Workflow.withdrawAllocation(on: third, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertNil(withdrawn.allocation)
        XCTAssertEqual(withdrawn.returnedAllocations?.map(\.review.comment), ["Семья в Варшаве", "Нет мест"])
        let decoded = try JSONDecoder().decode(Case.self, from: JSONEncoder().encode(withdrawn))
        XCTAssertEqual(decoded, withdrawn)
        let kept = CaseDiff.changes(from: third, to: withdrawn).filter { $0.field.hasPrefix("returnedAllocations") }
        XCTAssertFalse(kept.isEmpty)
        for change in kept {
            let wording = AuditWording.describe(change, in: withdrawn)
            XCTAssertEqual(wording.section, "Allocation", change.field)
            XCTAssertTrue(wording.label.hasPrefix("Returned before"), "\(change.field): \(wording.label)")
        }
        let fourth = try Workflow.proposeAllocation(plan("NL"), on: withdrawn, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertEqual(fourth.allocation?.returnedBefore?.map(\.review.comment), ["Семья в Варшаве", "Нет мест"])
        XCTAssertNil(fourth.returnedAllocations)
        // A first proposal withdrawn leaves nothing behind.
        XCTAssertNil(try Workflow.withdrawAllocation(on: first, by: Fixtures.anna, at: Fixtures.now).returnedAllocations)
    }

    func profile(_ number: Int, languages: [String: CEFRLevel] = [:], jobs: [String] = [], preferences: [String] = [],
                 linked: [Int] = []) -> AllocationProfile {
        AllocationProfile(id: CaseID(number: number),
                          languages: Dictionary(uniqueKeysWithValues: languages.map { (LanguageCode($0.key)!, $0.value) }),
                          occupations: Set(jobs.map { ISCOCode($0)! }), preferences: preferences.map { CountryCode($0)! },
                          linkedCases: Set(linked.map { CaseID(number: $0) }))
    }

    /// From the walk: a batch's proposals were the runner's alone, so the caseworker, who knows
    /// the person, could neither change nor withdraw one. Now the case's caseworker may; nobody
    /// else but the runner; and the caseworker's replacement is theirs, for any other
    /// supervisor to review, the runner too.
    func testTheCaseworkerAmendsOrWithdrawsABatchProposalOnTheirCase() throws {
        let granted = try Fixtures.caseIn(.allocation)
        XCTAssertEqual(granted.assignedTo, "anna.k")
        var batch = PlannedAllocation(caseID: granted.id, country: code("DE"), factors: [], runnerUp: nil, runnerUpFactors: [],
                                      runnerUpReason: "", groupedWith: [])
        batch.batch = "batch of 60: optimal"
        let proposed = try Workflow.proposeAllocation(batch, on: granted, by: Fixtures.maria, at: Fixtures.now)
        XCTAssertTrue(proposed.mayAmendAllocation("anna.k"))
        XCTAssertTrue(proposed.mayAmendAllocation("maria.s"))
        XCTAssertFalse(proposed.mayAmendAllocation("pieter.v"))
        let seen = ProposalSeen.allocation(of: proposed)
        XCTAssertThrowsError(try Workflow.withdrawAllocation(on: proposed, seen: seen, by: Fixtures.pieter, at: Fixtures.now)) { error in
            XCTAssertEqual(error as? WorkflowError, .notYourProposal(granted.id, country: code("DE"), proposedBy: "maria.s", caseworker: "anna.k"))
            XCTAssertEqual("\(error)", "Only anna.k (caseworker) or maria.s (ran the batch) may change DE for HV-000001.")
        }
        var handPlanned = batch
        handPlanned.batch = nil
        handPlanned.country = code("NL")
        let replaced = try Workflow.proposeAllocation(handPlanned, on: proposed, replacing: seen, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertEqual(replaced.allocation?.country, code("NL"))
        XCTAssertEqual(replaced.allocation?.proposedBy, "anna.k")
        XCTAssertFalse(replaced.mayAmendAllocation("maria.s"), "anna's own now, not the batch's")
        XCTAssertEqual(try Workflow.approveAllocation(on: replaced, seen: ProposalSeen.allocation(of: replaced), by: Fixtures.maria,
                                                      at: Fixtures.now).stage, .relocation, "the runner may review it now")
        let withdrawn = try Workflow.withdrawAllocation(on: proposed, seen: seen, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertNil(withdrawn.allocation)
        // A proposal by hand stays its proposer's alone, even on the caseworker's case.
        let byHand = try Workflow.proposeAllocation(handPlanned, on: granted, by: Fixtures.maria, at: Fixtures.now)
        XCTAssertFalse(byHand.mayAmendAllocation("anna.k"))
        XCTAssertThrowsError(try Workflow.withdrawAllocation(on: byHand, by: Fixtures.anna, at: Fixtures.now))
    }

    /// For many people, the ranking's best is what a batch of one proposes, with the same
    /// factors, runner-up and explanation, and every country's score is the scorer's.
    func testItsProposerReplacesOrWithdrawsAProposalStillWaitingAndAnApprovalOfTheOldOneIsRefused() throws {
        func planned(_ country: String) -> PlannedAllocation {
            PlannedAllocation(caseID: CaseID(number: 1), country: code(country), factors: [], runnerUp: nil, runnerUpFactors: [],
                              runnerUpReason: "", groupedWith: [])
        }
        let granted = try Fixtures.caseIn(.allocation)
        let proposed = try Workflow.proposeAllocation(planned("DE"), on: granted, by: Fixtures.anna, at: Fixtures.now)
        let seenDE = ProposalSeen.allocation(of: proposed)
        // Another person is told whose it is; its proposer replaces it only naming what they
        // saw (a batch or a second session names nothing and is refused), never with itself.
        XCTAssertThrowsError(try Workflow.proposeAllocation(planned("NL"), on: proposed, by: Fixtures.maria, at: Fixtures.now)) { error in
            XCTAssertEqual(error as? WorkflowError, .notYourProposal(granted.id, country: code("DE"), proposedBy: "anna.k"))
            XCTAssertEqual("\(error)", "Only anna.k, who proposed DE for HV-000001, can change or withdraw it; a supervisor can return it.")
        }
        XCTAssertThrowsError(try Workflow.proposeAllocation(planned("NL"), on: proposed, by: Fixtures.anna, at: Fixtures.now)) { error in
            XCTAssertEqual(error as? WorkflowError, .proposalPending(granted.id))
        }
        XCTAssertThrowsError(try Workflow.proposeAllocation(planned("DE"), on: proposed, replacing: seenDE, by: Fixtures.anna, at: Fixtures.now)) { error in
            XCTAssertTrue("\(error)".contains("DE is already proposed"), "\(error)")
        }
        let later = Timestamp(secondsSinceEpoch: Fixtures.now.secondsSinceEpoch + 60)
        let replaced = try Workflow.proposeAllocation(planned("NL"), on: proposed, replacing: seenDE, by: Fixtures.anna, at: later)
        XCTAssertEqual(replaced.allocation?.country, code("NL"))
        XCTAssertEqual(replaced.heldCountry, code("NL"), "the place held moves with it")
        // What was seen is stale now: maria's approval of DE and a second replacement from
        // the old screen are both refused.
        XCTAssertThrowsError(try Workflow.approveAllocation(on: replaced, seen: seenDE, by: Fixtures.maria, at: later)) { error in
            XCTAssertEqual(error as? WorkflowError, .proposalNowOther("anna.k's proposal of NL"))
        }
        XCTAssertThrowsError(try Workflow.proposeAllocation(planned("GB"), on: replaced, replacing: seenDE, by: Fixtures.anna, at: later)) { error in
            XCTAssertEqual(error as? WorkflowError, .proposalNowOther("anna.k's proposal of NL"))
        }
        XCTAssertThrowsError(try Workflow.withdrawAllocation(on: replaced, seen: seenDE, by: Fixtures.anna, at: later)) { error in
            XCTAssertEqual(error as? WorkflowError, .proposalNowOther("anna.k's proposal of NL"))
        }
        // Returned meanwhile: a replacement or withdrawal says so, with the comment, and does not
        // overwrite the return.
        let seenNL = ProposalSeen.allocation(of: replaced)
        let returned = try Workflow.returnAllocation(on: replaced, comment: "Нет жилья", by: Fixtures.maria, at: later)
        XCTAssertThrowsError(try Workflow.proposeAllocation(planned("GB"), on: returned, replacing: seenNL, by: Fixtures.anna, at: later)) { error in
            XCTAssertEqual("\(error)", "Nothing changed: maria.s returned NL for HV-000001 meanwhile: Нет жилья")
        }
        XCTAssertThrowsError(try Workflow.withdrawAllocation(on: returned, seen: seenNL, by: Fixtures.anna, at: later)) { error in
            XCTAssertEqual(error as? WorkflowError, .proposalReviewed(granted.id, country: code("NL"), verdict: .returned, by: "maria.s", comment: "Нет жилья"))
        }
        // Only its proposer withdraws it; then nothing is held and it may be proposed again.
        XCTAssertThrowsError(try Workflow.withdrawAllocation(on: replaced, by: Fixtures.maria, at: later)) { error in
            XCTAssertEqual(error as? WorkflowError, .notYourProposal(granted.id, country: code("NL"), proposedBy: "anna.k"))
        }
        let withdrawn = try Workflow.withdrawAllocation(on: replaced, seen: seenNL, by: Fixtures.anna, at: later)
        XCTAssertNil(withdrawn.allocation)
        XCTAssertNil(withdrawn.heldCountry)
        XCTAssertEqual(withdrawn.stage, .allocation)
        XCTAssertThrowsError(try Workflow.withdrawAllocation(on: withdrawn, by: Fixtures.anna, at: later)) { error in
            XCTAssertEqual("\(error)", "HV-000001 has no allocation proposal waiting; nothing changed.")
        }
        XCTAssertNoThrow(try Workflow.proposeAllocation(planned("GB"), on: withdrawn, by: Fixtures.anna, at: later))
        // Approved, it is no longer the proposer's to withdraw.
        let approved = try Workflow.approveAllocation(on: replaced, by: Fixtures.maria, at: later)
        XCTAssertThrowsError(try Workflow.withdrawAllocation(on: approved, by: Fixtures.anna, at: later)) { error in
            XCTAssertTrue("\(error)".contains("maria.s approved NL for HV-000001 meanwhile"), "\(error)")
        }
        // Reassigned to another caseworker: no longer anna's to withdraw.
        var elsewhere = replaced
        elsewhere.assignedTo = "pieter.k"
        XCTAssertThrowsError(try Workflow.withdrawAllocation(on: elsewhere, by: Fixtures.anna, at: later)) { error in
            guard case .notAssigned? = error as? WorkflowError else { return XCTFail("\(error)") }
        }
    }

    func testOneCaseIsRankedWithTheBatchsScoresAndProposedExactlyAsTheBatchWould() throws {
        var random = SeededGenerator(seed: 20)
        let levels = CEFRLevel.allCases
        for number in 1...200 {
            let person = profile(number, languages: ["de": levels[Int(random.next() % 6)], "nl": levels[Int(random.next() % 6)]],
                                 jobs: random.next() % 2 == 0 ? ["8332"] : [], preferences: ["GB", "DE", "NL"].shuffled(using: &random))
            let free: [CountryCode: Int] = [code("DE"): Int(random.next() % 2), code("NL"): 1, code("GB"): Int(random.next() % 2)]
            let batch = AllocationBatch(scorer: scorer, free: free)
            let choice = AllocationChoice(profile: person, batch: batch)
            for option in choice.options {
                XCTAssertEqual(option.score, scorer.score(person, in: option.country))
                XCTAssertEqual(option.factors, scorer.factors(person, in: option.country))
                XCTAssertEqual(option.isProposable, free[option.country.code]! > 0)
            }
            XCTAssertEqual(choice.options.map { $0.score ?? 0 }, choice.options.map { $0.score ?? 0 }.sorted(by: >), "best first")
            let batchProposal = try XCTUnwrap(batch.run([person]).proposals.first)
            let best = try XCTUnwrap(choice.best)
            XCTAssertEqual(best.score, batchProposal.score, "#\(number)")
            // The same proposal but for the batch's own line (how the batch was settled).
            var expected = batchProposal
            XCTAssertEqual(expected.batch, "batch of 1: optimal")
            expected.batch = nil
            XCTAssertEqual(try choice.planned(batchProposal.country), expected, "#\(number)")
            XCTAssertFalse(choice.needsReason(batchProposal.country))
        }
    }

    func testAFullCountryOrOneFamilyUnityRulesOutIsShownButNotProposed() {
        let person = profile(1, languages: ["de": .c2], preferences: ["NL"], linked: [9])
        let full = AllocationChoice(profile: person, batch: AllocationBatch(scorer: scorer, free: [code("DE"): 0, code("NL"): 2, code("GB"): 2]))
        XCTAssertEqual(full.options.first?.country.code, code("DE"))
        XCTAssertEqual(full.options.first?.refusal, "Germany has no place left.")
        XCTAssertEqual(full.best?.country.code, code("NL"))
        XCTAssertThrowsError(try full.planned(code("DE")))
        XCTAssertEqual(full.options.first { $0.country.code == code("NL") }?.familyUnity, "Linked: HV-000009 not placed yet.")
        let held = AllocationChoice(profile: person, batch: AllocationBatch(scorer: scorer, free: [code("DE"): 2, code("NL"): 2, code("GB"): 2],
                                                                           placedElsewhere: [CaseID(number: 9): code("GB")]))
        XCTAssertEqual(held.best?.country.code, code("GB"))
        XCTAssertEqual(held.options.filter(\.isProposable).map(\.country.code), [code("GB")])
        XCTAssertNil(held.options.first { $0.country.code == code("DE") }?.score)
        XCTAssertEqual(try held.planned(code("GB")).familyUnity, "Linked: HV-000009 also in GB.")
    }

    func testChoosingALowerScoreNeedsAReasonAndTheExplanationKeepsIt() throws {
        // German C1 (20) against Dutch first choice (15).
        let person = profile(1, languages: ["de": .c1], preferences: ["NL"])
        let choice = AllocationChoice(profile: person, batch: AllocationBatch(scorer: scorer, free: [code("DE"): 2, code("NL"): 2, code("GB"): 2]))
        XCTAssertEqual(choice.best?.country.code, code("DE"))
        XCTAssertTrue(choice.needsReason(code("NL")))
        XCTAssertThrowsError(try choice.planned(code("NL"), reason: "  ")) { error in
            guard case let .invalid(issues)? = error as? WorkflowError else { return XCTFail("\(error)") }
            XCTAssertEqual(issues.map(\.field), ["reason"])
            XCTAssertEqual(issues.first?.message, "Germany scores 20 against 15 and has a place: say why Netherlands instead.")
        }
        let planned = try choice.planned(code("NL"), reason: "Его жена — гражданка Нидерландов")
        XCTAssertEqual(planned.runnerUp, code("DE"))
        XCTAssertEqual(planned.runnerUpReason, "Germany scores 5 points more, 20 against 15 (Language +20, Preference −15), "
                       + "but Netherlands was chosen by hand: Его жена — гражданка Нидерландов.")
        XCTAssertEqual(planned.preferences, "1st NL: proposed")
        // The best needs no reason; one given anyway is kept, as the person wrote it.
        XCTAssertEqual(try choice.planned(code("DE")).runnerUpReason,
                       "Netherlands scores 5 points less, 15 against 20 (Language −20, Preference +15).")
        XCTAssertEqual(try choice.planned(code("DE"), reason: "Brother in Leipzig").runnerUpReason,
                       "Netherlands scores 5 points less, 15 against 20 (Language −20, Preference +15). Germany was chosen by hand: Brother in Leipzig.")
    }

    func factors(_ pairs: [(AllocationFactorKind, Double)]) -> [AllocationFactor] {
        pairs.map { AllocationFactor(name: $0.0.rawValue, contribution: $0.1) }
    }

    /// The issue's case: 48 against 18 was called "the same". Now "the same" only for equal
    /// shown scores; otherwise the gap, both scores and where it fell short.
    func testTheExplanationSaysTheSameOnlyWhenTheShownScoresAreEqual() {
        let sweden = HostCountry(code: code("SE"), name: "Sweden", languages: [LanguageCode("sv")!])
        let norway = HostCountry(code: code("NO"), name: "Norway", languages: [LanguageCode("no")!])
        let mine = factors([(.language, 18), (.family, 30)])
        let tie = AllocationBatch.whyNot(norway, chosen: sweden, groupScores: (48, 48), factors: mine,
                                         runnerUpFactors: factors([(.language, 18), (.preference, 30)]), freeThere: 5, groupSize: 1)
        XCTAssertEqual(tie, "Norway scores the same, 48 (Family ties −30, Preference +30): either would do.")
        // A family of two whose totals tie, while this person's scores are 48 and 18.
        let family = AllocationBatch.whyNot(norway, chosen: sweden, groupScores: (66, 66), factors: mine,
                                            runnerUpFactors: factors([(.language, 18)]), freeThere: 5, groupSize: 2)
        XCTAssertFalse(family.hasPrefix("Norway scores the same"), family)
        XCTAssertEqual(family, "Norway scores 30 points less, 18 against 48 (Family ties −30); for the family together the same, 66: either would do.")
        let less = AllocationBatch.whyNot(norway, chosen: sweden, groupScores: (48, 18), factors: mine,
                                          runnerUpFactors: factors([(.language, 18)]), freeThere: 5, groupSize: 1)
        XCTAssertEqual(less, "Norway scores 30 points less, 18 against 48 (Family ties −30).")
        let one = AllocationBatch.whyNot(norway, chosen: sweden, groupScores: (48, 49), factors: mine,
                                         runnerUpFactors: factors([(.language, 19), (.family, 30)]), freeThere: 0, groupSize: 1)
        XCTAssertEqual(one, "Norway scores 1 point more, 49 against 48 (Language +1), but has no place left.")
        // Contributions that read the same once rounded are the same.
        let rounded = AllocationBatch.whyNot(norway, chosen: sweden, groupScores: (48, 48), factors: factors([(.language, 47.6)]),
                                             runnerUpFactors: factors([(.language, 48.4)]), freeThere: 5, groupSize: 1)
        XCTAssertTrue(rounded.hasPrefix("Norway scores the same, 48"), rounded)
    }

    /// A link made after the proposal changes the scores: the sentence is written again.
    func testALinkAfterTheProposalRewritesAnExplanationThatNoLongerHolds() throws {
        var record = try Fixtures.caseIn(.allocation)
        record.defector.languages = []
        record.defector.skills = []
        record.defector.service.specialty = nil
        record = try Workflow.addFamilyMember(FamilyMember(id: 0, relationship: .brother, cyrillicName: FullName(given: "Павел")),
                                              to: record, policy: .standard, by: Fixtures.anna, at: Fixtures.now)
        record.family[0].linkedCase = CaseID(number: 2)
        record.allocation = AllocationProposal(country: code("DE"), factors: [], runnerUp: code("NL"), runnerUpFactors: [],
                                               runnerUpReason: "Netherlands scores the same, 0: either would do.",
                                               proposedBy: "anna.k", proposedAt: Fixtures.now)
        let context = AllocationContext(scorer: scorer, occupations: OccupationCatalogue(unitGroups: [], specialties: []),
                                        placed: [CaseID(number: 2): code("DE")])
        let refreshed = FamilyLinks.refreshExplanation(record, context)
        XCTAssertEqual(refreshed.allocation?.factors.score, 30)
        XCTAssertEqual(refreshed.allocation?.runnerUpReason, "Netherlands scores 30 points less, 0 against 30 (Family ties −30).")
    }
}

/// Issue 26, point 5: the explanation shows where each stated preference stood, and a choice
/// by hand that passes over a preference with a place needs a reason, kept in the explanation.
final class AllocationPreferenceTests: XCTestCase {
    let scorer = AllocationScorer(policy: AllocationTests.policy, countries: AllocationTests.countries)
    func code(_ text: String) -> CountryCode { CountryCode(text)! }

    func testTheBatchSaysWhereEachPreferenceStood() {
        // Two German speakers want NL first; NL has one place, GB none.
        let first = AllocationProfile(id: CaseID(number: 1), languages: [LanguageCode("de")!: .c1], preferences: [code("NL"), code("GB"), code("DE")])
        let second = AllocationProfile(id: CaseID(number: 2), languages: [LanguageCode("nl")!: .c2], preferences: [code("NL")])
        let result = AllocationBatch(scorer: scorer, free: [code("DE"): 2, code("NL"): 1, code("GB"): 0]).run([first, second])
        let byCase = Dictionary(uniqueKeysWithValues: result.proposals.map { ($0.caseID.number, $0) })
        XCTAssertEqual(byCase[2]?.country, code("NL"))
        XCTAssertEqual(byCase[2]?.preferences, "1st NL: proposed")
        XCTAssertEqual(byCase[1]?.country, code("DE"))
        let standing = try! XCTUnwrap(byCase[1]?.preferences)
        XCTAssertTrue(standing.hasPrefix("1st NL: "), standing)
        XCTAssertTrue(standing.contains("2nd GB: no place left"), standing)
        XCTAssertTrue(standing.hasSuffix("3rd DE: proposed"), standing)
        let proposal = byCase[1]!.proposal(by: "oleh.s", at: Fixtures.now)
        XCTAssertEqual(proposal.preferences, standing)
        XCTAssertEqual(proposal.batch, "batch of 2: optimal")
        let wording = AuditWording.describe(FieldChange(field: "allocation.preferences", before: nil, after: "\"\(standing)\""), in: nil as Case?)
        XCTAssertEqual(wording.label, "Preferences against the proposal")
        XCTAssertEqual(wording.section, "Allocation")
    }

    func testTheBatchNeverProposesACountryASupervisorReturnedForTheCase() throws {
        // From a walk: a supervisor returned IE ("the family must be together"), and the next
        // batch proposed IE again. A German speaker, DE best: returned DE, the batch proposes
        // elsewhere; every country returned, it proposes nothing and says why. By hand, DE
        // still ranks first (a caseworker may propose it again, with a reason).
        let granted = try Fixtures.caseIn(.allocation)
        let planned = PlannedAllocation(caseID: granted.id, country: code("DE"), factors: [], runnerUp: nil, runnerUpFactors: [],
                                        runnerUpReason: "", groupedWith: [])
        let proposed = try Workflow.proposeAllocation(planned, on: granted, by: Fixtures.anna, at: Fixtures.now)
        let returned = try Workflow.returnAllocation(on: proposed, comment: "Семья в Польше", by: Fixtures.maria, at: Fixtures.now)
        var person = AllocationProfile(record: returned, occupations: OccupationCatalogue(unitGroups: [], specialties: []))
        XCTAssertEqual(person.returned, [code("DE")])
        person.languages = [LanguageCode("de")!: .c2]
        let batch = AllocationBatch(scorer: scorer, free: [code("DE"): 2, code("NL"): 2, code("GB"): 2])
        var fresh = person
        fresh.returned = []
        XCTAssertEqual(batch.run([fresh]).proposals.first?.country, code("DE"), "DE is its best")
        let result = batch.run([person])
        XCTAssertNotEqual(result.proposals.first?.country, code("DE"))
        XCTAssertNotNil(result.proposals.first)
        XCTAssertEqual(AllocationChoice(profile: person, batch: batch).options.first?.country.code, code("DE"), "by hand, DE still first")
        // Withdrawn later, the return still counts: it is kept on the case.
        let again = try Workflow.proposeAllocation(PlannedAllocation(caseID: granted.id, country: code("NL"), factors: [], runnerUp: nil,
                                                                     runnerUpFactors: [], runnerUpReason: "", groupedWith: []),
                                                   on: returned, by: Fixtures.anna, at: Fixtures.now)
        let withdrawn = try Workflow.withdrawAllocation(on: again, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertEqual(AllocationProfile(record: withdrawn, occupations: OccupationCatalogue(unitGroups: [], specialties: [])).returned, [code("DE")])
        person.returned = [code("DE"), code("NL"), code("GB")]
        let none = batch.run([person])
        XCTAssertTrue(none.proposals.isEmpty)
        XCTAssertEqual(none.unplaced.first?.reason,
                       "a supervisor returned every country it may go to; a caseworker proposes one by hand, with a reason")
    }

    func testPassingOverAStatedPreferenceByHandNeedsAReason() throws {
        // DE scores most (German C2); the person's first choice is GB, which has a place.
        let person = AllocationProfile(id: CaseID(number: 7), languages: [LanguageCode("de")!: .c2], preferences: [code("GB")])
        let batch = AllocationBatch(scorer: scorer, free: [code("DE"): 1, code("NL"): 1, code("GB"): 1])
        let choice = AllocationChoice(profile: person, batch: batch)
        XCTAssertEqual(choice.best?.country.code, code("DE"))
        // The best (the batch's own choice, preferences weighed in) needs no reason.
        XCTAssertFalse(choice.needsReason(code("DE")))
        XCTAssertNil(choice.passedOverPreference(code("DE")))
        // NL ties with nothing and passes over the 1st choice GB, which has a place.
        XCTAssertTrue(choice.needsReason(code("NL")))
        XCTAssertEqual(choice.passedOverPreference(code("NL"))?.option.country.code, code("GB"))
        XCTAssertNil(choice.passedOverPreference(code("GB")))
        XCTAssertThrowsError(try choice.planned(code("NL"))) { error in
            guard case let .invalid(issues)? = error as? WorkflowError else { return XCTFail("\(error)") }
            XCTAssertEqual(issues.first?.message, "United Kingdom is the person's 1st choice and has a place: say why Netherlands instead.")
        }
        let planned = try choice.planned(code("NL"), reason: "Partner lives in Utrecht; agreed at interview")
        XCTAssertTrue(planned.runnerUpReason.contains("agreed at interview"), planned.runnerUpReason)
        XCTAssertTrue(planned.runnerUpReason.hasSuffix("It goes against the person's 1st choice, United Kingdom, which has a place."),
                      planned.runnerUpReason)
        XCTAssertTrue(try XCTUnwrap(planned.preferences).hasPrefix("1st GB: "))
        // With no place in GB, the preference cannot be had: only the lower score asks for a reason.
        let full = AllocationChoice(profile: person, batch: AllocationBatch(scorer: scorer, free: [code("DE"): 1, code("NL"): 1, code("GB"): 0]))
        XCTAssertNil(full.passedOverPreference(code("NL")))
        XCTAssertThrowsError(try full.planned(code("NL"))) { error in
            guard case let .invalid(issues)? = error as? WorkflowError else { return XCTFail("\(error)") }
            XCTAssertTrue(issues.first?.message.hasPrefix("Germany scores") == true, "\(issues)")
        }
    }
}
