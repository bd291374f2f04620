import Foundation
import HavenCore
@testable import HavenStore
import XCTest

/// Links are saved on both cases in one write, or on neither; the list fields of family and
/// publicity come back from the record headers.
final class FamilyStoreTests: StoreTestCase {
    func twoCases(in store: FileCaseStore) throws -> (StoredCase, StoredCase) {
        var records = demoCases(2)
        records[0].assignedTo = anna.user
        records[1].assignedTo = oleh.user
        records[0].family = [FamilyMember(id: 1, relationship: .brother, cyrillicName: FullName(family: "Жуков", given: "Павел"))]
        records[1].family = []
        for record in records { _ = try store.save(record, basedOn: nil, by: anna, at: now) }
        return (try store.load(records[0].id), try store.load(records[1].id))
    }

    func testALinkIsSavedOnBothCasesInOneWriteAndShowsOnBoth() throws {
        let store = try makeStore()
        let (a, b) = try twoCases(in: store)
        let (first, second) = try Workflow.link(member: 1, of: a.record, to: b.record, by: anna, at: now)
        let versions = try store.save(together: [CaseUpdate(first, basedOn: a.version), CaseUpdate(second, basedOn: b.version)], by: anna, at: now)
        XCTAssertEqual(versions, [a.version.next, b.version.next])
        let reopened = try FileCaseStore(at: storeURL)
        let summaries = Dictionary(uniqueKeysWithValues: try reopened.summaries().map { ($0.id, $0) })
        XCTAssertEqual(summaries[a.record.id]?.family.first?.linkedCase, b.record.id)
        XCTAssertEqual(summaries[b.record.id]?.family.first?.linkedCase, a.record.id)
        XCTAssertEqual(try reopened.load(b.record.id).record.family.first?.linkedCase, a.record.id)
        // Both saves audited, in order, by the one who linked.
        XCTAssertEqual(try reopened.history(of: b.record.id).last?.user, anna.user)
        XCTAssertTrue(try reopened.history(of: b.record.id).last!.changes.contains { $0.field == "family[0].linkedCase" })
        XCTAssertEqual(try StoreCheck.run(at: storeURL).problems, [])
    }

    func testAConflictOnEitherCaseSavesNeither() throws {
        let store = try makeStore()
        let (a, b) = try twoCases(in: store)
        var meanwhile = b.record
        meanwhile.notes.append(Note(author: oleh.user, at: now, text: "Called."))
        _ = try store.save(meanwhile, basedOn: b.version, by: oleh, at: now)
        let (first, second) = try Workflow.link(member: 1, of: a.record, to: b.record, by: anna, at: now)
        XCTAssertThrowsError(try store.save(together: [CaseUpdate(first, basedOn: a.version), CaseUpdate(second, basedOn: b.version)],
                                            by: anna, at: now)) { error in
            guard case StoreError.conflict = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try store.load(a.record.id).version, a.version, "the first case was not written either")
        XCTAssertNil(try store.load(a.record.id).record.family[0].linkedCase)
    }

    func testALinkTornByACrashIsSetAsideWhole() throws {
        let store = try makeStore()
        let (a, b) = try twoCases(in: store)
        let before = try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl")))
        let (first, second) = try Workflow.link(member: 1, of: a.record, to: b.record, by: anna, at: now)
        _ = try store.save(together: [CaseUpdate(first, basedOn: a.version), CaseUpdate(second, basedOn: b.version)], by: anna, at: now)
        let after = try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl")))
        let firstLineEnd = after[before.count...].firstIndex(of: 10)! + 1
        // Cut inside the second line, and again exactly after the first: both leave no half link.
        for cut in [firstLineEnd + 40, firstLineEnd] {
            try after.prefix(cut).write(to: URL(fileURLWithPath: path("cases.jsonl")))
            let reopened = try FileCaseStore(at: storeURL)
            XCTAssertEqual(try reopened.load(a.record.id).version, a.version, "cut at \(cut)")
            XCTAssertNil(try reopened.load(a.record.id).record.family[0].linkedCase)
            XCTAssertTrue(try reopened.load(b.record.id).record.family.isEmpty)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl"))), before, "cut back to before the link")
            XCTAssertTrue(reopened.openingProblems.contains { $0.severity == .repaired && $0.description.contains("torn last write") },
                          "\(reopened.openingProblems)")
        }
    }

    /// Opening reads the log a chunk at a time: a link's two lines split across chunks are
    /// kept together, a torn one still set aside whole, and the store reads as it does whole.
    func testLinksAcrossReadChunksAreKeptTogetherOrSetAsideWhole() throws {
        let saved = FileCaseStore.scanChunkBytes
        defer { FileCaseStore.scanChunkBytes = saved }
        let store = try makeStore()
        let (a, b) = try twoCases(in: store)
        for record in demoCases(30).dropFirst(2) { _ = try store.save(record, basedOn: nil, by: anna, at: now) }
        let before = try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl")))
        let (first, second) = try Workflow.link(member: 1, of: a.record, to: b.record, by: anna, at: now)
        _ = try store.save(together: [CaseUpdate(first, basedOn: a.version), CaseUpdate(second, basedOn: b.version)], by: anna, at: now)
        let whole = try FileCaseStore(at: storeURL).summaries()
        let after = try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl")))
        let firstLineEnd = after[before.count...].firstIndex(of: 10)! + 1
        // Chunks smaller than a line (each read grows to one line), and chunks that end inside
        // the link's first or second line.
        for chunk in [512, firstLineEnd - 100, firstLineEnd + 100, 1 << 20] {
            FileCaseStore.scanChunkBytes = chunk
            let reopened = try FileCaseStore(at: storeURL)
            XCTAssertEqual(try reopened.summaries(), whole, "chunk \(chunk)")
            XCTAssertEqual(try reopened.load(b.record.id).record.family.first?.linkedCase, a.record.id, "chunk \(chunk)")
            XCTAssertTrue(reopened.openingProblems.isEmpty, "\(reopened.openingProblems)")
        }
        FileCaseStore.scanChunkBytes = 700
        try after.prefix(firstLineEnd).write(to: URL(fileURLWithPath: path("cases.jsonl")))
        let torn = try FileCaseStore(at: storeURL)
        XCTAssertNil(try torn.load(a.record.id).record.family[0].linkedCase)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl"))), before, "cut back to before the link")
    }

    func testFamilyAndPublicitySummariesComeBackFromTheHeaders() throws {
        let store = try makeStore()
        let records = demoCases(300)
        try store.importCases(records, by: admin, at: now, today: today)
        let reopened = try FileCaseStore(at: storeURL)
        let expected = records.map { CaseSummary(record: $0, version: CaseVersion(1)) }
        let read = try reopened.summaries()
        XCTAssertEqual(read.map(\.family), expected.map(\.family))
        XCTAssertEqual(read.map(\.publicity), expected.map(\.publicity))
        XCTAssertTrue(read.contains { $0.family.contains { $0.due != nil } })
        XCTAssertTrue(read.contains { $0.publicity?.isApproved == true })
    }
}
