/// A case a supervisor has closed to all but a named team (a publicised defector, a family at
/// high risk): its names are masked in every list for everyone else, and only the team, the
/// caseworker it is assigned to and supervisors can open it.
public struct CaseRestriction: Hashable, Codable, Sendable {
    /// Who besides supervisors and the assigned caseworker may open the case.
    public var team: [UserName]
    /// Why the case is restricted, as the supervisor wrote it.
    public var reason: String
    public var by: UserName
    public var at: Timestamp

    public init(team: [UserName], reason: String, by: UserName, at: Timestamp) {
        self.team = team
        self.reason = reason
        self.by = by
        self.at = at
    }
}

/// What the case lists say of a restriction: who may open the case (never why).
public struct RestrictionSummary: Hashable, Codable, Sendable {
    /// The named team with the assigned caseworker: everyone but supervisors who may open it.
    public var team: [UserName]

    public init(team: [UserName]) { self.team = team }

    public init?(_ record: Case) {
        guard let restriction = record.restriction else { return nil }
        team = Array(Set(restriction.team + (record.assignedTo.map { [$0] } ?? []))).sorted { $0.rawValue < $1.rawValue }
    }
}
