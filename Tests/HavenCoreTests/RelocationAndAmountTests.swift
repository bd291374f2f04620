import XCTest
@testable import HavenCore

/// Travel and arrival through the workflow, and amounts as European caseworkers type them.
final class RelocationAndAmountTests: XCTestCase {
    let now = Fixtures.now
    let today = Fixtures.today

    func testTravelThenDepartureThenArrivalMovesTheCaseOnOnlyAtArrival() throws {
        var record = try Fixtures.caseIn(.relocation)
        var relocation = Relocation(travelDate: today.adding(days: 5), travelNotes: "KBP-WAW-LHR, escorted")
        record = try Workflow.recordRelocation(relocation, on: record, by: Fixtures.anna, at: now)
        XCTAssertEqual(record.stage, .relocation, "arranging travel does not move the case")
        XCTAssertEqual(record.relocation.travelNotes, "KBP-WAW-LHR, escorted")
        relocation.departureDate = today
        // He left before the day arranged: the travel date is corrected to it (from a walk).
        XCTAssertThrowsError(try Workflow.recordRelocation(relocation, on: record, by: Fixtures.anna, at: now)) { error in
            guard case let WorkflowError.invalid(issues) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(issues.map(\.message), ["He left on \(today), before the travel date \(today.adding(days: 5)): correct one of them."])
        }
        // A record kept from before the rule, with the two so, still takes other corrections.
        var kept = record
        kept.relocation = relocation
        var metBy = relocation
        metBy.travelNotes = "KBP-WAW-LHR, escorted by IOM"
        XCTAssertEqual(try Workflow.recordRelocation(metBy, on: kept, by: Fixtures.anna, at: now).relocation.travelNotes, "KBP-WAW-LHR, escorted by IOM")
        relocation.travelDate = today
        record = try Workflow.recordRelocation(relocation, on: record, by: Fixtures.anna, at: now)
        XCTAssertEqual(record.stage, .relocation, "a departure does not move the case")
        relocation.arrivalDate = today
        relocation.receptionPlace = "Croydon reception centre"
        relocation.metBy = "A. Smith, Home Office"
        record = try Workflow.recordRelocation(relocation, on: record, by: Fixtures.anna, at: now)
        XCTAssertEqual(record.stage, .integration)
        XCTAssertEqual(record.stageHistory.last?.transition, .confirmArrival)
        XCTAssertEqual(record.relocation.metBy, "A. Smith, Home Office")
        // Corrected in Integration: the details change, the stage does not, the arrival stays.
        relocation.receptionPlace = "Croydon reception centre, block B"
        let corrected = try Workflow.recordRelocation(relocation, on: record, by: Fixtures.anna, at: now)
        XCTAssertEqual(corrected.stage, .integration)
        XCTAssertEqual(corrected.stageHistory.count, record.stageHistory.count)
        XCTAssertEqual(corrected.relocation.receptionPlace, "Croydon reception centre, block B")
        relocation.arrivalDate = nil
        XCTAssertThrowsError(try Workflow.recordRelocation(relocation, on: record, by: Fixtures.anna, at: now)) { error in
            guard case let WorkflowError.invalid(issues) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(issues.map(\.field), ["arrivalDate"])
        }
    }

