import Foundation
import HavenCore
@testable import HavenStore
import HavenTestSupport
import XCTest

/// Across hosts (issue 25, point 4): a store reached over TCP, only with TLS, as the role a
/// password proves, never the OS account's name: a cluster of its own on 127.0.0.1 with its own
/// certificate authority (`scripts/pg-cluster start-tls`), which allows TLS connections only.
final class PostgresTLSTests: StoreTestCase {
    var cluster: URL!
    var port = 0
    var authority = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        guard getuid() == 0 else { throw XCTSkip("The TLS cluster is started as the postgres account, through runuser, by root.") }
        guard PostgresTestServer.tool("initdb") != nil else { throw XCTSkip("PostgreSQL: \(PostgresTestServer.unavailableReason ?? "not installed")") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else { throw XCTSkip("openssl makes the test's certificates; it is not installed") }
        cluster = URL(fileURLWithPath: "/tmp/haven-tls-\(getpid())-\(UUID().uuidString.prefix(6))")
        port = 20_000 + Int(getpid() % 20_000)
        let script = PostgresTestServer.root.appendingPathComponent("scripts/pg-cluster").path
        let started = try ChildProcess.run(["/bin/bash", script, "start-tls", cluster.path, "\(port)"],
                                           outputPath: scratch.appendingPathComponent("tls-start.out").path)
        XCTAssertEqual(started.status, 0, started.output)
        authority = started.output.trimmingCharacters(in: .whitespacesAndNewlines)
        // A role whose password is its proof, and who is no OS account here.
        let local = try PostgresLocation("postgresql:///postgres?host=\(cluster.path)/sock&port=\(port)", osUser: ProcessInfo.processInfo.userName)
        let link = try PostgresLink(local)
        try link.query("CREATE ROLE far_admin LOGIN SUPERUSER PASSWORD 'a long passphrase of the far office'")
        link.close()
    }

    override func tearDownWithError() throws {
        if let cluster {
            _ = try? ChildProcess.run(["/bin/bash", PostgresTestServer.root.appendingPathComponent("scripts/pg-cluster").path, "stop", cluster.path],
                                      outputPath: scratch.appendingPathComponent("tls-stop.out").path)
        }
        try super.tearDownWithError()
    }

    func address(_ extra: String) -> String {
        "postgresql://localhost:\(port)/postgres?user=far_admin&schema=far\(extra)"
    }

    let password = ["PGPASSWORD": "a long passphrase of the far office"]

    func testAStoreAcrossHostsIsReachedOnlyOverTLSAsTheRoleItsPasswordProves() throws {
        let location = try PostgresLocation(address("&sslrootcert=\(authority)"), osUser: "root", environment: password)
        XCTAssertEqual(location.sslMode, "verify-full")
        try PostgresCaseStore.create(at: location, kind: .live, by: "far_admin", at: now)
        let store = try PostgresCaseStore(location)
        XCTAssertEqual(store.sessionUser, "far_admin", "the role the server verified, not the OS account")
        XCTAssertEqual(try store.link.query("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first?.text(0), "true")
        XCTAssertEqual(try store.users().users.map(\.name), ["far_admin"])
        XCTAssertTrue(try store.check().isSound)
        store.link.close()

        // Without TLS the server refuses (only hostssl lines); with a certificate authority that
        // did not sign the server's, or a wrong password, the connection is refused too.
        XCTAssertThrowsError(try PostgresCaseStore(try PostgresLocation(address("&sslmode=disable"), osUser: "root", environment: password)))
        let stranger = scratch.appendingPathComponent("stranger.crt").path
        let made = try ChildProcess.run(["/usr/bin/openssl", "req", "-new", "-x509", "-days", "1", "-nodes", "-subj", "/CN=Someone else",
                                         "-keyout", scratch.appendingPathComponent("stranger.key").path, "-out", stranger],
                                        outputPath: scratch.appendingPathComponent("openssl.out").path)
        XCTAssertEqual(made.status, 0, made.output)
        XCTAssertThrowsError(try PostgresCaseStore(try PostgresLocation(address("&sslrootcert=\(stranger)"), osUser: "root", environment: password)))
        XCTAssertThrowsError(try PostgresCaseStore(try PostgresLocation(address("&sslrootcert=\(authority)"), osUser: "root",
                                                                        environment: ["PGPASSWORD": "a guess"])))
        // The address cannot name a role over the socket, where the OS account is the proof.
        XCTAssertThrowsError(try PostgresLocation("postgresql:///postgres?host=/tmp&user=someone", osUser: "root"))
        XCTAssertThrowsError(try PostgresLocation(address("&sslmode=prefer"), osUser: "root"))
    }
}
