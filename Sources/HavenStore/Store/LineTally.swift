import Glibc
import HavenCore

/// Counts a log's lines as the copy streams past, notes where the last one starts, and, for
/// the case log, collects each line's case number (the record's `id`, its second key, so
/// within the line's first bytes): memory grows with the cases, never with the log.
struct LineTally {
    private(set) var lines = 0
    private(set) var lastLineStart = 0
    private(set) var cases = Set<Int>()
    private let collectingCases: Bool
    private var position = 0
    private var lineStart = 0
    private var head: [UInt8] = []
    private static let headLength = 160
    private static let idKey = Array(#""id":""#.utf8)

    init(collectingCases: Bool) {
        self.collectingCases = collectingCases
    }

    mutating func take(_ chunk: ArraySlice<UInt8>) {
        let newlines: [Int] = chunk.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<UInt8>) -> [Int] in
            guard let base = buffer.baseAddress else { return [] }
            var found: [Int] = []
            var start = 0
            while start < buffer.count, let hit = memchr(base + start, 10, buffer.count - start) {
                let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                found.append(at)
                start = at + 1
            }
            return found
        }
        var start = 0
        for end in newlines + [chunk.count] {
            if collectingCases, head.count < Self.headLength {
                let from = chunk.startIndex + start
                head += chunk[from..<(from + min(end - start, Self.headLength - head.count))]
            }
            guard end < chunk.count else { break }
            lines += 1
            lastLineStart = lineStart
            lineStart = position + end + 1
            if collectingCases {
                if let number = Self.caseNumber(in: head) { cases.insert(number) }
                head.removeAll(keepingCapacity: true)
            }
            start = end + 1
        }
        position += chunk.count
    }

    private static func caseNumber(in head: [UInt8]) -> Int? {
        guard let found = CaseRecordLine.firstRange(of: idKey, in: head[...]) else { return nil }
        let idStart = found + idKey.count
        guard let idEnd = head[idStart...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return CaseID(String(decoding: head[idStart..<idEnd], as: UTF8.self))?.number
    }
}
