import Foundation
import Glibc
import HavenCore

/// Splits case-log bytes into lines, checks each line's frame and CRC, and decodes the headers
/// in batches, on every core: opening 120,000 cases reads one file and decodes small headers,
/// never whole records.
enum LogScanner {
    struct Record {
        let header: RecordHeader
        let offset: Int
        let length: Int
        /// The header's summary as lists hold it, made on the core that read the line.
        let summary: CaseSummary
    }

    /// A line as an opening takes it in: its entry in the index, its summary as lists hold it
    /// (made on the core that read the line), and its place in a write of several cases.
    /// Half the bytes of a `Record`, whose header carries the summary a second time: an
    /// opening moves 120,000 of them from core to core.
    struct Opened {
        let entry: FileCaseStore.IndexEntry
        let summary: CaseSummary
        let part: Int?
        let parts: Int?
    }

    struct Scanned<Line> {
        var lines: [Line] = []
        var problems: [StoreProblem] = []
    }

    struct Result {
        var records: [Record] = []
        var problems: [StoreProblem] = []
        /// Bytes up to and including the last newline; anything after is a torn tail.
        var completeLength = 0
    }

    static func scan(_ bytes: [UInt8], baseOffset: Int, file: String) -> Result {
        let (chunks, completeLength) = scanInChunks(bytes, baseOffset: baseOffset, file: file) {
            (record: ArraySlice<UInt8>, offset: Int, length: Int, header: inout [UInt8], lines: inout [Record]) throws(CaseRecordLine.Problem) -> Bool in
            try CaseRecordLine.headerBytes(ofRecord: record, into: &header)
            guard let decoded = readHeader(header) else { return false }
            lines.append(Record(header: decoded, offset: offset, length: length,
                                summary: decoded.summary.caseSummary(id: decoded.id, version: decoded.version)))
            return true
        }
        var result = Result()
        result.completeLength = completeLength
        for chunk in chunks {
            result.records += chunk.lines
            result.problems += chunk.problems
        }
        return result
    }

    /// The lines of `bytes` as an opening takes them in, as the results of its chunks of
    /// lines in order (taken in as they are, without copying every line into one list first).
    static func scanForOpening(_ bytes: [UInt8], baseOffset: Int, file: String) -> [Scanned<Opened>] {
        scanInChunks(bytes, baseOffset: baseOffset, file: file) {
            (record: ArraySlice<UInt8>, offset: Int, length: Int, header: inout [UInt8], lines: inout [Opened]) throws(CaseRecordLine.Problem) -> Bool in
            // Read in place as Haven writes it; otherwise cut out and read as any line is.
            if RecordHeaderReader.appendOpened(record: record, offset: offset, length: length, to: &lines) { return true }
            try CaseRecordLine.headerBytes(ofRecord: record, into: &header)
            guard let decoded = readHeader(header) else { return false }
            lines.append(Opened(entry: FileCaseStore.IndexEntry(header: decoded, offset: offset, length: length),
                                summary: decoded.summary.caseSummary(id: decoded.id, version: decoded.version),
                                part: decoded.part, parts: decoded.parts))
            return true
        }.chunks
    }

    /// A header cut out of its record: the fast reader for headers as Haven writes them,
    /// JSONDecoder for any other (nil: it is not a Haven case header).
    static func readHeader(_ header: [UInt8]) -> RecordHeader? {
        RecordHeaderReader.read(header) ?? (try? JSONDecoder().decode(RecordHeader.self, from: Data(header)))
    }

    /// Appends a line to `lines` from its record bytes (its CRC checked), place and length:
    /// false when its header does not read; a throw when the record is no record at all.
    /// `header` is a buffer to cut a header out into, kept from line to line.
    typealias LineReader<Line> = @Sendable (_ record: ArraySlice<UInt8>, _ offset: Int, _ length: Int, _ header: inout [UInt8],
                                            _ lines: inout [Line]) throws(CaseRecordLine.Problem) -> Bool

