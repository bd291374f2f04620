import HavenCore

/// Everything that needs this person now, most urgent first: one line each, saying why, and
/// Enter opens the place it is dealt with. Worked out from the summaries (`MyWork`), again
/// when another session saves and when the clock passes a minute, so an appointment falls due
/// on screen. d dismisses a line (kept per user); u brings the last one back.
public struct MyWorkScreen: Screen {
    public enum Action: Sendable {
        case up, down, first, last, pageUp, pageDown, open, dismiss, undismiss, week, read, showDismissed, close, find
    }

    let context: SessionContext
    private var summaries: [CaseSummary]
    public private(set) var items: [WorkItem] = []
    public private(set) var selected = 0
    /// Dismissed lines (ids), as read from the user's settings and changed here.
    public private(set) var dismissed: Set<String> = []
    /// Openings with a reason and refusals this supervisor is told of (read with the dismissals).
    private var access: [AccessEntry] = []
    /// Dismissed in this session, last first: what u brings back.
    private var dismissedHere: [String] = []
    /// The settings have been read (until then nothing is dismissed, nothing is written).
    private var settingsRead = false
    /// D: the dismissed lines that still stand are listed instead, for u to bring one back.
    public private(set) var showingDismissed = false
    /// The minute the list was last worked out in: a new minute works it out again.
    private var minute: Int64 = -1
    private var now: Timestamp
    var rows = 18

    /// - Parameter now: the time it opens at (screens are told the time, never read it).
    public init(cases: [CaseSummary], context: SessionContext, now: Timestamp) {
        self.summaries = cases
        self.context = context
        self.now = now
        recompute()
    }

