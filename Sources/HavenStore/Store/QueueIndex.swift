import Glibc
import HavenCore

/// `cases.index`: every case's list summary and log position, as of a byte position in the
/// log, in a compact binary form (docs/store-format.md). Opening reads it and parses only the
/// log written after that position, instead of 120,000 JSON headers.
///
/// It is a cache: the log stays the only record. It is used only when it names the log file
/// it was made from (device and inode), that file still holds at least the bytes it covers,
/// a checksum of sixteen samples of those bytes still matches, the enumerations it numbers
/// are the ones this Haven knows, and its own checksum holds. Anything else and the store
/// reads the whole log, as it did before the index existed, and writes a new one.
struct QueueIndex {
    static let fileName = "cases.index"
    static let magic = Array("HVQI".utf8)
    /// Bump when the layout or any summary field changes.
    static let formatVersion: UInt32 = 5

    /// What the index was made from.
    struct Stamp: Equatable {
        var device: UInt64
        var inode: UInt64
        /// The log's bytes it covers: whole lines, none of a write of several left half in.
        var coveredLength: Int
        /// CRC-32 of sixteen 64 KiB samples spread over the covered bytes (`sampleChecksum`).
        var samples: UInt32
    }

    var stamp: Stamp
    /// In case-number order, one entry and one summary per case.
    var entries: [FileCaseStore.IndexEntry]
    var summaries: [CaseSummary]
    /// Damaged lines the scan found in the covered bytes, so opening still reports them.
    var problems: [(position: String, message: String)]

    // MARK: Checking against the log

    static let sampleCount = 16
    static let sampleBytes = 65_536

    /// A checksum of the first `length` bytes of the log by samples: the whole when it is
    /// small, else sixteen evenly spread 64 KiB windows, the last ending at `length`. It costs
    /// one megabyte of reading however large the log; it catches a log replaced or rewritten
    /// under the same inode; it does not catch one old line edited in place, which the line's
    /// own CRC catches when the case is loaded and `haven check` catches always.
    static func sampleChecksum(of file: PosixFile, length: Int) throws -> UInt32 {
        guard length > sampleCount * sampleBytes else { return CRC32.checksum(try file.read(at: 0, count: length)) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sampleCount * sampleBytes)
        let step = (length - sampleBytes) / (sampleCount - 1)
        for sample in 0..<sampleCount {
            let start = sample == sampleCount - 1 ? length - sampleBytes : sample * step
            bytes += try file.read(at: start, count: sampleBytes)
        }
        return CRC32.checksum(bytes)
    }

    static func stamp(of file: PosixFile, coveredLength: Int) throws -> Stamp {
        let status = try file.status()
        return Stamp(device: UInt64(status.st_dev), inode: UInt64(status.st_ino), coveredLength: coveredLength,
                     samples: try sampleChecksum(of: file, length: coveredLength))
    }

    /// True when this index may stand for the first `stamp.coveredLength` bytes of `file`.
    func matches(_ file: PosixFile) throws -> Bool {
        let status = try file.status()
        guard UInt64(status.st_dev) == stamp.device, UInt64(status.st_ino) == stamp.inode,
              Int(status.st_size) >= stamp.coveredLength else { return false }
        if stamp.coveredLength > 0, try file.read(at: stamp.coveredLength - 1, count: 1) != [10] { return false }
        return try Self.sampleChecksum(of: file, length: stamp.coveredLength) == stamp.samples
    }

    // MARK: Enumerations

    /// The enumerations the index writes by position, named in order: an index written by a
    /// Haven whose enumerations differ (a stage added or moved) is not used.
    static let choicesFingerprint: UInt32 = {
        func names<T: CaseIterable & RawRepresentable>(_: T.Type) -> String where T.RawValue == String {
            "\(T.self):" + T.allCases.map(\.rawValue).joined(separator: ",")
        }
        let text = [names(CaseStage.self), names(CaseFlag.self), names(DecisionOutcome.self), names(Review.Verdict.self),
                    names(EnrolmentStatus.self), names(CEFRLevel.self), names(Relationship.self),
                    names(ReunificationStage.self), names(AppointmentKind.self), names(PlaceKind.self)].joined(separator: ";")
        return CRC32.checksum(Array(text.utf8))
    }()

