import XCTest
@testable import HavenCore

final class AllocationTests: XCTestCase {
    static let countries = [
        HostCountry(code: CountryCode("DE")!, name: "Germany", languages: [LanguageCode("de")!], quota: 3),
        HostCountry(code: CountryCode("NL")!, name: "Netherlands", languages: [LanguageCode("nl")!], quota: 3),
        HostCountry(code: CountryCode("GB")!, name: "United Kingdom", languages: [LanguageCode("en")!], quota: 3),
    ]
    static let policy = AllocationPolicy(
        weights: [.family: 30, .language: 4, .job: 6, .preference: 5, .specialNeeds: 4],
        labourDemand: [CountryCode("DE")!: [ISCOCode("8332")!: 3], CountryCode("NL")!: [ISCOCode("8332")!: 1]],
        specialNeedsSupport: [CountryCode("NL")!: 3, CountryCode("GB")!: 1])
    let scorer = AllocationScorer(policy: AllocationTests.policy, countries: AllocationTests.countries)
    var de: HostCountry { Self.countries[0] }
    var nl: HostCountry { Self.countries[1] }
    var gb: HostCountry { Self.countries[2] }

    func profile(_ number: Int, languages: [String: CEFRLevel] = [:], jobs: [String] = [], preferences: [String] = [],
                 needs: Bool = false, relatives: [String: Int] = [:], linked: [Int] = []) -> AllocationProfile {
        AllocationProfile(id: CaseID(number: number),
                          languages: Dictionary(uniqueKeysWithValues: languages.map { (LanguageCode($0.key)!, $0.value) }),
                          occupations: Set(jobs.map { ISCOCode($0)! }), preferences: preferences.map { CountryCode($0)! },
                          hasSpecialNeeds: needs,
                          relativesIn: Dictionary(uniqueKeysWithValues: relatives.map { (CountryCode($0.key)!, $0.value) }),
                          linkedCases: Set(linked.map { CaseID(number: $0) }))
    }

    func testEachFactorIsItsWeightTimesItsLevelAndTheyAddUpToTheScore() {
        let driver = profile(1, languages: ["de": .b2, "en": .a2], jobs: ["8332"], preferences: ["NL", "DE"], needs: true,
                             relatives: ["DE": 1])
        let factors = scorer.factors(driver, in: de)
        XCTAssertEqual(factors.map(\.name), ["family", "language", "job", "preference"])
        XCTAssertEqual(factors.map(\.contribution), [30, 16, 18, 10])
        XCTAssertEqual(factors.map(\.detail), ["1 relative there", "de B2", "8332 shortage", "2nd choice"])
        XCTAssertEqual(factors.score, 74)
        XCTAssertEqual(scorer.score(driver, in: de), 74)
        XCTAssertEqual(scorer.factors(driver, in: nl).map(\.name), ["job", "preference", "special-needs"])
        XCTAssertEqual(scorer.score(driver, in: nl), 6 + 15 + 12)
        // Random people: the explanation always adds up to the score used to place them.
        var random = SeededGenerator(seed: 3)
        let levels = CEFRLevel.allCases
        for number in 0..<300 {
            let person = profile(number, languages: ["de": levels[Int(random.next() % 6)], "en": levels[Int(random.next() % 6)]],
                                 jobs: random.next() % 2 == 0 ? ["8332"] : [], preferences: ["GB", "DE", "NL"].shuffled(using: &random),
                                 needs: random.next() % 3 == 0, relatives: random.next() % 4 == 0 ? ["NL": Int(random.next() % 5)] : [:])
            for country in Self.countries {
                XCTAssertEqual(scorer.factors(person, in: country).score, scorer.score(person, in: country))
            }
        }
    }

    func testTheBatchKeepsFamiliesTogetherWithinTheQuotas() {
        // Three linked cases (a family of defectors) and four others for 3+3+3 places.
        let profiles = [
            profile(1, languages: ["nl": .b1], linked: [2]),
            profile(2, languages: ["de": .c1], linked: [1, 3]),
            profile(3, preferences: ["GB"]),
            profile(4, languages: ["de": .c2]),
            profile(5, languages: ["de": .c2]),
            profile(6, languages: ["de": .c2]),
            profile(7, languages: ["en": .b2], jobs: ["8332"]),
        ]
        let batch = AllocationBatch(scorer: scorer, free: [de.code: 3, nl.code: 3, gb.code: 3])
        let result = batch.run(profiles)
        let byCase = Dictionary(uniqueKeysWithValues: result.proposals.map { ($0.caseID.number, $0) })
        XCTAssertEqual(byCase.count, 7)
        XCTAssertEqual(Set([1, 2, 3].map { byCase[$0]!.country }).count, 1, "the family is split: \(byCase)")
        XCTAssertEqual(Set(byCase[2]!.groupedWith), [CaseID(number: 1), CaseID(number: 3)])
        var used: [CountryCode: Int] = [:]
        for proposal in result.proposals { used[proposal.country, default: 0] += 1 }
        XCTAssertTrue(used.values.allSatisfy { $0 <= 3 }, "\(used)")
        // The three German speakers fill Germany, so the family cannot go there whole.
        XCTAssertEqual([4, 5, 6].map { byCase[$0]!.country }, [de.code, de.code, de.code])
        XCTAssertEqual(result.familyGroups, 1)
        XCTAssertTrue(result.provenOptimal)
        // The explanation of every proposal adds up, and the proposals add up to the total.
        XCTAssertEqual(result.proposals.reduce(0) { $0 + $1.score }, result.score)
        XCTAssertGreaterThanOrEqual(result.score, result.greedyScore)
    }