    public var title: String { "My work" }
    public var minimumSize: Size { Size(width: 60, height: 16) }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.enter], .open, label: "Open", help: "Open where the selected line is dealt with"),
            KeyBinding([.character("d")], .dismiss, label: showingDismissed ? nil : "Dismiss", help: "Take the line off My work (kept for you; u brings it back)",
                       disabled: showingDismissed ? "These are dismissed already; u brings one back." : nil),
            KeyBinding([.character("u")], .undismiss, label: showingDismissed ? "Bring back" : nil,
                       help: showingDismissed ? "Bring back the selected dismissed line" : "Bring back the line dismissed last in this session"),
            KeyBinding([.character("D")], .showDismissed, help: showingDismissed ? "Back to what needs you" : "The lines you dismissed that still stand (u brings one back)"),
            KeyBinding([.character("q"), .escape], .close, label: "Back", help: showingDismissed ? "Back to what needs you" : "Back to the areas"),
            KeyBinding([.character("w")], .week, label: "Week", help: "The week's appointments: yours, or (supervisors) each caseworker's"),
            KeyBinding([.character("/")], .find, help: "Find a case by name or number (back on Home, finding)"),
            KeyBinding([.character("v")], .read, help: "Read the selected line whole (a long comment, a full name)"),
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next line"),
            KeyBinding([.up, .character("k")], .up, help: "Previous line"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, help: "Next page"),
            KeyBinding([.pageUp, .character("b")], .pageUp, help: "Previous page"),
            KeyBinding([.home, .character("g")], .first, help: "First line"),
            KeyBinding([.end, .character("G")], .last, help: "Last line"),
        ])
    }

    var item: WorkItem? { items.indices.contains(selected) ? items[selected] : nil }

    /// Every line that stands now, dismissed or not (from the same pass): a dismissal of
    /// anything else is forgotten as the settings are written.
    private var standing: Set<String> = []
    /// The first line shown: moved only when the selection leaves the page, so a move up or
    /// down rewrites two rows, not the whole list.
    private var top = 0

    mutating func recompute() {
        let before = item?.id
        minute = now.secondsSinceEpoch / 60
        let targets = context.reference?.stageTargets ?? StageTargets(days: [:])
        if showingDismissed {
            let all = MyWork.list(for: context.user, role: context.role, cases: summaries, now: now, clock: context.localClock, targets: targets,
                                  access: access)
            (items, standing) = (all.items.filter { dismissed.contains($0.id) }, all.standing)
        } else {
            (items, standing) = MyWork.list(for: context.user, role: context.role, cases: summaries, now: now, clock: context.localClock,
                                            targets: targets, dismissed: dismissed, access: access)
        }
        selected = items.firstIndex { $0.id == before } ?? min(selected, max(0, items.count - 1))
        keepInView()
    }

    mutating func keepInView() {
        if selected < top { top = selected }
        if selected >= top + rows { top = selected - rows + 1 }
        top = max(0, min(top, max(0, items.count - rows)))
    }

    public mutating func start() -> [Command] { [.run(WorkDismissals(adding: nil, removing: nil, standing: nil))] }

    public mutating func storeDidChange(_ cases: [CaseSummary]) -> [Command] {
        summaries = cases
        recompute()
        // What another session of this user dismissed meanwhile is read again (a small file).
        return [.run(WorkDismissals(adding: nil, removing: nil, standing: nil))]
    }

    /// A new minute: what fell due since is shown.
    public mutating func clockDidTick(_ time: Timestamp) -> Bool {
        guard time.secondsSinceEpoch / 60 != minute else { return false }
        now = time
        recompute()
        return true
    }

    public mutating func prepare(for area: Rect, now: Timestamp) {
        rows = Self.visibleItems(in: area.height)
        keepInView()
        if now.secondsSinceEpoch / 60 != minute {
            self.now = now
            recompute()
        }
    }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, items.count - 1), selected + 1)
        case .first: selected = 0
        case .last: selected = max(0, items.count - 1)
        case .pageUp: selected = max(0, selected - rows)
        case .pageDown: selected = min(max(0, items.count - 1), selected + rows)
        case .open, .dismiss, .undismiss, .week, .read, .showDismissed, .close, .find: break
        }
        keepInView()
        switch action {
        case .up, .down, .first, .last, .pageUp, .pageDown: break
        case .open:
            guard let item else { return [.status("Nothing needs you now.", .info)] }
            guard !showingDismissed else { return [.status("u brings the line back first; D goes back to what needs you.", .info)] }
            // A case restricted to a team without this reader: said here, not tried (and logged).
            if let id = item.caseID, item.reason != .access, summary(of: id)?.latinName == NeedToKnow.maskedName {
                return [.status(NeedToKnowError.restricted(id).description, .warning)]
            }
            let opening = open(item.place)
            // Information is read by opening it; work stays until it is done.
            guard item.isDoneWhenOpened else { return opening }
            return dismiss(item) + opening + [.status("Read: off My work (D lists it, u brings it back).", .info)]
        case .dismiss:
            guard let item, !showingDismissed else { return [] }
            return dismiss(item) + [.status("Dismissed: \(item.reason.title.lowercased()) on \(item.caseID?.rawValue ?? "the queue"). u brings it back.", .info)]
        case .showDismissed:
            showingDismissed.toggle()
            selected = 0
            top = 0
            recompute()
            return showingDismissed ? [.status("\(items.count) dismissed line\(items.count == 1 ? "" : "s") still standing; u brings the selected one back, D goes back.", .info)] : []
        case .find:
            // From the walk: / was ignored here, and Enter then opened the top line.
            return [.backAnswering(HomeScreen.FindAfterMyWork(read: WorkDismissals.Read(dismissed: Array(dismissed), access: access)))]
        case .close:
            guard !showingDismissed else { return handle(.showDismissed) }
            // The home screen's count follows what was dismissed here.
            return [.backAnswering(WorkDismissals.Read(dismissed: Array(dismissed), access: access))]
        case .undismiss:
            let chosen = showingDismissed ? item?.id : dismissedHere.first
            guard let id = chosen else {
                return [.status(showingDismissed ? "No dismissed line is selected." : "Nothing dismissed in this session to bring back; D lists the lines you dismissed.", .info)]
            }
            dismissedHere.removeAll { $0 == id }
            dismissed.remove(id)
            recompute()
            selected = items.firstIndex { $0.id == id } ?? selected
            return [.run(WorkDismissals(adding: nil, removing: id, standing: standing))]
        case .week:
            return [.push(WeekScreen(cases: summaries, context: context, now: now))]
        case .read:
            guard let item else { return [] }
            let person = item.caseID.flatMap { id in summary(of: id).map { "\(id) \($0.cyrillicName) (\($0.latinName))\n\n" } } ?? ""
            return [.push(TextViewScreen(title: "Line", heading: "My work: \(item.reason.title.lowercased())", text: person + item.text))]
        }
        return []
    }

    mutating func dismiss(_ item: WorkItem) -> [Command] {
        guard settingsRead else { return [.status("Your dismissed lines are still being read; try again.", .warning)] }
        dismissed.insert(item.id)
        dismissedHere.insert(item.id, at: 0)
        // Taken off the list as it is; no pass over the summaries for one key.
        items.removeAll { $0.id == item.id }
        selected = min(selected, max(0, items.count - 1))
        keepInView()
        return [.run(WorkDismissals(adding: item.id, removing: nil, standing: standing))]
    }

    func open(_ place: WorkItem.Place) -> [Command] {
        switch place {
        case let .caseView(id): [.openCase(id)]
        case let .integration(id): [.run(OpenCase(id: id, section: .integration, followUp: true))]
        case let .proposal(id, kind): [.openCase(id, at: kind == .decision ? .decision : .allocation)]
        case let .family(id): [.openFamily(id)]
        case let .notes(id): [.openCase(id, at: .notes)]
        case let .appointments(id, appointment): [.run(OpenAppointments(id: id, appointment: appointment))]
        case .approvals: [.push(ApprovalsScreen(cases: summaries, context: context))]
        case .overdueCases: [.push(Self.ownQueue(summaries, context: context, overdue: true))]
        case let .lateCases(person): [.push(Self.ownQueue(summaries, context: context, of: person, overdue: true))]
        case let .ownCases(stage): [.push(Self.ownQueue(summaries, context: context, stage: stage))]
        case let .accessLog(id): [.push(AccessLogScreen(context: context, filter: AccessFilter(caseID: id), selecting: item?.accessSequence))]
        }
    }

    /// The reader's own cases, or a caseworker's (`of`), narrowed by the queue's own keys (`o`
    /// overdue, `s` a stage), so the heading says what is applied and the keys take it off.
    static func ownQueue(_ summaries: [CaseSummary], context: SessionContext, of caseworker: UserName? = nil, overdue: Bool = false,
                         stage: CaseStage? = nil) -> QueueScreen {
        var queue = caseworker.map { QueueScreen(cases: summaries, context: context, caseworker: $0) }
            ?? QueueScreen(cases: summaries, context: context, onlyMine: true)
        if overdue {
            _ = queue.handle(.toggleOverdue)
            // The longest in their stage first, as the heading's sort says (a walk's late list
            // came by case number).
            for _ in QueueColumn.allCases where queue.sortColumn != .daysInStage { _ = queue.handle(.sortNext) }
            _ = queue.handle(.reverseSort)
        }
        if let stage { for _ in CaseStage.allCases where queue.stageFilter != stage { _ = queue.handle(.cycleStage) } }
        // From the top of what it lists, not where a case selected before the narrowing was.
        _ = queue.handle(.first)
        return queue
    }

    public mutating func receive(_ message: any Sendable) -> [Command] {
        guard let settings = message as? WorkDismissals.Read else { return [] }
        let read = Set(settings.dismissed)
        settingsRead = true
        // Worked out again only when the dismissals or the reasons differ (not on opening with none).
        guard read != dismissed || settings.access != access else { return [] }
        dismissed = read
        access = settings.access
        recompute()
        return []
    }

    /// One row a line: why, the case and the person's family name in both scripts, then what it
    /// says (v reads a line cut at the edge whole). No pane follows the selection: a move
    /// rewrites a marker and a word, and a scroll one row (the list-move budget on a slow link).
    public func render(into canvas: inout Canvas, area: Rect) {
        let count = items.count
        let late = items.filter { $0.reason == .late || $0.reason == .toRecord }.count
        // The lines are counted, and the proposals to approve too where one line stands for
        // several (a walk read "26 need you" over 60 proposals waiting).
        let approvalLines = items.filter { $0.reason == .approval }
        let approvals = approvalLines.reduce(0) { $0 + $1.proposals }
        let heading = showingDismissed ? " My work · \(count) dismissed (u brings one back, D goes back)"
            : count == 0 ? " My work · nothing needs you now" : " My work · \(count) need\(count == 1 ? "s" : "") you"
                + (approvals > approvalLines.count ? " (\(approvals) proposals to approve)" : "") + (late > 0 ? ", \(late) late" : "")
        canvas.put(heading, x: area.x, y: area.y, width: area.width, style: .heading)
        let zone = "times in \(context.localClock.name) "
        if area.width - DisplayWidth.of(heading) > DisplayWidth.of(zone) + 2 {
            canvas.put(zone, x: area.maxX - DisplayWidth.of(zone), y: area.y, style: .muted)
        }
        if count == 0, !showingDismissed {
            canvas.put(" No appointment, due date, return, new case, proposal or mention. Esc: areas.", x: area.x, y: area.y + 2,
                       width: area.width, style: .muted)
        }
        let visible = Self.visibleItems(in: area.height)
        // Where the last key left the page (`top`), unless a resize since puts the selection off it.
        let first = selected >= top && selected < top + visible ? top : max(0, selected - visible + 1)
        for (offset, item) in items.dropFirst(first).prefix(visible).enumerated() {
            let index = first + offset
            let style: Style = item.reason == .late || item.reason == .toRecord ? .overdue : .normal
            canvas.putListRow(row(item), x: area.x, y: area.y + 2 + offset, width: area.width, style: style,
                              selected: index == selected, keyWidth: Self.reasonWidth)
        }
        if first + visible < count {
            // Not counted: a count that changes on every scroll costs bytes on every move.
            let more = "more below ↓"
            canvas.put(more, x: area.maxX - DisplayWidth.of(more) - 1, y: area.maxY - 1, style: .muted)
        }
    }

    static let reasonWidth = 10

    /// " Today      HV-000002 Solovev (Соловьёв) · Screening interview at 10:00 (60 min)".
    func row(_ item: WorkItem) -> String {
        let person = item.caseID.map { id in
            summary(of: id).map { $0.latinName == NeedToKnow.maskedName ? "\(id) (restricted) · "
                : "\(id) \(Self.family($0.latinName)) (\(Self.family($0.cyrillicName))) · " } ?? "\(id) · "
        } ?? ""
        return " " + DisplayWidth.fit(item.reason.title, to: Self.reasonWidth) + " " + person + item.text
    }

    /// The family name: the first word of a displayed name.
    static func family(_ name: String) -> String { String(name.split(separator: " ").first ?? Substring(name)) }

    /// How many lines fit under the heading (one row each, the last row kept for "more below").
    static func visibleItems(in height: Int) -> Int { max(1, height - 3) }

    func summary(of id: CaseID) -> CaseSummary? { summaries.summary(of: id) }
}

