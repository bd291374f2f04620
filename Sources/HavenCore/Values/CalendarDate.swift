/// A day in the proleptic Gregorian calendar, with no time and no time zone.
///
/// Birth dates, screening dates and due dates are days, not instants: a date of birth must not
/// shift when a caseworker's server changes zone. The JSON form is `"YYYY-MM-DD"` so that a
/// supervisor reading the store with `jq` sees an ordinary date.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date, or returns nil when the day does not exist (30 February, month 13).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...CalendarDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses the ISO 8601 calendar form `YYYY-MM-DD`, the only form Haven stores.
    public init?(iso text: String) {
        // Read as bytes: the store reads hundreds of thousands of dates when it opens.
        var text = text
        guard let date = text.withUTF8({ CalendarDate(isoBytes: $0) }) else { return nil }
        self = date
    }

    /// `init?(iso:)` from the text's UTF-8 bytes.
    public init?(isoBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard let parts = CalendarDate.parts(ofISO: bytes) else { return nil }
        self.init(year: parts.year, month: parts.month, day: parts.day)
    }

    struct Parts {
        var year = 0, month = 0, day = 0
    }

    /// Year, month and day of exactly `DDDD-DD-DD` in ASCII digits, or nil.
    static func parts(ofISO bytes: UnsafeBufferPointer<UInt8>) -> Parts? {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        var parts = Parts()
        for offset in 0..<10 where offset != 4 && offset != 7 {
            let digit = Int(bytes[offset]) - Int(UInt8(ascii: "0"))
            guard (0...9).contains(digit) else { return nil }
            switch offset {
            case 0..<4: parts.year = parts.year * 10 + digit
            case 5..<7: parts.month = parts.month * 10 + digit
            default: parts.day = parts.day * 10 + digit
            }
        }
        return parts
    }

    /// Days since 1970-01-01 (negative before it).
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil: exact for every Gregorian date.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date that is `days` days since 1970-01-01.
    public init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    public func adding(days: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// The same day `months` months later, or the month's last day when it is shorter
    /// (31 January + 1 month = 28 or 29 February).
    public func adding(months: Int) -> CalendarDate {
        let total = year * 12 + (month - 1) + months
        let y = total / 12, m = total % 12 + 1
        return CalendarDate(year: y, month: m, day: min(day, CalendarDate.daysIn(month: m, year: y)))!
    }

    /// Whole months from `self` to `other` (a month is complete on the same day of the month).
    public func months(until other: CalendarDate) -> Int {
        var months = (other.year - year) * 12 + (other.month - month)
        if other.day < day, other.day < CalendarDate.daysIn(month: other.month, year: other.year) { months -= 1 }
        return months
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: CalendarDate) -> Int {
        other.daysSinceEpoch - daysSinceEpoch
    }

    /// Age in completed years on `date`.
    public func age(on date: CalendarDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    public var description: String {
        guard (1...9999).contains(year) else {
            // Only arithmetic far outside the calendar makes such a date.
            func pad(_ n: Int, _ width: Int) -> String {
                let s = String(n)
                return String(repeating: "0", count: max(0, width - s.count)) + s
            }
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        }
        // Digits written straight into ten bytes: every date the store writes goes through here.
        return String(unsafeUninitializedCapacity: 10) { buffer in
            CalendarDate.writeDigits(year, count: 4, into: buffer, at: 0)
            buffer[4] = UInt8(ascii: "-")
            CalendarDate.writeDigits(month, count: 2, into: buffer, at: 5)
            buffer[7] = UInt8(ascii: "-")
            CalendarDate.writeDigits(day, count: 2, into: buffer, at: 8)
            return 10
        }
    }

    /// Writes `value` as `count` digits, zero-padded, at `offset`.
    static func writeDigits(_ value: Int, count: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var rest = value
        for position in stride(from: offset + count - 1, through: offset, by: -1) {
            buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }

    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension CalendarDate: ISOStringCodable {
    public static let expectedForm = "a date in the form YYYY-MM-DD"
}

/// A value stored in JSON as its ISO 8601 text (`description`), read back with `init?(iso:)`.
public protocol ISOStringCodable: Codable, CustomStringConvertible {
    init?(iso text: String)
    /// What the text should look like, for the error when it does not.
    static var expectedForm: String { get }
}

extension ISOStringCodable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self(iso: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not \(Self.expectedForm)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
