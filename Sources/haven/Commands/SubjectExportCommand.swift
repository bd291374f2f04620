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
        /// Whole-store exports and reports since the case was registered: each may have held it.
        var wholeStoreJobs: [AccessEntry]
        /// Where other cases record him as a family member (their own record of him).
        var recordedInOtherCases: [Mention]

        struct Mention: Encodable {
            var caseID: CaseID
            var member: FamilyMember
        }
    }

    func run() throws {
        guard let id = CaseID(caseID) else { throw HavenFailure("'\(caseID)' is not a case number such as HV-000123.") }
        let (opened, actor) = try store.open(for: .exportSubject)
        let request: String
        do { request = try NeedToKnow.reason(reason) } catch { throw HavenFailure("--reason: \(error)") }
        let recipients = try encryption.recipients()
        let reference = try? opened.adopt(data.loadReferenceData())
        // The folder first, so a name already taken is refused before anything is read or
        // recorded; never inside the store.
        let folder = (output as NSString).expandingTildeInPath
        let parent = (folder as NSString).deletingLastPathComponent
        if let directory = opened.storeDirectory, let inside = realpath(parent.isEmpty ? "." : parent, nil), let root = realpath(directory.path, nil) {
            defer { free(inside); free(root) }
            let (at, store) = (String(cString: inside), String(cString: root))
            if at == store || at.hasPrefix(store + "/") { throw HavenFailure("\(output) is inside the store \(opened.place); write it elsewhere.") }
        }
        guard mkdir(folder, 0o700) == 0 else {
            throw HavenFailure("\(output): cannot make the folder (\(String(cString: strerror(errno)))); name a new one.")
        }
        // Whatever stops the export part way leaves no folder that looks like an answer.
        var written: [String] = []
        var finished = false
        defer {
            if !finished {
                for path in written { unlink(path) }
                rmdir(folder)
            }
        }
        let now = Timestamp.now()
        let stored: StoredCase
        do {
            stored = try opened.read(id, part: .subjectExport, by: commandReader(actor), reason: request, at: now)
        } catch {
            throw HavenFailure("\(error)")
        }
        if let erasure = stored.record.erasure {
            throw HavenFailure("\(id): \(erasure.description). Nothing is held about the person any more, only the facts of the case "
                               + "(its stages and outcome): there is nothing to export for a data-subject request.")
        }
        try opened.auditExport("subject-export", "\"\(id) for a data-subject request (\(request.replacingOccurrences(of: "\"", with: "'"))) to \(output)\"", by: actor, at: now)
        let registered = stored.record.registeredAt
        let jobs = try opened.accessLog(matching: AccessFilter(since: registered), limit: .max).reversed()
            .filter { $0.caseID == nil && ($0.part == .export || $0.part == .report) }
        var mentions: [Holding.Mention] = []
        for summary in try opened.summaries() where summary.id != id && summary.family.contains(where: { $0.linkedCase == id }) {
            for member in try opened.load(summary.id).record.family where member.linkedCase == id {
                mentions.append(Holding.Mention(caseID: summary.id, member: member))
            }
        }
        let holding = Holding(exportedAt: now, exportedBy: actor.user, request: request, case: stored.record,
                              history: try opened.history(of: id), access: try opened.accessLog(matching: AccessFilter(caseID: id), limit: .max).reversed(),
                              wholeStoreJobs: Array(jobs), recordedInOtherCases: mentions)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let suffix = recipients.isEmpty ? "" : ".age"
        written.append("\(folder)/\(id).json\(suffix)")
        try ReportFile.write(Array(try encoder.encode(holding)) + [10], to: written[0], store: opened.storeDirectory, encryptingTo: recipients)
        written.append("\(folder)/\(id).txt\(suffix)")
        try ReportFile.write(Self.text(holding, reference: reference), to: written[1], store: opened.storeDirectory, encryptingTo: recipients)
        finished = true
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
        if !holding.recordedInOtherCases.isEmpty {
            lines.append("== Recorded as a family member in other cases")
            for mention in holding.recordedInOtherCases {
                lines.append("\(mention.caseID): \(mention.member.relationship.title) \(mention.member.displayName); stage \(mention.member.stage.title)")
            }
            lines.append("")
        }
        lines.append("== Who opened it (\(holding.access.count))")
        lines += holding.access.map(\.line)
        lines.append("")
        lines.append("== Whole-store exports and reports since he was registered, each of which may have held his case (\(holding.wholeStoreJobs.count))")
        lines += holding.wholeStoreJobs.map(\.line)
        return lines.joined(separator: "\n") + "\n"
    }
}
