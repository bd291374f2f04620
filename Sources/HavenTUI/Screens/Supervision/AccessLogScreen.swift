import HavenCore

/// The access log, newest first: who opened which case (and its family screen or history),
/// every export and report, and the reason given to open a case that was not theirs. `c` and
/// `u` keep to the selected entry's case or user, `r` to reasons and refusals, `x` shows all;
/// Enter reads an entry whole. For supervisors and auditors.
public struct AccessLogScreen: Screen {
    public enum Action: Sendable { case up, down, pageUp, pageDown, toggleDetail, byCase, byUser, reasons, clearFilter }

    /// Entries fetched at once: the newest this many that match.
    public static let pageLimit = 500

    public private(set) var filter: AccessFilter
    public private(set) var entries: [AccessEntry] = []
    public private(set) var selected = 0
    public private(set) var showingDetail = false
    public private(set) var loaded = false
    let context: SessionContext
    var pageRows = 17

    /// The entry to select once read (a My work line's), by its number.
    var selecting: Int?

    public init(context: SessionContext, filter: AccessFilter = AccessFilter(), selecting: Int? = nil) {
        self.context = context
        self.filter = filter
        self.selecting = selecting
    }

    public var title: String { "Access log" }
    public var minimumSize: Size { Size(width: 60, height: 12) }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.enter], .toggleDetail, label: showingDetail ? "List" : "Read", help: "Read the selected entry whole, or go back to the list"),
            KeyBinding([.character("c")], .byCase, label: "Case", help: "Only the selected entry's case"),
            KeyBinding([.character("u")], .byUser, label: "User", help: "Only the selected entry's user"),
            KeyBinding([.character("r")], .reasons, label: "Reasons", help: "Only openings with a reason given, and refusals (or everything again)"),
            KeyBinding([.character("x")], .clearFilter, label: "All", help: "Show every entry"),
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next (older) entry"),
            KeyBinding([.up, .character("k")], .up, help: "Previous (newer) entry"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, help: "Next page"),
            KeyBinding([.pageUp, .character("b")], .pageUp, help: "Previous page"),
        ])
    }

    public mutating func prepare(for area: Rect, now: Timestamp) { pageRows = max(1, area.height - 3) }

    public mutating func start() -> [Command] { [.query(.accessLog(filter, limit: Self.pageLimit))] }

    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        showingDetail ? [] : [.query(.accessLog(filter, limit: Self.pageLimit))]
    }

    var current: AccessEntry? { entries.indices.contains(selected) ? entries[selected] : nil }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, entries.count - 1), selected + 1)
        case .pageUp: selected = max(0, selected - pageRows)
        case .pageDown: selected = min(max(0, entries.count - 1), selected + pageRows)
        case .toggleDetail:
            guard current != nil else { return [] }
            showingDetail.toggle()
        case .byCase:
            guard let id = current?.caseID else { return [.status("The selected entry is about no one case.", .info)] }
            return ask(AccessFilter(caseID: id, reasonedOnly: filter.reasonedOnly))
        case .byUser:
            guard let user = current?.user else { return [] }
            return ask(AccessFilter(user: user, reasonedOnly: filter.reasonedOnly))
        case .reasons:
            var next = filter
            next.reasonedOnly.toggle()
            return ask(next)
        case .clearFilter:
            return ask(AccessFilter())
        }
        return []
    }

    func ask(_ next: AccessFilter) -> [Command] { [.query(.accessLog(next, limit: Self.pageLimit))] }

    public mutating func receive(reply: StoreReply) -> [Command] {
        switch reply {
        case let .accessEntries(found, asked):
            // Another filter starts at the newest entry; the same one read again keeps the place.
            if asked != filter { selected = 0 }
            entries = found
            filter = asked
            loaded = true
            if let wanted = selecting, let position = found.firstIndex(where: { $0.sequence == wanted }) { selected = position }
            selecting = nil
            selected = min(selected, max(0, found.count - 1))
            showingDetail = false
            return []
        case let .failed(message):
            return [.status(message, .error)]
        default:
            return []
        }
    }

    var filterSummary: String {
        var parts: [String] = []
        if let id = filter.caseID { parts.append("case \(id)") }
        if let user = filter.user { parts.append("user \(user)") }
        if filter.reasonedOnly { parts.append("reasons and refusals") }
        return parts.isEmpty ? "everything" : parts.joined(separator: " · ")
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let count = entries.count == Self.pageLimit ? "newest \(Self.pageLimit)" : "\(entries.count)"
        canvas.put(" Access log: \(count) entr\(entries.count == 1 ? "y" : "ies") · \(filterSummary)", x: area.x, y: area.y,
                   width: area.width, style: .heading)
        if showingDetail, let entry = current {
            var y = area.y + 2
            let lines = ["#\(entry.sequence) · \(entry.at.minuteText) UTC", "\(entry.user) (\(entry.role.rawValue)), session \(entry.session)",
                         "\(entry.outcome.title) \(entry.part.title)" + (entry.caseID.map { " of \($0)" } ?? ""),
                         entry.detail ?? "", entry.reason.map { "Reason: \($0)" } ?? ""].filter { !$0.isEmpty }
            for line in lines.flatMap({ DisplayWidth.wrap($0, to: area.width - 2) }) where y < area.maxY {
                canvas.put(" " + line, x: area.x, y: y, width: area.width)
                y += 1
            }
            return
        }
        canvas.put(" When (UTC)       User         Case       What", x: area.x, y: area.y + 2, width: area.width,
                   style: Style(.heading, bold: true, underline: true))
        guard !entries.isEmpty else {
            canvas.put(loaded ? " No entry matches; x shows every entry." : " Reading the access log…",
                       x: area.x, y: area.y + 3, width: area.width, style: .muted)
            return
        }
        let visible = area.height - 3
        let first = max(0, selected - visible + 1)
        for (offset, entry) in entries.dropFirst(first).prefix(visible).enumerated() {
            let what = "\(entry.outcome.title) \(entry.part.title)" + (entry.reason.map { ": \($0)" } ?? entry.detail.map { ": \($0)" } ?? "")
            let text = " " + entry.at.minuteText + " " + DisplayWidth.fit(entry.user.rawValue, to: 12) + " "
                + DisplayWidth.fit(entry.caseID?.rawValue ?? "—", to: 10) + " " + what
            canvas.putListRow(text, x: area.x, y: area.y + 3 + offset, width: area.width,
                              style: entry.outcome == .refused ? .overdue : .normal, selected: first + offset == selected)
        }
    }
}
