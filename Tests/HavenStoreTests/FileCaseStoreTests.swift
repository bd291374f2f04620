import Foundation
import HavenCore
@testable import HavenStore
import XCTest

final class FileCaseStoreTests: StoreTestCase {
    func testSavedCasesComeBackAfterReopening() throws {
        let cases = demoCases(50)
        do {
            let store = try makeStore()
            for record in cases { _ = try store.save(record, basedOn: nil, by: anna, at: now) }
        }
        let reopened = try FileCaseStore(at: storeURL)
        XCTAssertEqual(try reopened.summaries().count, 50)
        for record in cases {
            let stored = try reopened.load(record.id)
            XCTAssertEqual(stored.record, record)
            XCTAssertEqual(stored.version, CaseVersion(1))
            XCTAssertEqual(stored.savedBy, "anna.k")
        }
        XCTAssertEqual(try reopened.summaries().first?.cyrillicName, cases[0].defector.cyrillicName.displayed)
        XCTAssertEqual(reopened.openingProblems, [])
    }

    func testAStaleSaveIsRefusedNamingWhoAndWhen() throws {
        let annaStore = try makeStore()
        var record = demoCases(1)[0]
        let v1 = try annaStore.save(record, basedOn: nil, by: anna, at: now)
        let olehStore = try FileCaseStore(at: storeURL)
        let olehCopy = try olehStore.load(record.id)

        record.notes.append(Note(author: "anna.k", at: now, text: "Говорит по-английски."))
        let later = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + 90)
        XCTAssertEqual(try annaStore.save(record, basedOn: v1, by: anna, at: later), CaseVersion(2))

