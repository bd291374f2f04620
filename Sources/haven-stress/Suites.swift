import ArgumentParser
import Foundation
import Glibc
import HavenCore
import HavenStore
import HavenTestSupport

/// What the crash and race suites share: a scratch store, the children, and their reports.
struct SuiteStore {
    let directory: URL
    let scratch: URL
    /// The PostgreSQL store's address, when the suite runs on one (`--postgres`).
    var postgres: String?
    /// What the children are given as `--store`.
    var address: String { postgres ?? directory.path }

    /// The store at `address`: a PostgreSQL store's postgresql:// address, or a directory.
    static func open(_ address: String) throws -> any CaseStore {
        guard PostgresLocation.isPostgres(address) else { return try FileCaseStore(at: URL(fileURLWithPath: address)) }
        return try PostgresCaseStore(try PostgresLocation(address, osUser: ProcessInfo.processInfo.userName))
    }

    /// `haven check` of the suite's store, as problems (none when sound).
    func check() throws -> [String] {
        if postgres != nil {
            guard let store = try Self.open(address) as? PostgresCaseStore else { return ["not a PostgreSQL store"] }
            return try store.check().problems
        }
        return StoreCheck.run(at: directory).problems.filter { $0.severity == .damaged }.map { "\($0)" }
    }
    /// This very program, which the suites run as their children (`save-loop`).
    static var program: String { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path }

    /// A new store of `cases` demo cases in `directory` (or in a new temporary directory),
    /// with the caseworker `stress` the children save as.
    static func make(cases: Int, at directory: String?, postgres: String? = nil) throws -> SuiteStore {
        let scratch = URL(fileURLWithPath: directory ?? NSTemporaryDirectory()).appendingPathComponent("haven-stress-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let store = scratch.appendingPathComponent("store")
        let today = CalendarDate(year: 2026, month: 11, day: 24)!
        let now = Timestamp(date: today, hour: 9)
        let admin = Actor(user: "stress-admin", role: .administrator)
        let created: any CaseStore
        if let postgres {
            let location = try PostgresLocation(postgres, osUser: ProcessInfo.processInfo.userName)
            try PostgresCaseStore.create(at: location, kind: .demo, by: admin.user, at: now)
            created = try PostgresCaseStore(location)
        } else {
            created = try FileCaseStore.create(at: store, kind: .demo, by: admin.user, at: now)
        }
        _ = try created.changeUsers(.add("stress", .caseworker), by: admin, at: now)
        // Every case is the stress caseworker's, so the children may change it (need to know).
        let records = DemoCases.generate(count: cases, today: today, countries: ["GB", "DE", "PL"].compactMap(CountryCode.init)).map { record in
            var mine = record
            mine.assignedTo = "stress"
            return mine
        }
        try created.importCases(records, by: admin, at: now, today: today) { _ in }
        return SuiteStore(directory: store, scratch: scratch, postgres: postgres)
    }

    /// A child compacting the store in a loop until `until` exists (or `count` compactions).
    func compactLoop(name: String, count: Int? = nil, until: String? = nil) throws -> ChildProcess {
        var arguments = [Self.program, "compact-loop", "--store", directory.path]
        if let count { arguments += ["--count", "\(count)"] }
        if let until { arguments += ["--until", until] }
        return try ChildProcess(arguments, outputPath: scratch.appendingPathComponent("\(name).out").path)
    }

    /// How many compactions a compact-loop child reported finished.
    static func compactions(in output: String) -> Int {
        output.split(separator: "\n").count { $0.hasPrefix("compacted ") }
    }

    func saveLoop(worker: String, seed: Int, cases: Int, count: Int? = nil, queueIndex: Bool = false) throws -> ChildProcess {
        var arguments = [Self.program, "save-loop", "--store", address, "--worker", worker, "--seed", "\(seed)",
                         "--cases", "\(cases)"]
        if let count { arguments += ["--count", "\(count)"] }
        if queueIndex { arguments.append("--queue-index") }
        return try ChildProcess(arguments, outputPath: scratch.appendingPathComponent("\(worker).out").path)
    }
}

/// One save a child reported as done (`ok ID VERSION NOTE`).
struct Acknowledged: Hashable {
    let id: CaseID
    let version: Int
    let note: String

