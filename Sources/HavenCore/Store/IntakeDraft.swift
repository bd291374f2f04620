/// A half-typed intake form, kept so that a dropped connection or a crash loses nothing:
/// each field's value by its id, the field that had the focus, and, for an edit of an existing
/// case, which case and the version the edit started from (so it comes back as that edit,
/// never as a new registration, and a change made since shows as a conflict).
public struct IntakeDraft: Hashable, Codable, Sendable {
    public var savedAt: Timestamp
    public var values: [String: String]
    public var focus: String
    /// The case being edited; nil for a new registration (and in drafts kept before issue 20).
    public var editing: CaseID?
    public var basedOn: CaseVersion?
    /// The form's values as the edit started (the case at `basedOn`): what was changed here is
    /// what differs from them.
    public var baseValues: [String: String]?

    public init(savedAt: Timestamp, values: [String: String], focus: String, editing: CaseID? = nil, basedOn: CaseVersion? = nil,
                baseValues: [String: String]? = nil) {
        self.savedAt = savedAt
        self.values = values
        self.focus = focus
        self.editing = editing
        self.basedOn = basedOn
        self.baseValues = baseValues
    }

    /// "Your unsaved intake form" or "Your unsaved edit of HV-000001", for the messages offering it back.
    public var what: String { editing.map { "edit of \($0)" } ?? "intake form" }
}
