import Foundation

/// Family casework: members, their reunification, links between defectors' cases, and
/// consent to publicity. Caseworkers on their own cases and supervisors on any, until closed.
extension Workflow {
    static func requireFamily(_ record: Case, _ actor: Actor) throws(WorkflowError) {
        try Capability.recordFamily.require(actor)
        try requireAssignment(record, actor)
        guard record.stage != .closed else { throw .closed(record.id) }
    }

    static func memberIndex(_ id: Int, in record: Case) throws(WorkflowError) -> Int {
        guard let index = record.family.firstIndex(where: { $0.id == id }) else {
            throw issue("member", "\(record.id) has no family member \(id).")
        }
        return index
    }

    static func checked(_ member: FamilyMember, today: CalendarDate) throws(WorkflowError) {
        let issues = CaseValidation.familyCollector(member, today: today, prefix: "").issues
        if !issues.isEmpty { throw .invalid(issues) }
    }

    /// Adds a family member, not started, with the documents checklist of the relationship.
    public static func addFamilyMember(_ member: FamilyMember, to record: Case, policy: ReunificationPolicy, by actor: Actor,
                                       at time: Timestamp) throws(WorkflowError) -> Case {
        try requireFamily(record, actor)
        try checked(member, today: time.date)
        var added = member
        added.id = (record.family.map(\.id).max() ?? 0) + 1
        added.stage = .notStarted
        added.stageDate = time.date
        added.steps = []
        added.linkedCase = nil
        if added.documents.isEmpty { added.documents = policy.checklist(for: member.relationship) }
        var next = record
        next.family.append(added)
        return next
    }

    /// Changes who a member is and where (the form's fields); their reunification, documents
    /// and link are kept. A new relationship brings its checklist while nothing is gathered.
    public static func updateFamilyMember(_ member: FamilyMember, on record: Case, policy: ReunificationPolicy, by actor: Actor,
                                          at time: Timestamp) throws(WorkflowError) -> Case {
        try requireFamily(record, actor)
        let index = try memberIndex(member.id, in: record)
        try checked(member, today: time.date)
        var next = record
        let old = record.family[index]
        var updated = member
        updated.stage = old.stage
        updated.stageDate = old.stageDate
        updated.steps = old.steps
        updated.linkedCase = old.linkedCase
        updated.nextAction = old.nextAction
        updated.nextActionDue = old.nextActionDue
        updated.documents = old.documents
        if member.relationship != old.relationship, old.documents.allSatisfy({ $0.gathered == nil }) {
            updated.documents = policy.checklist(for: member.relationship)
        }
        next.family[index] = updated
        return next
    }

    /// Removes a member recorded by mistake: only one not linked and never moved on.
    public static func removeFamilyMember(_ id: Int, from record: Case, by actor: Actor) throws(WorkflowError) -> Case {
        try requireFamily(record, actor)
        let index = try memberIndex(id, in: record)
        let member = record.family[index]
        if let linked = member.linkedCase { throw issue("member", "\(member.displayName) is linked to \(linked); unlink first.") }
        guard member.steps.isEmpty else {
            throw issue("member", "\(member.displayName)'s reunification has begun (\(member.stage.title)); withdraw it instead of removing the member.")
        }
        var next = record
        next.family.remove(at: index)
        return next
    }

    /// Moves a member's reunification one stage on (or withdraws it), on `date`, with the next
    /// action and its due date (none once reunited or withdrawn).
    public static func moveReunification(member id: Int, to stage: ReunificationStage, on date: CalendarDate,
                                         nextAction: String, due: CalendarDate?, in record: Case, policy: ReunificationPolicy,
                                         by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        try requireFamily(record, actor)
        let index = try memberIndex(id, in: record)
        let member = record.family[index]
        guard let following = member.stage.next else {
            throw issue("stage", "\(member.displayName)'s reunification is \(member.stage.title.lowercased()); nothing follows.")
        }
        guard stage == following || stage == .withdrawn else {
            throw issue("stage", "After \(member.stage.title) comes \(following.title) (or Withdrawn), not \(stage.title).")
        }
        var problems: [ValidationIssue] = []
        func problem(_ field: String, _ message: String) { problems.append(ValidationIssue(field: field, message: message)) }
        if date > time.date { problem("date", "\(date) is in the future; record a stage once it is reached.") }
        if let last = member.steps.last?.date, date < last {
            problem("date", "\(date) is before the last stage (\(member.stage.title), \(last)).")
        }
        if stage != .withdrawn {
            if member.stage == .notStarted, case let .caseByCase(why) = policy.eligibility(of: member, on: time.date),
               member.eligibilityNote.trimmingCharacters(in: .whitespaces).isEmpty {
                problem("eligibility", "\(member.displayName) is eligible only case by case (\(why)); record why on the member first (e).")
            }
            if stage == .documentsGathered, !member.missingDocuments.isEmpty {
                let missing = member.missingDocuments.map(\.name)
                problem("documents", "\(missing.count) document\(missing.count == 1 ? " is" : "s are") still missing: \(missing.joined(separator: ", ")).")
            }
        }
        let action = nextAction.trimmingCharacters(in: .whitespaces)
        if stage.isFinal {
            if !action.isEmpty || due != nil { problem("nextAction", "Nothing follows \(stage.title.lowercased()); leave the next action empty.") }
        } else {
            if action.isEmpty { problem("nextAction", "Say what has to happen next.") }
            if let due, due < date { problem("due", "The next action is due \(due), before the stage's date \(date).") }
            if due == nil { problem("due", "Give the date the next action is due.") }
        }
        if !problems.isEmpty { throw .invalid(problems) }
        var next = record
        next.family[index].stage = stage
        next.family[index].stageDate = date
        next.family[index].steps.append(ReunificationStep(stage: stage, date: date, by: actor.user))
        next.family[index].nextAction = action
        next.family[index].nextActionDue = stage.isFinal ? nil : due
        // Reunited: she is with him now, in his host country; the old whereabouts would mislead.
        if stage == .reunited, let country = record.allocatedCountry {
            next.family[index].whereabouts = .hostCountry
            next.family[index].country = country
        }
        return next
    }

