import XCTest
@testable import HavenCore

/// Need to know (issue 24): who sees a case in full, who must give a reason, who is refused,
/// and what lists show of a restricted case; the store enforces it on every read and save.
final class NeedToKnowTests: XCTestCase {
    let now = Fixtures.now
    let vera = Actor(user: "vera.t", role: .caseworker)

    func directory(teams: [String: String] = [:]) -> UserDirectory {
        let accounts: [(Actor, String?)] = [(Fixtures.anna, teams["anna.k"]), (Fixtures.oleh, teams["oleh.m"]), (vera, teams["vera.t"]),
                                            (Fixtures.maria, teams["maria.s"]), (Fixtures.pieter, teams["pieter.v"]),
                                            (Fixtures.admin, nil), (Fixtures.auditor, nil)]
        return UserDirectory(users: accounts.map { UserAccount(name: $0.0.user, role: $0.0.role, addedBy: "root", addedAt: now, team: $0.1) })
    }

    func summary(assignedTo: UserName?, restrictedTo team: [UserName]? = nil) -> CaseSummary {
        var record = Fixtures.newCase()
        record.assignedTo = assignedTo
        if let team { record.restriction = CaseRestriction(team: team, reason: "Publicised defector", by: "maria.s", at: now) }
        return CaseSummary(record: record, version: CaseVersion(1))
    }

    func testWhoSeesWhat() {
        let users = directory(teams: ["anna.k": "kyiv", "oleh.m": "kyiv", "vera.t": "lviv", "maria.s": "lviv"])
        let annas = summary(assignedTo: "anna.k")
        XCTAssertEqual(NeedToKnow.level(of: Fixtures.anna, for: annas, users: users), .full, "her own case")
        XCTAssertEqual(NeedToKnow.level(of: Fixtures.oleh, for: annas, users: users), .full, "a case of his team")
        XCTAssertEqual(NeedToKnow.level(of: vera, for: annas, users: users), .reasonNeeded, "another team's case")
        XCTAssertEqual(NeedToKnow.level(of: Fixtures.oleh, for: annas, users: directory()), .reasonNeeded, "no teams set: only her own")
        XCTAssertEqual(NeedToKnow.level(of: Fixtures.anna, for: summary(assignedTo: nil), users: users), .reasonNeeded, "nobody's case")
        XCTAssertEqual(NeedToKnow.level(of: Fixtures.maria, for: annas, users: users), .full, "supervisors see every case")
        XCTAssertEqual(NeedToKnow.level(of: Fixtures.admin, for: annas, users: users), .reasonNeeded)
        XCTAssertEqual(NeedToKnow.level(of: Fixtures.auditor, for: annas, users: users), .reasonNeeded)

        let restricted = summary(assignedTo: "anna.k", restrictedTo: ["vera.t"])
        XCTAssertEqual(restricted.restriction?.team, ["anna.k", "vera.t"], "its caseworker is always in its team")
        XCTAssertEqual(NeedToKnow.level(of: Fixtures.anna, for: restricted, users: users), .full)
        XCTAssertEqual(NeedToKnow.level(of: vera, for: restricted, users: users), .full, "named in its team")
        XCTAssertEqual(NeedToKnow.level(of: Fixtures.oleh, for: restricted, users: users), .refused, "her team-mate is not in the case's team")
        XCTAssertEqual(NeedToKnow.level(of: Fixtures.pieter, for: restricted, users: users), .full)
        XCTAssertEqual(NeedToKnow.level(of: Fixtures.admin, for: restricted, users: users), .refused)
        XCTAssertEqual(NeedToKnow.level(of: Fixtures.auditor, for: restricted, users: users), .refused)
        XCTAssertEqual(NeedToKnow.level(of: Actor(user: "vera.t", role: .administrator), for: restricted, users: users), .refused,
                       "named in the team, but an administrator now")
    }

    func testRestrictedNamesAreMaskedOutsideTheTeamOnly() {
        let plain = summary(assignedTo: "anna.k")
        var restricted = summary(assignedTo: "anna.k", restrictedTo: [])
        restricted.id = CaseID(number: 2)
        let list = [plain, restricted]
        XCTAssertEqual(NeedToKnow.masking(list, for: Fixtures.anna), list, "her own restricted case")
        XCTAssertEqual(NeedToKnow.masking(list, for: Fixtures.maria), list)
        let masked = NeedToKnow.masking(list, for: Fixtures.oleh)
        XCTAssertEqual(masked[0], plain, "a case that is not restricted keeps its names in lists")
        XCTAssertEqual(masked[1].cyrillicName, NeedToKnow.maskedName)
        XCTAssertEqual(masked[1].latinName, NeedToKnow.maskedName)
        XCTAssertEqual(masked[1].stage, restricted.stage, "the rest of the summary stays")
        XCTAssertEqual(NeedToKnow.masking(list, for: Fixtures.auditor)[1].latinName, NeedToKnow.maskedName)
    }

