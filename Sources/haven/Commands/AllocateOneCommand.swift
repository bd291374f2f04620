import ArgumentParser
import Foundation
import HavenCore
import HavenStore

/// `haven allocate --case`: one case's countries ranked by the batch's scoring, and a proposal
/// by hand, through the same `AllocationChoice` and workflow as the interface's `p` in Allocation.
extension AllocateCommand {
    func allocateOne(_ text: String) throws {
        guard let id = CaseID(text) else { throw HavenFailure("'\(text)' is not a case number such as HV-000123.") }
        let (opened, actor) = try store.open(for: .proposeAllocation)
        let reference = try opened.adopt(data.loadReferenceData())
        let stored: StoredCase
        stored = try opened.readForCommand(id, by: actor, reason: nil, reasonOption: nil)
        if withdraw {
            guard !dryRun else { throw HavenFailure("--withdraw writes; leave out --dry-run.") }
            let time = Timestamp.now()
            let held = stored.record.allocation?.country
            do {
                let next = try Workflow.withdrawAllocation(on: stored.record, seen: ProposalSeen.allocation(of: stored.record), by: actor, at: time)
                let version = try opened.save(next, basedOn: stored.version, by: actor, at: time)
                return print("Saved \(id) as \(version): the proposal for \(held?.rawValue ?? "a country") is withdrawn; "
                             + "the case is back in the allocation queue.")
            } catch {
                throw HavenFailure("\(id): nothing withdrawn; \(error)")
            }
        }
        // A proposal waiting is replaced only when a country is named (and only by its proposer,
        // or for a batch's by the case's caseworker: `Case.mayAmendAllocation`).
        if let pending = stored.record.allocation, pending.review == nil, stored.record.stage == .allocation, country == nil, !dryRun {
            throw HavenFailure("\(id) already has a proposal waiting for a supervisor (\(pending.country), by \(pending.proposedBy)); "
                               + "its proposer (or, for a batch's, the caseworker) may replace it with --country XX or take it back with --withdraw.")
        }
        let run = AllocationRun(summaries: try opened.summaries(), countries: reference.countries, policy: reference.allocation)
        let choice = run.choice(for: stored.record, occupations: reference.occupations)
        print("\(id)  \(stored.record.defector.cyrillicName.displayed)  \(stored.record.stage.title)")
        for (rank, option) in choice.options.enumerated() {
            let score = option.score.map(String.init) ?? "—"
            let state = option.refusal.map { "  (\($0))" } ?? ""
            print("\(String(format: "%2d", rank + 1))  \(option.country.code)  \(option.country.name.padding(toLength: 15, withPad: " ", startingAt: 0))"
                  + "\(String(repeating: " ", count: max(0, 4 - score.count)))\(score)  free \(option.free)\(state)")
            let factors = option.factors.map { "\($0.title) \(Int($0.contribution))" + ($0.detail.map { " (\($0))" } ?? "") }
            print("      " + (factors.isEmpty ? "no factor scores here" : factors.joined(separator: ", ")))
        }
        var chosen: CountryCode
        if let country {
            guard let code = CountryCode(country.uppercased()) else { throw HavenFailure("'\(country)' is not a two-letter country code such as DE.") }
            chosen = code
        } else {
            guard let best = choice.best else { throw HavenFailure("\(id): no country it may go to has a place left.") }
            chosen = best.country.code
        }
        let outcome = Result { () throws(WorkflowError) -> PlannedAllocation in try choice.planned(chosen, reason: reason ?? "") }
        guard case let .success(planned) = outcome else {
            let issues = if case let .failure(.invalid(issues)) = outcome { issues } else { [ValidationIssue]() }
            let error = if case let .failure(error) = outcome { error.description } else { "" }
            let message = issues.isEmpty ? error : issues.map(\.message).joined(separator: " ")
            throw HavenFailure("\(id): nothing proposed; \(message)" + (issues.contains { $0.field == "reason" } ? " (--reason)" : ""))
        }
        print("Proposal: \(planned.country), score \(planned.score)")
        print("    \(planned.runnerUpReason)")
        if let unity = planned.familyUnity { print("    \(unity)") }
        guard !dryRun else { return print("Dry run: nothing was written.") }
        let time = Timestamp.now()
        let version: CaseVersion
        do {
            // A proposal of one's own still waiting is replaced only as read here (a country was named).
            let replacing = stored.record.mayAmendAllocation(actor.user) ? ProposalSeen.allocation(of: stored.record) : nil
            let next = try Workflow.proposeAllocation(planned, on: stored.record, replacing: replacing, by: actor, at: time)
            version = try opened.save(next, basedOn: stored.version, by: actor, at: time)
        } catch {
            throw HavenFailure("\(id): nothing proposed; \(error)")
        }
        let replaced = stored.record.allocation.flatMap { $0.review == nil ? " (replacing \($0.country))" : nil } ?? ""
        print("Saved \(id) as \(version): \(planned.country) proposed\(replaced), for approval by a supervisor (not the proposer).")
    }
}
