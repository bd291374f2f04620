import Foundation
import HavenCore
@testable import HavenTUI
import XCTest

/// The shape issue 22 asks of the interface, checked so that it stays: one binding a key on
/// each screen, keys not open now saying why, screens that never read the clock, a runtime
/// that knows no feature, and files a newcomer can read.
extension Screen {
    var duplicateKeys: [String] { keyTable.duplicates }
}

final class RuntimeShapeTests: XCTestCase {
    static let today = CalendarDate(year: 2026, month: 11, day: 24)!
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/HavenTUI")

    func context(_ role: Role) -> SessionContext {
        SessionContext(user: "anna.k", today: Self.today, storeDescription: "Store", role: role,
                       clock: { Timestamp(date: Self.today, hour: 9) }, reference: IntegrationScreensTests.reference)
    }

    /// Every screen the interface opens, in the states a key table depends on.
    func everyScreen() -> [(String, any Screen)] {
        let cases = DemoCases.generate(count: 300, today: Self.today, countries: ["GB", "DE", "PL"].compactMap(CountryCode.init))
        let summaries = cases.map { CaseSummary(StoredCase(record: $0, version: CaseVersion(1), savedBy: "anna.k", savedAt: Timestamp(date: Self.today))) }
        var screens: [(String, any Screen)] = []
        for role in Role.allCases {
            let context = context(role)
            screens.append(("Home as \(role)", HomeScreen(cases: summaries, context: context)))
            screens.append(("Queue as \(role)", QueueScreen(cases: summaries, context: context)))
            screens.append(("Approvals as \(role)", ApprovalsScreen(cases: summaries, context: context)))
            for stage in CaseStage.allCases {
                for record in cases.filter({ $0.stage == stage }).prefix(3) {
                    for assigned in [record.assignedTo, "anna.k"] {
                        var mine = record
                        mine.assignedTo = assigned
                        let stored = StoredCase(record: mine, version: CaseVersion(2), savedBy: "anna.k", savedAt: Timestamp(date: Self.today))
                        screens.append(("\(record.id) in \(stage) as \(role)", CaseViewScreen(stored: stored, history: [], context: context)))
                        screens.append(("family of \(record.id) as \(role)", FamilyScreen(stored: stored, context: context)))
                    }
                }
            }
        }
        for factory in FormFuzzTests(name: "factories", testClosure: { _ in }).factories() { screens.append((factory.name, factory.make())) }
        screens.append(("intake", IntakeScreen(reference: IntegrationScreensTests.reference, today: Self.today)))
        return screens
    }

    func testNoKeyMeansTwoThingsOnAnyScreen() {
        var checked = 0
        for (name, screen) in everyScreen() {
            XCTAssertEqual(screen.duplicateKeys, [], name)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 100)
        XCTAssertEqual(HavenApp.globalKeys.duplicates, [])
    }

    func testATableWithOneKeyTwiceIsRefusedNamingBoth() {
        let table = KeyTable([
            KeyBinding([.character("a"), .enter], 1, help: "Approve"),
            KeyBinding([.character("x")], 2, help: "Close", disabled: "Closed already."),
            KeyBinding([.character("a")], 3, help: "Add a note"),
        ])
        XCTAssertEqual(table.duplicates, [#"a is bound to "Approve" and to "Add a note""#])
        XCTAssertEqual(table.action(for: .character("a")), 1)
        XCTAssertNil(table.action(for: .character("x")), "a disabled key does nothing")
        XCTAssertEqual(table.refusal(for: .character("x")), "Closed already.")
        XCTAssertEqual(table.keyBarItems { _ in true }, [], "unlabelled and disabled keys are not in the bar")
        XCTAssertEqual(table.helpSection(title: "T").entries.map(\.text), ["Approve", "Close (not now: Closed already.)", "Add a note"])
    }

    /// The walk's finding: `t` did nothing, silently, for a caseworker on a case in Integration
    /// (which now has a move, undoing the arrival; Allocation has none for a caseworker).
    func testACaseworkKeyNotOpenHereSaysWhy() throws {
        let cases = DemoCases.generate(count: 300, today: Self.today, countries: ["GB", "DE", "PL"].compactMap(CountryCode.init))
        var record = try XCTUnwrap(cases.first { $0.stage == .allocation })
        record.allocation = nil
        record.assignedTo = "anna.k"
        let store = InMemoryCaseStore()
        _ = try store.save(record, basedOn: nil, by: Actor(user: "anna.k", role: .caseworker), at: Timestamp(date: Self.today))
        let context = context(.caseworker)
        let stored = try store.load(record.id)
        var app = HavenApp(root: CaseViewScreen(stored: stored, history: [], context: context), context: context, store: store)
        XCTAssertEqual(CaseActions.moves(for: record, role: .caseworker), [], "a caseworker has no move from Allocation")
        app.press([.character("t")])
        XCTAssertEqual(app.status?.text, "No stage move from Allocation is open to a caseworker.")
        app.press([.character("a")])
        XCTAssertEqual(app.status?.text, "Nothing on \(record.id) is waiting for approval.")
        XCTAssertEqual(app.topScreen.title, record.id.rawValue, "nothing opened")
    }

    func swiftFiles(_ folder: String) throws -> [(String, String)] {
        let root = Self.sources.appendingPathComponent(folder)
        let paths = try XCTUnwrap(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        return try paths.map { ($0, try String(contentsOf: root.appendingPathComponent($0), encoding: .utf8)) }
    }

    func testScreensAreToldTheTimeAndNeverReadTheClock() throws {
        for folder in ["Screens", "Forms", "Widgets", "Keys"] {
            for (path, text) in try swiftFiles(folder) {
                XCTAssertFalse(text.contains("clock()"), "\(folder)/\(path) reads the clock; take the time from prepare(for:now:)")
                XCTAssertFalse(text.contains("Date()"), "\(folder)/\(path) reads the system time")
            }
        }
    }

    func testTheRuntimeKnowsNoFeature() throws {
        let runtime = try swiftFiles("App").filter { $0.0.hasPrefix("HavenApp") || $0.0 == "ScreenStack.swift" || $0.0 == "Command.swift" }
        XCTAssertEqual(runtime.count, 5)
        let features = ["CaseViewScreen", "IntakeScreen", "FamilyScreen", "QueueScreen", "HomeScreen", "Workflow.", "CaseID",
                        ".save(", ".load(", "register"]
        for (path, text) in runtime {
            for word in features { XCTAssertFalse(text.contains(word), "App/\(path) names \(word): the runtime must know no feature") }
        }
        let protocolFile = try XCTUnwrap(try swiftFiles("App").first { $0.0 == "Screen.swift" }?.1)
        XCTAssertEqual(protocolFile.components(separatedBy: "public protocol ").count, 2, "Screen.swift holds the screen protocol")
        XCTAssertFalse(protocolFile.contains("struct ") || protocolFile.contains("enum ") || protocolFile.contains("class "))
    }

    func testNoFileOfTheInterfaceIsOverFourHundredLines() throws {
        for folder in ["App", "Canvas", "Forms", "Keys", "Screens", "Terminal", "Widgets"] {
            for (path, text) in try swiftFiles(folder) {
                XCTAssertLessThanOrEqual(text.split(separator: "\n", omittingEmptySubsequences: false).count, 400, "\(folder)/\(path)")
            }
        }
    }
}
