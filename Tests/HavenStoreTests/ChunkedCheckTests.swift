import Crypto
import Foundation
import HavenCore
@testable import HavenStore
import Synchronization
import XCTest

/// The check cut into chunks (issue 21): lines handed out whole and numbered as the file numbers
/// them at any chunk size, a break in the chain where a chunk starts named as anywhere else, the
/// trail's fields read from bytes as JSONDecoder reads them, and checks run from any thread.
final class ChunkedCheckTests: StoreTestCase {
    /// Every line of `text`, read through the pipeline at `chunkBytes`: its number, its bytes,
    /// and where the torn tail is, if any.
    func linesThroughPipeline(_ text: String, chunkBytes: Int) throws -> (lines: [(Int, String)], torn: (offset: Int, line: Int)?, newlines: Int) {
        let file = scratch.appendingPathComponent("lines")
        try Data(text.utf8).write(to: file)
        let opened = try PosixFile(path: file.path, flags: O_RDONLY)
        let pipeline = ChunkPipeline(workers: 3)
        defer { pipeline.close() }
        let stream = pipeline.stream(file: opened, length: opened.size, chunkBytes: chunkBytes, ahead: 2) { chunk in
            chunk.lines.map { ($0.before, String(decoding: chunk.buffer[$0.start..<$0.end], as: UTF8.self)) }
        }
        var lines: [(Int, String)] = []
        var torn: (offset: Int, line: Int)?
        var before = 0
        while let chunk = stream.next() {
            XCTAssertFalse(chunk.cutShort)
            for (within, text) in chunk.prepared ?? [] { lines.append((before + within + 1, text)) }
            if let tail = chunk.torn { torn = (tail.offset, before + tail.before + 1) }
            before += chunk.newlines
        }
        return (lines, torn, before)
    }

    func testEveryLineIsHandedOutOnceWholeAndNumberedAtEveryChunkSize() throws {
        for text in ["a\nbb\n\nccc\n\n\ndddd\ne\n", "\n\nfirst\nsecond\n", "one line, no newline", "a\n\nb\nthe torn tail, long enough to span chunks"] {
            let all = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let complete = Array(all.dropLast()) // the empty rest after the last newline, or the torn tail
            let expected = complete.enumerated().filter { !$0.element.isEmpty }.map { ($0.offset + 1, $0.element) }
            let tail = text.hasSuffix("\n") ? nil : all.last
            for size in 1...(text.utf8.count + 2) {
                let read = try linesThroughPipeline(text, chunkBytes: size)
                XCTAssertEqual(read.lines.map(\.0), expected.map(\.0), "\(text.debugDescription) at \(size)")
                XCTAssertEqual(read.lines.map(\.1), expected.map(\.1), "\(text.debugDescription) at \(size)")
                if let tail, !tail.isEmpty {
                    XCTAssertEqual(read.torn?.offset, text.utf8.count - tail.utf8.count, "\(text.debugDescription) at \(size)")
                    XCTAssertEqual(read.torn?.line, complete.count + 1, "\(text.debugDescription) at \(size)")
                } else {
                    XCTAssertNil(read.torn.map(\.offset), "\(text.debugDescription) at \(size)")
                }
            }
        }
    }

