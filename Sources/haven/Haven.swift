import ArgumentParser
import Foundation
import HavenCore
import HavenMIP
import HavenStore
import HavenTUI

@main
struct Haven: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haven",
        abstract: "Case management for the resettlement programme for Russian servicemen who leave the invasion of Ukraine.",
        discussion: """
            Run with no subcommand to open Haven on the store in this terminal. The store is --store DIR, \
            else $HAVEN_STORE, else $XDG_DATA_HOME/haven (~/.local/share/haven).
            """,
        subcommands: [InitCommand.self, DemoCommand.self, ImportCommand.self, ExportCommand.self, PublicityCommand.self,
                      CheckCommand.self, CompactCommand.self, StatsCommand.self, DataCheckCommand.self, UsersCommand.self, ReportCommand.self,
                      AllocateCommand.self, CountriesCommand.self, CoursesCommand.self, OpeningsCommand.self,
                      TravelCommand.self, CalendarCommand.self, BackupCommand.self, RestoreCommand.self,
                      AccessCommand.self, RestrictCommand.self, ShowCommand.self, ResearchExportCommand.self,
                      SubjectExportCommand.self, RetentionCommand.self, MigrateCommand.self]
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var data: DataOptions
    @Option(help: ArgumentHelp("Demo stores only: run the session's clock from this time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ), for training and tests.",
                               valueName: "time"))
    var clock: String?

    func run() throws {
        // A queue index found behind is written beside the first screen, and finished before exit.
        FileCaseStore.writesQueueIndexInBackground = true
        defer { FileCaseStore.waitForQueueIndexWrites() }
        let (opened, actor) = try store.open(for: .viewCases)
        let reference = try opened.adopt(data.loadReferenceData())
        var start: Timestamp?
        if let clock {
            guard let time = Timestamp(iso: clock) ?? CalendarDate(iso: clock).map({ Timestamp(date: $0, hour: 9) }) else {
                throw ValidationError("--clock takes a date (2027-03-01) or a time (2027-03-01T09:00:00Z), not '\(clock)'.")
            }
            // A real store's times are evidence (audit trail, due dates): only a demo store's clock moves.
            guard try opened.kind == .demo else { throw HavenFailure("--clock is for demo stores only; \(opened.place) holds real cases.") }
            start = time
        }
        try openInterface(on: opened, as: actor, reference: reference, description: "Store \(opened.place)", clockStart: start)
    }
}

/// The server's time zone: what /etc/localtime names (a link into zoneinfo), else
/// /etc/timezone, else UTC. Not `TimeZone.current`, which follows each user's `TZ`.
func serverTimeZone() -> TimeZone {
    if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/etc/localtime"),
       let range = target.range(of: "zoneinfo/"), let zone = TimeZone(identifier: String(target[range.upperBound...])) {
        return zone
    }
    if let name = try? String(contentsOfFile: "/etc/timezone", encoding: .utf8),
       let zone = TimeZone(identifier: name.trimmingCharacters(in: .whitespacesAndNewlines)) {
        return zone
    }
    return TimeZone(identifier: "UTC")!
}

/// A failure reported as one clear line on standard error, with exit status 1.
struct HavenFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension CalendarDate {
    /// Today in UTC.
    static func today() -> CalendarDate {
        CalendarDate(daysSinceEpoch: Int(floor(Date().timeIntervalSince1970 / 86_400)))
    }
}

extension Timestamp {
    static func now() -> Timestamp {
        Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
    }
}

