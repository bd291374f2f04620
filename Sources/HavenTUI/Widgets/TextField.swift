/// A one-line text field: typing, Backspace, Delete, Left/Right, Home/End, Ctrl-U to clear.
/// Works in grapheme clusters and display columns, so Cyrillic and combining marks edit as
/// a person expects; long text scrolls to keep the cursor in view.
public struct TextField: Hashable, Sendable {
    public private(set) var text: String
    /// The cursor, as a count of characters from the start.
    public private(set) var cursor: Int
    public let maximumLength: Int
    /// The last character typed did not fit: the field holds `maximumLength` already (a walk's
    /// last letters went unsaid, and the case was saved cut short).
    public private(set) var refusedForLength = false

    public init(text: String = "", maximumLength: Int = 200) {
        self.text = text
        self.cursor = text.count
        self.maximumLength = maximumLength
    }

    /// What an editing key does.
    public enum Edit: Sendable { case deleteBack, deleteForward, left, right, start, end, clear }

    /// The editing keys, as data: `handle` looks keys up here and the help of every screen
    /// with a text field lists them, so the two cannot disagree.
    public static let keys = KeyTable<Edit>([
        KeyBinding([.left], .left, help: "Move the cursor left"),
        KeyBinding([.right], .right, help: "Move the cursor right"),
        KeyBinding([.home, .control("a")], .start, help: "Go to the start of the text"),
        KeyBinding([.end, .control("e")], .end, help: "Go to the end of the text"),
        KeyBinding([.backspace], .deleteBack, help: "Delete the character before the cursor"),
        KeyBinding([.delete], .deleteForward, help: "Delete the character under the cursor"),
        KeyBinding([.control("u")], .clear, help: "Clear the field"),
    ])

    /// What the last key came to for the person: "Reason is full (500 characters): …" when
    /// it was a character the full field did not take, else nothing said.
    public func said(as name: String) -> [Command] {
        refusedForLength ? [.status("\(name) is full (\(maximumLength) characters): nothing more is taken.", .warning)] : []
    }

    /// Applies an editing key; returns false for keys a text field does not take.
    public mutating func handle(_ key: Key) -> Bool {
        var characters = Array(text)
        refusedForLength = false
        if case let .character(character) = key, !DisplayWidth.isControl(character) {
            // Taken, so it goes nowhere else (a q is not a quit), but said by the form.
            guard characters.count < maximumLength else { refusedForLength = true; return true }
            characters.insert(character, at: cursor)
            cursor += 1
            text = String(characters)
            return true
        }
        guard let edit = Self.keys.action(for: key) else { return false }
        switch edit {
        case .deleteBack:
            guard cursor > 0 else { return true }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .deleteForward:
            guard cursor < characters.count else { return true }
            characters.remove(at: cursor)
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(characters.count, cursor + 1)
        case .start: cursor = 0
        case .end: cursor = characters.count
        case .clear:
            characters.removeAll()
            cursor = 0
        }
        text = String(characters)
        return true
    }

    /// Draws the field in `width` columns at (x, y) and, when focused, puts the cursor there;
    /// `selected`: drawn as a selection (typing will replace it).
    public func render(into canvas: inout Canvas, x: Int, y: Int, width: Int, focused: Bool, selected: Bool = false) {
        guard width > 0 else { return }
        let characters = Array(text)
        // Focused, scroll so the cursor stays visible, with ‹ where text is hidden before it
        // and › where it goes on after (a walk found a long reason scrolled out of sight
        // unsaid); otherwise show the start of the value, with … where it goes on (F3 shows
        // it whole). Walk back from the cursor (a long note or reason costs a pass or two per
        // key, not one per character of it).
        func start(within room: Int) -> Int {
            var used = 0
            var start = cursor
            while start > 0, used + DisplayWidth.of(characters[start - 1]) <= room {
                used += DisplayWidth.of(characters[start - 1])
                start -= 1
            }
            return start
        }
        var first = 0
        if focused, width >= 4 {
            // One column for the cursor, and one for › when text follows it.
            let room = width - 1 - (cursor < characters.count ? 1 : 0)
            first = start(within: room)
            if first > 0 { first = start(within: room - 1) }
        } else if focused {
            first = start(within: width - 1)
        }
        let hiddenBefore = focused && first > 0 && width >= 4
        let style = selected ? Style.selection : Style(.normal, underline: true)
        canvas.fill(Rect(x: x, y: y, width: width, height: 1), style: style)
        var column = x
        if hiddenBefore { column += canvas.put("‹", x: x, y: y, width: 1, style: Style(.muted, underline: !selected)) }
        // What follows fits whole, or is cut with a mark in the last column.
        let rest = characters[first...]
        let fits = rest.reduce(0) { $0 + DisplayWidth.of($1) } <= x + width - column
        let end = x + width - (fits ? 0 : 1)
        for character in rest {
            let w = DisplayWidth.of(character)
            if column + w > end { break }
            column += canvas.put(String(character), x: column, y: y, width: w, style: style)
        }
        if !fits { canvas.put(focused && width >= 4 ? "›" : "…", x: x + width - 1, y: y, width: 1, style: style) }
        if focused {
            canvas.cursor = (x + (hiddenBefore ? 1 : 0) + characters[first..<cursor].reduce(0) { $0 + DisplayWidth.of($1) }, y)
        }
    }
}
