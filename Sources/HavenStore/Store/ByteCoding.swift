/// Variable-length integers (LEB128; signed ones zigzagged) and length-prefixed UTF-8, the
/// building blocks of the queue index (`QueueIndex`). Little, fast, and nothing Haven-specific.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func unsigned(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A count, offset or other number that is never negative.
    mutating func natural(_ value: Int) {
        precondition(value >= 0, "a natural number cannot be negative")
        unsigned(UInt64(value))
    }

    mutating func signed(_ value: Int64) {
        unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func fixed32(_ value: UInt32) { littleEndian(value) }
    mutating func fixed64(_ value: UInt64) { littleEndian(value) }

    private mutating func littleEndian<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        for shift in stride(from: 0, to: T.bitWidth, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }

    mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            natural(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func flag(_ value: Bool) { bytes.append(value ? 1 : 0) }
}

/// Reads what `ByteWriter` wrote, refusing (never trapping on) anything short or malformed:
/// the bytes come from a file anyone with access to the store could have damaged.
struct ByteReader {
    struct Malformed: Error {}

    let buffer: UnsafeRawBufferPointer
    var position = 0

    init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }

    var remaining: Int { buffer.count - position }
    var atEnd: Bool { position == buffer.count }

    mutating func byte() throws(Malformed) -> UInt8 {
        guard position < buffer.count else { throw Malformed() }
        defer { position += 1 }
        return buffer[position]
    }

    mutating func unsigned() throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw Malformed() }
            value |= UInt64(next & 0x7F) << shift
            if next & 0x80 == 0 { return value }
            shift += 7
        }
    }

    mutating func natural() throws(Malformed) -> Int {
        let value = try unsigned()
        guard value <= UInt64(Int.max) else { throw Malformed() }
        return Int(value)
    }

    /// A number of items still to read, each at least one byte long: never more than the bytes left.
    mutating func count() throws(Malformed) -> Int {
        let value = try natural()
        guard value <= remaining else { throw Malformed() }
        return value
    }

    mutating func signed() throws(Malformed) -> Int64 {
        let raw = try unsigned()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func fixed32() throws(Malformed) -> UInt32 { try littleEndian(UInt32.self) }
    mutating func fixed64() throws(Malformed) -> UInt64 { try littleEndian(UInt64.self) }

    private mutating func littleEndian<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) throws(Malformed) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw Malformed() }
        var value: T = 0
        for index in 0..<size { value |= T(buffer[position + index]) << T(8 * index) }
        position += size
        return value
    }

    mutating func string() throws(Malformed) -> String {
        let length = try count()
        defer { position += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[position..<(position + length)]), as: UTF8.self)
    }

    mutating func flag() throws(Malformed) -> Bool {
        switch try byte() {
        case 0: false
        case 1: true
        default: throw Malformed()
        }
    }
}
