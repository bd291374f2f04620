import Foundation
import XCTest
@testable import HavenCore

/// The audit diff compares a case part by part; it must find exactly what flattening both
/// whole cases finds (the way it was computed before, kept here as the reference).
final class CaseDiffTests: XCTestCase {
    let today = CalendarDate(year: 2026, month: 11, day: 24)!

    /// The diff of two whole cases, leaf by leaf: the reference.
    func reference(from old: Case, to new: Case) -> [FieldChange] {
        let before = CaseDiff.flatten(old)
        let after = CaseDiff.flatten(new)
        return Set(before.keys).union(after.keys).sorted().compactMap { field in
            let b = before[field], a = after[field]
            if (b == "[]" || b == "{}") && a == nil || (a == "[]" || a == "{}") && b == nil { return nil }
            guard b != a else { return nil }
            guard SensitiveField.isSensitive(path: field) else { return FieldChange(field: field, before: b, after: a) }
            return FieldChange(field: field, before: b.map { _ in CaseDiff.withheld }, after: a.map { _ in CaseDiff.withheld })
        }
    }

    func testEveryPropertyOfACaseIsComparedByItsKey() throws {
        var record = DemoCases.generate(count: 40, today: today, countries: [CountryCode("DE")!]).first { !$0.family.isEmpty }!
        record.closure = Closure(reason: ClosureReason.allCases[0], details: "x")
        record.decision = DecisionProposal(outcome: DecisionOutcome.allCases[0], reasons: "r", proposedBy: "a", proposedAt: Timestamp(date: today, hour: 9))
        record.allocation = AllocationProposal(country: CountryCode("DE")!, proposedBy: "a", proposedAt: Timestamp(date: today, hour: 9))
        record.assignment = Assignment(by: "maria.s", at: Timestamp(date: today, hour: 9))
        record.returnedAllocations = [EarlierReturn(country: CountryCode("PL")!, proposedBy: "a",
                                                    review: Review(verdict: .returned, by: "maria.s", at: Timestamp(date: today, hour: 9), comment: "c"))]
        record.restriction = CaseRestriction(team: ["anna.k"], reason: "Publicised defector", by: "maria.s", at: Timestamp(date: today, hour: 9))
        record.appointments = [Appointment(id: 1, kind: .debrief, at: Timestamp(date: today, hour: 9), attendees: ["anna.k"],
                                           bookedBy: "anna.k", bookedAt: Timestamp(date: today, hour: 8))]
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any])
        XCTAssertEqual(object.keys.sorted(), CaseDiff.topLevelKeys,
                       "a property of Case is not in CaseDiff.changes(from:to:): its changes would not reach the audit trail")
    }

    func testThePartByPartDiffFindsWhatTheWholeCaseDiffFinds() {
        let records = DemoCases.generate(count: 300, today: today, countries: ["GB", "DE", "PL"].compactMap(CountryCode.init))
        var random = SystemRandomNumberGenerator()
        var compared = 0
        for (index, old) in records.enumerated() {
            var new = old
            switch index % 9 {
            case 0: new.notes.append(Note(author: "anna.k", at: Timestamp(date: today, hour: 10), text: "Called; \"quoted\" / slash"))
            case 1: new.defector.birthPlace = "Омск"
            case 2: if !new.family.isEmpty { new.family[0].contactChannel = "Signal" ; new.family[0].risk = .high }
            case 3: if !new.family.isEmpty { new.family.removeFirst() } else { new.notes = [] }
            case 4: new.closure = Closure(reason: ClosureReason.allCases[0], details: "moved on")
            case 5: new.stage = .closed; new.assignedTo = nil
            case 6: new.notes = []; new.screening = []; new.appointments = []
                new.assignment = Assignment(by: "maria.s", at: Timestamp(date: today, hour: 11))
            case 7: new = records[(index + 1) % records.count]; new.id = old.id
            default: new.relocation.travelNotes = "KBP–WAW \(random.next() % 100)"
            }
            XCTAssertEqual(CaseDiff.changes(from: old, to: new), reference(from: old, to: new), "case \(index), change \(index % 9)")
            XCTAssertEqual(CaseDiff.changes(from: new, to: old), reference(from: new, to: old), "case \(index) back, change \(index % 9)")
            compared += 1
        }
        XCTAssertEqual(compared, 300)
        XCTAssertEqual(CaseDiff.changes(from: records[0], to: records[0]), [])
    }
}
