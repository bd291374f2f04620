import ArgumentParser
import Foundation
import HavenCore
import HavenStore

/// `haven travel HV-…`: records a case's travel and arrival from the command line, through the
/// same workflow rule as the interface's travel form (an arrival moves the case to Integration).
struct TravelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "travel",
        abstract: "Record a case's travel, departure and arrival (an arrival moves it on to Integration).",
        discussion: """
            haven travel HV-000123 --date 2026-12-10 --route "KBP-WAW-LHR, escorted"
            haven travel HV-000123 --left 2026-12-10
            haven travel HV-000123 --arrived 2026-12-11 --reception "Croydon reception centre" --met-by "A. Smith, Home Office"

            Options not given keep what is recorded; an empty value ("") clears a text. The case's caseworker \
            or a supervisor records it; every change goes to the audit trail.
            """)

    @Argument(help: "The case, e.g. HV-000123.") var caseID: String
    @Option(help: ArgumentHelp("The date travel is arranged for.", valueName: "YYYY-MM-DD")) var date: String?
    @Option(help: ArgumentHelp("The route and arrangements.", valueName: "text")) var route: String?
    @Option(help: ArgumentHelp("The day he left.", valueName: "YYYY-MM-DD")) var left: String?
    @Option(help: ArgumentHelp("The day he arrived.", valueName: "YYYY-MM-DD")) var arrived: String?
    @Option(help: ArgumentHelp("The place of reception.", valueName: "text")) var reception: String?
    @Option(name: .customLong("met-by"), help: ArgumentHelp("Who met him: name and organisation.", valueName: "text")) var metBy: String?
    @Option(help: ArgumentHelp("Why you need a case that is not yours (kept in the access log).", valueName: "text")) var reason: String?
    @OptionGroup var store: StoreOptions

    func run() throws {
        guard let id = CaseID(caseID) else { throw HavenFailure("'\(caseID)' is not a case number such as HV-000123.") }
        func day(_ text: String?, _ option: String) throws -> CalendarDate?? {
            guard let text else { return .none }
            if text.isEmpty { return .some(nil) }
            guard let date = CalendarDate(iso: text) else { throw HavenFailure("--\(option) '\(text)' is not a date; write it as YYYY-MM-DD.") }
            return .some(date)
        }
        let (opened, actor) = try store.open(for: .confirmArrival)
        let stored: StoredCase
        stored = try opened.readForCommand(id, by: actor, reason: reason)
        var relocation = stored.record.relocation
        if let value = try day(date, "date") { relocation.travelDate = value }
        if let value = try day(left, "left") { relocation.departureDate = value }
        if let value = try day(arrived, "arrived") { relocation.arrivalDate = value }
        if let route { relocation.travelNotes = route }
        if let reception { relocation.receptionPlace = reception }
        if let metBy { relocation.metBy = metBy }
        let time = Timestamp.now()
        let next: Case
        do {
            next = try Workflow.recordRelocation(relocation, on: stored.record, by: actor, at: time)
        } catch let WorkflowError.invalid(issues) {
            throw HavenFailure("\(id): nothing saved; " + issues.map(\.message).joined(separator: " "))
        } catch {
            throw HavenFailure("\(id): \(error)")
        }
        let version: CaseVersion
        do { version = try opened.save(next, basedOn: stored.version, by: actor, at: time) } catch { throw HavenFailure("\(id): \(error)") }
        let moved = next.stage != stored.record.stage ? "; now in \(next.stage.title)" : ""
        print("Saved \(id) as \(version)\(moved).")
    }
}
