import ArgumentParser
import Foundation
import HavenCore
import HavenMIP
import HavenStore

struct AllocateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allocate",
        abstract: "Allocate every granted case awaiting a country: the highest total score within the quotas, families together, looking ahead.",
        discussion: """
            Each proposal goes to the approvals queue for another supervisor. With --dry-run nothing is written. \
            --json prints the proposals with each factor's points and why the runner-up country lost.

            By default the batch looks ahead: each country's places are priced from futures drawn from the last \
            26 weeks' grants (a year's arrivals at that rate), so a place later arrivals need more may be kept for \
            them and a person sent where they score a little less; every such proposal says so. --no-look-ahead \
            places the queue as if it were the last.

            One case by hand (its caseworker or a supervisor), scored as the batch scores it, without the look-ahead:
            haven allocate --case HV-000123 --dry-run                 the countries ranked, with factors and free places
            haven allocate --case HV-000123                           propose the best country
            haven allocate --case HV-000123 --country DE --reason "brother in Leipzig"
            haven allocate --case HV-000123 --withdraw                take back your proposal still waiting
            A country that passes over a better score with a place free needs --reason, kept in the explanation.
            """)

    @Flag(help: "Work out and print the proposals, but write nothing.") var dryRun = false
    @Flag(help: "Print JSON instead of text.") var json = false
    @Option(help: ArgumentHelp("The seconds working out the proposals may take on a hard queue, the look-ahead's forecast included, at least 1 s left to the solver (1-3600); past them the best found is proposed and labelled with its gap to the bound.", valueName: "seconds"))
    var timeLimit: Double = 60
    @Flag(inversion: .prefixedNo, help: "Keep places for the people expected later: each country's places priced from futures drawn from the last 26 weeks' grants (--no-look-ahead: place this queue as if it were the last).")
    var lookAhead = true
    @Option(name: .customLong("case"), help: ArgumentHelp("Rank the countries for this case alone, and propose one.", valueName: "HV-…"))
    var caseID: String?
    @Option(help: ArgumentHelp("With --case: the country to propose instead of the best.", valueName: "XX")) var country: String?
    @Option(help: ArgumentHelp("With --country: why, when a country that scores more has a place.", valueName: "text")) var reason: String?
    @Flag(help: "With --case: take back your proposal still waiting for approval (the case returns to the queue).") var withdraw = false
    @OptionGroup var store: StoreOptions
    @OptionGroup var data: DataOptions

    func validate() throws {
        if caseID == nil, country != nil || reason != nil || withdraw { throw ValidationError("--country, --reason and --withdraw go with --case.") }
        if withdraw, country != nil || reason != nil { throw ValidationError("--withdraw takes no --country or --reason.") }
        if caseID != nil, json { throw ValidationError("--json is for the batch; --case prints text.") }
        guard timeLimit >= 1, timeLimit <= 3_600 else { throw ValidationError("--time-limit is 1 to 3600 seconds, not \(timeLimit).") }
    }

    func run() throws {
        if let caseID { return try allocateOne(caseID) }
        let (opened, actor) = try store.open(for: .runAllocationBatch)
        let reference = try opened.adopt(data.loadReferenceData())
        let run = AllocationRun(summaries: try opened.summaries(), countries: reference.countries, policy: reference.allocation,
                                mip: CbcPlacementMIP(), secondsLimit: timeLimit, lookAheadAt: lookAhead ? Timestamp.now() : nil)
        var loading = ProgressBar(total: run.queue.count, label: "Reading the queue")
        var profiles: [AllocationProfile] = []
        for start in stride(from: 0, to: run.queue.count, by: 500) {
            let end = min(run.queue.count, start + 500)
            profiles += try run.profiles(start..<end, from: opened, occupations: reference.occupations)
            loading.update(end)
        }
        var pool: [AllocationProfile] = []
        // The time limit covers the forecast, reading the recent grants included.
        let clock = ContinuousClock()
        let forecastBegan = clock.now
        if run.needsForecast(queue: run.queue.count) {
            var reading = ProgressBar(total: run.forecastPool.count, label: "Reading recent grants for the forecast")
            for start in stride(from: 0, to: run.forecastPool.count, by: 500) {
                let end = min(run.forecastPool.count, start + 500)
                pool += run.forecastProfiles(start..<end, from: opened, occupations: reference.occupations)
                reading.update(end)
            }
        }
        let reading = (clock.now - forecastBegan).components
        let result = run.pricedBatch(queue: profiles, pool: pool,
                                     alreadySpent: Double(reading.seconds) + Double(reading.attoseconds) * 1e-18).run(profiles)
        let skipped = run.queue.isEmpty ? nil : run.lookAheadSkipped(queue: profiles, poolRead: pool.count)
        var saved = 0
        var refused: [(CaseID, String)] = []
        if !dryRun {
            var saving = ProgressBar(total: result.proposals.count, label: "Saving proposals")
            let time = Timestamp.now()
            var start = 0
            while start < result.proposals.count {
                let end = AllocationRun.sliceEnd(result.proposals, from: start, size: 100)
                defer { start = end }
                let slice = result.proposals[start..<end]
                let failed = AllocationRun.propose(slice, in: opened, by: actor, at: time)
                refused += failed.map { ($0.caseID, $0.reason) }
                saved += slice.count - failed.count
                saving.update(saved + refused.count)
            }
        }
        let summary = AllocationRun.summary(result, queued: run.queue.count) + (skipped.map { " " + $0.sentenceStart + "." } ?? "")
        if json {
            print(try AllocationJSON.document(result, queued: run.queue.count, dryRun: dryRun, saved: saved, refused: refused, summary: summary))
        } else {
            let names = Dictionary(uniqueKeysWithValues: run.queue.map { ($0.id, $0.cyrillicName) })
            for planned in result.proposals {
                let factors = planned.factors.map { "\($0.title) \(Int($0.contribution))" }.joined(separator: ", ")
                print("\(planned.caseID)  \(planned.country)  \(planned.score)  \(names[planned.caseID] ?? "")")
                print("    \(factors.isEmpty ? "no factor scores here" : factors)")
                print("    \(planned.runnerUpReason)")
            }
            for (id, reason) in result.unplaced { print("\(id)  not placed: \(reason)") }
            print(summary)
            if dryRun {
                print("Dry run: nothing was written.")
            } else {
                print("\(saved) proposal\(saved == 1 ? "" : "s") saved for approval by another supervisor.")
            }
            for (id, reason) in refused { print("\(id) not proposed: \(reason)") }
        }
        if !refused.isEmpty { throw ExitCode(1) }
    }
}

