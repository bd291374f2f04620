import Foundation
import XCTest
@testable import HavenCore

/// Issue 26, point 4: a country's capacity has more than one kind of place (family housing
/// units, places with medical support); the case records which it takes, the ledger counts
/// them, the batch and a proposal by hand keep within them.
final class PlaceKindTests: XCTestCase {
    func code(_ text: String) -> CountryCode { CountryCode(text)! }

    func granted(_ number: Int, health: String = "", family: [FamilyMember] = []) throws -> Case {
        var record = try Fixtures.caseIn(.allocation)
        record.id = CaseID(number: number)
        record.defector.healthNeeds = health
        record.family = family
        return record
    }

    func planned(_ id: Int, _ country: String) -> PlannedAllocation {
        PlannedAllocation(caseID: CaseID(number: id), country: code(country), factors: [], runnerUp: nil, runnerUpFactors: [],
                          runnerUpReason: "", groupedWith: [])
    }

    /// DE has one place with medical support and one family housing unit.
    var countries: [HostCountry] {
        var countries = AllocationTests.countries
        countries[0].capacities = [.medicalSupport: 1, .familyHousing: 1]
        return countries
    }

    func testWhatACaseNeedsComesFromItsRecord() throws {
        XCTAssertEqual(PlaceKind.needed(by: try granted(1)), [])
        XCTAssertEqual(PlaceKind.needed(by: try granted(1, health: "None.")), [], "a way of saying none is not a need")
        XCTAssertEqual(PlaceKind.needed(by: try granted(1, health: "Insulin-dependent diabetes")), [.medicalSupport])
        XCTAssertEqual(PlaceKind.needed(by: try granted(1, family: [FamilyMember(id: 1, relationship: .daughter)])), [.familyHousing])
        XCTAssertEqual(PlaceKind.needed(by: try granted(1, family: [FamilyMember(id: 1, relationship: .brother)])), [],
                       "a brother is reunited but does not make the case a family household")
        XCTAssertEqual(PlaceKind.needed(by: try granted(1, family: [FamilyMember(id: 1, relationship: .spouse, stage: .withdrawn)])), [])
        XCTAssertEqual(PlaceKind.needed(by: try granted(1, family: [FamilyMember(id: 1, relationship: .son, whereabouts: .inProgramme,
                                                                                linkedCase: CaseID(number: 9))])), [],
                       "a son with his own case takes his own place")
        XCTAssertEqual(PlaceKind.needed(by: try granted(1, family: [FamilyMember(id: 1, relationship: .son, whereabouts: .russia,
                                                                                linkedCase: CaseID(number: 9))])), [],
                       "linked, wherever the form last said he is")
        // A record listing a kind twice takes it once.
        var twice = AllocationProposal(country: code("DE"), proposedBy: "anna.k", proposedAt: Fixtures.now)
        twice.places = [.medicalSupport, .familyHousing, .medicalSupport]
        XCTAssertEqual(twice.placesTaken, [.familyHousing, .medicalSupport])
        // The proposal records them from the case, whatever the plan said.
        let proposed = try Workflow.proposeAllocation(planned(1, "DE"), on: try granted(1, health: "PTSD, weekly therapy"),
                                                      by: Fixtures.anna, at: Fixtures.now)
        XCTAssertEqual(proposed.allocation?.places, [.medicalSupport])
        XCTAssertEqual(CaseSummary(record: proposed, version: CaseVersion(1)).allocation?.placesTaken, [.medicalSupport])
        let plain = try Workflow.proposeAllocation(planned(2, "DE"), on: try granted(2), by: Fixtures.anna, at: Fixtures.now)
        XCTAssertNil(plain.allocation?.places, "nothing recorded when no kind is taken, as before issue 26")
    }

