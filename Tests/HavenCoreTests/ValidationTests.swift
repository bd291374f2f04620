import HavenCore
import XCTest

final class ValidationTests: XCTestCase {
    func testACompleteIntakeHasNoIssues() {
        XCTAssertEqual(CaseValidation.intakeIssues(Fixtures.defector(), today: Fixtures.today), [])
    }

    func testEveryProblemIsReportedAtOnceWithItsField() {
        var defector = Defector()
        defector.crossing.method = .defectedWithEquipment
        let issues = CaseValidation.intakeIssues(defector, today: Fixtures.today)
        let fields = Set(issues.map(\.field))
        XCTAssertEqual(fields, [
            "cyrillicName.family", "cyrillicName.given", "latinName.family", "latinName.given",
            "birthDate", "birthPlace", "service.unit", "crossing.date", "crossing.place", "equipment",
        ])
        XCTAssertTrue(issues.contains(ValidationIssue(field: "equipment",
            message: "He defected with equipment: record at least one item handed over.")))
    }

    func testScriptsAreKeptApart() {
        var defector = Fixtures.defector()
        defector.latinName.family = "Жуков"
        defector.cyrillicName.given = "Artem"
        let issues = CaseValidation.intakeIssues(defector, today: Fixtures.today)
        XCTAssertEqual(issues, [
            ValidationIssue(field: "cyrillicName.given", message: "The Cyrillic given name contains 'A'; use Cyrillic letters, spaces, hyphens and apostrophes only."),
            ValidationIssue(field: "latinName.family", message: "The Latin family name contains 'Ж'; use Latin letters, spaces, hyphens and apostrophes only."),
        ])
    }

    func testHyphensApostrophesAndDiacriticsAreNames() {
        var defector = Fixtures.defector()
        defector.cyrillicName.family = "Петров-Водкин"
        defector.latinName.family = "O'Brien-Žukov"
        XCTAssertEqual(CaseValidation.intakeIssues(defector, today: Fixtures.today), [])
    }

    func testDatesMustBePlausible() {
        var defector = Fixtures.defector()
        defector.birthDate = CalendarDate(year: 2027, month: 1, day: 1)
        defector.crossing.date = CalendarDate(year: 2013, month: 5, day: 1)
        let messages = CaseValidation.intakeIssues(defector, today: Fixtures.today).map(\.description)
        XCTAssertEqual(messages, [
            "birthDate: The date of birth 2027-01-01 is in the future.",
            "crossing.date: The crossing date 2013-05-01 is before the conflict began (2014-02-20).",
            "crossing.date: The crossing date 2013-05-01 is before the date of birth.",
        ])
        defector.birthDate = CalendarDate(year: 2015, month: 1, day: 1)
        defector.crossing.date = Fixtures.today
        XCTAssertEqual(CaseValidation.intakeIssues(defector, today: Fixtures.today).map(\.field), ["birthDate"])
    }

    func testEquipmentRewardsAndLanguages() {
        var defector = Fixtures.defector()
        defector.equipment[0].identifier = " "
        defector.equipment[0].reward = Money(minorUnits: -5, currency: "usd")
        defector.languages.append(LanguageSkill(language: LanguageCode("en")!, level: .b1))
        defector.crossing.method = .reachedThirdCountry
        let fields = CaseValidation.intakeIssues(defector, today: Fixtures.today).map(\.field)
        XCTAssertEqual(fields, ["crossing.thirdCountry", "equipment[0].identifier", "equipment[0].reward",
                                "equipment[0].reward", "languages[2]"])
    }

    func testConsentChoicesNeedTheirDate() {
        var defector = Fixtures.defector()
        defector.consent.publicity = true
        XCTAssertEqual(CaseValidation.intakeIssues(defector, today: Fixtures.today).map(\.field), ["consent.recordedOn"])
        defector.consent.recordedOn = Fixtures.today
        XCTAssertEqual(CaseValidation.intakeIssues(defector, today: Fixtures.today), [])
    }

    func testExclusionAssessmentNeedsEveryStep() {
        var record = Fixtures.newCase()
        record.screening = [ScreeningCheck(
            kind: .exclusion, outcome: .cleared, date: Fixtures.today, recordedBy: "anna.k",
            exclusion: ExclusionAssessment(clause: .a, findings: [
                ExclusionStepFinding(step: .act, pointsToExclusion: true, reasoning: "Present at shelling of a village."),
                ExclusionStepFinding(step: .individualResponsibility, pointsToExclusion: false, reasoning: ""),
            ], conclusion: .excluded))]
        let issues = CaseValidation.issues(in: record, today: Fixtures.today)
        XCTAssertEqual(issues.map(\.field), [
            "screening[0].exclusion.findings", "screening[0].exclusion.findings[1].reasoning", "screening[0].outcome",
        ])
        XCTAssertEqual(issues[0].message, "Record a finding for every step before concluding: Grounds negating responsibility (duress, ...), Proportionality missing.")
    }

    func testIdentityClearedNeedsDocumentsAndFamilyContactNeedsAChannel() {
        var record = Fixtures.newCase()
        record.screening = [ScreeningCheck(kind: .identity, outcome: .cleared, date: Fixtures.today, recordedBy: "anna.k")]
        record.family = [FamilyMember(id: 1, relationship: .spouse, cyrillicName: FullName(family: "Жукова", given: "Анна"),
                                      whereabouts: .thirdCountry, contactIsSafe: true)]
        XCTAssertEqual(CaseValidation.issues(in: record, today: Fixtures.today).map(\.field),
                       ["screening[0].documentsSeen", "family[0].contactChannel", "family[0].country"])
    }
}
