import Foundation
import HavenCore

/// Drafts: `drafts/USER~SESSION~TARGET.json`, one file per form a session keeps, owner-only
/// (0600) even in a group store, since a half-typed form is its writer's alone. Each is written
/// beside and renamed, with the directory fsynced, so a draft is whole or absent.
///
/// A running session holds an exclusive `flock` on `drafts/USER~SESSION.session` for as long
/// as its store is open: the kernel lets it go when the process ends, however it ends, so a
/// draft whose session file can be locked (or has none) belongs to a session that is over,
/// and is offered to the next. A draft kept before drafts were per session
/// (`drafts/USER.json`) is read as one of a session that is over.
extension FileCaseStore {
    static let draftSeparator = "~"

    var draftsFolder: String { directory.appendingPathComponent(Self.draftsDirectory).path }

    /// Nothing is written until the session keeps its first draft (a session that types
    /// nothing, an auditor's, changes no file of the store): then its session file is created
    /// and locked before the draft is written, so no draft is ever without its lock.
    public func beginSession(_ session: String, for user: UserName) throws {
        guard readOnlyReason == nil else { return }
        let key = "\(user.rawValue)\(Self.draftSeparator)\(session)"
        if isRunning("\(draftsFolder)/\(key).session") {
            throw StoreError.unavailable("session \(session) of \(user) is already running")
        }
        removeOverSessionFiles(of: user)
        startedSessions.insert(key)
    }

    /// The session file of a session, created and locked at its first draft (a store that
    /// keeps a draft for a session not begun here begins it). The lock is on the file at the
    /// path: another session clearing over sessions' files may unlink it between the open and
    /// the lock, so the locked file is checked to be the one at the path, and opened again if
    /// not; a draft is never written without its lock held.
    func lockSession(_ session: String, for user: UserName) throws {
        let key = "\(user.rawValue)\(Self.draftSeparator)\(session)"
        guard sessionLocks[key] == nil else { return }
        startedSessions.insert(key)
        try makeDraftsFolder()
        let path = "\(draftsFolder)/\(key).session"
        for _ in 0..<5 {
            let file = try PosixFile(path: path, flags: O_RDWR | O_CREAT, mode: 0o600)
            guard flock(file.descriptor, LOCK_EX | LOCK_NB) == 0 else {
                throw StoreError.unavailable("session \(session) of \(user) is already running")
            }
            var held = stat(), atPath = stat()
            if fstat(file.descriptor, &held) == 0, stat(path, &atPath) == 0, held.st_ino == atPath.st_ino, held.st_dev == atPath.st_dev {
                sessionLocks[key] = file
                return
            }
        }
        throw StoreError.unavailable("the session file \(path) keeps being replaced; no draft is kept")
    }

    public func endSession(_ session: String, for user: UserName) {
        let key = "\(user.rawValue)\(Self.draftSeparator)\(session)"
        startedSessions.remove(key)
        guard let file = sessionLocks.removeValue(forKey: key) else { return }
        // A session that kept nothing leaves no file behind.
        if draftFiles(of: user).allSatisfy({ $0.session != session }) { PosixFile.unlink(file.path) }
        file.unlock()
    }

    public func keepDraft(_ draft: FormDraft, for user: UserName) throws {
        if let readOnlyReason { throw StoreError.unavailable("\(readOnlyReason); no draft is kept") }
        try makeDraftsFolder()
        try lockSession(draft.session, for: user)
        try PosixFile.replaceDurably(draftPath(user: user, session: draft.session, target: draft.target),
                                     with: Array(try CaseRecordLine.encoder.encode(draft)), mode: 0o600)
    }

    /// A rename: atomic, so of two sessions taking one draft at once the second finds it gone.
    /// The file keeps the old session's id inside; its name is what counts.
    public func takeDraft(_ draft: FormDraft, into session: String, for user: UserName) throws -> Bool {
        if let readOnlyReason { throw StoreError.unavailable("\(readOnlyReason); no draft is taken") }
        try lockSession(session, for: user)
        let from = draft.session.isEmpty ? "\(draftsFolder)/\(user.rawValue).json" : draftPath(user: user, session: draft.session, target: draft.target)
        guard Foundation.rename(from, draftPath(user: user, session: session, target: draft.target)) == 0 else {
            if errno == ENOENT { return false }
            throw FileError(path: from, operation: "rename", code: errno)
        }
        try PosixFile.syncDirectory(draftsFolder)
        let sessionFile = "\(draftsFolder)/\(user.rawValue)\(Self.draftSeparator)\(draft.session).session"
        if !draft.session.isEmpty, draftFiles(of: user).allSatisfy({ $0.session != draft.session }), !isRunning(sessionFile) {
            PosixFile.unlink(sessionFile)
        }
        return true
    }