/// Opens the terminal, runs the interface on `store`, and restores the terminal on every way out.
func openInterface(on store: any OpenStore, as actor: Actor, reference: ReferenceData, description: String,
                   clockStart: Timestamp? = nil) throws {
    // The session's clock: the system's, or (demo stores) one started at `clockStart` that runs on.
    let offset = clockStart.map { $0.secondsSinceEpoch - Timestamp.now().secondsSinceEpoch } ?? 0
    let clock: @Sendable () -> Timestamp = { Timestamp(secondsSinceEpoch: Timestamp.now().secondsSinceEpoch + offset) }
    let environment = ProcessInfo.processInfo.environment
    let terminal: NcursesTerminal
    do {
        terminal = try NcursesTerminal(environment: environment)
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        throw ExitCode(1)
    }
    defer { terminal.restore() }
    var warning = terminal.localeIsUTF8 ? nil : "Locale is not UTF-8, so Cyrillic cannot show: try LANG=C.UTF-8"
    // The run loop cannot draw while a save waits for another session's lock, so the wait is
    // told on the status line from here, over the last frame.
    nonisolated(unsafe) let screen = terminal
    FileCaseStore.lockWaitReporter = { message in
        screen.showNow("\(message); waiting up to \(Int(FileCaseStore.lockLimit)) s…")
    }
    let files = store as? FileCaseStore
    let openingProblems = files?.openingProblems ?? []
    let damaged = openingProblems.filter { $0.severity == .damaged }.count
    if damaged > 0 {
        warning = "\(damaged) damaged record\(damaged == 1 ? "" : "s") skipped on opening; run 'haven check'"
    } else if let files, FileManager.default.fileExists(atPath: files.directory.appendingPathComponent(BackupManifest.fileName).path) {
        warning = "A backup: you can read and export, not save ('haven restore' makes a store)"
    } else if files?.readOnlyReason != nil {
        warning = "The store's disk is read-only here: you can read and export, not save"
    } else if openingProblems.contains(where: { $0.severity == .warning }) {
        warning = "A repair could not be written (disk full?): reading works; 'haven check' says more"
    } else if !openingProblems.isEmpty {
        warning = "A torn write (never saved) was set aside on opening; 'haven check' lists it"
    }
    let user = actor.user
    let storeDirectory = store.storeDirectory
    var context = SessionContext(user: user, today: clock().date,
                                 storeDescription: description, startupWarning: warning, role: actor.role,
                                 clock: clock, reference: reference,
                                 accountExists: { OperatingSystemIdentity.accountExists($0) },
                                 writeFile: { path, contents in
                                     try ReportFile.write(contents, to: (path as NSString).expandingTildeInPath, store: storeDirectory)
                                 })
    // Everyone on the server reads appointment times in its zone, whatever their own TZ says.
    context.localClock = LocalClock(zone: serverTimeZone())
    context.mip = CbcPlacementMIP()
    // A restricted case outside this user's team shows no name in any list (NeedToKnow).
    let summaries = NeedToKnow.masking(try store.summaries(), for: actor)
    // Caseworkers and supervisors start on My work; HAVEN_START=home starts on the areas.
    let first: (any Screen)? = MyWork.applies(to: actor.role) && environment["HAVEN_START"] != "home"
        ? MyWorkScreen(cases: summaries, context: context, now: clock()) : nil
    var app = HavenApp(root: HomeScreen(cases: summaries, context: context), context: context, store: store, first: first)
    // A store that cannot be reached (a database server down, a network gone) is said on the
    // status line at each look, once a second, until it answers again, its reassurance first
    // (the cause is cut at 80 columns): what is typed stays in its form, kept as a draft again
    // once the store answers, and the session reconnects by itself. When it answers, the
    // screen is drawn again at once, so the message does not outlive the outage.
    nonisolated(unsafe) var unreachable = false
    let end = TerminalSession.run(&app, on: terminal, refresh: {
        do {
            let changed = try store.refresh()
            if changed || unreachable {
                unreachable = false
                return try store.summaries()
            }
            return nil
        } catch {
            guard !(store is FileCaseStore) else { return nil }
            unreachable = true
            screen.showNow("Store unreachable: your typing is kept; Haven reconnects by itself (\(error))")
            return nil
        }
    })
    // Whatever ended the session, every half-typed form is kept (or its kept copy removed),
    // and the session is marked over, so the next one offers them back.
    app.endSession()
    switch end {
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
