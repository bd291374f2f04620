import Foundation
import HavenCore
@testable import HavenStore
import XCTest

/// The file store's drafts on disk: a session's lock is let go when its store is closed
/// (as the kernel lets it go when a process dies), and a draft kept before drafts were per
/// session is offered like one of a session that is over.
final class DraftFileTests: XCTestCase {
    var scratch: URL!
    var url: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haven-drafts-\(UUID().uuidString)")
        url = scratch.appendingPathComponent("store")
        _ = try FileCaseStore.create(at: url, kind: .live, by: "root", at: Timestamp(secondsSinceEpoch: 1_800_000_000))
    }

    override func tearDown() { try? FileManager.default.removeItem(at: scratch) }

    func testASessionsDraftsAreOfferedOnceItsStoreIsClosed() throws {
        var first: FileCaseStore? = try FileCaseStore(at: url)
        try first?.beginSession("a1", for: "anna.k")
        try first?.keepDraft(FormDraft(session: "a1", savedAt: Timestamp(secondsSinceEpoch: 1), values: ["x": "Жуков"], focus: "x"), for: "anna.k")
        let second = try FileCaseStore(at: url)
        XCTAssertEqual(try second.drafts(for: "anna.k"), [], "a1 is running")
        XCTAssertThrowsError(try second.beginSession("a1", for: "anna.k"), "one session id, one running session")
        first = nil
        XCTAssertEqual(try second.drafts(for: "anna.k").map(\.values), [["x": "Жуков"]], "closed as if the process died")
        try second.discardDraft(session: "a1", target: "intake", for: "anna.k")
        let left = try FileManager.default.contentsOfDirectory(atPath: url.appendingPathComponent("drafts").path)
        XCTAssertEqual(left, [], "the draft and the over session's lock file are gone")
    }

    /// Taking a kept draft is one rename: the second taker finds it gone, and the taken draft
    /// is the new session's (its over session's file goes with its last draft).
    func testADraftIsTakenOnceByRename() throws {
        var gone: FileCaseStore? = try FileCaseStore(at: url)
        let draft = FormDraft(session: "old", savedAt: Timestamp(secondsSinceEpoch: 1), values: ["x": "Жуков"], focus: "x")
        try gone?.keepDraft(draft, for: "anna.k")
        gone = nil
        let first = try FileCaseStore(at: url), second = try FileCaseStore(at: url)
        try first.beginSession("new1", for: "anna.k")
        try second.beginSession("new2", for: "anna.k")
        XCTAssertEqual(try first.drafts(for: "anna.k").count, 1)
        XCTAssertTrue(try first.takeDraft(draft, into: "new1", for: "anna.k"))
        XCTAssertFalse(try second.takeDraft(draft, into: "new2", for: "anna.k"), "taken already")
        let names = try FileManager.default.contentsOfDirectory(atPath: url.appendingPathComponent("drafts").path).sorted()
        XCTAssertEqual(names, ["anna.k~new1.session", "anna.k~new1~intake.json", "anna.k~new2.session"],
                       "old's file went with its last draft; each taker holds its lock before it takes")
        XCTAssertEqual(try second.drafts(for: "anna.k"), [], "new1 is running: its draft is its own")
    }

    /// Settings kept in the store leave it sound for `haven check`, and are owner-only.
    func testSettingsLeaveTheStoreSound() throws {
        let store = try FileCaseStore(at: url)
        var filter = ApprovalFilter()
        filter.waitingAtLeast = 14
        try store.keepSettings(UserSettings().saving(filter), for: "anna.k")
        let check = StoreCheck.run(at: url)
        XCTAssertTrue(check.isSound, check.problems.map(\.description).joined(separator: "\n"))
        var info = stat()
        XCTAssertEqual(stat(url.appendingPathComponent("settings/anna.k.json").path, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
        XCTAssertEqual(chmod(url.appendingPathComponent("settings/anna.k.json").path, 0o644), 0)
        XCTAssertEqual(try store.settings(for: "anna.k"), UserSettings(), "readable by others: not taken as hers")
        XCTAssertThrowsError(try store.keepSettings(UserSettings(), for: "anna.k"), "and never written over")
    }

    /// A backup (or a store on a read-only disk) keeps no drafts and offers none.
    func testAReadOnlyStoreOffersNoDrafts() throws {
        let store = try FileCaseStore(at: url)
        try store.keepDraft(FormDraft(session: "c1", savedAt: Timestamp(secondsSinceEpoch: 1), values: ["x": "y"], focus: "x"), for: "anna.k")
        let backup = scratch.appendingPathComponent("backup")
        try StoreBackup.take(of: url, into: backup, by: "root")
        let opened = try FileCaseStore(at: backup)
        XCTAssertNotNil(opened.readOnlyReason)
        XCTAssertEqual(try opened.drafts(for: "anna.k"), [])
        XCTAssertThrowsError(try opened.keepDraft(FormDraft(session: "c2", savedAt: Timestamp(secondsSinceEpoch: 2), values: [:], focus: ""),
                                                  for: "anna.k"))
    }

    func testADraftOfBeforeSessionsIsOfferedAndCanBeThrownAway() throws {
        let folder = url.appendingPathComponent("drafts")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let old = #"{"editing":"HV-000004","basedOn":2,"baseValues":{"healthNeeds":""},"focus":"healthNeeds","savedAt":"2026-11-30T10:00:00Z","values":{"healthNeeds":"Астма"}}"#
        try Data(old.utf8).write(to: folder.appendingPathComponent("anna.k.json"))
        // A file others may read is not a draft Haven wrote (one planted in a group store's
        // folder, say): it is not offered until it is owner-only, as Haven writes drafts.
        let planted = try FileCaseStore(at: url)
        XCTAssertEqual(try planted.drafts(for: "anna.k"), [], "0644: not a draft")
        XCTAssertEqual(chmod(folder.appendingPathComponent("anna.k.json").path, 0o600), 0)
        let store = try FileCaseStore(at: url)
        try store.beginSession("b1", for: "anna.k")
        let offered = try store.drafts(for: "anna.k")
        XCTAssertEqual(offered.count, 1)
        XCTAssertEqual(offered.first?.session, "")
        XCTAssertEqual(offered.first?.form, FormDraft.person)
        XCTAssertEqual(offered.first?.target, "HV-000004.person")
        XCTAssertEqual(offered.first?.values, ["healthNeeds": "Астма"])
        try store.discardDraft(session: "", target: "HV-000004.person", for: "anna.k")
        XCTAssertEqual(try store.drafts(for: "anna.k"), [])
    }
}
