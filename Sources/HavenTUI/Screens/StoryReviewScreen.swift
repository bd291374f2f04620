import HavenCore

/// A story read whole before a supervisor approves it: the consent, what may and may never be
/// told, the story itself wrapped, and exactly what the publicity export will say once
/// approved. It loads the case itself, so the approval names the story as shown here.
public struct StoryReviewScreen: Screen {
    public enum Action: Sendable { case approve, decline, scrollDown, scrollUp, pageDown, pageUp, confirm, cancel }

    public let id: CaseID
    let context: SessionContext
    /// The case as loaded; nil until the store has answered.
    public private(set) var stored: StoredCase?
    public private(set) var scroll = 0
    public private(set) var confirming = false
    /// Whether the whole text has been on the screen: a story is approved only once read to the end.
    public private(set) var readToEnd = false
    var area = Rect(x: 0, y: 1, width: 80, height: 21)
    /// The time now, as the runtime last said (the preview of the approved story is dated then).
    var now = Timestamp(secondsSinceEpoch: 0)

    public init(id: CaseID, context: SessionContext) {
        self.id = id
        self.context = context
    }

    /// The screen and the load that fills it.
    public static func open(_ id: CaseID, context: SessionContext) -> [Command] {
        [.push(StoryReviewScreen(id: id, context: context))]
    }

    public var title: String { "Story" }
    public var minimumSize: Size { Size(width: 40, height: 12) }

    public var keyTable: KeyTable<Action> {
        if confirming {
            return KeyTable(KeyBinding.yesNo(.confirm, "Approve", "Approve the story as shown", no: .cancel, "Cancel", "Do not approve"))
        }
        let waiting = stored.map { $0.record.publicity.hasConsent && $0.record.publicity.review == nil } ?? false
        return KeyTable((waiting && context.may(.approvePublicity) ? [
            KeyBinding([.character("a")], .approve, label: "Approve", help: "Approve the story as shown (a reason is asked when family is at high risk)"),
            KeyBinding([.character("u")], .decline, label: "Decline", help: "Decline the story with a comment"),
        ] : []) + [
            KeyBinding([.down, .character("j")], .scrollDown, label: "Scroll", help: "Scroll down one line"),
            KeyBinding([.up, .character("k")], .scrollUp, help: "Scroll up one line"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, help: "Scroll down one page"),
            KeyBinding([.pageUp, .character("b")], .pageUp, help: "Scroll up one page"),
        ])
    }

    /// Everything the supervisor reads, as paragraphs.
    func paragraphs() -> [String] {
        guard let record = stored?.record else { return ["Loading \(id)…"] }
        let p = record.publicity
        let given: String = p.consentGiven.map { "given \($0)" } ?? "none"
        let withdrawn: String = p.consentWithdrawn.map { ", withdrawn \($0)" } ?? ""
        let scope: String = p.scope.isEmpty ? "—" : p.scope
        let never: String = p.neverTell.isEmpty ? "—" : p.neverTell
        let uses: String = p.elements.isEmpty ? "nothing" : p.elements.map(\.title).joined(separator: ", ")
        var text: [String] = [
            "Consent: \(given)\(withdrawn)",
            "May be told: \(scope)",
            "Never tell: \(never)",
            "The story uses: \(uses)",
            "",
            "The story:",
            p.story.isEmpty ? "(none written)" : p.story,
            "",
        ]
        if record.family.contains(where: { $0.risk == .high && !$0.stage.isFinal }) {
            text.append("! A family member is at high risk: approving asks why it may still be told.")
            text.append("")
        }
        text.append("Once approved, haven publicity export will say:")
        var approved = record
        approved.publicity.review = Review(verdict: .approved, by: context.user, at: now)
        if let story = PublicStory(approved, countries: context.reference?.countries ?? [],
                                   occupations: context.reference?.occupations ?? OccupationCatalogue(unitGroups: [], specialties: []),
                                   today: context.today) {
            let parts: [(String, String?)] = [
                ("Given name", story.givenName), ("Age", story.age.map(String.init)), ("Service", [story.rank, story.branch].compactMap { $0 }.joined(separator: ", ")),
                ("Crossed over", story.crossingYear.map(String.init)), ("Host country", story.hostCountry), ("Work", story.work),
                ("Languages", story.languages?.joined(separator: ", ")), ("Story", story.story),
            ]
            for (label, value) in parts where !(value ?? "").isEmpty { text.append("  \(label): \(value!)") }
            if parts.allSatisfy({ ($0.1 ?? "").isEmpty }) { text.append("  only the case's reference and dates") }
        } else {
            text.append("  nothing: consent is not in force")
        }
        return text
    }

