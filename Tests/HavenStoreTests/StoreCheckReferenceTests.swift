import Foundation
import HavenCore
@testable import HavenStore
import HavenTestSupport
import XCTest

/// The check of the log and the trail, cut into chunks that worker threads prepare, finds
/// exactly what it found when it read each file in turn on one thread (`ReferenceLogCheck`, the
/// code as it was): the same problems, word for word and at the same positions, and the same
/// counts, on stores damaged in every way the corpus and a seeded fuzz can think of, with chunks
/// from the usual size down to smaller than one line (every line then crosses a boundary).
final class StoreCheckReferenceTests: StoreTestCase {
    /// The usual size, one of a few lines, and less than most lines (a big file gets the first
    /// two); `smallest` adds chunks smaller than any line, where every line crosses boundaries.
    static let chunkSizes = [8 << 20, 4096, 333]
    static let smallest = 61

    /// A store with a history: an import (one write of several parts), users and countries
    /// changed, saves with Cyrillic notes, a compaction, more saves, and its queue index.
    func makeTemplate() throws -> URL {
        let saved = FileCaseStore.queueIndexThresholdBytes
        FileCaseStore.queueIndexThresholdBytes = 0
        defer { FileCaseStore.queueIndexThresholdBytes = saved }
        let store = try makeStore()
        try store.importCases(demoCases(9), by: admin, at: now, today: today)
        _ = try store.changeUsers(.add("pieter.v", .caseworker), by: admin, at: now)
        for round in 0..<3 {
            for number in 1...9 where (number + round) % 3 != 0 {
                let stored = try store.load(CaseID(number: number))
                var record = stored.record
                record.notes.append(Note(author: anna.user, at: now, text: "Заметка \(round) \"в кавычках\" \\ \(number)"))
                _ = try store.save(record, basedOn: stored.version, by: anna, at: now)
            }
            if round == 1 { _ = try store.compact(by: admin, at: now) }
        }
        _ = try FileCaseStore(at: storeURL) // writes the queue index
        let template = scratch.appendingPathComponent("template")
        try FileManager.default.moveItem(at: storeURL, to: template)
        return template
    }

    func restore(_ template: URL) throws {
        try? FileManager.default.removeItem(at: storeURL)
        try FileManager.default.copyItem(at: template, to: storeURL)
    }

    /// Both checks on the store as it is now, the new one at every chunk size.
    func assertSameAsReference(_ label: String, decoding: Bool = false, smallest: Bool = false, file: StaticString = #filePath, line: UInt = #line) {
        let (cases, audit, index) = (path(FileCaseStore.casesFile), path(FileCaseStore.auditFile), path(QueueIndex.fileName))
        let reference = ReferenceLogCheck.run(casesPath: cases, auditPath: audit, indexPath: index, decodingRecords: decoding)
        let saved = LogCheck.chunkBytes
        defer { LogCheck.chunkBytes = saved }
        let largest = [cases, audit].map { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0 }.max() ?? 0
        for size in largest > 1 << 20 ? Array(Self.chunkSizes.prefix(2)) : Self.chunkSizes + (smallest ? [Self.smallest] : []) {
            LogCheck.chunkBytes = size
            let checked = LogCheck.run(casesPath: cases, auditPath: audit, indexPath: index, decodingRecords: decoding)
            let context = "\(label), chunks of \(size) bytes\(decoding ? ", decoding" : "")"
            XCTAssertEqual(checked.problems.map(\.description).sorted(), reference.problems.map(\.description).sorted(), context, file: file, line: line)
            XCTAssertEqual(checked.recordCount, reference.recordCount, context, file: file, line: line)
            XCTAssertEqual(checked.caseCount, reference.caseCount, context, file: file, line: line)
            XCTAssertEqual(checked.auditEntryCount, reference.auditEntryCount, context, file: file, line: line)
            XCTAssertEqual(checked.userEntryCount, reference.userEntryCount, context, file: file, line: line)
            XCTAssertEqual(checked.compactions, reference.compactions, context, file: file, line: line)
            XCTAssertEqual(checked.usersRevision, reference.usersRevision, context, file: file, line: line)
            XCTAssertEqual(checked.latestSummaries.compactMap(\.country).map(\.rawValue).sorted(), reference.allocatedTo.map(\.rawValue).sorted(), context, file: file, line: line)
            XCTAssertEqual(checked.latestSummaries.sorted { $0.id < $1.id }, reference.latestSummaries.sorted { $0.id < $1.id }, context, file: file, line: line)
        }
    }

