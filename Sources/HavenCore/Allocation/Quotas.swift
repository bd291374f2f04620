/// A case's allocation as lists need it: the country (the override's, once overridden), who
/// proposed it and when, and the review's verdict.
public struct AllocationSummary: Hashable, Codable, Sendable {
    public var country: CountryCode
    public var proposedBy: UserName
    public var proposedAt: Timestamp
    /// Nil while awaiting review.
    public var verdict: Review.Verdict?
    public var reviewedAt: Timestamp?
    /// The scarcer kinds of place it takes (`AllocationProposal.places`); nil when none.
    public var places: [PlaceKind]?

    public init(country: CountryCode, proposedBy: UserName, proposedAt: Timestamp, verdict: Review.Verdict? = nil,
                reviewedAt: Timestamp? = nil, places: [PlaceKind]? = nil) {
        self.places = places?.isEmpty == true ? nil : places
        self.country = country
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
        self.verdict = verdict
        self.reviewedAt = reviewedAt
    }

    public init(_ proposal: AllocationProposal) {
        self.init(country: proposal.finalCountry, proposedBy: proposal.proposedBy, proposedAt: proposal.proposedAt,
                  verdict: proposal.review?.verdict, reviewedAt: proposal.review?.at, places: proposal.places)
    }

    /// Each kind once, in `PlaceKind` order (as the queue index keeps them).
    public var placesTaken: [PlaceKind] { Set(places ?? []).sorted() }

    public var isAwaitingReview: Bool { verdict == nil }

    /// The country whose place this proposal holds while the case is in `stage`: a proposal
    /// awaiting review in Allocation holds one; an approved, returned or past one holds none.
    public func heldCountry(in stage: CaseStage) -> CountryCode? {
        stage == .allocation && isAwaitingReview ? country : nil
    }
}

extension Case {
    /// The country whose place the case's pending proposal holds (see `AllocationSummary.heldCountry`).
    public var heldCountry: CountryCode? { allocation.flatMap { AllocationSummary($0).heldCountry(in: stage) } }

    /// `user` may replace or withdraw the allocation that waits for a supervisor: its proposer,
    /// and for a batch's proposal the case's caseworker too (the batch is a supervisor's run,
    /// who cannot approve it; the caseworker knows the person). A replacement is the
    /// caseworker's own proposal, which any other supervisor, the runner too, then reviews.
    public func mayAmendAllocation(_ user: UserName) -> Bool {
        guard stage == .allocation, let allocation, allocation.review == nil else { return false }
        return allocation.proposedBy == user || allocation.batch != nil && assignedTo == user
    }
}

extension CaseSummary {
    /// A proposed allocation waits for a supervisor (and holds a place meanwhile).
    public var isAwaitingAllocationReview: Bool { stage == .allocation && allocation?.isAwaitingReview == true }

    /// Granted and in the allocation queue: no proposal yet, or the last one was returned.
    public var isAwaitingAllocation: Bool {
        stage == .allocation && (allocation == nil || allocation?.verdict == .returned)
    }

    /// In the allocation queue since: the grant's approval, which an allocation reopened after
    /// approval keeps. Its stage date is the reopening's, which put a person whose travel fell
    /// through at the back of a first-come queue.
    public var queuedSince: Timestamp {
        guard let decision, decision.outcome == .grant, decision.verdict == .approved, let granted = decision.reviewedAt else {
            return stageEnteredAt
        }
        return min(granted, stageEnteredAt)
    }

    /// The allocation queue's order: first granted, first placed.
    public static func queueOrder(_ a: CaseSummary, _ b: CaseSummary) -> Bool { (a.queuedSince, a.id) < (b.queuedSince, b.id) }

    /// What awaits a supervisor on this case, if anything: what, by whom, since when.
    public var pendingApproval: (kind: ApprovalKind, proposedBy: UserName, proposedAt: Timestamp)? {
        if isAwaitingDecisionReview, let decision { return (.decision(decision.outcome), decision.proposedBy, decision.proposedAt) }
        if isAwaitingAllocationReview, let allocation { return (.allocation(allocation.country), allocation.proposedBy, allocation.proposedAt) }
        return nil
    }

