import Foundation
import HavenCore
@testable import HavenStore
import Synchronization
import XCTest

/// Compaction (issue 21): the log rewritten with each case's latest line, swapped in while
/// other sessions read and save; the trail never compacted and still cross-checked.
final class CompactionTests: StoreTestCase {
    /// A store of `count` imported cases (one write of several parts), each then saved
    /// `saves` more times with a note.
    func agedStore(cases count: Int = 20, saves: Int = 4) throws -> FileCaseStore {
        let store = try makeStore()
        try store.importCases(demoCases(count), by: admin, at: now, today: today)
        for round in 0..<saves {
            for number in 1...count where (number + round) % 3 != 0 {
                let stored = try store.load(CaseID(number: number))
                var record = stored.record
                record.notes.append(Note(author: anna.user, at: now, text: "round \(round) on \(number)"))
                _ = try store.save(record, basedOn: stored.version, by: anna, at: now)
            }
        }
        return store
    }

    func logLines() throws -> [String] {
        try String(contentsOfFile: path("cases.jsonl"), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func everyCase(_ store: FileCaseStore) throws -> [CaseID: StoredCase] {
        Dictionary(uniqueKeysWithValues: try store.summaries().map { ($0.id, try store.load($0.id)) })
    }

    func testCompactionKeepsTheLatestVersionOfEveryCaseAndEveryEntryOfTheTrail() throws {
        let store = try agedStore()
        let before = try everyCase(store)
        let histories = try before.keys.map { try store.history(of: $0) }
        let trailBefore = try Data(contentsOf: URL(fileURLWithPath: path("audit.jsonl")))
        let sizeBefore = store.logBytes
        XCTAssertGreaterThan(try logLines().count, 20)

        let report = try store.compact(by: anna, at: now)

        XCTAssertEqual(try logLines().count, 20, "one line per case")
        XCTAssertEqual(report.bytesBefore, sizeBefore)
        XCTAssertEqual(report.bytesAfter, try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl"))).count)
        XCTAssertLessThan(report.bytesAfter, sizeBefore / 2)
        XCTAssertEqual(report.bytesAfter, store.liveLogBytes)
        XCTAssertEqual(try everyCase(store).mapValues(\.record), before.mapValues(\.record), "this session reads the new log")
        let reopened = try FileCaseStore(at: storeURL)
        XCTAssertGreaterThan(reopened.bytesFromQueueIndex, 0, "the compaction wrote the new log's queue index")
        let after = try everyCase(reopened)
        XCTAssertEqual(after.mapValues(\.record), before.mapValues(\.record))
        XCTAssertEqual(after.mapValues(\.version), before.mapValues(\.version))
        XCTAssertEqual(after.mapValues(\.savedBy), before.mapValues(\.savedBy))
        XCTAssertEqual(try reopened.summaries(), try store.summaries())
        // The trail: every entry kept as it was, one more recording the compaction.
        let trailAfter = try Data(contentsOf: URL(fileURLWithPath: path("audit.jsonl")))
        XCTAssertEqual(trailAfter.prefix(trailBefore.count), trailBefore)
        XCTAssertEqual(try before.keys.map { try reopened.history(of: $0) }, histories, "each case's history stays whole")
        let last = try XCTUnwrap(try reopened.auditTrail(matching: AuditFilter(), limit: 1).first)
        XCTAssertEqual(last.subject, FileCaseStore.compactionSubject)
        XCTAssertEqual(last.user, anna.user)
        XCTAssertEqual(last.sequence, report.auditSequence)
        let check = StoreCheck.run(at: storeURL)
        XCTAssertTrue(check.isSound, "\(check.problems)")
        XCTAssertEqual(check.compactions, 1)
        XCTAssertEqual(check.recordCount, 20)
        XCTAssertEqual(check.caseCount, 20)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: storeURL.path).contains { $0.contains(".tmp-") })
    }

    func testSavesAfterACompactionFollowOnAndASecondCompactionKeepsThem() throws {
        let store = try agedStore()
        _ = try store.compact(by: anna, at: now)
        let stored = try store.load(CaseID(number: 7))
        var record = stored.record
        record.notes.append(Note(author: oleh.user, at: now, text: "after compaction"))
        XCTAssertEqual(try store.save(record, basedOn: stored.version, by: oleh, at: now), stored.version.next)
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound, "\(StoreCheck.run(at: storeURL).problems)")
        _ = try store.compact(by: anna, at: now)
        let check = StoreCheck.run(at: storeURL)
        XCTAssertTrue(check.isSound, "\(check.problems)")
        XCTAssertEqual(check.compactions, 2)
        XCTAssertEqual(try FileCaseStore(at: storeURL).load(CaseID(number: 7)).record.notes.last?.text, "after compaction")
    }