    /// Changes the next action and its due date without moving the stage.
    public static func setNextAction(member id: Int, _ action: String, due: CalendarDate?, in record: Case, by actor: Actor,
                                     at time: Timestamp) throws(WorkflowError) -> Case {
        try requireFamily(record, actor)
        let index = try memberIndex(id, in: record)
        let member = record.family[index]
        guard !member.stage.isFinal else { throw issue("nextAction", "\(member.displayName)'s reunification is \(member.stage.title.lowercased()).") }
        let text = action.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { throw issue("nextAction", "Say what has to happen next.") }
        guard let due else { throw issue("due", "Give the date the next action is due.") }
        var next = record
        next.family[index].nextAction = text
        next.family[index].nextActionDue = due
        return next
    }

    /// Ticks a document of the checklist as gathered on `date`, or back to missing (nil).
    public static func markDocument(member id: Int, document: Int, gathered date: CalendarDate?, in record: Case, by actor: Actor,
                                    at time: Timestamp) throws(WorkflowError) -> Case {
        try requireFamily(record, actor)
        let index = try memberIndex(id, in: record)
        guard record.family[index].documents.indices.contains(document) else { throw issue("document", "There is no such document.") }
        if let date, date > time.date { throw issue("document", "\(date) is in the future.") }
        var next = record
        next.family[index].documents[document].gathered = date
        return next
    }

    /// What `relationship` of a serviceman makes him to the relative: a son's father, a
    /// brother's brother. The programme's cases are men; a caseworker corrects an odd case.
    public static func reciprocal(of relationship: Relationship) -> Relationship {
        switch relationship {
        case .spouse: .spouse
        case .partner: .partner
        case .son, .daughter: .father
        case .mother, .father: .son
        case .brother, .sister: .brother
        case .grandparent, .other: .other
        }
    }

