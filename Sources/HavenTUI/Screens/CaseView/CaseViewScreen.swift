import Foundation

import HavenCore

/// One case: a heading, a row of sections, and the chosen section's text. Notes are added here;
/// a save that meets another session's change says who and when, keeps the note being written,
/// and `r` reloads the case so it can be saved again.
public struct CaseViewScreen: Screen {
    public enum Action: Sendable, Equatable {
        case nextSection, previousSection, section(Int)
        case scrollDown, scrollUp, pageDown, pageUp
        case addNote, saveNote, cancelNote, reload, edit, top, bottom
        case integration, family, publicity, appointments, restrict
        case recordScreening, amendDecision, undo, travel, moveStage, proposeDecision, approveDecision, returnDecision, overrideAllocation, reassign
        case confirmApproval, cancelApproval, discardNote, keepNote
        /// Preferences, or a proposal by hand (`AllocationActions`).
        case allocation(AllocationStep)
    }

    public private(set) var stored: StoredCase
    public private(set) var history: [AuditEntry]
    /// Who is working, in which role (keys a role cannot use are not offered), when, with what lists.
    let context: SessionContext
    public private(set) var section = CaseSection.person
    /// Whether this view has recorded showing the history in the access log.
    var historyShown = false
    public private(set) var scroll = 0
    /// The note being written; kept through a conflict so nothing typed is lost.
    public private(set) var note: TextField?
    /// Set when the last save met someone else's change.
    public private(set) var conflict: (savedBy: UserName, savedAt: Timestamp)?
    /// `a` was pressed: y approves the proposal, anything else does not.
    /// The proposal shown when `a` asked "approve?": what y approves, whatever reloads since.
    var confirmingSeen: ProposalSeen?
    /// Esc on a note with text in it: y throws it away, n goes on writing.
    public private(set) var confirmingNoteDiscard = false
    /// What a save in flight does ("note added"), for the status; cleared by the store's answer.
    var saving: String?
    public var confirmingApproval: Bool { confirmingSeen != nil }
    var area = Rect(x: 0, y: 1, width: 80, height: 21)
    /// The time now, as the runtime last said: a note or an approval is dated then.
    var now = Timestamp(secondsSinceEpoch: 0)

    public init(stored: StoredCase, history: [AuditEntry], context: SessionContext) {
        self.stored = stored
        self.history = history
        self.context = context
    }

