/// A one-line text field: typing, Backspace, Delete, Left/Right, Home/End, Ctrl-U to clear.
/// Works in grapheme clusters and display columns, so Cyrillic and combining marks edit as
/// a person expects; long text scrolls to keep the cursor in view.
public struct TextField: Hashable, Sendable {
    public private(set) var text: String
    /// The cursor, as a count of characters from the start.
    public private(set) var cursor: Int
    public let maximumLength: Int

    public init(text: String = "", maximumLength: Int = 200) {
        self.text = text
        self.cursor = text.count
        self.maximumLength = maximumLength
    }

    /// Applies an editing key; returns false for keys a text field does not take.
    public mutating func handle(_ key: Key) -> Bool {
        var characters = Array(text)
        switch key {
        case let .character(character) where !DisplayWidth.isControl(character):
            guard characters.count < maximumLength else { return true }
            characters.insert(character, at: cursor)
            cursor += 1
        case .backspace:
            guard cursor > 0 else { return true }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .delete:
            guard cursor < characters.count else { return true }
            characters.remove(at: cursor)
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(characters.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = characters.count
        case .control("u"):
            characters.removeAll()
            cursor = 0
        default:
            return false
        }
        text = String(characters)
        return true
    }

    /// Draws the field in `width` columns at (x, y) and, when focused, puts the cursor there.
    public func render(into canvas: inout Canvas, x: Int, y: Int, width: Int, focused: Bool) {
        guard width > 0 else { return }
        let characters = Array(text)
        // Focused, scroll so the cursor stays visible; otherwise show the start of the value,
        // with … where it goes on (F3 shows it whole).
        var start = 0
        while focused, DisplayWidth.of(String(characters[start..<cursor])) > width - 1 { start += 1 }
        let overflows = !focused && DisplayWidth.of(text) > width
        let style = Style(.normal, underline: true)
        canvas.fill(Rect(x: x, y: y, width: width, height: 1), style: style)
        var column = x
        for character in characters[start...] {
            let w = DisplayWidth.of(character)
            if column + w > x + width - (overflows ? 1 : 0) { break }
            column += canvas.put(String(character), x: column, y: y, width: w, style: style)
        }
        if overflows { canvas.put("…", x: x + width - 1, y: y, width: 1, style: style) }
        if focused {
            canvas.cursor = (x + DisplayWidth.of(String(characters[start..<cursor])), y)
        }
    }
}
