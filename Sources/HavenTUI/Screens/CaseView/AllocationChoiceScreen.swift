import Foundation

import HavenCore

/// A proposal by hand for one case in Allocation: the host countries ranked by the batch's own
/// scoring (`AllocationChoice`), the best first and the alternatives below, each with its score,
/// free places and factors; the selected one's factors, family unity and the explanation the
/// proposal would carry. Enter proposes the selected country; one that passes over a better
/// score with a place free asks why first, on the bottom line, and the reason is kept in the
/// explanation. A full country, or one family unity rules out, is shown but refused with why.
///
/// The same ranking serves a supervisor's override (`overriding`): Enter on a country other
/// than the proposed one always asks why, then approves the case into it.
public struct AllocationChoiceScreen: Screen {
    /// An override: the proposed country, and the proposal as shown (a changed one is refused).
    public struct Override: Sendable {
        public var proposed: CountryCode
        public var seen: ProposalSeen?
    }

    public enum Action: Sendable {
        case up, down, pageUp, pageDown, top, bottom, propose, saveReason, cancelReason, withdraw, confirmWithdraw, keepProposal
        case askCancelReason, keepReason
    }

    public private(set) var stored: StoredCase
    let context: SessionContext
    /// What the ranking is worked out from; nil until the store has answered.
    var summaries: [CaseSummary]?
    var countries: [HostCountry]?
    public private(set) var choice: AllocationChoice?
    public private(set) var selected = 0
    /// The reason being typed for choosing a lower score, and for which country.
    public private(set) var reason: TextField?
    var reasonFor: CountryCode?
    var pageRows = 10
    /// A withdrawal was asked of the store (what its reply says).
    var withdrawing = false
    /// Esc was pressed on a typed reason: y puts it away, n keeps it.
    public private(set) var cancelAsked = false
    /// W was pressed on this proposal: y withdraws it, n keeps it.
    public private(set) var withdrawAsked: CountryCode?
    /// The country of the proposal still waiting that the user may amend (their own, or a
    /// batch's on their case), which Enter replaces and W withdraws. As the latest summaries
    /// have it once read (another supervisor may have approved or returned it since the screen
    /// opened), else as the record was.
    var ownPending: CountryCode? {
        let record = stored.record
        if let latest {
            guard latest.isAwaitingAllocationReview, let pending = latest.allocation else { return nil }
            // The batch's proposal the record holds, still the one waiting.
            let batchOnMine = record.mayAmendAllocation(context.user) && pending.proposedBy == record.allocation?.proposedBy
                && pending.proposedAt == record.allocation?.proposedAt
            return pending.proposedBy == context.user || batchOnMine ? pending.country : nil
        }
        return record.mayAmendAllocation(context.user) ? record.allocation?.country : nil
    }
    /// That proposal as shown: a replacement or withdrawal names it, and is refused if it changed.
    var ownPendingSeen: ProposalSeen? {
        guard ownPending != nil else { return nil }
        return latest.flatMap { ProposalSeen(pendingIn: $0) } ?? ProposalSeen.allocation(of: stored.record)
    }
    /// This case's summary among the latest (looked up once per reading, not per drawn row).
    var latest: CaseSummary?
    /// The user's own proposal a save in flight replaces or withdraws, for what it then says.
    var actedOn: CountryCode?
    public let overriding: Override?
    /// The refusal an override meets at once: the proposal it answers is no longer waiting as it
    /// was shown (withdrawn, reviewed or replaced in another session), as the latest summaries
    /// have it; the ranking says so rather than go on showing it proposed (from a walk).
    var overrideGone: ProposalSeen? {
        guard let overriding, let seen = overriding.seen, let latest, ProposalSeen(pendingIn: latest) != seen else { return nil }
        return seen
    }
    /// Enter's answer while the override's proposal is gone.
    var goneRefusal: Command? { overrideGone.map { .status("Not approved: \($0.shortDescription) no longer waits.", .error) } }

    public init(stored: StoredCase, context: SessionContext, overriding: Override? = nil) {
        self.stored = stored
        self.context = context
        self.overriding = overriding
    }

