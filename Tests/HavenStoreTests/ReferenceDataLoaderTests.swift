import Foundation
import HavenCore
import HavenStore
import XCTest

final class ReferenceDataLoaderTests: XCTestCase {
    /// The package's own data/ directory.
    static let dataDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("data")

    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haven-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    func testTheShippedDataHoldsTwentyCountriesAndFortySpecialties() throws {
        let data = try ReferenceDataLoader.load(from: Self.dataDirectory)
        XCTAssertEqual(data.countries.count, 20)
        XCTAssertEqual(Set(data.countries.map(\.code.rawValue)), [
            "GB", "IE", "FR", "DE", "NL", "BE", "LU", "DK", "SE", "NO",
            "FI", "PL", "CZ", "SK", "AT", "IT", "ES", "PT", "CA", "US",
        ])
        XCTAssertTrue(data.countries.allSatisfy { $0.quota == 6000 })
        XCTAssertEqual(data.countries.first { $0.code.rawValue == "BE" }?.languages.map(\.rawValue), ["nl", "fr", "de"])
        XCTAssertGreaterThanOrEqual(data.occupations.specialties.count, 40)
        for code in ["tank-driver-mechanic", "military-driver", "vehicle-mechanic", "signaller", "combat-medic",
                     "military-cook", "combat-engineer", "helicopter-pilot", "aircraft-technician"] {
            XCTAssertFalse(data.occupations.suggestedOccupations(for: code).isEmpty, code)
        }
        XCTAssertEqual(data.occupations.suggestedOccupations(for: "military-driver").first?.title, "Heavy truck and lorry drivers")
        XCTAssertEqual(data.occupations.specialties(matching: "повар").map(\.code), ["military-cook"])
    }

    /// Copies every file of data/ into the scratch directory, with `file` holding `text` instead.
    func copyData(replacing file: String, with text: String) throws {
        for name in ReferenceDataLoader.files {
            try FileManager.default.copyItem(at: Self.dataDirectory.appendingPathComponent(name),
                                             to: scratch.appendingPathComponent(name))
        }
        try Data(text.utf8).write(to: scratch.appendingPathComponent(file))
    }

    func testABadFileIsNamedWithItsPosition() throws {
        try copyData(replacing: "occupations.json", with: "{\n  \"unitGroups\": [\n    {\"code\": 8332, \"title\": \"Drivers\"}\n  ]\n}")
        XCTAssertThrowsError(try ReferenceDataLoader.load(from: scratch)) { error in
            XCTAssertEqual("\(error)", "\(self.scratch.path)/occupations.json, line 3, column 14 (at unitGroups[0].code): expected text in quotes; found number")
        }
    }

    /// The retention schedule: read from the data, and refused, naming the place, when a rule
    /// is repeated, keeps a case for an impossible time, or no rule keeps the other reasons.
    func testTheRetentionScheduleIsReadAndChecked() throws {
        try copyData(replacing: "retention.json", with: #"{"rules":[{"id":"closed","title":"Closed","yearsAfterClosure":5},{"id":"x","title":"X","closure":["duplicate"],"yearsAfterClosure":1}]}"#)
        let schedule = try ReferenceDataLoader.load(from: scratch).retention
        XCTAssertEqual(schedule.rule(for: .duplicate)?.id, "x")
        XCTAssertEqual(schedule.rule(for: .withdrawn)?.id, "closed")
        XCTAssertEqual(try ReferenceDataLoader.builtIn().retention.rule(for: .excluded)?.yearsAfterClosure, 10)
        for (text, words) in [
            (#"{"rules":[{"id":"closed","title":"A","yearsAfterClosure":5},{"id":"closed","title":"B","yearsAfterClosure":3}]}"#, "appears twice"),
            (#"{"rules":[{"id":"closed","title":"A","yearsAfterClosure":500}]}"#, "0 to 100 years"),
            (#"{"rules":[{"id":"x","title":"A","closure":["duplicate"],"yearsAfterClosure":1}]}"#, "no rule keeps"),
            (#"{"rules":[{"id":"closed","title":"A","closure":["lost"],"yearsAfterClosure":1}]}"#, "retention.json"),
        ] {
            try Data(text.utf8).write(to: scratch.appendingPathComponent("retention.json"))
            XCTAssertThrowsError(try ReferenceDataLoader.load(from: scratch)) { error in
                XCTAssertTrue("\(error)".contains(words) && "\(error)".contains("retention.json"), "\(error)")
            }
        }
    }

    func testADirectoryLackingFilesIsRefusedNamingEachOne() throws {
        try copyData(replacing: "countries.json", with: "[]")
        for name in [ReferenceDataLoader.allocationFile, ReferenceDataLoader.reunificationFile] {
            try FileManager.default.removeItem(at: scratch.appendingPathComponent(name))
        }
        XCTAssertThrowsError(try ReferenceDataLoader.load(from: scratch)) { error in
            XCTAssertEqual("\(error)", "\(self.scratch.path): allocation.json, reunification.json are missing; a reference data "
                           + "directory holds all of countries.json, occupations.json, stage-targets.json, allocation.json, "
                           + "labour-demand.json, reunification.json, retention.json (copy them from Haven's data/)")
        }
        let absent = scratch.appendingPathComponent("absent")
        XCTAssertThrowsError(try ReferenceDataLoader.load(from: absent)) { error in
            XCTAssertEqual("\(error)", "\(absent.path): no such directory")
        }
    }

    func testOnlyANamedDirectoryIsUsedElseTheBuiltInCopy() throws {
        // A data/ in the working directory is not picked up by accident, nor one beside a build.
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent("data"), withIntermediateDirectories: true)
        try Data("not json".utf8).write(to: scratch.appendingPathComponent("data/countries.json"))
        XCTAssertEqual(ReferenceDataLoader.locate(explicit: nil, environment: [:], workingDirectory: scratch), .builtIn)
        XCTAssertEqual(ReferenceDataLoader.locate(explicit: nil, environment: ["HAVEN_DATA": ""], workingDirectory: scratch), .builtIn)
        XCTAssertEqual(ReferenceDataLoader.locate(explicit: nil, environment: ["HAVEN_DATA": "/srv/haven/data"], workingDirectory: scratch),
                       .directory(URL(fileURLWithPath: "/srv/haven/data")))
        XCTAssertEqual(ReferenceDataLoader.locate(explicit: "/x", environment: ["HAVEN_DATA": "/srv"], workingDirectory: scratch),
                       .directory(URL(fileURLWithPath: "/x")))
        let relative = ReferenceDataLoader.locate(explicit: "data", environment: [:], workingDirectory: scratch)
        XCTAssertEqual(relative, .directory(scratch.appendingPathComponent("data").standardizedFileURL))
        XCTAssertThrowsError(try ReferenceDataLoader.load(relative), "a named data/ is used, bad or not")
        XCTAssertEqual(try ReferenceDataLoader.load(.builtIn), try ReferenceDataLoader.load(from: Self.dataDirectory))
    }
}