    /// Links family member `id` of `record` to `other`, the relative's own case: the member
    /// points to it, and `other` gets (or keeps) a member pointing back. Both are saved together.
    public static func link(member id: Int, of record: Case, to other: Case, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> (Case, Case) {
        try requireFamily(record, actor)
        let index = try memberIndex(id, in: record)
        let member = record.family[index]
        guard other.id != record.id else { throw issue("case", "A case cannot be linked to itself.") }
        guard other.stage != .closed else { throw .closed(other.id) }
        if let linked = member.linkedCase { throw issue("case", "\(member.displayName) is already linked to \(linked); unlink first.") }
        if let existing = record.family.first(where: { $0.linkedCase == other.id }) {
            throw issue("case", "\(other.id) is already linked as \(existing.relationship.title.lowercased()) \(existing.displayName).")
        }
        var first = record
        first.family[index].linkedCase = other.id
        first.family[index].whereabouts = .inProgramme
        first.family[index].country = nil
        var second = other
        if let back = other.family.firstIndex(where: { $0.linkedCase == record.id }) {
            second.family[back].linkedCase = record.id
        } else {
            let d = record.defector
            second.family.append(FamilyMember(
                id: (other.family.map(\.id).max() ?? 0) + 1, relationship: reciprocal(of: member.relationship),
                cyrillicName: d.cyrillicName, latinName: d.latinName, birthDate: d.birthDate, whereabouts: .inProgramme,
                risk: .low, notes: "", linkedCase: record.id, stage: .notStarted, stageDate: time.date))
        }
        return (first, second)
    }

    /// Removes the link between member `id` of `record` and its case `other`, on both sides;
    /// both entries stay as family members (the relationship is still true).
    public static func unlink(member id: Int, of record: Case, from other: Case, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> (Case, Case) {
        try requireFamily(record, actor)
        let index = try memberIndex(id, in: record)
        guard record.family[index].linkedCase == other.id else {
            throw issue("case", "\(record.family[index].displayName) is not linked to \(other.id).")
        }
        var first = record
        first.family[index].linkedCase = nil
        var second = other
        for back in second.family.indices where second.family[back].linkedCase == record.id {
            second.family[back].linkedCase = nil
        }
        return (first, second)
    }

    // MARK: Publicity

    /// Records consent to publicity on `date`: what may be told and what never. A new consent
    /// needs a new approval.
    public static func recordConsent(on date: CalendarDate, scope: String, neverTell: String, elements: [StoryElement], story: String,
                                     in record: Case, by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        try Capability.recordPublicityConsent.require(actor)
        try requireAssignment(record, actor)
        var problems: [ValidationIssue] = []
        if date > time.date { problems.append(ValidationIssue(field: "date", message: "\(date) is in the future.")) }
        if scope.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append(ValidationIssue(field: "scope", message: "Record what he agreed may be told."))
        }
        if elements.isEmpty { problems.append(ValidationIssue(field: "elements", message: "Choose at least one part of the case the story may use.")) }
        if elements.contains(.story), story.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append(ValidationIssue(field: "story", message: "The story is to be told: write it as he agreed it."))
        }
        if !problems.isEmpty { throw .invalid(problems) }
        var next = record
        next.publicity = Publicity(consentGiven: date, consentWithdrawn: nil, scope: scope, neverTell: neverTell, elements: elements,
                                   story: story, proposedBy: actor.user)
        next.defector.consent.publicity = true
        next.defector.consent.recordedOn = date
        return next
    }

    /// Withdraws consent: the case leaves the publicity queue and the export at once.
    public static func withdrawConsent(on date: CalendarDate, in record: Case, by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        try Capability.recordPublicityConsent.require(actor)
        guard record.publicity.hasConsent, let given = record.publicity.consentGiven else {
            throw issue("consent", "\(record.id) has no consent in force to withdraw.")
        }
        guard date <= time.date, date >= given else {
            throw issue("date", "Withdrawal is dated between the consent (\(given)) and today, not \(date).")
        }
        var next = record
        next.publicity.consentWithdrawn = date
        next.defector.consent.publicity = false
        next.defector.consent.recordedOn = date
        return next
    }

    /// A supervisor approves the case as a public story. With a family member at high risk it
    /// needs an explicit reason to override that risk.
    public static func approvePublicity(on record: Case, seen: ProposalSeen? = nil, overrideReason: String?, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        try Capability.approvePublicity.require(actor)
        try requireSeen(seen, ProposalSeen.story(of: record))
        guard record.publicity.hasConsent else { throw issue("consent", "\(record.id) has no consent in force; nothing can be approved.") }
        guard record.publicity.review == nil else { throw issue("consent", "The story of \(record.id) has already been reviewed; record consent again for a new one.") }
        if record.publicity.proposedBy == actor.user { throw issue("consent", "You recorded this consent yourself; approving the story needs a second person.") }
        let reason = overrideReason?.trimmingCharacters(in: .whitespaces) ?? ""
        let atRisk = record.family.filter { $0.risk == .high && !$0.stage.isFinal }
        if !atRisk.isEmpty, reason.isEmpty {
            throw issue("overrideReason", "\(atRisk.count) family member\(atRisk.count == 1 ? " is" : "s are") at high risk; approving needs a reason to override it.")
        }
        var next = record
        next.publicity.review = Review(verdict: .approved, by: actor.user, at: time)
        next.publicity.highRiskOverrideReason = atRisk.isEmpty ? nil : reason
        return next
    }

    /// A supervisor declines the story, with a comment for the caseworker.
    public static func declinePublicity(on record: Case, seen: ProposalSeen? = nil, comment: String, by actor: Actor, at time: Timestamp) throws(WorkflowError) -> Case {
        try Capability.approvePublicity.require(actor)
        try requireSeen(seen, ProposalSeen.story(of: record))
        guard record.publicity.isAwaitingApproval else { throw issue("consent", "\(record.id) has no story waiting for approval.") }
        guard !comment.trimmingCharacters(in: .whitespaces).isEmpty else { throw issue("comment", "Say why the story is declined.") }
        var next = record
        next.publicity.review = Review(verdict: .returned, by: actor.user, at: time, comment: comment)
        return next
    }
}
