import Foundation

/// What an appointment is for: the interviews a programme of this kind runs on.
public enum AppointmentKind: String, Choice {
    case screeningInterview = "screening-interview"
    case exclusionInterview = "1f-interview"
    case debrief
    case languageAssessment = "language-assessment"
    case reunificationInterview = "reunification-interview"
    case followUp = "follow-up"
    case other

    public var title: String {
        switch self {
        case .screeningInterview: "Screening interview"
        case .exclusionInterview: "Article 1F interview"
        case .debrief: "Debrief"
        case .languageAssessment: "Language assessment"
        case .reunificationInterview: "Reunification interview"
        case .followUp: "Follow-up call"
        case .other: "Other appointment"
        }
    }

    /// The appointments each stage needs held before the case should leave it: shown as
    /// missing on the case while none of that kind has been held. Data, one table.
    public static let requiredByStage: [CaseStage: [AppointmentKind]] = [
        .screening: [.screeningInterview, .exclusionInterview, .debrief],
        .integration: [.languageAssessment],
    ]
}

/// How the person is met.
public enum AppointmentChannel: String, Choice {
    case inPerson = "in-person"
    case video
    case phone

    public var title: String {
        switch self {
        case .inPerson: "In person"
        case .video: "Video call"
        case .phone: "Phone call"
        }
    }
}

public enum AppointmentStatus: String, Choice {
    case scheduled
    case held
    case noShow = "no-show"
    case cancelled

    public var title: String {
        switch self {
        case .scheduled: "Scheduled"
        case .held: "Held"
        case .noShow: "No-show"
        case .cancelled: "Cancelled"
        }
    }
}

/// An interview or meeting with the person of a case. Its time is an instant (stored in UTC);
/// screens show it in the server's time zone.
public struct Appointment: Hashable, Codable, Sendable, Identifiable {
    /// Unique within the case, never reused.
    public var id: Int
    public var kind: AppointmentKind
    public var at: Timestamp
    public var minutes: Int
    public var channel: AppointmentChannel
    /// Where (a room, an address) or how (the call's link or number).
    public var place: String
    /// The language an interpreter is needed for; nil when none is.
    public var interpreter: LanguageCode?
    /// The staff who attend (users of the store), the booker's colleagues or the booker.
    public var attendees: [UserName]
    public var status: AppointmentStatus
    /// Why it was cancelled or missed; what was noted when it was held.
    public var outcome: String
    /// Earlier times it was set for, oldest first.
    public var rescheduledFrom: [Timestamp]
    public var bookedBy: UserName
    public var bookedAt: Timestamp

    public init(id: Int, kind: AppointmentKind, at: Timestamp, minutes: Int = 60, channel: AppointmentChannel = .inPerson,
                place: String = "", interpreter: LanguageCode? = nil, attendees: [UserName], status: AppointmentStatus = .scheduled,
                outcome: String = "", rescheduledFrom: [Timestamp] = [], bookedBy: UserName, bookedAt: Timestamp) {
        self.id = id
        self.kind = kind
        self.at = at
        self.minutes = minutes
        self.channel = channel
        self.place = place
        self.interpreter = interpreter
        self.attendees = attendees
        self.status = status
        self.outcome = outcome
        self.rescheduledFrom = rescheduledFrom
        self.bookedBy = bookedBy
        self.bookedAt = bookedAt
    }

    public var ends: Timestamp { AppointmentSummary.end(of: at, minutes: minutes) }

    /// The shortest and longest appointment Haven books.
    public static let minutesAllowed = 5...480
}

/// What a caseworker types to book or move an appointment: everything but its history.
public struct AppointmentBooking: Hashable, Sendable {
    public var kind: AppointmentKind
    public var at: Timestamp
    public var minutes: Int
    public var channel: AppointmentChannel
    public var place: String
    public var interpreter: LanguageCode?
    public var attendees: [UserName]

    public init(kind: AppointmentKind, at: Timestamp, minutes: Int, channel: AppointmentChannel, place: String,
                interpreter: LanguageCode?, attendees: [UserName]) {
        self.kind = kind
        self.at = at
        self.minutes = minutes
        self.channel = channel
        self.place = place
        self.interpreter = interpreter
        self.attendees = attendees
    }

    public init(_ appointment: Appointment) {
        self.init(kind: appointment.kind, at: appointment.at, minutes: appointment.minutes, channel: appointment.channel,
                  place: appointment.place, interpreter: appointment.interpreter, attendees: appointment.attendees)
    }
}

extension Case {
    /// What the interview is for is already on the case (recorded before appointments were
    /// booked in Haven, or without one): the 1F assessment, the debrief, a language assessment.
    func isRecorded(_ kind: AppointmentKind) -> Bool {
        switch kind {
        case .exclusionInterview: screening.contains { $0.kind == .exclusion }
        case .debrief: screening.contains { $0.kind == .debrief }
        case .languageAssessment: !integration.assessments.isEmpty
        default: false
        }
    }

    /// The appointment kinds the current stage needs and that none was held for, each with
    /// the next one booked, if any.
    public var missingAppointments: [(kind: AppointmentKind, booked: Appointment?)] {
        (AppointmentKind.requiredByStage[stage] ?? []).compactMap { kind in
            let ofKind = appointments.filter { $0.kind == kind }
            guard !ofKind.contains(where: { $0.status == .held }), !isRecorded(kind) else { return nil }
            return (kind, ofKind.filter { $0.status == .scheduled }.min { $0.at < $1.at })
        }
    }
}
