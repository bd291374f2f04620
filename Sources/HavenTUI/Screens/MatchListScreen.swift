import HavenCore

/// Ranked job matches with their reasons: the openings for a case (Enter applies), or the
/// candidate cases for an opening (Enter opens the case). One row per match; the reasons of
/// the selected one underneath.
public struct MatchListScreen: Screen {
    public enum Action: Sendable { case up, down, pageUp, pageDown, choose }

    public let title: String
    let heading: String
    /// Which side the rows name: the opening (for a case) or the case (for an opening).
    let rowsAreOpenings: Bool
    public private(set) var matches: [JobMatch]
    public private(set) var selected = 0
    let chooseLabel: String
    let choose: (JobMatch, Timestamp) -> [Command]
    var pageRows = 10
    /// The time now, as the runtime last said: an application is dated then.
    var now = Timestamp(secondsSinceEpoch: 0)

    init(title: String, heading: String, matches: [JobMatch], rowsAreOpenings: Bool, chooseLabel: String,
         choose: @escaping (JobMatch, Timestamp) -> [Command]) {
        self.title = title
        self.heading = heading
        self.matches = matches
        self.rowsAreOpenings = rowsAreOpenings
        self.chooseLabel = chooseLabel
        self.choose = choose
    }

    /// The openings for a case, best first; Enter applies for the selected one.
    static func openings(for stored: StoredCase, context: SessionContext, catalogue: IntegrationCatalogue) -> MatchListScreen {
        let summary = CaseSummary(stored)
        let profile = MatchProfile(summary: summary, occupations: context.reference?.occupations ?? OccupationCatalogue(unitGroups: [], specialties: []),
                                   today: context.today)
        let matches = JobMatching.openings(for: profile, in: catalogue.openings, use: catalogue.openingUse)
        return MatchListScreen(title: "Openings", heading: "Openings for \(stored.record.id) \(summary.cyrillicName), best first",
                               matches: matches, rowsAreOpenings: true, chooseLabel: "Apply") { match, now in
            do {
                let record = try Workflow.apply(stored.record, to: match.opening, by: context.actor, at: now)
                return [.save(record, basedOn: stored.version)]
            } catch {
                return [.status("\(error)", .error)]
            }
        }
    }

    /// The cases looking for work in an opening's country, best first; Enter opens one.
    static func candidates(for opening: JobOpening, context: SessionContext, catalogue: IntegrationCatalogue) -> MatchListScreen {
        let matches = JobMatching.candidates(for: opening, summaries: catalogue.summaries,
                                             occupations: context.reference?.occupations ?? OccupationCatalogue(unitGroups: [], specialties: []),
                                             use: catalogue.openingUse, today: context.today)
        return MatchListScreen(title: "Candidates", heading: "Candidates for \(opening.id), \(opening.employer) (\(opening.occupation), \(opening.city))",
                               matches: matches, rowsAreOpenings: false, chooseLabel: "Open") { match, _ in [.openCase(match.profile.id)] }
    }

    public var minimumSize: Size { Size(width: 60, height: 16) }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.enter], .choose, label: chooseLabel, help: rowsAreOpenings ? "Apply for the selected opening" : "Open the selected case"),
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next match"),
            KeyBinding([.up, .character("k")], .up, help: "Previous match"),
            KeyBinding([.pageDown, .character(" ")], .pageDown, help: "Next page"),
            KeyBinding([.pageUp, .character("b")], .pageUp, help: "Previous page"),
        ])
    }

    public mutating func prepare(for area: Rect, now: Timestamp) {
        pageRows = max(1, area.height - 9)
        self.now = now
    }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, matches.count - 1), selected + 1)
        case .pageUp: selected = max(0, selected - pageRows)
        case .pageDown: selected = min(max(0, matches.count - 1), selected + pageRows)
        case .choose:
            guard matches.indices.contains(selected) else { return [.status("There is nothing to choose.", .info)] }
            return choose(matches[selected], now)
        }
        return []
    }

    public mutating func receive(reply: StoreReply) -> [Command] { reply.closingAfterSave }

    /// "Fits" in a word or two: what the row's reasons add up to.
    static func verdict(_ match: JobMatch) -> String {
        if match.placesLeft == 0 { return "full" }
        if match.location == .otherCountry { return "elsewhere" }
        let language = match.languageShortfall == 0 ? "lang ok" : "lang -\(match.languageShortfall)"
        let job = switch match.occupation {
        case .unitGroup: "same job"
        case .none: "other job"
        default: "related"
        }
        return "\(job), \(language)"
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        canvas.put(" " + heading, x: area.x, y: area.y, width: area.width, style: .heading)
        guard !matches.isEmpty else {
            canvas.put(rowsAreOpenings ? " No openings yet; an administrator adds them (Jobs, or haven openings import)."
                       : " Nobody in this country is looking for work.", x: area.x, y: area.y + 2, width: area.width, style: .muted)
            return
        }
        let listHeight = max(1, area.height - 8)
        let first = max(0, min(selected - listHeight / 2, matches.count - listHeight))
        let verdictWidth = 20
        for (offset, match) in matches.dropFirst(first).prefix(listHeight).enumerated() {
            let y = area.y + 2 + offset
            let index = first + offset
            let name = rowsAreOpenings ? "\(match.opening.id)  \(match.opening.employer), \(match.opening.city)"
                : "\(match.profile.id)  \(match.profile.name)"
            let line = " " + DisplayWidth.fit("\(index + 1).", to: 5) + DisplayWidth.fit(Self.verdict(match), to: verdictWidth) + " " + name
            let style: Style = match.placesLeft == 0 || match.location == .otherCountry ? .muted : .normal
            canvas.putListRow(line, x: area.x, y: y, width: area.width, style: style, selected: index == selected,
                              keyWidth: 5 + verdictWidth)
        }
        let match = matches[min(selected, matches.count - 1)]
        let detailTop = area.y + 3 + listHeight
        canvas.put(" Why \(selected + 1) of \(matches.count):", x: area.x, y: detailTop, width: area.width, style: .heading)
        for (offset, reason) in match.reasons.prefix(max(0, area.maxY - detailTop - 1)).enumerated() {
            canvas.put("   · " + reason, x: area.x, y: detailTop + 1 + offset, width: area.width)
        }
    }
}
