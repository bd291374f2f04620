/// An approved public story as it leaves Haven: only what the person agreed may be told
/// (`Publicity.elements`), never a family member, never a place finer than the host country.
/// Built field by field from the case, so nothing is included by accident.
public struct PublicStory: Hashable, Codable, Sendable {
    /// The case number, so the programme can withdraw the story if consent is withdrawn.
    public var reference: CaseID
    public var consentGiven: CalendarDate
    public var approvedOn: CalendarDate
    public var givenName: String?
    public var age: Int?
    public var branch: String?
    public var rank: String?
    public var crossingYear: Int?
    public var hostCountry: String?
    public var work: String?
    public var languages: [String]?
    public var story: String?

    /// The story of `record` if it is approved and consent is in force; nil otherwise.
    public init?(_ record: Case, countries: [HostCountry], occupations: OccupationCatalogue, today: CalendarDate) {
        let p = record.publicity
        guard p.isPublic, let given = p.consentGiven, let review = p.review else { return nil }
        reference = record.id
        consentGiven = given
        approvedOn = review.at.date
        let d = record.defector
        let tell = Set(p.elements)
        if tell.contains(.givenName), !d.latinName.given.isEmpty { givenName = d.latinName.given }
        if tell.contains(.age), let birth = d.birthDate { age = birth.age(on: today) }
        if tell.contains(.service) {
            branch = d.service.branch.title
            rank = d.service.rank.title
        }
        if tell.contains(.crossingYear), let crossed = d.crossing.date { crossingYear = crossed.year }
        if tell.contains(.hostCountry), let code = record.allocatedCountry {
            hostCountry = countries.first { $0.code == code }?.name ?? code.rawValue
        }
        if tell.contains(.work), let job = record.integration.openPlacement, let code = job.occupation {
            work = occupations.group(code)?.title ?? "ISCO-08 \(code)"
        }
        if tell.contains(.languages) {
            let levels = record.integration.progress.map { "\($0.language) \($0.latest.rawValue)" }
            if !levels.isEmpty { languages = levels }
        }
        if tell.contains(.story), !p.story.isEmpty { story = p.story }
    }

    /// Every approved story among `records`, by case number.
    public static func all(_ records: [Case], countries: [HostCountry], occupations: OccupationCatalogue, today: CalendarDate) -> [PublicStory] {
        records.compactMap { PublicStory($0, countries: countries, occupations: occupations, today: today) }
            .sorted { $0.reference < $1.reference }
    }
}
