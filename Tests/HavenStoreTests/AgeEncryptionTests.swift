import Foundation
import HavenTestSupport
@testable import HavenStore
import XCTest

/// Files encrypted by Haven open with the standard `age` tool (issue 24): every size around
/// the 64 KiB chunk, to one recipient and to two; a key with a broken checksum is refused.
final class AgeEncryptionTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/age"), FileManager.default.isExecutableFile(atPath: "/usr/bin/age-keygen") else {
            throw XCTSkip("the age tool is not installed (.ci/run installs it: apt-get install -y age)")
        }
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haven-age-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    /// A new key pair from age-keygen: the identity file and the recipient.
    func keyPair(_ name: String) throws -> (identity: String, recipient: AgeEncryption.Recipient) {
        let identity = scratch.appendingPathComponent("\(name).key").path
        let made = try ChildProcess.run(["/usr/bin/age-keygen", "-o", identity], outputPath: scratch.appendingPathComponent("\(name).out").path)
        XCTAssertEqual(made.status, 0, made.output)
        let text = try String(contentsOfFile: identity, encoding: .utf8)
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("# public key: ") })
        return (identity, try XCTUnwrap(AgeEncryption.Recipient(String(line.dropFirst("# public key: ".count)))))
    }

    func decrypt(_ bytes: [UInt8], with identity: String) throws -> (status: Int32, plain: [UInt8], output: String) {
        let encrypted = scratch.appendingPathComponent("\(UUID().uuidString).age")
        let plain = scratch.appendingPathComponent("\(UUID().uuidString).plain")
        try Data(bytes).write(to: encrypted)
        let result = try ChildProcess.run(["/usr/bin/age", "-d", "-i", identity, "-o", plain.path, encrypted.path],
                                          outputPath: scratch.appendingPathComponent("\(UUID().uuidString).out").path)
        // age makes no output file for an empty plaintext.
        let bytes = result.status == 0 ? Array((try? Data(contentsOf: plain)) ?? Data()) : []
        return (result.status, bytes, result.output)
    }

    func testTheAgeToolDecryptsWhatHavenEncrypts() throws {
        let (identity, recipient) = try keyPair("auditor")
        let chunk = AgeEncryption.chunkSize
        for size in [0, 1, 1000, chunk - 1, chunk, chunk + 1, 2 * chunk, 2 * chunk + 17] {
            let plain = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
            let result = try decrypt(try AgeEncryption.encrypt(plain, to: [recipient]), with: identity)
            XCTAssertEqual(result.status, 0, "\(size) bytes: \(result.output)")
            XCTAssertEqual(result.plain, plain, "\(size) bytes")
        }
        // Written a piece at a time, as an export streams: the same file.
        var encryptor = try AgeEncryption.Encryptor(to: [recipient])
        var streamed = encryptor.header
        let text = Array(String(repeating: "Жуков Артём; ", count: 20_000).utf8)
        for piece in stride(from: 0, to: text.count, by: 7_777) { streamed += try encryptor.update(Array(text[piece..<min(text.count, piece + 7_777)])) }
        streamed += try encryptor.finish()
        XCTAssertEqual(try decrypt(streamed, with: identity).plain, text)
        XCTAssertFalse(String(decoding: streamed, as: UTF8.self).contains("Жуков"), "nothing of the text is left in the clear")
    }

    func testEitherOfTwoRecipientsDecryptsAndAWrongKeyDoesNot() throws {
        let (first, firstRecipient) = try keyPair("first")
        let (second, secondRecipient) = try keyPair("second")
        let (other, _) = try keyPair("other")
        let secret = Array("HV-000001 Жуков".utf8)
        let file = try AgeEncryption.encrypt(secret, to: [firstRecipient, secondRecipient])
        XCTAssertEqual(try decrypt(file, with: first).plain, secret)
        XCTAssertEqual(try decrypt(file, with: second).plain, secret)
        XCTAssertNotEqual(try decrypt(file, with: other).status, 0)
    }

    func testRecipientsAreCheckedAndReadFromAFileAsAgeReadsThem() throws {
        let (_, recipient) = try keyPair("one")
        var broken = Array(recipient.text)
        broken[broken.count - 2] = broken[broken.count - 2] == "q" ? "p" : "q"
        XCTAssertNil(AgeEncryption.Recipient(String(broken)), "a checksum that does not hold")
        XCTAssertNil(AgeEncryption.Recipient("age1"))
        XCTAssertNil(AgeEncryption.Recipient("AGE1" + recipient.text.dropFirst(4)), "mixed case")
        XCTAssertNotNil(AgeEncryption.Recipient(recipient.text.uppercased()), "all upper case is Bech32 too")
        XCTAssertEqual(try AgeEncryption.Recipient.list(in: "# written on Windows\r\n\(recipient.text)\r\n"), [recipient], "CRLF lines")
        XCTAssertNil(AgeEncryption.Recipient("ssh-ed25519 AAAA"))
        XCTAssertEqual(try AgeEncryption.Recipient.list(in: "# the auditor\n\n\(recipient.text)\n"), [recipient])
        XCTAssertThrowsError(try AgeEncryption.Recipient.list(in: "\(recipient.text)\nnot a key\n")) { error in
            XCTAssertEqual(error as? AgeEncryption.RecipientError, .notARecipient(line: 2, "not a key"))
        }
    }
}
