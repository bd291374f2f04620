import Foundation
import Glibc
import HavenCore

/// A record of an import file that cannot be taken: its index in the file, the field, why.
public struct ImportProblem: Hashable, Sendable, CustomStringConvertible {
    public let index: Int
    public let field: String
    public let message: String

    public var description: String { "record \(index)\(field.isEmpty ? "" : ", \(field)"): \(message)" }
}

public enum ImportError: Error, CustomStringConvertible {
    case unreadable(ReferenceDataError)
    case invalid([ImportProblem])

    public var description: String {
        switch self {
        case let .unreadable(error): "\(error)"
        case let .invalid(problems):
            "nothing was imported: \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
                + problems.map { "  \($0)" }.joined(separator: "\n")
        }
    }
}

extension FileCaseStore {
    /// Checks every case of an import before writing any: it decodes, passes validation, and
    /// its id is neither repeated in the file nor already in the store.
    public func problems(importing records: [Case], today: CalendarDate) -> [ImportProblem] {
        var problems: [ImportProblem] = []
        var seen: [CaseID: Int] = [:]
        for (index, record) in records.enumerated() {
            if let first = seen[record.id] {
                problems.append(ImportProblem(index: index, field: "id", message: "\(record.id) is also record \(first)"))
            } else {
                seen[record.id] = index
            }
            if self.index[record.id] != nil {
                problems.append(ImportProblem(index: index, field: "id", message: "\(record.id) is already in the store"))
            }
            for issue in CaseValidation.issues(in: record, today: today) {
                problems.append(ImportProblem(index: index, field: issue.field, message: issue.message))
            }
        }
        return problems
    }

    /// Adds new cases all at once: all or nothing. The new log (old lines plus the new ones) is
    /// written beside the old one and renamed over it, so a crash leaves either no new case or
    /// every one; the audit entries follow, and are rewritten from the log on the next open if
    /// a crash comes between. `progress` is told how many records are ready.
    public func importCases(_ records: [Case], by actor: Actor, at time: Timestamp, today: CalendarDate,
                            progress: (Int) -> Void = { _ in }) throws {
        do { try Capability.importCases.require(actor) } catch { throw StoreError.forbidden("\(error)") }
        // Locked by hand: the log is replaced inside, and the lock to release at the end is the
        // new file's (an unlock of the old descriptor would leave the new one locked for good).
        try cases.lock(.exclusive)
        var locked = cases
        defer { locked.unlock() }
        do {
            try requireCurrentRole(actor)
            try catchUp()
            let problems = problems(importing: records, today: today)
            guard problems.isEmpty else { throw ImportError.invalid(problems) }
            try checkImportQuotas(records)
            var bytes = try cases.readAll()
            var entries: [AuditEntry] = []
            var sequence = lastAuditSequence
            for (index, record) in records.enumerated() {
                sequence += 1
                let header = RecordHeader(id: record.id, version: CaseVersion(1), savedBy: actor.user, savedAt: time,
                                          auditSequence: sequence, summary: StoredSummary(record))
                bytes += try CaseRecordLine.encode(record, header: header)
                entries.append(AuditEntry(sequence: sequence, at: time, user: actor.user, caseID: record.id,
                                          version: CaseVersion(1), changes: CaseDiff.changes(from: nil, to: record)))
                if index % 1000 == 999 { progress(index + 1) }
            }
            progress(records.count)
            try PosixFile.replaceDurably(cases.path, with: bytes, mode: manifest.fileMode)
            if let group = manifest.group, let entry = getgrnam(group) { chown(cases.path, getuid(), entry.pointee.gr_gid) }
            cases = try PosixFile(path: cases.path, flags: O_RDWR | O_APPEND)
            try cases.lock(.exclusive) // the new file's lock; the old one goes with its descriptor
            locked.unlock()
            locked = cases
            try scanFromStart()
            try appendAudit(entries)
        }
    }

    /// Refuses an import that would allocate more cases to a country than its quota.
    private func checkImportQuotas(_ records: [Case]) throws {
        let countries = try readCountries().countries
        guard !countries.isEmpty else { return }
        var used = placesUsed
        for record in records { if let country = record.allocatedCountry { used[country, default: 0] += 1 } }
        for country in countries where (used[country.code] ?? 0) > country.quota {
            throw StoreError.quota(.overQuota(country.code, name: country.name, quota: country.quota, allocated: used[country.code]!))
        }
    }

    /// Every case as `StoreExport.json` writes it, copied from the log without decoding: the
    /// log holds each case's JSON exactly as that encoder writes it, and checks its CRC.
    /// Unless `includeSensitive`, a case with family is decoded and written again without the
    /// sensitive fields (`SensitiveField`); `haven import` refuses such a file.
    public func exportJSON(includeSensitive: Bool = false) throws -> [UInt8] {
        let log = try cases.withLock(.shared) { () throws -> [UInt8] in
            try catchUp()
            return try cases.read(at: 0, count: scannedBytes)
        }
        let entries = index.values.sorted { $0.id < $1.id }
        var bytes = Array("[\n".utf8)
        bytes.reserveCapacity(log.count)
        for (position, entry) in entries.enumerated() {
            let line = log[entry.offset..<(entry.offset + entry.length)]
            do {
                let caseBytes = try CaseRecordLine.caseBytes(ofRecord: try CaseRecordLine.recordBytes(ofLine: line))
                if includeSensitive || summary(of: entry.id)?.family.isEmpty ?? true {
                    bytes += caseBytes
                } else {
                    let record = try JSONDecoder().decode(Case.self, from: Data(caseBytes))
                    bytes += try StoreExport.withoutSensitive.encode(record)
                }
            } catch {
                throw StoreError.damaged(file: cases.path, position: "byte \(entry.offset)", reason: "the record of \(entry.id) cannot be read; run 'haven check'")
            }
            bytes += Array((position + 1 < entries.count ? ",\n" : "\n").utf8)
        }
        bytes += Array("]\n".utf8)
        return bytes
    }

    /// Records in the audit trail that something left the store: what, and how much. An
    /// export with the sensitive fields, and every export of public stories, is written here.
    public func auditExport(_ subject: String, _ description: String, by actor: Actor, at time: Timestamp) throws {
        try cases.withLock(.exclusive) {
            try catchUp()
            try requireCurrentRole(actor)
            try appendAudit(AuditEntry(sequence: lastAuditSequence + 1, at: time, user: actor.user, caseID: nil, subject: subject,
                                       version: CaseVersion(1), changes: [FieldChange(field: "exported", before: nil, after: description)]))
        }
    }

    /// Every case, latest versions, in case-number order.
    public func allCases() throws -> [Case] {
        try index.values.sorted { $0.id < $1.id }.map(decodeCase)
    }
}
