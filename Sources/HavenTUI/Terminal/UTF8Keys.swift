/// Keys typed as UTF-8 bytes, put together here when the locale is not UTF-8 (LANG=C over
/// `su -` or an ssh that passes no LANG). ncurses' own reader then takes a Cyrillic letter's
/// bytes as an unfinished character and swallowed it with the keys typed after it (a walk
/// typed "Ж" and lost the next three keys, unsaid). Terminals send UTF-8 whatever the
/// server's locale says, so the bytes are decoded as such; what is not UTF-8 (a KOI8-R
/// terminal) is refused and said, never stored as some other letter.
public struct UTF8Keys: Sendable {
    public enum Taken: Equatable, Sendable {
        case character(Character)
        /// The first bytes of a character: more are to come.
        case pending
        /// Not UTF-8: the bytes so far are dropped.
        case invalid
    }

    private var bytes: [UInt8] = []
    private var expected = 0

    public init() {}

    /// Whether a character's bytes are part-way in.
    public var isPending: Bool { !bytes.isEmpty }

    public mutating func take(_ byte: UInt8) -> Taken {
        if bytes.isEmpty {
            switch byte {
            case 0x00...0x7F: return .character(Character(Unicode.Scalar(byte)))
            case 0xC2...0xDF: expected = 2
            case 0xE0...0xEF: expected = 3
            case 0xF0...0xF4: expected = 4
            default: return .invalid
            }
            bytes = [byte]
            return .pending
        }
        guard byte & 0xC0 == 0x80 else {
            // Cut short by the first byte of another character: the bytes so far go, and that
            // one starts afresh (a stray byte before "Д" lost the "Д" too: a review).
            bytes = []
            if case .pending = take(byte) {}
            return .invalid
        }
        bytes.append(byte)
        guard bytes.count == expected else { return .pending }
        defer { bytes = [] }
        // The standard library's validation: overlong forms and surrogates are refused too.
        guard let text = String(validating: bytes, as: UTF8.self), let character = text.first, text.count == 1 else { return .invalid }
        return .character(character)
    }

    /// The bytes so far go (a character cut short, or no more came).
    public mutating func drop() -> Taken {
        bytes = []
        return .invalid
    }
}
