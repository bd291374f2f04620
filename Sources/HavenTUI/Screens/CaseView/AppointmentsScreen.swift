import HavenCore

/// A case's appointments: the ones its stage needs and has not had, then every appointment,
/// the coming ones first, with who attends and what became of each. Times in the server's zone.
public struct AppointmentsScreen: Screen {
    public enum Action: Sendable {
        case up, down, first, last, book, change, held, noShow, cancel, reload, close
    }

    public private(set) var stored: StoredCase
    let context: SessionContext
    public private(set) var selected = 0
    /// The store's users, to check attendees; asked for as the screen opens.
    var users: UserDirectory?
    /// The time now, as the runtime last said (an appointment past its end is to be recorded).
    var now = Timestamp(secondsSinceEpoch: 0)

    /// - Parameter now: the time it opens at (an appointment past its end is to be recorded).
    /// - Parameter selecting: the appointment to select (the one a line of My work is about).
    public init(stored: StoredCase, context: SessionContext, now: Timestamp, selecting: Int? = nil) {
        self.stored = stored
        self.context = context
        self.now = now
        if let selecting, let index = appointments.firstIndex(where: { $0.id == selecting }) { selected = index }
    }

    public var title: String { "Appointments" }
    public var caseShown: CaseID? { stored.record.id }
    public var minimumSize: Size { Size(width: 60, height: 16) }

    /// Scheduled ones first (soonest first), then the rest (latest first).
    var appointments: [Appointment] {
        let all = stored.record.appointments
        return all.filter { $0.status == .scheduled }.sorted { $0.at < $1.at }
            + all.filter { $0.status != .scheduled }.sorted { $0.at > $1.at }
    }

    var appointment: Appointment? {
        let list = appointments
        return list.indices.contains(selected) ? list[selected] : nil
    }

    /// Why this person cannot book or change here; nil when they can.
    var refusal: String? {
        let record = stored.record
        if !context.may(.editCase) { return "Booking is for caseworkers and supervisors; \(context.role.withArticle) reads." }
        if record.stage == .closed { return "\(record.id) is closed; nothing is booked on it." }
        if context.role == .caseworker, record.assignedTo != context.user {
            return "\(record.id) is \(record.assignedTo.map { "assigned to \($0)" } ?? "not assigned to you"); a supervisor can give it to you."
        }
        return nil
    }

    public var keyTable: KeyTable<Action> {
        let a = appointment
        let refused = refusal
        // Whoever attends may record what became of it, though the case is another's.
        let attends = a?.attendees.contains(context.user) == true && context.may(.editCase) && stored.record.stage != .closed
        let recordRefused = attends ? nil : refused
        func none(_ what: String) -> String { "No appointment is selected to \(what)." }
        let offers: [([Key], Action, String?, String, String?)] = [
            ([.character("n"), .character("+")], .book, "Book", "Book an appointment: kind, time, place or channel, interpreter, staff", refused),
            ([.enter, .character("e")], .change, "Change",
             "Change the selected appointment: a new time keeps the old one in its history (one held is corrected as it is)",
             a == nil ? none("change") : refused),
            ([.character("h")], .held, a?.status == .cancelled ? "Take back" : "Held",
             "Record it as held, or correct its outcome; on a cancelled one, take the cancellation back", a == nil ? none("record") : recordRefused),
            ([.character("x")], .noShow, "No-show", "Record that the person did not come, and why",
             a == nil ? none("record") : a?.status == .cancelled ? "It was cancelled; h takes the cancellation back." : recordRefused),
            ([.character("c")], .cancel, "Cancel", "Cancel it, with the reason",
             a == nil ? none("cancel") : a?.status != .scheduled ? "Only a scheduled appointment is cancelled; h corrects its outcome." : recordRefused),
        ]
        return KeyTable(offers.map { offer in
            offer.4 == nil ? KeyBinding(offer.0, offer.1, label: offer.2, help: offer.3) : KeyBinding(offer.0, offer.1, help: offer.3, disabled: offer.4)
        } + [
            KeyBinding([.down, .character("j")], .down, help: "Next appointment"),
            KeyBinding([.up, .character("k")], .up, help: "Previous appointment"),
            KeyBinding([.home, .character("g")], .first, help: "First appointment"),
            KeyBinding([.end, .character("G")], .last, help: "Last appointment"),
            KeyBinding([.character("r")], .reload, help: "Load the case again"),
            KeyBinding([.character("q"), .escape], .close, label: "Back", help: "Back"),
        ])
    }

    public mutating func start() -> [Command] { [.query(.users)] }

    public mutating func prepare(for area: Rect, now: Timestamp) { self.now = now }

