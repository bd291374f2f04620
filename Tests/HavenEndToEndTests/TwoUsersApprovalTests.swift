import Foundation
import HavenCore
import HavenTestSupport
import XCTest

/// The two-person rule with two real OS accounts, each in their own terminal: a caseworker
/// proposes a grant, a supervisor approves it. Needs root (to create the accounts with
/// `useradd` and run Haven as each with `runuser`); skipped otherwise, saying why.
final class TwoUsersApprovalTests: XCTestCase {
    static let group = "havenstaff"
    static let caseworker = "havencw"
    static let supervisor = "havensv"
    static let outsider = "havenno"

    var scratch: URL!

    override func setUpWithError() throws {
        scratch = try Self.prepareAccounts(prefix: "haven-2users")
    }

    /// Skips unless root with useradd and runuser; makes the group and the three accounts
    /// once per machine, checks the caseworker can run the built haven, and returns a scratch
    /// folder others can read.
    static func prepareAccounts(prefix: String) throws -> URL {
        guard getuid() == 0 else {
            throw XCTSkip("The two-user approval test creates OS accounts with useradd, so it runs only as root; run swift test as root to include it.")
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd"), FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else {
            throw XCTSkip("useradd and runuser are needed to create and act as two OS accounts.")
        }
        try ensureAccounts()
        let reachable = try run(["/usr/sbin/runuser", "-u", Self.caseworker, "--", "test", "-x", HavenBinary.url.path, "-a",
                                 "-r", HavenBinary.dataDirectory.appendingPathComponent("countries.json").path])
        guard reachable.status == 0 else {
            throw XCTSkip("\(Self.caseworker) cannot run \(HavenBinary.url.path) or read the data (a parent folder is private); build in a folder others can read.")
        }
        let scratch = URL(fileURLWithPath: "/tmp").appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        return scratch
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    func run(_ command: [String]) throws -> (status: Int32, output: String) {
        try ChildProcess.run(command, outputPath: scratch.appendingPathComponent("out-\(UUID().uuidString)").path)
    }

    static func run(_ command: [String]) throws -> (status: Int32, output: String) {
        let output = "/tmp/haven-accounts-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        return try ChildProcess.run(command, outputPath: output)
    }

    /// The accounts, made once per machine: a group for the store, and three users.
    static func ensureAccounts() throws {
        if getgrnam(Self.group) == nil { _ = try run(["/usr/sbin/groupadd", Self.group]) }
        for name in [Self.caseworker, Self.supervisor] where getpwnam(name) == nil {
            _ = try run(["/usr/sbin/useradd", "--no-create-home", "--shell", "/bin/sh", "-G", Self.group, name])
        }
        if getpwnam(Self.outsider) == nil { _ = try run(["/usr/sbin/useradd", "--no-create-home", "--shell", "/bin/sh", "-G", Self.group, Self.outsider]) }
        guard getpwnam(Self.caseworker) != nil, getpwnam(Self.supervisor) != nil, getpwnam(Self.outsider) != nil else {
            throw XCTSkip("useradd could not create the test accounts on this machine.")
        }
    }

    @discardableResult
    func haven(_ arguments: [String], as user: String? = nil) throws -> (status: Int32, output: String) {
        let base = ["env", "-i", "PATH=/usr/bin:/bin", "HOME=\(scratch.path)", "TERM=xterm", "HAVEN_DATA=\(HavenBinary.dataDirectory.path)",
                    HavenBinary.url.path] + arguments
        return try run((user.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? []) + base)
    }

    /// A case ready for a decision (screening complete), assigned to the caseworker.
    func caseReadyForDecision() throws -> Case {
        let today = CalendarDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400))
        let now = Timestamp(date: today, hour: 8)
        let worker = Actor(user: UserName(Self.caseworker)!, role: .caseworker)
        var record = Case(id: CaseID(number: 1), defector: Defector(
            cyrillicName: FullName(family: "Жуков", given: "Артём", patronymic: "Сергеевич"),
            latinName: FullName(family: "Zhukov", given: "Artem", patronymic: "Sergeevich"),
            birthDate: CalendarDate(year: 1998, month: 3, day: 14), birthPlace: "Псков",
            service: MilitaryService(branch: .groundForces, rank: .sergeant, unit: "4-я гв. танковая дивизия"),
            crossing: Crossing(method: .surrendered, date: today.adding(days: -30), place: "Купянск")),
            registeredBy: worker.user, registeredAt: now)
        record = try Workflow.perform(.submitForScreening, on: record, by: worker, at: now)
        for kind in ScreeningCheckKind.allCases {
            record = try Workflow.recordScreening(ScreeningCheck(
                kind: kind, outcome: .cleared, date: today, recordedBy: worker.user,
                documentsSeen: kind == .identity ? ["military ID"] : [],
                exclusion: kind == .exclusion ? ExclusionAssessment(clause: .a, findings: ExclusionStep.allCases.map {
                    ExclusionStepFinding(step: $0, pointsToExclusion: false, reasoning: "No evidence.")
                }, conclusion: .notExcluded) : nil), on: record, by: worker, at: now)
        }
        return try Workflow.perform(.completeScreening, on: record, by: worker, at: now)
    }

    func testACaseworkerProposesAndASupervisorApproves() throws {
        let store = scratch.appendingPathComponent("store").path
        XCTAssertEqual(try haven(["init", "--group", Self.group, "--store", store]).status, 0)
        XCTAssertEqual(try haven(["users", "add", Self.caseworker, "--role", "caseworker", "--store", store]).status, 0)
        XCTAssertEqual(try haven(["users", "add", Self.supervisor, "--role", "supervisor", "--store", store]).status, 0)
        let file = scratch.appendingPathComponent("case.json")
        let encoder = JSONEncoder()
        try encoder.encode([try caseReadyForDecision()]).write(to: file)
        XCTAssertEqual(try haven(["import", file.path, "--store", store]).output.trimmingCharacters(in: .whitespacesAndNewlines),
                       "Imported 1 case into \(store).")

        // An account with no role is refused, saying who can help.
        let refused = try haven(["--store", store], as: Self.outsider)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.output.contains("\(Self.outsider) has no role in the store"), refused.output)

        // The caseworker, in their own terminal (claiming to be the supervisor in $USER: no effect).
        let worker = try TmuxSession(arguments: ["--store", store], environment: ["USER": Self.supervisor, "LOGNAME": Self.supervisor],
                                     user: Self.caseworker)
        worker.waitFor(text: "\(Self.caseworker) ·")
        XCTAssertFalse(worker.screen.contains("Approvals"), "a caseworker has no approvals queue")
        try worker.press("2")
        worker.waitFor(text: "My cases: 1 of 1")
        try worker.press("Enter")
        worker.waitFor(text: "HV-000001 Жуков Артём Сергеевич (Artem Zhukov) · Decision · v1")
        XCTAssertTrue(worker.screen.contains("p Propose"), worker.screen)
        XCTAssertFalse(worker.screen.contains("a Approve"), worker.screen)
        try worker.press("p")
        worker.waitFor(text: "Propose a decision on HV-000001")
        try worker.press("Tab")
        try worker.type("Credible account; screening clear.")
        try worker.press("C-s")
        worker.waitFor(text: "Saved HV-000001 as v2.")
        XCTAssertFalse(worker.screen.contains("p Propose"), "a proposal waits for review: " + worker.screen)
        try worker.quit()
        XCTAssertEqual(worker.exitStatus(), 0)

        // The supervisor, in theirs.
        let supervisor = try TmuxSession(arguments: ["--store", store], user: Self.supervisor)
        supervisor.waitFor(text: "\(Self.supervisor) ·")
        try supervisor.press("3")
        supervisor.waitFor(text: "Proposals awaiting approval: 1")
        XCTAssertTrue(supervisor.screen.contains("Grant             \(Self.caseworker)"), supervisor.screen)
        try supervisor.press("a")
        supervisor.waitFor(text: "Approve HV-000001: grant, proposed by \(Self.caseworker)? y approves")
        try supervisor.press("y")
        supervisor.waitFor(text: "Approved HV-000001.")
        supervisor.waitFor(text: "Proposals awaiting approval: 0")
        try supervisor.quit()
        XCTAssertEqual(supervisor.exitStatus(), 0)

        // What the store holds: the grant approved by the second person, both in the trail.
        let exported = try haven(["export", "--store", store]).output
        let cases = try JSONDecoder().decode([Case].self, from: Data(exported.utf8))
        XCTAssertEqual(cases.first?.stage, .allocation)
        XCTAssertEqual(cases.first?.decision?.proposedBy.rawValue, Self.caseworker)
        XCTAssertEqual(cases.first?.decision?.review?.by.rawValue, Self.supervisor)
        let check = try haven(["check", "--store", store])
        XCTAssertEqual(check.status, 0, check.output)
        let audit = try String(contentsOfFile: store + "/audit.jsonl", encoding: .utf8)
        XCTAssertTrue(audit.contains("\"user\":\"\(Self.caseworker)\""))
        XCTAssertTrue(audit.contains("\"user\":\"\(Self.supervisor)\""))
    }
}
