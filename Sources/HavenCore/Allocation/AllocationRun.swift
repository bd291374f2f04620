/// A batch run against a store's cases: who is in the queue, what it may use, and turning the
/// result into proposals. The command and the interface both go through here; the loading and
/// saving is theirs (the interface does it in slices, with progress).
public struct AllocationRun: Sendable {
    /// Granted cases awaiting allocation, oldest grant first.
    public var queue: [CaseSummary]
    public var batch: AllocationBatch

    /// - Parameters:
    ///   - summaries: every case of the store.
    ///   - countries: the store's host countries and quotas.
    public init(summaries: [CaseSummary], countries: [HostCountry], policy: AllocationPolicy) {
        queue = summaries.filter(\.isAwaitingAllocation).sorted { ($0.stageEnteredAt, $0.id) < ($1.stageEnteredAt, $1.id) }
        let ledger = QuotaLedger(countries: countries, summaries: summaries)
        var placed: [CaseID: CountryCode] = [:]
        for summary in summaries {
            if let country = summary.country ?? summary.reservedCountry { placed[summary.id] = country }
        }
        batch = AllocationBatch(scorer: AllocationScorer(policy: policy, countries: countries),
                                free: Dictionary(uniqueKeysWithValues: countries.map { ($0.code, ledger.free($0.code)) }),
                                placedElsewhere: placed)
    }

    /// The batch's change to one case: its proposal, recorded by the actor who ran the batch.
    public static func change(for planned: PlannedAllocation) -> @Sendable (Case, Actor, Timestamp) throws -> Case {
        { record, actor, time in
            try Capability.runAllocationBatch.require(actor)
            return try Workflow.proposeAllocation(planned, on: record, by: actor, at: time)
        }
    }

    /// The same, short enough for a status line at 80 columns: "Placed 60 of 60 · score 960
    /// (greedy 951, +0.9%) · optimal".
    public static func shortSummary(_ result: AllocationBatchResult, queued: Int) -> String {
        let gain = result.greedyScore == 0 ? 0 : Double(result.score - result.greedyScore) * 100 / Double(result.greedyScore)
        let rounded = (gain * 10).rounded() / 10
        return "Placed \(result.people) of \(queued) · score \(result.score) (greedy \(result.greedyScore), \(rounded >= 0 ? "+" : "")\(rounded)%) · "
            + (result.provenOptimal ? "optimal" : "not proven optimal")
    }

    /// The figures of a run in one line: "Placed 118 of 120 (2 families); total score 3,412
    /// against 3,301 for a greedy pass (+3.4%); optimal."
    public static func summary(_ result: AllocationBatchResult, queued: Int) -> String {
        let gain = result.greedyScore == 0 ? 0 : Double(result.score - result.greedyScore) * 100 / Double(result.greedyScore)
        let rounded = (gain * 10).rounded() / 10
        return "Placed \(result.people) of \(queued) (\(result.familyGroups) famil\(result.familyGroups == 1 ? "y" : "ies") kept together); "
            + "total score \(result.score) against \(result.greedyScore) for a greedy pass (\(rounded >= 0 ? "+" : "")\(rounded)%); "
            + (result.provenOptimal ? "the highest possible." : "best found, not proven optimal (bound \(result.scoreBound)).")
    }
}
