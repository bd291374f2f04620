import HavenCore

/// The override form with the countries ranked as the batch would score the case now: each
/// option names its score and free places, best first, and the heading the proposed
/// country's score, so a supervisor choosing another country sees what it gives up (from
/// the walk: the form listed bare names). Read from the store: everyone's summaries (free
/// places, placed relatives) and the host countries; the record from the case view that is
/// open, or opened here as the case view would (an entry in the access log).
struct OpenOverride: StoreTask {
    let id: CaseID
    let proposed: CountryCode
    let seen: ProposalSeen?
    /// The case as the open case view holds it; nil from a list, which opens it.
    var record: Case?

    func run(in session: SessionServices) -> [Command] {
        let context = session.context
        let plain = CaseActions.overrideAllocation(id, proposed: proposed, seen: seen, countries: context.reference?.countries ?? [])
        guard let store = session.store else { return [.push(plain)] }
        var record = self.record
        if record == nil {
            switch session.open(id, part: .caseRecord) {
            case let .success(stored): record = stored.record
            case let .failure(refusal):
                return [.status(refusal.reply.statusWhenUnheard?.0 ?? "\(id) cannot be opened.", .error)]
            }
        }
        guard let record else { return [.push(plain)] }
        do {
            let countries = try store.hostCountries()
            let run = AllocationRun(summaries: try store.summaries(), countries: countries, policy: context.reference?.allocation ?? .plain)
            let choice = run.choice(for: record, occupations: AllocationChoiceScreen.occupations(context))
            return [.push(CaseActions.overrideAllocation(id, proposed: proposed, seen: seen, countries: countries, ranking: choice))]
        } catch {
            return [.push(plain), .status("The scores could not be worked out (\(error)); the countries are listed without them.", .warning)]
        }
    }
}
