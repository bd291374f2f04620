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
                problems.append(ValidationIssue(field: id, message: "'\(text)' is not a date; write it as YYYY-MM-DD."))
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
        let country = stored.record.allocatedCountry?.rawValue ?? "its country"
        // Linked relatives allocated there keep the case there by family unity until they are
        // reopened too: said before the reason is written.
        let relatives = stored.record.family.compactMap(\.linkedCase).map(\.rawValue)
        let title = relatives.isEmpty ? "Reopen the allocation to \(country)"
            : "Reopen \(country) · linked \(relatives.joined(separator: ", ")) there hold it (reopen them too)"
        let form = Form(sections: [Form.Section(title: title, fields: [
            FormField("reason", "Reason", .text(maximumLength: 1000), hint: "why the approval is taken back"),
        ])])
        return FormScreen(title: "Reopen allocation", heading: "\(stored.record.id) back to the queue, its place in \(country) freed · Ctrl-S",
                          form: form) { form, now in
            let reason = form.value("reason")
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                return .problems([ValidationIssue(field: "reason", message: "Say why the approval of \(country) is taken back: the record keeps it.")])
            }
            return IntegrationActions.save(stored) { record throws(WorkflowError) in
                try Workflow.perform(.reopenAllocation, on: record, by: context.actor, at: now, reason: reason)
            }
        }.keeping("reopen-allocation", on: stored)
    }
}
