import Foundation
import HavenCore
import PostgresNIO

/// `haven check` on the PostgreSQL store: every audit line's seal and its place in the chain,
/// the access log's chain, each case's row against its own record and its audit entries, and
/// the head rows against the ends of both chains. Read in one repeatable-read transaction, so
/// saves made meanwhile neither stop it nor make it report a problem that is not there.
public struct PostgresCheckReport: Sendable {
    public var problems: [String] = []
    public var caseCount = 0
    public var auditEntryCount = 0
    public var accessEntryCount = 0
    public var isSound: Bool { problems.isEmpty }
}

extension PostgresCaseStore {
    public func check() throws -> PostgresCheckReport {
        let reading = try PostgresLink(location)
        defer { reading.close() }
        try reading.beginSnapshot()
        var report = PostgresCheckReport()
        let s = schema
        guard let head = try reading.query("SELECT audit_sequence, audit_hash, change_sequence FROM \(s).head WHERE id = 1").first else {
            report.problems.append("\(s).head: the head row is missing")
            return report
        }
        // The trail, in order, a batch at a time: each line sealed, numbered on, chained.
        var previous = AuditTrail.genesis
        var expected = 1
        var lastVersion: [Int: Int] = [:]
        var after = 0
        while true {
            let rows = try reading.query("SELECT sequence, case_id, line FROM \(s).audit WHERE sequence > $1 ORDER BY sequence LIMIT 20000", [.int(after)])
            guard !rows.isEmpty else { break }
            for row in rows {
                after = try row.int(0)
                let line = Array(try row.text(2).utf8)
                let rowCase = try row.optionalInt(1)
                do {
                    let (decoded, hash) = try AuditTrail.decode(line: line[...], previousHash: previous, expectedSequence: expected)
                    if decoded.sequence != after || decoded.caseID?.number != rowCase {
                        report.problems.append("\(s).audit, entry \(after): its row's number or case differs from the line's")
                    }
                    if let id = decoded.caseID { lastVersion[id.number] = decoded.version.rawValue }
                    previous = hash
                } catch {
                    report.problems.append("\(s).audit, entry \(after): \(error)")
                    // Go on from the hash the line states, so one bad entry is reported once,
                    // and count its case's version as the line says it.
                    previous = line.count > 66 ? String(decoding: line[(line.count - 66)..<(line.count - 2)], as: UTF8.self) : ""
                    if let loose = try? JSONDecoder().decode(AuditTrail.Line.self, from: Data(line)), let id = loose.caseID {
                        lastVersion[id.number] = loose.version.rawValue
                    }
                }
                expected = after + 1
                report.auditEntryCount += 1
            }
        }
        if try head.int(0) != report.auditEntryCount || (try head.text(1)) != previous {
            report.problems.append("\(s).head: it names entry \(try head.int(0)) as the trail's last, and the trail ends at \(report.auditEntryCount) with another hash")
        }
        // The access log's chain.
        var accessPrevious = AuditTrail.genesis
        after = 0
        while true {
            let rows = try reading.query("SELECT sequence, line FROM \(s).access_log WHERE sequence > $1 ORDER BY sequence LIMIT 20000", [.int(after)])
            guard !rows.isEmpty else { break }
            for row in rows {
                after = try row.int(0)
                do {
                    accessPrevious = try AccessLog.decode(line: Array(try row.text(1).utf8)[...], previousHash: accessPrevious,
                                                          expectedSequence: report.accessEntryCount + 1).1
                } catch {
                    report.problems.append("\(s).access_log, entry \(after): \(error)")
                }
                report.accessEntryCount += 1
            }
        }
        if let accessHead = try reading.query("SELECT sequence, hash FROM \(s).access_head WHERE id = 1").first,
           try accessHead.int(0) != report.accessEntryCount || (try accessHead.text(1)) != accessPrevious {
            report.problems.append("\(s).access_head: it does not name the access log's last entry")
        }
        // Each case: its record decodes, is the case its row says, has the summary its row
        // holds, and its version is the one its newest audit entry gives.
        var highestChange = 0
        var rowsSeen = Set<Int>()
        var summaries: [CaseSummary] = []
        after = 0
        let decoder = JSONDecoder()
        while true {
            let rows = try reading.query("SELECT id, version, change_sequence, summary, record FROM \(s).cases WHERE id > $1 ORDER BY id LIMIT 5000",
                                         [.int(after)])
            guard !rows.isEmpty else { break }
            for row in rows {
                after = try row.int(0)
                let id = CaseID(number: after)
                rowsSeen.insert(after)
                report.caseCount += 1
                highestChange = max(highestChange, try row.int(2))
                guard let record = try? decoder.decode(Case.self, from: Data(try row.text(4).utf8)) else {
                    report.problems.append("\(s).cases, \(id): the record cannot be read")
                    continue
                }
                if record.id != id { report.problems.append("\(s).cases, \(id): the row holds \(record.id)'s record") }
                summaries.append(CaseSummary(record: record, version: CaseVersion(try row.int(1))))
                let summary = String(decoding: try CaseRecordLine.writer.encode(StoredSummary(record)), as: UTF8.self)
                if summary != (try row.text(3)) { report.problems.append("\(s).cases, \(id): its summary is not its record's") }
                if lastVersion[after] != (try row.int(1)) {
                    report.problems.append("\(s).cases, \(id): version \(try row.int(1)), and the trail's newest entry for it gives \(lastVersion[after].map(String.init) ?? "none")")
                }
            }
        }
        // A case the trail records and the table does not hold: a lost record.
        for number in lastVersion.keys.sorted() where !rowsSeen.contains(number) {
            report.problems.append("\(s).cases, \(CaseID(number: number)): the trail records version \(lastVersion[number]!) and the table has no row for it")
        }
        // The host countries, when an administrator has changed them: read in the same
        // snapshot, and held to the file store's rule (`QuotaLedger.problems`).
        if let row = try reading.query("SELECT body FROM \(s).kept WHERE name = $1", [.text(Self.countriesRow)]).first {
            if let file = try? decoder.decode(CountriesFile.self, from: Data(try row.text(0).utf8)) {
                for problem in QuotaLedger(countries: file.countries, summaries: summaries).problems {
                    report.problems.append("\(s).kept, countries, \(problem.country.rawValue): \(problem.text)")
                }
            } else {
                report.problems.append("\(s).kept, countries: not a Haven host-countries list")
            }
        }
        if highestChange > (try head.int(2)) {
            report.problems.append("\(s).head: its change sequence \(try head.int(2)) is behind a case's \(highestChange)")
        }
        try? reading.query("COMMIT")
        return report
    }
}

extension PostgresRow {
    func optionalInt(_ column: Int) throws -> Int? {
        let cells = Array(self)
        guard column < cells.count else { throw StoreError.unavailable("a row has no column \(column)") }
        return try cells[column].decode(Int?.self)
    }
}
