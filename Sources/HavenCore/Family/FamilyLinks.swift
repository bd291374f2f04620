/// What a change of link needs to bring pending allocation proposals up to date: the scorer,
/// the occupations (for the profile) and where every case is placed or proposed.
public struct AllocationContext: Sendable {
    public var scorer: AllocationScorer
    public var occupations: OccupationCatalogue
    /// Each case's country: allocated, reserved by an approved proposal, or proposed.
    public var placed: [CaseID: CountryCode]

    public init(scorer: AllocationScorer, occupations: OccupationCatalogue, placed: [CaseID: CountryCode]) {
        self.scorer = scorer
        self.occupations = occupations
        self.placed = placed
    }

    /// From the summaries of the store: allocated countries, then proposals.
    public init(policy: AllocationPolicy, countries: [HostCountry], occupations: OccupationCatalogue, summaries: [CaseSummary]) {
        var placed: [CaseID: CountryCode] = [:]
        for summary in summaries {
            if let country = summary.country ?? summary.reservedCountry ?? summary.allocation?.country { placed[summary.id] = country }
        }
        self.init(scorer: AllocationScorer(policy: policy, countries: countries), occupations: occupations, placed: placed)
    }
}

/// Links and unlinks defectors' cases (through `Workflow`), and brings the explanation of
/// each side's pending allocation proposal up to date: the family factor counts linked
/// relatives placed in the country, and `familyUnity` says where they are.
public enum FamilyLinks {
    public static func link(member id: Int, of record: Case, to other: Case, allocation: AllocationContext?, by actor: Actor,
                            at time: Timestamp) throws(WorkflowError) -> (Case, Case) {
        let (first, second) = try Workflow.link(member: id, of: record, to: other, by: actor, at: time)
        return refreshed(first, second, allocation)
    }

    public static func unlink(member id: Int, of record: Case, from other: Case, allocation: AllocationContext?, by actor: Actor,
                              at time: Timestamp) throws(WorkflowError) -> (Case, Case) {
        let (first, second) = try Workflow.unlink(member: id, of: record, from: other, by: actor, at: time)
        return refreshed(first, second, allocation)
    }

    static func refreshed(_ first: Case, _ second: Case, _ context: AllocationContext?) -> (Case, Case) {
        guard var context else { return (first, second) }
        // Each side sees the other where its own proposal puts it.
        for record in [first, second] {
            if let country = record.allocatedCountry ?? record.allocation?.finalCountry { context.placed[record.id] = country }
        }
        return (refreshExplanation(first, context), refreshExplanation(second, context))
    }

    /// The record with its pending proposal's factors worked out again for the same country
    /// (and runner-up), and the family-unity line; unchanged when no proposal waits.
    public static func refreshExplanation(_ record: Case, _ context: AllocationContext) -> Case {
        guard var proposal = record.allocation, proposal.review == nil else { return record }
        let profile = AllocationProfile(record: record, occupations: context.occupations)
        let countries = Dictionary(context.scorer.countries.map { ($0.code, $0) }) { a, _ in a }
        func placedRelatives(in country: CountryCode) -> Int { profile.linkedCases.filter { context.placed[$0] == country }.count }
        if let host = countries[proposal.country] {
            proposal.factors = context.scorer.factors(profile, in: host, placedRelatives: placedRelatives(in: proposal.country))
        }
        if let runnerUp = proposal.runnerUp, let host = countries[runnerUp] {
            let before = (record.allocation?.factors.score, record.allocation?.runnerUpFactors?.score)
            proposal.runnerUpFactors = context.scorer.factors(profile, in: host, placedRelatives: placedRelatives(in: runnerUp))
            // The old sentence compared the old scores: say what the new ones are.
            if let chosen = countries[proposal.country], let runnerUpFactors = proposal.runnerUpFactors,
               before.0 != proposal.factors.score || before.1 != runnerUpFactors.score {
                proposal.runnerUpReason = AllocationBatch.whyNot(host, chosen: chosen, groupScores: (proposal.factors.score, runnerUpFactors.score),
                                                                 factors: proposal.factors, runnerUpFactors: runnerUpFactors,
                                                                 freeThere: Int.max, groupSize: 1, choice: .relinked)
            }
        }
        proposal.familyUnity = unity(of: profile.linkedCases.sorted(), proposed: proposal.country, placed: context.placed)
        var next = record
        next.allocation = proposal
        return next
    }

    /// "C-000002 also in DE", "C-000002 in FR, not DE: approving splits the family", or nil
    /// without links.
    static func unity(of linked: [CaseID], proposed: CountryCode, placed: [CaseID: CountryCode]) -> String? {
        guard !linked.isEmpty else { return nil }
        let apart = linked.filter { placed[$0].map { $0 != proposed } ?? false }
        let together = linked.filter { placed[$0] == proposed }
        let waiting = linked.filter { placed[$0] == nil }
        var parts: [String] = []
        if !apart.isEmpty {
            parts.append(apart.map { "\($0) in \(placed[$0]!)" }.joined(separator: ", ") + ", not \(proposed): approving splits the family")
        }
        if !together.isEmpty { parts.append(together.map(\.rawValue).joined(separator: ", ") + " also in \(proposed)") }
        if !waiting.isEmpty { parts.append(waiting.map(\.rawValue).joined(separator: ", ") + " not placed yet") }
        return "Linked: " + parts.joined(separator: "; ") + "."
    }
}
