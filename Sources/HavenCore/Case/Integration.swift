/// Language learning and work after arrival.
public struct Integration: Hashable, Codable, Sendable {
    public var enrolments: [CourseEnrolment]
    public var assessments: [LanguageAssessment]
    public var applications: [JobApplication]
    public var placements: [JobPlacement]

    public init(enrolments: [CourseEnrolment] = [], assessments: [LanguageAssessment] = [],
                applications: [JobApplication] = [], placements: [JobPlacement] = []) {
        self.enrolments = enrolments
        self.assessments = assessments
        self.applications = applications
        self.placements = placements
    }

    public var isEmpty: Bool { enrolments.isEmpty && assessments.isEmpty && applications.isEmpty && placements.isEmpty }

    /// The enrolment in `course` that still holds or waits for a seat, if any.
    public func activeEnrolment(in course: String) -> CourseEnrolment? {
        enrolments.last { $0.courseID == course && $0.status.holdsSeat }
    }

    /// The latest placement not ended, whatever its start date.
    public var openPlacement: JobPlacement? { placements.last { $0.endDate == nil } }

    /// Per language assessed: the first and the latest level, oldest first by first assessment.
    public var progress: [LevelProgress] {
        var order: [LanguageCode] = []
        var count: [LanguageCode: Int] = [:]
        var first: [LanguageCode: LanguageAssessment] = [:], latest: [LanguageCode: LanguageAssessment] = [:]
        for assessment in assessments {
            if first[assessment.language] == nil { order.append(assessment.language) }
            count[assessment.language, default: 0] += 1
            if first[assessment.language].map({ assessment.assessedOn < $0.assessedOn }) ?? true { first[assessment.language] = assessment }
            if latest[assessment.language].map({ assessment.assessedOn >= $0.assessedOn }) ?? true { latest[assessment.language] = assessment }
        }
        return order.map {
            LevelProgress(language: $0, first: first[$0]!.level, latest: latest[$0]!.level, latestOn: latest[$0]!.assessedOn,
                          assessments: count[$0]!)
        }
    }
}

/// Where a case stands in a course. Waiting and enrolled hold a place in the course's count
/// (a seat, or a turn on the waiting list); completed and withdrawn do not.
public enum EnrolmentStatus: String, Choice {
    case waiting, enrolled, completed, withdrawn

    public var title: String {
        switch self {
        case .waiting: "Waiting list"
        case .enrolled: "Enrolled"
        case .completed: "Completed"
        case .withdrawn: "Withdrawn"
        }
    }

    public var holdsSeat: Bool { self == .waiting || self == .enrolled }
}

public struct CourseEnrolment: Hashable, Codable, Sendable {
    public var courseID: String
    /// When the caseworker asked for the place: the waiting list's order.
    public var requestedOn: CalendarDate
    public var status: EnrolmentStatus
    /// When the status last changed (enrolled, completed, withdrawn).
    public var since: CalendarDate
    public var hoursAttended: Int

    public init(courseID: String, requestedOn: CalendarDate, status: EnrolmentStatus, since: CalendarDate? = nil, hoursAttended: Int = 0) {
        self.courseID = courseID
        self.requestedOn = requestedOn
        self.status = status
        self.since = since ?? requestedOn
        self.hoursAttended = hoursAttended
    }
}

/// A CEFR level assessed on a date, so progress can be shown over time.
public struct LanguageAssessment: Hashable, Codable, Sendable {
    public var language: LanguageCode
    public var level: CEFRLevel
    public var assessedOn: CalendarDate
    /// Who recorded it: the session's user.
    public var assessor: String
    /// The test or the teacher's report it rests on.
    public var basis: String

    public init(language: LanguageCode, level: CEFRLevel, assessedOn: CalendarDate, assessor: String = "", basis: String = "") {
        self.language = language
        self.level = level
        self.assessedOn = assessedOn
        self.assessor = assessor
        self.basis = basis
    }
}

/// A language's first and latest assessed level: the progress a case shows.
public struct LevelProgress: Hashable, Codable, Sendable {
    public var language: LanguageCode
    public var first: CEFRLevel
    public var latest: CEFRLevel
    public var latestOn: CalendarDate
    /// How many assessments there were.
    public var assessments: Int

    public init(language: LanguageCode, first: CEFRLevel, latest: CEFRLevel, latestOn: CalendarDate, assessments: Int = 1) {
        self.assessments = assessments
        self.language = language
        self.first = first
        self.latest = latest
        self.latestOn = latestOn
    }

