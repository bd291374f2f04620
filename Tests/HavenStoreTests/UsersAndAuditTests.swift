import Foundation
import HavenCore
@testable import HavenStore
import XCTest

final class UsersAndAuditTests: StoreTestCase {
    func testTheCreatorIsTheFirstAdministratorAndChangesAreAudited() throws {
        let store = try FileCaseStore.create(at: storeURL, kind: .live, by: "root", at: now)
        XCTAssertEqual(try store.users().users.map(\.name), ["root"])
        XCTAssertEqual(try store.users().actor(for: "root"), admin)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path(FileCaseStore.usersFile))[.posixPermissions] as? Int, 0o600)

        _ = try store.changeUsers(.add("anna.k", .caseworker), by: admin, at: now)
        _ = try store.changeUsers(.add("anna.k", .supervisor), by: admin, at: now)
        XCTAssertThrowsError(try store.changeUsers(.add("oleh.m", .caseworker), by: Actor(user: "anna.k", role: .supervisor), at: now)) { error in
            XCTAssertEqual("\(error)", "A supervisor cannot manage users and roles; only an administrator can.")
        }
        XCTAssertThrowsError(try store.changeUsers(.remove("root"), by: admin, at: now)) { error in
            XCTAssertEqual("\(error)", "root is the only administrator; make someone else an administrator first.")
        }
        // Another session (a new open) reads the same users.
        let again = try FileCaseStore(at: storeURL)
        XCTAssertEqual(try again.users().account("anna.k")?.role, .supervisor)
        let trail = try again.auditTrail(matching: AuditFilter(), limit: 10)
        XCTAssertEqual(trail.map(\.subject), ["users", "users"])
        XCTAssertEqual(trail.map(\.changes), [
            [FieldChange(field: "users.anna.k.role", before: "\"caseworker\"", after: "\"supervisor\"")],
            [FieldChange(field: "users.anna.k.role", before: nil, after: "\"caseworker\"")],
        ])
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound, "\(StoreCheck.run(at: storeURL).problems)")
    }

    func testARemovedOrChangedUserCannotGoOnSaving() throws {
        let store = try makeStore()
        let record = demoCases(1)[0]
        _ = try store.save(record, basedOn: nil, by: anna, at: now)
        // An administrator in another session takes anna's role away.
        _ = try FileCaseStore(at: storeURL).changeUsers(.remove("anna.k"), by: admin, at: now)
        XCTAssertThrowsError(try store.save(record, basedOn: CaseVersion(1), by: anna, at: now)) { error in
            XCTAssertEqual("\(error)", "anna.k has no role in this store (any more); ask an administrator.")
        }
        _ = try store.changeUsers(.add("oleh.m", .supervisor), by: admin, at: now)
        XCTAssertThrowsError(try store.save(record, basedOn: CaseVersion(1), by: oleh, at: now)) { error in
            XCTAssertEqual("\(error)", "oleh.m is now a supervisor in this store, not a caseworker; start Haven again.")
        }
        // Someone who was never given a role, claiming one.
        XCTAssertThrowsError(try store.save(record, basedOn: CaseVersion(1), by: Actor(user: "mallory", role: .supervisor), at: now))
        XCTAssertThrowsError(try store.importCases(demoCases(2), by: Actor(user: "anna.k", role: .administrator), at: now, today: today))
    }

    func testAStoreFromBeforeRolesHasItsCreatorAsAdministrator() throws {
        let store = try FileCaseStore.create(at: storeURL, kind: .live, by: "root", at: now)
        try FileManager.default.removeItem(atPath: path(FileCaseStore.usersFile))
        XCTAssertEqual(try store.users().users.map(\.name), ["root"])
        XCTAssertEqual(try FileCaseStore.users(at: storeURL).actor(for: "root")?.role, .administrator)
    }

    func testTheAuditTrailFiltersByUserCaseAndDate() throws {
        let store = try makeStore()
        let records = demoCases(6)
        let days = [-20, -10, -5, -3, -1, 0]
        for (index, record) in records.enumerated() {
            let actor = index.isMultiple(of: 2) ? anna : oleh
            var assigned = record
            assigned.assignedTo = actor.user
            _ = try store.save(assigned, basedOn: nil, by: actor, at: Timestamp(date: today.adding(days: days[index]), hour: 9))
        }
        var changed = try store.load(records[0].id)
        changed.record.notes.append(Note(author: "anna.k", at: now, text: "Seen again."))
        _ = try store.save(changed.record, basedOn: changed.version, by: anna, at: now)

        let all = try store.auditTrail(matching: AuditFilter(), limit: 100)
        XCTAssertEqual(all.map(\.sequence), [7, 6, 5, 4, 3, 2, 1], "newest first")
        XCTAssertEqual(try store.auditTrail(matching: AuditFilter(), limit: 2).map(\.sequence), [7, 6])
        XCTAssertEqual(try store.auditTrail(matching: AuditFilter(user: "oleh.m"), limit: 100).map(\.sequence), [6, 4, 2])
        XCTAssertEqual(try store.auditTrail(matching: AuditFilter(caseID: records[0].id), limit: 100).map(\.sequence), [7, 1])
        let week = AuditFilter(from: today.adding(days: -5), to: today.adding(days: -1))
        XCTAssertEqual(try store.auditTrail(matching: week, limit: 100).map(\.sequence), [5, 4, 3])
        XCTAssertEqual(try store.auditTrail(matching: AuditFilter(user: "anna.k", from: today.adding(days: -6)), limit: 100)
            .map(\.sequence), [7, 5, 3])
        XCTAssertEqual(try store.auditTrail(matching: AuditFilter(user: "nobody"), limit: 100), [])
    }

    func testTheDecisionTravelsInTheRecordHeader() throws {
        let store = try makeStore()
        var record = demoCases(1)[0]
        record.assignedTo = "anna.k"
        record.stage = .decision
        record.decision = DecisionProposal(outcome: .exclude, reasons: "1F(a).", proposedBy: "anna.k", proposedAt: now,
                                           review: Review(verdict: .returned, by: "maria.s", at: now, comment: "Thin."))
        _ = try store.save(record, basedOn: nil, by: anna, at: now)
        let reopened = try FileCaseStore(at: storeURL)
        let summary = try XCTUnwrap(reopened.summaries().first)
        XCTAssertEqual(summary.decision, DecisionSummary(outcome: .exclude, proposedBy: "anna.k", proposedAt: now,
                                                         verdict: .returned, reviewedAt: now))
        XCTAssertEqual(summary, CaseSummary(record: record, version: CaseVersion(1)))
        // The fast reader agrees with JSONDecoder on the header it wrote.
        let line = try Array(String(contentsOf: storeURL.appendingPathComponent("cases.jsonl"), encoding: .utf8).utf8.dropLast())
        let header = try CaseRecordLine.headerBytes(ofRecord: CaseRecordLine.recordBytes(ofLine: line[...]))
        XCTAssertEqual(RecordHeaderReader.read(header), try JSONDecoder().decode(RecordHeader.self, from: Data(header)))
    }
}
