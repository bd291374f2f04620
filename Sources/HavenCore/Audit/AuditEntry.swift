import Foundation

/// One field changed by a save: its path and its JSON value before and after (nil when the
/// field did not exist, as in a new case).
public struct FieldChange: Hashable, Codable, Sendable {
    public var field: String
    public var before: String?
    public var after: String?

    public init(field: String, before: String?, after: String?) {
        self.field = field
        self.before = before
        self.after = after
    }
}

/// One entry of the audit trail: who changed which case (or which other record: the users),
/// when, and each field before and after.
public struct AuditEntry: Hashable, Codable, Sendable {
    /// Position in the trail, from 1 with no gaps.
    public var sequence: Int
    public var at: Timestamp
    public var user: UserName
    /// The case changed; nil for a change to something else, named by `subject`.
    public var caseID: CaseID?
    /// What was changed when it is not a case: `users` for roles.
    public var subject: String?
    public var version: CaseVersion
    public var changes: [FieldChange]

    public init(sequence: Int, at: Timestamp, user: UserName, caseID: CaseID?, subject: String? = nil,
                version: CaseVersion, changes: [FieldChange]) {
        self.sequence = sequence
        self.at = at
        self.user = user
        self.caseID = caseID
        self.subject = subject
        self.version = version
        self.changes = changes
    }

    /// What the entry is about: the case number, or the subject.
    public var target: String { caseID?.rawValue ?? subject ?? "?" }

    /// Subjects that are events of the store, not versions of a record: their version is always 1.
    public static let eventSubjects: Set<String> = ["export", "publicity", "repair", "compaction"]

    /// What the entry is about, as the audit screen names it: a case or list and its version
    /// ("HV-000001 v3", "users v9"), or an event of the store alone ("compaction", "export").
    public var reference: String {
        if caseID == nil, let subject, Self.eventSubjects.contains(subject) { return subject }
        return "\(target) \(version)"
    }
}

/// Which audit entries to show: by user, by case, and from and to a date (both inclusive).
public struct AuditFilter: Hashable, Sendable {
    public var user: UserName?
    public var caseID: CaseID?
    public var from: CalendarDate?
    public var to: CalendarDate?

    public init(user: UserName? = nil, caseID: CaseID? = nil, from: CalendarDate? = nil, to: CalendarDate? = nil) {
        self.user = user
        self.caseID = caseID
        self.from = from
        self.to = to
    }

    public func matches(_ entry: AuditEntry) -> Bool {
        if let user, entry.user != user { return false }
        if let caseID, entry.caseID != caseID { return false }
        if let from, entry.at.date < from { return false }
        if let to, entry.at.date > to { return false }
        return true
    }

    public var isEmpty: Bool { user == nil && caseID == nil && from == nil && to == nil }
}

/// The fields that differ between two versions of a case, by dotted JSON path
/// (`defector.birthPlace`, `notes[2].text`), each with its JSON value before and after.
/// A new case is one change, `case`, holding the whole record: listing each of its fields
/// would multiply the trail's size several times over for nothing. Sensitive fields
/// (`SensitiveField`) are recorded as changed without their values, and left out of a new
/// case's record: the trail is read by more people than the family screen.
public enum CaseDiff {
    /// What the trail holds in place of a sensitive value.
    public static let withheld = "\"(sensitive: not recorded)\""

    public static let wholeCase = "case"

