import Foundation
import Glibc
import HavenCore

/// Every case's latest version as the store stood at one moment, read from the log a batch at
/// a time and written out as it is read: an export of 120,000 cases holds a few megabytes of
/// them at once, never the whole log, and takes a few seconds (docs/performance.md).
///
/// The log is only ever appended to (or replaced whole by a rename, which leaves the file
/// held here as it was), so the lines named here stay where they are while they are read,
/// with no lock held: saves go on beside an export.
public struct LatestVersions {
    let file: PosixFile?
    /// In case-number order, one entry and one summary per case (no entries when the cases
    /// come from a database).
    let entries: [FileCaseStore.IndexEntry]
    let summaries: [CaseSummary]
    /// The PostgreSQL store's source: the cases' JSON for a batch of ids, read in the one
    /// transaction the summaries were read in (the store as it stood at one moment).
    let fetch: (([CaseID]) throws -> [[UInt8]])?

    init(file: PosixFile, entries: [FileCaseStore.IndexEntry], summaries: [CaseSummary]) {
        self.file = file
        self.entries = entries
        self.summaries = summaries
        fetch = nil
    }

    init(summaries: [CaseSummary], fetch: @escaping ([CaseID]) throws -> [[UInt8]]) {
        file = nil
        entries = []
        self.summaries = summaries
        self.fetch = fetch
    }

    /// How many cases.
    public var count: Int { summaries.count }

    /// Only the cases `keep` wants (the need-to-know rule: no restricted case outside the
    /// exporter's team), with how many were left out.
    public func keeping(_ keep: (CaseSummary) -> Bool) -> (LatestVersions, leftOut: Int) {
        let kept = summaries.indices.filter { keep(summaries[$0]) }
        guard kept.count < summaries.count else { return (self, 0) }
        if let fetch { return (LatestVersions(summaries: kept.map { summaries[$0] }, fetch: fetch), summaries.count - kept.count) }
        return (LatestVersions(file: file!, entries: kept.map { entries[$0] }, summaries: kept.map { summaries[$0] }), summaries.count - kept.count)
    }

    /// How many cases are read at once: a few megabytes of lines.
    nonisolated(unsafe) static var batchSize = 2048 // tests make it small
    /// Lines closer than this in the log are read in one call.
    static let readGap = 64 << 10

    // MARK: JSON

