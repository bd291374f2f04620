import HavenCore
/// The keys of the screen below and the keys that work everywhere, generated from their key
/// tables. Scrolls when it does not fit.
public struct HelpScreen: Screen {
    public enum Action: Sendable { case scrollUp, scrollDown, pageUp, pageDown, top, bottom }

    public let sections: [HelpSection]
    public private(set) var scroll = 0
    /// The body area at the last key; scrolling stops at the last page.
    var area = Rect(x: 0, y: 0, width: 80, height: 21)

    public init(sections: [HelpSection]) {
        self.sections = sections
    }

    public var title: String { "Help" }
    public var minimumSize: Size { Size(width: 40, height: 10) }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.down, .character("j")], .scrollDown, label: "Scroll", help: "Scroll down one line"),
            KeyBinding([.up, .character("k")], .scrollUp, help: "Scroll up one line"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, help: "Scroll down one page"),
            KeyBinding([.pageUp], .pageUp, help: "Scroll up one page"),
            KeyBinding([.home, .character("g")], .top, help: "Go to the top"),
            KeyBinding([.end, .character("G")], .bottom, help: "Go to the bottom"),
        ])
    }

    /// The help text as lines: a heading per section, then "keys  text" rows, the text
    /// wrapped under itself so nothing is cut at 80 columns (or 40).
    public func lines(width: Int) -> [(text: String, isHeading: Bool)] {
        let keyColumn = min(22, max(10, width / 3))
        let textWidth = max(10, width - keyColumn - 4)
        var lines: [(String, Bool)] = []
        for section in sections {
            if !lines.isEmpty { lines.append(("", false)) }
            lines.append((section.title, true))
            for entry in section.entries {
                for (index, part) in DisplayWidth.wrap(entry.text, to: textWidth).enumerated() {
                    let keys = index == 0 ? DisplayWidth.fit(entry.keys, to: keyColumn) : String(repeating: " ", count: keyColumn)
                    lines.append(("  " + keys + "  " + part, false))
                }
            }
        }
        return lines
    }

    public mutating func prepare(for area: Rect, now: Timestamp) { self.area = area }

    public mutating func handle(_ action: Action) -> [Command] {
        let page = max(1, area.height - 2)
        let last = max(0, lines(width: area.width - 2).count - visibleRows(in: area))
        scroll = Self.scrolled(scroll, by: action, page: page, last: last)
        return []
    }

    /// Where a scrolling text view's first line goes after `action`: one line, one page, the
    /// top or the bottom, never past either end. Help and the whole-text view share it.
    static func scrolled(_ scroll: Int, by action: Action, page: Int, last: Int) -> Int {
        let moved = switch action {
        case .scrollDown: scroll + 1
        case .scrollUp: scroll - 1
        case .pageDown: scroll + page
        case .pageUp: scroll - page
        case .top: 0
        case .bottom: last
        }
        return min(max(0, moved), last)
    }

    /// Rows of help shown: all of the area, less one for "more ↓" when it overflows.
    func visibleRows(in area: Rect) -> Int {
        let count = lines(width: area.width - 2).count
        return count > area.height ? max(1, area.height - 1) : area.height
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let all = lines(width: area.width - 2)
        let visible = visibleRows(in: area)
        let first = min(scroll, max(0, all.count - visible))
        for (row, line) in all.dropFirst(first).prefix(visible).enumerated() {
            canvas.put(" " + line.text, x: area.x, y: area.y + row, width: area.width,
                       style: line.isHeading ? .heading : .normal)
        }
        if first + visible < all.count {
            let more = "more below ↓"
            canvas.put(more, x: area.maxX - DisplayWidth.of(more) - 1, y: area.maxY - 1, style: .muted)
        }
    }
}
