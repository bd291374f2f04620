/// One key binding: the keys, the action they trigger, the short label for the key bar
/// (nil keeps it out of the bar) and the help text. Keys are data: the help screen and the
/// key bar are generated from these tables, so they can never disagree with the code.
public struct KeyBinding<Action: Sendable>: Sendable {
    public let keys: [Key]
    public let action: Action
    public let label: String?
    public let help: String

    public init(_ keys: [Key], _ action: Action, label: String? = nil, help: String) {
        self.keys = keys
        self.action = action
        self.label = label
        self.help = help
    }
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

    /// The action bound to `key`, if any.
    public func action(for key: Key) -> Action? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    public func helpSection(title: String) -> HelpSection {
        HelpSection(title: title, entries: bindings.map {
            HelpEntry(keys: $0.keys.map(\.description).joined(separator: ", "), text: $0.help)
        })
    }

    /// The labelled bindings as key bar items, each shown with its first key that `isUsable`;
    /// a binding with no usable key is left out.
    public func keyBarItems(where isUsable: (Key) -> Bool) -> [KeyBarItem] {
        bindings.compactMap { binding in
            guard let label = binding.label, let key = binding.keys.first(where: isUsable) else { return nil }
            return KeyBarItem(key: key.description, label: label)
        }
    }
}
