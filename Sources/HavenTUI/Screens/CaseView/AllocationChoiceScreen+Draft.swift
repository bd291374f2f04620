import HavenCore

/// The reason being written on the ranking, kept as a draft (`restore` brings it back).
extension AllocationChoiceScreen {
    /// A reason being written for a country is kept as a draft of this case's choice.
    public var formDraft: FormDraft? {
        FormDraft(form: overriding == nil ? "allocation-choice" : "allocation-override", title: "\(title) \(stored.record.id)",
                  savedAt: Timestamp(secondsSinceEpoch: 0),
                  values: ["country": reasonFor?.rawValue ?? "", "reason": reason?.text ?? "",
                           // The proposal an override was written against: a restored one is refused if it changed.
                           "seen": seenText],
                  focus: "reason", editing: stored.record.id, basedOn: stored.version,
                  baseValues: ["country": "", "reason": "", "seen": seenText],
                  labels: ["country": "Country", "reason": "Reason", "seen": "Written against"],
                  // Read back in words ("an allocation to NL by tomasz.w (…)"), never as the token.
                  order: ["country", "reason", "seen"],
                  shown: overriding?.seen.map { ["seen": $0.description] } ?? [:])
    }

    /// The proposal an override answers, as its draft keeps it (never counted as typed).
    var seenText: String { overriding.flatMap { $0.seen.flatMap(Self.encode) } ?? "" }

    /// "DE|anna.k|1764580000": an allocation proposal as seen, kept in a draft.
    static func encode(_ seen: ProposalSeen) -> String? {
        guard case let .allocation(country) = seen.subject, let by = seen.proposedBy, let at = seen.proposedAt else { return nil }
        return "\(country.rawValue)|\(by.rawValue)|\(at.secondsSinceEpoch)"
    }

    static func decode(_ text: String) -> ProposalSeen? {
        let parts = text.split(separator: "|").map(String.init)
        guard parts.count == 3, let country = CountryCode(parts[0]), let by = UserName(parts[1]), let seconds = Int64(parts[2]) else { return nil }
        return ProposalSeen(.allocation(country), proposedBy: by, proposedAt: Timestamp(secondsSinceEpoch: seconds))
    }
}
