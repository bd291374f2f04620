import HavenCore

/// Registering a defector: the intake form. Tab, Shift-Tab, Up, Down and Enter move between
/// fields; Left, Right and Space change pick lists; Ctrl-S or F2 saves once every field is
/// right; Esc asks before throwing changes away.
public struct IntakeScreen: Screen {
    public enum Action: Sendable {
        case next, previous, save, close, confirmDiscard, keepEditing
        case reloadEdited, viewWhole, goTo
    }

    public private(set) var form: Form
    public let reference: ReferenceData
    public let today: CalendarDate
    /// Esc was pressed on a changed form: y discards, n goes on.
    public private(set) var askingToDiscard = false
    /// Ctrl-G was pressed: the next letter or digit picks the field to go to.
    public private(set) var goingTo = false
    /// When editing an existing case: the case as loaded, and the form's values then, so a
    /// reload after a conflict keeps exactly the fields this user changed.
    public private(set) var editing: StoredCase?
    var loadedValues: [String: String] = [:]
    /// An empty intake form's values: a registration typed and cleared again is nothing kept.
    let blankValues: [String: String]
    /// The Latin spellings this form suggested, by field: one still as suggested follows the
    /// Cyrillic when it is corrected.
    var suggestedLatin: [String: String] = [:]
    /// Fields changed on both sides and left undecided: asked about again at the next reload.
    var undecided: Set<String> = []
    /// A save met another session's change: reloaded, merged, and saved again when nothing
    /// clashes.
    var savingAfterReload = false
    /// Saves in a row that met another session's change (saved again at most three times).
    var retries = 0
    /// Said when the save lands: whose change was merged in first.
    var mergedNote: String?
    /// Who is editing (the workflow checks the role and the assignment).
    var actor: Actor?
    var area = Rect(x: 0, y: 1, width: 80, height: 21)

    public init(reference: ReferenceData, today: CalendarDate, form: Form? = nil) {
        self.reference = reference
        self.today = today
        let blank = IntakeForm.make(reference: reference)
        blankValues = blank.values
        self.form = form ?? blank
    }

    /// The same form, editing an existing case's person and service details.
    public init(editing stored: StoredCase, reference: ReferenceData, today: CalendarDate, actor: Actor) {
        self.init(reference: reference, today: today)
        self.actor = actor
        editing = stored
        loadedValues = form.values.merging(IntakeForm.values(of: stored.record.defector)) { $1 }
        form.restore(loadedValues, focus: "cyrillicName.family")
        form.markSaved()
    }

    public var title: String { editing.map { "Edit \($0.record.id)" } ?? "Intake" }
    /// The form as a draft: a new registration, or the edit of this case's person from the
    /// version it was loaded at, with its values then.
    public var formDraft: FormDraft? {
        FormDraft(form: editing == nil ? FormDraft.intake : FormDraft.person, title: title, savedAt: Timestamp(secondsSinceEpoch: 0),
                  values: form.values, focus: form.focusedField.id, editing: editing?.record.id, basedOn: editing?.version,
                  // A new registration's base is the blank form: its defaults are not counted as typed.
                  baseValues: editing == nil ? blankValues : loadedValues, labels: form.labels, order: form.fieldIDs, shown: form.shownChoices,
                  undecided: undecided.sorted())
    }
    /// Typed and not saved: changed, and not back to what it opened with.
    public var hasUnsavedWork: Bool { form.isDirty && form.values != (editing == nil ? blankValues : loadedValues) }

    /// Puts a kept draft's values back into the form (it counts as changed). An edit kept on
    /// an older version than the one loaded is merged field by field, as Ctrl-R merges: the
    /// fields changed in the draft keep their values, and a field changed since as well is
    /// asked about.
    public mutating func restore(_ draft: FormDraft) -> [Command] {
        let since = draft.savedAt.minuteText
        guard let editing, let basedOn = draft.basedOn, basedOn != editing.version || !draft.undecided.isEmpty, let base = draft.baseValues else {
            if let base = draft.baseValues { loadedValues = base }
            form.restore(draft.values, focus: draft.focus)
            return [.status("Your unsaved \(draft.what) from \(since) UTC is back.", .info)]
        }
        loadedValues = base
        undecided = Set(draft.undecided)
        return [.status("Back: your \(draft.what), merged with \(editing.version) saved since.", .warning)]
            + merge(draft.values, into: editing).asking
    }

