import Foundation
import HavenCore
import HavenStore
import HavenTestSupport
import XCTest

/// Issue 20's walk as a test: one new case from intake to integration follow-ups and a
/// reunited wife, through the screens only, at 80x24, as a caseworker and a second real OS
/// account that approves. A training (demo) store shared with the staff group lets a later
/// session run its clock three months on, to the job's first follow-up. Needs root.
final class WholeCaseWalkInTmuxTests: XCTestCase {
    var scratch: URL!
    var store: String { scratch.appendingPathComponent("store").path }
    let worker = TwoUsersApprovalTests.caseworker
    let supervisor = TwoUsersApprovalTests.supervisor
    let today = CalendarDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400))

    override func setUpWithError() throws {
        scratch = try TwoUsersApprovalTests.prepareAccounts(prefix: "haven-walk")
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    struct Stopped: Error, CustomStringConvertible { let description: String }

    /// Waits for `text`; the walk stops at the first screen that is not as expected.
    func see(_ session: TmuxSession, _ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        guard session.waitFor(text: text, file: file, line: line) else { throw Stopped(description: "stopped: '\(text)' never showed") }
    }

    @discardableResult
    func haven(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try ChildProcess.run(["env", "-i", "PATH=/usr/bin:/bin", "HOME=\(scratch.path)", HavenBinary.url.path] + arguments,
                             outputPath: scratch.appendingPathComponent("out-\(UUID().uuidString)").path)
    }

    func session(_ user: String, clock: CalendarDate? = nil) throws -> TmuxSession {
        let session = try TmuxSession(arguments: ["--store", store] + (clock.map { ["--clock", $0.description] } ?? []), user: user)
        try see(session, "\(user) ·")
        return session
    }

    /// q until Haven asks whether to quit (each screen closes in turn), then y.
    func quit(_ session: TmuxSession, _ keys: String...) throws {
        for _ in 0..<6 where !session.screen.contains("Quit Haven? y quits") {
            try session.press("q")
            usleep(150_000)
        }
        try see(session, "Quit Haven? y quits")
        try session.press("y")
        XCTAssertEqual(session.exitStatus(), 0, session.standardError)
    }

    func openCase(_ session: TmuxSession) throws {
        try session.press("/")
        try session.type("Жуков")
        try see(session, "HV-000001")
        try session.press("Enter")
        try see(session, "HV-000001 Жуков Артём Сергеевич (Artem Zhukov)")
    }

    /// Presses Down `count` times on a pick list, then Enter, once `title` is on the screen.
    func choose(_ session: TmuxSession, _ title: String, down count: Int) throws {
        try see(session, title)
        for _ in 0..<count { try session.press("Down") }
        guard session.waitFor("\(title) selected", { $0.components(separatedBy: "\n").contains { $0.contains(title) && $0.hasPrefix(">") } }) else {
            throw Stopped(description: "stopped: \(title) not selected")
        }
        try session.press("Enter")
    }

    func testOneCaseFromIntakeToFollowUpsAndAReunitedWife() throws {
        XCTAssertEqual(try haven(["demo", "--cases", "0", "--no-open", "--role", "administrator", "--group", TwoUsersApprovalTests.group,
                                  "--store", store]).status, 0)
        XCTAssertEqual(try haven(["users", "add", worker, "--role", "caseworker", "--store", store]).status, 0)
        XCTAssertEqual(try haven(["users", "add", supervisor, "--role", "supervisor", "--store", store]).status, 0)

        // 1. Intake, by the caseworker: fields reached by Tab and by Ctrl-G with a letter or a section's number.
        var cw = try session(worker)
        try cw.press("1")
        try see(cw, "Register a defector")
        try cw.type("Жуков"); try cw.press("Tab"); try cw.type("Артём"); try cw.press("Tab"); try cw.type("Сергеевич")
        try cw.press("C-g", "d"); try cw.type("1998-03-14"); try cw.press("Tab"); try cw.type("Псков")
        try cw.press("C-g", "2", "Tab", "Tab"); try cw.type("4-я гв. танковая дивизия")
        try cw.press("C-g", "3", "Tab"); try cw.type(today.adding(days: -30).description); try cw.press("Tab"); try cw.type("Купянск")
        try cw.press("C-g", "4", "End"); try cw.type(", de A2"); try cw.press("Tab"); try cw.type("сварка; погрузчик")
        try cw.press("C-g", "r"); try cw.type("Расстрел за дезертирство")
        try cw.press("C-g", "5", "d", "C-g", "w"); try cw.type("Брат живёт в Лейпциге")
        try cw.press("C-g", "6", "y", "Tab", "y")
        try cw.press("C-s")
        try see(cw, "· Intake · v1")

        // The wife, on the family screen, and her application filed.
        try cw.press("f")
        try see(cw, "No family members")
        try cw.press("a")
        try see(cw, "Relationship")
        try cw.press("Tab"); try cw.type("Жукова"); try cw.press("Tab"); try cw.type("Анна")
        try cw.press("C-s")
        try see(cw, "Жукова Анна")
        try moveReunification(cw, to: "Application filed", next: "Собрать документы")

        // 2. Screening: submitted, then the four checks, the article 1F steps reasoned.
        try cw.press("q")
        try see(cw, "· Intake · v")
        try cw.press("t")
        try choose(cw, "Submit for screening", down: 0)
        try see(cw, "· Screening · v")
        try cw.press("s")
        try see(cw, "Screening check for HV-000001")
        try cw.press("Tab", "Tab", "Tab"); try cw.type("военный билет")
        try cw.press("C-s")
        try see(cw, "Saved HV-000001")
        for kind in ["Security vetting", "Exclusion (art. 1F)", "Debrief"] {
            try cw.press("s")
            try choose(cw, "Record a check", down: 0)
            try see(cw, "Screening check for HV-000001")
            if kind.hasPrefix("Exclusion") {
                try see(cw, "Article 1F assessment")
                try cw.press("C-g", "2")
                for _ in 0..<4 {
                    try cw.press("Tab", "Tab")
                    try cw.type("Нет сведений об участии; показания согласуются с документами.")
                }
            }
            try cw.press("C-s")
            try see(cw, "Saved HV-000001")
        }
        try cw.press("t")
        try choose(cw, "Complete screening", down: 0)
        try see(cw, "· Decision · v")

        // 3. A decision proposed, then amended before review.
        try cw.press("p")
        try see(cw, "Propose a decision on HV-000001")
        try cw.press("Tab"); try cw.type("Показания последовательны.")
        try cw.press("C-s")
        try see(cw, "p Amend")
        try cw.press("p")
        try see(cw, "Amend the proposed decision")
        try cw.press("C-u"); try cw.type("Показания последовательны; все проверки пройдены.")
        try cw.press("C-s")
        try see(cw, "Saved HV-000001")
        try quit(cw, "q", "q")

        // The supervisor, as another OS account, approves the grant.
        var sv = try session(supervisor)
        try approveFirst(sv, kind: "Grant")
        try quit(sv, "q", "q")

        // 4. Allocation by hand: the caseworker proposes the best country; the supervisor approves.
        cw = try session(worker)
        try openCase(cw)
        try see(cw, "· Allocation · v")
        try cw.press("p")
        try see(cw, "best DE")
        try cw.press("Enter")
        try see(cw, "Proposed HV-000001 for DE")
        try quit(cw, "q", "q", "q")
        sv = try session(supervisor)
        try approveFirst(sv, kind: "Allocate to DE")
        try quit(sv, "q", "q")

        // 5. Relocation: travel, departure and arrival on one form; the arrival moves it on.
        cw = try session(worker)
        try openCase(cw)
        try see(cw, "· Relocation · v")
        try cw.press("l")
        try see(cw, "Travel and arrival of HV-000001")
        try cw.type(today.description); try cw.press("Tab"); try cw.type("Киев – Варшава – Лейпциг, сопровождение")
        try cw.press("Tab"); try cw.type(today.description); try cw.press("Tab"); try cw.type(today.description)
        try cw.press("Tab"); try cw.type("Erstaufnahme Leipzig"); try cw.press("Tab"); try cw.type("Frau Schulz, Caritas")
        try cw.press("C-s")
        try see(cw, "· Integration · v")

        // 6. Integration: a course, hours, an assessment, a job with a wage typed the European way.
        try cw.press("i")
        try choose(cw, "Enrol in a course", down: 0)
        try choose(cw, "de-de-a2", down: 0)
        try see(cw, "Saved HV-000001")
        try cw.press("i")
        try choose(cw, "Record hours", down: 1)
        try see(cw, "Hours attended by HV-000001")
        try cw.press("Tab"); try cw.type("40"); try cw.press("C-s")
        try see(cw, "Saved HV-000001")
        try cw.press("i")
        try choose(cw, "Record an assessment", down: 3)
        try see(cw, "CEFR assessment of HV-000001")
        try cw.press("C-g", "b"); try cw.type("telc A2"); try cw.press("C-s")
        try see(cw, "Saved HV-000001")
        try cw.press("i")
        try choose(cw, "Record a job", down: 7)
        try see(cw, "A job for HV-000001")
        try cw.press("Tab"); try cw.type("Spedition Müller"); try cw.press("Tab"); try cw.type("8332")
        try cw.press("Tab", "Tab"); try cw.type("2450,50"); try cw.press("C-s")
        try see(cw, "Saved HV-000001")

        // The wife: documents gathered, then each stage to reunited.
        try cw.press("f")
        try see(cw, "Жукова Анна")
        // The checklist stays open while each document is ticked, then q closes it.
        try cw.press("d")
        try see(cw, "Documents for Жукова Анна")
        for (position, document) in ["Passport or identity document", "Two photographs", "Signed application form", "Marriage certificate"].enumerated() {
            try choose(cw, "[ ] " + document, down: position == 0 ? 0 : 1)
            try see(cw, "[x] " + document)
        }
        try cw.press("q")
        try see(cw, "Жукова Анна")
        try moveReunification(cw, to: "Documents gathered", next: "Интервью в посольстве")
        try moveReunification(cw, to: "Interview", next: "Ждать визу")
        try moveReunification(cw, to: "Visa granted", next: "Купить билеты")
        try moveReunification(cw, to: "Travelled", next: "Встретить в Лейпциге")
        try moveReunification(cw, to: "Reunited", next: nil)
        try quit(cw, "q", "q", "q")

        // 7. Three months on (the training store's clock): the first follow-up of the job.
        let later = today.adding(days: 95)
        cw = try session(worker, clock: later)
        try openCase(cw)
        try cw.press("i")
        try choose(cw, "Record the 3-month follow-up", down: 8)
        try see(cw, "3-month follow-up of HV-000001")
        try cw.press("C-g", "n"); try cw.type("Работает водителем, доволен.")
        try cw.press("C-s")
        try see(cw, "Saved HV-000001")
        try cw.press("0")
        try see(cw, "Integration · ")
        try quit(cw, "q", "q")

        // What the store holds: every stage recorded by the right person, and the store sound.
        let record = try FileCaseStore(at: URL(fileURLWithPath: store)).load(CaseID(number: 1)).record
        XCTAssertEqual(record.stage, .integration)
        XCTAssertEqual(record.stageHistory.map(\.transition), [.register, .submitForScreening, .completeScreening, .approveGrant,
                                                               .approveAllocation, .confirmArrival])
        XCTAssertEqual(record.decision?.reasons, "Показания последовательны; все проверки пройдены.")
        XCTAssertEqual(record.decision?.review?.by.rawValue, supervisor)
        XCTAssertEqual(record.allocation?.review?.by.rawValue, supervisor)
        XCTAssertEqual(record.allocation?.proposedBy.rawValue, worker)
        XCTAssertEqual(record.defector.preferredCountries.map(\.rawValue), ["DE"])
        XCTAssertEqual(record.relocation.metBy, "Frau Schulz, Caritas")
        XCTAssertEqual(record.integration.enrolments.first?.hoursAttended, 40)
        XCTAssertEqual(record.integration.assessments.first?.basis, "telc A2")
        XCTAssertEqual(record.integration.placements.first?.monthlyWage, Money(minorUnits: 245_050, currency: "EUR"))
        XCTAssertEqual(record.integration.placements.first?.followUps.first?.doneOn, later)
        XCTAssertEqual(record.family.first?.stage, .reunited)
        XCTAssertEqual(record.family.first?.steps.count, 6)
        XCTAssertTrue(record.publicity.consentGiven == nil && record.defector.consent.publicity, "intake's choice, no story yet")
        let check = try haven(["check", "--store", store])
        XCTAssertEqual(check.status, 0, check.output)
    }

    /// On the family screen: `m`, the stage offered first, a next action with its due date.
    func moveReunification(_ session: TmuxSession, to stage: String, next: String?) throws {
        try session.press("m")
        try see(session, "reunification on")
        try see(session, stage)
        if let next {
            try session.press("Tab", "Tab"); try session.type(next)
            try session.press("Tab"); try session.type(today.adding(days: 30).description)
        }
        try session.press("C-s")
        try see(session, "Saved HV-000001")
    }

    /// The supervisor's approvals queue: the first proposal, approved with a y.
    func approveFirst(_ session: TmuxSession, kind: String) throws {
        try session.press("3")
        try see(session, "awaiting approval: 1")
        XCTAssertTrue(session.screen.contains(kind), session.screen)
        try session.press("a")
        try see(session, "y approves")
        try session.press("y")
        try see(session, "Approved HV-000001.")
    }
}
