import HavenCore

/// The `attention` part of a record line's summary (`AttentionSummary`), read as the rest of
/// the header is: straight from the bytes, nil for anything not of its shape. The shape is
/// strict (a key Haven does not write sends the line to JSONDecoder, which names it), as the
/// reference reader in the tests is.
extension RecordHeaderReader.Reader {
    mutating func attention() -> AttentionSummary? {
        var summary = AttentionSummary()
        guard object(depth: 2, { reader, key in
            if key.is("assignment") {
                if reader.null() { return true }
                var by: UserName?, at: Timestamp?
                guard reader.object(depth: 3, { reader, key in
                    if key.is("by") { by = reader.text(UserName.init); return by != nil }
                    if key.is("at") { at = reader.bytes(time); return at != nil }
                    return false
                }), let by, let at else { return false }
                summary.assignment = Assignment(by: by, at: at)
                return true
            }
            if key.is("returned") {
                return reader.list { reader in
                    guard let item = reader.returnedProposal() else { return false }
                    summary.returned.append(item)
                    return true
                }
            }
            if key.is("mentions") {
                return reader.list { reader in
                    guard let item = reader.mention() else { return false }
                    summary.mentions.append(item)
                    return true
                }
            }
            if key.is("appointments") {
                return reader.list { reader in
                    guard let item = reader.appointment() else { return false }
                    summary.appointments.append(item)
                    return true
                }
            }
            return false
        }) else { return nil }
        return summary
    }

    /// A restricted case's `{"team":[…]}`: only that key, a list of user names.
    mutating func restriction() -> RestrictionSummary? {
        var team: [UserName]?
        guard object(depth: 2, { reader, key in
            guard key.is("team") else { return false }
            var names: [UserName] = []
            guard reader.array(depth: 3, { reader in
                guard let name = reader.text(UserName.init) else { return false }
                names.append(name)
                return true
            }) else { return false }
            team = names
            return true
        }), let team else { return nil }
        return RestrictionSummary(team: team)
    }

    /// A list at depth 3: null is empty; otherwise each element read by `element`.
    private mutating func list(_ element: (inout Self) -> Bool) -> Bool {
        if null() { return true }
        return array(depth: 3, element)
    }

    private mutating func users() -> [UserName]? {
        var names: [UserName] = []
        guard array(depth: 5, { reader in
            guard let name = reader.text(UserName.init) else { return false }
            names.append(name)
            return true
        }) else { return nil }
        return names
    }

    mutating func returnedProposal() -> ReturnedProposal? {
        var kind: ReturnedProposal.Kind?, proposedBy: UserName?, by: UserName?, at: Timestamp?, comment: String?
        guard object(depth: 4, { reader, key in
            if key.is("kind") { kind = reader.text(ReturnedProposal.Kind.init(rawValue:)); return kind != nil }
            if key.is("proposedBy") { proposedBy = reader.text(UserName.init); return proposedBy != nil }
            if key.is("by") { by = reader.text(UserName.init); return by != nil }
            if key.is("at") { at = reader.bytes(time); return at != nil }
            if key.is("comment") { comment = reader.text { $0 }; return comment != nil }
            return false
        }), let kind, let proposedBy, let by, let at, let comment else { return nil }
        return ReturnedProposal(kind: kind, proposedBy: proposedBy, by: by, at: at, comment: comment)
    }

    mutating func mention() -> NoteMention? {
        var note: Int?, author: UserName?, at: Timestamp?, users: [UserName]?
        guard object(depth: 4, { reader, key in
            if key.is("note") { note = reader.number(); return note != nil }
            if key.is("author") { author = reader.text(UserName.init); return author != nil }
            if key.is("at") { at = reader.bytes(time); return at != nil }
            if key.is("users") { users = reader.users(); return users != nil }
            return false
        }), let note, let author, let at, let users else { return nil }
        return NoteMention(note: note, author: author, at: at, users: users)
    }

    mutating func appointment() -> AppointmentSummary? {
        var id: Int?, kind: AppointmentKind?, at: Timestamp?, minutes: Int?, attendees: [UserName]?
        guard object(depth: 4, { reader, key in
            if key.is("id") { id = reader.number(); return id != nil }
            if key.is("kind") { kind = reader.text(AppointmentKind.init(rawValue:)); return kind != nil }
            if key.is("at") { at = reader.bytes(time); return at != nil }
            if key.is("minutes") { minutes = reader.number(); return minutes != nil }
            if key.is("attendees") { attendees = reader.users(); return attendees != nil }
            return false
        }), let id, let kind, let at, let minutes, let attendees else { return nil }
        return AppointmentSummary(id: id, kind: kind, at: at, minutes: minutes, attendees: attendees)
    }
}
