/// A proposed host country for a granted case, why it was proposed, and its review.
public struct AllocationProposal: Hashable, Codable, Sendable {
    public var country: CountryCode
    /// Each factor's contribution to the score, for the explanation shown to the supervisor.
    public var factors: [AllocationFactor]
    public var runnerUp: CountryCode?
    /// The runner-up's factors, to show where it fell short (absent before issue 6).
    public var runnerUpFactors: [AllocationFactor]?
    /// Why the runner-up lost, in a sentence.
    public var runnerUpReason: String?
    public var proposedBy: UserName
    public var proposedAt: Timestamp
    public var review: Review?
    /// When a supervisor placed the case in another country than proposed: the country and why.
    public var override: AllocationOverride?
    /// Where the linked relatives' cases are placed or proposed, against this proposal; kept
    /// up to date while the proposal waits, as links change.
    public var familyUnity: String?

    public init(country: CountryCode, factors: [AllocationFactor] = [], runnerUp: CountryCode? = nil,
                runnerUpFactors: [AllocationFactor]? = nil, runnerUpReason: String? = nil,
                proposedBy: UserName, proposedAt: Timestamp, review: Review? = nil,
                override: AllocationOverride? = nil) {
        self.runnerUpFactors = runnerUpFactors
        self.runnerUpReason = runnerUpReason
        self.country = country
        self.factors = factors
        self.runnerUp = runnerUp
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
        self.review = review
        self.override = override
    }

    /// The country the case goes to once approved: the override's if there is one.
    public var finalCountry: CountryCode { override?.country ?? country }
}

public struct AllocationFactor: Hashable, Codable, Sendable {
    /// The factor (`AllocationFactorKind.rawValue`: family, language, job, preference, special-needs).
    public var name: String
    public var contribution: Double
    /// What the points were for: "de B2", "8332 shortage", "2nd choice".
    public var detail: String?

    public init(name: String, contribution: Double, detail: String? = nil) {
        self.name = name
        self.contribution = contribution
        self.detail = detail
    }

    /// The factor's title ("Job fit"), or its stored name if it is not one Haven knows.
    public var title: String { AllocationFactorKind(rawValue: name)?.title ?? name }
}

extension [AllocationFactor] {
    /// The score the factors add up to.
    public var score: Int { Int(reduce(0) { $0 + $1.contribution }.rounded()) }
}

public struct AllocationOverride: Hashable, Codable, Sendable {
    public var country: CountryCode
    public var reason: String

    public init(country: CountryCode, reason: String) {
        self.country = country
        self.reason = reason
    }
}

/// Travel to the host country and arrival there.
public struct Relocation: Hashable, Codable, Sendable {
    public var travelDate: CalendarDate?
    public var travelNotes: String
    public var arrivalDate: CalendarDate?
    public var receptionPlace: String

    public init(travelDate: CalendarDate? = nil, travelNotes: String = "", arrivalDate: CalendarDate? = nil,
                receptionPlace: String = "") {
        self.travelDate = travelDate
        self.travelNotes = travelNotes
        self.arrivalDate = arrivalDate
        self.receptionPlace = receptionPlace
    }
}