/// Reads the user's dismissed My work lines, adding or removing one first (read, changed and
/// written at once, so two sessions of one user lose neither's dismissal but in a race of
/// milliseconds, and then the line only shows again).
public struct WorkDismissals: StoreTask {
    public struct Read: Sendable {
        public let dismissed: [String]
        /// For a supervisor: the month's openings with a reason and refusals they are told of.
        public var access: [AccessEntry] = []
    }

    public let adding: String?
    public let removing: String?
    /// The lines that stand now; dismissals of any other are dropped as the file is written.
    public let standing: Set<String>?

    public func run(in session: SessionServices) -> [Command] {
        guard let store = session.store else { return [.message(Read(dismissed: []))] }
        // Kept apart from the settings: a log that cannot be read must not lose the dismissals.
        do {
            var settings = try store.settings(for: session.context.user)
            if adding != nil || removing != nil {
                var ids = settings.dismissedWork
                if let standing { ids.removeAll { !standing.contains($0) } }
                if let removing { ids.removeAll { $0 == removing } }
                if let adding, !ids.contains(adding) { ids.append(adding) }
                settings.dismissedWork = ids
                try store.keepSettings(settings, for: session.context.user)
            }
            return [.message(Read(dismissed: settings.dismissedWork, access: (try? Self.access(for: session)) ?? []))]
        } catch {
            return [.status("Your dismissed lines could not be \(adding == nil && removing == nil ? "read" : "kept"): \(error)", .error)]
        }
    }
}

extension WorkDismissals {
    /// The month's openings with a reason and refusals a supervisor is told of (the small
    /// copy of the log the store keeps for this); none for anyone else.
    static func access(for session: SessionServices) throws -> [AccessEntry] {
        guard let store = session.store, session.actor.role.may(.reviewDecision), let users = session.users() else { return [] }
        let since = Timestamp(secondsSinceEpoch: session.now.secondsSinceEpoch - Int64(MyWork.informationDays + 1) * 86_400)
        // The copy holds only what supervisors hear of; this supervisor's team first, then the limit.
        return Array(try store.accessLog(matching: AccessFilter(since: since, supervisorsCopy: true), limit: 100_000)
            .filter { NeedToKnow.supervisorsTold(of: $0.user, users: users).contains(session.actor.user) }.prefix(500))
    }
}

extension WorkItem {
    /// The access entry an Access line is about (its id is `access:SEQUENCE`).
    var accessSequence: Int? { reason == .access ? Int(id.dropFirst("access:".count)) : nil }
}

