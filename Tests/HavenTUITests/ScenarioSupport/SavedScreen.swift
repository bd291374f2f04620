@testable import HavenTUI

/// A canvas written as text a person can read and a diff can show: a header (size and cursor),
/// the legend of style letters, the rows of text, then for each row a parallel row of style
/// letters, one a cell (ratatui's buffer assertions, with the styles). Trailing spaces of a text
/// row and trailing `.` (plain cells) of a style row are left out, so a plain row's styles are
/// an empty line.
///
///     Haven screen 80x24, cursor at column 26 row 4 (from 0)
///     styles: . normal  T title  K key name  S selection  ...
///     -------------------------------------------------------------------------------- text
///      Haven · Home › Intake                                      anna.k · 2026-11-24
///     ...
///     -------------------------------------------------------------------------------- styles
///     TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT
///     ...
///
/// A wide character's right half is a continuation cell: it has a style letter but no text, so
/// from that character on the two rows stand one column apart.
struct SavedScreen: Equatable {
    var header: String
    var legend: String
    var text: [String]
    var styles: [String]

    /// The letters of the styles screens use. A style not listed here gets a digit, named in
    /// the legend of the screens that show it, so a new style never makes a screen unwritable.
    static let letters: [(Style, Character, String)] = [
        (.normal, ".", "normal"), (.title, "T", "title"), (.keyName, "K", "key name"), (.selection, "S", "selection"),
        (.heading, "H", "heading"), (.warning, "W", "warning"), (.error, "E", "error"), (.muted, "m", "muted"),
        (.overdue, "O", "overdue"), (.bar, "b", "bar"),
    ]

    init(header: String, legend: String, text: [String], styles: [String]) {
        self.header = header
        self.legend = legend
        self.text = text
        self.styles = styles
    }

    init(_ canvas: Canvas) {
        let size = canvas.size
        header = "Haven screen \(size.width)x\(size.height), " + (canvas.cursor.map { "cursor at column \($0.x) row \($0.y) (from 0)" } ?? "cursor hidden")
        var named: [Style: Character] = [:]
        for (style, letter, _) in Self.letters { named[style] = letter }
        // Styles with no letter, in a fixed order, numbered 1...9 then a...z (past the named).
        let others = Set(canvas.cells.map(\.style)).filter { named[$0] == nil }.sorted { Self.describe($0) < Self.describe($1) }
        let spare = Array("123456789abcdefghijklnopqrstuvwxyz")
        var extra: [String] = []
        for (index, style) in others.enumerated() {
            let letter = index < spare.count ? spare[index] : "?"
            named[style] = letter
            extra.append("\(letter) \(Self.describe(style))")
        }
        legend = "styles: " + (Self.letters.map { "\($0.1) \($0.2)" } + extra).joined(separator: "  ")
        text = canvas.lines
        styles = (0..<size.height).map { y in
            var row = String((0..<size.width).map { named[canvas[$0, y].style] ?? "?" })
            while row.last == "." { row.removeLast() }
            return row
        }
    }

    static func describe(_ style: Style) -> String {
        var words = ["\(style.role)"]
        if style.bold { words.append("bold") }
        if style.reverse { words.append("reverse") }
        if style.underline { words.append("underline") }
        if style.dim { words.append("dim") }
        return words.joined(separator: "+")
    }

    /// The width the separators are drawn to: the screen's, read back from the header.
    private var width: Int {
        let size = header.dropFirst("Haven screen ".count).prefix { $0 != "," }
        return Int(size.prefix { $0 != "x" }) ?? 80
    }

    var fileText: String {
        let rule = String(repeating: "-", count: width)
        return ([header, legend, rule + " text"] + text + [rule + " styles"] + styles).joined(separator: "\n") + "\n"
    }

    /// Reads a saved screen back; nil when the file is not in this format (edited by hand, cut short).
    init?(fileText: String) {
        var lines = fileText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard lines.count >= 4,
              let textRule = lines.firstIndex(where: { $0.hasSuffix("- text") && $0.hasPrefix("-") }),
              let styleRule = lines.firstIndex(where: { $0.hasSuffix("- styles") && $0.hasPrefix("-") }),
              textRule == 2, styleRule > textRule else { return nil }
        header = lines[0]
        legend = lines[1]
        text = Array(lines[(textRule + 1)..<styleRule])
        styles = Array(lines[(styleRule + 1)...])
        guard text.count == styles.count else { return nil }
    }

    /// What differs, one row at a time, saved above actual, with a caret under the first column
    /// that differs: what a failed screen test prints.
    func differences(from actual: SavedScreen) -> String {
        var report: [String] = []
        func compare(_ what: String, _ saved: String, _ now: String) {
            guard saved != now else { return }
            let label = what.padding(toLength: 15, withPad: " ", startingAt: 0)
            report.append("\(label) saved |\(saved)|")
            report.append("\(String(repeating: " ", count: 15)) now   |\(now)|")
            let column = zip(saved, now).prefix { $0 == $1 }.count
            report.append(String(repeating: " ", count: 15 + 8 + column) + "^ column \(column)")
        }
        compare("header", header, actual.header)
        compare("legend", legend, actual.legend)
        for row in 0..<max(text.count, actual.text.count) {
            let savedText = row < text.count ? text[row] : "(no row)", nowText = row < actual.text.count ? actual.text[row] : "(no row)"
            let savedStyles = row < styles.count ? styles[row] : "(no row)"
            let nowStyles = row < actual.styles.count ? actual.styles[row] : "(no row)"
            compare("row \(row) text", savedText, nowText)
            // Styles alone differ: the row's text above them says what they colour.
            if savedText == nowText && savedStyles != nowStyles {
                report.append("row \(row) text".padding(toLength: 15, withPad: " ", startingAt: 0) + " both  |\(nowText)|")
            }
            compare("row \(row) styles", savedStyles, nowStyles)
        }
        return report.joined(separator: "\n")
    }
}
