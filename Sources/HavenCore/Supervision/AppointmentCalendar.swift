import Foundation

/// One scheduled appointment in a calendar, with the case it is on and whether someone who
/// attends it is booked elsewhere at the same time.
public struct CalendarEntry: Hashable, Sendable {
    public var caseID: CaseID
    public var appointment: AppointmentSummary
    /// Attendees booked into another appointment that overlaps this one.
    public var doubleBooked: [UserName]

    public init(caseID: CaseID, appointment: AppointmentSummary, doubleBooked: [UserName] = []) {
        self.caseID = caseID
        self.appointment = appointment
        self.doubleBooked = doubleBooked
    }
}

/// The scheduled appointments of a span of time, from the summaries: a person's, or everyone's.
public enum AppointmentCalendar {
    /// Appointments starting in `from..<to` that `person` attends (everyone's when nil), by
    /// time, each with the attendees it double-books. Overlaps are found among every
    /// appointment of the span, whoever's calendar is shown.
    public static func entries(_ summaries: [CaseSummary], attendedBy person: UserName?, from: Timestamp, to: Timestamp) -> [CalendarEntry] {
        var all: [CalendarEntry] = []
        for position in summaries.indices {
            guard let appointments = summaries[position].attention?.appointments, !appointments.isEmpty else { continue }
            // An appointment begun before `from` can still overlap one inside the span.
            for appointment in appointments where appointment.ends > from && appointment.at < to {
                all.append(CalendarEntry(caseID: summaries[position].id, appointment: appointment))
            }
        }
        all.sort { ($0.appointment.at, $0.caseID, $0.appointment.id) < ($1.appointment.at, $1.caseID, $1.appointment.id) }
        // By attendee: each one's appointments in time order, an overlap with any earlier one still running.
        var byAttendee: [UserName: [Int]] = [:]
        for (index, entry) in all.enumerated() {
            for name in entry.appointment.attendees { byAttendee[name, default: []].append(index) }
        }
        var clashes: [Int: Set<UserName>] = [:]
        for (name, indices) in byAttendee {
            var latestEnd: (end: Timestamp, index: Int)?
            for index in indices {
                let appointment = all[index].appointment
                if let running = latestEnd, running.end > appointment.at {
                    clashes[index, default: []].insert(name)
                    clashes[running.index, default: []].insert(name)
                }
                if latestEnd.map({ appointment.ends > $0.end }) ?? true { latestEnd = (appointment.ends, index) }
            }
        }
        for (index, names) in clashes { all[index].doubleBooked = names.sorted() }
        return all.filter { entry in
            entry.appointment.at >= from && (person.map { entry.appointment.attendees.contains($0) } ?? true)
        }
    }
}

extension AppointmentCalendar {
    /// The other scheduled appointments that overlap `appointment` on `caseID` and share one
    /// of its attendees: who, on which case, at what time (by time). What the week view marks
    /// !!, for one appointment as it is booked.
    public static func clashes(with appointment: AppointmentSummary, on caseID: CaseID, in summaries: [CaseSummary])
        -> [(attendee: UserName, caseID: CaseID, other: AppointmentSummary)] {
        var found: [(attendee: UserName, caseID: CaseID, other: AppointmentSummary)] = []
        let people = Set(appointment.attendees)
        for position in summaries.indices {
            for other in summaries[position].attention?.appointments ?? []
            where other.at < appointment.ends && other.ends > appointment.at && !(summaries[position].id == caseID && other.id == appointment.id) {
                for name in other.attendees where people.contains(name) { found.append((name, summaries[position].id, other)) }
            }
        }
        return found.sorted { ($0.other.at, $0.caseID, $0.attendee) < ($1.other.at, $1.caseID, $1.attendee) }
    }
}

/// A person's appointments as an iCalendar file (RFC 5545), for their own calendar. It holds
/// when, how long, a neutral word for the kind and the case number, never a name, a place, an
/// interpreter's language or an outcome, nor which interview it is ("1F interview" on a lost
/// phone says too much): it shows that a caseworker has an interview on HV-000123 at ten.
public enum ICalendar {
    /// The word a calendar shows for a kind.
    public static func neutralTitle(_ kind: AppointmentKind) -> String {
        switch kind {
        case .screeningInterview, .exclusionInterview, .debrief, .reunificationInterview: "Interview"
        case .languageAssessment: "Assessment"
        case .followUp: "Call"
        case .other: "Meeting"
        }
    }

    /// - Parameter domain: the UID's right-hand side (the server's name), so two stores' events never share one.
    public static func document(_ entries: [CalendarEntry], user: UserName, stamp: Timestamp, domain: String = "haven") -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Haven//Haven appointments//EN", "CALSCALE:GREGORIAN",
                     "METHOD:PUBLISH", "X-WR-CALNAME:" + escaped("Haven: \(user)")]
        for entry in entries {
            let appointment = entry.appointment
            lines += [
                "BEGIN:VEVENT",
                "UID:haven-\(entry.caseID.rawValue.lowercased())-\(appointment.id)@\(domain)",
                "DTSTAMP:" + utc(stamp),
                "DTSTART:" + utc(appointment.at),
                "DTEND:" + utc(appointment.ends),
                "SUMMARY:" + escaped("\(neutralTitle(appointment.kind)), \(entry.caseID)"),
                "DESCRIPTION:" + escaped("The details are in Haven (\(entry.caseID), appointments)."),
                "STATUS:CONFIRMED",
                "TRANSP:OPAQUE",
                "END:VEVENT",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map(folded).joined(separator: "\r\n") + "\r\n"
    }

    /// `20261207T093000Z`.
    static func utc(_ time: Timestamp) -> String {
        let text = time.description // 2026-12-07T09:30:00Z
        return text.filter { $0 != "-" && $0 != ":" }
    }

    /// TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n", "\r": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// Lines longer than 75 octets folded (RFC 5545 3.1): a break and a space, never inside a
    /// UTF-8 character.
    static func folded(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var parts: [String] = []
        var current = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            let limit = parts.isEmpty ? 75 : 74 // the continuation's leading space counts
            if octets + size > limit {
                parts.append(current)
                current = ""
                octets = 0
            }
            current.unicodeScalars.append(scalar)
            octets += size
        }
        parts.append(current)
        return parts.joined(separator: "\r\n ")
    }
}
