import Foundation
import Glibc
import HavenCore

extension FileCaseStore {
    /// Checks every case of an import before writing any (see `ImportCheck`).
    public func problems(importing records: [Case], today: CalendarDate) -> [ImportProblem] {
        ImportCheck.problems(in: records, today: today) { index[$0] != nil }
    }

    /// Adds new cases all at once, all or none, appended to the log as one write of several
    /// parts (a crash that tears it leaves none of them), under the same contract as every
    /// save: nothing already in the log is rewritten, so a save or another import beside it
    /// loses nothing. The long work (validating, encoding, `progress`) is done before the lock
    /// is taken; under it the ids are checked again, then the contract, then one append.
    public func importCases(_ records: [Case], by actor: Actor, at time: Timestamp, today: CalendarDate,
                            progress: (Int) -> Void = { _ in }) throws {
        do { try Capability.importCases.require(actor) } catch { throw StoreError.forbidden("\(error)") }
        _ = try refresh()
        let problems = problems(importing: records, today: today)
        guard problems.isEmpty else { throw ImportError.invalid(problems) }
        // Everything that does not depend on the store is made before the lock, on every core:
        // each line but its audit number, each new case's audit diff and entry but its number
        // and chain. A block at a time, so progress is told as it goes.
        var lines: [(header: RecordHeader, line: CaseRecordLine.Unnumbered, audit: AuditTrail.Unsealed)] = []
        var changes: [[FieldChange]] = []
        lines.reserveCapacity(records.count)
        changes.reserveCapacity(records.count)
        let block = 8192
        for blockStart in stride(from: 0, to: records.count, by: block) {
            let made = try Parallel.map(min(block, records.count - blockStart), chunkSize: 256) { offset in
                let index = blockStart + offset
                let record = records[index]
                let header = Self.header(of: record, version: CaseVersion(1), part: index, of: records.count, by: actor, at: time)
                let caseBytes = try CaseRecordLine.writer.encode(record)
                let diff = try Self.newCaseChanges(record, caseBytes: caseBytes)
                let entry = AuditEntry(sequence: 0, at: time, user: actor.user, caseID: record.id, version: CaseVersion(1), changes: diff)
                return (header, try CaseRecordLine.Unnumbered(caseBytes: caseBytes, header: header), try AuditTrail.Unsealed(entry), diff)
            }
            for (header, line, audit, diff) in made {
                lines.append((header, line, audit))
                changes.append(diff)
            }
            progress(blockStart + made.count)
        }
        try withWriteLock {
            // Another import or registration may have taken an id since the check above.
            let taken = records.enumerated().filter { index[$0.element.id] != nil }
                .map { ImportProblem(index: $0.offset, field: "id", message: "\($0.element.id) is already in the store") }
            guard taken.isEmpty else { throw ImportError.invalid(taken) }
            try ImportCheck.checkQuotas(records, countries: try readCountries().countries, used: placesUsed)
            let prepared = try SaveContract.prepare(records.map { CaseUpdate($0, basedOn: nil) }, by: actor, at: time,
                                                    capability: .importCases, newCaseChanges: changes, ledger: self)
            try append(prepared, by: actor, at: time, unnumbered: lines)
        }
        // A large import is put in the index at once (written beside and renamed, with no lock
        // held: it stands for the log up to where it says), so the next opening need not
        // parse it; a small one is left to the next opening, as any save is.
        writeQueueIndexIfBehind()
    }

    /// A new case's audit changes as `CaseDiff.changes(from: nil, to:)` makes them (the whole
    /// case less the sensitive family fields), from the bytes already encoded for its line.
    static func newCaseChanges(_ record: Case, caseBytes: [UInt8]) throws -> [FieldChange] {
        var withheld: [UInt8] = []
        if record.family.isEmpty {
            withheld = caseBytes
        } else {
            withheld.reserveCapacity(caseBytes.count)
            let cut = caseBytes.withUnsafeBufferPointer { CaseJSON.appendWithoutSensitiveFields($0, to: &withheld) }
            if !cut { withheld = try SortedJSONEncoder(leavingOutSensitive: true).encode(record) }
        }
        return [FieldChange(field: CaseDiff.wholeCase, before: nil, after: String(decoding: withheld, as: UTF8.self))]
    }

    /// Records in the audit trail that something left the store: what, and how much. An
    /// export with the sensitive fields, and every export of public stories, is written here.
    public func auditExport(_ subject: String, _ description: String, by actor: Actor, at time: Timestamp) throws {
        try withWriteLock {
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
