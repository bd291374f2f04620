import Foundation
import HavenCore
@testable import HavenStore
import XCTest

/// Erasure on disk (issue 24): after it, no file of the store holds the person (byte search
/// for his names, birth date, unit and words of his notes), `haven check` still verifies the
/// trail's chain, the seals of the lines are those they had, a trail of the first form is
/// converted once, other sessions follow, and a backup taken later holds only the tombstone.
final class ErasureStoreTests: StoreTestCase {
    let maria = Actor(user: "maria.s", role: .supervisor)
    let cyrillic = FullName(family: "Стиралкин", given: "Евлампий", patronymic: "Фролович")
    let latin = FullName(family: "Stiralkin", given: "Evlampiy", patronymic: "Frolovich")
    let unit = "в/ч 71923 Одинокая рота"
    let note = "Боится за сестру в Курске"
    var needles: [String] { [cyrillic.family, cyrillic.given, latin.family, latin.given, "1971-02-03", "71923", "Курске"] }

    /// Ten demo cases, then case 11: the person to erase, saved three times and closed.
    func storeWithPerson() throws -> (FileCaseStore, CaseID) {
        let store = try makeStore()
        try store.importCases(demoCases(10), by: admin, at: now, today: today)
        var record = demoCases(11)[10]
        record.id = CaseID(number: 11)
        record.defector.cyrillicName = cyrillic
        record.defector.latinName = latin
        record.defector.birthDate = CalendarDate(year: 1971, month: 2, day: 3)
        record.defector.service.unit = unit
        record.family = []
        record.assignedTo = anna.user
        _ = try store.save(record, basedOn: nil, by: anna, at: now)
        record.notes.append(Note(author: anna.user, at: now, text: note))
        _ = try store.save(record, basedOn: CaseVersion(1), by: anna, at: now)
        record.stage = .closed
        record.stageHistory.append(StageChange(stage: .closed, at: now, by: maria.user, transition: .close))
        record.closure = Closure(reason: .withdrawn)
        _ = try store.save(record, basedOn: CaseVersion(2), by: maria, at: now)
        return (store, record.id)
    }

    func propose(_ id: CaseID, in store: FileCaseStore) throws {
        try store.proposeErasure(ErasureProposal(caseID: id, rule: "on-request", reason: "Asked for deletion, letter of 1 December",
                                                 proposedBy: maria.user, proposedAt: now), schedule: .standard, by: maria)
    }