    func testTheLedgerCountsEachKindAndRefusesAProposalPastIt() throws {
        let held = try Workflow.proposeAllocation(planned(1, "DE"), on: try granted(1, health: "Asthma"), by: Fixtures.anna, at: Fixtures.now)
        let ledger = QuotaLedger(countries: countries, summaries: [CaseSummary(record: held, version: CaseVersion(1))])
        XCTAssertEqual(ledger.reserved(.medicalSupport, in: code("DE")), 1)
        XCTAssertEqual(ledger.free(.medicalSupport, in: code("DE")), 0)
        XCTAssertEqual(ledger.free(.familyHousing, in: code("DE")), 1)
        XCTAssertNil(ledger.free(.medicalSupport, in: code("NL")), "NL does not limit it")
        XCTAssertEqual(ledger.freeOfKind[.medicalSupport], [code("DE"): 0])
        // A second case with health needs cannot be proposed to DE; one without can, and so can
        // one with health needs to NL.
        let second = try granted(2, health: "Asthma")
        let refused = try Workflow.proposeAllocation(planned(2, "DE"), on: second, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertThrowsError(try ledger.check(previous: second, next: refused)) { error in
            XCTAssertEqual(error as? QuotaError, .noFreePlaceOfKind(code("DE"), name: "Germany", kind: .medicalSupport, capacity: 1,
                                                                     used: 0, reserved: 1))
            XCTAssertEqual("\(error)", "Germany (DE) has no medical support place free: 0 used, 1 held, of 1.")
        }
        let third = try granted(3)
        XCTAssertNoThrow(try ledger.check(previous: third, next: try Workflow.proposeAllocation(planned(3, "DE"), on: third, by: Fixtures.anna, at: Fixtures.now)))
        XCTAssertNoThrow(try ledger.check(previous: second, next: try Workflow.proposeAllocation(planned(2, "NL"), on: second, by: Fixtures.anna, at: Fixtures.now)))
        // Approving its own proposal takes the place it held; an override of another case into
        // DE would need a free one.
        let approved = try Workflow.approveAllocation(on: held, by: Fixtures.maria, at: Fixtures.now)
        XCTAssertNoThrow(try ledger.check(previous: held, next: approved))
        let elsewhere = try Workflow.proposeAllocation(planned(2, "NL"), on: second, by: Fixtures.anna, at: Fixtures.now)
        let overridden = try Workflow.overrideAllocation(on: elsewhere, to: code("DE"), reason: "Clinic in Berlin", by: Fixtures.maria,
                                                         at: Fixtures.now)
        XCTAssertThrowsError(try ledger.check(previous: elsewhere, next: overridden))
        // Once approved it is used, not held.
        let after = QuotaLedger(countries: countries, summaries: [CaseSummary(record: approved, version: CaseVersion(2))])
        XCTAssertEqual(after.used(.medicalSupport, in: code("DE")), 1)
        XCTAssertEqual(after.reserved(.medicalSupport, in: code("DE")), 0)
    }

    func testAnAdministratorSetsEachKindNeverBelowWhatIsTaken() throws {
        let held = try Workflow.proposeAllocation(planned(1, "DE"), on: try granted(1, health: "Asthma"), by: Fixtures.anna, at: Fixtures.now)
        let ledger = QuotaLedger(countries: countries, summaries: [CaseSummary(record: held, version: CaseVersion(1))])
        let admin = Actor(user: "olga.a", role: .administrator)
        XCTAssertThrowsError(try ledger.applying(.setCapacity(code("DE"), .medicalSupport, 0), by: admin)) { error in
            XCTAssertEqual("\(error)", "Germany (DE) cannot have 0 medical support places: 0 used, 1 held (1 at least).")
        }
        XCTAssertThrowsError(try ledger.applying(.setCapacity(code("NL"), .familyHousing, -1), by: admin))
        XCTAssertThrowsError(try ledger.applying(.setCapacity(code("NL"), .familyHousing, 4), by: Fixtures.anna), "caseworkers cannot")
        let next = try ledger.applying(.setCapacity(code("NL"), .familyHousing, 4), by: admin)
        XCTAssertEqual(next[1].capacities, [.familyHousing: 4])
        XCTAssertEqual(QuotaLedger.fieldChanges(from: countries, to: next, for: code("NL")).first?.after,
                       "Netherlands; languages nl; quota 3; family housing 4")
        let unlimited = try ledger.applying(.setCapacity(code("DE"), .medicalSupport, nil), by: admin)
        XCTAssertEqual(unlimited[0].capacities, [.familyHousing: 1], "nil: only the quota limits it")
    }

    func testAnApprovalTakesTheKindsTheCaseNeedsNowNotWhenProposed() throws {
        // From the walk: health needs (or a spouse) recorded after the proposal took no place
        // of their kind. The approval takes what the case needs as it is approved, so the
        // store's ledger counts it (and refuses it where none is left).
        let proposed = try Workflow.proposeAllocation(planned(1, "DE"), on: try granted(1), by: Fixtures.anna, at: Fixtures.now)
        XCTAssertNil(proposed.allocation?.places)
        var later = proposed
        later.defector.healthNeeds = "Insulin"
        let approved = try Workflow.approveAllocation(on: later, by: Fixtures.maria, at: Fixtures.now)
        XCTAssertEqual(approved.allocation?.places, [.medicalSupport])
        let ledger = QuotaLedger(countries: countries, summaries: [])
        XCTAssertNoThrow(try ledger.check(previous: later, next: approved))
        var noneLeft = ledger
        noneLeft.usedOfKind = [code("DE"): [.medicalSupport: 1]]
        XCTAssertThrowsError(try noneLeft.check(previous: later, next: approved)) { error in
            XCTAssertEqual("\(error)", "Germany (DE) has no medical support place free: 1 used, 0 held, of 1.")
        }
    }

    func testTheCheckRuleCountsWhatProposalsHoldForTheQuotaAndEachKind() throws {
        // One proposal holds a place and a place with medical support in DE; another case is
        // approved there. The rule `haven check` follows in both stores counts both.
        let held = try Workflow.proposeAllocation(planned(1, "DE"), on: try granted(1, health: "Asthma"), by: Fixtures.anna, at: Fixtures.now)
        let second = try granted(2)
        let approved = try Workflow.approveAllocation(on: try Workflow.proposeAllocation(planned(2, "DE"), on: second, by: Fixtures.anna,
                                                                                          at: Fixtures.now),
                                                      by: Fixtures.maria, at: Fixtures.now)
        let summaries = [CaseSummary(record: held, version: CaseVersion(1)), CaseSummary(record: approved, version: CaseVersion(2))]
        XCTAssertTrue(QuotaLedger(countries: countries, summaries: summaries).problems.isEmpty,
                      "\(QuotaLedger(countries: countries, summaries: summaries).problems)")
        var edited = countries
        edited[0].quota = 1
        edited[0].capacities[.medicalSupport] = 0
        edited[1].quota = -2
        edited[1].capacities[.familyHousing] = -1
        let problems = QuotaLedger(countries: edited, summaries: summaries).problems
        XCTAssertEqual(problems.map(\.text), [
            "Germany has a quota of 1 for 1 used and 1 held by proposals (2 at least; haven countries set-quota DE N)",
            "Germany has 0 medical support places for 0 used and 1 held by proposals (1 at least; haven countries set-places DE medical-support N)",
            "Netherlands has a quota of -2: a quota is 0 or more",
            "Netherlands has -1 family housing units: a number of places is 0 or more",
        ])
        XCTAssertEqual(problems.map(\.country), [code("DE"), code("DE"), code("NL"), code("NL")])
        // The Netherlands listed twice (a hand-edited list).
        let handEdited = [countries[0], countries[1], countries[1]]
        XCTAssertEqual(QuotaLedger(countries: handEdited, summaries: summaries).problems.map(\.text), [
            "NL is listed twice; the list must name each country once",
        ])
    }

    func testCapacitiesAreWrittenByNameAndOldFilesReadTheSame() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let plain = String(decoding: try encoder.encode(AllocationTests.countries[0]), as: UTF8.self)
        XCTAssertFalse(plain.contains("capacities"), plain)
        let limited = String(decoding: try encoder.encode(countries[0]), as: UTF8.self)
        XCTAssertTrue(limited.contains(#""capacities":{"family-housing":1,"medical-support":1}"#), limited)
        XCTAssertEqual(try JSONDecoder().decode(HostCountry.self, from: Data(limited.utf8)), countries[0])
        let wrong = #"[{"code":"DE","name":"Germany","languages":["de"],"quota":3,"capacities":{"medical-support":-2}}]"#
        XCTAssertThrowsError(try ReferenceDataDecoder.countries(from: Data(wrong.utf8), file: "countries.json")) { error in
            XCTAssertTrue("\(error)".contains("DE has -2 places with medical support"), "\(error)")
        }
        let unknown = #"[{"code":"DE","name":"Germany","languages":["de"],"quota":3,"capacities":{"beds":2}}]"#
        XCTAssertThrowsError(try ReferenceDataDecoder.countries(from: Data(unknown.utf8), file: "countries.json")) { error in
            XCTAssertTrue("\(error)".contains("beds is not a kind of place"), "\(error)")
        }
    }

    func testTheBatchKeepsWithinEachKindAndSaysWhyWhenItCannot() throws {
        let scorer = AllocationScorer(policy: AllocationTests.policy, countries: AllocationTests.countries)
        let german: [LanguageCode: CEFRLevel] = [LanguageCode("de")!: .c2]
        // Three German speakers with health needs; DE has places for all, medical support for one.
        let profiles = (1...3).map { AllocationProfile(id: CaseID(number: $0), languages: german, hasSpecialNeeds: true, places: [.medicalSupport]) }
        let free = [code("DE"): 3, code("NL"): 3, code("GB"): 3]
        let unlimited = AllocationBatch(scorer: scorer, free: free).run(profiles)
        XCTAssertEqual(unlimited.proposals.filter { $0.country == code("DE") }.count, 3, "without the limit all three go to DE")
        let limited = AllocationBatch(scorer: scorer, free: free, freeOfKind: [.medicalSupport: [code("DE"): 1]]).run(profiles)
        XCTAssertEqual(limited.proposals.count, 3)
        XCTAssertEqual(limited.proposals.filter { $0.country == code("DE") }.count, 1)
        // Prices on the limit prove it here without a MIP solver (HavenMIPTests checks the
        // proofs against brute force and GLPK).
        XCTAssertEqual(limited.people, 3)
        XCTAssertTrue(limited.provenOptimal, limited.proof.label)
        XCTAssertTrue(limited.proposals.allSatisfy { $0.places == [.medicalSupport] })
        XCTAssertEqual(limited.greedyPeople, 3, "the greedy baseline keeps the limit too")
        XCTAssertLessThanOrEqual(limited.greedyScore, limited.score)
        let problem = AllocationBatch(scorer: scorer, free: free, freeOfKind: [.medicalSupport: [code("DE"): 1]]).problem(profiles)
        XCTAssertTrue(problem.isFeasible(PlacementSolver.greedy(problem).assignment))
        // No country with medical support left: unplaced, and the reason says so.
        let none = AllocationBatch(scorer: scorer, free: free,
                                   freeOfKind: [.medicalSupport: [code("DE"): 1, code("NL"): 0, code("GB"): 0]]).run(profiles)
        XCTAssertEqual(none.proposals.count, 1)
        XCTAssertEqual(none.unplaced.count, 2)
        XCTAssertEqual(none.unplaced.first?.reason,
                       "the places with medical support it could take went to others: the batch places the most people, then the highest total score")
        let nowhere = AllocationBatch(scorer: scorer, free: free,
                                      freeOfKind: [.medicalSupport: [code("DE"): 0, code("NL"): 0, code("GB"): 0]]).run(profiles)
        XCTAssertEqual(nowhere.unplaced.count, 3)
        XCTAssertEqual(nowhere.unplaced.first?.reason, "no country it may go to has a medical support place left, which the case needs")
        // No place at all anywhere: that is the reason, not the kind.
        let full = AllocationBatch(scorer: scorer, free: [code("DE"): 0, code("NL"): 0, code("GB"): 0],
                                   freeOfKind: [.medicalSupport: [code("DE"): 5]]).run(profiles)
        XCTAssertEqual(full.unplaced.first?.reason, "no country it may go to has a place left")
        // The runner-up's explanation counts the kind: DE has places but no medical one left.
        let usedUp = AllocationBatch(scorer: scorer, free: free, freeOfKind: [.medicalSupport: [code("DE"): 0]]).run(profiles)
        XCTAssertTrue(usedUp.proposals.allSatisfy { $0.country != code("DE") })
        XCTAssertTrue(usedUp.proposals.contains { $0.runnerUp == code("DE") && $0.runnerUpReason.contains("but has no medical support place left.") },
                      "\(usedUp.proposals.map(\.runnerUpReason))")
        XCTAssertFalse(usedUp.proposals.contains { $0.runnerUpReason.contains("no place left") }, "DE has places: \(usedUp.proposals.map(\.runnerUpReason))")
        // A stated preference for DE says the same.
        let preferring = profiles.map { profile -> AllocationProfile in
            var next = profile
            next.preferences = [code("DE")]
            return next
        }
        let standing = AllocationBatch(scorer: scorer, free: free, freeOfKind: [.medicalSupport: [code("DE"): 0]]).run(preferring)
        XCTAssertEqual(standing.proposals.first?.preferences, "1st DE: no medical support place left", "\(standing.proposals.map(\.preferences))")
        // Where DE has no place at all, that is what is said.
        let noPlace = AllocationBatch(scorer: scorer, free: [code("DE"): 0, code("NL"): 3, code("GB"): 3],
                                      freeOfKind: [.medicalSupport: [code("DE"): 0]]).run(preferring)
        XCTAssertEqual(noPlace.proposals.first?.preferences, "1st DE: no place left", "\(noPlace.proposals.map(\.preferences))")
        // A country a supervisor returned for the case: said so, not as family unity (a walk
        // read "family unity holds the case elsewhere" on a case with no family).
        let returnedDE = preferring.map { profile -> AllocationProfile in
            var next = profile
            next.returned = [code("DE")]
            return next
        }
        let afterReturn = AllocationBatch(scorer: scorer, free: free).run(returnedDE)
        XCTAssertEqual(afterReturn.proposals.first?.preferences, "1st DE: returned by a supervisor before", "\(afterReturn.proposals.map(\.preferences))")
        // In a family group a country returned for one member is ruled out for the group, and
        // said as the group's.
        var elder = preferring[0], younger = preferring[1]
        elder.linkedCases = [younger.id]
        younger.linkedCases = [elder.id]
        younger.returned = [code("DE")]
        let grouped = AllocationBatch(scorer: scorer, free: free).run([elder, younger])
        XCTAssertEqual(grouped.proposals.first { $0.caseID == elder.id }?.preferences, "1st DE: returned by a supervisor before, for the family group",
                       "\(grouped.proposals.map(\.preferences))")
        // A brother placed in NL holds it there: that is what is said, naming where.
        var linked = preferring[0]
        linked.linkedCases = [CaseID(number: 900)]
        let withBrother = AllocationBatch(scorer: scorer, free: free, placedElsewhere: [CaseID(number: 900): code("NL")]).run([linked])
        XCTAssertEqual(withBrother.proposals.first?.preferences, "1st DE: family unity holds the case in NL", "\(withBrother.proposals.map(\.preferences))")
        // A proposal by hand: DE is refused for a case that needs what DE has no more of.
        let batch = AllocationBatch(scorer: scorer, free: free, freeOfKind: [.medicalSupport: [code("DE"): 0]])
        let choice = AllocationChoice(profile: profiles[0], batch: batch)
        XCTAssertEqual(choice.options.first { $0.country.code == code("DE") }?.refusal,
                       "Germany has no medical support place left, which the case needs.")
        XCTAssertNotEqual(choice.best?.country.code, code("DE"))
        // Proposed by hand elsewhere, its explanation and preferences name the kind DE lacks,
        // in the same words as the batch's, and DE itself is refused by name.
        var preferringDE = profiles[0]
        preferringDE.preferences = [code("DE")]
        let byHand = AllocationChoice(profile: preferringDE, batch: batch)
        let other = try XCTUnwrap(byHand.best?.country.code)
        let planned = try byHand.planned(other)
        XCTAssertEqual(planned.preferences, "1st DE: no medical support place left", "\(planned.preferences ?? "none")")
        XCTAssertThrowsError(try byHand.planned(code("DE"))) { error in
            XCTAssertTrue("\(error)".contains("Germany has no medical support place left, which the case needs."), "\(error)")
        }
        // A family group that needs two units where one is left is told so, not "none left".
        var pair = (1...2).map { AllocationProfile(id: CaseID(number: 20 + $0), languages: german, preferences: [code("DE")], places: [.familyHousing]) }
        pair[0].linkedCases = [pair[1].id]
        pair[1].linkedCases = [pair[0].id]
        let family = AllocationBatch(scorer: scorer, free: free, freeOfKind: [.familyHousing: [code("DE"): 1]]).run(pair)
        XCTAssertEqual(family.proposals.count, 2)
        XCTAssertEqual(family.proposals.first?.preferences, "1st DE: only 1 family housing unit left, 2 needed",
                       "\(family.proposals.map(\.preferences))")
        let healthy = AllocationChoice(profile: AllocationProfile(id: CaseID(number: 9), languages: german), batch: batch)
        XCTAssertEqual(healthy.best?.country.code, code("DE"), "a case that needs none of it is not held back")
    }

    func testTheSolverKeepsEveryLimitAndProvesNothingItCannot() {
        // Two items, one country with room for both but one unit of the kind: only one fits.
        let problem = PlacementProblem(sizes: [1, 1], scores: [[10, 1], [8, 1]], capacities: [2, 2],
                                       limits: [PlacementLimit(name: "medical-support", capacities: [1, nil], uses: [1, 1])])
        let solution = PlacementSolver.solve(problem)
        XCTAssertTrue(problem.isFeasible(solution.assignment))
        XCTAssertEqual(solution.assignment, [0, 1])
        XCTAssertEqual(solution.score, 11)
        XCTAssertFalse(problem.isFeasible([0, 0]))
        XCTAssertEqual(problem.limitExcess([0, 0]).first?.excess, 1)
        // Without the limit the bound would be 18 (both in the first country); a price on the
        // limit brings it down to the answer, which is then proven.
        XCTAssertEqual(solution.peopleBound, 2)
        XCTAssertEqual(solution.scoreBound, 11)
        XCTAssertTrue(solution.provenOptimal, solution.proof.label)
    }

    func testAMIPSolverThatTakesAnySizeIsGivenItsShareOfAProblemWithLimits() {
        // A MIP solver keeps the protocol's default cap on columns (Int.max): the share of the
        // time left to it is worked out (twice the cap overflowed) and the answer is proven by
        // the prices alone, the solver never asked.
        struct Declines: PlacementMIP {
            var name: String { "declines" }
            func solve(_ subproblem: PlacementSubproblem) -> PlacementSubsolution? { nil }
        }
        let problem = PlacementProblem(sizes: [1, 1], scores: [[10, 1], [8, 1]], capacities: [2, 2],
                                       limits: [PlacementLimit(name: "medical-support", capacities: [1, nil], uses: [1, 1])])
        XCTAssertEqual(Declines().maximumColumns, Int.max)
        let solution = PlacementSolver.solve(problem, mip: Declines())
        XCTAssertTrue(problem.isFeasible(solution.assignment))
        XCTAssertEqual(solution.score, 11)
        XCTAssertTrue(solution.provenOptimal, solution.proof.label)
    }
}
