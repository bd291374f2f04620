import HavenCore

/// The forms this user's earlier sessions left typed and unsaved (a dropped connection, a
/// closed terminal), listed at the start of the next session: Enter reopens one as exactly
/// that form (on its case, merged with anything saved since), v reads it whole, d throws it
/// away (asked first), Esc leaves them kept: each comes back again when its form is opened,
/// and the list again at the next start.
public struct KeptDraftsScreen: Screen {
    public enum Action: Sendable { case up, down, reopen, read, discard, confirmDiscard, keep, later }

    /// The drafts still offered, after one was taken back or thrown away.
    public struct Remaining: Sendable { public let drafts: [FormDraft] }

    public private(set) var drafts: [FormDraft]
    public private(set) var selected = 0
    public private(set) var askingToDiscard = false
    /// Another message (a startup warning) is on the status line: do not cover it.
    let quiet: Bool
    /// The cases as last heard, and the version now of each case a kept form is on: which
    /// forms' cases were saved since the form was opened (a walk found out only at Enter).
    private var summaries: [CaseSummary]
    private(set) var versions: [CaseID: CaseVersion]

    public init(drafts: [FormDraft], quiet: Bool = false, summaries: [CaseSummary] = []) {
        self.drafts = drafts
        self.quiet = quiet
        self.summaries = summaries
        versions = Self.versions(of: drafts, in: summaries)
    }

    static func versions(of drafts: [FormDraft], in summaries: [CaseSummary]) -> [CaseID: CaseVersion] {
        let wanted = Set(drafts.compactMap(\.editing))
        guard !wanted.isEmpty else { return [:] }
        var found: [CaseID: CaseVersion] = [:]
        for summary in summaries where wanted.contains(summary.id) { found[summary.id] = summary.version }
        return found
    }

    /// Whether the case the draft is on was saved since the form was opened.
    public func savedSince(_ draft: FormDraft) -> Bool {
        guard let id = draft.editing, let base = draft.basedOn, let now = versions[id] else { return false }
        return now != base
    }

    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        self.summaries = summaries
        versions = Self.versions(of: drafts, in: summaries)
        return []
    }

    public var title: String { "Kept forms" }
    public var minimumSize: Size { Size(width: 40, height: 10) }

    public mutating func start() -> [Command] {
        quiet ? [] : [.status("\(drafts.count) unsaved form\(drafts.count == 1 ? "" : "s") from an earlier session \(drafts.count == 1 ? "is" : "are") kept.", .warning)]
    }

    public var keyTable: KeyTable<Action> {
        if askingToDiscard {
            return KeyTable(KeyBinding.yesNo(.confirmDiscard, "Discard", "Throw this kept form away for good", no: .keep, "Keep", "Keep it"))
        }
        return KeyTable([
            KeyBinding([.enter], .reopen, label: "Reopen", help: "Open the form again as it was, on its case"),
            KeyBinding([.character("v"), .function(3)], .read, label: "Read", help: "Read what was typed, whole"),
            KeyBinding([.character("d")], .discard, label: "Discard", help: "Throw the kept form away (asks first)"),
            KeyBinding([.down, .character("j")], .down, help: "Next kept form"),
            KeyBinding([.up, .character("k")], .up, help: "Previous kept form"),
            KeyBinding([.escape, .character("q")], .later, label: "Later", help: "Leave them kept: each comes back when its form opens, and here next time"),
        ])
    }

    var current: FormDraft? { drafts.indices.contains(selected) ? drafts[selected] : nil }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, drafts.count - 1), selected + 1)
        case .reopen:
            guard let current else { return [] }
            return [.run(ResumeDraft(kept: current))]
        case .read:
            guard let current else { return [] }
            return [.push(TextViewScreen(title: current.title, heading: "\(current.title), typed \(current.savedAt.minuteText) UTC, unsaved",
                                         text: current.readBack()))]
        case .discard:
            guard let current else { return [] }
            askingToDiscard = true
            return [.status("Throw away your \(current.what)? y discards, n keeps it.", .warning)]
        case .confirmDiscard:
            askingToDiscard = false
            guard let current else { return [] }
            return [.run(DiscardDraft(kept: current))]
        case .keep:
            askingToDiscard = false
        case .later:
            return [.back, .status("Kept: each form comes back when you open it, and this list at your next start.", .info)]
        }
        return []
    }

    public mutating func receive(_ message: any Sendable) -> [Command] {
        guard let remaining = message as? Remaining else { return [] }
        drafts = remaining.drafts
        versions = Self.versions(of: drafts, in: summaries)
        selected = min(selected, max(0, drafts.count - 1))
        return drafts.isEmpty ? [.back] : []
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        canvas.put(" Unsaved forms from an earlier session · Enter reopens one", x: area.x, y: area.y, width: area.width, style: .heading)
        if let current, savedSince(current), let id = current.editing {
            canvas.put(" ! \(id) was saved since this form was opened", x: area.x, y: area.y + 1, width: area.width, style: Style(.warning))
        }
        let titleWidth = min(max(20, area.width - 30), (drafts.map { DisplayWidth.of($0.title) }.max() ?? 0) + 2)
        let room = max(1, area.height - 2)
        let first = max(0, selected - room + 1)
        for (offset, draft) in drafts.dropFirst(first).prefix(room).enumerated() {
            let changed = draft.baseValues == nil ? draft.values.values.filter { !$0.isEmpty }.count : draft.changedFields.count
            let about = draft.subject.map { " · " + ($0.components(separatedBy: " · ").first ?? $0) } ?? ""
            let since = savedSince(draft) ? " · saved since" : ""
            let detail = "\(draft.savedAt.minuteText) UTC · \(changed) field\(changed == 1 ? "" : "s")\(since)\(about)"
            // ! before the title: seen at any width, where the detail may be cut.
            canvas.putListRow((since.isEmpty ? "  " : " !") + DisplayWidth.fit(draft.title, to: titleWidth) + " " + detail, x: area.x, y: area.y + 2 + offset,
                              width: area.width, style: .normal, selected: first + offset == selected, keyWidth: titleWidth)
        }
    }
}

