import Foundation
import HavenCore
@testable import HavenStore
import HavenTestSupport
import Synchronization
import Testing

/// Every store Haven has, made the same way for the conformance suite: a new store of the same
/// users and countries. A later store (PostgreSQL) joins the suite by adding one case here.
enum StoreUnderTest: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case file
    case postgres

    var testDescription: String { rawValue }

    /// Every store this machine can run: the PostgreSQL store where a server is to be had
    /// (`PostgresTestServer`, which says why when it is not).
    static var allCases: [StoreUnderTest] { PostgresTestServer.socket == nil ? [.memory, .file] : [.memory, .file, .postgres] }

    static let today = CalendarDate(year: 2026, month: 11, day: 24)!
    static let now = Timestamp(date: today, hour: 10)
    static let admin = Actor(user: "root", role: .administrator)
    static let anna = Actor(user: "anna.k", role: .caseworker)
    static let oleh = Actor(user: "oleh.m", role: .caseworker)
    static let maria = Actor(user: "maria.s", role: .supervisor)
    static let auditor = Actor(user: "ivy.a", role: .auditor)
    static let germany = HostCountry(code: CountryCode("DE")!, name: "Germany", languages: [LanguageCode("de")!], quota: 1)
    static let users = UserDirectory(users: [("root", Role.administrator), ("anna.k", .caseworker), ("oleh.m", .caseworker),
                                             ("maria.s", .supervisor), ("ivy.a", .auditor)].map {
        UserAccount(name: UserName($0.0)!, role: $0.1, addedBy: "root", addedAt: now)
    })

    /// A new, empty store, and a way to open a second session on it (the same object where
    /// the store lives in one process's memory).
    func make() throws -> (store: any CaseStore, session: () throws -> any CaseStore, cleanUp: () -> Void) {
        switch self {
        case .memory:
            let store = InMemoryCaseStore(users: Self.users, countries: [Self.germany])
            return (store, { store }, {})
        case .file:
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haven-conformance-\(UUID().uuidString)")
            let url = scratch.appendingPathComponent("store")
            // An erasure's compaction waits this long for the suite's other sessions to let go of the old log.
            FileCaseStore.retireWait = 0.2
            let created = try FileCaseStore.create(at: url, kind: .live, by: "root", at: Self.now)
            try FileCaseStore.writeUsers(Self.users, revision: 1, to: url.appendingPathComponent(FileCaseStore.usersFile).path,
                                         manifest: created.manifest)
            let open = { () throws -> any CaseStore in
                let store = try FileCaseStore(at: url)
                store.referenceCountries = [Self.germany]
                return store
            }
            return (try open(), open, { try? FileManager.default.removeItem(at: scratch) })
        case .postgres:
            guard let url = PostgresTestServer.newStoreURL() else { throw StoreError.unavailable(PostgresTestServer.unavailableReason ?? "no server") }
            let location = try PostgresLocation(url, osUser: ProcessInfo.processInfo.userName)
            try PostgresCaseStore.create(at: location, kind: .live, by: "root", at: Self.now)
            let open = { () throws -> any CaseStore in
                let store = try PostgresCaseStore(location)
                store.referenceCountries = [Self.germany]
                return store
            }
            let first = try PostgresCaseStore(location)
            first.referenceCountries = [Self.germany]
            try first.writeKept(UsersFile(revision: 1, users: Self.users.users), PostgresCaseStore.usersRow, revision: 1)
            // The schema stays: the cluster is thrown away whole when the tests end.
            return (first, open, {})
        }
    }

    /// Demo cases numbered from `first`, unlinked.
    static func cases(_ count: Int, from first: Int = 1) -> [Case] {
        DemoCases.generate(count: count, today: today, countries: [germany.code]).enumerated().map { offset, record in
            var copy = record
            copy.id = CaseID(number: first + offset)
            copy.stage = .intake
            copy.allocation = nil
            copy.assignedTo = anna.user
            copy.family = copy.family.map { member in var unlinked = member; unlinked.linkedCase = nil; return unlinked }
            return copy
        }
    }

    static func allocated(_ record: Case) -> Case {
        var next = record
        next.stage = .relocation
        next.allocation = AllocationProposal(country: germany.code, proposedBy: anna.user, proposedAt: now,
                                             review: Review(verdict: .approved, by: maria.user, at: now))
        return next
    }
}

