import HavenCore
/// The keys of the screen below and the keys that work everywhere, generated from their key
/// tables. Scrolls when it does not fit; `/` finds: each letter typed narrows it to the keys
/// named so (`n`, `Ctrl-S`) or whose words contain every word typed (`note save`).
public struct HelpScreen: Screen {
    public enum Action: Sendable { case scrollUp, scrollDown, pageUp, pageDown, top, bottom, find, endFind, clearFind }

    public let allSections: [HelpSection]
    public private(set) var scroll = 0
    /// What is typed after `/`; nil when not finding.
    public private(set) var query: TextField?
    /// The letters have the keyboard (after `/`, until Enter or Esc).
    public private(set) var typing = false
    /// The body area at the last key; scrolling stops at the last page.
    var area = Rect(x: 0, y: 0, width: 80, height: 21)

    public init(sections: [HelpSection]) {
        allSections = sections
    }

    /// The sections with only the entries the query finds (all of them with no query).
    public var sections: [HelpSection] {
        guard let text = query?.text, !text.isEmpty else { return allSections }
        return allSections.map { HelpSection(title: $0.title, entries: $0.entries.filter { Self.entry($0, matches: text) }) }
            .filter { !$0.entries.isEmpty }
    }

    /// An entry is found by one of its keys named exactly (a single character as typed, a
    /// longer name in any case: `n`, `ctrl-s`, `F2`), or by every word typed appearing in its
    /// keys or its text.
    static func entry(_ entry: HelpEntry, matches query: String) -> Bool {
        let wanted = query.trimmingCharacters(in: .whitespaces)
        guard !wanted.isEmpty else { return true }
        let keys = entry.keys.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if keys.contains(where: { wanted.count == 1 ? $0 == wanted : $0.lowercased() == wanted.lowercased() }) { return true }
        guard wanted.count > 1 else { return false }
        let haystack = (entry.keys + " " + entry.text).lowercased()
        return wanted.lowercased().split(separator: " ").allSatisfy { haystack.contains($0) }
    }

    public var capturesText: Bool { typing }

    public var title: String { "Help" }
    public var minimumSize: Size { Size(width: 40, height: 10) }

    public var keyTable: KeyTable<Action> {
        if typing {
            return KeyTable([
                KeyBinding([.enter, .down], .endFind, label: "Keep", help: "Keep what is found and scroll it"),
                KeyBinding([.escape], .clearFind, label: "All keys", help: "Stop finding: every key again"),
            ])
        }
        return KeyTable([
            KeyBinding([.character("/")], .find, label: "Find", help: "Find a key by its name or by words (typed letters narrow the list)"),
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
        switch action {
        case .find:
            typing = true
            if query == nil { query = TextField(maximumLength: 40) }
            scroll = 0
            return []
        case .endFind:
            typing = false
            return []
        case .clearFind:
            typing = false
            query = nil
            scroll = 0
            return []
        default: break
        }
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
        case .find, .endFind, .clearFind: scroll
        }
        return min(max(0, moved), last)
    }

    /// Typed letters narrow what is found, from the top.
    public mutating func handleUnboundKey(_ key: Key) -> [Command]? {
        guard typing, var field = query else { return nil }
        guard field.handle(key) else { return key.typedCharacter != nil ? [] : nil }
        query = field
        scroll = 0
        return []
    }

    /// Rows of help shown: all of the area, less one for "more ↓" when it overflows.
    func visibleRows(in area: Rect) -> Int {
        let count = lines(width: area.width - 2).count
        return count > area.height ? max(1, area.height - 1) : area.height
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        var area = area
        if let query {
            let found = sections.reduce(0) { $0 + $1.entries.count }
            let text = query.text.isEmpty ? "type a key (n, Ctrl-S) or words" : found == 0 ? "nothing found: Esc shows every key"
                : "\(found) key\(found == 1 ? "" : "s") found"
            canvas.put(" Find: ", x: area.x, y: area.y, width: area.width, style: .heading)
            query.render(into: &canvas, x: area.x + 7, y: area.y, width: max(1, min(30, area.width - 8)), focused: typing)
            canvas.put(" " + text, x: area.x + 7 + min(30, max(1, area.width - 8)), y: area.y,
                       width: max(0, area.width - 8 - min(30, max(1, area.width - 8))), style: .muted)
            area = Rect(x: area.x, y: area.y + 2, width: area.width, height: max(1, area.height - 2))
        }
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