    /// A session that opened the store before the compaction holds the old file: its next save
    /// finds the path names another file, reads it, and saves into it, never into the old one.
    /// A stale save is still refused as a conflict.
    func testASessionOpenBeforeTheCompactionSavesIntoTheNewLog() throws {
        let earlier = try agedStore()
        let first = try earlier.load(CaseID(number: 3))
        let compactor = try FileCaseStore(at: storeURL)
        _ = try compactor.compact(by: admin, at: now)
        var record = first.record
        record.notes.append(Note(author: anna.user, at: now, text: "saved by a session opened before"))
        let version = try earlier.save(record, basedOn: first.version, by: anna, at: now)
        XCTAssertEqual(try FileCaseStore(at: storeURL).load(CaseID(number: 3)).record.notes.last?.text, "saved by a session opened before")
        XCTAssertTrue(try compactor.refresh())
        XCTAssertEqual(try compactor.load(CaseID(number: 3)).version, version, "the compacting session sees it at its next look")
        var stale = first.record
        stale.notes.append(Note(author: oleh.user, at: now, text: "stale"))
        XCTAssertThrowsError(try compactor.save(stale, basedOn: first.version, by: oleh, at: now)) { error in
            guard case StoreError.conflict = error else { return XCTFail("\(error)") }
        }
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound, "\(StoreCheck.run(at: storeURL).problems)")
    }

    /// Saves made by another session while the compaction copies (no lock held then) are
    /// taken in under the lock at the swap and kept.
    func testSavesMadeWhileTheCompactionCopiesAreKept() throws {
        let store = try agedStore(cases: 40, saves: 3)
        let other = try FileCaseStore(at: storeURL)
        var saved: [(CaseID, String)] = []
        let report = try store.compact(by: anna, at: now) { done, _ in
            guard saved.count < 3 else { return }
            let id = CaseID(number: 1 + done % 40)
            let stored = try! other.load(id)
            var record = stored.record
            let text = "during compaction \(saved.count)"
            record.notes.append(Note(author: oleh.user, at: now, text: text))
            _ = try! other.save(record, basedOn: stored.version, by: oleh, at: now)
            saved.append((id, text))
        }
        XCTAssertEqual(saved.count, 1, "progress is told once per run of nearby lines: here one")
        XCTAssertEqual(report.linesSavedMeanwhile, saved.count)
        let reopened = try FileCaseStore(at: storeURL)
        for (id, text) in saved {
            XCTAssertEqual(try reopened.load(id).record.notes.last?.text, text)
            XCTAssertEqual(try store.load(id).record.notes.last?.text, text)
        }
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound, "\(StoreCheck.run(at: storeURL).problems)")
    }

    /// The lines of an import carry `part` and `parts`; once some are superseded, the rest
    /// must not read as an unfinished write: the compaction writes them as writes of one.
    func testALastLineFromAnImportDoesNotReadAsATornWrite() throws {
        let store = try makeStore()
        try store.importCases(demoCases(6), by: admin, at: now, today: today)
        let stored = try store.load(CaseID(number: 6))
        var record = stored.record
        record.notes.append(Note(author: anna.user, at: now, text: "the last part superseded"))
        _ = try store.save(record, basedOn: stored.version, by: anna, at: now)
        _ = try store.compact(by: anna, at: now)
        XCTAssertFalse(try logLines().contains { $0.contains(#""parts":"#) }, "no line of the compacted log is part of a write of several")
        let reopened = try FileCaseStore(at: storeURL, usingQueueIndex: false)
        XCTAssertEqual(try reopened.summaries().count, 6)
        XCTAssertFalse(reopened.openingProblems.contains { $0.message.contains("torn") }, "\(reopened.openingProblems)")
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound)
    }

    func testADamagedLineIsNeverCompactedAway() throws {
        let store = try agedStore(cases: 5, saves: 2)
        var lines = try logLines()
        lines[1] = lines[1].replacingOccurrences(of: "round", with: "ROUND")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path("cases.jsonl"), atomically: false, encoding: .utf8)
        let damaged = try FileCaseStore(at: storeURL)
        XCTAssertThrowsError(try damaged.compact(by: anna, at: now)) { error in
            XCTAssertTrue("\(error)".contains("damaged line"), "\(error)")
        }
        XCTAssertEqual(try logLines(), lines, "nothing was changed")
        _ = store
    }

    /// An old, superseded line damaged after this session read it (as the queue index lets an
    /// opening skip old lines): the compaction reads every line, finds it, and changes nothing.
    func testADamagedOldLineThisSessionNeverReadAgainStopsTheCompaction() throws {
        let opened = try agedStore(cases: 5, saves: 2)
        var lines = try logLines()
        XCTAssertTrue(lines[0].contains("HV-000001"), "the first line is HV-000001's first version, long superseded")
        let name = try XCTUnwrap(lines[0].range(of: #"Kozlov|Ivanov|Smirnov|[A-Z][a-z]+ov"#, options: .regularExpression))
        let original = String(lines[0][name])
        lines[0] = lines[0].replacingCharacters(in: name, with: String(original.reversed())) // same length, so no offset moves
        let damagedLog = lines.joined(separator: "\n") + "\n"
        try damagedLog.write(toFile: path("cases.jsonl"), atomically: false, encoding: .utf8)
        XCTAssertFalse(opened.openingProblems.contains { $0.severity == .damaged }, "this session has not seen it")
        XCTAssertThrowsError(try opened.compact(by: anna, at: now)) { error in
            XCTAssertTrue("\(error)".contains("it is evidence"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: path("cases.jsonl"), encoding: .utf8), damagedLog, "nothing was changed")
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: storeURL.path).contains { $0.contains(".tmp-") })
    }

    func testTwoCompactionsAtOnce_TheSecondIsTurnedAway() throws {
        let store = try agedStore(cases: 5, saves: 2)
        let other = try FileCaseStore(at: storeURL)
        var refusal: Error?
        _ = try store.compact(by: anna, at: now) { _, _ in
            guard refusal == nil else { return }
            do {
                _ = try other.compact(by: oleh, at: self.now)
                XCTFail("a second compaction ran beside the first")
            } catch {
                refusal = error
            }
        }
        XCTAssertTrue("\(refusal.map { "\($0)" } ?? "none")".contains("another compaction"), "\(String(describing: refusal))")
    }

    // MARK: The trail cross-checks with a compacted log

    func testOldVersionsRemovedWithoutACompactionAreCaught() throws {
        _ = try agedStore(cases: 5, saves: 2)
        // Keep only each case's last line, by hand: the trail has no compaction entry.
        var latest: [String: String] = [:]
        var order: [String] = []
        for line in try logLines() {
            let id = String(line.split(separator: "\"id\":\"")[1].prefix(9))
            if latest[id] == nil { order.append(id) }
            latest[id] = line
        }
        let kept = try logLines().filter { line in latest.values.contains(line) }
        try (kept.joined(separator: "\n") + "\n").write(toFile: path("cases.jsonl"), atomically: false, encoding: .utf8)
        try? FileManager.default.removeItem(atPath: path("cases.index"))
        let problems = StoreCheck.run(at: storeURL).problems.filter { $0.severity == .damaged }.map(\.description)
        XCTAssertEqual(problems.count, 1, "\(problems)")
        XCTAssertTrue(problems[0].contains("the case log does not hold") && problems[0].contains("lines were removed"), problems[0])
    }

    func testTheLatestLineRemovedAfterACompactionIsCaught() throws {
        let store = try agedStore(cases: 5, saves: 2)
        _ = try store.compact(by: anna, at: now)
        let stored = try store.load(CaseID(number: 2))
        var record = stored.record
        record.notes.append(Note(author: anna.user, at: now, text: "latest"))
        _ = try store.save(record, basedOn: stored.version, by: anna, at: now)
        // The newest line (the save after the compaction) removed by hand.
        try (try logLines().dropLast().joined(separator: "\n") + "\n").write(toFile: path("cases.jsonl"), atomically: false, encoding: .utf8)
        try? FileManager.default.removeItem(atPath: path("cases.index"))
        let problems = StoreCheck.run(at: storeURL).problems.filter { $0.severity == .damaged }.map(\.description)
        XCTAssertTrue(problems.contains { $0.contains("HV-000002") && $0.contains("the log's latest is") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("the case log does not hold") }, "\(problems)")
    }

    /// After a compaction a case has one line: removing it removes the case, and check says so.
    func testACaseWhoseOnlyLineIsRemovedAfterACompactionIsCaught() throws {
        let store = try agedStore(cases: 5, saves: 2)
        _ = try store.compact(by: anna, at: now)
        let kept = try logLines().filter { !$0.contains(#""id":"HV-000003""#) }
        XCTAssertEqual(kept.count, 4)
        try (kept.joined(separator: "\n") + "\n").write(toFile: path("cases.jsonl"), atomically: false, encoding: .utf8)
        try? FileManager.default.removeItem(atPath: path("cases.index"))
        let problems = StoreCheck.run(at: storeURL).problems.filter { $0.severity == .damaged }.map(\.description)
        XCTAssertTrue(problems.contains { $0.contains("HV-000003") && $0.contains("the log holds no line of it") }, "\(problems)")
    }

    func testACompactionEntryWrittenButTheLogNotYetSwappedChecksSound() throws {
        // A crash between the compaction's audit entry and its rename leaves the whole log.
        let store = try agedStore(cases: 5, saves: 2)
        let log = try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl")))
        _ = try store.compact(by: anna, at: now)
        try log.write(to: URL(fileURLWithPath: path("cases.jsonl")))
        try? FileManager.default.removeItem(atPath: path("cases.index"))
        let check = StoreCheck.run(at: storeURL)
        XCTAssertTrue(check.isSound, "\(check.problems)")
        XCTAssertEqual(check.compactions, 1)
    }

    func testTheCheckReadsInChunksAndFindsTheSameAsWhole() throws {
        let store = try agedStore(cases: 12, saves: 3)
        _ = try store.compact(by: anna, at: now)
        let stored = try store.load(CaseID(number: 4))
        var record = stored.record
        record.notes.append(Note(author: anna.user, at: now, text: "after"))
        _ = try store.save(record, basedOn: stored.version, by: anna, at: now)
        let whole = StoreCheck.run(at: storeURL)
        let saved = LogCheck.chunkBytes
        LogCheck.chunkBytes = 700 // smaller than one line: every line crosses a chunk
        defer { LogCheck.chunkBytes = saved }
        let chunked = StoreCheck.run(at: storeURL)
        XCTAssertTrue(chunked.isSound, "\(chunked.problems)")
        XCTAssertEqual(chunked.recordCount, whole.recordCount)
        XCTAssertEqual(chunked.auditEntryCount, whole.auditEntryCount)
        XCTAssertEqual(chunked.caseCount, whole.caseCount)
        // And a damaged entry deep in the trail is found by line number, as when read whole.
        var lines = try String(contentsOfFile: path("audit.jsonl"), encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[14].contains(#""user":"anna.k""#), lines[14])
        lines[14] = lines[14].replacingOccurrences(of: #""user":"anna.k""#, with: #""user":"oleh.m""#)
        try (lines.joined(separator: "\n") + "\n").write(toFile: path("audit.jsonl"), atomically: false, encoding: .utf8)
        XCTAssertTrue(StoreCheck.run(at: storeURL).problems.contains { $0.position == "line 15" && $0.message.contains("hash does not match") },
                      "\(StoreCheck.run(at: storeURL).problems)")
    }

    /// A check run while compactions swap the log in never mixes an old log with a newer trail.
    func testChecksWhileCompactionsRunAreAlwaysSound() throws {
        let store = try agedStore(cases: 30, saves: 3)
        let url = storeURL
        let stop = Mutex(false)
        let compacted = Mutex(0)
        let compactor = Thread {
            guard let other = try? FileCaseStore(at: url) else { return }
            let actor = Actor(user: "anna.k", role: .caseworker)
            while !stop.withLock({ $0 }) {
                let stored = try! other.load(CaseID(number: 5))
                var record = stored.record
                record.notes.append(Note(author: actor.user, at: Timestamp(secondsSinceEpoch: 0), text: "between"))
                _ = try! other.save(record, basedOn: stored.version, by: actor, at: Timestamp(secondsSinceEpoch: 1_800_000_000))
                _ = try! other.compact(by: actor, at: Timestamp(secondsSinceEpoch: 1_800_000_000))
                compacted.withLock { $0 += 1 }
            }
        }
        compactor.start()
        var checks = 0
        while compacted.withLock({ $0 }) < 15 || checks < 15 {
            let check = StoreCheck.run(at: url, decodingRecords: false)
            XCTAssertTrue(check.isSound, "check \(checks): \(check.problems)")
            checks += 1
        }
        stop.withLock { $0 = true }
        while !compactor.isFinished { usleep(1000) }
        XCTAssertTrue(StoreCheck.run(at: url).isSound)
        _ = store
    }

    /// Without decoding, a line whose checksum was made to match an unreadable case is not
    /// caught; with it (the library's default, `haven check --deep`) it is.
    func testOnlyADeepCheckDecodesEveryRecord() throws {
        _ = try agedStore(cases: 3, saves: 1)
        var lines = try logLines()
        let body = String(lines[0].dropFirst(#"{"crc32":"00000000","record":"#.count).dropLast())
        let split = try XCTUnwrap(body.range(of: #","case":"#))
        let forged = String(body[..<split.upperBound]) + body[split.upperBound...].replacingOccurrences(of: #""stage":"#, with: #""stage":7,"x":"#)
        lines[0] = #"{"crc32":""# + CRC32.hex(CRC32.checksum(Array(forged.utf8))) + #"","record":"# + forged + "}"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path("cases.jsonl"), atomically: false, encoding: .utf8)
        try? FileManager.default.removeItem(atPath: path("cases.index"))
        let quick = StoreCheck.run(at: storeURL, decodingRecords: false)
        XCTAssertFalse(quick.decodedRecords)
        XCTAssertFalse(quick.problems.contains { $0.message.contains("does not decode") }, "\(quick.problems)")
        let deep = StoreCheck.run(at: storeURL)
        XCTAssertTrue(deep.decodedRecords)
        XCTAssertTrue(deep.problems.contains { $0.message.contains("does not decode") }, "\(deep.problems)")
    }

    // MARK: Starting by itself

    func testACompactionStartsByItselfOnceTheLogPassesTwiceItsLiveSize() throws {
        let started = Mutex<[URL]>([])
        let minimum = FileCaseStore.compactionMinimumBytes
        FileCaseStore.compactionMinimumBytes = 0
        FileCaseStore.compactionStarter = { url in started.withLock { $0.append(url) } }
        defer {
            FileCaseStore.compactionMinimumBytes = minimum
            FileCaseStore.compactionStarter = nil
        }
        let store = try makeStore()
        try store.importCases(demoCases(10), by: admin, at: now, today: today)
        var savesUntilDue = 0
        while !store.compactionDue {
            let id = CaseID(number: 1 + savesUntilDue % 10)
            let stored = try store.load(id)
            var record = stored.record
            record.notes.append(Note(author: anna.user, at: now, text: "save \(savesUntilDue)"))
            XCTAssertEqual(started.withLock { $0.count }, 0, "not started while the log is under twice its live size")
            _ = try store.save(record, basedOn: stored.version, by: anna, at: now)
            savesUntilDue += 1
        }
        XCTAssertGreaterThan(store.logBytes, 2 * store.liveLogBytes)
        XCTAssertEqual(started.withLock { $0 }.map(\.path), [storeURL.path], "the save that made it due started one")
        XCTAssertGreaterThanOrEqual(savesUntilDue, 9, "about one more version of each case first")
        // The next save does not start another (at most one a minute per session).
        let stored = try store.load(CaseID(number: 1))
        _ = try store.save(stored.record, basedOn: stored.version, by: anna, at: now)
        XCTAssertEqual(started.withLock { $0.count }, 1)
    }
}

/// Sessions holding the old log take in a compaction by its table of new places
/// (`CompactionMoves`), and read the new log whenever the table does not fit exactly.
final class CompactionMovesTests: StoreTestCase {
    func agedStore() throws -> FileCaseStore {
        let store = try makeStore()
        try store.importCases(demoCases(30), by: admin, at: now, today: today)
        for round in 0..<3 {
            for number in 1...30 where (number + round) % 4 != 0 {
                try addNote(CaseID(number: number), "round \(round)", in: store)
            }
        }
        return store
    }

    func addNote(_ id: CaseID, _ text: String, in store: FileCaseStore) throws {
        let stored = try store.load(id)
        var record = stored.record
        record.notes.append(Note(author: anna.user, at: now, text: text))
        _ = try store.save(record, basedOn: stored.version, by: anna, at: now)
    }

    func assertSameAsAFreshOpening(_ session: FileCaseStore, file: StaticString = #filePath, line: UInt = #line) throws {
        let fresh = try FileCaseStore(at: storeURL)
        XCTAssertEqual(try session.summaries(), try fresh.summaries(), file: file, line: line)
        XCTAssertEqual(session.liveLogBytes, fresh.liveLogBytes, file: file, line: line)
        for summary in try fresh.summaries() {
            let mine = try session.load(summary.id), theirs = try fresh.load(summary.id)
            XCTAssertEqual(mine.record, theirs.record, file: file, line: line)
            XCTAssertEqual(mine.version, theirs.version, file: file, line: line)
        }
    }

    /// A session behind by saves made before the compaction and during its copy takes in the
    /// rest of the old log, then the new places, and saves into the new log.
    func testASessionBehindTheCompactionFollowsItByTheTable() throws {
        let store = try agedStore()
        let behind = try FileCaseStore(at: storeURL)
        let other = try FileCaseStore(at: storeURL)
        try addNote(CaseID(number: 5), "before the compaction, unseen by the session behind", in: other)
        var savedDuring = false
        _ = try store.compact(by: anna, at: now) { _, _ in
            guard !savedDuring else { return }
            savedDuring = true
            try! self.addNote(CaseID(number: 9), "during the copy", in: other)
            try! self.addNote(CaseID(number: 30), "during the copy, again", in: other)
        }
        XCTAssertTrue(savedDuring)
        XCTAssertEqual(store.compactionsFollowed, 1, "the compacting session follows its own table")
        XCTAssertTrue(try other.refresh())
        try addNote(CaseID(number: 14), "into the new log, before the session behind looks", in: other)
        XCTAssertTrue(try behind.refresh())
        XCTAssertEqual(try behind.load(CaseID(number: 14)).record.notes.last?.text, "into the new log, before the session behind looks")
        XCTAssertEqual(behind.compactionsFollowed, 1)
        XCTAssertEqual(behind.bytesFromQueueIndex, 0, "it did not read the new index")
        try assertSameAsAFreshOpening(behind)
        XCTAssertEqual(try behind.load(CaseID(number: 9)).record.notes.last?.text, "during the copy")
        try addNote(CaseID(number: 9), "after, from the session behind", in: behind)
        try addNote(CaseID(number: 12), "after, from the session behind", in: behind)
        XCTAssertTrue(try other.refresh())
        XCTAssertEqual(other.compactionsFollowed, 1)
        try assertSameAsAFreshOpening(other)
        let check = StoreCheck.run(at: storeURL)
        XCTAssertTrue(check.isSound, "\(check.problems)")
    }

    /// A damaged table, a table of a later compaction than the one the session missed, and a
    /// missing table: the session reads the new log instead, and reads it right.
    func testATableThatDoesNotFitIsNotUsed() throws {
        let store = try agedStore()
        let damaged = try FileCaseStore(at: storeURL)
        _ = try store.compact(by: anna, at: now)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path(CompactionMoves.fileName)))
        bytes[bytes.count / 2] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: path(CompactionMoves.fileName)))
        XCTAssertTrue(try damaged.refresh())
        XCTAssertEqual(damaged.compactionsFollowed, 0)
        try assertSameAsAFreshOpening(damaged)

        let twoBehind = try FileCaseStore(at: storeURL)
        try addNote(CaseID(number: 2), "between", in: store)
        _ = try store.compact(by: anna, at: now)
        try addNote(CaseID(number: 3), "between again", in: store)
        _ = try store.compact(by: anna, at: now)
        XCTAssertTrue(try twoBehind.refresh())
        XCTAssertEqual(twoBehind.compactionsFollowed, 0, "the table is of the second compaction, from a file it never held")
        try assertSameAsAFreshOpening(twoBehind)

        let missing = try FileCaseStore(at: storeURL)
        try addNote(CaseID(number: 4), "once more", in: store)
        _ = try store.compact(by: anna, at: now)
        try FileManager.default.removeItem(atPath: path(CompactionMoves.fileName))
        XCTAssertTrue(try missing.refresh())
        try addNote(CaseID(number: 4), "and again", in: missing)
        XCTAssertEqual(missing.compactionsFollowed, 0)
        try assertSameAsAFreshOpening(missing)
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound)
    }

    /// A table whose places do not match what the session knows (a version it never read):
    /// not used.
    func testATableNamingAnotherVersionIsNotUsed() throws {
        let store = try agedStore()
        let session = try FileCaseStore(at: storeURL)
        _ = try store.compact(by: anna, at: now)
        var moves = try XCTUnwrap(CompactionMoves.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path(CompactionMoves.fileName))))))
        moves.places[3].version = moves.places[3].version.next
        try Data(moves.encoded()).write(to: URL(fileURLWithPath: path(CompactionMoves.fileName)))
        XCTAssertTrue(try session.refresh())
        XCTAssertEqual(session.compactionsFollowed, 0)
        try assertSameAsAFreshOpening(session)
    }

    /// A table naming one case twice (and so leaving another unplaced): not used.
    func testATableNamingACaseTwiceIsNotUsed() throws {
        let store = try agedStore()
        let session = try FileCaseStore(at: storeURL)
        _ = try store.compact(by: anna, at: now)
        var moves = try XCTUnwrap(CompactionMoves.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path(CompactionMoves.fileName))))))
        moves.places[4] = moves.places[3]
        try Data(moves.encoded()).write(to: URL(fileURLWithPath: path(CompactionMoves.fileName)))
        XCTAssertTrue(try session.refresh())
        XCTAssertEqual(session.compactionsFollowed, 0)
        try assertSameAsAFreshOpening(session)
    }

    func testTheTableReadsBackAndRefusesAnyDamage() throws {
        let moves = CompactionMoves(source: .init(device: 7, inode: 99), cut: 4_000,
                                    target: .init(device: 7, inode: 100), compactedLength: 1_200,
                                    places: (1...50).map { .init(id: CaseID(number: $0), version: CaseVersion($0 % 5 + 1), offset: $0 * 24, length: 23) })
        let bytes = moves.encoded()
        XCTAssertEqual(CompactionMoves.decode(bytes), moves)
        for position in stride(from: 0, to: bytes.count, by: 7) {
            var damaged = bytes
            damaged[position] ^= 0x01
            XCTAssertNil(CompactionMoves.decode(damaged), "a flipped bit at \(position)")
        }
        XCTAssertNil(CompactionMoves.decode(Array(bytes.dropLast(3))))
        XCTAssertNil(CompactionMoves.decode([]))
    }
}
