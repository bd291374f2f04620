import Foundation
import HavenCore
import HavenTestSupport
import XCTest

/// Bad import files against the real `haven import`: each refused with a message naming the
/// file (and the record and field where there is one), no crash, nothing written to the store,
/// the file itself untouched. The corpus is made afresh each run (docs/reliability.md).
final class MalformedImportCorpusTests: CommandTestCase {
    struct BadImport {
        let label: String
        /// Puts the bad file at the path, or something else there (a link, a directory).
        let make: (String) throws -> Void
    }

    static let today = CalendarDate(year: 2026, month: 11, day: 24)!

    /// Three demo cases as `haven export --include-sensitive` writes them: what import reads.
    static func goodDocument(from: Int = 1) throws -> Data {
        let records = DemoCases.generate(count: from + 2, today: today, countries: ["GB", "DE", "PL"].compactMap(CountryCode.init))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Array(records.suffix(3)))
    }

    /// Every key path of a JSON object (objects within objects, the first element of arrays).
    static func keyPaths(_ value: Any, prefix: [String] = [], depth: Int = 0) -> [[String]] {
        guard depth < 4 else { return [] }
        if let object = value as? [String: Any] {
            return object.keys.sorted().flatMap { key in [prefix + [key]] + keyPaths(object[key]!, prefix: prefix + [key], depth: depth + 1) }
        }
        if let array = value as? [Any], let first = array.first { return keyPaths(first, prefix: prefix + ["0"], depth: depth + 1) }
        return []
    }

    static func replacing(_ value: Any, at path: ArraySlice<String>, with new: Any) -> Any {
        guard let key = path.first else { return new }
        if var object = value as? [String: Any], let inner = object[key] {
            object[key] = replacing(inner, at: path.dropFirst(), with: new)
            return object
        }
        if var array = value as? [Any], let index = Int(key), index < array.count {
            array[index] = replacing(array[index], at: path.dropFirst(), with: new)
            return array
        }
        return value
    }

    static func value(_ root: Any, at path: [String]) -> Any? {
        path.reduce(Optional(root)) { current, key in
            if let object = current as? [String: Any] { return object[key] }
            if let array = current as? [Any], let index = Int(key), index < array.count { return array[index] }
            return nil
        }
    }

    /// A value of another JSON type than `value`'s.
    static func wrongType(for value: Any) -> Any {
        switch value {
        case is String: 42
        case is [String: Any]: [1, 2]
        case is [Any]: ["not": "a list"]
        case is NSNumber: "a number or a truth?"
        default: ["unexpected": true]
        }
    }

    static func corpus() throws -> [BadImport] {
        // Cases 4 to 6, not yet in the store: each is refused for its own fault alone.
        let good = try goodDocument(from: 4)
        var corpus: [BadImport] = []
        func bytes(_ label: String, _ data: Data) {
            corpus.append(BadImport(label: label) { path in try data.write(to: URL(fileURLWithPath: path)) })
        }
        func text(_ label: String, _ string: String) { bytes(label, Data(string.utf8)) }
        let root = try JSONSerialization.jsonObject(with: good)
        func mutated(_ path: [String], _ new: Any) throws -> Data {
            // A path the document does not have would leave it good: a mistake in the corpus.
            guard path.count == 1 || value(root, at: ["0"] + path.dropLast()) != nil,
                  value(root, at: ["0"] + path) != nil || path.count == 1 else {
                throw NSError(domain: "corpus", code: 1, userInfo: [NSLocalizedDescriptionKey: "no field \(path.joined(separator: "."))"])
            }
            return try JSONSerialization.data(withJSONObject: replacing(root, at: ArraySlice(["0"] + path), with: new))
        }
        // Not an array of cases.
        text("empty", "")
        text("white space only", " \n\t\n")
        text("null", "null")
        text("an object", "{}")
        text("an array of numbers", "[1, 2, 3]")
        text("an array of strings", #"["HV-000001"]"#)
        text("an empty case", "[{}]")
        text("trailing garbage", String(decoding: good, as: UTF8.self) + "]]]")
        text("a comment", "// cases\n" + String(decoding: good, as: UTF8.self))
        text("deep nesting", String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
        text("deep nesting inside a case", "[{\"id\":" + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000) + "}]")
        bytes("NUL bytes", Data(repeating: 0, count: 1000))
        bytes("a byte-order mark and NUL", Data([0xEF, 0xBB, 0xBF, 0]) + good)
        for fraction in [0.01, 0.3, 0.5, 0.8, 0.99] {
            bytes("truncated at \(Int(fraction * 100))%", good.prefix(Int(Double(good.count) * fraction)))
        }
        for fraction in [0.2, 0.5, 0.9] {
            var broken = Array(good)
            let at = broken[Int(Double(broken.count) * fraction)...].firstIndex(of: 34).map { $0 + 1 } ?? 10
            broken.insert(contentsOf: [0xFF, 0xC0, 0x80], at: at)
            bytes("invalid UTF-8 at \(Int(fraction * 100))%", Data(broken))
        }
        // Every field of the first case given a value of the wrong type.
        for path in keyPaths(value(root, at: ["0"])!) {
            let current = value(root, at: ["0"] + path)!
            bytes("\(path.joined(separator: ".")) of the wrong type", try mutated(path, wrongType(for: current)))
        }
        // Values of the right type that are not right.
        bytes("a malformed case id", try mutated(["id"], "XX-1"))
        bytes("a case id too short", try mutated(["id"], "HV-1"))
        bytes("a date that does not exist", try mutated(["registeredAt"], "2026-02-30T10:00:00Z"))
        bytes("a birth date that does not exist", try mutated(["defector", "birthDate"], "1990-13-01"))
        bytes("a stage that does not exist", try mutated(["stage"], "limbo"))
        bytes("a huge name", try mutated(["defector", "cyrillicName", "family"], String(repeating: "Ж", count: 5_000_000)))
        bytes("an empty family name", try mutated(["defector", "cyrillicName", "family"], ""))
        bytes("a name of control characters", try mutated(["defector", "latinName", "given"], "\u{1B}[2J\u{7}"))
        if var cases = root as? [Any], let first = cases.first {
            cases.append(first)
            bytes("the same case twice", try JSONSerialization.data(withJSONObject: cases))
        }
        bytes("cases already in the store", try goodDocument())
        bytes("a note of a million characters", try mutated(["notes"], [["author": "anna.k", "at": "2026-11-24T10:00:00Z",
                                                                          "text": String(repeating: "x", count: 1_000_000)]]))
        // Not a file one can read.
        corpus.append(BadImport(label: "missing") { _ in })
        corpus.append(BadImport(label: "a directory") { path in mkdir(path, 0o700) })
        corpus.append(BadImport(label: "a symbolic link to a directory") { path in symlink("/tmp", path) })
        corpus.append(BadImport(label: "a dangling symbolic link") { path in symlink(path + ".nowhere", path) })
        corpus.append(BadImport(label: "a named pipe (would block forever)") { path in mkfifo(path, 0o600) })
        corpus.append(BadImport(label: "a device (endless)") { path in symlink("/dev/zero", path) })
        let inStore = try goodDocument() // root reads any file: then it is refused as already imported
        corpus.append(BadImport(label: "unreadable (mode 000) for its owner") { path in
            try inStore.write(to: URL(fileURLWithPath: path))
            chmod(path, 0)
        })
        return corpus
    }

    func testEveryBadImportFileIsRefusedByNameAndTheStoreIsUntouched() throws {
        XCTAssertEqual(try haven("init", "--store", store).status, 0)
        // The control: the good file imports.
        let good = scratch.appendingPathComponent("good.json").path
        try Self.goodDocument().write(to: URL(fileURLWithPath: good))
        let imported = try haven("import", good, "--store", store)
        XCTAssertEqual(imported.status, 0, imported.output)

        let corpus = try Self.corpus()
        XCTAssertGreaterThanOrEqual(corpus.count, 60, "the import half of the 200-file corpus")
        func snapshot() -> [String: Data] { StoreSnapshot.files(under: URL(fileURLWithPath: store)) }
        let before = snapshot()
        let isRoot = getuid() == 0
        for (number, bad) in corpus.enumerated() {
            let path = scratch.appendingPathComponent("import-\(number).json").path
            try bad.make(path)
            let original = FileManager.default.contents(atPath: path)
            let (status, output) = try haven("import", path, "--store", store)
            if bad.label.hasPrefix("unreadable"), isRoot {
                // root reads any file: the cases are already in the store, so it is refused for that.
                XCTAssertEqual(status, 1, "\(bad.label): \(output)")
                continue
            }
            XCTAssertEqual(status, 1, "\(bad.label): status \(status) (128 and above is a crash): \(output.prefix(600))")
            XCTAssertTrue(output.contains("import-\(number).json"), "\(bad.label): the message does not name the file: \(output.prefix(600))")
            XCTAssertFalse(output.contains("Swift.DecodingError") || output.contains("Context(codingPath") || output.contains("Fatal error"),
                           "\(bad.label): \(output.prefix(600))")
            XCTAssertLessThan(output.utf8.count, 20_000, "\(bad.label): a message too long to read")
            XCTAssertEqual(snapshot(), before, "\(bad.label): the store was written to")
            XCTAssertEqual(FileManager.default.contents(atPath: path), original, "\(bad.label): the import file was changed")
        }
        let check = try haven("check", "--store", store)
        XCTAssertEqual(check.status, 0, check.output)
        // And the cases of the corpus were good but for their faults: unbroken, they import.
        let rest = scratch.appendingPathComponent("rest.json").path
        try Self.goodDocument(from: 4).write(to: URL(fileURLWithPath: rest))
        XCTAssertEqual(try haven("import", rest, "--store", store).status, 0)
        print("malformed import corpus: \(corpus.count) files refused, the store untouched")
    }
}
