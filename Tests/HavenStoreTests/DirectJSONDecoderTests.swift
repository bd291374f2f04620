import Foundation
import HavenCore
@testable import HavenStore
import XCTest

/// `DirectJSONDecoder` gives the value JSONDecoder gives, or leaves the bytes to JSONDecoder:
/// never another value.
final class DirectJSONDecoderTests: XCTestCase {
    let today = CalendarDate(year: 2026, month: 11, day: 24)!

    func direct<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        try bytes.withUnsafeBufferPointer { try DirectJSONDecoder.decode(T.self, from: $0) }
    }

    /// Either the same value as JSONDecoder, or `Unsupported`; `expectDirect` when it must decode itself.
    func assertAgrees<T: Decodable & Equatable>(_ type: T.Type, _ text: String, expectDirect: Bool = false,
                                                file: StaticString = #filePath, line: UInt = #line) {
        let bytes = Array(text.utf8)
        let expected = try? JSONDecoder().decode(T.self, from: Data(bytes))
        do {
            let value = try direct(T.self, bytes)
            XCTAssertEqual(value, expected, "\(text)", file: file, line: line)
        } catch {
            XCTAssertTrue(error is DirectJSONDecoder.Unsupported, "\(error)", file: file, line: line)
            XCTAssertFalse(expectDirect, "left to JSONDecoder: \(text)", file: file, line: line)
        }
    }

    func testDemoCasesDecodeItselfToWhatJSONDecoderGives() throws {
        let reference = try ReferenceDataLoader.builtIn()
        var records = DemoCases.generate(count: 1500, today: today, countries: reference.countries.map(\.code),
                                         occupations: reference.occupations)
        let courses = DemoIntegration.courses(countries: reference.countries, integrationCases: records.count { $0.stage == .integration })
        DemoIntegration.fill(&records, courses: courses, openings: DemoIntegration.openings(countries: reference.countries, today: today),
                             today: today)
        records[3].defector.birthPlace = "Line\nbreak \"quoted\" \\ \u{1} é 👍🏽 \u{2028}"
        if let index = records.firstIndex(where: { !$0.family.isEmpty }) { records[index].family[0].notes = "{\"whereabouts\": [1, 2]}" }
        for record in records {
            let compact = try CaseRecordLine.writer.encode(record)
            XCTAssertEqual(try direct(Case.self, compact), record, "\(record.id)")
            let pretty = Array(try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: Data(compact)),
                                                          options: [.prettyPrinted]))
            XCTAssertEqual(try direct(Case.self, pretty), record, "\(record.id), laid out with spaces and new lines")
        }
    }

    func testNumbersStringsAndOddInputAgreeOrAreLeftToJSONDecoder() {
        for text in ["0", "-1", "42", "9223372036854775807", "-0", "007", "1.0", "1e2", "1.", ".5", "+1", "1 ", " 2", "\"3\"", "null", "[]"] {
            assertAgrees(Int.self, text)
        }
        assertAgrees(Int.self, "12", expectDirect: true)
        for text in ["0", "0.5", "-2.25", "1e-7", "1E+21", "1.", ".5", "01", "1e", "-", "1.0e5", "123456789.125", "1e400"] {
            assertAgrees(Double.self, text)
        }
        assertAgrees(Double.self, "0.1", expectDirect: true)
        for text in ["\"plain\"", "\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\udc4d\"", "\"\\ud800\"", "\"tab\there\"", "\"\\x\"", "\"open"] {
            assertAgrees(String.self, text)
        }
        assertAgrees(String.self, "\"Владимир\"", expectDirect: true)
        XCTAssertThrowsError(try direct(String.self, [0x22, 0xFF, 0xFE, 0x22]), "bytes that are not UTF-8")
        assertAgrees([String: Int].self, "{\"a\": 1, \"b\": 2}", expectDirect: true)
        assertAgrees([String: Int].self, "{\"a\": 1, \"a\": 2}")
        assertAgrees([String: Int].self, "{\"\\u0061\": 1}")
        assertAgrees([Int?].self, "[1, null, 3]", expectDirect: true)
        assertAgrees([Bool].self, "[true, false]", expectDirect: true)
        assertAgrees([Bool].self, "[true, fals]")
        assertAgrees(CaseID.self, "\"HV-000001\"", expectDirect: true)
        assertAgrees(CaseID.self, "\"HV-1\"")
        assertAgrees(CalendarDate.self, "\"2026-02-30\"")
        assertAgrees(CaseStage.self, "\"nowhere\"")
        assertAgrees([Int].self, "[1, 2,]")
        assertAgrees([Int].self, "[1, 2] x")
    }

    /// Bytes JSONDecoder refuses are refused however deep, in whatever field (found in review):
    /// a bad escape or bytes that are not UTF-8 in a field no one reads, or in a key.
    func testWhatJSONDecoderRefusesAnywhereIsNeverDecoded() {
        struct Small: Decodable, Equatable { var a: Int }
        let refused: [[UInt8]] = [
            Array(#"{"a": 1, "other": "\u12"}"#.utf8),
            Array(#"{"a": 1, "other": {"deep": ["\u00"]}}"#.utf8),
            Array(#"{"a": 1, "other": "\q"}"#.utf8),
            Array(#"{"a": 1, ""#.utf8) + [0xC3, 0x28] + Array(#"": 2}"#.utf8),
            Array(#"{"a": 1, "other": ""#.utf8) + [0xFF] + Array(#""}"#.utf8),
        ]
        var refusedByFoundation = 0
        for bytes in refused {
            if let value = try? JSONDecoder().decode(Small.self, from: Data(bytes)) {
                // Foundation reads lazily and lets some pass: the direct decoder may leave them to it, never differ.
                if let direct = try? direct(Small.self, bytes) { XCTAssertEqual(direct, value) }
            } else {
                refusedByFoundation += 1
                XCTAssertThrowsError(try direct(Small.self, bytes), "the direct decoder refuses it too: \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        XCTAssertEqual(refusedByFoundation, 3, "a short \\u escape twice, and a key that is not UTF-8")
        assertAgrees(Small.self, #"{"a": 1, "other": "\u00e9 Владимир \n"}"#, expectDirect: true)
    }

    /// An error the value's own code would catch still sends the bytes to JSONDecoder.
    func testAnErrorCaughtInsideStillLeavesTheBytesToJSONDecoder() {
        struct Lenient: Decodable, Equatable {
            var number: Int
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKey.self)
                number = (try? c.decode(Int.self, forKey: .number)) ?? -1
            }
            enum CodingKey: String, Swift.CodingKey { case number }
        }
        XCTAssertThrowsError(try direct(Lenient.self, Array("{\"number\": 1.0}".utf8))) { error in
            XCTAssertTrue(error is DirectJSONDecoder.Unsupported, "\(error)")
        }
        XCTAssertEqual(try direct(Lenient.self, Array("{\"number\": 7}".utf8)), try JSONDecoder().decode(Lenient.self, from: Data("{\"number\": 7}".utf8)))
    }
}
