/// A batch run against a store's cases: who is in the queue, what it may use, and turning the
/// result into proposals. The command and the interface both go through here, a slice at a
/// time (the interface shows progress between slices).
public struct AllocationRun: Sendable {
    /// Granted cases awaiting allocation, oldest grant first.
    public var queue: [CaseSummary]
    public var batch: AllocationBatch
    /// The recent arrivals the look-ahead's forecasts draw on (`AllocationForecast`), latest
    /// first, at most `AllocationForecast.largestPool`; empty when the run has no look-ahead.
    public var forecastPool: [CaseID] = []
    /// Grants approved in the last `AllocationForecast.weeksBack` weeks, all of them (the rate).
    public var recentGrants = 0
    /// True when the run was asked to look ahead.
    public var looksAhead = false

    /// - Parameters:
    ///   - summaries: every case of the store.
    ///   - countries: the store's host countries and quotas.
    ///   - lookAheadAt: now, for a batch that keeps places for later arrivals (the default of
    ///     the command and the screen); nil places the queue as if it were the last.
    public init(summaries: [CaseSummary], countries: [HostCountry], policy: AllocationPolicy, mip: (any PlacementMIP)? = nil,
                secondsLimit: Double = 60, lookAheadAt now: Timestamp? = nil) {
        if let now {
            looksAhead = true
            let recent = AllocationForecast.recentArrivals(summaries, now: now)
            recentGrants = recent.count
            forecastPool = Array(recent.prefix(AllocationForecast.largestPool))
        }
        queue = summaries.filter(\.isAwaitingAllocation).sorted(by: CaseSummary.queueOrder)
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

    /// The profiles of the forecast pool's cases in `range`, read whole from the store: they
    /// only shape the sampled futures, and are never shown. A case that cannot be read is left
    /// out of the pool rather than stopping the batch.
    public func forecastProfiles(_ range: Range<Int>, from store: any CaseStore,
                                 occupations: OccupationCatalogue) -> [AllocationProfile] {
        forecastPool[range].compactMap { id in
            (try? store.load(id)).map { AllocationProfile(record: $0.record, occupations: occupations) }
        }
    }

    /// The forecast this run would make for a queue, from the pool's profiles.
    func forecast(_ pool: [AllocationProfile]) -> AllocationForecast {
        AllocationForecast(pool: pool, arrivalsPerWeek: Double(recentGrants) / Double(AllocationForecast.weeksBack))
    }

    /// Whether the pool is worth reading for a queue of `people`: a look-ahead was asked for,
    /// there are enough recent grants, and places are left after the queue.
    public func needsForecast(queue people: Int) -> Bool {
        looksAhead && forecastPool.count >= AllocationForecast.smallestPool && batch.capacities.reduce(0, +) > people
    }

    /// The batch, with the look-ahead's prices for `queue` drawn from `pool` (the forecast
    /// pool's profiles) when there are enough of them and places left over; as it was otherwise.
    /// The seconds the forecast took, and `alreadySpent` (reading the pool), are taken off the
    /// solver's limit, which keeps at least one.
    public func pricedBatch(queue: [AllocationProfile], pool: [AllocationProfile], alreadySpent: Double = 0) -> AllocationBatch {
        var batch = batch
        guard looksAhead else { return batch }
        let forecast = forecast(pool)
        // The time limit covers the forecast too: what it took is taken off the solver's share
        // (at least a second is left to it, which proposes the best found past its limit).
        let clock = ContinuousClock()
        let began = clock.now
        let prices = forecast.prices(queue: queue, batch: batch)
        let took = (clock.now - began).components
        batch.secondsLimit = max(1, batch.secondsLimit - alreadySpent - Double(took.seconds) - Double(took.attoseconds) * 1e-18)
        guard !prices.isEmpty else { return batch }
        batch.prices = prices
        let later = forecast.expectedLater(queue: queue, batch: batch)
        let yearly = Int((forecast.arrivalsPerWeek * Double(AllocationForecast.weeksAhead)).rounded())
        let drawnFrom = pool.count < recentGrants
            ? "\(AllocationBatch.grouped(pool.count)) of the \(AllocationBatch.grouped(recentGrants))"
            : "the \(AllocationBatch.grouped(pool.count))"
        let whom = later < yearly
            ? "the \(AllocationBatch.grouped(later)) places left, about \(AllocationBatch.grouped(yearly)) people being expected within a year"
            : "the \(AllocationBatch.grouped(later)) people expected within a year"
        batch.lookAhead = "places priced for \(whom) (\(forecast.samples) futures drawn from \(drawnFrom) granted in the last "
            + "\(AllocationForecast.weeksBack) weeks)"
        return batch
    }

    /// Why a run with a look-ahead asked for placed its queue as if it were the last, or nil.
    /// `poolRead`: how many of the pool's cases could be read (all, when not given).
    public func lookAheadSkipped(queue: [AllocationProfile], poolRead: Int? = nil) -> String? {
        guard looksAhead else { return nil }
        if forecastPool.count >= AllocationForecast.smallestPool, let poolRead, poolRead < AllocationForecast.smallestPool,
           AllocationForecast.placesAfter(queue: queue, batch: batch) > 0 {
            return "no look-ahead: \(poolRead) of \(forecastPool.count) recent grants could be read"
        }
        if forecastPool.count < AllocationForecast.smallestPool {
            return "no look-ahead: \(forecastPool.count) granted in \(AllocationForecast.weeksBack) weeks, "
                + "\(AllocationForecast.smallestPool) needed"
        }
        if AllocationForecast.placesAfter(queue: queue, batch: batch) == 0 { return "no look-ahead: no place left after this queue" }
        return nil
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
    /// (greedy 951, +0.9%) · optimal", or "Placed 60 of 60 · score 960 · look-ahead, optimal".
    /// `noLookAhead`: a look-ahead was skipped or not asked for, said in place of the greedy
    /// pass (the 80-column line cut the reason at its end).
    public static func shortSummary(_ result: AllocationBatchResult, queued: Int, noLookAhead: Bool = false) -> String {
        // A look-ahead may score less than a greedy pass this week on purpose (places kept for
        // later): the comparison would mislead, and the line has no room for both.
        if noLookAhead, result.lookAhead == nil {
            return "Placed \(result.people) of \(queued) · score \(result.score) · no look-ahead, " + result.proof.label
        }
        return result.lookAhead == nil
            ? "Placed \(result.people) of \(queued) · score \(result.score) (greedy \(result.greedyScore), \(gain(result))) · "
                + result.proof.label
            : "Placed \(result.people) of \(queued) · score \(result.score) · look-ahead, " + result.proof.label
    }

    /// The figures of a run in one line: "Placed 118 of 120 (2 groups of linked cases kept
    /// together); total score 3,412 against 3,301 for a greedy pass (+3.4%); optimal." (No
    /// parenthesis when no linked cases were placed: family members within a case are not
    /// groups, and "0 families" read as if families were split.)
    public static func summary(_ result: AllocationBatchResult, queued: Int) -> String {
        let groups = result.familyGroups
        return "Placed \(result.people) of \(queued)"
            + (groups > 0 ? " (\(groups) group\(groups == 1 ? "" : "s") of linked cases kept together)" : "") + "; "
            + (result.lookAhead == nil ? "total score \(result.score) against \(result.greedyScore) for a greedy pass (\(gain(result))); "
                : "total score \(result.score) (\(result.greedyScore) for a greedy pass, which keeps nothing for later); ")
            + (result.lookAhead == nil ? (result.provenOptimal ? "the highest possible." : result.proof.label + ", not proven optimal.")
                : (result.provenOptimal ? "the highest possible net of the look-ahead's prices"
                    : result.proof.label + " net of the look-ahead's prices, not proven optimal")
                + "; look-ahead: \(result.lookAhead!).")
    }
}
