import HavenCore

/// A screen: state plus a pure `handle` and `render`. The runtime looks a key up in the
/// screen's table first, then offers it to `handleUnboundKey` (text fields take typed
/// characters there), then to the global table. What a screen wants done it returns as
/// commands (`Command`); what they answer comes back to it through `receive`.
public protocol Screen {
    associatedtype Action: Sendable

    /// The name in the title bar and at the head of the screen's help section.
    var title: String { get }
    var keyTable: KeyTable<Action> { get }
    /// Below this size the screen is not drawn; the app says the terminal is too small.
    var minimumSize: Size { get }

    /// True while a text field has the keyboard: printable keys are text then, so the key bar
    /// and help offer only keys that still work (F1, Esc).
    var capturesText: Bool { get }
    /// The screen's form as a draft (its values now, and what it edits: `FormDraft.target`),
    /// or nil for a screen with nothing to type. The runtime keeps it while
    /// `hasUnsavedWork`, under this session, and offers it back through `restore`.
    var formDraft: FormDraft? { get }
    /// Whether something typed here would be lost if Haven ended now (a changed form, a note
    /// being written): quitting asks first, and the runtime keeps `formDraft`.
    var hasUnsavedWork: Bool { get }
    /// Puts back a draft of this screen's form kept by a session that is over (its target is
    /// this screen's): the runtime calls it as the screen opens.
    mutating func restore(_ draft: FormDraft) -> [Command]
    /// Told once, when the screen is opened: what it asks for first (the users it lists).
    mutating func start() -> [Command]
    /// Told a message answering one of this screen's commands (a `StoreReply` for the common
    /// store tasks, or a message of the screen's own task's type).
    mutating func receive(_ message: any Sendable) -> [Command]
    /// Told the answer of a common store task (what the default `receive` does with a
    /// `StoreReply`).
    mutating func receive(reply: StoreReply) -> [Command]
    /// Told when the store changed (another session, or this one), with the new summaries;
    /// every open screen's commands are performed for it (a case view reloads its newer case),
    /// but only the top screen's status line is shown.
    mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command]
    /// The case whose record this screen shows, or nil: when it is restricted to a team without
    /// this reader, the runtime closes the screen (`HavenApp.storeDidChange`).
    var caseShown: CaseID? { get }
    /// Told the body area and the time before each key, so paging moves by what is visible
    /// and a change is dated by the runtime's clock, never read inside `handle`.
    mutating func prepare(for area: Rect, now: Timestamp)
    /// Told about once a second, when it is on top, the time now; true when what it shows
    /// changed with the time (an appointment fell due) and the screen is to be drawn again.
    mutating func clockDidTick(_ now: Timestamp) -> Bool
    mutating func handle(_ action: Action) -> [Command]
    /// A key not in the table; return nil to let the global table have it.
    mutating func handleUnboundKey(_ key: Key) -> [Command]?
    func render(into canvas: inout Canvas, area: Rect)
}

extension Screen {
    public var minimumSize: Size { Size(width: 80, height: 24) }

    public mutating func handleUnboundKey(_ key: Key) -> [Command]? { nil }

    public mutating func prepare(for area: Rect, now: Timestamp) {}

    public mutating func clockDidTick(_ now: Timestamp) -> Bool { false }

    public var capturesText: Bool { false }

    public var caseShown: CaseID? { nil }

    public mutating func start() -> [Command] { [] }

    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] { [] }

    /// A screen that answers only the common store tasks implements `receive(reply:)`.
    public mutating func receive(_ message: any Sendable) -> [Command] {
        guard let reply = message as? StoreReply else { return [] }
        return receive(reply: reply)
    }

    public mutating func receive(reply: StoreReply) -> [Command] { [] }

    public var formDraft: FormDraft? { nil }

    public var hasUnsavedWork: Bool { false }

    public mutating func restore(_ draft: FormDraft) -> [Command] { [] }

    /// Looks the key up in the table, then offers it as an unbound key; nil if nobody took it.
    /// A key bound but disabled here says why.
    mutating func dispatch(_ key: Key) -> [Command]? {
        let table = keyTable
        if let action = table.action(for: key) { return handle(action) }
        if let why = table.refusal(for: key) { return [.status(why, .warning)] }
        return handleUnboundKey(key)
    }

    /// The screen is asking a question answered by y or n (a table of at most three keys, y
    /// and n among them): what it asked stays on the status line while other keys are pressed.
    var asksYesOrNo: Bool {
        let table = keyTable
        return table.bindings.count <= 3 && table.action(for: .character("y")) != nil && table.action(for: .character("n")) != nil
    }

    var keyBarItems: [KeyBarItem] { keyTable.keyBarItems { _ in true } }
    var boundKeys: Set<Key> { Set(keyTable.bindings.filter(\.isEnabled).flatMap(\.keys)) }
    var helpSection: HelpSection { keyTable.helpSection(title: "Keys on the \(title) screen") }

    /// The keys a screen takes beyond its table: editing keys while a text field has the
    /// keyboard, and a form's choice and yes/no keys.
    var moreHelp: [HelpSection] {
        var sections: [HelpSection] = []
        if capturesText { sections.append(TextField.keys.helpSection(title: "Typing in a field")) }
        if self is FormScreen || self is IntakeScreen { sections.append(FormField.choiceKeys.helpSection(title: "On a choice or a yes/no field")) }
        return sections
    }
}
