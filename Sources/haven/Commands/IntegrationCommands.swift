import ArgumentParser
import Foundation
import HavenCore
import HavenStore

/// `haven openings`: list the job openings, or import them from a CSV file.
struct OpeningsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openings",
        abstract: "The job openings, with places filled; administrators import them from CSV.",
        discussion: """
            haven openings                        list them
            haven openings import FILE.csv        add the file's openings (administrators)
            haven openings import FILE.csv --dry-run   check the file, write nothing

            The first line names the columns, in any order: \(OpeningsCSV.columns.joined(separator: ",")). \
            languages is written de:B1; en:A2 (empty for none), start_date YYYY-MM-DD. Every bad row is reported \
            with its line and field, and then nothing is imported.
            """)

    @Argument(help: "list or import.") var action: String = "list"
    @Argument(help: "For import: the CSV file.") var file: String?
    @Flag(help: "Check the file and report, but import nothing.") var dryRun = false
    @OptionGroup var store: StoreOptions
    @OptionGroup var data: DataOptions

    func run() throws {
        switch action {
        case "list":
            let (opened, _) = try store.open(for: .viewCases)
            let reference = try opened.adopt(data.loadReferenceData())
            print(Self.table(try opened.catalogue(of: JobOpening.self), use: JobOpening.use(in: try opened.summaries()),
                             occupations: reference.occupations).text, terminator: "")
        case "import":
            guard let file else { throw HavenFailure("import takes the CSV file to read, such as: haven openings import openings.csv [--dry-run]") }
            let (opened, actor) = try store.open(for: .manageIntegrationCatalogue)
            let reference = try opened.adopt(data.loadReferenceData())
            let bytes = try ReportFile.read(file)
            guard let text = String(data: bytes, encoding: .utf8) else {
                throw HavenFailure("\(file) is not UTF-8 text; save it from the spreadsheet as CSV UTF-8.")
            }
            let (openings, problems) = OpeningsCSV.parse(text, countries: reference.countries,
                                                         existing: try opened.catalogue(of: JobOpening.self))
            guard problems.isEmpty else {
                for problem in problems { FileHandle.standardError.write(Data("\(file): \(problem)\n".utf8)) }
                throw HavenFailure("\(problems.count) problem\(problems.count == 1 ? "" : "s") in \(file); nothing was imported.")
            }
            if dryRun {
                print("\(file): \(openings.count) opening\(openings.count == 1 ? "" : "s") would be imported. Dry run: nothing was written.")
                return
            }
            do { _ = try opened.changeCatalogue(CatalogueChange.add(openings), by: actor, at: .now()) } catch { throw HavenFailure("\(error)") }
            print("Imported \(openings.count) opening\(openings.count == 1 ? "" : "s") from \(file).")
        default:
            throw HavenFailure("\(action) is not an action here; use list or import.")
        }
    }

    static func table(_ openings: [JobOpening], use: CatalogueUse, occupations: OccupationCatalogue) -> ReportTable {
        ReportTable(title: "Job openings", columns: ["id", "employer", "country", "city", "isco", "occupation", "languages", "start", "places", "filled"],
                    numeric: [8, 9], rows: openings.map { opening in
                        [opening.id, opening.employer, opening.country.rawValue, opening.city, opening.occupation.rawValue,
                         occupations.group(opening.occupation)?.title ?? "", opening.languages.map(\.description).joined(separator: " "),
                         opening.startDate.description, String(opening.places), String(use.taken[opening.id] ?? 0)]
                    }, notes: ["\(openings.count) opening\(openings.count == 1 ? "" : "s")."])
    }
}

/// `haven courses`: the language courses with their seats and waiting lists.
struct CoursesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "courses",
        abstract: "The language courses, with seats taken and waiting lists (administrators change them in the interface).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var data: DataOptions

    func run() throws {
        let (opened, _) = try store.open(for: .viewCases)
        _ = try opened.adopt(data.loadReferenceData())
        let summaries = try opened.summaries()
        let rows = try opened.catalogue(of: LanguageCourse.self).map { course in
            let roster = CourseRoster(course: course, summaries: summaries)
            return [course.id, course.language.rawValue, course.targetLevel.rawValue, course.provider, course.country.rawValue, course.city,
                    course.schedule, String(course.capacity), String(roster.enrolled.count), String(roster.waiting.count)]
        }
        print(ReportTable(title: "Language courses", columns: ["id", "language", "level", "provider", "country", "city", "schedule", "seats", "enrolled", "waiting"],
                          numeric: [7, 8, 9], rows: rows, notes: ["\(rows.count) course\(rows.count == 1 ? "" : "s")."]).text, terminator: "")
    }
}
