import Foundation
import HavenCore
import Synchronization

/// The PostgreSQL store (issue 25): the same `CaseStore` as the file store, its cases, audit
/// trail and access log in tables one database holds for many servers.
///
/// - A save is one transaction: it locks the one `head` row (so saves are numbered one after
///   another, without gaps), reads what it needs, runs `SaveContract`, writes each case's new
///   version and its sealed audit line chained to the last, moves the change sequence on and
///   notifies (`pg_notify`, delivered at commit).
/// - Every session keeps the summaries in memory and follows the change sequence: a
///   notification says something changed, and the rows changed since the last number it saw
///   are read (a notification lost with a connection is made up for by that number).
/// - The role the database verified is the identity: over the socket, peer authentication
///   makes it the OS account's (`PostgresLocation`).
public final class PostgresCaseStore: CaseStore, @unchecked Sendable {
    public let location: PostgresLocation
    let schema: String
    let link: PostgresLink
    /// One thread at a time on the connection and the summaries.
    let lock = NSRecursiveLock()
    var mirror: [CaseID: CaseSummary] = [:]
    /// The summaries in case order, made again only after a change.
    var sorted: [CaseSummary]?
    var seenChange = 0
    var reasonsGiven: [UserName: Set<CaseID>] = [:]
    /// Sessions begun here: written again with the new connection's process after a reconnect.
    var startedSessions: [(user: UserName, session: String)] = []
    /// The host countries of the reference data, until an administrator changes the list.
    public var referenceCountries: [HostCountry] = []
    let heard = Heard()
    var listener: PostgresLink?
    var lastLook = Date.distantPast
    /// How often a session asks for the change sequence when no notification came (a lost
    /// listening connection, a notification dropped): the 2-second promise holds either way.
    public static let lookInterval: TimeInterval = 1.5

    /// The newest change sequence a notification named, set on the event loop.
    final class Heard: Sendable {
        let change = Atomic<Int>(0)
        let lost = Atomic<Bool>(false)
    }

    var channel: String { "\(schema)_changes" }

    /// Opens the store at `location`; it must have been made by `create` (or `haven init`)
    /// with this Haven's migrations.
    public init(_ location: PostgresLocation) throws {
        self.location = location
        schema = location.schema
        link = try PostgresLink(location)
        let applied: Int
        do {
            applied = try link.query("SELECT coalesce(max(number), 0) FROM \(schema).migrations").first?.int(0) ?? 0
        } catch {
            throw StoreError.unavailable("\(location) holds no Haven store (\(error)); make one with 'haven init --store \(location)'")
        }
        guard applied == PostgresSchema.latest else {
            throw StoreError.unavailable("the store at \(location) is at migration \(applied) and this Haven needs \(PostgresSchema.latest): run 'haven init --store \(location)'")
        }
        try catchUp()
        startListening()
    }

    deinit {
        listener?.close()
        link.close()
    }

    /// Makes a store: the schema and every migration (a store already made is brought up to
    /// date, never emptied). Returns the migrations applied.
    @discardableResult
    public static func create(at location: PostgresLocation, kind: StoreManifest.Kind, by user: UserName, at time: Timestamp) throws -> [Int] {
        let link = try PostgresLink(location)
        defer { link.close() }
        return try PostgresSchema.migrate(link, schema: location.schema, by: user.rawValue, at: time, kind: kind)
    }

    /// Runs `body` with the connection to itself.
    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: Following other sessions

    private func startListening() {
        let heard = heard
        do {
            let listening = try PostgresLink(location)
            try listening.listen(channel) { payload in
                if let number = Int(payload) { heard.change.max(number, ordering: .relaxed) }
            }
            listener = listening
            heard.lost.store(false, ordering: .relaxed)
        } catch {
            listener = nil
            heard.lost.store(true, ordering: .relaxed)
        }
    }

    /// Reads the cases changed since the change sequence this session last saw.
    func catchUp() throws {
        try locked {
            let rows = try link.query("SELECT id, version, summary, change_sequence FROM \(schema).cases WHERE change_sequence > $1 ORDER BY change_sequence",
                                      [.int(seenChange)])
            for row in rows {
                let (number, version, text, change) = try row.decode((Int, Int, String, Int).self)
                let id = CaseID(number: number)
                mirror[id] = try Self.summary(text).caseSummary(id: id, version: CaseVersion(version))
                seenChange = max(seenChange, change)
            }
            if !rows.isEmpty { sorted = nil }
            lastLook = Date()
        }
    }

