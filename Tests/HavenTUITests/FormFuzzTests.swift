import Foundation
import HavenCore
@testable import HavenTUI
import XCTest

/// Every form, casework and supervision alike, typed into field by field with hostile text (empty, blank, too long,
/// impossible dates, mixed scripts, combining marks, direction overrides, emoji, control
/// characters) and saved, hundreds of times each: no crash; every refusal is shown beside a
/// field of the form that the problem concerns; the form draws at 80x24, at its smallest and
/// large. The intake form is fuzzed the same way.
final class FormFuzzTests: XCTestCase {
    static let today = CalendarDate(year: 2026, month: 11, day: 24)!
    static let hostile: [String] = [
        "", " ", "   \t ", "Иван", "Ivan", "Ив4н", "O'Brien-Smith", "Жуков Жуков Жуков", "2026-11-24", "2026-02-30", "0000-00-00",
        "9999-12-31", "24.11.2026", "-1", "0", "99999999999999999999", "1e9", "е\u{301}", "a\u{200D}b", "\u{202E}livE", "🙂", "漢字",
        "\u{7}", "\u{1B}[2J", "%@%n%s", "'; DROP TABLE cases; --", "../../etc/passwd", "<script>", String(repeating: "Ж", count: 300),
        String(repeating: "x", count: 2_100), "yes", "no", "y", "n", " ", "GB", "XX", "b2", "C2", "8332", "1234",
    ]

    struct Factory {
        let name: String
        let make: () -> FormScreen
    }

    static let staff = UserDirectory(users: [UserAccount(name: "anna.k", role: .caseworker, addedBy: "root", addedAt: Timestamp(date: today)),
                                             UserAccount(name: "maria.s", role: .supervisor, addedBy: "root", addedAt: Timestamp(date: today))])

