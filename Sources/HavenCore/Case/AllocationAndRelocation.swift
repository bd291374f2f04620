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
    /// How the batch that proposed it was settled ("batch of 1,200: optimal", or how far from
    /// the bound it may be where a time limit stopped the solver); nil for one proposed by hand.
    public var batch: String?
    /// Where each of the person's ranked preferences stood against the proposed country
    /// ("1st NL: no place left · 2nd DE: proposed").
    public var preferences: String?
    /// The scarcer kinds of place the proposal takes besides an ordinary one (`PlaceKind`),
    /// from the case when proposed, and again when approved (a kind recorded meanwhile is taken
    /// then); absent when none (and before issue 26).
    public var places: [PlaceKind]?
    /// The proposals before this one that a supervisor returned, oldest first: a new proposal
    /// (by hand, or the batch's) keeps what was said of them, which it replaces on the case
    /// (from a walk: a return's comment was seen only in the history once the batch proposed
    /// again). Absent when none.
    public var returnedBefore: [EarlierReturn]?

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

    /// The kinds of place it takes (none for most), each once, in `PlaceKind` order whatever
    /// a record (an import, a hand-edited line) lists.
    public var placesTaken: [PlaceKind] { Set(places ?? []).sorted() }
}

/// A proposal a supervisor returned, as a later proposal keeps it.
public struct EarlierReturn: Hashable, Codable, Sendable {
    public var country: CountryCode
    public var proposedBy: UserName
    public var review: Review

    public init(country: CountryCode, proposedBy: UserName, review: Review) {
        self.country = country
        self.proposedBy = proposedBy
        self.review = review
    }
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

/// Travel to the host country and arrival there: arranged (a date and the route), the
/// departure, and the arrival (when, the place of reception, who met the person).
public struct Relocation: Hashable, Codable, Sendable {
    /// The date travel is arranged for.
    public var travelDate: CalendarDate?
    /// The route and arrangements: flights, escort, documents carried.
    public var travelNotes: String
    /// The day the person actually left.
    public var departureDate: CalendarDate?
    public var arrivalDate: CalendarDate?
    public var receptionPlace: String
    /// Who met the person on arrival: a name and organisation.
    public var metBy: String

    public init(travelDate: CalendarDate? = nil, travelNotes: String = "", departureDate: CalendarDate? = nil,
                arrivalDate: CalendarDate? = nil, receptionPlace: String = "", metBy: String = "") {
        self.travelDate = travelDate
        self.travelNotes = travelNotes
        self.departureDate = departureDate
        self.arrivalDate = arrivalDate
        self.receptionPlace = receptionPlace
        self.metBy = metBy
    }

    /// Records written before departure and who met the person were kept have neither.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        travelDate = try c.decodeIfPresent(CalendarDate.self, forKey: .travelDate)
        travelNotes = try c.decodeIfPresent(String.self, forKey: .travelNotes) ?? ""
        departureDate = try c.decodeIfPresent(CalendarDate.self, forKey: .departureDate)
        arrivalDate = try c.decodeIfPresent(CalendarDate.self, forKey: .arrivalDate)
        receptionPlace = try c.decodeIfPresent(String.self, forKey: .receptionPlace) ?? ""
        metBy = try c.decodeIfPresent(String.self, forKey: .metBy) ?? ""
    }
}
