import HavenCore

extension CaseViewScreen {
    /// A caseworker's view (tests of the reading side).
    public init(stored: StoredCase, history: [AuditEntry], today: CalendarDate, author: UserName,
                clock: @escaping @Sendable () -> Timestamp, reference: ReferenceData? = nil, role: Role = .caseworker) {
        self.init(stored: stored, history: history,
                  context: SessionContext(user: author, today: today, storeDescription: "", role: role, clock: clock, reference: reference))
    }

    /// A note being written is kept as a draft of this case's note.
    public var formDraft: FormDraft? {
        FormDraft(form: "note", title: "Note on \(stored.record.id)", savedAt: now, values: ["note": note?.text ?? ""], focus: "note",
                  editing: stored.record.id, basedOn: stored.version, baseValues: ["note": ""], labels: ["note": "Note"])
    }

    /// Shows `next`; the first time this view shows the history, the access log records it.
    mutating func showing(_ next: CaseSection) -> [Command] {
        show(next)
        guard next == .history, !historyShown else { return [] }
        historyShown = true
        return [.run(LogHistoryShown(id: stored.record.id))]
    }

    /// Whether what waits for a supervisor here is the user's own proposal: a, u and x then
    /// stay in the table disabled, saying why (nobody reviews their own).
    var ownProposalWaiting: Bool { CaseSummary(stored).pendingApproval?.proposedBy == context.user }

    /// Why a casework key is not open on this case now.
    func notOpen(to action: Action) -> String {
        let record = stored.record
        if record.stage == .closed { return "\(record.id) is closed." }
        switch action {
        case .restrict:
            return "Only a supervisor restricts a case to a team."
        case .approveDecision, .returnDecision, .overrideAllocation:
            guard let pending = pendingApproval else { return "Nothing on \(record.id) is waiting for approval." }
            let transition: TransitionName = if case .allocation = pending { .approveAllocation } else { .approveGrant }
            let reviewer = context.may(transition == .approveAllocation ? .approveAllocation : .reviewDecision)
            return reviewer && ownProposalWaiting ? WorkflowError.ownProposal(transition).description : "Approving is for a supervisor."
        case .allocation(.propose) where record.stage > .allocation:
            guard record.stage == .relocation else { return "\(record.id) has arrived: the allocation stands." }
            return Workflow.reopenRefusal(record) ?? "\(record.id)'s allocation is approved; a supervisor may reopen it (t)."
        case .allocation(.propose), .proposeDecision where record.stage == .allocation, .amendDecision where record.stage == .allocation:
            if pendingApproval != nil {
                let by = record.allocation?.proposedBy.rawValue ?? "another"
                guard record.allocation?.batch != nil, let caseworker = record.assignedTo else {
                    return "Only its proposer, \(by), can change or withdraw this allocation."
                }
                return "Only \(caseworker) (caseworker) or \(by) (ran the batch) may change it."
            }
        case .proposeDecision, .amendDecision:
            if pendingApproval != nil { return "A proposal on \(record.id) is waiting for review; only its proposer can amend it." }
        default:
            break
        }
        if context.role == .caseworker, record.assignedTo != context.user, action != .addNote {
            return record.assignedTo.map { "\(record.id) is assigned to \($0); a supervisor can give it to you." }
                ?? "\(record.id) is not assigned to you; a supervisor can give it to you."
        }
        if action == .moveStage { return "No stage move from \(record.stage.title) is open to \(context.role.withArticle)." }
        return "Not open to \(context.role.withArticle) while \(record.id) is in \(record.stage.title)."
    }

}
