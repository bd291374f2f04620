import Foundation
import HavenCore
@testable import HavenStore
import XCTest

/// `SortedJSONEncoder` writes every byte as `JSONEncoder` with sorted keys and unescaped slashes
/// does: the log, the exports and the trail depend on it.
final class SortedJSONEncoderTests: XCTestCase {
    let today = CalendarDate(year: 2026, month: 11, day: 24)!

    func assertSame<T: Encodable>(_ value: T, leavingOutSensitive: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = Array(try SortedJSONEncoder.foundation(leavingOutSensitive: leavingOutSensitive).encode(value))
        var written: [UInt8] = []
        // Written by itself, not handed to JSONEncoder (which would agree with itself).
        try SortedJSONEncoder(leavingOutSensitive: leavingOutSensitive).encodeItself(value, appendingTo: &written)
        XCTAssertEqual(String(decoding: written, as: UTF8.self), String(decoding: expected, as: UTF8.self), file: file, line: line)
    }

    /// Demo cases of every stage, with family, integration, publicity, and their record headers
    /// and new-case audit entries.
    func testDemoCasesHeadersAndAuditEntriesAreWrittenAsJSONEncoderWritesThem() throws {
        let reference = try ReferenceDataLoader.builtIn()
        var records = DemoCases.generate(count: 1500, today: today, countries: reference.countries.map(\.code),
                                         occupations: reference.occupations)
        let courses = DemoIntegration.courses(countries: reference.countries, integrationCases: records.count { $0.stage == .integration })
        DemoIntegration.fill(&records, courses: courses, openings: DemoIntegration.openings(countries: reference.countries, today: today),
                             today: today)
        XCTAssertTrue(records.contains { !$0.family.isEmpty && !$0.integration.enrolments.isEmpty })
        for (number, record) in records.enumerated() {
            try assertSame(record)
            try assertSame(record, leavingOutSensitive: true)
            let header = FileCaseStore.header(of: record, version: CaseVersion(3), part: number, of: records.count,
                                              by: Actor(user: "anna.k", role: .caseworker), at: Timestamp(date: today, hour: 9))
            try assertSame(header)
            let entry = AuditEntry(sequence: number + 1, at: Timestamp(date: today), user: "anna.k", caseID: record.id,
                                   version: CaseVersion(1), changes: CaseDiff.changes(from: nil, to: record))
            try assertSame(AuditTrail.Line(entry, previousHash: AuditTrail.genesis))
        }
    }

    func testEveryAwkwardCharacterIsEscapedAsJSONEncoderEscapesIt() throws {
        var text = (0..<0x80).map { String(UnicodeScalar(UInt8($0))) }.joined()
        text += "/\\\"\u{2028}\u{2029}\u{FEFF}\u{7F}é✓👍🏽e\u{301}Владимир 漢字 \u{10FFFF}"
        try assertSame(text)
        try assertSame(["key": text, "": "", "a/b": "\\"])
        try assertSame([text, "", "\"", "\\\\"])
        var record = DemoCases.generate(count: 1, today: today, countries: [CountryCode("GB")!])[0]
        record.defector.birthPlace = text
        record.notes.append(Note(author: "anna.k", at: Timestamp(date: today), text: "line one\nline two\t\"quoted\" {braces} [and] \\"))
        try assertSame(record)
    }

    func testNumbersBooleansNullsAndEmptyContainers() throws {
        try assertSame([0, 1, -1, 9, 10, 99, 100, Int.max, Int.min, 1_234_567_890])
        try assertSame([Int8.min, Int8.max])
        try assertSame([UInt64.max, 0])
        try assertSame([true, false])
        try assertSame([nil, "x", nil] as [String?])
        try assertSame([[Int]]())
        try assertSame([[Int](), [1], []])
        try assertSame([String: Int]())
        try assertSame(["b": [String: Int](), "a": ["z": 1, "y": 2]])
        try assertSame([0.0, -0.0, 0.5, 1, -2.25, 1e-7, 1.5e-5, 0.1, 1.0 / 3, 123456789.125, 1e15, 1e16, 1e21, 1e300, 5e-324,
                        Double.greatestFiniteMagnitude, 2.5, 7.0, -7.0, 100])
    }

    func testKeysSortByteByByteAsJSONEncoderSortsThem() throws {
        try assertSame(["a10": 1, "a9": 2, "B": 3, "a": 4, "b": 5, "_x": 6, "Z": 7, "aB": 8, "ab": 9, "aC": 10, "a_": 11, "a-": 12])
        try assertSame([10: "ten", 9: "nine", -1: "minus one", 100: "hundred"])
    }

    func assertLeftToJSONEncoder<T: Encodable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) throws {
        var bytes: [UInt8] = []
        XCTAssertThrowsError(try SortedJSONEncoder().encodeItself(value, appendingTo: &bytes), file: file, line: line) { error in
            XCTAssertTrue(error is SortedJSONEncoder.Unsupported, "\(error)", file: file, line: line)
        }
        XCTAssertEqual(bytes, [], file: file, line: line)
        XCTAssertEqual(try SortedJSONEncoder().encode(value), Array(try SortedJSONEncoder.foundation(leavingOutSensitive: false).encode(value)),
                       file: file, line: line)
    }

    /// Values it leaves to JSONEncoder come out exactly as JSONEncoder writes them.
    func testWhatItDoesNotWriteItselfIsWrittenByJSONEncoder() throws {
        struct Nested: Encodable {
            var date = Date(timeIntervalSince1970: 1_000_000)
            var url = URL(string: "https://example.org/a/b")!
            var data = Data([1, 2, 3])
            var float: Float = 0.1
            func encode(to encoder: any Encoder) throws {
                enum Keys: String, CodingKey { case date, url, data, float, inner }
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode(date, forKey: .date)
                try c.encode(url, forKey: .url)
                try c.encode(data, forKey: .data)
                try c.encode(float, forKey: .float)
                var inner = c.nestedContainer(keyedBy: Keys.self, forKey: .inner)
                try inner.encode("x", forKey: .url)
            }
        }
        try assertLeftToJSONEncoder(Nested())
        try assertLeftToJSONEncoder(["when": Date(timeIntervalSince1970: 12.5)])
        try assertLeftToJSONEncoder(["x": Decimal(string: "1.10")!])
        try assertLeftToJSONEncoder(["é": 1, "e": 2])
        try assertLeftToJSONEncoder(["tab\there": 5, "quote\"": 6])
        XCTAssertThrowsError(try SortedJSONEncoder().encode([Double.nan]))
    }
}
