import Foundation

/// One change of the audit trail as people read it: the case section, the field as the
/// screens name it, and the values as the screens show them, e.g. `Family · Жукова Анна
/// (spouse) · document "Birth certificate" gathered: — → 2026-11-03`. The trail itself keeps
/// its dotted paths and JSON values (it is hash-chained); this is only how it is shown, and
/// `field` keeps the exact path for an auditor who needs it.
public struct FieldWording: Hashable, Sendable {
    /// The case view's section the field belongs to ("Family", "Allocation"), or what else
    /// the entry is about ("Users", "Host countries").
    public var section: String
    /// The field, with the element it belongs to named: `factor Job fit points`.
    public var label: String
    public var before: String
    public var after: String
    /// The path as the trail holds it (`family[0].documents[2].gathered`).
    public var field: String
    /// A sensitive family field: the trail says it changed, never to what, and neither does this.
    public var isWithheld: Bool

    public init(section: String, label: String, before: String, after: String, field: String, isWithheld: Bool = false) {
        self.section = section
        self.label = label
        self.before = before
        self.after = after
        self.field = field
        self.isWithheld = isWithheld
    }

    /// The label and the values: `document "Birth certificate" gathered: — → 2026-11-03`.
    public var change: String {
        if field == CaseDiff.wholeCase { return label }
        if isWithheld { return "\(label): changed (not recorded)" }
        return "\(label): \(before) → \(after)"
    }

    /// The whole line: `Allocation · factor Job fit points: 12 → 18`.
    public var line: String { "\(section) · \(change)" }
}

/// Words for the audit trail's field changes. Made once for a case (its current record and
/// its trail, oldest first) it names family members and other list elements from them; made
/// with neither it still words every field, naming elements from the entry itself or by
/// their place in the list. A path it does not know (a field added later) reads as its keys
/// split into words, never as a failure.
public struct AuditWording: Sendable {
    let record: Case?
    /// The record's fields by path, to name the elements a change belongs to (sensitive
    /// fields left out: nothing here ever shows where a family member is).
    let recordValues: [String: String]
    let positions: FamilyPositions

    public init(record: Case?, history: [AuditEntry] = []) {
        self.record = record
        recordValues = record.map { CaseDiff.flatten($0, leavingOutSensitive: true) } ?? [:]
        positions = FamilyPositions(history: history)
    }

    /// One change, with `record` at hand (or not), outside any entry.
    public static func describe(_ change: FieldChange, in record: Case?) -> FieldWording {
        AuditWording(record: record).describe(change)
    }

    /// Every change of `entry`, in its order; a sum of money changed in both amount and
    /// currency is one change. `condensed` (the case's History section, not the audit trail's
    /// detail or an export, which show every change): an empty value that became another empty
    /// one ("Why not the runner-up: — → —") is left out, and so is each return a withdrawal
    /// moves from the proposal to the case, or the next proposal takes back
    /// (`allocation.returnedBefore[i]`, `returnedAllocations[i]`): an element removed from one
    /// list and an element added to the other that read the same, field for field.
    public func describe(_ entry: AuditEntry, condensed: Bool = false) -> [FieldWording] {
        var sums: Set<String> = []
        let lines = entry.changes.compactMap { change -> FieldWording? in
            let wording = describe(change, in: entry)
            guard let dot = change.field.lastIndex(of: "."),
                  ["minorUnits", "currency"].contains(change.field[change.field.index(after: dot)...]) else { return wording }
            return sums.insert(String(change.field[..<dot])).inserted ? wording : nil
        }
        guard condensed else { return lines }
        let shown = lines.filter { $0.isWithheld || $0.before != ValueWording.none || $0.after != ValueWording.none }
        // Each return element's lines, by its path ("returnedAllocations[0]"), and what they say.
        func element(_ line: FieldWording) -> String? {
            guard !line.isWithheld, line.field.hasPrefix("allocation.returnedBefore[") || line.field.hasPrefix("returnedAllocations["),
                  let close = line.field.firstIndex(of: "]") else { return nil }
            return String(line.field[...close])
        }
        var removed: [String: [String]] = [:], added: [String: [String]] = [:], mixed: Set<String> = []
        for line in shown {
            guard let key = element(line) else { continue }
            if line.after == ValueWording.none { removed[key, default: []].append(line.label + "=" + line.before) }
            else if line.before == ValueWording.none { added[key, default: []].append(line.label + "=" + line.after) }
            else { mixed.insert(key) }
        }
        // An element changed in place (a value to another, or some lines gone and some come) is no move.
        mixed.formUnion(Set(removed.keys).intersection(added.keys))
        var unpaired = added.filter { !mixed.contains($0.key) }.map { (key: $0.key, says: $0.value.sorted()) }.sorted { $0.key < $1.key }
        var moved: Set<String> = []
        for (key, says) in removed.filter({ !mixed.contains($0.key) }).sorted(by: { $0.key < $1.key }) {
            let whole = says.sorted()
            guard let match = unpaired.firstIndex(where: { $0.says == whole }) else { continue }
            moved.insert(key)
            moved.insert(unpaired.remove(at: match).key)
        }
        return shown.filter { line in element(line).map { !moved.contains($0) } ?? true }
    }

