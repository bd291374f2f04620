import HavenCore

/// What a form's values turned into: effects to perform (a save, an update), or the problems
/// to show beside the fields, or a refusal for the status line.
public enum FormOutcome {
    case perform([Command])
    case problems([ValidationIssue])
    case refused(String)

    /// The same, and `command` after what it performs (problems and refusals stay as they are).
    func then(_ command: Command) -> FormOutcome {
        guard case let .perform(commands) = self else { return self }
        return .perform(commands + [command])
    }
}

/// A small form for one step of casework (a screening check, a proposed decision, a comment,
/// a user's role): the same fields, keys and messages as the intake form. Ctrl-S or F2 turns
/// the values into effects through `submit`, which calls the workflow, so the rules are
/// HavenCore's; when the store has done it, the form closes and hands the saved case to the
/// screen below.
public struct FormScreen: Screen {
    public enum Action: Sendable {
        case next, previous, submit, close, confirmDiscard, keepEditing, viewWhole, goTo, reload
    }

    /// What a form on a case edits, so it is kept as a draft of that form on that case and
    /// reloaded after a conflict as itself (`CaseForms`): its key, the case, the version it
    /// was filled from (and who saved that, when), and its values then.
    public struct Origin: Sendable, Equatable {
        public let form: String
        public let caseID: CaseID
        /// The version the form was filled from, who saved it and when; nil for a form whose
        /// change is applied to the case as it is when saved (a return, an override).
        public var version: CaseVersion?
        public var savedBy: UserName?
        public var savedAt: Timestamp?
        public var base: [String: String]
        /// What the form is about, as its heading says (a draft or a reload on another
        /// subject, such as a later follow-up, is refused).
        public var subject: String
        /// The case's stage when the form was filled: a refused save is saved again by itself
        /// only while the case is still there (a case approved meanwhile is looked at first).
        public var stage: CaseStage?
    }

    public let title: String
    public let heading: String
    public private(set) var form: Form
    /// The form's values into commands: a pure function of the values and the time now (set
    /// by the runtime before each key), calling the workflow.
    let submit: (Form, Timestamp) -> FormOutcome
    /// Called after each change of a value, to reshape the form (show the fields a choice needs).
    let adjust: ((inout Form) -> Void)?
    public private(set) var askingToDiscard = false
    /// Ctrl-G was pressed: the next letter or digit picks the field to go to.
    public private(set) var goingTo = false
    /// The time now, as the runtime last said.
    var now = Timestamp(secondsSinceEpoch: 0)
    /// What the form edits; nil for a form on no case (a quota, a user's role).
    public private(set) var origin: Origin?
    /// The same form, known as `form` on the case `id` whatever its version: for a form whose
    /// change applies to the case as it is when saved (`CaseChange`), such as a return.
    /// `seen`: the proposal the form answers; a kept comment never goes back onto another
    /// (a proposal amended since).
    public func keeping(_ form: String, onCase id: CaseID, about seen: ProposalSeen?) -> FormScreen {
        var copy = self
        let proposal = seen.map { " · \($0.subject) by \($0.proposedBy?.rawValue ?? "?") at \($0.proposedAt?.description ?? "?")" } ?? ""
        copy.origin = Origin(form: form, caseID: id, version: nil, savedBy: nil, savedAt: nil, base: opened, subject: heading + proposal,
                             stage: nil)
        // A decision's or an allocation's, which a summary shows; a story's review is checked
        // by the store alone (a summary names no story the way its form does: it was taken
        // as gone at every poll, from a review).
        if let seen, case .decision = seen.subject { copy.answering = (id, seen) }
        if let seen, case .allocation = seen.subject { copy.answering = (id, seen) }
        return copy
    }

    /// The proposal a return or an override's reason answers, and what became of it when it
    /// changed meanwhile: said as it happens, over the form, not only when Ctrl-S is refused
    /// (a walk typed a whole comment on a proposal withdrawn a minute before).
    var answering: (id: CaseID, seen: ProposalSeen)?
    public internal(set) var overtaken: String?

