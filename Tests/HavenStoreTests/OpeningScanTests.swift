import Foundation
import HavenCore
@testable import HavenStore
import XCTest

/// An opening reads each header in place, up to where the line's case begins, instead of
/// cutting the header out first. It must take in exactly what cutting it out takes in
/// (`LogScanner.scan`, what the check and the repairs read): the same lines with the same
/// entries and summaries, and the same problems, for every line Haven writes and for lines
/// whose header was changed in every way that could tell the two apart (each keeping a
/// sound CRC, so the header, not the frame, decides).
final class OpeningScanTests: XCTestCase {
    let today = CalendarDate(year: 2026, month: 11, day: 24)!

    /// Demo cases' record lines without their newline, some of them parts of a write of several.
    func records(_ count: Int) throws -> [String] {
        let reference = try ReferenceDataLoader.builtIn()
        let cases = DemoCases.generate(count: count, today: today, countries: reference.countries.map(\.code),
                                       occupations: reference.occupations)
        return try cases.enumerated().map { number, record in
            var header = FileCaseStore.header(of: record, version: CaseVersion(1 + number % 4), part: number % 3, of: number % 2 == 0 ? 1 : 3,
                                              by: Actor(user: "anna.k", role: .caseworker), at: Timestamp(date: today, hour: 9))
            header.auditSequence = number + 1
            let line = try CaseRecordLine.encode(record, header: header)
            let text = String(decoding: line.dropLast(), as: UTF8.self)
            // The record object alone: what the CRC covers, and what the variants change.
            return String(text.dropFirst(CaseRecordLine.recordStart).dropLast())
        }
    }

    /// A line for record text, with its CRC made for it.
    func line(_ record: String) -> String {
        #"{"crc32":""# + CRC32.hex(CRC32.checksum(Array(record.utf8))) + #"","record":"# + record + "}"
    }

    func assertOpeningReadsAsCuttingOut(_ lines: [String], file: StaticString = #filePath, line: UInt = #line) {
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        let cut = LogScanner.scan(bytes, baseOffset: 100, file: "cases.jsonl")
        let opened = LogScanner.scanForOpening(bytes, baseOffset: 100, file: "cases.jsonl")
        let openedLines = opened.flatMap(\.lines)
        XCTAssertEqual(openedLines.count, cut.records.count, "lines taken in", file: file, line: line)
        for (taken, record) in zip(openedLines, cut.records) {
            let entry = taken.entry, header = record.header
            XCTAssertEqual(entry.id, header.id, file: file, line: line)
            XCTAssertEqual(entry.version, header.version, file: file, line: line)
            XCTAssertEqual(entry.savedBy, header.savedBy, file: file, line: line)
            XCTAssertEqual(entry.savedAt, header.savedAt, file: file, line: line)
            XCTAssertEqual(entry.auditSequence, header.auditSequence, file: file, line: line)
            XCTAssertEqual(entry.offset, record.offset, file: file, line: line)
            XCTAssertEqual(entry.length, record.length, file: file, line: line)
            XCTAssertEqual(taken.part, header.part, file: file, line: line)
            XCTAssertEqual(taken.parts, header.parts, file: file, line: line)
            XCTAssertEqual(taken.summary, record.summary, file: file, line: line)
        }
        XCTAssertEqual(opened.flatMap(\.problems).map(\.description), cut.problems.map(\.description), "problems", file: file, line: line)
    }

    func testEveryLineHavenWritesIsTakenInAsBefore() throws {
        let all = try records(400)
        let lines = all.map(line)
        assertOpeningReadsAsCuttingOut(lines)
        XCTAssertEqual(LogScanner.scanForOpening(Array((lines.joined(separator: "\n") + "\n").utf8), baseOffset: 0, file: "x")
            .flatMap(\.lines).count, 400)
    }

    /// Where the header ends and the case begins, written every other way: a `,"case":` within
    /// the header's values, spaces about it, the key escaped, given first or twice, or absent.
    func testHeadersEndingOtherwiseAreTakenInAsBefore() throws {
        let base = try records(3)
        var variants: [String] = []
        for record in base {
            func with(_ old: String, _ new: String) -> String { record.replacingOccurrences(of: old, with: new) }
            variants += [
                record,
                with(#","case":"#, #" ,"case":"#),
                with(#","case":"#, #", "case":"#),
                with(#","case":"#, #","case" :"#),
                with(#","case":"#, #","\u0063ase":"#),
                with(#","case":"#, #","case":{},"case":"#),
                with(#","case":"#, #","cases":"#),
                with(#","case":"#, #","other":"#),
                with(#"{"auditSequence""#, #"{"case":1,"auditSequence""#),
                with(#"{"auditSequence""#, #"{"extra":{"a":1,"case":2},"auditSequence""#),
                with(#"{"auditSequence""#, #"{"extra":[1,"case":2],"auditSequence""#),
                with(#"{"auditSequence""#, #"{"extra":{"a":[{"b":1,"case":2}]},"auditSequence""#),
                with(#""summary":{"#, #""summary":{"x":1,"case":{},"#),
                with(#""summary":{"#, #""summary":{"case":{},"#),
                with(#""summary":{"#, #""summary":{"x":"a,\"case\":b","#),
                with(#""version":"#, #""version":1,"case":{},"x":{},"version":"#),
                with(#""version":"#, #""ignored":"x" ,"case":{},"version":"#),
                with(#""savedBy":"#, #""savedBy":"anna.k","case":"#),
            ]
        }
        for variant in variants { assertOpeningReadsAsCuttingOut([line(variant)]) }
        assertOpeningReadsAsCuttingOut(variants.map(line))
    }

    /// Every single-byte change, deletion or doubling at many places of many headers (and
    /// where the case begins), each with its CRC made again.
    func testDamagedHeadersAreTakenInOrRefusedAsBefore() throws {
        let all = try records(24)
        let replacements = Array("{}[]\",:0 9-antfe.\\u/xc".utf8)
        var generator = SeededGenerator(seed: 77)
        var variants: [String] = []
        for record in all {
            let bytes = Array(record.utf8)
            let caseAt = CaseRecordLine.firstRange(of: CaseRecordLine.caseKey, in: bytes[...]) ?? bytes.count
            for _ in 0..<60 {
                let position = Int(generator.next() % UInt64(min(bytes.count, caseAt + 12)))
                var changed = bytes
                switch generator.next() % 3 {
                case 0: changed[position] = replacements[Int(generator.next() % UInt64(replacements.count))]
                case 1: changed.remove(at: position)
                default: changed.insert(bytes[position], at: position)
                }
                variants.append(String(decoding: changed, as: UTF8.self))
            }
        }
        XCTAssertEqual(variants.count, 1_440)
        for start in stride(from: 0, to: variants.count, by: 50) {
            assertOpeningReadsAsCuttingOut(variants[start..<min(variants.count, start + 50)].map(line))
        }
    }
}
