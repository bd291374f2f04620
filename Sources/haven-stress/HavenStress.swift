import ArgumentParser
import Foundation
import Glibc
import HavenCore
import HavenStore

@main
struct HavenStress: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haven-stress",
        abstract: "Stress Haven's store: the crash and concurrency suites, and the child they kill and race.",
        subcommands: [Crash.self, Race.self, PowerLoss.self, SaveLoop.self, CompactLoop.self])
}

/// Loads a case, adds a note, saves it on the version it loaded; again and again. After each
/// save returns it prints `ok ID VERSION NOTE`; after a refused stale save, `conflict ID BY AT`.
/// A line is printed with one write(2), so a killed process never leaves half of one.
struct SaveLoop: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "save-loop")

    @Option(help: "The store.") var store: String
    @Option(help: "This worker's name, written in each note.") var worker: String
    @Option(help: "Save to cases HV-000001 to HV-<cases>.") var cases: Int = 5
    @Option(help: "How many saves to attempt.") var count: Int = 1_000_000
    @Option(help: "Seed for the choice of cases.") var seed: UInt64 = 1
    @Flag(help: "Write the queue index at every opening (the crash suite's default).") var queueIndex = false

    func run() throws {
        if queueIndex { FileCaseStore.queueIndexThresholdBytes = 0 }
        let opened = try SuiteStore.open(store)
        var random = SeededGenerator(seed: seed)
        // Every worker acts as the store's caseworker "stress"; the note names the worker.
        let actor = Actor(user: "stress", role: .caseworker)
        for attempt in 0..<count {
            let id = CaseID(number: 1 + Int(random.next() % UInt64(cases)))
            _ = try opened.refresh()
            let loaded = try opened.load(id)
            var record = loaded.record
            let note = "\(worker)-\(attempt)"
            record.notes.append(Note(author: actor.user, at: Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)), text: note))
            do {
                let version = try opened.save(record, basedOn: loaded.version, by: actor, at: Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)))
                emit("ok \(id) \(version.rawValue) \(note)\n")
            } catch let StoreError.conflict(conflicted, savedBy, savedAt, _) {
                emit("conflict \(conflicted) \(savedBy) \(savedAt)\n")
            }
        }
        // How many compactions this process followed by their table of moves (the race suite
        // requires some: that path is under test only if it is taken).
        emit("followed \((opened as? FileCaseStore)?.compactionsFollowed ?? 0)\n")
    }

    func emit(_ line: String) {
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    }
}

/// Compacts the store again and again (the suites run it beside the savers): after each
/// compaction it prints `compacted BYTES-BEFORE BYTES-AFTER LOCK-MS`, and `busy` when another
/// compaction held the store. Stops after `count`, or when `--until` names a file that exists.
struct CompactLoop: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compact-loop")

    @Option(help: "The store.") var store: String
    @Option(help: "How many compactions.") var count: Int = 1_000_000
    @Option(help: "Stop once this file exists.") var until: String?
    @Option(help: "Milliseconds to rest between compactions.") var rest: Int = 20

    func run() throws {
        let opened = try FileCaseStore(at: URL(fileURLWithPath: store))
        let actor = Actor(user: "stress", role: .caseworker)
        for _ in 0..<count {
            if let until, FileManager.default.fileExists(atPath: until) { break }
            do {
                let report = try opened.compact(by: actor, at: Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)))
                emit("compacted \(report.bytesBefore) \(report.bytesAfter) \(Int(report.lockSeconds * 1000))\n")
            } catch StoreError.busy {
                emit("busy\n")
            }
            usleep(useconds_t(rest * 1000))
        }
    }

    func emit(_ line: String) {
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    }
}
