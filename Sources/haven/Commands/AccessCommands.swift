import ArgumentParser
import Foundation
import HavenCore
import HavenStore

/// A command's run as a session of the access log: its user, and `cmd-` with its process id.
func commandReader(_ actor: Actor) -> Reader { Reader(actor: actor, session: "cmd-\(getpid())") }

extension OpenStore {
    /// Records a command's whole-store job (an export, a report) in the access log, before
    /// anything is written out: a job that cannot be logged does not run.
    func logJob(_ part: AccessPart, _ detail: String, by actor: Actor) throws {
        do {
            try logAccess(AccessEntry(at: .now(), user: actor.user, role: actor.role, session: commandReader(actor).session,
                                      part: part, outcome: .opened, detail: detail))
        } catch { throw HavenFailure("\(error)") }
    }

    /// Opens a case for a command through the need-to-know rule (recorded in the access log).
    /// `reasonOption` names the command's option for a reason, when it has one.
    func readForCommand(_ id: CaseID, by actor: Actor, reason: String?, reasonOption: String? = "--reason") throws -> StoredCase {
        do {
            return try read(id, part: .caseRecord, by: commandReader(actor), reason: reason, at: .now())
        } catch StoreError.needToKnow(.reasonNeeded(let id)) {
            throw HavenFailure("\(id) is not assigned to you or your team; "
                               + (reasonOption.map { "say why you need it with \($0) \"…\" (kept in the access log; your supervisor sees it)." }
                                  ?? "ask a supervisor to give it to you."))
        } catch {
            throw HavenFailure("\(error)")
        }
    }
}

/// `haven access`: the access log, newest first, for auditors and supervisors.
struct AccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access", abstract: "Who opened which case, when and why: the access log (auditors and supervisors).",
        discussion: """
            haven access --case HV-000123
            haven access --user anna.k --since 2026-12-01
            haven access --reasons

            Every opening of a case, its family screen and its history is logged, with every export and report; \
            an opening of a case that is not the reader's carries the reason they gave.
            """)

    @Option(name: .customLong("case"), help: ArgumentHelp("Only this case.", valueName: "HV-…")) var caseID: String?
    @Option(help: ArgumentHelp("Only this user.", valueName: "name")) var user: String?
    @Option(help: ArgumentHelp("Only from this day (UTC) on.", valueName: "YYYY-MM-DD")) var since: String?
    @Flag(help: "Only openings with a reason given, and refusals.") var reasons = false
    @Option(help: "At most this many entries.") var limit = 1000
    @Flag(help: "One JSON object a line instead of text.") var json = false
    @OptionGroup var store: StoreOptions

    func run() throws {
        var filter = AccessFilter(reasonedOnly: reasons)
        if let caseID {
            guard let id = CaseID(caseID) else { throw HavenFailure("'\(caseID)' is not a case number such as HV-000123.") }
            filter.caseID = id
        }
        if let user {
            guard let name = UserName(user) else { throw HavenFailure("'\(user)' is not a user name.") }
            filter.user = name
        }
        if let since {
            guard let day = CalendarDate(iso: since) else { throw HavenFailure("--since '\(since)' is not a date; write it as YYYY-MM-DD.") }
            filter.since = Timestamp(date: day)
        }
        let (opened, _) = try store.open(for: .viewAccessLog)
        let entries: [AccessEntry]
        do { entries = try opened.accessLog(matching: filter, limit: max(1, limit)) } catch { throw HavenFailure("\(error)") }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for entry in entries { print(String(decoding: try encoder.encode(entry), as: UTF8.self)) }
        } else {
            if entries.isEmpty { FileHandle.standardError.write(Data("No access entry matches.\n".utf8)) }
            for entry in entries { print("\(entry.sequence)  \(entry.line)  [\(entry.session)]") }
        }
    }
}

