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
        /// How many times in a row it was said, and when last.
        public var times = 1
        public var last: Timestamp
    }

    /// The most kept: older ones are dropped first.
    public static let limit = 100
    public private(set) var entries: [Entry] = []
    /// How many messages were said in all (repeats too): whether anything was said since.
    public private(set) var count = 0

    public init() {}

    /// Keeps `text`, said at `at`; the same text said again in a row is counted, not repeated.
    public mutating func record(_ text: String, kind: StatusKind, at: Timestamp) {
        count += 1
        if let last = entries.last, last.text == text, last.kind == kind {
            entries[entries.count - 1].times += 1
            entries[entries.count - 1].last = at
            return
        }
        entries.append(Entry(at: at, text: text, kind: kind, last: at))
        if entries.count > Self.limit { entries.removeFirst(entries.count - Self.limit) }
    }

    /// The page that reads them, newest first, each whole and wrapped.
    public func screen() -> TextViewScreen {
        let heading = entries.isEmpty ? "Messages · none yet this session" : "Messages · \(entries.count) this session, newest first, times UTC"
        let lines = entries.reversed().map { entry in
            let mark = switch entry.kind {
            case .info: ""
            case .warning: "! "
            case .error: "✗ "
            }
            return "\(Self.clock(entry.at))  \(mark)\(entry.text)" + (entry.times > 1 ? " (×\(entry.times), last \(Self.clock(entry.last)))" : "")
        }
        return TextViewScreen(title: "Messages", heading: heading,
                              text: lines.isEmpty ? "Nothing has been said on the status line yet." : lines.joined(separator: "\n"))
    }

    /// The time of day, UTC, to the second ("2026-12-07T21:30:02Z" → "21:30:02").
    static func clock(_ time: Timestamp) -> String { String(time.description.dropFirst(11).prefix(8)) }
}