    // MARK: Writing

    func encoded() -> [UInt8] {
        let (head, body, checksum) = encodedParts()
        var bytes = head
        bytes.reserveCapacity(head.count + body.count + 4)
        bytes += body
        var tail = ByteWriter()
        tail.fixed32(checksum)
        return bytes + tail.bytes
    }

    /// The index as its head (up to the case count), its records, and the CRC-32 of both,
    /// written one after the other: the 23 MB of records at 120,000 cases are never copied
    /// into one buffer with the rest (the session writing an index holds less at once).
    func encodedParts() -> (head: [UInt8], body: [UInt8], checksum: UInt32) {
        var writer = Writer()
        writer.body.bytes.reserveCapacity(entries.count * 200)
        for (entry, summary) in zip(entries, summaries) { writer.record(entry, summary) }
        var out = ByteWriter()
        out.bytes = Self.magic
        out.fixed32(Self.formatVersion)
        out.fixed32(Self.choicesFingerprint)
        out.fixed64(stamp.device)
        out.fixed64(stamp.inode)
        out.fixed64(UInt64(stamp.coveredLength))
        out.fixed32(stamp.samples)
        out.natural(writer.words.count)
        for word in writer.words { out.string(word) }
        out.natural(problems.count)
        for problem in problems {
            out.string(problem.position)
            out.string(problem.message)
        }
        out.natural(entries.count)
        let checksum = CRC32.checksum(writer.body.bytes, continuing: CRC32.checksum(out.bytes))
        return (out.bytes, writer.body.bytes, checksum)
    }

    /// Encodes records, keeping the few strings that repeat across cases (user names,
    /// countries, languages, occupations, courses, openings, specialties) once, in `words`.
    private struct Writer {
        var body = ByteWriter()
        var words: [String] = []
        var wordNumbers: [String: Int] = [:]

        mutating func word(_ text: String) {
            if let number = wordNumbers[text] { body.natural(number); return }
            wordNumbers[text] = words.count
            body.natural(words.count)
            words.append(text)
        }

        mutating func choice<T: CaseIterable & Equatable>(_ value: T) {
            body.natural(T.allCases.distance(from: T.allCases.startIndex, to: T.allCases.firstIndex(of: value)!))
        }

        mutating func date(_ date: CalendarDate) { body.signed(Int64(date.daysSinceEpoch)) }
        mutating func time(_ time: Timestamp) { body.signed(time.secondsSinceEpoch) }

        mutating func optional<T>(_ value: T?, _ write: (inout Writer, T) -> Void) {
            body.flag(value != nil)
            if let value { write(&self, value) }
        }

        mutating func list<T>(_ values: [T], _ write: (inout Writer, T) -> Void) {
            body.natural(values.count)
            for value in values { write(&self, value) }
        }

