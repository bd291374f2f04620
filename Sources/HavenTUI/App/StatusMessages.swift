import HavenCore

/// What the status line said this session, newest last, so a message cut at the terminal's
/// width (or replaced by the next key) can be read whole: Ctrl-P, anywhere. Kept in memory
/// only, for this session; cleared when a case is closed to the reader, since messages name
/// cases. The progress of a long job is not kept, only how it ended.
public struct StatusMessages: Sendable {
    public struct Entry: Sendable, Equatable {
        public let at: Timestamp
        public let text: String
        public let kind: StatusKind
        /// How many times in a row it was said.
        public var times = 1
    }

    /// The most kept: older ones are dropped first.
    public static let limit = 100
    public private(set) var entries: [Entry] = []

    public init() {}

    /// Keeps `text`, said at `at`; the same text said again in a row is counted, not repeated.
    public mutating func record(_ text: String, kind: StatusKind, at: Timestamp) {
        if let last = entries.last, last.text == text, last.kind == kind {
            entries[entries.count - 1].times += 1
            return
        }
        entries.append(Entry(at: at, text: text, kind: kind))
        if entries.count > Self.limit { entries.removeFirst(entries.count - Self.limit) }
    }

    /// The page that reads them, newest first, each whole and wrapped.
    public func screen() -> TextViewScreen {
        let heading = entries.isEmpty ? "Messages · none yet this session" : "Messages · \(entries.count) this session, newest first"
        let lines = entries.reversed().map { entry in
            let mark = switch entry.kind {
            case .info: ""
            case .warning: "! "
            case .error: "✗ "
            }
            return "\(Self.clock(entry.at))  \(mark)\(entry.text)" + (entry.times > 1 ? " (×\(entry.times))" : "")
        }
        return TextViewScreen(title: "Messages", heading: heading,
                              text: lines.isEmpty ? "Nothing has been said on the status line yet." : lines.joined(separator: "\n"))
    }

    /// The time of day, UTC, to the second.
    static func clock(_ time: Timestamp) -> String {
        let seconds = Int((time.secondsSinceEpoch % 86_400 + 86_400) % 86_400)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
    }
}
