import Foundation
import HavenCore

/// Travel and arrival on screen: one form holding what is recorded so far, so each part is
/// added as it happens and corrected the same way. Saving a recorded arrival in Relocation
/// moves the case on to Integration (the workflow decides).
enum RelocationActions {
    static func form(_ relocation: Relocation) -> Form {
        Form(sections: [
            Form.Section(title: "Travel arranged", fields: [
                FormField("travelDate", "Travel date", .date, hint: "YYYY-MM-DD", value: relocation.travelDate?.description ?? ""),
                FormField("travelNotes", "Route, arrangements", .text(maximumLength: 1000), hint: "flights, escort, documents carried",
                          value: relocation.travelNotes),
            ]),
            Form.Section(title: "Departure", fields: [
                FormField("departureDate", "Left on", .date, hint: "YYYY-MM-DD, once he has left",
                          value: relocation.departureDate?.description ?? ""),
            ]),
            Form.Section(title: "Arrival", fields: [
                FormField("arrivalDate", "Arrived on", .date, hint: "YYYY-MM-DD; moves the case to Integration",
                          value: relocation.arrivalDate?.description ?? ""),
                FormField("receptionPlace", "Place of reception", .text(maximumLength: 200), hint: "centre, town",
                          value: relocation.receptionPlace),
                FormField("metBy", "Met by", .text(maximumLength: 200), hint: "name and organisation", value: relocation.metBy),
            ]),
        ])
    }

    /// The relocation the form describes, or the fields that cannot be read.
    static func relocation(from form: Form) -> (Relocation, [ValidationIssue]) {
        var problems: [ValidationIssue] = []
        func date(_ id: String) -> CalendarDate? {
            let text = form.value(id).trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return nil }
            guard let parsed = CalendarDate(iso: text) else {
                problems.append(ValidationIssue(field: id, message: FormKeys.notADate(text)))
                return nil
            }
            return parsed
        }
        let relocation = Relocation(travelDate: date("travelDate"), travelNotes: form.value("travelNotes"),
                                    departureDate: date("departureDate"), arrivalDate: date("arrivalDate"),
                                    receptionPlace: form.value("receptionPlace"), metBy: form.value("metBy"))
        return (relocation, problems)
    }

    /// The travel and arrival form of a case, focused on the next thing to record.
    static func travel(_ stored: StoredCase, context: SessionContext) -> FormScreen {
        let current = stored.record.relocation
        var form = form(current)
        form.focus(on: current.travelDate == nil ? "travelDate" : current.departureDate == nil ? "departureDate" : "arrivalDate")
        let moving = stored.record.stage == .relocation
        return FormScreen(title: "Travel", heading: "Travel and arrival of \(stored.record.id)"
                          + (moving ? " · an arrival moves it to Integration" : " · corrections"), form: form) { form, now in
            let (relocation, problems) = relocation(from: form)
            guard problems.isEmpty else { return .problems(problems) }
            return IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.recordRelocation(relocation, on: record, by: context.actor, at: now)
            }
        }.keeping("travel", on: stored)
    }

    /// A supervisor takes back an approved allocation before departure, saying why: the case
    /// returns to the allocation queue and its place is free again (`reopenAllocation`).
    static func reopenAllocation(_ stored: StoredCase, context: SessionContext) -> FormScreen {
        let record = stored.record
        let country = record.allocatedCountry?.rawValue ?? "its country"
        var sections = [Form.Section(title: "Reopen the allocation to \(country)", fields: [
            FormField("reason", "Reason", .text(maximumLength: 1000), hint: "why the approval is taken back"),
        ])]
        // What the reopening clears with it is said before it is saved (the history keeps it).
        if let override = record.allocation?.override {
            sections.append(Form.Section(title: "Also cleared: the override to \(override.country)", fields: []))
        }
        // The travel, with what it was (a walk saw "travel notes" cleared, not which): kept as a note.
        if let travel = Workflow.clearedTravel(record) {
            sections.append(Form.Section(title: "Travel cleared, kept as a note", fields: [], text: [travel]))
        }
        // Linked relatives placed somewhere rank it with them by family unity (wherever that is).
        let relatives = record.family.compactMap(\.linkedCase).map(\.rawValue)
        if let first = relatives.first {
            sections.append(Form.Section(title: "Linked \(first)\(relatives.count > 1 ? " +\(relatives.count - 1)" : ""): family unity ranks it with them",
                                         fields: []))
        }
        return FormScreen(title: "Reopen allocation", heading: "\(record.id) back to the queue, its place in \(country) freed · Ctrl-S",
                          form: Form(sections: sections)) { form, now in
            let reason = form.value("reason")
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                return .problems([ValidationIssue(field: "reason", message: "Say why the approval of \(country) is taken back: the record keeps it.")])
            }
            return IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.perform(.reopenAllocation, on: record, by: context.actor, at: now, reason: reason)
            }
        }.keeping("reopen-allocation", on: stored)
    }

    /// An arrival recorded by mistake taken back, saying why and where he is now: the case
    /// returns to Relocation, its travel and departure kept for correcting (`undoArrival`).
    static func undoArrival(_ stored: StoredCase, context: SessionContext) -> FormScreen {
        let record = stored.record
        let arrived = record.relocation.arrivalDate.map { " on \($0)" } ?? ""
        let places = [FormOption("", "— where is he now? —")]
            + FormOption.all(CustodyStatus.self).filter { $0.value != CustodyStatus.inHostCountry.rawValue }
        var sections = [Form.Section(title: "Undo the arrival\(arrived) in \(record.allocatedCountry?.rawValue ?? "the country")", fields: [
            FormField("custody", "Where he is now", .choice(places), hint: "the arrival had set it to the host country"),
            FormField("reason", "Reason", .text(maximumLength: 1000), hint: "why the arrival is taken back"),
        ])]
        if let live = Workflow.liveInCountry(record) {
            sections.append(Form.Section(title: "End first, on the Integrate screen (i): \(live)", fields: []))
        }
        return FormScreen(title: "Undo arrival", heading: "\(record.id) back to Relocation, travel and departure kept · Ctrl-S",
                          form: Form(sections: sections)) { form, now in
            let custody = CustodyStatus(rawValue: form.value("custody"))
            let reason = form.value("reason")
            return IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.undoArrival(on: record, custody: custody, reason: reason, by: context.actor, at: now)
            }
        }.keeping("undo-arrival", on: stored)
    }
}