    func testARelativeAlreadyPlacedHoldsTheGroupToTheirCountry() {
        let profiles = [profile(1, languages: ["de": .c2], linked: [9]), profile(2)]
        let batch = AllocationBatch(scorer: scorer, free: [de.code: 5, nl.code: 5, gb.code: 5],
                                    placedElsewhere: [CaseID(number: 9): gb.code])
        let result = batch.run(profiles)
        let first = result.proposals.first { $0.caseID.number == 1 }!
        XCTAssertEqual(first.country, gb.code)
        XCTAssertEqual(first.factors.first?.name, "family")
        XCTAssertNil(first.runnerUp)
        XCTAssertTrue(first.runnerUpReason.contains("family unity"), first.runnerUpReason)
        // With no place left there, the case is not placed and the reason says why.
        let full = AllocationBatch(scorer: scorer, free: [de.code: 5, nl.code: 5, gb.code: 0],
                                   placedElsewhere: [CaseID(number: 9): gb.code]).run(profiles)
        XCTAssertEqual(full.unplaced.map(\.caseID), [CaseID(number: 1)])
        XCTAssertTrue(full.unplaced[0].reason.contains("GB"), full.unplaced[0].reason)
    }

    func testTheRunnerUpSaysWhyItLost() {
        let profiles = [profile(1, languages: ["de": .b2, "nl": .a2], preferences: ["NL"])]
        let result = AllocationBatch(scorer: scorer, free: [de.code: 1, nl.code: 1, gb.code: 1]).run(profiles)
        let proposal = result.proposals[0]
        XCTAssertEqual(proposal.country, nl.code)          // 8 for Dutch + 15 first choice, against 16 for German
        XCTAssertEqual(proposal.runnerUp, de.code)
        XCTAssertEqual(proposal.runnerUpFactors.score, 16)
        XCTAssertEqual(proposal.runnerUpReason, "Germany scores 7 points less, 16 against 23 (Language +8, Preference −15).")
        // A crowded country: the runner-up scored more but had no place left.
        let crowded = AllocationBatch(scorer: scorer, free: [de.code: 1, nl.code: 0, gb.code: 1])
            .run([profile(1, preferences: ["NL"]), profile(2)])
        let first = crowded.proposals.first { $0.caseID.number == 1 }!
        XCTAssertEqual(first.runnerUp, nl.code)
        XCTAssertEqual(first.runnerUpReason, "Netherlands scores 15 points more, 15 against 0 (Preference +15), but has no place left.")
        let lower = AllocationBatch(scorer: scorer, free: [de.code: 1, nl.code: 1, gb.code: 1]).run([profile(1, languages: ["de": .c1])])
        XCTAssertEqual(lower.proposals[0].runnerUpReason, "Netherlands scores 20 points less, 0 against 20 (Language −20).")
    }

