import Foundation
import HavenCore

/// Users, host countries, courses and openings: what the file store keeps as whole small files
/// (`users.json`, …), here rows of `kept` holding the same JSON, changed in a transaction with
/// the audit entry that records the change.
extension PostgresCaseStore {
    static let usersRow = "users"
    static let countriesRow = "countries"
    static func catalogueRow<Item: CatalogueItem>(_ type: Item.Type) -> String { "\(Item.kind)s" }

    func readKept<T: Decodable>(_ type: T.Type, _ name: String) throws -> T? {
        try locked {
            guard let row = try link.query("SELECT body FROM \(schema).kept WHERE name = $1", [.text(name)]).first else { return nil }
            do { return try JSONDecoder().decode(type, from: Data(try row.text(0).utf8)) } catch {
                throw StoreError.damaged(file: "\(schema).kept", position: name, reason: "not a Haven \(name) list (\(error)); run 'haven check'")
            }
        }
    }

    func writeKept<T: Encodable>(_ value: T, _ name: String, revision: Int) throws {
        let body = String(decoding: try CaseRecordLine.encoder.encode(value), as: UTF8.self)
        try link.query("""
            INSERT INTO \(schema).kept (name, revision, body) VALUES ($1, $2, $3)
            ON CONFLICT (name) DO UPDATE SET revision = excluded.revision, body = excluded.body
            """, [.text(name), .int(revision), .text(body)])
    }

    /// The users; a store whose administrator never changed them has its creator alone.
    func readUsers(head: Head? = nil) throws -> (directory: UserDirectory, revision: Int) {
        if let file = try readKept(UsersFile.self, Self.usersRow) { return (UserDirectory(users: file.users), file.revision) }
        let head = try head ?? readHead()
        return (UserDirectory.founding(head.createdBy, at: head.createdAt), 0)
    }

    func readHead() throws -> Head {
        try locked {
            guard let row = try link.query("SELECT audit_sequence, audit_hash, change_sequence, created_by, created_at FROM \(schema).head WHERE id = 1").first else {
                throw StoreError.damaged(file: "\(schema).head", position: "row 1", reason: "the store's head row is missing; run 'haven check'")
            }
            return Head(auditSequence: try row.int(0), auditHash: try row.text(1), change: try row.int(2),
                        createdBy: UserName(try row.text(3)) ?? "unknown", createdAt: Timestamp(secondsSinceEpoch: Int64(try row.int(4))))
        }
    }

    func readCountries() throws -> (countries: [HostCountry], revision: Int) {
        guard let file = try readKept(CountriesFile.self, Self.countriesRow) else { return (referenceCountries, 0) }
        return (file.countries, file.revision)
    }

    func readCatalogue<Item: CatalogueItem>(_ type: Item.Type) throws -> (items: [Item], revision: Int) {
        guard let file = try readKept(CatalogueFile<Item>.self, Self.catalogueRow(type)) else { return ([], 0) }
        return (file.items, file.revision)
    }

    func requireCurrentRole(_ actor: Actor, in users: UserDirectory) throws {
        do { try users.verify(actor) } catch { throw StoreError.forbidden(error.description) }
    }

    /// An administrator's change: one transaction under the head's lock (no save is judged
    /// half-way through it), with its audit entry.
    func administratorChange<T>(by actor: Actor, at time: Timestamp, subject: String,
                                _ body: (Head, UserDirectory) throws -> (value: T, revision: Int, changes: [FieldChange])) throws -> T {
        try locked {
            try catchUp() // outside the lock, as a save does
            return try link.transaction {
                var head = try lockHead()
                try catchUp()
                let users = try readUsers(head: head).directory
                try requireCurrentRole(actor, in: users)
                let (value, revision, changes) = try body(head, users)
                try appendAudit([AuditEntry(sequence: head.auditSequence + 1, at: time, user: actor.user, caseID: nil, subject: subject,
                                            version: CaseVersion(revision), changes: changes)], to: &head)
                try writeHead(head)
                return value
            }
        }
    }

    public func users() throws -> UserDirectory { try readUsers().directory }

    public func changeUsers(_ change: UserChange, by actor: Actor, at time: Timestamp) throws -> UserDirectory {
        try administratorChange(by: actor, at: time, subject: "users") { _, _ in
            let (current, revision) = try readUsers()
            let next: UserDirectory
            do { next = try current.applying(change, by: actor, at: time) } catch { throw StoreError.forbidden("\(error)") }
            try writeKept(UsersFile(revision: revision + 1, users: next.users), Self.usersRow, revision: revision + 1)
            try grantDatabaseRole(of: change.user, in: next)
            return (next, revision + 1, current.fieldChanges(to: next, for: change.user))
        }
    }

    /// The user's database role follows their Haven role: a member of the store's role for it
    /// and of no other, so what the database lets their connection do is what the role may.
    /// A removed user keeps their login but no store role: they can no longer read or write.
    public func grantDatabaseRole(of user: UserName, in users: UserDirectory) throws {
        let wanted = users.account(user).map { account in PostgresSchema.roles.first { $0.0 == account.role }!.1 }
        try locked {
            try link.query("SELECT \(schema).set_store_role($1, $2)", [.text(user.rawValue), .optional(wanted)])
        }
    }