    /// The casework keys this role can use on this case now: each stands for a capability and
    /// a stage, so the key bar and help never offer what would be refused.
    var casework: [KeyBinding<Action>] {
        let record = stored.record
        let may = context.may
        let awaiting = record.stage == .decision && record.decision?.isAwaitingReview == true
        let pending = pendingApproval
        let mayReview = switch pending {
        case .decision?: may(.reviewDecision) && !ownProposalWaiting
        case .allocation?: may(.approveAllocation) && !ownProposalWaiting
        case nil: false
        }
        let what = if case .decision? = pending { "decision" } else if record.stage >= .allocation { "allocation" } else { "decision" }
        // A caseworker works on the cases assigned to them; supervisors on any.
        let mayWork = context.role != .caseworker || record.assignedTo == context.user
        // A review waiting for this reader comes first: at 60 columns the key bar keeps it.
        let offers: [(Bool, Character, Action, String?, String)] = [
            (mayReview, "a", .approveDecision, "Approve", "Approve the proposed \(what) (not your own)"),
            (mayReview, "u", .returnDecision, "Return", "Return the proposed \(what) to the caseworker with a comment"),
            (mayReview && what == "allocation", "x", .overrideAllocation, "Override",
             "Approve the case into another country than proposed, with the reason"),
            (may(.addNote), "n", .addNote, "Note", "Add a note to the case"),
            (may(.editCase) && record.stage != .closed && mayWork, "e", .edit, "Edit", "Edit the person and service details with the intake form"),
            (may(.recordScreening) && record.stage != .closed && (record.stage == .screening || !record.screening.isEmpty), "s",
             .recordScreening, record.stage == .screening ? "Screen" : nil, "Record a screening check (identity, vetting, art. 1F, debrief), or correct one recorded"),
            (may(.proposeDecision) && record.stage == .decision && !awaiting, "p", .proposeDecision, "Propose",
             "Propose a decision: grant, refuse or exclude, with reasons"),
            (may(.proposeDecision) && awaiting && record.decision?.proposedBy == context.user, "p",
             .amendDecision, "Amend", "Amend the proposed decision before it is reviewed (the reviewer sees the new one)"),
            (may(.proposeAllocation) && record.stage == .allocation && pending == nil, "p", .allocation(.propose), "Propose",
             "Propose a host country: the countries ranked by the batch's scores, with their factors and free places"),
            (may(.proposeAllocation) && record.stage == .allocation && record.mayAmendAllocation(context.user) && mayWork, "p", .allocation(.propose),
             "Amend", "Change or withdraw the proposed host country while it waits for approval (the supervisor sees the new one)"),
            // In the key bar only where a country is being chosen; in help (?) from intake on.
            (may(.editCase) && record.stage < .relocation, "w", .allocation(.preferences), record.stage == .allocation ? "Prefer" : nil,
             "The host countries the defector would choose, ranked, and why (before an allocation is proposed)"),
            (may(.confirmArrival) && [.relocation, .integration].contains(record.stage), "l", .travel, "Travel",
             "Travel and arrival: arranged, departure, arrival (moves the case to Integration); correct them"),
            (may(.recordIntegration) && record.stage != .closed, "i", .integration, "Integrate",
             "Courses, assessments, skills profile, job openings, applications, jobs and follow-ups"),
            // In the key bar while one is booked (a missing one says "m books one"); in help always.
            (may(.viewCases), "m", .appointments, record.appointments.contains { $0.status == .scheduled } ? "Meet" : nil, "Appointments and interviews: book, reschedule, cancel, held or no-show"),
            (may(.recordFamily), "f", .family, "Family",
             "Family members: where they are, reunification stages, documents, links to their own cases"),
            (may(.recordPublicityConsent) && record.stage != .closed, "c", .publicity, "Consent",
             "Consent to publicity: record what may be told, or withdraw it"),
            (!CaseActions.moves(for: record, role: context.role).isEmpty || CaseActions.mayWithdrawDecision(record, user: context.user),
             "t", .moveStage, "Stage", "Move the case on: submit, complete screening, reopen, arrival (or undo one), close; withdraw your proposed decision"),
            (may(.reassignCases) && record.stage != .closed, "o", .reassign, "Reassign", "Give the case to another caseworker"),
            (may(.restrictCases) && record.stage != .closed, "R", .restrict, nil,
             "Restrict the case to a named team (names masked for everyone else), change the team, or lift it"),
            (may(.editCase), "z", .undo, nil,
             "Undo your last change to this case in this session, if nobody has changed it since (z again redoes)"),
        ]
        let usable = offers.filter(\.0)
        // A casework key not open here stays in the table, disabled with the reason, so
        // pressing it says why instead of doing nothing (one reason a key).
        var named = Set(usable.map(\.1))
        // From Allocation on, p is about the allocation, not the decision.
        let refused = offers.filter { !$0.0 && !(record.stage >= .allocation && [.proposeDecision, .amendDecision].contains($0.2))
            && named.insert($0.1).inserted }
        return usable.map { KeyBinding([.character($0.1)], $0.2, label: $0.3, help: $0.4) }
            + refused.map { KeyBinding([.character($0.1)], $0.2, help: $0.4, disabled: notOpen(to: $0.2)) }
    }

    /// What waits for a supervisor on this case, if anything.
    var pendingApproval: ApprovalKind? { CaseSummary(stored).pendingApproval?.kind }
    /// The proposal this screen shows, which a review here names.
    var seenProposal: ProposalSeen? { ProposalSeen(pendingIn: CaseSummary(stored)) }

    public var title: String { stored.record.id.rawValue }
    public var caseShown: CaseID? { stored.record.id }
    public var minimumSize: Size { Size(width: 60, height: 16) }
    public var capturesText: Bool { note != nil }
    /// A kept note was just put back on opening the case: an `n` pressed then, to write a note,
    /// is not typed into it (a walk's came back as "…о семьеn").
    var noteJustBack = false
    public var hasUnsavedWork: Bool { !(note?.text.isEmpty ?? true) }

