import Foundation

/// Finds cases by a name typed in either script and any transliteration, or by case number,
/// as the user types: every word typed must begin a word of the case's Cyrillic or Latin
/// name under the name-matching key ("влад", "Wlad" and "Vlad" all find Владимир).
public struct CaseSearchIndex: Sendable {
    /// A case as the index keeps it; its keys are in `keyBytes`.
    struct Named: Sendable {
        let id: CaseID
        /// The names the keys were worked out from, so an update can tell what changed: the
        /// summary's own strings, shared, not copies.
        let cyrillicName: String
        let latinName: String

        func isNamed(as other: Named) -> Bool {
            cyrillicName == other.cyrillicName && latinName == other.latinName
        }
    }

    /// A word as a cache key, hashed and compared by its UTF-8 bytes: a String's own hash
    /// normalises Unicode first, which for Cyrillic costs more than the key it saves.
    struct WordBytes: Hashable {
        let word: Substring

        static func == (a: WordBytes, b: WordBytes) -> Bool { a.word.utf8.elementsEqual(b.word.utf8) }

        func hash(into hasher: inout Hasher) {
            var word = word
            word.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    /// A case's keys as they are worked out, before they join the others in `keyBytes`.
    struct Entry: Sendable {
        let named: Named
        /// Every word key of both names, each with a space before and after (" ivan ivanov "):
        /// a typed word is a prefix of some key when " word" occurs, a whole key when " word "
        /// does; searched as bytes, never as a String.
        let keys: [UInt8]

        init(named: Named, keys: [UInt8]) {
            self.named = named
            self.keys = keys
        }

        init(_ named: Named, cache: inout [WordBytes: [UInt8]]) {
            self.named = named
            var seen: [[UInt8]] = []
            var keys: [UInt8] = [32]
            for name in [named.cyrillicName, named.latinName] {
                for word in NameMatchingKey.words(of: name) {
                    let key: [UInt8]
                    if let known = cache[WordBytes(word: word)] {
                        key = known
                    } else {
                        key = NameMatchingKey.wordKeyBytes(word)
                        cache[WordBytes(word: word)] = key
                    }
                    guard !key.isEmpty, !seen.contains(key) else { continue }
                    seen.append(key)
                    keys += key
                    keys.append(32)
                }
            }
            self.keys = keys
        }

    }

    /// What a search reads once the index is built.
    struct Contents: Sendable {
        let entries: [Named]
        /// Every entry's keys end to end, and where each entry's end: one contiguous run of
        /// ~5 MB at 120,000 cases rather than 120,000 small arrays.
        let keyBytes: [UInt8]
        let keyEnds: [Int32]

        init(_ entries: [Entry]) {
            self.entries = entries.map(\.named)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(entries.reduce(0) { $0 + $1.keys.count })
            var ends: [Int32] = []
            ends.reserveCapacity(entries.count)
            for entry in entries {
                bytes += entry.keys
                ends.append(Int32(bytes.count))
            }
            keyBytes = bytes
            keyEnds = ends
        }
    }

    /// The contents, built now or being built on other threads (`building(_:)`); copies of
    /// an index share them.
    private let build: Build
    /// How many cases the index holds, known before it is built.
    public let count: Int

    private var contents: Contents { build.contents }

    /// Builds the keys of every case on each core, reusing the key of a word seen before
    /// (first names and patronymics repeat across thousands of cases).
    public init(_ summaries: [CaseSummary]) {
        self.init(contents: Contents(Self.entries(for: Self.inNumberOrder(summaries)) { _ in nil }))
    }

    private init(contents: Contents) {
        build = Build(contents)
        count = contents.entries.count
    }

    /// The index of `summaries`, built on other threads from now on, so whoever asks for it
    /// need not wait: a first screen is drawn while 120,000 cases' keys are worked out (a
    /// quarter of a second on two cores). Anything that reads it before the build is done,
    /// a search typed at once, waits for the rest of the build, or does it itself if it has
    /// not started: the answer is the same as from `init(_:)`, only sooner or later.
    /// - Parameter start: runs the build's work somewhere else (tests hold it back).
    public static func building(_ summaries: [CaseSummary],
                                start: (@escaping @Sendable () -> Void) -> Void = { DispatchQueue.global().async(execute: $0) })
        -> CaseSearchIndex {
        let build = Build(pending: summaries)
        start { build.finish() }
        return CaseSearchIndex(build: build, count: summaries.count)
    }

    private init(build: Build, count: Int) {
        self.build = build
        self.count = count
    }

    /// Whether the index can answer without building anything (for tests and the status line).
    public var isBuilt: Bool { build.isFinished }

    /// The contents of an index, once: ready from the start, or built by whichever comes
    /// first, the background job or a reader (which then does not wait for the job at all).
    final class Build: @unchecked Sendable {
        private let condition = NSCondition()
        /// Guarded by `condition`.
        private var summaries: [CaseSummary]?
        private var building = false
        private var built: Contents?

        init(_ contents: Contents) { built = contents }
        init(pending summaries: [CaseSummary]) { self.summaries = summaries }

        var isFinished: Bool {
            condition.lock()
            defer { condition.unlock() }
            return built != nil
        }

        /// Builds the contents unless someone already has or is.
        func finish() {
            condition.lock()
            guard built == nil, !building, let summaries else { condition.unlock(); return }
            building = true
            self.summaries = nil
            condition.unlock()
            let made = Contents(CaseSearchIndex.entries(for: CaseSearchIndex.inNumberOrder(summaries)) { _ in nil })
            condition.lock()
            built = made
            building = false
            condition.broadcast()
            condition.unlock()
        }

        var contents: Contents {
            condition.lock()
            if let built { condition.unlock(); return built }
            let mustBuild = !building
            condition.unlock()
            if mustBuild { finish() }
            condition.lock()
            defer { condition.unlock() }
            while built == nil { condition.wait() }
            return built!
        }
    }

    /// The summaries in case-number order: the store's order already, so usually the same
    /// array, not a sorted copy of 120,000 summaries (60 MB).
    public static func inNumberOrder(_ summaries: [CaseSummary]) -> [CaseSummary] {
        // By position, not by pairs of summaries: a pair copies two 512-byte summaries.
        summaries.indices.dropFirst().allSatisfy { summaries[$0 - 1].id < summaries[$0].id } ? summaries : summaries.sorted { $0.id < $1.id }
    }

    /// `reuse` answers the entry of a case whose keys are already known.
    static func entries(for sorted: [CaseSummary], reuse: @Sendable (Named) -> Entry?) -> [Entry] {
        let chunkSize = 8_192
        let chunkCount = (sorted.count + chunkSize - 1) / chunkSize
        var chunks = [[Entry]](repeating: [], count: chunkCount)
        chunks.withUnsafeMutableBufferPointer { buffer in
            // Each iteration writes only its own slot.
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                var cache: [WordBytes: [UInt8]] = [:]
                var result: [Entry] = []
                let range = (chunk * chunkSize)..<min(sorted.count, (chunk + 1) * chunkSize)
                result.reserveCapacity(range.count)
                for position in range {
                    // The three fields, not the whole 500-byte summary copied for each case.
                    let named = Named(id: sorted[position].id, cyrillicName: sorted[position].cyrillicName,
                                      latinName: sorted[position].latinName)
                    result.append(reuse(named) ?? Entry(named, cache: &cache))
                }
                output[chunk] = result
            }
        }
        return Array(chunks.joined())
    }

