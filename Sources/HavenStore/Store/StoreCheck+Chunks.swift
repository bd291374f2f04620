import Foundation
import Glibc

/// One chunk of a file as its worker hands it over to be prepared: every line that starts in
/// the chunk's range of bytes, whole (a line belongs to the chunk it starts in, so chunks are
/// cut at fixed places and read independently, each by whichever worker is free).
struct LineChunk {
    /// What was read; only `lines` of it belong to the chunk. Reused for the next chunk once
    /// the chunk is prepared, so nothing may keep it.
    let buffer: [UInt8]
    /// The file offset of `buffer[0]`.
    let offset: Int
    /// Each non-empty line (newline left out): where it starts and ends in `buffer`, and how
    /// many of the chunk's newlines come before it (its line number, less the chunks before).
    let lines: [(start: Int, end: Int, before: Int)]
}

/// A chunk prepared, with what the reader needs to number lines and find the file's end.
struct PreparedChunk<Prepared> {
    /// Nil when the chunk could not be read whole (`cutShort`) or there is no file.
    var prepared: Prepared?
    /// The chunk's newlines: the line numbers of the next chunk start this much later.
    var newlines = 0
    /// The file offset of a last line with no newline (a torn write), when it starts here,
    /// and how many of the chunk's newlines come before it.
    var torn: (offset: Int, before: Int)?
    /// A read came back shorter than the length measured under the lock: the file was cut
    /// back while the check read it.
    var cutShort = false
}

/// Worker threads (one a core) that read and prepare the chunks of one or more files ahead of
/// the one thread that takes them in order: the check's two files are read side by side, and
/// every line's CRC or SHA-256 and fields are worked out on every core while the taking-in,
/// which needs order, goes on. At most `ahead` chunks of each file wait, so memory does not
/// grow with the files.
///
/// Its own threads rather than Dispatch's pool: the thread that takes chunks in waits for
/// them, and a caller that is itself one of Dispatch's threads must not wait on the pool.
final class ChunkPipeline: @unchecked Sendable {
    fileprivate let condition = NSCondition()
    private var sources: [any ChunkSource] = []
    private var closed = false
    private var liveWorkers = 0
    /// Read buffers, reused (a fresh one a chunk is a page fault a page).
    private var buffers: [[UInt8]] = []

    init(workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        liveWorkers = max(1, workers)
        for _ in 0..<liveWorkers {
            let thread = Thread { [self] in work() }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// The chunks of `file` up to `length`, `chunkBytes` at a time, each made into a
    /// `Prepared` by `prepare` on a worker; taken with `next()` in file order.
    func stream<Prepared>(file: PosixFile?, length: Int, chunkBytes: Int, ahead: Int = 4,
                          prepare: @escaping (LineChunk) -> Prepared) -> ChunkStream<Prepared> {
        let stream = ChunkStream(pipeline: self, file: file, length: file == nil ? 0 : length, chunkBytes: max(1, chunkBytes),
                                 ahead: max(1, ahead), prepare: prepare)
        condition.lock()
        sources.append(stream)
        condition.broadcast()
        condition.unlock()
        return stream
    }

    /// Stops the workers (after the chunks they are preparing) and waits for them to end.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        while liveWorkers > 0 { condition.wait() }
        condition.unlock()
    }

    private func work() {
        condition.lock()
        while !closed {
            // The file least far ahead of its reader first, so neither waits on the other.
            guard let source = sources.filter(\.hasWork).min(by: { $0.waiting < $1.waiting }) else {
                condition.wait()
                continue
            }
            let index = source.claim()
            var buffer = buffers.popLast() ?? []
            condition.unlock()
            let prepared = source.prepare(index, buffer: &buffer)
            condition.lock()
            buffers.append(buffer)
            source.store(prepared, at: index)
            condition.broadcast()
        }
        liveWorkers -= 1
        condition.broadcast()
        condition.unlock()
    }
}

/// What the pipeline's workers see of a stream (called with the pipeline's lock held, but
/// for `prepare`).
private protocol ChunkSource: AnyObject {
    var hasWork: Bool { get }
    var waiting: Int { get }
    func claim() -> Int
    func prepare(_ index: Int, buffer: inout [UInt8]) -> Any
    func store(_ prepared: Any, at index: Int)
}

/// One file's chunks, prepared ahead by the pipeline's workers and taken in order.
final class ChunkStream<Prepared>: ChunkSource {
    private unowned let pipeline: ChunkPipeline
    let file: PosixFile?
    let length: Int
    let chunkBytes: Int
    let ahead: Int
    private let makePrepared: (LineChunk) -> Prepared
    private let count: Int
    private var claimed = 0
    private var taken = 0
    private var ended = false
    private var ready: [Int: PreparedChunk<Prepared>] = [:]

