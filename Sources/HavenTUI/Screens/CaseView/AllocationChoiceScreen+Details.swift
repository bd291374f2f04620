import Foundation

import HavenCore

/// The details under the ranking: the selected country's factors, what the proposal would
/// say of the runner-up, and family unity.
extension AllocationChoiceScreen {
    /// The selected country, wrapped to `width`: what each factor gives and for what, what the
    /// proposal would say of the runner-up (or why it cannot be proposed), and family unity.
    func detailLines(width: Int) -> [String] {
        guard let option = current, let choice else { return [] }
        var lines = ["\(option.country.name): " + (option.factors.isEmpty ? "no factor scores here"
            : option.factors.map { "\($0.title) \(Int($0.contribution))" + ($0.detail.map { " (\($0))" } ?? "") }.joined(separator: ", "))]
        if let refusal = option.refusal {
            lines.append(refusal)
        } else {
            let typed = reasonFor == option.country.code ? reason?.text ?? "" : ""
            let shownReason = typed.trimmingCharacters(in: .whitespaces).isEmpty ? "(the reason Enter asks for)" : typed
            if let planned = try? choice.planned(option.country.code, reason: choice.needsReason(option.country.code) ? shownReason : "") {
                lines.append("Why not \(planned.runnerUp?.rawValue ?? "another"): " + planned.runnerUpReason)
            }
        }
        if let unity = option.familyUnity { lines.append(unity) }
        // No more is wrapped than the lines shown can hold: a long reason, shown in the runner-up
        // line as it is typed, was wrapped whole at every key (a test typing 2,000 characters).
        let shown = max(1, width) * Self.detailHeight
        return lines.flatMap { DisplayWidth.wrap(String($0.prefix(shown)), to: width - 2, indent: "  ") }
    }
}