    /// The index for `summaries`, reusing the keys of every case whose names did not change:
    /// another session's save costs one case's keys, not the whole store's.
    public func updating(with summaries: [CaseSummary]) -> CaseSearchIndex {
        let contents = self.contents
        var positions: [CaseID: Int] = [:]
        positions.reserveCapacity(contents.entries.count)
        for (position, entry) in contents.entries.enumerated() { positions[entry.id] = position }
        let known = positions, entries = contents.entries, keyBytes = contents.keyBytes, keyEnds = contents.keyEnds
        return CaseSearchIndex(contents: Contents(Self.entries(for: Self.inNumberOrder(summaries)) { named in
            guard let position = known[named.id] else { return nil }
            let entry = entries[position]
            guard entry.isNamed(as: named) else { return nil }
            let start = position == 0 ? 0 : Int(keyEnds[position - 1])
            return Entry(named: entry, keys: Array(keyBytes[start..<Int(keyEnds[position])]))
        }))
    }

    /// The cases matching `query`, in case-number order; at most `limit`.
    public func matches(_ query: String, limit: Int = .max) -> [CaseID] {
        let entries = contents.entries
        var found: [CaseID] = []
        search(query) { position in
            found.append(entries[position].id)
            return found.count < limit
        }
        return found
    }

