import Foundation
import HavenCore
@testable import HavenStore
import XCTest

/// Which exports `haven import` reads back: one made with the sensitive fields, and one whose
/// cases have no family; one that left family whereabouts out is refused with one message.
final class ImportFileTests: StoreTestCase {
    func testAnExportWithoutTheSensitiveFieldsIsRefusedNamingTheFirstCaseWithFamily() throws {
        var records = demoCases(40)
        records[0].family = [] // the demo's families link no cases, so this breaks no link
        records[1].family = []
        let first = try XCTUnwrap(records.firstIndex { !$0.family.isEmpty })
        XCTAssertGreaterThan(first, 0, "the first case has no family, so the message must find the right one")
        XCTAssertThrowsError(try StoreExport.decodeCases(Data(try StoreExport.json(records)), file: "export.json")) { error in
            XCTAssertEqual("\(error)", """
                export.json: \(records[first].id) (record \(first)) lists family members without their whereabouts, \
                country, contact or notes: the file was exported without the sensitive fields, and importing it would \
                lose where the family is. Nothing was imported. Ask an administrator to export again with \
                'haven export --include-sensitive' and import that file.
                """)
        }
        // With them, the same cases read back whole.
        XCTAssertEqual(try StoreExport.decodeCases(Data(try StoreExport.json(records, includeSensitive: true)), file: "export.json"), records)
    }

    func testAnExportWithoutTheSensitiveFieldsImportsBackWhenNoCaseHasFamily() throws {
        let store = try makeStore()
        let records = demoCases(40).map { record in
            var alone = record
            alone.family = []
            return alone
        }
        try store.importCases(records, by: admin, at: now, today: today)
        let reduced = try store.exportJSON()
        XCTAssertEqual(reduced, try store.exportJSON(includeSensitive: true), "no case has anything to leave out")
        let other = try makeStore(at: scratch.appendingPathComponent("copy"))
        try other.importCases(try StoreExport.decodeCases(Data(reduced), file: "export.json"), by: admin, at: now, today: today)
        XCTAssertEqual(try other.allCases(), records)
    }

    /// Cases are decoded one by one on every core; a file laid out otherwise (spaces, new
    /// lines) reads the same, and a bad one fails exactly as the whole-document decoder says.
    func testEachCaseDecodedApartReadsAsTheWholeDocument() throws {
        let records = demoCases(25)
        let compact = Data(try StoreExport.json(records, includeSensitive: true))
        let pretty = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: compact), options: [.prettyPrinted])
        for data in [compact, pretty, Data("  [ ]\n".utf8)] {
            let whole: [Case] = try ReferenceDataDecoder.decode(data, file: "f.json")
            XCTAssertEqual(try StoreExport.decodeCases(data, file: "f.json"), whole)
        }
        var text = String(decoding: compact, as: UTF8.self)
        text = text.replacingOccurrences(of: "\"custody\":\"ukrainian-pow\"", with: "\"custody\":\"elsewhere\"")
        for bad in [text, "[" + text, text + ",", "{}", "[{\"id\":1}]x"] {
            let data = Data(bad.utf8)
            var wholeError = "no error"
            do { let _: [Case] = try ReferenceDataDecoder.decode(data, file: "f.json") } catch { wholeError = "\(error)" }
            XCTAssertThrowsError(try StoreExport.decodeCases(data, file: "f.json")) { error in
                XCTAssertEqual("\(error)", wholeError)
            }
        }
    }
}
