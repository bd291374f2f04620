import Foundation
import HavenCore
@testable import HavenStore
import XCTest

/// A scratch directory per test, removed afterwards.
class StoreTestCase: XCTestCase {
    var scratch: URL!
    let today = CalendarDate(year: 2026, month: 11, day: 24)!
    var now: Timestamp { Timestamp(date: today, hour: 10) }
    let anna = Actor(user: "anna.k", role: .caseworker)
    let oleh = Actor(user: "oleh.m", role: .caseworker)

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haven-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    var storeURL: URL { scratch.appendingPathComponent("store") }

    func makeStore(kind: StoreManifest.Kind = .live) throws -> FileCaseStore {
        try FileCaseStore.create(at: storeURL, kind: kind, by: "anna.k", at: now)
    }

    func demoCases(_ count: Int) -> [Case] {
        DemoCases.generate(count: count, today: today, countries: ["GB", "DE", "PL"].compactMap(CountryCode.init))
    }

    func path(_ name: String) -> String { storeURL.appendingPathComponent(name).path }

    func appendBytes(_ bytes: [UInt8], to name: String) throws {
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path(name)))
        handle.seekToEndOfFile()
        handle.write(Data(bytes))
        try handle.close()
    }
}
