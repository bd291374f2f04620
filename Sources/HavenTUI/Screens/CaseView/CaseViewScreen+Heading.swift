import HavenCore

/// The case view's two top lines: the heading, and the bar of sections.
extension CaseViewScreen {
    /// " HV-000012 Морозов Тимур Владимирович (Timur Morozov) · Allocation · v1". Where it does
    /// not fit, the version goes first, then the Latin name, then the Cyrillic name is cut:
    /// the stage and RESTRICTED always stay (a walk found "· Intak…" cut at 80 columns).
    func heading(width: Int) -> String {
        let record = stored.record
        // A closed case says why in its heading, where every section shows it.
        let stage = record.stage == .closed ? record.closure.map { "Closed: \($0.reason.title)" } ?? record.stage.title : record.stage.title
        let latin = record.isErased ? "" : " (\(record.defector.latinName.given) \(record.defector.latinName.family))"
        let name = " \(record.id) " + (record.isErased ? Erasure.listName : record.defector.cyrillicName.displayed)
        let state = " · \(stage)" + (record.restriction == nil ? "" : " · RESTRICTED")
        if let fits = [name + latin + state + " · \(stored.version)", name + latin + state, name + state].first(where: { DisplayWidth.of($0) <= width }) {
            return fits
        }
        return DisplayWidth.fit(name, to: max(1, width - DisplayWidth.of(state))) + state
    }

    /// "1 Person 2 Service …", the current section highlighted and kept in view when narrow.
    func renderSectionBar(into canvas: inout Canvas, y: Int, area: Rect) {
        let items = CaseSection.allCases.map { "\($0.key) \($0.title)" }
        var start = 0
        // Sections cut off at either end are marked ‹ and › (a walk found 7 to 0 hidden unsaid).
        let last = items.count - 1
        func width(from index: Int) -> Int {
            items[index...section.rawValue].reduce(0) { $0 + DisplayWidth.of($1) + 2 } + 1 + (index > 0 ? 2 : 0) + (section.rawValue < last ? 2 : 0)
        }
        while start < section.rawValue, width(from: start) > area.width { start += 1 }
        var x = area.x + 1
        if start > 0 { x += canvas.put("‹", x: x, y: y, style: .muted) + 1 }
        for index in start..<items.count {
            let text = items[index]
            // Room for › after it, unless it is the last.
            guard x + DisplayWidth.of(text) < area.maxX - (index == last ? 0 : 2) else { canvas.put("›", x: area.maxX - 2, y: y, style: .muted); break }
            x += canvas.put(text, x: x, y: y, style: index == section.rawValue ? .selection : .normal) + 2
        }
    }
}