    /// A note left unsaved by a session that is over: back in its field, where Esc asks before
    /// throwing it away (held back for `n`, it was lost when the case was left with q).
    public mutating func restore(_ draft: FormDraft) -> [Command] {
        guard let text = draft.values["note"], !text.isEmpty else { return [] }
        note = TextField(text: text, maximumLength: 2000)
        noteJustBack = true
        show(.notes)
        return [.status("Your unsaved note from \(draft.savedAt.minuteText) UTC is back: Enter saves, Esc asks.", .warning)]
    }

    public var keyTable: KeyTable<Action> {
        if confirmingApproval {
            return KeyTable(KeyBinding.yesNo(.confirmApproval, "Approve", "Approve the proposed decision", no: .cancelApproval, "Cancel", "Do not approve"))
        }
        if confirmingNoteDiscard {
            return KeyTable(KeyBinding.yesNo(.discardNote, "Discard", "Throw the note away", no: .keepNote, "Keep", "Go on writing the note"))
        }
        if note != nil {
            return KeyTable([
                KeyBinding([.enter, .control("s"), .function(2)], .saveNote, label: "Save", help: "Save the note"),
                KeyBinding([.escape], .cancelNote, label: "Cancel", help: "Put the note away unsaved (asks first if anything is written)"),
                KeyBinding([.control("r")], .reload, help: "Load the case again (after a conflict); the note is kept"),
            ])
        }
        // The case's own keys before Tab: the section bar already shows how to move.
        return KeyTable((stored.record.isErased ? [] : casework) + [
            KeyBinding([.tab, .right], .nextSection, label: "Section", help: "Next section"),
            KeyBinding([.backTab, .left], .previousSection, help: "Previous section"),
            KeyBinding([.character("r")], .reload, label: "Reload", help: "Load the case again from the store"),
            KeyBinding([.down, .character("j")], .scrollDown, help: "Scroll down"),
            KeyBinding([.up, .character("k")], .scrollUp, help: "Scroll up"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, help: "Next page"),
            KeyBinding([.pageUp, .character("b")], .pageUp, help: "Previous page"),
            KeyBinding([.home, .character("g")], .top, help: "The top of the section"),
            KeyBinding([.end, .character("G")], .bottom, help: "The end of the section"),
        ] + CaseSection.allCases.map { section in
            KeyBinding([.character(section.key)], .section(section.rawValue), help: "Show \(section.title)")
        })
    }

    /// The section's lines wrapped to the body's width, so a long reason, note or story is
    /// read whole: a `label value` line continues under its value, any other under itself.
    var lines: [String] { Self.wrap(sectionLines, width: area.width - 2, fields: section.hasFields) }

    /// The section's lines; for an erased case, what remains of it in every section but the
    /// history, which keeps who changed what and when (its values read "(erased)").
    var sectionLines: [String] {
        let lines = { self.section.lines(of: self.stored.record, history: self.history, today: self.context.today,
                                         reference: self.context.reference, clock: self.context.localClock) }
        guard stored.record.isErased else { return lines() }
        return section == .history ? Array(Self.erasedLines(stored.record).prefix(2)) + lines() : Self.erasedLines(stored.record)
    }

