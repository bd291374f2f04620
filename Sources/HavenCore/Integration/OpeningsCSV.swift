/// Job openings from a CSV file (`haven openings import FILE.csv`). The first line names the
/// columns, in any order: id, employer, country, city, isco, languages, start_date, places
/// (languages as `de:B1; en:A2`, empty for none). Every bad row is reported with its line and
/// field; the caller imports nothing unless there are none.
public enum OpeningsCSV {
    public static let columns = ["id", "employer", "country", "city", "isco", "languages", "start_date", "places"]

    /// A problem in the file: the line, the column, and what is wrong.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        public var line: Int
        public var field: String
        public var message: String
        public var description: String { "line \(line), \(field): \(message)" }
    }

    /// The openings, or (when `problems` is not empty) what is wrong with the file.
    public static func parse(_ text: String, countries: [HostCountry], existing: [JobOpening] = []) -> (openings: [JobOpening], problems: [Problem]) {
        let records: [CSV.Record]
        do { records = try CSV.records(text) } catch { return ([], [Problem(line: error.line, field: "file", message: error.message)]) }
        guard let header = records.first else { return ([], [Problem(line: 1, field: "file", message: "the file is empty; the first line names the columns: \(columns.joined(separator: ","))")]) }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let missing = columns.filter { !names.contains($0) }
        let unknown = names.filter { !columns.contains($0) }
        guard missing.isEmpty, unknown.isEmpty, Set(names).count == names.count else {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(missing.joined(separator: ", "))") }
            if !unknown.isEmpty { parts.append("unknown \(unknown.joined(separator: ", "))") }
            if Set(names).count != names.count { parts.append("a column named twice") }
            return ([], [Problem(line: header.line, field: "header", message: parts.joined(separator: "; ") + "; expected \(columns.joined(separator: ","))")])
        }
        let position = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var problems: [Problem] = []
        var openings: [JobOpening] = []
        var seen = Dictionary(existing.map { ($0.id, 0) }, uniquingKeysWith: { a, _ in a })
        for record in records.dropFirst() {
            guard record.fields.count == names.count else {
                problems.append(Problem(line: record.line, field: "row", message: "\(record.fields.count) fields where the header has \(names.count)"))
                continue
            }
            func value(_ column: String) -> String { record.fields[position[column]!].trimmingCharacters(in: .whitespaces) }
            var rowProblems: [Problem] = []
            func problem(_ field: String, _ message: String) { rowProblems.append(Problem(line: record.line, field: field, message: message)) }
            var country = CountryCode(value("country").uppercased())
            if country == nil {
                problem("country", "'\(value("country"))' is not a country code such as DE")
            } else if !countries.isEmpty, !countries.contains(where: { $0.code == country }) {
                problem("country", "\(country!) is not one of the host countries")
                country = nil
            }
            let isco = ISCOCode(value("isco"))
            if isco == nil { problem("isco", "'\(value("isco"))' is not an ISCO-08 unit group (four digits)") }
            var languages: [LanguageRequirement] = []
            switch LanguageRequirement.parse(value("languages")) {
            case let .success(parsed): languages = parsed
            case let .failure(issue): problem("languages", issue.message)
            }
            let start = CalendarDate(iso: value("start_date"))
            if start == nil { problem("start_date", "'\(value("start_date"))' is not a date in the form YYYY-MM-DD") }
            let places = Int(value("places"))
            if places == nil { problem("places", "'\(value("places"))' is not a whole number") }
            if let country, let isco, let start, let places {
                let opening = JobOpening(id: value("id"), employer: value("employer"), country: country, city: value("city"),
                                         occupation: isco, languages: languages, startDate: start, places: places)
                for issue in opening.issues(countries: countries) { problem(issue.field, issue.message) }
                if let earlier = seen[opening.id] {
                    problem("id", earlier == 0 ? "\(opening.id) is already an opening in the store" : "\(opening.id) is also on line \(earlier)")
                } else if !opening.id.isEmpty {
                    seen[opening.id] = record.line
                }
                if rowProblems.isEmpty { openings.append(opening) }
            }
            problems += rowProblems
        }
        if problems.isEmpty, openings.isEmpty { problems.append(Problem(line: header.line, field: "file", message: "no openings under the header")) }
        return (problems.isEmpty ? openings : [], problems)
    }
}