    public func discardDraft(session: String, target: String, for user: UserName) throws {
        if let readOnlyReason { throw StoreError.unavailable("\(readOnlyReason); no draft is removed") }
        let path = session.isEmpty ? "\(draftsFolder)/\(user.rawValue).json" : draftPath(user: user, session: session, target: target)
        guard PosixFile.unlink(path) else { return }
        // The last draft of a session that is over takes its session file with it.
        let sessionFile = "\(draftsFolder)/\(user.rawValue)\(Self.draftSeparator)\(session).session"
        if !session.isEmpty, sessionLocks["\(user.rawValue)\(Self.draftSeparator)\(session)"] == nil,
           draftFiles(of: user).allSatisfy({ $0.session != session }), !isRunning(sessionFile) {
            PosixFile.unlink(sessionFile)
        }
        try PosixFile.syncDirectory(draftsFolder)
    }

    /// Only files this account owns and no one else may read are drafts (in a group store any
    /// member could put a file in the folder); none on a read-only store, which keeps none.
    public func drafts(for user: UserName) throws -> [FormDraft] {
        guard readOnlyReason == nil else { return [] }
        var over: [String: Bool] = [:]
        var found: [FormDraft] = []
        for (session, path) in draftFiles(of: user) {
            let key = "\(user.rawValue)\(Self.draftSeparator)\(session)"
            if sessionLocks[key] != nil { continue }
            let isOver = over[session] ?? !isRunning("\(draftsFolder)/\(key).session")
            over[session] = isOver
            // A form about a case erased since: its typing goes with the case.
            if let id = Self.draftCase(ofFile: (path as NSString).lastPathComponent), summary(of: id)?.isErased == true {
                if Self.isOwnPrivateFile(path) { PosixFile.unlink(path) }
                continue
            }
            guard isOver, Self.isOwnPrivateFile(path), let data = FileManager.default.contents(atPath: path),
                  var draft = try? JSONDecoder().decode(FormDraft.self, from: data) else { continue }
            // The name says which session kept it, whatever an old file says inside.
            draft.session = session
            found.append(draft)
        }
        return found.sorted { ($0.savedAt, $0.target) > ($1.savedAt, $1.target) }
    }

    /// The draft files of `user` with the session of each ("" for a draft of before sessions).
    func draftFiles(of user: UserName) -> [(session: String, path: String)] {
        let prefix = user.rawValue + Self.draftSeparator
        return ((try? FileManager.default.contentsOfDirectory(atPath: draftsFolder)) ?? []).sorted().compactMap { name in
            guard name.hasSuffix(".json"), Self.replacedFile(ofTemporary: name) == nil else { return nil }
            if name == "\(user.rawValue).json" { return ("", "\(draftsFolder)/\(name)") }
            guard name.hasPrefix(prefix) else { return nil }
            let rest = name.dropFirst(prefix.count)
            guard let separator = rest.firstIndex(of: Character(Self.draftSeparator)) else { return nil }
            return (String(rest[..<separator]), "\(draftsFolder)/\(name)")
        }
    }

    /// Whether a session still holds its session file: one that cannot be locked now. Only a
    /// file that is not there, or a lock taken, says the session is over: any other failure
    /// (no permission, no descriptors left) counts as running, so its drafts are not taken.
    func isRunning(_ sessionFile: String) -> Bool {
        let descriptor = open(sessionFile, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return errno != ENOENT }
        defer { close(descriptor) }
        return flock(descriptor, LOCK_EX | LOCK_NB) != 0
    }

    /// The session files of `user`'s sessions that are over and left no draft: a session that
    /// ended by a crash with nothing typed leaves its file behind.
    func removeOverSessionFiles(of user: UserName) {
        guard FileManager.default.fileExists(atPath: draftsFolder) else { return }
        let prefix = user.rawValue + Self.draftSeparator
        let withDrafts = Set(draftFiles(of: user).map(\.session))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: draftsFolder)) ?? []
        where name.hasPrefix(prefix) && name.hasSuffix(".session") {
            let session = String(name.dropFirst(prefix.count).dropLast(".session".count))
            let path = "\(draftsFolder)/\(name)"
            if !withDrafts.contains(session), sessionLocks["\(user.rawValue)\(Self.draftSeparator)\(session)"] == nil, !isRunning(path) {
                PosixFile.unlink(path)
            }
        }
    }

    func draftPath(user: UserName, session: String, target: String) -> String {
        "\(draftsFolder)/\(user.rawValue)\(Self.draftSeparator)\(session)\(Self.draftSeparator)\(target).json"
    }

    func makeDraftsFolder() throws { try makePersonalFolder(draftsFolder) }
}

extension FileCaseStore {
    /// A regular file this account owns and no one else may read or write: all a file in a
    /// per-person folder of a group store (drafts, settings) must be to be taken as one's own;
    /// any other member could have put anything else there.
    static func isOwnPrivateFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_uid == geteuid() && info.st_mode & 0o077 == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    /// A per-person folder: owner-only in a private store; in a group store setgid and sticky,
    /// as /tmp is, so a member may remove only their own files.
    func makePersonalFolder(_ folder: String) throws {
        guard !FileManager.default.fileExists(atPath: folder) else { return }
        _ = try PosixFile.makeDirectory(folder, mode: 0o700)
        chmod(folder, manifest.directoryMode & 0o070 == 0 ? manifest.directoryMode : manifest.directoryMode | S_ISVTX)
        try PosixFile.syncDirectory(directory.path)
    }
}
