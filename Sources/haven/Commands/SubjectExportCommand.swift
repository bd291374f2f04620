import ArgumentParser
import Foundation
import HavenCore
import HavenStore
import HavenTUI

/// `haven subject-export HV-…`: everything Haven holds about one person, for a data-subject
/// request: the case whole (family whereabouts included), its history, and who opened it,
/// as JSON and as readable text, in a new folder; recorded in the audit trail and the access log.
struct SubjectExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subject-export", abstract: "Write everything held about one person (case, history, who opened it) as JSON and text (supervisors, administrators).",
        discussion: """
            haven subject-export HV-000123 --output ~/dsr-2026-41 --reason "Data-subject request 2026-41, letter of 1 December"

            Writes DIR/HV-000123.json and DIR/HV-000123.txt in a new folder (0700), encrypted with --encrypt-to \
            (then .age is added to each name). The reason is kept in the audit trail and the access log.
            """)

    @Argument(help: "The case, e.g. HV-000123.") var caseID: String
    @Option(help: ArgumentHelp("A new folder to write the two files into.", valueName: "dir")) var output: String
    @Option(help: ArgumentHelp("The request answered (kept in the audit trail and the access log).", valueName: "text")) var reason: String
    @OptionGroup var encryption: EncryptionOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var data: DataOptions

    struct Holding: Encodable {
        var exportedAt: Timestamp
        var exportedBy: UserName
        var request: String
        var `case`: Case
        var history: [AuditEntry]
        var access: [AccessEntry]
    }

    func run() throws {
        guard let id = CaseID(caseID) else { throw HavenFailure("'\(caseID)' is not a case number such as HV-000123.") }
        let (opened, actor) = try store.open(for: .exportSubject)
        let request: String
        do { request = try NeedToKnow.reason(reason) } catch { throw HavenFailure("--reason: \(error)") }
        let recipients = try encryption.recipients()
        let reference = try? opened.adopt(data.loadReferenceData())
        // The folder first, so a name already taken is refused before anything is read or recorded.
        let folder = (output as NSString).expandingTildeInPath
        guard mkdir(folder, 0o700) == 0 else {
            throw HavenFailure("\(output): cannot make the folder (\(String(cString: strerror(errno)))); name a new one.")
        }
        let now = Timestamp.now()
        let stored: StoredCase
        do {
            stored = try opened.read(id, part: .subjectExport, by: commandReader(actor), reason: request, at: now)
        } catch {
            rmdir(folder)
            throw HavenFailure("\(error)")
        }
        try opened.auditExport("subject-export", "\"\(id) for a data-subject request (\(request.replacingOccurrences(of: "\"", with: "'"))) to \(output)\"", by: actor, at: now)
        let holding = Holding(exportedAt: now, exportedBy: actor.user, request: request, case: stored.record,
                              history: try opened.history(of: id), access: try opened.accessLog(matching: AccessFilter(caseID: id), limit: .max).reversed())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let suffix = recipients.isEmpty ? "" : ".age"
        try ReportFile.write(Array(try encoder.encode(holding)) + [10], to: "\(folder)/\(id).json\(suffix)", encryptingTo: recipients)
        try ReportFile.write(Self.text(holding, reference: reference), to: "\(folder)/\(id).txt\(suffix)", encryptingTo: recipients)
        FileHandle.standardError.write(Data("Wrote \(id).json\(suffix) and \(id).txt\(suffix) to \(output): the case, \(holding.history.count) changes and \(holding.access.count) openings.\n".utf8))
    }

    /// The holding as a person reads it: each section of the case as the screens show it, the
    /// family in full, every change in words, every opening.
    static func text(_ holding: Holding, reference: ReferenceData?) -> String {
        let record = holding.case
        var lines = ["Everything Haven holds about \(record.id), \(record.defector.cyrillicName.displayed) (\(record.defector.latinName.displayed))",
                     "Written \(holding.exportedAt.minuteText) UTC by \(holding.exportedBy) for: \(holding.request)", ""]
        let today = holding.exportedAt.date
        for section in CaseSection.allCases where section != .history {
            lines.append("== \(section.title)")
            lines += section.lines(of: record, history: holding.history, today: today, reference: reference)
            lines.append("")
        }
        if !record.family.isEmpty {
            lines.append("== Family, in full (where they are and how to reach them)")
            for member in record.family {
                lines.append("\(member.relationship.title): \(member.displayName); stage \(member.stage.title)")
                lines.append("  where: \(member.whereabouts.title)" + (member.country.map { " (\($0))" } ?? "") + "; risk \(member.risk.title)"
                             + "; contact: \(member.contactChannel.isEmpty ? "—" : member.contactChannel)" + (member.notes.isEmpty ? "" : "; notes: \(member.notes)"))
            }
            lines.append("")
        }
        lines.append("== Every change (\(holding.history.count))")
        let wording = AuditWording(record: record, history: holding.history)
        for entry in holding.history {
            lines.append("\(entry.at.minuteText) \(entry.user) saved \(entry.version)")
            for change in wording.describe(entry) { lines.append("   \(change.section) · \(change.label): \(change.before) → \(change.after)") }
        }
        lines.append("")
        lines.append("== Who opened it (\(holding.access.count))")
        lines += holding.access.map(\.line)
        return lines.joined(separator: "\n") + "\n"
    }
}
