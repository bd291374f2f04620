/// A key the user pressed, independent of the terminal that reported it.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case character(Character)
    /// Ctrl with a letter: `.control("s")` is Ctrl-S.
    case control(Character)
    case up, down, left, right
    case home, end, pageUp, pageDown
    case enter, escape, tab, backTab, backspace, delete, insert
    case function(Int)

    /// The name shown in help and the key bar: "?", "Enter", "F1", "Ctrl-S".
    public var description: String {
        switch self {
        case let .character(c): c == " " ? "Space" : String(c)
        case let .control(c): "Ctrl-\(c.uppercased())"
        case .up: "Up"
        case .down: "Down"
        case .left: "Left"
        case .right: "Right"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .backspace: "Backspace"
        case .delete: "Del"
        case .insert: "Ins"
        case let .function(n): "F\(n)"
        }
    }

    /// A printable character typed as text (what a text field would take), if this is one.
    public var typedCharacter: Character? {
        if case let .character(c) = self, !DisplayWidth.isControl(c) { return c }
        return nil
    }
}
