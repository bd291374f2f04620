import Foundation
import Glibc
import HavenCore

/// Where a session's drafts go while the database cannot be reached: files of this account's
/// own (0600, in a 0700 folder: `$HAVEN_SPOOL`, else `$XDG_STATE_HOME/haven/spool`, else
/// `~/.local/state/haven/spool`), each written whole and synced, so what is typed during an
/// outage survives the session ending in it. The first call that reaches the database again
/// (a look for changes, a draft kept, the drafts offered) writes them into the database, where
/// a newer copy already there is never replaced by an older one, and removes the files.
struct DraftSpool {
    struct Entry: Codable {
        var store: String
        var user: UserName
        var draft: FormDraft
    }

    let directory: URL
    /// Which store's drafts these are (one account may use several).
    let store: String

    static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit = environment["HAVEN_SPOOL"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/state")
        return URL(fileURLWithPath: state).appendingPathComponent("haven/spool")
    }

    /// One file per store, user, session and form: the same draft kept again replaces it.
    func file(user: UserName, session: String, target: String) -> URL {
        let name = [store, user.rawValue, session, target].joined(separator: "\u{1}")
        return directory.appendingPathComponent("draft-\(AuditTrail.hash(Array(name.utf8)).prefix(32)).json")
    }

    func write(_ draft: FormDraft, for user: UserName) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let bytes = Array(try CaseRecordLine.encoder.encode(Entry(store: store, user: user, draft: draft)))
        let path = file(user: user, session: draft.session, target: draft.target).path
        try PosixFile.replaceDurably(path, with: bytes, mode: 0o600, group: nil)
    }

    func remove(user: UserName, session: String, target: String) {
        _ = PosixFile.unlink(file(user: user, session: session, target: target).path)
    }

    /// This store's spooled drafts, with their files.
    func entries() -> [(file: URL, entry: Entry)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix("draft-") && $0.hasSuffix(".json") }.compactMap { name in
            let url = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path),
                  let entry = try? JSONDecoder().decode(Entry.self, from: data), entry.store == store else { return nil }
            return (url, entry)
        }
    }
}

extension PostgresCaseStore {
    /// Writes the spooled drafts into the database (never over a newer copy) and removes them.
    func flushSpool() throws {
        let pending = spool.entries()
        guard !pending.isEmpty else { return }
        for (file, entry) in pending {
            try upsertDraft(entry.draft, for: entry.user, onlyIfNewer: true)
            _ = PosixFile.unlink(file.path)
        }
    }

    func upsertDraft(_ draft: FormDraft, for user: UserName, onlyIfNewer: Bool = false) throws {
        let body = String(decoding: try CaseRecordLine.encoder.encode(draft), as: UTF8.self)
        try link.query("""
            INSERT INTO \(schema).drafts (user_name, session, target, saved_at, body) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (user_name, session, target) DO UPDATE SET saved_at = excluded.saved_at, body = excluded.body
            \(onlyIfNewer ? "WHERE \(schema).drafts.saved_at <= excluded.saved_at" : "")
            """, [.text(user.rawValue), .text(draft.session), .text(draft.target), .int(Int(draft.savedAt.secondsSinceEpoch)), .text(body)])
    }
}
