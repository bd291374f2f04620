import HavenCore

/// The four reports, as `haven report` prints them: 1-4 or Tab choose, the table scrolls
/// (Left and Right for a wide one), `w` writes it to a file as CSV or text.
public struct ReportsScreen: Screen {
    public enum Action: Sendable { case kind(Int), nextKind, down, up, pageDown, pageUp, left, right, write }

    public private(set) var kind = ReportKind.pipeline
    public private(set) var cases: [CaseSummary]
    public private(set) var users = UserDirectory()
    public private(set) var scroll = 0
    /// Columns scrolled off to the left, for tables wider than the terminal.
    public private(set) var shift = 0
    let context: SessionContext
    var pageRows = 17

    public init(cases: [CaseSummary], context: SessionContext) {
        self.cases = cases
        self.context = context
        remake()
    }

    public var title: String { "Reports" }
    public var minimumSize: Size { Size(width: 60, height: 12) }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.tab], .nextKind, label: "Next report", help: "Show the next report"),
            KeyBinding([.character("w")], .write, label: "Write file", help: "Write the report to a file (CSV or text)"),
            KeyBinding([.down, .character("j")], .down, label: "Scroll", help: "Scroll down"),
            KeyBinding([.up, .character("k")], .up, help: "Scroll up"),
            KeyBinding([.right, .character("l")], .right, label: "Wide", help: "Scroll right, for a table wider than the terminal"),
            KeyBinding([.left, .character("h")], .left, help: "Scroll left"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, help: "Next page"),
            KeyBinding([.pageUp, .character("b")], .pageUp, help: "Previous page"),
        ] + ReportKind.allCases.enumerated().map { index, kind in
            KeyBinding([.character(Character(String(index + 1)))], .kind(index), help: "Show \(kind.title.lowercased())")
        })
    }

    /// The report shown, made again only when the kind, the cases or the users change.
    private(set) var table: ReportTable?
    private(set) var lines: [String] = []

    mutating func remake() {
        table = context.reference.map { Reports.make(kind, summaries: cases, users: users, reference: $0, today: context.today) }
        lines = table.map { $0.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) } ?? []
    }

    var width = 80

    public mutating func prepare(for area: Rect, now: Timestamp) {
        pageRows = max(1, area.height - 2)
        width = area.width
    }

    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        cases = summaries
        remake()
        return []
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        if case let .users(directory) = reply {
            users = directory
            remake()
        }
        if case let .failed(message) = reply { return [.status(message, .error)] }
        return []
    }

    /// What it asks for when it opens.
    public mutating func start() -> [Command] { [.query(.users)] }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case let .kind(index):
            kind = ReportKind.allCases[index]
            scroll = 0
            shift = 0
            remake()
        case .nextKind:
            kind = ReportKind.allCases[(ReportKind.allCases.firstIndex(of: kind)! + 1) % ReportKind.allCases.count]
            scroll = 0
            shift = 0
            remake()
        case .right: shift = min(shift + 10, max(0, (lines.map(\.count).max() ?? 0) - (width - 3)))
        case .left: shift = max(0, shift - 10)
        case .down: scroll += 1
        case .up: scroll -= 1
        case .pageDown: scroll += pageRows
        case .pageUp: scroll -= pageRows
        case .write:
            guard let table else { return [.status("Reference data is not loaded.", .error)] }
            return [.push(writeForm(table))]
        }
        scroll = max(0, min(scroll, lines.count - pageRows))
        return []
    }

    func writeForm(_ table: ReportTable) -> FormScreen {
        let name = "haven-\(kind.rawValue)-\(context.today)"
        let form = Form(sections: [Form.Section(title: "Write the report", fields: [
            FormField("format", "Format", .choice([FormOption("csv", "CSV (spreadsheets)"), FormOption("text", "Text")])),
            FormField("path", "File", .text(maximumLength: 300), hint: "a new file", value: "~/\(name).csv"),
        ])])
        return FormScreen(title: "Write", heading: "Write \(kind.title.lowercased()) to a file (owner-only, never over a file)",
                          form: form) { form, now in
            var path = form.value("path").trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { return .problems([ValidationIssue(field: "path", message: "Name the file.")]) }
            let csv = form.value("format") == "csv"
            if !csv, path.hasSuffix(".csv") { path = String(path.dropLast(4)) + ".txt" }
            return .perform([.writeFile(path: path, contents: csv ? table.csv : table.text), .back])
        }.keepingNoDraft()
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        var x = area.x + 1
        for (index, each) in ReportKind.allCases.enumerated() {
            let label = "\(index + 1) \(each.rawValue.capitalized)"
            x += canvas.put(label, x: x, y: area.y, style: each == kind ? .selection : .normal) + 2
        }
        let all = lines
        guard !all.isEmpty else {
            canvas.put(" Reference data is not loaded, so there is no report.", x: area.x, y: area.y + 2, width: area.width, style: .muted)
            return
        }
        let body = Rect(x: area.x, y: area.y + 2, width: area.width, height: area.height - 2)
        let first = max(0, min(scroll, all.count - body.height))
        for (offset, line) in all.dropFirst(first).prefix(body.height).enumerated() {
            let shown = first + offset == 0 ? line : String(line.dropFirst(shift))
            canvas.put(" " + shown, x: body.x, y: body.y + offset, width: body.width, style: first + offset == 0 ? .heading : .normal)
        }
        if first + body.height < all.count {
            let more = "more below ↓"
            canvas.put(more, x: body.maxX - DisplayWidth.of(more) - 1, y: body.maxY - 1, style: .muted)
        }
    }
}
