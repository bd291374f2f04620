import Foundation
import Glibc
import HavenCore

/// `users.json`: who may use the store and in which role, `{"revision": 3, "users": [...]}`.
/// Replaced whole (written beside, fsynced, renamed) under the store's exclusive lock, and
/// every change is an audit entry with subject `users`.
struct UsersFile: Codable {
    var revision: Int
    var users: [UserAccount]
}

extension FileCaseStore {
    public static let usersFile = "users.json"

    var usersPath: String { directory.appendingPathComponent(Self.usersFile).path }

    /// The store's users. A store made before roles existed has no file: its creator is then
    /// its only user, as administrator, until the first change writes the file.
    func readUsers() throws -> (directory: UserDirectory, revision: Int) {
        try Self.readUsers(at: usersPath, manifest: manifest)
    }

    /// The users file at `path`, or, when there is none, the manifest's creator as the only
    /// administrator (revision 0).
    static func readUsers(at path: String, manifest: StoreManifest) throws -> (directory: UserDirectory, revision: Int) {
        guard let file = try readKeptFile(UsersFile.self, at: path, kind: "users") else {
            return (UserDirectory.founding(manifest.createdBy, at: manifest.createdAt), 0)
        }
        return (UserDirectory(users: file.users), file.revision)
    }

    static func writeUsers(_ users: UserDirectory, revision: Int, to path: String, manifest: StoreManifest) throws {
        try writeKeptFile(UsersFile(revision: revision, users: users.users), to: path, manifest: manifest)
    }

    /// A small JSON file the store keeps whole (`users.json`, `countries.json`): nil when there
    /// is none; a file that cannot be read or decoded is named, never taken as absent.
    static func readKeptFile<T: Decodable>(_ type: T.Type, at path: String, kind: String) throws -> T? {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) {
                throw StoreError.unavailable("\(path) cannot be read; check its permissions")
            }
            return nil
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw StoreError.damaged(file: path, position: "whole file", reason: "not a Haven \(kind) file (\(error)); run 'haven check'")
        }
    }

    /// Replaces a kept file whole (written beside, fsynced, renamed), with the store's mode and group.
    static func writeKeptFile<T: Encodable>(_ value: T, to path: String, manifest: StoreManifest) throws {
        let bytes = Array(try CaseRecordLine.encoder.encode(value)) + [10]
        try PosixFile.replaceDurably(path, with: bytes, mode: manifest.fileMode, group: manifest.group.flatMap { getgrnam($0)?.pointee.gr_gid })
    }

    /// An administrator's change as one change: the kept file replaced, then the audit entry
    /// that records it; when the entry cannot be written the file is put back as it was, so
    /// no change is in force that the trail does not record.
    func replaceKeptFile<T: Encodable>(_ value: T, at path: String, audited entry: AuditEntry) throws {
        let previous = FileManager.default.contents(atPath: path)
        try Self.writeKeptFile(value, to: path, manifest: manifest)
        do {
            try appendAudit(entry)
        } catch {
            if let previous {
                try? PosixFile.replaceDurably(path, with: Array(previous), mode: manifest.fileMode, group: groupID)
            } else if PosixFile.unlink(path) {
                try? PosixFile.syncDirectory(directory.path)
            }
            throw StoreError.unavailable("\(error); the change was not made")
        }
    }

    public func users() throws -> UserDirectory {
        try withStoreLock(.shared) { try readUsers().directory }
    }

    /// Applies `change` as HavenCore allows it (administrators only, never the last
    /// administrator), writes the file and audits the change, all under the exclusive lock.
    public func changeUsers(_ change: UserChange, by actor: Actor, at time: Timestamp) throws -> UserDirectory {
        try withWriteLock {
            let (current, revision) = try readUsers()
            try requireCurrentRole(actor, in: current)
            let next: UserDirectory
            do {
                next = try current.applying(change, by: actor, at: time)
            } catch {
                throw StoreError.forbidden("\(error)")
            }
            try replaceKeptFile(UsersFile(revision: revision + 1, users: next.users), at: usersPath,
                                audited: AuditEntry(sequence: lastAuditSequence + 1, at: time, user: actor.user, caseID: nil, subject: "users",
                                                    version: CaseVersion(revision + 1), changes: current.fieldChanges(to: next, for: change.user)))
            return next
        }
    }

    /// Refuses an actor whose role is not the one the store gives them now (HavenCore's rule,
    /// on the users file as it is on disk under the lock).
    func requireCurrentRole(_ actor: Actor, in users: UserDirectory? = nil) throws {
        do {
            try (users ?? readUsers().directory).verify(actor)
        } catch let error as UserDirectoryError {
            throw StoreError.forbidden(error.description)
        }
    }
}

extension FileCaseStore {
    /// The users of the store at `directory`, read without opening it (so nothing is repaired
    /// or written): for commands such as `check` that must not change the store.
    public static func users(at directory: URL) throws -> UserDirectory {
        try StorePermissions.checkReadable(directory.path)
        let manifestPath = directory.appendingPathComponent(manifestFile).path
        guard let data = FileManager.default.contents(atPath: manifestPath),
              let manifest = try? JSONDecoder().decode(StoreManifest.self, from: data) else {
            throw StoreError.unavailable("\(directory.path) is not a Haven store")
        }
        return try readUsers(at: directory.appendingPathComponent(usersFile).path, manifest: manifest).directory
    }
}
