import XCTest
@testable import HavenCore

/// Issue 26, from the walk: a family's proposals are saved all or none; an override takes a
/// free place, never one held by another proposal; an unplaced case says why.
final class AllocationSavingTests: XCTestCase {
    func code(_ text: String) -> CountryCode { CountryCode(text)! }

    func granted(_ number: Int) throws -> Case {
        var record = try Fixtures.caseIn(.allocation)
        record.id = CaseID(number: number)
        return record
    }

    func planned(_ id: Int, _ country: String, with others: [Int]) -> PlannedAllocation {
        PlannedAllocation(caseID: CaseID(number: id), country: code(country), factors: [], runnerUp: nil, runnerUpFactors: [],
                          runnerUpReason: "", groupedWith: others.map { CaseID(number: $0) })
    }

    func testAFamilyIsProposedTogetherOrNotAtAll() throws {
        // One place left in DE: the family of two cannot both be proposed there, so neither is;
        // the person alone after them still is.
        var countries = AllocationTests.countries
        countries[0].quota = 1
        let store = InMemoryCaseStore(cases: [try granted(11), try granted(12), try granted(13)], countries: countries)
        let supervisor = Actor(user: "maria.s", role: .supervisor)
        let refused = AllocationRun.propose([planned(11, "DE", with: [12]), planned(12, "DE", with: [11]), planned(13, "NL", with: [])],
                                            in: store, by: supervisor, at: Fixtures.now)
        XCTAssertEqual(Set(refused.map(\.caseID.number)), [11, 12], "\(refused)")
        XCTAssertTrue(refused.allSatisfy { $0.caseID.number == 11 || $0.reason.contains("to keep the family together") }, "\(refused)")
        XCTAssertNil(try store.load(CaseID(number: 11)).record.allocation)
        XCTAssertNil(try store.load(CaseID(number: 12)).record.allocation)
        XCTAssertEqual(try store.load(CaseID(number: 13)).record.allocation?.country, code("NL"))
        // Slices of the save never cut a family in two.
        let proposals = [planned(1, "DE", with: []), planned(2, "DE", with: [3]), planned(3, "DE", with: [2]), planned(4, "NL", with: [])]
        XCTAssertEqual(AllocationRun.sliceEnd(proposals, from: 0, size: 2), 3)
        XCTAssertEqual(AllocationRun.sliceEnd(proposals, from: 3, size: 2), 4)
    }

    func testAnOverrideNeedsAFreePlaceNotOneHeldByAnotherProposal() throws {
        // NL has one place, held by case 21's proposal; case 22's supervisor overrides to NL.
        var countries = AllocationTests.countries
        countries[1].quota = 1
        let other = try Workflow.proposeAllocation(planned(21, "NL", with: []), on: try granted(21), by: Fixtures.anna, at: Fixtures.now)
        let mine = try Workflow.proposeAllocation(planned(22, "DE", with: []), on: try granted(22), by: Fixtures.anna, at: Fixtures.now)
        let ledger = QuotaLedger(countries: countries, summaries: [CaseSummary(record: other, version: CaseVersion(1))])
        let overridden = try Workflow.overrideAllocation(on: mine, to: code("NL"), reason: "Sister in Utrecht", by: Fixtures.maria,
                                                         at: Fixtures.now)
        XCTAssertThrowsError(try ledger.check(previous: mine, next: overridden)) { error in
            XCTAssertEqual(error as? QuotaError, .noFreePlace(code("NL"), name: "Netherlands", quota: 1, used: 0, reserved: 1))
        }
        XCTAssertEqual(ApprovalKind.allocation(code("IE")).phrase, "allocate to IE", "a country code stays in capitals")
        // Approving its own proposal takes the place it held.
        let approved = try Workflow.approveAllocation(on: other, by: Fixtures.maria, at: Fixtures.now)
        XCTAssertNoThrow(try QuotaLedger(countries: countries, summaries: []).check(previous: other, next: approved))
    }

    func testAnUnplacedCaseSaysTheBatchGaveItsPlacesToOthers() {
        let scorer = AllocationScorer(policy: AllocationTests.policy, countries: AllocationTests.countries)
        // Two people, one place in DE: the German speaker takes it.
        let profiles = [AllocationProfile(id: CaseID(number: 1), languages: [LanguageCode("de")!: .c2]),
                        AllocationProfile(id: CaseID(number: 2))]
        let result = AllocationBatch(scorer: scorer, free: [code("DE"): 1, code("NL"): 0, code("GB"): 0]).run(profiles)
        XCTAssertEqual(result.unplaced.map(\.caseID.number), [2])
        XCTAssertEqual(result.unplaced.first?.reason,
                       "the places it could take went to others: the batch places the most people, then the highest total score")
    }
}
