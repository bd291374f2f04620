import HavenCore
import XCTest

final class SupervisionTests: XCTestCase {
    let today = Fixtures.today
    let targets = StageTargets(days: [.intake: 7, .screening: 30, .decision: 14])

    func summary(_ number: Int, _ stage: CaseStage, daysAgo: Int, assignedTo: UserName? = "anna.k",
                 decision: DecisionSummary? = nil, country: CountryCode? = nil) -> CaseSummary {
        CaseSummary(id: CaseID(number: number), cyrillicName: "Жуков \(number)", latinName: "Zhukov", stage: stage,
                    stageEnteredAt: Timestamp(date: today.adding(days: -daysAgo), hour: 9), assignedTo: assignedTo,
                    country: country, version: CaseVersion(1), decision: decision)
    }

    func testOverdueMeansPastTheStageTarget() {
        // Exactly at the target is on time; a day past is one day overdue.
        XCTAssertNil(targets.daysOverdue(summary(1, .intake, daysAgo: 7), on: today))
        XCTAssertEqual(targets.daysOverdue(summary(2, .intake, daysAgo: 8), on: today), 1)
        XCTAssertEqual(targets.daysOverdue(summary(3, .screening, daysAgo: 45), on: today), 15)
        XCTAssertNil(targets.daysOverdue(summary(4, .relocation, daysAgo: 400), on: today), "no target, never overdue")
        // A stage entered "tomorrow" (clock skew) counts as zero days, not negative.
        XCTAssertEqual(summary(5, .intake, daysAgo: -1).daysInStage(on: today), 0)
    }