    func testAJudgedOpeningSaysWhatTheLogRecords() throws {
        let users = directory()
        let reader = Reader(actor: vera, session: "s1")
        let others = summary(assignedTo: "anna.k")
        XCTAssertThrowsError(try NeedToKnow.judge(others, part: .caseRecord, by: reader, reason: "too short", reasonGivenBefore: false,
                                                   users: users, at: now)) { error in
            XCTAssertEqual(error as? NeedToKnowError, .reasonTooShort(9))
        }
        let refused = try NeedToKnow.judge(others, part: .caseRecord, by: reader, reason: nil, reasonGivenBefore: false, users: users, at: now)
        XCTAssertEqual(refused.entry.outcome, .refused)
        XCTAssertEqual(refused.refusal, .reasonNeeded(others.id))
        let reasoned = try NeedToKnow.judge(others, part: .caseRecord, by: reader, reason: "  Covering Anna's interview today  ",
                                            reasonGivenBefore: false, users: users, at: now)
        XCTAssertNil(reasoned.refusal)
        XCTAssertEqual(reasoned.entry.outcome, .reasoned)
        XCTAssertEqual(reasoned.entry.reason, "Covering Anna's interview today")
        XCTAssertEqual(reasoned.entry.session, "s1")
        let again = try NeedToKnow.judge(others, part: .family, by: reader, reason: nil, reasonGivenBefore: true, users: users, at: now)
        XCTAssertEqual(again.entry.outcome, .openedOnReason)
        XCTAssertEqual(again.entry.part, .family)
        let restricted = try NeedToKnow.judge(summary(assignedTo: "anna.k", restrictedTo: []), part: .caseRecord, by: reader,
                                              reason: "I really need to see it now", reasonGivenBefore: false, users: users, at: now)
        XCTAssertEqual(restricted.refusal, .restricted(others.id), "no reason opens a restricted case")
        XCTAssertEqual(restricted.entry.outcome, .refused)
    }

    func testTheStoreLogsEveryOpeningAndRefusesSavesWithoutNeedToKnow() throws {
        var record = Fixtures.newCase()
        record.assignedTo = "anna.k"
        let store = InMemoryCaseStore(cases: [record], users: directory())
        let veraReads = Reader(actor: vera, session: "v1")
        XCTAssertThrowsError(try store.read(record.id, part: .caseRecord, by: veraReads, reason: nil, at: now)) { error in
            XCTAssertEqual(error as? StoreError, .needToKnow(.reasonNeeded(record.id)))
        }
        let noted = try Workflow.addNote("Seen at the reception centre", on: record, by: vera, at: now)
        XCTAssertThrowsError(try store.save(noted, basedOn: CaseVersion(1), by: vera, at: now), "no note in a case she may not open") { error in
            XCTAssertEqual(error as? StoreError, .forbidden(NeedToKnowError.reasonNeeded(record.id).description))
        }
        _ = try store.read(record.id, part: .caseRecord, by: veraReads, reason: "Covering Anna's interview today", at: now)
        XCTAssertEqual(try store.save(noted, basedOn: CaseVersion(1), by: vera, at: now), CaseVersion(2), "with a reason given she may")
        _ = try store.read(record.id, part: .history, by: veraReads, reason: nil, at: now)
        _ = try store.read(record.id, part: .caseRecord, by: Reader(actor: Fixtures.anna, session: "a1"), reason: nil, at: now)
        let log = store.accessLog(matching: AccessFilter(), limit: 10)
        XCTAssertEqual(log.map(\.outcome), [.opened, .openedOnReason, .reasoned, .refused], "newest first, the refusal too")
        XCTAssertEqual(log.map(\.sequence), [4, 3, 2, 1])
        XCTAssertEqual(store.accessLog(matching: AccessFilter(user: "vera.t", reasonedOnly: true), limit: 10).map(\.outcome), [.reasoned, .refused])

        // Restricted by a supervisor to nobody but its caseworker: Vera's reason no longer counts.
        let restricted = try Workflow.restrict(try store.load(record.id).record, team: [], reason: "A family at high risk", users: directory(),
                                               by: Fixtures.maria, at: now)
        _ = try store.save(restricted, basedOn: CaseVersion(2), by: Fixtures.maria, at: now)
        let another = try Workflow.addNote("Again", on: restricted, by: vera, at: now)
        XCTAssertThrowsError(try store.save(another, basedOn: CaseVersion(3), by: vera, at: now)) { error in
            XCTAssertEqual(error as? StoreError, .forbidden(NeedToKnowError.restricted(record.id).description))
        }
        XCTAssertThrowsError(try store.read(record.id, part: .caseRecord, by: veraReads, reason: "Covering Anna's interview", at: now))
        XCTAssertNoThrow(try store.read(record.id, part: .family, by: Reader(actor: Fixtures.anna, session: "a1"), reason: nil, at: now))
    }

