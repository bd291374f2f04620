import Foundation
import HavenCore
@testable import HavenStore
import XCTest

/// A case's summary is described once (`CaseSummary`) and travels three ways: the header of
/// each log line (`StoredSummary`, read back by the fast `RecordHeaderReader` and by
/// JSONDecoder), and the binary queue index. A summary with every field filled must come back
/// whole each way, and the fixture must fill every field: a field added to the summary and
/// forgotten in one of them, or in the fixture, fails here, naming it.
final class SummaryDescriptionTests: XCTestCase {
    let day = CalendarDate(year: 2026, month: 11, day: 24)!
    var at: Timestamp { Timestamp(date: day, hour: 10) }

    /// Every field and every nested field set, none empty.
    var full: CaseSummary {
        CaseSummary(
            id: CaseID(number: 42), cyrillicName: "Жуков Артём Сергеевич", latinName: "Zhukov Artem Sergeevich", stage: .integration,
            stageEnteredAt: at, assignedTo: "anna.k", country: CountryCode("DE")!, version: CaseVersion(7),
            flags: Set(CaseFlag.allCases),
            decision: DecisionSummary(outcome: .grant, proposedBy: "anna.k", proposedAt: at, verdict: .approved, reviewedAt: at),
            allocation: AllocationSummary(country: CountryCode("DE")!, proposedBy: "anna.k", proposedAt: at, verdict: .approved, reviewedAt: at,
                                          places: [.medicalSupport]),
            integration: IntegrationSummary(
                arrivedOn: day, seats: [CourseSeat(course: "de-a2", status: .enrolled, requestedOn: day)],
                levels: [LanguageLevel(language: LanguageCode("de")!, level: .a2)],
                progress: [LevelProgress(language: LanguageCode("de")!, first: .a1, latest: .a2, latestOn: day, assessments: 2)],
                occupations: [ISCOCode("8332")!], specialty: "механик-водитель", applications: ["de-job-1"],
                employment: EmploymentSummary(openingID: "de-job-1", startedOn: day, endedOn: day.adding(days: 300),
                                              followUpMonths: 6, followUpDue: day.adding(days: 180))),
            family: [FamilyMemberSummary(id: 1, relationship: .mother, stage: .interview, nextAction: "Позвонить в посольство",
                                         due: day.adding(days: 7), linkedCase: CaseID(number: 9), highRisk: true)],
            publicity: PublicitySummary(consentGiven: day, withdrawn: day.adding(days: 3), verdict: .returned, digest: "0123456789abcdef"),
            attention: AttentionSummary(
                assignment: Assignment(by: "maria.s", at: at),
                returned: [ReturnedProposal(kind: .decision, proposedBy: "anna.k", by: "maria.s", at: at, comment: "Уточните часть")],
                mentions: [NoteMention(note: 2, author: "maria.s", at: at, users: ["anna.k"])],
                appointments: [AppointmentSummary(id: 3, kind: .exclusionInterview, at: at, minutes: 90, attendees: ["anna.k", "maria.s"])]),
            restriction: RestrictionSummary(team: ["oleh.m"]))
    }