    /// The cases as a JSON array, one case per line, exactly as `StoreExport.json` writes them:
    /// each case's bytes copied from the log, and, unless `includeSensitive`, the sensitive
    /// family fields cut out of the cases that have family (`CaseJSON`).
    public func writeJSON(includeSensitive: Bool, to write: ([UInt8]) throws -> Void) throws {
        try write(Array("[\n".utf8))
        try stream(to: write) { position, caseBytes, output in
            if position > 0 { output.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: "\n")]) }
            if includeSensitive || summaries[position].family.isEmpty {
                output.append(contentsOf: caseBytes)
                return
            }
            if CaseJSON.appendWithoutSensitiveFields(caseBytes, to: &output) { return }
            // Not laid out as the encoder writes it (never seen): decode and encode, as before.
            let record = try JSONDecoder().decode(Case.self, from: Data(buffer: caseBytes))
            output += try StoreExport.withoutSensitive.encode(record)
        }
        try write(Array(((summaries.isEmpty ? "" : "\n") + "]\n").utf8))
    }

    // MARK: CSV

    /// The cases as `StoreExport.csv` writes them: the fields read out of each case's bytes,
    /// the stage, assignment and country from its summary (made from the same line).
    public func writeCSV(to write: ([UInt8]) throws -> Void) throws {
        try write(StoreExport.csvHeader)
        try stream(to: write) { position, caseBytes, output in
            let summary = summaries[position]
            let row: [String]
            if let fields = CaseJSON.csvFields(caseBytes) {
                row = StoreExport.csvRow(id: summary.id, summary: summary, fields: fields)
            } else {
                row = StoreExport.csvRow(try JSONDecoder().decode(Case.self, from: Data(buffer: caseBytes)))
            }
            StoreExport.appendCSVLine(row, to: &output)
        }
    }

    // MARK: Reading

    /// Reads the cases' lines a batch at a time (each batch's lines in log order, neighbours in
    /// one read), checks each line's CRC, and has `convert` append each case's output on both
    /// cores; each batch's output is written in case-number order while the next is made.
    func stream(to write: ([UInt8]) throws -> Void,
                convert: (_ position: Int, _ caseBytes: UnsafeBufferPointer<UInt8>, _ output: inout [UInt8]) throws -> Void) throws {
        var written: [[UInt8]] = [] // the last batch's output, being written while the next is made
        var batchStart = 0
        try withoutActuallyEscaping(write) { write in
            nonisolated(unsafe) let writer = write
            while batchStart < count || !written.isEmpty {
                let pending = written
                nonisolated(unsafe) var failure: (any Error)?
                let writing = DispatchGroup()
                if !pending.isEmpty {
                    DispatchQueue.global().async(group: writing) {
                        do { for piece in pending { try writer(piece) } } catch { failure = error }
                    }
                }
                defer { writing.wait() }
                written = []
                if batchStart < count {
                    let batch = batchStart..<min(count, batchStart + Self.batchSize)
                    written = try convertBatch(batch, convert: convert)
                    batchStart = batch.upperBound
                }
                writing.wait()
                if let failure { throw failure }
            }
        }
    }

    private func convertBatch(_ batch: Range<Int>,
                              convert: (_ position: Int, _ caseBytes: UnsafeBufferPointer<UInt8>, _ output: inout [UInt8]) throws -> Void) throws -> [[UInt8]] {
        if let fetch {
            let records = try fetch(batch.map { summaries[$0].id })
            var bytes: [UInt8] = []
            for (offset, record) in records.enumerated() {
                try record.withUnsafeBufferPointer { try convert(batch.lowerBound + offset, $0, &bytes) }
            }
            return [bytes]
        }
        let (spans, places) = try readLines(of: batch)
        let pieceCount = min(batch.count, 2 * ProcessInfo.processInfo.activeProcessorCount)
        return try Parallel.map(pieceCount, chunkSize: 1) { piece -> [UInt8] in
            let range = (batch.lowerBound + batch.count * piece / pieceCount)..<(batch.lowerBound + batch.count * (piece + 1) / pieceCount)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(range.count * 4096)
            for position in range {
                let place = places[position - batch.lowerBound]
                try spans[place.span].withUnsafeBufferPointer { span in
                    let line = UnsafeBufferPointer(rebasing: span[place.start..<(place.start + entries[position].length)])
                    guard let caseBytes = Self.caseBytes(ofLine: line) else { throw damaged(entries[position]) }
                    try convert(position, caseBytes, &bytes)
                }
            }
            return bytes
        }
    }

    /// The lines of the batch's cases: spans of the log read in log order, and where each
    /// case's line starts in which span.
    private func readLines(of batch: Range<Int>) throws -> (spans: [[UInt8]], places: [(span: Int, start: Int)]) {
        let order = batch.sorted { entries[$0].offset < entries[$1].offset }
        var spans: [[UInt8]] = []
        var places = [(span: Int, start: Int)](repeating: (0, 0), count: batch.count)
        var index = 0
        while index < order.count {
            let first = entries[order[index]]
            var end = first.offset + first.length
            var last = index
            while last + 1 < order.count {
                let next = entries[order[last + 1]]
                guard next.offset - end <= Self.readGap else { break }
                end = max(end, next.offset + next.length)
                last += 1
            }
            let span = try file!.read(at: first.offset, count: end - first.offset)
            for member in order[index...last] {
                let entry = entries[member]
                guard entry.offset + entry.length - first.offset <= span.count else { throw damaged(entry) }
                places[member - batch.lowerBound] = (spans.count, entry.offset - first.offset)
            }
            spans.append(span)
            index = last + 1
        }
        return (spans, places)
    }

    /// The case part of a line, after checking its frame and CRC.
    static func caseBytes(ofLine line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        let prefix = CaseRecordLine.prefix, afterChecksum = CaseRecordLine.afterChecksum
        let recordStart = CaseRecordLine.recordStart
        guard line.count > recordStart + 1, line.starts(with: prefix), line[line.count - 1] == UInt8(ascii: "}"),
              line[(prefix.count + 8)..<recordStart].elementsEqual(afterChecksum),
              let expected = UInt32(String(decoding: line[prefix.count..<(prefix.count + 8)], as: UTF8.self), radix: 16) else { return nil }
        let body = UnsafeBufferPointer(rebasing: line[recordStart..<(line.count - 1)])
        guard CRC32.checksum(UnsafeRawBufferPointer(body)) == expected else { return nil }
        // The record's keys are sorted and "case" is its last: its value runs to the closing brace.
        let caseKey = CaseRecordLine.caseKey
        guard let split = Self.firstRange(of: caseKey, in: body) else { return nil }
        return UnsafeBufferPointer(rebasing: body[(split + caseKey.count)..<(body.count - 1)])
    }

    static func firstRange(of needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count, let base = haystack.baseAddress else { return nil }
        var index = 0
        while index <= haystack.count - needle.count {
            guard let found = memchr(base + index, Int32(first), haystack.count - needle.count + 1 - index) else { return nil }
            let at = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if haystack[at..<(at + needle.count)].elementsEqual(needle) { return at }
            index = at + 1
        }
        return nil
    }

    func damaged(_ entry: FileCaseStore.IndexEntry) -> StoreError {
        StoreError.damaged(file: file?.path ?? "cases", position: "byte \(entry.offset)", reason: "the record of \(entry.id) cannot be read; run 'haven check'")
    }
}

extension FileCaseStore {
    /// Every case's latest version as the store stands now (other sessions' saves taken in
    /// under a brief shared lock), to export: only where each line is, not the lines.
    public func latestVersions() throws -> LatestVersions {
        try withStoreLock(.shared) {
            try catchUp()
            return LatestVersions(file: cases, entries: summaryList.map { index[$0.id]! }, summaries: summaryList)
        }
    }

    /// Every case as `StoreExport.json` writes it, in one array (the tests and the benchmark;
    /// `haven export` writes it as it goes, with `LatestVersions`).
    public func exportJSON(includeSensitive: Bool = false) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try latestVersions().writeJSON(includeSensitive: includeSensitive) { bytes += $0 }
        return bytes
    }
}
