import Glibc
import HavenCore

/// Reads a record header, the small JSON object Haven writes before each case, without
/// JSONDecoder: opening a store with no queue index reads 120,000 of them. It walks the bytes
/// once, putting each value straight into its field (an earlier reader built a tree of
/// dictionaries first, three quarters of a cold opening). It accepts any valid JSON object of
/// the header's shape (keys in any order, string escapes, spaces, absent optional fields; a
/// key given twice counts its last value, when each reads) and returns nil for anything else,
/// so the caller can fall back to JSONDecoder and name the problem. `RecordHeaderReaderTests`
/// holds it to the earlier reader's answers.
enum RecordHeaderReader {
    static func read(_ bytes: [UInt8]) -> RecordHeader? {
        bytes.withUnsafeBufferPointer { buffer -> RecordHeader? in
            var reader = Reader(bytes: buffer)
            guard let header = reader.header(), reader.atEnd else { return nil }
            return header
        }
    }

    /// A summary alone, as a record header holds it (the PostgreSQL store's `summary` column).
    static func summary(_ bytes: UnsafeBufferPointer<UInt8>) -> StoredSummary? {
        var reader = Reader(bytes: bytes)
        guard let summary = reader.summary(), reader.atEnd else { return nil }
        return summary
    }

    /// The text of `bytes` when they are UTF-8, else nil: what `String(validating:as:)`
    /// answers, without its generic path, which took a fifth of a header's reading.
    /// Decoding replaces whatever is not UTF-8, so the text differs from the bytes exactly
    /// when they are not.
    static func utf8String(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var text = String(decoding: bytes, as: UTF8.self)
        let same = text.withUTF8 { decoded in
            decoded.count == bytes.count && (bytes.isEmpty || memcmp(decoded.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
        }
        return same ? text : nil
    }

    /// A JSON cursor: each method reads one value at the cursor and answers nil when it is not
    /// what was asked for (the caller then gives up on the whole header).
    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0
        /// Reading a whole record's bytes rather than its header's: the header's object ends
        /// where `,"case":` first follows one of its members (`CaseRecordLine.caseKey`, where a
        /// line's header ends), and anything else (`,"case":` within a value, a "case" key
        /// written otherwise) is refused, so the answer is the one reading the header cut out
        /// at that point would give, or nil.
        var stopsAtCase = false

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var atEnd: Bool {
            mutating get { skipSpace(); return offset == bytes.count }
        }

        mutating func skipSpace() {
            while offset < bytes.count {
                let byte = bytes[offset]
                guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
                offset += 1
            }
        }

        mutating func expect(_ byte: UInt8) -> Bool {
            skipSpace()
            guard offset < bytes.count, bytes[offset] == byte else { return false }
            offset += 1
            return true
        }

        /// The next byte after spaces, not taken.
        mutating func peek() -> UInt8? {
            skipSpace()
            return offset < bytes.count ? bytes[offset] : nil
        }

        // MARK: Values

        /// True when the value at the cursor is `null` (taken); false, and nothing taken, otherwise.
        mutating func null() -> Bool {
            guard peek() == UInt8(ascii: "n") else { return false }
            return word("null")
        }

        private mutating func word(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard bytes.count - offset >= count else { return false }
            for index in 0..<count where bytes[offset + index] != text.utf8Start[index] { return false }
            offset += count
            return true
        }

        mutating func boolean() -> Bool? {
            switch peek() {
            case UInt8(ascii: "t"): return word("true") ? true : nil
            case UInt8(ascii: "f"): return word("false") ? false : nil
            default: return nil
            }
        }

        /// An integer of at most 18 digits, with no fraction or exponent.
        mutating func number() -> Int? {
            guard let first = peek(), first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return nil }
            let negative = first == UInt8(ascii: "-")
            if negative { offset += 1 }
            var number = 0
            var digits = 0
            // JSON writes no leading zero ("03"): left to JSONDecoder, which refuses it.
            if offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "0"), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset + 1]) {
                return nil
            }
            while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) {
                number = number &* 10 &+ Int(bytes[offset] - UInt8(ascii: "0"))
                offset += 1
                digits += 1
            }
            guard digits > 0, digits < 19 else { return nil }
            if offset < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[offset]) { return nil }
            return negative ? -number : number
        }

        /// A string read as `make` reads it (nil when it is not a string or `make` refuses it).
        mutating func text<T>(_ make: (String) -> T?) -> T? {
            guard peek() == UInt8(ascii: "\""), let text = string() else { return nil }
            return make(text)
        }

        /// A string with no escapes, as its bytes (taken), or nil with nothing taken.
        private mutating func plainText() -> UnsafeBufferPointer<UInt8>? {
            guard peek() == UInt8(ascii: "\"") else { return nil }
            let start = offset
            guard let bytes = plainKey() else { return nil }
            // A string that is not UTF-8 is refused as `string()` refuses it.
            guard bytes.allSatisfy({ $0 < 0x80 }) || RecordHeaderReader.utf8String(bytes) != nil else {
                offset = start
                return nil
            }
            return bytes
        }

        /// A string read from its bytes by `make` when it has no escapes (dates, times and
        /// choices: read with no string made), else as `text` reads it.
        mutating func bytes<T>(_ make: (UnsafeBufferPointer<UInt8>) -> T?) -> T? {
            if let bytes = plainText() { return make(bytes) }
            return text { text in
                var text = text
                return text.withUTF8 { make($0) }
            }
        }

        /// `optionalText` for `bytes`.
        mutating func optionalBytes<T>(_ make: (UnsafeBufferPointer<UInt8>) -> T?) -> T?? {
            if null() { return .some(nil) }
            return bytes(make).map { .some($0) }
        }

        /// An optional string field: `.some(nil)` for `null`, `.some(value)` when it reads, nil
        /// when it is something else or `make` refuses it.
        mutating func optionalText<T>(_ make: (String) -> T?) -> T?? {
            if null() { return .some(nil) }
            return text(make).map { .some($0) }
        }

        /// Walks the object at the cursor, handing each key to `member`, which must read its
        /// value (true) or answer false to give up. `depth` is the object's own.
        /// A key given twice in one object (never written by Haven) is refused, so JSONDecoder
        /// decides which value counts, as it does everywhere else.
        mutating func object(depth: Int, _ member: (inout Reader, _ key: UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
            guard depth < 6, expect(UInt8(ascii: "{")) else { return false }
            if expect(UInt8(ascii: "}")) { return !(stopsAtCase && depth == 0) }
            return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 32) { seen -> Bool in
                var keys = 0
                func isNew(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
                    // FNV-1a of the key: a collision only sends the line down the slower path.
                    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                    for byte in key { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
                    for index in 0..<keys where seen[index] == hash { return false }
                    guard keys < seen.count else { return false }
                    seen[keys] = hash
                    keys += 1
                    return true
                }
                repeat {
                    guard peek() == UInt8(ascii: "\"") else { return false }
                    if let key = plainKey() {
                        guard isNew(key), expect(UInt8(ascii: ":")), member(&self, key) else { return false }
                    } else {
                        // Escapes in a key (never written by Haven): compare its text.
                        guard let text = string(), expect(UInt8(ascii: ":")) else { return false }
                        let bytes = Array(text.utf8)
                        guard bytes.withUnsafeBufferPointer({ isNew($0) && member(&self, $0) }) else { return false }
                    }
                    if stopsAtCase, caseFollows() { return depth == 0 }
                } while expect(UInt8(ascii: ","))
                // A record's header ends where its case begins, never with its own brace.
                return expect(UInt8(ascii: "}")) && !(stopsAtCase && depth == 0)
            }
        }

        /// Whether `,"case":` comes next (after spaces): the end of a record's header.
        mutating func caseFollows() -> Bool {
            skipSpace()
            let key = CaseRecordLine.caseKey
            guard bytes.count - offset >= key.count else { return false }
            for index in 0..<key.count where bytes[offset + index] != key[index] { return false }
            return true
        }

        /// Walks the array at the cursor, `element` reading each element (false gives up).
        mutating func array(depth: Int, _ element: (inout Reader) -> Bool) -> Bool {
            guard depth < 6, expect(UInt8(ascii: "[")) else { return false }
            if expect(UInt8(ascii: "]")) { return true }
            repeat {
                guard element(&self) else { return false }
            } while expect(UInt8(ascii: ","))
            return expect(UInt8(ascii: "]"))
        }

        /// A key's bytes as written, taken, when it has no escapes (every key Haven writes);
        /// nil, with nothing taken, otherwise.
        private mutating func plainKey() -> UnsafeBufferPointer<UInt8>? {
            let start = offset + 1
            var cursor = start
            while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "\""), bytes[cursor] != UInt8(ascii: "\\") {
                guard bytes[cursor] >= 0x20 else { return nil }
                cursor += 1
            }
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\"") else { return nil }
            offset = cursor + 1
            return UnsafeBufferPointer(rebasing: bytes[start..<cursor])
        }

        /// Any value, read and dropped (an unknown key's); nested no deeper than the header allows.
        mutating func skipValue(depth: Int) -> Bool {
            // Containers no deeper than 5; a string may sit at 6 (the names in a mention's `users`).
            guard let next = peek(), depth < 6 || depth == 6 && next == UInt8(ascii: "\"") else { return false }
            switch next {
            case UInt8(ascii: "{"): return object(depth: depth) { reader, _ in reader.skipValue(depth: depth + 1) }
            case UInt8(ascii: "["): return array(depth: depth) { $0.skipValue(depth: depth + 1) }
            case UInt8(ascii: "\""): return string() != nil
            case UInt8(ascii: "n"): return null()
            case UInt8(ascii: "t"), UInt8(ascii: "f"): return boolean() != nil
            default: return number() != nil
            }
        }

        /// A JSON string at the cursor, escapes decoded; nil if it is not one.
        mutating func string() -> String? {
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { return nil }
            offset += 1
            let start = offset
            // Fast path: no escapes, so the bytes are the string.
            while offset < bytes.count, bytes[offset] != UInt8(ascii: "\""), bytes[offset] != UInt8(ascii: "\\") {
                guard bytes[offset] >= 0x20 else { return nil }
                offset += 1
            }
            guard offset < bytes.count else { return nil }
            if bytes[offset] == UInt8(ascii: "\"") {
                defer { offset += 1 }
                return RecordHeaderReader.utf8String(UnsafeBufferPointer(rebasing: bytes[start..<offset]))
            }
            var content = Array(bytes[start..<offset])
            while offset < bytes.count {
                let byte = bytes[offset]
                offset += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return content.withUnsafeBufferPointer(RecordHeaderReader.utf8String)
                case UInt8(ascii: "\\"):
                    guard offset < bytes.count else { return nil }
                    let escape = bytes[offset]
                    offset += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): content.append(escape)
                    case UInt8(ascii: "b"): content.append(0x08)
                    case UInt8(ascii: "f"): content.append(0x0C)
                    case UInt8(ascii: "n"): content.append(0x0A)
                    case UInt8(ascii: "r"): content.append(0x0D)
                    case UInt8(ascii: "t"): content.append(0x09)
                    case UInt8(ascii: "u"):
                        guard var scalar = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(scalar) {
                            guard bytes.count - offset >= 6, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else { return nil }
                            offset += 2
                            guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { return nil }
                        content += Array(String(Character(unicode)).utf8)
                    default: return nil
                    }
                default:
                    guard byte >= 0x20 else { return nil }
                    content.append(byte)
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard bytes.count - offset >= 4 else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = Character(Unicode.Scalar(bytes[offset])).hexDigitValue else { return nil }
                value = value << 4 | UInt32(digit)
                offset += 1
            }
            return value
        }

    }
}