/// The save contract, checked on every store the same way (issue 19): written once, run
/// against each `StoreUnderTest`.
@Suite struct StoreConformanceTests {
    typealias S = StoreUnderTest

    /// Whether `error` is the store's refusal of the kind `matches` picks.
    static func isForbidden(_ error: any Error) -> Bool { if case .forbidden? = error as? StoreError { true } else { false } }
    static func isQuota(_ error: any Error) -> Bool { if case .quota? = error as? StoreError { true } else { false } }


    @Test(arguments: StoreUnderTest.allCases)
    func savesLoadAndCountVersions(kind: StoreUnderTest) throws {
        let (store, _, cleanUp) = try kind.make()
        defer { cleanUp() }
        let record = S.cases(1)[0]
        #expect(try store.save(record, basedOn: nil, by: S.anna, at: S.now) == CaseVersion(1))
        var next = try store.load(record.id)
        next.record.notes.append(Note(author: S.anna.user, at: S.now, text: "Первая заметка"))
        #expect(try store.save(next.record, basedOn: next.version, by: S.anna, at: S.now) == CaseVersion(2))
        let loaded = try store.load(record.id)
        #expect(loaded.record.notes.map(\.text) == ["Первая заметка"])
        #expect(loaded.savedBy == S.anna.user)
        #expect(try store.summaries().map(\.id) == [record.id])
        #expect(try store.nextCaseID() == CaseID(number: 2))
    }

