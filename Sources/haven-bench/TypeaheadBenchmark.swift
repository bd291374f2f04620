import Foundation
import HavenTestSupport

/// Issue 22's typeahead figure: the real `haven` in a pseudo-terminal at 80x24 on the queue
/// of all cases, twelve PageDowns written in one burst (as keys typed ahead on a slow link
/// arrive), then twelve PageUps the same way, `rounds` times. Each burst's bytes, the time
/// from the keys written to the last byte (the screen settled), and the same time on a
/// modelled slow link (`SlowLink`). `--haven` drives another build, for before and after.
struct TypeaheadBenchmark {
    let haven: String
    let store: String
    let data: String?
    let rounds: Int
    let link: SlowLink
    let keysPerBurst = 12
    /// How long the program must stay quiet for a screen to count as settled; not part of any
    /// time reported (times run to the last byte).
    let quiet = 0.3

    struct Burst {
        var keys: String
        var bytes: Int
        var settled: Double
        var overLink: Double
    }

    func run() throws -> [Burst] {
        var environment = ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": NSTemporaryDirectory(), "PATH": "/usr/bin:/bin", "HAVEN_START": "home"]
        if let data { environment["HAVEN_DATA"] = data }
        let session = try PseudoTerminal([haven, "--store", store], columns: 80, rows: 24, environment: environment)
        let home = session.collect(quiet: quiet, limit: 60, until: "Areas")
        guard home.text.contains("Home") else { throw BenchFailure("haven did not draw its home screen: \(home.text.suffix(300))") }
        let queue = session.send(.character("2"), quiet: quiet, limit: 60)
        guard queue.text.contains("All cases") else { throw BenchFailure("the queue of all cases did not open: \(queue.text.suffix(300))") }
        var bursts: [Burst] = []
        for _ in 0..<rounds {
            for (name, key) in [("PageDown", PseudoTerminalKey.pageDown), ("PageUp", .pageUp)] {
                let answer = session.send(burst: Array(repeating: key, count: keysPerBurst), quiet: quiet)
                guard let last = answer.last, let overLink = link.settled(answer) else {
                    throw BenchFailure("no screen came back after \(keysPerBurst) \(name)s")
                }
                bursts.append(Burst(keys: "\(keysPerBurst) x \(name)", bytes: answer.count, settled: last, overLink: overLink))
            }
        }
        _ = session.send(.control("c"), quiet: 0.15)
        _ = session.wait()
        return bursts
    }

    /// The report, and whether the bursts kept to `Budget.typeaheadBurstBytes`.
    static func report(_ bursts: [Burst], binary: String, cases: Int, link: SlowLink) -> (text: String, missed: Bool) {
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        var lines = ["Typeahead benchmark: \(binary) at 80x24 (xterm-256color), queue of all \(cases) cases, "
                     + "each burst written in one write; slow link modelled as \(link.description)"]
        lines.append("  burst                 bytes   settled (ms, local)   settled over the link (ms)")
        for burst in bursts {
            lines.append("  " + burst.keys.padding(toLength: 18, withPad: " ", startingAt: 0)
                         + String(format: " %8d   %12.1f          %12.1f", burst.bytes, burst.settled * 1000, burst.overLink * 1000))
        }
        let worst = bursts.map(\.bytes).max() ?? 0
        let missed = worst > Budget.typeaheadBurstBytes
        lines.append(String(format: "  median: %d bytes, settled %.1f ms locally, %.1f ms over the link",
                            bursts.map(\.bytes).sorted()[bursts.count / 2], median(bursts.map(\.settled)) * 1000,
                            median(bursts.map(\.overLink)) * 1000))
        lines.append("  largest burst \(worst) bytes   budget \(Budget.typeaheadBurstBytes) (one page): " + (missed ? "MISSED" : "ok"))
        return (lines.joined(separator: "\n"), missed)
    }
}