    func testASoundStoreReadsTheSameAtEveryChunkSize() throws {
        try restore(try makeTemplate())
        assertSameAsReference("sound", smallest: true)
        assertSameAsReference("sound", decoding: true, smallest: true)
        XCTAssertTrue(LogCheck.run(casesPath: path(FileCaseStore.casesFile), auditPath: path(FileCaseStore.auditFile),
                                   indexPath: path(QueueIndex.fileName)).problems.isEmpty)
    }

    func testTheDamagedStoreCorpusFindsTheSame() throws {
        let template = try makeTemplate()
        let files = [FileCaseStore.casesFile, FileCaseStore.auditFile, QueueIndex.fileName]
        let corpus = MalformedStoreCorpus.make(template: StoreSnapshot.files(under: template)).filter { files.contains($0.file) }
        XCTAssertGreaterThan(corpus.count, 40)
        for bad in corpus {
            try restore(template)
            try bad.apply(storeURL.appendingPathComponent(bad.file).path, storeURL)
            assertSameAsReference(bad.label)
        }
    }

    /// Every entry of the trail edited, deleted, inserted again elsewhere, swapped with the next.
    func testEveryTamperedAuditEntryIsFoundTheSame() throws {
        let template = try makeTemplate()
        let entries = try String(contentsOf: template.appendingPathComponent(FileCaseStore.auditFile), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast()
        XCTAssertGreaterThan(entries.count, 20)
        func attempt(_ label: String, _ lines: [String]) throws {
            try restore(template)
            try (lines.joined(separator: "\n") + "\n").write(toFile: path(FileCaseStore.auditFile), atomically: false, encoding: .utf8)
            assertSameAsReference(label, smallest: lines.count % 5 == 0)
        }
        for index in entries.indices {
            var edited = Array(entries)
            edited[index] = edited[index].replacingOccurrences(of: "\"version\":", with: "\"version\":1")
            try attempt("entry \(index + 1) edited", edited)
            var deleted = Array(entries)
            deleted.remove(at: index)
            try attempt("entry \(index + 1) deleted", deleted)
            var inserted = Array(entries)
            inserted.insert(entries[index], at: index == 0 ? 1 : index - 1)
            try attempt("entry \(index + 1) inserted again", inserted)
            if index + 1 < entries.count {
                var swapped = Array(entries)
                swapped.swapAt(index, index + 1)
                try attempt("entries \(index + 1) and \(index + 2) swapped", swapped)
            }
        }
    }

    /// Seeded random damage to either file: bytes flipped, cut out or put in, lines deleted,
    /// repeated or swapped, empty lines, the file cut short.
    func testRandomDamageIsFoundTheSame() throws {
        let template = try makeTemplate()
        var random = SeededGenerator(seed: 21)
        func below(_ bound: Int) -> Int { Int(random.next() % UInt64(max(1, bound))) }
        for round in 0..<100 {
            try restore(template)
            var operations: [String] = []
            for _ in 0...below(3) {
                let name = below(2) == 0 ? FileCaseStore.casesFile : FileCaseStore.auditFile
                var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
                guard bytes.count > 2 else { continue }
                var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
                let kind = below(8)
                switch kind {
                case 0: let at = below(bytes.count); bytes[at] ^= UInt8(1 << below(7))
                case 1: let at = below(bytes.count); bytes.removeSubrange(at..<min(bytes.count, at + 1 + below(40)))
                case 2: bytes.insert(contentsOf: Array("{\"x\":1}\n".utf8), at: below(bytes.count))
                case 3: bytes = Array(bytes.prefix(below(bytes.count)))
                case 4: lines.remove(at: below(lines.count - 1)); bytes = Array(lines.joined(separator: [10]))
                case 5: let at = below(lines.count - 1); lines.insert(lines[at], at: below(lines.count - 1)); bytes = Array(lines.joined(separator: [10]))
                case 6: if lines.count > 2 { lines.swapAt(below(lines.count - 1), below(lines.count - 1)) }; bytes = Array(lines.joined(separator: [10]))
                default: bytes.insert(10, at: below(bytes.count))
                }
                operations.append("\(name) \(kind)")
                try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
            }
            assertSameAsReference("round \(round): \(operations.joined(separator: ", "))", smallest: round % 4 == 0)
            if round % 10 == 0 { assertSameAsReference("round \(round)", decoding: true) }
        }
    }
}