    static func quoted(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    public func hostCountries() throws -> [HostCountry] { try readCountries().countries }

    public func changeHostCountries(_ change: HostCountryChange, by actor: Actor, at time: Timestamp) throws -> [HostCountry] {
        try administratorChange(by: actor, at: time, subject: "countries") { _, _ in
            let (current, revision) = try readCountries()
            let ledger = QuotaLedger(countries: current, summaries: mirror.values)
            let next: [HostCountry]
            do { next = try ledger.applying(change, by: actor) } catch { throw StoreError.forbidden("\(error)") }
            try writeKept(CountriesFile(revision: revision + 1, countries: next), Self.countriesRow, revision: revision + 1)
            return (next, revision + 1, QuotaLedger.fieldChanges(from: current, to: next, for: change.country))
        }
    }

    public func catalogue<Item: CatalogueItem>(of type: Item.Type) throws -> [Item] { try readCatalogue(type).items }

    public func changeCatalogue<Item: CatalogueItem>(_ change: CatalogueChange<Item>, by actor: Actor, at time: Timestamp) throws -> [Item] {
        try administratorChange(by: actor, at: time, subject: "\(Item.kind)s") { _, _ in
            let (current, revision) = try readCatalogue(Item.self)
            let ledger = CatalogueLedger(items: current, countries: try readCountries().countries, use: Item.use(in: Array(mirror.values)))
            let next: [Item]
            do { next = try ledger.applying(change, by: actor) } catch { throw StoreError.forbidden("\(error)") }
            try writeKept(CatalogueFile(revision: revision + 1, items: next), Self.catalogueRow(Item.self), revision: revision + 1)
            return (next, revision + 1, change.ids.flatMap { CatalogueLedger.fieldChanges(from: current, to: next, id: $0) })
        }
    }

    // MARK: Each user's own: settings, sessions, drafts

    public func settings(for user: UserName) throws -> UserSettings {
        try locked {
            guard let row = try link.query("SELECT body FROM \(schema).settings WHERE user_name = $1", [.text(user.rawValue)]).first else {
                return UserSettings()
            }
            return try JSONDecoder().decode(UserSettings.self, from: Data(try row.text(0).utf8))
        }
    }

    public func keepSettings(_ settings: UserSettings, for user: UserName) throws {
        try locked {
            let body = String(decoding: try CaseRecordLine.encoder.encode(settings), as: UTF8.self)
            try link.query("INSERT INTO \(schema).settings (user_name, body) VALUES ($1, $2) ON CONFLICT (user_name) DO UPDATE SET body = excluded.body",
                           [.text(user.rawValue), .text(body)])
        }
    }

    /// A session is running while the connection that began it is: the row names that
    /// connection's server process and when it started (a process number is used again).
    func markRunning(_ session: String, for user: UserName) throws {
        try link.query("""
            INSERT INTO \(schema).sessions (user_name, session, backend_pid, backend_start)
            SELECT $1, $2, pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()
            ON CONFLICT (user_name, session) DO UPDATE SET backend_pid = excluded.backend_pid, backend_start = excluded.backend_start
            """, [.text(user.rawValue), .text(session)])
    }

    public func beginSession(_ session: String, for user: UserName) throws {
        try locked {
            try markRunning(session, for: user)
            startedSessions.append((user, session))
        }
    }

    public func endSession(_ session: String, for user: UserName) {
        locked {
            startedSessions.removeAll { $0.user == user && $0.session == session }
            _ = try? link.query("DELETE FROM \(schema).sessions WHERE user_name = $1 AND session = $2", [.text(user.rawValue), .text(session)])
        }
    }

    /// Durable when it returns: in the database, or, while the database cannot be reached, in
    /// this account's spool (`DraftSpool`), written into the database at the next chance.
    public func keepDraft(_ draft: FormDraft, for user: UserName) throws {
        try locked {
            do {
                // Older copies first, so a spooled draft never lands over this newer one.
                try flushSpool()
                try upsertDraft(draft, for: user)
                spool.remove(user: user, session: draft.session, target: draft.target)
            } catch StoreError.unavailable {
                try spool.write(draft, for: user)
            }
        }
    }

    public func takeDraft(_ draft: FormDraft, into session: String, for user: UserName) throws -> Bool {
        try locked {
            try link.transaction {
                // The row is taken by whichever session deletes it first; the other finds none.
                guard let row = try link.query("DELETE FROM \(schema).drafts WHERE user_name = $1 AND session = $2 AND target = $3 RETURNING body",
                                               [.text(user.rawValue), .text(draft.session), .text(draft.target)]).first else { return false }
                var taken = try JSONDecoder().decode(FormDraft.self, from: Data(try row.text(0).utf8))
                taken.session = session
                try keepDraft(taken, for: user)
                return true
            }
        }
    }

    public func discardDraft(session: String, target: String, for user: UserName) throws {
        try locked {
            spool.remove(user: user, session: session, target: target)
            try link.query("DELETE FROM \(schema).drafts WHERE user_name = $1 AND session = $2 AND target = $3",
                           [.text(user.rawValue), .text(session), .text(target)])
        }
    }

    public func drafts(for user: UserName) throws -> [FormDraft] {
        try locked {
            try flushSpool()
            let rows = try link.query("""
                SELECT d.body FROM \(schema).drafts d
                WHERE d.user_name = $1 AND NOT EXISTS (
                  SELECT 1 FROM \(schema).sessions s JOIN pg_stat_activity a ON a.pid = s.backend_pid AND a.backend_start = s.backend_start
                  WHERE s.user_name = d.user_name AND s.session = d.session)
                """, [.text(user.rawValue)])
            let decoder = JSONDecoder()
            return try rows.map { try decoder.decode(FormDraft.self, from: Data(try $0.text(0).utf8)) }
                .sorted { ($0.savedAt, $0.target) > ($1.savedAt, $1.target) }
        }
    }
}
