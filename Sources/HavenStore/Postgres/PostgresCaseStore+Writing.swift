import Foundation
import HavenCore

/// Saves and imports: one transaction each, under the `head` row's lock.
extension PostgresCaseStore {
    /// The `head` row, locked until the transaction ends.
    struct Head {
        var auditSequence: Int
        var auditHash: String
        var change: Int
        var createdBy: UserName
        var createdAt: Timestamp
    }

    func lockHead() throws -> Head {
        guard let row = try link.query("SELECT audit_sequence, audit_hash, change_sequence, created_by, created_at FROM \(schema).head WHERE id = 1 FOR UPDATE").first else {
            throw StoreError.damaged(file: "\(schema).head", position: "row 1", reason: "the store's head row is missing; run 'haven check'")
        }
        return Head(auditSequence: try row.int(0), auditHash: try row.text(1), change: try row.int(2),
                    createdBy: UserName(try row.text(3)) ?? "unknown", createdAt: Timestamp(secondsSinceEpoch: Int64(try row.int(4))))
    }

    func writeHead(_ head: Head) throws {
        try link.query("UPDATE \(schema).head SET audit_sequence = $1, audit_hash = $2, change_sequence = $3 WHERE id = 1",
                       [.int(head.auditSequence), .text(head.auditHash), .int(head.change)])
        try link.query("SELECT pg_notify($1, $2)", [.text(channel), .text(String(head.change))])
    }

    /// Appends sealed audit lines for `entries`, chained from the head; the head moves on.
    func appendAudit(_ entries: [AuditEntry], to head: inout Head) throws {
        var sequences: [Int] = [], caseIDs: [Int] = [], subjects: [String] = [], lines: [String] = []
        for entry in entries {
            guard entry.sequence == head.auditSequence + 1 else {
                throw StoreError.unavailable("audit entry \(entry.sequence) where \(head.auditSequence + 1) was next; nothing was written")
            }
            let (bytes, hash) = try AuditTrail.encode(entry, previousHash: head.auditHash)
            sequences.append(entry.sequence)
            caseIDs.append(entry.caseID?.number ?? -1)
            subjects.append(entry.subject ?? "")
            lines.append(String(decoding: bytes.dropLast(), as: UTF8.self))
            head.auditSequence = entry.sequence
            head.auditHash = hash
        }
        try insertAuditLines(sequences: sequences, caseIDs: caseIDs, subjects: subjects, lines: lines)
    }

    /// Many rows in few statements (arrays unnested), so an import of thousands is quick.
    func insertAuditLines(sequences: [Int], caseIDs: [Int], subjects: [String], lines: [String]) throws {
        for start in stride(from: 0, to: lines.count, by: 5000) {
            let range = start..<min(start + 5000, lines.count)
            try link.query("""
                INSERT INTO \(schema).audit (sequence, case_id, subject, line)
                SELECT s, nullif(c, -1), nullif(j, ''), l FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[]) AS t(s, c, j, l)
                """, [.ints(Array(sequences[range])), .ints(Array(caseIDs[range])), .texts(Array(subjects[range])), .texts(Array(lines[range]))])
        }
    }

    /// Writes cases' new versions (inserted or replacing the row) with the change number each gets.
    func writeCases(_ saves: [(record: Case, version: CaseVersion)], by user: UserName, at time: Timestamp, head: inout Head) throws {
        var ids: [Int] = [], versions: [Int] = [], changes: [Int] = [], summaries: [String] = [], records: [String] = []
        for save in saves {
            head.change += 1
            ids.append(save.record.id.number)
            versions.append(save.version.rawValue)
            changes.append(head.change)
            summaries.append(String(decoding: try CaseRecordLine.writer.encode(StoredSummary(save.record)), as: UTF8.self))
            records.append(String(decoding: try CaseRecordLine.writer.encode(save.record), as: UTF8.self))
        }
        for start in stride(from: 0, to: ids.count, by: 5000) {
            let range = start..<min(start + 5000, ids.count)
            try link.query("""
                INSERT INTO \(schema).cases (id, version, saved_by, saved_at, change_sequence, summary, record)
                SELECT i, v, $6, $7, c, s, r FROM unnest($1::int[], $2::int[], $3::bigint[], $4::text[], $5::text[]) AS t(i, v, c, s, r)
                ON CONFLICT (id) DO UPDATE SET version = excluded.version, saved_by = excluded.saved_by, saved_at = excluded.saved_at,
                  change_sequence = excluded.change_sequence, summary = excluded.summary, record = excluded.record
                """, [.ints(Array(ids[range])), .ints(Array(versions[range])), .ints(Array(changes[range])),
                      .texts(Array(summaries[range])), .texts(Array(records[range])), .text(user.rawValue), .int(Int(time.secondsSinceEpoch))])
        }
    }