    func testOnlySupervisorsRestrictAndTheTeamMustBeCaseworkersOrSupervisors() throws {
        let record = Fixtures.newCase()
        XCTAssertThrowsError(try Workflow.restrict(record, team: [], reason: "Publicised defector", users: directory(), by: Fixtures.anna, at: now))
        XCTAssertThrowsError(try Workflow.restrict(record, team: ["audit.e", "nobody"], reason: "short", users: directory(), by: Fixtures.maria, at: now)) { error in
            guard case let .invalid(issues)? = error as? WorkflowError else { return XCTFail("\(error)") }
            XCTAssertEqual(issues.map(\.field), ["restriction.reason", "restriction.team", "restriction.team"])
            XCTAssertEqual(issues.map(\.message).dropFirst(), ["audit.e is an auditor: only caseworkers and supervisors can be in a case's team.",
                                                              "There is no user nobody in this store."])
        }
        let restricted = try Workflow.restrict(record, team: ["vera.t", "oleh.m", "vera.t"], reason: " Publicised defector ", users: directory(),
                                               by: Fixtures.maria, at: now)
        XCTAssertEqual(restricted.restriction, CaseRestriction(team: ["oleh.m", "vera.t"], reason: "Publicised defector", by: "maria.s", at: now))
        XCTAssertEqual(CaseDiff.changes(from: record, to: restricted).map(\.field).sorted(),
                       ["restriction.at", "restriction.by", "restriction.reason", "restriction.team[0]", "restriction.team[1]"],
                       "the trail records who restricted it, to whom and why")
        XCTAssertNil(try Workflow.liftRestriction(restricted, by: Fixtures.pieter).restriction)
    }

    func testTeamsAreSetByAdministratorsAndAuditedAndSupervisorsOfTheTeamAreTold() throws {
        let users = directory(teams: ["maria.s": "kyiv"])
        let next = try users.applying(.setTeam("anna.k", "kyiv"), by: Fixtures.admin, at: now)
        XCTAssertEqual(next.account("anna.k")?.team, "kyiv")
        XCTAssertEqual(users.fieldChanges(to: next, for: "anna.k"), [FieldChange(field: "users.anna.k.team", before: nil, after: "\"kyiv\"")])
        XCTAssertThrowsError(try next.applying(.setTeam("anna.k", "kyiv"), by: Fixtures.admin, at: now))
        XCTAssertThrowsError(try next.applying(.setTeam("anna.k", "bad team!"), by: Fixtures.admin, at: now))
        XCTAssertThrowsError(try next.applying(.setTeam("anna.k", nil), by: Fixtures.maria, at: now), "administrators only")
        XCTAssertEqual(try next.applying(.add("anna.k", .supervisor), by: Fixtures.admin, at: now).account("anna.k")?.team, "kyiv",
                       "a new role keeps the team")
        XCTAssertEqual(NeedToKnow.supervisorsTold(of: "anna.k", users: next), ["maria.s"])
        XCTAssertEqual(NeedToKnow.supervisorsTold(of: "oleh.m", users: next), ["maria.s", "pieter.v"], "no team: every supervisor")
    }

