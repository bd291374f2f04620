import Foundation
@testable import HavenCore
import XCTest

/// Dates, times and checked strings are read as bytes (the store reads hundreds of thousands
/// when it opens or imports); they accept exactly what the character-by-character readers
/// they replaced accepted, kept here as the reference.
final class ValueParsingTests: XCTestCase {
    static func referenceDate(_ text: String) -> CalendarDate? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        return CalendarDate(year: y, month: m, day: d)
    }

    static func referenceCaseID(_ text: String) -> Int? {
        guard text.hasPrefix("HV-"), text.utf8.count >= 9, text.utf8.count <= 21,
              text.utf8.dropFirst(3).allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let number = Int(text.dropFirst(3)) else { return nil }
        return number
    }

    static func referenceUserName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && text.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic
            || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) })
    }

    let awkward = ["", "2026-11-24", "2026-02-29", "2024-02-29", "0000-01-01", "9999-12-31", "2026-1-24", "2026-11-4", "20261124",
                   "2026/11/24", "2026-11-24 ", " 2026-11-24", "2026-11-2\u{301}", "２０２６-11-24", "2026-13-01", "2026-00-10",
                   "2026-11-31", "-026-11-24", "2026--1-24", "2026-11-24T10:00:00Z", "HV-000123", "HV-123456789012345678",
                   "HV-1234567890123456789", "HV-00012", "hv-000123", "HV-\u{301}000123", "HV-000123\u{301}", "HV-00012a",
                   "anna.k", "Anna_K-2", "anna k", "аnna", "a\u{301}", String(repeating: "a", count: 64), String(repeating: "a", count: 65),
                   "GB", "gb", "G", "GBR", "Gé", "de", "D", "8332", "833", "83a2", "８３３２"]

    func testDatesReadAsTheCharacterReaderReadThem() {
        for text in awkward { XCTAssertEqual(CalendarDate(iso: text), Self.referenceDate(text), text) }
    }

    func testTimesReadAsBefore() {
        XCTAssertEqual(Timestamp(iso: "2026-11-24T10:05:09Z")?.description, "2026-11-24T10:05:09Z")
        for text in ["2026-11-24T24:00:00Z", "2026-11-24T10:60:00Z", "2026-11-24T10:05:09", "2026-11-24 10:05:09Z",
                     "2026-02-30T10:05:09Z", "2026-11-24T1\u{301}:05:09Z", "2026-11-24t10:05:09Z", ""] {
            XCTAssertNil(Timestamp(iso: text), text)
        }
    }

    func testCheckedStringsAcceptWhatTheyAcceptedBefore() {
        for text in awkward {
            XCTAssertEqual(CaseID(text)?.number, Self.referenceCaseID(text), text)
            XCTAssertEqual(UserName(text) != nil, Self.referenceUserName(text), text)
            XCTAssertEqual(CountryCode(text) != nil, text.unicodeScalars.count == 2 && text.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) }, text)
            XCTAssertEqual(LanguageCode(text) != nil, text.unicodeScalars.count == 2 && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) }, text)
            XCTAssertEqual(ISCOCode(text) != nil, text.unicodeScalars.count == 4 && text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }, text)
        }
    }

    func testDatesAndTimesAreWrittenAsBefore() {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        for days in stride(from: -800_000, through: 3_000_000, by: 997) + [-719_162, -719_163, 0, 2_932_896, 2_932_897] {
            let date = CalendarDate(daysSinceEpoch: days)
            XCTAssertEqual(date.description, "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))", "\(days)")
            for seconds in [0, 1, 59, 3_599, 43_261, 86_399] {
                let time = Timestamp(secondsSinceEpoch: Int64(days) * 86_400 + Int64(seconds))
                XCTAssertEqual(time.description, "\(date)T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))Z")
            }
        }
    }
}