    /// An arrival recorded by mistake is taken back by whoever records arrivals, saying why and
    /// where he is now: the case is in Relocation again, the arrival date cleared, travel and
    /// departure kept, the reason with the stage change; not while anything runs in the country.
    func testAnArrivalRecordedByMistakeIsUndoneWithAReasonAndWhereHeIsNow() throws {
        var record = try Fixtures.caseIn(.relocation)
        let arrival = Relocation(travelDate: today, travelNotes: "KBP-WAW-LHR", departureDate: today, arrivalDate: today,
                                 receptionPlace: "Croydon", metBy: "A. Smith")
        record = try Workflow.recordRelocation(arrival, on: record, by: Fixtures.anna, at: now)
        XCTAssertEqual(record.defector.custody, .inHostCountry)
        XCTAssertThrowsError(try Workflow.undoArrival(on: record, custody: nil, reason: " ", by: Fixtures.anna, at: now)) { error in
            guard case let WorkflowError.invalid(issues) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(issues.map(\.field), ["custody", "reason"])
        }
        XCTAssertThrowsError(try Workflow.undoArrival(on: record, custody: .inHostCountry, reason: "x", by: Fixtures.anna, at: now)) { error in
            guard case let WorkflowError.invalid(issues) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(issues.map(\.field), ["custody"])
        }
        XCTAssertThrowsError(try Workflow.undoArrival(on: record, custody: .inThirdCountry, reason: "x", by: Fixtures.oleh, at: now)) { error in
            XCTAssertEqual(error as? WorkflowError, .notAssigned(record.id, assignedTo: "anna.k"))
        }
        XCTAssertThrowsError(try Workflow.undoArrival(on: record, custody: .inThirdCountry, reason: "x", by: Fixtures.auditor, at: now))
        // A course seat in the country: ended first.
        var enrolled = record
        enrolled.integration.enrolments = [CourseEnrolment(courseID: "de-a1", requestedOn: today, status: .enrolled)]
        XCTAssertThrowsError(try Workflow.undoArrival(on: enrolled, custody: .inThirdCountry, reason: "x", by: Fixtures.anna, at: now)) { error in
            XCTAssertTrue("\(error)".contains("has 1 course seat in GB: end them on the Integrate screen first"), "\(error)")
        }
        let undone = try Workflow.undoArrival(on: record, custody: .inThirdCountry, reason: "  Typed on the wrong case; he is still in Warsaw ",
                                              by: Fixtures.anna, at: now)
        XCTAssertEqual(undone.stage, .relocation)
        XCTAssertNil(undone.relocation.arrivalDate)
        XCTAssertEqual(undone.relocation.departureDate, today, "travel and departure stay")
        XCTAssertEqual(undone.relocation.travelNotes, "KBP-WAW-LHR")
        XCTAssertEqual(undone.relocation.receptionPlace, "", "the reception of an arrival that did not happen goes")
        XCTAssertEqual(undone.relocation.metBy, "")
        XCTAssertEqual(undone.defector.custody, .inThirdCountry)
        XCTAssertEqual(undone.stageHistory.last?.transition, .undoArrival)
        XCTAssertEqual(undone.stageHistory.last?.reason, "Typed on the wrong case; he is still in Warsaw")
        XCTAssertEqual(undone.allocatedCountry, record.allocatedCountry, "the allocation stands")
        XCTAssertThrowsError(try Workflow.undoArrival(on: undone, custody: .inThirdCountry, reason: "x", by: Fixtures.anna, at: now)) { error in
            XCTAssertEqual(error as? WorkflowError, .wrongStage(.undoArrival, current: .relocation))
        }
        // The reason reads back in the history, and the arrival is recorded again as before.
        let index = undone.stageHistory.count - 1
        let change = FieldChange(field: "stageHistory[\(index)].reason", before: nil, after: "\"Typed on the wrong case\"")
        XCTAssertEqual(AuditWording.describe(change, in: undone).line, "Case · stage Relocation entered because: — → Typed on the wrong case")
        let again = try Workflow.recordRelocation(arrival, on: undone, by: Fixtures.anna, at: now)
        XCTAssertEqual(again.stage, .integration)
        XCTAssertEqual(again.stageHistory.map(\.transition).suffix(3), [.confirmArrival, .undoArrival, .confirmArrival])
        // An erasure keeps the stages entered, not the reason typed (free text, like a comment).
        let proposal = ErasureProposal(caseID: undone.id, rule: "r", reason: "Retention period over", proposedBy: "maria.s", proposedAt: now)
        let erased = undone.tombstone(Erasure(proposal, approvedBy: "pieter.v", at: now))
        XCTAssertEqual(erased.stageHistory.map(\.transition), undone.stageHistory.map(\.transition))
        XCTAssertEqual(erased.stageHistory.compactMap(\.reason), [])
        // Old stage changes (without a reason) read as before, and one without a reason is written without the key.
        let data = try JSONEncoder().encode(record.stageHistory.last!)
        XCTAssertFalse(String(decoding: data, as: UTF8.self).contains("reason"))
        XCTAssertEqual(try JSONDecoder().decode(StageChange.self, from: data), record.stageHistory.last!)
    }