    func testTheTrailShowsValuesOnlyToThoseWhoMayOpenTheCase() throws {
        let users = directory()
        var record = Fixtures.newCase()
        record.assignedTo = "anna.k"
        let registered = AuditEntry(sequence: 1, at: now, user: "anna.k", caseID: record.id, version: CaseVersion(1),
                                    changes: CaseDiff.changes(from: nil, to: record))
        let note = AuditEntry(sequence: 2, at: now, user: "anna.k", caseID: record.id, version: CaseVersion(2),
                              changes: [FieldChange(field: "notes[0].text", before: nil, after: "\"Семья в Пскове\"")])
        let users2 = AuditEntry(sequence: 3, at: now, user: "root", caseID: nil, subject: "users", version: CaseVersion(2),
                                changes: [FieldChange(field: "users.vera.t.role", before: nil, after: "\"caseworker\"")])
        let summaries = [CaseSummary(record: record, version: CaseVersion(2))]
        let entries = [registered, note, users2]
        XCTAssertEqual(NeedToKnow.redacting(entries, for: Fixtures.anna, summaries: summaries, users: users, reasoned: { _ in false }), entries)
        XCTAssertEqual(NeedToKnow.redacting(entries, for: Fixtures.maria, summaries: summaries, users: users, reasoned: { _ in false }), entries)
        let auditors = NeedToKnow.redacting(entries, for: Fixtures.auditor, summaries: summaries, users: users, reasoned: { _ in false })
        XCTAssertEqual(auditors[1].changes, [FieldChange(field: "notes[0].text", before: nil, after: NeedToKnow.notTheirs)], "which field, not what")
        XCTAssertFalse(auditors[0].changes.contains { ($0.after ?? "").contains("Жуков") }, "the registration's record is withheld")
        XCTAssertEqual(auditors[2], users2, "entries about no case are as they were")
        XCTAssertEqual(NeedToKnow.redacting(entries, for: Fixtures.auditor, summaries: summaries, users: users, reasoned: { _ in true }), entries,
                       "a reason given for the case shows its values")
        // An erased value is no one's to withhold: it reads as erased, not as "open the case".
        let erased = note.erasingValues { _ in "erased:sha256:" + String(repeating: "0", count: 64) }
        XCTAssertEqual(NeedToKnow.redacting([erased], for: Fixtures.auditor, summaries: summaries, users: users, reasoned: { _ in false }), [erased])
    }

    func testOnlySupervisorsChangeARestrictionWhateverTheSave() throws {
        var record = Fixtures.newCase()
        record.assignedTo = "anna.k"
        let store = InMemoryCaseStore(cases: [record], users: directory())
        var lifted = record
        lifted.restriction = CaseRestriction(team: ["anna.k"], reason: "Set by hand in an edit", by: "anna.k", at: now)
        XCTAssertThrowsError(try store.save(lifted, basedOn: CaseVersion(1), by: Fixtures.anna, at: now), "her own case, yet not hers to restrict")
        var imported = Fixtures.newCase()
        imported.id = CaseID(number: 9)
        imported.restriction = CaseRestriction(team: [], reason: "Came restricted in a file", by: "root", at: now)
        XCTAssertThrowsError(try store.importCases([imported], by: Fixtures.admin, at: now, today: Fixtures.today, progress: { _ in }))
        XCTAssertNoThrow(try store.save(lifted, basedOn: CaseVersion(1), by: Fixtures.maria, at: now))
        // A supervisor demoted while a session is open reads as a supervisor no more.
        let demoted = InMemoryCaseStore(cases: [record], users: try directory().applying(.add("maria.s", .caseworker), by: Fixtures.admin, at: now))
        XCTAssertThrowsError(try demoted.read(record.id, part: .caseRecord, by: Reader(actor: Fixtures.maria, session: "m"), reason: nil, at: now))
    }

    func testAReasonIsWordsAndSupervisorsGetOneLineAReaderAndCase() throws {
        XCTAssertThrowsError(try NeedToKnow.reason("..........."), "a row of dots") { error in
            XCTAssertEqual(error as? NeedToKnowError, .reasonWithoutWords)
        }
        XCTAssertEqual(try NeedToKnow.reason("Звонок семьи: срочно"), "Звонок семьи: срочно", "words in any script")
        let record = Fixtures.newCase()
        func entry(_ sequence: Int, _ user: UserName, _ outcome: AccessOutcome, detail: String? = nil, reason: String? = nil) -> AccessEntry {
            AccessEntry(sequence: sequence, at: now, user: user, role: .caseworker, session: "s", part: .caseRecord, outcome: outcome,
                        caseID: record.id, reason: reason, detail: detail)
        }
        let access = [entry(1, "vera.t", .refused, detail: NeedToKnow.noReasonDetail), entry(2, "vera.t", .reasoned, reason: "First reason given"),
                      entry(3, "vera.t", .reasoned, reason: "Second reason given"), entry(4, "oleh.m", .refused, detail: NeedToKnow.restrictedDetail)]
        let items = MyWork.items(for: "maria.s", role: .supervisor, cases: [CaseSummary(record: record, version: CaseVersion(1))], now: now,
                                 clock: .utc, targets: StageTargets(days: [:]), access: access).filter { $0.reason == .access }
        XCTAssertEqual(items.map(\.id).sorted(), ["access:3", "access:4"], "the newest reason of each reader; no refusal that only asked for one")
        XCTAssertTrue(items.contains { $0.text == "vera.t opened it (case): Second reason given" })
        XCTAssertTrue(items.contains { $0.text == "oleh.m tried to open it (case); it is restricted" })
        XCTAssertEqual(MyWork.items(for: "anna.k", role: .caseworker, cases: [], now: now, clock: .utc, targets: StageTargets(days: [:]),
                                    access: access).count, 0, "caseworkers are not told")
    }
}
