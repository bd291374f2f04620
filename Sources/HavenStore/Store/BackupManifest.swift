import Foundation
import HavenCore

/// `backup.json`: what a backup holds and how to tell it is whole. Written last, so a backup
/// without one never finished (docs/store-format.md, "Backups").
public struct BackupManifest: Codable, Hashable, Sendable {
    public static let fileName = "backup.json"
    public static let formatName = "haven-backup"
    public static let currentFormatVersion = 1

    /// One file of the copy, by its path inside the backup (`cases.jsonl`, `quarantine/…`).
    public struct File: Codable, Hashable, Sendable {
        public var name: String
        public var bytes: Int
        /// SHA-256 of the file's bytes, 64 lower-case hex digits.
        public var sha256: String

        public init(name: String, bytes: Int, sha256: String) {
            self.name = name
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    /// Something of the store the backup does not hold, and why.
    public struct Omission: Codable, Hashable, Sendable {
        public var name: String
        public var reason: String

        public init(name: String, reason: String) {
            self.name = name
            self.reason = reason
        }
    }

    /// Always `haven-backup`.
    public var format: String
    /// The version of this manifest's shape: 1.
    public var formatVersion: Int
    /// The store's `schemaVersion` (store.json) at the backup's moment.
    public var schemaVersion: Int
    /// The backup's moment (UTC): every save acknowledged before it is in the copy.
    public var takenAt: Timestamp
    /// The OS account that ran the backup.
    public var takenBy: UserName
    /// The machine and the store directory it was taken from.
    public var host: String
    public var store: String
    /// At the moment: how many cases, how many saved versions (lines of the log), and the
    /// sequence of the last audit entry.
    public var caseCount: Int
    public var recordCount: Int
    public var lastAuditSequence: Int
    public var files: [File]
    /// What was left out: the queue index (a cache), drafts this account may not read, a torn
    /// last line (never acknowledged).
    public var notCopied: [Omission]

    public init(schemaVersion: Int, takenAt: Timestamp, takenBy: UserName, host: String, store: String,
                caseCount: Int, recordCount: Int, lastAuditSequence: Int, files: [File], notCopied: [Omission]) {
        format = Self.formatName
        formatVersion = Self.currentFormatVersion
        self.schemaVersion = schemaVersion
        self.takenAt = takenAt
        self.takenBy = takenBy
        self.host = host
        self.store = store
        self.caseCount = caseCount
        self.recordCount = recordCount
        self.lastAuditSequence = lastAuditSequence
        self.files = files
        self.notCopied = notCopied
    }

    /// Bytes in all the files.
    public var totalBytes: Int { files.reduce(0) { $0 + $1.bytes } }

    /// Pretty-printed with sorted keys (as the store's files): a person reads it with `cat` or `jq`.
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [10]
    }

    /// Whether `name` is a path a backup may hold: a store file, or a plain name in
    /// `quarantine/` or `drafts/`. A manifest naming anything else (`../x`, `/etc/x`) is
    /// refused, so a forged manifest cannot make a restore write outside the new store.
    static func isStorePath(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        func plain(_ part: Substring) -> Bool { !part.isEmpty && part != "." && part != ".." && !part.hasPrefix(".") }
        switch parts.count {
        case 1: return StoreBackup.topLevelFiles.contains(name)
        case 2: return [FileCaseStore.quarantineDirectory, FileCaseStore.draftsDirectory].contains(String(parts[0])) && plain(parts[1])
        default: return false
        }
    }
}
