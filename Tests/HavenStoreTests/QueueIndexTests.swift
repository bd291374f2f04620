import Foundation
import HavenCore
@testable import HavenStore
import XCTest

/// The queue index (`cases.index`): opening through it gives exactly what reading the whole
/// log gives, and an index that does not stand for the log is never used.
final class QueueIndexTests: StoreTestCase {
    private var savedThreshold = 0

    override func setUpWithError() throws {
        try super.setUpWithError()
        savedThreshold = FileCaseStore.queueIndexThresholdBytes
        FileCaseStore.queueIndexThresholdBytes = 0 // every opening that read any log writes one
    }

    override func tearDownWithError() throws {
        FileCaseStore.queueIndexThresholdBytes = savedThreshold
        try super.tearDownWithError()
    }

    var indexPath: String { path(QueueIndex.fileName) }

    /// Puts `bytes` in place of the index, owner-only as the store writes it.
    func writeIndex(_ bytes: Data) throws {
        try bytes.write(to: URL(fileURLWithPath: indexPath))
        chmod(indexPath, 0o600)
    }

    /// A store of demo cases with courses, openings, levels and jobs, as `haven demo` makes one.
    func makeDemoStore(cases count: Int) throws -> FileCaseStore {
        let reference = try ReferenceDataLoader.load(from: ReferenceDataLoaderTests.dataDirectory)
        var records = DemoCases.generate(count: count, today: today, countries: reference.countries.map(\.code),
                                         occupations: reference.occupations)
        let courses = DemoIntegration.courses(countries: reference.countries, integrationCases: records.count { $0.stage == .integration })
        let openings = DemoIntegration.openings(countries: reference.countries, today: today)
        DemoIntegration.fill(&records, courses: courses, openings: openings, today: today)
        let store = try makeStore()
        _ = try store.adopt(reference)
        _ = try store.changeCatalogue(CatalogueChange.add(courses), by: admin, at: now)
        _ = try store.changeCatalogue(CatalogueChange.add(openings), by: admin, at: now)
        try store.importCases(records, by: admin, at: now, today: today)
        return store
    }

    /// What opening by reading every line gives: the store opened with no index to read.
    func openByReadingTheLog() throws -> FileCaseStore {
        let kept = try? Data(contentsOf: URL(fileURLWithPath: indexPath))
        unlink(indexPath)
        FileCaseStore.queueIndexThresholdBytes = Int.max
        defer {
            FileCaseStore.queueIndexThresholdBytes = 0
            if let kept { try? writeIndex(kept) }
        }
        return try FileCaseStore(at: storeURL)
    }

    func assertSameAsReadingTheLog(_ store: FileCaseStore, _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let whole = try openByReadingTheLog()
        XCTAssertEqual(try store.summaries(), try whole.summaries(), message, file: file, line: line)
        XCTAssertEqual(store.placesUsed, whole.placesUsed, message, file: file, line: line)
        XCTAssertEqual(store.placesHeld, whole.placesHeld, message, file: file, line: line)
        XCTAssertEqual(store.placesUsedOfKind, whole.placesUsedOfKind, message, file: file, line: line)
        XCTAssertEqual(store.placesHeldOfKind, whole.placesHeldOfKind, message, file: file, line: line)
        XCTAssertEqual(store.seatsTaken, whole.seatsTaken, message, file: file, line: line)
        XCTAssertEqual(store.placesFilled, whole.placesFilled, message, file: file, line: line)
        XCTAssertEqual(store.openingProblems, whole.openingProblems, message, file: file, line: line)
        for summary in try whole.summaries().prefix(40) {
            XCTAssertEqual(try store.load(summary.id), try whole.load(summary.id), message, file: file, line: line)
        }
    }

