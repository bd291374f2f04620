import HavenCore

/// A form: fields under section headings, the focused field, the messages validation gave
/// for each field, and whether anything has been typed since it was opened or saved.
public struct Form: Sendable {
    public struct Section: Sendable {
        public let title: String
        public var fields: [FormField]
        /// Lines to read under the title, wrapped to the width (what the form answers: a
        /// proposal's reasons), never cut as a title is.
        public var text: [String] = []
    }

    public var sections: [Section]
    public private(set) var focus = 0 {
        didSet { if focus != oldValue { reached = true } }
    }
    /// No key has been given to the focused field since it was reached: typing replaces a
    /// number field's value (`FormField.isNumber`), which is drawn selected meanwhile.
    public private(set) var reached = true
    /// When the last key was given to a field (`handle(_:at:)`).
    var typedAt: Timestamp?
    /// Seconds of pause after which letters on a choice start a new prefix (the clock counts
    /// whole seconds, so the pause taken is between one and two seconds or more).
    static let typeAheadPause: Int64 = 2
    /// Validation messages by field id, shown beside the fields.
    public var messages: [String: [String]] = [:]
    public private(set) var isDirty = false

    public init(sections: [Section]) {
        self.sections = sections
    }

    /// Every field, in order, with its section and index.
    var positions: [(section: Int, field: Int)] {
        sections.indices.flatMap { s in sections[s].fields.indices.map { (s, $0) } }
    }

    public var fieldCount: Int { positions.count }

    public var focusedField: FormField {
        let position = positions[focus]
        return sections[position.section].fields[position.field]
    }

    public subscript(id: String) -> FormField? {
        get {
            for section in sections { if let field = section.fields.first(where: { $0.id == id }) { return field } }
            return nil
        }
        set {
            guard let newValue else { return }
            for s in sections.indices {
                if let f = sections[s].fields.firstIndex(where: { $0.id == id }) { sections[s].fields[f] = newValue }
            }
        }
    }

    public func value(_ id: String) -> String { self[id]?.value ?? "" }

    public mutating func move(by offset: Int) {
        focus = max(0, min(fieldCount - 1, focus + offset))
    }

    /// Ctrl-G then a key: a digit goes to that section's first field; a letter to the next
    /// field after the focused one whose label starts with it. False if none does.
    public mutating func jump(to key: Character) -> Bool {
        let all = positions
        if let number = key.wholeNumberValue {
            guard number >= 1, number <= sections.count, let index = all.firstIndex(where: { $0.section == number - 1 }) else { return false }
            focus = index
            return true
        }
        let letter = key.lowercased()
        let order = (1...all.count).map { (focus + $0) % all.count }
        guard let next = order.first(where: {
            sections[all[$0].section].fields[all[$0].field].label.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix(letter)
        }) else { return false }
        focus = next
        return true
    }

    public mutating func focus(on id: String) {
        if let index = positions.firstIndex(where: { sections[$0.section].fields[$0.field].id == id }) { focus = index }
    }

    /// Gives a key to the focused field; true if it took it.
    /// `now`: when the key came. Letters typed on a choice after a pause start a new prefix, as
    /// in a file list: "d", a pause, "e" is E's, not a "de" (the prefix never expired).
    public mutating func handle(_ key: Key, at now: Timestamp? = nil) -> Bool {
        let position = positions[focus]
        let before = sections[position.section].fields[position.field].value
        if reached, sections[position.section].fields[position.field].isNumber, key.typedCharacter != nil {
            sections[position.section].fields[position.field].setText("")
        }
        let paused = now.map { now in typedAt.map { now.secondsSinceEpoch - $0.secondsSinceEpoch >= Self.typeAheadPause } ?? false } ?? false
        if reached || paused { sections[position.section].fields[position.field].typeAhead = "" }
        let taken = sections[position.section].fields[position.field].handle(key)
        if let now { typedAt = now }
        if taken { reached = false }
        if taken, sections[position.section].fields[position.field].value != before {
            isDirty = true
            messages[sections[position.section].fields[position.field].id] = nil
        }
        return taken
    }

    public mutating func markSaved() { isDirty = false }

