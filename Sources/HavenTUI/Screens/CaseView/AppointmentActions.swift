import Foundation
import HavenCore

/// The appointment forms of a case: book one, change one (a new time keeps the old in its
/// history), record what became of one. Times are typed in the server's zone and stored in UTC.
enum AppointmentActions {
    static func form(_ booking: AppointmentBooking?, clock: LocalClock, defaultAttendee: UserName, today: CalendarDate) -> Form {
        let at = booking?.at
        return Form(sections: [
            Form.Section(title: "What and when", fields: [
                FormField("kind", "Kind", .choice(AppointmentKind.allCases.map { FormOption($0.rawValue, $0.title) }),
                          value: booking?.kind.rawValue ?? AppointmentKind.screeningInterview.rawValue),
                // One field: a date and a time are one fact, never merged apart after a conflict.
                // Room for what a person may add (a zone, a word), so it is refused rather than cut off.
                FormField("when", "When", .text(maximumLength: 40), hint: "YYYY-MM-DD HH:MM, \(clock.name) time",
                          value: "\(at.map { clock.day(of: $0) } ?? today.adding(days: 1)) \(at.map { clock.clockText($0) } ?? "10:00")"),
                FormField("minutes", "Minutes", .text(maximumLength: 3), hint: "5 to 480", value: String(booking?.minutes ?? 60)),
            ]),
            Form.Section(title: "Where and who", fields: [
                FormField("channel", "Channel", .choice(AppointmentChannel.allCases.map { FormOption($0.rawValue, $0.title) }),
                          value: booking?.channel.rawValue ?? AppointmentChannel.inPerson.rawValue),
                FormField("place", "Place or link", .text(maximumLength: AppointmentValidation.longestText), hint: "room, address, or the call's platform (no phone number)",
                          value: booking?.place ?? ""),
                FormField("interpreter", "Interpreter", .text(maximumLength: 2), hint: "language code (ru, uk), empty: none",
                          value: booking?.interpreter?.rawValue ?? ""),
                FormField("attendees", "Staff attending", .text(maximumLength: 300), hint: "user names, spaces between",
                          value: booking.map { $0.attendees.map(\.rawValue).joined(separator: " ") } ?? defaultAttendee.rawValue),
            ]),
        ])
    }

    /// The booking the form describes, or what cannot be read in it.
    static func booking(from form: Form, clock: LocalClock) -> (AppointmentBooking?, [ValidationIssue]) {
        var problems: [ValidationIssue] = []
        let when = form.value("when").trimmingCharacters(in: .whitespaces)
        let parts = when.split(separator: " ", omittingEmptySubsequences: true)
        let date = parts.first.flatMap { CalendarDate(iso: String($0)) }
        let minute = parts.count == 2 ? LocalClock.minute(typed: String(parts[1])) : nil
        if date == nil || minute == nil {
            let what = date == nil ? "the date cannot be read" : parts.count > 2 ? "only a date and a time, in \(clock.name) time" : "the time cannot be read"
            problems.append(ValidationIssue(field: "when", message: "'\(when)': \(what); write it as 2026-12-07 14:30."))
        }
        let minutes = Int(form.value("minutes").trimmingCharacters(in: .whitespaces))
        if minutes == nil { problems.append(ValidationIssue(field: "minutes", message: "Give the length in whole minutes (60).")) }
        let interpreterText = form.value("interpreter").trimmingCharacters(in: .whitespaces).lowercased()
        let interpreter = interpreterText.isEmpty ? nil : LanguageCode(interpreterText)
        if !interpreterText.isEmpty, interpreter == nil {
            problems.append(ValidationIssue(field: "interpreter", message: "'\(interpreterText)' is not a language code (two letters: ru, uk, de)."))
        }
        var attendees: [UserName] = []
        for word in form.value("attendees").split(whereSeparator: { $0 == " " || $0 == "," }) {
            if let name = UserName(String(word)) { attendees.append(name) } else {
                problems.append(ValidationIssue(field: "attendees", message: "'\(word)' is not a user name."))
            }
        }
        guard problems.isEmpty, let date, let minute, let minutes,
              let kind = AppointmentKind(rawValue: form.value("kind")), let channel = AppointmentChannel(rawValue: form.value("channel")) else {
            return (nil, problems)
        }
        return (AppointmentBooking(kind: kind, at: clock.instant(on: date, minute: minute), minutes: minutes, channel: channel,
                                   place: form.value("place").trimmingCharacters(in: .whitespaces), interpreter: interpreter,
                                   attendees: attendees), [])
    }

