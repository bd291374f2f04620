import Foundation
import HavenCore
@testable import HavenStore
import HavenTestSupport
import XCTest

/// Every file of a store, damaged in every way we could think of (truncated, wrong types,
/// invalid UTF-8, deep nesting, huge strings, duplicates, another schema, symbolic links,
/// missing, a directory in its place): opening, reading and `haven check` never crash, some
/// message names the damaged file, and no byte of any original is lost. The corpus is made
/// afresh by `MalformedStoreCorpus` each run; docs/reliability.md lists its kinds.
final class MalformedStoreCorpusTests: StoreTestCase {
    /// A store with cases, users, countries, courses, openings, an audit trail and a queue index.
    func makeTemplate() throws -> URL {
        let saved = FileCaseStore.queueIndexThresholdBytes
        FileCaseStore.queueIndexThresholdBytes = 0
        defer { FileCaseStore.queueIndexThresholdBytes = saved }
        let reference = try ReferenceDataLoader.load(from: ReferenceDataLoaderTests.dataDirectory)
        var records = DemoCases.generate(count: 12, today: today, countries: reference.countries.map(\.code),
                                         occupations: reference.occupations)
        let courses = DemoIntegration.courses(countries: reference.countries, integrationCases: 12)
        let openings = DemoIntegration.openings(countries: reference.countries, today: today)
        DemoIntegration.fill(&records, courses: courses, openings: openings, today: today)
        let store = try makeStore()
        _ = try store.adopt(reference)
        _ = try store.changeUsers(.add("pieter.v", .caseworker), by: admin, at: now)
        _ = try store.changeCatalogue(CatalogueChange.add(courses), by: admin, at: now)
        _ = try store.changeCatalogue(CatalogueChange.add(openings), by: admin, at: now)
        _ = try store.changeHostCountries(.setQuota(reference.countries[0].code, reference.countries[0].quota + 5), by: admin, at: now)
        try store.importCases(records, by: admin, at: now, today: today)
        var first = try store.load(records[0].id)
        first.record.notes.append(Note(author: "anna.k", at: now, text: "Первая заметка"))
        _ = try store.save(first.record, basedOn: first.version, by: Actor(user: "maria.s", role: .supervisor), at: now)
        _ = try FileCaseStore(at: storeURL) // writes the queue index
        let template = scratch.appendingPathComponent("template")
        try FileManager.default.moveItem(at: storeURL, to: template)
        return template
    }