    /// A store whose trail has a few dozen entries; the offsets at which its lines start.
    func makeStoreWithTrail() throws -> [Int] {
        let store = try makeStore()
        try store.importCases(demoCases(6), by: admin, at: now, today: today)
        for number in 1...6 {
            let stored = try store.load(CaseID(number: number))
            var record = stored.record
            record.notes.append(Note(author: anna.user, at: now, text: "Заметка \(number)"))
            _ = try store.save(record, basedOn: stored.version, by: anna, at: now)
        }
        try? FileManager.default.removeItem(atPath: path(QueueIndex.fileName))
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(FileCaseStore.auditFile))))
        return [0] + bytes.indices.filter { bytes[$0] == 10 && $0 + 1 < bytes.count }.map { $0 + 1 }
    }

    func auditLines() throws -> [String] {
        try String(contentsOfFile: path(FileCaseStore.auditFile), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func writeAudit(_ lines: [String]) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path(FileCaseStore.auditFile), atomically: false, encoding: .utf8)
    }

    func damage(chunkBytes: Int) -> [String] {
        let saved = LogCheck.chunkBytes
        LogCheck.chunkBytes = chunkBytes
        defer { LogCheck.chunkBytes = saved }
        return StoreCheck.run(at: storeURL).problems.filter { $0.severity == .damaged }.map(\.description)
    }

    /// An entry deleted, inserted again or edited where a chunk starts (the chunk boundary at
    /// its first byte, just before, just after): named as when the trail is read in one chunk.
    func testABreakInTheChainWhereAChunkStartsIsNamedTheSame() throws {
        let starts = try makeStoreWithTrail()
        let original = try auditLines()
        for index in [3, 7, starts.count - 2] {
            // Each change leaves line `index` (0-based) where the chain breaks.
            let changes: [(String, [String])] = [
                ("deleted", original.enumerated().filter { $0.offset != index }.map(\.element)),
                ("inserted again", Array(original[..<index]) + [original[index - 2]] + Array(original[index...])),
                ("swapped", Array(original[..<index]) + [original[index + 1], original[index]] + Array(original[(index + 2)...])),
            ]
            for (label, lines) in changes {
                try writeAudit(lines)
                let whole = damage(chunkBytes: 8 << 20)
                XCTAssertTrue(whole.contains { $0.contains("line \(index + 1): the entry does not follow the one before it") }, "\(label): \(whole)")
                let boundary = lines[..<index].reduce(0) { $0 + $1.utf8.count + 1 }
                for size in [boundary, boundary - 1, boundary + 1, boundary / 2, boundary / 3] where size > 0 {
                    XCTAssertEqual(damage(chunkBytes: size), whole, "entry \(index + 1) \(label), chunks of \(size) bytes")
                }
            }
            // Edited: its hash no longer matches, named at its line.
            var edited = original
            edited[index] = edited[index].replacingOccurrences(of: "\"user\":\"", with: "\"user\":\"x")
            try writeAudit(edited)
            let whole = damage(chunkBytes: 8 << 20)
            XCTAssertTrue(whole.contains { $0.contains("line \(index + 1): the entry's hash does not match its contents") }, "\(whole)")
            let boundary = starts[index]
            for size in [boundary, boundary - 1, boundary + 1] {
                XCTAssertEqual(damage(chunkBytes: size), whole, "entry \(index + 1) edited, chunks of \(size) bytes")
            }
        }
        try writeAudit(original)
        XCTAssertEqual(damage(chunkBytes: starts[5]), [])
    }

    /// A torn last entry that spans several chunks is named at its line, as when read whole.
    func testATornEntryAcrossChunksIsNamedAtItsLine() throws {
        _ = try makeStoreWithTrail()
        let lines = try auditLines()
        try (lines.joined(separator: "\n") + "\n" + String(lines[3].prefix(900))).write(toFile: path(FileCaseStore.auditFile), atomically: false, encoding: .utf8)
        let whole = damage(chunkBytes: 8 << 20)
        XCTAssertTrue(whole.contains { $0.contains("line \(lines.count + 1): the last entry is incomplete") }, "\(whole)")
        for size in [100, 333, 899, 4096] { XCTAssertEqual(damage(chunkBytes: size), whole, "chunks of \(size)") }
    }

    /// Checks run at once from Dispatch's own threads all finish (the check's workers are
    /// threads of its own, not Dispatch's pool, which a waiting caller could exhaust).
    func testChecksRunFromDispatchThreadsAllFinish() throws {
        _ = try makeStoreWithTrail()
        let sound = Mutex(0)
        let url = storeURL
        DispatchQueue.concurrentPerform(iterations: 12) { _ in
            if StoreCheck.run(at: url).isSound { sound.withLock { $0 += 1 } }
        }
        XCTAssertEqual(sound.withLock { $0 }, 12)
    }

    // MARK: The trail's fields from bytes

    /// A trail with an entry of every kind Haven writes: new cases, changes with quotes,
    /// backslashes and Cyrillic, users, host countries, a catalogue, a compaction.
    func makeVariedTrail() throws -> [String] {
        let reference = try ReferenceDataLoader.load(from: ReferenceDataLoaderTests.dataDirectory)
        let store = try makeStore()
        _ = try store.adopt(reference)
        try store.importCases(demoCases(4), by: admin, at: now, today: today)
        _ = try store.changeUsers(.add("pieter.v", .caseworker), by: admin, at: now)
        _ = try store.changeHostCountries(.setQuota(reference.countries[0].code, reference.countries[0].quota + 5), by: admin, at: now)
        _ = try store.changeCatalogue(CatalogueChange.add(DemoIntegration.courses(countries: reference.countries, integrationCases: 4)), by: admin, at: now)
        for number in 1...4 {
            let stored = try store.load(CaseID(number: number))
            var record = stored.record
            record.notes.append(Note(author: anna.user, at: now, text: "«Кавычки» \"quoted\" back\\slash \u{1F600} \(number)"))
            _ = try store.save(record, basedOn: stored.version, by: anna, at: now)
        }
        _ = try store.compact(by: admin, at: now)
        return try auditLines()
    }

    /// What JSONDecoder reads of an entry's body (the line before `,"hash"`, closed), as the check keeps it.
    func decoded(_ body: [UInt8]) -> (TrailEntry, String)? {
        guard let line = try? JSONDecoder().decode(AuditTrail.Line.self, from: Data(body + [UInt8(ascii: "}")])) else { return nil }
        return (TrailEntry(sequence: line.sequence, caseKey: line.caseID.map(CaseKey.init), subject: line.subject, version: line.version.rawValue),
                line.previousHash)
    }

    func quick(_ body: [UInt8]) -> (TrailEntry, String)? {
        var recent = TrailLine.Recent()
        return body.withUnsafeBytes { TrailLine.quickRead($0, recent: &recent) }.map { ($0.entry, $0.previousHash.text) }
    }

    func assertSame(_ fast: (TrailEntry, String), _ slow: (TrailEntry, String)?, _ label: String) {
        guard let slow else { return XCTFail("\(label): read from bytes, but JSONDecoder refuses it") }
        XCTAssertEqual(fast.0.sequence, slow.0.sequence, label)
        XCTAssertEqual(fast.0.caseKey, slow.0.caseKey, label)
        XCTAssertEqual(fast.0.subject, slow.0.subject, label)
        XCTAssertEqual(fast.0.version, slow.0.version, label)
        XCTAssertEqual(fast.1, slow.1, label)
    }

    func testTheTrailsFieldsReadFromBytesAreWhatJSONDecoderReads() throws {
        let lines = try makeVariedTrail()
        var subjects: Set<String> = []
        for (number, line) in lines.enumerated() {
            let body = Array(line.utf8.dropLast(TrailLine.hashSuffixLength))
            let slow = try XCTUnwrap(decoded(body), "line \(number + 1)")
            subjects.insert(slow.0.subject ?? "a case")
            if slow.0.subject == FileCaseStore.compactionSubject {
                XCTAssertNil(quick(body), "a compaction's entry is read whole, for its fields")
                continue
            }
            let fast = try XCTUnwrap(quick(body), "line \(number + 1): every entry Haven writes is read from bytes")
            assertSame(fast, slow, "line \(number + 1)")
        }
        XCTAssertTrue(subjects.isSuperset(of: ["a case", "users", "countries", "courses", FileCaseStore.compactionSubject]), "\(subjects)")
    }

    /// Each byte outside the changes (their array, which only `--deep` decodes) replaced, dropped or
    /// doubled: whatever the bytes reader still reads, JSONDecoder reads the same.
    func testTheBytesReaderNeverReadsWhatJSONDecoderRefuses() throws {
        let lines = try makeVariedTrail()
        let samples = [lines[0], lines[5], lines.first { $0.contains("\"subject\":\"users\"") }!, lines[lines.count - 2]]
        let replacements = Array("\"\\0195a-.e ,:}]{[".utf8) + [0, 0x1F, 0x7F, 0xC3, 0xD0, 0xFF]
        var read = 0
        var refused = 0
        for line in samples {
            let body = Array(line.utf8.dropLast(TrailLine.hashSuffixLength))
            let changesStart = try XCTUnwrap(CaseRecordLine.firstRange(of: Array(#""changes":["#.utf8), in: body[...])) + 11
            let changesEnd = try XCTUnwrap(body.withUnsafeBytes { TrailLine.lastRange(of: Array(#"],"previousHash""#.utf8), in: $0, from: 0) })
            var variants: [[UInt8]] = []
            // The changes, brackets included, are the part only `--deep` decodes.
            for position in body.indices where position < changesStart - 1 || position > changesEnd {
                for byte in replacements where byte != body[position] {
                    var changed = body
                    changed[position] = byte
                    variants.append(changed)
                }
                var dropped = body
                dropped.remove(at: position)
                variants.append(dropped)
                var doubled = body
                doubled.insert(body[position], at: position)
                variants.append(doubled)
            }
            for variant in variants {
                if let fast = quick(variant) {
                    read += 1
                    assertSame(fast, decoded(variant), String(decoding: variant, as: UTF8.self))
                } else {
                    refused += 1
                }
            }
        }
        XCTAssertGreaterThan(read, 50, "some variants still read (another user, another number)")
        XCTAssertGreaterThan(refused, 1000)
    }

    /// Without `--deep` the changes of an entry are hashed, not decoded: an entry rewritten with
    /// changes Haven never writes and its hash made again passes; `--deep` decodes every entry
    /// and names it.
    func testOnlyADeepCheckDecodesEveryAuditEntry() throws {
        _ = try makeStoreWithTrail()
        var lines = try auditLines()
        let body = String(decoding: lines[lines.count - 1].utf8.dropLast(TrailLine.hashSuffixLength), as: UTF8.self)
        let start = try XCTUnwrap(body.range(of: #""changes":["#)).upperBound
        let end = try XCTUnwrap(body.range(of: #"],"previousHash""#, options: .backwards)).lowerBound
        let forged = String(body[..<start]) + #"{"field":7}"# + String(body[end...])
        let digest = SHA256.hash(data: Array((forged + "}").utf8)).map { String(format: "%02x", $0) }.joined()
        lines[lines.count - 1] = forged + #","hash":""# + digest + #""}"#
        try writeAudit(lines)
        XCTAssertTrue(StoreCheck.run(at: storeURL, decodingRecords: false).isSound)
        let deep = StoreCheck.run(at: storeURL).problems.map(\.description)
        XCTAssertTrue(deep.contains { $0.contains("line \(lines.count): the entry is not a Haven audit entry") }, "\(deep)")
    }

    /// An entry whose hash string is not closed is not JSON, whatever its hash says.
    func testAnEntryWhoseHashIsNotClosedIsNamed() throws {
        _ = try makeStoreWithTrail()
        var lines = try auditLines()
        lines[lines.count - 1] = String(lines[lines.count - 1].dropLast(2)) + "x}"
        try writeAudit(lines)
        XCTAssertTrue(damage(chunkBytes: 8 << 20).contains { $0.contains("line \(lines.count): the line has no hash") }, "\(damage(chunkBytes: 8 << 20))")
    }
}
