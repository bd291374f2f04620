import Foundation
import HavenCore
@testable import HavenStore
import HavenTestSupport
import XCTest

/// What only the PostgreSQL store has to show (issue 25): the database's own refusals by role,
/// a session following the change sequence across a dropped connection, the migrations, the
/// check, and the crash and race suites against a real server.
final class PostgresStoreTests: StoreTestCase {
    var location: PostgresLocation!
    let supervisor = Actor(user: "maria.s", role: .supervisor)
    let auditor = Actor(user: "ivy.a", role: .auditor)

    override func setUpWithError() throws {
        try super.setUpWithError()
        guard let url = PostgresTestServer.newStoreURL(prefix: "p") else {
            throw XCTSkip("PostgreSQL: \(PostgresTestServer.unavailableReason ?? "no server")")
        }
        location = try PostgresLocation(url, osUser: ProcessInfo.processInfo.userName)
    }

    /// A new store with anna (caseworker), maria (supervisor) and ivy (auditor), and `count` cases of anna's.
    func makeStore(cases count: Int = 3) throws -> PostgresCaseStore {
        XCTAssertEqual(try PostgresCaseStore.create(at: location, kind: .live, by: admin.user, at: now), [1, 2, 3])
        let store = try PostgresCaseStore(location)
        for (name, role) in [(anna.user, Role.caseworker), (supervisor.user, .supervisor), (auditor.user, .auditor)] {
            _ = try store.changeUsers(.add(name, role), by: admin, at: now)
        }
        let records = DemoCases.generate(count: count, today: today, countries: []).map { record in
            var mine = record
            mine.assignedTo = anna.user
            mine.allocation = nil
            mine.family = mine.family.map { var member = $0; member.linkedCase = nil; return member }
            return mine
        }
        try store.importCases(records, by: admin, at: now, today: today) { _ in }
        return store
    }

    /// Runs `sql` on a connection of the store's owner that has taken on `role`'s database
    /// login: what that person's connection may do, whatever client they use.
    func asRole(_ user: UserName, _ sql: String) throws {
        let link = try PostgresLink(location)
        defer { link.close() }
        try link.query("SET ROLE \(PostgresCaseStore.quoted(user.rawValue))")
        // In a transaction of its own, so a check made at commit is reported as a refusal.
        try link.transaction { try link.query(sql) }
    }

    func assertRefused(_ user: UserName, _ sql: String, file: StaticString = #filePath, line: UInt = #line) {
        // Refused by a grant, a row policy or a check (42501), or as not even a line (22P02).
        XCTAssertThrowsError(try asRole(user, sql), "\(user) may not: \(sql)", file: file, line: line) { error in
            guard let refusal = error as? StoreError else { return XCTFail("\(error)", file: file, line: line) }
            switch refusal {
            case .forbidden: break
            case let .unavailable(message) where message.contains("22P02"): break
            default: XCTFail("\(refusal)", file: file, line: line)
            }
        }
    }