    func testEveryDamagedStoreFileIsNamedAndNothingIsLost() throws {
        let template = try makeTemplate()
        let corpus = MalformedStoreCorpus.make(template: StoreSnapshot.files(under: template))
        XCTAssertGreaterThanOrEqual(corpus.count, 120, "the store half of the 200-file corpus")
        var kinds: [String: Int] = [:]
        for bad in corpus {
            try? FileManager.default.removeItem(at: storeURL)
            try FileManager.default.copyItem(at: template, to: storeURL)
            let target = storeURL.appendingPathComponent(bad.file).path
            try bad.apply(target, storeURL)
            let before = StoreSnapshot.files(under: storeURL)

            var messages: [String] = []
            do {
                let store = try FileCaseStore(at: storeURL)
                messages += store.openingProblems.map(\.description)
                for read in [{ _ = try store.users() }, { _ = try store.hostCountries() },
                             { _ = try store.catalogue(of: LanguageCourse.self) }, { _ = try store.catalogue(of: JobOpening.self) },
                             { for summary in try store.summaries() { _ = try store.load(summary.id); _ = try store.history(of: summary.id) } }] {
                    do { try read() } catch { messages.append("\(error)") }
                }
            } catch {
                messages.append("\(error)")
            }
            let check = StoreCheck.run(at: storeURL)
            messages += check.problems.map(\.description)

            let name = (bad.file as NSString).lastPathComponent
            XCTAssertTrue(messages.contains { $0.contains(name) }, "\(bad.label): no message names \(name):\n\(messages.joined(separator: "\n"))")
            XCTAssertFalse(messages.contains { $0.contains("Swift.DecodingError") || $0.contains("Context(codingPath") },
                           "\(bad.label): a message a person cannot read:\n\(messages.joined(separator: "\n"))")
            if bad.damages { XCTAssertFalse(check.isSound, "\(bad.label): haven check calls it sound") }

            // Nothing lost: every file as it was, or longer (a repair appended), or cut back
            // with the cut bytes set aside in quarantine/. The queue index is a cache.
            let after = StoreSnapshot.files(under: storeURL)
            let quarantined = after.filter { $0.key.hasPrefix("quarantine/") && before[$0.key] == nil }.map(\.value)
            for (path, old) in before where path != QueueIndex.fileName {
                guard let new = after[path] else { XCTFail("\(bad.label): \(path) disappeared"); continue }
                // Cut at some point with the rest set aside, and perhaps appended to after.
            let kept = new == old || (new.count > old.count && new.prefix(old.count) == old)
                    || quarantined.contains { tail in
                        tail.count <= old.count && old.suffix(tail.count) == tail
                            && new.prefix(old.count - tail.count) == old.prefix(old.count - tail.count)
                    }
                XCTAssertTrue(kept, "\(bad.label): \(path) was overwritten (\(old.count) -> \(new.count) bytes)")
            }
            kinds[bad.kind, default: 0] += 1
        }
        print("malformed store corpus: \(corpus.count) files, \(kinds.count) kinds: "
              + kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }

    /// Every entry of the audit trail, one at a time, edited (one character), deleted or
    /// inserted again elsewhere: `haven check` finds each, except the deletion of the last
    /// entry, which opening finds first and writes again from the case log, reporting it.
    func testEveryEditedDeletedOrInsertedAuditEntryIsDetected() throws {
        let template = try makeTemplate()
        let entries = try String(contentsOf: template.appendingPathComponent(FileCaseStore.auditFile), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        XCTAssertGreaterThan(entries.count, 15)
        var tampered = 0
        func attempt(_ label: String, _ lines: [String], lastDeleted: Bool = false) throws {
            try? FileManager.default.removeItem(at: storeURL)
            try FileManager.default.copyItem(at: template, to: storeURL)
            try (lines.joined(separator: "\n") + "\n").write(to: storeURL.appendingPathComponent(FileCaseStore.auditFile), atomically: false, encoding: .utf8)
            tampered += 1
            if lastDeleted {
                let opened = try FileCaseStore(at: storeURL)
                XCTAssertTrue(opened.openingProblems.contains { $0.message.contains("not in the audit trail") }, "\(label): \(opened.openingProblems)")
            } else {
                let check = StoreCheck.run(at: storeURL)
                XCTAssertFalse(check.isSound, "\(label) was not detected")
                XCTAssertTrue(check.problems.contains { $0.file.hasSuffix(FileCaseStore.auditFile) || $0.file.hasSuffix(FileCaseStore.casesFile) },
                              "\(label): \(check.problems)")
            }
        }
        for index in entries.indices {
            var edited = entries
            var characters = Array(edited[index])
            // A character inside the entry's values (not its hash): a letter or a digit changed.
            if let at = characters.indices.dropFirst(20).first(where: { characters[$0].isLetter || characters[$0].isNumber }) {
                characters[at] = characters[at] == "1" ? "2" : (characters[at].isNumber ? "1" : (characters[at] == "a" ? "b" : "a"))
            }
            edited[index] = String(characters)
            try attempt("entry \(index + 1) edited", edited)
            var deleted = entries
            deleted.remove(at: index)
            try attempt("entry \(index + 1) deleted", deleted, lastDeleted: index == entries.count - 1)
            var inserted = entries
            inserted.insert(entries[index], at: index == 0 ? 1 : index - 1)
            try attempt("entry \(index + 1) inserted again", inserted)
        }
        print("audit tampering: \(tampered) tampered trails (each of \(entries.count) entries edited, deleted, inserted again), every one detected")
    }
}

/// The bad store files: each a store file name, a kind, and what to do to it.
struct MalformedStoreCorpus {
    let file: String
    let kind: String
    /// True when `haven check` must call the store unsound (false for repairs it makes).
    let damages: Bool
    let apply: (String, URL) throws -> Void

    var label: String { "\(file) (\(kind))" }

    static func make(template: [String: Data]) -> [MalformedStoreCorpus] {
        var corpus: [MalformedStoreCorpus] = []
        func add(_ file: String, _ kind: String, damages: Bool = true, _ apply: @escaping (String, URL) throws -> Void) {
            corpus.append(MalformedStoreCorpus(file: file, kind: kind, damages: damages, apply: apply))
        }
        func replace(_ file: String, _ kind: String, damages: Bool = true, _ bytes: @escaping (Data) -> Data) {
            add(file, kind, damages: damages) { path, _ in
                let old = try Data(contentsOf: URL(fileURLWithPath: path))
                try bytes(old).write(to: URL(fileURLWithPath: path))
            }
        }
        let whole = [FileCaseStore.manifestFile, FileCaseStore.usersFile, FileCaseStore.countriesFile, "courses.json", "openings.json"]
        let logs = [FileCaseStore.casesFile, FileCaseStore.auditFile]
        var random = SeededGenerator(seed: 200)
        for file in whole + logs + [QueueIndex.fileName] {
            guard let original = template[file] else { continue }
            let isIndex = file == QueueIndex.fileName
            let isLog = logs.contains(file)
            // A bad queue index is ignored and written again: not damage, but check names it.
            // A cut audit trail is written again from the log on opening: repaired.
            let damages = !isIndex && file != FileCaseStore.auditFile
            replace(file, "empty", damages: damages) { _ in Data() }
            for fraction in [0.1, 0.5, 0.9] {
                replace(file, "truncated at \(Int(fraction * 100))%", damages: damages) { $0.prefix(Int(Double($0.count) * fraction)) }
            }
            // The last byte that is not white space: a whole JSON file cut short.
            replace(file, "last byte cut", damages: damages) { data in
                var bytes = Array(data)
                while let last = bytes.last, last == 10 || last == 32 { bytes.removeLast() }
                return Data(bytes.dropLast())
            }
            // A flipped byte: the logs' lines and the index carry checksums that catch it. (A
            // whole JSON file has none: a flipped letter in a name is a different name.)
            for position in [0.25, 0.5, 0.75] where isLog || isIndex {
                replace(file, "a byte flipped at \(Int(position * 100))%", damages: damages) { data in
                    var bytes = Array(data)
                    let at = min(bytes.count - 2, Int(Double(bytes.count) * position))
                    // Flip a letter's case or a digit, so the file stays well-formed text.
                    bytes[at] = bytes[at] ^ (bytes[at] >= 65 ? 0x20 : 0x01)
                    if bytes[at] == 10 || bytes[at] == 34 || bytes[at] == 92 { bytes[at] = 0x2A }
                    return Data(bytes)
                }
            }
            replace(file, "invalid UTF-8 in the middle", damages: damages) { data in
                var bytes = Array(data)
                let at = bytes[(bytes.count / 2)...].firstIndex(of: 34).map { $0 + 1 } ?? bytes.count / 2
                bytes.insert(contentsOf: [0xFF, 0xFE, 0xC3], at: at)
                return Data(bytes)
            }
            let garbage = Data((0..<4096).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            replace(file, "random bytes", damages: damages) { _ in garbage }
            replace(file, "NUL bytes", damages: damages) { Data(repeating: 0, count: $0.count) }
            replace(file, "deep nesting", damages: damages) { _ in Data(String(repeating: "[", count: 100_000).utf8) + Data(String(repeating: "]", count: 100_000).utf8) }
            replace(file, "a huge string", damages: damages) { _ in Data("{\"x\":\"\(String(repeating: "Ж", count: 4_000_000))\"}".utf8) }
            replace(file, "null", damages: damages) { _ in Data("null".utf8) }
            replace(file, "an array", damages: damages) { _ in Data("[1,2,3]".utf8) }
            replace(file, "an empty object", damages: damages) { _ in Data("{}".utf8) }
            if !isIndex && !isLog {
                replace(file, "every string a number", damages: damages) { data in
                    let text = String(decoding: data, as: UTF8.self)
                    return Data(text.replacingOccurrences(of: #""[^"]*"\s*([,}\]])"#, with: "12345$1", options: .regularExpression).utf8)
                }
                replace(file, "every number a string", damages: damages) { data in
                    let text = String(decoding: data, as: UTF8.self)
                    return Data(text.replacingOccurrences(of: #":(-?\d+)"#, with: ":\"$1\"", options: .regularExpression).utf8)
                }
            }
            add(file, "a symbolic link to a good copy") { path, store in
                let outside = store.deletingLastPathComponent().appendingPathComponent("outside-\(file)").path
                try original.write(to: URL(fileURLWithPath: outside))
                chmod(outside, 0o600)
                unlink(path)
                symlink(outside, path)
            }
            add(file, "a directory in its place", damages: !isIndex) { path, _ in
                unlink(path)
                mkdir(path, 0o700)
            }
            add(file, "readable by every user") { path, _ in chmod(path, 0o644) }
            // countries.json, courses.json and openings.json may be absent (none yet).
            if [FileCaseStore.manifestFile, FileCaseStore.usersFile, FileCaseStore.casesFile, FileCaseStore.auditFile].contains(file) {
                add(file, "missing") { path, _ in unlink(path) }
            }
        }
        // The log's own kinds: framed lines that lie.
        let cases = FileCaseStore.casesFile
        guard let log = template[cases], let audit = template[FileCaseStore.auditFile] else { return corpus }
        let lines = log.split(separator: 10)
        func framed(_ body: String) -> Data {
            let bytes = Array(body.utf8)
            return Data(CaseRecordLine.prefix + Array(CRC32.hex(CRC32.checksum(bytes)).utf8) + CaseRecordLine.afterChecksum + bytes + Array("}\n".utf8))
        }
        // The import wrote its lines as parts of one write; a line set down again alone is
        // framed again without its part numbers (else it is a torn write, set aside).
        func alone(_ line: Data) -> Data {
            let text = String(decoding: line, as: UTF8.self)
            let body = String(text.dropFirst(CaseRecordLine.recordStart).dropLast())
                .replacingOccurrences(of: #""part":[0-9]+,"parts":[0-9]+,"#, with: "", options: .regularExpression)
            return framed(body)
        }
        replace(cases, "a line repeated (a duplicate id and version)") { $0 + alone(lines[2]) }
        replace(cases, "an older version after a newer one") { $0 + alone(lines[0]) }
        replace(cases, "a line with a wrong checksum") { data in
            var line = Array(lines[3])
            line[12] = line[12] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            return data + Data(line) + Data([10])
        }
        replace(cases, "a framed line whose header has wrong types") { $0 + framed(#"{"auditSequence":"one","id":7,"savedAt":[],"savedBy":null,"summary":"x","version":"1","case":{}}"#) }
        replace(cases, "a framed line of another schema") { $0 + framed(#"{"schema":2,"case":{"id":"HV-000001"}}"#) }
        replace(cases, "a framed line nested deeply") { $0 + framed(#"{"id":"HV-000099","case":"# + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000) + "}") }
        replace(cases, "a framed line with a huge name") { data in
            let text = String(decoding: lines[1], as: UTF8.self)
            let body = text.dropFirst(CaseRecordLine.recordStart).dropLast()
                .replacingOccurrences(of: #""version":1,"#, with: #""version":2,"#)
                .replacingOccurrences(of: #""cyrillicName":""#, with: "\"cyrillicName\":\"" + String(repeating: "Я", count: 1_000_000))
            return data + framed(String(body))
        }
        replace(cases, "a framed line with invalid UTF-8") { data in
            var line = Array(lines[4])
            if let quote = line[40...].firstIndex(of: 34) { line.insert(0xFF, at: quote + 1) }
            let body = Array(line[CaseRecordLine.recordStart..<(line.count - 1)])
            return data + Data(CaseRecordLine.prefix + Array(CRC32.hex(CRC32.checksum(body)).utf8) + CaseRecordLine.afterChecksum + body + Array("}\n".utf8))
        }
        replace(cases, "a torn last line", damages: false) { $0 + lines[5].prefix(300) }
        replace(cases, "a blank line and a torn one", damages: false) { $0 + Data([10, 10]) + lines[6].prefix(40) }
        // The audit trail's own kinds: edited, inserted, deleted, reordered entries.
        let entries = audit.split(separator: 10)
        func rejoin(_ parts: [Data.SubSequence]) -> Data { Data(parts.map { Data($0) + Data([10]) }.joined()) }
        replace(FileCaseStore.auditFile, "an entry edited") { _ in
            var parts = entries
            parts[3] = Data.SubSequence(Data(String(decoding: parts[3], as: UTF8.self).replacingOccurrences(of: "\"root\"", with: "\"anna.k\"").utf8))
            return rejoin(parts)
        }
        replace(FileCaseStore.auditFile, "an entry inserted") { _ in
            var parts = entries
            parts.insert(parts[2], at: 3)
            return rejoin(parts)
        }
        replace(FileCaseStore.auditFile, "an entry deleted") { _ in
            var parts = entries
            parts.remove(at: 4)
            return rejoin(parts)
        }
        // Written again from the log on opening, and reported as repaired.
        replace(FileCaseStore.auditFile, "the last entry deleted", damages: false) { _ in rejoin(Array(entries.dropLast())) }
        replace(FileCaseStore.auditFile, "two entries swapped") { _ in
            var parts = entries
            parts.swapAt(1, 2)
            return rejoin(parts)
        }
        replace(FileCaseStore.manifestFile, "a newer schema version") { _ in
            Data(String(decoding: template[FileCaseStore.manifestFile]!, as: UTF8.self)
                .replacingOccurrences(of: #""schemaVersion":1"#, with: #""schemaVersion":99"#).utf8)
        }
        replace(FileCaseStore.manifestFile, "another format") { _ in
            Data(String(decoding: template[FileCaseStore.manifestFile]!, as: UTF8.self)
                .replacingOccurrences(of: "haven-store", with: "other-store").utf8)
        }
        replace(FileCaseStore.usersFile, "no administrator left") { data in
            Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"administrator\"", with: "\"caseworker\"").utf8)
        }
        replace(FileCaseStore.usersFile, "a user named twice") { data in
            Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"oleh.m\"", with: "\"anna.k\"").utf8)
        }
        return corpus
    }
}
