/// What a user may do in Haven. Kept in the store, keyed by the OS user name.
public enum Role: String, Choice {
    case caseworker
    case supervisor
    case administrator
    case auditor

    public var title: String {
        switch self {
        case .caseworker: "Caseworker"
        case .supervisor: "Supervisor"
        case .administrator: "Administrator"
        case .auditor: "Auditor"
        }
    }

    /// Auditors read everything and change nothing.
    public var canChangeCases: Bool { self == .caseworker || self == .supervisor }
}

/// Someone acting in Haven: the OS user and the role the store gives them.
public struct Actor: Hashable, Codable, Sendable {
    public var user: UserName
    public var role: Role

    public init(user: UserName, role: Role) {
        self.user = user
        self.role = role
    }
}
