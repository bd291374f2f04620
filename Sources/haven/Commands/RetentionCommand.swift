import ArgumentParser
import Foundation
import HavenCore
import HavenStore

/// `haven retention`: what the retention schedule makes due, and erasure with two people:
/// one proposes, another approves, and the approval erases.
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention", abstract: "List closed cases due for erasure; propose, withdraw or approve an erasure (supervisors, administrators).",
        discussion: """
            haven retention --dry-run                      what is due today, and the proposals waiting
            haven retention --dry-run --on 2027-06-30      what will be due on that day
            haven retention --propose HV-000123 --rule on-request --reason "Deletion asked in writing, letter of 1 December"
            haven retention --propose-due --reason "Yearly review of the retention schedule, December 2026"
            haven retention --withdraw HV-000123
            haven retention --approve HV-000123            (another person than the proposer)

            The schedule is retention.json in the reference data. Only closed cases are erased. An approval \
            saves what remains of the case (its number, stages, outcome, country, and who erased it, \
            under which rule), erases the values of its history in the audit trail (the chain still \
            verifies: haven check), drops every earlier version from the log (a compaction) and removes \
            the drafts of forms about it. Backups taken before keep the case until they are deleted.
            """)

    @Flag(help: "List what is due and what is proposed; change nothing.") var dryRun = false
    @Option(help: ArgumentHelp("With --dry-run: what will be due on this day.", valueName: "YYYY-MM-DD")) var on: String?
    @Option(help: ArgumentHelp("Propose erasing this closed case.", valueName: "HV-…")) var propose: String?
    @Flag(help: "Propose every case due today, each under its rule.") var proposeDue = false
    @Option(help: ArgumentHelp("The rule of the schedule a proposal applies (default: the case's own rule).", valueName: "rule")) var rule: String?
    @Option(help: ArgumentHelp("Why (for a proposal; in the audit trail until the erasure, which erases it too): no names.", valueName: "text")) var reason: String?
    @Option(help: ArgumentHelp("Withdraw the proposal for this case.", valueName: "HV-…")) var withdraw: String?
    @Option(help: ArgumentHelp("Approve the proposal for this case, made by someone else: erases it.", valueName: "HV-…")) var approve: String?
    @OptionGroup var store: StoreOptions
    @OptionGroup var data: DataOptions

    func validate() throws {
        let actions = [dryRun, propose != nil, proposeDue, withdraw != nil, approve != nil].filter { $0 }.count
        guard actions <= 1 else { throw ValidationError("Give one of --dry-run, --propose, --propose-due, --withdraw, --approve.") }
        if on != nil, !(dryRun || actions == 0) { throw ValidationError("--on goes with --dry-run only.") }
        if (propose != nil || proposeDue), reason == nil { throw ValidationError("A proposal needs --reason \"…\" (at least 10 characters).") }
        if rule != nil, propose == nil { throw ValidationError("--rule goes with --propose.") }
    }

    func caseID(_ text: String) throws -> CaseID {
        guard let id = CaseID(text) else { throw HavenFailure("'\(text)' is not a case number such as HV-000123.") }
        return id
    }

    func run() throws {
        // Listing changes nothing: auditors may read it too; the rest is for those who erase.
        let listing = !(propose != nil || proposeDue || withdraw != nil || approve != nil)
        let (opened, actor) = try store.open(for: listing ? .viewAuditTrail : .eraseCases)
        let schedule = try data.loadReferenceData().retention
        func failing<T>(_ body: () throws -> T) throws -> T {
            do { return try body() } catch let failure as HavenFailure { throw failure } catch { throw HavenFailure("\(error)") }
        }
        if let text = propose {
            let id = try caseID(text)
            let stored = try failing { try opened.load(id) }
            guard let name = rule ?? schedule.rule(for: stored.record.closure?.reason)?.id else {
                throw HavenFailure("no rule of the schedule keeps \(id); name one with --rule (\(schedule.rules.map(\.id).joined(separator: ", ")))")
            }
            let proposal = ErasureProposal(caseID: id, rule: name, reason: reason ?? "", proposedBy: actor.user, proposedAt: .now())
            try failing { try opened.proposeErasure(proposal, schedule: schedule, by: actor) }
            print("Proposed: erase \(id) under rule \(name). Another supervisor or administrator approves it with 'haven retention --approve \(id)'.")
        } else if proposeDue {
            let due = try failing { try dueCases(opened, schedule: schedule, on: .today()) }
            var proposed = 0
            var refused: [String] = []
            let standing = Set(try failing { try opened.erasureProposals() }.map(\.caseID))
            for item in due where !standing.contains(item.caseID) {
                let proposal = ErasureProposal(caseID: item.caseID, rule: item.rule.id, reason: reason ?? "", proposedBy: actor.user, proposedAt: .now())
                do {
                    try opened.proposeErasure(proposal, schedule: schedule, by: actor)
                    proposed += 1
                } catch {
                    refused.append("\(item.caseID): \(error)")
                }
            }
            print("Proposed \(proposed) of \(due.count) cases due (\(due.count - proposed - refused.count) were proposed already).")
            for line in refused { print("  not proposed: \(line)") }
            if !refused.isEmpty { throw ExitCode(1) }
        } else if let text = withdraw {
            let id = try caseID(text)
            try failing { try opened.withdrawErasure(of: id, by: actor, at: .now()) }
            print("Withdrawn: the erasure of \(id) is no longer proposed.")
        } else if let text = approve {
            let id = try caseID(text)
            let report = try failing {
                try opened.erase(id, schedule: schedule, by: actor, at: .now()) { step in
                    if isatty(2) == 1 { FileHandle.standardError.write(Data("\r\u{1B}[K\(step)".utf8)) }
                }
            }
            if isatty(2) == 1 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            print("\(id): \(report.erasure.description).")
            print("  Audit trail: the values of \(report.entriesErased) entr\(report.entriesErased == 1 ? "y" : "ies") erased; the chain still verifies ('haven check')."
                  + (report.entriesConverted > 0 ? " \(report.entriesConverted) entries of the older form sealed again in the new one, once." : ""))
            print("  Access log: \(report.accessReasonsErased) reason\(report.accessReasonsErased == 1 ? "" : "s") given to open it erased.")
            print("  Drafts: \(report.draftsRemoved) removed" + (report.draftsLeft.isEmpty ? "."
                  : "; \(report.draftsLeft.count) of other accounts could not be (the folder is sticky): each goes at its owner's next session, "
                  + "or root removes it now: " + report.draftsLeft.map { "drafts/\($0) (\($0.split(separator: "~").first ?? ""))" }.joined(separator: ", ") + "."))
            if let problem = report.logNotCompacted {
                print("  Log: NOT yet compacted (\(problem)); earlier versions of \(id) stay in cases.jsonl until 'haven compact' runs.")
                throw ExitCode(1)
            }
            print("  Log: every earlier version dropped (compacted); the queue index written again.")
        } else {
            try dryRunReport(opened, schedule: schedule)
        }
    }

    func dueCases(_ opened: any OpenStore, schedule: RetentionSchedule, on day: CalendarDate) throws -> [RetentionSchedule.Due] {
        try schedule.due(try opened.summaries(), today: day) { id in try opened.load(id).record.closure?.reason }
    }

    func dryRunReport(_ opened: any OpenStore, schedule: RetentionSchedule) throws {
        var day = CalendarDate.today()
        if let on {
            guard let date = CalendarDate(iso: on) else { throw HavenFailure("--on '\(on)' is not a date; write it as YYYY-MM-DD.") }
            day = date
        }
        let due: [RetentionSchedule.Due]
        let proposals: [ErasureProposal]
        let unfinished: [CaseID]
        do {
            due = try dueCases(opened, schedule: schedule, on: day)
            proposals = try opened.erasureProposals()
            unfinished = try opened.unfinishedErasures()
        } catch { throw HavenFailure("\(error)") }
        if !unfinished.isEmpty {
            print("Erased but NOT finished (their history or earlier versions may still be in the store): \(unfinished.map(\.rawValue).joined(separator: ", ")).")
            print("  Finish each with 'haven retention --approve HV-…'.")
        }
        let proposed = Dictionary(proposals.map { ($0.caseID, $0) }, uniquingKeysWith: { first, _ in first })
        print("Due for erasure on \(day) (\(data.sourceDescription)): \(due.count) case\(due.count == 1 ? "" : "s").")
        for item in due {
            let mark = proposed[item.caseID].map { " - proposed by \($0.proposedBy)" } ?? ""
            print("  \(item.caseID)  closed \(item.closedOn)  rule \(item.rule.id) (\(item.rule.yearsAfterClosure) years)  due since \(item.dueOn)\(mark)")
        }
        print("Proposed and waiting for a second person: \(proposals.count).")
        for proposal in proposals {
            print("  \(proposal.caseID)  rule \(proposal.rule)  by \(proposal.proposedBy) on \(proposal.proposedAt.date): \(proposal.reason)")
        }
        print("Nothing was changed. Rules: " + schedule.rules.map { "\($0.id) (\($0.isOnRequest ? "on request" : "\($0.yearsAfterClosure) year\($0.yearsAfterClosure == 1 ? "" : "s") after closure"))" }.joined(separator: ", ") + ".")
    }
}
