import Foundation
import HavenCore
import XCTest

/// The JSON form of a case is the store's record: it must stay stable and readable with jq.
final class CaseJSONTests: XCTestCase {
    func encode(_ value: some Encodable) throws -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testACaseRoundTripsThroughJSON() throws {
        var record = try Fixtures.caseIn(.integration)
        record.family = [FamilyMember(id: 1, relationship: .daughter, cyrillicName: FullName(family: "Жукова", given: "Алиса"),
                                      birthDate: CalendarDate(year: 2019, month: 7, day: 1), risk: .high, stage: .applicationFiled)]
        record.notes = [Note(author: "anna.k", at: Fixtures.now, text: "Хочет учить немецкий.")]
        record.publicity = Publicity(consentGiven: Fixtures.today, scope: "Story of the tank crossing")
        let data = try JSONEncoder().encode(record)
        XCTAssertEqual(try JSONDecoder().decode(Case.self, from: data), record)
    }

    func testFieldsUseStableReadableForms() throws {
        let record = try Fixtures.caseIn(.decision)
        let json = try encode(record)
        XCTAssertEqual(json["id"] as? String, "HV-000001")
        XCTAssertEqual(json["stage"] as? String, "decision")
        XCTAssertEqual(json["registeredAt"] as? String, "2026-11-24T10:00:00Z")
        let defector = try XCTUnwrap(json["defector"] as? [String: Any])
        XCTAssertEqual(defector["birthDate"] as? String, "1998-03-14")
        XCTAssertEqual((defector["cyrillicName"] as? [String: Any])?["family"] as? String, "Жуков")
        XCTAssertEqual((defector["crossing"] as? [String: Any])?["method"] as? String, "defected-with-equipment")
        XCTAssertEqual((defector["service"] as? [String: Any])?["rank"] as? String, "sergeant")
        let languages = try XCTUnwrap(defector["languages"] as? [[String: Any]])
        XCTAssertEqual(languages.map { $0["level"] as? String }, ["C2", "A2"])
        let history = try XCTUnwrap(json["stageHistory"] as? [[String: Any]])
        XCTAssertEqual(history.map { $0["transition"] as? String }, ["register", "submit-for-screening", "complete-screening"])
        let screening = try XCTUnwrap(json["screening"] as? [[String: Any]])
        XCTAssertEqual(screening.compactMap { ($0["exclusion"] as? [String: Any])?["clause"] as? String }, ["1F(a)"])
    }

    func testBadValuesAreRefusedWhenDecoding() {
        for (text, message) in [
            (#""HV-12""#, "is not a case id like HV-000123"),
            (#""gb""#, "is not an ISO 3166-1 alpha-2 code"),
            (#""1998-02-30""#, "is not a date in the form YYYY-MM-DD"),
        ] {
            let type: any Decodable.Type = text.contains("HV") ? CaseID.self : text.contains("gb") ? CountryCode.self : CalendarDate.self
            XCTAssertThrowsError(try JSONDecoder().decode(type, from: Data(text.utf8))) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
        }
    }

    func testEveryChoiceHasADistinctRawValueAndATitle() {
        func check<T: Choice>(_ type: T.Type) {
            let raws = T.allCases.map(\.rawValue)
            XCTAssertEqual(Set(raws).count, raws.count, "\(T.self)")
            XCTAssertFalse(T.allCases.contains { $0.title.isEmpty }, "\(T.self)")
        }
        check(ServiceBranch.self); check(Rank.self); check(CrossingMethod.self); check(CustodyStatus.self)
        check(EquipmentKind.self); check(CEFRLevel.self); check(ScreeningCheckKind.self); check(ScreeningOutcome.self)
        check(ExclusionClause.self); check(ExclusionStep.self); check(DecisionOutcome.self); check(Relationship.self)
        check(Whereabouts.self); check(RiskLevel.self); check(ReunificationStage.self); check(CaseStage.self)
        check(ClosureReason.self); check(Role.self); check(ApplicationStatus.self); check(ContractType.self)
        XCTAssertEqual(ReunificationStage.allCases.map(\.rawValue), [
            "not-started", "application-filed", "documents-gathered", "interview", "visa-granted", "travelled", "reunited", "withdrawn",
        ])
        XCTAssertTrue(CEFRLevel.a2 < CEFRLevel.b1)
    }
}
