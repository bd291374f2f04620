import Foundation
import XCTest

/// The arrows between modules, checked on the sources: HavenCore imports nothing of Haven,
/// HavenTUI never imports HavenStore, and exactly one file imports CNcurses.
final class ArchitectureTests: XCTestCase {
    static let sources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    /// Every Swift file under Sources/, with the modules it imports.
    func imports() throws -> [(path: String, modules: Set<String>)] {
        let files = try XCTUnwrap(FileManager.default.enumerator(atPath: Self.sources.path))
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        XCTAssertFalse(files.isEmpty)
        return try files.map { path in
            let text = try String(contentsOf: Self.sources.appendingPathComponent(path), encoding: .utf8)
            let modules = text.split(separator: "\n").compactMap { line -> String? in
                let words = line.split(separator: " ")
                guard let index = words.firstIndex(of: "import"), index + 1 < words.count,
                      words[..<index].allSatisfy({ ["@testable", "@_implementationOnly", "public", "internal"].contains($0) })
                else { return nil }
                return String(words[index + 1])
            }
            return (path, Set(modules))
        }
    }

    func testHavenCoreImportsNothingOfHaven() throws {
        let haven: Set = ["HavenStore", "HavenTUI", "CNcurses", "haven"]
        for file in try imports() where file.path.hasPrefix("HavenCore/") {
            XCTAssertTrue(file.modules.isDisjoint(with: haven), "\(file.path) imports \(file.modules.intersection(haven))")
        }
    }

    func testTheInterfaceNeverSeesTheStoreDirectly() throws {
        for file in try imports() where file.path.hasPrefix("HavenTUI/") {
            XCTAssertFalse(file.modules.contains("HavenStore"), "\(file.path) imports HavenStore")
        }
        for file in try imports() where file.path.hasPrefix("HavenStore/") {
            XCTAssertFalse(file.modules.contains("HavenTUI"), "\(file.path) imports HavenTUI")
        }
    }

    func testExactlyOneFileTouchesNcurses() throws {
        let files = try imports().filter { $0.modules.contains("CNcurses") }.map(\.path)
        XCTAssertEqual(files, ["HavenTUI/Terminal/NcursesTerminal.swift"])
    }
}
