/// What lists, rosters, matching and the outcomes chart need of a case's integration, kept in
/// its summary so none of them decodes whole records (a course's roster and an opening's
/// candidates are found among 120,000 cases).
public struct IntegrationSummary: Hashable, Codable, Sendable {
    public var arrivedOn: CalendarDate?
    /// Enrolments that hold a seat or wait for one.
    public var seats: [CourseSeat]
    /// The level the person has in each language now: the latest assessment, else what was
    /// declared at intake (native speakers count as C2).
    public var levels: [LanguageLevel]
    /// First and latest assessed level per language.
    public var progress: [LevelProgress]
    /// ISCO-08 groups of the person's skills, as the caseworker recorded them.
    public var occupations: [ISCOCode]
    /// The military specialty, whose occupations stand in while no skill has one.
    public var specialty: String?
    /// Openings applied for and still in play (not rejected).
    public var applications: [String]
    /// The latest job, held or ended.
    public var employment: EmploymentSummary?

    public init(arrivedOn: CalendarDate? = nil, seats: [CourseSeat] = [], levels: [LanguageLevel] = [],
                progress: [LevelProgress] = [], occupations: [ISCOCode] = [], specialty: String? = nil,
                applications: [String] = [], employment: EmploymentSummary? = nil) {
        self.arrivedOn = arrivedOn
        self.seats = seats
        self.levels = levels
        self.progress = progress
        self.occupations = occupations
        self.specialty = specialty
        self.applications = applications
        self.employment = employment
    }

    /// The integration summary of a case: the one place these fields are worked out.
    public init(record: Case) {
        let integration = record.integration
        var levels: [LanguageCode: CEFRLevel] = [:]
        for skill in record.defector.languages {
            let level = skill.isNative ? CEFRLevel.c2 : skill.level
            if levels[skill.language].map({ $0 < level }) ?? true { levels[skill.language] = level }
        }
        let progress = integration.progress
        for item in progress { levels[item.language] = item.latest }
        let placement = integration.placements.last
        self.init(arrivedOn: record.relocation.arrivalDate,
                  seats: integration.enrolments.filter(\.status.holdsSeat).map {
                      CourseSeat(course: $0.courseID, status: $0.status, requestedOn: $0.requestedOn)
                  },
                  levels: levels.keys.sorted().map { LanguageLevel(language: $0, level: levels[$0]!) },
                  progress: progress,
                  occupations: Array(Set(record.defector.skills.compactMap(\.occupation))).sorted(),
                  specialty: record.defector.service.specialty,
                  applications: integration.applications.filter(\.status.isOpen).map(\.openingID),
                  employment: placement.map { EmploymentSummary($0) })
    }

    enum CodingKeys: String, CodingKey {
        case arrivedOn, seats, levels, progress, occupations, specialty, applications, employment
    }

    /// Written into every record header, so empty lists and absent values are left out.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(arrivedOn, forKey: .arrivedOn)
        if !seats.isEmpty { try c.encode(seats, forKey: .seats) }
        if !levels.isEmpty { try c.encode(levels, forKey: .levels) }
        if !progress.isEmpty { try c.encode(progress, forKey: .progress) }
        if !occupations.isEmpty { try c.encode(occupations, forKey: .occupations) }
        try c.encodeIfPresent(specialty, forKey: .specialty)
        if !applications.isEmpty { try c.encode(applications, forKey: .applications) }
        try c.encodeIfPresent(employment, forKey: .employment)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(arrivedOn: try c.decodeIfPresent(CalendarDate.self, forKey: .arrivedOn),
                  seats: try c.decodeIfPresent([CourseSeat].self, forKey: .seats) ?? [],
                  levels: try c.decodeIfPresent([LanguageLevel].self, forKey: .levels) ?? [],
                  progress: try c.decodeIfPresent([LevelProgress].self, forKey: .progress) ?? [],
                  occupations: try c.decodeIfPresent([ISCOCode].self, forKey: .occupations) ?? [],
                  specialty: try c.decodeIfPresent(String.self, forKey: .specialty),
                  applications: try c.decodeIfPresent([String].self, forKey: .applications) ?? [],
                  employment: try c.decodeIfPresent(EmploymentSummary.self, forKey: .employment))
    }

    /// The summary of `record`, or nil when there is nothing in it (most cases before arrival
    /// carry only their declared languages and specialty, which lists do not need until then).
    public static func of(_ record: Case) -> IntegrationSummary? {
        guard record.stage >= .relocation || !record.integration.isEmpty else { return nil }
        let summary = IntegrationSummary(record: record)
        return summary.isEmpty ? nil : summary
    }

    /// Nothing worth keeping: no arrival, course, level, skill or job.
    public var isEmpty: Bool {
        arrivedOn == nil && seats.isEmpty && levels.isEmpty && progress.isEmpty && occupations.isEmpty
            && specialty == nil && applications.isEmpty && employment == nil
    }

    public func level(in language: LanguageCode) -> CEFRLevel? { levels.first { $0.language == language }?.level }

    /// Employed on `date`: a job started by then and not ended.
    public func isEmployed(on date: CalendarDate) -> Bool {
        guard let employment else { return false }
        return employment.startedOn <= date && (employment.endedOn.map { $0 > date } ?? true)
    }
}

