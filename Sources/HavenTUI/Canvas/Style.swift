/// What a piece of text is, so the terminal can colour it; the attributes make it stand out
/// without colour too (NO_COLOR, vt100), so a selected row is visible on any terminal.
public enum StyleRole: Int, Hashable, Sendable, CaseIterable {
    case normal
    case title
    case keyName
    case selection
    case heading
    case warning
    case error
    case muted
}

public struct Style: Hashable, Sendable {
    public var role: StyleRole
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool
    public var dim: Bool

    public init(_ role: StyleRole = .normal, bold: Bool = false, reverse: Bool = false,
                underline: Bool = false, dim: Bool = false) {
        self.role = role
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
        self.dim = dim
    }

    public static let normal = Style()
    public static let title = Style(.title, bold: true, reverse: true)
    public static let keyName = Style(.keyName, bold: true, reverse: true)
    public static let selection = Style(.selection, reverse: true)
    public static let heading = Style(.heading, bold: true)
    public static let warning = Style(.warning, bold: true, reverse: true)
    public static let error = Style(.error, bold: true, reverse: true)
    public static let muted = Style(.muted, dim: true)
    /// A row past its target: bold, no colour. A coloured bar (or colour) on every late row
    /// costs its escape sequences on each page over the link; the row's `!` says why it is
    /// bold (docs/DECISIONS.md).
    public static let overdue = Style(bold: true)
    /// The filled part of a bar in a chart.
    public static let bar = Style(.heading)
}