    public func save(_ record: Case, basedOn version: CaseVersion?, by actor: Actor, at time: Timestamp) throws -> CaseVersion {
        try save(together: [CaseUpdate(record, basedOn: version)], by: actor, at: time)[0]
    }

    public func save(together updates: [CaseUpdate], by actor: Actor, at time: Timestamp) throws -> [CaseVersion] {
        do { try Capability.editCase.require(actor) } catch { throw StoreError.forbidden("\(error)") }
        guard !updates.isEmpty else { return [] }
        return try write(updates, by: actor, at: time, capability: .editCase)
    }

    /// The transaction every save and import is: lock, catch up, judge, write, notify.
    func write(_ updates: [CaseUpdate], by actor: Actor, at time: Timestamp, capability: Capability,
               newCaseChanges: [[FieldChange]]? = nil) throws -> [CaseVersion] {
        try locked {
            // Every summary read first, outside the head's lock (at 120,000 cases a second's
            // work), so the catch-up under it reads only what changed since.
            try catchUp()
            let prepared = try link.transaction { () throws -> [PreparedSave] in
                var head = try lockHead()
                try catchUp()
                let ledger = try Ledger(store: self, head: head, actor: actor)
                let prepared = try SaveContract.prepare(updates, by: actor, at: time, capability: capability,
                                                        newCaseChanges: newCaseChanges, ledger: ledger)
                try writeCases(prepared.map { ($0.record, $0.version) }, by: actor.user, at: time, head: &head)
                try appendAudit(prepared.map(\.audit), to: &head)
                try writeHead(head)
                return prepared
            }
            // Committed: this session's summaries follow at once (the next catch-up reads them too).
            for save in prepared {
                let summary = CaseSummary(record: save.record, version: save.version)
                mirror[save.record.id] = summary
            }
            return prepared.map(\.version)
        }
    }

    public func importCases(_ records: [Case], by actor: Actor, at time: Timestamp, today: CalendarDate,
                            progress: (Int) -> Void) throws {
        do { try Capability.importCases.require(actor) } catch { throw StoreError.forbidden("\(error)") }
        guard !records.isEmpty else { return }
        try catchUp()
        // Checked first against what this session sees (quickly refused), then again in the
        // transaction by the contract against the store as it is.
        let known = locked { mirror }
        let problems = ImportCheck.problems(in: records, today: today) { known[$0] != nil }
        guard problems.isEmpty else { throw ImportError.invalid(problems) }
        try ImportCheck.checkQuotas(records, countries: try hostCountries(), used: QuotaLedger(countries: [], summaries: Array(known.values)).used)
        progress(records.count / 2)
        _ = try write(records.map { CaseUpdate($0, basedOn: nil) }, by: actor, at: time, capability: .importCases)
        progress(records.count)
    }

    /// The store as the contract reads it inside the transaction: the summaries caught up
    /// under the head's lock, the rest read when asked.
    struct Ledger: SaveLedger {
        let store: PostgresCaseStore
        let users: UserDirectory
        let countries: [HostCountry]
        let lastAuditSequence: Int
        let reasons: Set<CaseID>

        init(store: PostgresCaseStore, head: Head, actor: Actor) throws {
            self.store = store
            users = try store.readUsers(head: head).directory
            countries = try store.readCountries().countries
            lastAuditSequence = head.auditSequence
            reasons = store.reasonsGiven[actor.user] ?? []
        }

        func stored(_ id: CaseID) throws -> StoredCase? { try store.stored(id) }
        func summary(of id: CaseID) -> CaseSummary? { store.mirror[id] }
        func currentUsers() throws -> UserDirectory? { users }
        func currentHostCountries() throws -> [HostCountry] { countries }
        func hasReason(_ user: UserName, toOpen id: CaseID) -> Bool { reasons.contains(id) }
        /// Every summary counted once, when a save moves an allocation.
        var placeCounts: QuotaLedger { QuotaLedger(countries: countries, summaries: store.mirror.values) }
        func currentCourses() throws -> [LanguageCourse] { try store.readCatalogue(LanguageCourse.self).items }
        func currentOpenings() throws -> [JobOpening] { try store.readCatalogue(JobOpening.self).items }
        var seatsTaken: [String: Int] { LanguageCourse.use(in: Array(store.mirror.values)).taken }
        var placesFilled: [String: Int] { JobOpening.use(in: Array(store.mirror.values)).taken }
    }
}
