import HavenCore

/// The audit trail, newest first: who changed what and when, filtered by user, case and dates
/// (`/` opens the filter). Fields and values read as the case view names them; Enter shows an
/// entry's fields before and after, each with the exact path the trail holds.
public struct AuditScreen: Screen {
    public enum Action: Sendable { case up, down, pageUp, pageDown, toggleDetail, filter, clearFilter }

    /// Entries fetched at once: the newest this many that match.
    public static let pageLimit = 500

    public private(set) var filter = AuditFilter()
    public private(set) var entries: [AuditEntry] = []
    public private(set) var selected = 0
    public private(set) var showingDetail = false
    public private(set) var loaded = false
    let context: SessionContext
    var pageRows = 17

    public init(context: SessionContext) {
        self.context = context
    }

    public var title: String { "Audit trail" }
    public var minimumSize: Size { Size(width: 60, height: 12) }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.enter], .toggleDetail, label: showingDetail ? "List" : "Details", help: "Show the selected entry's changes, or go back to the list"),
            KeyBinding([.character("/")], .filter, label: "Filter", help: "Filter by user, case and dates"),
            KeyBinding([.character("x")], .clearFilter, help: "Clear the filter"),
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next (older) entry"),
            KeyBinding([.up, .character("k")], .up, help: "Previous (newer) entry"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, help: "Next page"),
            KeyBinding([.pageUp, .character("b")], .pageUp, help: "Previous page"),
        ])
    }

    public mutating func prepare(for area: Rect, now: Timestamp) { pageRows = max(1, area.height - 3) }

    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        showingDetail ? [] : [.query(.auditTrail(filter, limit: Self.pageLimit))]
    }

    /// What it asks for when it opens.
    public mutating func start() -> [Command] { [.query(.auditTrail(AuditFilter(), limit: Self.pageLimit))] }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, entries.count - 1), selected + 1)
        case .pageUp: selected = max(0, selected - pageRows)
        case .pageDown: selected = min(max(0, entries.count - 1), selected + pageRows)
        case .toggleDetail:
            guard entries.indices.contains(selected) else { return [] }
            showingDetail.toggle()
        case .clearFilter:
            filter = AuditFilter()
            return [.query(.auditTrail(filter, limit: Self.pageLimit))]
        case .filter:
            return [.push(filterForm())]
        }
        return []
    }

    /// The filter as a form; its values become a query whose answer comes back here.
    func filterForm() -> FormScreen {
        let form = Form(sections: [Form.Section(title: "Show entries", fields: [
            FormField("user", "By user", .text(maximumLength: 64), hint: "any user", value: filter.user?.rawValue ?? ""),
            FormField("case", "On case", .text(maximumLength: 12), hint: "any case, e.g. HV-000123", value: filter.caseID?.rawValue ?? ""),
            FormField("from", "From", .date, hint: "YYYY-MM-DD", value: filter.from?.description ?? ""),
            FormField("to", "To", .date, hint: "YYYY-MM-DD", value: filter.to?.description ?? ""),
        ])])
        return FormScreen(title: "Filter", heading: "Filter the audit trail · Ctrl-S shows the entries", form: form) { form, now in
            var next = AuditFilter()
            var problems: [ValidationIssue] = []
            let user = form.value("user").trimmingCharacters(in: .whitespaces)
            if !user.isEmpty {
                if let name = UserName(user) { next.user = name } else { problems.append(ValidationIssue(field: "user", message: "Not \(UserName.expectedForm).")) }
            }
            let caseText = form.value("case").trimmingCharacters(in: .whitespaces).uppercased()
            if !caseText.isEmpty {
                if let id = CaseID(caseText) ?? Int(caseText).map({ CaseID(number: $0) }) { next.caseID = id } else {
                    problems.append(ValidationIssue(field: "case", message: "Not a case number (HV-000123, or 123)."))
                }
            }
            for (field, keyPath) in [("from", \AuditFilter.from), ("to", \AuditFilter.to)] {
                let text = form.value(field)
                guard !text.isEmpty else { continue }
                if let date = CalendarDate(iso: text) { next[keyPath: keyPath] = date } else {
                    problems.append(ValidationIssue(field: field, message: "Write the date as YYYY-MM-DD."))
                }
            }
            if let from = next.from, let to = next.to, from > to {
                problems.append(ValidationIssue(field: "to", message: "The end date is before the start date."))
            }
            guard problems.isEmpty else { return .problems(problems) }
            // The filter goes to the trail screen below, which asks the store for it.
            return .perform([.backAnswering(next)])
        }.keepingNoDraft()
    }

    /// A filter chosen on the filter form, or the store's answer.
    public mutating func receive(_ message: any Sendable) -> [Command] {
        if let chosen = message as? AuditFilter { return [.query(.auditTrail(chosen, limit: Self.pageLimit))] }
        guard let reply = message as? StoreReply else { return [] }
        return receive(reply: reply)
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        switch reply {
        case let .auditEntries(found, asked):
            entries = found
            filter = asked
            loaded = true
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
        if let user = filter.user { parts.append("user \(user)") }
        if let id = filter.caseID { parts.append("case \(id)") }
        if let from = filter.from { parts.append("from \(from)") }
        if let to = filter.to { parts.append("to \(to)") }
        return parts.isEmpty ? "everything" : parts.joined(separator: " · ")
    }

    static func when(_ time: Timestamp) -> String { time.minuteText }

    /// The fields an entry changed, in the case view's words: `Person · Place of birth, ...`.
    static func fieldsSummary(_ entry: AuditEntry) -> String {
        if entry.changes.count == 1, entry.changes[0].field == CaseDiff.wholeCase { return "registered" }
        let fields = AuditWording(record: nil).describe(entry).map { "\($0.section) · \($0.label)" }
        return fields.prefix(3).joined(separator: ", ") + (fields.count > 3 ? " (+\(fields.count - 3))" : "")
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let count = entries.count == Self.pageLimit ? "newest \(Self.pageLimit)" : "\(entries.count)"
        canvas.put(" Audit trail: \(count) entr\(entries.count == 1 ? "y" : "ies") · \(filterSummary)", x: area.x, y: area.y,
                   width: area.width, style: .heading)
        if showingDetail, entries.indices.contains(selected) {
            renderDetail(entries[selected], into: &canvas, area: Rect(x: area.x, y: area.y + 2, width: area.width, height: area.height - 2))
            return
        }
        canvas.put(" When (UTC)       User         Record       Changed", x: area.x, y: area.y + 2, width: area.width,
                   style: Style(.heading, bold: true, underline: true))
        guard !entries.isEmpty else {
            canvas.put(loaded ? " No entry matches; / changes the filter, x clears it." : " Reading the trail…",
                       x: area.x, y: area.y + 3, width: area.width, style: .muted)
            return
        }
        let visible = area.height - 3
        let first = max(0, selected - visible + 1)
        for (offset, entry) in entries.dropFirst(first).prefix(visible).enumerated() {
            let y = area.y + 3 + offset
            let isSelected = first + offset == selected
            let text = " " + Self.when(entry.at) + " " + DisplayWidth.fit(entry.user.rawValue, to: 12) + " "
                + DisplayWidth.fit(entry.reference, to: 12) + " " + Self.fieldsSummary(entry)
            canvas.putListRow(text, x: area.x, y: y, width: area.width, style: .normal, selected: isSelected)
        }
    }

    func renderDetail(_ entry: AuditEntry, into canvas: inout Canvas, area: Rect) {
        canvas.put(" #\(entry.sequence) · \(Self.when(entry.at)) UTC · \(entry.user) · \(entry.reference)",
                   x: area.x, y: area.y, width: area.width, style: .heading)
        // Each change in words, and under it the exact path the trail holds, for the auditor.
        var lines: [(String, Style)] = []
        for change in AuditWording(record: nil).describe(entry) {
            if change.field == CaseDiff.wholeCase { lines.append(("Registered the case (the whole record).", .normal)); continue }
            lines.append(("\(change.section) · \(change.label)", .normal))
            lines.append(("   before: \(change.before)", .normal))
            lines.append(("   after:  \(change.after)", .normal))
            lines.append(("   field:  \(change.field)", .muted))
        }
        for (offset, line) in lines.prefix(area.height - 2).enumerated() {
            canvas.put(" " + line.0, x: area.x, y: area.y + 2 + offset, width: area.width, style: line.1)
        }
    }
}
