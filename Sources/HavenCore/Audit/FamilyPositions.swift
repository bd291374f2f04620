import Foundation

/// Which family member each `family[i]` of a case's trail meant when it was written. A member
/// recorded by mistake can be removed and the ones after it move up a place, so one position
/// names different people over time; the trail says which, through each member's `id`: the
/// registration holds the first list, and a save that adds, removes or moves members changes
/// `family[i].id`. Replaying those gives, for each entry, the member at each position.
struct FamilyPositions: Sendable {
    /// By entry sequence: the member ids by position before the entry and after it.
    private var before: [Int: [Int?]] = [:]
    private var after: [Int: [Int?]] = [:]

    /// `history` oldest first, as the case view holds it.
    init(history: [AuditEntry]) {
        var ids: [Int?] = []
        for entry in history {
            before[entry.sequence] = ids
            for change in entry.changes {
                if change.field == CaseDiff.wholeCase {
                    ids = Self.memberIDs(inRecord: change.after)
                    continue
                }
                let path = FieldPath(change.field)
                guard path.pattern == "family[].id", let position = path.positions.first else { continue }
                while ids.count <= position { ids.append(nil) }
                ids[position] = change.after.flatMap { Int($0) }
            }
            while let last = ids.last, last == nil { ids.removeLast() }
            after[entry.sequence] = ids
        }
    }

    /// The id of the member at `position` in `entry`: the one there after the save, or, for a
    /// position the save emptied (a member removed), the one that was there. Nil when the trail
    /// does not say (an entry not in the history replayed).
    func member(at position: Int, in entry: AuditEntry) -> Int? {
        if let ids = after[entry.sequence], position < ids.count, let id = ids[position] { return id }
        if let ids = before[entry.sequence], position < ids.count, let id = ids[position] { return id }
        return nil
    }

    /// The members' ids, in order, in a registration's whole record.
    static func memberIDs(inRecord json: String?) -> [Int?] {
        guard let json, let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let family = object["family"] as? [[String: Any]] else { return [] }
        return family.map { ($0["id"] as? NSNumber)?.intValue }
    }
}
