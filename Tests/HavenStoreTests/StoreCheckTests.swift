import Foundation
import HavenCore
@testable import HavenStore
import XCTest

final class StoreCheckTests: StoreTestCase {
    func makeStoreWithHistory() throws {
        let store = try makeStore()
        var records = demoCases(4)
        for record in records { _ = try store.save(record, basedOn: nil, by: anna, at: now) }
        records[1].defector.birthPlace = "Омск"
        _ = try store.save(records[1], basedOn: CaseVersion(1), by: oleh, at: now)
    }

    func auditLines() throws -> [String] {
        try String(contentsOfFile: path("audit.jsonl"), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func writeAudit(_ lines: [String]) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: path("audit.jsonl"), atomically: false, encoding: .utf8)
    }

    func damage() -> [String] {
        StoreCheck.run(at: storeURL).problems.filter { $0.severity == .damaged }.map(\.description)
    }

    func testASoundStoreChecksSound() throws {
        try makeStoreWithHistory()
        let report = StoreCheck.run(at: storeURL)
        XCTAssertTrue(report.isSound, "\(report.problems)")
        XCTAssertEqual(report.caseCount, 4)
        XCTAssertEqual(report.recordCount, 5)
        XCTAssertEqual(report.auditEntryCount, 5)
    }

    func testTheAuditEntryOfAChangeNamesEachFieldBeforeAndAfter() throws {
        try makeStoreWithHistory()
        let last = try JSONDecoder().decode(AuditTrail.Line.self, from: Data(try auditLines()[4].utf8))
        XCTAssertEqual(last.user, "oleh.m")
        XCTAssertEqual(last.version, CaseVersion(2))
        XCTAssertEqual(last.changes.map(\.field), ["defector.birthPlace"])
        XCTAssertEqual(last.changes.first?.after, "\"Омск\"")
        let first = try JSONDecoder().decode(AuditTrail.Line.self, from: Data(try auditLines()[0].utf8))
        XCTAssertEqual(first.changes.map(\.field), ["case"], "a new case is one change holding the record")
    }

    func testAnEditedAuditEntryIsDetected() throws {
        try makeStoreWithHistory()
        var lines = try auditLines()
        lines[4] = lines[4].replacingOccurrences(of: "oleh.m", with: "anna.k")
        try writeAudit(lines)
        XCTAssertEqual(damage().count, 1)
        XCTAssertTrue(damage()[0].contains("audit.jsonl, line 5: the entry's hash does not match its contents: it was edited"), damage()[0])
    }

    func testAnInsertedAuditEntryIsDetected() throws {
        try makeStoreWithHistory()
        var lines = try auditLines()
        lines.insert(lines[2], at: 3)
        try writeAudit(lines)
        XCTAssertTrue(damage().contains { $0.contains("line 4: the entry does not follow the one before it") }, "\(damage())")
    }

    func testADeletedAuditEntryIsDetected() throws {
        try makeStoreWithHistory()
        var lines = try auditLines()
        lines.remove(at: 2)
        try writeAudit(lines)
        XCTAssertTrue(damage().contains { $0.contains("line 3: the entry does not follow the one before it") }, "\(damage())")
        XCTAssertTrue(damage().contains { $0.contains("entry 3: missing: the save of HV-000003 v1 has no audit entry") }, "\(damage())")
    }

    func testDeletingTheLastAuditEntryIsDetected() throws {
        try makeStoreWithHistory()
        try writeAudit(Array(try auditLines().dropLast()))
        XCTAssertEqual(damage(), ["damaged: \(path("audit.jsonl")), entry 5: missing: the save of HV-000002 v2 has no audit entry (deleted, or a crash before it was written)"])
    }

    func testAForeignFileAndAWorldReadableFileAreListed() throws {
        try makeStoreWithHistory()
        XCTAssertTrue(FileManager.default.createFile(atPath: path("notes.txt"), contents: Data("x".utf8)))
        chmod(path("cases.jsonl"), 0o644)
        let problems = damage()
        XCTAssertTrue(problems.contains { $0.contains("notes.txt: a file that is not part of a Haven store") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("cases.jsonl can be read by every user") }, "\(problems)")
    }

    func testATruncatedLogIsNamedAndTheRestKept() throws {
        try makeStoreWithHistory()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl")))
        try bytes.prefix(bytes.count - 40).write(to: URL(fileURLWithPath: path("cases.jsonl")))
        XCTAssertTrue(damage().contains { $0.contains("the last line is incomplete (a torn write)") }, "\(damage())")
        let store = try FileCaseStore(at: storeURL)
        XCTAssertEqual(try store.summaries().count, 4, "HV-000002 is back at version 1; nothing else is lost")
        XCTAssertEqual(try store.load(CaseID(number: 2)).version, CaseVersion(1))
    }

