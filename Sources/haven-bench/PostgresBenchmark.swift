import ArgumentParser
import Foundation
import HavenCore
import HavenStore

/// The file store and the PostgreSQL store side by side, in one run (issue 25): the file store
/// at --store is migrated into a new PostgreSQL store at --postgres, then each is timed at the
/// same jobs: opening to a usable queue, one save at 100 and at the store's size, saves a
/// second with 8 writers, and an export.
extension HavenBench {
    func postgresBenchmark() throws {
        guard let store, let postgres else {
            throw ValidationError("--part postgres needs --store DIR (a file store; 'haven demo --cases 120000 --no-open --role administrator') and --postgres URL (an empty schema)")
        }
        let me = ProcessInfo.processInfo.userName
        let location = try PostgresLocation(postgres, osUser: me)
        let files = try FileCaseStore(at: URL(fileURLWithPath: store))
        let admin = try files.users().users.first { $0.role == .administrator }.map { Actor(user: $0.name, role: $0.role) }
            ?? { throw ValidationError("the store needs an administrator") }()
        let count = try files.summaries().count
        print("File store and PostgreSQL side by side: \(count) cases; \(ProcessInfo.processInfo.activeProcessorCount) cores; load \(loadAverage())")
        let (report, migrateSeconds) = try time { try PostgresMigration.copy(from: files, to: location, by: admin) }
        print(row("haven migrate (\(report.cases) cases, \(report.auditEntries) audit entries)", migrateSeconds))

        func side(_ name: String, _ file: Double, _ database: Double, unit: String = "s") {
            let format = unit == "s" ? "%8.3f s" : "%8.0f \(unit)"
            print(name.padding(toLength: 52, withPad: " ", startingAt: 0) + String(format: format, file) + "   " + String(format: format, database)
                  + String(format: "   x%.2f", database / max(file, 1e-9)))
        }
        print("".padding(toLength: 52, withPad: " ", startingAt: 0) + "  file store   PostgreSQL   ratio")
        let openFile: () throws -> any CaseStore = { try FileCaseStore(at: URL(fileURLWithPath: store)) }
        let openDatabase: () throws -> any CaseStore = { try PostgresCaseStore(location) }
        func openToQueue(_ open: () throws -> any CaseStore) throws -> Double {
            median(try (0..<3).map { _ in try time { _ = try open().summaries() }.1 })
        }
        side("open to a usable queue (median of 3)", try openToQueue(openFile), try openToQueue(openDatabase))

        let fileStore = try openFile(), databaseStore = try openDatabase()
        func oneSave(_ opened: any CaseStore, _ id: CaseID, times: Int = 30) throws -> Double {
            let saver = try saverFor(opened, id)
            return median(try (0..<times).map { attempt in
                _ = try opened.refresh()
                let loaded = try opened.load(id)
                var record = loaded.record
                record.notes.append(Note(author: saver.user, at: .init(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)), text: "bench \(attempt)"))
                return try time { _ = try opened.save(record, basedOn: loaded.version, by: saver, at: .init(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))) }.1
            })
        }
        let target = try fileStore.summaries().first { !$0.isErased && $0.stage != .closed }!.id
        side("one save at \(count) cases (median of 30)", try oneSave(fileStore, target), try oneSave(databaseStore, target))

        // 100 cases: a store of each kind made for it.
        let small = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("haven-bench-small-\(getpid())")
        defer { try? FileManager.default.removeItem(at: small) }
        let today = CalendarDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400))
        let now = Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
        let benchUser: UserName = "bench"
        let hundred = DemoCases.generate(count: 100, today: today, countries: []).map { record -> Case in
            var copy = record
            copy.assignedTo = benchUser
            copy.family = copy.family.map { var member = $0; member.linkedCase = nil; return member }
            copy.allocation = nil
            return copy
        }
        let smallFiles = try FileCaseStore.create(at: small, kind: .demo, by: admin.user, at: now)
        _ = try smallFiles.changeUsers(.add(benchUser, .caseworker), by: admin, at: now)
        try smallFiles.importCases(hundred, by: admin, at: now, today: today) { _ in }
        var smallLocation = location
        smallLocation.schema = location.schema + "_small"
        try PostgresCaseStore.create(at: smallLocation, kind: .demo, by: admin.user, at: now)
        let smallDatabase = try PostgresCaseStore(smallLocation)
        _ = try smallDatabase.changeUsers(.add(benchUser, .caseworker), by: admin, at: now)
        try smallDatabase.importCases(hundred, by: admin, at: now, today: today) { _ in }
        side("one save at 100 cases (median of 30)", try oneSave(smallFiles, CaseID(number: 1)), try oneSave(smallDatabase, CaseID(number: 1)))

        // Eight writers, each its own session, each on its own cases: saves a second.
        func writers(_ open: @escaping @Sendable () throws -> any CaseStore) throws -> Double {
            let ids = try fileStore.summaries().filter { !$0.isErased && $0.stage != .closed && $0.assignedTo != nil }.prefix(8 * 4).map(\.id)
            let savers = try Dictionary(uniqueKeysWithValues: ids.map { ($0, try saverFor(fileStore, $0)) })
            let saves = 60
            let failures = Failures()
            // Each writer's session opened first: the rate is of saves, not of openings.
            nonisolated(unsafe) let sessions = try (0..<8).map { _ in
                let session = try open()
                _ = try session.summaries() // as an interface has them from its start
                return session
            }
            let started = Date()
            DispatchQueue.concurrentPerform(iterations: 8) { writer in
                do {
                    let opened = sessions[writer]
                    for attempt in 0..<saves {
                        let id = ids[writer * 4 + attempt % 4]
                        let saver = savers[id]!
                        let loaded = try opened.load(id)
                        var record = loaded.record
                        record.notes.append(Note(author: saver.user, at: .init(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)), text: "w\(writer) \(attempt)"))
                        _ = try opened.save(record, basedOn: loaded.version, by: saver, at: .init(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)))
                    }
                } catch { failures.add("\(error)") }
            }
            if let failure = failures.first { throw ValidationError("a writer failed: \(failure)") }
            return Double(8 * saves) / Date().timeIntervalSince(started)
        }
        let fileRate = try writers { try FileCaseStore(at: URL(fileURLWithPath: store)) }
        let databaseRate = try writers { try PostgresCaseStore(location) }
        side("saves a second, 8 writers x 60 saves", fileRate, databaseRate, unit: "/s")

        func export(_ opened: any OpenStore) throws -> (Double, Int) {
            var bytes = 0
            let seconds = try time { try opened.latestVersions().writeJSON(includeSensitive: false) { bytes += $0.count } }.1
            return (seconds, bytes)
        }
        let (fileExport, fileBytes) = try export(FileCaseStore(at: URL(fileURLWithPath: store)))
        let (databaseExport, databaseBytes) = try export(PostgresCaseStore(location))
        side("export \(count) cases as JSON (\(fileBytes / 1_000_000) MB)", fileExport, databaseExport)
        if fileBytes != databaseBytes { print("  the two exports differ in length: \(fileBytes) and \(databaseBytes) bytes") }
        let (check, checkSeconds) = try time { try PostgresCaseStore(location).check() }
        print(row("haven check on PostgreSQL (\(check.isSound ? "sound" : "NOT sound"))", checkSeconds))
        print(String(format: "peak resident memory: %d MB", peakResidentMegabytes()))
    }

    /// Someone who may save `id`: its caseworker when it has one and they have a role, else an administrator.
    func saverFor(_ opened: any CaseStore, _ id: CaseID) throws -> Actor {
        let users = try opened.users()
        if let assigned = try opened.load(id).record.assignedTo, let account = users.account(assigned), account.role.may(.editCase) {
            return Actor(user: account.name, role: account.role)
        }
        let admin = try users.users.first { $0.role == .administrator } ?? { throw ValidationError("no administrator") }()
        return Actor(user: admin.name, role: admin.role)
    }

    func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
    }
}

/// Errors from concurrent writers, kept under a lock.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var all: [String] = []
    func add(_ failure: String) { lock.lock(); all.append(failure); lock.unlock() }
    var first: String? { lock.lock(); defer { lock.unlock() }; return all.first }
}
