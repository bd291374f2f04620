import Foundation
import Glibc
import HavenCore
import HavenStore
import HavenTestSupport

/// `haven-bench --part aging`: a store that lives for years (issue 21). It ages a store of
/// `cases` cases by `savesPerCase` saves a case, spread over the cases in batches (each batch
/// one write through the save contract), then measures it before and after an online
/// compaction that runs while `writers` sessions keep saving: log and trail sizes, opening
/// warm and cold (the store's pages dropped from the cache), and each whole-store job run as
/// the real `haven` command in a process of its own, timed, with its peak memory.
struct AgingBenchmark {
    let cases: Int
    let savesPerCase: Int
    let writers: Int
    let root: URL
    let haven: String

    struct Job {
        var seconds: Double
        var peakMegabytes: Int
        var output: String
    }

    /// Runs `haven ARGUMENTS` to the end under GNU time; its time and peak resident memory.
    /// (Not wait4's own figure: a child started with posix_spawn shares this process's memory
    /// until it execs, so its peak would start at the bench's.)
    func run(_ arguments: [String]) throws -> Job {
        let outputPath = root.appendingPathComponent("job.out").path
        let start = DispatchTime.now().uptimeNanoseconds
        let child = try ChildProcess(["/usr/bin/time", "-f", "peak-kilobytes %M", haven] + arguments, outputPath: outputPath)
        let status = child.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var output = child.output
        guard status == 0 else { throw BenchFailure("haven \(arguments.joined(separator: " ")) failed (status \(status)): \(output.suffix(600))") }
        var peak = 0
        if let line = output.split(separator: "\n").last(where: { $0.hasPrefix("peak-kilobytes ") }) {
            peak = (Int(line.dropFirst("peak-kilobytes ".count)) ?? 0) / 1024
            output = output.replacingOccurrences(of: line + "\n", with: "")
        }
        return Job(seconds: seconds, peakMegabytes: peak, output: output)
    }

