/// The four checks of screening. A decision may be proposed only when all four are recorded
/// with a final outcome.
public enum ScreeningCheckKind: String, Choice {
    case identity
    case securityVetting = "security-vetting"
    case exclusion
    case debrief

    public var title: String {
        switch self {
        case .identity: "Identity verified"
        case .securityVetting: "Security vetting"
        case .exclusion: "Exclusion (Refugee Convention art. 1F)"
        case .debrief: "Debrief"
        }
    }
}

public enum ScreeningOutcome: String, Choice {
    /// Started but not concluded; does not complete screening.
    case pending
    case cleared
    case concerns
    /// The check cannot clear the person: identity unverifiable, vetting failed, excluded.
    case failed

    public var title: String {
        switch self {
        case .pending: "Pending"
        case .cleared: "Cleared"
        case .concerns: "Cleared with concerns"
        case .failed: "Failed"
        }
    }

    public var isFinal: Bool { self != .pending }
}

/// One screening check as recorded: its outcome, when and by whom.
public struct ScreeningCheck: Hashable, Codable, Sendable {
    public var kind: ScreeningCheckKind
    public var outcome: ScreeningOutcome
    public var date: CalendarDate
    public var recordedBy: UserName
    public var notes: String
    /// For identity: the documents seen (passport, military ID, service record, ...).
    public var documentsSeen: [String]
    /// For exclusion: the article 1F assessment.
    public var exclusion: ExclusionAssessment?

    public init(kind: ScreeningCheckKind, outcome: ScreeningOutcome, date: CalendarDate, recordedBy: UserName,
                notes: String = "", documentsSeen: [String] = [], exclusion: ExclusionAssessment? = nil) {
        self.kind = kind
        self.outcome = outcome
        self.date = date
        self.recordedBy = recordedBy
        self.notes = notes
        self.documentsSeen = documentsSeen
        self.exclusion = exclusion
    }
}

/// The sub-clauses of article 1F of the 1951 Refugee Convention.
public enum ExclusionClause: String, Choice {
    /// 1F(a): a crime against peace, a war crime, or a crime against humanity.
    case a = "1F(a)"
    /// 1F(b): a serious non-political crime outside the country of refuge before admission.
    case b = "1F(b)"
    /// 1F(c): acts contrary to the purposes and principles of the United Nations.
    case c = "1F(c)"

    public var title: String {
        switch self {
        case .a: "1F(a) Crime against peace, war crime, crime against humanity"
        case .b: "1F(b) Serious non-political crime"
        case .c: "1F(c) Acts contrary to the purposes of the UN"
        }
    }
}

/// The steps of an exclusion analysis, in the order they are reasoned through.
public enum ExclusionStep: String, Choice {
    /// Is there evidence of an act within the clause?
    case act
    /// Is the person individually responsible (committed, ordered, aided, knew)?
    case individualResponsibility = "individual-responsibility"
    /// Grounds that negate responsibility: duress, superior orders known unlawful, self-defence.
    case negatingGrounds = "negating-grounds"
    /// Is exclusion proportionate to the gravity of the act?
    case proportionality

    public var title: String {
        switch self {
        case .act: "The act"
        case .individualResponsibility: "Individual responsibility"
        case .negatingGrounds: "Grounds negating responsibility (duress, ...)"
        case .proportionality: "Proportionality"
        }
    }
}

/// The finding reached at one step of the exclusion analysis.
public struct ExclusionStepFinding: Hashable, Codable, Sendable {
    public var step: ExclusionStep
    /// Whether the step points towards exclusion (an act found, responsibility found, no
    /// negating ground, exclusion proportionate).
    public var pointsToExclusion: Bool
    public var reasoning: String

    public init(step: ExclusionStep, pointsToExclusion: Bool, reasoning: String) {
        self.step = step
        self.pointsToExclusion = pointsToExclusion
        self.reasoning = reasoning
    }
}

public enum ExclusionConclusion: String, Choice {
    case notExcluded = "not-excluded"
    case excluded
    case furtherInquiry = "further-inquiry"

    public var title: String {
        switch self {
        case .notExcluded: "Not excluded"
        case .excluded: "Excluded under article 1F"
        case .furtherInquiry: "Further inquiry needed"
        }
    }
}

/// The article 1F assessment: the clause considered, each analysis step, the conclusion.
public struct ExclusionAssessment: Hashable, Codable, Sendable {
    public var clause: ExclusionClause
    public var findings: [ExclusionStepFinding]
    public var conclusion: ExclusionConclusion

    public init(clause: ExclusionClause, findings: [ExclusionStepFinding], conclusion: ExclusionConclusion) {
        self.clause = clause
        self.findings = findings
        self.conclusion = conclusion
    }

    /// The steps that have no finding yet.
    public var missingSteps: [ExclusionStep] {
        let done = Set(findings.map(\.step))
        return ExclusionStep.allCases.filter { !done.contains($0) }
    }
}
