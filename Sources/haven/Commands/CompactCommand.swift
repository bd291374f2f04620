import ArgumentParser
import Foundation
import Glibc
import HavenCore
import HavenStore

/// `haven compact`: the case log rewritten with each case's latest version, while others work.
struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Rewrite the case log with each case's latest version, while others keep working; the audit trail keeps every change.",
        discussion: """
            Haven starts this by itself (with --if-due) after a save that leaves the log more than twice \
            the size of its cases' latest versions. Saves made while it runs are kept: they wait at most \
            for the swap at its end. A log with a damaged line is not compacted until 'haven check' is clean.
            """)

    @Flag(help: "Only when the log has grown past twice its live size (how Haven starts it by itself).")
    var ifDue = false
    @OptionGroup var store: StoreOptions

    func run() throws {
        let (opened, actor) = try store.openFiles(for: .compactStore, instead: "PostgreSQL keeps only each case's newest version, and its own VACUUM reclaims space")
        let mebibytes = { (bytes: Int) in String(format: "%.1f MB", Double(bytes) / 1_000_000) }
        if ifDue, !opened.compactionDue {
            print("Not due: the log is \(mebibytes(opened.logBytes)), its cases' latest versions \(mebibytes(opened.liveLogBytes)).")
            return
        }
        var progress: ProgressBar?
        let report: FileCaseStore.CompactionReport
        do {
            report = try opened.compact(by: actor, at: .now()) { done, total in
                if progress == nil { progress = ProgressBar(total: total, label: "Compacting") }
                progress?.update(done)
            }
        } catch {
            throw HavenFailure("\(error)")
        }
        print("Compacted \(opened.directory.path)/cases.jsonl: \(mebibytes(report.bytesBefore)) became \(mebibytes(report.bytesAfter)), "
              + "\(report.linesAfter) lines (\(report.linesSavedMeanwhile) saved meanwhile), in \(String(format: "%.1f", report.seconds)) s; "
              + "saves waited at most \(String(format: "%.2f", report.lockSeconds)) s. The audit trail keeps every change (entry \(report.auditSequence) records it). "
              + (report.oldLogFreedGently ? "The old log was freed a step at a time once no session held it (\(String(format: "%.1f", report.retireSeconds)) s)."
                 : "Some session still had the old log open after \(Int(FileCaseStore.retireWait)) s; it is freed when the last one closes it."))
    }
}

/// Starts `haven compact --if-due` on a store as a process of its own, in a session of its
/// own (a hang-up or Ctrl-C in this terminal does not stop it), its output discarded; a
/// thread reaps it. Nothing waits for it: a compaction that fails changes nothing.
enum BackgroundCompaction {
    static func start(_ directory: URL) {
        let program = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let arguments = [program, "compact", "--if-due", "--store", directory.path]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor in Int32(0)...2 {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        let setsid: Int16 = 0x80 // POSIX_SPAWN_SETSID (glibc), which Swift's Glibc module does not export
        posix_spawnattr_setflags(&attributes, setsid)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var child: pid_t = 0
        guard posix_spawn(&child, program, &actions, &attributes, argv, environ) == 0 else { return }
        let pid = child
        Thread.detachNewThread { waitpid(pid, nil, 0) }
    }
}
