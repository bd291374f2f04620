/// The demo's interviews, mentions and reassignments, from the case number alone (the random
/// stream of the cases is left as it was): screening interviews booked for the coming days,
/// 1F interviews held, language assessments in integration, a supervisor's note naming the
/// caseworker now and then, and a case given to its caseworker by the supervisor.
enum DemoAppointments {
    static func fill(_ record: inout Case, number: Int, today: CalendarDate) {
        let caseworker = record.assignedTo ?? record.registeredBy
        let supervisor = DemoCases.supervisor
        let booked = max(record.registeredAt, record.stageEnteredAt)
        func at(_ days: Int, _ hour: Int) -> Timestamp { Timestamp(date: today.adding(days: days), hour: hour) }
        switch record.stage {
        case .screening:
            record.appointments.append(Appointment(id: 1, kind: .screeningInterview, at: at(number % 6, 8 + number % 8), minutes: 60,
                                                   channel: number % 3 == 0 ? .video : .inPerson,
                                                   place: number % 3 == 0 ? "secure video room 2" : "interview room \(1 + number % 4)",
                                                   interpreter: number % 4 == 0 ? LanguageCode("uk") : nil, attendees: [caseworker],
                                                   bookedBy: caseworker, bookedAt: booked))
            if number % 2 == 0 {
                record.appointments.append(Appointment(id: 2, kind: .exclusionInterview, at: Timestamp(date: booked.date, hour: 11),
                                                       minutes: 90, place: "interview room 1", attendees: [caseworker, supervisor],
                                                       status: .held, bookedBy: caseworker, bookedAt: booked))
            }
        case .integration where number % 3 == 0:
            record.appointments.append(Appointment(id: 1, kind: .languageAssessment, at: at(1 + number % 9, 9 + number % 6), minutes: 45,
                                                   channel: .inPerson, place: "language centre", attendees: [caseworker],
                                                   bookedBy: caseworker, bookedAt: booked))
        default:
            break
        }
        if number % 10 == 0, record.stage != .closed {
            record.notes.append(Note(author: supervisor, at: Timestamp(date: booked.date, hour: 15),
                                     text: "@\(caseworker) please check the family documents before the next interview."))
        }
        if number % 25 == 0, record.stage != .closed {
            record.assignment = Assignment(by: supervisor, at: booked)
        }
    }
}