/// `haven restrict HV-…`: a supervisor closes a case to all but a named team, or opens it again.
struct RestrictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restrict", abstract: "Restrict a case to a named team, or lift the restriction (supervisors).",
        discussion: """
            haven restrict HV-000123 --team anna.k,boris.p --reason "Publicised defector; threats received"
            haven restrict HV-000123 --lift

            A restricted case's names are masked in every list for everyone outside its team; only the team, \
            its caseworker and supervisors can open it, and every opening is logged.
            """)

    @Argument(help: "The case, e.g. HV-000123.") var caseID: String
    @Option(help: ArgumentHelp("Who besides supervisors and its caseworker may open it, separated by commas.", valueName: "names"))
    var team: String?
    @Option(help: ArgumentHelp("Why the case is restricted.", valueName: "text")) var reason: String?
    @Flag(help: "Open the case to need-to-know again.") var lift = false
    @OptionGroup var store: StoreOptions

    func run() throws {
        guard let id = CaseID(caseID) else { throw HavenFailure("'\(caseID)' is not a case number such as HV-000123.") }
        guard !(lift && (reason != nil || team != nil)) else { throw HavenFailure("--lift takes no --team or --reason: it opens the case to need-to-know again.") }
        guard lift || reason != nil else { throw HavenFailure("Give --reason (and --team) to restrict the case, or --lift.") }
        let (opened, actor) = try store.open(for: .restrictCases)
        let stored = try opened.readForCommand(id, by: actor, reason: nil)
        let next: Case
        do {
            if lift {
                next = try Workflow.liftRestriction(stored.record, by: actor)
            } else {
                var members: [UserName] = []
                for name in (team ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                    guard let user = UserName(name) else { throw HavenFailure("'\(name)' is not a user name.") }
                    members.append(user)
                }
                next = try Workflow.restrict(stored.record, team: members, reason: reason ?? "", users: try opened.users(), by: actor, at: .now())
            }
        } catch let WorkflowError.invalid(issues) {
            throw HavenFailure("\(id): nothing saved. " + issues.map(\.message).joined(separator: " "))
        }
        guard next != stored.record else {
            print(lift ? "\(id) is not restricted; nothing to lift." : "\(id) is already restricted so; nothing saved.")
            return
        }
        do { _ = try opened.save(next, basedOn: stored.version, by: actor, at: .now()) } catch { throw HavenFailure("\(id): \(error)") }
        let named = next.restriction?.team.map(\.rawValue) ?? []
        print(lift ? "\(id) is open to need-to-know again."
              : "\(id) is restricted to supervisors and its caseworker" + (named.isEmpty ? "." : ", and \(named.joined(separator: ", "))."))
    }
}

/// `haven show HV-…`: one case as JSON, read through the need-to-know rule and recorded in the
/// access log, as an opening in the interface is.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print one case as JSON (need to know: a case not yours needs --reason; recorded in the access log).",
        discussion: """
            haven show HV-000123
            haven show HV-000123 --reason "Covering Anna's interview today"
            haven show HV-000123 --family      (with family whereabouts and contact channels)
            haven show HV-000123 --history     (its audit entries, one a line)
            """)

    @Argument(help: "The case, e.g. HV-000123.") var caseID: String
    @Option(help: ArgumentHelp("Why you need a case that is not yours (kept in the access log; your supervisor sees it).", valueName: "text"))
    var reason: String?
    @Flag(help: "Include the family's whereabouts and contact channels (the family screen's part).") var family = false
    @Flag(help: "Print the case's history (its audit entries) instead.") var history = false
    @OptionGroup var encryption: EncryptionOptions
    @OptionGroup var store: StoreOptions

    func run() throws {
        guard let id = CaseID(caseID) else { throw HavenFailure("'\(caseID)' is not a case number such as HV-000123.") }
        guard !(family && history) else { throw HavenFailure("Give --family or --history, not both.") }
        let (opened, actor) = try store.open(for: .viewCases)
        let part: AccessPart = family ? .family : history ? .history : .caseRecord
        // The keys are checked before the case is read (and the reading logged).
        let recipients = try encryption.recipients()
        let stored: StoredCase
        do {
            stored = try opened.read(id, part: part, by: commandReader(actor), reason: reason, at: .now())
        } catch StoreError.needToKnow(.reasonNeeded(let id)) {
            throw HavenFailure("\(id) is not assigned to you or your team; say why you need it with --reason \"…\" (kept in the access log; your supervisor sees it).")
        } catch {
            throw HavenFailure("\(error)")
        }
        if history {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var lines: [UInt8] = []
            for entry in try opened.history(of: id) { lines += try encoder.encode(entry) + [10] }
            try ReportFile.writeToStandardOutput(lines, what: "the history", encryptingTo: recipients)
            return
        }
        try ReportFile.writeToStandardOutput(try StoreExport.json([stored.record], includeSensitive: family), what: "the case",
                                             encryptingTo: recipients)
    }
}

