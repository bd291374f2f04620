import Foundation

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

    /// A bar whose end is marked: `value` (and then `held`, as ▒) out of `maximum` in the
    /// first `width - 1` cells, spaces for the rest, and | where full is (the quota, the
    /// whole). So 6 of 6,000 reads as a sliver at the start of a long, empty track, and a
    /// full bar touches its mark. Spaces, not dots, for the empty track: a dot costs bytes in
    /// every cell of every redraw over the link.
    public static func markedBar(value: Int, held: Int = 0, maximum: Int, width: Int) -> String {
        guard width > 1 else { return width == 1 ? fullMark : "" }
        let track = width - 1
        var text = bar(value: value, maximum: maximum, width: track)
        let filled = text.reversed().drop { $0 == " " }.count
        if held > 0, maximum > 0, filled < track {
            // Held places in whole cells, at least one, never past the track.
            let through = Int((Double(min(value + held, maximum)) / Double(maximum) * Double(track)).rounded(.up))
            let cells = max(1, min(track - filled, through - filled))
            text = String(text.prefix(filled)) + String(repeating: "▒", count: cells) + String(repeating: " ", count: track - filled - cells)
        }
        return text + fullMark
    }

    /// The mark of full: ASCII, one byte where a box-drawing line costs three, on every row
    /// of every redraw (the Allocation screen's twenty bars went over the screen-switch budget
    /// with │).
    public static let fullMark = "|"

    /// `value` of `whole` as a percentage a reader can tell from zero: "0.1%", "45%", "100%".
    public static func percent(_ value: Int, of whole: Int) -> String {
        guard whole > 0 else { return "0%" }
        let exact = Double(value) / Double(whole) * 100
        if value > 0, exact < 1 { return exact < 0.1 ? "<0.1%" : String(format: "%.1f%%", exact) }
        return "\(Int(exact.rounded(.down)))%"
    }

    /// 6000 as "6,000": figures beside a bar, read at a glance.
    public static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (number < 0 ? "-" : "") + out
    }

    /// One row: the label, the bar, then the figures. `marksFull`: the maximum is a real
    /// whole (a quota, everyone counted), marked | at the bar's end; otherwise the bars of a
    /// chart are drawn to its largest value.
    public struct Row: Hashable, Sendable {
        public var label: String
        public var value: Int
        public var maximum: Int
        public var figures: String
        public var marksFull: Bool

        public init(label: String, value: Int, maximum: Int, figures: String, marksFull: Bool = false) {
            self.label = label
            self.value = value
            self.maximum = maximum
            self.figures = figures
            self.marksFull = marksFull
        }
    }

    /// Draws `row` on line `y`: label in `labelWidth`, figures at the right in `figuresWidth`,
    /// the bar between.
    public static func draw(_ row: Row, into canvas: inout Canvas, x: Int, y: Int, width: Int, labelWidth: Int, figuresWidth: Int) {
        let barWidth = max(1, width - labelWidth - figuresWidth - 4)
        canvas.put(" " + DisplayWidth.fit(row.label, to: labelWidth), x: x, y: y, width: width)
        let drawn = row.marksFull ? markedBar(value: row.value, maximum: row.maximum, width: barWidth)
            : bar(value: row.value, maximum: row.maximum, width: barWidth)
        canvas.put(drawn, x: x + labelWidth + 2, y: y, style: .bar)
        canvas.put(row.figures, x: x + labelWidth + 3 + barWidth, y: y, width: max(0, width - labelWidth - 3 - barWidth))
    }
}
