import Foundation

/// Booking, moving and recording interviews and meetings. A caseworker books on the cases
/// assigned to them, a supervisor on any; the attendees are staff who may work on cases.
extension Workflow {
    /// Books a new appointment; its id is the next unused on the case.
    public static func book(_ booking: AppointmentBooking, on record: Case, users: UserDirectory, by actor: Actor,
                            at time: Timestamp) throws(WorkflowError) -> Case {
        try requireBookable(record, actor)
        let issues = AppointmentValidation.issues(booking, on: record, users: users)
        guard issues.isEmpty else { throw .invalid(issues) }
        var next = record
        let id = (record.appointments.map(\.id).max() ?? 0) + 1
        next.appointments.append(Appointment(id: id, kind: booking.kind, at: booking.at, minutes: booking.minutes,
                                             channel: booking.channel, place: booking.place, interpreter: booking.interpreter,
                                             attendees: booking.attendees, bookedBy: actor.user, bookedAt: time))
        return next
    }

    /// Changes an appointment's time, place or people. A new time keeps the old one in its
    /// history; an appointment cancelled or missed that is given a new time is scheduled again;
    /// one held is corrected in place (the audit trail keeps what it said).
    public static func changeAppointment(_ id: Int, to booking: AppointmentBooking, on record: Case, users: UserDirectory,
                                         by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        try requireBookable(record, actor)
        let position = try appointmentPosition(id, in: record)
        let issues = AppointmentValidation.issues(booking, on: record, users: users)
        guard issues.isEmpty else { throw .invalid(issues) }
        var next = record
        var appointment = next.appointments[position]
        // A held one is corrected (its time as recorded was wrong), not moved: no history, still held.
        if booking.at != appointment.at, appointment.status != .held {
            appointment.rescheduledFrom.append(appointment.at)
            // Scheduled again; the reason it was missed or cancelled stays, as "earlier: …" on screen.
            if appointment.status != .scheduled { appointment.status = .scheduled }
        }
        appointment.kind = booking.kind
        appointment.at = booking.at
        appointment.minutes = booking.minutes
        appointment.channel = booking.channel
        appointment.place = booking.place
        appointment.interpreter = booking.interpreter
        appointment.attendees = booking.attendees
        next.appointments[position] = appointment
        return next
    }

    /// Records what became of an appointment: held (its time has come), missed or cancelled
    /// (each with a reason). A recorded outcome can be corrected the same way, and a
    /// cancellation or no-show taken back (scheduled again).
    public static func recordAppointment(_ id: Int, as status: AppointmentStatus, outcome: String, on record: Case,
                                         by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        let position = try appointmentPosition(id, in: record)
        let appointment = record.appointments[position]
        // Whoever attended may say what became of it, though the case is another's.
        if !appointment.attendees.contains(actor.user) { try requireBookable(record, actor) } else {
            try Capability.editCase.require(actor)
            guard record.stage != .closed else { throw .closed(record.id) }
        }
        let text = outcome.trimmingCharacters(in: .whitespacesAndNewlines)
        var issues: [ValidationIssue] = []
        switch status {
        case .scheduled:
            // Taking back a cancellation or a no-show recorded by mistake.
            if appointment.status == .held { issues.append(ValidationIssue(field: "status", message: "It was held; correct its outcome instead.")) }
        case .held, .noShow:
            if appointment.at > time {
                issues.append(ValidationIssue(field: "status", message: "It is set for \(appointment.at.minuteText) UTC, not yet come: record what became of it after."))
            }
        case .cancelled:
            if appointment.status == .held { issues.append(ValidationIssue(field: "status", message: "It was held; it cannot be cancelled now.")) }
        }
        if status == .noShow || status == .cancelled, text.isEmpty {
            issues.append(ValidationIssue(field: "outcome", message: "Say why it was \(status == .cancelled ? "cancelled" : "missed")."))
        }
        if text.count > AppointmentValidation.longestText {
            issues.append(ValidationIssue(field: "outcome", message: "Keep it under \(AppointmentValidation.longestText) characters; write more in a note."))
        }
        guard issues.isEmpty else { throw .invalid(issues) }
        var next = record
        next.appointments[position].status = status
        next.appointments[position].outcome = status == .scheduled ? "" : text
        return next
    }

    static func requireBookable(_ record: Case, _ actor: Actor) throws(WorkflowError) {
        try Capability.editCase.require(actor)
        try requireAssignment(record, actor)
        guard record.stage != .closed else { throw .closed(record.id) }
    }

    static func appointmentPosition(_ id: Int, in record: Case) throws(WorkflowError) -> Int {
        guard let position = record.appointments.firstIndex(where: { $0.id == id }) else {
            throw .invalid([ValidationIssue(field: "appointments", message: "\(record.id) has no appointment \(id).")])
        }
        return position
    }
}

/// The rules an appointment's booking meets.
public enum AppointmentValidation {
    public static let longestText = 200

    public static func issues(_ booking: AppointmentBooking, on record: Case, users: UserDirectory) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if !Appointment.minutesAllowed.contains(booking.minutes) {
            issues.append(ValidationIssue(field: "minutes", message: "An appointment lasts \(Appointment.minutesAllowed.lowerBound) to \(Appointment.minutesAllowed.upperBound) minutes, not \(booking.minutes)."))
        }
        if booking.at < Timestamp(date: record.registeredAt.date) {
            issues.append(ValidationIssue(field: "when", message: "The time is before the case was registered (\(record.registeredAt.date))."))
        }
        if booking.at.date > record.registeredAt.date.adding(days: 366 * 20) {
            issues.append(ValidationIssue(field: "when", message: "The date \(booking.at.date) is too far ahead."))
        }
        if booking.attendees.isEmpty {
            issues.append(ValidationIssue(field: "attendees", message: "Name at least one member of staff who attends."))
        }
        for name in booking.attendees where users.account(name).map({ !$0.role.may(.editCase) }) ?? true {
            issues.append(ValidationIssue(field: "attendees", message: "\(name) is not a caseworker or supervisor of this store."))
        }
        if Set(booking.attendees).count != booking.attendees.count {
            issues.append(ValidationIssue(field: "attendees", message: "Each attendee once."))
        }
        if booking.place.count > longestText {
            issues.append(ValidationIssue(field: "place", message: "Keep the place under \(longestText) characters."))
        }
        if booking.channel == .inPerson, booking.place.trimmingCharacters(in: .whitespaces).isEmpty {
            issues.append(ValidationIssue(field: "place", message: "Say where they meet."))
        }
        return issues
    }
}