    func testOpeningThroughTheIndexGivesWhatReadingTheLogGives() throws {
        _ = try makeDemoStore(cases: 600)
        XCTAssertTrue(FileManager.default.fileExists(atPath: indexPath), "the import wrote the index")
        let logSize = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path("cases.jsonl"))[.size] as? Int)
        let indexed = try FileCaseStore(at: storeURL)
        let read = try QueueIndex.decode(Array(try Data(contentsOf: URL(fileURLWithPath: indexPath))))
        XCTAssertEqual(read.stamp.coveredLength, logSize, "it covers the whole log")
        XCTAssertEqual(read.summaries.count, 600)
        let summaries = try indexed.summaries()
        XCTAssertTrue(summaries.contains { $0.integration?.employment != nil }, "the demo reaches jobs")
        XCTAssertTrue(summaries.contains { !($0.integration?.seats.isEmpty ?? true) }, "and courses")
        XCTAssertTrue(summaries.contains { !$0.family.isEmpty } && summaries.contains { $0.publicity != nil })
        XCTAssertTrue(summaries.contains { $0.decision?.verdict != nil } && summaries.contains { $0.allocation != nil })
        try assertSameAsReadingTheLog(indexed, "straight after the import")
        XCTAssertLessThan(Array(try Data(contentsOf: URL(fileURLWithPath: indexPath))).count, logSize / 10,
                          "the index is a small part of the log")
    }

    func testSavesAfterTheIndexAreReadFromTheLogAndANewIndexTakesThemIn() throws {
        let store = try makeDemoStore(cases: 200)
        let before = try QueueIndex.decode(Array(try Data(contentsOf: URL(fileURLWithPath: indexPath))))
        var first = try store.load(CaseID(number: 5))
        first.record.assignedTo = "oleh.m"
        _ = try store.save(first.record, basedOn: first.version, by: Actor(user: "maria.s", role: .supervisor), at: now)
        _ = try store.save(demoCases(201)[200], basedOn: nil, by: anna, at: now)

        FileCaseStore.queueIndexThresholdBytes = Int.max // read the new lines, write no index
        let reopened = try FileCaseStore(at: storeURL)
        XCTAssertEqual(try QueueIndex.decode(Array(try Data(contentsOf: URL(fileURLWithPath: indexPath)))).stamp, before.stamp)
        XCTAssertEqual(reopened.summary(of: CaseID(number: 5))?.assignedTo, "oleh.m")
        XCTAssertEqual(try reopened.summaries().count, 201)
        try assertSameAsReadingTheLog(reopened, "old index, new lines")

        FileCaseStore.queueIndexThresholdBytes = 0
        _ = try FileCaseStore(at: storeURL)
        let after = try QueueIndex.decode(Array(try Data(contentsOf: URL(fileURLWithPath: indexPath))))
        XCTAssertGreaterThan(after.stamp.coveredLength, before.stamp.coveredLength, "a new index covers the new lines")
        XCTAssertEqual(after.summaries.count, 201)
        try assertSameAsReadingTheLog(try FileCaseStore(at: storeURL), "new index")
    }

    func testAnIndexThatDoesNotStandForTheLogIsNotUsed() throws {
        _ = try makeDemoStore(cases: 150)
        let goodIndex = try Data(contentsOf: URL(fileURLWithPath: indexPath))
        let log = try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl")))
        FileCaseStore.queueIndexThresholdBytes = Int.max // keep each bad index in place while it is tried

        // The same cases with another name in the index: if the index were used, it would show.
        var planted = try QueueIndex.decode(Array(goodIndex))
        planted.summaries[0].cyrillicName = "Подложный Индекс"
        func plant(_ index: QueueIndex) throws { try writeIndex(Data(index.encoded())) }
        func assertNotUsed(_ what: String) throws {
            let store = try FileCaseStore(at: storeURL)
            XCTAssertNotEqual(try store.summaries().first?.cyrillicName, "Подложный Индекс", what)
            try assertSameAsReadingTheLog(store, what)
        }
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound)
        try plant(planted)
        XCTAssertEqual(try FileCaseStore(at: storeURL).summaries().first?.cyrillicName, "Подложный Индекс",
                       "the planted index stands for the log, so it is read (what the other cases rely on)")
        let check = StoreCheck.run(at: storeURL)
        XCTAssertFalse(check.isSound, "haven check compares the index with the log")
        XCTAssertTrue(check.problems.contains { $0.file == indexPath && $0.message.contains("disagrees with the log about HV-000001:")
            && $0.message.contains("delete cases.index") }, "\(check.problems)")

        var otherFile = planted
        otherFile.stamp.inode += 1
        try plant(otherFile)
        try assertNotUsed("an index of another log file")

        var longer = planted
        longer.stamp.coveredLength = log.count + 10
        try plant(longer)
        try assertNotUsed("an index covering more than the log holds")

        var otherBytes = planted
        otherBytes.stamp.samples ^= 1
        try plant(otherBytes)
        try assertNotUsed("an index of other bytes")

        var damaged = Array(planted.encoded())
        damaged[damaged.count / 2] ^= 0x20
        try writeIndex(Data(damaged))
        try assertNotUsed("a damaged index")
        XCTAssertThrowsError(try QueueIndex.decode(damaged)) { XCTAssertEqual($0 as? QueueIndex.Refusal, .damaged) }

        var otherVersion = Array(planted.encoded())
        otherVersion[4] &+= 1
        otherVersion.replaceSubrange((otherVersion.count - 4)..., with: withUnsafeBytes(of: CRC32.checksum(Array(otherVersion.dropLast(4))).littleEndian, Array.init))
        XCTAssertThrowsError(try QueueIndex.decode(otherVersion)) { XCTAssertEqual($0 as? QueueIndex.Refusal, .otherFormat) }
        try writeIndex(Data(otherVersion))
        try assertNotUsed("an index of another format version")

        for cut in [0, 3, 40, goodIndex.count / 2, goodIndex.count - 1] {
            try writeIndex(goodIndex.prefix(cut))
            XCTAssertThrowsError(try QueueIndex.decode(Array(goodIndex.prefix(cut))), "cut at \(cut)")
            try assertNotUsed("an index cut at \(cut)")
        }

        // The log rewritten in place (same file, same inode): another case's line in the middle.
        try plant(planted)
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path("cases.jsonl")))
        let middle = log.count / 2
        handle.seek(toFileOffset: UInt64(middle))
        handle.write(Data(repeating: UInt8(ascii: " "), count: QueueIndex.sampleBytes + 1))
        try handle.close()
        let rewritten = try FileCaseStore(at: storeURL)
        XCTAssertNotEqual(try rewritten.summaries().first?.cyrillicName, "Подложный Индекс", "a log rewritten in place")
        XCTAssertTrue(rewritten.openingProblems.contains { $0.severity == .damaged }, "and the damaged lines are reported")
    }

    func testAnImportAppendsToTheLogAndIndexesWhatItAdded() throws {
        let store = try makeDemoStore(cases: 100)
        let before = try QueueIndex.decode(Array(try Data(contentsOf: URL(fileURLWithPath: indexPath))))
        let more = DemoCases.generate(count: 130, today: today, countries: ["GB", "DE", "PL"].compactMap(CountryCode.init)).suffix(30)
        let other = try FileCaseStore(at: storeURL)
        try store.importCases(Array(more), by: admin, at: now, today: today)
        let after = try QueueIndex.decode(Array(try Data(contentsOf: URL(fileURLWithPath: indexPath))))
        XCTAssertEqual(after.stamp.inode, before.stamp.inode, "the import appended to the log, never replaced it")
        XCTAssertGreaterThan(after.stamp.coveredLength, before.stamp.coveredLength, "and wrote an index that holds its lines")
        XCTAssertEqual(after.summaries.count, 130)
        XCTAssertTrue(try other.refresh())
        XCTAssertEqual(try other.summaries().count, 130, "a session open before the import reads what it added")
        try assertSameAsReadingTheLog(try FileCaseStore(at: storeURL), "after the import")
    }

    func testDamagedLinesCoveredByTheIndexAreStillReported() throws {
        let cases = demoCases(5)
        do {
            let store = try makeStore()
            for record in cases { _ = try store.save(record, basedOn: nil, by: anna, at: now) }
        }
        var text = try String(contentsOfFile: path("cases.jsonl"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"family\":\"\(cases[2].defector.cyrillicName.family)\"", with: "\"family\":\"ИЗМЕНЕНО\"")
        try text.write(toFile: path("cases.jsonl"), atomically: false, encoding: .utf8)
        let first = try FileCaseStore(at: storeURL)
        XCTAssertTrue(FileManager.default.fileExists(atPath: indexPath))
        let second = try FileCaseStore(at: storeURL)
        XCTAssertEqual(try QueueIndex.decode(Array(try Data(contentsOf: URL(fileURLWithPath: indexPath)))).problems.count, 1)
        XCTAssertEqual(second.openingProblems, first.openingProblems)
        XCTAssertTrue(second.openingProblems.contains { $0.severity == .damaged && $0.description.contains("checksum does not match") },
                      "\(second.openingProblems)")
        XCTAssertEqual(try second.summaries().count, 4)
    }

    func testTheIndexHasTheStoresPermissions() throws {
        _ = try makeDemoStore(cases: 20)
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: indexPath)[.posixPermissions] as? Int)
        XCTAssertEqual(mode, 0o600, "owner-only, like the log whose names it holds")
        XCTAssertTrue(StoreCheck.run(at: storeURL).isSound, "haven check knows the index")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: storeURL.path).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [], "no temporary file left behind")
        chmod(indexPath, 0o644)
        XCTAssertThrowsError(try FileCaseStore(at: storeURL)) { error in
            XCTAssertTrue("\(error)".contains("cases.index can be read by every user") && "\(error)".contains("chmod 600"), "\(error)")
        }
        XCTAssertFalse(StoreCheck.run(at: storeURL).isSound)
        unlink(indexPath)
        symlink(path("cases.jsonl"), indexPath)
        XCTAssertThrowsError(try FileCaseStore(at: storeURL), "an index that is a symbolic link") { error in
            XCTAssertTrue("\(error)".contains("symbolic link"), "\(error)")
        }
    }

    /// Every field of a summary, at every depth, filled in and read back. A field added to a
    /// summary type and not to the index would be left nil or empty here, and this test names it.
    func testEveryFieldOfASummaryTravelsThroughTheIndex() throws {
        let day = CalendarDate(year: 2026, month: 3, day: 9)!
        let time = Timestamp(date: day, hour: 7, minute: 5, second: 3)
        let full = CaseSummary(
            id: CaseID(number: 1234), cyrillicName: "Богданов Иван Петрович", latinName: "Bogdanov Ivan Petrovich",
            stage: .integration, stageEnteredAt: time, assignedTo: "anna.k", country: CountryCode("DE"), version: CaseVersion(7),
            flags: Set(CaseFlag.allCases),
            decision: DecisionSummary(outcome: DecisionOutcome.allCases.last!, proposedBy: "anna.k", proposedAt: time,
                                      verdict: .approved, reviewedAt: Timestamp(secondsSinceEpoch: 1_800_000_000)),
            allocation: AllocationSummary(country: CountryCode("DE")!, proposedBy: "oleh.m", proposedAt: time, verdict: .returned,
                                          reviewedAt: time, places: PlaceKind.allCases),
            integration: IntegrationSummary(
                arrivedOn: day, seats: [CourseSeat(course: "de-berlin-a1", status: .enrolled, requestedOn: day)],
                levels: [LanguageLevel(language: LanguageCode("de")!, level: .b1)],
                progress: [LevelProgress(language: LanguageCode("de")!, first: .a1, latest: .b2, latestOn: day, assessments: 3)],
                occupations: [ISCOCode("8332")!], specialty: "driver-mechanic", applications: ["de-opening-7"],
                employment: EmploymentSummary(openingID: "de-opening-7", startedOn: day, endedOn: CalendarDate(year: 2027, month: 1, day: 2)!,
                                              followUpMonths: 6, followUpDue: day)),
            family: [FamilyMemberSummary(id: 2, relationship: Relationship.allCases.last!, stage: ReunificationStage.allCases.last!,
                                         nextAction: "Позвонить в консульство", due: day, linkedCase: CaseID(number: 99), highRisk: true)],
            publicity: PublicitySummary(consentGiven: day, withdrawn: day, verdict: .approved, digest: "00ff00ff00ff00ff"),
            attention: AttentionSummary(
                assignment: Assignment(by: "maria.s", at: time),
                returned: [ReturnedProposal(kind: .allocation, proposedBy: "oleh.m", by: "maria.s", at: time, comment: "Семья в Польше")],
                mentions: [NoteMention(note: 3, author: "maria.s", at: time, users: ["anna.k", "oleh.m"])],
                appointments: [AppointmentSummary(id: 4, kind: AppointmentKind.allCases.last!, at: time, minutes: 90, attendees: ["anna.k"])]),
            restriction: RestrictionSummary(team: ["anna.k", "maria.s"]))
        XCTAssertEqual(Self.emptyFields(of: full), [], "fill these in the sample, and write and read them in QueueIndex")

        let entry = FileCaseStore.IndexEntry(id: full.id, version: full.version, savedBy: "oleh.m", savedAt: time,
                                             auditSequence: 77, offset: 123_456_789_012, length: 4321)
        let sparse = CaseSummary(id: CaseID(number: 1235), cyrillicName: "", latinName: "", stage: .intake,
                                 stageEnteredAt: Timestamp(secondsSinceEpoch: -5), assignedTo: nil, country: nil, version: CaseVersion(1))
        let sparseEntry = FileCaseStore.IndexEntry(id: sparse.id, version: sparse.version, savedBy: "root", savedAt: time,
                                                   auditSequence: 0, offset: 0, length: 1)
        let index = QueueIndex(stamp: QueueIndex.Stamp(device: .max, inode: 42, coveredLength: 9, samples: 0xDEAD_BEEF),
                               entries: [entry, sparseEntry], summaries: [full, sparse], problems: [("line 3", "Повреждена")])
        XCTAssertTrue(Self.emptyFields(of: sparse).contains("summary.decision"), "the check sees a field left out")
        let read = try QueueIndex.decode(index.encoded())
        XCTAssertEqual(read.summaries, [full, sparse])
        XCTAssertEqual(read.stamp, index.stamp)
        XCTAssertEqual(read.problems.map(\.message), ["Повреждена"])
        for (a, b) in zip(read.entries, [entry, sparseEntry]) {
            XCTAssertEqual([a.id, a.version, a.savedBy, a.savedAt, a.auditSequence, a.offset, a.length] as [AnyHashable],
                           [b.id, b.version, b.savedBy, b.savedAt, b.auditSequence, b.offset, b.length] as [AnyHashable])
        }
        XCTAssertEqual(Mirror(reflecting: entry).children.count, 7, "an index entry field added: write and read it in QueueIndex")

        var unordered = index
        unordered.entries.reverse()
        unordered.summaries.reverse()
        XCTAssertThrowsError(try QueueIndex.decode(unordered.encoded()), "cases out of order are refused")
    }

    /// The paths of optional fields left nil and lists left empty, at any depth.
    static func emptyFields(of value: Any, path: String = "summary") -> [String] {
        var empty: [String] = []
        for child in Mirror(reflecting: value).children {
            let name = "\(path).\(child.label ?? "?")"
            let mirror = Mirror(reflecting: child.value)
            if mirror.displayStyle == .optional {
                guard let wrapped = mirror.children.first?.value else { empty.append(name); continue }
                empty += emptyFields(of: wrapped, path: name)
            } else if mirror.displayStyle == .collection || mirror.displayStyle == .set {
                guard let first = mirror.children.first?.value else { empty.append(name); continue }
                empty += emptyFields(of: first, path: name + "[0]")
            } else if mirror.displayStyle == .struct {
                empty += emptyFields(of: child.value, path: name)
            }
        }
        return empty
    }
}

