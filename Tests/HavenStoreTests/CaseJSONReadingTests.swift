import Foundation
import HavenCore
@testable import HavenStore
import XCTest

/// What the export and the import read out of a case's bytes, without decoding it, is what
/// decoding and encoding it would give.
final class CaseJSONReadingTests: XCTestCase {
    let today = CalendarDate(year: 2026, month: 11, day: 24)!

    /// Demo cases of every stage with integration, and a family whose sensitive fields hold
    /// everything that could trip a reader of bytes: their own key names, quotes, braces,
    /// brackets, backslashes, escapes, Cyrillic.
    func awkwardCases(_ count: Int) throws -> [Case] {
        let reference = try ReferenceDataLoader.builtIn()
        var records = DemoCases.generate(count: count, today: today, countries: reference.countries.map(\.code),
                                         occupations: reference.occupations)
        let courses = DemoIntegration.courses(countries: reference.countries, integrationCases: records.count { $0.stage == .integration })
        DemoIntegration.fill(&records, courses: courses, openings: DemoIntegration.openings(countries: reference.countries, today: today),
                             today: today)
        for index in stride(from: 0, to: records.count, by: 7) where !records[index].family.isEmpty {
            records[index].family[0].notes = #"said "whereabouts":"russia", {"country":"BY"} [1,2] \ and \"notes\":"#
            records[index].family[0].contactChannel = "Signal: +7 900 {000} \"Мама\"\n\tthen \\u0041"
            records[index].family[0].country = CountryCode("PL")
            records[index].family[0].whereabouts = .thirdCountry
            records[index].family[0].nextAction = #"ask about "notes" and "country""#
            records[index].notes.append(Note(author: "anna.k", at: Timestamp(date: today), text: #"{"family":[{"whereabouts":"x"}]}"#))
        }
        return records
    }

    func testCuttingTheSensitiveFieldsOutOfTheBytesWritesWhatTheEncoderWrites() throws {
        let records = try awkwardCases(1200)
        XCTAssertGreaterThan(records.count { !$0.family.isEmpty }, 500)
        for record in records {
            let bytes = try CaseRecordLine.writer.encode(record)
            var cut: [UInt8] = []
            XCTAssertTrue(bytes.withUnsafeBufferPointer { CaseJSON.appendWithoutSensitiveFields($0, to: &cut) }, "\(record.id)")
            let expected = try StoreExport.withoutSensitive.encode(record)
            XCTAssertEqual(String(decoding: cut, as: UTF8.self), String(decoding: expected, as: UTF8.self))
        }
    }

    func testANewCasesAuditChangesAreTheCaseDiff() throws {
        for record in try awkwardCases(400) {
            let bytes = try CaseRecordLine.writer.encode(record)
            XCTAssertEqual(try FileCaseStore.newCaseChanges(record, caseBytes: bytes), CaseDiff.changes(from: nil, to: record))
        }
    }

    func testCSVFieldsReadFromTheBytesMakeTheRowOfTheDecodedCase() throws {
        var records = try awkwardCases(600)
        records[1].defector.birthDate = nil
        records[1].defector.service.specialty = nil
        records[1].defector.crossing.date = nil
        records[2].defector.birthPlace = "=cmd|' /C calc'!A0, \"quoted\"\nnext"
        records[3].defector.latinName.family = "O'Brien-\\Smith\u{1}"
        for record in records {
            let bytes = try CaseRecordLine.writer.encode(record)
            let fields = try XCTUnwrap(bytes.withUnsafeBufferPointer { CaseJSON.csvFields($0) }, "\(record.id)")
            let summary = CaseSummary(record: record, version: CaseVersion(1))
            XCTAssertEqual(StoreExport.csvRow(id: record.id, summary: summary, fields: fields), StoreExport.csvRow(record))
        }
    }

    /// Bytes not laid out as the encoder writes them are left to the decoder (the caller's
    /// fallback), never half read.
    func testBytesNotAsTheEncoderWritesThemAreLeftToTheDecoder() {
        for text in ["", "{", "[]", #"{"family":5}"#, #"{"family":[1]}"#, #"{ "family": [] }"#, #"{"family":[{"notes":"x"}"#,
                     #"{"family":[{"notes":"x"}]} "#, #"{"family":[{"notes":"x}]}"#, #"{"family":[{"notes":"x"},]}"#] {
            var output: [UInt8] = Array("kept".utf8)
            XCTAssertFalse(Array(text.utf8).withUnsafeBufferPointer { CaseJSON.appendWithoutSensitiveFields($0, to: &output) }, text)
            XCTAssertEqual(output, Array("kept".utf8), "nothing appended for \(text)")
            XCTAssertNil(Array(text.utf8).withUnsafeBufferPointer { CaseJSON.csvFields($0) }, text)
        }
        var output: [UInt8] = []
        XCTAssertTrue(Array(#"{"family":[],"id":"HV-000001"}"#.utf8).withUnsafeBufferPointer { CaseJSON.appendWithoutSensitiveFields($0, to: &output) })
        XCTAssertEqual(String(decoding: output, as: UTF8.self), #"{"family":[],"id":"HV-000001"}"#)
    }
}
