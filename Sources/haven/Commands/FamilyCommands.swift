import ArgumentParser
import Foundation
import HavenCore
import HavenStore

/// `haven publicity export`: the approved public stories, for the programme's communications.
struct PublicityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publicity",
        abstract: "Export the approved public stories: what each person agreed may be told, nothing of his family, no place finer than the country.",
        discussion: """
            haven publicity export [--output FILE]

            Only cases approved by a supervisor whose consent is still in force are written; a withdrawn \
            consent leaves the export at once. Each export is recorded in the audit trail.
            """)

    @Argument(help: "export.") var action: String = "export"
    @Option(help: ArgumentHelp("Write here instead of standard output (created 0600).", valueName: "file")) var output: String?
    @OptionGroup var encryption: EncryptionOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var data: DataOptions

    func run() throws {
        guard action == "export" else { throw HavenFailure("\(action) is not an action here; use export.") }
        let (opened, actor) = try store.open(for: .exportPublicity)
        let reference = try opened.adopt(data.loadReferenceData())
        // Need to know: a restricted case's story only from its team or a supervisor.
        let users = try opened.users()
        let approved = try opened.summaries().filter { $0.publicity?.isApproved == true && NeedToKnow.level(of: actor, for: $0, users: users) != .refused }
        let recipients = try encryption.recipients()
        try opened.logJob(.export, "publicity export of \(approved.count) approved stor\(approved.count == 1 ? "y" : "ies") to \(output ?? "standard output")"
                          + encryption.described(recipients), by: actor)
        let records = try approved.map { try opened.load($0.id).record }
        let stories = PublicStory.all(records, countries: try opened.hostCountries(), occupations: reference.occupations, today: .today())
        let text = String(decoding: try StoreExport.stories(stories), as: UTF8.self)
        try opened.auditExport("publicity", "\"\(stories.count) approved stor\(stories.count == 1 ? "y" : "ies") (\(stories.map(\.reference.rawValue).joined(separator: ", "))) to \(output ?? "standard output")\"",
                               by: actor, at: .now())
        if let output {
            try ReportFile.write(text, to: output, store: opened.storeDirectory, encryptingTo: recipients)
            FileHandle.standardError.write(Data("Wrote \(stories.count) approved stor\(stories.count == 1 ? "y" : "ies") to \(output).\n".utf8))
        } else {
            try ReportFile.writeToStandardOutput(Array(text.utf8), what: "the stories", encryptingTo: recipients)
        }
    }
}
