import Foundation

/// Work spread over every core: the whole-store jobs (an import's checks and encoding, an
/// export's reading) do the same thing to each of 120,000 cases, and the server has two cores.
public enum Parallel {
    /// Runs `body(0)`, …, `body(iterations - 1)` on every core and returns when all are done.
    /// Each call must touch only what is its own (its slot of a result); that is the caller's promise.
    public static func perform(_ iterations: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: iterations) { work($0) }
        }
    }

    /// `transform` of each of `0..<count` in order, worked out on every core in chunks; the
    /// first error (by position) is thrown once every chunk has finished.
    public static func map<T>(_ count: Int, chunkSize: Int = 256, _ transform: (Int) throws -> T) throws -> [T] {
        let chunkCount = (count + chunkSize - 1) / chunkSize
        var results = [[T]](repeating: [], count: chunkCount)
        var failures = [(any Error)?](repeating: nil, count: chunkCount)
        results.withUnsafeMutableBufferPointer { resultsBuffer in
            failures.withUnsafeMutableBufferPointer { failuresBuffer in
                nonisolated(unsafe) let output = resultsBuffer
                nonisolated(unsafe) let failed = failuresBuffer
                perform(chunkCount) { chunk in
                    var values: [T] = []
                    values.reserveCapacity(chunkSize)
                    do {
                        for index in (chunk * chunkSize)..<min(count, (chunk + 1) * chunkSize) { values.append(try transform(index)) }
                    } catch {
                        failed[chunk] = error
                    }
                    output[chunk] = values
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        return Array(results.joined())
    }
}