    public func refresh() throws -> Bool {
        try locked {
            let before = seenChange
            if listener == nil || listener!.backendClosed {
                listener?.close()
                listener = nil
                startListening()
            }
            let notified = heard.change.load(ordering: .relaxed) > seenChange
            if notified || Date().timeIntervalSince(lastLook) >= Self.lookInterval || link.backendClosed {
                if link.backendClosed { try reconnected() }
                try catchUp()
            }
            return seenChange != before
        }
    }

    /// After the connection was opened again: the sessions begun here are marked as running
    /// with the new connection's process.
    func reconnected() throws {
        _ = try link.open()
        for started in startedSessions { try markRunning(started.session, for: started.user) }
    }

    // MARK: Reading cases

    public func summaries() throws -> [CaseSummary] {
        try locked {
            try catchUp()
            if let sorted { return sorted }
            let list = mirror.values.sorted { $0.id < $1.id }
            sorted = list
            return list
        }
    }

    /// A summary column's JSON: read directly (as a record header's summary is), or, for
    /// anything that reader does not take, by JSONDecoder, which names what is wrong.
    static func summary(_ text: String) throws -> StoredSummary {
        var text = text
        if let quick = text.withUTF8({ RecordHeaderReader.summary($0) }) { return quick }
        return try JSONDecoder().decode(StoredSummary.self, from: Data(text.utf8))
    }

    public func load(_ id: CaseID) throws -> StoredCase {
        guard let stored = try stored(id) else { throw StoreError.notFound(id) }
        return stored
    }

    func stored(_ id: CaseID) throws -> StoredCase? {
        try locked {
            guard let row = try link.query("SELECT version, saved_by, saved_at, record FROM \(schema).cases WHERE id = $1",
                                           [.int(id.number)]).first else { return nil }
            let record: Case
            do { record = try JSONDecoder().decode(Case.self, from: Data(try row.text(3).utf8)) } catch {
                throw StoreError.damaged(file: "\(schema).cases", position: "\(id)", reason: "the record cannot be read (\(error)); run 'haven check'")
            }
            guard record.id == id else {
                throw StoreError.damaged(file: "\(schema).cases", position: "\(id)", reason: "the row holds \(record.id)'s record; nothing was shown")
            }
            return StoredCase(record: record, version: CaseVersion(try row.int(0)), savedBy: UserName(try row.text(1)) ?? "unknown",
                              savedAt: Timestamp(secondsSinceEpoch: Int64(try row.int(2))))
        }
    }

    public func nextCaseID() throws -> CaseID {
        try locked { CaseID(number: (try link.query("SELECT coalesce(max(id), 0) FROM \(schema).cases").first?.int(0) ?? 0) + 1) }
    }

    public func history(of id: CaseID) throws -> [AuditEntry] {
        try locked {
            try link.query("SELECT line FROM \(schema).audit WHERE case_id = $1 ORDER BY sequence", [.int(id.number)]).compactMap { row in
                (try? JSONDecoder().decode(AuditTrail.Line.self, from: Data(try row.text(0).utf8)))?.entry
            }
        }
    }

    public func auditTrail(matching filter: AuditFilter, limit: Int) throws -> [AuditEntry] {
        try locked {
            var found: [AuditEntry] = []
            var below = Int.max
            let decoder = JSONDecoder()
            while found.count < limit {
                let rows = try link.query("SELECT sequence, line FROM \(schema).audit WHERE sequence < $1 ORDER BY sequence DESC LIMIT 2000",
                                          [.int(below)])
                guard !rows.isEmpty else { break }
                for row in rows {
                    below = try row.int(0)
                    guard let line = try? decoder.decode(AuditTrail.Line.self, from: Data(try row.text(1).utf8)) else { continue }
                    if filter.matches(line.entry) { found.append(line.entry) }
                    if found.count == limit { break }
                }
            }
            return found
        }
    }
}