    /// Drops the store's files from the page cache (clean pages only, no root needed), so the
    /// next opening reads the disk: a cold start after a reboot, or after a night of backups.
    func dropFromCache(_ store: URL) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: store.path)) ?? [] {
            let descriptor = open(store.appendingPathComponent(name).path, O_RDONLY)
            guard descriptor >= 0 else { continue }
            fdatasync(descriptor)
            posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_DONTNEED))
            close(descriptor)
        }
    }

    func size(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? Int) ?? 0
    }

    func megabytes(_ bytes: Int) -> String { String(format: "%.0f MB", Double(bytes) / 1_000_000) }

    /// Makes the store and ages it; prints the growth as it goes.
    func age(_ store: URL, user: UserName) throws {
        let today = CalendarDate(year: 2026, month: 11, day: 24)!
        let now = Timestamp(date: today, hour: 12)
        let countries = ["GB", "IE", "FR", "DE", "NL", "BE", "LU", "DK", "SE", "NO", "FI", "PL", "CZ", "SK", "AT", "IT", "ES",
                         "PT", "CA", "US"].compactMap(CountryCode.init)
        let administrator = Actor(user: user, role: .administrator)
        let created = try FileCaseStore.create(at: store, kind: .demo, by: user, at: now)
        // The cases are kept here as they are saved (and their versions), so each save costs
        // what a session's does: the contract's own read of the stored version, the diff, the
        // line and the entry, not a second decode.
        var records = DemoCases.generate(count: cases, today: today, countries: countries)
        try created.importCases(records, by: administrator, at: now, today: today)
        _ = try created.changeUsers(.add("bench", .supervisor), by: administrator, at: now)
        let writer = Actor(user: "bench", role: .supervisor)
        let opened = try FileCaseStore(at: store)
        var versions = [Int](repeating: 1, count: cases)
        let total = cases * savesPerCase
        let batch = 500
        var done = 0
        var random = SeededGenerator(seed: 21)
        let started = Date()
        var reported = 0
        while done < total {
            // A batch of different cases, each saved once more with a note, as a day's work adds.
            let count = min(batch, total - done)
            var chosen = Set<Int>()
            while chosen.count < min(count, cases) { chosen.insert(Int(random.next() % UInt64(cases))) }
            let positions = chosen.sorted()
            let updates = positions.map { position -> CaseUpdate in
                records[position].notes.append(Note(author: writer.user, at: now, text: "Called about the appointment; \(done) saves so far."))
                return CaseUpdate(records[position], basedOn: CaseVersion(versions[position]))
            }
            _ = try opened.save(together: updates, by: writer, at: now)
            for position in positions { versions[position] += 1 }
            done += updates.count
            if done - reported >= total / 10 || done == total {
                reported = done
                let elapsed = Date().timeIntervalSince(started)
                FileHandle.standardError.write(Data(String(format: "  aged %d of %d saves (%.0f s, log %@)\n", done, total, elapsed,
                                                           megabytes(opened.logBytes)).utf8))
            }
        }
    }

    /// Log and trail sizes, opening warm and cold, and the whole-store jobs.
    func measure(_ store: URL, _ title: String) throws {
        let log = size(store.appendingPathComponent(FileCaseStore.casesFile))
        let trail = size(store.appendingPathComponent(FileCaseStore.auditFile))
        print("  \(title): case log \(megabytes(log)), audit trail \(megabytes(trail))")
        _ = try run(["stats", "--store", store.path]) // warms the cache and brings the queue index up to date
        let warm = try run(["stats", "--store", store.path])
        print(row("open and count (haven stats), warm", warm))
        dropFromCache(store)
        let cold = try run(["stats", "--store", store.path])
        print(row("open and count (haven stats), cold cache", cold))
        let check = try run(["check", "--store", store.path])
        print(row("haven check", check) + "  " + (check.output.split(separator: "\n").last.map(String.init) ?? ""))
        let exportPath = root.appendingPathComponent("export.json").path
        let export = try run(["export", "--store", store.path, "--output", exportPath])
        print(row("haven export (JSON, without sensitive fields)", export))
        try? FileManager.default.removeItem(atPath: exportPath)
    }

    func row(_ label: String, _ job: Job) -> String {
        "    " + label.padding(toLength: 50, withPad: " ", startingAt: 0) + String(format: "%8.2f s  peak %5d MB", job.seconds, job.peakMegabytes)
    }

    /// A plain copy of a file, 8 MiB at a time: what the compaction's rate is set against.
    func plainCopySeconds(_ source: URL) throws -> Double {
        let target = root.appendingPathComponent("plain-copy")
        let input = open(source.path, O_RDONLY)
        let output = open(target.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer {
            close(input)
            close(output)
            unlink(target.path)
        }
        guard input >= 0, output >= 0 else { throw BenchFailure("cannot copy \(source.path)") }
        var buffer = [UInt8](repeating: 0, count: 8 << 20)
        let start = DispatchTime.now().uptimeNanoseconds
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            _ = buffer.withUnsafeBytes { write(output, $0.baseAddress, count) }
        }
        fsync(output)
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Sessions saving in a loop on their own openings of the store (their own locks, as other
    /// processes would have), each acknowledged save noted with how long it took.
    final class Writers: @unchecked Sendable {
        let lock = NSLock()
        var acknowledged: [(CaseID, String)] = []
        var waits: [Double] = []
        /// Each save's start, in seconds of the uptime clock, beside its wait.
        var started: [Double] = []
        /// Where each save's time went (`FileCaseStore.WriteSteps`), beside its wait.
        var steps: [String] = []
        var stores: [FileCaseStore] = []
        var failures: [String] = []
        var stop = false
        var threads: [Thread] = []
        let finished = DispatchGroup()

        func start(_ count: Int, store: URL, cases: Int) throws {
            for worker in 0..<count {
                nonisolated(unsafe) let opened = try FileCaseStore(at: store) // this thread's alone
                stores.append(opened)
                finished.enter()
                let thread = Thread { [self] in
                    var random = SeededGenerator(seed: UInt64(100 + worker))
                    let actor = Actor(user: "bench", role: .supervisor)
                    var round = 0
                    while !lock.withLock({ stop }) {
                        round += 1
                        let id = CaseID(number: 1 + Int(random.next() % UInt64(cases)))
                        let note = "writer \(worker) save \(round)"
                        do {
                            _ = try opened.refresh()
                            let stored = try opened.load(id)
                            var record = stored.record
                            record.notes.append(Note(author: actor.user, at: .current(), text: note))
                            let start = DispatchTime.now().uptimeNanoseconds
                            _ = try opened.save(record, basedOn: stored.version, by: actor, at: .current())
                            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                            lock.withLock {
                                acknowledged.append((id, note))
                                waits.append(seconds)
                                self.started.append(Double(start) / 1e9)
                                steps.append(opened.lastWriteSteps.description)
                            }
                        } catch StoreError.conflict {
                            continue // another writer saved it first: refused, not lost
                        } catch {
                            lock.withLock { failures.append("\(error)") }
                        }
                    }
                    finished.leave()
                }
                thread.stackSize = 8 << 20
                threads.append(thread)
            }
            for thread in threads { thread.start() }
        }

        func finish() {
            lock.withLock { stop = true }
            finished.wait()
        }
    }

    func run(user: UserName) throws -> [String] {
        var missed: [String] = []
        let store = root.appendingPathComponent("aged")
        print("Aging benchmark: \(cases) cases, \(savesPerCase) saves a case, \(writers) writers beside the compaction, "
              + "\(ProcessInfo.processInfo.activeProcessorCount) cores")
        let (_, agingSeconds) = try timed { try age(store, user: user) }
        print(String(format: "  aged in %.0f s", agingSeconds))
        try measure(store, "before compaction")
        let logPath = store.appendingPathComponent(FileCaseStore.casesFile)
        let logBefore = size(logPath)
        let copySeconds = try plainCopySeconds(logPath)

        // The compaction, as `haven compact` in its own process, while the writers save.
        let writing = Writers()
        try writing.start(writers, store: store, cases: cases)
        Thread.sleep(forTimeInterval: 1)
        let compactionStart = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        let compaction = try run(["compact", "--store", store.path])
        Thread.sleep(forTimeInterval: 1)
        writing.finish()
        print(row("haven compact, \(writers) writers saving beside it", compaction))
        print("      " + (compaction.output.split(separator: "\n").last.map(String.init) ?? ""))
        // The compaction's own time (from its report), and the whole process's (opening included).
        let inside = compaction.output.range(of: #"in [0-9.]+ s;"#, options: .regularExpression)
            .flatMap { Double(compaction.output[$0].dropFirst(3).dropLast(3)) } ?? compaction.seconds
        print(String(format: "    compaction %.0f MB/s of log (%.1f s; %.0f MB/s counting the process's opening); a plain copy of the same log %.0f MB/s (%.1f s)",
                     Double(logBefore) / 1e6 / inside, inside, Double(logBefore) / 1e6 / compaction.seconds,
                     Double(logBefore) / 1e6 / copySeconds, copySeconds))
        let waits = writing.waits.sorted()
        let longest = waits.last ?? 0
        print(String(format: "    writers: %d saves acknowledged, median wait %.1f ms, longest %.0f ms (budget 1000 ms: %@), %d failures",
                     waits.count, waits.isEmpty ? 0 : waits[waits.count / 2] * 1000, longest * 1000, longest <= 1 ? "ok" : "MISSED",
                     writing.failures.count))
        if longest > 1 { missed.append("save wait during compaction") }
        // Saves finished in each second of the compaction's run, and the longest wait among them.
        var buckets: [Int: (count: Int, longest: Double)] = [:]
        for (wait, began) in zip(writing.waits, writing.started) {
            let second = Int((began + wait - compactionStart).rounded(.down))
            buckets[second, default: (0, 0)].count += 1
            buckets[second]!.longest = max(buckets[second]!.longest, wait)
        }
        print("      saves finished per second from the compaction's start: " + buckets.keys.sorted().map {
            String(format: "%+d s: %d (%.0f ms)", $0, buckets[$0]!.count, buckets[$0]!.longest * 1000)
        }.joined(separator: ", "))
        // When the longest waits began, against the compaction's run (its swap is at the end).
        let slowest = zip(writing.waits, writing.started).sorted { $0.0 > $1.0 }.prefix(5)
        print("      longest waits began at " + slowest.map { String(format: "%+.2f s (%.0f ms)", $0.1 - compactionStart, $0.0 * 1000) }.joined(separator: ", ")
              + String(format: " of the compaction's %.2f s; %d of %d writers followed it by its table of moves",
                       compaction.seconds, writing.stores.filter { $0.compactionsFollowed > 0 }.count, writing.stores.count)
              + " (in " + writing.stores.map { String(format: "%.0f", $0.lastFollowSeconds * 1000) }.joined(separator: ", ") + " ms)")
        // Where the slowest saves' time went.
        for (wait, steps) in zip(writing.waits, writing.steps).sorted(by: { $0.0 > $1.0 }).prefix(5) {
            print(String(format: "      a save of %.0f ms: ", wait * 1000) + steps)
        }
        for failure in writing.failures.prefix(3) { print("      failure: \(failure)") }
        if !writing.failures.isEmpty { missed.append("writers failed") }
        // Nothing acknowledged lost: every note is in the case it was saved to.
        let reopened = try FileCaseStore(at: store)
        var notes: [CaseID: Set<String>] = [:]
        for id in Set(writing.acknowledged.map(\.0)) { notes[id] = Set(try reopened.load(id).record.notes.map(\.text)) }
        let lost = writing.acknowledged.filter { !(notes[$0.0]?.contains($0.1) ?? false) }.count
        print("    acknowledged saves lost: \(lost)")
        if lost > 0 { missed.append("saves lost") }
        try measure(store, "after compaction")
        return missed
    }

    func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try body()
        return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
}
