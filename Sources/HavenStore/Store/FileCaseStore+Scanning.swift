import Foundation
import Glibc
import HavenCore

/// Reading the log: an opening with no lock, then a brief shared lock to take in the rest;
/// the chunked scan that takes each line into the index as it is read.
extension FileCaseStore {
    /// Reads the log with no lock held (the long part of a cold opening does not stop anyone's
    /// save), then takes in the rest under a brief shared lock, then, when a torn tail or a
    /// missing audit entry was found, repairs under the write lock. A repair that cannot be
    /// written (a full disk, a read-only file system) leaves the store open for reading.
    func openAndScan() throws {
        try scanFromStart()
        try confirmUnlockedScan()
        guard needsRepair, readOnlyReason == nil else { return }
        do {
            try withWriteLock {}
        } catch {
            openingProblems.append(StoreProblem(.warning, file: directory.path,
                                                message: "a repair could not be written (\(error)); the store is open for reading, and the next save tries again"))
        }
    }

    /// Under a brief shared lock, takes in what was appended since a scan made with no lock.
    /// A line read with no lock may have been cut back since (its writer's audit entry failed)
    /// and other lines written in its place: then the log is read again, under the lock.
    func confirmUnlockedScan() throws {
        try withStoreLock(.shared) {
            if let (offset, bytes) = lastLineRead, try cases.read(at: offset, count: bytes.count) != bytes {
                try scanFromStart()
            } else {
                try catchUp()
            }
        }
    }




    /// Reads the queue index if it stands for the log, then the log beyond it (all of it when
    /// there is no usable index); writes a new index when much of the log was beyond the old.
    /// `limit`: read no further (where an unfinished write of several cases begins).
    func scanFromStart(limit: Int? = nil) throws {
        forgetIndex()
        lastLineRead = nil
        scannedBytes = 0
        scannedInode = try cases.status().st_ino
        openingProblems.removeAll { $0.severity == .damaged }
        let covered = usesQueueIndex ? adoptQueueIndex() : 0
        bytesFromQueueIndex = covered
        queueIndexCovers = covered
        try scanCases(from: covered, limit: limit)
        try scanAuditTail()
        writeQueueIndexIfBehind()
    }

    /// glibc's malloc_trim, which Swift's Glibc module leaves out (malloc.h), found at run time.
    private static func trimMalloc() {
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }

    /// How much of the log is read at a time: enough lines for both cores, and never the
    /// whole 500 MB log of 120,000 cases in memory at once (two chunks are: one parsed while
    /// the one before is taken in).
    nonisolated(unsafe) static var scanChunkBytes = 8 << 20 // tests make it small

    /// Reads the cases log from `offset` to its end, a chunk of whole lines at a time, adding
    /// each good line to the index as its chunk is read (so the parsed headers of 120,000 lines
    /// are never all in memory beside the index, even when one import wrote them all). A write
    /// of several cases (a link, an import) is taken in as it is read; if the log ends before
    /// its last part, it was torn by a crash (or, read with no lock, is still being written),
    /// and the log is read again up to where it began, so a link is never on one case only and
    /// an import is all there or not at all.
    func scanCases(from offset: Int, limit: Int? = nil) throws {
        var end = min(cases.size, limit ?? .max)
        tornLogSize = nil
        var position = offset
        var chunk = Self.scanChunkBytes
        var openWrite: Int? // where a write of several cases, not yet seen whole, begins
        var scanned = 0
        /// Takes in a chunk's parsed lines, in log order.
        func takeIn(_ parsed: ParsedChunk) {
            let (parts, base) = (parsed.parts, parsed.position)
            let recordCount = parts.reduce(0) { $0 + $1.lines.count }
            if summaryList.isEmpty, recordCount > 0 {
                // Room for every case at once, estimated from this chunk's lines.
                reserveIndex(for: Int(Double(end - base) / Double(max(1, parsed.completeLength)) * Double(recordCount) * 1.05))
            }
            var lastOffset: Int?
            for part in parts {
                for problem in part.problems { openingProblems.append(problem) }
                // Each line's fields read where they are, not the whole line copied first.
                part.lines.withUnsafeBufferPointer { lines in
                    for item in lines.indices {
                        let offset = lines[item].entry.offset
                        if let number = lines[item].part, let parts = lines[item].parts {
                            if number == 1 { openWrite = offset }
                            if number == parts { openWrite = nil }
                        } else {
                            openWrite = nil
                        }
                        lastOffset = offset
                        // A case numbered above every case so far (each new case, in a log's
                        // order) is not looked up: it cannot be there.
                        let id = lines[item].entry.id
                        let position = isAfterEveryCase(id) ? nil : self.position(of: id)
                        if let position, entryList[position].version >= lines[item].entry.version { continue }
                        setIndex(lines[item].entry, caseSummary: lines[item].summary, at: position)
                    }
                }
            }
            if let lastOffset {
                let start = lastOffset - base
                lastLineRead = (lastOffset, Array(parsed.bytes[start..<min(start + 24, parsed.bytes.count)]))
            }
            scanned += recordCount
        }
        // Each chunk is parsed on the other threads while the chunk before it is taken in here.
        var pending: ParsedChunk?
        while position < end {
            let count = min(chunk, end - position)
            let bytes = try cases.read(at: position, count: count)
            // Read with no lock, the log can be cut back under the scan (a torn tail set aside):
            // stop where it now ends; the locked catch-up that follows reads it again.
            if bytes.count < count { end = position + bytes.count }
            // Up to the last newline (usually a line from the end): what the scan will take.
            let completeLength = bytes.lastIndex(of: 10).map { $0 + 1 } ?? 0
            if completeLength == 0, position + count < end {
                chunk *= 2 // one line longer than a chunk: read more at once
                continue
            }
            let parsed = ParsedChunk(bytes: bytes, position: position, completeLength: completeLength, file: cases.path)
            if let previous = pending { takeIn(previous.finished()) }
            pending = parsed
            position += completeLength
            if completeLength < bytes.count, position + (bytes.count - completeLength) >= end { break }
        }
        if let previous = pending { takeIn(previous.finished()) }
        if let openWrite {
            // Rare (a crash mid-write): the lines taken in from it come out by reading again.
            try scanFromStart(limit: openWrite)
            tornCasesTail = openWrite < cases.size
            // Until a writer sets the torn write aside, looking again at a log of this length
            // finds nothing new: no session reads it all again every second.
            tornLogSize = cases.size
            return
        }
        scannedBytes = position
        tornCasesTail = scannedBytes < cases.size
        // Parsing on both cores leaves freed chunks in each thread's malloc arena; hand them
        // back, or a session holds the peak of its opening for good.
        if scanned > 10_000 { Self.trimMalloc() }
    }
}

/// A chunk of the log being parsed on other threads from the moment it is made.
final class ParsedChunk: @unchecked Sendable {
    let bytes: [UInt8]
    let position: Int
    let completeLength: Int
    private let done = DispatchGroup()
    private var result: [LogScanner.Scanned<LogScanner.Opened>] = []

    init(bytes: [UInt8], position: Int, completeLength: Int, file: String) {
        self.bytes = bytes
        self.position = position
        self.completeLength = completeLength
        DispatchQueue.global().async(group: done) { [self] in
            result = LogScanner.scanForOpening(bytes, baseOffset: position, file: file)
        }
    }

    /// Waits for the parse; the chunk's results in line order.
    func finished() -> ParsedChunk {
        done.wait()
        return self
    }

    var parts: [LogScanner.Scanned<LogScanner.Opened>] { result }
}

