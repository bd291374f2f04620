/// One terminal cell: a grapheme and its style. The right half of a two-column character is a
/// continuation cell, so every row has exactly `width` cells.
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var style: Style
    public var isContinuation: Bool

    public init(character: Character = " ", style: Style = .normal, isContinuation: Bool = false) {
        self.character = character
        self.style = style
        self.isContinuation = isContinuation
    }
}

/// An in-memory screen of cells. Screens draw into it; the terminal copies it out; tests read
/// its lines with no terminal at all.
public struct Canvas: Sendable {
    public let size: Size
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should show (a text field being edited), or nil to hide it.
    public var cursor: (x: Int, y: Int)?

    public init(size: Size) {
        self.size = size
        cells = Array(repeating: Cell(), count: size.width * size.height)
    }

    public var bounds: Rect { Rect(size: size) }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * size.width + x]
    }

    /// Writes `text` at (x, y), clipped to `width` columns (to the canvas edge when nil) and
    /// ending with `…` when clipped. Control characters are dropped. Returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, width: Int? = nil, style: Style = .normal) -> Int {
        guard y >= 0, y < size.height, x >= 0, x < size.width else { return 0 }
        let limit = min(width ?? (size.width - x), size.width - x)
        guard limit > 0 else { return 0 }
        let fitted = DisplayWidth.truncate(text.filter { !DisplayWidth.isControl($0) }, to: limit)
        var column = x
        for character in fitted {
            let w = DisplayWidth.of(character)
            if w == 0 { continue }
            if column + w > x + limit { break }
            let index = y * size.width + column
            cells[index] = Cell(character: character, style: style)
            if w == 2 { cells[index + 1] = Cell(character: " ", style: style, isContinuation: true) }
            column += w
        }
        return column - x
    }

    /// A row of a list: `text` in `style`, and on the selected row a `>` in the first column
    /// (when the row leaves it blank) and the first word, the case number or the name the row
    /// is about, in the selection style; or, given `keyWidth`, that many columns after the
    /// marker (a title of several words). Not a bar across the row: moving the selection then
    /// rewrites a dozen cells over the link, not two whole rows (docs/DECISIONS.md).
    @discardableResult
    public mutating func putListRow(_ text: String, x: Int, y: Int, width: Int, style: Style, selected: Bool,
                                    keyWidth: Int? = nil) -> Int {
        let used = put(text, x: x, y: y, width: width, style: style)
        guard selected, y >= 0, y < size.height, x >= 0, x < size.width else { return used }
        let end = min(size.width, x + max(1, width))
        let row = y * size.width
        var column = x
        if cells[row + column].character == " " {
            cells[row + column] = Cell(character: ">", style: .selection)
            column += 1
        }
        if let keyWidth {
            for cell in column..<min(end, column + keyWidth) { cells[row + cell].style = .selection }
            return used
        }
        while column < end, cells[row + column].character == " ", !cells[row + column].isContinuation { column += 1 }
        while column < end, cells[row + column].character != " " || cells[row + column].isContinuation {
            cells[row + column].style = .selection
            column += 1
        }
        return used
    }

    /// Paints every cell of `rect` with spaces in `style`.
    public mutating func fill(_ rect: Rect, style: Style) {
        for row in max(0, rect.y)..<min(size.height, rect.maxY) {
            for column in max(0, rect.x)..<min(size.width, rect.maxX) {
                cells[row * size.width + column] = Cell(style: style)
            }
        }
    }

    /// Row `y` as text, continuation cells left out, trailing spaces removed.
    public func line(_ y: Int) -> String {
        var text = ""
        for x in 0..<size.width {
            let cell = self[x, y]
            if !cell.isContinuation { text.append(cell.character) }
        }
        while text.last == " " { text.removeLast() }
        return text
    }

    /// Every row as text (see `line(_:)`); what screen tests compare.
    public var lines: [String] { (0..<size.height).map(line) }

    /// The style of each cell of row `y`, for tests of highlighting.
    public func styles(inRow y: Int) -> [Style] { (0..<size.width).map { self[$0, y].style } }
}