        mutating func record(_ entry: FileCaseStore.IndexEntry, _ summary: CaseSummary) {
            body.string(entry.id.rawValue)
            body.natural(entry.version.rawValue)
            word(entry.savedBy.rawValue)
            time(entry.savedAt)
            body.natural(entry.auditSequence)
            body.natural(entry.offset)
            body.natural(entry.length)
            body.string(summary.cyrillicName)
            body.string(summary.latinName)
            choice(summary.stage)
            time(summary.stageEnteredAt)
            optional(summary.assignedTo) { $0.word($1.rawValue) }
            optional(summary.country) { $0.word($1.rawValue) }
            var flags: UInt64 = 0
            for (position, flag) in CaseFlag.allCases.enumerated() where summary.flags.contains(flag) { flags |= 1 << UInt64(position) }
            body.unsigned(flags)
            optional(summary.decision) { writer, decision in
                writer.choice(decision.outcome)
                writer.word(decision.proposedBy.rawValue)
                writer.time(decision.proposedAt)
                writer.optional(decision.verdict) { $0.choice($1) }
                writer.optional(decision.reviewedAt) { $0.time($1) }
            }
            optional(summary.allocation) { writer, allocation in
                writer.word(allocation.country.rawValue)
                writer.word(allocation.proposedBy.rawValue)
                writer.time(allocation.proposedAt)
                writer.optional(allocation.verdict) { $0.choice($1) }
                writer.optional(allocation.reviewedAt) { $0.time($1) }
                var kinds: UInt64 = 0
                for (position, kind) in PlaceKind.allCases.enumerated() where allocation.placesTaken.contains(kind) { kinds |= 1 << UInt64(position) }
                writer.body.unsigned(kinds)
            }
            optional(summary.integration) { $0.integration($1) }
            list(summary.family) { writer, member in
                writer.body.signed(Int64(member.id))
                writer.choice(member.relationship)
                writer.choice(member.stage)
                writer.optional(member.nextAction) { $0.body.string($1) }
                writer.optional(member.due) { $0.date($1) }
                writer.optional(member.linkedCase) { $0.body.string($1.rawValue) }
                writer.optional(member.highRisk) { $0.body.flag($1) }
            }
            optional(summary.publicity) { writer, publicity in
                writer.date(publicity.consentGiven)
                writer.optional(publicity.withdrawn) { $0.date($1) }
                writer.optional(publicity.verdict) { $0.choice($1) }
                writer.optional(publicity.digest) { $0.word($1) }
            }
            optional(summary.attention) { $0.attention($1) }
            optional(summary.restriction) { writer, restriction in writer.list(restriction.team) { $0.word($1.rawValue) } }
        }

        mutating func attention(_ attention: AttentionSummary) {
            optional(attention.assignment) { writer, assignment in
                writer.word(assignment.by.rawValue)
                writer.time(assignment.at)
            }
            list(attention.returned) { writer, returned in
                writer.body.flag(returned.kind == .allocation)
                writer.word(returned.proposedBy.rawValue)
                writer.word(returned.by.rawValue)
                writer.time(returned.at)
                writer.body.string(returned.comment)
            }
            list(attention.mentions) { writer, mention in
                writer.body.signed(Int64(mention.note))
                writer.word(mention.author.rawValue)
                writer.time(mention.at)
                writer.list(mention.users) { $0.word($1.rawValue) }
            }
            list(attention.appointments) { writer, appointment in
                writer.body.signed(Int64(appointment.id))
                writer.choice(appointment.kind)
                writer.time(appointment.at)
                writer.body.signed(Int64(appointment.minutes))
                writer.list(appointment.attendees) { $0.word($1.rawValue) }
            }
        }

        mutating func integration(_ integration: IntegrationSummary) {
            optional(integration.arrivedOn) { $0.date($1) }
            list(integration.seats) { writer, seat in
                writer.word(seat.course)
                writer.choice(seat.status)
                writer.date(seat.requestedOn)
            }
            list(integration.levels) { writer, level in
                writer.word(level.language.rawValue)
                writer.choice(level.level)
            }
            list(integration.progress) { writer, progress in
                writer.word(progress.language.rawValue)
                writer.choice(progress.first)
                writer.choice(progress.latest)
                writer.date(progress.latestOn)
                writer.body.signed(Int64(progress.assessments))
            }
            list(integration.occupations) { $0.word($1.rawValue) }
            optional(integration.specialty) { $0.word($1) }
            list(integration.applications) { $0.word($1) }
            optional(integration.employment) { writer, employment in
                writer.optional(employment.openingID) { $0.word($1) }
                writer.date(employment.startedOn)
                writer.optional(employment.endedOn) { $0.date($1) }
                writer.optional(employment.followUpMonths) { $0.body.signed(Int64($1)) }
                writer.optional(employment.followUpDue) { $0.date($1) }
            }
        }
    }

    // MARK: Reading

    /// Why an index file was not used; opening then reads the whole log.
    enum Refusal: Error, Equatable {
        case notAnIndex
        case otherFormat
        case damaged
    }

