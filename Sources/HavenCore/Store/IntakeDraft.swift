/// A half-typed intake form, kept so that a dropped connection or a crash loses nothing:
/// each field's value by its id, and the field that had the focus.
public struct IntakeDraft: Hashable, Codable, Sendable {
    public var savedAt: Timestamp
    public var values: [String: String]
    public var focus: String

    public init(savedAt: Timestamp, values: [String: String], focus: String) {
        self.savedAt = savedAt
        self.values = values
        self.focus = focus
    }
}