    /// Levels gained (negative if the latest is below the first).
    public var gain: Int { latest.rank - first.rank }
}

public enum ApplicationStatus: String, Choice {
    case applied, interview, offer, rejected

    public var title: String {
        switch self {
        case .applied: "Applied"
        case .interview: "Interview"
        case .offer: "Offer"
        case .rejected: "Rejected"
        }
    }

    /// Still in play: not rejected.
    public var isOpen: Bool { self != .rejected }
}

public struct JobApplication: Hashable, Codable, Sendable {
    public var openingID: String
    public var status: ApplicationStatus
    /// When the status was reached.
    public var date: CalendarDate

    public init(openingID: String, status: ApplicationStatus, date: CalendarDate) {
        self.openingID = openingID
        self.status = status
        self.date = date
    }
}

public enum ContractType: String, Choice {
    case permanent, fixedTerm = "fixed-term", apprenticeship, partTime = "part-time"

    public var title: String {
        switch self {
        case .permanent: "Permanent"
        case .fixedTerm: "Fixed term"
        case .apprenticeship: "Apprenticeship"
        case .partTime: "Part time"
        }
    }
}

/// A job taken, with the follow-ups due 3, 6 and 12 months after it starts.
public struct JobPlacement: Hashable, Codable, Sendable {
    public var openingID: String?
    public var employer: String
    public var occupation: ISCOCode?
    public var startDate: CalendarDate
    public var monthlyWage: Money?
    public var contract: ContractType
    public var followUps: [FollowUp]
    /// When the job ended (a follow-up found the person no longer employed, or its end was
    /// recorded on its own); nil while held.
    public var endDate: CalendarDate?
    /// Why the job ended, when its end was recorded on its own (`Workflow.endPlacement`: between
    /// the follow-ups, or after the last found him still employed); nil when a follow-up ended
    /// it (its notes say why) or while it is held.
    public var endNotes: String?

    public init(openingID: String? = nil, employer: String, occupation: ISCOCode? = nil, startDate: CalendarDate,
                monthlyWage: Money? = nil, contract: ContractType, followUps: [FollowUp] = [], endDate: CalendarDate? = nil,
                endNotes: String? = nil) {
        self.openingID = openingID
        self.employer = employer
        self.occupation = occupation
        self.startDate = startDate
        self.monthlyWage = monthlyWage
        self.contract = contract
        self.followUps = followUps
        self.endDate = endDate
        self.endNotes = endNotes
    }

    /// Ended, and not by a follow-up that found him gone: its end was recorded on its own
    /// (`Workflow.endPlacement`), with why in `endNotes`.
    public var endedOnItsOwn: Bool { endDate != nil && !followUps.contains { !$0.stillEmployed } }

    /// The next follow-up not yet recorded, while the job lasts: 3, then 6, then 12 months.
    public var nextFollowUp: (months: Int, due: CalendarDate)? {
        guard endDate == nil else { return nil }
        let done = Set(followUps.map(\.monthsAfterStart))
        guard let months = FollowUp.schedule.first(where: { !done.contains($0) }) else { return nil }
        return (months, startDate.adding(months: months))
    }
}

public struct FollowUp: Hashable, Codable, Sendable {
    /// The months after the start at which follow-ups are due.
    public static let schedule = [3, 6, 12]
    /// What a job's end without a reason is told, whichever way it is recorded.
    public static let sayWhyEnded = "Say why the job ended."
    /// Days after its due date that a follow-up is still on time; later it is overdue.
    public static let graceDays = 14
    /// Days before its due date that a follow-up may be recorded.
    public static let earlyDays = 14

    /// 3, 6 or 12.
    public var monthsAfterStart: Int
    public var doneOn: CalendarDate
    public var stillEmployed: Bool
    public var notes: String

    public init(monthsAfterStart: Int, doneOn: CalendarDate, stillEmployed: Bool, notes: String = "") {
        self.monthsAfterStart = monthsAfterStart
        self.doneOn = doneOn
        self.stillEmployed = stillEmployed
        self.notes = notes
    }
}

/// Where a follow-up due on `due` stands on `today`.
public enum FollowUpState: Hashable, Sendable {
    /// Not due yet.
    case upcoming
    /// Due, and within the grace period.
    case due
    /// Past its due date and the grace period.
    case overdue

    public init(due: CalendarDate, today: CalendarDate) {
        if today < due { self = .upcoming } else if today.days(until: due) >= -FollowUp.graceDays { self = .due } else { self = .overdue }
    }
}
