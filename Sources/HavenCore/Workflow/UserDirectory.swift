/// One user's entry: their OS user name, their role, and who gave it to them when.
public struct UserAccount: Hashable, Codable, Sendable {
    public var name: UserName
    public var role: Role
    public var addedBy: UserName
    public var addedAt: Timestamp
    /// The team they work in, when the programme sets teams: a caseworker sees their team's
    /// cases in full (`NeedToKnow`). Nil (and absent from the file) when none.
    public var team: String?

    public init(name: UserName, role: Role, addedBy: UserName, addedAt: Timestamp, team: String? = nil) {
        self.team = team
        self.name = name
        self.role = role
        self.addedBy = addedBy
        self.addedAt = addedAt
    }
}

/// A change to who may use Haven.
public enum UserChange: Hashable, Sendable {
    /// Adds a user, or gives an existing one another role.
    case add(UserName, Role)
    case remove(UserName)
    /// Puts a user in a team, or in none (nil).
    case setTeam(UserName, String?)

    public var user: UserName {
        switch self {
        case let .add(name, _), let .remove(name), let .setTeam(name, _): name
        }
    }
}

/// Why a change to the users was refused.
public enum UserDirectoryError: Error, Equatable, Sendable, CustomStringConvertible {
    case notPermitted(Role)
    case unknownUser(UserName)
    case lastAdministrator(UserName)
    case unchanged(UserName, Role)
    case noSuchAccount(String)
    case badTeamName(String)
    case teamUnchanged(UserName, String?)
    /// A session acting in a role the store no longer gives its user.
    case roleChanged(UserName, now: Role?, claimed: Role)

    public var description: String {
        switch self {
        case let .notPermitted(role):
            WorkflowError.notPermitted(.manageUsers, role: role).description
        case let .unknownUser(name): "\(name) has no role in this store."
        case let .lastAdministrator(name):
            "\(name) is the only administrator; make someone else an administrator first."
        case let .unchanged(name, role): "\(name) is already \(role.withArticle)."
        case let .noSuchAccount(name): "There is no user account '\(name)' on this server."
        case let .teamUnchanged(name, nil): "\(name) is in no team already."
        case let .teamUnchanged(name, team?): "\(name) is in team \(team) already."
        case let .badTeamName(name):
            "'\(name)' is not a team name: 1 to 40 Latin letters, digits, '-', '_' or '.'."
        case let .roleChanged(name, nil, _): "\(name) has no role in this store (any more); ask an administrator."
        case let .roleChanged(name, now?, claimed):
            "\(name) is now \(now.withArticle) in this store, not \(claimed.withArticle); start Haven again."
        }
    }
}

/// Who may use a store and in which role, keyed by OS user name. An OS user who is not here
/// is refused at start. Changes go through `applying`, which only administrators pass, and
/// which never leaves the store without an administrator.
public struct UserDirectory: Hashable, Codable, Sendable {
    public private(set) var users: [UserAccount]

    public init(users: [UserAccount] = []) {
        self.users = users.sorted { $0.name.rawValue < $1.name.rawValue }
    }

    /// A new store's directory: the user who created it is its first administrator.
    public static func founding(_ administrator: UserName, at time: Timestamp) -> UserDirectory {
        UserDirectory(users: [UserAccount(name: administrator, role: .administrator, addedBy: administrator, addedAt: time)])
    }

    public func account(_ name: UserName) -> UserAccount? { users.first { $0.name == name } }

    /// The actor `name` acts as, or nil when they have no role here.
    public func actor(for name: UserName) -> Actor? { account(name).map { Actor(user: $0.name, role: $0.role) } }

    /// Refuses an actor whose role is not the one this directory gives them now: a user removed
    /// or given another role while a session was open cannot go on acting in the old one.
    public func verify(_ actor: Actor) throws(UserDirectoryError) {
        let now = account(actor.user)?.role
        guard now == actor.role else { throw .roleChanged(actor.user, now: now, claimed: actor.role) }
    }

    public func users(in role: Role) -> [UserAccount] { users.filter { $0.role == role } }

    /// The users who can be given cases: caseworkers and supervisors.
    public var assignable: [UserAccount] { users.filter { $0.role.may(.editCase) } }

    /// The directory after `change` made by `actor`; refused unless `actor` is an administrator
    /// or if no administrator would be left.
    public func applying(_ change: UserChange, by actor: Actor, at time: Timestamp) throws(UserDirectoryError) -> UserDirectory {
        guard actor.role.may(.manageUsers), account(actor.user)?.role == .administrator else {
            throw .notPermitted(actor.role)
        }
        var next = users.filter { $0.name != change.user }
        switch change {
        case let .add(name, role):
            if let existing = account(name), existing.role == role { throw .unchanged(name, role) }
            next.append(UserAccount(name: name, role: role, addedBy: actor.user, addedAt: time, team: account(name)?.team))
        case let .remove(name):
            guard account(name) != nil else { throw .unknownUser(name) }
        case let .setTeam(name, team):
            guard var existing = account(name) else { throw .unknownUser(name) }
            if let team, !Self.isTeamName(team) { throw .badTeamName(team) }
            guard existing.team != team else { throw .teamUnchanged(name, team) }
            existing.team = team
            next.append(existing)
        }
        guard next.contains(where: { $0.role == .administrator }) else { throw .lastAdministrator(change.user) }
        return UserDirectory(users: next)
    }

    /// The audit entry's field changes for `change`: `users.NAME.role` before and after.
    public func fieldChanges(to next: UserDirectory, for name: UserName) -> [FieldChange] {
        let before = account(name).map { "\"\($0.role.rawValue)\"" }
        let after = next.account(name).map { "\"\($0.role.rawValue)\"" }
        var changes: [FieldChange] = []
        if before != after { changes.append(FieldChange(field: "users.\(name.rawValue).role", before: before, after: after)) }
        let teamBefore = account(name)?.team.map { "\"\($0)\"" }, teamAfter = next.account(name)?.team.map { "\"\($0)\"" }
        if teamBefore != teamAfter { changes.append(FieldChange(field: "users.\(name.rawValue).team", before: teamBefore, after: teamAfter)) }
        return changes
    }

    /// A team's name: 1 to 40 Latin letters, digits, `-`, `_`, `.`.
    public static func isTeamName(_ name: String) -> Bool {
        (1...40).contains(name.count) && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }

    /// The members of `team`.
    public func members(of team: String) -> [UserName] { users.filter { $0.team == team }.map(\.name) }
}
