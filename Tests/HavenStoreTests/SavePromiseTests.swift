import Foundation
import Glibc
import HavenCore
@testable import HavenStore
import HavenTestSupport
import Synchronization
import XCTest

/// Issue 19's first list, one test a bullet: each was a way the file store lost or hid an
/// acknowledged save, and failed on the store before the save contract and its writers.
final class SavePromiseTests: StoreTestCase {
    /// Demo cases numbered from `first`, with no links (each import stands alone).
    func newCases(_ count: Int, from first: Int) -> [Case] {
        demoCases(count).enumerated().map { offset, record in
            var copy = record
            copy.id = CaseID(number: first + offset)
            for index in copy.family.indices { copy.family[index].linkedCase = nil }
            return copy
        }
    }

    func noteTexts(_ store: FileCaseStore, _ id: CaseID) throws -> [String] {
        try store.load(id).record.notes.map(\.text)
    }

    // MARK: A save racing an import

    func testASaveRacingAnImportIsNeverLost() throws {
        let store = try makeStore()
        for record in newCases(4, from: 1) { _ = try store.save(record, basedOn: nil, by: anna, at: now) }
        let url = storeURL, anna = anna, admin = admin, now = now, today = today
        let imports = [newCases(600, from: 100), newCases(600, from: 1000)]
        let acknowledged = Mutex<[String]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 3) { worker in
            do {
                let session = try FileCaseStore(at: url)
                if worker < 2 {
                    try session.importCases(imports[worker], by: admin, at: now, today: today)
                    return
                }
                for round in 0..<60 {
                    let id = CaseID(number: 1 + round % 4)
                    var stored = try session.load(id)
                    stored.record.notes.append(Note(author: anna.user, at: now, text: "note \(round)"))
                    _ = try session.save(stored.record, basedOn: stored.version, by: anna, at: now)
                    acknowledged.withLock { $0.append("note \(round)") }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, [])
        let reopened = try FileCaseStore(at: storeURL)
        let kept = try (1...4).flatMap { try noteTexts(reopened, CaseID(number: $0)) }
        XCTAssertEqual(Set(kept), Set(acknowledged.withLock { $0 }), "every acknowledged note is in the store")
        XCTAssertEqual(acknowledged.withLock { $0 }.count, 60)
        XCTAssertEqual(try reopened.summaries().count, 4 + 1200)
        let report = StoreCheck.run(at: storeURL)
        XCTAssertTrue(report.isSound, "\(report.problems)")
    }

    // MARK: Imports at once

    func testFourImportsAtOnceKeepEveryCase() throws {
        _ = try makeStore()
        let url = storeURL, admin = admin, now = now, today = today
        let batches = (0..<4).map { newCases(200, from: 1 + $0 * 200) }
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            do {
                try FileCaseStore(at: url).importCases(batches[worker], by: admin, at: now, today: today)
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, [])
        XCTAssertEqual(try FileCaseStore(at: storeURL).summaries().count, 800)
        let report = StoreCheck.run(at: storeURL)
        XCTAssertTrue(report.isSound, "\(report.problems)")
        XCTAssertEqual(report.auditEntryCount, 800)
    }

    // MARK: A half-written line

    func testAHalfWrittenLogLineDoesNotSwallowTheNextSessionsSave() throws {
        let store = try makeStore()
        let record = newCases(1, from: 1)[0]
        _ = try store.save(record, basedOn: nil, by: anna, at: now)
        let other = try FileCaseStore(at: storeURL) // open before the fragment, as a colleague's session is
        _ = try other.load(record.id)
        // A writer that died half-way through its line (disk full, I/O error, a kill).
        try appendBytes(Array(#"{"crc32":"0badf00d","record":{"id":"HV-000001","version":2,"sav"#.utf8), to: "cases.jsonl")
        var stored = try other.load(record.id)
        stored.record.notes.append(Note(author: oleh.user, at: now, text: "after the fragment"))
        XCTAssertEqual(try other.save(stored.record, basedOn: stored.version, by: oleh, at: now), CaseVersion(2))
        let reopened = try FileCaseStore(at: storeURL)
        XCTAssertEqual(try noteTexts(reopened, record.id), ["after the fragment"])
        XCTAssertTrue(other.openingProblems.contains { $0.message.contains("torn last write") }, "\(other.openingProblems)")
        let report = StoreCheck.run(at: storeURL)
        XCTAssertTrue(report.isSound, "\(report.problems)")
    }

    func testAHalfWrittenAuditEntryDoesNotBreakTheChain() throws {
        let store = try makeStore()
        let records = newCases(3, from: 1)
        for record in records { _ = try store.save(record, basedOn: nil, by: anna, at: now) }
        let other = try FileCaseStore(at: storeURL)
        try appendBytes(Array(#"{"at":"2026-11-24T10:00:00Z","caseID":"HV-0000"#.utf8), to: "audit.jsonl")
        var stored = try other.load(records[0].id)
        stored.record.notes.append(Note(author: oleh.user, at: now, text: "after the torn entry"))
        _ = try other.save(stored.record, basedOn: stored.version, by: oleh, at: now)
        let history = try FileCaseStore(at: storeURL).history(of: records[0].id)
        XCTAssertEqual(history.map(\.sequence), [1, 4], "the chain goes on at 4, not again at 1")
        let report = StoreCheck.run(at: storeURL)
        XCTAssertTrue(report.isSound, "\(report.problems)")
        XCTAssertEqual(report.auditEntryCount, 4)
    }

    // MARK: One unreadable last audit entry

    func testAnUnreadableLastAuditEntryIsRepairedOnceAndOpeningsAddNothing() throws {
        let store = try makeStore()
        for record in newCases(40, from: 1) { _ = try store.save(record, basedOn: nil, by: anna, at: now) }
        var trail = try Data(contentsOf: URL(fileURLWithPath: path("audit.jsonl")))
        let lastLineStart = trail.dropLast().lastIndex(of: 10)! + 1
        let target = trail[lastLineStart...].firstIndex(of: UInt8(ascii: "a"))! // inside "at"
        trail[target] = UInt8(ascii: "b")
        try trail.write(to: URL(fileURLWithPath: path("audit.jsonl")))
        let lines = { try String(contentsOfFile: self.path("audit.jsonl"), encoding: .utf8).split(separator: "\n").count }
        XCTAssertEqual(try lines(), 40)

        let first = try FileCaseStore(at: storeURL)
        XCTAssertEqual(first.lastAuditSequence, 40, "the damaged entry is set aside and written again from the log")
        XCTAssertEqual(try lines(), 40, "one entry repaired, none added")
        XCTAssertTrue(first.openingProblems.contains { $0.message.contains("cannot be read") }, "\(first.openingProblems)")
        for _ in 0..<3 { _ = try FileCaseStore(at: storeURL) }
        XCTAssertEqual(try lines(), 40, "repeated openings add nothing")
        let report = StoreCheck.run(at: storeURL)
        XCTAssertTrue(report.isSound, "\(report.problems)")
    }

    func testATrailWithNoReadableEntryIsNeverReplaced() throws {
        let store = try makeStore()
        for record in newCases(3, from: 1) { _ = try store.save(record, basedOn: nil, by: anna, at: now) }
        _ = try store.changeUsers(.add("pieter.v", .supervisor), by: admin, at: now)
        // Every entry reformatted: each still JSON, none with its hash.
        let trail = try String(contentsOfFile: path("audit.jsonl"), encoding: .utf8)
        let mangled = trail.replacingOccurrences(of: #","hash":""#, with: #","hush":""#).replacingOccurrences(of: #","seal":""#, with: #","hush":""#)
        try mangled.write(toFile: path("audit.jsonl"), atomically: false, encoding: .utf8)
        let opened = try FileCaseStore(at: storeURL)
        XCTAssertEqual(try String(contentsOfFile: path("audit.jsonl"), encoding: .utf8), mangled, "not set aside, not rebuilt")
        XCTAssertThrowsError(try opened.save(newCases(1, from: 9)[0], basedOn: nil, by: anna, at: now)) { error in
            XCTAssertTrue("\(error)".contains("no entry of the audit trail can be read"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: path("audit.jsonl"), encoding: .utf8), mangled)
        XCTAssertFalse(StoreCheck.run(at: storeURL).isSound)
    }

    func testAnUnreadableTailWithAnotherKindOfEntryIsRepairedOnceUnderTheLogsNumbers() throws {
        let store = try makeStore()
        let records = newCases(2, from: 1)
        _ = try store.save(records[0], basedOn: nil, by: anna, at: now)
        _ = try store.changeUsers(.add("pieter.v", .supervisor), by: admin, at: now) // entry 2
        _ = try store.save(records[1], basedOn: nil, by: anna, at: now)              // entry 3
        // The last two entries damaged (the users change and the save after it).
        var lines = try String(contentsOfFile: path("audit.jsonl"), encoding: .utf8).split(separator: "\n").map(String.init)
        lines[1] = lines[1].replacingOccurrences(of: "pieter.v", with: "pieter.x")
        lines[2] = lines[2].replacingOccurrences(of: "anna.k", with: "anna.x")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path("audit.jsonl"), atomically: false, encoding: .utf8)
        let first = try FileCaseStore(at: storeURL)
        XCTAssertEqual(first.lastAuditSequence, 3)
        let entries = try first.auditTrail(matching: AuditFilter(), limit: 10)
        XCTAssertEqual(entries.map(\.sequence), [3, 2, 1], "each number once: the save under its own, the lost entry said")
        XCTAssertEqual(entries[0].caseID, records[1].id)
        XCTAssertEqual(entries[1].subject, "repair")
        XCTAssertTrue(first.openingProblems.contains { $0.severity == .damaged && $0.message.contains("entry 2 could not be read") })
        for _ in 0..<3 { _ = try FileCaseStore(at: storeURL) }
        XCTAssertEqual(try FileCaseStore(at: storeURL).auditTrail(matching: AuditFilter(), limit: 10).count, 3, "openings add nothing")
        let report = StoreCheck.run(at: storeURL)
        XCTAssertTrue(report.isSound, "\(report.problems)")
        XCTAssertTrue(report.problems.contains { $0.message.contains("may record acknowledged changes") })
    }

    /// An opening reads the log with no lock; a line it read that was then cut back (its
    /// writer's audit entry failed) and written over by another save is not kept.
    func testALineReadWithoutALockAndThenCutBackIsNotKept() throws {
        let store = try makeStore()
        let record = newCases(1, from: 1)[0]
        _ = try store.save(record, basedOn: nil, by: anna, at: now)
        let reader = try FileCaseStore(at: storeURL)
        let good = try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl")))
        var phantom = try store.load(record.id)
        phantom.record.notes.append(Note(author: anna.user, at: now, text: "never acknowledged"))
        _ = try store.save(phantom.record, basedOn: phantom.version, by: anna, at: now)
        try reader.scanFromStart() // the opening's read with no lock sees v2
        XCTAssertEqual(reader.summary(of: record.id)?.version, CaseVersion(2))
        // v2's writer fails its audit entry and cuts its line back; another save lands there.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path("cases.jsonl")))
        try handle.truncate(atOffset: UInt64(good.count))
        try handle.close()
        let other = try FileCaseStore(at: storeURL)
        var real = try other.load(record.id)
        real.record.notes.append(Note(author: oleh.user, at: now, text: "the real second version, a longer note than the phantom's"))
        _ = try other.save(real.record, basedOn: real.version, by: oleh, at: now)
        try reader.confirmUnlockedScan()
        XCTAssertEqual(try reader.load(record.id).record.notes.map(\.text), ["the real second version, a longer note than the phantom's"])
    }

    // MARK: Check on a live store

    func testCheckOnAStoreOthersAreSavingToIsSound() throws {
        let store = try makeStore()
        let records = newCases(3, from: 1)
        for record in records { _ = try store.save(record, basedOn: nil, by: anna, at: now) }
        let url = storeURL, anna = anna, now = now
        let reports = Mutex<[StoreCheck.Report]>([])
        let done = Atomic<Bool>(false)
        let saved = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            if worker == 0 {
                defer { done.store(true, ordering: .sequentiallyConsistent) }
                guard let session = try? FileCaseStore(at: url) else { return }
                for round in 0..<150 {
                    guard var stored = try? session.load(records[round % 3].id) else { return }
                    stored.record.notes.append(Note(author: anna.user, at: now, text: "\(round)"))
                    if (try? session.save(stored.record, basedOn: stored.version, by: anna, at: now)) != nil { saved.add(1, ordering: .relaxed) }
                }
            } else {
                while !done.load(ordering: .sequentiallyConsistent) {
                    let report = StoreCheck.run(at: url)
                    reports.withLock { $0.append(report) }
                }
            }
        }
        let all = reports.withLock { $0 }
        XCTAssertEqual(saved.load(ordering: .relaxed), 150, "others really were saving")
        XCTAssertGreaterThan(all.count, 3)
        for report in all { XCTAssertTrue(report.isSound, "\(report.problems)") }
    }

    // MARK: A stopped process

    func testASaveWaitingOnAStoppedHolderNamesItAndGivesUp() throws {
        let store = try makeStore()
        let record = newCases(1, from: 1)[0]
        _ = try store.save(record, basedOn: nil, by: anna, at: now)
        let holder = try FileCaseStore(at: storeURL)
        try holder.cases.lock(.exclusive) // as a session stopped while holding it would
        LockNote.write(beside: holder.cases.path, mode: 0o600, group: nil)
        defer { holder.cases.unlock() }
        let (patience, limit) = (FileCaseStore.lockPatience, FileCaseStore.lockLimit)
        FileCaseStore.lockPatience = 0.1
        FileCaseStore.lockLimit = 0.4
        let told = Mutex<[String]>([])
        FileCaseStore.lockWaitReporter = { message in told.withLock { $0.append(message) } }
        defer { (FileCaseStore.lockPatience, FileCaseStore.lockLimit, FileCaseStore.lockWaitReporter) = (patience, limit, nil) }
        var stored = try store.load(record.id)
        stored.record.notes.append(Note(author: anna.user, at: now, text: "waits"))
        XCTAssertThrowsError(try store.save(stored.record, basedOn: stored.version, by: anna, at: now)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("Not saved, try again: \(NSUserName()) (process \(getpid()), "), text)
            XCTAssertTrue(text.contains(") since "), "since when, from the holder's note: \(text)")
            XCTAssertNotNil(text.range(of: #"holds the store; waited [0-9.]+ s "#, options: .regularExpression), text)
            XCTAssertTrue(text.hasSuffix("(\(self.path("cases.jsonl")))"), "the file, last: \(text)")
        }
        XCTAssertEqual(told.withLock { $0 }.count, 1, "the wait was reported once, while waiting")
        holder.cases.unlock()
        XCTAssertEqual(try store.save(stored.record, basedOn: stored.version, by: anna, at: now), CaseVersion(2))
    }

    func testAnImportHoldsNoLockWhileItReportsProgress() throws {
        let store = try makeStore()
        let record = newCases(1, from: 1)[0]
        _ = try store.save(record, basedOn: nil, by: anna, at: now)
        let colleague = try FileCaseStore(at: storeURL)
        let limit = FileCaseStore.lockLimit
        FileCaseStore.lockLimit = 2
        defer { FileCaseStore.lockLimit = limit }
        var savedDuringProgress = false
        try FileCaseStore(at: storeURL).importCases(newCases(1500, from: 10), by: admin, at: now, today: today) { done in
            // A progress bar on a frozen terminal: another session must still be able to save.
            guard !savedDuringProgress, done >= 1000 else { return }
            var stored = try! colleague.load(record.id)
            stored.record.notes.append(Note(author: anna.user, at: now, text: "during the import"))
            savedDuringProgress = (try? colleague.save(stored.record, basedOn: stored.version, by: anna, at: now)) != nil
        }
        XCTAssertTrue(savedDuringProgress)
        XCTAssertEqual(try FileCaseStore(at: storeURL).summaries().count, 1501)
    }

    // MARK: The machine's faults

    func testAFailedLogWriteIsCutBackAndTheNextSaveLands() throws {
        let store = try makeStore()
        let record = newCases(1, from: 1)[0]
        _ = try store.save(record, basedOn: nil, by: anna, at: now)
        let before = try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl")))
        let faults = FaultingLayer { operation in
            if case let .write(path, _, bytes) = operation, path.hasSuffix("cases.jsonl") { return .fail(code: ENOSPC, bytesWritten: bytes.count / 2) }
            return nil
        }
        var stored = try store.load(record.id)
        stored.record.notes.append(Note(author: anna.user, at: now, text: "on a full disk"))
        faults.install()
        XCTAssertThrowsError(try store.save(stored.record, basedOn: stored.version, by: anna, at: now)) { error in
            XCTAssertTrue("\(error)".contains("No space left on device"), "\(error)")
            XCTAssertTrue("\(error)".contains("cases.jsonl"), "\(error)")
        }
        faults.remove()
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl"))), before, "the half line was cut back")
        XCTAssertEqual(try store.save(stored.record, basedOn: stored.version, by: anna, at: now), CaseVersion(2))
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound)
    }

    func testAFailedAuditWriteOrFsyncUndoesTheSave() throws {
        let store = try makeStore()
        let record = newCases(1, from: 1)[0]
        _ = try store.save(record, basedOn: nil, by: anna, at: now)
        let (log, trail) = (try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl"))), try Data(contentsOf: URL(fileURLWithPath: path("audit.jsonl"))))
        for fault in ["audit write", "log fsync"] {
            let layer = FaultingLayer { operation in
                switch (fault, operation) {
                case let ("audit write", .write(path, _, bytes)) where path.hasSuffix("audit.jsonl"): .fail(code: EIO, bytesWritten: bytes.count - 3)
                case let ("log fsync", .sync(path)) where path.hasSuffix("cases.jsonl"): .fail(code: EIO)
                default: nil
                }
            }
            var stored = try store.load(record.id)
            stored.record.notes.append(Note(author: anna.user, at: now, text: fault))
            layer.install()
            XCTAssertThrowsError(try store.save(stored.record, basedOn: stored.version, by: anna, at: now)) { error in
                XCTAssertTrue("\(error)".contains("Input/output error"), "\(fault): \(error)")
            }
            layer.remove()
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl"))), log, fault)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("audit.jsonl"))), trail, fault)
            XCTAssertEqual(try store.load(record.id).version, CaseVersion(1), "\(fault): the session read the store again")
        }
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound)
    }

    func testAnAdministratorsChangeWhoseAuditEntryFailsIsPutBack() throws {
        let store = try makeStore()
        let users = try Data(contentsOf: URL(fileURLWithPath: path("users.json")))
        let layer = FaultingLayer { operation in
            if case let .write(path, _, _) = operation, path.hasSuffix("audit.jsonl") { return .fail(code: EIO) }
            return nil
        }
        layer.install()
        XCTAssertThrowsError(try store.changeUsers(.add("pieter.v", .administrator), by: admin, at: now)) { error in
            XCTAssertTrue("\(error)".contains("the change was not made"), "\(error)")
        }
        XCTAssertThrowsError(try store.changeHostCountries(.add(HostCountry(code: CountryCode("AT")!, name: "Austria", languages: [LanguageCode("de")!])),
                                                           by: admin, at: now))
        layer.remove()
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("users.json"))), users, "no unaudited administrator")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("countries.json")), "no unaudited country")
        XCTAssertNil(try FileCaseStore(at: storeURL).users().account("pieter.v"))
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound)
    }

    func testAFullDiskStillOpensTheStoreAndLeavesNothingBehind() throws {
        let store = try makeStore()
        for record in newCases(2, from: 1) { _ = try store.save(record, basedOn: nil, by: anna, at: now) }
        try appendBytes(Array(#"{"crc32":"0badf00d","rec"#.utf8), to: "cases.jsonl")
        let layer = FaultingLayer { operation in
            switch operation {
            case .create, .write, .makeDirectory: .fail(code: ENOSPC)
            default: nil
            }
        }
        layer.install()
        for _ in 0..<3 {
            let opened = try FileCaseStore(at: storeURL)
            XCTAssertEqual(try opened.summaries().count, 2)
            XCTAssertTrue(opened.openingProblems.contains { $0.severity == .warning && $0.message.contains("No space left") },
                          "\(opened.openingProblems)")
        }
        layer.remove()
        let quarantine = (try? FileManager.default.contentsOfDirectory(atPath: path("quarantine"))) ?? []
        XCTAssertEqual(quarantine, [], "no empty quarantine files")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: storeURL.path).filter { $0.contains(".tmp-") }, [])
        let healed = try FileCaseStore(at: storeURL)
        XCTAssertTrue(healed.openingProblems.contains { $0.message.contains("torn last write") })
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound)
    }

    func testAFailedImportLeavesNothingBehind() throws {
        let store = try makeStore()
        _ = try store.save(newCases(1, from: 1)[0], basedOn: nil, by: anna, at: now)
        let files = StoreSnapshot.files(under: storeURL)
        let layer = FaultingLayer { operation in
            if case let .write(path, _, bytes) = operation, path.hasSuffix("cases.jsonl") { return .fail(code: ENOSPC, bytesWritten: bytes.count / 3) }
            return nil
        }
        layer.install()
        XCTAssertThrowsError(try store.importCases(newCases(300, from: 10), by: admin, at: now, today: today))
        layer.remove()
        XCTAssertEqual(StoreSnapshot.files(under: storeURL), files, "the store is as it was: no temporary file, no half import")
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound)
    }

    /// An import torn by a crash before its last line is left out whole, however the log is
    /// read in chunks, and the cases before it stay.
    func testAnImportTornBeforeItsLastLineIsLeftOutWhole() throws {
        let store = try makeStore()
        let first = newCases(3, from: 1)
        for record in first { _ = try store.save(record, basedOn: nil, by: anna, at: now) }
        let before = try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl")))
        try store.importCases(newCases(40, from: 10), by: admin, at: now, today: today)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl")))
        let saved = FileCaseStore.scanChunkBytes
        defer { FileCaseStore.scanChunkBytes = saved }
        for (chunk, cut) in [(700, 20_000), (16 << 20, whole.count - 5), (50_000, before.count + 10)] {
            try whole.prefix(cut).write(to: URL(fileURLWithPath: path("cases.jsonl")))
            try? FileManager.default.removeItem(atPath: path(FileCaseStore.queueIndexFile))
            FileCaseStore.scanChunkBytes = chunk
            let opened = try FileCaseStore(at: storeURL, usingQueueIndex: false)
            XCTAssertEqual(try opened.summaries().map(\.id.number), [1, 2, 3], "chunk \(chunk), cut at \(cut)")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl"))), before, "the torn import set aside")
        }
    }

    // MARK: Rules applied unevenly

    func testAnImportCannotTakeASeatInAFullCourse() throws {
        let store = try makeStore()
        store.referenceCountries = [HostCountry(code: CountryCode("DE")!, name: "Germany", languages: [LanguageCode("de")!])]
        let course = LanguageCourse(id: "de-leipzig-a2", provider: "VHS Leipzig", language: LanguageCode("de")!, targetLevel: .a2,
                                    country: CountryCode("DE")!, city: "Leipzig", schedule: "Mon-Fri 9-13", capacity: 1)
        _ = try store.changeCatalogue(CatalogueChange.add([course]), by: admin, at: now)
        let records = arrivedInGermany(newCases(2, from: 1)).map { record -> Case in
            var next = record
            next.integration.enrolments = [CourseEnrolment(courseID: course.id, requestedOn: today, status: .enrolled, since: today)]
            return next
        }
        XCTAssertThrowsError(try store.importCases(records, by: admin, at: now, today: today)) { error in
            XCTAssertTrue("\(error)".contains("de-leipzig-a2"), "\(error)")
        }
        XCTAssertEqual(try store.summaries().count, 0)
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound)
    }

    func testTheAuditTrailIsInSequenceOrderWhateverTheClockDid() throws {
        let store = try makeStore()
        let records = newCases(3, from: 1)
        let times = [Timestamp(date: today, hour: 12), Timestamp(date: today.adding(days: -3), hour: 9), Timestamp(date: today, hour: 13)]
        for (record, time) in zip(records, times) { _ = try store.save(record, basedOn: nil, by: anna, at: time) }
        let found = try store.auditTrail(matching: AuditFilter(from: today), limit: 10)
        XCTAssertEqual(found.map(\.sequence), [3, 1], "an older time in the middle does not hide the entries before it")
    }

    func testTornWritesInOneSecondGetQuarantineCopiesOfTheirOwn() throws {
        let store = try makeStore()
        _ = try store.save(newCases(1, from: 1)[0], basedOn: nil, by: anna, at: now)
        for fragment in ["{\"crc32\":\"aa", "{\"crc32\":\"bb"] {
            try appendBytes(Array(fragment.utf8), to: "cases.jsonl")
            _ = try FileCaseStore(at: storeURL)
        }
        let copies = try FileManager.default.contentsOfDirectory(atPath: path("quarantine"))
        XCTAssertEqual(copies.count, 2, "\(copies)")
    }
}

/// Fails the operations `decide` picks while installed; tests install it around one call.
final class FaultingLayer: FileLayerObserver {
    let decide: (FileOperation) -> FileFault?

    init(_ decide: @escaping (FileOperation) -> FileFault?) { self.decide = decide }

    func before(_ operation: FileOperation) -> FileFault? { decide(operation) }
    func after(_ operation: FileOperation) {}
    func install() { FileLayer.observer = self }
    func remove() { FileLayer.observer = nil }
}

