@testable import HavenTUI
import XCTest

final class DisplayWidthTests: XCTestCase {
    func testCyrillicIsOneColumnCJKTwoCombiningNone() {
        XCTAssertEqual(DisplayWidth.of("Жуков Артём"), 11)
        XCTAssertEqual(DisplayWidth.of("王小明"), 6)
        XCTAssertEqual(DisplayWidth.of("e\u{301}"), 1, "e + combining acute is one column")
        XCTAssertEqual(DisplayWidth.of("Арте\u{308}м"), 5, "Cyrillic with a combining diaeresis")
        XCTAssertEqual(DisplayWidth.of("🇺🇦"), 2)
        XCTAssertEqual(DisplayWidth.of("a\u{200B}b"), 2, "zero-width space takes no column")
        XCTAssertEqual(DisplayWidth.of("\t\u{1B}"), 0, "control characters are never drawn")
    }

    func testTruncationIsByWidthWithAnEllipsis() {
        XCTAssertEqual(DisplayWidth.truncate("Щербаков Владимир", to: 10), "Щербаков …")
        XCTAssertEqual(DisplayWidth.truncate("Щербаков", to: 8), "Щербаков")
        XCTAssertEqual(DisplayWidth.truncate("王小明王", to: 5), "王小…")
        XCTAssertEqual(DisplayWidth.truncate("abc", to: 0), "")
        XCTAssertEqual(DisplayWidth.fit("Юрий", to: 6), "Юрий  ")
    }
}

final class CanvasTests: XCTestCase {
    func testPutClipsAndMarksWideCharacters() {
        var canvas = Canvas(size: Size(width: 8, height: 2))
        XCTAssertEqual(canvas.put("Иванов Иван", x: 1, y: 0), 7)
        XCTAssertEqual(canvas.put("王小明", x: 0, y: 1, width: 5), 5)
        XCTAssertEqual(canvas.lines, [" Иванов…", "王小…"])
        XCTAssertTrue(canvas[1, 1].isContinuation)
        XCTAssertEqual(canvas[2, 1].character, "小")
    }

    func testAWideCharacterNeverHangsOffTheEdge() {
        var canvas = Canvas(size: Size(width: 3, height: 1))
        canvas.put("a王b", x: 0, y: 0)
        XCTAssertEqual(canvas.lines, ["a…"])
        canvas.put("ab王", x: 0, y: 0, width: 3)
        XCTAssertEqual(canvas.line(0), "ab…")
    }

    func testControlCharactersAreDropped() {
        var canvas = Canvas(size: Size(width: 10, height: 1))
        canvas.put("Юр\u{1B}[2Jий\n", x: 0, y: 0)
        XCTAssertEqual(canvas.line(0), "Юр[2Jий")
    }

    func testOutOfBoundsWritesAreIgnored() {
        var canvas = Canvas(size: Size(width: 2, height: 1))
        XCTAssertEqual(canvas.put("x", x: 5, y: 0), 0)
        XCTAssertEqual(canvas.put("x", x: 0, y: 3), 0)
        XCTAssertEqual(canvas.put("x", x: -1, y: 0), 0)
        XCTAssertEqual(canvas.lines, [""])
    }
}

final class TextFieldTests: XCTestCase {
    func type(_ text: String, into field: inout TextField) {
        for character in text { XCTAssertTrue(field.handle(.character(character))) }
    }

    func testEditingCyrillicByCharacter() {
        var field = TextField()
        type("Фёдр", into: &field)
        XCTAssertTrue(field.handle(.left))
        type("о", into: &field)
        XCTAssertEqual(field.text, "Фёдор")
        XCTAssertTrue(field.handle(.home))
        XCTAssertTrue(field.handle(.delete))
        XCTAssertEqual(field.text, "ёдор")
        XCTAssertTrue(field.handle(.end))
        XCTAssertTrue(field.handle(.backspace))
        XCTAssertEqual(field.text, "ёдо")
        XCTAssertTrue(field.handle(.control("u")))
        XCTAssertEqual(field.text, "")
        XCTAssertFalse(field.handle(.enter), "Enter is not an editing key")
        XCTAssertFalse(field.handle(.character("\u{1B}")))
    }

