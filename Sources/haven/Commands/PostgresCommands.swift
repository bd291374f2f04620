import ArgumentParser
import Foundation
import HavenCore
import HavenStore

extension InitCommand {
    /// Makes a PostgreSQL store's schema through its numbered migrations (those not yet
    /// applied), and makes the one running it its administrator.
    func initPostgres(_ location: PostgresLocation) throws {
        let me = OperatingSystemIdentity.currentUser()
        let applied: [Int]
        do {
            applied = try PostgresCaseStore.create(at: location, kind: .live, by: me, at: .now())
            let opened = try PostgresCaseStore(location)
            try opened.grantDatabaseRole(of: me, in: try opened.users())
        } catch {
            throw HavenFailure("\(error)")
        }
        if applied.isEmpty {
            print("The store at \(location) is up to date: every migration this Haven knows is applied.")
        } else {
            print("Applied migration\(applied.count == 1 ? "" : "s") \(applied.map(String.init).joined(separator: ", ")) to the store at \(location).")
            if applied.contains(1) {
                print("\(me) is its administrator; give others roles with 'haven users add NAME --role ROLE --store \(location)'.")
            }
        }
    }
}

extension CheckCommand {
    func checkPostgres() throws {
        let (opened, _) = try store.open(for: .checkStore)
        guard let database = opened as? PostgresCaseStore else { throw HavenFailure("not a PostgreSQL store") }
        let report: PostgresCheckReport
        do { report = try database.check() } catch { throw HavenFailure("\(error)") }
        for problem in report.problems { print(problem) }
        print("\(report.caseCount) cases, \(report.auditEntryCount) audit entries, \(report.accessEntryCount) access entries: "
              + (report.isSound ? "sound" : "\(report.problems.count) problem(s)"))
        if !report.isSound { throw ExitCode(1) }
    }
}

/// `haven migrate --from DIR --to postgresql://…`: the file store copied whole into a new
/// PostgreSQL store, in one transaction.
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Copy a file store, with its whole audit trail, into an empty PostgreSQL store (administrators).",
        discussion: """
            haven migrate --from /srv/haven --to 'postgresql:///haven?host=/var/run/postgresql'
            Every audit and access entry is copied as written and checked as it is read; all or nothing. \
            Run 'haven check' on both afterwards, and compare their exports.
            """)

    @Option(help: ArgumentHelp("The file store's directory.", valueName: "dir")) var from: String
    @Option(help: ArgumentHelp("The PostgreSQL store: postgresql:///DATABASE?host=/SOCKET/DIR.", valueName: "url")) var to: String

    func run() throws {
        let source = StoreOptions.parseOrExit(["--store", from])
        let (files, actor) = try source.openFiles(for: .exportSensitive)
        let location: PostgresLocation
        do { location = try PostgresLocation(to, osUser: OperatingSystemIdentity.currentUser().rawValue) } catch { throw HavenFailure("\(error)") }
        let started = Date()
        let report: PostgresMigration.Report
        do {
            report = try PostgresMigration.copy(from: files, to: location, by: actor) { step in
                FileHandle.standardError.write(Data("\(step)\n".utf8))
            }
        } catch {
            throw HavenFailure("\(error)")
        }
        print("Migrated \(report.cases) cases, \(report.auditEntries) audit entries and \(report.accessEntries) access entries"
              + (report.kept.isEmpty ? "" : " with \(report.kept.joined(separator: ", "))")
              + " from \(files.directory.path) to \(location) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s.")
        print("Check both: haven check --store \(files.directory.path); haven check --store '\(location)'")
    }
}
