import ArgumentParser
import Foundation
import HavenCore
import HavenStore

/// Retention and erasure on an existing store (issue 24; it changes the store: one closed
/// case is erased): what `haven retention --dry-run` costs when many cases are due, an
/// erasure step by step (tombstone, the trail rewritten, the compaction) while another
/// session saves beside it (its longest save), and `haven check` afterwards.
extension HavenBench {
    func erasureBenchmark() throws {
        guard let store else { throw ValidationError("--part erasure needs --store DIR (a demo store: one closed case in it is erased)") }
        let url = URL(fileURLWithPath: store)
        let opened = try FileCaseStore(at: url)
        let users = try opened.users().users
        let erasers = users.filter { $0.role.may(.eraseCases) }.map { Actor(user: $0.name, role: $0.role) }
        guard erasers.count >= 2, let saver = users.first(where: { $0.role == .supervisor }).map({ Actor(user: $0.name, role: $0.role) }) else {
            throw ValidationError("the store needs two supervisors or administrators (a demo store has them)")
        }
        let schedule = try ReferenceDataLoader.builtIn().retention
        let summaries = try opened.summaries()
        let today = CalendarDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400))
        print("Erasure on \(store): \(summaries.count) cases, trail \(fileMegabytes(url, FileCaseStore.auditFile)) MB, "
              + "log \(fileMegabytes(url, FileCaseStore.casesFile)) MB")
        let (due, dueSeconds) = try time { try schedule.due(summaries, today: today.adding(months: 120)) { try opened.load($0).record.closure?.reason } }
        print(row("retention --dry-run ten years on (\(due.count) closed cases due)", dueSeconds))
        guard let target = summaries.first(where: { summary in
            summary.stage == .closed && !summary.isErased && summary.family.allSatisfy { $0.linkedCase == nil }
                && ErasureContract.linkedFrom(summary.id, in: summaries).isEmpty
        }) else { throw ValidationError("no closed, unlinked case to erase") }
        let proposal = ErasureProposal(caseID: target.id, rule: "on-request", reason: "Benchmark: asked for deletion", proposedBy: erasers[0].user,
                                       proposedAt: .current())
        let (_, proposeSeconds) = try time { try opened.proposeErasure(proposal, schedule: schedule, by: erasers[0]) }
        print(row("propose (\(target.id), by \(erasers[0].user))", proposeSeconds))

        nonisolated(unsafe) var marks: [(String, Date)] = []
        nonisolated(unsafe) var report: ErasureReport?
        let approver = erasers[1]
        let targets = summaries.filter { $0.stage != .closed && !$0.isErased && $0.restriction == nil }.prefix(20).map(\.id)
        let waits = SaveWaits(store: url, importing: 0)
        let figures = try waits.savesDuring("an erasure", saver: try FileCaseStore(at: url), actor: saver, targets: Array(targets)) {
            marks.append(("start", Date()))
            report = try FileCaseStore(at: url).erase(target.id, schedule: schedule, by: approver, at: .current()) { step in
                if let name = step.split(separator: "…").first.map(String.init), marks.last?.0 != name, !step.contains("%") { marks.append((name, Date())) }
            }
            marks.append(("end", Date()))
        }
        for (index, mark) in marks.enumerated().dropFirst().dropLast() {
            print(row("  " + mark.0.replacingOccurrences(of: ": ", with: " "), marks[index + 1].1.timeIntervalSince(mark.1)))
        }
        print(row("the whole erasure (approved by \(approver.user))", figures.jobSeconds))
        if let report {
            print("  \(report.entriesErased) entr\(report.entriesErased == 1 ? "y's values" : "ies' values") erased, \(report.entriesConverted) converted from the first form; "
                  + (report.logNotCompacted.map { "log NOT compacted: \($0)" } ?? "log compacted"))
        }
        print(row("longest save beside it (\(figures.saves) saves; median \(String(format: "%.1f", figures.median * 1000)) ms)", figures.longest))
        let (checked, checkSeconds) = time { StoreCheck.run(at: url, decodingRecords: false) }
        print(row("haven check afterwards (\(checked.isSound ? "sound" : "\(checked.problems.count) problems"))", checkSeconds))
        print(String(format: "peak resident memory: %d MB", peakResidentMegabytes()))
    }

    func fileMegabytes(_ url: URL, _ name: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.appendingPathComponent(name).path)[.size] as? Int) ?? 0) / 1_000_000
    }
}
