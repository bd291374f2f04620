/// The stages of a case's life, in order. Family reunification and publicity run alongside
/// and are not stages.
public enum CaseStage: String, Choice, Comparable {
    case intake
    case screening
    case decision
    case allocation
    case relocation
    case integration
    case closed

    public var title: String {
        switch self {
        case .intake: "Intake"
        case .screening: "Screening"
        case .decision: "Decision"
        case .allocation: "Allocation"
        case .relocation: "Relocation"
        case .integration: "Integration"
        case .closed: "Closed"
        }
    }

    public static func < (a: CaseStage, b: CaseStage) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A stage entered: when, by whom, through which transition.
public struct StageChange: Hashable, Codable, Sendable {
    public var stage: CaseStage
    public var at: Timestamp
    public var by: UserName
    public var transition: TransitionName
    /// Why, where the move needs one kept with it (`undoArrival`); absent otherwise.
    public var reason: String?

    public init(stage: CaseStage, at: Timestamp, by: UserName, transition: TransitionName, reason: String? = nil) {
        self.stage = stage
        self.at = at
        self.by = by
        self.transition = transition
        self.reason = reason
    }
}

public enum ClosureReason: String, Choice {
    case refused
    case excluded
    case withdrawn
    case integrated
    case returnedOrDeparted = "returned-or-departed"
    case deceased
    case duplicate

    public var title: String {
        switch self {
        case .refused: "Claim refused"
        case .excluded: "Excluded under art. 1F"
        case .withdrawn: "Claim withdrawn by the person"
        case .integrated: "Integration complete"
        case .returnedOrDeparted: "Returned or departed"
        case .deceased: "Deceased"
        case .duplicate: "Duplicate of another case"
        }
    }
}

public struct Closure: Hashable, Codable, Sendable {
    public var reason: ClosureReason
    public var details: String

    public init(reason: ClosureReason, details: String = "") {
        self.reason = reason
        self.details = details
    }
}

/// A case given to its caseworker by someone: who, when.
public struct Assignment: Hashable, Codable, Sendable {
    public var by: UserName
    public var at: Timestamp

    public init(by: UserName, at: Timestamp) {
        self.by = by
        self.at = at
    }
}

/// A caseworker's note on the case.
public struct Note: Hashable, Codable, Sendable {
    public var author: UserName
    public var at: Timestamp
    public var text: String

    public init(author: UserName, at: Timestamp, text: String) {
        self.author = author
        self.at = at
        self.text = text
    }
}

/// One defector's case, through its whole life. Its JSON form is the store's record.
public struct Case: Hashable, Codable, Sendable, Identifiable {
    public var id: CaseID
    public var defector: Defector
    public var stage: CaseStage
    /// Every stage the case has entered, oldest first; the last is the current one.
    public var stageHistory: [StageChange]
    public var assignedTo: UserName?
    public var registeredBy: UserName
    public var registeredAt: Timestamp
    public var screening: [ScreeningCheck]
    public var decision: DecisionProposal?
    public var allocation: AllocationProposal?
    /// What supervisors said of returned proposals when the proposal that kept them
    /// (`AllocationProposal.returnedBefore`) was withdrawn by its proposer: they stay on the
    /// case until the next proposal takes them. Nil for most (and absent from the JSON).
    public var returnedAllocations: [EarlierReturn]?
    public var relocation: Relocation
    public var integration: Integration
    public var family: [FamilyMember]
    public var publicity: Publicity
    public var notes: [Note]
    public var closure: Closure?
    /// Who last gave the case to its caseworker, and when; nil until a supervisor reassigns it.
    public var assignment: Assignment?
    /// Set by a supervisor to close the case to all but a named team; nil for most cases
    /// (and absent from the JSON).
    public var restriction: CaseRestriction?
    /// Set once the case's personal data has been erased (`Case.tombstone`); nil otherwise
    /// (and absent from the JSON). An erased case is never saved again.
    public var erasure: Erasure?
    /// Interviews and meetings, in the order booked; empty (and absent from the JSON) for
    /// cases recorded before appointments existed.
    public var appointments: [Appointment] {
        get { storedAppointments ?? [] }
        set { storedAppointments = newValue.isEmpty ? nil : newValue }
    }
    private var storedAppointments: [Appointment]?

    enum CodingKeys: String, CodingKey {
        case id, defector, stage, stageHistory, assignedTo, registeredBy, registeredAt, screening, decision, allocation, returnedAllocations
        case relocation, integration, family, publicity, notes, closure, assignment, restriction, erasure
        case storedAppointments = "appointments"
    }

    public init(id: CaseID, defector: Defector, registeredBy: UserName, registeredAt: Timestamp,
                assignedTo: UserName? = nil) {
        self.id = id
        self.defector = defector
        self.stage = .intake
        self.stageHistory = [StageChange(stage: .intake, at: registeredAt, by: registeredBy, transition: .register)]
        self.assignedTo = assignedTo ?? registeredBy
        self.registeredBy = registeredBy
        self.registeredAt = registeredAt
        self.screening = []
        self.decision = nil
        self.allocation = nil
        self.returnedAllocations = nil
        self.relocation = Relocation()
        self.integration = Integration()
        self.family = []
        self.publicity = Publicity()
        self.notes = []
        self.closure = nil
        self.assignment = nil
        self.restriction = nil
        self.erasure = nil
        self.storedAppointments = nil
    }

    /// When the case entered its current stage.
    /// An undone arrival returns the case to Relocation without restarting its clock: it
    /// counts from the approval, so a case stuck after departure is not hidden from "late".
    public var stageEnteredAt: Timestamp {
        if let last = stageHistory.last, last.transition == .undoArrival,
           let approved = stageHistory.last(where: { $0.transition == .approveAllocation }) { return approved.at }
        return stageHistory.last?.at ?? registeredAt
    }

    /// Whole days the case has been in its current stage on `date`.
    public func daysInStage(on date: CalendarDate) -> Int {
        max(0, stageEnteredAt.date.days(until: date))
    }

    /// The latest record of each screening check, by kind.
    public var latestScreening: [ScreeningCheckKind: ScreeningCheck] {
        var latest: [ScreeningCheckKind: ScreeningCheck] = [:]
        for check in screening {
            if let existing = latest[check.kind], existing.date > check.date { continue }
            latest[check.kind] = check
        }
        return latest
    }

    /// The screening checks that have no final outcome yet.
    public var outstandingScreening: [ScreeningCheckKind] {
        let latest = latestScreening
        return ScreeningCheckKind.allCases.filter { latest[$0]?.outcome.isFinal != true }
    }

    /// The host country the case is allocated to, once an allocation is approved.
    public var allocatedCountry: CountryCode? {
        guard let allocation, allocation.review?.verdict == .approved else { return nil }
        return allocation.finalCountry
    }
}
