import HavenCore

/// A week of scheduled appointments, Monday to Sunday in the server's zone: the user's own,
/// or (supervisors) any caseworker's or everyone's. An attendee booked twice at once is
/// flagged `!!` on both appointments. Enter opens the case's appointments.
public struct WeekScreen: Screen {
    public enum Action: Sendable {
        case up, down, previousWeek, nextWeek, thisWeek, nextPerson, everyone, open
    }

    let context: SessionContext
    private var summaries: [CaseSummary]
    /// Monday of the week shown.
    public private(set) var monday: CalendarDate
    /// Whose week; nil: everyone's.
    public private(set) var person: UserName?
    public private(set) var entries: [CalendarEntry] = []
    public private(set) var selected = 0
    /// The people a supervisor steps through: everyone with an appointment this week, and the user.
    private var people: [UserName] = []

    /// The time now, as the runtime last said: "this week" is the week holding it.
    private var now: Timestamp

    public init(cases: [CaseSummary], context: SessionContext, now: Timestamp) {
        self.summaries = cases
        self.context = context
        self.person = context.user
        self.now = now
        self.monday = Supervision.weekStart(of: context.localClock.day(of: now))
        recompute()
    }

    public mutating func prepare(for area: Rect, now: Timestamp) { self.now = now }

    public var title: String { "Week" }
    public var minimumSize: Size { Size(width: 60, height: 16) }
    var supervises: Bool { context.may(.viewWorkload) }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.enter], .open, label: "Open", help: "Open the selected appointment's case"),
            KeyBinding([.right, .character("]")], .nextWeek, label: "Week", help: "Next week"),
            KeyBinding([.left, .character("[")], .previousWeek, help: "Previous week"),
            KeyBinding([.character("t")], .thisWeek, help: "This week"),
            KeyBinding([.character("p")], .nextPerson, label: "Person", help: "The next caseworker's week", disabled: supervises ? nil : "Other people's weeks are for supervisors."),
            KeyBinding([.character("a")], .everyone, label: "All", help: "Everyone's appointments, double bookings flagged", disabled: supervises ? nil : "The team's week is for supervisors."),
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next appointment"),
            KeyBinding([.up, .character("k")], .up, help: "Previous appointment"),
        ])
    }

    mutating func recompute() {
        let clock = context.localClock
        let from = clock.instant(on: monday, minute: 0)
        let to = clock.instant(on: monday.adding(days: 7), minute: 0)
        let week = AppointmentCalendar.entries(summaries, attendedBy: nil, from: from, to: to)
        people = Array(Set(week.flatMap(\.appointment.attendees) + [context.user])).sorted()
        entries = person.map { name in week.filter { $0.appointment.attendees.contains(name) } } ?? week
        selected = min(selected, max(0, entries.count - 1))
    }

    public mutating func storeDidChange(_ cases: [CaseSummary]) -> [Command] {
        summaries = cases
        recompute()
        return []
    }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, entries.count - 1), selected + 1)
        case .previousWeek: monday = monday.adding(days: -7); selected = 0; recompute()
        case .nextWeek: monday = monday.adding(days: 7); selected = 0; recompute()
        case .thisWeek: monday = Supervision.weekStart(of: context.localClock.day(of: now)); selected = 0; recompute()
        case .nextPerson:
            let index = person.flatMap { people.firstIndex(of: $0) }.map { ($0 + 1) % people.count } ?? 0
            person = people.isEmpty ? context.user : people[index]
            selected = 0
            recompute()
        case .everyone:
            person = nil
            selected = 0
            recompute()
        case .open:
            guard entries.indices.contains(selected) else { return [.status("No appointment is selected.", .info)] }
            return [.run(OpenAppointments(id: entries[selected].caseID, appointment: entries[selected].appointment.id))]
        }
        return []
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let clock = context.localClock
        let whose = person.map { $0 == context.user ? "your" : "\($0)'s" } ?? "everyone's"
        let clashes = entries.filter { !$0.doubleBooked.isEmpty }.count
        canvas.put(" Week of \(monday), \(whose) appointments (\(entries.count))" + (clashes > 0 ? " · \(clashes) double-booked !!" : ""),
                   x: area.x, y: area.y, width: area.width, style: .heading)
        canvas.put("times in \(clock.name) ", x: area.maxX - DisplayWidth.of("times in \(clock.name) "), y: area.y + 1, style: .muted)
        // One row per day heading, one per appointment; the selected one kept in view.
        var rows: [(text: String, entry: Int?)] = []
        for day in 0..<7 {
            let date = monday.adding(days: day)
            let today = entries.indices.filter { clock.day(of: entries[$0].appointment.at) == date }
            rows.append(("\(LocalClock.weekday(date)) \(date)" + (today.isEmpty ? "  —" : ""), nil))
            for index in today {
                let entry = entries[index]
                let a = entry.appointment
                let name = summary(of: entry.caseID)?.latinName ?? ""
                let who = person == nil ? " (\(a.attendees.map(\.rawValue).joined(separator: ", ")))" : ""
                // The flag first, where a narrow terminal cannot cut it off; whose, at the end.
                let flag = entry.doubleBooked.isEmpty ? "   " : " !!"
                let clash = entry.doubleBooked.isEmpty ? "" : " · \(entry.doubleBooked.map(\.rawValue).joined(separator: ", ")) double-booked"
                rows.append(("\(flag) \(clock.clockText(a.at))-\(clock.clockText(a.ends)) \(a.kind.title) \(entry.caseID) \(name)\(who)\(clash)", index))
            }
        }
        let height = area.height - 2
        let selectedRow = rows.firstIndex { $0.entry == selected } ?? 0
        let first = max(0, min(selectedRow - height + 1, rows.count - height))
        for (offset, row) in rows.dropFirst(max(0, first)).prefix(height).enumerated() {
            let y = area.y + 2 + offset
            if let index = row.entry {
                canvas.putListRow(row.text, x: area.x, y: y, width: area.width,
                                  style: entries[index].doubleBooked.isEmpty ? .normal : .overdue, selected: index == selected)
            } else {
                canvas.put(" " + row.text, x: area.x, y: y, width: area.width, style: .heading)
            }
        }
    }

    func summary(of id: CaseID) -> CaseSummary? { summaries.summary(of: id) }
}