/// The `--json` form of a run.
enum AllocationJSON {
    struct Factor: Encodable { var factor: String; var points: Int; var detail: String? }
    struct Proposal: Encodable {
        var caseID: String
        var country: String
        var score: Int
        var factors: [Factor]
        var runnerUp: String?
        var runnerUpScore: Int?
        var runnerUpFactors: [Factor]
        var whyNotRunnerUp: String
        var familyGroup: [String]
    }
    struct Unplaced: Encodable { var caseID: String; var reason: String }
    struct Summary: Encodable {
        var queued: Int
        var placed: Int
        var familyGroups: Int
        var totalScore: Int
        var greedyScore: Int
        var greedyPlaced: Int
        var scoreBound: Int?
        var peopleBound: Int
        var provenOptimal: Bool
        /// "optimal", or the gap to the bound where the time limit stopped the solver.
        var proof: String
        /// Where the look-ahead's prices came from; nil when the queue was placed as if it were the last.
        var lookAhead: String?
        /// The look-ahead's price of a place in each country, in points per person (charged to
        /// the scores while placing; `totalScore` and each proposal's `score` are the real ones).
        var lookAheadPrices: [String: Double]?
        var dryRun: Bool
        var saved: Int
        var text: String
    }
    struct Document: Encodable {
        var summary: Summary
        var proposals: [Proposal]
        var unplaced: [Unplaced]
        var refused: [Unplaced]
    }

    static func factors(_ list: [AllocationFactor]) -> [Factor] {
        list.map { Factor(factor: $0.name, points: Int($0.contribution), detail: $0.detail) }
    }

    static func document(_ result: AllocationBatchResult, queued: Int, dryRun: Bool, saved: Int, refused: [(CaseID, String)],
                         summary: String) throws -> String {
        let document = Document(
            summary: Summary(queued: queued, placed: result.people, familyGroups: result.familyGroups, totalScore: result.score,
                             greedyScore: result.greedyScore, greedyPlaced: result.greedyPeople, scoreBound: result.scoreBound,
                             peopleBound: result.peopleBound, provenOptimal: result.provenOptimal, proof: result.proof.label, lookAhead: result.lookAhead,
                             lookAheadPrices: result.lookAhead == nil ? nil
                                : Dictionary(uniqueKeysWithValues: result.prices.map { ($0.key.rawValue, ($0.value * 100).rounded() / 100) }),
                             dryRun: dryRun, saved: saved, text: summary),
            proposals: result.proposals.map {
                Proposal(caseID: $0.caseID.rawValue, country: $0.country.rawValue, score: $0.score, factors: factors($0.factors),
                         runnerUp: $0.runnerUp?.rawValue, runnerUpScore: $0.runnerUp == nil ? nil : $0.runnerUpFactors.score,
                         runnerUpFactors: factors($0.runnerUpFactors), whyNotRunnerUp: $0.runnerUpReason,
                         familyGroup: $0.groupedWith.map(\.rawValue))
            },
            unplaced: result.unplaced.map { Unplaced(caseID: $0.caseID.rawValue, reason: $0.reason) },
            refused: refused.map { Unplaced(caseID: $0.0.rawValue, reason: $0.1) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }
}

struct CountriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "countries",
        abstract: "The host countries with their quotas and places used, held and free; administrators change them.",
        discussion: """
            haven countries                      list them
            haven countries set-quota DE 6500    change a quota (never below the places used and held)
            haven countries set-places DE medical-support 40
                                                 how many places of a kind (family-housing, medical-support)
                                                 it has; "none" lifts the limit
            haven countries add AT "Austria" de --quota 6000
            haven countries remove AT            (only a country no case is allocated or proposed to)
            """)