    public static func changes(from old: Case?, to new: Case) -> [FieldChange] {
        guard let old else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.userInfo[SensitiveField.leaveOutKey] = true
            let json = (try? encoder.encode(new)).map { String(decoding: $0, as: UTF8.self) }
            return [FieldChange(field: wholeCase, before: nil, after: json)]
        }
        // Only the parts of the case that differ are encoded and flattened: a save that adds a
        // note encodes the notes, not the whole case twice (a tenth of the work at demo sizes).
        var before: [String: String] = [:]
        var after: [String: String] = [:]
        for (_, compare) in parts { compare(old, new, &before, &after) }
        return Set(before.keys).union(after.keys).sorted().compactMap { field in
            let b = before[field], a = after[field]
            // An empty list or object that gained (or lost) its first element is told by
            // the element's own fields, not as a change of its own.
            if (b == "[]" || b == "{}") && a == nil || (a == "[]" || a == "{}") && b == nil { return nil }
            guard b != a else { return nil }
            guard SensitiveField.isSensitive(path: field) else { return FieldChange(field: field, before: b, after: a) }
            return FieldChange(field: field, before: b.map { _ in withheld }, after: a.map { _ in withheld })
        }
    }

    typealias PartComparison = @Sendable (Case, Case, inout [String: String], inout [String: String]) -> Void

    /// One part of a case compared: when it differs, its leaves before and after, under `key`.
    static func part<Value: Encodable & Equatable>(_ key: String, _ value: @escaping @Sendable (Case) -> Value?) -> (String, PartComparison) {
        (key, { old, new, before, after in
            let was = value(old), now = value(new)
            guard was != now else { return }
            if let was { flatten(was, path: key, into: &before) }
            if let now { flatten(now, path: key, into: &after) }
        })
    }

    /// Every stored property of `Case`, by its JSON key; `CaseDiffTests` fails when a property
    /// is added to the case and not here (its changes would not reach the audit trail).
    static let parts: [(String, PartComparison)] = [
        part("allocation") { $0.allocation }, part("appointments") { $0.appointments.isEmpty ? nil : $0.appointments },
        part("assignedTo") { $0.assignedTo }, part("assignment") { $0.assignment }, part("closure") { $0.closure },
        part("decision") { $0.decision }, part("defector") { $0.defector }, part("family") { $0.family }, part("id") { $0.id },
        part("integration") { $0.integration }, part("notes") { $0.notes }, part("publicity") { $0.publicity },
        part("registeredAt") { $0.registeredAt }, part("registeredBy") { $0.registeredBy }, part("relocation") { $0.relocation },
        part("restriction") { $0.restriction }, part("returnedAllocations") { $0.returnedAllocations }, part("screening") { $0.screening }, part("stage") { $0.stage }, part("stageHistory") { $0.stageHistory },
    ]

    /// The JSON keys of a case that `changes(from:to:)` compares one by one.
    static var topLevelKeys: [String] { parts.map(\.0) }

    /// The leaves of one part of a case, under `path`.
    static func flatten<Value: Encodable>(_ value: Value, path: String, into fields: inout [String: String]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value),
              let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return }
        flatten(object, path: path, into: &fields)
    }

    /// Every leaf of the value's JSON form by its dotted path (`defector.languages[0].level`).
    static func flatten<Value: Encodable>(_ record: Value) -> [String: String] {
        flatten(record, leavingOutSensitive: false)
    }

    /// Every leaf, as `flatten(_:)`; with `leavingOutSensitive`, without the sensitive family fields.
    static func flatten<Value: Encodable>(_ record: Value, leavingOutSensitive: Bool) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if leavingOutSensitive { encoder.userInfo[SensitiveField.leaveOutKey] = true }
        guard let data = try? encoder.encode(record),
              let object = try? JSONSerialization.jsonObject(with: data) else { return [:] }
        var fields: [String: String] = [:]
        flatten(object, path: "", into: &fields)
        return fields
    }

    static func flatten(_ value: Any, path: String, into fields: inout [String: String]) {
        switch value {
        case let object as [String: Any]:
            if object.isEmpty { fields[path] = "{}" }
            for (key, child) in object { flatten(child, path: path.isEmpty ? key : "\(path).\(key)", into: &fields) }
        case let array as [Any]:
            if array.isEmpty { fields[path] = "[]" }
            for (index, child) in array.enumerated() { flatten(child, path: "\(path)[\(index)]", into: &fields) }
        default:
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes])
            fields[path] = data.map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
        }
    }
}
