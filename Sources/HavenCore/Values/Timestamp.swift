/// An instant, to the second, in UTC: when a note was written or a stage was entered.
///
/// Stored as an ISO 8601 string (`2026-11-24T21:05:00Z`) so the store reads well in `jq`;
/// formatted and parsed here by arithmetic rather than a date formatter because the store
/// decodes hundreds of thousands of them when it opens.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let secondsSinceEpoch: Int64

    public init(secondsSinceEpoch: Int64) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    public init(date: CalendarDate, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        secondsSinceEpoch = Int64(date.daysSinceEpoch) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    /// The UTC day this instant falls on.
    public var date: CalendarDate {
        CalendarDate(daysSinceEpoch: Int(floorDiv(secondsSinceEpoch, 86_400)))
    }

    public init?(iso text: String) {
        // YYYY-MM-DDTHH:MM:SSZ, exactly 20 characters.
        let chars = Array(text.utf8)
        guard chars.count == 20, chars[10] == UInt8(ascii: "T"), chars[13] == UInt8(ascii: ":"),
              chars[16] == UInt8(ascii: ":"), chars[19] == UInt8(ascii: "Z"),
              let date = CalendarDate(iso: String(decoding: chars[0..<10], as: UTF8.self)) else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for c in chars[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) else { return nil }
                value = value * 10 + Int(c - UInt8(ascii: "0"))
            }
            return value
        }
        guard let h = number(11..<13), let m = number(14..<16), let s = number(17..<19),
              h < 24, m < 60, s < 60 else { return nil }
        self.init(date: date, hour: h, minute: m, second: s)
    }

    public var description: String {
        let seconds = Int(secondsSinceEpoch - Int64(date.daysSinceEpoch) * 86_400)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(date)T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))Z"
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        a.secondsSinceEpoch < b.secondsSinceEpoch
    }

    private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}

extension Timestamp: ISOStringCodable {
    public static let expectedForm = "a UTC time in the form YYYY-MM-DDTHH:MM:SSZ"
}

extension Timestamp {
    /// "2026-11-24 09:30": a time to the minute, for people (UTC, said beside it where it matters).
    public var minuteText: String { String(description.dropLast().replacingOccurrences(of: "T", with: " ").dropLast(3)) }
}
