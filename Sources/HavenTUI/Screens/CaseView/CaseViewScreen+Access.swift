import HavenCore

extension CaseViewScreen {
    /// Shows `next`; the first time this view shows the history, the access log records it.
    mutating func showing(_ next: CaseSection) -> [Command] {
        show(next)
        guard next == .history, !historyShown else { return [] }
        historyShown = true
        return [.run(LogHistoryShown(id: stored.record.id))]
    }

    /// Why a casework key is not open on this case now.
    func notOpen(to action: Action) -> String {
        let record = stored.record
        if record.stage == .closed { return "\(record.id) is closed." }
        switch action {
        case .restrict:
            return "Only a supervisor restricts a case to a team."
        case .approveDecision, .returnDecision, .overrideAllocation:
            return pendingApproval == nil ? "Nothing on \(record.id) is waiting for approval." : "Approving is for a supervisor."
        case .proposeDecision, .amendDecision, .allocation(.propose):
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

    /// The case was restricted to a team without this reader (its names now masked in what
    /// they are shown): the view closes at once. A note being written, which can no longer be
    /// saved there, is shown whole on a page of its own instead of being thrown away.
    func closedToThisReader(_ summaries: [CaseSummary]) -> [Command]? {
        let id = stored.record.id
        guard NeedToKnow.isClosedToReader(summaries.summary(of: id)) else { return nil }
        guard let typed = note?.text, !typed.isEmpty else {
            return [.back, .status("\(id) is now restricted to its team, and was closed here.", .warning)]
        }
        return [.back, .push(TextViewScreen(title: "Unsaved note", heading: "\(id) is now restricted to its team: your note was not saved",
                                            text: typed)),
                .status("\(id) is now restricted to its team: it was closed, and your note is shown here to copy.", .warning)]
    }
}
