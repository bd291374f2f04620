import Foundation
import HavenCore
@testable import HavenStore
import XCTest

/// A scratch directory per test, removed afterwards.
class StoreTestCase: XCTestCase {
    var scratch: URL!
    let today = CalendarDate(year: 2026, month: 11, day: 24)!
    var now: Timestamp { Timestamp(date: today, hour: 10) }
    let anna = Actor(user: "anna.k", role: .caseworker)
    let oleh = Actor(user: "oleh.m", role: .caseworker)
    let admin = Actor(user: "root", role: .administrator)

    override func setUpWithError() throws {
        // A compaction waits this long for other sessions here to let go of the old log;
        // tests that need it to wait longer set it themselves.
        FileCaseStore.retireWait = 0.2
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haven-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    var storeURL: URL { scratch.appendingPathComponent("store") }

    /// A new store: root its administrator; anna.k, oleh.m and stress (the crash suite's
    /// children) caseworkers; maria.s a supervisor. The users file is written as created, so
    /// the audit trail starts empty, as the audit tests expect. The three caseworkers are one
    /// team, so each may change the others' cases (need to know; `AccessLogStoreTests` tests
    /// the rule itself).
    func makeStore(kind: StoreManifest.Kind = .live, at url: URL? = nil) throws -> FileCaseStore {
        let directory = url ?? storeURL
        let store = try FileCaseStore.create(at: directory, kind: kind, by: "root", at: now)
        let users = UserDirectory(users: ([("root", Role.administrator), ("anna.k", .caseworker), ("oleh.m", .caseworker),
                                          ("stress", .caseworker), ("maria.s", .supervisor)]).map {
            UserAccount(name: UserName($0.0)!, role: $0.1, addedBy: "root", addedAt: now, team: $0.1 == .caseworker ? "fixture" : nil)
        })
        try FileCaseStore.writeUsers(users, revision: 1, to: directory.appendingPathComponent(FileCaseStore.usersFile).path,
                                     manifest: store.manifest)
        return store
    }

    /// A store of `count` imported cases, each then saved `rounds` more times with a note by
    /// anna: a log several times its live size, for compaction and backup tests.
    func savedStore(cases count: Int, rounds: Int = 3) throws -> FileCaseStore {
        let store = try makeStore()
        try store.importCases(demoCases(count), by: admin, at: now, today: today)
        for round in 0..<rounds {
            for number in 1...count {
                let stored = try store.load(CaseID(number: number))
                var record = stored.record
                record.notes.append(Note(author: anna.user, at: now, text: "round \(round) on \(number)"))
                _ = try store.save(record, basedOn: stored.version, by: anna, at: now)
            }
        }
        return store
    }

    /// Demo cases, each assigned to one of the fixture's caseworkers (anna.k and oleh.m in
    /// turn), as the demo's own staff are not users of these stores.
    func demoCases(_ count: Int) -> [Case] {
        DemoCases.generate(count: count, today: today, countries: ["GB", "DE", "PL"].compactMap(CountryCode.init)).enumerated().map { position, record in
            var next = record
            if next.assignedTo != nil { next.assignedTo = position % 2 == 0 ? "anna.k" : "oleh.m" }
            return next
        }
    }

    /// The cases in Integration in Germany, arrived 40 days ago, assigned to anna.
    func arrivedInGermany(_ records: [Case]) -> [Case] {
        records.map { record in
            var next = record
            next.stage = .integration
            next.assignedTo = anna.user
            next.allocation = AllocationProposal(country: CountryCode("DE")!, proposedBy: "maria.s", proposedAt: now,
                                                 review: Review(verdict: .approved, by: "pieter.v", at: now))
            next.relocation.arrivalDate = today.adding(days: -40)
            return next
        }
    }

    func path(_ name: String) -> String { storeURL.appendingPathComponent(name).path }

    func appendBytes(_ bytes: [UInt8], to name: String) throws {
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path(name)))
        handle.seekToEndOfFile()
        handle.write(Data(bytes))
        try handle.close()
    }
}
