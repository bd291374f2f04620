import Foundation
import HavenCore
import HavenStore
import HavenTestSupport
import XCTest

/// `haven allocate --case` through the real binary: one case ranked as the batch scores it,
/// a lower score refused without a reason, then proposed with one; the proposal waits.
final class AllocateOneCommandTests: CommandTestCase {
    struct Plan: Decodable {
        struct Proposal: Decodable { var caseID: String; var score: Int }
        var proposals: [Proposal]
    }

    func testOneCaseIsRankedAsTheBatchScoresItAndALowerScoreNeedsAReason() throws {
        XCTAssertEqual(try haven("demo", "--cases", "120", "--seed", "5", "--no-open", "--role", "supervisor", "--store", store).status, 0)
        let dry = try haven("allocate", "--dry-run", "--json", "--store", store)
        XCTAssertEqual(dry.status, 0, dry.output)
        let plan = try JSONDecoder().decode(Plan.self, from: Data(dry.output.utf8))
        let batch = try XCTUnwrap(plan.proposals.first)
        let id = batch.caseID

        let ranked = try haven("allocate", "--case", id, "--dry-run", "--store", store)
        XCTAssertEqual(ranked.status, 0, ranked.output)
        XCTAssertTrue(ranked.output.contains("Dry run: nothing was written."), ranked.output)
        // Quotas are far from full: the batch gives this case its best score, the same as the ranking's best.
        XCTAssertTrue(ranked.output.contains(", score \(batch.score)\n"), "batch \(batch.score):\n\(ranked.output)")
        // " 1  NO  Norway           33  free 5998": rank, code, name, score, places.
        let rows = ranked.output.split(separator: "\n").filter { $0.range(of: #"^[ \d]\d  [A-Z]{2}  "#, options: .regularExpression) != nil }
        XCTAssertEqual(rows.count, 20, ranked.output)
        XCTAssertTrue(ranked.output.contains("free "), ranked.output)
        let last = try XCTUnwrap(rows.last?.split(separator: " ").dropFirst().first.map(String.init))

        let bare = try haven("allocate", "--case", id, "--country", last, "--store", store)
        XCTAssertEqual(bare.status, 1, bare.output)
        XCTAssertTrue(bare.output.contains("nothing proposed;") && bare.output.contains("(--reason)"), bare.output)
        let reasoned = try haven("allocate", "--case", id, "--country", last, "--reason", "Дядя живёт там", "--store", store)
        XCTAssertEqual(reasoned.status, 0, reasoned.output)
        XCTAssertTrue(reasoned.output.contains("proposed, for approval by a supervisor"), reasoned.output)
        let saved = try XCTUnwrap(try FileCaseStore(at: URL(fileURLWithPath: store)).load(XCTUnwrap(CaseID(id))).record.allocation)
        XCTAssertEqual(saved.country.rawValue, last)
        // The reason is kept; passing over a stated preference that had a place is said after it.
        XCTAssertTrue(saved.runnerUpReason?.contains("was chosen by hand: Дядя живёт там.") ?? false, saved.runnerUpReason ?? "")
        XCTAssertNotNil(saved.preferences, "where each stated preference stood")
        let again = try haven("allocate", "--case", id, "--store", store)
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.output.contains("already has a proposal waiting for a supervisor"), again.output)
        // Its proposer replaces it by naming a country, or takes it back.
        let first = try XCTUnwrap(rows.first?.split(separator: " ").dropFirst().first.map(String.init))
        let replaced = try haven("allocate", "--case", id, "--country", first, "--store", store)
        XCTAssertEqual(replaced.status, 0, replaced.output)
        XCTAssertTrue(replaced.output.contains("\(first) proposed (replacing \(last))"), replaced.output)
        let withdrawn = try haven("allocate", "--case", id, "--withdraw", "--store", store)
        XCTAssertEqual(withdrawn.status, 0, withdrawn.output)
        XCTAssertTrue(withdrawn.output.contains("the proposal for \(first) is withdrawn"), withdrawn.output)
        XCTAssertNil(try FileCaseStore(at: URL(fileURLWithPath: store)).load(XCTUnwrap(CaseID(id))).record.allocation)
        let nothing = try haven("allocate", "--case", id, "--withdraw", "--store", store)
        XCTAssertEqual(nothing.status, 1, nothing.output)
        XCTAssertTrue(nothing.output.contains("nothing withdrawn"), nothing.output)
    }
}