public struct CourseSeat: Hashable, Codable, Sendable {
    public var course: String
    public var status: EnrolmentStatus
    public var requestedOn: CalendarDate

    public init(course: String, status: EnrolmentStatus, requestedOn: CalendarDate) {
        self.course = course
        self.status = status
        self.requestedOn = requestedOn
    }
}

public struct LanguageLevel: Hashable, Codable, Sendable {
    public var language: LanguageCode
    public var level: CEFRLevel

    public init(language: LanguageCode, level: CEFRLevel) {
        self.language = language
        self.level = level
    }
}

/// A job as lists need it: which opening, when it started and ended, the next follow-up.
public struct EmploymentSummary: Hashable, Codable, Sendable {
    public var openingID: String?
    public var startedOn: CalendarDate
    public var endedOn: CalendarDate?
    /// 3, 6 or 12 while a follow-up is outstanding.
    public var followUpMonths: Int?
    public var followUpDue: CalendarDate?

    public init(openingID: String? = nil, startedOn: CalendarDate, endedOn: CalendarDate? = nil,
                followUpMonths: Int? = nil, followUpDue: CalendarDate? = nil) {
        self.openingID = openingID
        self.startedOn = startedOn
        self.endedOn = endedOn
        self.followUpMonths = followUpMonths
        self.followUpDue = followUpDue
    }

    public init(_ placement: JobPlacement) {
        let next = placement.nextFollowUp
        self.init(openingID: placement.openingID, startedOn: placement.startDate, endedOn: placement.endDate,
                  followUpMonths: next?.months, followUpDue: next?.due)
    }

    public func followUpState(on today: CalendarDate) -> FollowUpState? {
        followUpDue.map { FollowUpState(due: $0, today: today) }
    }
}

/// Seats and waiting lists, counted from the cases' summaries.
public struct CourseRoster: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public var id: CaseID
        public var name: String
        public var status: EnrolmentStatus
        public var requestedOn: CalendarDate
    }

    public var course: LanguageCourse
    /// Enrolled, in the order they asked.
    public var enrolled: [Entry]
    /// The waiting list, first in line first.
    public var waiting: [Entry]

    public init(course: LanguageCourse, summaries: [CaseSummary]) {
        self = Self.all(for: [course], summaries: summaries)[course.id]!
    }

    init(course: LanguageCourse, enrolled: [Entry], waiting: [Entry]) {
        let order: (Entry, Entry) -> Bool = { ($0.requestedOn, $0.id) < ($1.requestedOn, $1.id) }
        self.course = course
        self.enrolled = enrolled.sorted(by: order)
        self.waiting = waiting.sorted(by: order)
    }

    /// Every course's roster, in one pass over the summaries.
    public static func all(for courses: [LanguageCourse], summaries: [CaseSummary]) -> [String: CourseRoster] {
        var enrolled: [String: [Entry]] = [:], waiting: [String: [Entry]] = [:]
        for summary in summaries {
            for seat in summary.integration?.seats ?? [] {
                let entry = Entry(id: summary.id, name: summary.cyrillicName, status: seat.status, requestedOn: seat.requestedOn)
                if seat.status == .enrolled { enrolled[seat.course, default: []].append(entry) } else { waiting[seat.course, default: []].append(entry) }
            }
        }
        return Dictionary(courses.map { course in
            (course.id, CourseRoster(course: course, enrolled: enrolled[course.id] ?? [], waiting: waiting[course.id] ?? []))
        }, uniquingKeysWith: { first, _ in first })
    }

    public var freeSeats: Int { max(0, course.capacity - enrolled.count) }
    public var isFull: Bool { freeSeats == 0 }

    /// Per course: the seats taken (what its capacity may not go below) and the cases holding
    /// or waiting for one (which keep it from being removed).
    public static func use(in summaries: [CaseSummary]) -> CatalogueUse {
        var use = CatalogueUse()
        for summary in summaries {
            for seat in summary.integration?.seats ?? [] {
                use.referenced[seat.course, default: 0] += 1
                if seat.status == .enrolled { use.taken[seat.course, default: 0] += 1 }
            }
        }
        return use
    }
}

/// How much of each course or opening is used: `taken` seats or places (the least its capacity
/// may become), `referenced` by cases at all (any keeps it from being removed).
public struct CatalogueUse: Hashable, Sendable {
    public var taken: [String: Int] = [:]
    public var referenced: [String: Int] = [:]

    public init(taken: [String: Int] = [:], referenced: [String: Int] = [:]) {
        self.taken = taken
        self.referenced = referenced
    }

    /// Per opening: places filled by placements, and cases that applied or were placed.
    public static func openings(in summaries: [CaseSummary]) -> CatalogueUse {
        var use = CatalogueUse()
        for summary in summaries {
            guard let integration = summary.integration else { continue }
            var ids = Set(integration.applications)
            if let opening = integration.employment?.openingID {
                use.taken[opening, default: 0] += 1
                ids.insert(opening)
            }
            for id in ids { use.referenced[id, default: 0] += 1 }
        }
        return use
    }
}