    /// From the review: the approval's day was read from the last entry into Relocation, so
    /// after an undo on a later day the travel and departure kept read as before the approval
    /// and the arrival could not be recorded again; and the undo restarted Relocation's clock.
    func testAfterAnUndoOnALaterDayTheKeptDatesSaveAndTheClockCountsFromTheApproval() throws {
        let approved = try Fixtures.caseIn(.relocation)
        func day(_ n: Int) -> Timestamp { Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + Int64(n) * 86_400) }
        let arrival = Relocation(travelDate: today.adding(days: 4), departureDate: today.adding(days: 9), arrivalDate: today.adding(days: 10),
                                 receptionPlace: "Croydon", metBy: "A. Smith")
        let arrived = try Workflow.recordRelocation(arrival, on: approved, by: Fixtures.anna, at: day(10))
        let undone = try Workflow.undoArrival(on: arrived, custody: .inThirdCountry, reason: "Wrong case", by: Fixtures.anna, at: day(11))
        XCTAssertEqual(undone.stageEnteredAt, approved.stageEnteredAt, "Relocation counts from the approval")
        var kept = undone.relocation
        kept.metBy = "B. Jones"
        kept.receptionPlace = "Croydon"
        XCTAssertEqual(try Workflow.recordRelocation(kept, on: undone, by: Fixtures.anna, at: day(12)).relocation.metBy, "B. Jones")
        kept.arrivalDate = today.adding(days: 12)
        let again = try Workflow.recordRelocation(kept, on: undone, by: Fixtures.anna, at: day(12))
        XCTAssertEqual(again.stage, .integration)
        XCTAssertEqual(again.stageEnteredAt, day(12))
    }

    func testAnArrivalNeedsItsDetailsAndOrder() throws {
        let record = try Fixtures.caseIn(.relocation)
        let bad = Relocation(travelDate: today, departureDate: today.adding(days: 1), arrivalDate: today.adding(days: -1))
        XCTAssertThrowsError(try Workflow.recordRelocation(bad, on: record, by: Fixtures.anna, at: now)) { error in
            guard case let WorkflowError.invalid(issues) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(Set(issues.map(\.field)), ["departureDate", "arrivalDate", "receptionPlace", "metBy"])
            XCTAssertTrue(issues.contains { $0.message.contains("before the departure") })
        }
        let noTravel = Relocation(departureDate: today)
        XCTAssertThrowsError(try Workflow.recordRelocation(noTravel, on: record, by: Fixtures.anna, at: now)) { error in
            guard case let WorkflowError.invalid(issues) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(issues.map(\.field), ["travelDate"])
        }
        XCTAssertThrowsError(try Workflow.recordRelocation(Relocation(travelDate: today), on: record, by: Fixtures.oleh, at: now)) { error in
            XCTAssertEqual(error as? WorkflowError, .notAssigned(record.id, assignedTo: "anna.k"))
        }
        XCTAssertThrowsError(try Workflow.recordRelocation(Relocation(travelDate: today), on: try Fixtures.caseIn(.allocation),
                                                           by: Fixtures.anna, at: now))
        XCTAssertThrowsError(try Workflow.recordRelocation(Relocation(travelDate: today), on: record, by: Fixtures.auditor, at: now))
    }

    func testOldRecordsWithoutDepartureOrMetByStillRead() throws {
        let old = #"{"travelDate":"2026-01-02","travelNotes":"","arrivalDate":"2026-01-03","receptionPlace":"Calais"}"#
        let relocation = try JSONDecoder().decode(Relocation.self, from: Data(old.utf8))
        XCTAssertEqual(relocation.receptionPlace, "Calais")
        XCTAssertNil(relocation.departureDate)
        XCTAssertEqual(relocation.metBy, "")
    }

    func testAmountsAsEuropeansAndAmericansTypeThem() {
        let cases: [(String, Int64)] = [
            ("2450,50", 245_050), ("2450.50", 245_050), ("2.450,50", 245_050), ("2,450.50", 245_050),
            ("2 450,50", 245_050), ("2'450.50", 245_050), ("2450,5", 245_050), ("2,45", 245), ("2.450", 245_000),
            ("2,450", 245_000), ("1.234.567,89", 123_456_789), ("1,234,567.89", 123_456_789), ("10000", 1_000_000), ("0,07", 7),
        ]
        for (text, cents) in cases {
            XCTAssertEqual(Money(parsing: text, defaultCurrency: "EUR"), Money(minorUnits: cents, currency: "EUR"), text)
            XCTAssertEqual(Money(parsing: text + " SEK"), Money(minorUnits: cents, currency: "SEK"), text + " SEK")
        }
        XCTAssertEqual(Money(parsing: "EUR 2.450,50"), Money(minorUnits: 245_050, currency: "EUR"))
        // Never a value a hundred times off: anything ambiguous or malformed is refused.
        for bad in ["2,4,5", "2.450.5", "2450,555", "1.234,567.8", "2 45", "2,450.50.1", "-2450", ",50", "2450,", "1,2345", "12 34,5", "2.450,50,1"] {
            XCTAssertNil(Money(parsing: bad, defaultCurrency: "EUR"), bad)
        }
    }
}