    func testImportIsAllOrNothing() throws {
        let store = try makeStore()
        var records = demoCases(10)
        records[7].defector.latinName.family = ""
        records[9].id = records[3].id
        XCTAssertThrowsError(try store.importCases(records, by: admin, at: now, today: today)) { error in
            XCTAssertEqual("\(error)", """
                nothing was imported: 2 problems:
                  record 7, defector.latinName.family: Enter the family name in Latin letters.
                  record 9, id: HV-000004 is also record 3
                """)
        }
        XCTAssertEqual(try store.summaries().count, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl"))).count, 0, "not one line written")
        try store.importCases(Array(records.prefix(5)), by: admin, at: now, today: today)
        XCTAssertThrowsError(try store.importCases(Array(records.prefix(1)), by: admin, at: now, today: today)) { error in
            XCTAssertTrue("\(error)".contains("record 0, id: HV-000001 is already in the store"), "\(error)")
        }
    }

    func testExportThenImportReproducesEveryCase() throws {
        let store = try makeStore()
        let records = demoCases(200)
        try store.importCases(records, by: admin, at: now, today: today)
        let exported = try StoreExport.json(try store.allCases(), includeSensitive: true)
        let other = try makeStore(at: scratch.appendingPathComponent("copy"))
        try other.importCases(try StoreExport.decodeCases(Data(exported), file: "export.json"), by: admin, at: now, today: today)
        XCTAssertEqual(try other.allCases(), records)
        XCTAssertEqual(try StoreExport.json(try other.allCases(), includeSensitive: true), exported)
        XCTAssertEqual(try other.exportJSON(includeSensitive: true), exported, "the raw copy from the log is the same document")
        // Without the sensitive fields: the same document less them, and import refuses it by name.
        let reduced = try other.exportJSON()
        XCTAssertEqual(reduced, try StoreExport.json(try other.allCases()))
        let text = String(decoding: reduced, as: UTF8.self)
        // Keys only family members have (a case has its own notes and country).
        for field in [SensitiveField.whereabouts, .contactIsSafe, .contactChannel] {
            XCTAssertFalse(text.contains("\"\(field.rawValue)\""), "\(field) in the export")
        }
        for member in records.flatMap(\.family) where !member.contactChannel.isEmpty {
            XCTAssertFalse(text.contains(member.contactChannel), member.contactChannel)
        }
        XCTAssertTrue(records.contains { !$0.family.isEmpty })
        XCTAssertThrowsError(try StoreExport.decodeCases(Data(reduced), file: "export.json")) { error in
            XCTAssertTrue("\(error)".contains("exported without the sensitive fields"), "\(error)")
        }
    }

    func testCSVQuotesAndDefusesFormulas() {
        XCTAssertEqual(CSV.field("Жуков"), "Жуков")
        XCTAssertEqual(CSV.field("4-я гв., танковая"), "\"4-я гв., танковая\"")
        XCTAssertEqual(CSV.field("say \"no\""), "\"say \"\"no\"\"\"")
        XCTAssertEqual(CSV.field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"")
        XCTAssertEqual(CSV.field("-5"), "-5")
        // The quick look at the bytes and the long way agree: a mark joined to = or a comma
        // makes another character, which is neither defused nor quoted.
        XCTAssertEqual(CSV.field("+7 900"), "'+7 900")
        XCTAssertEqual(CSV.field("@home"), "'@home")
        XCTAssertEqual(CSV.field("-x"), "'-x")
        XCTAssertEqual(CSV.field("=\u{301}x"), "=\u{301}x")
        XCTAssertEqual(CSV.field("a,\u{301}b"), "a,\u{301}b")
        XCTAssertEqual(CSV.field("a\rb"), "\"a\rb\"")
        XCTAssertEqual(CSV.field(""), "")
        var record = demoCases(1)[0]
        record.defector.birthPlace = "Line\nbreak"
        let text = String(decoding: StoreExport.csv([record]), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("\u{FEFF}id,stage,"))
        XCTAssertEqual(text.components(separatedBy: "\r\n").count, 3, "header, one row, and the final empty piece")
        XCTAssertTrue(text.contains(",\"Line\nbreak\","))
    }
}