    /// The case's proposal in its present stage came back returned by a supervisor: the
    /// caseworker has work on it (the queue marks it).
    public var isReturnedToCaseworker: Bool {
        stage == .decision && decision?.verdict == .returned || stage == .allocation && allocation?.verdict == .returned
    }

    /// The country whose place a pending proposal holds.
    public var reservedCountry: CountryCode? { allocation?.heldCountry(in: stage) }
}

/// What a supervisor is asked to approve.
public enum ApprovalKind: Hashable, Sendable {
    case decision(DecisionOutcome)
    case allocation(CountryCode)

    /// "Grant", "Allocate to DE".
    public var title: String {
        switch self {
        case let .decision(outcome): outcome.title
        case let .allocation(country): "Allocate to \(country)"
        }
    }

    /// The title inside a sentence: "grant", "allocate to DE" (a country code stays in capitals).
    public var phrase: String {
        switch self {
        case let .decision(outcome): outcome.title.lowercased()
        case let .allocation(country): "allocate to \(country)"
        }
    }
}

/// What a change of the host countries (quota, list) did wrong, or a save a quota refuses.
public enum QuotaError: Error, Equatable, Sendable, CustomStringConvertible {
    case quotaFull(CountryCode, name: String, quota: Int, used: Int)
    case noFreePlace(CountryCode, name: String, quota: Int, used: Int, reserved: Int)
    case unknownCountry(CountryCode)
    case quotaBelowUse(CountryCode, name: String, requested: Int, used: Int, reserved: Int)
    case negativeQuota(CountryCode, Int)
    case countryInUse(CountryCode, name: String, cases: Int)
    case duplicateCountry(CountryCode)
    case invalidCountry(String)
    case lastCountry
    /// A whole set of cases (an import) would allocate more cases to a country than its quota.
    case overQuota(CountryCode, name: String, quota: Int, allocated: Int)
    /// The country has no free place of a kind the case needs (`PlaceKind`).
    case noFreePlaceOfKind(CountryCode, name: String, kind: PlaceKind, capacity: Int, used: Int, reserved: Int)
    case capacityBelowUse(CountryCode, name: String, kind: PlaceKind, requested: Int, used: Int, reserved: Int)
    case negativeCapacity(CountryCode, kind: PlaceKind, Int)

    public var description: String {
        switch self {
        case let .quotaFull(code, name, quota, used):
            "\(name) (\(code)) has no place left: \(used) of \(quota) are used. Return the proposal, or override it to another country."
        case let .noFreePlace(code, name, quota, used, reserved):
            "\(name) (\(code)) has no free place: \(used) used and \(reserved) held by proposals, of \(quota)."
        case let .unknownCountry(code): "\(code) is not one of the host countries."
        case let .quotaBelowUse(code, name, requested, used, reserved):
            "The quota of \(name) (\(code)) cannot be \(requested): \(used) places are used and \(reserved) held by proposals (\(used + reserved) at least)."
        case let .negativeQuota(code, quota): "The quota of \(code) cannot be \(quota); a quota is 0 or more."
        case let .countryInUse(code, name, cases):
            "\(name) (\(code)) cannot be removed: \(cases) case\(cases == 1 ? " is" : "s are") allocated or proposed there. Set its quota to what is used instead."
        case let .duplicateCountry(code): "\(code) is already a host country."
        case let .invalidCountry(reason): reason
        case .lastCountry: "The last host country cannot be removed."
        case let .overQuota(code, name, quota, allocated):
            "\(allocated) cases would be allocated to \(name) (\(code)), over its quota of \(quota); nothing was imported."
        case let .noFreePlaceOfKind(code, name, kind, capacity, used, reserved):
            "\(name) (\(code)) has no \(kind.unit) free: \(used) used, \(reserved) held, of \(capacity)."
        case let .capacityBelowUse(code, name, kind, requested, used, reserved):
            "\(name) (\(code)) cannot have \(kind.counted(requested)): \(used) used, \(reserved) held (\(used + reserved) at least)."
        case let .negativeCapacity(code, kind, value):
            "The \(kind.title.lowercased()) of \(code) cannot be \(value); a number of places is 0 or more."
        }
    }
}