    fileprivate init(pipeline: ChunkPipeline, file: PosixFile?, length: Int, chunkBytes: Int, ahead: Int,
                     prepare: @escaping (LineChunk) -> Prepared) {
        self.pipeline = pipeline
        self.file = file
        self.length = length
        self.chunkBytes = chunkBytes
        self.ahead = ahead
        makePrepared = prepare
        count = (length + chunkBytes - 1) / chunkBytes
    }

    /// The next chunk in file order, waiting for it if need be; nil at the end of the file or
    /// after a chunk that was cut short.
    func next() -> PreparedChunk<Prepared>? {
        pipeline.condition.lock()
        defer { pipeline.condition.unlock() }
        guard !ended, taken < count else { return nil }
        pipeline.condition.broadcast() // a worker may have been waiting for room
        while ready[taken] == nil { pipeline.condition.wait() }
        let chunk = ready.removeValue(forKey: taken)!
        taken += 1
        if chunk.cutShort { ended = true }
        pipeline.condition.broadcast()
        return chunk
    }

    fileprivate var hasWork: Bool { !ended && claimed < count && claimed < taken + ahead }
    fileprivate var waiting: Int { claimed - taken }

    fileprivate func claim() -> Int {
        claimed += 1
        return claimed - 1
    }

    fileprivate func store(_ prepared: Any, at index: Int) {
        ready[index] = (prepared as! PreparedChunk<Prepared>)
    }

    /// Reads chunk `index` and prepares its lines. It owns the lines that start in
    /// `[index * chunkBytes, (index + 1) * chunkBytes)`: it reads from the byte before its
    /// range (a newline there means a line starts at its first byte) and on past its end
    /// until the last of its lines ends.
    fileprivate func prepare(_ index: Int, buffer: inout [UInt8]) -> Any {
        var chunk = PreparedChunk<Prepared>(prepared: nil)
        guard let file else { return chunk }
        let start = index * chunkBytes
        let end = min(start + chunkBytes, length)
        let readFrom = index == 0 ? 0 : start - 1
        var have = 0
        /// Reads `count` more bytes (fewer at the measured length); false when the file gave fewer.
        func readMore(_ count: Int) -> Bool {
            let wanted = min(count, length - (readFrom + have))
            guard wanted > 0 else { return true }
            let got = (try? file.read(at: readFrom + have, count: wanted, into: &buffer, at: have)) ?? 0
            have += got
            return got == wanted
        }
        // A little past the range, for the last line's end (small chunks, in tests, read little).
        guard readMore(end - readFrom + min(64 * 1024, chunkBytes + 1024)) else {
            chunk.cutShort = true
            return chunk
        }
        // Newlines at file offsets in [start - 1, end - 1) are this chunk's: each starts one of its lines.
        let ownedEnd = end - 1 - readFrom
        var lines: [(start: Int, end: Int, before: Int)] = []
        var before = 0
        var lineStart: Int?
        var searchFrom = 0
        if index == 0 {
            lineStart = 0
        } else if let first = newline(in: buffer, from: 0, to: min(ownedEnd, have)) {
            before = 1
            lineStart = first + 1
            searchFrom = first + 1
        }
        while let begin = lineStart {
            var found = newline(in: buffer, from: searchFrom, to: have)
            while found == nil, readFrom + have < length {
                searchFrom = have
                guard readMore(max(have, 4096)) else {
                    chunk.cutShort = true
                    return chunk
                }
                found = newline(in: buffer, from: searchFrom, to: have)
            }
            guard let lineEnd = found else {
                if begin < have { chunk.torn = (readFrom + begin, before) }
                break
            }
            if lineEnd > begin { lines.append((begin, lineEnd, before)) }
            guard lineEnd < ownedEnd else { break }
            before += 1
            lineStart = lineEnd + 1
            searchFrom = lineEnd + 1
        }
        chunk.newlines = before
        chunk.prepared = makePrepared(LineChunk(buffer: buffer, offset: readFrom, lines: lines))
        return chunk
    }

    private func newline(in buffer: [UInt8], from: Int, to: Int) -> Int? {
        guard from < to else { return nil }
        return buffer.withUnsafeBytes { raw in
            memchr(raw.baseAddress! + from, 10, to - from).map { raw.baseAddress!.distance(to: UnsafeRawPointer($0)) }
        }
    }
}