    static func decode(_ bytes: [UInt8]) throws(Refusal) -> QueueIndex {
        guard bytes.count >= magic.count + 40, bytes.starts(with: magic) else { throw .notAnIndex }
        let result: Result<QueueIndex, Refusal> = bytes.withUnsafeBytes { buffer in
            var trailer = ByteReader(UnsafeRawBufferPointer(rebasing: buffer[(buffer.count - 4)...]))
            guard let expected = try? trailer.fixed32(),
                  CRC32.checksum(UnsafeRawBufferPointer(rebasing: buffer[..<(buffer.count - 4)])) == expected else {
                return .failure(.damaged)
            }
            var reader = Reader(ByteReader(UnsafeRawBufferPointer(rebasing: buffer[magic.count..<(buffer.count - 4)])))
            do throws(ByteReader.Malformed) {
                guard try reader.input.fixed32() == formatVersion, try reader.input.fixed32() == choicesFingerprint else {
                    return .failure(.otherFormat)
                }
                let stamp = Stamp(device: try reader.input.fixed64(), inode: try reader.input.fixed64(),
                                  coveredLength: Int(clamping: try reader.input.fixed64()), samples: try reader.input.fixed32())
                try reader.readWords()
                var problems: [(position: String, message: String)] = []
                for _ in 0..<(try reader.input.count()) {
                    problems.append((try reader.input.string(), try reader.input.string()))
                }
                let count = try reader.input.count()
                var index = QueueIndex(stamp: stamp, entries: [], summaries: [], problems: problems)
                index.entries.reserveCapacity(count)
                index.summaries.reserveCapacity(count)
                for _ in 0..<count {
                    let (entry, summary) = try reader.record()
                    // In case-number order, each case once: what the store's list relies on.
                    if let last = index.entries.last, !(last.id < entry.id) { throw ByteReader.Malformed() }
                    index.entries.append(entry)
                    index.summaries.append(summary)
                }
                guard reader.input.atEnd else { throw ByteReader.Malformed() }
                return .success(index)
            } catch {
                return .failure(.damaged)
            }
        }
        return try result.get()
    }

    private struct Reader {
        var input: ByteReader
        var words: [String] = []
        // Each word as each kind it may stand for, checked once, not once per case.
        var users: [UserName?] = []
        var countries: [CountryCode?] = []
        var languages: [LanguageCode?] = []
        var occupations: [ISCOCode?] = []
        let stages = Array(CaseStage.allCases)
        let flags = Array(CaseFlag.allCases)
        let outcomes = Array(DecisionOutcome.allCases)
        let verdicts = Array(Review.Verdict.allCases)
        let enrolments = Array(EnrolmentStatus.allCases)
        let levels = Array(CEFRLevel.allCases)
        let relationships = Array(Relationship.allCases)
        let reunificationStages = Array(ReunificationStage.allCases)
        let appointmentKinds = Array(AppointmentKind.allCases)

        init(_ input: ByteReader) { self.input = input }

        mutating func readWords() throws(ByteReader.Malformed) {
            for _ in 0..<(try input.count()) { words.append(try input.string()) }
            users = words.map(UserName.init)
            countries = words.map(CountryCode.init)
            languages = words.map(LanguageCode.init)
            occupations = words.map(ISCOCode.init)
        }

        mutating func wordNumber() throws(ByteReader.Malformed) -> Int {
            let number = try input.natural()
            guard number < words.count else { throw ByteReader.Malformed() }
            return number
        }

        mutating func word() throws(ByteReader.Malformed) -> String { words[try wordNumber()] }

        /// The kinds of place an allocation takes, one bit each in `PlaceKind.allCases` order.
        mutating func placeKinds() throws(ByteReader.Malformed) -> [PlaceKind]? {
            let bits = try input.unsigned()
            guard bits >> UInt64(PlaceKind.allCases.count) == 0 else { throw ByteReader.Malformed() }
            let kinds = PlaceKind.allCases.enumerated().filter { bits & (1 << UInt64($0.offset)) != 0 }.map(\.element)
            return kinds.isEmpty ? nil : kinds
        }

