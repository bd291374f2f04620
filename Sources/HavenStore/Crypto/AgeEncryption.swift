import Crypto
import Foundation

/// Files encrypted to a recipient's public key in the age format (age-encryption.org/v1), so
/// that the standard `age` tool decrypts them (`age -d -i key.txt FILE`): an export, a report
/// or a story leaves the server readable only by whoever holds the matching private key.
///
/// The format, as its specification sets it out: a random 16-byte file key is wrapped for each
/// X25519 recipient (an ephemeral key pair, the shared secret through HKDF-SHA-256 into a
/// ChaCha20-Poly1305 key); the header is authenticated with an HMAC under a key derived from
/// the file key; the payload is a 16-byte nonce, then the plaintext in 64 KiB chunks, each
/// sealed with ChaCha20-Poly1305 under a key derived from the file key and that nonce, with a
/// counter and a last-chunk flag as the chunk's nonce. Every primitive is swift-crypto's.
public enum AgeEncryption {
    /// An X25519 recipient: `age1…` (Bech32), as `age-keygen` prints it.
    public struct Recipient: Hashable, Sendable {
        public let publicKey: [UInt8]
        public let text: String

        /// Nil unless `text` is an `age1…` key whose checksum holds and which is 32 bytes.
        public init?(_ text: String) {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            // Bech32 is all lower case or all upper case, never mixed.
            guard trimmed == trimmed.lowercased() || trimmed == trimmed.uppercased(),
                  let (hrp, data) = Bech32.decode(trimmed.lowercased()), hrp == "age", data.count == 32 else { return nil }
            publicKey = data
            self.text = trimmed
        }

        /// The recipients a file names (as `age -R` reads one: a key a line, `#` comments,
        /// blank lines), or the reason it cannot be read.
        public static func list(in text: String) throws(RecipientError) -> [Recipient] {
            var found: [Recipient] = []
            // Lines end in LF or CRLF (a file written on Windows).
            for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
                let content = line.trimmingCharacters(in: .whitespaces)
                guard !content.isEmpty, !content.hasPrefix("#") else { continue }
                guard let recipient = Recipient(content) else { throw .notARecipient(line: number + 1, String(content.prefix(20))) }
                found.append(recipient)
            }
            return found
        }
    }

    public enum RecipientError: Error, Equatable, CustomStringConvertible {
        case notARecipient(line: Int, String)

        public var description: String {
            switch self {
            case let .notARecipient(line, start):
                "line \(line) (\(start)…) is not an age public key (age1…, as age-keygen prints it)"
            }
        }
    }

    static let chunkSize = 64 * 1024

    /// Encrypts as it is written: `header` first, then what `update` and `finish` return.
    public struct Encryptor {
        public let header: [UInt8]
        let payloadKey: SymmetricKey
        var pending: [UInt8] = []
        var counter: UInt64 = 0

        public init(to recipients: [Recipient]) throws {
            precondition(!recipients.isEmpty, "at least one recipient")
            let fileKey = SymmetricKey(size: .bits128)
            var text = "age-encryption.org/v1\n"
            for recipient in recipients {
                let ephemeral = Curve25519.KeyAgreement.PrivateKey()
                let theirs = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: recipient.publicKey)
                let shared = try ephemeral.sharedSecretFromKeyAgreement(with: theirs)
                let secret = shared.withUnsafeBytes { Array($0) }
                guard secret.contains(where: { $0 != 0 }) else { throw AgeFailure("the recipient \(recipient.text) is not usable") }
                let share = Array(ephemeral.publicKey.rawRepresentation)
                let wrapKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: secret), salt: share + recipient.publicKey,
                                                     info: Array("age-encryption.org/v1/X25519".utf8), outputByteCount: 32)
                let sealed = try ChaChaPoly.seal(fileKey.withUnsafeBytes { Array($0) }, using: wrapKey,
                                                 nonce: try ChaChaPoly.Nonce(data: [UInt8](repeating: 0, count: 12)))
                text += "-> X25519 \(AgeEncryption.base64(share))\n" + AgeEncryption.wrapped(AgeEncryption.base64(Array(sealed.ciphertext) + Array(sealed.tag)))
            }
            text += "---"
            let macKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: fileKey, salt: [UInt8](), info: Array("header".utf8), outputByteCount: 32)
            let mac = HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: macKey)
            let nonce = (0..<16).map { _ in UInt8.random(in: 0...255) }
            header = Array((text + " " + AgeEncryption.base64(Array(mac)) + "\n").utf8) + nonce
            payloadKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: fileKey, salt: nonce, info: Array("payload".utf8), outputByteCount: 32)
        }

        /// The sealed chunks `bytes` completes; the last chunk is held back until `finish`,
        /// which alone may mark it last.
        public mutating func update(_ bytes: [UInt8]) throws -> [UInt8] {
            pending += bytes
            var out: [UInt8] = []
            var start = 0
            // Sealed from an offset, the rest kept once at the end (not shifted after each chunk).
            while pending.count - start > AgeEncryption.chunkSize {
                out += try seal(Array(pending[start..<(start + AgeEncryption.chunkSize)]), last: false)
                start += AgeEncryption.chunkSize
            }
            if start > 0 { pending.removeFirst(start) }
            return out
        }

        /// The last chunk (empty only when nothing at all was written).
        public mutating func finish() throws -> [UInt8] {
            let last = try seal(pending, last: true)
            pending = []
            return last
        }

        mutating func seal(_ chunk: [UInt8], last: Bool) throws -> [UInt8] {
            var nonce = [UInt8](repeating: 0, count: 12)
            for index in 0..<8 { nonce[10 - index] = UInt8(truncatingIfNeeded: counter >> (8 * UInt64(index))) }
            nonce[11] = last ? 1 : 0
            counter += 1
            let box = try ChaChaPoly.seal(chunk, using: payloadKey, nonce: try ChaChaPoly.Nonce(data: nonce))
            return Array(box.ciphertext) + Array(box.tag)
        }
    }

    /// `bytes` encrypted to `recipients`, whole.
    public static func encrypt(_ bytes: [UInt8], to recipients: [Recipient]) throws -> [UInt8] {
        var encryptor = try Encryptor(to: recipients)
        return try encryptor.header + encryptor.update(bytes) + encryptor.finish()
    }

    /// Standard base64 without padding, as age writes it.
    static func base64(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// A stanza body: 64 columns a line, the last line shorter (empty when the body fills its lines).
    static func wrapped(_ text: String) -> String {
        var lines: [String] = []
        var rest = Substring(text)
        while rest.count >= 64 {
            lines.append(String(rest.prefix(64)))
            rest = rest.dropFirst(64)
        }
        lines.append(String(rest))
        return lines.joined(separator: "\n") + "\n"
    }
}