    /// This session's values over the case as `newer` has it: the fields changed here kept,
    /// the others taking the newer values, and each field changed on both sides asked about.
    mutating func merge(_ mine: [String: String], into newer: StoredCase) -> (merge: FormMerge, asking: [Command]) {
        let blank = IntakeForm.make(reference: reference).values
        let theirs = blank.merging(IntakeForm.values(of: newer.record.defector)) { $1 }
        let merged = FormMerge(base: blank.merging(loadedValues) { $1 }, mine: mine, theirs: theirs, undecided: undecided)
        undecided = Set(merged.clashes)
        let focus = form.focusedField.id
        form = IntakeForm.make(reference: reference)
        form.restore(merged.merged, focus: focus)
        editing = newer
        loadedValues = theirs
        return (merged, form.askAbout(merged, mine: mine, theirs: theirs, savedBy: newer.savedBy, savedAt: newer.savedAt,
                                      what: "Edit \(newer.record.id)"))
    }

    public var minimumSize: Size { Size(width: 60, height: 16) }
    /// The form keeps every printable key, whatever field has the focus: a stray q on a pick
    /// list must never leave the form without asking (Esc asks; F1 is help). So does the
    /// discard question, which only y, n and Esc answer.
    public var capturesText: Bool { true }

    public var keyTable: KeyTable<Action> {
        if askingToDiscard {
            return KeyTable(KeyBinding.yesNo(.confirmDiscard, "Discard", "Throw the form away", no: .keepEditing, "Keep", "Go on with the form"))
        }
        return KeyTable([
            KeyBinding([.control("s"), .function(2)], .save, label: "Save", help: "Check every field and register the defector"),
            KeyBinding([.tab, .down, .enter], .next, label: "Next", help: "Next field"),
            KeyBinding([.backTab, .up], .previous, help: "Previous field"),
            KeyBinding([.escape], .close, label: "Close", help: "Close the form (asks first if anything was typed)"),
        ] + FormKeys.bindings(viewWhole: .viewWhole, goTo: .goTo) + (editing == nil ? [] : [
            KeyBinding([.control("r")], .reloadEdited, help: "Load the case again after a conflict, keeping the fields you changed"),
        ]))
    }

