/// Horizontal bars drawn with block characters, an eighth of a cell at a time, so a chart
/// of twenty countries fits in a terminal and reads without colour.
public enum BarChart {
    static let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// A bar `width` cells wide at full scale for `value` out of `maximum`, padded with spaces
    /// to `width`. Any value above zero shows at least an eighth, so it is never lost.
    public static func bar(value: Int, maximum: Int, width: Int) -> String {
        guard width > 0 else { return "" }
        guard maximum > 0, value > 0 else { return String(repeating: " ", count: width) }
        let eighths = max(1, min(width * 8, Int((Double(min(value, maximum)) / Double(maximum) * Double(width * 8)).rounded())))
        var text = String(repeating: "█", count: eighths / 8)
        if eighths % 8 > 0 { text.append(partials[eighths % 8 - 1]) }
        return text + String(repeating: " ", count: width - text.count)
    }

    /// One row: the label, the bar, then the figures.
    public struct Row: Hashable, Sendable {
        public var label: String
        public var value: Int
        public var maximum: Int
        public var figures: String

        public init(label: String, value: Int, maximum: Int, figures: String) {
            self.label = label
            self.value = value
            self.maximum = maximum
            self.figures = figures
        }
    }

    /// Draws `row` on line `y`: label in `labelWidth`, figures at the right in `figuresWidth`,
    /// the bar between.
    public static func draw(_ row: Row, into canvas: inout Canvas, x: Int, y: Int, width: Int, labelWidth: Int, figuresWidth: Int) {
        let barWidth = max(1, width - labelWidth - figuresWidth - 4)
        canvas.put(" " + DisplayWidth.fit(row.label, to: labelWidth), x: x, y: y, width: width)
        canvas.put(bar(value: row.value, maximum: row.maximum, width: barWidth), x: x + labelWidth + 2, y: y, style: .bar)
        canvas.put(row.figures, x: x + labelWidth + 3 + barWidth, y: y, width: max(0, width - labelWidth - 3 - barWidth))
    }
}
