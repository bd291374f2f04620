import Foundation
import HavenCore

/// `store.json`: what kind of store this is and which format version its files follow.
public struct StoreManifest: Codable, Hashable, Sendable {
    public static let currentSchemaVersion = 1
    public static let formatName = "haven-store"

    public enum Kind: String, Codable, Sendable {
        /// Real cases.
        case live
        /// Made-up cases written by `haven demo`; only a demo store may be overwritten by it.
        case demo
    }

    public var format: String
    public var schemaVersion: Int
    public var kind: Kind
    public var createdAt: Timestamp
    public var createdBy: UserName
    /// The Unix group that shares the store, when it is shared (`haven init --group`).
    public var group: String?

    public init(kind: Kind, createdAt: Timestamp, createdBy: UserName, group: String?) {
        format = Self.formatName
        schemaVersion = Self.currentSchemaVersion
        self.kind = kind
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.group = group
    }

    /// File mode for the store's files: owner only, or owner and group for a shared store.
    var fileMode: mode_t { group == nil ? 0o600 : 0o660 }
    /// Directory mode: 0700, or 2770 (setgid, so new files keep the group) when shared.
    var directoryMode: mode_t { group == nil ? 0o700 : 0o2770 }
}

/// A problem found in a store: the file, where in it, and what is wrong.
public struct StoreProblem: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        /// Something was wrong and has been dealt with (a torn write set aside).
        case repaired
        /// Something is wrong and needs a person.
        case damaged
        /// Something limits this session, not the store (a read-only file system, a full disk).
        case warning
    }

    public let severity: Severity
    public let file: String
    public let position: String
    public let message: String

    public init(_ severity: Severity, file: String, position: String = "", message: String) {
        self.severity = severity
        self.file = file
        self.position = position
        self.message = message
    }

    public var description: String {
        "\(severity.rawValue): \(file)\(position.isEmpty ? "" : ", \(position)"): \(message)"
    }
}
