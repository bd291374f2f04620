import HavenCore

/// A short list to pick one item from (a caseworker, a stage move); Enter picks.
public struct PickScreen: Screen {
    public enum Action: Sendable { case up, down, top, bottom, pick, viewWhole, close }

    /// One choice: what it shows, and what choosing it does (worked out when chosen, so a
    /// save is dated then).
    public struct Item {
        public let title: String
        public let detail: String
        public let choose: (Timestamp) -> [Command]
        /// Why it cannot be chosen now (shown muted in its place, so a menu's items do not
        /// move as steps become possible); nil when it can.
        public let unavailable: String?

        public init(_ title: String, _ detail: String = "", choose: @escaping (Timestamp) -> [Command]) {
            self.title = title
            self.detail = detail
            self.choose = choose
            unavailable = nil
        }

        /// An item shown in its place, muted, saying why it cannot be chosen now.
        public init(_ title: String, unavailable why: String) {
            self.title = title
            detail = why
            unavailable = why
            choose = { _ in [.status("\(title): \(why)" + (why.hasSuffix(".") ? "" : "."), .warning)] }
        }
    }

    public let title: String
    public let heading: String
    public private(set) var items: [Item]
    public private(set) var selected = 0
    /// Fills the list from the store's answer to a query (the users, the courses); nil for a
    /// reply it does not use.
    let itemsFromReply: ((StoreReply) -> [Item]?)?
    /// What the list asks for when it opens (the query that fills it).
    let opening: [Command]
    /// A list that stays open through several saves (a checklist): it has a key to close it.
    let staysOpen: Bool
    /// The time now, as the runtime last said: a choice's save is dated then.
    var now = Timestamp(secondsSinceEpoch: 0)

    public init(title: String, heading: String, items: [Item], staysOpen: Bool = false, opening: [Command] = [],
                itemsFromReply: ((StoreReply) -> [Item]?)? = nil) {
        self.title = title
        self.heading = heading
        self.items = items
        self.staysOpen = staysOpen
        self.opening = opening
        self.itemsFromReply = itemsFromReply
    }

    public mutating func start() -> [Command] { opening }
    public mutating func prepare(for area: Rect, now: Timestamp) { self.now = now }

    public var minimumSize: Size { Size(width: 40, height: 10) }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.enter], .pick, label: "Choose", help: "Choose the selected item"),
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next item"),
            KeyBinding([.up, .character("k")], .up, help: "Previous item"),
            // End did nothing, and End, Enter chose the first item (from a walk).
            KeyBinding([.home, .character("g")], .top, help: "The first item"),
            KeyBinding([.end, .character("G")], .bottom, help: "The last item"),
            KeyBinding([.character("v"), .function(3)], .viewWhole, label: "Whole", help: "Read the selected item whole, wrapped"),
        ] + (!staysOpen ? [] : [
            KeyBinding([.character("q"), .escape], .close, label: "Done", help: "Close the list; the screen below shows what was saved"),
        ]))
    }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, items.count - 1), selected + 1)
        case .top: selected = 0
        case .bottom: selected = max(0, items.count - 1)
        case .pick:
            guard items.indices.contains(selected) else { return [.status("There is nothing to choose.", .info)] }
            return items[selected].choose(now)
        case .close:
            return [.back]
        case .viewWhole:
            guard items.indices.contains(selected) else { return [] }
            let item = items[selected]
            return [.push(TextViewScreen(title: title, heading: heading, text: item.title + (item.detail.isEmpty ? "" : "\n\n" + item.detail)))]
        }
        return []
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        if let filled = itemsFromReply?(reply) {
            items = filled
            selected = min(selected, max(0, items.count - 1))
            if case let .saved(stored, _) = reply { return [.status("Saved \(stored.record.id) as \(stored.version).", .info)] }
            return []
        }
        switch reply {
        case let .updated(saved, refused):
            let done = saved.isEmpty ? [] : ["\(saved.count) case\(saved.count == 1 ? "" : "s") saved"]
            let failed = refused.prefix(1).map { "\($0.0): \($0.1)" }
            let more = refused.count > 1 ? ["and \(refused.count - 1) more refused"] : []
            return [.back, .status((done + failed + more).joined(separator: "; ") + ".", refused.isEmpty ? .info : .error)]
        default:
            return reply.closingAfterSave
        }
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        canvas.put(" " + heading, x: area.x, y: area.y, width: area.width, style: .heading)
        if items.isEmpty {
            canvas.put(" Nothing to choose from.", x: area.x, y: area.y + 2, width: area.width, style: .muted)
        }
        // The titles whole where the width allows (v shows a longer one whole).
        let titleWidth = min(max(30, area.width - 36), (items.map { DisplayWidth.of($0.title) }.max() ?? 0) + 2)
        let visible = area.height - 2
        let first = max(0, selected - visible + 1)
        for (offset, item) in items.dropFirst(first).prefix(visible).enumerated() {
            let y = area.y + 2 + offset
            let isSelected = first + offset == selected
            canvas.putListRow(" " + DisplayWidth.fit(item.title, to: titleWidth) + " " + item.detail, x: area.x, y: y,
                              width: area.width, style: item.unavailable == nil ? .normal : .muted, selected: isSelected, keyWidth: titleWidth)
        }
    }
}