/// A kept form opened again as itself: the intake form, or the case with the form on it.
/// The runtime puts the draft into the form as it opens (`HavenApp.started`), merging it
/// with anything saved since; a form that no longer applies is read back instead.
public struct ResumeDraft: StoreTask {
    public let kept: FormDraft

    public func run(in session: SessionServices) -> [Command] {
        let context = session.context
        // Taken meanwhile by another session of this user (or thrown away there)?
        session.refreshOffered()
        guard session.offeredDrafts.contains(where: { SessionServices.same($0, kept) }) else {
            return [.run(ListKeptDrafts()), .status("Open in your other session now: your \(kept.what).", .warning)]
        }
        session.resuming = kept
        if kept.form == FormDraft.intake {
            guard let reference = context.reference else { return [.status("Reference data is not loaded, so the form cannot open.", .error)] }
            return [.push(IntakeScreen(reference: reference, today: context.today)), .run(ListKeptDrafts())]
        }
        guard let id = kept.editing else { return readBack("it was not on a case") }
        guard case let .loaded(stored, history) = session.load(id) else { return readBack("the case cannot be opened") }
        var commands: [Command] = [.push(CaseViewScreen(stored: stored, history: history, context: context))]
        switch kept.form {
        case "note":
            break
        case FormDraft.person:
            guard let reference = context.reference else { return readBack("reference data is not loaded") }
            commands.append(.push(IntakeScreen(editing: stored, reference: reference, today: context.today, actor: context.actor)))
        case "allocation-choice":
            commands.append(.push(AllocationChoiceScreen(stored: stored, context: context)))
        case "allocation-override":
            guard case let .allocation(proposed)? = CaseSummary(stored).pendingApproval?.kind else {
                return commands + readBack("no proposal waits now")
            }
            // Only against the very proposal the reason was written for (from the review: one
            // resumed against another, or with none recorded, was armed for it).
            guard let seen = kept.values["seen"].flatMap(AllocationChoiceScreen.decode), seen == ProposalSeen(pendingIn: CaseSummary(stored)) else {
                return commands + readBack("written for another proposal")
            }
            commands.append(.push(AllocationChoiceScreen(stored: stored, context: context,
                                                         overriding: AllocationChoiceScreen.Override(proposed: proposed, seen: seen))))
        case "decision.amend" where !(stored.record.stage == .decision && stored.record.decision?.isAwaitingReview == true):
            // Reviewed meanwhile: said who did what, not offered to fix and refused at Ctrl-S (from a walk).
            let review = stored.record.decision?.review
            return commands + readBack(review.map { "\($0.verdict == .approved ? "approved" : "returned") by \($0.by) meanwhile" }
                                       ?? "no proposed decision waits now")
        default:
            guard let form = CaseForms.make(kept.form, on: stored, context: context, catalogue: { session.catalogue() },
                                            users: { session.users() }) else {
                return commands + readBack("the case changed")
            }
            commands.append(.push(form))
        }
        return commands + [.run(ListKeptDrafts())]
    }

    /// What was typed, to read and type again where it belongs; the draft stays kept.
    func readBack(_ why: String) -> [Command] {
        [.push(TextViewScreen(title: kept.title, heading: "\(kept.title), typed \(kept.savedAt.minuteText) UTC, unsaved", text: kept.readBack())),
         // Short enough for 80 columns (it was cut before its end, from a walk); the list's d discards it.
         .status("Your \(kept.what) cannot open: \(why).", .warning)]
    }
}

/// The drafts still offered, for the list.
struct ListKeptDrafts: StoreTask {
    func run(in session: SessionServices) -> [Command] {
        [.message(KeptDraftsScreen.Remaining(drafts: session.offeredDrafts))]
    }
}

/// A kept form thrown away on purpose.
struct DiscardDraft: StoreTask {
    let kept: FormDraft

    func run(in session: SessionServices) -> [Command] {
        session.refreshOffered()
        guard session.offeredDrafts.contains(where: { SessionServices.same($0, kept) }) else {
            return [.message(KeptDraftsScreen.Remaining(drafts: session.offeredDrafts)),
                    .status("Kept: your \(kept.what) is open in your other session.", .warning)]
        }
        let done = session.discard(kept)
        return [.message(KeptDraftsScreen.Remaining(drafts: session.offeredDrafts)),
                .status(done ? "Your unsaved \(kept.what) is thrown away." : "It could not be thrown away; it stays kept.", done ? .info : .error)]
    }
}