/// A change an administrator makes to the host countries.
public enum HostCountryChange: Hashable, Sendable {
    case setQuota(CountryCode, Int)
    /// How many places of `kind` the country has; nil: only its quota limits them.
    case setCapacity(CountryCode, PlaceKind, Int?)
    /// The quota and the kinds listed at once (the quota form), all or none; a kind listed as
    /// nil is no longer limited, one not listed is left as it is.
    case setPlaces(CountryCode, quota: Int, capacities: [PlaceKind: Int?])
    case add(HostCountry)
    case remove(CountryCode)

    public var country: CountryCode {
        switch self {
        case let .setQuota(code, _): code
        case let .setCapacity(code, _, _): code
        case let .setPlaces(code, _, _): code
        case let .add(country): country.code
        case let .remove(code): code
        }
    }
}

/// The places of each host country: quota, used by approved allocations, held by proposals;
/// and the same for each scarcer kind of place (`PlaceKind`) a country limits.
public struct QuotaLedger: Sendable {
    public var countries: [HostCountry]
    public var used: [CountryCode: Int]
    public var reserved: [CountryCode: Int]
    /// Places of each kind used by approved allocations and held by proposals.
    public var usedOfKind: [CountryCode: [PlaceKind: Int]]
    public var reservedOfKind: [CountryCode: [PlaceKind: Int]]

    public init(countries: [HostCountry], summaries: some Sequence<CaseSummary>, excluding excluded: CaseID? = nil) {
        self.countries = countries
        var used: [CountryCode: Int] = [:]
        var reserved: [CountryCode: Int] = [:]
        var usedOfKind: [CountryCode: [PlaceKind: Int]] = [:]
        var reservedOfKind: [CountryCode: [PlaceKind: Int]] = [:]
        for summary in summaries where summary.id != excluded {
            if let country = summary.country {
                used[country, default: 0] += 1
                for kind in summary.allocation?.placesTaken ?? [] { usedOfKind[country, default: [:]][kind, default: 0] += 1 }
            }
            if let country = summary.reservedCountry {
                reserved[country, default: 0] += 1
                for kind in summary.allocation?.placesTaken ?? [] { reservedOfKind[country, default: [:]][kind, default: 0] += 1 }
            }
        }
        self.used = used
        self.reserved = reserved
        self.usedOfKind = usedOfKind
        self.reservedOfKind = reservedOfKind
    }

    public init(countries: [HostCountry], used: [CountryCode: Int], reserved: [CountryCode: Int],
                usedOfKind: [CountryCode: [PlaceKind: Int]] = [:], reservedOfKind: [CountryCode: [PlaceKind: Int]] = [:]) {
        self.countries = countries
        self.used = used
        self.reserved = reserved
        self.usedOfKind = usedOfKind
        self.reservedOfKind = reservedOfKind
    }

    public func used(_ kind: PlaceKind, in code: CountryCode) -> Int { usedOfKind[code]?[kind] ?? 0 }
    public func reserved(_ kind: PlaceKind, in code: CountryCode) -> Int { reservedOfKind[code]?[kind] ?? 0 }

    /// Places of `kind` still free in the country: nil when only its quota limits them.
    public func free(_ kind: PlaceKind, in code: CountryCode) -> Int? {
        guard let capacity = country(code)?.capacity(kind) else { return nil }
        return max(0, capacity - used(kind, in: code) - reserved(kind, in: code))
    }

    /// Each limited kind's free places, per country: what a batch may give (`AllocationBatch.freeOfKind`).
    public var freeOfKind: [PlaceKind: [CountryCode: Int]] {
        var free: [PlaceKind: [CountryCode: Int]] = [:]
        for country in countries {
            for kind in country.capacities.keys { free[kind, default: [:]][country.code] = self.free(kind, in: country.code) }
        }
        return free
    }

    public func country(_ code: CountryCode) -> HostCountry? { countries.first { $0.code == code } }

    /// Places still free: the quota less used and held places, never below zero.
    public func free(_ code: CountryCode) -> Int {
        guard let country = country(code) else { return 0 }
        return max(0, country.quota - (used[code] ?? 0) - (reserved[code] ?? 0))
    }