    /// Paths of optionals that are nil and collections that are empty, through nested structs.
    func emptyFields(of value: Any, path: String = "summary") -> [String] {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else { return [path] }
            return emptyFields(of: wrapped, path: path)
        case .collection, .set, .dictionary:
            guard !mirror.children.isEmpty else { return [path] }
            return mirror.children.enumerated().flatMap { emptyFields(of: $0.element.value, path: "\(path)[\($0.offset)]") }
        case .struct:
            // Leaves that are structs of the programme's values (dates, ids) have no optional parts.
            return mirror.children.flatMap { child in emptyFields(of: child.value, path: "\(path).\(child.label ?? "?")") }
        default:
            return []
        }
    }

    func testTheFixtureFillsEveryFieldOfTheSummary() {
        XCTAssertEqual(emptyFields(of: full), [], "give these fields a value in `full`, then make each way below carry them")
    }

    func testTheLineHeaderHasEveryFieldOfTheSummary() {
        let summaryFields = Set(Mirror(reflecting: full).children.compactMap(\.label)).subtracting(["id", "version"])
        let storedFields = Set(Mirror(reflecting: StoredSummary(full)).children.compactMap(\.label))
        XCTAssertEqual(summaryFields.subtracting(storedFields), [], "in CaseSummary but not written in the line header (StoredSummary)")
        XCTAssertEqual(storedFields.subtracting(summaryFields), [], "in the line header but not in CaseSummary")
    }

    func testTheSummaryComesBackWholeFromTheLineAndTheFastReader() throws {
        let header = RecordHeader(id: full.id, version: full.version, savedBy: "anna.k", savedAt: at, auditSequence: 12,
                                  summary: StoredSummary(full))
        let bytes = Array(try CaseRecordLine.encoder.encode(header))
        let decoded = try JSONDecoder().decode(RecordHeader.self, from: Data(bytes))
        XCTAssertEqual(decoded.summary.caseSummary(id: full.id, version: full.version), full, "JSONDecoder")
        let fast = try XCTUnwrap(RecordHeaderReader.read(bytes), "the fast reader refused a header Haven wrote")
        XCTAssertEqual(fast, decoded, "the fast reader reads what JSONDecoder reads")
        XCTAssertEqual(fast.summary.caseSummary(id: full.id, version: full.version), full, "RecordHeaderReader")
    }

    /// An import makes its lines before it knows their audit numbers; the line it finishes
    /// under the lock is the very line a save would write.
    func testALineMadeBeforeItsNumberIsTheLineASaveWrites() throws {
        let record = DemoCases.generate(count: 1, today: day, countries: [CountryCode("DE")!])[0]
        for sequence in [1, 9, 10, 123_456] {
            var header = FileCaseStore.header(of: record, version: CaseVersion(1), part: 2, of: 5, by: Actor(user: "root", role: .administrator), at: at)
            let unnumbered = try CaseRecordLine.Unnumbered(caseBytes: Array(try CaseRecordLine.encoder.encode(record)), header: header)
            header.auditSequence = sequence
            XCTAssertEqual(CaseRecordLine.encode(unnumbered, sequence: sequence), try CaseRecordLine.encode(record, header: header), "\(sequence)")
        }
    }

    /// An import's audit entries are encoded before their numbers and chain are known; sealed
    /// under the lock, each is the line `AuditTrail.encode` writes but for the changes' random
    /// salts, and its seal verifies.
    func testAnEntryEncodedBeforeItsNumberIsTheLineTheTrailWrites() throws {
        let record = DemoCases.generate(count: 1, today: day, countries: [CountryCode("DE")!])[0]
        let entry = AuditEntry(sequence: 0, at: at, user: "root", caseID: record.id, version: CaseVersion(1),
                               changes: CaseDiff.changes(from: nil, to: record))
        let unsealed = try AuditTrail.Unsealed(entry)
        for (sequence, previous) in [(1, AuditTrail.genesis), (57, String(repeating: "ab", count: 32))] {
            var numbered = entry
            numbered.sequence = sequence
            let expected = try AuditTrail.encode(numbered, previousHash: previous)
            let sealed = AuditTrail.seal(unsealed, sequence: sequence, previousHash: previous)
            func unsalted(_ bytes: [UInt8]) -> String {
                String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: #""salt":"[0-9a-f]{32}""#, with: "SALT", options: .regularExpression)
                    .replacingOccurrences(of: #""seal":"[0-9a-f]{64}""#, with: "SEAL", options: .regularExpression)
            }
            XCTAssertEqual(unsalted(sealed.bytes), unsalted(expected.bytes))
            XCTAssertTrue(unsalted(sealed.bytes).contains(#","changes":[{"after":"#) && unsalted(sealed.bytes).contains("SALT"))
            XCTAssertEqual(try AuditTrail.verifiedBody(sealed.bytes.dropLast(), what: "a line").hash, sealed.hash)
        }
    }

    func testTheSummaryComesBackWholeFromTheQueueIndex() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haven-summary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let log = try PosixFile(path: scratch.appendingPathComponent("cases.jsonl").path, flags: O_RDWR | O_CREAT | O_APPEND)
        try log.write(Array(repeating: UInt8(ascii: "x"), count: 4096) + [10])
        let entry = FileCaseStore.IndexEntry(id: full.id, version: full.version, savedBy: "anna.k", savedAt: at, auditSequence: 12,
                                             offset: 0, length: 4096)
        let index = QueueIndex(stamp: try QueueIndex.stamp(of: log, coveredLength: 4097), entries: [entry], summaries: [full], problems: [])
        let read = try QueueIndex.decode(index.encoded())
        XCTAssertEqual(read.summaries, [full])
    }
}
