/// A half-typed form, kept so that a dropped connection or a crash loses nothing. A draft is
/// keyed by who typed it, in which session, and what the form edits (`target`): a user's
/// second session keeps its own drafts beside the first's, and a session that comes back
/// late writes only its own. Each field's value is kept by its id, with the field that had
/// the focus; for a form on an existing case, the case, the version the form was filled
/// from and the form's values then, so it comes back as that form on that case (never as a
/// new registration), and a change made since shows as a conflict.
public struct FormDraft: Hashable, Codable, Sendable {
    /// The session that typed it; "" for a draft kept before drafts were per session.
    public var session: String
    /// Which form: `intake` (a new registration), `person` (the person's details), or the
    /// key of a form on a case (`close`, `member.edit:2`); see `target`.
    public var form: String
    /// What the form is, for offering it back: "Close HV-000012".
    public var title: String
    public var savedAt: Timestamp
    public var values: [String: String]
    public var focus: String
    /// The case the form is on; nil for a new registration or a form on no case.
    public var editing: CaseID?
    public var basedOn: CaseVersion?
    /// The form's values as it was opened (the case at `basedOn`): what was changed here is
    /// what differs from them.
    public var baseValues: [String: String]?
    /// Each field's label by id, so a kept form that cannot be opened again as itself (the
    /// family member it was on was removed) is still read back whole.
    public var labels: [String: String]
    /// What the form was about, as it said then ("The 3-month follow-up of HV-000002"): a form
    /// built again on the case must be about the same, or the draft is read back instead.
    public var subject: String?
    /// The field ids in the form's order, and a choice's title where it differs from its
    /// value ("Reached a third country" for `reached-third-country`): for reading back.
    public var order: [String]
    public var shown: [String: String]
    /// Fields changed on both sides and left undecided when it was kept: asked about again
    /// when it comes back, never taken as settled.
    public var undecided: [String]

    public init(session: String = "", form: String? = nil, title: String? = nil, savedAt: Timestamp, values: [String: String], focus: String,
                editing: CaseID? = nil, basedOn: CaseVersion? = nil, baseValues: [String: String]? = nil, labels: [String: String] = [:],
                subject: String? = nil, order: [String] = [], shown: [String: String] = [:], undecided: [String] = []) {
        let form = form ?? (editing == nil ? Self.intake : Self.person)
        self.session = session
        self.form = form
        self.title = title ?? Self.defaultTitle(form: form, editing: editing)
        self.savedAt = savedAt
        self.values = values
        self.focus = focus
        self.editing = editing
        self.basedOn = basedOn
        self.baseValues = baseValues
        self.labels = labels
        self.subject = subject
        self.order = order
        self.shown = shown
        self.undecided = undecided
    }

    /// The form of a new registration, and the form editing the person's details.
    public static let intake = "intake"
    public static let person = "person"

    /// What the form edits, unique within a session: `intake`, `HV-000012.person`,
    /// `HV-000012.close`. Only letters, digits and `.:_-`, so it can name a file.
    public var target: String {
        let key = editing.map { "\($0.rawValue).\(form)" } ?? form
        return String(key.map { $0.isASCII && ($0.isLetter || $0.isNumber || ".:_-".contains($0)) ? $0 : "_" })
    }

    /// What the messages offering it back call it: "intake form", "edit of HV-000001", or the
    /// title quoted, "“Travel HV-000001”" (not a capital mid-sentence, "Your unsaved Propose
    /// allocation …"; no more words, the longest message still fits 80 columns).
    public var what: String {
        form == Self.intake ? "intake form" : form == Self.person ? "edit of \(editing?.rawValue ?? "a case")" : "\u{201C}\(title)\u{201D}"
    }

    static func defaultTitle(form: String, editing: CaseID?) -> String {
        switch form {
        case intake: "Intake"
        case person: "Edit \(editing?.rawValue ?? "")"
        default: [form, editing?.rawValue].compactMap { $0 }.joined(separator: " ")
        }
    }

    /// The fields whose value here differs from the form as it was opened.
    public var changedFields: [String] {
        values.keys.filter { values[$0] != baseValues?[$0] }.sorted()
    }

    /// The kept values as lines "Label: value", the fields changed in this form first (under
    /// "Changed here:" when the form had values before), in the form's order, a choice by its
    /// title: how a draft is read back when its form cannot be opened again.
    public func readBack() -> String {
        let known = Set(order)
        let ids = order.filter { values[$0] != nil } + values.keys.filter { !known.contains($0) }.sorted()
        func lines(_ ids: [String]) -> [String] {
            ids.filter { !(values[$0] ?? "").isEmpty || baseValues != nil }.map { "\(labels[$0] ?? $0): \(shown[$0] ?? values[$0] ?? "")" }
        }
        guard baseValues != nil else { return lines(ids).joined(separator: "\n") }
        let changed = Set(changedFields)
        // A new registration's base is the blank form: its defaults were never the person's.
        if form == Self.intake { return lines(ids.filter(changed.contains)).joined(separator: "\n") }
        let rest = ids.filter { !changed.contains($0) && !(values[$0] ?? "").isEmpty }
        return (["Changed here:"] + lines(ids.filter(changed.contains)) + (rest.isEmpty ? [] : ["", "As it was:"] + lines(rest)))
            .joined(separator: "\n")
    }

    enum CodingKeys: String, CodingKey {
        case session, form, title, savedAt, values, focus, editing, basedOn, baseValues, labels, subject, order, shown, undecided
    }

    /// Drafts kept before issue 22 have no session, form, title or labels.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let editing = try container.decodeIfPresent(CaseID.self, forKey: .editing)
        self.init(session: try container.decodeIfPresent(String.self, forKey: .session) ?? "",
                  form: try container.decodeIfPresent(String.self, forKey: .form),
                  title: try container.decodeIfPresent(String.self, forKey: .title),
                  savedAt: try container.decode(Timestamp.self, forKey: .savedAt),
                  values: try container.decode([String: String].self, forKey: .values),
                  focus: try container.decode(String.self, forKey: .focus),
                  editing: editing,
                  basedOn: try container.decodeIfPresent(CaseVersion.self, forKey: .basedOn),
                  baseValues: try container.decodeIfPresent([String: String].self, forKey: .baseValues),
                  labels: try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:],
                  subject: try container.decodeIfPresent(String.self, forKey: .subject),
                  order: try container.decodeIfPresent([String].self, forKey: .order) ?? [],
                  shown: try container.decodeIfPresent([String: String].self, forKey: .shown) ?? [:],
                  undecided: try container.decodeIfPresent([String].self, forKey: .undecided) ?? [])
    }
}
