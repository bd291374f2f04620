import Foundation
import Synchronization
import HavenCore
@testable import HavenStore
import XCTest

final class IntegrationStoreTests: StoreTestCase {
    let countries = [HostCountry(code: CountryCode("DE")!, name: "Germany", languages: [LanguageCode("de")!])]
    var course: LanguageCourse {
        LanguageCourse(id: "de-leipzig-a2", provider: "VHS Leipzig", language: LanguageCode("de")!, targetLevel: .a2,
                       country: CountryCode("DE")!, city: "Leipzig", schedule: "Mon-Fri 9-13", capacity: 2)
    }

    /// `count` cases in Integration in Germany, assigned to anna.
    func arrived(_ count: Int) -> [Case] { arrivedInGermany(demoCases(count)) }

    func testTheHeaderCarriesIntegrationAndReadsBackWithoutFullRecords() throws {
        let store = try makeStore()
        store.referenceCountries = countries
        _ = try store.changeCatalogue(CatalogueChange.add([course]), by: admin, at: now)
        var record = arrived(1)[0]
        record = try Workflow.enrol(record, in: course, roster: CourseRoster(course: course, summaries: []), by: anna, at: now)
        record = try Workflow.recordAssessment(LanguageAssessment(language: LanguageCode("de")!, level: .a2, assessedOn: today), on: record, by: anna, at: now)
        record = try Workflow.place(JobPlacement(openingID: "de-1", employer: "Spedition Müller", occupation: ISCOCode("8332"), startDate: today,
                                                 contract: .permanent), on: record, by: anna, at: now)
        _ = try store.save(record, basedOn: nil, by: anna, at: now)
        let expected = CaseSummary(record: record, version: CaseVersion(1)).integration
        XCTAssertNotNil(expected?.employment?.followUpDue)
        // The fast header reader and JSONDecoder agree on what was written.
        let reopened = try FileCaseStore(at: storeURL)
        XCTAssertEqual(try reopened.summaries().first?.integration, expected)
        let line = try String(contentsOf: storeURL.appendingPathComponent(FileCaseStore.casesFile), encoding: .utf8)
        XCTAssertTrue(line.contains("\"followUpDue\":\"\(today.adding(months: 3))\""))
        // The fast reader takes the header itself (no fallback), as JSONDecoder reads it.
        let header = RecordHeader(id: record.id, version: CaseVersion(1), savedBy: anna.user, savedAt: now, auditSequence: 1,
                                  summary: StoredSummary(record))
        let bytes = Array(try CaseRecordLine.encoder.encode(header))
        XCTAssertEqual(RecordHeaderReader.read(bytes), header)
        XCTAssertEqual(try JSONDecoder().decode(RecordHeader.self, from: Data(bytes)), header)
        XCTAssertEqual(try reopened.catalogue(of: LanguageCourse.self), [course])
        XCTAssertEqual(CourseRoster(course: course, summaries: try reopened.summaries()).enrolled.map(\.id), [record.id])
    }

    func testSessionsEnrollingAtOnceNeverOverfillACourse() throws {
        let store = try makeStore()
        store.referenceCountries = countries
        _ = try store.changeCatalogue(CatalogueChange.add([course]), by: admin, at: now)
        for record in arrived(6) { _ = try store.save(record, basedOn: nil, by: anna, at: now) }
        // Six sessions each saw two free seats and enrol their case at once: two are saved,
        // four refused, each told the course is full and to enrol again for the waiting list.
        let outcomes = Mutex<[String]>([])
        let (url, countries, anna, now, course) = (storeURL, countries, anna, now, course)
        let empty = CourseRoster(course: course, summaries: [])
        DispatchQueue.concurrentPerform(iterations: 6) { index in
            do {
                let session = try FileCaseStore(at: url)
                session.referenceCountries = countries
                let stored = try session.load(CaseID(number: index + 1))
                let next = try Workflow.enrol(stored.record, in: course, roster: empty, by: anna, at: now)
                _ = try session.save(next, basedOn: stored.version, by: anna, at: now)
                outcomes.withLock { $0.append("saved") }
            } catch {
                outcomes.withLock { $0.append("\(error)") }
            }
        }
        let results = outcomes.withLock { $0 }
        XCTAssertEqual(results.filter { $0 == "saved" }.count, 2, "\(results)")
        XCTAssertEqual(results.filter { $0 == "de-leipzig-a2 is full (2 of 2 seats taken); enrol again to join its waiting list." }.count, 4, "\(results)")
        // Enrolled again with the store's roster, they go on the waiting list.
        let fresh = try FileCaseStore(at: url)
        let roster = CourseRoster(course: course, summaries: try fresh.summaries())
        XCTAssertEqual(roster.enrolled.count, 2)
        for id in (1...6).map({ CaseID(number: $0) }) where !roster.enrolled.contains(where: { $0.id == id }) {
            let stored = try fresh.load(id)
            _ = try fresh.save(try Workflow.enrol(stored.record, in: course, roster: roster, by: anna, at: now), basedOn: stored.version, by: anna, at: now)
        }
        XCTAssertEqual(CourseRoster(course: course, summaries: try fresh.summaries()).waiting.count, 4)
        // The course cannot now shrink below its two seats taken, nor be removed; both audited when allowed.
        XCTAssertThrowsError(try fresh.changeCatalogue(CatalogueChange.update({ var c = course; c.capacity = 1; return c }()), by: admin, at: now)) {
            XCTAssertTrue("\($0)".contains("2 already hold one of its places"), "\($0)")
        }
        XCTAssertThrowsError(try fresh.changeCatalogue(CatalogueChange<LanguageCourse>.remove(course.id), by: admin, at: now)) {
            XCTAssertTrue("\($0)".contains("6 cases are on it"), "\($0)")
        }
        XCTAssertThrowsError(try fresh.changeCatalogue(CatalogueChange.add([course]), by: anna, at: now))
        let trail = try fresh.auditTrail(matching: AuditFilter(), limit: 50).filter { $0.subject == "courses" }
        XCTAssertEqual(trail.count, 1)
        XCTAssertEqual(trail.first?.changes.first { $0.field == "courses.de-leipzig-a2.capacity" }?.after, "2")

        // `haven check` knows the file, and flags a course someone cut below its seats by hand.
        XCTAssertEqual(StoreCheck.run(at: url).problems, [])
        var cut = course
        cut.capacity = 1
        try FileCaseStore.writeKeptFile(CatalogueFile(revision: 9, items: [cut]), to: fresh.cataloguePath(LanguageCourse.self), manifest: fresh.manifest)
        XCTAssertEqual(StoreCheck.run(at: url).problems.map(\.message), ["2 places are taken but it has 1"])
    }
}
