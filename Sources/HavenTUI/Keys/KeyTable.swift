/// One key binding: the keys, the action they trigger, the short label for the key bar
/// (nil keeps it out of the bar) and the help text. Keys are data: the help screen and the
/// key bar are generated from these tables, so they can never disagree with the code.
public struct KeyBinding<Action: Sendable>: Sendable {
    public let keys: [Key]
    public let action: Action
    public let label: String?
    public let help: String
    /// How the keys are named in help and the key bar when not one by one ("1-9").
    public let display: String?
    /// Why the binding cannot be used now (nil: it can): kept in the table so help names the
    /// key and pressing it says why, instead of doing nothing.
    public let disabled: String?

    public init(_ keys: [Key], _ action: Action, label: String? = nil, help: String, display: String? = nil, disabled: String? = nil) {
        self.keys = keys
        self.action = action
        self.label = label
        self.help = help
        self.display = display
        self.disabled = disabled
    }

    public var isEnabled: Bool { disabled == nil }

    /// The keys as help shows them.
    public var keyNames: String { display ?? keys.map(\.description).joined(separator: ", ") }
}

/// A line of the help screen: the keys and what they do.
public struct HelpEntry: Hashable, Sendable {
    public let keys: String
    public let text: String
}

/// A section of the help screen: a title and its entries.
public struct HelpSection: Hashable, Sendable {
    public let title: String
    public let entries: [HelpEntry]
}

/// An item of the bottom key bar: the first key of a binding and its label.
public struct KeyBarItem: Hashable, Sendable {
    public let key: String
    public let label: String
}

/// The bindings of one screen (or of every screen), looked up in order.
extension KeyBinding {
    /// The two keys of a yes/no question on the status line: y does it, n or Esc does not.
    public static func yesNo(_ yes: Action, _ yesLabel: String, _ yesHelp: String,
                             no: Action, _ noLabel: String, _ noHelp: String) -> [KeyBinding] {
        [KeyBinding([.character("y")], yes, label: yesLabel, help: yesHelp),
         KeyBinding([.character("n"), .escape], no, label: noLabel, help: noHelp)]
    }
}

public struct KeyTable<Action: Sendable>: Sendable {
    public let bindings: [KeyBinding<Action>]

    public init(_ bindings: [KeyBinding<Action>]) {
        self.bindings = bindings
    }

    /// The action bound to `key` and usable now, if any.
    public func action(for key: Key) -> Action? {
        bindings.first { $0.isEnabled && $0.keys.contains(key) }?.action
    }

    /// Why `key` does nothing now, when it is bound but disabled here (and nothing usable
    /// has it).
    public func refusal(for key: Key) -> String? {
        guard action(for: key) == nil else { return nil }
        return bindings.first { !$0.isEnabled && $0.keys.contains(key) }?.disabled
    }

    /// Keys bound more than once among the usable bindings, each naming both bindings: a key
    /// that means two things on one screen is a mistake the tests refuse.
    public var duplicates: [String] {
        var first: [Key: KeyBinding<Action>] = [:]
        var found: [String] = []
        for binding in bindings where binding.isEnabled {
            for key in Set(binding.keys) {
                if let earlier = first[key] {
                    found.append("\(key) is bound to \"\(earlier.help)\" and to \"\(binding.help)\"")
                } else {
                    first[key] = binding
                }
            }
        }
        return found
    }

    public func helpSection(title: String) -> HelpSection {
        HelpSection(title: title, entries: bindings.map {
            HelpEntry(keys: $0.keyNames, text: $0.help + ($0.disabled.map { " (not now: \($0))" } ?? ""))
        })
    }

    /// The labelled usable bindings as key bar items, each shown with its display name or its
    /// first key that `isUsable`; a binding with no usable key is left out.
    public func keyBarItems(where isUsable: (Key) -> Bool) -> [KeyBarItem] {
        bindings.compactMap { binding in
            guard binding.isEnabled, let label = binding.label, let key = binding.keys.first(where: isUsable) else { return nil }
            return KeyBarItem(key: binding.display ?? key.description, label: label)
        }
    }
}
