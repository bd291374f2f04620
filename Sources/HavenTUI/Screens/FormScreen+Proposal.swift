import HavenCore

extension FormScreen {
    /// A form answering a proposal (`answering`) hears each change of the store: the proposal
    /// replaced, amended, withdrawn or reviewed meanwhile is said as it happens (`overtaken`),
    /// and again when it changes once more; the store's refusal at Ctrl-S stays the guard.
    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        guard let answering else { return [] }
        let now = summaries.first { $0.id == answering.id }.flatMap { ProposalSeen(pendingIn: $0) }
        let was = answering.seen.shortDescription
        let what: String? = if now == answering.seen { nil }
            else if let now { now.shortDescription == was ? "\(was) was amended" : "it is now \(now.shortDescription)" }
            else { "\(was) was withdrawn or reviewed" }
        // Said again only when it says something new (withdrawn after being replaced).
        guard what != overtaken else { return [] }
        overtaken = what
        return what.map { [.status("Meanwhile \($0).", .warning)] } ?? []
    }
}
