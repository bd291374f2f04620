import ArgumentParser
import Foundation
import HavenCore
import HavenStore

/// `haven calendar`: the user's own scheduled appointments as an iCalendar file (RFC 5545),
/// for their own calendar program; when, how long, what kind and the case number only.
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Your scheduled appointments as an iCalendar (.ics) file for your own calendar.",
        discussion: """
            haven calendar --output ~/haven.ics
            haven calendar --days 14 > week.ics

            Only the appointments you attend, from a week ago to --days ahead. Each event gives the \
            time, the case number and a neutral word for the kind (Interview, Assessment, Call, Meeting); \
            never a name, a place, an interpreter or an outcome, so the file can sit in a phone's calendar.
            """)

    @Option(help: ArgumentHelp("How many days ahead to include.", valueName: "days")) var days = 90
    @Option(help: ArgumentHelp("Write here instead of standard output (created 0600; never over a file).", valueName: "file"))
    var output: String?
    @OptionGroup var encryption: EncryptionOptions
    @OptionGroup var store: StoreOptions

    func run() throws {
        guard (1...3660).contains(days) else { throw ValidationError("--days takes 1 to 3660, not \(days).") }
        let (opened, actor) = try store.open(for: .viewCases)
        guard MyWork.applies(to: actor.role) else {
            throw HavenFailure("\(actor.user) is \(actor.role.withArticle) and attends no appointments; the calendar is for caseworkers and supervisors.")
        }
        let now = Timestamp.now()
        let from = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch - 7 * 86_400)
        let to = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + Int64(days) * 86_400)
        let entries = AppointmentCalendar.entries(try opened.summaries(), attendedBy: actor.user, from: from, to: to)
        let recipients = try encryption.recipients()
        try opened.logJob(.report, "calendar of \(entries.count) appointment\(entries.count == 1 ? "" : "s") to \(output ?? "standard output")"
                          + encryption.described(recipients), by: actor)
        let host = ProcessInfo.processInfo.hostName.filter { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }
        let text = ICalendar.document(entries, user: actor.user, stamp: now, domain: host.isEmpty ? "haven" : host)
        guard let output else {
            try ReportFile.writeToStandardOutput(Array(text.utf8), what: "the calendar", encryptingTo: recipients)
            return
        }
        try ReportFile.write(text, to: output, store: opened.storeDirectory, encryptingTo: recipients)
        FileHandle.standardError.write(Data("Wrote \(entries.count) appointment\(entries.count == 1 ? "" : "s") to \(output).\n".utf8))
    }
}
