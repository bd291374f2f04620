import HavenCore

/// A change to a case made by the workflow as the acting user at a time; it throws the rule
/// that refused it.
public struct CaseChange: Sendable {
    /// What the change is, for the status line: "Reassign to anna.k".
    public let title: String
    public let apply: @Sendable (Case, Actor, Timestamp) throws -> Case

    public init(_ title: String, apply: @escaping @Sendable (Case, Actor, Timestamp) throws -> Case) {
        self.title = title
        self.apply = apply
    }
}

/// A change to several cases at once, made by the workflow as the acting user: the records in
/// the order of the identifiers asked for, and the new ones in the same order. It is also
/// given every case's summary as the store has it at that moment (where linked relatives are
/// placed), so it never works from a screen's stale copy.
public struct GroupChange: Sendable {
    public let title: String
    public let apply: @Sendable ([Case], [CaseSummary], Actor, Timestamp) throws -> [Case]

    public init(_ title: String, apply: @escaping @Sendable ([Case], [CaseSummary], Actor, Timestamp) throws -> [Case]) {
        self.title = title
        self.apply = apply
    }
}

/// The courses and openings as the store has them, with what the cases use of each (rosters
/// and places filled), worked out once per change rather than on every key.
public struct IntegrationCatalogue: Sendable {
    public let courses: [LanguageCourse]
    public let openings: [JobOpening]
    public private(set) var summaries: [CaseSummary]
    public private(set) var rosters: [String: CourseRoster]
    public private(set) var openingUse: CatalogueUse

    public init(courses: [LanguageCourse], openings: [JobOpening], summaries: [CaseSummary]) {
        self.courses = courses
        self.openings = openings
        self.summaries = summaries
        rosters = CourseRoster.all(for: courses, summaries: summaries)
        openingUse = JobOpening.use(in: summaries)
    }

    /// Takes in other sessions' changes to the cases.
    public mutating func update(summaries: [CaseSummary]) {
        self = IntegrationCatalogue(courses: courses, openings: openings, summaries: summaries)
    }

    public func roster(_ course: LanguageCourse) -> CourseRoster { rosters[course.id] ?? CourseRoster(course: course, summaries: []) }
}

/// An administrator's change to the courses or the openings.
public enum CatalogueEdit: Sendable {
    case courses(CatalogueChange<LanguageCourse>)
    case openings(CatalogueChange<JobOpening>)

    public var title: String {
        switch self {
        case let .courses(change): change.title
        case let .openings(change): change.title
        }
    }
}
