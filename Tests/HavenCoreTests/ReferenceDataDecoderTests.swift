import Foundation
import HavenCore
import XCTest

final class ReferenceDataDecoderTests: XCTestCase {
    func countries(_ text: String) throws(ReferenceDataError) -> [HostCountry] {
        try ReferenceDataDecoder.countries(from: Data(text.utf8), file: "countries.json")
    }

    func assertError(_ text: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try countries(text), file: file, line: line) { error in
            XCTAssertEqual("\(error)", expected, file: file, line: line)
        }
    }

    func testGoodCountriesDecode() throws {
        let list = try countries(#"[{"code": "GB", "name": "United Kingdom", "languages": ["en"], "quota": 6000}]"#)
        XCTAssertEqual(list, [HostCountry(code: CountryCode("GB")!, name: "United Kingdom", languages: [LanguageCode("en")!])])
    }

    func testSyntaxErrorsNameLineAndColumn() {
        assertError("[\n  {\"code\": \"GB\", \"name\": \"UK\",, \"languages\": [\"en\"], \"quota\": 1}\n]",
                    "countries.json, line 2, column 31: not valid JSON: expected a quoted key in the object")
        assertError("[\n  {\"code\": \"GB\"", "countries.json, line 2, column 16: not valid JSON: the text ends inside an object (missing '}')")
        assertError("", "countries.json, line 1, column 1: not valid JSON: the text ends where a value was expected")
        assertError("[{\"name\": \"Ðа\u{1}\"}]", "countries.json, line 1, column 14: not valid JSON: a control character inside a string (line breaks must be written \\n)")
    }

    func testWrongTypesNameThePathAndPosition() {
        assertError("""
            [
              {"code": "GB", "name": "United Kingdom", "languages": ["en"], "quota": 6000},
              {"code": "FR", "name": "France", "languages": ["fr"], "quota": "6000"}
            ]
            """, "countries.json, line 3, column 66 (at [1].quota): expected a whole number; found text")
        assertError(#"[{"code": "GB", "name": "UK", "languages": ["en"]}]"#,
                    "countries.json, line 1, column 2 (at [0]): the field \"quota\" is missing")
        assertError(#"{"code": "GB"}"#, "countries.json, line 1, column 1: expected a list [...]; found an object {...}")
        assertError(#"[{"code": "gb", "name": "UK", "languages": ["en"], "quota": 1}]"#,
                    "countries.json, line 1, column 11 (at [0].code): 'gb' is not an ISO 3166-1 alpha-2 code (two capital letters)")
    }

    func testRulesBeyondTypesAreChecked() {
        assertError("[]", "countries.json, line 1, column 1: the list of host countries is empty")
        assertError(#"[{"code": "GB", "name": "UK", "languages": ["en"], "quota": -1}]"#,
                    "countries.json, line 1, column 61 (at [0].quota): the quota of GB is -1; a quota cannot be negative")
        assertError("""
            [{"code": "GB", "name": "UK", "languages": ["en"], "quota": 1},
             {"code": "GB", "name": "Britain", "languages": ["en"], "quota": 1}]
            """, "countries.json, line 2, column 11 (at [1].code): the country code GB appears twice")
        assertError(#"[{"code": "GB", "name": " ", "languages": [], "quota": 1}]"#,
                    "countries.json, line 1, column 25 (at [0].name): the country GB has no name")
    }

    func testOccupationsMustReferToKnownUnitGroups() {
        let text = """
            {"unitGroups": [{"code": "8332", "title": "Heavy truck and lorry drivers"}],
             "specialties": [{"code": "military-driver", "name": "Driver", "russianName": "водитель", "occupations": ["8332", "7231"]}]}
            """
        XCTAssertThrowsError(try ReferenceDataDecoder.occupations(from: Data(text.utf8), file: "occupations.json")) { error in
            XCTAssertEqual("\(error)", "occupations.json, line 2, column 115 (at specialties[0].occupations[1]): the specialty 'military-driver' names ISCO-08 unit group 7231, which is not in unitGroups")
        }
        let bad = text.replacingOccurrences(of: "\"8332\", \"7231\"", with: "\"833\"")
        XCTAssertThrowsError(try ReferenceDataDecoder.occupations(from: Data(bad.utf8), file: "occupations.json")) { error in
            XCTAssertTrue("\(error)".hasSuffix("(at specialties[0].occupations[0]): '833' is not an ISCO-08 unit group (four digits)"), "\(error)")
        }
    }

    func testPositionsCountCharactersNotBytes() {
        let bytes = Array("{\"имя\": [1, x]}".utf8)
        XCTAssertEqual(JSONPosition.syntaxError(in: bytes)?.position, JSONPosition(line: 1, column: 13))
        XCTAssertEqual(JSONPosition.position(of: [.key("имя"), .index(1)], in: Array("{\"имя\": [1, 2]}".utf8)),
                       JSONPosition(line: 1, column: 13))
    }

    func testDeepNestingIsRefusedNotCrashed() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let result = JSONPosition.syntaxError(in: Array(deep.utf8))
        XCTAssertEqual(result?.message, "nesting deeper than 512 levels")
    }
}