extension QueueIndexTests {
    /// The interactive session has the index written beside its first screen; once the writes
    /// are waited for (as haven does before it exits), it is there and the next opening uses it.
    func testAnIndexWrittenBesideTheFirstScreenIsThereOnceWaitedFor() throws {
        let store = try makeDemoStore(cases: 40)
        let expected = try store.summaries()
        unlink(indexPath)
        FileCaseStore.writesQueueIndexInBackground = true
        defer { FileCaseStore.writesQueueIndexInBackground = false }
        let opened = try FileCaseStore(at: storeURL)
        XCTAssertEqual(opened.bytesFromQueueIndex, 0, "nothing to start from")
        XCTAssertEqual(try opened.summaries(), expected, "the opening does not wait for the index")
        XCTAssertFalse(FileManager.default.fileExists(atPath: indexPath), "written a moment after the first screen")
        FileCaseStore.waitForQueueIndexWrites()
        XCTAssertTrue(FileManager.default.fileExists(atPath: indexPath))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: storeURL.path).filter { $0.contains(".tmp-") }, [])
        let next = try FileCaseStore(at: storeURL)
        XCTAssertGreaterThan(next.bytesFromQueueIndex, 0)
        try assertSameAsReadingTheLog(next, "the index written in the background")
    }
}
