import XCTest
@testable import HavenCore

/// The public story: only what consent allows, no family, no place finer than the country.
final class PublicStoryTests: XCTestCase {
    let now = Fixtures.now
    let countries = [HostCountry(code: CountryCode("DE")!, name: "Germany", languages: [LanguageCode("de")!], quota: 5)]
    let occupations = OccupationCatalogue(unitGroups: [OccupationGroup(code: ISCOCode("8332")!, title: "Heavy truck and lorry drivers")],
                                          specialties: [])

    /// A sensitive field's value in a member, as text that must never leave in a story.
    func marker(_ field: SensitiveField, of member: FamilyMember) -> String {
        switch field {
        case .whereabouts: member.whereabouts.rawValue
        case .country: member.country?.rawValue ?? ""
        case .contactIsSafe: "contactIsSafe"
        case .contactChannel: member.contactChannel
        case .notes: member.notes
        }
    }

    func approvedCase(elements: [StoryElement] = StoryElement.allCases) throws -> Case {
        var record = try Fixtures.caseIn(.integration)
        record.allocation?.country = CountryCode("DE")!
        record.relocation.receptionPlace = "Erstaufnahme Leipzig-Mockau"
        record.defector.birthPlace = "Псков"
        record.defector.service.unit = "в/ч 74268"
        record.integration.placements = [JobPlacement(employer: "Spedition Krause Leipzig", occupation: ISCOCode("8332"),
                                                      startDate: Fixtures.today, contract: .permanent)]
        let policy = ReunificationPolicy.standard
        record = try Workflow.addFamilyMember(FamilyMember(
            id: 0, relationship: .spouse, cyrillicName: FullName(family: "Жукова", given: "Анна"), latinName: FullName(family: "Zhukova", given: "Anna"),
            birthDate: CalendarDate(iso: "1994-03-02"), whereabouts: .thirdCountry, country: CountryCode("MD"), risk: .high,
            contactIsSafe: true, contactChannel: "Signal +373 555 0100", notes: "Lives with her sister in Chișinău, Strada Ismail"),
            to: record, policy: policy, by: Fixtures.anna, at: now)
        record = try Workflow.addFamilyMember(FamilyMember(
            id: 0, relationship: .son, cyrillicName: FullName(family: "Жуков", given: "Михаил"), birthDate: CalendarDate(iso: "2016-01-01"),
            whereabouts: .occupiedUkraine, risk: .medium, notes: "With his grandmother near Мелитополь"),
            to: record, policy: policy, by: Fixtures.anna, at: now)
        record = try Workflow.recordConsent(on: Fixtures.today, scope: "His crossing and his work now", neverTell: "His unit",
                                            elements: elements, story: "I would not shoot. Now I drive a lorry.", in: record,
                                            by: Fixtures.anna, at: now)
        return try Workflow.approvePublicity(on: record, overrideReason: "Names no one.", by: Fixtures.maria, at: now)
    }

    func testTheStoryHoldsNoSensitiveFieldNoFamilyAndNoPlaceFinerThanTheCountry() throws {
        let record = try approvedCase()
        let story = try XCTUnwrap(PublicStory(record, countries: countries, occupations: occupations, today: Fixtures.today))
        let text = String(decoding: try JSONEncoder().encode(story), as: UTF8.self)
        // Every field marked sensitive, in every member.
        for member in record.family {
            for field in SensitiveField.allCases {
                let value = marker(field, of: member)
                if !value.isEmpty { XCTAssertFalse(text.contains(value), "\(field) '\(value)' of member \(member.id) in \(text)") }
            }
            // Nor the family at all: names, relationships, stages.
            for value in [member.cyrillicName.family, member.cyrillicName.given, member.latinName.given, member.relationship.rawValue] where !value.isEmpty {
                XCTAssertFalse(text.contains(value), "\(value) in \(text)")
            }
        }
        for place in ["Leipzig", "Mockau", "Псков", "74268", "Krause", "Купянск"] {
            XCTAssertFalse(text.contains(place), "\(place) in \(text)")
        }
        XCTAssertFalse(text.contains("family"))
        XCTAssertEqual(story.hostCountry, "Germany")
        XCTAssertEqual(story.work, "Heavy truck and lorry drivers")
        XCTAssertEqual(story.givenName, record.defector.latinName.given)
        XCTAssertEqual(story.story, "I would not shoot. Now I drive a lorry.")
        // The keys are the story's own, and nothing else.
        let keys = Set((try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]).keys)
        XCTAssertTrue(keys.isSubset(of: ["reference", "consentGiven", "approvedOn", "givenName", "age", "branch", "rank", "crossingYear",
                                         "hostCountry", "work", "languages", "story"]), "\(keys)")
    }

    func testOnlyWhatConsentAllowsAndOnlyWhileItHolds() throws {
        let narrow = try approvedCase(elements: [.hostCountry])
        let story = try XCTUnwrap(PublicStory(narrow, countries: countries, occupations: occupations, today: Fixtures.today))
        XCTAssertEqual(story.hostCountry, "Germany")
        XCTAssertNil(story.givenName)
        XCTAssertNil(story.age)
        XCTAssertNil(story.work)
        XCTAssertNil(story.story)
        // Withdrawn: gone from the stories at once. Not approved: never there.
        let withdrawn = try Workflow.withdrawConsent(on: Fixtures.today, in: narrow, by: Fixtures.anna, at: now)
        XCTAssertNil(PublicStory(withdrawn, countries: countries, occupations: occupations, today: Fixtures.today))
        var waiting = narrow
        waiting.publicity.review = nil
        XCTAssertEqual(PublicStory.all([waiting, narrow, withdrawn], countries: countries, occupations: occupations, today: Fixtures.today).count, 1)
    }
}