    func testTheLedgerCountsUsedAndHeldPlacesAndRefusesPastTheQuota() throws {
        let granted = try Fixtures.caseIn(.allocation)
        var proposed = try Workflow.proposeAllocation(planned(granted.id, "DE"), on: granted, by: Fixtures.anna, at: Fixtures.now)
        let approved = try Workflow.approveAllocation(on: proposed, by: Fixtures.maria, at: Fixtures.now)
        let countries = [HostCountry(code: CountryCode("DE")!, name: "Germany", languages: [LanguageCode("de")!], quota: 1)]
        // Empty: the proposal holds the one place, the approval uses it.
        let empty = QuotaLedger(countries: countries, summaries: [CaseSummary]())
        XCTAssertNoThrow(try empty.check(previous: granted, next: proposed))
        XCTAssertNoThrow(try empty.check(previous: proposed, next: approved))
        // Someone else already has the place: neither a proposal nor an approval gets it.
        let other = CaseSummary(record: approved, version: CaseVersion(1))
        var full = other
        full.id = CaseID(number: 99)
        let ledger = QuotaLedger(countries: countries, summaries: [full])
        XCTAssertEqual(ledger.used[CountryCode("DE")!], 1)
        XCTAssertEqual(ledger.free(CountryCode("DE")!), 0)
        XCTAssertThrowsError(try ledger.check(previous: granted, next: proposed)) { error in
            XCTAssertEqual("\(error)", "Germany (DE) has no free place: 1 used and 0 held by proposals, of 1.")
        }
        XCTAssertThrowsError(try ledger.check(previous: proposed, next: approved)) { error in
            XCTAssertEqual("\(error)", "Germany (DE) has no place left: 1 of 1 are used. Return the proposal, or override it to another country.")
        }
        // A quota goes down only to what is used and held; countries in use stay.
        XCTAssertThrowsError(try ledger.applying(.setQuota(CountryCode("DE")!, 0), by: Fixtures.admin))
        XCTAssertThrowsError(try ledger.applying(.remove(CountryCode("DE")!), by: Fixtures.admin)) { error in
            XCTAssertTrue("\(error)".contains("1 case is allocated or proposed there"), "\(error)")
        }
        XCTAssertEqual(try ledger.applying(.setQuota(CountryCode("DE")!, 7), by: Fixtures.admin)[0].quota, 7)
        XCTAssertThrowsError(try ledger.applying(.setQuota(CountryCode("DE")!, 7), by: Fixtures.maria)) { error in
            XCTAssertEqual(error as? WorkflowError, .notPermitted(.manageCountries, role: .supervisor))
        }
        proposed.allocation?.proposedBy = Fixtures.maria.user
        XCTAssertThrowsError(try Workflow.approveAllocation(on: proposed, by: Fixtures.maria, at: Fixtures.now)) { error in
            XCTAssertEqual(error as? WorkflowError, .ownProposal(.approveAllocation))
        }
    }

    func testAnOverrideNeedsAnotherCountryAndAReasonAndIsAudited() throws {
        let granted = try Fixtures.caseIn(.allocation)
        let proposed = try Workflow.proposeAllocation(planned(granted.id, "DE"), on: granted, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertThrowsError(try Workflow.overrideAllocation(on: proposed, to: CountryCode("DE")!, reason: "", by: Fixtures.maria,
                                                             at: Fixtures.now)) { error in
            guard case let .invalid(issues)? = error as? WorkflowError else { return XCTFail("\(error)") }
            XCTAssertEqual(issues.map(\.field), ["country", "reason"])
        }
        XCTAssertThrowsError(try Workflow.overrideAllocation(on: proposed, to: CountryCode("NL")!, reason: "Sister in Utrecht",
                                                             by: Fixtures.anna, at: Fixtures.now))
        let store = InMemoryCaseStore(cases: [proposed], countries: Self.countries)
        let overridden = try Workflow.overrideAllocation(on: proposed, to: CountryCode("NL")!, reason: "Sister in Utrecht",
                                                         by: Fixtures.maria, at: Fixtures.now)
        _ = try store.save(overridden, basedOn: CaseVersion(1), by: Fixtures.maria, at: Fixtures.now)
        XCTAssertEqual(overridden.stage, .relocation)
        XCTAssertEqual(overridden.allocatedCountry, CountryCode("NL"))
        let entry = try XCTUnwrap(store.history(of: proposed.id).last)
        XCTAssertEqual(entry.user, Fixtures.maria.user)
        let fields = Dictionary(uniqueKeysWithValues: entry.changes.map { ($0.field, $0.after) })
        XCTAssertTrue(fields.keys.contains { $0.contains("override") }, "\(fields.keys.sorted())")
        XCTAssertTrue(fields.values.contains { $0?.contains("Sister in Utrecht") == true }, "\(fields)")
        XCTAssertEqual(Supervision.quotaUse(store.summaries(), countries: Self.countries)[1].used, 1)
        // A return releases the held place and puts the case back in the queue.
        let again = try Workflow.proposeAllocation(planned(granted.id, "GB"), on: granted, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertEqual(CaseSummary(record: again, version: CaseVersion(1)).reservedCountry, CountryCode("GB"))
        let returned = try Workflow.returnAllocation(on: again, comment: "Check the family first", by: Fixtures.maria, at: Fixtures.now)
        let summary = CaseSummary(record: returned, version: CaseVersion(2))
        XCTAssertNil(summary.reservedCountry)
        XCTAssertTrue(summary.isAwaitingAllocation)
    }

    func planned(_ id: CaseID, _ country: String) -> PlannedAllocation {
        PlannedAllocation(caseID: id, country: CountryCode(country)!, factors: [AllocationFactor(name: "language", contribution: 8)],
                          runnerUp: nil, runnerUpFactors: [], runnerUpReason: "", groupedWith: [])
    }
}
