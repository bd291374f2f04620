/// What one person keeps for themselves across sessions: the filters they saved for the
/// approvals queue. Theirs alone (owner-only on disk), never part of a case or the audit
/// trail, and not copied into backups: losing it costs a few keys, never a record.
public struct UserSettings: Hashable, Codable, Sendable {
    /// The approvals queue's saved filters, in the order saved (at most `maximumFilters`).
    public var approvalFilters: [ApprovalFilter]
    /// The My work lines dismissed (`WorkItem.id`), only those still standing: a line that
    /// went away on its own is forgotten the next time the list is saved.
    public var dismissedWork: [String]

    public static let maximumFilters = 9

    public init(approvalFilters: [ApprovalFilter] = [], dismissedWork: [String] = []) {
        self.approvalFilters = approvalFilters
        self.dismissedWork = dismissedWork
    }

    /// `filter` saved: last in the list, once (saved again, it moves to the end); the oldest
    /// goes when the list is full.
    public func saving(_ filter: ApprovalFilter) -> UserSettings {
        var next = self
        next.approvalFilters.removeAll { $0 == filter }
        next.approvalFilters.append(filter)
        if next.approvalFilters.count > Self.maximumFilters { next.approvalFilters.removeFirst(next.approvalFilters.count - Self.maximumFilters) }
        return next
    }

    enum CodingKeys: String, CodingKey { case approvalFilters, dismissedWork }

    /// Settings written by a later Haven may hold more: what is not known here is left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        approvalFilters = try container.decodeIfPresent([ApprovalFilter].self, forKey: .approvalFilters) ?? []
        dismissedWork = try container.decodeIfPresent([String].self, forKey: .dismissedWork) ?? []
    }
}
