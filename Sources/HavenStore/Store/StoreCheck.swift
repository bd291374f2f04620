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
        /// Entries in the access log (who read what).
        public var accessEntryCount = 0
        /// Compactions the trail records.
        public var compactions = 0
        /// Whether every line was decoded into a case and every entry whole (`decodingRecords`).
        public var decodedRecords = false
        /// Sound: nothing damaged (repaired or set-aside things are listed but do not count).
        public var isSound: Bool { !problems.contains { $0.severity == .damaged } }
    }

    /// `decodingRecords`: also decode every line of the log into a case (about 200 µs a line,
    /// 24 s of processor at 120,000 cases) and every audit entry whole (about 9 µs an entry),
    /// which catches a line or an entry with a sound checksum that this Haven cannot read: one
    /// written by another program, or by a Haven of another version. Without it every byte is
    /// still checked (each line's CRC, each entry's hash) and an entry's changes are not read.
    public static func run(at directory: URL, decodingRecords: Bool = true) -> Report {
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
                          FileCaseStore.catalogueFile(LanguageCourse.self), FileCaseStore.catalogueFile(JobOpening.self), FileCaseStore.casesFile, FileCaseStore.auditFile, AccessLog.fileName, AccessLog.reasonsFileName, FileCaseStore.erasuresFile, FileCaseStore.quarantineDirectory,
                          FileCaseStore.draftsDirectory, FileCaseStore.settingsDirectory, QueueIndex.fileName, CompactionMoves.fileName, LockNote.fileName, BackupManifest.fileName]
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() {
            if name == LockNote.fileName { continue }
            if let kept = FileCaseStore.replacedFile(ofTemporary: name), known.contains(kept) {
                report.problems.append(StoreProblem(.repaired, file: "\(path)/\(name)", message: "a new \(kept) whose writer stopped (or lost power) before renaming it; never read, and the next save removes it"))
            } else if !known.contains(name) {
                damaged("\(path)/\(name)", "", "a file that is not part of a Haven store; move it out of the store")
            } else if ![FileCaseStore.quarantineDirectory, FileCaseStore.draftsDirectory, FileCaseStore.settingsDirectory].contains(name) {
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

        // The case log and the trail, read a chunk at a time side by side (StoreCheck+Log.swift):
        // memory grows with the number of cases, never with the length of either file.
        let casesPath = "\(path)/\(FileCaseStore.casesFile)"
        let auditPath = "\(path)/\(FileCaseStore.auditFile)"
        let streamed = LogCheck.run(casesPath: casesPath, auditPath: auditPath, indexPath: "\(path)/\(QueueIndex.fileName)",
                                    decodingRecords: decodingRecords)
        report.problems += streamed.problems
        report.caseCount = streamed.caseCount
        report.recordCount = streamed.recordCount
        report.compactions = streamed.compactions
        report.decodedRecords = decodingRecords
        let usersRevision = streamed.usersRevision
        let latestSummaries = streamed.latestSummaries
        report.auditEntryCount = streamed.auditEntryCount
        report.userEntryCount = streamed.userEntryCount
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
        // Erasures: the file readable; an erasure begun and not finished needs a person (the
        // case's history or earlier versions may still hold the values it erases).
        let erasuresPath = directory.appendingPathComponent(FileCaseStore.erasuresFile).path
        if let data = FileManager.default.contents(atPath: erasuresPath) {
            if let file = try? JSONDecoder().decode(ErasuresFile.self, from: data) {
                let erased = Set(latestSummaries.filter(\.isErased).map(\.id))
                let stopped = file.proposals.map(\.caseID).filter { erased.contains($0) }
                for id in Set((file.unfinished ?? []) + stopped).sorted() {
                    damaged(erasuresPath, id.rawValue, "the erasure of \(id) is not finished: its history or earlier versions may still be in the store; "
                            + "finish it with 'haven retention --approve \(id)'")
                }
            } else {
                damaged(erasuresPath, "whole file", "not a Haven erasures file")
            }
        }
        // Drafts of forms about an erased case another account kept (the folder is sticky, so
        // the erasure could not remove them): they hold what was typed about the person.
        let erasedCases = Set(latestSummaries.filter(\.isErased).map(\.id))
        let draftsPath = directory.appendingPathComponent(FileCaseStore.draftsDirectory).path
        if !erasedCases.isEmpty {
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: draftsPath)) ?? []).sorted()
            where name.hasSuffix(".json") && FileCaseStore.draftCase(ofFile: name).map(erasedCases.contains) == true {
                damaged("\(draftsPath)/\(name)", "", "a draft of a form about the erased \(FileCaseStore.draftCase(ofFile: name)!): its owner's next session "
                        + "removes it, or remove it now (as root or its owner)")
            }
        }
        // The host-countries file, when an administrator has written one: readable, and no
        // quota or number of a kind of place below what the cases use and hold
        // (`QuotaLedger.problems`, the rule the PostgreSQL store's check follows too).
        let countriesPath = directory.appendingPathComponent(FileCaseStore.countriesFile).path
        if let data = FileManager.default.contents(atPath: countriesPath) {
            if let file = try? JSONDecoder().decode(CountriesFile.self, from: data) {
                for problem in QuotaLedger(countries: file.countries, summaries: latestSummaries).problems {
                    damaged(countriesPath, problem.country.rawValue, problem.text)
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
            let use = Item.use(in: latestSummaries)
            for item in file.items where (use.taken[item.id] ?? 0) > item.capacity {
                damaged(cataloguePath, item.id, "\(use.taken[item.id]!) places are taken but it has \(item.capacity)")
            }
        }
        checkCatalogue(LanguageCourse.self)
        checkCatalogue(JobOpening.self)
        checkAccessLog(at: path, into: &report)
        return report
    }
}