    func testEachRolesConnectionMayDoOnlyWhatTheRoleMay() throws {
        let store = try makeStore()
        let s = location.schema
        // The auditor's connection reads and logs its reading, and writes nothing else.
        XCTAssertNoThrow(try asRole(auditor.user, "SELECT count(*) FROM \(s).cases"))
        XCTAssertNoThrow(try asRole(auditor.user, "SELECT count(*) FROM \(s).access_log"))
        assertRefused(auditor.user, "UPDATE \(s).cases SET version = version + 1")
        assertRefused(auditor.user, "INSERT INTO \(s).audit (sequence, line) VALUES (999, 'forged')")
        assertRefused(auditor.user, "UPDATE \(s).head SET change_sequence = 0")
        assertRefused(auditor.user, "DELETE FROM \(s).cases")
        // A caseworker's writes cases only as a save does (the next version, in her name, with
        // its audit entry), and not users, quotas or the access log's past.
        assertRefused(anna.user, "UPDATE \(s).cases SET record = record WHERE id = 1")
        assertRefused(anna.user, "UPDATE \(s).cases SET version = version + 1, saved_by = 'anna.k', change_sequence = change_sequence + 1 WHERE id = 1")
        assertRefused(anna.user, "INSERT INTO \(s).audit (sequence, case_id, line) SELECT sequence + 1, case_id, replace(line, '\"user\":\"root\"', '\"user\":\"maria.s\"') FROM \(s).audit ORDER BY sequence DESC LIMIT 1")
        assertRefused(anna.user, "INSERT INTO \(s).access_log (sequence, line) VALUES (1, 'junk')")
        assertRefused(auditor.user, "INSERT INTO \(s).access_log (sequence, line) VALUES (1, '{\"hash\":\"0\"}')")
        assertRefused(supervisor.user, "UPDATE \(s).audit SET line = replace(line, '\"version\":1', '\"version\":2') WHERE sequence = 4")
        assertRefused(anna.user, "UPDATE \(s).head SET audit_sequence = audit_sequence + 1")
        XCTAssertEqual(try store.load(CaseID(number: 1)).version, CaseVersion(1), "nothing of what was refused was written")
        XCTAssertTrue(try store.check().isSound)
        assertRefused(anna.user, "UPDATE \(s).kept SET body = body WHERE name = 'users'")
        assertRefused(anna.user, "INSERT INTO \(s).kept (name, revision, body) VALUES ('countries', 9, '{}')")
        assertRefused(anna.user, "SELECT count(*) FROM \(s).access_log")
        assertRefused(anna.user, "UPDATE \(s).access_log SET line = line")
        assertRefused(anna.user, "UPDATE \(s).audit SET line = line")
        // A supervisor may keep erasure proposals but not change the users (row security).
        try asRole(supervisor.user, "UPDATE \(s).kept SET revision = revision WHERE name = 'users'")
        XCTAssertEqual(try store.users().users.count, 4)
        let users = try store.link.query("SELECT revision FROM \(s).kept WHERE name = 'users'").first?.int(0)
        XCTAssertEqual(users, 3, "row security left the users row as it was")
        // Another person's drafts are not theirs to read.
        try store.keepDraft(FormDraft(session: "s1", savedAt: now, values: ["text": "mine"], focus: "text"), for: anna.user)
        let link = try PostgresLink(location)
        try link.query("SET ROLE \(PostgresCaseStore.quoted(supervisor.user.rawValue))")
        XCTAssertEqual(try link.query("SELECT count(*)::int FROM \(s).drafts").first?.int(0), 0)
        link.close()
        // A user removed keeps a login but no store role: their connection can read nothing.
        _ = try store.changeUsers(.remove(auditor.user), by: admin, at: now)
        assertRefused(auditor.user, "SELECT count(*) FROM \(s).cases")
    }