    @Test(arguments: StoreUnderTest.allCases)
    func aStaleSaveIsAConflictNamingWhoAndWhen(kind: StoreUnderTest) throws {
        let (store, session, cleanUp) = try kind.make()
        defer { cleanUp() }
        let record = S.cases(1)[0]
        _ = try store.save(record, basedOn: nil, by: S.anna, at: S.now)
        let other = try session()
        let later = Timestamp(secondsSinceEpoch: S.now.secondsSinceEpoch + 60)
        _ = try store.save(record, basedOn: CaseVersion(1), by: S.anna, at: later)
        #expect(throws: StoreError.conflict(record.id, savedBy: S.anna.user, savedAt: later, version: CaseVersion(2))) {
            try other.save(record, basedOn: CaseVersion(1), by: S.oleh, at: later)
        }
        #expect(throws: StoreError.alreadyExists(record.id)) { try store.save(record, basedOn: nil, by: S.anna, at: S.now) }
        #expect(throws: StoreError.notFound(CaseID(number: 9))) {
            try store.save(S.cases(1, from: 9)[0], basedOn: CaseVersion(1), by: S.anna, at: S.now)
        }
    }

    @Test(arguments: StoreUnderTest.allCases)
    func onlyTheRoleTheStoreGivesMaySave(kind: StoreUnderTest) throws {
        let (store, _, cleanUp) = try kind.make()
        defer { cleanUp() }
        let record = S.cases(1)[0]
        #expect(performing: { try store.save(record, basedOn: nil, by: S.auditor, at: S.now) }, throws: Self.isForbidden)
        // oleh is a caseworker; a session claiming he is a supervisor is refused.
        #expect(performing: { try store.save(record, basedOn: nil, by: Actor(user: "oleh.m", role: .supervisor), at: S.now) }, throws: Self.isForbidden)
        #expect(performing: { try store.save(record, basedOn: nil, by: Actor(user: "nobody", role: .caseworker), at: S.now) }, throws: Self.isForbidden)
        #expect(try store.summaries().isEmpty)
        #expect(try store.auditTrail(matching: AuditFilter(), limit: 10).isEmpty)
    }

    @Test(arguments: StoreUnderTest.allCases)
    func savesTogetherAreAllOrNone(kind: StoreUnderTest) throws {
        let (store, _, cleanUp) = try kind.make()
        defer { cleanUp() }
        let records = S.cases(2)
        _ = try store.save(records[1], basedOn: nil, by: S.anna, at: S.now)
        // The second is stale (version 7 does not exist): neither is written.
        #expect(throws: StoreError.self) {
            try store.save(together: [CaseUpdate(records[0], basedOn: nil), CaseUpdate(records[1], basedOn: CaseVersion(7))],
                           by: S.anna, at: S.now)
        }
        #expect(try store.summaries().map(\.id) == [records[1].id])
        #expect(throws: StoreError.unavailable("a case appears twice in one change")) {
            try store.save(together: [CaseUpdate(records[0], basedOn: nil), CaseUpdate(records[0], basedOn: nil)], by: S.anna, at: S.now)
        }
        let versions = try store.save(together: [CaseUpdate(records[0], basedOn: nil), CaseUpdate(records[1], basedOn: CaseVersion(1))],
                                      by: S.anna, at: S.now)
        #expect(versions == [CaseVersion(1), CaseVersion(2)])
    }

    @Test(arguments: StoreUnderTest.allCases)
    func aQuotaIsKept(kind: StoreUnderTest) throws {
        let (store, _, cleanUp) = try kind.make()
        defer { cleanUp() }
        let records = S.cases(2).map(S.allocated)
        _ = try store.save(records[0], basedOn: nil, by: S.maria, at: S.now)
        #expect(performing: { try store.save(records[1], basedOn: nil, by: S.maria, at: S.now) }, throws: Self.isQuota)
        // Two at once past the quota: the second of the pair is refused, and so the pair.
        _ = try store.changeHostCountries(.setQuota(S.germany.code, 2), by: S.admin, at: S.now)
        let more = S.cases(2, from: 5).map(S.allocated)
        #expect(performing: { try store.save(together: more.map { CaseUpdate($0, basedOn: nil) }, by: S.maria, at: S.now) },
                throws: Self.isQuota)
        #expect(try store.summaries().count == 1)
        #expect(throws: StoreError.self) { try store.changeHostCountries(.setQuota(S.germany.code, 0), by: S.admin, at: S.now) }
    }

    @Test(arguments: StoreUnderTest.allCases)
    func eachKindOfPlaceIsKeptAndReadBack(kind: StoreUnderTest) throws {
        // Issue 26: Germany has three places, one of them with medical support.
        let (store, session, cleanUp) = try kind.make()
        defer { cleanUp() }
        _ = try store.changeHostCountries(.setQuota(S.germany.code, 3), by: S.admin, at: S.now)
        let countries = try store.changeHostCountries(.setCapacity(S.germany.code, .medicalSupport, 1), by: S.admin, at: S.now)
        #expect(countries.first?.capacities == [.medicalSupport: 1])
        let records = S.cases(3).map { record -> Case in
            var next = S.allocated(record)
            next.allocation?.places = [.medicalSupport]
            return next
        }
        _ = try store.save(records[0], basedOn: nil, by: S.maria, at: S.now)
        #expect(performing: { try store.save(records[1], basedOn: nil, by: S.maria, at: S.now) }, throws: Self.isQuota)
        var plain = records[2]
        plain.allocation?.places = nil
        _ = try store.save(plain, basedOn: nil, by: S.maria, at: S.now)
        // Another session reads the kinds back: the countries, and the ledger from the summaries.
        let other = try session()
        #expect(try other.hostCountries().first?.capacities == [.medicalSupport: 1])
        let ledger = QuotaLedger(countries: try other.hostCountries(), summaries: try other.summaries())
        #expect(ledger.used(.medicalSupport, in: S.germany.code) == 1)
        #expect(ledger.free(.medicalSupport, in: S.germany.code) == 0)
        #expect(throws: StoreError.self) {
            try store.changeHostCountries(.setCapacity(S.germany.code, .medicalSupport, 0), by: S.admin, at: S.now)
        }
    }

    @Test(arguments: StoreUnderTest.allCases)
    func aKindHeldByAProposalIsTakenByItsApprovalAndTwoAtOnceCannotShareTheLastOne(kind: StoreUnderTest) throws {
        let (store, _, cleanUp) = try kind.make()
        defer { cleanUp() }
        _ = try store.changeHostCountries(.setPlaces(S.germany.code, quota: 4, capacities: [.medicalSupport: 1]), by: S.admin, at: S.now)
        func proposed(_ record: Case) -> Case {
            var next = record
            next.stage = .allocation
            next.allocation = AllocationProposal(country: S.germany.code, proposedBy: S.anna.user, proposedAt: S.now)
            next.allocation?.places = [.medicalSupport]
            return next
        }
        // Two proposals needing the last place with medical support, saved together: refused, neither written.
        let pair = S.cases(2, from: 20).map(proposed)
        #expect(performing: { try store.save(together: pair.map { CaseUpdate($0, basedOn: nil) }, by: S.anna, at: S.now) },
                throws: Self.isQuota)
        #expect(try store.summaries().isEmpty)
        // One proposal holds it; its approval takes it; no other proposal may then.
        let held = proposed(S.cases(1, from: 30)[0])
        _ = try store.save(held, basedOn: nil, by: S.anna, at: S.now)
        var approved = held
        approved.stage = .relocation
        approved.allocation?.review = Review(verdict: .approved, by: S.maria.user, at: S.now)
        _ = try store.save(approved, basedOn: CaseVersion(1), by: S.maria, at: S.now)
        let ledger = QuotaLedger(countries: try store.hostCountries(), summaries: try store.summaries())
        #expect(ledger.used(.medicalSupport, in: S.germany.code) == 1)
        #expect(ledger.reserved(.medicalSupport, in: S.germany.code) == 0)
        #expect(performing: { try store.save(proposed(S.cases(1, from: 31)[0]), basedOn: nil, by: S.anna, at: S.now) },
                throws: Self.isQuota)
    }

    @Test(arguments: StoreUnderTest.allCases)
    func aFullCourseTakesNoMoreSeats(kind: StoreUnderTest) throws {
        let (store, _, cleanUp) = try kind.make()
        defer { cleanUp() }
        let course = LanguageCourse(id: "de-a2", provider: "VHS", language: LanguageCode("de")!, targetLevel: .a2,
                                    country: S.germany.code, city: "Leipzig", schedule: "Mon-Fri", capacity: 1)
        _ = try store.changeCatalogue(CatalogueChange.add([course]), by: S.admin, at: S.now)
        #expect(try store.catalogue(of: LanguageCourse.self).map(\.id) == ["de-a2"])
        let records = S.cases(2).map { record -> Case in
            var next = record
            next.integration.enrolments = [CourseEnrolment(courseID: "de-a2", requestedOn: S.today, status: .enrolled, since: S.today)]
            return next
        }
        _ = try store.save(records[0], basedOn: nil, by: S.anna, at: S.now)
        #expect(throws: StoreError.capacity(.courseFull("de-a2", capacity: 1))) {
            try store.save(records[1], basedOn: nil, by: S.anna, at: S.now)
        }
    }

    @Test(arguments: StoreUnderTest.allCases)
    func aFamilyLinkIsSavedOnBothCasesOrNeither(kind: StoreUnderTest) throws {
        let (store, _, cleanUp) = try kind.make()
        defer { cleanUp() }
        var records = S.cases(2)
        records[0].family = [FamilyMember(id: 1, relationship: .brother, cyrillicName: records[1].defector.cyrillicName,
                                          latinName: records[1].defector.latinName, whereabouts: .inProgramme, risk: .low)]
        records[1].family = []
        for record in records { _ = try store.save(record, basedOn: nil, by: S.anna, at: S.now) }
        let (first, second) = try Workflow.link(member: 1, of: try store.load(records[0].id).record, to: try store.load(records[1].id).record,
                                                by: S.anna, at: S.now)
        #expect(throws: StoreError.self) { try store.save(first, basedOn: CaseVersion(1), by: S.anna, at: S.now) }
        _ = try store.save(together: [CaseUpdate(first, basedOn: CaseVersion(1)), CaseUpdate(second, basedOn: CaseVersion(1))],
                           by: S.anna, at: S.now)
        #expect(try store.load(records[1].id).record.family.compactMap(\.linkedCase) == [records[0].id])
    }

    @Test(arguments: StoreUnderTest.allCases)
    func anImportIsAllOrNoneAndNeverRewritesACase(kind: StoreUnderTest) throws {
        let (store, _, cleanUp) = try kind.make()
        defer { cleanUp() }
        let existing = S.cases(1)[0]
        _ = try store.save(existing, basedOn: nil, by: S.anna, at: S.now)
        #expect(throws: ImportError.self) {
            try store.importCases(S.cases(3), by: S.admin, at: S.now, today: S.today, progress: { _ in })
        }
        #expect(throws: StoreError.self) {
            try store.importCases(S.cases(2, from: 10), by: S.anna, at: S.now, today: S.today, progress: { _ in })
        }
        #expect(throws: StoreError.self) {
            try store.importCases(S.cases(2, from: 20).map(S.allocated), by: S.admin, at: S.now, today: S.today, progress: { _ in })
        }
        #expect(try store.summaries().count == 1)
        try store.importCases(S.cases(3, from: 2), by: S.admin, at: S.now, today: S.today, progress: { _ in })
        #expect(try store.summaries().map(\.id.number) == [1, 2, 3, 4])
        #expect(try store.load(existing.id).version == CaseVersion(1))
    }

    @Test(arguments: StoreUnderTest.allCases)
    func theAuditTrailIsNumberedWithoutGapsAndWithholdsSensitiveValues(kind: StoreUnderTest) throws {
        let (store, _, cleanUp) = try kind.make()
        defer { cleanUp() }
        var records = S.cases(3)
        records[0].family = [FamilyMember(id: 1, relationship: .mother, cyrillicName: records[0].defector.cyrillicName,
                                          latinName: records[0].defector.latinName, whereabouts: .russia, risk: .high)]
        _ = try store.save(records[0], basedOn: nil, by: S.anna, at: S.now)
        _ = try store.save(together: [CaseUpdate(records[1], basedOn: nil), CaseUpdate(records[2], basedOn: nil)], by: S.anna, at: S.now)
        _ = try store.changeUsers(.add("pieter.v", .supervisor), by: S.admin, at: S.now)
        var moved = try store.load(records[0].id)
        moved.record.family[0].whereabouts = .thirdCountry
        _ = try store.save(moved.record, basedOn: moved.version, by: S.anna, at: S.now)
        try store.importCases(S.cases(2, from: 10), by: S.admin, at: S.now, today: S.today, progress: { _ in })
        let trail = try store.auditTrail(matching: AuditFilter(), limit: 100)
        #expect(trail.map(\.sequence) == Array((1...7).reversed()))
        let change = try #require(try store.history(of: records[0].id).last?.changes.first { $0.field == "family[0].whereabouts" })
        #expect(change.before == CaseDiff.withheld)
        #expect(change.after == CaseDiff.withheld)
    }

    /// Drafts are kept per user, session and target: a second session of the same user keeps
    /// its own beside the first's (even of the same form), a running session's drafts are
    /// never offered, and a session that is over has all of its drafts offered to the next.
    @Test(arguments: StoreUnderTest.allCases)
    func draftsAreKeptPerSessionAndOfferedOnceTheSessionIsOver(kind: StoreUnderTest) throws {
        let (store, session, cleanUp) = try kind.make()
        defer { cleanUp() }
        let anna = S.anna.user
        let other = try session()
        try store.beginSession("one", for: anna)
        try other.beginSession("two", for: anna)
        let intake = FormDraft(session: "one", savedAt: S.now, values: ["cyrillicName.family": "Жуков"], focus: "cyrillicName.family")
        let close = FormDraft(session: "one", form: "close", title: "Close HV-000001", savedAt: Timestamp(secondsSinceEpoch: S.now.secondsSinceEpoch + 5),
                              values: ["reason": "moved", "details": "Уехал к брату"], focus: "details", editing: CaseID(number: 1),
                              basedOn: CaseVersion(3), baseValues: ["reason": "", "details": ""], labels: ["reason": "Reason", "details": "Details"])
        let theirs = FormDraft(session: "two", savedAt: Timestamp(secondsSinceEpoch: S.now.secondsSinceEpoch + 9),
                               values: ["cyrillicName.family": "Петров"], focus: "cyrillicName.family")
        try store.keepDraft(intake, for: anna)
        try store.keepDraft(close, for: anna)
        try other.keepDraft(theirs, for: anna)
        #expect(intake.target == theirs.target, "the same form in two sessions")
        #expect(try store.drafts(for: anna).isEmpty, "session two is running: its draft is its own")
        #expect(try other.drafts(for: anna).isEmpty, "session one is running")

        store.endSession("one", for: anna)
        let next = try session()
        #expect(try next.drafts(for: anna) == [close, intake], "session one's drafts, newest first, not overwritten by two's")
        try other.keepDraft(FormDraft(session: "two", savedAt: S.now, values: ["cyrillicName.family": "Сидоров"], focus: "x"), for: anna)
        #expect(try next.drafts(for: anna).first { $0.target == "intake" }?.values["cyrillicName.family"] == "Жуков")
        #expect(try next.drafts(for: S.oleh.user).isEmpty, "another user's drafts are not his")

        try next.discardDraft(session: "one", target: "intake", for: anna)
        #expect(try next.drafts(for: anna).map(\.target) == ["HV-000001.close"])
        other.endSession("two", for: anna)
        #expect(try next.drafts(for: anna).map(\.session).sorted() == ["one", "two"])
    }

    /// A person's settings are theirs: kept whole, read back by any later session, and
    /// nobody else's.
    @Test(arguments: StoreUnderTest.allCases)
    func settingsAreKeptPerUser(kind: StoreUnderTest) throws {
        let (store, session, cleanUp) = try kind.make()
        defer { cleanUp() }
        #expect(try store.settings(for: S.anna.user) == UserSettings(), "none kept yet: empty")
        var filter = ApprovalFilter()
        filter.kind = .allocations
        filter.waitingAtLeast = 7
        filter.words = "Жук"
        try store.keepSettings(UserSettings().saving(filter), for: S.anna.user)
        #expect(try session().settings(for: S.anna.user).approvalFilters == [filter])
        #expect(try session().settings(for: S.oleh.user) == UserSettings())
    }

    @Test(arguments: StoreUnderTest.allCases)
    func anotherSessionsSavesArriveOnRefresh(kind: StoreUnderTest) throws {
        let (store, session, cleanUp) = try kind.make()
        defer { cleanUp() }
        let other = try session()
        _ = try other.refresh()
        _ = try store.save(S.cases(1)[0], basedOn: nil, by: S.anna, at: S.now)
        _ = try other.refresh()
        #expect(try other.summaries().count == 1)
        #expect(try other.refresh() == false)
    }

    @Test(arguments: StoreUnderTest.allCases)
    func usersChangeOnlyByAnAdministratorAndNeverLoseTheLast(kind: StoreUnderTest) throws {
        let (store, _, cleanUp) = try kind.make()
        defer { cleanUp() }
        #expect(performing: { try store.changeUsers(.add("pieter.v", .supervisor), by: S.maria, at: S.now) }, throws: Self.isForbidden)
        #expect(performing: { try store.changeUsers(.remove("root"), by: S.admin, at: S.now) }, throws: Self.isForbidden)
        let after = try store.changeUsers(.remove("oleh.m"), by: S.admin, at: S.now)
        #expect(after.account("oleh.m") == nil)
        #expect(performing: { try store.save(S.cases(1)[0], basedOn: nil, by: S.oleh, at: S.now) }, throws: Self.isForbidden)
        // Administrators' changes are numbered as revisions of what they change, in every store.
        _ = try store.changeHostCountries(.setQuota(S.germany.code, 5), by: S.admin, at: S.now)
        let trail = try store.auditTrail(matching: AuditFilter(), limit: 10)
        #expect(trail.map { "\($0.subject ?? "case") \($0.version)" } == ["countries v1", "users v2"])
    }

    @Test(arguments: StoreUnderTest.allCases)
    func sessionsSavingOneCaseAtOnceLoseNothing(kind: StoreUnderTest) throws {
        let (store, session, cleanUp) = try kind.make()
        defer { cleanUp() }
        let record = S.cases(1)[0]
        _ = try store.save(record, basedOn: nil, by: S.anna, at: S.now)
        let sessions = try (0..<4).map { _ in try session() }
        let acknowledged = Mutex<[String]>([])
        nonisolated(unsafe) let shared = sessions
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            let mine = shared[worker]
            for round in 0..<10 {
                let text = "worker \(worker) note \(round)"
                while true {
                    do {
                        _ = try mine.refresh()
                        var stored = try mine.load(record.id)
                        stored.record.notes.append(Note(author: S.anna.user, at: S.now, text: text))
                        _ = try mine.save(stored.record, basedOn: stored.version, by: S.anna, at: S.now)
                        acknowledged.withLock { $0.append(text) }
                        break
                    } catch StoreError.conflict {
                        continue
                    } catch {
                        Issue.record("\(error)")
                        return
                    }
                }
            }
        }
        let final = try session().load(record.id)
        #expect(Set(final.record.notes.map(\.text)) == Set(acknowledged.withLock { $0 }))
        #expect(final.record.notes.count == 40)
        #expect(final.version == CaseVersion(41))
    }
}
