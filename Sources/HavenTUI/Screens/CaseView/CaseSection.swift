import HavenCore

/// The sections of the case view, in the order of a case's life.
public enum CaseSection: Int, CaseIterable, Sendable {
    case person, service, screening, decision, allocation, integration, family, publicity, notes, history

    public var title: String {
        switch self {
        case .person: "Person"
        case .service: "Service"
        case .screening: "Screening"
        case .decision: "Decision"
        case .allocation: "Allocation"
        case .integration: "Integration"
        case .family: "Family"
        case .publicity: "Publicity"
        case .notes: "Notes"
        case .history: "History"
        }
    }

    /// Whether the section is `label value` lines (the rest are paragraphs: notes, history).
    var hasFields: Bool { self != .notes && self != .history }

    /// The number key that jumps to the section: 1 to 9, then 0 for the tenth.
    public var key: Character { Character(String((rawValue + 1) % 10)) }

    /// The section's text as lines: `label: value` pairs and short paragraphs. Family
    /// whereabouts and contact channels are sensitive and never shown here.
    public func lines(of record: Case, history: [AuditEntry], today: CalendarDate, reference: ReferenceData? = nil,
                      clock: LocalClock = .utc) -> [String] {
        func field(_ label: String, _ value: String?) -> String {
            // A label too long for its column stands on its own line, the value under it.
            let shown = (value?.isEmpty ?? true) ? "—" : value!
            guard DisplayWidth.of(label) <= 18 else { return label + "\n" + String(repeating: " ", count: 19) + shown }
            return DisplayWidth.fit(label, to: 18) + " " + shown
        }
        func date(_ value: CalendarDate?) -> String? { value?.description }
        /// His consent choices (the intake form's, corrected by editing it), and the day recorded.
        func consent(_ choices: ConsentChoices) -> String? {
            let given = [choices.publicity ? "publicity" : nil, choices.shareWithHostCountry ? "share with host country" : nil,
                         choices.communicationsWork ? "communications work" : nil].compactMap { $0 }.joined(separator: ", ")
            guard let day = choices.recordedOn else { return given }
            return (given.isEmpty ? "none" : given) + " (recorded \(day))"
        }
        let d = record.defector
        switch self {
        case .person:
            var lines = [
                field("Name (Cyrillic)", d.cyrillicName.displayed),
                field("Name (Latin)", d.latinName.displayed),
                field("Other spellings", d.otherSpellings.joined(separator: ", ")),
                field("Born", [date(d.birthDate), d.birthPlace].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")),
                field("Age", d.birthDate.map { String($0.age(on: today)) }),
                field("Custody", d.custody.title),
                field("Languages", d.languages.map { "\($0.language) \($0.isNative ? "native" : $0.level.rawValue)" }.joined(separator: ", ")),
                field("Health needs", d.healthNeeds),
                field("Risk on return", d.riskOnReturn),
                field("Consent", consent(d.consent)),
            ]
            lines.append(field("Assigned to", record.assignedTo?.rawValue))
            lines.append(field("Registered", "\(record.registeredAt.date) by \(record.registeredBy)"))
            let next = record.appointments.filter { $0.status == .scheduled }.min { $0.at < $1.at }
            if let next { lines.append(field("Booked", "\(next.kind.title), \(clock.text(next.at)) \(clock.name)")) }
            for missing in record.missingAppointments {
                lines.append(field("Missing", "\(missing.kind.title) (needed in \(record.stage.title.lowercased()); "
                                   + (missing.booked.map { "booked for \(clock.text($0.at)))" } ?? "none booked: m books one)")))
            }
            return lines
        case .service:
            var lines = [
                field("Branch", d.service.branch.title),
                field("Rank", d.service.rank.title),
                field("Unit", d.service.unit),
                field("Specialty", [d.service.specialty.map { code in reference?.occupations.specialty(code).map { "\($0.name) (\($0.russianName))" } ?? code },
                                    d.service.specialtyDescription].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")),
                field("Came over", d.crossing.method.title),
                field("When, where", [date(d.crossing.date), d.crossing.place, d.crossing.thirdCountry?.rawValue].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")),
            ]
            for item in d.equipment {
                lines.append(field("Equipment", "\(item.kind.title) \(item.identifier)" + (item.reward.map { ", reward \($0)" } ?? "")))
            }
            return lines
        case .screening:
            let latest = record.latestScreening
            return ScreeningCheckKind.allCases.flatMap { kind -> [String] in
                guard let check = latest[kind] else { return [field(kind.title, "not recorded")] }
                var lines = [field(kind.title, "\(check.outcome.title), \(check.date), \(check.recordedBy)")]
                if !check.documentsSeen.isEmpty { lines.append(field("  documents", check.documentsSeen.joined(separator: ", "))) }
                if let exclusion = check.exclusion {
                    lines.append(field("  clause", exclusion.clause.rawValue + " → " + exclusion.conclusion.title))
                    // Each element's finding with its reasoning: a walk found the findings only
                    // in the correction form, not where a reviewer reads them.
                    for finding in exclusion.findings {
                        let found = finding.pointsToExclusion ? "Points to exclusion" : "Does not point to exclusion"
                        lines.append(field("  " + finding.step.title, found + (finding.reasoning.isEmpty ? "" : ": " + finding.reasoning)))
                    }
                }
                if !check.notes.isEmpty { lines.append(field("  notes", check.notes)) }
                return lines
            }
        case .decision:
            guard let decision = record.decision else { return ["No decision proposed yet."] }
            var lines = [
                field("Proposed", "\(decision.outcome.title) by \(decision.proposedBy), \(decision.proposedAt.date)"),
                field("Reasons", decision.reasons),
            ]
            if let review = decision.review {
                lines.append(field(review.verdict == .approved ? "Approved" : "Returned", "by \(review.by), \(review.at.date)"))
                if !review.comment.isEmpty { lines.append(field("Comment", review.comment)) }
            } else {
                lines.append(field("Review", "awaiting a supervisor"))
            }
            return lines
        case .allocation:
            let names = Dictionary((reference?.countries ?? []).map { ($0.code, $0.name) }) { first, _ in first }
            var lines: [String] = []
            // Where the case is going leads the section, an override's country first (from the
            // walk: the proposed country, under the preferences, read as the allocation).
            if let allocation = record.allocation, let country = record.allocatedCountry {
                lines.append(field("Allocated", "\(country)" + (names[country].map { " \($0)" } ?? "")
                    + (allocation.override == nil ? "" : " (overridden; \(allocation.country) was proposed)")))
            }
            lines += [
                field("Preferences", d.preferredCountries.enumerated().map { "\($0 + 1) \($1)" + (names[$1].map { " \($0)" } ?? "") }
                    .joined(separator: ", ")),
                field("Why these", d.preferenceReasons),
            ]
            if let allocation = record.allocation {
                lines.append(field("Proposed", "\(allocation.country) by \(allocation.proposedBy), \(allocation.proposedAt.date)"))
                // Overridden, the score and factors are still the proposed country's: said so (from a walk).
                lines.append(field(allocation.override == nil ? "Score" : "\(allocation.country) scored", allocation.factors.isEmpty && allocation.runnerUp == nil
                                    ? "none recorded (proposed by hand)" : "\(allocation.factors.score)"))
                for factor in allocation.factors {
                    lines.append(field("  " + factor.title, "\(Int(factor.contribution))" + (factor.detail.map { "  \($0)" } ?? "")))
                }
                if let runnerUp = allocation.runnerUp {
                    lines.append(field("Runner-up", "\(runnerUp), score \(allocation.runnerUpFactors?.score ?? 0)"))
                }
                if let reason = allocation.runnerUpReason { lines.append(field("Why not", reason)) }
                if let unity = allocation.familyUnity { lines.append(field("Family", unity)) }
                if let preferences = allocation.preferences { lines.append(field("Choices", preferences)) }
                if let batch = allocation.batch { lines.append(field("Batch", batch)) }
                // A spouse, child or health needs recorded after the allocation: a kind it needs
                // and does not hold (an approval takes it; an approved one a supervisor reopens).
                let missing = Set(PlaceKind.needed(by: record)).subtracting(allocation.placesTaken).sorted()
                let waiting = record.stage == .allocation && allocation.review == nil
                let reopenable = record.stage == .relocation && allocation.review?.verdict == .approved && Workflow.reopenRefusal(record) == nil
                if !missing.isEmpty, waiting || reopenable {
                    lines.append(field("Needs too", missing.map(\.one).joined(separator: ", ") + (waiting
                        ? ", recorded after the proposal: the approval takes it where one is left"
                        : ", recorded after the approval: a supervisor reopens the allocation if none is there")))
                }
                if !allocation.placesTaken.isEmpty {
                    lines.append(field("Takes", allocation.placesTaken.map(\.one).joined(separator: ", ")
                        + " (it " + allocation.placesTaken.map(\.need).joined(separator: " and ") + ")"))
                }
                if let override = allocation.override { lines.append(field("Overridden to", "\(override.country): \(override.reason)")) }
                lines.append(field("Review", allocation.review.map { review in
                    "\(review.verdict.rawValue) by \(review.by), \(review.at.date)" + (review.comment.isEmpty ? "" : ": \(review.comment)")
                } ?? "awaiting a supervisor"))
            } else {
                lines.append(record.returnedAllocations == nil ? "No allocation proposed yet." : "No allocation waiting: the last was withdrawn.")
            }
            for earlier in (record.allocation?.returnedBefore ?? []) + (record.returnedAllocations ?? []) {
                lines.append(field("Returned before", "\(earlier.country) by \(earlier.proposedBy), returned by \(earlier.review.by), "
                                   + "\(earlier.review.at.date)" + (earlier.review.comment.isEmpty ? "" : ": \(earlier.review.comment)")))
            }
            let r = record.relocation
            lines.append(field("Travel", [date(r.travelDate), r.travelNotes].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")))
            lines.append(field("Left", date(r.departureDate)))
            lines.append(field("Arrived", date(r.arrivalDate)))
            lines.append(field("Reception", r.receptionPlace))
            lines.append(field("Met by", r.metBy))
            for undone in record.stageHistory where undone.transition == .undoArrival {
                lines.append(field("Arrival undone", "by \(undone.by), \(undone.at.date)" + (undone.reason.map { ": \($0)" } ?? "")))
            }
            return lines
        case .integration:
            return IntegrationLines(record: record, today: today, occupations: reference?.occupations).lines(field: field)
        case .family:
            guard !record.family.isEmpty else { return ["No family members recorded; f opens the family screen."] }
            return record.family.map { member in
                let link = member.linkedCase.map { ", own case \($0)" } ?? ""
                let due = member.nextActionDue.map { $0 < today ? ", OVERDUE \($0)" : ", due \($0)" } ?? ""
                let risk = member.risk == .high ? ", HIGH RISK" : ""
                return field(member.relationship.title, "\(member.displayName): \(member.stage.title.lowercased())\(link)\(due)\(risk)")
            } + ["", "Where they are and how to reach them: on the family screen (f) only."]
        case .publicity:
            let p = record.publicity
            let consent = p.hasConsent ? "given \(p.consentGiven!)"
                : p.consentWithdrawn.map { "withdrawn \($0) (given \(p.consentGiven.map(\.description) ?? "?"))" }
                ?? (d.consent.publicity ? "none recorded yet (at intake he agreed to be considered; c records it)" : "none")
            let review: String? = p.review.map { review in
                (review.verdict == .approved ? "approved" : "declined") + " by \(review.by), \(review.at.date)"
                    + (review.comment.isEmpty ? "" : ": \(review.comment)")
            } ?? (p.hasConsent ? "waiting for a supervisor" : nil)
            return [
                field("Consent", consent),
                field("May be told", p.scope),
                field("Never tell", p.neverTell),
                field("Story uses", p.elements.map(\.title).joined(separator: ", ")),
                field("Story", p.story),
                field("Review", review),
                field("Risk override", p.highRiskOverrideReason),
                field("Public", p.isPublic ? "yes: in haven publicity export" : "no"),
            ]
        case .notes:
            guard !record.notes.isEmpty else { return ["No notes yet; n adds one."] }
            return record.notes.reversed().map { "\($0.at.date) \($0.author): \($0.text)" }
        case .history:
            guard !history.isEmpty else { return ["No history recorded."] }
            // In the case view's words; the exact paths are on the audit trail's detail (auditors).
            let wording = AuditWording(record: record, history: history)
            return history.reversed().flatMap { entry -> [String] in
                let head = "\(entry.at.description.replacingOccurrences(of: "T", with: " ").dropLast()) \(entry.user) saved \(entry.version)"
                let described = wording.describe(entry, condensed: true)
                let changes = described.flatMap { change -> [String] in
                    if change.field == CaseDiff.wholeCase { return ["  registered the case"] }
                    // Past 80 columns the values would be cut off: they get a line of their own.
                    guard DisplayWidth.of(change.line) > 76, !change.isWithheld else { return ["  \(change.line)"] }
                    return ["  \(change.section) · \(change.label):", "      \(change.before) → \(change.after)"]
                }
                return [head] + changes
            }
        }
    }
}