    /// The values the form opened with: a draft of a form on no case keeps them as its base.
    let opened: [String: String]
    /// Fields changed on both sides and left undecided (Esc on the conflict screen): asked
    /// about again at the next reload, never settled by it.
    var undecided: Set<String> = []
    /// A save met another session's change: the form is reloaded and, when nothing clashes,
    /// saved again at once (fields changed on one side only merge).
    var savingAfterReload = false
    /// How many saves in a row met another session's change (saved again at most three times).
    var retries = 0
    /// Said when the save lands: whose change was merged in first.
    var mergedNote: String?
    /// What the last update asked of the store did ("Return allocation"), for the status
    /// after it ("Saved HV-000362: return allocation."), not a bare "Saved".
    var updating: String?

    /// A form that asks rather than records (the audit trail's filter, a report's file): no
    /// draft is kept, and quitting does not ask about it.
    public private(set) var keepsDraft = true

    public init(title: String, heading: String, form: Form, adjust: ((inout Form) -> Void)? = nil,
                submit: @escaping (Form, Timestamp) -> FormOutcome) {
        self.adjust = adjust
        self.title = title
        self.heading = heading
        self.form = form
        self.submit = submit
        opened = form.values
    }

    /// The same form, known as `form` on `stored` (see `CaseForms`), about `subject` (its
    /// heading unless said).
    public func keeping(_ form: String, on stored: StoredCase, subject: String? = nil) -> FormScreen {
        var copy = self
        copy.origin = Origin(form: form, caseID: stored.record.id, version: stored.version, savedBy: stored.savedBy,
                             savedAt: stored.savedAt, base: opened, subject: subject ?? heading, stage: stored.record.stage)
        return copy
    }

    public var formDraft: FormDraft? {
        guard keepsDraft else { return nil }
        return FormDraft(form: origin?.form ?? "form.\(title.lowercased().replacingOccurrences(of: " ", with: "-"))",
                  title: origin.map { "\(title) \($0.caseID)" } ?? title, savedAt: now, values: form.values,
                  focus: form.focusedField.id, editing: origin?.caseID, basedOn: origin?.version, baseValues: origin?.base ?? opened,
                  labels: form.labels, subject: origin?.subject ?? heading, order: form.fieldIDs, shown: form.shownChoices,
                  undecided: undecided.sorted())
    }

    /// A kept draft of this form, back: as typed when the case is where it was; merged field
    /// by field when it moved on (a field changed on both sides is asked about).
    public mutating func restore(_ draft: FormDraft) -> [Command] {
        let since = draft.savedAt.minuteText
        // About something else now (a later follow-up, another check): not filled, so the
        // runtime reads the draft back instead.
        if let subject = draft.subject, subject != (origin?.subject ?? heading) { return [] }
        let open = Set(draft.undecided)
        guard let origin, let basedOn = draft.basedOn, basedOn != origin.version || !open.isEmpty else {
            fill(draft.values, focus: draft.focus)
            return [.status("Your unsaved \(draft.what) from \(since) UTC is back.", .info)]
        }
        let theirs = form.values
        let merge = FormMerge(base: draft.baseValues ?? theirs, mine: draft.values, theirs: theirs, undecided: open)
        fill(merge.merged, focus: draft.focus)
        return [.status(basedOn == origin.version ? "Back: your \(draft.what), with what was undecided to choose."
                        : "Back: your \(draft.what), merged with \(origin.version?.description ?? "the case") saved since.", .warning)]
            + conflict(merge, mine: draft.values, theirs: theirs)
    }

    /// Puts values in (a draft, a merge), reshaping the form for the choices among them.
    mutating func fill(_ values: [String: String], focus: String) {
        form.restore(values, focus: focus)
        if let adjust {
            adjust(&form)
            form.restore(values, focus: focus)
        }
    }

