import ArgumentParser
import Foundation
import Glibc
import HavenCore
import HavenStore
import HavenTestSupport

/// Simulated power cuts at the store's file layer: a workload of saves, saves together,
/// imports, users changes, drafts, queue indexes and a write that fails half-way runs with
/// `DiskModel` following every call; then, for each cut, one state the disk could come back
/// in is written out and opened. Every acknowledged save must be there, the store must open,
/// and after its opening `haven check` must call it sound.
struct PowerLoss: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "power-loss",
        abstract: "The power-loss suite: unsynced writes dropped and torn, unsynced renames reordered (docs/reliability.md).")

    @Option(help: "How many simulated cuts.") var cuts = 1_000
    @Option(help: "Seed for the moments of the cuts and what each keeps.") var seed: UInt64 = 19
    @Option(help: "Where to make the scratch stores (default: the temporary directory).") var directory: String?
    @Flag(help: "Keep the scratch stores.") var keep = false

    /// What the workload was told was done, after how many file operations.
    struct Acknowledgement {
        let afterOperation: Int
        let id: CaseID
        let version: Int
        let note: String?
    }

    func run() throws {
        let scratch = URL(fileURLWithPath: directory ?? NSTemporaryDirectory()).appendingPathComponent("haven-power-loss-\(getpid())")
        defer { if !keep { try? FileManager.default.removeItem(at: scratch) } }
        let started = Date()
        // A dry run counts the workload's operations; the real run keeps the model at each cut.
        let total = try Self.workload(at: scratch.appendingPathComponent("count"), keepingAt: []).model.operations
        var random = SeededGenerator(seed: seed)
        let moments = (0..<cuts).map { _ in 1 + Int(random.next() % UInt64(total)) }
        let run = try Self.workload(at: scratch.appendingPathComponent("run"), keepingAt: Set(moments))
        var findings = Findings()
        var opened = 0, dropped = 0, torn = 0, checked = 0, lost = 0, acknowledgedAtCuts = 0
        let root = scratch.appendingPathComponent("run/store").path
        for (number, moment) in moments.enumerated() {
            guard let snapshot = run.snapshots[moment] else { findings.fail("no model kept at operation \(moment)"); continue }
            let target = scratch.appendingPathComponent("cut").path
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let made = try snapshot.materialize(replacing: root, with: "\(target)/store", random: &random)
            chmod("\(target)/store", 0o700)
            dropped += made.dropped
            torn += made.torn
            let acknowledged = run.acknowledged.filter { $0.afterOperation <= moment }
            acknowledgedAtCuts += acknowledged.count
            do {
                let store = try FileCaseStore(at: URL(fileURLWithPath: "\(target)/store"))
                opened += 1
                for save in acknowledged {
                    guard let stored = try? store.load(save.id) else {
                        lost += 1
                        findings.fail("cut \(number) after operation \(moment): \(save.id) v\(save.version) was acknowledged and is missing")
                        continue
                    }
                    if stored.version.rawValue < save.version || save.note.map({ note in !stored.record.notes.contains { $0.text == note } }) == true {
                        lost += 1
                        findings.fail("cut \(number) after operation \(moment): \(save.id) v\(save.version) \(save.note ?? "") was acknowledged and is lost (found v\(stored.version.rawValue))")
                    }
                }
                let check = StoreCheck.run(at: URL(fileURLWithPath: "\(target)/store"))
                if check.isSound { checked += 1 }
                for problem in check.problems where problem.severity == .damaged {
                    findings.fail("cut \(number) after operation \(moment): haven check: \(problem)")
                }
            } catch {
                findings.fail("cut \(number) after operation \(moment): the store does not open: \(error)")
            }
        }
        print("power-loss suite: \(cuts) cuts over a workload of \(total) file operations, the store opened \(opened) times of \(cuts), "
              + "\(moments.count { moment in run.compactions.contains { $0.contains(moment) } }) of them inside a compaction, "
              + "\(acknowledgedAtCuts) acknowledged saves checked, \(lost) lost, \(dropped) unsynced changes dropped, \(torn) writes torn at a sector, "
              + "haven check sound \(checked) of \(cuts), "
              + String(format: "%.0f s", Date().timeIntervalSince(started)))
        try findings.finish()
    }

    /// The recorded workload: the model (with snapshots at `keepingAt`) and what was acknowledged.
    final class Recording: FileLayerObserver {
        let model: DiskModel
        let keepingAt: Set<Int>
        var snapshots: [Int: DiskModel.Snapshot] = [:]
        var acknowledged: [Acknowledgement] = []
        /// The operations each compaction made, first to last.
        var compactions: [ClosedRange<Int>] = []
        /// The write (counted among writes to the case log) that fails half-way with ENOSPC.
        var failingLogWrite = 9
        private var logWrites = 0

        init(model: DiskModel, keepingAt: Set<Int>) {
            self.model = model
            self.keepingAt = keepingAt
        }

        func before(_ operation: FileOperation) -> FileFault? {
            if case let .write(path, _, bytes) = operation, path.hasSuffix("/" + FileCaseStore.casesFile) {
                logWrites += 1
                if logWrites == failingLogWrite { return .fail(code: ENOSPC, bytesWritten: bytes.count / 2) }
            }
            return nil
        }

        func after(_ operation: FileOperation) {
            model.after(operation)
            if keepingAt.contains(model.operations) { snapshots[model.operations] = model.snapshot() }
        }

        func acknowledge(_ id: CaseID, _ version: CaseVersion, note: String? = nil) {
            acknowledged.append(Acknowledgement(afterOperation: model.operations, id: id, version: version.rawValue, note: note))
        }
    }

    static func workload(at scratch: URL, keepingAt: Set<Int>) throws -> Recording {
        try? FileManager.default.removeItem(at: scratch)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let url = scratch.appendingPathComponent("store")
        let today = CalendarDate(year: 2026, month: 11, day: 24)!
        let now = Timestamp(date: today, hour: 9)
        let admin = Actor(user: "stress-admin", role: .administrator)
        let worker = Actor(user: "stress", role: .caseworker)
        let created = try FileCaseStore.create(at: url, kind: .demo, by: admin.user, at: now)
        _ = try created.changeUsers(.add("stress", .caseworker), by: admin, at: now)
        let recording = Recording(model: DiskModel(root: url.path), keepingAt: keepingAt)
        FileLayer.observer = recording
        defer { FileLayer.observer = nil }
        let threshold = FileCaseStore.queueIndexThresholdBytes
        FileCaseStore.queueIndexThresholdBytes = 0 // every opening writes an index: renames under fire too
        defer { FileCaseStore.queueIndexThresholdBytes = threshold }

        let records = DemoCases.generate(count: 30, today: today, countries: ["GB", "DE", "PL"].compactMap(CountryCode.init))
            .map { record -> Case in
                var copy = record
                copy.assignedTo = "stress" // the worker's own cases (need to know)
                for index in copy.family.indices { copy.family[index].linkedCase = nil }
                copy.assignedTo = worker.user
                return copy
            }
        try created.importCases(Array(records.prefix(5)), by: admin, at: now, today: today)
        for record in records.prefix(5) { recording.acknowledge(record.id, CaseVersion(1)) }
        var store = try FileCaseStore(at: url)
        for step in 0..<60 {
            if step % 10 == 9 { store = try FileCaseStore(at: url) }
            if step == 20 {
                let pair = try [CaseID(number: 1), CaseID(number: 2)].map { try store.load($0) }
                let updates = pair.map { stored -> CaseUpdate in
                    var record = stored.record
                    record.notes.append(Note(author: worker.user, at: now, text: "together \(record.id)"))
                    return CaseUpdate(record, basedOn: stored.version)
                }
                let versions = try store.save(together: updates, by: worker, at: now)
                for (update, version) in zip(updates, versions) { recording.acknowledge(update.record.id, version, note: "together \(update.record.id)") }
                continue
            }
            // Compactions under the cuts: the log written beside, renamed over, the trail told.
            if [15, 38, 52].contains(step) {
                let first = recording.model.operations + 1
                _ = try store.compact(by: worker, at: now)
                recording.compactions.append(first...recording.model.operations)
                continue
            }
            if step == 25 { _ = try store.changeUsers(.add("pieter.v", .supervisor), by: admin, at: now) }
            if step == 33 { _ = try store.changeHostCountries(.add(HostCountry(code: CountryCode("AT")!, name: "Austria", languages: [LanguageCode("de")!], quota: 10)), by: admin, at: now) }
            if step == 27 { try store.keepDraft(FormDraft(session: "stress", savedAt: now, values: ["cyrillicFamily": "Жуков"], focus: "cyrillicFamily"), for: worker.user) }
            if step == 30 {
                try store.importCases(Array(records[5..<30]), by: admin, at: now, today: today)
                for record in records[5..<30] { recording.acknowledge(record.id, CaseVersion(1)) }
                continue
            }
            let id = CaseID(number: 1 + step % 5)
            _ = try store.refresh()
            let stored = try store.load(id)
            var record = stored.record
            let note = "step \(step)"
            record.notes.append(Note(author: worker.user, at: now, text: note))
            do {
                let version = try store.save(record, basedOn: stored.version, by: worker, at: now)
                recording.acknowledge(id, version, note: note)
            } catch {
                // The one write the recording fails (a full disk): refused, so not acknowledged.
                guard "\(error)".contains("No space left") else { throw error }
            }
        }
        return recording
    }
}
