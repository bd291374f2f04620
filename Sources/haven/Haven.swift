import ArgumentParser
import Foundation
import HavenCore
import HavenStore
import HavenTUI

@main
struct Haven: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haven",
        abstract: "Case management for the resettlement programme for Russian servicemen who leave the invasion of Ukraine.",
        discussion: "Run with no subcommand to open Haven in this terminal.",
        subcommands: [Demo.self, DataCheck.self]
    )

    @OptionGroup var options: CommonOptions

    func run() throws {
        let reference = try options.loadReferenceData()
        try openInterface(
            root: HomeScreen(cases: nil),
            storeDescription: "No store opened yet; 'haven demo' opens a demo store. \(reference.countries.count) host countries loaded.")
    }
}

/// Options every subcommand shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The reference data directory (countries.json, occupations.json).",
                                            discussion: "Default: $HAVEN_DATA, else ./data, else the data/ of the package the binary was built in.",
                                            valueName: "dir"))
    var data: String?

    func loadReferenceData() throws -> ReferenceData {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        guard let directory = ReferenceDataLoader.locateDirectory(
            explicit: data, environment: ProcessInfo.processInfo.environment,
            workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath), executable: executable)
        else {
            throw ValidationError("Haven cannot find its reference data (countries.json, occupations.json). Pass --data DIR or set HAVEN_DATA.")
        }
        do {
            return try ReferenceDataLoader.load(from: directory)
        } catch {
            throw HavenFailure("bad reference data: \(error)")
        }
    }
}

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open Haven on a demo store of made-up cases (kept in memory; nothing is written).")

    @Option(name: .long, help: "How many made-up cases to generate.")
    var cases: Int = 200

    @OptionGroup var options: CommonOptions

    func validate() throws {
        guard (1...200_000).contains(cases) else {
            throw ValidationError("--cases must be between 1 and 200000 (got \(cases)).")
        }
    }

    func run() throws {
        let reference = try options.loadReferenceData()
        let today = CalendarDate.today()
        let store = InMemoryCaseStore(cases: DemoCases.generate(count: cases, today: today,
                                                               countries: reference.countries.map(\.code)))
        let summaries = store.summaries()
        try openInterface(root: HomeScreen(cases: summaries),
                          storeDescription: "Demo store (in memory): \(summaries.count) made-up cases")
    }
}

struct DataCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data-check",
        abstract: "Check the reference data files and print what they hold; exit 1 naming the file and position of the first problem.")

    @OptionGroup var options: CommonOptions

    func run() throws {
        let reference = try options.loadReferenceData()
        let quota = reference.countries.reduce(0) { $0 + $1.quota }
        print("\(reference.countries.count) host countries, \(quota) places in all")
        print("\(reference.occupations.specialties.count) military specialties mapped to \(reference.occupations.unitGroups.count) ISCO-08 unit groups")
    }
}

/// A failure reported as one clear line on standard error, with exit status 1.
struct HavenFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension CalendarDate {
    /// Today in UTC.
    static func today() -> CalendarDate {
        CalendarDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400))
    }
}

/// Opens the terminal, runs the interface, and restores the terminal on every way out.
func openInterface(root: any Screen, storeDescription: String) throws {
    let environment = ProcessInfo.processInfo.environment
    let terminal: NcursesTerminal
    do {
        terminal = try NcursesTerminal(environment: environment)
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        throw ExitCode(1)
    }
    defer { terminal.restore() }
    let warning = terminal.localeIsUTF8 ? nil
        : "Locale is not UTF-8, so Cyrillic cannot show: try LANG=C.UTF-8"
    let context = SessionContext(user: OperatingSystemIdentity.currentUser(), today: CalendarDate.today(),
                                 storeDescription: storeDescription, startupWarning: warning)
    var app = HavenApp(root: root, context: context)
    switch TerminalSession.run(&app, on: terminal) {
    case .quit:
        return
    case let .signal(number):
        terminal.restore()
        throw ExitCode(128 + number)
    case .inputClosed:
        terminal.restore()
        throw ExitCode(129)
    }
}
