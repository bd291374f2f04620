import Foundation
import HavenCore

/// `haven migrate --from DIR --to postgresql://…`: a file store copied into an empty PostgreSQL
/// store in one transaction (all or nothing), its history whole:
/// - every audit line byte for byte, each verified and chained as it is read;
/// - the access log the same way;
/// - each case's latest version as the exact JSON the log holds (so exports are identical);
/// - the users, countries, courses, openings and erasure proposals as their files hold them,
///   each user given the database role of their Haven role.
/// Drafts and saved filters are each person's own files and stay behind (docs/DECISIONS.md).
public enum PostgresMigration {
    public struct Report: Sendable {
        public var cases = 0
        public var auditEntries = 0
        public var accessEntries = 0
        public var kept: [String] = []
    }

    public static func copy(from source: FileCaseStore, to location: PostgresLocation, by actor: Actor,
                            progress: (String) -> Void = { _ in }) throws -> Report {
        try Capability.exportSensitive.require(actor)
        // An erasure left half done would stay half done: the PostgreSQL store has no such state.
        let unfinished = try source.unfinishedErasures()
        guard unfinished.isEmpty else {
            throw StoreError.unavailable("erasures of \(unfinished.map(\.rawValue).joined(separator: ", ")) are unfinished; finish them with 'haven retention --approve' first")
        }
        try PostgresCaseStore.create(at: location, kind: source.manifest.kind, by: source.manifest.createdBy, at: source.manifest.createdAt)
        let target = try PostgresCaseStore(location)
        let link = target.link
        let s = location.schema
        var report = Report()
        // The file store's write lock is held throughout: no save lands in it while it is
        // copied (sessions saving meanwhile wait, then are told the store is busy).
        try source.withWriteLock { try link.transaction {
            let head = try target.lockHead()
            let cases = try link.query("SELECT count(*)::int FROM \(s).cases").first?.int(0) ?? 0
            guard head.auditSequence == 0, cases == 0 else {
                throw StoreError.unavailable("\(location) already holds a store (\(cases) cases, \(head.auditSequence) audit entries); migrate into an empty one")
            }
            try link.query("UPDATE \(s).head SET kind = $1, created_by = $2, created_at = $3 WHERE id = 1",
                           [.text(source.manifest.kind.rawValue), .text(source.manifest.createdBy.rawValue),
                            .int(Int(source.manifest.createdAt.secondsSinceEpoch))])
            progress("Copying the audit trail…")
            let (auditCount, auditHash) = try copyChained(source.directory.appendingPathComponent(FileCaseStore.auditFile).path, what: "audit") { lines in
                var sequences: [Int] = [], caseIDs: [Int] = [], subjects: [String] = [], texts: [String] = []
                for (sequence, line) in lines {
                    let decoded = try JSONDecoder().decode(AuditTrail.Line.self, from: Data(line.utf8))
                    sequences.append(sequence)
                    caseIDs.append(decoded.caseID?.number ?? -1)
                    subjects.append(decoded.subject ?? "")
                    texts.append(line)
                }
                try target.insertAuditLines(sequences: sequences, caseIDs: caseIDs, subjects: subjects, lines: texts)
            }
            report.auditEntries = auditCount
            progress("Copying the access log…")
            let (accessCount, accessHash) = try copyChained(source.directory.appendingPathComponent(AccessLog.fileName).path, what: "access") { lines in
                try link.query("INSERT INTO \(s).access_log (sequence, line) SELECT s, l FROM unnest($1::bigint[], $2::text[]) AS t(s, l)",
                               [.ints(lines.map(\.0)), .texts(lines.map(\.1))])
            }
            report.accessEntries = accessCount
            try link.query("UPDATE \(s).access_head SET sequence = $1, hash = $2 WHERE id = 1", [.int(accessCount), .text(accessHash)])
            progress("Copying the cases…")
            let latest = try source.latestVersions()
            let entries = Dictionary(uniqueKeysWithValues: latest.entries.map { ($0.id, $0) })
            var change = 0
            var batch: (ids: [Int], versions: [Int], changes: [Int], savedBy: [String], savedAt: [Int], summaries: [String], records: [String]) = ([], [], [], [], [], [], [])
            func flush() throws {
                guard !batch.ids.isEmpty else { return }
                try link.query("""
                    INSERT INTO \(s).cases (id, version, saved_by, saved_at, change_sequence, summary, record)
                    SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[])
                    """, [.ints(batch.ids), .ints(batch.versions), .texts(batch.savedBy), .ints(batch.savedAt), .ints(batch.changes),
                          .texts(batch.summaries), .texts(batch.records)])
                batch = ([], [], [], [], [], [], [])
            }
            // Read a batch at a time on both cores (each case framed by its length), then
            // taken in case-number order here, one thread at a time.
            var position = 0
            try latest.stream(to: { piece in
                var offset = 0
                while offset + 4 <= piece.count {
                    let length = Int(piece[offset]) | Int(piece[offset + 1]) << 8 | Int(piece[offset + 2]) << 16 | Int(piece[offset + 3]) << 24
                    let record = Array(piece[(offset + 4)..<(offset + 4 + length)])
                    offset += 4 + length
                    let summary = latest.summaries[position]
                    position += 1
                    guard let entry = entries[summary.id] else {
                        throw StoreError.damaged(file: "cases.jsonl", position: "\(summary.id)", reason: "the case has a summary and no record; nothing was migrated. Run 'haven check'")
                    }
                    change += 1
                    let decoded = try JSONDecoder().decode(Case.self, from: Data(record))
                    batch.ids.append(summary.id.number)
                    batch.versions.append(entry.version.rawValue)
                    batch.changes.append(change)
                    batch.savedBy.append(entry.savedBy.rawValue)
                    batch.savedAt.append(Int(entry.savedAt.secondsSinceEpoch))
                    batch.summaries.append(String(decoding: try CaseRecordLine.writer.encode(StoredSummary(decoded)), as: UTF8.self))
                    batch.records.append(String(decoding: record, as: UTF8.self))
                    if batch.ids.count >= 2000 { try flush() }
                }
            }) { _, caseBytes, output in
                let length = caseBytes.count
                output += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24 & 0xFF)]
                output.append(contentsOf: caseBytes)
            }
            try flush()
            guard change == latest.count else {
                throw StoreError.damaged(file: "cases.jsonl", position: "whole file", reason: "\(latest.count) cases listed, \(change) copied; nothing was migrated")
            }
            report.cases = change
            try link.query("UPDATE \(s).head SET audit_sequence = $1, audit_hash = $2, change_sequence = $3 WHERE id = 1",
                           [.int(auditCount), .text(auditHash), .int(change)])
            progress("Copying users, countries, courses, openings and erasure proposals…")
            for (file, row) in [(FileCaseStore.usersFile, PostgresCaseStore.usersRow), (FileCaseStore.countriesFile, PostgresCaseStore.countriesRow),
                                ("courses.json", "courses"), ("openings.json", "openings"), (FileCaseStore.erasuresFile, ErasureContract.subject)] {
                let path = source.directory.appendingPathComponent(file).path
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                struct Revision: Decodable { var revision: Int }
                let revision = try JSONDecoder().decode(Revision.self, from: data).revision
                var text = String(decoding: data, as: UTF8.self)
                while text.hasSuffix("\n") { text.removeLast() }
                try link.query("INSERT INTO \(s).kept (name, revision, body) VALUES ($1, $2, $3)", [.text(row), .int(revision), .text(text)])
                report.kept.append(file)
            }
            let users = try target.readUsers(head: try target.lockHead()).directory
            for user in users.users { try target.grantDatabaseRole(of: user.name, in: users) }
        } }
        // The planner's figures and the visibility map for the rows just written, so the first
        // sessions read them as quickly as later ones (VACUUM runs outside a transaction).
        progress("Analysing the new tables…")
        try link.query("VACUUM (ANALYZE) \(s).cases, \(s).audit, \(s).access_log")
        return report
    }

    /// Reads a chained log a few thousand lines at a time, checking each line against the one
    /// before it, and hands the lines on with their numbers; the count and last hash.
    static func copyChained(_ path: String, what: String, insert: ([(Int, String)]) throws -> Void) throws -> (Int, String) {
        guard let data = FileManager.default.contents(atPath: path) else { return (0, AuditTrail.genesis) }
        var previous = AuditTrail.genesis
        var count = 0
        var pending: [(Int, String)] = []
        for line in data.split(separator: 10, omittingEmptySubsequences: true) {
            let bytes = Array(line)
            count += 1
            do {
                previous = what == "audit"
                    ? try AuditTrail.decode(line: bytes[...], previousHash: previous, expectedSequence: count).1
                    : try AccessLog.decode(line: bytes[...], previousHash: previous, expectedSequence: count).1
            } catch {
                throw StoreError.damaged(file: path, position: "line \(count)", reason: "\(error); nothing was migrated. Run 'haven check' on the file store first")
            }
            pending.append((count, String(decoding: bytes, as: UTF8.self)))
            if pending.count == 5000 { try insert(pending); pending = [] }
        }
        if !pending.isEmpty { try insert(pending) }
        return (count, previous)
    }
}
