import HavenCore

extension SessionServices {
    /// What closes when a case is restricted to a team without this reader: every screen
    /// showing it (`Screen.caseShown`: a case view, its family, appointments, a form on it),
    /// so nothing of the record stays on screen; what was typed on them (a note, a form's
    /// values) on a page of its own to copy, never thrown away unseen (it cannot be saved
    /// there now). A case erased meanwhile closes the same way, but what was typed on it goes
    /// with it: it is the erased person's data, and it is not kept or shown (its drafts go as
    /// the screens close). Nil when nothing closes.
    func closedToReader(_ screens: [(ScreenStack.ID, any Screen)], summaries: [CaseSummary])
        -> (screens: [ScreenStack.ID], page: (any Screen)?, notice: String)? {
        var closing: [ScreenStack.ID] = []
        var closed: CaseID?
        var typed: [String] = []
        var erased: CaseID?
        for (id, screen) in screens {
            guard let shown = screen.caseShown else { continue }
            if summaries.summary(of: shown)?.isErased == true, !(screen is CaseViewScreen) || screen.hasUnsavedWork {
                closing.append(id)
                erased = shown
                continue
            }
            guard NeedToKnow.isClosedToReader(summaries.summary(of: shown)) else { continue }
            if screen.hasUnsavedWork, let draft = screen.formDraft {
                let fields = draft.order.isEmpty ? draft.values.keys.sorted() : draft.order
                typed += [draft.title] + fields.compactMap { field in
                    draft.values[field].flatMap { $0.isEmpty ? nil : "  \(draft.labels[field] ?? field): \($0)" }
                } + [""]
            }
            closing.append(id)
            closed = shown
        }
        if closed == nil, let erased {
            // A page that stays until Esc, so keys typed on the closed screen fall on nothing.
            let page = TextViewScreen(title: "Erased", heading: "\(erased) was erased while it was open here",
                                      text: "A second supervisor or administrator approved the erasure of \(erased): its personal data is gone "
                                          + "from the store. What was open on it closed, and anything typed on it was not kept: it was the "
                                          + "person's data.\n\nEsc goes back.")
            return (closing, page, "\(erased) was erased; what was open on it closed, and what was typed is gone.")
        }
        guard let closed else { return nil }
        let page: (any Screen)? = typed.isEmpty ? nil
            : TextViewScreen(title: "Unsaved", heading: "\(closed) is now restricted to its team: what you typed was not saved",
                             text: typed.joined(separator: "\n"))
        return (closing, page, "\(closed) is now restricted to its team, and was closed here" + (typed.isEmpty ? "." : "; what you typed is shown to copy."))
    }

    /// Whether one more case is closed to this reader (restricted to a team without them, or
    /// erased) than at the last look: the session's messages, which name cases, then go. The
    /// first look, as the session starts, only notes them.
    func closesAnotherCase(_ summaries: [CaseSummary]) -> Bool {
        var closed = Set<CaseID>()
        for summary in summaries where summary.isErased || NeedToKnow.isClosedToReader(summary) { closed.insert(summary.id) }
        defer { closedCases = closed }
        guard let known = closedCases else { return false }
        return !closed.isSubset(of: known)
    }
}