    /// One change, read with the rest of `entry` (which names the elements a save added or
    /// removed, and says which family member a position meant).
    public func describe(_ change: FieldChange, in entry: AuditEntry? = nil) -> FieldWording {
        if let other = Self.otherRecord(change) { return other }
        if change.field == CaseDiff.wholeCase {
            return FieldWording(section: "Case", label: "Registered the case", before: ValueWording.none, after: "the whole record",
                                field: change.field)
        }
        let lookup = lookup(for: change, in: entry)
        let known = Self.caseField(lookup) ?? Self.unknownField(lookup)
        switch known.kind {
        case .withheld:
            return FieldWording(section: known.section, label: known.label, before: ValueWording.notRecorded,
                                after: ValueWording.notRecorded, field: change.field, isWithheld: true)
        case .money:
            let (before, after) = money(of: change, lookup)
            return FieldWording(section: known.section, label: known.label, before: before, after: after, field: change.field)
        default:
            return FieldWording(section: known.section, label: known.label, before: ValueWording.text(change.before, as: known.kind),
                                after: ValueWording.text(change.after, as: known.kind), field: change.field)
        }
    }

    /// A field of a case the wording does not know (one added after it): its section by its
    /// first key, its keys split into words (after the member, for a family member's), its
    /// values read as their form allows.
    static func unknownField(_ at: WordingLookup) -> CaseField {
        let path = at.path
        let kind: ValueKind = SensitiveField.isSensitive(path: path.text) ? .withheld : .plain
        if path.pattern.hasPrefix("family[]."), path.steps.count > 2 {
            let rest = FieldPath(String(path.text.drop { $0 != "." }.dropFirst()))
            return CaseField("Family", "\(at.memberName()) · \(FieldName.readable(rest, capitalised: false))", kind)
        }
        let section = path.keys.first.flatMap(section(ofTopLevel:))
        return CaseField(section ?? "Case", FieldName.readable(path, droppingFirstKey: section != nil), kind)
    }

    func lookup(for change: FieldChange, in entry: AuditEntry?) -> WordingLookup {
        var siblings: [String: FieldChange] = [:]
        for other in entry?.changes ?? [change] { siblings[other.field] = other }
        return WordingLookup(path: FieldPath(change.field), siblings: siblings, recordValues: recordValues, record: record,
                             memberID: { position in entry.flatMap { positions.member(at: position, in: $0) } })
    }

    /// A sum of money before and after, from its amount and currency (`…reward.minorUnits`,
    /// `…reward.currency`), each from this save or, where the save left it alone, the record.
    private func money(of change: FieldChange, _ lookup: WordingLookup) -> (String, String) {
        let object = String(change.field.prefix(upTo: change.field.lastIndex(of: ".")!))
        func part(_ key: String, after: Bool) -> String? {
            if let changed = lookup.siblings["\(object).\(key)"] { return (after ? changed.after : changed.before).map(ValueWording.decoded) }
            return object.hasPrefix("family[") ? nil : recordValues["\(object).\(key)"].map(ValueWording.decoded)
        }
        func text(after: Bool) -> String {
            guard let minorUnits = part("minorUnits", after: after) else { return ValueWording.none }
            return ValueWording.text(minorUnits, as: .money(currency: part("currency", after: after)))
        }
        return (text(after: false), text(after: true))
    }

    /// The case view's section for a top-level key of a case, for a path the wording does not know.
    static func section(ofTopLevel key: String) -> String? {
        switch key {
        case "defector": "Person"
        case "screening": "Screening"
        case "decision": "Decision"
        case "allocation", "relocation": "Allocation"
        case "integration": "Integration"
        case "family": "Family"
        case "publicity": "Publicity"
        case "notes": "Notes"
        default: nil
        }
    }
}