    /// The cases matching `query` as a set one can ask of any case in constant time: what a
    /// queue of 120,000 asks on every key typed.
    public func matchSet(_ query: String) -> CaseNumberSet {
        let entries = contents.entries
        var set = CaseNumberSet()
        search(query) { position in
            set.insert(entries[position].id)
            return true
        }
        return set
    }

    /// Calls `found` with the position of each entry matching `query`, in order, until it
    /// returns false.
    private func search(_ query: String, _ found: (Int) -> Bool) {
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return }
        if let digits = Self.caseNumber(in: trimmed), let value = Int(digits) {
            // The case number begins with the digits typed: compare numbers, make no strings.
            let length = digits.count
            for (position, entry) in contents.entries.enumerated() {
                var number = entry.id.number, numberLength = 1, scale = 1
                while number / (scale * 10) > 0 { scale *= 10; numberLength += 1 }
                guard numberLength >= length else { continue }
                for _ in 0..<(numberLength - length) { number /= 10 }
                if number == value, !found(position) { return }
            }
            return
        }
        let wanted = NameMatchingKey.words(of: trimmed).map { [32] + NameMatchingKey.wordKeyBytes($0) }.filter { $0.count > 1 }
        guard !wanted.isEmpty else { return }
        matching(every: wanted, found)
    }

    /// The entries whose keys contain every needle (" word" for a prefix, " word " for a
    /// whole key): one pass over the contiguous key bytes.
    private func matching(every needles: [[UInt8]], _ found: (Int) -> Bool) {
        let contents = self.contents
        contents.keyBytes.withUnsafeBufferPointer { bytes in
            contents.keyEnds.withUnsafeBufferPointer { ends in
                var start = 0
                for position in 0..<ends.count {
                    let end = Int(ends[position])
                    defer { start = end }
                    var all = true
                    for needle in needles where !Self.occurs(needle, in: bytes, from: start, to: end) {
                        all = false
                        break
                    }
                    if all, !found(position) { return }
                }
            }
        }
    }

    /// Whether `needle` (which starts with a space) occurs in bytes[start..<end] at a space.
    @inline(__always)
    private static func occurs(_ needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        let length = needle.count
        guard end - start >= length else { return false }
        return needle.withUnsafeBufferPointer { wanted in
            var index = start
            let last = end - length
            let second = wanted[1]
            while index <= last {
                if bytes[index] == 32, bytes[index + 1] == second {
                    var matched = 2
                    while matched < length, bytes[index + matched] == wanted[matched] { matched += 1 }
                    if matched == length { return true }
                }
                index += 1
            }
            return false
        }
    }

    /// The cases whose names contain every one of these word keys exactly (whole words, not
    /// prefixes): the cases a new registration may duplicate.
    public func cases(havingEveryWord keys: [String]) -> [CaseID] {
        guard !keys.isEmpty else { return [] }
        let needles = keys.map { [32] + Array($0.utf8) + [32] }.filter { $0.count > 2 }
        guard needles.count == keys.count else { return [] }
        let entries = contents.entries
        var found: [CaseID] = []
        matching(every: needles) { position in
            found.append(entries[position].id)
            return true
        }
        return found
    }

    /// "HV-0012", "hv12" or "12" → "12"; nil when the query is not a case number.
    static func caseNumber(in query: String) -> String? {
        var digits = Substring(query.uppercased())
        if digits.hasPrefix("HV") { digits = digits.dropFirst(2) }
        if digits.hasPrefix("-") { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let trimmed = digits.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }
}

/// A set of cases by number: one bit a case, so asking whether a case is in it costs nothing.
public struct CaseNumberSet: Sendable {
    private var bits: [UInt64] = []
    public private(set) var count = 0

    public init() {}

    public mutating func insert(_ id: CaseID) {
        let number = id.number
        guard number >= 0 else { return }
        let word = number >> 6
        if word >= bits.count { bits += [UInt64](repeating: 0, count: word - bits.count + 1) }
        let mask = UInt64(1) << UInt64(number & 63)
        if bits[word] & mask == 0 { bits[word] |= mask; count += 1 }
    }

    public func contains(_ id: CaseID) -> Bool {
        let number = id.number
        guard number >= 0, number >> 6 < bits.count else { return false }
        return bits[number >> 6] & (UInt64(1) << UInt64(number & 63)) != 0
    }
}
