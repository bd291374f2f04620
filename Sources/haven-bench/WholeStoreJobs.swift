import Foundation
import Glibc
import HavenCore
import HavenStore
import HavenTestSupport

/// Issue 21's whole-store jobs, run as a person runs them: the real `haven` binary on an
/// existing store, each timed from start to exit with its own peak resident memory.
///
/// On the store: `export` in every mode, `stats` and the supervisor reports; a fresh `demo`
/// and an `import` of the export of the same number of cases. With `--age K`, the store is
/// then aged (K saves a case, a note each, in writes of 1,000 cases) and the reading jobs run
/// again: their memory must not grow with the log.
struct WholeStoreJobs {
    let haven: String
    let store: URL
    let age: Int

    struct Figure {
        var job: String
        var seconds: Double
        var peakKilobytes: Int
        /// The budget in seconds, when the job's time is judged.
        var budget: Double?
    }

    /// GNU time, which reports a command's own peak memory: a child spawned from this process
    /// starts counting from this process's peak (the kernel carries it across posix_spawn's
    /// exec), so wait4's figure alone would report the benchmark's memory, not the job's.
    static let time = "/usr/bin/time"

    /// Runs `arguments` with the `haven` binary; its time and peak memory, or a failure naming it.
    func run(_ job: String, _ arguments: [String], budget: Double? = nil) throws -> Figure {
        let scratch = FileManager.default.temporaryDirectory
        let output = scratch.appendingPathComponent("haven-bench-job-\(getpid()).out").path
        let memory = scratch.appendingPathComponent("haven-bench-job-\(getpid()).rss").path
        let timed = FileManager.default.isExecutableFile(atPath: Self.time)
        let start = DispatchTime.now().uptimeNanoseconds
        let child = try ChildProcess((timed ? [Self.time, "-f", "%M", "-o", memory] : []) + [haven] + arguments, outputPath: output)
        var (status, peak) = child.waitReportingPeakMemory()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let text = child.output
        if timed, let reported = (try? String(contentsOfFile: memory, encoding: .utf8)).flatMap({ Int($0.split(separator: "\n").last ?? "") }) {
            peak = reported
        }
        unlink(output)
        unlink(memory)
        guard status == 0 else { throw BenchFailure("\(job) failed (status \(status)): \(text.suffix(400))") }
        return Figure(job: job, seconds: seconds, peakKilobytes: peak, budget: budget)
    }

    /// The reading jobs: each export mode, stats and the reports, on `store`.
    func readingJobs(into scratch: URL, label: String) throws -> [Figure] {
        let path = store.path
        var figures: [Figure] = []
        for (mode, arguments) in [("JSON", [String]()), ("JSON --include-sensitive", ["--include-sensitive"]), ("CSV", ["--format", "csv"])] {
            let file = scratch.appendingPathComponent("export-\(label)-\(figures.count).out").path
            figures.append(try run("export \(mode)\(label)", ["export", "--store", path, "--output", file] + arguments,
                                   budget: Budget.exportSeconds))
            unlink(file)
        }
        figures.append(try run("stats\(label)", ["stats", "--json", "--store", path]))
        for kind in ["pipeline", "quotas", "workload", "decisions", "outcomes"] {
            figures.append(try run("report \(kind)\(label)", ["report", "--kind", kind, "--format", "csv", "--store", path]))
        }
        return figures
    }

    func logBytes() -> Int {
        (try? FileManager.default.attributesOfItem(atPath: store.appendingPathComponent(FileCaseStore.casesFile).path)[.size] as? Int) ?? 0
    }

    /// Adds `age` versions to every case (a note each), a thousand cases a write.
    func ageStore() throws {
        let opened = try FileCaseStore(at: store)
        let users = try opened.users()
        // A supervisor may change any case (need to know); a caseworker only their own.
        guard let account = users.users.first(where: { $0.role == .supervisor }) ?? users.users.first(where: { $0.role.may(.editCase) }) else {
            throw BenchFailure("no user in the store may save cases")
        }
        let actor = Actor(user: account.name, role: account.role)
        let ids = try opened.summaries().map(\.id)
        for round in 0..<age {
            for start in stride(from: 0, to: ids.count, by: 1_000) {
                let updates = try ids[start..<min(ids.count, start + 1_000)].map { id -> CaseUpdate in
                    let stored = try opened.load(id)
                    var record = stored.record
                    record.notes.append(Note(author: actor.user, at: .init(secondsSinceEpoch: 1_800_000_000), text: "Aged by haven-bench, round \(round + 1)."))
                    return CaseUpdate(record, basedOn: stored.version)
                }
                _ = try opened.save(together: updates, by: actor, at: .init(secondsSinceEpoch: 1_800_000_000))
            }
        }
    }

    func run() throws -> (report: String, missed: [String]) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haven-bench-jobs-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let count = try FileCaseStore(at: store).summaries().count
        var lines = ["Whole-store jobs: haven on \(store.path), \(count) cases, log \(logBytes() / 1_000_000) MB, \(ProcessInfo.processInfo.activeProcessorCount) cores"]
        var missed: [String] = []
        func show(_ figure: Figure) {
            var line = "  " + figure.job.padding(toLength: 44, withPad: " ", startingAt: 0)
                + String(format: "%8.2f s  %6d MB", figure.seconds, figure.peakKilobytes / 1024)
            if let budget = figure.budget {
                let within = figure.seconds <= budget
                if !within { missed.append(figure.job) }
                line += String(format: "   budget %.0f s: %@", budget, within ? "ok" : "MISSED")
            }
            lines.append(line)
        }
        let before = try readingJobs(into: scratch, label: "")
        before.forEach(show)

        // Writing every case: a demo store of the same size, and an import of this one's export.
        let demo = scratch.appendingPathComponent("demo").path
        show(try run("demo --cases \(count)", ["demo", "--cases", "\(count)", "--no-open", "--role", "administrator", "--store", demo],
                     budget: Budget.importSeconds))
        try? FileManager.default.removeItem(atPath: demo)
        let export = scratch.appendingPathComponent("all.json").path
        _ = try run("export for the import", ["export", "--include-sensitive", "--store", store.path, "--output", export])
        let imported = scratch.appendingPathComponent("imported").path
        _ = try run("init", ["init", "--store", imported])
        show(try run("import \(count) cases", ["import", export, "--store", imported], budget: Budget.importSeconds))
        try? FileManager.default.removeItem(atPath: imported)
        unlink(export)

        guard age > 0 else { return (lines.joined(separator: "\n"), missed) }
        let logBefore = logBytes()
        let ageStart = DispatchTime.now().uptimeNanoseconds
        try ageStore()
        // One opening brings the queue index up to date, as any opening after 8 MiB of new log does.
        _ = try FileCaseStore(at: store)
        lines.append(String(format: "  aged: %d saves a case, log %d MB -> %d MB (%.0f s)", age, logBefore / 1_000_000, logBytes() / 1_000_000,
                            Double(DispatchTime.now().uptimeNanoseconds - ageStart) / 1e9))
        let after = try readingJobs(into: scratch, label: " (aged)")
        for (old, new) in zip(before, after) {
            show(new)
            let limit = Int(Double(old.peakKilobytes) * Budget.memoryGrowth) + Budget.memorySlackBytes / 1024
            if new.peakKilobytes > limit {
                missed.append("\(new.job) memory")
                lines.append("    memory grew with the log: \(old.peakKilobytes / 1024) MB before, \(new.peakKilobytes / 1024) MB after: MISSED")
            }
        }
        return (lines.joined(separator: "\n"), missed)
    }
}
