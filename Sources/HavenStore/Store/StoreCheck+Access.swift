import Foundation
import HavenCore

extension StoreCheck {
    /// The access log: every line whole, hash-chained from the first and numbered without a
    /// gap (an entry edited, removed or inserted is named by line); the supervisors' copy
    /// (`glass.jsonl`) holds only entries the log has, unchanged.
    static func checkAccessLog(at path: String, into report: inout Report) {
        let logPath = "\(path)/\(AccessLog.fileName)"
        guard let data = FileManager.default.contents(atPath: logPath) else { return }
        var reasoned: [Int: AccessEntry] = [:]
        let reading = AccessLog.read(Array(data)) { entry in
            if NeedToKnow.tellsSupervisors(entry) { reasoned[entry.sequence] = entry }
            return false
        }
        report.accessEntryCount = reading.count
        if let problem = reading.problem {
            let torn = problem.reason.hasPrefix("the last line has no end")
            report.problems.append(StoreProblem(torn ? .repaired : .damaged, file: logPath, position: "line \(problem.line), byte \(problem.byte)",
                                                message: torn ? "\(problem.reason); the next opening sets it aside" : problem.reason))
        }
        let copyPath = "\(path)/\(AccessLog.reasonsFileName)"
        let copy = FileManager.default.contents(atPath: copyPath) ?? Data()
        var copied: Set<Int> = []
        defer {
            // Both ways: a reason in the log but not in the copy was never shown to supervisors
            // (a line deleted from the copy, or a write that failed).
            for (sequence, entry) in reasoned.sorted(by: { $0.key < $1.key }) where !copied.contains(sequence) {
                report.problems.append(StoreProblem(.damaged, file: copyPath, position: "entry \(sequence)",
                                                    message: "\(entry.user)'s \(entry.outcome.title) on \(entry.caseID?.rawValue ?? "a case") is in the access log but not here: supervisors were not shown it"))
            }
        }
        for (number, line) in copy.split(separator: 10, omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            guard let entry = try? JSONDecoder().decode(AccessEntry.self, from: Data(line)) else {
                report.problems.append(StoreProblem(.damaged, file: copyPath, position: "line \(number + 1)", message: "not an access entry"))
                continue
            }
            copied.insert(entry.sequence)
            if reasoned[entry.sequence] != entry, reading.problem == nil || entry.sequence <= reading.count {
                report.problems.append(StoreProblem(.damaged, file: copyPath, position: "line \(number + 1)",
                                                    message: "entry \(entry.sequence) is not in the access log as written here: it was edited or added"))
            }
        }
    }
}
