import Foundation
import HavenTestSupport
import XCTest

/// Haven installed as the README says: the binary copied alone into a directory of its own,
/// run from anywhere, with no package and no `data/` beside it.
final class InstalledBinaryTests: XCTestCase {
    var scratch: URL!
    /// The copied binary.
    var installed: URL!
    /// A working directory holding a `data/` that is not valid reference data.
    var workingDirectory: URL!

    override func setUpWithError() throws {
        let files = FileManager.default
        scratch = files.temporaryDirectory.appendingPathComponent("haven-installed-\(UUID().uuidString)")
        try files.createDirectory(at: scratch.appendingPathComponent("bin"), withIntermediateDirectories: true)
        installed = scratch.appendingPathComponent("bin/haven")
        try files.copyItem(at: HavenBinary.url, to: installed)
        try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: installed.path)
        workingDirectory = scratch.appendingPathComponent("work")
        try files.createDirectory(at: workingDirectory.appendingPathComponent("data"), withIntermediateDirectories: true)
        try Data("{ not reference data".utf8).write(to: workingDirectory.appendingPathComponent("data/countries.json"))
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    /// Runs the copied binary in `workingDirectory`, in a clean environment with `environment` added.
    @discardableResult
    func haven(_ arguments: String..., environment: [String] = []) throws -> (status: Int32, output: String) {
        let command = ["env", "-i", "PATH=/usr/bin:/bin", "HOME=\(scratch.path)", "XDG_DATA_HOME=\(scratch.path)/xdg"]
            + environment + [installed.path] + arguments
        return try ChildProcess.run(["sh", "-c", "cd \(TmuxSession.quote(workingDirectory.path)) && exec "
                                        + command.map(TmuxSession.quote).joined(separator: " ")],
                                    outputPath: scratch.appendingPathComponent("out-\(UUID().uuidString)").path)
    }

    /// A complete copy of data/ in the scratch directory whose countries have 100 places each.
    func smallQuotaData() throws -> URL {
        let directory = scratch.appendingPathComponent("small-quotas")
        try FileManager.default.copyItem(at: HavenBinary.dataDirectory, to: directory)
        let countries = directory.appendingPathComponent("countries.json")
        let text = try String(contentsOf: countries, encoding: .utf8)
        XCTAssertTrue(text.contains("\"quota\": 6000"))
        try Data(text.replacingOccurrences(of: "\"quota\": 6000", with: "\"quota\": 100").utf8).write(to: countries)
        return directory
    }

    /// The quota column of `code`'s row in a `haven countries` table.
    func quota(of code: String, in table: String) -> Int? {
        let row = table.split(separator: "\n").first { $0.hasPrefix("\(code) ") }
        let fields = row?.split(separator: " ") ?? []
        // country, name (of several words), quota, used, held, free, used_percent, then any
        // kinds of place in use: the first number after the code is the quota.
        return fields.count >= 7 ? fields.dropFirst().lazy.compactMap { Int($0) }.first : nil
    }

    func testACopiedBinaryRunsOnItsBuiltInDataWhateverDataIsInTheWorkingDirectory() throws {
        let checked = try haven("data-check")
        XCTAssertEqual(checked.status, 0, checked.output)
        XCTAssertTrue(checked.output.hasPrefix("Reference data: the data built into haven\n20 host countries, 120000 places in all\n"),
                      checked.output)
        let demo = try haven("demo", "--cases", "20", "--no-open", "--role", "administrator", "--store", "demo")
        XCTAssertEqual(demo.status, 0, demo.output)
        let countries = try haven("countries", "--store", "demo")
        XCTAssertEqual(countries.status, 0, countries.output)
        XCTAssertEqual(quota(of: "GB", in: countries.output), 6000)
        // The same data/ is used when it is named, and its problems are reported with where it came from.
        let named = try haven("data-check", "--data", "data")
        XCTAssertEqual(named.status, 1)
        let directory = workingDirectory.appendingPathComponent("data").path
        XCTAssertEqual(named.output, "Error: bad reference data in \(directory) (from --data): \(directory): occupations.json, "
                       + "stage-targets.json, allocation.json, labour-demand.json, reunification.json, retention.json are missing; a reference data "
                       + "directory holds all of countries.json, occupations.json, stage-targets.json, allocation.json, "
                       + "labour-demand.json, reunification.json, retention.json (copy them from Haven's data/)\n")
    }

    func testADataDirectoryFromTheOptionOrTheEnvironmentReplacesTheBuiltInData() throws {
        let small = try smallQuotaData()
        let fromOption = try haven("data-check", "--data", small.path)
        XCTAssertEqual(fromOption.status, 0, fromOption.output)
        XCTAssertTrue(fromOption.output.hasPrefix("Reference data: \(small.path) (from --data)\n20 host countries, 2000 places in all\n"),
                      fromOption.output)
        let fromEnvironment = try haven("data-check", environment: ["HAVEN_DATA=\(small.path)"])
        XCTAssertTrue(fromEnvironment.output.hasPrefix("Reference data: \(small.path) (from $HAVEN_DATA)\n20 host countries, 2000 places in all\n"),
                      fromEnvironment.output)
        let bogus = try haven("data-check", environment: ["HAVEN_DATA=\(workingDirectory.path)/data"])
        XCTAssertEqual(bogus.status, 1)
        XCTAssertTrue(bogus.output.hasPrefix("Error: bad reference data in \(workingDirectory.path)/data (from $HAVEN_DATA): "), bogus.output)
        let optionFirst = try haven("data-check", "--data", small.path, environment: ["HAVEN_DATA=\(workingDirectory.path)/data"])
        XCTAssertEqual(optionFirst.status, 0, optionFirst.output)
        XCTAssertTrue(optionFirst.output.contains("2000 places in all"), optionFirst.output)
    }

    func testTheStoresOwnCountriesOutrankAnyReferenceData() throws {
        let small = try smallQuotaData().path
        XCTAssertEqual(try haven("init", "--store", "live").status, 0)
        let before = try haven("countries", "--store", "live", "--data", small)
        XCTAssertEqual(quota(of: "GB", in: before.output), 100, before.output)
        XCTAssertEqual(quota(of: "GB", in: try haven("countries", "--store", "live").output), 6000)
        // An administrator's change keeps the whole list in the store, from then on whatever the data says.
        let changed = try haven("countries", "set-quota", "DE", "6500", "--store", "live", "--data", small)
        XCTAssertEqual(changed.status, 0, changed.output)
        let builtIn = try haven("countries", "--store", "live")
        XCTAssertEqual(quota(of: "DE", in: builtIn.output), 6500, builtIn.output)
        XCTAssertEqual(quota(of: "GB", in: builtIn.output), 100, builtIn.output)
    }

    func testCompletionScriptsNameTheSubcommandsAndOptions() throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try haven("--generate-completion-script", shell)
            XCTAssertEqual(script.status, 0, script.output)
            XCTAssertGreaterThan(script.output.count, 1000, shell)
            // fish names options without their dashes ('store=').
            for word in ["init", "demo", "data-check", "countries", "allocate", "store", "data"] {
                XCTAssertTrue(script.output.contains(word), "\(shell) completion lacks \(word)")
            }
        }
        XCTAssertTrue(try haven("--generate-completion-script", "bash").output.contains("-F _haven haven"))
    }
}
