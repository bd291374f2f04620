import Foundation

/// What a case holds that may need someone's attention, in its summary, so that My work is
/// worked out from summaries at 120,000 cases without reading a case: who gave it to its
/// caseworker, proposals returned (with the comment), notes that mention people, and the
/// appointments still to be held. Nil on a case with none of these.
public struct AttentionSummary: Hashable, Sendable {
    public var assignment: Assignment?
    public var returned: [ReturnedProposal]
    public var mentions: [NoteMention]
    /// Scheduled appointments only: held, missed and cancelled ones need nobody.
    public var appointments: [AppointmentSummary]

    public init(assignment: Assignment? = nil, returned: [ReturnedProposal] = [], mentions: [NoteMention] = [],
                appointments: [AppointmentSummary] = []) {
        self.assignment = assignment
        self.returned = returned
        self.mentions = mentions
        self.appointments = appointments
    }

    /// The attention summary of a case: the one place these fields are worked out.
    public static func of(_ record: Case) -> AttentionSummary? {
        // A closed case needs nobody (its appointments were cancelled as it closed).
        guard record.stage != .closed else { return nil }
        var returned: [ReturnedProposal] = []
        if let decision = record.decision, let review = decision.review, review.verdict == .returned {
            returned.append(ReturnedProposal(kind: .decision, proposedBy: decision.proposedBy, by: review.by, at: review.at,
                                             comment: review.comment))
        }
        if let allocation = record.allocation, let review = allocation.review, review.verdict == .returned {
            returned.append(ReturnedProposal(kind: .allocation, proposedBy: allocation.proposedBy, by: review.by, at: review.at,
                                             comment: review.comment))
        }
        var mentions: [NoteMention] = []
        for (position, note) in record.notes.enumerated() {
            let names = NoteMention.names(in: note.text)
            if !names.isEmpty { mentions.append(NoteMention(note: position, author: note.author, at: note.at, users: names)) }
        }
        let appointments = record.appointments.filter { $0.status == .scheduled }.map(AppointmentSummary.init)
        let summary = AttentionSummary(assignment: record.assignment, returned: returned, mentions: mentions, appointments: appointments)
        return summary.isEmpty ? nil : summary
    }

    public var isEmpty: Bool { assignment == nil && returned.isEmpty && mentions.isEmpty && appointments.isEmpty }
}

/// A proposal a supervisor sent back to its proposer.
public struct ReturnedProposal: Hashable, Sendable {
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        case decision, allocation
    }

    public var kind: Kind
    public var proposedBy: UserName
    public var by: UserName
    public var at: Timestamp
    public var comment: String

    public init(kind: Kind, proposedBy: UserName, by: UserName, at: Timestamp, comment: String) {
        self.kind = kind
        self.proposedBy = proposedBy
        self.by = by
        self.at = at
        self.comment = comment
    }
}

/// A note that names users with `@name`.
public struct NoteMention: Hashable, Sendable {
    /// The note's place in the case's notes.
    public var note: Int
    public var author: UserName
    public var at: Timestamp
    public var users: [UserName]

    public init(note: Int, author: UserName, at: Timestamp, users: [UserName]) {
        self.note = note
        self.author = author
        self.at = at
        self.users = users
    }

    /// The user names written `@name` in `text`, each once, in order: `@` at the start or
    /// after a character that is not part of a name (so an e-mail address names nobody),
    /// then the name's letters, digits, `.`, `_` and `-` (a full stop ending the sentence is
    /// not part of it).
    public static func names(in text: String) -> [UserName] {
        guard text.contains("@") else { return [] }
        var names: [UserName] = []
        let characters = Array(text.unicodeScalars)
        func isNamePart(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "." || scalar == "_" || scalar == "-")
        }
        var index = 0
        while index < characters.count {
            defer { index += 1 }
            guard characters[index] == "@", index == 0 || !(isNamePart(characters[index - 1]) || characters[index - 1] == "@") else { continue }
            var end = index + 1
            while end < characters.count, isNamePart(characters[end]) { end += 1 }
            var name = String(String.UnicodeScalarView(characters[(index + 1)..<end]))
            while let last = name.last, ".-_".contains(last) { name.removeLast() }
            if let user = UserName(name), !names.contains(user) { names.append(user) }
            index = end - 1
        }
        return names
    }
}

/// A scheduled appointment as lists need it: no place, no interpreter, no outcome.
public struct AppointmentSummary: Hashable, Sendable {
    public var id: Int
    public var kind: AppointmentKind
    public var at: Timestamp
    public var minutes: Int
    public var attendees: [UserName]

    public init(id: Int, kind: AppointmentKind, at: Timestamp, minutes: Int, attendees: [UserName]) {
        self.id = id
        self.kind = kind
        self.at = at
        self.minutes = minutes
        self.attendees = attendees
    }

    public init(_ appointment: Appointment) {
        self.init(id: appointment.id, kind: appointment.kind, at: appointment.at, minutes: appointment.minutes,
                  attendees: appointment.attendees)
    }

    public var ends: Timestamp { Self.end(of: at, minutes: minutes) }

    /// `minutes` after `at`; a length out of all reason (a damaged record) is held to a day.
    static func end(of at: Timestamp, minutes: Int) -> Timestamp {
        Timestamp(secondsSinceEpoch: at.secondsSinceEpoch &+ Int64(min(max(minutes, 0), 1440)) * 60)
    }
}

// MARK: Coding (each record line's summary holds it; empty parts are left out)

extension AttentionSummary: Codable {
    enum CodingKeys: String, CodingKey { case assignment, returned, mentions, appointments }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(assignment: try container.decodeIfPresent(Assignment.self, forKey: .assignment),
                  returned: try container.decodeIfPresent([ReturnedProposal].self, forKey: .returned) ?? [],
                  mentions: try container.decodeIfPresent([NoteMention].self, forKey: .mentions) ?? [],
                  appointments: try container.decodeIfPresent([AppointmentSummary].self, forKey: .appointments) ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(assignment, forKey: .assignment)
        if !returned.isEmpty { try container.encode(returned, forKey: .returned) }
        if !mentions.isEmpty { try container.encode(mentions, forKey: .mentions) }
        if !appointments.isEmpty { try container.encode(appointments, forKey: .appointments) }
    }
}

extension ReturnedProposal.Kind: Codable {}
extension ReturnedProposal: Codable {}
extension NoteMention: Codable {}
extension AppointmentSummary: Codable {}