    /// Books a new appointment on the case.
    static func book(_ stored: StoredCase, context: SessionContext, users: UserDirectory?) -> FormScreen {
        let attendee = stored.record.assignedTo ?? context.user
        let clock = context.localClock
        return FormScreen(title: "Book", heading: "Book an appointment on \(stored.record.id) · times in \(clock.name)",
                          form: form(nil, clock: clock, defaultAttendee: attendee, today: context.today)) { form, now in
            let (booking, problems) = booking(from: form, clock: clock)
            guard let booking else { return .problems(problems) }
            guard let users else { return .refused("The store's users could not be read, so the attendees cannot be checked; try again.") }
            return IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.book(booking, on: record, users: users, by: context.actor, at: now)
            }.then(.run(SayDoubleBookings(caseID: stored.record.id, booking: booking)))
        }.keeping("appointment.new", on: stored)
    }

    /// Changes an appointment: its time (kept in its history), place, people.
    static func change(_ stored: StoredCase, _ appointment: Appointment, context: SessionContext, users: UserDirectory?) -> FormScreen {
        let clock = context.localClock
        return FormScreen(title: "Reschedule", heading: "\(appointment.kind.title) on \(stored.record.id) · times in \(clock.name)",
                          form: form(AppointmentBooking(appointment), clock: clock, defaultAttendee: context.user, today: context.today)) { form, now in
            let (booking, problems) = booking(from: form, clock: clock)
            guard let booking else { return .problems(problems) }
            guard let users else { return .refused("The store's users could not be read, so the attendees cannot be checked; try again.") }
            return IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.changeAppointment(appointment.id, to: booking, on: record, users: users, by: context.actor, at: now)
            }.then(.run(SayDoubleBookings(caseID: stored.record.id, booking: booking)))
        }.keeping("appointment.edit:\(appointment.id)", on: stored)
    }

    /// Records what became of an appointment (held, no-show, cancelled) with a reason or a line.
    static func record(_ stored: StoredCase, _ appointment: Appointment, as status: AppointmentStatus?, context: SessionContext) -> FormScreen {
        // Scheduled again: offered to take back a cancellation or a no-show recorded by mistake.
        let choices: [AppointmentStatus] = [.held, .noShow, .cancelled] + ([.cancelled, .noShow].contains(appointment.status) ? [.scheduled] : [])
        // h on a cancelled one is taking the cancellation back.
        let asked = status == .held && appointment.status == .cancelled ? AppointmentStatus.scheduled : status
        let initial = asked ?? (appointment.status == .scheduled ? .held : appointment.status)
        let form = Form(sections: [Form.Section(title: "What became of it", fields: [
            FormField("status", "Outcome", .choice(choices.map { FormOption($0.rawValue, $0.title) }), value: initial.rawValue),
            FormField("outcome", "Reason or note", .text(maximumLength: AppointmentValidation.longestText),
                      hint: "why missed or cancelled; optional when held", value: appointment.outcome),
        ])])
        let when = context.localClock.text(appointment.at)
        return FormScreen(title: "Outcome", heading: "\(appointment.kind.title) of \(when) on \(stored.record.id)", form: form) { form, now in
            let status = AppointmentStatus(rawValue: form.value("status")) ?? .held
            return IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.recordAppointment(appointment.id, as: status, outcome: form.value("outcome"), on: record,
                                               by: context.actor, at: now)
            }
        }.keeping("appointment.record:\(appointment.id):\(initial.rawValue)", on: stored)
    }

    /// The form of `key` for the drafts registry (`CaseForms`).
    /// `status`: the outcome the form was opened with (`appointment.record:ID:STATUS`), so a
    /// form rebuilt after a conflict starts where it started, and a no-show stays a no-show.
    static func make(_ key: String, id: Int, status: String? = nil, on stored: StoredCase, context: SessionContext,
                     users: UserDirectory?) -> FormScreen? {
        let appointment = stored.record.appointments.first { $0.id == id }
        switch key {
        case "appointment.new": return book(stored, context: context, users: users)
        case "appointment.edit": return appointment.map { change(stored, $0, context: context, users: users) }
        case "appointment.record":
            return appointment.map { record(stored, $0, as: status.flatMap(AppointmentStatus.init(rawValue:)), context: context) }
        default: return nil
        }
    }
}

/// After a booking is saved: whoever it books who is booked elsewhere then, said on the status
/// line (a walk booked anna.k over two interviews unwarned; the week view alone marked it !!).
/// Nothing is said when the save did not go through (the booking is not on the case).
struct SayDoubleBookings: StoreTask {
    let caseID: CaseID
    let booking: AppointmentBooking

    func run(in session: SessionServices) -> [Command] {
        guard let summaries = try? session.store?.summaries(),
              let booked = summaries.first(where: { $0.id == caseID })?.attention?.appointments
                  .first(where: { $0.at == booking.at && $0.attendees == booking.attendees && $0.minutes == booking.minutes }) else { return [] }
        let clashes = AppointmentCalendar.clashes(with: booked, on: caseID, in: session.visible(summaries))
        guard let first = clashes.first else { return [] }
        let more = clashes.count > 1 ? " and \(clashes.count - 1) more" : ""
        return [.status("Saved, but \(first.attendee) is booked then on \(first.caseID) too "
                        + "(\(session.context.localClock.clockText(first.other.at)))\(more): w on My work shows the week.", .warning)]
    }
}
