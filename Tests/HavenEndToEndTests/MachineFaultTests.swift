import Foundation
import Glibc
import HavenTestSupport
import XCTest

/// The machine's faults, for real: a store on a small tmpfs that fills up, the same file
/// system remounted read-only, and an export written to /dev/full. Mounting needs root (CI
/// runs as root); elsewhere these tests are skipped, not passed.
final class MachineFaultTests: CommandTestCase {
    var mountPoint: String { scratch.appendingPathComponent("disk").path }

    func mount(_ arguments: String...) throws -> Int32 {
        try ChildProcess.run(["mount"] + arguments, outputPath: scratch.appendingPathComponent("mount-\(UUID().uuidString)").path).status
    }

    /// A tmpfs of `size` at `mountPoint`, unmounted at the end of the test.
    func smallDisk(_ size: String) throws {
        try XCTSkipUnless(getuid() == 0, "mounting a small file system needs root")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        try XCTSkipUnless(try mount("-t", "tmpfs", "-o", "size=\(size),mode=0700", "tmpfs", mountPoint) == 0, "this machine cannot mount a tmpfs")
        addTeardownBlock { [mountPoint] in _ = try? ChildProcess.run(["umount", "-l", mountPoint], outputPath: "/dev/null") }
    }

    func exportFile(_ cases: Int, from first: Int, name: String) throws -> String {
        let demo = scratch.appendingPathComponent("demo-\(name)").path
        XCTAssertEqual(try haven("demo", "--cases", "\(first + cases - 1)", "--no-open", "--role", "administrator", "--store", demo).status, 0)
        let (status, output) = try haven("export", "--include-sensitive", "--store", demo)
        XCTAssertEqual(status, 0)
        let all = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        let chosen = all.filter { ($0["id"] as? String).flatMap { Int($0.dropFirst(3)) }.map { $0 >= first } ?? false }.map { record in
            var unlinked = record
            if var family = unlinked["family"] as? [[String: Any]] {
                for index in family.indices { family[index]["linkedCase"] = nil }
                unlinked["family"] = family
            }
            return unlinked
        }
        let path = scratch.appendingPathComponent("\(name).json").path
        try JSONSerialization.data(withJSONObject: chosen).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testAFullDiskRefusesAnImportCleanlyAndTheStoreWorksOnceThereIsRoom() throws {
        try smallDisk("1m")
        let store = "\(mountPoint)/store"
        XCTAssertEqual(try haven("init", "--store", store).status, 0)
        let small = try exportFile(20, from: 1, name: "small")
        let large = try exportFile(300, from: 21, name: "large")
        XCTAssertEqual(try haven("import", small, "--store", store).status, 0)
        let before = StoreSnapshot.files(under: URL(fileURLWithPath: store))

        let (status, output) = try haven("import", large, "--store", store)
        XCTAssertEqual(status, 1, output)
        XCTAssertTrue(output.contains("No space left on device"), output)
        XCTAssertTrue(output.contains("cases.jsonl"), "the message names the file: \(output)")
        XCTAssertFalse(output.contains("Fatal error"), output)
        let after = StoreSnapshot.files(under: URL(fileURLWithPath: store))
        XCTAssertEqual(after.filter { $0.key != "cases.index" }, before.filter { $0.key != "cases.index" },
                       "nothing left behind: no half import, no temporary file")
        XCTAssertEqual(try haven("check", "--store", store).status, 0)

        XCTAssertEqual(try mount("-o", "remount,size=20m", mountPoint), 0)
        let (again, text) = try haven("import", large, "--store", store)
        XCTAssertEqual(again, 0, text)
        XCTAssertTrue(try haven("stats", "--store", store).output.contains("320 cases"))
        XCTAssertEqual(try haven("check", "--store", store).status, 0)
    }

    func testAReadOnlyDiskStillOpensForReadingAndExport() throws {
        try smallDisk("20m")
        let store = "\(mountPoint)/store"
        XCTAssertEqual(try haven("init", "--store", store).status, 0)
        XCTAssertEqual(try haven("import", try exportFile(5, from: 1, name: "five"), "--store", store).status, 0)
        XCTAssertEqual(try mount("-o", "remount,ro", mountPoint), 0)

        let stats = try haven("stats", "--store", store)
        XCTAssertEqual(stats.status, 0, stats.output)
        XCTAssertTrue(stats.output.contains("5 cases"), stats.output)
        XCTAssertTrue(stats.output.contains("Read-only file system"), "a warning says why: \(stats.output)")
        let exported = scratch.appendingPathComponent("rescue.json").path
        XCTAssertEqual(try haven("export", "--output", exported, "--store", store).status, 0, "the data can be taken out for recovery")
        XCTAssertEqual(try haven("check", "--store", store).status, 0)
        let refused = try haven("import", try exportFile(1, from: 6, name: "one"), "--store", store)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.output.contains("nothing can be saved"), refused.output)

        XCTAssertEqual(try mount("-o", "remount,rw", mountPoint), 0)
        XCTAssertEqual(try haven("import", try exportFile(1, from: 6, name: "one-again"), "--store", store).status, 0)
        XCTAssertEqual(try haven("check", "--store", store).status, 0)
    }

    func testAnExportToAFullDiskFailsCleanly() throws {
        XCTAssertEqual(try haven("demo", "--cases", "20", "--no-open", "--role", "administrator", "--store", store).status, 0)
        let (status, output) = try ChildProcess.run(
            ["sh", "-c", "env -i PATH=/usr/bin:/bin HOME='\(scratch.path)' HAVEN_DATA='\(HavenBinary.dataDirectory.path)' '\(HavenBinary.url.path)' export --store '\(store)' > /dev/full"],
            outputPath: scratch.appendingPathComponent("full.out").path)
        XCTAssertEqual(status, 1, output)
        XCTAssertTrue(output.contains("standard output: the export could not be written whole"), output)
        XCTAssertTrue(output.contains("No space left on device"), output)
        XCTAssertFalse(output.contains("Fatal error"), output)
    }
}