    func factories() -> [Factory] {
        let context = SessionContext(user: "anna.k", today: Self.today, storeDescription: "Store", clock: { Timestamp(date: Self.today, hour: 9) })
        let countries = ["GB", "DE", "PL"].compactMap(CountryCode.init)
        let cases = DemoCases.generate(count: 400, today: Self.today, countries: countries)
        func stored(_ record: Case) -> StoredCase { StoredCase(record: record, version: CaseVersion(3), savedBy: "anna.k", savedAt: Timestamp(date: Self.today)) }
        let any = stored(cases[0])
        let withFamily = stored(cases.first { !$0.family.isEmpty }!)
        let member = withFamily.record.family[0]
        let integrating = stored(cases.first { $0.stage == .integration }!)
        // A case with one of everything a correction applies to.
        let rich: StoredCase = {
            var record = integrating.record
            record.screening = [ScreeningCheck(kind: .identity, outcome: .cleared, date: Self.today, recordedBy: "anna.k", documentsSeen: ["паспорт"])]
            record.decision = DecisionProposal(outcome: .grant, reasons: "Credible.", proposedBy: "anna.k", proposedAt: Timestamp(date: Self.today, hour: 8))
            record.integration.enrolments = [CourseEnrolment(courseID: "de-a2", requestedOn: Self.today, status: .enrolled)]
            record.integration.assessments = [LanguageAssessment(language: LanguageCode("de")!, level: .a2, assessedOn: Self.today)]
            record.integration.applications = [JobApplication(openingID: "de-1", status: .applied, date: Self.today)]
            record.integration.placements = [JobPlacement(employer: "Müller", startDate: Self.today, contract: .permanent,
                                                          followUps: [FollowUp(monthsAfterStart: 3, doneOn: Self.today, stillEmployed: true)])]
            record.family = [FamilyMember(id: 1, relationship: .spouse, cyrillicName: FullName(family: "Жукова", given: "Анна"),
                                          stage: .applicationFiled, stageDate: Self.today,
                                          steps: [ReunificationStep(stage: .applicationFiled, date: Self.today, by: "anna.k")])]
            record.appointments = [Appointment(id: 1, kind: .languageAssessment, at: Timestamp(date: Self.today, hour: 7), place: "Raum 4",
                                               attendees: ["anna.k"], bookedBy: "anna.k", bookedAt: Timestamp(date: Self.today, hour: 6))]
            return StoredCase(record: record, version: integrating.version, savedBy: "anna.k", savedAt: Timestamp(date: Self.today, hour: 8))
        }()
        let hosts = countries.map { HostCountry(code: $0, name: $0.rawValue, languages: [LanguageCode("en")!]) }
        let course = LanguageCourse(id: "gb-london-a1", provider: "City College", language: LanguageCode("en")!, targetLevel: .a2,
                                    country: countries[0], city: "London", schedule: "Mon-Thu 18:00", capacity: 20)
        let schedule = RetentionSchedule.standard
        return [
            Factory(name: "propose erasure") {
                RetentionScreen.proposeForm(due: RetentionSchedule.Due(caseID: any.record.id, closedOn: Self.today, rule: schedule.rules[0], dueOn: Self.today),
                                            schedule: schedule, context: context)
            },
            Factory(name: "approve erasure") {
                RetentionScreen.approveForm(ErasureProposal(caseID: any.record.id, rule: "on-request", reason: "Asked in writing", proposedBy: "maria.s",
                                                            proposedAt: Timestamp(date: Self.today)), schedule: schedule)
            },
            Factory(name: "screening") { CaseActions.recordScreening(any, context: context) },
            Factory(name: "propose decision") { CaseActions.proposeDecision(any, context: context) },
            Factory(name: "return proposal") { CaseActions.returnProposal(any.record.id, kind: .decision(DecisionOutcome.allCases[0]), seen: nil) },
            Factory(name: "override allocation") { CaseActions.overrideAllocation(any.record.id, proposed: countries[0], seen: nil, countries: hosts) },
            Factory(name: "close case") { CaseActions.closeCase(any, context: context) },
            Factory(name: "reopen allocation") { RelocationActions.reopenAllocation(any, context: context) },
            Factory(name: "restrict case") { RestrictionActions.restrict(any, context: context, users: nil) },
            Factory(name: "add family member") { FamilyActions.addMember(withFamily, context: context) },
            Factory(name: "edit family member") { FamilyActions.editMember(withFamily, member, context: context) },
            Factory(name: "move reunification") { FamilyActions.move(withFamily, member, context: context) },
            Factory(name: "next action") { FamilyActions.nextAction(withFamily, member, context: context) },
            Factory(name: "consent") { FamilyActions.consentForm(any, context: context) },
            Factory(name: "hours") { IntegrationActions.hours(integrating, context: context, courses: [course.id]) },
            Factory(name: "leave") { IntegrationActions.leave(integrating, context: context, courses: [course.id]) },
            Factory(name: "assessment") { IntegrationActions.assessment(integrating, context: context) },
            Factory(name: "skills") { IntegrationActions.skills(integrating, context: context) },
            Factory(name: "application") { IntegrationActions.application(integrating, context: context) },
            Factory(name: "placement") {
                IntegrationActions.placement(integrating, context: context,
                                             catalogue: IntegrationCatalogue(courses: [course], openings: [], summaries: []))
            },
            Factory(name: "follow-up") { IntegrationActions.followUp(integrating, context: context) },
            Factory(name: "travel") { RelocationActions.travel(integrating, context: context) },
            Factory(name: "undo arrival") { RelocationActions.undoArrival(integrating, context: context) },
            Factory(name: "book appointment") { AppointmentActions.book(rich, context: context, users: Self.staff) },
            Factory(name: "change appointment") { AppointmentActions.change(rich, rich.record.appointments[0], context: context, users: Self.staff) },
            Factory(name: "record appointment") { AppointmentActions.record(rich, rich.record.appointments[0], as: .noShow, context: context) },
            Factory(name: "correct screening") { CorrectionActions.correctScreening(rich, index: 0, context: context) },
            Factory(name: "amend decision") { CorrectionActions.amendDecision(rich, context: context) },
            Factory(name: "correct course") { CorrectionActions.correctEnrolment(rich, context: context, courses: ["de-a2"]) },
            Factory(name: "correct hours") { CorrectionActions.correctHours(rich, context: context, courses: ["de-a2"]) },
            Factory(name: "correct assessment") { CorrectionActions.correctAssessment(rich, index: 0, context: context) },
            Factory(name: "correct application") { CorrectionActions.correctApplication(rich, index: 0, context: context) },
            Factory(name: "correct job") { CorrectionActions.correctPlacement(rich, index: 0, context: context) },
            Factory(name: "correct follow-up") { CorrectionActions.correctFollowUp(rich, job: 0, months: 3, context: context) },
            Factory(name: "end job") { IntegrationActions.endJob(rich, context: context) },
            Factory(name: "correct job's end") {
                var ended = rich
                ended.record.integration.placements[0].endDate = Self.today
                ended.record.integration.placements[0].endNotes = "Переехал"
                return CorrectionActions.correctPlacementEnd(ended, index: 0, context: context)
            },
            Factory(name: "correct step") { CorrectionActions.correctStep(rich, rich.record.family[0], context: context) },
            Factory(name: "preferences") {
                AllocationActions.preferences(any, context: SessionContext(user: "anna.k", today: Self.today, storeDescription: "Store",
                                                                           clock: { Timestamp(date: Self.today, hour: 9) },
                                                                           reference: ReferenceData(countries: hosts, occupations: OccupationCatalogue(unitGroups: [], specialties: []))))
            },
            Factory(name: "publicity override") { PublicityQueueScreen.overrideForm(any.record.id, seen: nil) },
            Factory(name: "publicity decline") { PublicityQueueScreen.declineForm(any.record.id, seen: nil) },
            Factory(name: "course") { CoursesScreen.form(nil, context: context) },
            Factory(name: "course change") { CoursesScreen.form(course, context: context) },
            Factory(name: "opening") { JobsScreen.form(nil, context: context) },
            // The supervisors' and administrators' own forms.
            Factory(name: "audit filter") { AuditScreen(context: context).filterForm() },
            Factory(name: "quota") { AllocationScreen(cases: [], context: context).quotaForm(QuotaUse(country: hosts[0], used: 40, reserved: 5)) },
            Factory(name: "add country") { AllocationScreen(cases: [], context: context).countryForm() },
            Factory(name: "add user") { UsersScreen(context: context).roleForm(for: nil) },
            Factory(name: "write report") {
                ReportsScreen(cases: [], context: context).writeForm(
                    ReportTable(title: "Pipeline", columns: ["Stage", "Cases"], numeric: [1], rows: [["Intake", "3"]], notes: []))
            },
        ]
    }

