import CHavenCRC
@testable import HavenStore
import HavenCore
import XCTest

/// The record lines' checksum: known answers of CRC-32 (IEEE 802.3, as zlib computes it), and
/// the slicing-by-8 tables and the folded checksum against the plain bit-by-bit definition at
/// every length and offset.
final class CRC32Tests: XCTestCase {
    func testKnownAnswers() {
        XCTAssertEqual(CRC32.checksum(Array("".utf8)), 0)
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926, "the standard check value")
        XCTAssertEqual(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)), 0x414F_A339)
        XCTAssertEqual(CRC32.checksum(Array("a".utf8)), 0xE8B7_BE43)
        XCTAssertEqual(CRC32.hex(0xCBF4_3926), "cbf43926")
    }

    func testSlicingMatchesTheBitwiseDefinitionAtEveryLengthAndOffset() {
        func bitwise(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            }
            return ~crc
        }
        var random = SeededGenerator(seed: 32)
        let bytes = (0..<300).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        for start in 0..<9 {
            for end in start...bytes.count where (end - start) < 40 || end % 37 == 0 {
                XCTAssertEqual(CRC32.checksum(bytes[start..<end]), bitwise(bytes[start..<end]), "bytes \(start)..<\(end)")
                XCTAssertEqual(bytes[start..<end].withUnsafeBytes(CRC32.tableChecksum), bitwise(bytes[start..<end]), "tables, bytes \(start)..<\(end)")
            }
        }
    }

    func testAChecksumContinuesOverBytesThatFollow() {
        let bytes = Array("The quick brown fox jumps over the lazy dog".utf8)
        for cut in [0, 1, 9, 20, bytes.count] {
            let first = CRC32.checksum(Array(bytes[..<cut]))
            XCTAssertEqual(CRC32.checksum(Array(bytes[cut...]), continuing: first), 0x414F_A339)
            XCTAssertEqual(Array(bytes[cut...]).withUnsafeBytes { CRC32.tableChecksum($0, continuing: first) }, 0x414F_A339)
        }
    }

    /// Where the processor folds (carry-less multiplication), the folded checksum agrees with
    /// the bitwise definition at every length up to past two 64-byte blocks, at every offset
    /// in a 16-byte lane, and continuing from any checksum; and with the tables on large input.
    func testFoldingWhenPresentAgreesWithTheDefinition() throws {
        try XCTSkipIf(!CRC32.folds, "this processor does not fold: zlib or the tables are used")
        func folded(_ bytes: ArraySlice<UInt8>, continuing previous: UInt32 = 0) -> UInt32 {
            bytes.withUnsafeBytes { haven_crc32_folding(previous, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), $0.count) }
        }
        var random = SeededGenerator(seed: 64)
        let bytes = (0..<400).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        for start in 0..<17 {
            for end in start...bytes.count {
                let slice = bytes[start..<end]
                XCTAssertEqual(folded(slice), slice.withUnsafeBytes(CRC32.tableChecksum), "bytes \(start)..<\(end)")
            }
        }
        for (cut, previous) in [(0, UInt32(0)), (64, 0xDEAD_BEEF), (200, 0xFFFF_FFFF), (399, 1)] {
            let slice = bytes[cut...]
            XCTAssertEqual(folded(slice, continuing: previous), slice.withUnsafeBytes { CRC32.tableChecksum($0, continuing: previous) })
        }
        let large = (0..<3_000_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        for (start, end) in [(0, large.count), (3, 65_539), (17, 2_000_001)] {
            XCTAssertEqual(folded(large[start..<end]), large[start..<end].withUnsafeBytes(CRC32.tableChecksum))
        }
    }

    /// Where the system has zlib, its checksum is used and agrees with the tables on large input.
    func testZlibWhenPresentAgreesWithTheTables() throws {
        try XCTSkipIf(CRC32.zlibCRC32 == nil, "no libz.so.1 here: the tables are used")
        var random = SeededGenerator(seed: 7)
        let bytes = (0..<3_000_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        for (start, end) in [(0, bytes.count), (1, 65_537), (13, 2_000_003), (100, 100)] {
            XCTAssertEqual(CRC32.checksum(bytes[start..<end]), bytes[start..<end].withUnsafeBytes(CRC32.tableChecksum))
        }
    }
}
