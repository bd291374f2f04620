/// The research export (issue 24): one row a case, with no name, no case number (a keyed hash
/// stands in for it), dates to the month and ages in bands; every group of rows that share the
/// quasi-identifiers (country, age band, specialty, arrival month) holds at least
/// `smallestGroup` people, or is not written. What is left out is counted, never silently lost.
public enum ResearchExport {
    /// The fewest people a written combination of the quasi-identifiers may describe (k).
    public static let smallestGroup = 5

    /// Beside the four quasi-identifiers only attributes with few values; no month of
    /// registration or family size, which would single people out within a group.
    public static let header = ["person", "country", "age_band", "specialty", "arrival_month", "stage", "decision", "employed"]

    /// One person, as the file says them.
    public struct Row: Hashable, Sendable {
        public var person: String
        public var country: String
        public var ageBand: String
        public var specialty: String
        public var arrivalMonth: String
        public var stage: String
        public var decision: String
        public var employed: String

        /// The quasi-identifiers: what could single a person out with outside knowledge.
        public var group: [String] { [country, ageBand, specialty, arrivalMonth] }
        public var fields: [String] {
            [person, country, ageBand, specialty, arrivalMonth, stage, decision, employed]
        }
    }

    /// What the export holds and what it left out.
    public struct Result: Sendable {
        public var rows: [Row]
        /// People in groups smaller than `smallestGroup`, not written.
        public var suppressed: Int
        public var suppressedGroups: Int
    }

    /// "18-24", "25-34", "35-44", "45-54", "55+", or "unknown" without a birth date.
    public static func ageBand(_ birth: CalendarDate?, on today: CalendarDate) -> String {
        guard let birth else { return "unknown" }
        let age = birth.age(on: today)
        switch age {
        case ..<25: return "18-24"
        case 25..<35: return "25-34"
        case 35..<45: return "35-44"
        case 45..<55: return "45-54"
        default: return "55+"
        }
    }

    static func month(_ date: CalendarDate?) -> String {
        guard let date else { return "" }
        return String(date.description.prefix(7))
    }

    /// One case as a row; `pseudonym` turns the case number into the keyed hash.
    public static func row(_ record: Case, today: CalendarDate, pseudonym: (CaseID) -> String) -> Row {
        let placement = record.integration.openPlacement
        return Row(person: pseudonym(record.id), country: record.allocatedCountry?.rawValue ?? "",
                   ageBand: ageBand(record.defector.birthDate, on: today), specialty: record.defector.service.specialty ?? "",
                   arrivalMonth: month(record.relocation.arrivalDate),
                   stage: record.stage.rawValue, decision: record.decision?.review?.verdict == .approved ? record.decision!.outcome.rawValue : "",
                   employed: placement == nil ? "no" : "yes")
    }

    /// The rows of groups of at least `smallestGroup`, in the order given, and what was left out.
    public static func keepingGroupsOfFive(_ rows: [Row]) -> Result {
        var sizes: [[String]: Int] = [:]
        for row in rows { sizes[row.group, default: 0] += 1 }
        let kept = rows.filter { sizes[$0.group]! >= smallestGroup }
        let small = sizes.filter { $0.value < smallestGroup }
        return Result(rows: kept, suppressed: rows.count - kept.count, suppressedGroups: small.count)
    }

    /// The file: CSV as reports are written (formulas neutralised), rows in pseudonym order so
    /// nothing of the case numbers' order survives.
    public static func csv(_ result: Result) -> String {
        CSV.document(header: header, rows: result.rows.sorted { $0.person < $1.person }.map(\.fields))
    }
}
