/// The open screens, bottom to top, each with an identity that stays while it is open, so an
/// answer reaches the screen that asked whichever screen is on top by then.
public struct ScreenStack {
    public struct ID: Hashable, Sendable {
        let number: Int
    }

    private(set) var entries: [(id: ID, screen: any Screen)] = []
    private var issued = 0

    init(root: any Screen) {
        _ = push(root)
    }

    public var screens: [any Screen] { entries.map(\.screen) }
    public var count: Int { entries.count }
    var top: (id: ID, screen: any Screen) { entries[entries.count - 1] }

    mutating func push(_ screen: any Screen) -> ID {
        issued += 1
        let id = ID(number: issued)
        entries.append((id, screen))
        return id
    }

    func contains(_ id: ID) -> Bool { entries.contains { $0.id == id } }

    /// Takes the screen `id` out, or nothing when it is not open.
    @discardableResult
    mutating func remove(_ id: ID) -> Bool {
        guard let index = entries.firstIndex(where: { $0.id == id }) else { return false }
        entries.remove(at: index)
        return true
    }

    /// Puts `screen` where `id` is, under a new identity (answers to the old one go nowhere).
    mutating func replace(_ id: ID, with screen: any Screen) -> ID? {
        guard let index = entries.firstIndex(where: { $0.id == id }) else { return nil }
        issued += 1
        let new = ID(number: issued)
        entries[index] = (new, screen)
        return new
    }

    /// The screen under `id`, if `id` is open and not at the bottom.
    func below(_ id: ID) -> ID? {
        guard let index = entries.firstIndex(where: { $0.id == id }), index > 0 else { return nil }
        return entries[index - 1].id
    }

    /// Runs `body` on the screen `id` in place; nil when it is not open.
    mutating func update<T>(_ id: ID, _ body: (inout any Screen) -> T) -> T? {
        guard let index = entries.firstIndex(where: { $0.id == id }) else { return nil }
        var screen = entries[index].screen
        let result = body(&screen)
        entries[index].screen = screen
        return result
    }

    var ids: [ID] { entries.map(\.id) }
}
