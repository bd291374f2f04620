import Foundation
import HavenCore
@testable import HavenStore
import XCTest

/// The export reads the store a batch at a time and writes as it reads: the same documents as
/// encoding every decoded case (the previous implementation, `StoreExport`), never the whole
/// log in memory.
final class WholeStoreExportTests: StoreTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        LatestVersions.batchSize = 7 // many batches, some of one case
    }

    override func tearDownWithError() throws {
        LatestVersions.batchSize = 2048
        try super.tearDownWithError()
    }

    /// 240 demo cases, every third saved twice more, so the latest versions lie all over the
    /// log and out of case-number order.
    func agedStore() throws -> FileCaseStore {
        let store = try makeStore()
        try store.importCases(demoCases(240), by: admin, at: now, today: today)
        for round in 0..<2 {
            for number in stride(from: 240, to: 0, by: -3) {
                var stored = try store.load(CaseID(number: number))
                stored.record.notes.append(Note(author: anna.user, at: now, text: "Round \(round): \"seen\" again, {ok}"))
                _ = try store.save(stored.record, basedOn: stored.version, by: anna, at: now)
            }
        }
        return store
    }

    func written(_ write: (([UInt8]) throws -> Void) throws -> Void) throws -> (bytes: [UInt8], pieces: [Int]) {
        var bytes: [UInt8] = []
        var pieces: [Int] = []
        try write { piece in
            bytes += piece
            pieces.append(piece.count)
        }
        return (bytes, pieces)
    }

    func testEveryModeWritesTheDocumentTheDecodedCasesMake() throws {
        let store = try agedStore()
        let all = try store.allCases()
        XCTAssertGreaterThan(all.count { !$0.family.isEmpty }, 100)
        let latest = try store.latestVersions()
        XCTAssertEqual(latest.count, 240)
        let sensitive = try written { try latest.writeJSON(includeSensitive: true, to: $0) }.bytes
        XCTAssertEqual(String(decoding: sensitive, as: UTF8.self), String(decoding: try StoreExport.json(all, includeSensitive: true), as: UTF8.self))
        let reduced = try written { try latest.writeJSON(includeSensitive: false, to: $0) }.bytes
        XCTAssertEqual(String(decoding: reduced, as: UTF8.self), String(decoding: try StoreExport.json(all), as: UTF8.self))
        XCTAssertNotEqual(reduced, sensitive)
        let csv = try written { try latest.writeCSV(to: $0) }.bytes
        XCTAssertEqual(String(decoding: csv, as: UTF8.self), String(decoding: StoreExport.csv(all), as: UTF8.self))
        XCTAssertEqual(try store.exportJSON(), reduced)
    }

    func testAnEmptyStoreExportsAnEmptyArrayAndAHeader() throws {
        let latest = try makeStore().latestVersions()
        XCTAssertEqual(try written { try latest.writeJSON(includeSensitive: false, to: $0) }.bytes, try StoreExport.json([]))
        XCTAssertEqual(try written { try latest.writeCSV(to: $0) }.bytes, StoreExport.csv([]))
    }

    /// Written as it is read: one piece per batch (and a head and a tail), none of them more
    /// than a batch of cases.
    func testAnExportIsWrittenABatchAtATime() throws {
        let store = try agedStore()
        let latest = try store.latestVersions()
        let longestLine = latest.entries.map(\.length).max() ?? 0
        for mode in 0..<3 {
            let (_, pieces) = try written { write in
                switch mode {
                case 0: try latest.writeJSON(includeSensitive: true, to: write)
                case 1: try latest.writeJSON(includeSensitive: false, to: write)
                default: try latest.writeCSV(to: write)
                }
            }
            XCTAssertGreaterThanOrEqual(pieces.count, 240 / LatestVersions.batchSize, "mode \(mode)")
            XCTAssertLessThanOrEqual(pieces.max() ?? 0, LatestVersions.batchSize * (longestLine + 2), "mode \(mode)")
        }
    }

    /// Saves made while an export runs are not in it: it is the store as it stood when it began.
    func testAnExportIsTheStoreAsItStoodWhenItBegan() throws {
        let store = try agedStore()
        let latest = try store.latestVersions()
        let before = try written { try latest.writeJSON(includeSensitive: true, to: $0) }.bytes
        let other = try FileCaseStore(at: storeURL)
        var stored = try other.load(CaseID(number: 5))
        stored.record.notes.append(Note(author: anna.user, at: now, text: "After the export began"))
        _ = try other.save(stored.record, basedOn: stored.version, by: anna, at: now)
        XCTAssertEqual(try written { try latest.writeJSON(includeSensitive: true, to: $0) }.bytes, before)
        XCTAssertTrue(String(decoding: try store.exportJSON(includeSensitive: true), as: UTF8.self).contains("After the export began"))
    }

    func testADamagedLineStopsTheExportNamingTheCase() throws {
        let store = try agedStore()
        let latest = try store.latestVersions()
        let entry = try XCTUnwrap(latest.entries.first { $0.id == CaseID(number: 100) })
        let log = try FileHandle(forUpdating: URL(fileURLWithPath: path("cases.jsonl")))
        try log.seek(toOffset: UInt64(entry.offset + entry.length - 40))
        let byte = try XCTUnwrap(log.readData(ofLength: 1).first)
        try log.seek(toOffset: UInt64(entry.offset + entry.length - 40))
        log.write(Data([byte == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")]))
        try log.close()
        for mode in 0..<2 {
            XCTAssertThrowsError(try written { write in
                if mode == 0 { try latest.writeJSON(includeSensitive: mode == 0, to: write) } else { try latest.writeCSV(to: write) }
            }) { error in
                XCTAssertTrue("\(error)".contains("the record of HV-000100 cannot be read; run 'haven check'"), "\(error)")
            }
        }
    }
}