// MARK: The header's shape

/// The values of an enumeration by the bytes of their raw values, so a header's choices are
/// read without a string made for each.
struct ChoiceTable<Value: CaseIterable & RawRepresentable & Sendable>: Sendable where Value.RawValue == String {
    let names: [[UInt8]]
    let values: [Value]

    init() {
        values = Array(Value.allCases)
        names = values.map { Array($0.rawValue.utf8) }
    }

    func value(_ bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        for (index, name) in names.enumerated() where name.count == bytes.count {
            if name.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) { return values[index] }
        }
        return nil
    }
}

enum Choices {
    static let stage = ChoiceTable<CaseStage>()
    static let flag = ChoiceTable<CaseFlag>()
    static let outcome = ChoiceTable<DecisionOutcome>()
    static let verdict = ChoiceTable<Review.Verdict>()
    static let relationship = ChoiceTable<Relationship>()
    static let reunification = ChoiceTable<ReunificationStage>()
    static let enrolment = ChoiceTable<EnrolmentStatus>()
    static let level = ChoiceTable<CEFRLevel>()
    static let placeKind = ChoiceTable<PlaceKind>()
}

/// Dates and times read from bytes, as `init?(iso:)` reads their text.
func time(_ bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? { Timestamp(isoBytes: bytes) }
func date(_ bytes: UnsafeBufferPointer<UInt8>) -> CalendarDate? { CalendarDate(isoBytes: bytes) }

extension UnsafeBufferPointer<UInt8> {
    /// Whether these bytes are `text`'s UTF-8: compared here, a byte at a time (keys are a few
    /// bytes long, and a header's forty keys are each tried against several names), not by
    /// calling memcmp.
    @inline(__always)
    func `is`(_ text: StaticString) -> Bool {
        guard count == text.utf8CodeUnitCount else { return false }
        let other = text.utf8Start
        for index in 0..<count where self[index] != other[index] { return false }
        return true
    }
}

extension RecordHeaderReader {
    /// Reads the header in `bytes` as an opening takes it in and appends it to `lines`, or
    /// answers false (and appends nothing) when it does not read: the header's fields go
    /// straight into the line, with no `RecordHeader` made and copied on the way (a 600-byte
    /// value, copied four times over for each of 120,000 lines).
    /// `record`: a line's record bytes, read up to where its case begins (`stopsAtCase`), so the
    /// header is never cut out and copied; false (nothing appended) for anything the header
    /// cut out the usual way might read otherwise, which the caller then reads that way.
    static func appendOpened(record: ArraySlice<UInt8>, offset: Int, length: Int, to lines: inout [LogScanner.Opened]) -> Bool {
        record.withUnsafeBufferPointer { buffer -> Bool in
            var reader = Reader(bytes: buffer)
            reader.stopsAtCase = true
            return reader.header { id, version, savedBy, savedAt, sequence, summary, part, parts in
                lines.append(LogScanner.Opened(
                    entry: FileCaseStore.IndexEntry(id: id, version: version, savedBy: savedBy, savedAt: savedAt,
                                                    auditSequence: sequence, offset: offset, length: length),
                    summary: summary.caseSummary(id: id, version: version), part: part, parts: parts))
            }
        }
    }
}

extension RecordHeaderReader.Reader {
    mutating func header() -> RecordHeader? {
        var made: RecordHeader?
        _ = header { id, version, savedBy, savedAt, sequence, summary, part, parts in
            made = RecordHeader(id: id, version: version, savedBy: savedBy, savedAt: savedAt, auditSequence: sequence, summary: summary)
            made?.part = part
            made?.parts = parts
        }
        return made
    }

    /// The header's fields handed to `take` once all are read and sound (false otherwise):
    /// what a `RecordHeader` is made of, or an opening's line.
    mutating func header(_ take: (_ id: CaseID, _ version: CaseVersion, _ savedBy: UserName, _ savedAt: Timestamp,
                                  _ sequence: Int, _ summary: StoredSummary, _ part: Int?, _ parts: Int?) -> Void) -> Bool {
        var sequence: Int?, id: CaseID?, version: Int?, savedBy: UserName?, savedAt: Timestamp?, summary: StoredSummary?
        // part and parts: absent (nil), or a value read (.some), which must be a number.
        var part: Int??, parts: Int??
        guard object(depth: 0, { reader, key in
            if key.is("auditSequence") { sequence = reader.number(); return sequence != nil }
            if key.is("id") { id = reader.text(CaseID.init); return id != nil }
            if key.is("version") { version = reader.number(); return version != nil }
            if key.is("savedBy") { savedBy = reader.text(UserName.init); return savedBy != nil }
            if key.is("savedAt") { savedAt = reader.bytes(time); return savedAt != nil }
            if key.is("summary") { summary = reader.summary(); return summary != nil }
            if key.is("part") { part = .some(reader.number()); return true }
            if key.is("parts") { parts = .some(reader.number()); return true }
            // Reading a record, the case comes after the header as `,"case":` (the object then
            // ends before it); a "case" key met otherwise is a line to read the usual way.
            if reader.stopsAtCase, key.is("case") { return false }
            return reader.skipValue(depth: 1)
        }), let sequence, let id, let version, let savedBy, let savedAt, let summary else { return false }
        switch (part, parts) {
        case (nil, nil):
            take(id, CaseVersion(version), savedBy, savedAt, sequence, summary, nil, nil)
        case let (.some(part?), .some(parts?)) where part >= 1 && part <= parts:
            take(id, CaseVersion(version), savedBy, savedAt, sequence, summary, part, parts)
        default:
            return false
        }
        return true
    }

    mutating func summary() -> StoredSummary? {
        var cyrillic: String?, latin: String?, stage: CaseStage?, entered: Timestamp?
        var assignedTo: UserName?, country: CountryCode?
        var stored = StoredSummary.empty
        guard object(depth: 1, { reader, key in
            if key.is("cyrillicName") { cyrillic = reader.text { $0 }; return cyrillic != nil }
            if key.is("latinName") { latin = reader.text { $0 }; return latin != nil }
            if key.is("stage") { stage = reader.bytes(Choices.stage.value); return stage != nil }
            if key.is("stageEnteredAt") { entered = reader.bytes(time); return entered != nil }
            if key.is("assignedTo") {
                guard let value = reader.optionalText(UserName.init) else { return false }
                assignedTo = value
                return true
            }
            if key.is("country") {
                guard let value = reader.optionalText(CountryCode.init) else { return false }
                country = value
                return true
            }
            if key.is("flags") {
                if reader.null() { stored.flags = nil; return true }
                var flags: [CaseFlag] = []
                guard reader.array(depth: 2, { element in
                    guard let flag = element.bytes(Choices.flag.value) else { return false }
                    flags.append(flag)
                    return true
                }) else { return false }
                stored.flags = flags
                return true
            }
            if key.is("decision") { return reader.optionalObject(into: &stored.decision) { $0.decision() } }
            if key.is("allocation") { return reader.optionalObject(into: &stored.allocation) { $0.allocation() } }
            if key.is("integration") { return reader.optionalObject(into: &stored.integration) { $0.integration() } }
            if key.is("publicity") { return reader.optionalObject(into: &stored.publicity) { $0.publicity() } }
            if key.is("attention") { return reader.optionalObject(into: &stored.attention) { $0.attention() } }
            if key.is("restriction") { return reader.optionalObject(into: &stored.restriction) { $0.restriction() } }
            if key.is("family") {
                if reader.null() { stored.family = nil; return true }
                var members: [FamilyMemberSummary] = []
                guard reader.array(depth: 2, { element in
                    guard let member = element.familyMember() else { return false }
                    members.append(member)
                    return true
                }) else { return false }
                stored.family = members
                return true
            }
            return reader.skipValue(depth: 2)
        }), let cyrillic, let latin, let stage, let entered else { return nil }
        stored.cyrillicName = cyrillic
        stored.latinName = latin
        stored.stage = stage
        stored.stageEnteredAt = entered
        stored.assignedTo = assignedTo
        stored.country = country
        return stored
    }

    /// `null` (none), or an object `read` reads; false when it is neither.
    mutating func optionalObject<T>(into value: inout T?, _ read: (inout Self) -> T?) -> Bool {
        if null() { value = nil; return true }
        guard peek() == UInt8(ascii: "{"), let read = read(&self) else { return false }
        value = read
        return true
    }

    /// The optional `verdict` and `reviewedAt` of a proposal summary, as its keys come.
    struct Review {
        var verdict: HavenCore.Review.Verdict?
        var reviewedAt: Timestamp?

        /// Reads the key when it is one of the two (true, or nil when malformed); false for another key.
        mutating func read(_ key: UnsafeBufferPointer<UInt8>, from reader: inout RecordHeaderReader.Reader) -> Bool? {
            if key.is("verdict") {
                guard let value = reader.optionalBytes(Choices.verdict.value) else { return nil }
                verdict = value
                return true
            }
            if key.is("reviewedAt") {
                guard let value = reader.optionalBytes(time) else { return nil }
                reviewedAt = value
                return true
            }
            return false
        }
    }

    mutating func decision() -> DecisionSummary? {
        var outcome: DecisionOutcome?, by: UserName?, at: Timestamp?, review = Review()
        guard object(depth: 2, { reader, key in
            if key.is("outcome") { outcome = reader.bytes(Choices.outcome.value); return outcome != nil }
            if key.is("proposedBy") { by = reader.text(UserName.init); return by != nil }
            if key.is("proposedAt") { at = reader.bytes(time); return at != nil }
            if let read = review.read(key, from: &reader) { return read || reader.skipValue(depth: 3) }
            return false
        }), let outcome, let by, let at else { return nil }
        return DecisionSummary(outcome: outcome, proposedBy: by, proposedAt: at, verdict: review.verdict, reviewedAt: review.reviewedAt)
    }

    mutating func allocation() -> AllocationSummary? {
        var country: CountryCode?, by: UserName?, at: Timestamp?, review = Review(), places: [PlaceKind]?
        guard object(depth: 2, { reader, key in
            if key.is("country") { country = reader.text(CountryCode.init); return country != nil }
            if key.is("proposedBy") { by = reader.text(UserName.init); return by != nil }
            if key.is("proposedAt") { at = reader.bytes(time); return at != nil }
            if key.is("places") {
                if reader.null() { return true }
                var kinds: [PlaceKind] = []
                guard reader.array(depth: 3, { element in
                    guard let kind = element.bytes(Choices.placeKind.value) else { return false }
                    kinds.append(kind)
                    return true
                }) else { return false }
                places = kinds
                return true
            }
            if let read = review.read(key, from: &reader) { return read || reader.skipValue(depth: 3) }
            return false
        }), let country, let by, let at else { return nil }
        return AllocationSummary(country: country, proposedBy: by, proposedAt: at, verdict: review.verdict, reviewedAt: review.reviewedAt,
                                 places: places)
    }

    mutating func publicity() -> PublicitySummary? {
        var given: CalendarDate?, withdrawn: CalendarDate?, digest: String?, review = Review()
        guard object(depth: 2, { reader, key in
            if key.is("consentGiven") { given = reader.bytes(date); return given != nil }
            if key.is("withdrawn") {
                guard let value = reader.optionalBytes(date) else { return false }
                withdrawn = value
                return true
            }
            if key.is("digest") {
                guard let value = reader.optionalText({ $0 }) else { return false }
                digest = value
                return true
            }
            if let read = review.read(key, from: &reader) { return read || reader.skipValue(depth: 3) }
            return false
        }), let given else { return nil }
        return PublicitySummary(consentGiven: given, withdrawn: withdrawn, verdict: review.verdict, digest: digest)
    }

    mutating func familyMember() -> FamilyMemberSummary? {
        var id: Int?, relationship: Relationship?, stage: ReunificationStage?
        var action: String?, due: CalendarDate?, linked: CaseID?, highRisk = false
        guard object(depth: 3, { reader, key in
            if key.is("id") { id = reader.number(); return id != nil }
            if key.is("relationship") { relationship = reader.bytes(Choices.relationship.value); return relationship != nil }
            if key.is("stage") { stage = reader.bytes(Choices.reunification.value); return stage != nil }
            if key.is("nextAction") {
                guard let value = reader.optionalText({ $0 }) else { return false }
                action = value
                return true
            }
            if key.is("due") {
                guard let value = reader.optionalBytes(date) else { return false }
                due = value
                return true
            }
            if key.is("linkedCase") {
                guard let value = reader.optionalText(CaseID.init) else { return false }
                linked = value
                return true
            }
            if key.is("highRisk") {
                // Absent, null or true; false is not how it is written, so it is refused.
                if reader.null() { highRisk = false; return true }
                guard reader.boolean() == true else { return false }
                highRisk = true
                return true
            }
            return reader.skipValue(depth: 4)
        }), let id, let relationship, let stage else { return nil }
        var member = FamilyMemberSummary(id: id, relationship: relationship, stage: stage, nextAction: action, due: due, linkedCase: linked)
        if highRisk { member.highRisk = true }
        return member
    }

    mutating func integration() -> IntegrationSummary? {
        var arrived: CalendarDate?
        var seats: [CourseSeat] = [], levels: [LanguageLevel] = [], progress: [LevelProgress] = []
        var occupations: [ISCOCode] = [], applications: [String] = [], specialty: String?
        var employment: EmploymentSummary?
        /// A list field: null or absent is empty; otherwise each element read by `element`.
        func list(_ reader: inout Self, _ element: (inout Self) -> Bool) -> Bool {
            if reader.null() { return true }
            return reader.array(depth: 3, element)
        }
        guard object(depth: 2, { reader, key in
            if key.is("arrivedOn") {
                guard let value = reader.optionalBytes(date) else { return false }
                arrived = value
                return true
            }
            if key.is("seats") {
                seats = []
                return list(&reader) { element in
                    var course: String?, status: EnrolmentStatus?, requested: CalendarDate?
                    guard element.object(depth: 4, { reader, key in
                        if key.is("course") { course = reader.text { $0 }; return course != nil }
                        if key.is("status") { status = reader.bytes(Choices.enrolment.value); return status != nil }
                        if key.is("requestedOn") {
                            // Required: null is refused as absence is.
                            guard let value = reader.optionalBytes(date) else { return false }
                            requested = value
                            return true
                        }
                        return reader.skipValue(depth: 5)
                    }), let course, let status, let requested else { return false }
                    seats.append(CourseSeat(course: course, status: status, requestedOn: requested))
                    return true
                }
            }
            if key.is("levels") {
                levels = []
                return list(&reader) { element in
                    var language: LanguageCode?, level: CEFRLevel?
                    guard element.object(depth: 4, { reader, key in
                        if key.is("language") { language = reader.text(LanguageCode.init); return language != nil }
                        if key.is("level") { level = reader.bytes(Choices.level.value); return level != nil }
                        return reader.skipValue(depth: 5)
                    }), let language, let level else { return false }
                    levels.append(LanguageLevel(language: language, level: level))
                    return true
                }
            }
            if key.is("progress") {
                progress = []
                return list(&reader) { element in
                    var language: LanguageCode?, first: CEFRLevel?, latest: CEFRLevel?, on: CalendarDate?, count: Int?
                    guard element.object(depth: 4, { reader, key in
                        if key.is("language") { language = reader.text(LanguageCode.init); return language != nil }
                        if key.is("first") { first = reader.bytes(Choices.level.value); return first != nil }
                        if key.is("latest") { latest = reader.bytes(Choices.level.value); return latest != nil }
                        if key.is("latestOn") {
                            guard let value = reader.optionalBytes(date) else { return false }
                            on = value
                            return true
                        }
                        if key.is("assessments") { count = reader.number(); return count != nil }
                        return reader.skipValue(depth: 5)
                    }), let language, let first, let latest, let on, let count else { return false }
                    progress.append(LevelProgress(language: language, first: first, latest: latest, latestOn: on, assessments: count))
                    return true
                }
            }
            if key.is("occupations") {
                occupations = []
                return list(&reader) { element in
                    guard let code = element.text(ISCOCode.init) else { return false }
                    occupations.append(code)
                    return true
                }
            }
            if key.is("applications") {
                applications = []
                return list(&reader) { element in
                    guard let text = element.text({ $0 }) else { return false }
                    applications.append(text)
                    return true
                }
            }
            if key.is("specialty") {
                guard let value = reader.optionalText({ $0 }) else { return false }
                specialty = value
                return true
            }
            if key.is("employment") {
                if reader.null() { employment = nil; return true }
                var started: CalendarDate?, ended: CalendarDate?, due: CalendarDate?, opening: String?, months: Int?
                guard reader.object(depth: 3, { reader, key in
                    if key.is("startedOn") {
                        guard let value = reader.optionalBytes(date) else { return false }
                        started = value
                        return true
                    }
                    if key.is("endedOn") {
                        guard let value = reader.optionalBytes(date) else { return false }
                        ended = value
                        return true
                    }
                    if key.is("followUpDue") {
                        guard let value = reader.optionalBytes(date) else { return false }
                        due = value
                        return true
                    }
                    if key.is("openingID") {
                        guard let value = reader.optionalText({ $0 }) else { return false }
                        opening = value
                        return true
                    }
                    if key.is("followUpMonths") {
                        if reader.null() { months = nil; return true }
                        months = reader.number()
                        return months != nil
                    }
                    return reader.skipValue(depth: 4)
                }), let started else { return false }
                var job = EmploymentSummary(startedOn: started, endedOn: ended, followUpDue: due)
                job.openingID = opening
                job.followUpMonths = months
                employment = job
                return true
            }
            return reader.skipValue(depth: 3)
        }) else { return nil }
        var summary = IntegrationSummary(arrivedOn: arrived, applications: applications)
        summary.seats = seats
        summary.levels = levels
        summary.progress = progress
        summary.occupations = occupations
        summary.specialty = specialty
        summary.employment = employment
        return summary
    }
}