    /// What `haven check` finds wrong with the host countries, in either store: a quota or a
    /// kind's number below zero, or below the places approved allocations use and proposals
    /// hold (the least `applying` lets an administrator set), or a country listed twice; each
    /// with what mends it.
    public var problems: [(country: CountryCode, text: String)] {
        var found: [(country: CountryCode, text: String)] = []
        func below(_ name: String, _ number: Int, _ taking: Int, _ holding: Int, fix: String) -> String {
            "\(name) for \(taking) used and \(holding) held by proposals (\(taking + holding) at least; haven countries \(fix) N)"
        }
        // What `applying` never lets happen either: a country listed twice. (Cases in a
        // country the list lacks are not reported: a store kept without a list, as tools and
        // the fault suites run it, allocates anywhere, and a list written later is not wrong.)
        var listed = Set<CountryCode>()
        for country in countries where !listed.insert(country.code).inserted {
            found.append((country.code, "\(country.code.rawValue) is listed twice; the list must name each country once"))
        }
        for country in countries {
            let code = country.code
            let (taking, holding) = (used[code] ?? 0, reserved[code] ?? 0)
            if country.quota < 0 {
                found.append((code, "\(country.name) has a quota of \(country.quota): a quota is 0 or more"))
            } else if taking + holding > country.quota {
                found.append((code, below("\(country.name) has a quota of \(country.quota)", country.quota, taking, holding, fix: "set-quota \(code)")))
            }
            for kind in PlaceKind.allCases {
                guard let capacity = country.capacity(kind) else { continue }
                let (taking, holding) = (used(kind, in: code), reserved(kind, in: code))
                if capacity < 0 {
                    found.append((code, "\(country.name) has \(capacity) \(kind.unit)s: a number of places is 0 or more"))
                } else if taking + holding > capacity {
                    found.append((code, below("\(country.name) has \(kind.counted(capacity))", capacity, taking, holding,
                                              fix: "set-places \(code) \(kind.rawValue)")))
                }
            }
        }
        return found
    }

    /// Refuses a save that would approve an allocation past a quota, or propose one where no
    /// place is free. `previous` is the case as stored, `next` as it would be saved; the
    /// ledger counts every other case. Both stores call this under their write lock.
    public func check(previous: Case?, next: Case) throws(QuotaError) {
        if let country = next.allocatedCountry, country != previous?.allocatedCountry {
            guard let host = self.country(country) else { throw .unknownCountry(country) }
            let used = used[country] ?? 0
            guard used + 1 <= host.quota else { throw .quotaFull(country, name: host.name, quota: host.quota, used: used) }
            // An approval takes the place its proposal held; an override to another country
            // takes a new one, which places held by other proposals must leave free.
            if previous?.heldCountry != country {
                let reserved = reserved[country] ?? 0
                guard used + reserved + 1 <= host.quota else {
                    throw .noFreePlace(country, name: host.name, quota: host.quota, used: used, reserved: reserved)
                }
            }
        }
        if let country = next.heldCountry, country != previous?.heldCountry {
            guard let host = self.country(country) else { throw .unknownCountry(country) }
            let used = used[country] ?? 0
            let reserved = reserved[country] ?? 0
            guard used + reserved + 1 <= host.quota else {
                throw .noFreePlace(country, name: host.name, quota: host.quota, used: used, reserved: reserved)
            }
        }
        try checkKinds(previous: previous, next: next)
    }

    /// The same rules for each kind of place the proposal takes that the country limits.
    func checkKinds(previous: Case?, next: Case) throws(QuotaError) {
        let kinds = next.allocation?.placesTaken ?? []
        guard !kinds.isEmpty else { return }
        if let country = next.allocatedCountry, country != previous?.allocatedCountry, let host = self.country(country) {
            for kind in kinds {
                guard let capacity = host.capacity(kind) else { continue }
                let used = used(kind, in: country), reserved = reserved(kind, in: country)
                // An approval takes the place its own proposal held (counted in `reserved`).
                let taking = previous?.heldCountry == country && previous?.allocation?.placesTaken.contains(kind) == true
                guard used + 1 <= capacity, taking || used + reserved + 1 <= capacity else {
                    throw .noFreePlaceOfKind(country, name: host.name, kind: kind, capacity: capacity, used: used, reserved: reserved)
                }
            }
        }
        if let country = next.heldCountry, let host = self.country(country) {
            for kind in kinds {
                guard let capacity = host.capacity(kind) else { continue }
                let holding = previous?.heldCountry == country && previous?.allocation?.placesTaken.contains(kind) == true
                guard !holding else { continue }
                let used = used(kind, in: country), reserved = reserved(kind, in: country)
                guard used + reserved + 1 <= capacity else {
                    throw .noFreePlaceOfKind(country, name: host.name, kind: kind, capacity: capacity, used: used, reserved: reserved)
                }
            }
        }
    }