    public mutating func prepare(for area: Rect, now: Timestamp) {
        self.area = area
        self.now = now
    }
    /// When the key being handled came (a choice's typed prefix starts anew after a pause).
    var now: Timestamp?

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .next: leaveField(); form.move(by: 1)
        case .previous: leaveField(); form.move(by: -1)
        case .save:
            // A Latin spelling re-spelled at this very save is shown before it is saved.
            if let respelled = leaveField() {
                return [.status("\(respelled.label) now \(respelled.value) (follows the Cyrillic); Ctrl-S saves.", .info)]
            }
            let (defector, issues) = IntakeForm.defector(from: form, today: today, base: editing?.record.defector)
            guard issues.isEmpty else {
                form.show(issues)
                return [.status("\(issues.count) thing\(issues.count == 1 ? "" : "s") to fix, marked ! beside the field\(issues.count == 1 ? "" : "s").", .warning)]
            }
            if let editing, let actor {
                do {
                    return [.save(try Workflow.editDefector(defector, on: editing.record, by: actor, today: today), basedOn: editing.version)]
                } catch {
                    if case let .invalid(problems) = error { form.show(problems) }
                    return [.status(error.description, .warning)]
                }
            }
            return [.register(defector, confirmedNew: false)]
        case .viewWhole:
            return [FormKeys.viewWhole(form)]
        case .goTo:
            goingTo = true
            return [FormKeys.goToPrompt]
        case .reloadEdited:
            guard let editing else { return [] }
            // Ctrl-R only loads: a save is never made by it, even after a reload that failed.
            savingAfterReload = false
            return [.reload(editing.record.id)]
        case .close:
            // Esc on "Go to which field?" puts the question away, not the form (from a walk).
            if goingTo {
                goingTo = false
                return [FormKeys.goToCancelled]
            }
            guard form.isDirty else { return [.back] }
            askingToDiscard = true
            return [.status("Throw away this unsaved form? y discards, n keeps it.", .warning)]
        case .confirmDiscard:
            return [.back]
        case .keepEditing:
            askingToDiscard = false
        }
        return []
    }

    /// Keys not in the table go to the focused field.
    public mutating func handleUnboundKey(_ key: Key) -> [Command]? {
        guard !askingToDiscard else { return [] }
        if goingTo {
            goingTo = false
            leaveField()
            return FormKeys.jump(&form, key)
        }
        // Printable keys a field does not take (letters on a yes/no field) go nowhere.
        let swallowed: [Command]? = key.typedCharacter != nil ? [] : nil
        let specialty = form.value("service.specialty")
        let consent = ["consent.publicity", "consent.shareWithHostCountry", "consent.communicationsWork"].map(form.value)
        guard form.handle(key, at: now) else { return FormKeys.notTaken(form, key) ?? swallowed }
        if form.value("service.specialty") != specialty {
            // The ISCO occupation follows the specialty's closest match.
            let suggested = reference.occupations.suggestedOccupations(for: form.value("service.specialty")).first?.code.rawValue ?? ""
            form["skills[0].occupation"]?.setChoice(value: suggested)
        }
        let consentNow = ["consent.publicity", "consent.shareWithHostCountry", "consent.communicationsWork"].map(form.value)
        if consentNow != consent, consentNow.contains("yes"), form.value("consent.recordedOn").isEmpty {
            form["consent.recordedOn"]?.setText(today.description)
        }
        return FormKeys.choiceStatus(form, after: key)
    }

    /// On leaving a Cyrillic name field, suggest its ICAO spelling if the Latin one is empty,
    /// or still the spelling of the Cyrillic before it was corrected (as this form suggested
    /// it, or as loaded): a walk found "Zhukov" left beside a corrected "Жукова". A Latin
    /// spelling typed by hand (from a document) is never replaced.
    /// Returns the Latin field and its new spelling when one already spelled was re-spelled.
    @discardableResult
    mutating func leaveField() -> (label: String, value: String)? {
        let id = form.focusedField.id
        guard id.hasPrefix("cyrillicName.") else { return nil }
        let latinID = "latinName." + id.dropFirst("cyrillicName.".count)
        let cyrillic = form.value(id), latin = form.value(latinID)
        let followed = [suggestedLatin[latinID], loadedValues[id].map(Transliteration.icao)].compactMap { $0 }.filter { !$0.isEmpty }
        guard latin.isEmpty || followed.contains(latin), Transliteration.containsCyrillic(cyrillic) else { return nil }
        let spelling = Transliteration.icao(cyrillic)
        form[latinID]?.setText(spelling)
        suggestedLatin[latinID] = spelling
        guard !latin.isEmpty, latin != spelling else { return nil }
        return (form.labels[latinID] ?? latinID, spelling)
    }

    /// The duplicates screen's confirmation that this is a new person, or the store's answer.
    public mutating func receive(_ message: any Sendable) -> [Command] {
        if message is PossibleDuplicatesScreen.NewPersonConfirmed {
            return [.register(IntakeForm.defector(from: form, today: today).0, confirmedNew: true)]
        }
        if let choices = message as? ConflictScreen.Choices {
            undecided = Set(choices.undecided)
            return [form.take(choices, saving: "the edit")]
        }
        guard let reply = message as? StoreReply else { return [] }
        return receive(reply: reply)
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        switch reply {
        case let .failed(message):
            return [.status(message, .error)]
        case let .saved(stored, _):
            editing = stored
            form.markSaved()
            retries = 0
            let merged = mergedNote.map { ", \($0)" } ?? ""
            mergedNote = nil
            return [.backAnswering(reply), .status("Saved \(stored.record.id) as \(stored.version)\(merged).", .info)]
        case .conflict:
            guard let editing else { return [] }
            // Reloaded and merged; saved again unless a field was changed on both sides.
            savingAfterReload = true
            return [.reload(editing.record.id)]
        case let .loaded(newer, _):
            // A field-level three-way merge: the fields this user changed keep their values,
            // every other field takes the newer version's; a field both changed is asked about.
            let mine = form.values
            let saving = savingAfterReload
            savingAfterReload = false
            let (kept, asking) = merge(mine, into: newer)
            if saving, kept.clashes.isEmpty, retries < 3 {
                retries += 1
                mergedNote = "\(newer.savedBy)'s change of \(newer.savedAt.minuteText) UTC merged first"
                return handle(.save)
            }
            retries = 0
            let said = kept.clashes.isEmpty
                ? "Reloaded \(newer.record.id) (\(newer.version)); your \(kept.kept.count) changed field\(kept.kept.count == 1 ? " is" : "s are") kept: Ctrl-S saves."
                : "Reloaded \(newer.record.id) (\(newer.version)): \(kept.clashes.count) changed by \(newer.savedBy) too. t theirs, m yours."
            return [.status(said, kept.clashes.isEmpty ? .info : .warning)] + asking
        case let .possibleDuplicates(found):
            return [.push(PossibleDuplicatesScreen(defector: IntakeForm.defector(from: form, today: today).0, found: found)), .status("\(found.count) case\(found.count == 1 ? " looks" : "s look") like the same person: open one, or c for a new person.", .warning)]
        default:
            return []
        }
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let heading = editing.map { " Edit \($0.record.id) \($0.record.defector.cyrillicName.displayed) · \($0.version) · Ctrl-S saves" }
            ?? " Register a defector · \(form.fieldCount) fields · Ctrl-S saves"
        canvas.put(heading, x: area.x, y: area.y, width: area.width, style: .heading)
        form.render(into: &canvas, area: Rect(x: area.x, y: area.y + 2, width: area.width, height: area.height - 2))
    }
}
