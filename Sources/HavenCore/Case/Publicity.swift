/// Consent to tell the person's story, and a supervisor's approval of it as a public story.
/// Consent is revocable: withdrawing it takes the case out of publicity at once.
public struct Publicity: Hashable, Codable, Sendable {
    public var consentGiven: CalendarDate?
    public var consentWithdrawn: CalendarDate?
    /// What may be told.
    public var scope: String
    /// What must never be told, beyond the rule that family and exact location never are.
    public var neverTell: String
    public var proposedBy: UserName?
    public var review: Review?
    /// Required to approve a case whose family includes a member at high risk.
    public var highRiskOverrideReason: String?

    public init(consentGiven: CalendarDate? = nil, consentWithdrawn: CalendarDate? = nil, scope: String = "",
                neverTell: String = "", proposedBy: UserName? = nil, review: Review? = nil,
                highRiskOverrideReason: String? = nil) {
        self.consentGiven = consentGiven
        self.consentWithdrawn = consentWithdrawn
        self.scope = scope
        self.neverTell = neverTell
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
}
