import ArgumentParser
import Foundation
import Glibc
import HavenCore
import HavenStore
import HavenTUI

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create an empty store (0700, files 0600; with --group, 2770 and 0660).")

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Share the store with this Unix group (the caseworkers' group).", valueName: "name"))
    var group: String?

    func run() throws {
        if let location = try store.postgresLocation() {
            guard group == nil else { throw HavenFailure("--group shares a store directory; a PostgreSQL store's users are given roles with 'haven users add'.") }
            return try initPostgres(location)
        }
        let directory = store.directory()
        do {
            _ = try FileCaseStore.create(at: directory, kind: .live, by: OperatingSystemIdentity.currentUser(),
                                         at: .now(), group: group)
        } catch {
            throw HavenFailure("\(error)")
        }
        print("Created an empty store at \(directory.path)\(group.map { " shared with the group \($0)" } ?? "").")
        print("\(OperatingSystemIdentity.currentUser()) is its administrator; give others roles with 'haven users add NAME --role ROLE'.")
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Write a demo store of made-up cases and open it.",
        discussion: "Without --store the demo store is $XDG_DATA_HOME/haven-demo. It refuses to write into a store that is not a demo store.")

    @Option(help: "How many made-up cases (0 for an empty store with the demo's staff).") var cases: Int = 300
    @Option(help: "The seed: the same seed gives the same cases.") var seed: UInt64 = 2022
    @Flag(help: "Write the store but do not open it.") var noOpen = false
    @Option(help: ArgumentHelp("Your role in the demo store: caseworker, supervisor, administrator or auditor.", valueName: "role"))
    var role: Role = .supervisor
    @Option(help: ArgumentHelp("Share the demo store with this Unix group (training several accounts at once).", valueName: "name"))
    var group: String?
    @OptionGroup var store: StoreOptions
    @OptionGroup var data: DataOptions

    func validate() throws {
        guard (0...200_000).contains(cases) else { throw ValidationError("--cases must be between 0 and 200000 (got \(cases)).") }
    }

    func run() throws {
        let reference = try data.loadReferenceData()
        if !noOpen {
            do {
                try NcursesTerminal.checkTerminalType(environment: ProcessInfo.processInfo.environment)
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        let directory = store.directory(defaultName: "haven-demo")
        try replaceDemoStore(at: directory)
        let today = CalendarDate.today()
        var records = DemoCases.generate(count: cases, today: today, countries: reference.countries.map(\.code), seed: seed,
                                         occupations: reference.occupations)
        let courses = DemoIntegration.courses(countries: reference.countries, integrationCases: records.count { $0.stage == .integration })
        let openings = DemoIntegration.openings(countries: reference.countries, today: today)
        DemoIntegration.fill(&records, courses: courses, openings: openings, today: today)
        var progress = ProgressBar(total: cases, label: "Writing \(cases) demo cases")
        do {
            let me = OperatingSystemIdentity.currentUser()
            let created = try FileCaseStore.create(at: directory, kind: .demo, by: me, at: .now(), group: group)
            _ = try created.adopt(reference)
            let administrator = Actor(user: me, role: .administrator)
            _ = try created.changeCatalogue(CatalogueChange.add(courses), by: administrator, at: .now())
            _ = try created.changeCatalogue(CatalogueChange.add(openings), by: administrator, at: .now())
            try created.importCases(records, by: administrator, at: .now(), today: today) { progress.update($0) }
            // The made-up staff the cases name, and you in the role asked for. A stand-in
            // administrator keeps the store manageable when that role is not administrator.
            var staff = DemoCases.caseworkers.map { UserChange.add($0, .caseworker) } + [.add(DemoCases.supervisor, .supervisor)]
            if role != .administrator { staff += [.add("demo.admin", .administrator), .add(me, role)] }
            for change in staff {
                _ = try created.changeUsers(change, by: administrator, at: .now())
            }
            if noOpen {
                print("Wrote a demo store of \(cases) cases at \(directory.path).")
                return
            }
            try openInterface(on: created, as: Actor(user: me, role: role), reference: reference,
                              description: "Demo store \(directory.path): \(cases) made-up cases")
        } catch let error as ExitCode {
            throw error
        } catch {
            throw HavenFailure("\(error)")
        }
    }

    /// Removes an earlier demo store at `directory`; refuses anything else that is there.
    func replaceDemoStore(at directory: URL) throws {
        let path = directory.path
        guard FileManager.default.fileExists(atPath: path) else { return }
        let manifest = FileManager.default.contents(atPath: "\(path)/\(FileCaseStore.manifestFile)")
            .flatMap { try? JSONDecoder().decode(StoreManifest.self, from: $0) }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        guard manifest?.kind == .demo || contents.isEmpty else {
            throw HavenFailure("\(path) is not a demo store; 'haven demo' writes only into a demo store or a new directory. Choose another --store.")
        }
        for name in contents { try FileManager.default.removeItem(atPath: "\(path)/\(name)") }
    }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import cases from a JSON array as 'haven export --include-sensitive' writes it; every record is checked before any is written.",
        discussion: """
            An export made without --include-sensitive is read back only when none of its cases has family: \
            family members without their whereabouts and contact are refused, naming the first case, \
            because importing them would lose where the family is. Ask an administrator to export again \
            with --include-sensitive.
            """)

    @Argument(help: ArgumentHelp("The file to import, or - for standard input.", valueName: "file")) var file: String
    @OptionGroup var store: StoreOptions
    @OptionGroup var reference: DataOptions

    func run() throws {
        var data: Data?
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            // Only a regular file: a pipe or a device (a link to /dev/zero) would never end.
            data = try ReportFile.read(file)
        }
        let (opened, actor) = try store.open(for: .importCases)
        _ = try opened.adopt(reference.loadReferenceData())
        let name = file == "-" ? "standard input" : file
        do {
            let records = try StoreExport.decodeCases(data ?? Data(), file: name)
            data = nil // the file's bytes are not kept beside its cases
            var progress = ProgressBar(total: records.count, label: "Importing")
            try opened.importCases(records, by: actor, at: .now(), today: .today()) { progress.update($0) }
            print("Imported \(records.count) case\(records.count == 1 ? "" : "s") into \(opened.place).")
        } catch {
            // Every refusal names the file (decoding errors already do; record checks do not).
            let message = "\(error)"
            throw HavenFailure(message.hasPrefix(name) ? message : "\(name): \(message)")
        }
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export every case as JSON or CSV.",
        discussion: """
            'haven import' reads back a JSON export made with --include-sensitive, and one made without it \
            when none of its cases has family; it refuses one that leaves family members' whereabouts out, \
            rather than lose or invent where a family is.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv }

    @Option(help: "json or csv.") var format: Format = .json
    @Option(help: ArgumentHelp("Write here instead of standard output (created 0600).", valueName: "file")) var output: String?
    @Flag(help: "Include family whereabouts, countries, contact and notes (administrators; recorded in the audit trail). Without it 'haven import' reads the file back only if no case has family.")
    var includeSensitive = false
    @OptionGroup var encryption: EncryptionOptions
    @OptionGroup var store: StoreOptions

    func run() throws {
        let (opened, actor) = try store.open(for: .exportCases)
        if includeSensitive {
            guard format == .json else { throw HavenFailure("--include-sensitive applies to JSON; the CSV export has no family fields.") }
            do { try Capability.exportSensitive.require(actor) } catch { throw HavenFailure("\(error)") }
        }
        // Need to know: a restricted case is written only by its team or a supervisor (an
        // administrator copies the whole store with 'haven backup' instead).
        let users = try opened.users()
        let (latest, leftOut) = try opened.latestVersions().keeping { NeedToKnow.level(of: actor, for: $0, users: users) != .refused }
        let recipients = try encryption.recipients()
        // The file is made first, so a name already taken is refused before anything is audited.
        let stream = try output.map { try ReportFile.Stream(creating: $0, store: opened.storeDirectory) }
            ?? ReportFile.Stream(standardOutputFor: "the export")
        do {
            try opened.logJob(.export, "\(latest.count) cases as \(format.rawValue)\(includeSensitive ? " with family whereabouts" : "") to \(output ?? "standard output")"
                              + encryption.described(recipients) + (leftOut > 0 ? "; \(leftOut) restricted left out" : ""), by: actor)
            try stream.encrypt(to: recipients)
            if includeSensitive {
                // Recorded before the data leaves: an export that is not audited does not happen.
                try opened.auditExport("export", "\"\(latest.count) cases as JSON with family whereabouts and contact channels, to \(output ?? "standard output")\"",
                                       by: actor, at: .now())
            }
            // Written as it is read, a batch of cases at a time (memory does not grow with the log).
            switch format {
            case .json: try latest.writeJSON(includeSensitive: includeSensitive, to: stream.write)
            case .csv: try latest.writeCSV(to: stream.write)
            }
            try stream.finish()
        } catch let failure as HavenFailure {
            stream.abandon()
            throw failure
        } catch {
            stream.abandon()
            throw HavenFailure("\(error)")
        }
        if let output { FileHandle.standardError.write(Data("Exported \(latest.count) case\(latest.count == 1 ? "" : "s") to \(output).\n".utf8)) }
        if leftOut > 0 {
            FileHandle.standardError.write(Data("\(leftOut) restricted case\(leftOut == 1 ? " was" : "s were") left out: only their teams and supervisors may read them; 'haven backup' copies the whole store.\n".utf8))
        }
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check the whole store without changing it: exit 0 when sound, 1 listing every problem.")

    @Flag(help: "Also decode every saved version into a case and every audit entry whole (slower: about 25 s of processor at 120,000 cases, and 9 µs an audit entry); without it every byte is still checked by its checksum or hash.")
    var deep = false
    @OptionGroup var store: StoreOptions

    func run() throws {
        if try store.postgresLocation() != nil { return try checkPostgres() }
        let directory = store.directory()
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw HavenFailure("there is no store at \(directory.path)")
        }
        let users: UserDirectory
        do { users = try FileCaseStore.users(at: directory) } catch { throw HavenFailure("\(error)") }
        _ = try actor(in: users, store: directory.path, for: .checkStore)
        let report = StoreCheck.run(at: directory, decodingRecords: deep)
        for problem in report.problems { print(problem) }
        let aboutOthers = report.userEntryCount > 0 ? ["\(report.userEntryCount) of them not about a case: users, countries, courses, openings, compactions or backups"] : []
        let entryNotes = (report.decodedRecords ? ["each decoded"] : []) + aboutOthers
        print("\(report.caseCount) cases, \(report.recordCount) saved versions" + (report.decodedRecords ? " (each decoded)" : "")
              + ", \(report.auditEntryCount) audit entries"
              + (entryNotes.isEmpty ? "" : " (\(entryNotes.joined(separator: "; ")))")
              + (report.accessEntryCount > 0 ? ", \(report.accessEntryCount) access entries" : "") + ": "
              + (report.isSound ? "sound" : "\(report.problems.filter { $0.severity == .damaged }.count) problem(s)"))
        if !report.isSound { throw ExitCode(1) }
    }
}

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Counts of cases by stage and by allocated country.")

    @Flag(help: "Print {\"total\": N, \"byStage\": {...}, \"byCountry\": {...}}.") var json = false
    @OptionGroup var store: StoreOptions

    struct Stats: Encodable {
        var total: Int
        var byStage: [String: Int]
        var byCountry: [String: Int]
    }

    func run() throws {
        let summaries = try store.open(for: .viewCases).0.summaries()
        var stats = Stats(total: summaries.count, byStage: [:], byCountry: [:])
        for stage in CaseStage.allCases { stats.byStage[stage.rawValue] = 0 }
        for summary in summaries {
            stats.byStage[summary.stage.rawValue, default: 0] += 1
            if let country = summary.country { stats.byCountry[country.rawValue, default: 0] += 1 }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(stats), as: UTF8.self))
            return
        }
        print("\(stats.total) cases")
        for stage in CaseStage.allCases { print("  \(stage.title.padding(toLength: 12, withPad: " ", startingAt: 0)) \(stats.byStage[stage.rawValue] ?? 0)") }
        if !stats.byCountry.isEmpty {
            print("Allocated")
            for (country, count) in stats.byCountry.sorted(by: { $0.key < $1.key }) { print("  \(country)  \(count)") }
        }
    }
}

struct DataCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data-check",
        abstract: "Check the reference data files and print what they hold; exit 1 naming the file and position of the first problem.")

    @OptionGroup var data: DataOptions

    func run() throws {
        let reference = try data.loadReferenceData()
        print("Reference data: \(data.sourceDescription)")
        let quota = reference.countries.reduce(0) { $0 + $1.quota }
        print("\(reference.countries.count) host countries, \(quota) places in all")
        print("\(reference.occupations.specialties.count) military specialties mapped to \(reference.occupations.unitGroups.count) ISCO-08 unit groups")
    }
}
