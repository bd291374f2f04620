import Crypto
import HavenCore

/// Keyed hashes in place of case numbers (the research export): HMAC-SHA-256 of the case
/// number under a key the programme keeps apart from the store, its first 16 hex digits. With
/// the same key the same person has the same pseudonym in every export; without the key no
/// one can go from a pseudonym back to a case, nor test a guessed number.
public struct Pseudonym {
    let key: SymmetricKey

    /// A key of at least 32 bytes (a file the programme keeps), or nil.
    public init?(key bytes: [UInt8]) {
        guard bytes.count >= 32 else { return nil }
        key = SymmetricKey(data: bytes)
    }

    /// A key made for one export alone: its pseudonyms link to no other export.
    public static func oneOff() -> Pseudonym { Pseudonym(random: SymmetricKey(size: .bits256)) }

    init(random: SymmetricKey) { key = random }

    public func callAsFunction(_ id: CaseID) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(id.rawValue.utf8), using: key)
        // A letter first: a spreadsheet never reads it as a number (16 digits, or 123e4567).
        return "p" + Array(code).prefix(8).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