    func testStageTargetsAreReadFromDataWithPositions() throws {
        let good = Data(#"{"targets":[{"stage":"intake","days":7},{"stage":"decision","days":14}]}"#.utf8)
        XCTAssertEqual(try ReferenceDataDecoder.stageTargets(from: good, file: "t.json").days, [.intake: 7, .decision: 14])
        let twice = Data("{\"targets\":[\n{\"stage\":\"intake\",\"days\":7},\n{\"stage\":\"intake\",\"days\":9}]}".utf8)
        XCTAssertThrowsError(try ReferenceDataDecoder.stageTargets(from: twice, file: "t.json")) { error in
            XCTAssertTrue("\(error)".contains("t.json, line 3"), "\(error)")
            XCTAssertTrue("\(error)".contains("the stage intake has two targets"), "\(error)")
        }
        let zero = Data(#"{"targets":[{"stage":"screening","days":0}]}"#.utf8)
        XCTAssertThrowsError(try ReferenceDataDecoder.stageTargets(from: zero, file: "t.json")) { error in
            XCTAssertTrue("\(error)".contains("at least one day, not 0"), "\(error)")
        }
    }

    func testPipelineCountsOverdueMedianAndOldest() {
        let cases = [summary(1, .intake, daysAgo: 2), summary(2, .intake, daysAgo: 9), summary(3, .intake, daysAgo: 20),
                     summary(4, .decision, daysAgo: 1), summary(5, .closed, daysAgo: 300)]
        let lines = Dictionary(uniqueKeysWithValues: Supervision.pipeline(cases, targets: targets, today: today).map { ($0.stage, $0) })
        XCTAssertEqual(lines[.intake], StageLine(stage: .intake, count: 3, overdue: 2, target: 7, medianDays: 9, oldestDays: 20))
        XCTAssertEqual(lines[.decision]?.overdue, 0)
        XCTAssertEqual(lines[.closed]?.count, 1)
        XCTAssertEqual(lines[.closed]?.overdue, 0, "closed cases are never overdue")
        XCTAssertEqual(lines[.screening]?.count, 0)
        XCTAssertNil(lines[.screening]?.medianDays)
    }

    func testWorkloadListsEveryCaseworkerAndTheUnassigned() {
        let users = UserDirectory(users: [
            UserAccount(name: "anna.k", role: .caseworker, addedBy: "root", addedAt: Fixtures.now),
            UserAccount(name: "oleh.m", role: .caseworker, addedBy: "root", addedAt: Fixtures.now),
            UserAccount(name: "root", role: .administrator, addedBy: "root", addedAt: Fixtures.now),
        ])
        let waiting = DecisionSummary(outcome: .grant, proposedBy: "anna.k", proposedAt: Fixtures.now)
        let cases = [summary(1, .intake, daysAgo: 9), summary(2, .decision, daysAgo: 1, decision: waiting),
                     summary(3, .closed, daysAgo: 1), summary(4, .screening, daysAgo: 1, assignedTo: nil),
                     summary(5, .screening, daysAgo: 1, assignedTo: "gone.user")]
        let rows = Supervision.workload(cases, users: users, targets: targets, today: today)
        XCTAssertEqual(rows.map { $0.user?.rawValue ?? "-" }, ["anna.k", "-", "gone.user", "oleh.m"])
        XCTAssertEqual(rows[0].active, 2)
        XCTAssertEqual(rows[0].overdue, 1)
        XCTAssertEqual(rows[0].awaitingReview, 1)
        XCTAssertEqual(rows[0].byStage, [.intake: 1, .decision: 1])
        XCTAssertNil(rows[2].role, "a name with no role any more")
        XCTAssertEqual(rows[3].active, 0, "a caseworker with no cases is still listed")
    }

    func testDecisionsPerWeekStartOnMondayAndCountVerdicts() {
        // 2026-11-24 is a Tuesday.
        XCTAssertEqual(Supervision.weekStart(of: today), CalendarDate(year: 2026, month: 11, day: 23))
        XCTAssertEqual(Supervision.weekStart(of: CalendarDate(year: 2026, month: 11, day: 22)!), CalendarDate(year: 2026, month: 11, day: 16))
        func reviewed(_ outcome: DecisionOutcome, _ verdict: Review.Verdict, daysAgo: Int) -> DecisionSummary {
            DecisionSummary(outcome: outcome, proposedBy: "anna.k", proposedAt: Fixtures.now, verdict: verdict,
                            reviewedAt: Timestamp(date: today.adding(days: -daysAgo), hour: 12))
        }
        let cases = [summary(1, .allocation, daysAgo: 0, decision: reviewed(.grant, .approved, daysAgo: 0)),
                     summary(2, .closed, daysAgo: 0, decision: reviewed(.exclude, .approved, daysAgo: 1)),
                     summary(3, .decision, daysAgo: 0, decision: reviewed(.grant, .returned, daysAgo: 3)),
                     summary(4, .allocation, daysAgo: 0, decision: reviewed(.grant, .approved, daysAgo: 8)),
                     summary(5, .allocation, daysAgo: 0, decision: reviewed(.grant, .approved, daysAgo: 400))]
        let weeks = Supervision.decisionsPerWeek(cases, weeks: 2, today: today)
        XCTAssertEqual(weeks.map(\.weekStart.description), ["2026-11-16", "2026-11-23"])
        XCTAssertEqual(weeks[1].byOutcome, [.grant: 1, .exclude: 1])
        XCTAssertEqual(weeks[1].total, 2)
        XCTAssertEqual(weeks[0].byOutcome, [.grant: 1])
        XCTAssertEqual(weeks[0].returned, 1)
    }

    func testApprovalsQueueIsOldestProposalFirst() {
        let older = DecisionSummary(outcome: .refuse, proposedBy: "anna.k", proposedAt: Timestamp(date: today.adding(days: -5), hour: 9))
        let newer = DecisionSummary(outcome: .grant, proposedBy: "oleh.m", proposedAt: Fixtures.now)
        let done = DecisionSummary(outcome: .grant, proposedBy: "oleh.m", proposedAt: Fixtures.now, verdict: .returned, reviewedAt: Fixtures.now)
        let cases = [summary(1, .decision, daysAgo: 1, decision: newer), summary(2, .decision, daysAgo: 1, decision: older),
                     summary(3, .decision, daysAgo: 1, decision: done), summary(4, .decision, daysAgo: 1)]
        XCTAssertEqual(Supervision.approvals(cases).map(\.id.number), [2, 1])
    }

    func testReportsAsTextAndCSV() {
        let countries = [HostCountry(code: CountryCode("GB")!, name: "United Kingdom", languages: [LanguageCode("en")!], quota: 10),
                         HostCountry(code: CountryCode("DE")!, name: "Germany", languages: [LanguageCode("de")!], quota: 4)]
        let reference = ReferenceData(countries: countries, occupations: OccupationCatalogue(unitGroups: [], specialties: []),
                                      stageTargets: targets)
        let cases = [summary(1, .integration, daysAgo: 3, country: CountryCode("GB")), summary(2, .intake, daysAgo: 9),
                     summary(3, .relocation, daysAgo: 3, country: CountryCode("GB"))]
        let quotas = Reports.make(.quotas, summaries: cases, users: UserDirectory(), reference: reference, today: today)
        XCTAssertEqual(quotas.rows, [["GB", "United Kingdom", "10", "2", "0", "8", "20.0"], ["DE", "Germany", "4", "0", "0", "4", "0.0"]])
        XCTAssertEqual(quotas.text, """
            Quotas: places per host country

            country  name            quota  used  held  free  used_percent
            -------  --------------  -----  ----  ----  ----  ------------
            GB       United Kingdom     10     2     0     8          20.0
            DE       Germany             4     0     0     4           0.0

            2 of 14 places used and 0 held by proposals awaiting approval, in 2 countries.

            """)
        XCTAssertEqual(quotas.csv, "\u{FEFF}country,name,quota,used,held,free,used_percent\r\nGB,United Kingdom,10,2,0,8,20.0\r\nDE,Germany,4,0,0,4,0.0\r\n")
        let pipeline = Reports.make(.pipeline, summaries: cases, users: UserDirectory(), reference: reference, today: today)
        XCTAssertEqual(pipeline.rows[0], ["Intake", "1", "1", "7", "9", "9"])
        XCTAssertEqual(pipeline.notes, ["3 cases; 3 open, 1 overdue."])
        for kind in ReportKind.allCases {
            let table = Reports.make(kind, summaries: cases, users: UserDirectory(), reference: reference, today: today)
            XCTAssertTrue(table.rows.allSatisfy { $0.count == table.columns.count }, "\(kind)")
        }
    }

    func testCSVDefusesFormulasAndQuotes() {
        XCTAssertEqual(CSV.field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"")
        XCTAssertEqual(CSV.field("-5"), "-5")
        XCTAssertEqual(CSV.field("Жуков, Артём"), "\"Жуков, Артём\"")
    }
}
