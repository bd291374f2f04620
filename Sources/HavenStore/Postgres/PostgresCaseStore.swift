import Foundation
import Glibc
import HavenCore
import NIOCore
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
    /// Every case's summary, as of the change sequence `seenChange`.
    var mirror = SummaryTable()
    var seenChange = 0
    var reasonsGiven: [UserName: Set<CaseID>] = [:]
    /// Sessions begun here: written again with the new connection's process after a reconnect.
    var startedSessions: [(user: UserName, session: String)] = []
    /// The host countries of the reference data, until an administrator changes the list.
    public var referenceCountries: [HostCountry] = []
    let heard = Heard()
    /// Drafts kept while the database could not be reached (`DraftSpool`).
    public var spoolDirectory = DraftSpool.defaultDirectory()
    var spool: DraftSpool { DraftSpool(directory: spoolDirectory, store: location.description) }
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
    /// The role the server verified for this connection (peer authentication over the socket,
    /// a password or certificate across hosts): who the person is, for Haven too.
    public private(set) var sessionUser = ""

    /// Opens the store at `location`; it must have been made by `create` (or `haven init`)
    /// with this Haven's migrations.
    public init(_ location: PostgresLocation) throws {
        self.location = location
        schema = location.schema
        link = try PostgresLink(location)
        let applied: Int
        do {
            applied = try link.query("SELECT coalesce(max(number), 0) FROM \(schema).migrations").first?.int(0) ?? 0
        } catch let StoreError.unavailable(reason) {
            throw StoreError.unavailable("\(location) holds no Haven store (\(reason)); make one with 'haven init --store \(location)'")
        }
        sessionUser = try link.query("SELECT session_user::text").first?.text(0) ?? ""
        guard applied == PostgresSchema.latest else {
            throw StoreError.unavailable("the store at \(location) is at migration \(applied) and this Haven needs \(PostgresSchema.latest): run 'haven init --store \(location)'")
        }
        // The summaries are read at the first call that needs them (a queue, a save), not for
        // a command that needs none; the listening connection opens at the first look for
        // others' changes (an open interface), not for a command that reads once and ends.
        link.onReconnect = { [unowned self] in
            for started in startedSessions { try markRunning(started.session, for: started.user) }
        }
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
        return try PostgresSchema.migrate(link, schema: location.schema, roles: location.rolePrefix, by: user.rawValue, at: time, kind: kind)
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
    ///
    /// The rows come as one text the server joins (`id version change summary`, a line each):
    /// taking 120,000 rows one by one through the client cost more than the server's whole
    /// answer, and the lines are then read on every core (`haven-bench --part postgres`).
    func catchUp() throws {
        try locked {
            if mirror.isEmpty, seenChange == 0, !link.inTransaction { return try readAll() }
            let rows = try link.query("""
                SELECT count(*)::int, coalesce(string_agg(id || ' ' || version || ' ' || change_sequence || ' ' || summary, E'\\n'), '')
                FROM \(schema).cases WHERE change_sequence > $1
                """, [.int(seenChange)])
            lastLook = Date()
            guard let row = rows.first else { return }
            let (count, text) = try row.decode((Int, ByteBuffer).self)
            guard count > 0 else { return }
            let read = try text.withUnsafeReadableBytes { try Self.summaryLines($0.bindMemory(to: UInt8.self), count: count) }
            // One statement sees the saves numbered 1 to some K and no other (a save numbers its
            // change under the head row's lock and holds it until it commits), so the highest
            // number read is all that is needed to go on from.
            seenChange = max(seenChange, read.lazy.map(\.1).max() ?? 0)
            for (summary, _) in read { mirror[summary.id] = summary }
        }
    }

    /// The first reading: every summary, a range of case numbers at a time (a few megabytes
    /// held at once, not the whole), in one snapshot, so the ranges agree with each other.
    private func readAll() throws {
        try link.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { try readAllInSnapshot() }
    }

    private func readAllInSnapshot() throws {
        let highest = try link.query("SELECT coalesce(max(id), 0) FROM \(schema).cases").first?.int(0) ?? 0
        var list: [CaseSummary] = []
        var change = 0
        for start in stride(from: 0, to: highest, by: Self.readingRange) {
            let rows = try link.query("""
                SELECT count(*)::int, coalesce(string_agg(id || ' ' || version || ' ' || change_sequence || ' ' || summary, E'\\n'), '')
                FROM \(schema).cases WHERE id > $1 AND id <= $2
                """, [.int(start), .int(start + Self.readingRange)])
            guard let row = rows.first else { continue }
            let (count, text) = try row.decode((Int, ByteBuffer).self)
            guard count > 0 else { continue }
            let read = try text.withUnsafeReadableBytes { try Self.summaryLines($0.bindMemory(to: UInt8.self), count: count) }
            change = max(change, read.lazy.map(\.1).max() ?? 0)
            // Each range in case order by sorting the numbers, not the summaries.
            list += read.indices.sorted { read[$0].0.id.number < read[$1].0.id.number }.map { read[$0].0 }
        }
        mirror.list = list
        seenChange = change
        lastLook = Date()
    }

    /// How many case numbers the first reading asks for at once.
    static let readingRange = 20_000

    /// The joined summary lines read into summaries and their change numbers, on every core.
    static func summaryLines(_ bytes: UnsafeBufferPointer<UInt8>, count: Int) throws -> [(CaseSummary, Int)] {
        do {
            var starts: [Int] = [0]
            starts.reserveCapacity(count + 1)
            if let base = bytes.baseAddress {
                var at = 0
                while at < bytes.count, let found = memchr(base + at, 10, bytes.count - at) {
                    at = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                    starts.append(at)
                }
            }
            guard starts.count == count else {
                throw StoreError.damaged(file: "cases", position: "summaries", reason: "\(count) rows but \(starts.count) lines came back")
            }
            starts.append(bytes.count + 1)
            let pieces = min(count, 4 * ProcessInfo.processInfo.activeProcessorCount)
            let parts = try Parallel.map(pieces, chunkSize: 1) { piece -> [(CaseSummary, Int)] in
                var out: [(CaseSummary, Int)] = []
                for line in (count * piece / pieces)..<(count * (piece + 1) / pieces) {
                    let lineBytes = UnsafeBufferPointer(rebasing: bytes[starts[line]..<(starts[line + 1] - 1)])
                    out.append(try summaryLine(lineBytes))
                }
                return out
            }
            return parts.flatMap { $0 }
        }
    }

    /// One `id version change summary` line.
    static func summaryLine(_ line: UnsafeBufferPointer<UInt8>) throws -> (CaseSummary, Int) {
        var numbers: [Int] = []
        var cursor = 0
        while numbers.count < 3 {
            var value = 0, digits = 0
            while cursor < line.count, line[cursor] >= 48, line[cursor] <= 57 {
                value = value * 10 + Int(line[cursor] - 48)
                cursor += 1
                digits += 1
            }
            guard digits > 0, cursor < line.count, line[cursor] == 32 else {
                throw StoreError.damaged(file: "cases", position: "a summary", reason: "a summary line is not 'id version change {…}'")
            }
            cursor += 1
            numbers.append(value)
        }
        let json = UnsafeBufferPointer(rebasing: line[cursor...])
        let stored = try RecordHeaderReader.summary(json) ?? JSONDecoder().decode(StoredSummary.self, from: Data(buffer: json))
        return (stored.caseSummary(id: CaseID(number: numbers[0]), version: CaseVersion(numbers[1])), numbers[2])
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
            // A lost connection is opened again by the first query (`PostgresLink.open`).
            if notified || Date().timeIntervalSince(lastLook) >= Self.lookInterval || link.backendClosed {
                try catchUp()
                try flushSpool()
            }
            return seenChange != before
        }
    }


    // MARK: Reading cases

    public func summaries() throws -> [CaseSummary] {
        try locked {
            try catchUp()
            return mirror.list
        }
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
        try newest(in: "audit", limit: limit) { (line: AuditTrail.Line) in filter.matches(line.entry) ? line.entry : nil }
    }

    /// The newest `limit` entries of a chained log (`audit` or `access_log`) that `keep` takes,
    /// newest first, read backwards 2,000 lines a statement: what the audit trail and access
    /// log screens ask for, without reading the whole log.
    func newest<Line: Decodable, Entry>(in table: String, limit: Int, keep: (Line) -> Entry?) throws -> [Entry] {
        try locked {
            var found: [Entry] = []
            var below = Int.max
            let decoder = JSONDecoder()
            while found.count < limit {
                let rows = try link.query("SELECT sequence, line FROM \(schema).\(table) WHERE sequence < $1 ORDER BY sequence DESC LIMIT 2000",
                                          [.int(below)])
                guard !rows.isEmpty else { break }
                for row in rows {
                    below = try row.int(0)
                    guard let line = try? decoder.decode(Line.self, from: Data(try row.text(1).utf8)), let entry = keep(line) else { continue }
                    found.append(entry)
                    if found.count == limit { break }
                }
            }
            return found
        }
    }
}

/// The summaries in case order, found by halving: the list a queue shows is the table itself,
/// so nothing is sorted again after a change.
struct SummaryTable {
    var list: [CaseSummary] = []

    var isEmpty: Bool { list.isEmpty }
    var values: [CaseSummary] { list }

    private func place(_ id: CaseID) -> Int {
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].id.number < id.number { low = middle + 1 } else { high = middle }
        }
        return low
    }

    subscript(id: CaseID) -> CaseSummary? {
        get {
            let at = place(id)
            return at < list.count && list[at].id == id ? list[at] : nil
        }
        set {
            let at = place(id)
            let present = at < list.count && list[at].id == id
            switch (newValue, present) {
            case let (summary?, true): list[at] = summary
            case let (summary?, false): list.insert(summary, at: at)
            case (nil, true): list.remove(at: at)
            case (nil, false): break
            }
        }
    }
}
