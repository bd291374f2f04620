import ArgumentParser
import Foundation
import HavenCore
import HavenStore

extension Role: ExpressibleByArgument {}
extension ReportKind: ExpressibleByArgument {}

struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Who may use the store, and in which role.",
        subcommands: [List.self, Add.self, Remove.self, Team.self], defaultSubcommand: List.self)

    struct Team: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a user in a team, or in none; administrators only.",
            discussion: "A caseworker sees in full the cases of their team's members as well as their own (need to know).")
        @Argument(help: ArgumentHelp("The user's account name.", valueName: "name")) var name: String
        @Argument(help: ArgumentHelp("The team: 1 to 40 letters, digits, '-', '_' or '.'; omit with --none.", valueName: "team")) var team: String?
        @Flag(help: "Take the user out of any team.") var none = false
        @OptionGroup var store: StoreOptions

        func run() throws {
            let user = try UsersCommand.userName(name)
            guard (team == nil) == none else { throw HavenFailure("Name a team, or give --none.") }
            try UsersCommand.apply(.setTeam(user, team), to: store)
            print(team.map { "\(name) is now in team \($0)." } ?? "\(name) is now in no team.")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the store's users and their roles.")
        @OptionGroup var store: StoreOptions

        func run() throws {
            let (opened, _) = try store.open(for: .viewCases)
            let users = try opened.users().users
            let width = max(4, users.map(\.name.rawValue.count).max() ?? 0)
            print("user".padding(toLength: width, withPad: " ", startingAt: 0) + "  role           team          added")
            for account in users {
                print(account.name.rawValue.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                      + account.role.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0) + "  "
                      + (account.team ?? "-").padding(toLength: 12, withPad: " ", startingAt: 0) + "  "
                      + "\(account.addedAt.date) by \(account.addedBy)")
            }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give an OS user a role (or another role); administrators only.")
        @Argument(help: ArgumentHelp("The user's account name on this server.", valueName: "name")) var name: String
        @Option(help: "caseworker, supervisor, administrator or auditor.") var role: Role
        @OptionGroup var store: StoreOptions

        func run() throws {
            let user = try UsersCommand.userName(name)
            guard OperatingSystemIdentity.accountExists(name) else { throw HavenFailure(UserDirectoryError.noSuchAccount(name).description) }
            try UsersCommand.apply(.add(user, role), to: store)
            print("\(name) is now \(role.withArticle) in the store.")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a user's role away; administrators only.",
            discussion: "Refused while the user holds open cases (they would be left with no one working on them), unless --even-with-open-cases.")
        @Argument(help: ArgumentHelp("The user's account name.", valueName: "name")) var name: String
        @Flag(help: "Take the role away even though the user still holds open cases.") var evenWithOpenCases = false
        @OptionGroup var store: StoreOptions

        func run() throws {
            let user = try UsersCommand.userName(name)
            // Opened as an administrator first: only they are told anything.
            let (opened, actor) = try store.open(for: .manageUsers)
            if !evenWithOpenCases {
                // As the Users screen asks: a caseworker removed with cases assigned leaves
                // families with no one working on them.
                let held = try opened.summaries().filter { $0.assignedTo == user && $0.stage != .closed }.map(\.id)
                if !held.isEmpty {
                    let named = held.prefix(5).map(\.rawValue).joined(separator: ", ") + (held.count > 5 ? ", …" : "")
                    throw HavenFailure("\(name) holds \(held.count) open case\(held.count == 1 ? "" : "s") (\(named)); nothing was changed. "
                                       + "Reassign them first (the Workload screen, or o on a case), or run again with --even-with-open-cases.")
                }
            }
            do {
                _ = try opened.changeUsers(.remove(user), by: actor, at: .now())
            } catch {
                throw HavenFailure("\(error)")
            }
            print("\(name) no longer has a role in the store.")
        }
    }

    static func userName(_ text: String) throws -> UserName {
        guard let user = UserName(text) else { throw HavenFailure("'\(text)' is not \(UserName.expectedForm).") }
        return user
    }

    /// Opens the store as an administrator and makes the change (audited by the store).
    static func apply(_ change: UserChange, to store: StoreOptions) throws {
        let (opened, actor) = try store.open(for: .manageUsers)
        do {
            _ = try opened.changeUsers(change, by: actor, at: .now())
        } catch {
            throw HavenFailure("\(error)")
        }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "A supervisor's report: pipeline, quotas, workload or decisions, as text or CSV.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv }

    @Option(help: "pipeline, quotas, workload, decisions or outcomes.") var kind: ReportKind
    @Option(help: "text or csv.") var format: Format = .text
    @Option(help: ArgumentHelp("Write here instead of standard output (created 0600; never over a file).", valueName: "file"))
    var output: String?
    @OptionGroup var encryption: EncryptionOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var data: DataOptions

    func run() throws {
        let (opened, actor) = try store.open(for: .runReports)
        let reference = try opened.adopt(data.loadReferenceData())
        let recipients = try encryption.recipients()
        try opened.logJob(.report, "\(kind.rawValue) report as \(format.rawValue) to \(output ?? "standard output")" + encryption.described(recipients), by: actor)
        let table = Reports.make(kind, summaries: try opened.summaries(), users: try opened.users(), reference: reference,
                                 today: .today())
        let text = format == .csv ? table.csv : table.text
        guard let output else {
            try ReportFile.writeToStandardOutput(Array(text.utf8), what: "the report", encryptingTo: recipients)
            return
        }
        try ReportFile.write(text, to: output, store: opened.storeDirectory, encryptingTo: recipients)
        FileHandle.standardError.write(Data("Wrote the \(kind.rawValue) report to \(output).\n".utf8))
    }
}