    /// Every field's value by id, for keeping a draft.
    public var values: [String: String] {
        var values: [String: String] = [:]
        for section in sections { for field in section.fields { values[field.id] = field.value } }
        return values
    }

    /// Puts kept values back (a draft); the form counts as changed, so Esc asks first.
    public mutating func restore(_ values: [String: String], focus id: String) {
        for s in sections.indices {
            for f in sections[s].fields.indices {
                guard let value = values[sections[s].fields[f].id] else { continue }
                switch sections[s].fields[f].kind {
                case .text, .date: sections[s].fields[f].setText(value)
                case .choice: sections[s].fields[f].setChoice(value: value)
                case .toggle: sections[s].fields[f].isOn = value == "yes"
                }
            }
        }
        focus(on: id)
        // Kept values are being resumed, not reached afresh: typing goes on from them.
        reached = false
        isDirty = true
    }

    /// The field of this form an issue concerns: the one it names (`equipment[0].reward`), else
    /// the first under it (`equipment`); nil when the form has no such field.
    func fieldID(for issue: ValidationIssue) -> String? {
        let ids = positions.map { sections[$0.section].fields[$0.field].id }
        return ids.first { $0 == issue.field } ?? ids.first { $0.hasPrefix(issue.field) }
    }

    /// The issues concerning a field of this form, and the rest.
    func splitByField(_ issues: [ValidationIssue]) -> (fields: [ValidationIssue], others: [ValidationIssue]) {
        (issues.filter { fieldID(for: $0) != nil }, issues.filter { fieldID(for: $0) == nil })
    }

    /// Shows validation issues beside their fields (`fieldID(for:)`; an issue on no field of
    /// the form at the first) and focuses the first.
    public mutating func show(_ issues: [ValidationIssue]) {
        messages = [:]
        let ids = positions.map { sections[$0.section].fields[$0.field].id }
        for issue in issues {
            messages[fieldID(for: issue) ?? ids[0], default: []].append(issue.message)
        }
        if let first = ids.firstIndex(where: { messages[$0] != nil }) { focus = first }
    }

    // MARK: Drawing

    /// Rows of the form: section headings, fields, and messages under the fields they concern.
    enum Row { case heading(String), text(String), field(Int), message(String, field: Int), blank }

    var rows: [Row] { rows(messageWidth: { _ in Int.max }) }

    /// The rows, each message wrapped to the width left beside its field's label column.
    func rows(messageWidth: (Int) -> Int, textWidth: Int = .max) -> [Row] {
        var rows: [Row] = []
        var index = 0
        for (number, section) in sections.enumerated() {
            if !rows.isEmpty { rows.append(.blank) }
            // Numbered when there are several, for Ctrl-G and a digit.
            rows.append(.heading(sections.count > 1 ? "\(number + 1) \(section.title)" : section.title))
            for line in section.text {
                for part in DisplayWidth.wrap(line, to: max(10, textWidth), indent: "  ") { rows.append(.text(part)) }
            }
            for field in section.fields {
                rows.append(.field(index))
                for message in messages[field.id] ?? [] {
                    for part in DisplayWidth.wrap(message, to: max(10, messageWidth(index)), indent: "  ") {
                        rows.append(.message(part, field: index))
                    }
                }
                index += 1
            }
        }
        return rows
    }

