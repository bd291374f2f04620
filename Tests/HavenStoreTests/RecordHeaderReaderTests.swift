import Foundation
import HavenCore
@testable import HavenStore
import XCTest

/// The streaming header reader answers what the reader it replaced answered (kept as
/// `ReferenceHeaderReader`): the same header, or nil, for every header Haven writes and for
/// every damaged or odd one.
final class RecordHeaderReaderTests: XCTestCase {
    let today = CalendarDate(year: 2026, month: 11, day: 24)!

    func headers(_ count: Int) throws -> [[UInt8]] {
        let reference = try ReferenceDataLoader.builtIn()
        var records = DemoCases.generate(count: count, today: today, countries: reference.countries.map(\.code),
                                         occupations: reference.occupations)
        let courses = DemoIntegration.courses(countries: reference.countries, integrationCases: records.count { $0.stage == .integration })
        DemoIntegration.fill(&records, courses: courses, openings: DemoIntegration.openings(countries: reference.countries, today: today),
                             today: today)
        return try records.enumerated().map { number, record in
            var header = FileCaseStore.header(of: record, version: CaseVersion(2), part: number % 3, of: number % 2 == 0 ? 1 : 3,
                                              by: Actor(user: "anna.k", role: .caseworker), at: Timestamp(date: today, hour: 9))
            header.auditSequence = number + 1
            return try CaseRecordLine.writer.encode(header)
        }
    }

    func assertSame(_ bytes: [UInt8], _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(RecordHeaderReader.read(bytes), ReferenceHeaderReader.read(bytes), message(), file: file, line: line)
    }

