import Foundation
import Glibc
import HavenCore
import HavenStore
import HavenTestSupport

/// How long a save waits while the long jobs run beside it, on an existing store: an import
/// of new cases and a cold opening (the queue index lost). A session saves notes in a loop
/// while the job runs in another thread with its own opening of the store (its own locks, as
/// another process would have); the longest single save is the figure.
extension Timestamp {
    static func current() -> Timestamp { Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)) }
}

struct SaveWaits {
    let store: URL
    let importing: Int

    struct Figures {
        var job: String
        var jobSeconds: Double
        var saves: Int
        var longest: Double
        var median: Double
    }

    func run() throws -> [Figures] {
        let saver = try FileCaseStore(at: store)
        let users = try saver.users()
        // A supervisor may change any case (need to know); a caseworker only their own.
        guard let account = users.users.first(where: { $0.role == .supervisor }) ?? users.users.first(where: { $0.role.may(.editCase) }) else {
            throw BenchFailure("the store has no caseworker or supervisor to save as")
        }
        let actor = Actor(user: account.name, role: account.role)
        let importer = users.users.first { $0.role.may(.importCases) }.map { Actor(user: $0.name, role: $0.role) }
        let summaries = try saver.summaries()
        let targets = summaries.filter { $0.stage != .closed }.prefix(20).map(\.id)
        var figures: [Figures] = []

        if let importer {
            let today = CalendarDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400))
            let first = (summaries.last?.id.number ?? 0) + 1
            let records = DemoCases.generate(count: importing, today: today, countries: ["GB", "DE", "PL"].compactMap(CountryCode.init))
                .enumerated().map { offset, record -> Case in
                    var copy = record
                    copy.id = CaseID(number: first + offset)
                    for index in copy.family.indices { copy.family[index].linkedCase = nil }
                    return copy
                }
            let url = store
            figures.append(try savesDuring("an import of \(importing) cases", saver: saver, actor: actor, targets: targets) {
                try FileCaseStore(at: url).importCases(records, by: importer, at: .current(), today: today)
            })
        }
        let index = store.appendingPathComponent(FileCaseStore.queueIndexFile).path
        guard unlink(index) == 0 || errno == ENOENT else { throw BenchFailure("cannot remove \(index)") }
        let url = store
        figures.append(try savesDuring("a cold opening (no queue index)", saver: saver, actor: actor, targets: targets) {
            _ = try FileCaseStore(at: url).summaries().count
        })
        return figures
    }

    /// Saves in a loop on this thread while `job` runs on another; every save's time.
    func savesDuring(_ name: String, saver: FileCaseStore, actor: Actor, targets: [CaseID],
                     job: @escaping @Sendable () throws -> Void) throws -> Figures {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var jobSeconds = 0.0
        nonisolated(unsafe) var jobError: (any Error)?
        let thread = Thread {
            let start = Date()
            do { try job() } catch { jobError = error }
            jobSeconds = Date().timeIntervalSince(start)
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        var times: [Double] = []
        var round = 0
        while done.wait(timeout: .now()) == .timedOut {
            let id = targets[round % targets.count]
            round += 1
            _ = try saver.refresh()
            let stored = try saver.load(id)
            var record = stored.record
            record.notes.append(Note(author: actor.user, at: .current(), text: "bench \(round)"))
            let start = Date()
            _ = try saver.save(record, basedOn: stored.version, by: actor, at: .current())
            times.append(Date().timeIntervalSince(start))
        }
        if let jobError { throw jobError }
        let sorted = times.sorted()
        return Figures(job: name, jobSeconds: jobSeconds, saves: times.count, longest: sorted.last ?? 0,
                       median: sorted.isEmpty ? 0 : sorted[sorted.count / 2])
    }
}