    /// Each good line of `bytes`, appended by `read`, in chunks of lines scanned on every
    /// core, in order; and the bytes up to the last newline.
    static func scanInChunks<Line>(_ bytes: [UInt8], baseOffset: Int, file: String, read: LineReader<Line>)
        -> (chunks: [Scanned<Line>], completeLength: Int) {
        let (lines, completeLength) = lineRanges(in: bytes)
        guard !lines.isEmpty else { return ([], completeLength) }

        let chunkSize = 1024
        let chunkCount = (lines.count + chunkSize - 1) / chunkSize
        var chunks = [Scanned<Line>](repeating: Scanned(), count: chunkCount)
        let allLines = lines
        chunks.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes only its own slot, so the buffer is never shared.
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                let range = (chunk * chunkSize)..<min(allLines.count, (chunk + 1) * chunkSize)
                output[chunk] = scanChunk(bytes, lines: allLines[range], baseOffset: baseOffset, file: file, readLine: read)
            }
        }
        return (chunks, completeLength)
    }

    /// The non-empty lines of `bytes` (newline excluded), found with memchr, and how many bytes
    /// end in a newline: anything after is an unfinished (or torn) last line.
    static func lineRanges(in bytes: [UInt8]) -> (lines: [(start: Int, end: Int)], completeLength: Int) {
        var lines: [(start: Int, end: Int)] = []
        lines.reserveCapacity(bytes.count / 2048)
        var start = 0
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            while start < buffer.count, let found = memchr(base + start, 10, buffer.count - start) {
                let index = base.distance(to: UnsafeRawPointer(found))
                if index > start { lines.append((start, index)) }
                start = index + 1
            }
        }
        return (lines, start)
    }

    static func scanChunk<Line>(_ bytes: [UInt8], lines: ArraySlice<(start: Int, end: Int)>, baseOffset: Int, file: String,
                                readLine: LineReader<Line>) -> Scanned<Line> {
        var result = Scanned<Line>()
        result.lines.reserveCapacity(lines.count)
        // Headers that do not read are reported after the lines whose frame or CRC is bad,
        // as when the two were separate passes.
        var headerProblems: [StoreProblem] = []
        // A header cut out of its record is copied into this one buffer, closed with its brace.
        var header: [UInt8] = []
        header.reserveCapacity(4096)
        for line in lines {
            let read: Bool
            do {
                let record = try CaseRecordLine.recordBytes(ofLine: bytes[line.start..<line.end])
                read = try readLine(record, baseOffset + line.start, line.end - line.start, &header, &result.lines)
            } catch {
                result.problems.append(problem(error, bytes: bytes, line: line, baseOffset: baseOffset, file: file))
                continue
            }
            if !read {
                headerProblems.append(problem("the record header is not a Haven case header", bytes: bytes, line: line,
                                              baseOffset: baseOffset, file: file))
            }
        }
        result.problems += headerProblems
        return result
    }

    static func problem(_ error: Any, bytes: [UInt8], line: (start: Int, end: Int), baseOffset: Int, file: String) -> StoreProblem {
        let lineNumber = bytes[0..<line.start].reduce(into: 1) { count, byte in if byte == 10 { count += 1 } }
        let position = baseOffset == 0 ? "line \(lineNumber), byte \(line.start)" : "byte \(baseOffset + line.start)"
        return StoreProblem(.damaged, file: file, position: position, message: reason(error))
    }

    /// What is wrong with a line that cannot be taken in, and what becomes of it.
    static func reason(_ error: Any) -> String {
        switch error {
        case CaseRecordLine.Problem.checksumMismatch: "the checksum does not match: the line was damaged or edited; it is left as it is and skipped"
        case let CaseRecordLine.Problem.malformed(text): "\(text); it is left as it is and skipped"
        default: "\(error); it is left as it is and skipped"
        }
    }
}