    func testTheCursorStaysVisibleInANarrowField() {
        var field = TextField()
        type("Александрович", into: &field)
        var canvas = Canvas(size: Size(width: 8, height: 1))
        field.render(into: &canvas, x: 0, y: 0, width: 6, focused: true)
        // ‹ says text is hidden before (a walk found a long reason scrolled out of sight unsaid).
        XCTAssertEqual(canvas.line(0), "‹ович")
        XCTAssertEqual(canvas.cursor?.x, 5)
        // At the start, › says it goes on; in the middle, both.
        XCTAssertTrue(field.handle(.home))
        canvas = Canvas(size: Size(width: 8, height: 1))
        field.render(into: &canvas, x: 0, y: 0, width: 6, focused: true)
        XCTAssertEqual(canvas.line(0), "Алекс›")
        XCTAssertEqual(canvas.cursor?.x, 0)
        for _ in 0..<7 { XCTAssertTrue(field.handle(.right)) }
        canvas = Canvas(size: Size(width: 8, height: 1))
        field.render(into: &canvas, x: 0, y: 0, width: 6, focused: true)
        XCTAssertEqual(canvas.line(0), "‹санд›")
        XCTAssertEqual(canvas.cursor?.x, 4, "on д, the cursor's own character, not under a mark")
        // Unfocused, the start and … as before.
        canvas = Canvas(size: Size(width: 8, height: 1))
        field.render(into: &canvas, x: 0, y: 0, width: 6, focused: false)
        XCTAssertEqual(canvas.line(0), "Алекс…")
    }

    func testLengthIsBounded() {
        var field = TextField(maximumLength: 3)
        type("Юрий", into: &field)
        XCTAssertEqual(field.text, "Юри")
    }

    func testWithoutUTF8EachCellIsOneASCIICharacterAndNamesStayLegible() {
        XCTAssertEqual(String("Жуков Артём Соловьёв".map(AsciiFallback.character)), "Zukov Artem Solov'ev")
        XCTAssertEqual(String("HV-000001 › 1-17 … █▒·".map(AsciiFallback.character)), "HV-000001 > 1-17 ~ #+.")
        XCTAssertEqual(AsciiFallback.character(for: "中"), "?")
    }
}

extension DisplayWidthTests {
    /// Wrapping keeps each line's width as words are added; the lines are those of measuring
    /// every candidate line again (the way it was written first, kept here as the reference),
    /// on random texts of Cyrillic, wide characters, runs of spaces and words longer than a line.
    func testWrappingMatchesMeasuringEachLineAgain() {
        func reference(_ text: String, to width: Int, indent: String) -> [String] {
            guard width > DisplayWidth.of(indent) + 1, DisplayWidth.of(text) > width else { return [text] }
            var lines: [String] = []
            var line = ""
            for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
                let candidate = line.isEmpty ? word : line + " " + word
                if DisplayWidth.of(candidate) <= width {
                    line = candidate
                    continue
                }
                if !line.isEmpty { lines.append(line) }
                var rest = indent + word
                while DisplayWidth.of(rest) > width {
                    let head = DisplayWidth.truncate(rest, to: width).dropLast()
                    lines.append(String(head))
                    rest = indent + rest.dropFirst(head.count)
                }
                line = rest
            }
            if !line.isEmpty { lines.append(line) }
            return lines
        }
        var generator = SystemRandomNumberGenerator()
        let pieces = ["Жуков", "Артём", "a", "слово", "東京", " ", "  ", "Щербаков-Владимирович-Длинная-Фамилия", "é", "—", "x"]
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...30, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
                .joined(separator: Bool.random(using: &generator) ? " " : "")
            let indent = ["", "  ", "    "].randomElement(using: &generator)!
            // Narrower, the reference never ends on a wide character (below).
            let width = Int.random(in: (indent.count + 3)...40, using: &generator)
            XCTAssertEqual(DisplayWidth.wrap(text, to: width, indent: indent), reference(text, to: width, indent: indent),
                           "\(text) at \(width) with \(indent.count) of indent")
        }
    }

    /// Where one column is left after the indent, a wide character is still taken (it looped).
    func testWrappingAWideCharacterIntoOneColumnEnds() {
        let lines = DisplayWidth.wrap("x 東京東京", to: 6, indent: "    ")
        XCTAssertEqual(lines.joined().replacingOccurrences(of: " ", with: ""), "x東京東京", "nothing lost")
        XCTAssertEqual(lines, ["x", "    東", "    京", "    東", "    京"])
    }
}
