import Foundation
import HavenCore
@testable import HavenTUI

/// A scenario as a person would type it, in the words of `tui-shot` (tig's test scripts):
///
///     # a comment
///     session anna.k               a new session of that user on the shared store (today's date)
///     session anna.k 2027-02-27    ... with the session's clock on that day
///     key 1 C-g d Tab Enter        keys, by tmux's names: Up Down Left Right Home End PPage NPage
///                                  Enter Escape Tab BTab BSpace DC IC Space F1..F12 C-x; any
///                                  other single character is that character
///     type Жуков Артём             text typed as is, to the end of the line
///     shot 01-empty-form           compare the screen now with Scenarios/<scenario>/01-empty-form.screen
///     expect Registered HV-000004  stop unless the text is on the screen now
struct ScenarioScript {
    enum Action: Equatable {
        case session(UserName, CalendarDate?)
        case key(Key)
        case shot(String)
        case expect(String)
    }

    struct Step: Equatable {
        let line: Int
        let action: Action
    }

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    let name: String
    let path: String
    let steps: [Step]

    init(name: String, path: String, text: String) throws {
        self.name = name
        self.path = path
        var steps: [Step] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let text = String(raw)
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let verb = String(trimmed.prefix { $0 != " " })
            // The argument keeps its inner spaces; `type` keeps trailing ones too.
            let argument = String(text.drop { $0 == " " }.dropFirst(verb.count).dropFirst())
            func fail(_ message: String) -> Problem { Problem(description: "\(path):\(line): \(message)") }
            switch verb {
            case "session":
                let words = argument.split(separator: " ").map(String.init)
                guard let user = words.first.flatMap(UserName.init), words.count <= 2 else { throw fail("session USER [YYYY-MM-DD]") }
                let day = try words.dropFirst().first.map { word -> CalendarDate in
                    guard let day = CalendarDate(iso: word) else { throw fail("'\(word)' is not a date") }
                    return day
                }
                steps.append(Step(line: line, action: .session(user, day)))
            case "key":
                for word in argument.split(separator: " ") {
                    guard let key = Self.key(named: String(word)) else { throw fail("no key is called '\(word)'") }
                    steps.append(Step(line: line, action: .key(key)))
                }
            case "type":
                guard !argument.isEmpty else { throw fail("type what?") }
                steps += argument.map { Step(line: line, action: .key(.character($0))) }
            case "shot":
                let name = argument.trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                    throw fail("shot NAME, in letters, digits and -")
                }
                guard !steps.contains(where: { $0.action == .shot(name) }) else {
                    throw fail("a second shot called \(name)")
                }
                steps.append(Step(line: line, action: .shot(name)))
            case "expect":
                guard !argument.isEmpty else { throw fail("expect what?") }
                steps.append(Step(line: line, action: .expect(argument)))
            default:
                throw fail("'\(verb)' is not a step (session, key, type, shot, expect)")
            }
        }
        guard case .session? = steps.first?.action else {
            throw Problem(description: "\(path): a scenario starts with 'session USER'")
        }
        self.steps = steps
    }

    static let namedKeys: [String: Key] = [
        "Up": .up, "Down": .down, "Left": .left, "Right": .right, "Home": .home, "End": .end,
        "PPage": .pageUp, "PageUp": .pageUp, "PgUp": .pageUp, "NPage": .pageDown, "PageDown": .pageDown, "PgDn": .pageDown,
        "Enter": .enter, "Escape": .escape, "Esc": .escape, "Tab": .tab, "BTab": .backTab, "BSpace": .backspace,
        "DC": .delete, "Delete": .delete, "IC": .insert, "Insert": .insert, "Space": .character(" "),
    ]

    static func key(named name: String) -> Key? {
        if let key = namedKeys[name] { return key }
        if name.count == 1 { return .character(name.first!) }
        if name.hasPrefix("C-"), name.count == 3 { return .control(Character(name.dropFirst(2).lowercased())) }
        if name.hasPrefix("F"), let number = Int(name.dropFirst()), (1...12).contains(number) { return .function(number) }
        return nil
    }
}
