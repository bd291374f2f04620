import HavenCore
/// Any text read whole: wrapped to the screen's width, scrolled with the usual keys. Lists and
/// forms open it for a line or a value they had to cut (a reason, a note, a story).
public struct TextViewScreen: Screen {
    public typealias Action = HelpScreen.Action

    public let title: String
    public let heading: String
    /// Paragraphs; each wraps on its own.
    public let paragraphs: [String]
    public private(set) var scroll = 0
    var area = Rect(x: 0, y: 1, width: 80, height: 21)

    public init(title: String, heading: String, text: String) {
        self.title = title
        self.heading = heading
        paragraphs = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    public var minimumSize: Size { Size(width: 30, height: 8) }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.down, .character("j")], .scrollDown, label: "Scroll", help: "Scroll down one line"),
            KeyBinding([.up, .character("k")], .scrollUp, help: "Scroll up one line"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, help: "Scroll down one page"),
            KeyBinding([.pageUp, .character("b")], .pageUp, help: "Scroll up one page"),
            KeyBinding([.home, .character("g")], .top, help: "Go to the top"),
            KeyBinding([.end, .character("G")], .bottom, help: "Go to the bottom"),
        ])
    }

    /// The text as it is drawn at `width` columns.
    public func lines(width: Int) -> [String] {
        paragraphs.flatMap { $0.isEmpty ? [""] : DisplayWidth.wrap($0, to: max(10, width)) }
    }

    public mutating func prepare(for area: Rect, now: Timestamp) { self.area = area }

    func bodyHeight(_ area: Rect) -> Int { max(1, area.height - 2) }

    public mutating func handle(_ action: Action) -> [Command] {
        let page = max(1, bodyHeight(area) - 1)
        let last = max(0, lines(width: area.width - 2).count - bodyHeight(area))
        scroll = HelpScreen.scrolled(scroll, by: action, page: page, last: last)
        return []
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        canvas.put(" " + heading, x: area.x, y: area.y, width: area.width, style: .heading)
        let all = lines(width: area.width - 2)
        let height = bodyHeight(area)
        let first = min(scroll, max(0, all.count - height))
        for (row, line) in all.dropFirst(first).prefix(height).enumerated() {
            canvas.put(" " + line, x: area.x, y: area.y + 2 + row, width: area.width)
        }
        let position = all.count > height ? "lines \(first + 1)-\(min(all.count, first + height)) of \(all.count)" : ""
        if first + height < all.count {
            let more = "more below ↓ · " + position
            canvas.put(more, x: area.maxX - DisplayWidth.of(more) - 1, y: area.y + 1, style: .muted)
        } else if !position.isEmpty {
            canvas.put(position, x: area.maxX - DisplayWidth.of(position) - 1, y: area.y + 1, style: .muted)
        }
    }
}