    static func wrap(_ lines: [String], width: Int, fields: Bool = true) -> [String] {
        let valueColumn = 19
        return lines.flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }.flatMap { line -> [String] in
            let characters = Array(line)
            let leading = characters.prefix { $0 == " " }.count
            let isField = fields && characters.count > valueColumn && characters[valueColumn - 1] == " " && leading < valueColumn - 1
            let indent = isField ? valueColumn - leading : 2
            // Leading spaces are kept on the first line; the rest wraps under the text.
            let wrapped = DisplayWidth.wrap(String(characters.dropFirst(leading)), to: max(10, width - leading),
                                            indent: String(repeating: " ", count: indent))
            return wrapped.map { String(repeating: " ", count: leading) + $0 }
        }
    }

    public mutating func prepare(for area: Rect, now: Timestamp) {
        self.area = area
        self.now = now
    }

    public mutating func handle(_ action: Action) -> [Command] {
        noteJustBack = false
        let page = max(1, area.height - 4)
        switch action {
        case .nextSection: return showing(CaseSection(rawValue: (section.rawValue + 1) % CaseSection.allCases.count)!)
        case .previousSection: return showing(CaseSection(rawValue: (section.rawValue + CaseSection.allCases.count - 1) % CaseSection.allCases.count)!)
        case let .section(index): return showing(CaseSection(rawValue: index)!)
        case .scrollDown: scroll += 1
        case .scrollUp: scroll -= 1
        case .pageDown: scroll += page
        case .top: scroll = 0
        case .bottom: scroll = lines.count
        case .pageUp: scroll -= page
        case .addNote:
            note = TextField(maximumLength: 2000)
            show(.notes)
        case .cancelNote:
            guard note?.text.isEmpty ?? true else {
                confirmingNoteDiscard = true
                return [.status("Throw away this note? y discards, n goes on writing.", .warning)]
            }
            note = nil
        case .discardNote:
            confirmingNoteDiscard = false
            note = nil
        case .keepNote:
            confirmingNoteDiscard = false
        case .saveNote:
            do {
                let record = try Workflow.addNote(note?.text ?? "", on: stored.record, by: context.actor, at: now)
                saving = "note added"
                return [.save(record, basedOn: stored.version)]
            } catch {
                if case .invalid = error { return [.status("A note cannot be empty.", .warning)] }
                return [.status(error.description, .error)]
            }
        case .recordScreening:
            guard !stored.record.screening.isEmpty else { return [.push(CaseActions.recordScreening(stored, context: context))] }
            return [.push(CorrectionActions.screeningMenu(stored, context: context))]
        case .amendDecision:
            show(.decision)
            return [.push(CorrectionActions.amendDecision(stored, context: context))]
        case .undo:
            return [.undo(stored.record.id)]
        case .proposeDecision:
            return [.push(CaseActions.proposeDecision(stored, context: context))]
        case .approveDecision:
            guard let pending = CaseSummary(stored).pendingApproval else { return [] }
            let question = CaseActions.askToApprove(stored.record.id, kind: pending.kind, proposedBy: pending.proposedBy,
                                                    user: context.user)
            confirmingSeen = question.ask ? seenProposal : nil
            return [question.effect]
        case .returnDecision:
            guard let kind = pendingApproval else { return [] }
            return [.push(CaseActions.returnProposal(stored.record.id, kind: kind, seen: seenProposal, record: stored.record))]
        case .overrideAllocation:
            guard case let .allocation(country)? = pendingApproval else { return [] }
            if let refusal = OpenOverride.refusal(stored, user: context.user) { return [refusal] }
            return [.push(AllocationChoiceScreen(stored: stored, context: context,
                                                 overriding: AllocationChoiceScreen.Override(proposed: country, seen: seenProposal)))]
        case .moveStage:
            return [.push(CaseActions.moveStage(stored, context: context))]
        case .travel:
            show(.allocation)
            return [.push(RelocationActions.travel(stored, context: context))]
        case .integration:
            show(.integration)
            return IntegrationActions.menu(stored, context: context)
        case .family:
            show(.family)
            return [.run(OpenFamilyScreen(id: stored.record.id))]
        case .appointments: return [.push(AppointmentsScreen(stored: stored, context: context, now: now))]
        case .publicity:
            show(.publicity)
            return [.push(FamilyActions.consentMenu(stored, context: context))]
        case .reassign:
            return CaseActions.reassign([stored.record.id])
        case .restrict:
            return [.run(OpenRestrictForm(stored: stored))]
        case .confirmApproval:
            let seen = confirmingSeen
            confirmingSeen = nil
            do {
                guard let kind = pendingApproval else { return [.status("No proposal is waiting for approval now; nothing was saved.", .error)] }
                let record = try CaseActions.approve(stored.record.id, kind: kind, seen: seen).apply(stored.record, context.actor, now)
                saving = CaseActions.approvedPhrase(kind)
                return [.save(record, basedOn: stored.version)]
            } catch {
                return [.status("\(error)", .error)]
            }
        case .cancelApproval:
            confirmingSeen = nil
            return [.status("Not approved.", .info)]
        case let .allocation(step):
            show(.allocation)
            return AllocationActions.perform(step, stored, context: context)
        case .reload:
            return [.reload(stored.record.id)]
        case .edit:
            return [.run(OpenEditForm(stored: stored))]
        }
        scroll = min(max(0, scroll), max(0, lines.count - (area.height - 4)))
        return []
    }

    mutating func show(_ next: CaseSection) {
        section = next
        scroll = 0
    }

    /// Another session saved this case: reload it at once, unless a note is being written,
    /// which is never thrown away; then say so, and Ctrl-R reloads keeping the note.
    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        guard let newer = summaries.first(where: { $0.id == stored.record.id }), newer.version > stored.version else { return [] }
        guard note == nil else {
            return [.status("\(stored.record.id) was changed in another session; Ctrl-R reloads, your note is kept.", .warning)]
        }
        return [.reload(stored.record.id)]
    }

    public mutating func handleUnboundKey(_ key: Key) -> [Command]? {
        if confirmingNoteDiscard { return [] }
        if noteJustBack, note != nil {
            noteJustBack = false
            if key == .character("n") { return [.status("Your note is open: type on; Enter saves, Esc asks.", .info)] }
        }
        guard var field = note, field.handle(key) else { return nil }
        note = field
        return field.said(as: "The note")
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        switch reply {
        case let .saved(newer, newHistory):
            stored = newer
            history = newHistory
            note = nil
            conflict = nil
            defer { saving = nil }
            return [.status("Saved \(newer.record.id) as \(newer.version)" + (saving.map { ": \($0)." } ?? "."), .info)]
        case let .loaded(newer, newHistory):
            stored = newer
            history = newHistory
            conflict = nil
            // y/n asked about a proposal: it stands, still said, while the proposal does; one
            // changed puts it away, saying so (a walk found y Approve left on the key bar).
            if let asked = confirmingSeen {
                guard seenProposal == asked else {
                    confirmingSeen = nil
                    return [ProposalReview.putAway(newer.record.id, now: seenProposal, asked: asked)]
                }
                return []
            }
            // Whose version it is now, when another's (a walk's value was replaced unsaid).
            let whose = newer.savedBy == context.user ? " (\(newer.version))" : ": \(newer.savedBy)'s \(newer.version)"
            return [.status("Reloaded \(newer.record.id)\(whose)" + (note == nil ? "." : "; your note is kept: Enter saves it."), .info)]
        case let .conflict(savedBy, savedAt):
            saving = nil
            conflict = (savedBy, savedAt)
            let when = savedAt.minuteText
            return [.status("Not saved: \(savedBy) changed it \(when) UTC. " + (note == nil ? "r reloads." : "Ctrl-R reloads; note kept."), .error)]
        case let .failed(message):
            saving = nil
            return [.status(message, .error)]
        default:
            return []
        }
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        canvas.put(heading(width: area.width), x: area.x, y: area.y, width: area.width, style: .heading)
        renderSectionBar(into: &canvas, y: area.y + 1, area: area)
        let noteRows = note == nil ? 0 : 1
        let body = Rect(x: area.x, y: area.y + 3, width: area.width, height: area.height - 3 - noteRows)
        let all = Self.wrap(sectionLines, width: body.width - 1, fields: section.hasFields)
        // When it overflows, the last row is the "more below" marker's alone.
        let visible = all.count > body.height ? body.height - 1 : body.height
        let first = min(scroll, max(0, all.count - visible))
        for (offset, line) in all.dropFirst(first).prefix(visible).enumerated() {
            canvas.put(" " + line, x: body.x, y: body.y + offset, width: body.width)
        }
        if first + visible < all.count {
            let more = "more below ↓"
            canvas.put(more, x: body.maxX - DisplayWidth.of(more) - 1, y: body.maxY - 1, style: .muted)
        }
        if let note {
            let y = area.maxY - 1
            let label = " New note: "
            let x = area.x + canvas.put(label, x: area.x, y: y, style: .heading)
            note.render(into: &canvas, x: x, y: y, width: area.maxX - x - 1, focused: true)
        }
    }
}
