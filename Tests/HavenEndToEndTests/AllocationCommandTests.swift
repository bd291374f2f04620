import Foundation
import HavenCore
import HavenTestSupport
import XCTest

/// `haven allocate` and `haven countries` through the real binary.
final class AllocationCommandTests: CommandTestCase {
    struct Run: Decodable {
        struct Summary: Decodable {
            var queued, placed, totalScore, greedyScore, saved: Int
            var provenOptimal, dryRun: Bool
            var lookAhead: String?
        }
        struct Factor: Decodable { var factor: String; var points: Int }
        struct Proposal: Decodable {
            var caseID, country, whyNotRunnerUp: String
            var score: Int
            var factors: [Factor]
            var runnerUp: String?
        }
        var summary: Summary
        var proposals: [Proposal]
    }

    /// Places held per country, from `haven countries`.
    func held() throws -> [String: Int] {
        let listing = try haven("report", "--kind", "quotas", "--format", "csv", "--store", store)
        XCTAssertEqual(listing.status, 0, listing.output)
        var result: [String: Int] = [:]
        // Rows of the quotas table: country, name, quota, used, held, free, used_percent, then
        // each kind of place taken.
        for line in listing.output.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count >= 7, fields[0].count == 2, let held = Int(fields[4]) else { continue }
            result[String(fields[0])] = held
        }
        XCTAssertEqual(result.count, 20, listing.output)
        return result
    }

    func testADryRunWritesNothingAndARealRunProposesEveryCaseWithItsReasons() throws {
        XCTAssertEqual(try haven("demo", "--cases", "300", "--no-open", "--store", store).status, 0)
        let before = try held()
        // As if this queue were the last: never below a greedy pass.
        let dry = try haven("allocate", "--dry-run", "--json", "--no-look-ahead", "--store", store)
        XCTAssertEqual(dry.status, 0, dry.output)
        let plan = try JSONDecoder().decode(Run.self, from: Data(dry.output.utf8))
        XCTAssertNil(plan.summary.lookAhead)
        XCTAssertTrue(plan.summary.dryRun)
        XCTAssertGreaterThan(plan.summary.queued, 5)
        XCTAssertEqual(plan.summary.placed, plan.summary.queued)
        XCTAssertEqual(plan.proposals.count, plan.summary.queued)
        XCTAssertTrue(plan.summary.provenOptimal)
        XCTAssertGreaterThanOrEqual(plan.summary.totalScore, plan.summary.greedyScore)
        XCTAssertEqual(plan.proposals.reduce(0) { $0 + $1.score }, plan.summary.totalScore)
        for proposal in plan.proposals {
            XCTAssertEqual(proposal.factors.reduce(0) { $0 + $1.points }, proposal.score, proposal.caseID)
            XCTAssertNotNil(proposal.runnerUp, proposal.caseID)
            XCTAssertFalse(proposal.whyNotRunnerUp.isEmpty, proposal.caseID)
        }
        XCTAssertEqual(try held(), before, "a dry run wrote something")
        // The default looks ahead: the same people placed, places priced for those expected
        // later (the demo's recent grants), and the text says so.
        let ahead = try haven("allocate", "--dry-run", "--json", "--store", store)
        XCTAssertEqual(ahead.status, 0, ahead.output)
        let priced = try JSONDecoder().decode(Run.self, from: Data(ahead.output.utf8))
        XCTAssertEqual(priced.summary.placed, plan.summary.placed)
        XCTAssertTrue(priced.summary.lookAhead?.hasPrefix("places priced for the ") == true, ahead.output)
        XCTAssertEqual(priced.proposals.reduce(0) { $0 + $1.score }, priced.summary.totalScore)
        XCTAssertEqual(try held(), before, "a dry run wrote something")

        let real = try haven("allocate", "--store", store)
        XCTAssertEqual(real.status, 0, real.output)
        XCTAssertTrue(real.output.contains("\(plan.summary.queued) proposals saved for approval by another supervisor."), real.output)
        let after = try held()
        XCTAssertEqual(after.values.reduce(0, +) - before.values.reduce(0, +), plan.summary.queued)
        // The queue is empty now; the proposals wait in the approvals queue.
        let again = try haven("allocate", "--store", store)
        XCTAssertTrue(again.output.contains("Placed 0 of 0"), again.output)
    }

    func testOnlyAnAdministratorChangesQuotasAndNeverBelowWhatIsUsed() throws {
        XCTAssertEqual(try haven("demo", "--cases", "200", "--no-open", "--store", store).status, 0)
        let refused = try haven("countries", "set-quota", "DE", "100", "--store", store)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.output.contains("A supervisor cannot change host countries and quotas; only an administrator can."), refused.output)
        let admin = scratch.appendingPathComponent("admin-store").path
        XCTAssertEqual(try haven("demo", "--cases", "200", "--no-open", "--role", "administrator", "--store", admin).status, 0)
        let tooLow = try haven("countries", "set-quota", "DE", "0", "--store", admin)
        XCTAssertEqual(tooLow.status, 1)
        XCTAssertTrue(tooLow.output.contains("The quota of Germany (DE) cannot be 0"), tooLow.output)
        let changed = try haven("countries", "set-quota", "de", "6500", "--store", admin)
        XCTAssertEqual(changed.status, 0, changed.output)
        XCTAssertTrue(changed.output.hasPrefix("Germany (DE): quota 6500: "), changed.output)
        XCTAssertEqual(changed.output.split(separator: "\n").count, 1, "that country alone, not the whole table: \(changed.output)")
        XCTAssertTrue(try haven("countries", "--store", admin).output.contains("DE       Germany          6500"))
        // Issue 26: places of a kind, set, refused when wrong, lifted with none.
        let places = try haven("countries", "set-places", "DE", "medical-support", "900", "--store", admin)
        XCTAssertEqual(places.status, 0, places.output)
        XCTAssertTrue(places.output.contains("\n  medical support 900: 0 used, 0 held, 900 free\n"), places.output)
        XCTAssertTrue(places.output.split(separator: "\n").allSatisfy { $0.count <= 80 }, places.output)
        XCTAssertFalse(places.output.contains("Note:"), places.output)
        // Above the quota: kept (the quota may be raised later), and said.
        let above = try haven("countries", "set-places", "DE", "family-housing", "7000", "--store", admin)
        XCTAssertEqual(above.status, 0, above.output)
        XCTAssertTrue(above.output.contains("Note: Germany: family housing 7000 above the quota 6500: only 6500 usable."), above.output)
        let beds = try haven("countries", "set-places", "DE", "beds", "9", "--store", admin)
        XCTAssertEqual(beds.status, 1)
        XCTAssertTrue(beds.output.contains("beds is not a kind of place: family-housing or medical-support."), beds.output)
        let negative = try haven("countries", "set-places", "DE", "family-housing", "--store", admin, "--", "-1")
        XCTAssertEqual(negative.status, 1)
        XCTAssertTrue(negative.output.contains("The family housing units of DE cannot be -1"), negative.output)
        let bare = try haven("countries", "set-places", "DE", "family-housing", "-1", "--store", admin)
        XCTAssertEqual(bare.status, 1)
        XCTAssertTrue(bare.output.contains("The family housing units of DE cannot be -1"), bare.output)
        let typo = try haven("countries", "list", "--stroe", "x", "--store", admin)
        XCTAssertEqual(typo.status, 1)
        XCTAssertTrue(typo.output.contains("--stroe is not an option of haven countries"), typo.output)
        let short = try haven("countries", "set-quota", "DE", "--store", admin)
        XCTAssertEqual(short.status, 1)
        XCTAssertTrue(short.output.contains("Error: set-quota takes a country code and a number, such as: haven countries set-quota DE 6500"),
                      short.output)
        XCTAssertFalse(short.output.contains("Usage:"), short.output)
        XCTAssertEqual(try haven("countries", "set-places", "DE", "medical-support", "none", "--store", admin).status, 0)
        XCTAssertTrue(try haven("check", "--store", admin).output.hasSuffix("sound\n"))
    }
}