    /// Every file under `directory` holding any of the needles, with the needle.
    func filesHolding(_ needles: [String], under directory: URL) -> [String] {
        var found: [String] = []
        let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)!
        for case let url as URL in walker {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            for needle in needles where data.range(of: Data(needle.utf8)) != nil {
                found.append("\(url.lastPathComponent): \(needle)")
            }
        }
        return found
    }

    func seals() throws -> [String] {
        try String(contentsOfFile: path(FileCaseStore.auditFile), encoding: .utf8).split(separator: "\n").map { String($0.suffix(66)) }
    }

    func testNoFileOfTheStoreHoldsThePersonAfterwardsAndTheChainStillVerifies() throws {
        let (store, id) = try storeWithPerson()
        // A draft of a form about him kept by a session, and the queue index, hold him too.
        try store.beginSession("s1", for: anna.user)
        try store.keepDraft(FormDraft(session: "s1", savedAt: now, values: ["familyName": cyrillic.family], focus: "familyName",
                                      editing: id, basedOn: CaseVersion(3)), for: anna.user)
        store.endSession("s1", for: anna.user)
        store.writeQueueIndex()
        // A reason typed to open his case names him (the access log and the supervisors' copy).
        _ = try store.read(id, part: .caseRecord, by: Reader(actor: admin, session: "cmd-1"),
                           reason: "Звонила сестра \(cyrillic.family)а из Курске", at: now)
        XCTAssertFalse(filesHolding(needles, under: storeURL).isEmpty, "the person is in the store before")
        try propose(id, in: store)
        let sealsBefore = try seals()
        // Another session is open on the store throughout, and saves after the erasure.
        let other = try FileCaseStore(at: storeURL)
        XCTAssertEqual(try other.load(id).record.defector.cyrillicName, cyrillic)

        var steps: [String] = []
        let report = try store.erase(id, schedule: .standard, by: admin, at: now) { steps.append($0) }
        XCTAssertEqual(report.entriesErased, 4, "three saves of the case and its proposal")
        XCTAssertEqual(report.entriesConverted, 0, "a trail written in the second form needs no conversion")
        XCTAssertNil(report.logNotCompacted)
        XCTAssertEqual(report.draftsRemoved, 1)
        XCTAssertEqual(report.accessReasonsErased, 1)
        XCTAssertTrue(steps.contains { $0.contains("audit trail") } && steps.contains { $0.contains("Compacting") }, "\(steps)")

        XCTAssertEqual(filesHolding(needles, under: storeURL), [], "no file of the store holds the person")
        // Every line's seal is the one it had: erasing values leaves the chain as it was.
        let sealsAfter = try seals()
        XCTAssertEqual(Array(sealsAfter.prefix(sealsBefore.count)), sealsBefore)
        let check = StoreCheck.run(at: storeURL)
        XCTAssertTrue(check.isSound, check.problems.map(\.description).joined(separator: "\n"))

        // The other session follows: the tombstone, the erased history; its next save lands.
        _ = try other.refresh()
        XCTAssertTrue(try other.load(id).record.isErased)
        XCTAssertTrue(try other.history(of: id).dropLast().allSatisfy { $0.changes.allSatisfy { FieldChange.isErased($0.after) || $0.after == nil } })
        // It opens a case after the erasure: its entry goes to the new access log, on its chain.
        _ = try other.read(CaseID(number: 2), part: .caseRecord, by: Reader(actor: admin, session: "cmd-2"),
                           reason: "Checking the neighbour's file", at: now)
        XCTAssertEqual(try other.accessLog(matching: AccessFilter(caseID: id), limit: 10).first?.reason, FileCaseStore.erasedReason)
        let neighbour = try other.load(CaseID(number: 2))
        var changed = neighbour.record
        changed.notes.append(Note(author: anna.user, at: now, text: "после стирания"))
        _ = try other.save(changed, basedOn: neighbour.version, by: anna, at: now)
        let recheck = StoreCheck.run(at: storeURL)
        XCTAssertTrue(recheck.isSound, recheck.problems.map(\.description).joined(separator: "\n"))
        // An export holds the tombstone only; a backup taken now holds nothing of him.
        let exported = try FileCaseStore(at: storeURL).exportJSON(includeSensitive: true)
        for needle in needles { XCTAssertNil(Data(exported).range(of: Data(needle.utf8)), needle) }
        // Another account's draft the erasure could not remove (the folder is sticky) is named by the check.
        let left = path("\(FileCaseStore.draftsDirectory)/oleh.m~s2~\(id).person.json")
        try Data("{}".utf8).write(to: URL(fileURLWithPath: left))
        XCTAssertTrue(StoreCheck.run(at: storeURL).problems.contains { $0.message.contains("a draft of a form about the erased \(id)") })
        try FileManager.default.removeItem(atPath: left)
        let backup = scratch.appendingPathComponent("backup")
        _ = try StoreBackup.take(of: storeURL, into: backup, by: "root")
        XCTAssertEqual(filesHolding(needles, under: backup), [])
        XCTAssertTrue(StoreBackup.verify(backup).isSound)
    }

    /// A trail written before the second form (every line sealed over its bytes) verifies as
    /// it did; the first erasure seals it again in the second form, once, and it verifies.
    func testATrailOfTheFirstFormIsConvertedOnceAndVerifies() throws {
        let (store, id) = try storeWithPerson()
        try propose(id, in: store)
        // Write the trail back in the first form, as a Haven of before wrote it.
        let lines = try String(contentsOfFile: path(FileCaseStore.auditFile), encoding: .utf8).split(separator: "\n")
        var previous = AuditTrail.genesis
        var firstForm: [UInt8] = []
        for line in lines {
            var decoded = try JSONDecoder().decode(AuditTrail.Line.self, from: Data(line.utf8))
            decoded.previousHash = previous
            let (bytes, hash) = try AuditTrail.sealed(decoded)
            firstForm += bytes
            previous = hash
        }
        try Data(firstForm).write(to: URL(fileURLWithPath: path(FileCaseStore.auditFile)))
        let before = StoreCheck.run(at: storeURL)
        XCTAssertTrue(before.isSound, before.problems.map(\.description).joined(separator: "\n"))

        let report = try FileCaseStore(at: storeURL).erase(id, schedule: .standard, by: admin, at: now) { _ in }
        XCTAssertEqual(report.entriesConverted, lines.count, "every line of the first form sealed again (the erasure's own was written in the second)")
        let after = StoreCheck.run(at: storeURL)
        XCTAssertTrue(after.isSound, after.problems.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(filesHolding(needles, under: storeURL), [])
        let text = try String(contentsOfFile: path(FileCaseStore.auditFile), encoding: .utf8)
        XCTAssertFalse(text.contains(#","hash":""#), "no line of the first form is left")
    }

    /// A trail edited before the erasure is not sealed again: the erasure stops, names the
    /// line, and changes nothing.
    func testAnEditedTrailIsNeverResealed() throws {
        let (store, id) = try storeWithPerson()
        try propose(id, in: store)
        var text = try String(contentsOfFile: path(FileCaseStore.auditFile), encoding: .utf8)
        let target = try XCTUnwrap(text.range(of: "Боится"))
        text.replaceSubrange(target, with: "Знает ")
        try text.write(toFile: path(FileCaseStore.auditFile), atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try FileCaseStore(at: storeURL).erase(id, schedule: .standard, by: admin, at: now) { _ in }) { error in
            XCTAssertTrue("\(error)".contains("audit.jsonl"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: path(FileCaseStore.auditFile), encoding: .utf8).components(separatedBy: "Знает ").count, 2,
                       "the trail is as it was")
        XCTAssertFalse(StoreCheck.run(at: storeURL).isSound)
    }

    /// `erasures.json` alone is never taken as another person's proposal: one written into it
    /// by hand (the group can write the file) is refused, naming the trail.
    func testAProposalOnlyInTheFileIsRefused() throws {
        let (store, id) = try storeWithPerson()
        let forged = ErasuresFile(revision: 1, proposals: [ErasureProposal(caseID: id, rule: "on-request", reason: "Asked for deletion in writing",
                                                                           proposedBy: maria.user, proposedAt: now)])
        try FileCaseStore.writeKeptFile(forged, to: path(FileCaseStore.erasuresFile), manifest: store.manifest)
        XCTAssertThrowsError(try store.erase(id, schedule: .standard, by: admin, at: now) { _ in }) { error in
            XCTAssertTrue("\(error)".contains("is not the one the audit trail records from maria.s"), "\(error)")
        }
        XCTAssertFalse(try FileCaseStore(at: storeURL).load(id).record.isErased)
        // A proposal made through the store, then withdrawn and written back by hand: refused too.
        try FileManager.default.removeItem(atPath: path(FileCaseStore.erasuresFile))
        try propose(id, in: store)
        try store.withdrawErasure(of: id, by: maria, at: now)
        try FileCaseStore.writeKeptFile(forged, to: path(FileCaseStore.erasuresFile), manifest: store.manifest)
        XCTAssertThrowsError(try store.erase(id, schedule: .standard, by: admin, at: now) { _ in })
        XCTAssertFalse(try FileCaseStore(at: storeURL).load(id).record.isErased)
    }

    /// An erasure stopped after its tombstone (the trail could not be rewritten) says so, is
    /// listed as unfinished (and `haven check` says so), and approving again finishes it; the
    /// tombstone's entry, if lost and written again from the log, holds no value of before.
    func testAnErasureStoppedPartWayIsSeenAndFinished() throws {
        let (store, id) = try storeWithPerson()
        try propose(id, in: store)
        // An entry of another case edited: the trail no longer verifies, so it is not rewritten.
        let trailPath = path(FileCaseStore.auditFile)
        let original = try Data(contentsOf: URL(fileURLWithPath: trailPath))
        var text = String(decoding: original, as: UTF8.self)
        let firstLineEnd = try XCTUnwrap(text.firstIndex(of: "\n"))
        let target = try XCTUnwrap(text[..<firstLineEnd].range(of: "\"user\":\"root\""))
        text.replaceSubrange(target, with: "\"user\":\"rooT\"")
        try text.write(toFile: trailPath, atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try store.erase(id, schedule: .standard, by: admin, at: now) { _ in }) { error in
            XCTAssertTrue("\(error)".contains("record is erased, but its history in the audit trail is not yet"), "\(error)")
            XCTAssertTrue("\(error)".contains("haven retention --approve \(id)"), "\(error)")
        }
        XCTAssertEqual(try FileCaseStore(at: storeURL).unfinishedErasures(), [id])
        XCTAssertTrue(StoreCheck.run(at: storeURL).problems.contains { $0.message.contains("the erasure of \(id) is not finished") })
        // The trail put right, but its last entry (the tombstone's) lost: written again from the
        // log as the erasure's entry alone, with nothing of the case before it.
        var repaired = try Data(contentsOf: URL(fileURLWithPath: trailPath))
        repaired.replaceSubrange(0..<original.count, with: original)
        let lastStart = try XCTUnwrap(repaired.dropLast().lastIndex(of: 10)) + 1
        repaired = repaired.prefix(lastStart)
        try repaired.write(to: URL(fileURLWithPath: trailPath))
        let reopened = try FileCaseStore(at: storeURL)
        let history = try reopened.history(of: id)
        XCTAssertEqual(history.last?.changes.map(\.field), [ErasureContract.field], "\(String(describing: history.last))")
        let report = try reopened.erase(id, schedule: .standard, by: admin, at: now) { _ in }
        XCTAssertNil(report.logNotCompacted)
        XCTAssertEqual(try FileCaseStore(at: storeURL).unfinishedErasures(), [])
        XCTAssertEqual(filesHolding(needles + ["deletion, letter"], under: storeURL), [], "nor the proposal's reason, erased with the case")
        let check = StoreCheck.run(at: storeURL)
        XCTAssertTrue(check.isSound, check.problems.map(\.description).joined(separator: "\n"))
    }

    /// A seal covers each value by its digest: an edited value, or an erased marker whose digest
    /// is not the value's, breaks it.
    func testTheSecondFormsSealCoversEveryValue() throws {
        let entry = AuditEntry(sequence: 1, at: now, user: "anna.k", caseID: CaseID(number: 1), version: CaseVersion(2),
                               changes: [FieldChange(field: "defector.birthPlace", before: "\"Псков\"", after: "\"Омск \\\"центр\\\"\""),
                                         FieldChange(field: "notes", before: nil, after: "[]")])
        let (bytes, seal) = try AuditTrail.encode(entry, previousHash: AuditTrail.genesis)
        let line = Array(bytes.dropLast())
        XCTAssertEqual(try AuditTrail.verifiedBody(line[...], what: "a line").hash, seal)
        let erased = try XCTUnwrap(line.withUnsafeBytes { AuditTrail.erasingChanges(ofLine: $0) })
        XCTAssertEqual(try AuditTrail.verifiedBody(erased[...], what: "a line").hash, seal, "erased, the seal is the same")
        XCTAssertFalse(String(decoding: erased, as: UTF8.self).contains("Омск"))
        // Salted: the erased digest of a value is not the plain SHA-256 of it, so a guess cannot be confirmed.
        let plain = AuditTrail.hash(Array(#""\"Псков\"""#.utf8))
        XCTAssertFalse(String(decoding: erased, as: UTF8.self).contains(plain))
        XCTAssertEqual(String(decoding: erased, as: UTF8.self).components(separatedBy: "erased:sha256:").count - 1, 5,
                       "two values and a salt, one value and a salt")
        // The same entry written twice: different salts, different seals.
        XCTAssertNotEqual(try AuditTrail.encode(entry, previousHash: AuditTrail.genesis).hash, seal)
        let edited = Array(String(decoding: line, as: UTF8.self).replacingOccurrences(of: "Омск", with: "Томск").utf8)
        XCTAssertThrowsError(try AuditTrail.verifiedBody(edited[...], what: "a line"))
        var forged = String(decoding: erased, as: UTF8.self)
        let digest = try XCTUnwrap(forged.range(of: "erased:sha256:"))
        let first = digest.upperBound..<forged.index(digest.upperBound, offsetBy: 1)
        forged.replaceSubrange(first, with: forged[first] == "0" ? "1" : "0")
        XCTAssertThrowsError(try AuditTrail.verifiedBody(Array(forged.utf8)[...], what: "a line"))
    }
}