public struct AgeFailure: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Bech32 (BIP 173), as age's keys are written: the human-readable part, `1`, the data in
/// 5-bit groups and a six-character checksum.
enum Bech32 {
    static let alphabet = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l")

    static func polymod(_ values: [UInt8]) -> UInt32 {
        let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var check: UInt32 = 1
        for value in values {
            let top = check >> 25
            check = (check & 0x1ff_ffff) << 5 ^ UInt32(value)
            for bit in 0..<5 where (top >> bit) & 1 == 1 { check ^= generator[bit] }
        }
        return check
    }

    static func expanded(_ hrp: String) -> [UInt8] {
        let scalars = hrp.unicodeScalars.map { UInt8($0.value) }
        return scalars.map { $0 >> 5 } + [0] + scalars.map { $0 & 31 }
    }

    /// The human-readable part and the data bytes, or nil when the checksum or the form is wrong.
    static func decode(_ text: String) -> (String, [UInt8])? {
        guard text.allSatisfy(\.isASCII), let separator = text.lastIndex(of: "1") else { return nil }
        let hrp = String(text[..<separator])
        let dataPart = Array(text[text.index(after: separator)...])
        guard !hrp.isEmpty, dataPart.count >= 6 else { return nil }
        var values: [UInt8] = []
        for character in dataPart {
            guard let position = alphabet.firstIndex(of: character) else { return nil }
            values.append(UInt8(position))
        }
        guard polymod(expanded(hrp) + values) == 1 else { return nil }
        // 5-bit groups to bytes; leftover bits must be zero padding of under five bits.
        var bytes: [UInt8] = []
        var accumulator: UInt32 = 0, bits = 0
        for value in values.dropLast(6) {
            accumulator = accumulator << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8((accumulator >> UInt32(bits)) & 0xff))
            }
        }
        guard bits < 5, accumulator & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return (hrp, bytes)
    }
}