    /// "Every form" stays true: each function in HavenTUI that makes a form screen is called
    /// by a factory above (`reasonForm` through the returns, overrides and declines it builds;
    /// `keeping` and `keepingNoDraft` name a form the factories make, they make none).
    func testEveryFormOfTheInterfaceIsFuzzed() throws {
        let here = URL(fileURLWithPath: #filePath)
        let sources = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/HavenTUI")
        let fuzzed = try String(contentsOf: here, encoding: .utf8)
        let maker = try NSRegularExpression(pattern: #"func (\w+)(<[^>]*>)?\([^{]*?\)\s*->\s*FormScreen\s*\{"#)
        var makers: Set<String> = []
        let files = try XCTUnwrap(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for match in maker.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                makers.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        XCTAssertGreaterThan(makers.count, 20, "the scan finds the interface's forms")
        for name in makers.sorted() where !["reasonForm", "keeping", "keepingNoDraft"].contains(name) {
            XCTAssertTrue(fuzzed.contains(".\(name)("), "\(name) makes a form that FormFuzzTests does not fuzz: add a factory")
        }
    }

    /// Draws `render` at three sizes; no row may be wider than its canvas.
    func assertDraws(_ label: String, _ render: (inout Canvas, Rect) -> Void) {
        for size in [Size(width: 80, height: 24), Size(width: 60, height: 16), Size(width: 120, height: 40)] {
            var canvas = Canvas(size: size)
            render(&canvas, Rect(x: 0, y: 0, width: size.width, height: size.height))
            for line in canvas.lines {
                let width = line.reduce(0) { $0 + DisplayWidth.of($1) }
                XCTAssertLessThanOrEqual(width, size.width, "\(label): a row wider than \(size.width): \(line)")
            }
        }
    }

    func typeInto(_ handle: (Key) -> Void, _ random: inout SeededGenerator) {
        for _ in 0..<Int(random.next() % 3) { handle(.backspace) }
        let text = Self.hostile[Int(random.next() % UInt64(Self.hostile.count))]
        for character in text { handle(.character(character)) }
        if random.next() % 4 == 0 { handle(.character(" ")) } // a choice or a toggle moves on
    }

    func testEveryFormRefusesBadValuesBesideTheirFieldsAndNeverCrashes() {
        var random = SeededGenerator(seed: 77)
        var submits = 0, refusals = 0, refusedInStatusLine = 0, saves = 0
        for factory in factories() {
            for trial in 0..<40 {
                var screen = factory.make()
                let fields = screen.form.fieldCount
                for _ in 0..<fields {
                    typeInto({ _ = screen.handleUnboundKey($0) }, &random)
                    _ = screen.handle(.next)
                }
                let effects = screen.handle(.submit)
                submits += 1
                let label = "\(factory.name) #\(trial)"
                if effects.contains(where: { if case .status(_, .warning) = $0 { return true } else { return false } }) {
                    refusals += 1
                    let shown = screen.form.messages.values.flatMap { $0 }
                    XCTAssertFalse(shown.isEmpty, "\(label): refused, but nothing is shown beside a field")
                    XCTAssertFalse(shown.contains { $0.trimmingCharacters(in: .whitespaces).isEmpty }, "\(label): an empty message")
                } else if effects.contains(where: { if case .status(_, .error) = $0 { return true } else { return false } }) {
                    // Refused by the workflow, or about no field of this form: a refusal all
                    // the same, said in the status line, and nothing else is done.
                    refusedInStatusLine += 1
                    XCTAssertEqual(effects.count, 1, "\(label): refused, yet it also did \(effects)")
                } else if !effects.isEmpty {
                    saves += 1
                }
                if trial % 4 == 0 { assertDraws(label) { screen.render(into: &$0, area: $1) } }
            }
        }
        XCTAssertGreaterThan(refusals, 100, "bad values were refused")
        XCTAssertGreaterThan(saves, 10, "and some random values were good enough to save")
        XCTAssertEqual(refusals + refusedInStatusLine + saves, submits, "every submission is refused or saved")
        print("form fuzz: \(factories().count) forms, \(submits) submissions of hostile values: \(refusals) refused beside their fields, "
              + "\(refusedInStatusLine) refused in the status line, \(saves) accepted, no crash")
    }

    /// A refusal is always said where it can be seen: beside the field it names when the form
    /// has that field, else in the status line; never pinned on the first field for want of one.
    func testEveryProblemAFormReportsIsShownBesideItsFieldOrInTheStatusLine() {
        var random = SeededGenerator(seed: 78)
        for factory in factories() {
            for _ in 0..<25 {
                var screen = factory.make()
                let ids = screen.form.positions.map { screen.form.sections[$0.section].fields[$0.field].id }
                for _ in 0..<screen.form.fieldCount {
                    typeInto({ _ = screen.handleUnboundKey($0) }, &random)
                    _ = screen.handle(.next)
                }
                guard case let .problems(issues) = screen.submit(screen.form, screen.now) else { continue }
                let effects = screen.handle(.submit)
                let status = effects.compactMap { effect -> String? in if case let .status(text, _) = effect { text } else { nil } }.joined()
                for issue in issues {
                    let ownField = ids.first { $0 == issue.field || $0.hasPrefix(issue.field) }
                    if let ownField {
                        XCTAssertTrue(screen.form.messages[ownField]?.contains(issue.message) ?? false,
                                      "\(factory.name): '\(issue.message)' is not beside \(ownField)")
                    } else {
                        XCTAssertTrue(status.contains(issue.message), "\(factory.name): '\(issue.message)' (\(issue.field)) is shown nowhere: \(status)")
                        XCTAssertFalse(screen.form.messages.values.contains { $0.contains(issue.message) },
                                       "\(factory.name): '\(issue.message)' is pinned on a field it does not concern")
                    }
                }
            }
        }
    }

    func testTheIntakeFormRefusesHostileNamesAndDatesBesideTheirFields() {
        var random = SeededGenerator(seed: 79)
        var refusals = 0
        for trial in 0..<100 {
            var screen = IntakeScreen(reference: IntakeScreenTests.reference, today: Self.today)
            for _ in 0..<screen.form.fieldCount {
                typeInto({ _ = screen.handleUnboundKey($0) }, &random)
                _ = screen.handle(.next)
            }
            let issues = IntakeForm.defector(from: screen.form, today: Self.today).1
            if !issues.isEmpty { refusals += 1 }
            let ids = screen.form.positions.map { screen.form.sections[$0.section].fields[$0.field].id }
            for issue in issues {
                XCTAssertTrue(ids.contains { $0 == issue.field || $0.hasPrefix(issue.field) || issue.field.hasPrefix($0) },
                              "intake #\(trial): '\(issue.message)' names \(issue.field)")
            }
            if trial % 4 == 0 { assertDraws("intake #\(trial)") { screen.render(into: &$0, area: $1) } }
        }
        XCTAssertGreaterThan(refusals, 80, "hostile intake forms are refused")
    }
}
