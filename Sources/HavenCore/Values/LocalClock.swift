import Foundation

/// Times as the people at the server read them: instants are stored in UTC; an appointment
/// is typed and shown in the server's time zone (`TimeZone.current` in a session; tests name
/// one). Daylight saving is the zone's: an hour that does not exist is moved on, as clocks are.
public struct LocalClock: Sendable {
    public let zone: TimeZone

    public init(zone: TimeZone) {
        self.zone = zone
    }

    public static let utc = LocalClock(zone: TimeZone(identifier: "UTC")!)
    /// This process's zone (`TZ`, else /etc/localtime): for tests and tools. A session uses the
    /// server's own (`haven` reads /etc/localtime, whatever a user's `TZ` says).
    public static var server: LocalClock { LocalClock(zone: .current) }

    private func offset(at instant: Timestamp) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant.secondsSinceEpoch))))
    }

    /// The instant as a wall-clock time in the zone, expressed as if it were UTC.
    private func wall(_ instant: Timestamp) -> Timestamp {
        Timestamp(secondsSinceEpoch: instant.secondsSinceEpoch + offset(at: instant))
    }

    /// The zone's day the instant falls on.
    public func day(of instant: Timestamp) -> CalendarDate { wall(instant).date }

    /// Minutes since the zone's midnight.
    public func minuteOfDay(_ instant: Timestamp) -> Int {
        let wall = wall(instant)
        return Int(wall.secondsSinceEpoch - Int64(wall.date.daysSinceEpoch) * 86_400) / 60
    }

    /// "14:05" in the zone.
    public func clockText(_ instant: Timestamp) -> String {
        let minute = minuteOfDay(instant)
        return String(format: "%02d:%02d", minute / 60, minute % 60)
    }

    /// "2026-12-07 14:05" in the zone.
    public func text(_ instant: Timestamp) -> String { "\(day(of: instant)) \(clockText(instant))" }

    /// The instant that the zone's clocks show as `minute` past midnight on `date`. A time the
    /// clocks skip (spring forward) is read with the offset before the change, so it lands that
    /// much later, as a clock would be moved on; a time they show twice (autumn) is the first.
    public func instant(on date: CalendarDate, minute: Int) -> Timestamp {
        let asUTC = Int64(date.daysSinceEpoch) * 86_400 + Int64(minute) * 60
        // The offsets half a day either side cover any one change of offset.
        let before = offset(at: Timestamp(secondsSinceEpoch: asUTC - 43_200))
        let after = offset(at: Timestamp(secondsSinceEpoch: asUTC + 43_200))
        let candidates = [asUTC - before, asUTC - after].map { Timestamp(secondsSinceEpoch: $0) }
        let shown = candidates.filter { wall($0).secondsSinceEpoch == asUTC }
        return shown.min() ?? candidates[0]
    }

    /// The zone's name as people know it ("Europe/Berlin", "UTC").
    public var name: String { zone.identifier }

    /// "Mon", "Tue", … for a date.
    public static func weekday(_ date: CalendarDate) -> String {
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][Supervision.weekStart(of: date).days(until: date)]
    }

    /// "14:05" typed: hours 0-23 and minutes, with ":" or "." or nothing between; nil otherwise.
    public static func minute(typed text: String) -> Int? {
        let digits = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ".", with: ":")
        let parts = digits.split(separator: ":", omittingEmptySubsequences: false)
        let (hours, minutes): (Substring, Substring)
        if parts.count == 2 { (hours, minutes) = (parts[0], parts[1]) }
        else if parts.count == 1, (3...4).contains(digits.count) { (hours, minutes) = (digits.dropLast(2), digits.suffix(2)) }
        else { return nil }
        guard (1...2).contains(hours.count), minutes.count == 2, hours.allSatisfy(\.isASCII), minutes.allSatisfy(\.isASCII),
              let h = Int(hours), let m = Int(minutes), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }
}
