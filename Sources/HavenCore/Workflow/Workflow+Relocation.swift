import Foundation

/// Relocation: travel arranged, the departure, and the arrival. One record, kept whole and
/// correctable; recording the arrival is what moves the case on to Integration.
extension Workflow {
    /// Records (or corrects) the case's travel and arrival. In Relocation, a recorded arrival
    /// moves the case to Integration through `confirmArrival`; in Integration the details stay
    /// correctable; an arrival recorded by mistake is taken back by `undoArrival`.
    public static func recordRelocation(_ relocation: Relocation, on record: Case, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        try Capability.confirmArrival.require(actor)
        try requireAssignment(record, actor)
        guard [.relocation, .integration].contains(record.stage) else { throw .wrongStage(.confirmArrival, current: record.stage) }
        var cleaned = relocation
        cleaned.travelNotes = cleaned.travelNotes.trimmingCharacters(in: .whitespacesAndNewlines)
        cleaned.receptionPlace = cleaned.receptionPlace.trimmingCharacters(in: .whitespacesAndNewlines)
        cleaned.metBy = cleaned.metBy.trimmingCharacters(in: .whitespacesAndNewlines)
        // The approval's day (an undone arrival re-enters Relocation later; travel kept from
        // before it must still read as after the approval).
        let allocated = (record.stageHistory.last { $0.transition == .approveAllocation }
            ?? record.stageHistory.last { $0.stage == .relocation })?.at.date ?? record.registeredAt.date
        var issues = RelocationValidation.issues(cleaned, allocatedOn: allocated, today: time.date)
        // Left before the day travel was arranged for: the plan is corrected to what happened,
        // not kept contradicting it (from a walk; the notes say what changed). Only when one of
        // the two is being entered or changed: a record kept from before this rule still takes
        // corrections of anything else.
        let datesChanged = cleaned.travelDate != record.relocation.travelDate || cleaned.departureDate != record.relocation.departureDate
        if datesChanged, let travel = cleaned.travelDate, let departure = cleaned.departureDate, departure < travel {
            issues.append(ValidationIssue(field: "travelDate", message: "He left on \(departure), before the travel date \(travel): correct one of them."))
        }
        if record.stage == .integration, cleaned.arrivalDate == nil {
            issues.append(ValidationIssue(field: "arrivalDate", message: "The case has arrived: correct the date here; "
                + "an arrival recorded by mistake is undone with t, Undo the arrival, saying why."))
        }
        guard issues.isEmpty else { throw .invalid(issues) }
        var next = record
        next.relocation = cleaned
        if record.stage == .relocation, cleaned.arrivalDate != nil {
            // Arrived: his custody is now the host country's, not what intake found.
            next.defector.custody = .inHostCountry
            next = try perform(.confirmArrival, on: next, by: actor, at: time)
        }
        return next
    }

    /// Takes back an arrival recorded by mistake: the case returns to Relocation with its
    /// arrival (date, reception, who met him) cleared and its travel and departure kept, to be
    /// corrected on the travel form; the reason kept with the stage change, and `custody`
    /// saying where he is now (the arrival had set it to the host country).
    public static func undoArrival(on record: Case, custody: CustodyStatus?, reason: String, by actor: Actor, at time: Timestamp)
        throws(WorkflowError) -> Case {
        var issues: [ValidationIssue] = []
        if custody == nil || custody == .inHostCountry {
            issues.append(ValidationIssue(field: "custody", message: "Choose where he is now (the host country is not offered)."))
        }
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            issues.append(ValidationIssue(field: "reason", message: "Say why the arrival is undone: the record keeps it."))
        }
        // Stage, role and assignment first: their refusal says more than the form's.
        try Capability.confirmArrival.require(actor)
        try requireAssignment(record, actor)
        guard record.stage == .integration else { throw .wrongStage(.undoArrival, current: record.stage) }
        guard issues.isEmpty, let custody else { throw .invalid(issues) }
        var next = try perform(.undoArrival, on: record, by: actor, at: time, reason: reason)
        next.defector.custody = custody
        return next
    }
}

/// The rules travel and arrival must meet: in order, not in the future once they happened, and
/// an arrival says where the person was received and by whom.
public enum RelocationValidation {
    public static func issues(_ r: Relocation, allocatedOn: CalendarDate, today: CalendarDate) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        func issue(_ field: String, _ message: String) { issues.append(ValidationIssue(field: field, message: message)) }
        if let travel = r.travelDate, travel < allocatedOn {
            issue("travelDate", "Travel on \(travel) would be before the allocation was approved (\(allocatedOn)).")
        }
        if r.travelDate == nil, r.departureDate != nil || r.arrivalDate != nil {
            issue("travelDate", "Give the date travel was arranged for before recording the departure or arrival.")
        }
        if let departure = r.departureDate {
            if departure > today { issue("departureDate", "The departure \(departure) is in the future; record it once he has left.") }
            if departure < allocatedOn { issue("departureDate", "The departure \(departure) is before the allocation was approved (\(allocatedOn)).") }
        }
        if let arrival = r.arrivalDate {
            if arrival > today { issue("arrivalDate", "The arrival \(arrival) is in the future; record it once he has arrived.") }
            if let departure = r.departureDate, arrival < departure {
                issue("arrivalDate", "The arrival \(arrival) is before the departure \(departure).")
            }
            if r.departureDate == nil { issue("departureDate", "Give the departure date too (it may be the same day).") }
            if r.receptionPlace.isEmpty { issue("receptionPlace", "Name the place of reception.") }
            if r.metBy.isEmpty { issue("metBy", "Say who met him (name and organisation), or \"nobody\".") }
        }
        return issues
    }
}
