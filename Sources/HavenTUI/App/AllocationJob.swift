import Dispatch
import HavenCore
import Synchronization

/// The batch allocation as a background job: read the queue's cases, work out the placement,
/// save each proposal, a slice at a time. Stopping it between slices keeps every proposal
/// saved so far (each is a whole, valid save).
public struct AllocationJob: BackgroundJob {
    enum Phase {
        case starting
        case reading(Int)
        /// Recent grants read for the look-ahead's forecast (`AllocationForecast`).
        case forecasting(Int)
        case solving
        /// The placement is worked out on a thread of its own, so the screen keeps answering
        /// (and Esc stops) while a hard queue takes its seconds.
        case waiting(SolverThread, since: ContinuousClock.Instant)
        case saving(Int)
    }

    /// The batch's solve on its own thread, and its result once there.
    final class SolverThread: Sendable {
        let result = Mutex<AllocationBatchResult?>(nil)
        let finished = DispatchSemaphore(value: 0)

        init(run: AllocationRun, profiles: [AllocationProfile], pool: [AllocationProfile], spent: Double) {
            DispatchQueue.global(qos: .userInitiated).async { [self] in
                let solved = run.pricedBatch(queue: profiles, pool: pool, alreadySpent: spent).run(profiles)
                result.withLock { $0 = solved }
                finished.signal()
            }
        }

        /// The result, waiting up to `milliseconds` for it.
        func wait(milliseconds: Int) -> AllocationBatchResult? {
            guard finished.wait(timeout: .now() + .milliseconds(milliseconds)) == .success else { return nil }
            finished.signal()
            return result.withLock { $0 }
        }
    }

    var phase = Phase.starting
    var run: AllocationRun?
    var profiles: [AllocationProfile] = []
    var pool: [AllocationProfile] = []
    /// When reading the recent grants began: the time limit covers the forecast, reading included.
    var forecastSince: ContinuousClock.Instant?
    var result: AllocationBatchResult?
    var saved = 0
    var refused: [(CaseID, String)] = []
    /// Cases read, and proposals saved, per slice.
    let readSlice = 400
    let saveSlice = 50

    /// The phases' names on the status line, as the job reports them.
    static let forecasting = "reading recent grants for the forecast"
    static let placing = "working out the best placement"

    /// False places the queue as if it were the last (no places kept for later arrivals).
    let lookAhead: Bool

    public init(lookAhead: Bool = true) {
        self.lookAhead = lookAhead
    }

    public var title: String { "Batch allocation" }

    func occupations(_ context: SessionContext) -> OccupationCatalogue {
        context.reference?.occupations ?? OccupationCatalogue(unitGroups: [], specialties: [])
    }

    public mutating func step(store: any CaseStore, context: SessionContext, now: Timestamp) -> JobStep {
        do {
            switch phase {
            case .starting:
                try Capability.runAllocationBatch.require(context.actor)
                let run = AllocationRun(summaries: try store.summaries(), countries: try store.hostCountries(),
                                        policy: context.reference?.allocation ?? .plain, mip: context.mip,
                                        secondsLimit: context.allocationSeconds, lookAheadAt: lookAhead ? now : nil)
                guard !run.queue.isEmpty else { return .finished(message: "No granted case is waiting for a country.", failed: false) }
                self.run = run
                phase = .reading(0)
                return .working(phase: "reading cases", done: 0, total: run.queue.count)
            case let .reading(start):
                let queue = run!.queue
                let next = min(queue.count, start + readSlice)
                profiles += try run!.profiles(start..<next, from: store, occupations: occupations(context))
                guard next == queue.count else {
                    phase = .reading(next)
                    return .working(phase: "reading cases", done: next, total: queue.count)
                }
                let forecasting = run!.needsForecast(queue: queue.count)
                phase = forecasting ? .forecasting(0) : .solving
                if forecasting { forecastSince = ContinuousClock.now }
                return forecasting ? .working(phase: Self.forecasting, done: 0, total: run!.forecastPool.count)
                    : .working(phase: Self.placing, done: 0, total: 1)
            case let .forecasting(start):
                let recent = run!.forecastPool
                let next = min(recent.count, start + readSlice)
                pool += run!.forecastProfiles(start..<next, from: store, occupations: occupations(context))
                guard next == recent.count else {
                    phase = .forecasting(next)
                    return .working(phase: Self.forecasting, done: next, total: recent.count)
                }
                phase = .solving
                return .working(phase: Self.placing, done: 0, total: 1)
            case .solving:
                // The seconds are counted from the forecast's reading, which the limit covers.
                let since = forecastSince ?? ContinuousClock.now
                let read = (ContinuousClock.now - since).components
                let spent = Double(read.seconds) + Double(read.attoseconds) * 1e-18
                phase = .waiting(SolverThread(run: run!, profiles: profiles, pool: pool, spent: spent), since: since)
                return .working(phase: Self.placing, done: Int(read.seconds), total: Int(run!.batch.secondsLimit))
            case let .waiting(thread, since):
                guard let solved = thread.wait(milliseconds: 40) else {
                    let seconds = (ContinuousClock.now - since).components.seconds
                    return .working(phase: "placing, seconds", done: Int(seconds), total: Int(run!.batch.secondsLimit))
                }
                result = solved
                phase = .saving(0)
                return .working(phase: "saving proposals", done: 0, total: solved.proposals.count)
            case let .saving(start):
                let proposals = result!.proposals
                let next = AllocationRun.sliceEnd(proposals, from: start, size: saveSlice)
                let slice = proposals[start..<next]
                let failed = AllocationRun.propose(slice, in: store, by: context.actor, at: now)
                refused += failed.map { ($0.caseID, $0.reason) }
                saved += slice.count - failed.count
                guard next == proposals.count else {
                    phase = .saving(next)
                    return .working(phase: "saving proposals", done: next, total: proposals.count)
                }
                // Without the look-ahead (l asked for none, or it was skipped), said beside the score;
                // why it was skipped after the count.
                let skipped = run!.lookAheadSkipped(queue: profiles, poolRead: pool.count)
                var message = AllocationRun.shortSummary(result!, queued: run!.queue.count, noLookAhead: !lookAhead || skipped != nil)
                    + " · \(saved) for another supervisor"
                if let skipped { message += " · " + skipped }
                // What was not saved comes first: at 80 columns the end of the line is cut.
                if let (id, reason) = refused.first { message = "\(refused.count) not saved (first \(id): \(reason)) · " + message }
                return .finished(message: message, failed: !refused.isEmpty)
            }
        } catch {
            return .finished(message: "\(title) stopped: \(error)", failed: true)
        }
    }
}
