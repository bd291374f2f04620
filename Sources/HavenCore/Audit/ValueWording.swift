import Foundation

/// How a field's value reads on the screens, for the wording of a change: the trail keeps each
/// value as its JSON text (`"2026-11-03"`, `true`, `"ground-forces"`), people read
/// 2026-11-03, yes, Ground Forces.
enum ValueKind {
    /// Free text, a code or a name, as it is (quotes taken off).
    case text
    /// A day (`2026-11-03`) or an instant, to the minute (`2026-11-24 09:30`).
    case date
    case yesNo
    /// A count, or points (whole points without a decimal).
    case number
    /// A pick-list value by its title; `title` answers nil for a raw value it does not know.
    case choice(title: @Sendable (String) -> String?)
    /// A sensitive family field: its value is never shown, whatever the trail holds.
    case withheld
    /// A field the wording does not know: read as well as its form allows (text without
    /// quotes, an instant to the minute, yes or no).
    case plain
    /// An amount of money in minor units, in its currency (when known): `10000.00 USD`.
    case money(currency: String?)

    /// The title of a `Choice`'s raw value.
    static func titles<C: Choice>(_ type: C.Type) -> ValueKind {
        .choice { C(rawValue: $0)?.title }
    }
}

enum ValueWording {
    /// What a value nobody recorded reads as.
    static let none = "—"
    /// What a withheld (sensitive) value reads as.
    static let notRecorded = "not recorded"
    /// What a value erased with its case (retention) reads as.
    static let erased = "(erased)"

    /// The value of `json` (one value of the trail, nil when the field did not exist) as `kind` shows it.
    static func text(_ json: String?, as kind: ValueKind) -> String {
        guard let json else { return none }
        if case .withheld = kind { return notRecorded }
        if FieldChange.isErased(json) { return erased }
        if json == "null" { return none }
        if json == "[]" || json == "{}" { return "(none)" }
        let plain = decoded(json)
        // An empty text reads as the screens show it: a dash.
        if plain.isEmpty { return none }
        switch kind {
        case .withheld: return notRecorded
        case .text: return oneLine(plain)
        case .date, .plain:
            if case .plain = kind, json == "true" || json == "false" { return json == "true" ? "yes" : "no" }
            if let time = Timestamp(iso: plain) { return time.minuteText }
            return oneLine(plain)
        case .yesNo:
            return json == "true" ? "yes" : json == "false" ? "no" : oneLine(plain)
        case .number:
            return number(plain)
        case let .choice(title):
            return title(plain) ?? oneLine(plain)
        case let .money(currency):
            guard let minorUnits = Int64(plain) else { return oneLine(plain) }
            let money = Money(minorUnits: minorUnits, currency: currency ?? "")
            return currency == nil ? String(money.description.dropLast()) : money.description
        }
    }

    /// The text of a JSON string, or the JSON itself for anything else (a number).
    static func decoded(_ json: String) -> String {
        if FieldChange.isErased(json) { return erased }
        guard json.hasPrefix("\"") else { return json }
        return (try? JSONDecoder().decode(String.self, from: Data(json.utf8))) ?? String(json.dropFirst().dropLast())
    }

    /// Points as the allocation screen shows them: whole numbers without a decimal.
    static func number(_ text: String) -> String {
        guard let value = Double(text) else { return text }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.1f", value)
    }

    /// A value on one line: a line break shows as ↵, so a note cannot break the screen's rows.
    static func oneLine(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return text }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ↵ ")
    }
}