    static func parse(_ output: String) -> (saves: [Acknowledged], conflicts: Int) {
        var saves: [Acknowledged] = []
        var conflicts = 0
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.first == "conflict" { conflicts += 1; continue }
            guard parts.count == 4, parts[0] == "ok", let id = CaseID(String(parts[1])), let version = Int(parts[2]) else { continue }
            saves.append(Acknowledged(id: id, version: version, note: String(parts[3])))
        }
        return (saves, conflicts)
    }
}

/// Problems a suite found; printed at the end, and exit status 1 when there are any.
struct Findings {
    private(set) var problems: [String] = []

    mutating func fail(_ problem: String) {
        if problems.count < 50 { print("FAILED: \(problem)") }
        problems.append(problem)
    }

    func finish() throws {
        guard problems.isEmpty else {
            print("\(problems.count) problem\(problems.count == 1 ? "" : "s") found")
            throw ExitCode(1)
        }
    }
}

/// Kills a saving child with SIGKILL at a random moment, again and again; after every kill
/// the store must open, hold every save the children acknowledged, and report any torn write.
struct Crash: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The crash suite: SIGKILL a saving process at random moments (docs/reliability.md).")

    @Option(help: "How many children to kill.") var kills = 1_000
    @Option(help: "Where to make the scratch store (default: the temporary directory).") var directory: String?
    @Option(help: "Seed for the moments of the kills.") var seed: UInt64 = 50
    @Option(help: "After every Nth kill, also tear the end of the case log or the audit trail, as a power cut mid-write would (0: never).")
    var tearEvery = 10
    @Flag(inversion: .prefixedNo,
          help: "Write the queue index at every opening, so each child and each check starts from one (the index is then under fire too).")
    var queueIndex = true
    @Flag(inversion: .prefixedNo, help: "Run a compacting process beside each saving one, killed at the same moment.")
    var compaction = true
    @Flag(help: "Keep the scratch store.") var keep = false
    @Option(help: ArgumentHelp("Run on a new PostgreSQL store at this address instead of a file store (no compaction or tearing there).", valueName: "url"))
    var postgres: String?
    @Option(help: ArgumentHelp("PostgreSQL mode: a shell command that shuts the database server down at once (immediate mode) and starts it again; run at every --tear-every'th kill, while the child saves.", valueName: "command"))
    var restartServer: String?

    /// Appends the first part of the file's last line again: what a write cut short leaves.
    static func tear(_ path: String, random: inout SeededGenerator) throws -> Int {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let end = bytes.count - 1
        let start = (bytes[..<end].lastIndex(of: 10) ?? -1) + 1
        let length = 1 + Int(random.next() % UInt64(max(1, end - start - 1)))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes[start..<(start + length)]))
        try handle.close()
        return length
    }

    func run() throws {
        let cases = 5
        let suite = try SuiteStore.make(cases: cases, at: directory, postgres: postgres)
        defer { if !keep { try? FileManager.default.removeItem(at: suite.scratch) } }
        let onDatabase = postgres != nil
        let queueIndex = queueIndex && !onDatabase, compaction = compaction && !onDatabase
        var restarts = 0
        var random = SeededGenerator(seed: seed)
        var findings = Findings()
        // The latest acknowledged save of each case: any later version holds it too, because
        // each save starts from the version before and adds one note.
        var acknowledged: [CaseID: [String]] = [:]
        var acknowledgedCount = 0, opened = 0, torn = 0, lost = 0, tears = 0, throughIndex = 0, compactions = 0
        if queueIndex { FileCaseStore.queueIndexThresholdBytes = 0 }
        let started = Date()
        for trial in 0..<kills {
            let child = try suite.saveLoop(worker: "k\(trial)", seed: Int(trial), cases: cases, queueIndex: queueIndex)
            let compactor = compaction ? try suite.compactLoop(name: "c\(trial)") : nil
            // A database store takes a connection before its first save (tens to hundreds of
            // milliseconds, more on a loaded machine): the kill is timed from the first
            // acknowledged save there, so it lands amid saves, not in the connecting.
            if onDatabase {
                let waitingSince = Date()
                while !child.output.contains("ok "), Date().timeIntervalSince(waitingSince) < 10 { usleep(5_000) }
            }
            usleep(useconds_t(30_000 + random.next() % 120_000))
            // PostgreSQL mode: now and then the database server goes down at once, mid-save.
            let restarting = onDatabase && restartServer != nil && tearEvery > 0 && trial % tearEvery == tearEvery - 1
            if restarting, let restartServer {
                let shell = try ChildProcess(["/bin/sh", "-c", restartServer], outputPath: suite.scratch.appendingPathComponent("restart.out").path)
                if shell.wait() != 0 { findings.fail("trial \(trial): the server did not restart: \(shell.output)") }
                restarts += 1
            }
            compactor?.kill(SIGKILL)
            child.kill(SIGKILL)
            if let compactor {
                _ = compactor.wait()
                compactions += SuiteStore.compactions(in: compactor.output)
            }
            let status = child.wait()
            // A child whose server went down may have ended on the lost connection before the kill.
            if status != 128 + SIGKILL, !(restarting && status == 1) { findings.fail("trial \(trial): the child ended by itself (status \(status)): \(child.output)") }
            for save in Acknowledged.parse(child.output).saves {
                acknowledged[save.id, default: []].append(save.note)
                acknowledgedCount += 1
            }
            var tore = 0
            if !onDatabase, tearEvery > 0, trial % tearEvery == tearEvery - 1 {
                let file = (trial / tearEvery) % 2 == 0 ? FileCaseStore.casesFile : FileCaseStore.auditFile
                _ = try Self.tear(suite.directory.appendingPathComponent(file).path, random: &random)
                tore = 1
                tears += 1
            }
            do {
                let store = try SuiteStore.open(suite.address)
                opened += 1
                if let files = store as? FileCaseStore {
                    if files.bytesFromQueueIndex > 0 { throughIndex += 1 }
                    let reported = files.openingProblems.filter { $0.severity == .repaired && $0.message.contains("torn") }.count
                    torn += reported
                    if reported < tore { findings.fail("trial \(trial): a torn write was made and not reported: \(files.openingProblems)") }
                    for problem in files.openingProblems where problem.severity == .damaged { findings.fail("trial \(trial): \(problem)") }
                }
                for (id, notes) in acknowledged {
                    let held = Set(try store.load(id).record.notes.map(\.text))
                    for note in notes where !held.contains(note) {
                        lost += 1
                        findings.fail("trial \(trial): the acknowledged save '\(note)' on \(id) is lost")
                    }
                }
            } catch {
                findings.fail("trial \(trial): the store does not open: \(error)")
            }
            if (trial + 1) % 100 == 0 {
                print("  \(trial + 1) kills, \(acknowledgedCount) acknowledged saves, \(lost) lost (\(Int(Date().timeIntervalSince(started))) s)")
            }
        }
        if acknowledgedCount < kills { findings.fail("only \(acknowledgedCount) saves were acknowledged in \(kills) trials: the kills came too early") }
        let problems = try suite.check()
        for problem in problems { findings.fail("haven check: \(problem)") }
        if onDatabase, restartServer != nil, restarts == 0 { findings.fail("the database server was never restarted: that fault was not under test") }
        if queueIndex, throughIndex == 0 { findings.fail("no opening started from a queue index: the index was not under test") }
        if compaction, compactions == 0 { findings.fail("no compaction finished between the kills: compaction was not under test") }
        print("crash suite: \(onDatabase ? "PostgreSQL, " : "")\(kills) kills, the store opened \(opened) times of \(kills) (\(throughIndex) from a queue index), "
              + (onDatabase ? "\(restarts) immediate shutdowns of the database server mid-save, " : "")
              + (compaction ? "\(compactions) compactions finished beside the savers, " : "")
              + "\(acknowledgedCount) acknowledged saves, "
              + "\(lost) lost, \(torn) torn writes set aside and reported (\(tears) made by cutting a write short), "
              + "haven check \(problems.isEmpty ? "sound" : "NOT sound"), "
              + String(format: "%.0f s", Date().timeIntervalSince(started)))
        try findings.finish()
    }
}