    public mutating func clockDidTick(_ time: Timestamp) -> Bool {
        let changed = time.secondsSinceEpoch / 60 != now.secondsSinceEpoch / 60
        now = time
        return changed
    }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, appointments.count - 1), selected + 1)
        case .first: selected = 0
        case .last: selected = max(0, appointments.count - 1)
        case .book: return [.push(AppointmentActions.book(stored, context: context, users: users))]
        case .change: if let appointment { return [.push(AppointmentActions.change(stored, appointment, context: context, users: users))] }
        case .held: if let appointment { return [.push(AppointmentActions.record(stored, appointment, as: .held, context: context))] }
        case .noShow: if let appointment { return [.push(AppointmentActions.record(stored, appointment, as: .noShow, context: context))] }
        case .cancel: if let appointment { return [.push(AppointmentActions.record(stored, appointment, as: .cancelled, context: context))] }
        case .reload: return [.reload(stored.record.id)]
        case .close: return [.back]
        }
        return []
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        switch reply {
        case let .users(directory):
            users = directory
        case let .saved(newer, _), let .loaded(newer, _):
            let before = appointment?.id
            stored = newer
            selected = appointments.firstIndex { $0.id == before } ?? min(selected, max(0, appointments.count - 1))
        case let .failed(message):
            return [.status(message, .error)]
        default:
            break
        }
        return []
    }

    /// A form's save or another session's: the case is read again.
    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        guard let newer = summaries.summary(of: stored.record.id), newer.version > stored.version else { return [] }
        return [.reload(stored.record.id)]
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let record = stored.record
        let clock = context.localClock
        canvas.put(" \(record.id) \(record.defector.latinName.displayed) · appointments · times in \(clock.name)",
                   x: area.x, y: area.y, width: area.width, style: .heading)
        var y = area.y + 1
        for missing in record.missingAppointments where y < area.maxY {
            let booked = missing.booked.map { "booked for \(clock.text($0.at))" } ?? "none booked"
            canvas.put(" Missing for \(record.stage.title.lowercased()): \(missing.kind.title) (\(booked))", x: area.x, y: y, width: area.width, style: .overdue)
            y += 1
        }
        let list = appointments
        if list.isEmpty {
            canvas.put(" No appointments yet; n books one.", x: area.x, y: y + 1, width: area.width, style: .muted)
            return
        }
        // The list above, the selected appointment whole below it.
        let detailRows = 6
        let rows = max(1, area.maxY - y - 1 - detailRows)
        let first = max(0, selected - rows + 1)
        y += 1
        for (offset, item) in list.dropFirst(first).prefix(rows).enumerated() {
            let index = first + offset
            let status = item.status == .scheduled ? (item.ends <= now ? "record it" : "") : item.status.title.lowercased()
            let line = " \(LocalClock.weekday(clock.day(of: item.at))) \(clock.text(item.at))  \(item.kind.title)"
                + (status.isEmpty ? "" : " · \(status)")
            canvas.putListRow(line, x: area.x, y: y + offset, width: area.width, style: .normal, selected: index == selected)
        }
        guard let a = appointment else { return }
        let top = area.maxY - detailRows
        let details = [
            "\(a.kind.title), \(a.minutes) min, \(a.channel.title.lowercased())" + (a.place.isEmpty ? "" : ": \(a.place)"),
            "Staff: \(a.attendees.map(\.rawValue).joined(separator: ", "))" + (a.interpreter.map { " · interpreter: \($0)" } ?? ""),
            a.status == .scheduled && a.ends <= now ? "Scheduled, and its time has passed: h if it was held, x if not"
                : a.status == .scheduled ? "Scheduled" + (a.outcome.isEmpty ? "" : " again (earlier: \(a.outcome))")
                : "\(a.status.title)" + (a.outcome.isEmpty ? "" : ": \(a.outcome)"),
            "Booked by \(a.bookedBy) on \(clock.day(of: a.bookedAt))"
                + (a.rescheduledFrom.isEmpty ? "" : " · moved from \(a.rescheduledFrom.map { clock.text($0) }.joined(separator: ", "))"),
        ]
        for (offset, line) in details.enumerated() where top + 1 + offset < area.maxY {
            canvas.put(" " + line, x: area.x, y: top + 1 + offset, width: area.width)
        }
    }
}

/// Opens a case with its appointments on top (from My work).
public struct OpenAppointments: StoreTask {
    public let id: CaseID
    /// The appointment to select.
    public var appointment: Int?

    public func run(in session: SessionServices) -> [Command] {
        switch session.load(id) {
        case let .loaded(stored, history):
            return [.push(CaseViewScreen(stored: stored, history: history, context: session.context)),
                    .push(AppointmentsScreen(stored: stored, context: session.context, now: session.now, selecting: appointment))]
        case let .failed(message):
            return [.status(message, .error)]
        default:
            return []
        }
    }
}
