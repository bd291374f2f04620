import Foundation
import HavenCore
import HavenStore
import XCTest

/// The reference data compiled into the binary is data/, exactly: data/ stays the one place
/// to edit, and this fails until scripts/embed-reference-data has copied an edit in.
final class BuiltInReferenceDataTests: XCTestCase {
    func testTheBuiltInCopyHoldsEveryFileOfDataByteForByte() throws {
        let directory = ReferenceDataLoaderTests.dataDirectory
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
        XCTAssertEqual(Set(BuiltInReferenceData.files.keys), Set(names),
                       "data/ and the built-in copy hold different files: run scripts/embed-reference-data")
        for name in names.sorted() {
            let file = try Data(contentsOf: directory.appendingPathComponent(name))
            XCTAssertEqual(BuiltInReferenceData.files[name].map { Data($0.utf8) }, file,
                           "data/\(name) differs from the built-in copy: run scripts/embed-reference-data")
        }
    }

    func testTheBuiltInCopyHoldsEveryFileTheLoaderReads() throws {
        XCTAssertEqual(Set(ReferenceDataLoader.files).subtracting(BuiltInReferenceData.files.keys), [])
        let reference = try ReferenceDataLoader.builtIn()
        XCTAssertEqual(reference.countries.count, 20)
        XCTAssertEqual(reference, try ReferenceDataLoader.load(from: ReferenceDataLoaderTests.dataDirectory))
    }
}
