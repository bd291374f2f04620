import Foundation
import Glibc
import HavenCore

/// The queue index, when it stands for the log (else opening ignores it): what it says of each
/// case must be what the log's lines up to its position say. The latest line of each case
/// below that position is kept as the log streams by.
final class IndexExpectation {
    let indexPath: String
    private var unusable = false
    private var coveredLength = 0
    /// What the index says of each case, as one number (in case-number order, as it lists them).
    private var stated: [(id: CaseID, fingerprint: Int)]?
    /// What the log's latest line below the index's position says of each case, as one number.
    private var seen: [CaseID: (version: CaseVersion, fingerprint: Int)] = [:]

    init(indexPath: String, log: PosixFile?) {
        self.indexPath = indexPath
        var status = stat()
        guard lstat(indexPath, &status) == 0 else { return }
        guard let bytes = try? PosixFile(path: indexPath, flags: O_RDONLY).readAll(), let decoded = try? QueueIndex.decode(bytes) else {
            unusable = true
            return
        }
        guard let log, (try? decoded.matches(log)) == true else { return }
        coveredLength = decoded.stamp.coveredLength
        // Only a number a case is kept, not the index itself.
        stated = zip(decoded.entries, decoded.summaries).map { entry, summary in
            (entry.id, Self.fingerprint(summary: summary, offset: entry.offset, length: entry.length, savedBy: entry.savedBy,
                                        savedAt: entry.savedAt, auditSequence: entry.auditSequence))
        }
    }

    static func fingerprint(summary: CaseSummary, offset: Int, length: Int, savedBy: UserName, savedAt: Timestamp, auditSequence: Int) -> Int {
        var hasher = Hasher()
        hasher.combine(summary)
        hasher.combine(offset)
        hasher.combine(length)
        hasher.combine(savedBy)
        hasher.combine(savedAt)
        hasher.combine(auditSequence)
        return hasher.finalize()
    }

    /// A line of the log, by its fingerprint (worked out where the line was read).
    func see(_ record: LoggedRecord) {
        guard stated != nil, record.offset < coveredLength else { return }
        if let kept = seen[record.id], kept.version >= record.version { return }
        seen[record.id] = (record.version, record.fingerprint)
    }

    func problems() -> [StoreProblem] {
        if unusable {
            return [StoreProblem(.repaired, file: indexPath, position: "",
                                 message: "not a queue index this Haven can use (damaged, or of another version); opening ignores it and writes a new one")]
        }
        guard let stated else { return [] }
        let fix = "delete \(QueueIndex.fileName) (a cache); the next opening reads the log and writes it again"
        var wrong: [CaseID] = []
        var expected = seen
        for (id, fingerprint) in stated {
            guard let line = expected.removeValue(forKey: id), line.fingerprint == fingerprint else { wrong.append(id); continue }
        }
        wrong += expected.keys.sorted()
        guard !wrong.isEmpty else { return [] }
        let named = wrong.prefix(5).map(\.rawValue).joined(separator: ", ") + (wrong.count > 5 ? " and \(wrong.count - 5) more" : "")
        return [StoreProblem(.damaged, file: indexPath, position: "",
                             message: "the queue index disagrees with the log about \(named): queues would show the index's version; \(fix)")]
    }
}

/// A value worked out on a thread of its own while the caller goes on (the check loads the
/// queue index, a few hundred milliseconds, while the workers read the first chunks).
final class Background<Value>: @unchecked Sendable {
    private var value: Value?
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping () -> Value) {
        nonisolated(unsafe) let work = work
        let thread = Thread { [self] in
            value = work()
            done.signal()
        }
        thread.start()
    }

    /// The value, once worked out.
    func wait() -> Value {
        done.wait()
        done.signal()
        return value!
    }
}