    /// The countries after `change`, as an administrator may make it: a quota never below the
    /// places used and held, a country in use never removed, codes unique.
    public func applying(_ change: HostCountryChange, by actor: Actor) throws -> [HostCountry] {
        try Capability.manageCountries.require(actor)
        var next = countries
        switch change {
        case let .setQuota(code, quota):
            guard let index = next.firstIndex(where: { $0.code == code }) else { throw QuotaError.unknownCountry(code) }
            guard quota >= 0 else { throw QuotaError.negativeQuota(code, quota) }
            let used = used[code] ?? 0, reserved = reserved[code] ?? 0
            guard quota >= used + reserved else {
                throw QuotaError.quotaBelowUse(code, name: next[index].name, requested: quota, used: used, reserved: reserved)
            }
            next[index].quota = quota
        case let .setCapacity(code, kind, capacity):
            guard let index = next.firstIndex(where: { $0.code == code }) else { throw QuotaError.unknownCountry(code) }
            if let capacity {
                guard capacity >= 0 else { throw QuotaError.negativeCapacity(code, kind: kind, capacity) }
                let used = used(kind, in: code), reserved = reserved(kind, in: code)
                guard capacity >= used + reserved else {
                    throw QuotaError.capacityBelowUse(code, name: next[index].name, kind: kind, requested: capacity, used: used,
                                                      reserved: reserved)
                }
            }
            next[index].capacities[kind] = capacity
        case let .setPlaces(code, quota, capacities):
            // Each part as its own change would check it; all or none is applied.
            var changed = try applying(.setQuota(code, quota), by: actor)
            for kind in PlaceKind.allCases {
                guard let capacity = capacities[kind] else { continue }
                let step = QuotaLedger(countries: changed, used: used, reserved: reserved, usedOfKind: usedOfKind,
                                       reservedOfKind: reservedOfKind)
                changed = try step.applying(.setCapacity(code, kind, capacity), by: actor)
            }
            next = changed
        case let .add(country):
            guard !next.contains(where: { $0.code == country.code }) else { throw QuotaError.duplicateCountry(country.code) }
            guard !country.name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw QuotaError.invalidCountry("A host country needs a name.")
            }
            guard !country.languages.isEmpty else {
                throw QuotaError.invalidCountry("\(country.name) needs at least one official language (ISO 639-1, such as de).")
            }
            guard country.quota >= 0 else { throw QuotaError.negativeQuota(country.code, country.quota) }
            for (kind, capacity) in country.capacities where capacity < 0 {
                throw QuotaError.negativeCapacity(country.code, kind: kind, capacity)
            }
            next.append(country)
        case let .remove(code):
            guard let index = next.firstIndex(where: { $0.code == code }) else { throw QuotaError.unknownCountry(code) }
            let inUse = (used[code] ?? 0) + (reserved[code] ?? 0)
            guard inUse == 0 else { throw QuotaError.countryInUse(code, name: next[index].name, cases: inUse) }
            guard next.count > 1 else { throw QuotaError.lastCountry }
            next.remove(at: index)
        }
        return next
    }

    /// The audit entry's field changes for `change`.
    public static func fieldChanges(from old: [HostCountry], to new: [HostCountry], for code: CountryCode) -> [FieldChange] {
        let before = old.first { $0.code == code }
        let after = new.first { $0.code == code }
        func text(_ country: HostCountry?) -> String? {
            country.map { country in
                "\(country.name); languages \(country.languages.map(\.rawValue).joined(separator: " ")); quota \(country.quota)"
                    + country.capacities.sorted { $0.key < $1.key }.map { "; \($0.key.shortTitle) \($0.value)" }.joined()
            }
        }
        return [FieldChange(field: "countries.\(code)", before: text(before), after: text(after))]
    }
}
