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
        var text = text
        guard let value = text.withUTF8({ Timestamp(isoBytes: $0) }) else { return nil }
        self = value
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, exactly 20 ASCII characters, read as bytes.
    public init?(isoBytes chars: UnsafeBufferPointer<UInt8>) {
        guard chars.count == 20, chars[10] == UInt8(ascii: "T"), chars[13] == UInt8(ascii: ":"),
              chars[16] == UInt8(ascii: ":"), chars[19] == UInt8(ascii: "Z"),
              let parts = CalendarDate.parts(ofISO: UnsafeBufferPointer(rebasing: chars[0..<10])),
              let date = CalendarDate(year: parts.year, month: parts.month, day: parts.day) else { return nil }
        func number(_ start: Int) -> Int? {
            let (tens, ones) = (Int(chars[start]) - 48, Int(chars[start + 1]) - 48)
            guard (0...9).contains(tens), (0...9).contains(ones) else { return nil }
            return tens * 10 + ones
        }
        guard let h = number(11), let m = number(14), let s = number(17), h < 24, m < 60, s < 60 else { return nil }
        self.init(date: date, hour: h, minute: m, second: s)
    }

    public var description: String {
        let date = date
        let seconds = Int(secondsSinceEpoch - Int64(date.daysSinceEpoch) * 86_400)
        guard (1...9999).contains(date.year) else {
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            return "\(date)T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))Z"
        }
        // Written straight into twenty bytes: every time the store writes goes through here.
        return String(unsafeUninitializedCapacity: 20) { buffer in
            CalendarDate.writeDigits(date.year, count: 4, into: buffer, at: 0)
            buffer[4] = UInt8(ascii: "-")
            CalendarDate.writeDigits(date.month, count: 2, into: buffer, at: 5)
            buffer[7] = UInt8(ascii: "-")
            CalendarDate.writeDigits(date.day, count: 2, into: buffer, at: 8)
            buffer[10] = UInt8(ascii: "T")
            CalendarDate.writeDigits(seconds / 3600, count: 2, into: buffer, at: 11)
            buffer[13] = UInt8(ascii: ":")
            CalendarDate.writeDigits(seconds / 60 % 60, count: 2, into: buffer, at: 14)
            buffer[16] = UInt8(ascii: ":")
            CalendarDate.writeDigits(seconds % 60, count: 2, into: buffer, at: 17)
            buffer[19] = UInt8(ascii: "Z")
            return 20
        }
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