    public var title: String { overriding == nil ? "Propose allocation" : "Override" }
    /// Enter's word: what it does here.
    var verb: String { overriding == nil ? "Propose" : "Approve" }
    public var caseShown: CaseID? { stored.record.id }
    public var minimumSize: Size { Size(width: 60, height: 16) }
    public var capturesText: Bool { reason != nil }
    public var hasUnsavedWork: Bool { !(reason?.text.isEmpty ?? true) }
    /// A reason left unsaved by a session that is over: back, for the same country.
    public mutating func restore(_ draft: FormDraft) -> [Command] {
        guard let text = draft.values["reason"], !text.isEmpty, let country = CountryCode(draft.values["country"] ?? "") else { return [] }
        // An override's reason answers the proposal it was written against: against another
        // (withdrawn and proposed again, even the same country) it is not put back armed, where
        // one Enter would approve it (from a walk); the app reads the draft back instead.
        if let overriding, draft.values["seen"].flatMap(Self.decode) != overriding.seen || overriding.seen == nil { return [] }
        reason = TextField(text: text, maximumLength: overriding == nil ? 500 : 2000)
        reasonFor = country
        return [.status("Your unsaved reason for \(country) from \(draft.savedAt.minuteText) UTC is back: Enter \(verb.lowercased())s it.", .info)]
    }

    public var keyTable: KeyTable<Action> {
        if withdrawAsked != nil {
            return KeyTable(KeyBinding.yesNo(.confirmWithdraw, "Withdraw", "Withdraw the proposal: the case is back in the allocation queue",
                                             no: .keepProposal, "Keep", "Keep the proposal waiting for approval"))
        }
        if cancelAsked {
            return KeyTable(KeyBinding.yesNo(.cancelReason, "Discard", "Put the typed reason away; nothing is saved",
                                             no: .keepReason, "Keep", "Keep the reason and go on typing"))
        }
        if reason != nil {
            // A gone proposal's reason is kept to copy, not offered to approve (from a walk).
            return KeyTable([
                KeyBinding([.enter, .control("s"), .function(2)], .saveReason, label: overrideGone == nil ? verb : nil,
                           help: overriding == nil ? "Propose the country with this reason" : "Approve the case into the country, with this reason"),
                KeyBinding([.escape], .askCancelReason, label: "Cancel", help: "Put the reason away (asks first if anything is typed); nothing is saved"),
            ])
        }
        return KeyTable([
            KeyBinding([.enter], .propose, label: overriding == nil ? "Propose" : "Override",
                       help: overriding == nil ? "Propose the selected country for a supervisor's approval (asks why if a better score has a place)"
                           : "Approve the case into the selected country instead of the proposed one (asks why)"),
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next country"),
            KeyBinding([.up, .character("k")], .up, help: "Previous country"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, help: "Next page"),
            KeyBinding([.pageUp, .character("b")], .pageUp, help: "Previous page"),
            KeyBinding([.home, .character("g")], .top, help: "The first country"),
            KeyBinding([.end, .character("G")], .bottom, help: "The last country"),
        ] + (ownPending == nil || overriding != nil ? [] : [
            KeyBinding([.character("W")], .withdraw, label: "Withdraw",
                       help: "Withdraw your proposal still waiting for approval (asks first): the case is back in the allocation queue"),
        ]))
    }

    var options: [AllocationChoice.Option] { choice?.options ?? [] }
    var current: AllocationChoice.Option? { options.indices.contains(selected) ? options[selected] : nil }

    /// Ranks the countries again from the latest summaries and countries, keeping the selected
    /// country (the best one the first time).
    mutating func rank() {
        guard let summaries, let countries else { return }
        let kept = choice == nil ? nil : current?.country.code
        latest = summaries.first { $0.id == stored.record.id }
        let run = AllocationRun(summaries: summaries, countries: countries, policy: context.reference?.allocation ?? .plain)
        let ranked = run.choice(for: stored.record, occupations: Self.occupations(context))
        choice = ranked
        // A reason being written (or restored from a draft) is for its country: select it.
        // An override starts on the best country other than the proposed one.
        let alternative = overriding.flatMap { override in ranked.options.first { $0.country.code != override.proposed && $0.isProposable } }
        let target = reasonFor ?? kept ?? alternative?.country.code ?? ranked.best?.country.code
        selected = ranked.options.firstIndex { $0.country.code == target } ?? 0
    }

