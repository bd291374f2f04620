/// A batch run against a store's cases: who is in the queue, what it may use, and turning the
/// result into proposals. The command and the interface both go through here, a slice at a
/// time (the interface shows progress between slices).
public struct AllocationRun: Sendable {
    /// Granted cases awaiting allocation, oldest grant first.
    public var queue: [CaseSummary]
    public var batch: AllocationBatch

    /// - Parameters:
    ///   - summaries: every case of the store.
    ///   - countries: the store's host countries and quotas.
    public init(summaries: [CaseSummary], countries: [HostCountry], policy: AllocationPolicy, mip: (any PlacementMIP)? = nil,
                secondsLimit: Double = 60) {
        queue = summaries.filter(\.isAwaitingAllocation).sorted { ($0.stageEnteredAt, $0.id) < ($1.stageEnteredAt, $1.id) }
        let ledger = QuotaLedger(countries: countries, summaries: summaries)
        var placed: [CaseID: CountryCode] = [:]
        for summary in summaries {
            if let country = summary.country ?? summary.reservedCountry { placed[summary.id] = country }
        }
        batch = AllocationBatch(scorer: AllocationScorer(policy: policy, countries: countries),
                                free: Dictionary(uniqueKeysWithValues: countries.map { ($0.code, ledger.free($0.code)) }),
                                placedElsewhere: placed, mip: mip, secondsLimit: secondsLimit, freeOfKind: ledger.freeOfKind)
    }

    /// The profiles of the queue's cases in `range`, each read whole from the store.
    public func profiles(_ range: Range<Int>, from store: any CaseStore, occupations: OccupationCatalogue) throws -> [AllocationProfile] {
        try queue[range].map { AllocationProfile(record: try store.load($0.id).record, occupations: occupations) }
    }

    /// Saves each proposal on its case's latest version, recorded by the actor who ran the
    /// batch; returns the cases refused (a rule, a conflict, a quota) with the reason.
    ///
    /// A family group's proposals are saved together, all or none (issue 26: a member refused
    /// by a place taken meanwhile must not leave the others proposed alone, "placed together").
    public static func propose(_ planned: some Sequence<PlannedAllocation>, in store: any CaseStore, by actor: Actor,
                               at time: Timestamp) -> [(caseID: CaseID, reason: String)] {
        var refused: [(CaseID, String)] = []
        var groups: [[PlannedAllocation]] = []
        for proposal in planned {
            if let last = groups.last?.last, last.groupedWith.contains(proposal.caseID) {
                groups[groups.count - 1].append(proposal)
            } else {
                groups.append([proposal])
            }
        }
        for group in groups {
            var current: CaseID?
            do {
                try Capability.runAllocationBatch.require(actor)
                var updates: [CaseUpdate] = []
                for proposal in group {
                    current = proposal.caseID
                    let stored = try store.load(proposal.caseID)
                    updates.append(CaseUpdate(try Workflow.proposeAllocation(proposal, on: stored.record, by: actor, at: time),
                                              basedOn: stored.version))
                }
                current = nil
                if updates.count == 1 {
                    _ = try store.save(updates[0].record, basedOn: updates[0].basedOn, by: actor, at: time)
                } else {
                    _ = try store.save(together: updates, by: actor, at: time)
                }
            } catch {
                for proposal in group {
                    let own = proposal.caseID == current || group.count == 1
                    refused.append((proposal.caseID, own ? "\(error)"
                        : "not proposed, to keep the family together: " + (current.map { "\($0): " } ?? "") + "\(error)"))
                }
            }
        }
        return refused
    }

    /// Where a slice of `size` proposals from `start` ends without cutting a family group in two.
    public static func sliceEnd(_ proposals: [PlannedAllocation], from start: Int, size: Int) -> Int {
        var end = min(proposals.count, start + size)
        while end < proposals.count, end > start, proposals[end - 1].groupedWith.contains(proposals[end].caseID) { end += 1 }
        return end
    }

    /// How much better than greedy, in percent to one decimal: "+3.1%".
    static func gain(_ result: AllocationBatchResult) -> String {
        let gain = result.greedyScore == 0 ? 0 : Double(result.score - result.greedyScore) * 100 / Double(result.greedyScore)
        let rounded = (gain * 10).rounded() / 10
        return "\(rounded >= 0 ? "+" : "")\(rounded)%"
    }

    /// The same, short enough for a status line at 80 columns: "Placed 60 of 60 · score 960
    /// (greedy 951, +0.9%) · optimal".
    public static func shortSummary(_ result: AllocationBatchResult, queued: Int) -> String {
        "Placed \(result.people) of \(queued) · score \(result.score) (greedy \(result.greedyScore), \(gain(result))) · "
            + result.proof.label
    }

    /// The figures of a run in one line: "Placed 118 of 120 (2 families); total score 3,412
    /// against 3,301 for a greedy pass (+3.4%); optimal."
    public static func summary(_ result: AllocationBatchResult, queued: Int) -> String {
        "Placed \(result.people) of \(queued) (\(result.familyGroups) famil\(result.familyGroups == 1 ? "y" : "ies") kept together); "
            + "total score \(result.score) against \(result.greedyScore) for a greedy pass (\(gain(result))); "
            + (result.provenOptimal ? "the highest possible." : result.proof.label + ", not proven optimal.")
    }
}
