/// What a public story may tell, item by item, as the person agreed. Family and any place finer
/// than the host country are never among them.
public enum StoryElement: String, Choice {
    case givenName = "given-name"
    case age
    case service
    case crossingYear = "crossing-year"
    case hostCountry = "host-country"
    case work
    case languages
    case story

    public var title: String {
        switch self {
        case .givenName: "Given name (Latin)"
        case .age: "Age"
        case .service: "Branch and rank"
        case .crossingYear: "Year of crossing"
        case .hostCountry: "Host country"
        case .work: "Work now"
        case .languages: "Languages learnt"
        case .story: "His own words"
        }
    }
}

/// Consent to tell the person's story, and a supervisor's approval of it as a public story.
/// Consent is revocable: withdrawing it takes the case out of publicity at once.
public struct Publicity: Hashable, Sendable {
    public var consentGiven: CalendarDate?
    public var consentWithdrawn: CalendarDate?
    /// What may be told, in the person's words (summarised by the caseworker).
    public var scope: String
    /// What must never be told, beyond the rule that family and exact location never are.
    public var neverTell: String
    /// Which parts of the case the story may use.
    public var elements: [StoryElement]
    /// The story as it may be published (when `elements` contains `.story`).
    public var story: String
    public var proposedBy: UserName?
    public var review: Review?
    /// Required to approve a case whose family includes a member at high risk.
    public var highRiskOverrideReason: String?

    public init(consentGiven: CalendarDate? = nil, consentWithdrawn: CalendarDate? = nil, scope: String = "",
                neverTell: String = "", elements: [StoryElement] = [], story: String = "", proposedBy: UserName? = nil,
                review: Review? = nil, highRiskOverrideReason: String? = nil) {
        self.consentGiven = consentGiven
        self.consentWithdrawn = consentWithdrawn
        self.scope = scope
        self.neverTell = neverTell
        self.elements = elements
        self.story = story
        self.proposedBy = proposedBy
        self.review = review
        self.highRiskOverrideReason = highRiskOverrideReason
    }

    /// Consent is in force: given and not withdrawn since.
    public var hasConsent: Bool {
        guard let given = consentGiven else { return false }
        guard let withdrawn = consentWithdrawn else { return true }
        return withdrawn < given
    }

    /// Approved as a public story, with consent still in force.
    public var isPublic: Bool { hasConsent && review?.verdict == .approved }

    /// Consent in force and no supervisor has looked at it yet.
    public var isAwaitingApproval: Bool { hasConsent && review == nil }
}

extension Publicity: Codable {
    enum CodingKeys: String, CodingKey {
        case consentGiven, consentWithdrawn, scope, neverTell, elements, story, proposedBy, review, highRiskOverrideReason
    }

    /// Records written before issue 8 have no elements or story.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        consentGiven = try c.decodeIfPresent(CalendarDate.self, forKey: .consentGiven)
        consentWithdrawn = try c.decodeIfPresent(CalendarDate.self, forKey: .consentWithdrawn)
        scope = try c.decode(String.self, forKey: .scope)
        neverTell = try c.decode(String.self, forKey: .neverTell)
        elements = try c.decodeIfPresent([StoryElement].self, forKey: .elements) ?? []
        story = try c.decodeIfPresent(String.self, forKey: .story) ?? ""
        proposedBy = try c.decodeIfPresent(UserName.self, forKey: .proposedBy)
        review = try c.decodeIfPresent(Review.self, forKey: .review)
        highRiskOverrideReason = try c.decodeIfPresent(String.self, forKey: .highRiskOverrideReason)
    }
}

extension Publicity {
    /// A fingerprint of what the story would tell and who recorded it: scope, what is never
    /// told, the elements, the story, the recorder (64-bit FNV-1a, 16 hex digits). Not a
    /// secret and not a signature: it tells one version of a story from another.
    public var digest: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let parts = [scope, neverTell, elements.map(\.rawValue).joined(separator: ","), story, proposedBy?.rawValue ?? ""]
        for byte in parts.joined(separator: "\u{1F}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