/// Processes saving the same few cases at once: every save either lands or is refused as a
/// conflict to the process that made it; none is lost.
struct Race: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The concurrency suite: processes racing to save the same cases (docs/reliability.md).")

    @Option(help: "How many processes.") var processes = 8
    @Option(help: "Saves each process attempts.") var saves = 500
    @Option(help: "How many cases they share.") var cases = 5
    @Option(help: "Where to make the scratch store (default: the temporary directory).") var directory: String?
    @Flag(inversion: .prefixedNo, help: "Run a process compacting the store in a loop while they save.")
    var compaction = true
    @Flag(help: "Keep the scratch store.") var keep = false
    @Option(help: ArgumentHelp("Run on a new PostgreSQL store at this address instead of a file store (no compaction there).", valueName: "url"))
    var postgres: String?

    func run() throws {
        let suite = try SuiteStore.make(cases: cases, at: directory, postgres: postgres)
        let compaction = compaction && postgres == nil
        defer { if !keep { try? FileManager.default.removeItem(at: suite.scratch) } }
        var findings = Findings()
        let started = Date()
        let stop = suite.scratch.appendingPathComponent("savers-done").path
        let compactor = compaction ? try suite.compactLoop(name: "compactor", until: stop) : nil
        let children = try (0..<processes).map { try suite.saveLoop(worker: "w\($0)", seed: $0 + 7, cases: cases, count: saves) }
        var acknowledged: [Acknowledged] = []
        var conflicts = 0
        var followed = 0
        for (number, child) in children.enumerated() {
            let status = child.wait()
            if status != 0 { findings.fail("process \(number) ended with status \(status): \(child.output.suffix(500))") }
            let parsed = Acknowledged.parse(child.output)
            acknowledged += parsed.saves
            conflicts += parsed.conflicts
            followed += child.output.split(separator: "\n").compactMap { $0.hasPrefix("followed ") ? Int($0.dropFirst(9)) : nil }.reduce(0, +)
        }
        _ = FileManager.default.createFile(atPath: stop, contents: nil)
        var compactions = 0
        if let compactor {
            if compactor.wait() != 0 { findings.fail("the compacting process failed: \(compactor.output.suffix(500))") }
            compactions = SuiteStore.compactions(in: compactor.output)
            if compactions == 0 { findings.fail("no compaction finished while the processes saved: compaction was not under test") }
            if followed == 0 { findings.fail("no process followed a compaction by its table of moves: that path was not under test") }
        }
        if acknowledged.count + conflicts != processes * saves {
            findings.fail("\(processes * saves) attempts but \(acknowledged.count) saved and \(conflicts) conflicts reported")
        }
        let store = try SuiteStore.open(suite.address)
        var lost = 0
        for summary in try store.summaries() {
            let stored = try store.load(summary.id)
            let mine = acknowledged.filter { $0.id == summary.id }
            if stored.version.rawValue != 1 + mine.count {
                findings.fail("\(summary.id) is at \(stored.version) after \(mine.count) acknowledged saves")
            }
            let held = Set(stored.record.notes.map(\.text))
            for save in mine where !held.contains(save.note) {
                lost += 1
                findings.fail("the acknowledged save '\(save.note)' on \(summary.id) is lost")
            }
            if held.count != mine.count { findings.fail("\(summary.id) holds \(held.count) notes for \(mine.count) acknowledged saves") }
        }
        let problems = try suite.check()
        for problem in problems { findings.fail("haven check: \(problem)") }
        print("concurrency suite: \(postgres == nil ? "" : "PostgreSQL, ")\(processes) processes x \(saves) saves on \(cases) cases"
              + (compaction ? " with \(compactions) compactions beside them (followed \(followed) times by their tables)" : "") + ": \(acknowledged.count) saved, "
              + "\(conflicts) conflicts reported to the process that lost the race, \(lost) lost, haven check "
              + "\(problems.isEmpty ? "sound" : "NOT sound"), " + String(format: "%.0f s", Date().timeIntervalSince(started)))
        try findings.finish()
    }
}
