import HavenCore

/// Drawing the queue: its heading, filters, the rows in view and the marked count.
extension QueueScreen {
    public func render(into canvas: inout Canvas, area: Rect) {
        guard area.height >= 4 else { return }
        let widths = widths(for: area.width)
        // Heading: what is shown, how many of how many, the filters.
        let heading = " \(title): \(rowCount) of \(cases.count)" + (filterSummary.isEmpty ? "" : " · \(filterSummary)")
        canvas.put(heading, x: area.x, y: area.y, width: area.width, style: .heading)
        if let search {
            let label = " Search: "
            let x = area.x + canvas.put(label, x: area.x, y: area.y + 1, style: .heading)
            search.render(into: &canvas, x: x, y: area.y + 1, width: min(40, area.maxX - x - 1), focused: true)
        }
        var headers: [QueueColumn: String] = [:]
        for column in QueueColumn.allCases {
            let marker = column == sortColumn ? (ascending ? "↑" : "↓") : ""
            headers[column] = column.title + marker
        }
        canvas.put(line(headers, widths: widths), x: area.x, y: area.y + 2, width: area.width, style: Style(.heading, bold: true, underline: true))
        let visible = area.height - 3
        if rowCount == 0 {
            let why = cases.isEmpty ? "No cases yet." : onlyMine && filterSummary.isEmpty && search == nil
                ? "No cases are assigned to you; m shows all cases." : "No case matches; x clears the search and filters."
            canvas.put(" " + why, x: area.x, y: area.y + 3, width: area.width, style: .muted)
            return
        }
        for offset in 0..<max(0, min(visible, rowCount - top)) {
            let summary = row(top + offset)
            let y = area.y + 3 + offset
            let isSelected = top + offset == selected
            // A job follow-up due shows in place of the stage ("Due 3 mo.", "LATE 3 mo." past the
            // grace period, which also marks the row).
            let followUp = followUp(summary)
            let overdue = targets.daysLate(summary, on: today) != nil
            let cells: [QueueColumn: String] = [
                .id: summary.id.rawValue,
                .cyrillicName: PersonNameDisplay.fitting(summary.cyrillicName, in: widths[.cyrillicName] ?? 0),
                .latinName: PersonNameDisplay.fitting(summary.latinName, in: widths[.latinName] ?? 0),
                // A proposal returned by a supervisor is marked: it is the caseworker's to amend.
                .stage: followUp.map { ($0.state == .overdue ? "LATE" : "Due") + " \($0.months) mo." }
                    ?? summary.stage.title + (summary.isReturnedToCaseworker ? "↩" : ""),
                .daysInStage: String(daysInStage(summary)) + (overdue ? "!" : ""),
                .caseworker: summary.assignedTo?.rawValue ?? "-", .country: summary.country?.rawValue ?? "",
            ]
            let text = line(cells, widths: widths)
            canvas.putListRow(marked.contains(summary.id) ? "*" + text.dropFirst() : text, x: area.x, y: y, width: area.width,
                              style: .normal, selected: isSelected)
        }
        if rowCount > visible {
            let position = " \(top + 1)-\(min(rowCount, top + visible)) of \(rowCount) "
            canvas.put(position, x: area.maxX - DisplayWidth.of(position), y: area.y)
        }
    }
}
