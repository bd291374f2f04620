import Crypto
import Foundation
import Glibc
import HavenCore

extension StoreCheck {
    /// One part of the check's work, timed on its own (`haven-bench --part check`).
    public struct Phase: Sendable {
        public let name: String
        /// Processor time of this thread, so other processes on the machine count little.
        public let seconds: Double
        public let lines: Int
    }

    /// Where the check's time goes: each part of its work done alone, in one thread, over the
    /// store's log and trail (read 8 MiB at a time into one buffer); the reading itself first,
    /// and each other part less the parts before it; last the queue index as the check reads
    /// it. Not a check: nothing is reported but the time. What is left of the whole check's
    /// processor time is taking the entries and lines in, in order, and the threads' keeping.
    public static func phases(at directory: URL) -> [Phase] {
        let log = directory.appendingPathComponent(FileCaseStore.casesFile).path
        let trail = directory.appendingPathComponent(FileCaseStore.auditFile).path
        var phases: [Phase] = []
        let (logLines, readLog) = timedLines(of: log) { _ in }
        let (trailLines, readTrail) = timedLines(of: trail) { _ in }
        phases.append(Phase(name: "log: read, lines found", seconds: readLog, lines: logLines))
        phases.append(Phase(name: "trail: read, lines found", seconds: readTrail, lines: trailLines))

        let (_, crc) = timedLines(of: log) { line in
            _ = try? CaseRecordLine.recordBytes(ofLine: line)
        }
        phases.append(Phase(name: "log: each line's frame and CRC-32", seconds: crc - readLog, lines: logLines))
        let (_, headers) = timedLines(of: log) { line in
            guard let body = try? CaseRecordLine.recordBytes(ofLine: line),
                  let header = try? CaseRecordLine.headerBytes(ofRecord: body) else { return }
            _ = RecordHeaderReader.read(header)
        }
        phases.append(Phase(name: "log: each record header read", seconds: headers - crc, lines: logLines))

        let (_, hashes) = timedLines(of: trail) { line in
            _ = line.withUnsafeBytes { try? TrailLine.checkedHash($0) }
        }
        phases.append(Phase(name: "trail: each entry's SHA-256 checked", seconds: hashes - readTrail, lines: trailLines))
        var recent = TrailLine.Recent()
        let (_, fields) = timedLines(of: trail) { line in
            _ = line.withUnsafeBytes { try? TrailLine.read($0, recent: &recent) }
        }
        phases.append(Phase(name: "trail: each entry's fields read from bytes", seconds: fields - hashes, lines: trailLines))
        let opened = try? PosixFile.openLog(log, flags: O_RDONLY)
        let start = threadProcessorSeconds()
        _ = IndexExpectation(indexPath: directory.appendingPathComponent(QueueIndex.fileName).path, log: opened)
        phases.append(Phase(name: "the queue index read, each case fingerprinted", seconds: threadProcessorSeconds() - start, lines: 0))
        return phases
    }

    /// Reads `path` 8 MiB at a time into one buffer and calls `body` with each line (no
    /// newline); the processor time of it all, and how many lines.
    static func timedLines(of path: String, _ body: (ArraySlice<UInt8>) -> Void) -> (lines: Int, seconds: Double) {
        guard let file = try? PosixFile.openLog(path, flags: O_RDONLY) else { return (0, 0) }
        let start = threadProcessorSeconds()
        let length = file.size
        var buffer: [UInt8] = []
        var position = 0
        var lines = 0
        while position < length {
            guard let chunk = try? file.read(at: position, count: min(8 << 20, length - position)), !chunk.isEmpty else { break }
            buffer.removeAll(keepingCapacity: true)
            buffer += chunk
            var consumed = 0
            buffer.withUnsafeBytes { raw in
                var start = 0
                while start < raw.count, let found = memchr(raw.baseAddress! + start, 10, raw.count - start) {
                    let end = raw.baseAddress!.distance(to: UnsafeRawPointer(found))
                    if end > start {
                        lines += 1
                        body(buffer[start..<end])
                    }
                    start = end + 1
                }
                consumed = start
            }
            if consumed == 0 { consumed = chunk.count } // a line longer than a chunk: not timed
            position += consumed
        }
        return (lines, threadProcessorSeconds() - start)
    }

    static func threadProcessorSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