        mutating func typed<T>(_ table: [T?]) throws(ByteReader.Malformed) -> T {
            guard let value = table[try wordNumber()] else { throw ByteReader.Malformed() }
            return value
        }

        mutating func choice<T>(_ table: [T]) throws(ByteReader.Malformed) -> T {
            let number = try input.natural()
            guard number < table.count else { throw ByteReader.Malformed() }
            return table[number]
        }

        mutating func date() throws(ByteReader.Malformed) -> CalendarDate {
            let days = try input.signed()
            guard (-719_162...2_932_896).contains(days) else { throw ByteReader.Malformed() } // 0001-01-01...9999-12-31
            return CalendarDate(daysSinceEpoch: Int(days))
        }

        mutating func time() throws(ByteReader.Malformed) -> Timestamp { Timestamp(secondsSinceEpoch: try input.signed()) }

        mutating func caseID() throws(ByteReader.Malformed) -> CaseID {
            guard let id = CaseID(try input.string()) else { throw ByteReader.Malformed() }
            return id
        }

        mutating func optional<T>(_ read: (inout Reader) throws(ByteReader.Malformed) -> T) throws(ByteReader.Malformed) -> T? {
            try input.flag() ? try read(&self) : nil
        }

        mutating func list<T>(_ read: (inout Reader) throws(ByteReader.Malformed) -> T) throws(ByteReader.Malformed) -> [T] {
            let count = try input.count()
            var values: [T] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try read(&self)) }
            return values
        }

        mutating func small() throws(ByteReader.Malformed) -> Int {
            let value = try input.signed()
            guard abs(value) <= Int64(Int32.max) else { throw ByteReader.Malformed() }
            return Int(value)
        }

        mutating func record() throws(ByteReader.Malformed) -> (FileCaseStore.IndexEntry, CaseSummary) {
            let id = try caseID()
            let version = CaseVersion(try input.natural())
            let entry = FileCaseStore.IndexEntry(id: id, version: version, savedBy: try typed(users), savedAt: try time(),
                                                 auditSequence: try input.natural(), offset: try input.natural(),
                                                 length: try input.natural())
            let cyrillic = try input.string()
            let latin = try input.string()
            let stage = try choice(stages)
            let entered = try time()
            let assignedTo = try optional { (reader: inout Reader) throws(ByteReader.Malformed) in try reader.typed(reader.users) }
            let country = try optional { (reader: inout Reader) throws(ByteReader.Malformed) in try reader.typed(reader.countries) }
            let flagBits = try input.unsigned()
            guard flagBits >> UInt64(flags.count) == 0 else { throw ByteReader.Malformed() }
            var caseFlags: Set<CaseFlag> = []
            for (position, flag) in flags.enumerated() where flagBits & (1 << UInt64(position)) != 0 { caseFlags.insert(flag) }
            let decision = try optional { (reader: inout Reader) throws(ByteReader.Malformed) in
                DecisionSummary(outcome: try reader.choice(reader.outcomes), proposedBy: try reader.typed(reader.users),
                                proposedAt: try reader.time(),
                                verdict: try reader.optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.choice(r.verdicts) },
                                reviewedAt: try reader.optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.time() })
            }
            let allocation = try optional { (reader: inout Reader) throws(ByteReader.Malformed) in
                AllocationSummary(country: try reader.typed(reader.countries), proposedBy: try reader.typed(reader.users),
                                  proposedAt: try reader.time(),
                                  verdict: try reader.optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.choice(r.verdicts) },
                                  reviewedAt: try reader.optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.time() },
                                  places: try reader.placeKinds())
            }
            let integration = try optional { (reader: inout Reader) throws(ByteReader.Malformed) in try reader.integration() }
            let family = try list { (reader: inout Reader) throws(ByteReader.Malformed) in
                FamilyMemberSummary(
                    id: try reader.small(), relationship: try reader.choice(reader.relationships),
                    stage: try reader.choice(reader.reunificationStages),
                    nextAction: try reader.optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.input.string() },
                    due: try reader.optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.date() },
                    linkedCase: try reader.optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.caseID() },
                    highRisk: try reader.optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.input.flag() })
            }
            let publicity = try optional { (reader: inout Reader) throws(ByteReader.Malformed) in
                PublicitySummary(consentGiven: try reader.date(),
                                 withdrawn: try reader.optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.date() },
                                 verdict: try reader.optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.choice(r.verdicts) },
                                 digest: try reader.optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.word() })
            }
            let attention = try optional { (reader: inout Reader) throws(ByteReader.Malformed) in try reader.attention() }
            let restriction = try optional { (reader: inout Reader) throws(ByteReader.Malformed) in
                RestrictionSummary(team: try reader.list { (r: inout Reader) throws(ByteReader.Malformed) in try r.typed(r.users) })
            }
            let summary = CaseSummary(id: id, cyrillicName: cyrillic, latinName: latin, stage: stage, stageEnteredAt: entered,
                                      assignedTo: assignedTo, country: country, version: version, flags: caseFlags,
                                      decision: decision, allocation: allocation, integration: integration, family: family,
                                      publicity: publicity, attention: attention, restriction: restriction)
            return (entry, summary)
        }

        mutating func attention() throws(ByteReader.Malformed) -> AttentionSummary {
            let assignment = try optional { (r: inout Reader) throws(ByteReader.Malformed) in
                Assignment(by: try r.typed(r.users), at: try r.time())
            }
            let returned = try list { (r: inout Reader) throws(ByteReader.Malformed) in
                ReturnedProposal(kind: try r.input.flag() ? .allocation : .decision, proposedBy: try r.typed(r.users),
                                 by: try r.typed(r.users), at: try r.time(), comment: try r.input.string())
            }
            let mentions = try list { (r: inout Reader) throws(ByteReader.Malformed) in
                NoteMention(note: try r.small(), author: try r.typed(r.users), at: try r.time(),
                            users: try r.list { (r: inout Reader) throws(ByteReader.Malformed) in try r.typed(r.users) })
            }
            let appointments = try list { (r: inout Reader) throws(ByteReader.Malformed) in
                AppointmentSummary(id: try r.small(), kind: try r.choice(r.appointmentKinds), at: try r.time(),
                                   minutes: try r.small(),
                                   attendees: try r.list { (r: inout Reader) throws(ByteReader.Malformed) in try r.typed(r.users) })
            }
            return AttentionSummary(assignment: assignment, returned: returned, mentions: mentions, appointments: appointments)
        }

        mutating func integration() throws(ByteReader.Malformed) -> IntegrationSummary {
            let arrivedOn = try optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.date() }
            let seats = try list { (r: inout Reader) throws(ByteReader.Malformed) in
                CourseSeat(course: try r.word(), status: try r.choice(r.enrolments), requestedOn: try r.date())
            }
            let levels = try list { (r: inout Reader) throws(ByteReader.Malformed) in
                LanguageLevel(language: try r.typed(r.languages), level: try r.choice(r.levels))
            }
            let progress = try list { (r: inout Reader) throws(ByteReader.Malformed) in
                LevelProgress(language: try r.typed(r.languages), first: try r.choice(r.levels), latest: try r.choice(r.levels),
                              latestOn: try r.date(), assessments: try r.small())
            }
            let occupations = try list { (r: inout Reader) throws(ByteReader.Malformed) in try r.typed(r.occupations) }
            let specialty = try optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.word() }
            let applications = try list { (r: inout Reader) throws(ByteReader.Malformed) in try r.word() }
            let employment = try optional { (r: inout Reader) throws(ByteReader.Malformed) in
                EmploymentSummary(openingID: try r.optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.word() },
                                  startedOn: try r.date(),
                                  endedOn: try r.optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.date() },
                                  followUpMonths: try r.optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.small() },
                                  followUpDue: try r.optional { (r: inout Reader) throws(ByteReader.Malformed) in try r.date() })
            }
            return IntegrationSummary(arrivedOn: arrivedOn, seats: seats, levels: levels, progress: progress,
                                      occupations: occupations, specialty: specialty, applications: applications,
                                      employment: employment)
        }
    }
}