/// `haven research-export`: every case pseudonymised for research, no group smaller than five.
struct ResearchExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "research-export", abstract: "Write a pseudonymised CSV for research: no names, no case numbers, dates to the month, ages in bands, no group under five.",
        discussion: """
            haven research-export --output research.csv --key-file /secure/research.key --encrypt-to age1…

            Each case number becomes a keyed hash (HMAC-SHA-256 under the key file's bytes, at least 32; \
            without --key-file a new key is made for this file alone, so its pseudonyms link to no other \
            export). Rows whose country, age band, specialty and arrival month together describe fewer than \
            five people are not written; how many is said. Recorded in the access log.
            """)

    @Option(help: ArgumentHelp("Write here (created 0600; never over a file).", valueName: "file")) var output: String
    @Option(name: .customLong("key-file"), help: ArgumentHelp("The pseudonyms' key: a file of at least 32 bytes the programme keeps apart from the store.", valueName: "file"))
    var keyFile: String?
    @OptionGroup var encryption: EncryptionOptions
    @OptionGroup var store: StoreOptions

    func run() throws {
        let (opened, actor) = try store.open(for: .runReports)
        let pseudonym: Pseudonym
        if let keyFile {
            guard let made = Pseudonym(key: Array(try ReportFile.read(keyFile))) else {
                throw HavenFailure("--key-file \(keyFile): a key needs at least 32 bytes (make one with: head -c 32 /dev/urandom > FILE).")
            }
            pseudonym = made
        } else {
            pseudonym = .oneOff()
        }
        let recipients = try encryption.recipients()
        let today = CalendarDate.today()
        var rows: [ResearchExport.Row] = []
        var restricted = 0
        for summary in try opened.summaries() {
            // A restricted case (a publicised defector, a family at risk) is the one outsiders
            // already know things about: never in a research file.
            guard summary.restriction == nil else { restricted += 1; continue }
            rows.append(ResearchExport.row(try opened.load(summary.id).record, today: today, pseudonym: { pseudonym($0) }))
        }
        let result = ResearchExport.keepingGroupsOfFive(rows)
        try opened.logJob(.export, "research export of \(result.rows.count) pseudonymised cases to \(output) (\(result.suppressed) in \(result.suppressedGroups) groups under \(ResearchExport.smallestGroup) left out, \(restricted) restricted)"
                          + encryption.described(recipients), by: actor)
        try ReportFile.write(ResearchExport.csv(result), to: output, store: opened.storeDirectory, encryptingTo: recipients)
        FileHandle.standardError.write(Data(("Wrote \(result.rows.count) pseudonymised cases to \(output); \(result.suppressed) in \(result.suppressedGroups) group"
            + "\(result.suppressedGroups == 1 ? "" : "s") of fewer than \(ResearchExport.smallestGroup) were left out, and \(restricted) restricted case\(restricted == 1 ? "" : "s")"
            + (keyFile == nil ? "; the pseudonyms link to no other export (give --key-file to keep them)" : "") + ".\n").utf8))
    }
}