    /// Draws the rows that fit, keeping the focused field in view.
    public func render(into canvas: inout Canvas, area: Rect) {
        // Each section's label column fits its longest label (at 80 columns every label of
        // Haven's forms does), leaving the value at least 32 columns.
        let usual = min(24, max(12, area.width / 3))
        let sectionOf = positions.map(\.section)
        let labelWidths = sections.map { section in
            min(max(usual, (section.fields.map { DisplayWidth.of($0.label) }.max() ?? 0) + 1), max(usual, area.width - 34))
        }
        // Messages wrap under themselves beside the label column, never cut.
        let rows = self.rows(messageWidth: { area.width - labelWidths[sectionOf[$0]] - 5 }, textWidth: area.width - 4)
        guard let focusRow = rows.firstIndex(where: { if case let .field(i) = $0 { return i == focus } else { return false } }) else { return }
        // Scroll only as far as keeps the focused field (and a line after it) in view.
        var first = 0
        if focusRow >= area.height - 1 { first = focusRow - area.height + 2 }
        first = max(0, min(first, max(0, rows.count - area.height)))
        let all = positions.map { sections[$0.section].fields[$0.field] }
        for (offset, row) in rows.dropFirst(first).prefix(area.height).enumerated() {
            let y = area.y + offset
            switch row {
            case let .heading(title):
                canvas.put(" " + title, x: area.x, y: y, width: area.width, style: .heading)
            case let .text(line):
                canvas.put("   " + line, x: area.x, y: y, width: area.width)
            case let .message(text, index):
                let labelWidth = labelWidths[sectionOf[index]]
                canvas.put(String(repeating: " ", count: labelWidth + 2) + "! " + text, x: area.x, y: y, width: area.width, style: .error)
            case .blank:
                break
            case let .field(index):
                let labelWidth = labelWidths[sectionOf[index]]
                let field = all[index]
                let focused = index == focus
                let hasProblem = messages[field.id] != nil
                canvas.put((focused ? ">" : " ") + " " + DisplayWidth.fit(field.label, to: labelWidth - 1), x: area.x, y: y,
                           style: focused ? .heading : (hasProblem ? .error : .normal))
                let x = area.x + labelWidth + 2
                let width = max(1, area.maxX - x - 1)
                switch field.kind {
                case .text, .date:
                    // A number is as wide as its longest value, its hint beside it even when
                    // it holds one (what is used and held, next to the quota).
                    let fieldWidth = field.isNumber ? min(width, field.editor.maximumLength + 1) : min(width, 44)
                    field.editor.render(into: &canvas, x: x, y: y, width: fieldWidth, focused: focused,
                                        selected: focused && reached && field.isNumber && !field.editor.text.isEmpty)
                    if field.editor.text.isEmpty, !field.hint.isEmpty {
                        // The hint sits in the empty field, like a placeholder, until typing starts.
                        canvas.put(field.hint, x: x, y: y, width: min(width, 44), style: Style(.muted, underline: true, dim: true))
                    } else if field.isNumber, !field.hint.isEmpty, width > fieldWidth + 2 {
                        canvas.put(field.hint, x: x + fieldWidth + 1, y: y, width: width - fieldWidth - 1, style: .muted)
                    }
                case let .choice(options):
                    let title = options.isEmpty ? "" : options[field.choice].title
                    canvas.put("◂ " + title + " ▸", x: x, y: y, width: width, style: focused ? .selection : .normal)
                case .toggle:
                    canvas.put(field.isOn ? "[x] yes" : "[ ] no", x: x, y: y, width: width, style: focused ? .selection : .normal)
                }
            }
        }
    }
}

extension Form {
    /// Every field's label by id, kept with a draft so it can be read back whole.
    /// Each field's label for reading a draft back; an indented label belongs to the field
    /// above it, and is read with it ("Serious crime · reasoning", not a bare "reasoning"
    /// once for each step, as a walk found).
    public var labels: [String: String] {
        var labels: [String: String] = [:]
        for section in sections {
            var above: String?
            for field in section.fields {
                let label = field.label.trimmingCharacters(in: .whitespaces)
                if field.label.hasPrefix(" "), let above {
                    labels[field.id] = "\(above) · \(label)"
                } else {
                    labels[field.id] = label
                    above = label
                }
            }
        }
        return labels
    }

    /// Each choice field's value as its title, where the two differ: for reading a draft back.
    public var shownChoices: [String: String] {
        var shown: [String: String] = [:]
        for section in sections {
            for field in section.fields {
                if case let .choice(options) = field.kind, let option = options.first(where: { $0.value == field.value }),
                   option.title != field.value { shown[field.id] = option.title }
            }
        }
        return shown
    }

    /// The field ids in the order the form shows them.
    public var fieldIDs: [String] { sections.flatMap { $0.fields.map(\.id) } }

    /// A value as the field shows it: a choice's title, "yes" or "no", "(empty)".
    public func shown(_ value: String, of id: String) -> String {
        if case let .choice(options)? = self[id]?.kind, let option = options.first(where: { $0.value == value }) {
            return option.title.isEmpty ? "(none)" : option.title
        }
        return value.isEmpty ? "(empty)" : value
    }
}
