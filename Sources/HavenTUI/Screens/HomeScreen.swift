import HavenCore

/// One of Haven's areas as the home screen lists it.
public struct HomeArea: Hashable, Sendable {
    public let name: String
    public let summary: String
    /// False until the area's screens exist; opening it then says so on the status line.
    public let isAvailable: Bool

    public init(name: String, summary: String, isAvailable: Bool) {
        self.name = name
        self.summary = summary
        self.isAvailable = isAvailable
    }

    /// The areas of the programme, in the order of a case's life.
    public static let all: [HomeArea] = [
        HomeArea(name: "Intake", summary: "Register a defector; duplicates flagged across scripts", isAvailable: false),
        HomeArea(name: "Queues", summary: "Cases by stage, caseworker and country; search", isAvailable: false),
        HomeArea(name: "Allocation", summary: "Host countries, quotas, proposals to approve", isAvailable: false),
        HomeArea(name: "Integration", summary: "Language courses, jobs and follow-ups", isAvailable: false),
        HomeArea(name: "Family", summary: "Family members and reunification", isAvailable: false),
        HomeArea(name: "Reports", summary: "Pipeline, quotas, workload and outcomes", isAvailable: false),
    ]
}

/// How many cases are in each stage, for the panel beside the areas.
public struct StageCounts: Hashable, Sendable {
    public let counts: [CaseStage: Int]

    public init(_ summaries: [CaseSummary]) {
        var counts: [CaseStage: Int] = [:]
        for summary in summaries { counts[summary.stage, default: 0] += 1 }
        self.counts = counts
    }

    public var total: Int { counts.values.reduce(0, +) }
}

/// The first screen: Haven's areas, one per line, with the number key that opens each, and
/// the store's cases by stage when there is room.
public struct HomeScreen: Screen {
    public enum Action: Sendable {
        case up, down, first, last, open
        case openNumber(Int)
    }

    public let areas: [HomeArea]
    public let stageCounts: StageCounts?
    public private(set) var selected = 0

    public init(areas: [HomeArea] = HomeArea.all, stageCounts: StageCounts?) {
        self.areas = areas
        self.stageCounts = stageCounts
    }

    public var title: String { "Home" }
    public var minimumSize: Size { Size(width: 40, height: 12) }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.enter], .open, label: "Open", help: "Open the selected area"),
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Select the next area"),
            KeyBinding([.up, .character("k")], .up, help: "Select the previous area"),
            KeyBinding([.home, .character("g")], .first, help: "Select the first area"),
            KeyBinding([.end, .character("G")], .last, help: "Select the last area"),
        ] + areas.indices.map { index in
            KeyBinding([.character(Character(String(index + 1)))], .openNumber(index),
                       help: "Open \(areas[index].name)")
        })
    }

    public mutating func handle(_ action: Action) -> [Effect] {
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(areas.count - 1, selected + 1)
        case .first: selected = 0
        case .last: selected = areas.count - 1
        case .open: return open(selected)
        case let .openNumber(index):
            selected = index
            return open(index)
        }
        return []
    }

    func open(_ index: Int) -> [Effect] {
        let area = areas[index]
        guard area.isAvailable else {
            return [.status("\(area.name) is not available in this version of Haven yet.", .info)]
        }
        return []
    }

    /// Layout: the area list on the left; the stage panel on the right when 64 columns allow.
    public func render(into canvas: inout Canvas, area: Rect) {
        let showPanel = stageCounts != nil && area.width >= 64 && area.height >= CaseStage.allCases.count + 3
        let panelWidth = showPanel ? 24 : 0
        let (list, panel) = area.splitLeft(area.width - panelWidth)
        renderAreas(into: &canvas, area: list)
        if showPanel, let stageCounts { renderStages(stageCounts, into: &canvas, area: panel) }
    }

    func renderAreas(into canvas: inout Canvas, area: Rect) {
        guard area.height > 0 else { return }
        canvas.put(" Areas", x: area.x, y: area.y, width: area.width, style: .heading)
        let nameWidth = areas.map { DisplayWidth.of($0.name) }.max() ?? 0
        // Two rows per area when there is room, so the list breathes at 80x24.
        let spacing = area.height - 2 >= areas.count * 2 ? 2 : 1
        for (index, item) in areas.enumerated() {
            let y = area.y + 2 + index * spacing - (spacing == 1 ? 1 : 0)
            guard y < area.maxY else { break }
            let isSelected = index == selected
            let style: Style = isSelected ? .selection : (item.isAvailable ? .normal : .muted)
            let marker = isSelected ? ">" : " "
            let text = "\(marker) \(index + 1)  \(DisplayWidth.fit(item.name, to: nameWidth))  \(item.summary)"
            if isSelected { canvas.fill(Rect(x: area.x, y: y, width: area.width - 1, height: 1), style: style) }
            canvas.put(text, x: area.x, y: y, width: area.width - 1, style: style)
        }
    }

    func renderStages(_ counts: StageCounts, into canvas: inout Canvas, area: Rect) {
        canvas.put("Cases by stage", x: area.x, y: area.y, width: area.width, style: .heading)
        let numberWidth = max(5, String(counts.total).count)
        for (row, stage) in CaseStage.allCases.enumerated() {
            let count = String(counts.counts[stage] ?? 0)
            let line = DisplayWidth.fit(stage.title, to: area.width - numberWidth - 2)
                + String(repeating: " ", count: numberWidth - count.count) + count
            canvas.put(line, x: area.x, y: area.y + 2 + row, width: area.width - 1)
        }
        let total = String(counts.total)
        let line = DisplayWidth.fit("All cases", to: area.width - numberWidth - 2)
            + String(repeating: " ", count: numberWidth - total.count) + total
        canvas.put(line, x: area.x, y: area.y + 3 + CaseStage.allCases.count, width: area.width - 1, style: .heading)
    }
}
