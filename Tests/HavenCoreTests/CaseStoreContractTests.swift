import HavenCore
import XCTest

/// The rules every CaseStore keeps, checked on the in-memory store.
final class CaseStoreContractTests: XCTestCase {
    func testAStaleSaveIsAConflictNamingWhoAndWhen() throws {
        let store = InMemoryCaseStore()
        let record = Fixtures.newCase()
        let v1 = try store.save(record, basedOn: nil, by: Fixtures.anna, at: Fixtures.now)
        var annaCopy = try store.load(record.id)
        var olehCopy = try store.load(record.id)
        annaCopy.record.notes.append(Note(author: "anna.k", at: Fixtures.now, text: "First"))
        let later = Timestamp(secondsSinceEpoch: Fixtures.now.secondsSinceEpoch + 60)
        let v2 = try store.save(annaCopy.record, basedOn: v1, by: Fixtures.anna, at: later)
        XCTAssertEqual(v2, CaseVersion(2))
        olehCopy.record.notes.append(Note(author: "oleh.m", at: Fixtures.now, text: "Second"))
        XCTAssertThrowsError(try store.save(olehCopy.record, basedOn: olehCopy.version, by: Fixtures.oleh, at: later)) { error in
            XCTAssertEqual(error as? StoreError, .conflict(record.id, savedBy: "anna.k", savedAt: later, version: v2))
            XCTAssertEqual("\(error)", "HV-000001 was changed by anna.k at 2026-11-24T10:01:00Z after you opened it; reload it to see their change.")
        }
        XCTAssertEqual(try store.load(record.id).record.notes.map(\.text), ["First"])
    }

    func testNewCasesCannotOverwriteAndAuditorsCannotSave() throws {
        let store = InMemoryCaseStore()
        let record = Fixtures.newCase()
        _ = try store.save(record, basedOn: nil, by: Fixtures.anna, at: Fixtures.now)
        XCTAssertThrowsError(try store.save(record, basedOn: nil, by: Fixtures.anna, at: Fixtures.now)) { error in
            XCTAssertEqual(error as? StoreError, .alreadyExists(record.id))
        }
        XCTAssertThrowsError(try store.save(record, basedOn: CaseVersion(1), by: Fixtures.auditor, at: Fixtures.now))
        XCTAssertEqual(store.nextCaseID(), CaseID(number: 2))
        XCTAssertThrowsError(try store.load(CaseID(number: 9))) { error in
            XCTAssertEqual("\(error)", "There is no case HV-000009.")
        }
    }

    func testSummariesCarryWhatQueuesShow() throws {
        let record = try Fixtures.caseIn(.relocation)
        let store = InMemoryCaseStore(cases: [record])
        let summary = try XCTUnwrap(store.summaries().first)
        XCTAssertEqual(summary.cyrillicName, "Жуков Артём Сергеевич")
        XCTAssertEqual(summary.latinName, "Zhukov Artem Sergeevich")
        XCTAssertEqual(summary.stage, .relocation)
        XCTAssertEqual(summary.country, CountryCode("GB"))
        XCTAssertEqual(summary.assignedTo, "anna.k")
    }

    func testDemoCasesAreRepeatableAndValid() {
        let countries = ["GB", "DE", "PL"].compactMap(CountryCode.init)
        let first = DemoCases.generate(count: 300, today: Fixtures.today, countries: countries)
        XCTAssertEqual(first, DemoCases.generate(count: 300, today: Fixtures.today, countries: countries))
        XCTAssertEqual(Set(first.map(\.id)).count, 300)
        XCTAssertEqual(Set(first.map(\.stage)), Set(CaseStage.allCases), "the demo covers every stage")
        XCTAssertGreaterThan(first.filter { !$0.family.isEmpty }.count, 100, "most demo cases have family left behind")
        XCTAssertTrue(first.contains { $0.family.contains { $0.relationship == .spouse && $0.cyrillicName.family.hasSuffix("а") } })
        for record in first {
            XCTAssertEqual(CaseValidation.issues(in: record, today: Fixtures.today), [], "\(record.id)")
            XCTAssertEqual(record.stageHistory.last?.stage, record.stage)
            // An arrival whole, as the travel form asks it: a correction of one field saves.
            if record.relocation.arrivalDate != nil {
                let approved = record.stageHistory.last { $0.stage == .relocation }?.at.date ?? record.registeredAt.date
                XCTAssertEqual(RelocationValidation.issues(record.relocation, allocatedOn: approved, today: Fixtures.today), [], "\(record.id)")
            }
        }
        XCTAssertEqual(DemoCases.patronymicOf("Юрий"), "Юрьевич")
        XCTAssertEqual(DemoCases.patronymicOf("Сергей"), "Сергеевич")
        XCTAssertEqual(DemoCases.patronymicOf("Илья"), "Ильич")
        // From a walk: "Игорьович" and "Михаилович" are not Russian.
        XCTAssertEqual(DemoCases.patronymicOf("Игорь"), "Игоревич")
        XCTAssertEqual(DemoCases.patronymicOf("Михаил"), "Михайлович")
        XCTAssertEqual(DemoCases.patronymicOf("Дмитрий"), "Дмитриевич")
        XCTAssertEqual(DemoCases.patronymicOf("Анатолий"), "Анатольевич")
    }
}
