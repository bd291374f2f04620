import Foundation
import HavenCore
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// Where a PostgreSQL store is: `postgresql:///DATABASE?host=/SOCKET/DIR[&schema=NAME]` on one
/// host (peer authentication: the OS account is the database role), or
/// `postgresql://HOST[:PORT]/DATABASE?user=NAME` across hosts, with the password from
/// `PGPASSWORD`, over TLS: the server's certificate checked against `sslrootcert` (or the
/// system's roots) and its name (`sslmode=verify-full`, the default; `require` checks the
/// certificate but not the name; `disable` only by saying so), and a client certificate with
/// `sslcert` and `sslkey`. Never a name typed into Haven: the role is the OS account's unless the
/// operator's URL names one (docs/DECISIONS.md, issue 25).
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public enum Endpoint: Sendable, Equatable {
        case socket(directory: String, port: Int)
        case tcp(host: String, port: Int)
    }

    public var endpoint: Endpoint
    public var database: String
    /// The role to connect as: the OS account's name unless the URL says otherwise.
    public var user: String
    /// The schema the store's tables live in (`haven` unless the URL names another).
    public var schema: String
    public var password: String?
    /// TLS across hosts: `verify-full` (the default), `require` or `disable`.
    public var sslMode = "verify-full"
    public var sslRootCert: String?
    public var sslCert: String?
    public var sslKey: String?

    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Parses a `postgresql://` URL; `osUser` is the connecting account, the role when the URL names none.
    public init(_ text: String, osUser: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard Self.isPostgres(text), let components = URLComponents(string: text) else {
            throw StoreError.unavailable("'\(text)' is not a postgresql:// address (postgresql:///DATABASE?host=/SOCKET/DIR)")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let known: Set = ["host", "port", "user", "schema", "sslmode", "sslrootcert", "sslcert", "sslkey"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw StoreError.unavailable("the address's '\(unknown)' is not understood (host, port, user, schema, sslmode, sslrootcert, sslcert and sslkey are)")
        }
        sslMode = query["sslmode"] ?? "verify-full"
        guard ["verify-full", "require", "disable"].contains(sslMode) else {
            throw StoreError.unavailable("sslmode '\(sslMode)' is not one of verify-full, require and disable")
        }
        sslRootCert = query["sslrootcert"]
        sslCert = query["sslcert"]
        sslKey = query["sslkey"]
        guard (sslCert == nil) == (sslKey == nil) else { throw StoreError.unavailable("a client certificate needs both sslcert and sslkey") }
        let port = Int(query["port"] ?? "") ?? components.port ?? 5432
        let host = query["host"] ?? components.host ?? ""
        if host.isEmpty || host.hasPrefix("/") {
            endpoint = .socket(directory: host.isEmpty ? "/var/run/postgresql" : host, port: port)
        } else {
            endpoint = .tcp(host: host, port: port)
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? "haven" : path
        let named = query["user"] ?? components.user
        // Over the socket the server checks the role against the OS account (peer): naming
        // another role there would only be refused, so the account's own name is used.
        if case .socket = endpoint, let named, named != osUser {
            throw StoreError.unavailable("over the local socket Haven connects as your own account (\(osUser)), not as \(named)")
        }
        user = named ?? osUser
        schema = query["schema"] ?? "haven"
        guard Self.isIdentifier(schema) else {
            throw StoreError.unavailable("the schema '\(schema)' must be lower-case letters, digits and _")
        }
        password = environment["PGPASSWORD"]
    }

    /// The start of this store's role names: the database's name (its letters and digits,
    /// 15 at most) and the schema's, so two databases' stores never share a role.
    public var rolePrefix: String {
        let letters = database.lowercased().unicodeScalars.map { ("a"..."z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "_" }
        return String(String(letters).prefix(15)) + "_" + schema
    }

    static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 32 && text.first!.isLetter && !["public", "user", "pg_catalog", "information_schema"].contains(text)
            && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    public var description: String {
        switch endpoint {
        case let .socket(directory, port): "postgresql:///\(database)?host=\(directory)\(port == 5432 ? "" : "&port=\(port)")\(schema == "haven" ? "" : "&schema=\(schema)")"
        case let .tcp(host, port):
            "postgresql://\(host):\(port)/\(database)?user=\(user)\(schema == "haven" ? "" : "&schema=\(schema)")"
                + (sslMode == "verify-full" ? "" : "&sslmode=\(sslMode)") + (sslRootCert.map { "&sslrootcert=\($0)" } ?? "")
                + (sslCert.map { "&sslcert=\($0)" } ?? "") + (sslKey.map { "&sslkey=\($0)" } ?? "")
        }
    }

    func configuration() throws -> PostgresConnection.Configuration {
        switch endpoint {
        case let .socket(directory, port):
            return PostgresConnection.Configuration(unixSocketPath: "\(directory)/.s.PGSQL.\(port)", username: user,
                                                    password: password, database: database)
        case let .tcp(host, port):
            guard sslMode != "disable" else {
                return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: .disable)
            }
            var tls = TLSConfiguration.makeClientConfiguration()
            if let sslRootCert { tls.trustRoots = .file(sslRootCert) }
            tls.certificateVerification = sslMode == "verify-full" ? .fullVerification : .noHostnameVerification
            if let sslCert, let sslKey {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(sslCert).map { .certificate($0) }
                tls.privateKey = .file(sslKey)
            }
            return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database,
                                                    tls: .require(try NIOSSLContext(configuration: tls)))
        }
    }
}

/// A value bound to a query's `$n`.
enum SQLValue: Sendable {
    case text(String)
    case int(Int)
    case texts([String])
    case ints([Int])
    case null

    static func optional(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }
}

/// One connection to the server, used synchronously: each query is sent on the connection's
/// event loop and this thread waits for its rows. `CaseStore` is synchronous and the interface
/// calls it between keystrokes, so a blocking wait (never on the event loop itself) keeps the
/// keystroke path as it is for the file store (docs/DECISIONS.md, issue 25).
final class PostgresLink: @unchecked Sendable {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    static let logger = Logger(label: "haven.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    private static let ids = Atomic<Int>(0)

    let location: PostgresLocation
    private var connection: PostgresConnection?
    /// Inside BEGIN…COMMIT: a lost connection then fails the transaction rather than reconnecting.
    private(set) var inTransaction = false
    /// Told after a lost connection was opened again (the store marks its sessions running
    /// with the new connection's server process).
    var onReconnect: (() throws -> Void)?

    init(_ location: PostgresLocation) throws {
        self.location = location
        try connect()
    }

    deinit { try? connection?.close().wait() }

    func close() {
        try? connection?.close().wait()
        connection = nil
    }

    var backendClosed: Bool { connection?.isClosed ?? true }

    private func connect() throws {
        let id = Self.ids.add(1, ordering: .relaxed).newValue
        do {
            let opened = try PostgresConnection.connect(on: Self.group.next(), configuration: try location.configuration(),
                                                        id: id, logger: Self.logger).wait()
            // A session that holds the store's lock and stops answering (a stopped process, a
            // psql left open) blocks others at most this long, and they are told, as the file
            // store's lock wait is told; a transaction left idle is ended by the server.
            do {
                for setting in ["SET lock_timeout = '\(Int(Self.lockWait))s'", "SET idle_in_transaction_session_timeout = '60s'"] {
                    _ = try opened.query(PostgresQuery(unsafeSQL: setting), logger: Self.logger).wait()
                }
            } catch {
                try? opened.close().wait()
                throw error
            }
            connection = opened
        } catch {
            connection = nil
            throw StoreError.unavailable("the database at \(location) cannot be reached: \(Self.describe(error))")
        }
    }

    /// How long a save waits for another's lock before it is refused as busy.
    static let lockWait: Double = 20

    /// Begins a read-only transaction on one snapshot for the rest of this connection's life
    /// (a check, an export): a lost connection then fails the reading rather than going on
    /// from another moment.
    func beginSnapshot() throws {
        try query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        inTransaction = true
    }

    /// A connection that is open: a lost one is opened again (outside a transaction).
    func open() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        if inTransaction { throw StoreError.unavailable("the connection to the database was lost; the change was not made") }
        let reconnecting = connection != nil
        try? connection?.close().wait()
        try connect()
        let opened = connection!
        if reconnecting, let onReconnect {
            self.onReconnect = nil
            defer { self.onReconnect = onReconnect }
            try onReconnect()
        }
        return opened
    }

    @discardableResult
    func query(_ sql: String, _ values: [SQLValue] = []) throws -> [PostgresRow] {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case let .text(text): bindings.append(text)
            case let .int(number): bindings.append(number)
            case let .texts(texts): bindings.append(texts)
            case let .ints(numbers): bindings.append(numbers)
            case .null: bindings.appendNull()
            }
        }
        let connection = try open()
        do {
            return Array(try connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: Self.logger).wait().rows)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.translate(error, connectionLost: connection.isClosed)
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ begin: String = "BEGIN", _ body: () throws -> T) throws -> T {
        try query(begin)
        inTransaction = true
        defer { inTransaction = false }
        do {
            let result = try body()
            try query("COMMIT")
            return result
        } catch {
            if !backendClosed { _ = try? query("ROLLBACK") }
            throw error
        }
    }

    /// The server's refusal as the store's: a permission refusal is `forbidden`, a lost
    /// connection or a server going down `unavailable`, naming what happened.
    static func translate(_ error: any Error, connectionLost: Bool) -> StoreError {
        if let psql = error as? PSQLError, let code = psql.serverInfo?[.sqlState] {
            let message = psql.serverInfo?[.message] ?? "\(code)"
            switch code {
            case "42501": return .forbidden("The database refused: \(message)")
            case "40001", "40P01": return .busy("The database asked to try again: \(message)")
            case "55P03": return .busy("Another session has held the store's lock for \(Int(lockWait)) s; nothing was changed. Try again in a moment.")
            case "57P01", "57P02", "57P03", "08006", "08003":
                return .unavailable("the database went away (\(message)) before the change was confirmed; reopen the case to see whether it was saved")
            default: return .unavailable("the database refused: \(message) (\(code))")
            }
        }
        if connectionLost { return .unavailable("the connection to the database was lost before the change was confirmed; reopen the case to see whether it was saved") }
        return .unavailable(describe(error))
    }

    static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] { return message }
            if let underlying = psql.underlying {
                let text = "\(underlying)"
                // The socket is there but nothing answers, or it is gone: the server is down.
                if text.contains("connection refused") || text.contains("No such file") || text.contains("ECONNREFUSED") || text.contains("ENOENT") {
                    return "nothing answers at its socket; is the database server running? (\(text))"
                }
                return text
            }
            return "\(psql.code)"
        }
        return "\(error)"
    }

    /// Starts listening on `channel`; `heard` gets each payload on the event loop.
    func listen(_ channel: String, heard: @escaping @Sendable (String) -> Void) throws {
        let connection = try open()
        connection.addListener(channel: channel) { _, notification in heard(notification.payload) }
        try query("LISTEN \(channel)")
    }
}

extension PostgresRow {
    func text(_ column: Int) throws -> String {
        let cells = Array(self)
        guard column < cells.count else { throw StoreError.unavailable("a row has no column \(column)") }
        return try cells[column].decode(String.self)
    }

    func optionalText(_ column: Int) throws -> String? {
        let cells = Array(self)
        guard column < cells.count else { throw StoreError.unavailable("a row has no column \(column)") }
        return try cells[column].decode(String?.self)
    }

    func int(_ column: Int) throws -> Int {
        let cells = Array(self)
        guard column < cells.count else { throw StoreError.unavailable("a row has no column \(column)") }
        return try cells[column].decode(Int.self)
    }
}
