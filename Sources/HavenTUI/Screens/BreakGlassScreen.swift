import HavenCore

/// A case that is not this user's (not assigned to them or their team): its summary, and a
/// reason to open it. The reason goes to the access log and to the supervisors' My work; the
/// case view then takes this screen's place, and the case stays open to this user for the
/// rest of the session. Esc goes back with nothing opened.
public struct BreakGlassScreen: Screen {
    public enum Action: Sendable { case open, cancel }
    /// What the reason is for: opening the case view, or handing `ReasonGiven` back to the
    /// screen below (a link that writes on the case too).
    public enum Then: Sendable { case open, answer }

    public let summary: CaseSummary
    let family: Bool
    let section: CaseSection
    let then: Then
    let context: SessionContext
    public private(set) var reason = TextField(maximumLength: 500)

    public init(summary: CaseSummary, family: Bool = false, section: CaseSection = .person, then: Then = .open, context: SessionContext) {
        self.then = then
        self.summary = summary
        self.family = family
        self.section = section
        self.context = context
    }

    public var title: String { "Not your case" }
    public var caseShown: CaseID? { summary.id }
    public var minimumSize: Size { Size(width: 40, height: 12) }
    public var capturesText: Bool { true }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.enter], .open, label: then == .open ? "Open" : "Go on",
                       help: "Give this reason and go on (kept in the access log; your supervisor sees it)"),
            KeyBinding([.escape], .cancel, label: "Back", help: "Go back without opening the case"),
        ])
    }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .cancel:
            return [.back, .status("\(summary.id) was not opened.", .info)]
        case .open:
            do {
                let why = try NeedToKnow.reason(reason.text)
                if then == .answer { return [.run(GiveReason(id: summary.id, reason: why))] }
                return [.run(OpenCase(id: summary.id, family: family, section: section, reason: why))]
            } catch {
                return [.status(error.description, .warning)]
            }
        }
    }

    public mutating func handleUnboundKey(_ key: Key) -> [Command]? {
        reason.handle(key) ? reason.said(as: "The reason") : nil
    }

    /// The summary's lines: what lists already show, nothing more.
    func facts(today: CalendarDate) -> [(String, String)] {
        let days = max(0, summary.stageEnteredAt.date.days(until: today))
        return [
            ("Name", summary.cyrillicName == summary.latinName ? summary.cyrillicName : "\(summary.cyrillicName) · \(summary.latinName)"),
            ("Stage", "\(summary.stage.title), \(days) day\(days == 1 ? "" : "s")"),
            ("Assigned to", summary.assignedTo?.rawValue ?? "nobody"),
            ("Country", summary.country?.rawValue ?? "—"),
        ]
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        var y = area.y
        let whose = context.role == .caseworker ? "not assigned to you or your team" : "not open to \(context.role.withArticle) without a reason"
        canvas.put(" \(summary.id) is \(whose)", x: area.x, y: y, width: area.width, style: .heading)
        y += 2
        for (label, value) in facts(today: context.today) where y < area.maxY - 4 {
            canvas.put(" " + DisplayWidth.fit(label, to: 12) + " " + value, x: area.x, y: y, width: area.width)
            y += 1
        }
        y += 1
        let explanation = "You see its summary. To open it, say why you need it: your reason is kept in the access log "
            + "with your name and the time, and " + (context.role == .caseworker ? "your supervisor sees it in My work." : "supervisors see it in My work.")
        for line in DisplayWidth.wrap(explanation, to: area.width - 2) where y < area.maxY - 1 {
            canvas.put(" " + line, x: area.x, y: y, width: area.width, style: .muted)
            y += 1
        }
        let row = max(y + 1, area.maxY - 1)
        guard row < area.maxY else { return }
        let x = area.x + canvas.put(" Why: ", x: area.x, y: row, style: .heading)
        reason.render(into: &canvas, x: x, y: row, width: area.maxX - x - 1, focused: true)
    }
}

/// A reason given for case `id`, handed back to the screen that asked for it.
public struct ReasonGiven: Sendable, Equatable {
    public let id: CaseID
}

/// Gives the reason to the store (logged as an opening of the case), then hands `ReasonGiven`
/// back to the screen under `BreakGlassScreen`.
public struct GiveReason: StoreTask, Equatable {
    public let id: CaseID
    public let reason: String

    public func run(in session: SessionServices) -> [Command] {
        switch session.open(id, part: .caseRecord, reason: reason) {
        case .success: [.backAnswering(ReasonGiven(id: id))]
        case let .failure(refusal): [.status(refusal.reply.statusWhenUnheard?.0 ?? NeedToKnowError.reasonNeeded(id).description, .error)]
        }
    }
}
