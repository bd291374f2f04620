import HavenCore

/// The frame around the top screen: title bar, status line, key bar, or the too-small message.
extension HavenApp {
    /// The rows between the title bar and the status line and key bar.
    public static func bodyArea(in size: Size) -> Rect {
        Rect(x: 0, y: 1, width: size.width, height: size.height - 3)
    }

    /// Draws the frame and the top screen, or the too-small message.
    public func render(into canvas: inout Canvas) {
        let size = canvas.size
        guard size.contains(minimumSize) else {
            renderTooSmall(into: &canvas)
            return
        }
        let body = Self.bodyArea(in: size)
        renderTitleBar(into: &canvas, area: Rect(x: 0, y: 0, width: size.width, height: 1))
        topScreen.render(into: &canvas, area: body)
        renderStatus(into: &canvas, area: Rect(x: 0, y: body.maxY, width: size.width, height: 1))
        renderKeyBar(into: &canvas, area: Rect(x: 0, y: body.maxY + 1, width: size.width, height: 1))
    }

    func renderTitleBar(into canvas: inout Canvas, area: Rect) {
        canvas.fill(area, style: .title)
        let trail = screens.map(\.title).joined(separator: " › ")
        let right = "\(context.user) · \(context.today)"
        let rightWidth = DisplayWidth.of(right)
        let leftWidth = area.width - (area.width >= rightWidth + 20 ? rightWidth + 2 : 0)
        canvas.put(" Haven · \(trail)", x: area.x, y: area.y, width: leftWidth, style: .title)
        if leftWidth < area.width {
            canvas.put(right, x: area.maxX - rightWidth - 1, y: area.y, style: .title)
        }
    }

    /// Ends a status line cut at the terminal's width: the key that reads it whole.
    static let wholeHint = " Ctrl-P"

    func renderStatus(into canvas: inout Canvas, area: Rect) {
        guard let status else {
            canvas.put(" \(context.storeDescription)", x: area.x, y: area.y, width: area.width, style: .muted)
            return
        }
        let style: Style = switch status.kind {
        case .info: .normal
        case .warning: .warning
        case .error: .error
        }
        // A message too long for the line says where to read it whole.
        // (Not while a job runs: only Esc, Ctrl-C and Ctrl-L are taken then.)
        let text = DisplayWidth.of(status.text) + 2 <= area.width || area.width < 30 || job != nil ? status.text
            : DisplayWidth.truncate(status.text, to: area.width - 2 - DisplayWidth.of(Self.wholeHint)) + Self.wholeHint
        canvas.put(" \(text) ", x: area.x, y: area.y, width: area.width, style: style)
    }

    /// The bottom bar: the global help key first, then the screen's labelled keys, then back
    /// ("Quit" on the last screen). A global key the screen binds itself, or a printable key
    /// while the screen takes text, is not offered. Items that do not fit are left out whole;
    /// Back (or Quit) always fits, room kept for it.
    func renderKeyBar(into canvas: inout Canvas, area: Rect) {
        let screen = topScreen
        let taken = screen.boundKeys
        let globals = Self.globalKeys.keyBarItems { key in
            !taken.contains(key) && !(screen.capturesText && key.typedCharacter != nil)
        }.map { item in
            screens.count == 1 && item.label == "Back" ? KeyBarItem(key: item.key, label: "Quit") : item
        }
        let items = Array(globals.prefix(1)) + screen.keyBarItems + globals.dropFirst()
        func width(_ item: KeyBarItem) -> Int { DisplayWidth.of(item.key) + 1 + DisplayWidth.of(item.label) + 1 }
        // The way out is always shown: its room is kept while the others are placed.
        let isWayOut = { (item: KeyBarItem) in item.label == "Back" || item.label == "Quit" }
        var kept = items.filter(isWayOut).reduce(0) { $0 + width($1) }
        var x = area.x
        for item in items {
            let needed = width(item)
            if isWayOut(item) { kept -= needed }
            guard x + needed + kept <= area.maxX else { continue }
            x += canvas.put(item.key, x: x, y: area.y, style: .keyName)
            x += canvas.put(" \(item.label) ", x: x, y: area.y)
        }
    }

    func renderTooSmall(into canvas: inout Canvas) {
        let need = minimumSize
        let have = canvas.size
        let lines = [
            "Terminal too small",
            "\(have.width)x\(have.height); this screen",
            "needs \(need.width)x\(need.height).",
            // The quit question, asked here too: the status line is not drawn.
            confirmingQuit ? (unsavedWork.isEmpty ? "Quit? y quits." : session.draftsFailing == nil ? "Quit? y quits, typing kept" : "Quit? y quits, typing LOST")
                : "Enlarge it, or q to quit.",
        ]
        let top = max(0, (have.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() where top + offset < have.height {
            let width = min(have.width, DisplayWidth.of(line))
            canvas.put(line, x: max(0, (have.width - width) / 2), y: top + offset,
                       style: offset == 0 ? .warning : .normal)
        }
    }
}