    func lines(width: Int) -> [String] {
        paragraphs().flatMap { $0.isEmpty ? [""] : DisplayWidth.wrap($0, to: max(10, width), indent: $0.hasPrefix("  ") ? "    " : "") }
    }

    public mutating func prepare(for area: Rect, now: Timestamp) {
        self.area = area
        self.now = now
        noteIfReadToEnd()
    }

    mutating func noteIfReadToEnd() {
        guard stored != nil else { return }
        let height = max(1, area.height - 2)
        if scroll + height >= lines(width: area.width - 2).count { readToEnd = true }
    }

    /// What it asks for when it opens.
    public mutating func start() -> [Command] { [.reload(id)] }

    public mutating func handle(_ action: Action) -> [Command] {
        let height = max(1, area.height - 2)
        let last = max(0, lines(width: area.width - 2).count - height)
        switch action {
        case .scrollDown: scroll += 1
        case .scrollUp: scroll -= 1
        case .pageDown: scroll += height - 1
        case .pageUp: scroll -= height - 1
        case .approve:
            guard let stored else { return [] }
            guard readToEnd else { return [.status("Read the story to the end first (Space pages down).", .warning)] }
            let seen = ProposalSeen.story(of: stored.record)
            if stored.record.family.contains(where: { $0.risk == .high && !$0.stage.isFinal }) {
                return [.push(PublicityQueueScreen.overrideForm(id, seen: seen))]
            }
            confirming = true
            return [.status("Approve the story of \(id) as shown? y approves, n does not.", .warning)]
        case .confirm:
            confirming = false
            guard let stored else { return [] }
            let seen = ProposalSeen.story(of: stored.record)
            return [.update([id], change: CaseChange("Approve the story") { record, actor, time in
                try Workflow.approvePublicity(on: record, seen: seen, overrideReason: nil, by: actor, at: time)
            })]
        case .cancel:
            confirming = false
            return [.status("Not approved.", .info)]
        case .decline:
            guard let stored else { return [] }
            return [.push(PublicityQueueScreen.declineForm(id, seen: ProposalSeen.story(of: stored.record)))]
        }
        scroll = min(max(0, scroll), last)
        noteIfReadToEnd()
        return []
    }

    /// The case changed (a review saved from the form over this screen, or another session):
    /// the story is shown as it is now.
    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        guard let newer = summaries.first(where: { $0.id == id }), newer.version > (stored?.version ?? newer.version) else { return [] }
        return [.reload(id)]
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        switch reply {
        case let .loaded(newer, _), let .saved(newer, _):
            // A changed story is read again before approval.
            // (Whether it is read to the end is judged at the next key, in the real area.)
            if stored.map({ ProposalSeen.story(of: $0.record) != ProposalSeen.story(of: newer.record) }) ?? true { readToEnd = false }
            stored = newer
            return []
        case let .updated(saved, refused):
            if let (id, reason) = refused.first { return [.status("\(id): \(reason)", .error)] }
            return [.back, .status("Saved the review of the story of \(saved.map(\.rawValue).joined(separator: ", ")).", .info)]
        case let .failed(message):
            return [.status(message, .error)]
        default:
            return []
        }
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let name = stored.map { " \($0.record.defector.cyrillicName.displayed)" } ?? ""
        canvas.put(" The story of \(id)\(name), whole, before approval", x: area.x, y: area.y, width: area.width, style: .heading)
        let all = lines(width: area.width - 2)
        let height = max(1, area.height - 2)
        let first = min(scroll, max(0, all.count - height))
        for (row, line) in all.dropFirst(first).prefix(height).enumerated() {
            canvas.put(" " + line, x: area.x, y: area.y + 2 + row, width: area.width, style: line.hasPrefix("!") ? .warning : .normal)
        }
        if first + height < all.count {
            let more = "more below ↓"
            canvas.put(more, x: area.maxX - DisplayWidth.of(more) - 1, y: area.y + 1, style: .muted)
        }
    }
}