    static func occupations(_ context: SessionContext) -> OccupationCatalogue {
        context.reference?.occupations ?? OccupationCatalogue(unitGroups: [], specialties: [])
    }

    public mutating func prepare(for area: Rect, now: Timestamp) { pageRows = max(1, listHeight(area)) }

    /// What it asks for when it opens.
    public mutating func start() -> [Command] { [.query(.summaries), .query(.hostCountries)] }

    public mutating func handle(_ action: Action) -> [Command] {
        let last = max(0, options.count - 1)
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(last, selected + 1)
        case .pageUp: selected = max(0, selected - pageRows)
        case .pageDown: selected = min(last, selected + pageRows)
        case .top: selected = 0
        case .bottom: selected = last
        case .propose:
            withdrawing = false
            guard let choice, let option = current else { return [.status("The countries are not loaded yet.", .info)] }
            if let override = overriding {
                if let refusal = goneRefusal { return [refusal] }
                let code = option.country.code
                guard code != override.proposed else { return [.status("\(code) is the proposal: Esc, then a approves it as it is.", .info)] }
                // Family unity rules a country out for a proposal; an override may split a family
                // (the workflow allows it, with the reason), and is told so. Full places or a
                // kind used up stay refused: the store would refuse them.
                if let refusal = option.placeRefusal { return [.status(refusal, .error)] }
                reason = TextField(maximumLength: 2000)
                reasonFor = code
                let split = option.score == nil ? "Splits the family. " : ""
                return [.status("\(split)Why \(code), not \(override.proposed)? Enter approves, Esc cancels.", .warning)]
            }
            if let refusal = option.refusal { return [.status(refusal, .error)] }
            guard choice.needsReason(option.country.code), let best = choice.best else {
                actedOn = ownPending
                return [propose(option.country.code, reason: "")]
            }
            reason = TextField(maximumLength: 500)
            reasonFor = option.country.code
            // Codes, not names: the question fits 80 columns (a walk found "Enter pro…"); the
            // ranking above names them.
            let code = option.country.code
            if let (rank, preferred) = choice.passedOverPreference(code) {
                return [.status("\(preferred.country.code) is their \(AllocationChoice.ordinal(rank)) choice and has a place: "
                                + "why \(code)? Enter proposes, Esc cancels.", .warning)]
            }
            return [.status("\(best.country.code) scores \(best.score ?? 0) against \(option.score ?? 0) and has a place: "
                            + "why \(code)? Enter proposes, Esc cancels.", .warning)]
        case .saveReason:
            withdrawing = false
            guard let country = reasonFor, let text = reason?.text else { return [] }
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                return [.status("Say why \(country); Esc cancels.", .warning)]
            }
            if let override = overriding {
                if let refusal = goneRefusal { return [refusal] }
                let seen = override.seen
                return [.update([stored.record.id], change: CaseChange("Override allocation to \(country)") { record, actor, time in
                    try Workflow.overrideAllocation(on: record, seen: seen, to: country, reason: text, by: actor, at: time)
                })]
            }
            actedOn = ownPending
            return [propose(country, reason: text)]
        case .askCancelReason:
            guard reason?.text.trimmingCharacters(in: .whitespaces).isEmpty == false else { return handle(.cancelReason) }
            cancelAsked = true
            return [.status("Put away the reason you typed? y puts it away, n keeps it.", .warning)]
        case .keepReason:
            cancelAsked = false
            return [.status(overrideGone == nil ? "Kept your reason; Enter \(verb.lowercased())s." : "Kept your reason, to copy; nothing is approved here.", .info)]
        case .cancelReason:
            cancelAsked = false
            reason = nil
            reasonFor = nil
            return [.status(overriding == nil ? "Nothing proposed." : "Nothing approved.", .info)]
        case .withdraw:
            guard let pending = ownPending, overriding == nil else { return [] }
            withdrawAsked = pending
            return [.status("Withdraw your proposal of \(pending) for \(stored.record.id)? y withdraws, n keeps it.", .warning)]
        case .keepProposal:
            defer { withdrawAsked = nil }
            return [.status("Kept your proposal of \(withdrawAsked?.rawValue ?? "the country") for \(stored.record.id).", .info)]
        case .confirmWithdraw:
            let asked = withdrawAsked
            withdrawAsked = nil
            // Only the proposal the question named: another session may have changed it since.
            guard let asked, ownPending == asked, overriding == nil else {
                return [.status("Nothing withdrawn: the proposal is no longer \(asked.map { "\($0)" } ?? "the one asked about") waiting as yours.", .error)]
            }
            withdrawing = true
            actedOn = ownPending
            let seen = ownPendingSeen
            return [.update([stored.record.id], change: CaseChange("Withdraw the proposed allocation") { record, actor, time in
                try Workflow.withdrawAllocation(on: record, seen: seen, by: actor, at: time)
            })]
        }
        return []
    }

    /// The proposal as a change of the case as the store has it when saved: ranked again from
    /// its latest record with this screen's places, so the saved explanation is the batch's.
    func propose(_ country: CountryCode, reason: String) -> Command {
        let run = AllocationRun(summaries: summaries ?? [], countries: countries ?? [], policy: context.reference?.allocation ?? .plain)
        let occupations = Self.occupations(context)
        let replacing = ownPendingSeen
        return .update([stored.record.id], change: CaseChange("Propose allocation to \(country)") { record, actor, time in
            let planned = try run.choice(for: record, occupations: occupations).planned(country, reason: reason)
            return try Workflow.proposeAllocation(planned, on: record, replacing: replacing, by: actor, at: time)
        })
    }

    public mutating func handleUnboundKey(_ key: Key) -> [Command]? {
        // Under the question typed keys go nowhere; Ctrl-L and the like still reach the app.
        guard !cancelAsked else { return key.typedCharacter != nil ? [] : nil }
        guard var field = reason, field.handle(key) else { return nil }
        reason = field
        return field.said(as: "The reason")
    }

    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        self.summaries = summaries
        let wasGone = overrideGone != nil
        rank()
        // Said once, as it happens: the override can no longer be approved here.
        if !wasGone, let gone = overrideGone {
            // Replaced (proposed again, even the same country), or withdrawn or reviewed.
            let now = latest.flatMap { ProposalSeen(pendingIn: $0) }.flatMap { seen -> String? in
                guard case let .allocation(country) = seen.subject else { return nil }
                return "replaced (now \(country))"
            }
            return [.status("Meanwhile \(gone.shortDescription) was \(now ?? "withdrawn or reviewed").", .warning)]
        }
        // The proposal W asked about was approved, returned or replaced meanwhile: the
        // question is put away, and said so.
        if let asked = withdrawAsked, ownPending != asked {
            withdrawAsked = nil
            return [.status("Nothing withdrawn: your proposal of \(asked) for \(stored.record.id) changed in another session.", .warning)]
        }
        return []
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        switch reply {
        case let .summaries(list):
            summaries = list
            rank()
        case let .hostCountries(list):
            countries = list
            rank()
        case let .updated(saved, refused):
            if let (_, why) = refused.first {
                defer { withdrawing = false }
                // "Not proposed: Nothing changed: …" said nothing twice.
                let reason = StoreReply.reason(why)
                // The ranking is read again: what refused it (a proposal gone, a place taken) shows.
                return [.status("\(withdrawing ? "Not withdrawn" : overriding == nil ? "Not proposed" : "Not approved"): \(reason)", .error),
                        .query(.summaries)]
            }
            guard !saved.isEmpty else { return [] }
            reason = nil
            if let override = overriding {
                return [.back, .status("Approved \(stored.record.id) into \(reasonFor?.rawValue ?? "the country") (override of \(override.proposed)).", .info)]
            }
            if withdrawing {
                withdrawing = false
                // The batch proposes a family group together: relatives' proposals stay, said here.
                let linked = Set(stored.record.family.compactMap(\.linkedCase))
                let relatives = (summaries ?? []).filter { linked.contains($0.id) && $0.isAwaitingAllocationReview }.map(\.id.rawValue)
                return [.back, .status("Withdrew \(stored.record.id)'s proposal for \(actedOn?.rawValue ?? "a country"); it is back in the queue"
                                       + (relatives.isEmpty ? "." : "; linked \(relatives.joined(separator: ", ")) still proposed."),
                                       relatives.isEmpty ? .info : .warning)]
            }
            let country = reasonFor ?? current?.country.code
            let replaced = actedOn.map { " (replacing \($0))" } ?? ""
            return [.back,
                    .status("Proposed \(stored.record.id) for \(country?.rawValue ?? "the country")\(replaced); a supervisor approves it.", .info)]
        case let .failed(message):
            withdrawing = false
            return [.status(message, .error)]
        default:
            break
        }
        return []
    }

    // MARK: Drawing

    /// At most this many lines of the selected country's details under the list.
    static let detailHeight = 6

    /// Rows of the list: what the details of the selected country and the reason line leave.
    func listHeight(_ area: Rect) -> Int {
        max(1, area.height - 2 - 1 - min(Self.detailHeight, detailLines(width: area.width).count) - (reason == nil ? 0 : 1))
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let record = stored.record
        let best = choice?.best.map { " · best \($0.country.code) \($0.score ?? 0)" } ?? ""
        let proposedScore = overriding.flatMap { override in choice?.options.first { $0.country.code == override.proposed }?.score }
        let gone = overrideGone.map { _ in " \(record.id): the proposal changed meanwhile · Esc, then look again" }
        let heading = gone ?? overriding.map { " \(record.id): override \($0.proposed)\(proposedScore.map { " (scores \($0))" } ?? "") · Enter, then why" }
            ?? ownPending.map { " \(record.id): \($0) proposed · Enter replaces, W withdraws" }
            ?? " Allocate \(record.id) \(record.defector.cyrillicName.displayed)\(best)"
        canvas.put(heading, x: area.x, y: area.y, width: area.width, style: .heading)
        guard choice != nil else {
            canvas.put(" Working out the scores…", x: area.x, y: area.y + 2, width: area.width, style: .muted)
            return
        }
        let nameWidth = area.width >= 76 ? 14 : 9
        func row(_ cells: [String]) -> String {
            String(repeating: " ", count: max(0, 3 - cells[0].count)) + cells[0] + " " + DisplayWidth.fit(cells[1], to: 2) + " "
                + DisplayWidth.fit(cells[2], to: nameWidth)
                + " " + String(repeating: " ", count: max(0, 5 - cells[3].count)) + cells[3]
                + " " + String(repeating: " ", count: max(0, 6 - cells[4].count)) + cells[4] + "  " + cells[5]
        }
        canvas.put(row(["#", "", "Country", "Score", "Free", "Factors"]), x: area.x, y: area.y + 1, width: area.width,
                   style: Style(.heading, bold: true, underline: true))
        let height = listHeight(area)
        let first = max(0, min(selected - height + 1, options.count - height))
        for (offset, option) in options.dropFirst(first).prefix(height).enumerated() {
            let position = first + offset
            let factors = option.factors.map { "\($0.title) \(Int($0.contribution))" }.joined(separator: ", ")
            let state = option.country.code == overriding?.proposed ? (overrideGone == nil ? "proposed" : "was proposed")
                : option.country.code == ownPending ? "proposed, waiting"
                : option.score == nil ? "family elsewhere" : option.free < 1 ? "full" : factors.isEmpty ? "no factor scores" : factors
            let text = row([String(position + 1), option.country.code.rawValue, option.country.name,
                            option.score.map(String.init) ?? "—", String(option.free), state])
            canvas.putListRow(text, x: area.x, y: area.y + 2 + offset, width: area.width,
                              style: option.isProposable ? .normal : .muted, selected: position == selected)
        }
        let y = area.y + 2 + height
        canvas.put(String(repeating: "─", count: area.width), x: area.x, y: y, width: area.width, style: .muted)
        for (offset, line) in detailLines(width: area.width).prefix(Self.detailHeight).enumerated() {
            canvas.put(" " + line, x: area.x, y: y + 1 + offset, width: area.width)
        }
        if let reason, let country = reasonFor {
            let y = area.maxY - 1
            let x = area.x + canvas.put(" Why \(country)? ", x: area.x, y: y, style: .heading)
            reason.render(into: &canvas, x: x, y: y, width: area.maxX - x - 1, focused: true)
        }
    }
}