    /// The same store used through connections that are not the owner's: the database's own
    /// checks let every real save, opening and administrator's change through.
    func testTheDatabasesChecksLetEverySaveThroughThatHavenMakes() throws {
        let owner = try makeStore()
        let annas = try PostgresCaseStore(location)
        try annas.link.query("SET ROLE \(PostgresCaseStore.quoted(anna.user.rawValue))")
        let reader = Reader(actor: anna, session: "s1")
        var record = try annas.read(CaseID(number: 1), part: .caseRecord, by: reader, reason: nil, at: now).record
        record.notes.append(Note(author: anna.user, at: now, text: "through the database's checks"))
        XCTAssertEqual(try annas.save(record, basedOn: CaseVersion(1), by: anna, at: now), CaseVersion(2))
        var two = try annas.load(CaseID(number: 2)).record, three = try annas.load(CaseID(number: 3)).record
        two.notes.append(Note(author: anna.user, at: now, text: "together"))
        three.notes.append(Note(author: anna.user, at: now, text: "together"))
        XCTAssertEqual(try annas.save(together: [CaseUpdate(two, basedOn: CaseVersion(1)), CaseUpdate(three, basedOn: CaseVersion(1))], by: anna, at: now),
                       [CaseVersion(2), CaseVersion(2)])
        // An entry in another's name: the database refuses what a modified client would send.
        let forged = AccessEntry(at: now, user: supervisor.user, role: .supervisor, session: "s1", part: .caseRecord, outcome: .opened, detail: "forged")
        XCTAssertThrowsError(try annas.logAccess(forged)) { error in
            guard case let .forbidden(message)? = error as? StoreError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("own name"), message)
        }
        let report = try owner.check()
        XCTAssertTrue(report.isSound, "\(report.problems)")
        XCTAssertEqual(report.accessEntryCount, 1)
        XCTAssertEqual(try owner.history(of: CaseID(number: 1)).last?.user, anna.user)
    }

    func testASessionFollowsTheChangeSequenceAcrossADroppedConnection() throws {
        let first = try makeStore()
        let second = try PostgresCaseStore(location)
        XCTAssertEqual(try second.summaries().count, 3)
        // Every connection of the second session is cut (a network drop, a server restart).
        _ = try second.refresh() // its listening connection opens at its first look
        let pids = try [second.link, try XCTUnwrap(second.listener)].map { try $0.query("SELECT pg_backend_pid()").first!.int(0) }
        try first.link.query("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS t(pid)", [.ints(pids)])
        // What the first saves meanwhile is not lost to the second: notifications are not kept,
        // the change sequence is.
        var record = try first.load(CaseID(number: 2)).record
        record.notes.append(Note(author: anna.user, at: now, text: "while the other was cut off"))
        _ = try first.save(record, basedOn: CaseVersion(1), by: anna, at: now)
        XCTAssertTrue(try second.refresh(), "the second session reconnects and reads the change")
        XCTAssertEqual(try second.load(CaseID(number: 2)).version, CaseVersion(2))
        XCTAssertEqual(try second.summaries().first { $0.id == CaseID(number: 2) }?.version, CaseVersion(2))
        // And it saves again on its new connection.
        var again = try second.load(CaseID(number: 3)).record
        again.notes.append(Note(author: anna.user, at: now, text: "after reconnecting"))
        XCTAssertEqual(try second.save(again, basedOn: CaseVersion(1), by: anna, at: now), CaseVersion(2))
        XCTAssertTrue(try first.check().isSound)
    }

    /// A store object whose connection has taken on `user`'s login (the database's checks apply).
    func session(as user: UserName) throws -> PostgresCaseStore {
        let store = try PostgresCaseStore(location)
        try store.link.query("SET ROLE \(PostgresCaseStore.quoted(user.rawValue))")
        return store
    }

    /// An erasure by two supervisors, each through their own login: the database's checks let
    /// the trail's values, the access log's reasons and every account's drafts be erased then,
    /// and only then.
    func testAnErasureByTwoSupervisorsPassesTheDatabasesChecks() throws {
        let owner = try makeStore(cases: 0)
        let other = Actor(user: "pieter.v", role: .supervisor)
        _ = try owner.changeUsers(.add(other.user, .supervisor), by: admin, at: now)
        let annas = try session(as: anna.user), marias = try session(as: supervisor.user), pieters = try session(as: other.user)
        var record = DemoCases.generate(count: 1, today: today, countries: [])[0]
        record.id = CaseID(number: 1)
        record.assignedTo = anna.user
        record.allocation = nil
        record.family = []
        record.stage = .intake
        _ = try annas.save(record, basedOn: nil, by: anna, at: now)
        _ = try annas.read(record.id, part: .caseRecord, by: Reader(actor: anna, session: "s1"), reason: nil, at: now)
        try annas.keepDraft(FormDraft(session: "s1", savedAt: now, values: ["text": "a note about his brother"], focus: "text", editing: record.id), for: anna.user)
        record.stage = .closed
        record.stageHistory.append(StageChange(stage: .closed, at: now, by: supervisor.user, transition: .close))
        record.closure = Closure(reason: .withdrawn, details: "Уехал к семье в Ригу")
        _ = try marias.save(record, basedOn: CaseVersion(1), by: supervisor, at: now)
        // A supervisor cannot erase values or drafts outside an erasure.
        XCTAssertThrowsError(try marias.link.query("SELECT \(location.schema).erase_drafts(1)"))
        let proposal = ErasureProposal(caseID: record.id, rule: "on-request", reason: "Asked in writing", proposedBy: supervisor.user, proposedAt: now)
        try marias.proposeErasure(proposal, schedule: .standard, by: supervisor)
        let report = try pieters.erase(record.id, schedule: .standard, by: other, at: now) { _ in }
        XCTAssertEqual(report.erasure.approvedBy, other.user)
        XCTAssertGreaterThanOrEqual(report.entriesErased, 3)
        XCTAssertEqual(try owner.link.query("SELECT count(*)::int FROM \(location.schema).drafts").first?.int(0), 0, "anna's draft of the case is gone")
        let result = try owner.check()
        XCTAssertTrue(result.isSound, "\(result.problems)")
    }

    /// What is typed while the database cannot be reached is kept in the account's spool, and
    /// survives the session ending in the outage: the next session finds it offered.
    func testADraftKeptDuringAnOutageSurvivesTheSessionEndingInIt() throws {
        // A database of its own, so it alone is cut off.
        let database = "spool_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try PostgresLink(location)
        defer { admin.close() }
        try admin.query("CREATE DATABASE \(database)")
        var cutOff = location!
        cutOff.database = database
        location = cutOff
        let store = try makeStore(cases: 1)
        store.spoolDirectory = scratch.appendingPathComponent("spool")
        try store.beginSession("s1", for: anna.user)
        var draft = FormDraft(session: "s1", savedAt: now, values: ["text": "before"], focus: "text")
        try store.keepDraft(draft, for: anna.user)
        // The database goes away: no new connection, and this session's are cut.
        try admin.query("ALTER DATABASE \(database) ALLOW_CONNECTIONS false")
        try admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [.text(database)])
        draft.values["text"] = "typed during the outage"
        draft.savedAt = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + 60)
        XCTAssertNoThrow(try store.keepDraft(draft, for: anna.user), "kept, in the spool")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: store.spoolDirectory.path).count, 1)
        let mode = try FileManager.default.attributesOfItem(atPath: store.spoolDirectory.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o700)
        XCTAssertThrowsError(try store.refresh(), "the outage is said, not hidden")
        // The session ends in the outage (a hang-up); the database comes back.
        try admin.query("ALTER DATABASE \(database) ALLOW_CONNECTIONS true")
        let next = try PostgresCaseStore(location)
        next.spoolDirectory = store.spoolDirectory
        try next.beginSession("s2", for: anna.user)
        let offered = try next.drafts(for: anna.user)
        XCTAssertEqual(offered.map { $0.values["text"] }, ["typed during the outage"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: store.spoolDirectory.path), [], "written into the database, then removed")
    }

    func testTheMigrationsAreRecordedAndAppliedOnce() throws {
        let store = try makeStore(cases: 0)
        XCTAssertEqual(try PostgresCaseStore.create(at: location, kind: .live, by: admin.user, at: now), [], "nothing applied twice")
        let recorded = try store.link.query("SELECT number, applied_by FROM \(location.schema).migrations ORDER BY number").map { try $0.int(0) }
        XCTAssertEqual(recorded, [1, 2, 3])
        // A store at another migration than this Haven's is refused, naming what to do.
        try store.link.query("DELETE FROM \(location.schema).migrations WHERE number = 3")
        XCTAssertThrowsError(try PostgresCaseStore(location)) { error in
            XCTAssertTrue("\(error)".contains("haven init"), "\(error)")
        }
    }

    func testTheCheckFindsAnEditedEntryAWrongRowAndABrokenHead() throws {
        let store = try makeStore()
        XCTAssertTrue(try store.check().isSound)
        let s = location.schema
        try store.link.query("UPDATE \(s).audit SET line = replace(line, '\"version\":1', '\"version\":7') WHERE sequence = 4")
        try store.link.query("UPDATE \(s).cases SET version = 5 WHERE id = 2")
        try store.link.query("UPDATE \(s).cases SET summary = replace(summary, '\"latinName\":\"', '\"latinName\":\"X') WHERE id = 3")
        let problems = try store.check().problems
        XCTAssertTrue(problems.contains { $0.contains("audit, entry 4") && $0.contains("edited") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("HV-000002: version 5") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("HV-000003: its summary") }, "\(problems)")
        // The edited entry now claims version 7 of HV-000001, which its row does not hold.
        XCTAssertTrue(problems.contains { $0.contains("HV-000001: version 1, and the trail's newest entry for it gives 7") }, "\(problems)")
        XCTAssertEqual(problems.count, 4, "each damage once, the chain after the edited entry still followed: \(problems)")
    }

    func testTheCheckHoldsTheCountriesToWhatTheCasesUseAndHold() throws {
        // The file store's rule (`QuotaLedger.problems`): Germany's two places, one with
        // medical support, both used; a list edited below that is reported, each number once.
        let store = try makeStore()
        let germany = CountryCode("DE")!
        store.referenceCountries = [HostCountry(code: germany, name: "Germany", languages: [LanguageCode("de")!], quota: 2),
                                    HostCountry(code: CountryCode("NL")!, name: "Netherlands", languages: [LanguageCode("nl")!], quota: 20)]
        _ = try store.changeHostCountries(.setPlaces(germany, quota: 2, capacities: [.medicalSupport: 1]), by: admin, at: now)
        for (index, record) in DemoCases.generate(count: 2, today: today, countries: []).enumerated() {
            var allocated = record
            allocated.id = CaseID(number: 100 + index)
            allocated.assignedTo = anna.user
            allocated.family = allocated.family.map { var member = $0; member.linkedCase = nil; return member }
            allocated.stage = .relocation
            allocated.allocation = AllocationProposal(country: germany, proposedBy: anna.user, proposedAt: now,
                                                      review: Review(verdict: .approved, by: supervisor.user, at: now))
            allocated.allocation?.places = index == 0 ? [.medicalSupport] : nil
            _ = try store.save(allocated, basedOn: nil, by: anna, at: now)
        }
        XCTAssertEqual(try store.check().problems, [])
        var countries = try store.hostCountries()
        countries[0].quota = 1
        countries[0].capacities[.medicalSupport] = 0
        try store.writeKept(CountriesFile(revision: 9, countries: countries), PostgresCaseStore.countriesRow, revision: 9)
        let s = location.schema
        XCTAssertEqual(try store.check().problems, [
            "\(s).kept, countries, DE: Germany has a quota of 1 for 2 used and 0 held by proposals (2 at least; haven countries set-quota DE N)",
            "\(s).kept, countries, DE: Germany has 0 medical support places for 1 used and 0 held by proposals "
                + "(1 at least; haven countries set-places DE medical-support N)",
        ])
        try store.link.query("UPDATE \(s).kept SET body = 'not a list' WHERE name = 'countries'")
        XCTAssertEqual(try store.check().problems, ["\(s).kept, countries: not a Haven host-countries list"])
    }

    // MARK: The fault suites, in PostgreSQL mode

    var stress: String { ChildProcess.buildProducts.appendingPathComponent("haven-stress").path }

    func figure(_ name: String, in report: String) -> Int? {
        guard let range = report.range(of: #"(\d+) "# + name, options: .regularExpression) else { return nil }
        return Int(report[range].split(separator: " ")[0])
    }

    /// SIGKILL of a saving process, and every tenth time an immediate shutdown of the database
    /// server while it saves (then a start): no acknowledged save is lost.
    func testKillsAndServerCrashesLoseNoAcknowledgedSave() throws {
        let restart = try XCTUnwrap(PostgresTestServer.restartCommand)
        let (status, output) = try ChildProcess.run([stress, "crash", "--kills", "40", "--tear-every", "10", "--directory", scratch.path,
                                                     "--postgres", PostgresTestServer.newStoreURL(prefix: "c")!, "--restart-server", restart],
                                                    outputPath: scratch.appendingPathComponent("crash.out").path)
        XCTAssertEqual(status, 0, output)
        let report = try XCTUnwrap(output.split(separator: "\n").last { $0.hasPrefix("crash suite:") }.map(String.init), output)
        XCTAssertTrue(report.contains("40 kills, the store opened 40 times of 40"), report)
        XCTAssertEqual(figure("immediate shutdowns", in: report), 4, report)
        XCTAssertEqual(figure("lost", in: report), 0, report)
        XCTAssertGreaterThan(figure("acknowledged saves", in: report) ?? 0, 40, report)
        XCTAssertTrue(report.contains("haven check sound"), report)
        print(report)
    }

    /// Eight processes, 500 saves each, on five cases of one database: none lost.
    func testEightProcessesRacingOnOneDatabaseLoseNoUpdate() throws {
        let (status, output) = try ChildProcess.run([stress, "race", "--processes", "8", "--saves", "500", "--directory", scratch.path,
                                                     "--postgres", PostgresTestServer.newStoreURL(prefix: "r")!],
                                                    outputPath: scratch.appendingPathComponent("race.out").path)
        XCTAssertEqual(status, 0, output)
        let report = try XCTUnwrap(output.split(separator: "\n").last { $0.hasPrefix("concurrency suite:") }.map(String.init), output)
        XCTAssertEqual((figure("saved", in: report) ?? 0) + (figure("conflicts", in: report) ?? 0), 4_000, report)
        XCTAssertGreaterThan(figure("conflicts", in: report) ?? 0, 0, "the processes did race: \(report)")
        XCTAssertEqual(figure("lost", in: report), 0, report)
        XCTAssertTrue(report.contains("haven check sound"), report)
        print(report)
    }
}
