import HavenCore

/// Columns for a list of cases, sized to the width: number, Cyrillic name, Latin name, stage.
/// Below 60 columns the Latin name is left out; a name too long for its column shows as surname
/// and initials, as in the queue.
struct CaseTable {
    let idWidth = 9
    let stageWidth = 11
    let cyrillicWidth: Int
    let latinWidth: Int

    init(width: Int) {
        let names = max(0, width - idWidth - stageWidth - 5)
        if width >= 60 {
            cyrillicWidth = names / 2
            latinWidth = names - cyrillicWidth
        } else {
            cyrillicWidth = names
            latinWidth = 0
        }
    }

    var header: String {
        line("Case", "Name", latinWidth > 0 ? "Latin" : "", "Stage")
    }

    func row(_ summary: CaseSummary) -> String {
        line(summary.id.rawValue, PersonNameDisplay.fitting(summary.cyrillicName, in: cyrillicWidth),
             PersonNameDisplay.fitting(summary.latinName, in: latinWidth), summary.stage.title)
    }

    private func line(_ id: String, _ cyrillic: String, _ latin: String, _ stage: String) -> String {
        var text = " " + DisplayWidth.fit(id, to: idWidth) + " " + DisplayWidth.fit(cyrillic, to: cyrillicWidth) + " "
        if latinWidth > 0 { text += DisplayWidth.fit(latin, to: latinWidth) + " " }
        return text + DisplayWidth.fit(stage, to: stageWidth)
    }
}