    @Argument(help: "list, set-quota, set-places, add or remove.") var action: String = "list"
    // Everything not an option, so that a negative number reaches set-places' own message.
    @Argument(parsing: .allUnrecognized, help: "The country code, and for add the name and official languages.") var values: [String] = []
    @Option(help: "The quota of a country being added.") var quota: Int = HostCountry.defaultQuota
    @OptionGroup var store: StoreOptions
    @OptionGroup var data: DataOptions

    func run() throws {
        // "--" (which older instructions put before a negative number) is kept by the parsing
        // above; it is never a value.
        let values = values.filter { $0 != "--" }
        // Anything else that looks like an option is a mistyped one (negative numbers aside).
        if let stray = values.first(where: { $0.hasPrefix("-") && Int($0) == nil }) {
            throw HavenFailure("\(stray) is not an option of haven countries; see haven countries --help.")
        }
        if action == "list", !values.isEmpty { throw HavenFailure("list takes nothing more, not \(values.joined(separator: " ")).") }
        let capability: Capability = action == "list" ? .viewCases : .manageCountries
        let (opened, actor) = try store.open(for: capability)
        _ = try opened.adopt(data.loadReferenceData())
        func code(_ text: String?) throws -> CountryCode {
            guard let text, let code = CountryCode(text.uppercased()) else {
                throw HavenFailure("Give a two-letter country code, such as DE.")
            }
            return code
        }
        let change: HostCountryChange?
        switch action {
        case "list":
            change = nil
        case "set-quota":
            guard values.count == 2, let number = Int(values[1]) else { throw HavenFailure("set-quota takes a country code and a number, such as: haven countries set-quota DE 6500") }
            change = .setQuota(try code(values.first), number)
        case "set-places":
            let kinds = PlaceKind.allCases.map(\.rawValue).joined(separator: " or ")
            guard values.count == 3 else { throw HavenFailure("set-places takes a country code, a kind (\(kinds)) and a number or none, such as: haven countries set-places DE medical-support 40") }
            guard let kind = PlaceKind(rawValue: values[1].lowercased()) else { throw HavenFailure("\(values[1]) is not a kind of place: \(kinds).") }
            let number: Int?
            if values[2].lowercased() == "none" {
                number = nil
            } else if let value = Int(values[2]) {
                number = value
            } else {
                throw HavenFailure("\(values[2]) is not a number of places (or none, to lift the limit).")
            }
            change = .setCapacity(try code(values[0]), kind, number)
        case "add":
            guard values.count >= 3 else { throw HavenFailure("add takes a country code, a name and its official languages, such as: haven countries add AT Austria de --quota 6000") }
            let languages = try values.dropFirst(2).map { text in
                guard let language = LanguageCode(text.lowercased()) else { throw HavenFailure("\(text) is not an ISO 639-1 language code, such as de.") }
                return language
            }
            change = .add(HostCountry(code: try code(values[0]), name: values[1], languages: languages, quota: quota))
        case "remove":
            guard values.count == 1 else { throw HavenFailure("remove takes one country code, such as: haven countries remove AT") }
            change = .remove(try code(values[0]))
        default:
            throw HavenFailure("\(action) is not an action here; use list, set-quota, set-places, add or remove.")
        }
        guard let change else {
            // The same table as `haven report --kind quotas`, on the store's list as it is now.
            print(Reports.quotas(try opened.summaries(), countries: try opened.hostCountries()).text, terminator: "")
            return
        }
        let countries: [HostCountry]
        do { countries = try opened.changeHostCountries(change, by: actor, at: .now()) } catch { throw HavenFailure("\(error)") }
        // What the change left, for that country alone (the whole table is wider than a
        // terminal once kinds are limited; haven countries prints it).
        guard let country = countries.first(where: { $0.code == change.country }) else {
            print("Removed \(change.country.rawValue): \(countries.count) host countries are left.")
            return
        }
        print(Self.places(of: country, QuotaLedger(countries: countries, summaries: try opened.summaries())), terminator: "")
        if let note = country.kindsAboveQuota { print("Note: \(country.name): \(note).") }
    }

    /// "Germany (DE): quota 6500: 29 used, 9 held, 6462 free", then a line per kind it limits.
    static func places(of country: HostCountry, _ ledger: QuotaLedger) -> String {
        let code = country.code
        var text = "\(country.name) (\(code.rawValue)): quota \(country.quota): \(ledger.used[code] ?? 0) used, "
            + "\(ledger.reserved[code] ?? 0) held, \(ledger.free(code)) free\n"
        for kind in PlaceKind.allCases {
            guard let capacity = country.capacity(kind) else { continue }
            text += "  \(kind.shortTitle) \(capacity): \(ledger.used(kind, in: code)) used, \(ledger.reserved(kind, in: code)) held, "
                + "\(ledger.free(kind, in: code) ?? 0) free\n"
        }
        return text
    }
}
