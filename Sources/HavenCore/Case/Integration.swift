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
}

public struct CourseEnrolment: Hashable, Codable, Sendable {
    public var courseID: String
    public var enrolledOn: CalendarDate
    public var hoursAttended: Int
    public var isWaitingList: Bool

    public init(courseID: String, enrolledOn: CalendarDate, hoursAttended: Int = 0, isWaitingList: Bool = false) {
        self.courseID = courseID
        self.enrolledOn = enrolledOn
        self.hoursAttended = hoursAttended
        self.isWaitingList = isWaitingList
    }
}

/// A CEFR level assessed on a date, so progress can be shown over time.
public struct LanguageAssessment: Hashable, Codable, Sendable {
    public var language: LanguageCode
    public var level: CEFRLevel
    public var assessedOn: CalendarDate
    public var assessor: String

    public init(language: LanguageCode, level: CEFRLevel, assessedOn: CalendarDate, assessor: String = "") {
        self.language = language
        self.level = level
        self.assessedOn = assessedOn
        self.assessor = assessor
    }
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
}

public struct JobApplication: Hashable, Codable, Sendable {
    public var openingID: String
    public var status: ApplicationStatus
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

    public init(openingID: String? = nil, employer: String, occupation: ISCOCode? = nil, startDate: CalendarDate,
                monthlyWage: Money? = nil, contract: ContractType, followUps: [FollowUp] = []) {
        self.openingID = openingID
        self.employer = employer
        self.occupation = occupation
        self.startDate = startDate
        self.monthlyWage = monthlyWage
        self.contract = contract
        self.followUps = followUps
    }
}

public struct FollowUp: Hashable, Codable, Sendable {
    /// 3, 6 or 12.
    public var monthsAfterStart: Int
    public var doneOn: CalendarDate?
    public var stillEmployed: Bool?
    public var notes: String

    public init(monthsAfterStart: Int, doneOn: CalendarDate? = nil, stillEmployed: Bool? = nil, notes: String = "") {
        self.monthsAfterStart = monthsAfterStart
        self.doneOn = doneOn
        self.stillEmployed = stillEmployed
        self.notes = notes
    }
}
