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

    struct Result {
        var records: [Record] = []
        var problems: [StoreProblem] = []
        /// Bytes up to and including the last newline; anything after is a torn tail.
        var completeLength = 0
    }

    static func scan(_ bytes: [UInt8], baseOffset: Int, file: String) -> Result {
        let (chunks, completeLength) = scanInChunks(bytes, baseOffset: baseOffset, file: file)
        var result = Result()
        result.completeLength = completeLength
        for chunk in chunks {
            result.records += chunk.records
            result.problems += chunk.problems
        }
        return result
    }

    /// The same, as the results of its chunks of lines in order (opening takes them in as they
    /// are, without copying every record into one list first).
    /// `keepingStoredSummaries: false` leaves each record's `header.summary` empty (its
    /// `summary` holds it), which is all an opening needs.
    static func scanInChunks(_ bytes: [UInt8], baseOffset: Int, file: String,
                             keepingStoredSummaries: Bool = true) -> (chunks: [Result], completeLength: Int) {
        let (lines, completeLength) = lineRanges(in: bytes)
        guard !lines.isEmpty else { return ([], completeLength) }

        let chunkSize = 1024
        let chunkCount = (lines.count + chunkSize - 1) / chunkSize
        var chunks = [Result](repeating: Result(), count: chunkCount)
        let allLines = lines
        chunks.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes only its own slot, so the buffer is never shared.
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                let range = (chunk * chunkSize)..<min(allLines.count, (chunk + 1) * chunkSize)
                output[chunk] = scanChunk(bytes, lines: allLines[range], baseOffset: baseOffset, file: file,
                                          keepingStoredSummaries: keepingStoredSummaries)
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

    static func scanChunk(_ bytes: [UInt8], lines: ArraySlice<(start: Int, end: Int)>, baseOffset: Int, file: String,
                          keepingStoredSummaries: Bool = true) -> Result {
        var result = Result()
        var headers: [[UInt8]] = []
        var kept: [(start: Int, end: Int)] = []
        for line in lines {
            do {
                let body = try CaseRecordLine.recordBytes(ofLine: bytes[line.start..<line.end])
                headers.append(try CaseRecordLine.headerBytes(ofRecord: body))
                kept.append(line)
            } catch {
                result.problems.append(problem(error, bytes: bytes, line: line, baseOffset: baseOffset, file: file))
            }
        }
        for (header, line) in zip(headers, kept) {
            // The fast reader for headers as Haven writes them; JSONDecoder to name a bad one.
            if var decoded = RecordHeaderReader.read(header) ?? (try? JSONDecoder().decode(RecordHeader.self, from: Data(header))) {
                let summary = decoded.summary.caseSummary(id: decoded.id, version: decoded.version)
                if !keepingStoredSummaries { decoded.summary = .empty }
                result.records.append(Record(header: decoded, offset: baseOffset + line.start, length: line.end - line.start,
                                             summary: summary))
            } else {
                result.problems.append(problem("the record header is not a Haven case header", bytes: bytes, line: line,
                                               baseOffset: baseOffset, file: file))
            }
        }
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
