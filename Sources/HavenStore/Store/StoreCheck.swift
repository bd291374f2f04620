import Foundation
import Glibc
import HavenCore

/// `haven check`: reads the whole store without changing it and lists every problem.
public enum StoreCheck {
    public struct Report: Sendable {
        public var problems: [StoreProblem] = []
        public var caseCount = 0
        public var recordCount = 0
        public var auditEntryCount = 0
        /// Audit entries about the users rather than a case.
        public var userEntryCount = 0
        /// Sound: nothing damaged (repaired or set-aside things are listed but do not count).
        public var isSound: Bool { !problems.contains { $0.severity == .damaged } }
    }

    public static func run(at directory: URL) -> Report {
        var report = Report()
        let path = directory.path
        func damaged(_ file: String, _ position: String = "", _ message: String) {
            report.problems.append(StoreProblem(.damaged, file: file, position: position, message: message))
        }
        do {
            try StorePermissions.checkNotWorldAccessible(path)
        } catch {
            damaged(path, "", "\(error)")
        }
        let manifestPath = "\(path)/\(FileCaseStore.manifestFile)"
        if let data = FileManager.default.contents(atPath: manifestPath) {
            if let manifest = try? JSONDecoder().decode(StoreManifest.self, from: data) {
                if manifest.format != StoreManifest.formatName {
                    damaged(manifestPath, "format", "names the format '\(manifest.format)', not \(StoreManifest.formatName)")
                } else if manifest.schemaVersion > StoreManifest.currentSchemaVersion {
                    damaged(manifestPath, "schemaVersion", "schema version \(manifest.schemaVersion); this Haven reads up to \(StoreManifest.currentSchemaVersion): use a newer Haven")
                }
            } else {
                damaged(manifestPath, "whole file", "not a Haven store manifest")
            }
        } else {
            damaged(manifestPath, "", "missing: this is not a Haven store")
            return report
        }
        let known: Set = [FileCaseStore.manifestFile, FileCaseStore.usersFile, FileCaseStore.countriesFile,
                          FileCaseStore.catalogueFile(LanguageCourse.self), FileCaseStore.catalogueFile(JobOpening.self), FileCaseStore.casesFile, FileCaseStore.auditFile, FileCaseStore.quarantineDirectory,
                          FileCaseStore.draftsDirectory, QueueIndex.fileName, LockNote.fileName, BackupManifest.fileName]
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() {
            if name == LockNote.fileName { continue }
            if let kept = FileCaseStore.replacedFile(ofTemporary: name), known.contains(kept) {
                report.problems.append(StoreProblem(.repaired, file: "\(path)/\(name)", message: "a new \(kept) whose writer stopped (or lost power) before renaming it; never read, and the next save removes it"))
            } else if !known.contains(name) {
                damaged("\(path)/\(name)", "", "a file that is not part of a Haven store; move it out of the store")
            } else if name != FileCaseStore.quarantineDirectory, name != FileCaseStore.draftsDirectory {
                do { try StorePermissions.checkNotWorldAccessible("\(path)/\(name)") } catch { damaged("\(path)/\(name)", "", "\(error)") }
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: "\(path)/\(name)", isDirectory: &isDirectory), isDirectory.boolValue {
                    damaged("\(path)/\(name)", "", "a directory where the store keeps a file; move it out of the store")
                }
            }
        }
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: "\(path)/\(FileCaseStore.quarantineDirectory)")) ?? []).sorted() {
            let message = name.contains(".unreadable-")
                ? "audit entries that could not be read, set aside earlier; they may record acknowledged changes: keep it with the store's records"
                : "a torn write set aside earlier; it was never acknowledged and can be deleted once read"
            report.problems.append(StoreProblem(.repaired, file: "\(path)/quarantine/\(name)", message: message))
        }

        // The case log: every line framed, checksummed and decodable; versions rising per case.
        let casesPath = "\(path)/\(FileCaseStore.casesFile)"
        let auditPath = "\(path)/\(FileCaseStore.auditFile)"
        let (casesBytes, auditBytes) = consistentCut(casesPath: casesPath, auditPath: auditPath)
        for (file, bytes) in [(casesPath, casesBytes), (auditPath, auditBytes)] where bytes == nil {
            damaged(file, "", "missing or unreadable: restore it from a backup")
        }
        let scan = LogScanner.scan(casesBytes ?? [], baseOffset: 0, file: casesPath)
        report.problems += scan.problems
        if scan.completeLength < (casesBytes ?? []).count {
            damaged(casesPath, "byte \(scan.completeLength)", "the last line is incomplete (a torn write); opening the store sets it aside")
        }
        report.recordCount = scan.records.count
        var latest: [CaseID: CaseVersion] = [:]
        var recordAudit: [Int: (CaseID, CaseVersion)] = [:]
        var allocatedTo: [CaseID: CountryCode?] = [:]
        var latestSummaries: [CaseID: CaseSummary] = [:]
        for record in scan.records {
            let header = record.header
            if let previous = latest[header.id], header.version != previous.next {
                damaged(casesPath, "byte \(record.offset)", "\(header.id) \(header.version) follows \(previous); a version is missing or repeated")
            }
            latest[header.id] = header.version
            allocatedTo[header.id] = header.summary.country
            latestSummaries[header.id] = header.summary.caseSummary(id: header.id, version: header.version)
            recordAudit[header.auditSequence] = (header.id, header.version)
            let line = casesBytes![record.offset..<(record.offset + record.length)]
            if let body = try? CaseRecordLine.recordBytes(ofLine: line), let caseBytes = try? CaseRecordLine.caseBytes(ofRecord: body) {
                do {
                    let decoded = try JSONDecoder().decode(Case.self, from: Data(caseBytes))
                    if decoded.id != header.id { damaged(casesPath, "byte \(record.offset)", "the record says \(header.id) but holds \(decoded.id)") }
                } catch {
                    damaged(casesPath, "byte \(record.offset)", "the case \(header.id) \(header.version) does not decode: \(error)")
                }
            }
        }
        report.caseCount = latest.count
        checkQueueIndex(at: "\(path)/\(QueueIndex.fileName)", log: casesPath, records: scan.records, report: &report)

        // The audit trail: the hash chain unbroken, and an entry for every saved version.
        var previousHash = AuditTrail.genesis
        var expected = 1
        var offset = 0
        var audited: [Int: (CaseID?, CaseVersion)] = [:]
        var lineNumber = 0
        var usersRevision = 0 // the latest change to users.json the trail records
        let trail = auditBytes ?? []
        for line in trail.split(separator: 10, omittingEmptySubsequences: false) {
            defer { offset += line.count + 1 }
            lineNumber += 1
            if line.isEmpty { continue }
            if offset + line.count >= trail.count {
                damaged(auditPath, "line \(lineNumber)", "the last entry is incomplete (a torn write); opening the store sets it aside")
                break
            }
            do {
                let (entry, hash) = try AuditTrail.decode(line: line, previousHash: previousHash, expectedSequence: expected)
                audited[entry.sequence] = (entry.caseID, entry.version)
                if entry.caseID == nil, entry.subject == "users" { usersRevision = max(usersRevision, entry.version.rawValue) }
                previousHash = hash
                expected = entry.sequence + 1
            } catch {
                damaged(auditPath, "line \(lineNumber)", "\(error)")
                // Carry on from this entry so one bad entry does not hide the rest.
                if let entry = try? JSONDecoder().decode(AuditTrail.Line.self, from: Data(Array(line))) {
                    audited[entry.sequence] = (entry.caseID, entry.version)
                    expected = entry.sequence + 1
                    previousHash = String(decoding: line.suffix(66).prefix(64), as: UTF8.self)
                }
            }
        }
        report.auditEntryCount = audited.count
        report.userEntryCount = audited.values.filter { $0.0 == nil }.count
        // The users file: readable, an administrator in it, each user once, and no older than
        // the changes the audit trail records (a file missing or put back from a backup).
        let usersPath = directory.appendingPathComponent(FileCaseStore.usersFile).path
        do {
            let manifest = try JSONDecoder().decode(StoreManifest.self, from: FileManager.default.contents(atPath: manifestPath) ?? Data())
            let (users, revision) = try FileCaseStore.readUsers(at: usersPath, manifest: manifest)
            if users.users(in: .administrator).isEmpty {
                damaged(usersPath, "whole file", "no user has the administrator role")
            }
            let names = users.users.map(\.name)
            for name in Set(names) where names.count(where: { $0 == name }) > 1 {
                damaged(usersPath, name.rawValue, "\(name) is listed more than once")
            }
            if revision < usersRevision {
                damaged(usersPath, "revision", FileManager.default.fileExists(atPath: usersPath)
                        ? "at revision \(revision), but the audit trail records changes up to revision \(usersRevision): an older copy was put back"
                        : "missing, but the audit trail records changes to it up to revision \(usersRevision)")
            }
        } catch {
            damaged(usersPath, "whole file", "\(error)")
        }
        // The host-countries file, when an administrator has written one: readable, and no
        // quota below the places the cases use.
        let countriesPath = directory.appendingPathComponent(FileCaseStore.countriesFile).path
        if let data = FileManager.default.contents(atPath: countriesPath) {
            if let file = try? JSONDecoder().decode(CountriesFile.self, from: data) {
                var used: [CountryCode: Int] = [:]
                for case let country? in allocatedTo.values { used[country, default: 0] += 1 }
                for country in file.countries where (used[country.code] ?? 0) > country.quota {
                    damaged(countriesPath, country.code.rawValue, "\(used[country.code]!) cases are allocated to \(country.name) but its quota is \(country.quota)")
                }
            } else {
                damaged(countriesPath, "whole file", "not a Haven host-countries file")
            }
        }
        // The courses and openings, when there are any: readable, no course with more seats
        // taken than it has, no opening with more places filled.
        func checkCatalogue<Item: CatalogueItem>(_ type: Item.Type) {
            let cataloguePath = directory.appendingPathComponent(FileCaseStore.catalogueFile(type)).path
            guard let data = FileManager.default.contents(atPath: cataloguePath) else { return }
            guard let file = try? JSONDecoder().decode(CatalogueFile<Item>.self, from: data) else {
                damaged(cataloguePath, "whole file", "not a Haven \(Item.kind)s file")
                return
            }
            let use = Item.use(in: Array(latestSummaries.values))
            for item in file.items where (use.taken[item.id] ?? 0) > item.capacity {
                damaged(cataloguePath, item.id, "\(use.taken[item.id]!) places are taken but it has \(item.capacity)")
            }
        }
        checkCatalogue(LanguageCourse.self)
        checkCatalogue(JobOpening.self)
        // The other way: a save the trail records must still be in the log. Lines are never
        // removed by Haven (a torn write is never acknowledged, so never audited).
        var unlogged: [(Int, CaseID, CaseVersion)] = []
        for (sequence, entry) in audited.sorted(by: { $0.key < $1.key }) {
            guard let id = entry.0, recordAudit[sequence] == nil else { continue }
            unlogged.append((sequence, id, entry.1))
        }
        if let first = unlogged.first {
            damaged(casesPath, "", "the audit trail records \(unlogged.count) save\(unlogged.count == 1 ? "" : "s") the case log does not hold, "
                    + "from entry \(first.0) (\(first.1) \(first.2)): lines were removed from the log or it was replaced; restore it from a backup")
        }
        for (sequence, saved) in recordAudit.sorted(by: { $0.key < $1.key }) {
            guard let entry = audited[sequence] else {
                damaged(auditPath, "entry \(sequence)", "missing: the save of \(saved.0) \(saved.1) has no audit entry (deleted, or a crash before it was written)")
                continue
            }
            if entry.0 != saved.0 || entry.1 != saved.1 {
                damaged(auditPath, "entry \(sequence)", "records \(entry.0?.rawValue ?? "the users") \(entry.1) but \(FileCaseStore.casesFile) says this entry is for \(saved.0) \(saved.1)")
            }
        }
        return report
    }

    /// The log and the trail as they stood at one moment: both files are opened, their
    /// lengths read under a brief shared lock (no writer is between its log line and its
    /// audit entry then), and each is read up to that length. Saves append beyond those
    /// lengths, and a failed write is cut back to where it began, beyond them too, so saves
    /// made while the check reads are simply not in its cut, and a sound store others are
    /// using is never called damaged. (Only the repair of a damaged tail cuts a file back
    /// inside a cut; the check then reports the damage it read.)
    static func consistentCut(casesPath: String, auditPath: String) -> (cases: [UInt8]?, audit: [UInt8]?) {
        let cases = try? PosixFile(path: casesPath, flags: O_RDONLY)
        let audit = try? PosixFile(path: auditPath, flags: O_RDONLY)
        var lengths = (cases?.size ?? 0, audit?.size ?? 0)
        if let cases { _ = try? cases.withLock(.shared) { lengths = (cases.size, audit?.size ?? 0) } }
        return (try? cases?.read(at: 0, count: lengths.0), try? audit?.read(at: 0, count: lengths.1))
    }

    /// The queue index, when it stands for the log (else opening ignores it): what it says of
    /// each case is what the log's lines up to its position say.
    static func checkQueueIndex(at indexPath: String, log casesPath: String, records: [LogScanner.Record], report: inout Report) {
        var status = stat()
        guard lstat(indexPath, &status) == 0 else { return }
        guard let bytes = try? PosixFile(path: indexPath, flags: O_RDONLY).readAll(), let index = try? QueueIndex.decode(bytes) else {
            report.problems.append(StoreProblem(.repaired, file: indexPath, position: "",
                                                message: "not a queue index this Haven can use (damaged, or of another version); opening ignores it and writes a new one"))
            return
        }
        guard let log = try? PosixFile(path: casesPath, flags: O_RDONLY), (try? index.matches(log)) == true else { return }
        var expected: [CaseID: LogScanner.Record] = [:]
        for record in records where record.offset < index.stamp.coveredLength {
            if let kept = expected[record.header.id], kept.header.version >= record.header.version { continue }
            expected[record.header.id] = record
        }
        let fix = "delete \(QueueIndex.fileName) (a cache); the next opening reads the log and writes it again"
        var wrong: [CaseID] = []
        for (entry, summary) in zip(index.entries, index.summaries) {
            guard let record = expected.removeValue(forKey: entry.id),
                  record.header.summary.caseSummary(id: record.header.id, version: record.header.version) == summary,
                  record.offset == entry.offset, record.length == entry.length, record.header.version == entry.version,
                  record.header.savedBy == entry.savedBy, record.header.savedAt == entry.savedAt,
                  record.header.auditSequence == entry.auditSequence else { wrong.append(entry.id); continue }
        }
        wrong += expected.keys.sorted()
        guard !wrong.isEmpty else { return }
        let named = wrong.prefix(5).map(\.rawValue).joined(separator: ", ") + (wrong.count > 5 ? " and \(wrong.count - 5) more" : "")
        report.problems.append(StoreProblem(.damaged, file: indexPath, position: "",
                                            message: "the queue index disagrees with the log about \(named): queues would show the index's version; \(fix)"))
    }
}
