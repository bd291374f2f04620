import CHavenCRC
import Foundation
import Glibc

/// CRC-32 (IEEE 802.3, the zlib polynomial): a checksum on each record line, so a torn or
/// damaged write is detected when the store is read. Slicing-by-8: eight bytes a step
/// through eight tables, several times faster than a byte at a time, which matters when
/// opening checks 300 MB of lines.
enum CRC32 {
    /// Eight tables of 256 entries, one after the other; table 0 is the classic one.
    static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for index in 0..<256 {
            var value = UInt32(index)
            for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
            tables[index] = value
        }
        for table in 1..<8 {
            for index in 0..<256 {
                let previous = tables[(table - 1) * 256 + index]
                tables[table * 256 + index] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// The checksum of bytes that follow bytes whose checksum was `previous`: the checksum of
    /// both together.
    static func checksum(_ bytes: [UInt8], continuing previous: UInt32) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: previous) }
    }

    static func checksum(_ buffer: UnsafeRawBufferPointer, continuing previous: UInt32 = 0) -> UInt32 {
        if folds, let base = buffer.baseAddress {
            return haven_crc32_folding(previous, base.assumingMemoryBound(to: UInt8.self), buffer.count)
        }
        guard let zlib = zlibCRC32, let base = buffer.baseAddress else { return tableChecksum(buffer, continuing: previous) }
        var crc = UInt(previous)
        var offset = 0
        while offset < buffer.count {
            let count = min(buffer.count - offset, 1 << 30)
            crc = zlib(crc, base.advanced(by: offset).assumingMemoryBound(to: UInt8.self), UInt32(count))
            offset += count
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// Whether the checksum is folded with carry-less multiplication (`CHavenCRC`): 12 GB/s
    /// on the server against zlib's 3.4, where a cold opening checks every line of a 500 MB
    /// log. Asked of the processor once; `HAVEN_CRC=zlib` or `tables` turns it off.
    static let folds: Bool = {
        guard !["zlib", "tables"].contains(ProcessInfo.processInfo.environment["HAVEN_CRC"]) else { return false }
        return haven_crc32_folding_available() != 0
    }()

    typealias ZlibCRC32 = @convention(c) (UInt, UnsafePointer<UInt8>?, UInt32) -> UInt

    /// zlib's `crc32` when the system has the library and the processor cannot fold (it
    /// computes the same checksum about three times quicker than the tables: 3.6 GB/s on the
    /// server). Looked up at run time, so Haven builds and runs without it; `HAVEN_CRC=tables`
    /// uses the tables here instead.
    static let zlibCRC32: ZlibCRC32? = {
        guard ProcessInfo.processInfo.environment["HAVEN_CRC"] != "tables",
              let library = dlopen("libz.so.1", RTLD_NOW | RTLD_LOCAL), let symbol = dlsym(library, "crc32") else { return nil }
        return unsafeBitCast(symbol, to: ZlibCRC32.self)
    }()

    /// The checksum by the tables here (slicing-by-8).
    static func tableChecksum(_ buffer: UnsafeRawBufferPointer) -> UInt32 {
        tableChecksum(buffer, continuing: 0)
    }

    static func tableChecksum(_ buffer: UnsafeRawBufferPointer, continuing previous: UInt32) -> UInt32 {
        var crc: UInt32 = previous ^ 0xFFFF_FFFF
        tables.withUnsafeBufferPointer { t in
            var offset = 0
            let count = buffer.count
            while count - offset >= 8 {
                let one = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) ^ crc
                let two = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
                crc = t[7 * 256 + Int(one & 0xFF)] ^ t[6 * 256 + Int((one >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((one >> 16) & 0xFF)] ^ t[4 * 256 + Int(one >> 24)]
                    ^ t[3 * 256 + Int(two & 0xFF)] ^ t[2 * 256 + Int((two >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((two >> 16) & 0xFF)] ^ t[Int(two >> 24)]
                offset += 8
            }
            while offset < count {
                crc = t[Int((crc ^ UInt32(buffer[offset])) & 0xFF)] ^ (crc >> 8)
                offset += 1
            }
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// Eight lower-case hex digits.
    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