        var olehRecord = olehCopy.record
        olehRecord.defector.birthPlace = "Омск"
        XCTAssertThrowsError(try olehStore.save(olehRecord, basedOn: olehCopy.version, by: oleh, at: later)) { error in
            XCTAssertEqual("\(error)", "\(record.id) was changed by anna.k at 2026-11-24T10:01:30Z after you opened it; reload it to see their change.")
        }
        let final = try FileCaseStore(at: storeURL).load(record.id)
        XCTAssertEqual(final.record.notes.last?.text, "Говорит по-английски.")
        XCTAssertNotEqual(final.record.defector.birthPlace, "Омск", "never a silent overwrite")
    }

    func testAnotherSessionsSavesAreTakenInByRefresh() throws {
        let first = try makeStore()
        let second = try FileCaseStore(at: storeURL)
        XCTAssertFalse(try second.refresh())
        let record = demoCases(1)[0]
        _ = try first.save(record, basedOn: nil, by: anna, at: now)
        XCTAssertTrue(try second.refresh())
        XCTAssertEqual(try second.summaries().map(\.id), [record.id])
        XCTAssertFalse(try second.refresh(), "nothing new the second time")
    }

    func testATornLastWriteIsSetAsideAndReported() throws {
        let cases = demoCases(3)
        do {
            let store = try makeStore()
            for record in cases { _ = try store.save(record, basedOn: nil, by: anna, at: now) }
        }
        let good = try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl")))
        try appendBytes(Array(#"{"crc32":"0badf00d","record":{"id":"HV-000004","vers"#.utf8), to: "cases.jsonl")
        let reopened = try FileCaseStore(at: storeURL)
        XCTAssertEqual(try reopened.summaries().count, 3)
        XCTAssertEqual(reopened.openingProblems.count, 1)
        let problem = try XCTUnwrap(reopened.openingProblems.first)
        XCTAssertEqual(problem.severity, .repaired)
        XCTAssertTrue(problem.description.contains("a torn last write (52 bytes, never acknowledged) was set aside in"), problem.description)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl"))), good, "the log is cut back to its last good line")
        let quarantined = try FileManager.default.contentsOfDirectory(atPath: path("quarantine"))
        XCTAssertEqual(quarantined.count, 1)
        XCTAssertEqual(try FileCaseStore(at: storeURL).openingProblems, [], "reported once")
    }

    func testADamagedLineIsNamedSkippedAndNeverWrittenOver() throws {
        let cases = demoCases(5)
        do {
            let store = try makeStore()
            for record in cases { _ = try store.save(record, basedOn: nil, by: anna, at: now) }
        }
        var text = try String(contentsOfFile: path("cases.jsonl"), encoding: .utf8)
        let target = cases[2].defector.cyrillicName.family
        text = text.replacingOccurrences(of: "\"family\":\"\(target)\"", with: "\"family\":\"ИЗМЕНЕНО\"")
        try text.write(toFile: path("cases.jsonl"), atomically: false, encoding: .utf8)
        let damaged = try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl")))

        let store = try FileCaseStore(at: storeURL)
        XCTAssertEqual(store.openingProblems.map(\.description).filter { $0.contains("line 3,") }.count, 1, "\(store.openingProblems)")
        XCTAssertTrue(store.openingProblems.contains {
            $0.severity == .damaged && $0.description.contains("cases.jsonl, line 3, byte") && $0.description.contains("checksum does not match")
        })
        XCTAssertEqual(try store.summaries().count, 4, "every intact record stays readable")
        _ = try store.save(demoCases(6)[5], basedOn: nil, by: anna, at: now)
        let after = try Data(contentsOf: URL(fileURLWithPath: path("cases.jsonl")))
        XCTAssertEqual(after.prefix(damaged.count), damaged, "the damaged line is left exactly as it was")
    }

    func testNewCasesAndAuditorsAreChecked() throws {
        let store = try makeStore()
        let record = demoCases(1)[0]
        _ = try store.save(record, basedOn: nil, by: anna, at: now)
        XCTAssertThrowsError(try store.save(record, basedOn: nil, by: anna, at: now)) { error in
            XCTAssertEqual(error as? StoreError, .alreadyExists(record.id))
        }
        XCTAssertThrowsError(try store.save(record, basedOn: CaseVersion(1), by: Actor(user: "audit.e", role: .auditor), at: now))
        XCTAssertEqual(try store.nextCaseID(), CaseID(number: 2))
    }

    func testAMissingStoreSaysHowToCreateOne() {
        XCTAssertThrowsError(try FileCaseStore(at: storeURL)) { error in
            XCTAssertEqual("\(error)", "The store cannot be used: there is no store at \(self.storeURL.path); create one with 'haven init --store \(self.storeURL.path)'")
        }
    }

    func testAStoreOthersCanReadIsRefusedWithTheFix() throws {
        _ = try makeStore()
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: storeURL.path)[.posixPermissions] as? Int, 0o700)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path("cases.jsonl"))[.posixPermissions] as? Int, 0o600)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path("store.json"))[.posixPermissions] as? Int, 0o600)
        chmod(storeURL.path, 0o755)
        XCTAssertThrowsError(try FileCaseStore(at: storeURL)) { error in
            XCTAssertEqual("\(error)", "\(self.storeURL.path) can be read by every user on this machine (mode 755). Haven will not open it. Fix it with: chmod 700 \(self.storeURL.path)   (or chmod 2770 for a store shared by a group)")
        }
        chmod(storeURL.path, 0o700)
        // An account that may not read a store is told to join its group only when the store
        // is shared with one (from the walk: a private store of root's said "join group root").
        XCTAssertEqual(StorePermissions.advice(mode: 0o40700, group: "root", owner: "root"),
                       "it is root's alone (shared with no group); a store for several accounts is made with 'haven init --group NAME', "
                        + "and an administrator adds each account to that group")
        XCTAssertEqual(StorePermissions.advice(mode: 0o42770, group: "caseworkers", owner: "olga"),
                       "an administrator can add you to its group 'caseworkers' (then log in again)")
        chmod(path("audit.jsonl"), 0o646)
        XCTAssertThrowsError(try FileCaseStore(at: storeURL)) { error in
            XCTAssertTrue("\(error)".contains("audit.jsonl can be written by every user"), "\(error)")
        }
    }

    func testAGroupStoreIsSharedBySetgidDirectory() throws {
        let group = String(cString: getgrgid(getgid())!.pointee.gr_name)
        _ = try FileCaseStore.create(at: storeURL, kind: .live, by: "anna.k", at: now, group: group)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: storeURL.path)[.posixPermissions] as? Int, 0o2770)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path("cases.jsonl"))[.posixPermissions] as? Int, 0o660)
        XCTAssertThrowsError(try FileCaseStore.create(at: scratch.appendingPathComponent("other"), kind: .live, by: "anna.k",
                                                      at: now, group: "no-such-group-haven")) { error in
            XCTAssertEqual("\(error)", "The store cannot be used: there is no Unix group 'no-such-group-haven'")
        }
    }

    func testHistoryListsACasesEntriesAndFollowsLaterSaves() throws {
        let store = try makeStore()
        var records = demoCases(3)
        for record in records { _ = try store.save(record, basedOn: nil, by: anna, at: now) }
        records[1].defector.birthPlace = "Омск"
        _ = try store.save(records[1], basedOn: CaseVersion(1), by: oleh, at: now)
        XCTAssertEqual(try store.history(of: records[1].id).map(\.version), [CaseVersion(1), CaseVersion(2)])
        XCTAssertEqual(try store.history(of: records[0].id).map(\.user), ["anna.k"])
        // Another session saves after the index was built: its entry is found from the tail.
        let other = try FileCaseStore(at: storeURL)
        records[1].defector.birthPlace = "Томск"
        _ = try other.save(records[1], basedOn: CaseVersion(2), by: anna, at: now)
        let history = try store.history(of: records[1].id)
        XCTAssertEqual(history.map(\.version), [CaseVersion(1), CaseVersion(2), CaseVersion(3)])
        XCTAssertEqual(history.last?.changes, [FieldChange(field: "defector.birthPlace", before: "\"Омск\"", after: "\"Томск\"")])
        XCTAssertEqual(try store.history(of: CaseID(number: 99)), [])
    }

    func testFlagsTravelInTheRecordHeader() throws {
        var record = demoCases(1)[0]
        record.family = [FamilyMember(id: 1, relationship: .spouse, cyrillicName: FullName(family: "Жукова", given: "Анна"), risk: .high)]
        record.defector.equipment = [EquipmentHandover(kind: .tank, identifier: "214")]
        do { _ = try makeStore().save(record, basedOn: nil, by: anna, at: now) }
        let summary = try XCTUnwrap(try FileCaseStore(at: storeURL).summaries().first)
        XCTAssertEqual(summary.flags, [.highRiskFamily, .equipment])
        let line = try String(contentsOfFile: path("cases.jsonl"), encoding: .utf8)
        XCTAssertTrue(line.contains(#""flags":["high-risk-family","equipment"]"#), line)
    }

    func testACorruptManifestIsNamedAndLeftAlone() throws {
        _ = try makeStore()
        try "{\"format\": \"haven-store\", \"schema".write(toFile: path("store.json"), atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try FileCaseStore(at: storeURL)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(self.path("store.json")), whole file: not a Haven store manifest"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: path("store.json"), encoding: .utf8), "{\"format\": \"haven-store\", \"schema")
        XCTAssertFalse(StoreCheck.run(at: storeURL).isSound)
    }

    func testDemoCasesCarryISCOCodedSkillsFromTheirSpecialty() throws {
        let data = try ReferenceDataLoader.load(from: ReferenceDataLoaderTests.dataDirectory)
        let records = DemoCases.generate(count: 50, today: today, countries: data.countries.map(\.code), occupations: data.occupations)
        for record in records {
            let specialty = try XCTUnwrap(record.defector.service.specialty)
            let expected = data.occupations.suggestedOccupations(for: specialty).prefix(2).map(\.code)
            XCTAssertEqual(record.defector.skills.compactMap(\.occupation), Array(expected), "\(record.id) \(specialty)")
        }
    }

    func testAStoreOfAnotherFormatOrNewerSchemaIsRefused() throws {
        _ = try makeStore()
        var manifest = try String(contentsOfFile: path("store.json"), encoding: .utf8)
        manifest = manifest.replacingOccurrences(of: "\"schemaVersion\":1", with: "\"schemaVersion\":9")
        try manifest.write(toFile: path("store.json"), atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try FileCaseStore(at: storeURL)) { error in
            XCTAssertTrue("\(error)".contains("the store has schema version 9; this Haven reads up to 1"), "\(error)")
        }
    }
}
