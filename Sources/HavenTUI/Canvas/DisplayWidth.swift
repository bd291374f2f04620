/// How many terminal columns text takes: Cyrillic and Latin one, CJK and emoji two,
/// combining marks and zero-width joiners none. Screens lay out by this, never by count.
public enum DisplayWidth {
    /// C0 and C1 control characters (tab, escape, ...): never drawn.
    public static func isControl(_ character: Character) -> Bool {
        guard let first = character.unicodeScalars.first else { return true }
        return first.value < 0x20 || (0x7F..<0xA0).contains(first.value)
    }

    /// Columns taken by one grapheme cluster: the width of its base scalar.
    public static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first, !isControl(character) else { return 0 }
        if character.unicodeScalars.count > 1, character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) {
            return 2 // emoji presentation selector
        }
        return of(scalar: first)
    }

    public static func of(scalar: Unicode.Scalar) -> Int {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if scalar.properties.isEmojiPresentation { return 2 }
        return isWide(scalar.value) ? 2 : 1
    }

    /// East Asian Wide and Fullwidth ranges (Unicode 15), the ones that matter in names.
    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    public static func of(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// The text cut to at most `width` columns; when cut, it ends with `…`.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(text) <= width { return text }
        var result = ""
        var used = 0
        for character in text {
            let w = of(character)
            if used + w > width - 1 { break }
            result.append(character)
            used += w
        }
        return result + "…"
    }

    /// The text truncated or padded with spaces to exactly `width` columns.
    public static func fit(_ text: String, to width: Int) -> String {
        let cut = truncate(text, to: width)
        return cut + String(repeating: " ", count: max(0, width - of(cut)))
    }

    /// The text broken into lines of at most `width` columns, at spaces where it can be (a word
    /// longer than a line is cut); later lines start with `indent`.
    public static func wrap(_ text: String, to width: Int, indent: String = "") -> [String] {
        let indentWidth = of(indent)
        guard width > indentWidth + 1, of(text) > width else { return [text] }
        var lines: [String] = []
        var line = ""
        // The line's width, kept as words are added: measuring the line again for each word
        // made a long reason cost a pass per word at every key (issue 22's keystroke path).
        var lineWidth = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let wordWidth = of(word)
            let candidateWidth = line.isEmpty ? wordWidth : lineWidth + 1 + wordWidth
            if candidateWidth <= width {
                if !line.isEmpty { line.append(" ") }
                line.append(contentsOf: word)
                lineWidth = candidateWidth
                continue
            }
            if !line.isEmpty { lines.append(line) }
            var rest = indent + word
            var restWidth = indentWidth + wordWidth
            while restWidth > width {
                var head = truncate(rest, to: width).dropLast()
                // A wide character right after the indent at the narrowest width: it fits the
                // line, but not beside the … the cut keeps room for, so nothing was taken and
                // it looped. One character is taken at least.
                if head.count <= indent.count { head = rest.prefix(indent.count + 1) }
                lines.append(String(head))
                rest = indent + rest.dropFirst(head.count)
                restWidth = of(rest)
            }
            line = rest
            lineWidth = restWidth
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

/// Names as lists show them where columns are narrow.
enum PersonNameDisplay {
    /// "Богданов Иван Павлович" → "Богданов И.П."; "Bogdanov Ivan" → "Bogdanov I."; one word
    /// stays as it is. Names are written surname first throughout Haven.
    /// The whole name when it fits `width` columns, else surname and initials.
    static func fitting(_ name: String, in width: Int) -> String {
        DisplayWidth.of(name) <= width ? name : surnameAndInitials(name)
    }

    static func surnameAndInitials(_ name: String) -> String {
        let words = name.split(separator: " ", omittingEmptySubsequences: true)
        guard let surname = words.first, words.count > 1 else { return name }
        return String(surname) + " " + words.dropFirst().compactMap { $0.first.map { "\($0)." } }.joined()
    }
}
