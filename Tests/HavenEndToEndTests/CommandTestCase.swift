import Foundation
import HavenTestSupport
import XCTest

/// A test that runs the real `haven` binary in a scratch directory: a clean environment with
/// HOME there and the package's reference data.
class CommandTestCase: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("haven-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
    }

    /// The store in the scratch directory.
    var store: String { scratch.appendingPathComponent("store").path }

    @discardableResult
    func haven(_ arguments: String...) throws -> (status: Int32, output: String) {
        try ChildProcess.run(["env", "-i", "PATH=/usr/bin:/bin", "HOME=\(scratch.path)",
                              "HAVEN_DATA=\(HavenBinary.dataDirectory.path)", HavenBinary.url.path] + arguments,
                             outputPath: scratch.appendingPathComponent("out-\(UUID().uuidString)").path)
    }
}
