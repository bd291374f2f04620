import HavenCore

extension CaseViewScreen {
    /// What an erased case shows in every section: that it was erased (when, under which rule,
    /// by whom), and the facts its tombstone keeps; never the empty defaults of the fields it
    /// no longer has (a rank, a branch, a way of crossing nobody recorded). No key changes it.
    static func erasedLines(_ record: Case) -> [String] {
        guard let erasure = record.erasure else { return [] }
        var lines = ["\(erasure.description). Nothing more is recorded in it; its history keeps who changed what, and when, without the values.", ""]
        func field(_ label: String, _ value: String) { lines.append(label.padding(toLength: 18, withPad: " ", startingAt: 0) + value) }
        field("Registered", "\(record.registeredAt.minuteText) UTC by \(record.registeredBy)")
        if let holder = record.assignedTo { field("Caseworker", holder.rawValue) }
        for change in record.stageHistory {
            field(change.stage.title, "\(change.at.minuteText) UTC by \(change.by)")
        }
        if let closure = record.closure { field("Why closed", closure.reason.title) }
        if let decision = record.decision {
            field("Decision", "\(decision.outcome.title), proposed by \(decision.proposedBy)"
                  + (decision.review.map { ", \($0.verdict.rawValue) by \($0.by)" } ?? ""))
        }
        if let allocation = record.allocation {
            field("Allocation", "\(allocation.finalCountry), proposed by \(allocation.proposedBy)"
                  + (allocation.review.map { ", \($0.verdict.rawValue) by \($0.by)" } ?? ""))
        }
        return lines
    }
}