    func testEveryHeaderHavenWritesReadsAsBefore() throws {
        let all = try headers(1500)
        var read = 0
        for bytes in all {
            XCTAssertNotNil(RecordHeaderReader.read(bytes))
            assertSame(bytes)
            let pretty = Array(try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: Data(bytes)), options: [.prettyPrinted]))
            assertSame(pretty, "laid out with spaces")
            read += 1
        }
        XCTAssertEqual(read, 1500)
    }

    /// Every single-byte change, deletion or doubling at many places of many headers.
    func testDamagedHeadersAreRefusedOrReadAsBefore() throws {
        let all = try headers(60)
        let replacements = Array("{}[]\",:0 9-antfe.\\u/x".utf8)
        var generator = SeededGenerator(seed: 21)
        var checked = 0
        for bytes in all {
            for _ in 0..<120 {
                let position = Int(generator.next() % UInt64(bytes.count))
                var changed = bytes
                switch generator.next() % 3 {
                case 0: changed[position] = replacements[Int(generator.next() % UInt64(replacements.count))]
                case 1: changed.remove(at: position)
                default: changed.insert(bytes[position], at: position)
                }
                assertSame(changed, String(decoding: changed, as: UTF8.self))
                checked += 1
            }
        }
        XCTAssertEqual(checked, 7200)
    }

    func testOddButValidHeadersReadAsBefore() throws {
        let base = String(decoding: try headers(1)[0], as: UTF8.self)
        func with(_ old: String, _ new: String) -> String { base.replacingOccurrences(of: old, with: new) }
        let variants: [String] = [
            with("{\"auditSequence\"", "{\"extra\":{\"a\":[1,{\"b\":null}]},\"auditSequence\""),
            with("{\"auditSequence\"", "{\"deep\":[[[[[[1]]]]]],\"auditSequence\""),
            with("{\"auditSequence\"", "{\"auditSequence\":99,\"auditSequence\""),
            with("\"savedBy\"", "\"saved\\u0042y\""),
            with("\"stage\":\"", "\"stage\" : \""),
            with("\"latinName\":\"", "\"latinName\":\"\\u00e9\\n"),
            with("\"version\":2", "\"version\":2,\"part\":null"),
            with("\"version\":2", "\"version\":2,\"part\":1,\"parts\":1"),
            with("\"version\":2", "\"version\":2,\"part\":2,\"parts\":1"),
            with("\"version\":2", "\"version\":2.0"),
            with("\"summary\":{", "\"summary\":{\"flags\":null,\"family\":null,\"decision\":null,"),
            with("\"summary\":{", "\"summary\":{\"family\":[{\"id\":1,\"relationship\":\"son\",\"stage\":\"interview\"}],"),
            with("\"summary\":{", "\"summary\":{\"family\":[{\"id\":1,\"relationship\":\"son\",\"stage\":\"interview\",\"highRisk\":true,\"due\":null}],"),
            with("\"summary\":{", "\"summary\":{\"integration\":{\"seats\":null,\"employment\":{\"startedOn\":\"2026-01-01\",\"followUpMonths\":null}},"),
            with("\"summary\":{", "\"summary\":{\"integration\":{\"seats\":[{\"course\":\"c\",\"status\":\"enrolled\",\"requestedOn\":null}]},"),
            with("\"summary\":{", "\"summary\":{\"publicity\":{\"consentGiven\":\"2026-01-01\",\"digest\":null,\"verdict\":\"approved\"},"),
            base + " ", base + "x", " " + base,
        ].map { $0 }
        for variant in variants {
            // A key given twice is JSONDecoder's to decide (the reference reader keeps the last).
            if Self.hasKeyTwice(variant) {
                XCTAssertNil(RecordHeaderReader.read(Array(variant.utf8)), variant)
            } else {
                assertSame(Array(variant.utf8), variant)
            }
        }
        XCTAssertEqual(variants.filter(Self.hasKeyTwice).count, 4)
    }

    /// Whether some object in `text` gives a key twice (JSONSerialization keeps one of them, so
    /// counting the keys it sees against those written tells).
    static func hasKeyTwice(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) else { return false }
        func count(_ value: Any) -> Int {
            if let dictionary = value as? [String: Any] { return dictionary.count + dictionary.values.map(count).reduce(0, +) }
            if let array = value as? [Any] { return array.map(count).reduce(0, +) }
            return 0
        }
        let written = trimmed.components(separatedBy: "\":").count - 1
        return count(object) < written
    }

    /// The one place the readers part: a key given twice whose first value does not read. The
    /// earlier reader kept only the last; this one refuses at the first, and JSONDecoder decides
    /// (Haven never writes a key twice).
    func testAKeyGivenTwiceWithABadFirstValueIsLeftToJSONDecoder() throws {
        let base = String(decoding: try headers(1)[0], as: UTF8.self)
        let twice = base.replacingOccurrences(of: "\"summary\":{", with: "\"summary\":{\"family\":[{\"id\":1,\"highRisk\":false}],")
        XCTAssertNotNil(ReferenceHeaderReader.read(Array(twice.utf8)))
        XCTAssertNil(RecordHeaderReader.read(Array(twice.utf8)))
    }

    /// Where the reference reader (and the first cut of this one) parted from JSONDecoder: a
    /// key given twice (JSONDecoder decides which counts) and a number with a leading zero
    /// (JSONDecoder refuses it). Both are now left to JSONDecoder.
    func testWhatJSONDecoderDecidesOrRefusesIsLeftToIt() throws {
        let base = String(decoding: try headers(1)[0], as: UTF8.self)
        let version = try XCTUnwrap(base.range(of: #""version":[0-9]+"#, options: .regularExpression))
        let zero = base.replacingCharacters(in: version, with: "\"version\":03")
        XCTAssertNil(RecordHeaderReader.read(Array(zero.utf8)))
        XCTAssertThrowsError(try JSONDecoder().decode(RecordHeader.self, from: Data(zero.utf8)), "JSONDecoder refuses a leading zero")
        let id = try XCTUnwrap(base.range(of: #""id":"HV-[0-9]+""#, options: .regularExpression))
        let twice = base.replacingCharacters(in: id, with: "\"id\":\"HV-999999\"," + base[id])
        XCTAssertNil(RecordHeaderReader.read(Array(twice.utf8)), "a key given twice goes to JSONDecoder")
        let summaryTwice = base.replacingOccurrences(of: "\"summary\":{", with: "\"summary\":{\"stage\":\"intake\",")
        if summaryTwice.components(separatedBy: "\"stage\":").count > 2 {
            XCTAssertNil(RecordHeaderReader.read(Array(summaryTwice.utf8)), "also inside a nested object")
        }
        XCTAssertNotNil(RecordHeaderReader.read(Array(base.utf8)), "the header as written still reads")
    }
}
