/// A field-by-field three-way merge of a form's values: the form as this session opened it
/// (`base`), as this session has it (`mine`) and as the store has it now (`theirs`). A field
/// changed on one side only takes that side's value; a field changed on both sides to
/// different values is a clash, left for the person to choose (`ConflictScreen`), never
/// settled here: `merged` holds this session's value for it until they do.
public struct FormMerge: Equatable, Sendable {
    public var merged: [String: String]
    /// The fields changed here, kept.
    public var kept: [String]
    /// The fields changed on both sides to different values, in id order.
    public var clashes: [String]

    /// - Parameter undecided: fields left undecided at an earlier conflict (Esc on the
    ///   conflict screen): still a clash while this session's value differs from theirs, even
    ///   though theirs is now the base, so a second reload never settles them silently.
    public init(base: [String: String], mine: [String: String], theirs: [String: String], undecided: Set<String> = []) {
        merged = theirs
        kept = []
        clashes = []
        for id in Set(mine.keys).union(theirs.keys).sorted() {
            let original = base[id] ?? theirs[id] ?? ""
            guard let value = mine[id] else { continue }
            let open = undecided.contains(id) && theirs[id] != value
            guard value != original || open else { continue }
            merged[id] = value
            kept.append(id)
            if let other = theirs[id], other != value, other != original || open { clashes.append(id) }
        }
    }
}