    /// The fields changed on both sides, marked ! with their value, and the screen asking
    /// which to keep; nothing when there are none.
    mutating func conflict(_ merge: FormMerge, mine: [String: String], theirs: [String: String]) -> [Command] {
        undecided = Set(merge.clashes)
        guard let origin else { return [] }
        return form.askAbout(merge, mine: mine, theirs: theirs, savedBy: origin.savedBy ?? "someone", savedAt: origin.savedAt ?? now,
                             what: "\(title) \(origin.caseID)")
    }

    public var minimumSize: Size { Size(width: 60, height: 16) }
    public mutating func prepare(for area: Rect, now: Timestamp) { self.now = now }
    /// Every printable key belongs to the form, so a stray q never leaves it unasked.
    public var capturesText: Bool { true }
    /// Typed and not saved: changed, and not back to what it opened with.
    public var hasUnsavedWork: Bool { form.isDirty && keepsDraft && form.values != (origin?.base ?? opened) }

    /// The same form, keeping no draft (a query, not a record).
    public func keepingNoDraft() -> FormScreen {
        var copy = self
        copy.keepsDraft = false
        return copy
    }

    public var keyTable: KeyTable<Action> {
        if askingToDiscard {
            return KeyTable(KeyBinding.yesNo(.confirmDiscard, "Discard", "Throw the form away", no: .keepEditing, "Keep", "Go on with the form"))
        }
        return KeyTable([
            KeyBinding([.control("s"), .function(2)], .submit, label: "Save", help: "Check the fields and save"),
            KeyBinding([.tab, .down, .enter], .next, label: "Next", help: "Next field"),
            KeyBinding([.backTab, .up], .previous, help: "Previous field"),
            KeyBinding([.escape], .close, label: "Close", help: "Close the form (asks first if anything was typed)"),
        ] + FormKeys.bindings(viewWhole: .viewWhole, goTo: .goTo) + (origin == nil ? [] : [
            KeyBinding([.control("r")], .reload, help: "Load the case again (after a conflict): your changed fields are kept, a clash is asked about"),
        ]))
    }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .reload:
            guard let origin else { return [] }
            // Ctrl-R only loads: a save is never made by it, even after a reload that failed.
            savingAfterReload = false
            return [.run(ReloadCaseForm(form: origin.form, id: origin.caseID))]
        case .next: form.move(by: 1)
        case .previous: form.move(by: -1)
        case .submit:
            switch submit(form, now) {
            case let .perform(effects):
                for case let .run(task) in effects { if let update = task as? UpdateCases { updating = update.change.title } }
                return effects
            case let .problems(issues):
                // A problem with no field of its own on this form (the case has no job to
                // follow up) is said in the status line, not pinned on the first field.
                let (mine, others) = form.splitByField(issues)
                guard !mine.isEmpty else { return [.status(others.map(\.message).joined(separator: " "), .error)] }
                form.show(mine)
                let extra = others.isEmpty ? "" : " " + others.map(\.message).joined(separator: " ")
                return [.status("\(mine.count) thing\(mine.count == 1 ? "" : "s") to fix, marked ! beside the field\(mine.count == 1 ? "" : "s")." + extra, .warning)]
            case let .refused(message):
                return [.status(message, .error)]
            }
        case .close:
            // Esc on "Go to which field?" puts the question away, not the form (from a walk).
            if goingTo {
                goingTo = false
                return [FormKeys.goToCancelled]
            }
            guard form.isDirty else { return [.back] }
            askingToDiscard = true
            return [.status("Throw away this form? y discards, n keeps it.", .warning)]
        case .confirmDiscard: return [.back]
        case .keepEditing: askingToDiscard = false
        case .viewWhole:
            return [FormKeys.viewWhole(form)]
        case .goTo:
            goingTo = true
            return [FormKeys.goToPrompt]
        }
        return []
    }

    public mutating func handleUnboundKey(_ key: Key) -> [Command]? {
        guard !askingToDiscard else { return [] }
        if goingTo {
            goingTo = false
            return FormKeys.jump(&form, key)
        }
        let before = adjust == nil ? nil : form.values
        let taken = form.handle(key, at: now)
        if taken, let adjust, form.values != before { adjust(&form) }
        if taken { return FormKeys.choiceStatus(form, after: key) }
        return FormKeys.notTaken(form, key) ?? (key.typedCharacter != nil ? [] : nil)
    }

    /// The same form filled from the case as it is now (Ctrl-R), or the choices made on the
    /// conflict screen, or the store's answer.
    public mutating func receive(_ message: any Sendable) -> [Command] {
        if let newer = message as? ReloadCaseForm.Reloaded { return reloaded(newer.screen) }
        if let choices = message as? ConflictScreen.Choices {
            let said = form.take(choices, saving: "the form")
            undecided = Set(choices.undecided)
            // Reshaped for a choice taken (the kind of a screening check), keeping the marks.
            let marks = form.messages
            fill(form.values, focus: form.focusedField.id)
            form.messages = marks
            return [said]
        }
        guard let reply = message as? StoreReply else { return [] }
        return receive(reply: reply)
    }

    /// Takes the form as rebuilt from the newer case: its save now goes on the newer version,
    /// the fields changed here keep their values, the rest take the newer ones.
    mutating func reloaded(_ newer: FormScreen) -> [Command] {
        let saving = savingAfterReload
        savingAfterReload = false
        guard let origin, let next = newer.origin else { return [] }
        // A Return told its proposal changed, asked for it as it is now: the comment carries over
        // to the one shown above it (a walk's was lost to an amendment). A Return only (one
        // text, nothing a newer form could offer otherwise), and of the same kind of proposal.
        if next.subject != origin.subject, overtaken != nil, origin.form == "return", let was = answering?.seen,
           let now = newer.answering?.seen, ProposalSeen.sameKind(was, now) {
            var replaced = newer
            replaced.now = self.now
            replaced.fill(form.values, focus: form.focusedField.id)
            self = replaced
            return [.status("Now about \(now.shortDescription) (above); text kept, Ctrl-S saves.", .warning)]
        }
        guard next.subject == origin.subject else {
            return [.status("Not reloaded: \(next.caseID) changed so that this form is about something else now (\(next.subject)). Esc, and look at the case.", .error)]
        }
        let mine = form.values, theirs = newer.form.values
        let merge = FormMerge(base: origin.base, mine: mine, theirs: theirs, undecided: undecided)
        let focus = form.focusedField.id
        var replaced = newer
        replaced.now = now
        replaced.fill(merge.merged, focus: focus)
        // A value typed here that the newer form cannot hold (a course no longer offered) is
        // never swapped for another: the form stays as it was.
        let lost = merge.kept.filter { replaced.form.values[$0] != mine[$0] }
        guard lost.isEmpty else {
            let names = lost.map { form.labels[$0] ?? $0 }.joined(separator: ", ")
            return [.status("Not reloaded: \(next.caseID) no longer offers what you chose for \(names). Esc, and look at the case.", .error)]
        }
        if merge.kept.isEmpty { replaced.form.markSaved() }
        self = replaced
        let kept = merge.kept.count
        // Saved again at once when the other change touched none of the fields changed here,
        // the case is still where it was, and it has not happened three times in a row.
        if saving, merge.clashes.isEmpty, next.stage == origin.stage, retries < 3 {
            retries += 1
            mergedNote = "\(next.savedBy?.rawValue ?? "another session")'s change of \(next.savedAt?.minuteText ?? "") UTC merged first"
            return handle(.submit)
        }
        retries = 0
        if saving, merge.clashes.isEmpty, next.stage != origin.stage {
            // Who moved it, and no promise that Ctrl-S saves (the form may no longer apply: a walk).
            return [.status("Not saved: \(next.savedBy?.rawValue ?? "someone") moved \(next.caseID) to \(next.stage?.title ?? "another stage"); check the form first.",
                            .warning)]
        }
        return [.status(merge.clashes.isEmpty
                        ? "Reloaded \(next.caseID) (\(next.version?.description ?? "as it is")); your \(kept) changed field\(kept == 1 ? " is" : "s are") kept. Ctrl-S saves."
                        : "Reloaded \(next.caseID) (\(next.version?.description ?? "as it is")): \(merge.clashes.count) changed by \(next.savedBy?.rawValue ?? "someone") too. t theirs, m yours.",
                        merge.clashes.isEmpty ? .info : .warning)] + conflict(merge, mine: mine, theirs: theirs)
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        switch reply {
        case let .saved(stored, _):
            form.markSaved()
            retries = 0
            if let note = mergedNote {
                mergedNote = nil
                return [.backAnswering(reply), .status("Saved \(stored.record.id) as \(stored.version), \(note).", .info)]
            }
            // A save that moved the case on says where to (an arrival: "now in Integration").
            if let stage = origin?.stage, stored.record.stage != stage {
                let now = stored.record.stage == .closed ? "the case is closed" : "now in \(stored.record.stage.title)"
                return [.backAnswering(reply), .status("Saved \(stored.record.id) as \(stored.version): \(now).", .info)]
            }
            return reply.closingAfterSave
        case let .updated(saved, refused):
            if let (id, reason) = refused.first { return [.status("\(id) not saved: \(StoreReply.reason(reason))", .error)] }
            form.markSaved()
            let what = updating.map { ": " + $0.midSentence } ?? ""
            return [.back, .status("Saved \(saved.map(\.rawValue).joined(separator: ", "))\(what).", .info)]
        case .users, .hostCountries, .catalogue:
            // The list below shows what the store has now.
            form.markSaved()
            return [.backAnswering(reply)]
        case let .conflict(savedBy, savedAt):
            guard let origin, origin.version != nil else {
                return [.status("Not saved: \(savedBy) changed the case \(savedAt.minuteText) UTC. Esc, then reload it.", .error)]
            }
            // Reloaded and merged; saved again unless a field was changed on both sides.
            savingAfterReload = true
            return [.run(ReloadCaseForm(form: origin.form, id: origin.caseID))]
        default:
            return reply.closingAfterSave
        }
    }

    /// A form on a case shows its values: closed when the case is restricted away from the reader.
    public var caseShown: CaseID? { origin?.caseID }

    public func render(into canvas: inout Canvas, area: Rect) {
        canvas.put(" " + heading, x: area.x, y: area.y, width: area.width, style: .heading)
        // The instruction first: it stays at 60 columns, where what changed may be cut.
        if let overtaken {
            canvas.put(" Changed meanwhile (Ctrl-R takes it up): \(overtaken)", x: area.x, y: area.y + 1, width: area.width, style: Style(.warning))
        }
        form.render(into: &canvas, area: Rect(x: area.x, y: area.y + 2, width: area.width, height: area.height - 2))
    }
}

extension StoreReply {
    /// What a form or pick list does with the store's answer to its one save: close, handing
    /// the saved case to the screen below, and say so; or stay and say what failed.
    var closingAfterSave: [Command] {
        switch self {
        case .saved(let stored, _):
            [.backAnswering(self), .status("Saved \(stored.record.id) as \(stored.version).", .info)]
        case let .failed(message):
            [.status(message, .error)]
        case let .conflict(savedBy, savedAt):
            [.status("Not saved: \(savedBy) changed the case \(savedAt.minuteText) UTC. Esc, then reload it.", .error)]
        default:
            []
        }
    }
}
