import Foundation
import HavenCore
import HavenMIP
import HavenSolverSupport
import HavenStore

/// `--part allocation` (issue 26): every queue family at each size, solved as a batch run
/// solves it (the relaxation, the own search, CBC on the hard part), next to GLPK on the same
/// instance in the same run where it finishes within its limit.
extension HavenBench {
    func allocationFamiliesBenchmark() throws {
        let reference = try ReferenceDataLoader.load(ReferenceDataLoader.locate(
            explicit: nil, environment: ProcessInfo.processInfo.environment,
            workingDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)))
        let sizes = allocationSizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let families = allocationFamilies.isEmpty ? PlacementFamily.allCases
            : allocationFamilies.split(separator: ",").compactMap { PlacementFamily(rawValue: String($0)) }
        let mip = CbcPlacementMIP()
        var load = [Double](repeating: 0, count: 3)
        _ = getloadavg(&load, 3)
        print("Allocation families: \(families.count) families at \(sizes.map(String.init).joined(separator: ", ")) cases; "
              + "Haven's limit \(Int(allocationSeconds)) s, GLPK's \(Int(referenceSeconds)) s up to \(referenceUpTo) cases; "
              + "\(mip.name); load average \(String(format: "%.2f", load[0])) on \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("family                              cases  groups  Haven s  placed  score     proof                 greedy      GLPK s  GLPK placed/score")
        var missed: [String] = []
        for family in families {
            for size in family == .smallRandom ? [0] : sizes {
                let seeds: [UInt64] = family == .smallRandom ? Array(1...20) : [UInt64(size)]
                for seed in seeds {
                    let instance = family.instance(cases: size, seed: seed, countries: reference.countries, policy: reference.allocation,
                                                   occupations: reference.occupations)
                    let problem = instance.problem
                    let (solution, seconds) = time { PlacementSolver.solve(problem, mip: mip, secondsLimit: allocationSeconds) }
                    let greedy = PlacementSolver.greedy(problem)
                    var glpk = "-"
                    if instance.profiles.count <= referenceUpTo {
                        if let result = GlpkReference.solve(problem, secondsLimit: referenceSeconds) {
                            let agrees = (result.people, result.score) == (solution.people, solution.score)
                            glpk = String(format: "%7.2f", result.seconds) + "  \(result.people)/\(result.score)"
                                + (result.finished ? (agrees ? " same" : " DIFFERS") : " (stopped, best found)")
                            if result.finished, !agrees, solution.provenOptimal { missed.append("\(family.rawValue) \(size): differs from GLPK") }
                            if result.finished, (result.people, result.score) > (solution.people, solution.score) {
                                missed.append("\(family.rawValue) \(size) seed \(seed): GLPK found better")
                            }
                        } else {
                            glpk = "no solution within \(Int(referenceSeconds)) s"
                        }
                    }
                    let limit = instance.profiles.count > 1_000 ? 60.0 : 10.0
                    if !solution.provenOptimal || seconds > limit {
                        missed.append("\(family.rawValue) \(instance.profiles.count): \(solution.proof.label), \(String(format: "%.1f", seconds)) s")
                    }
                    let name = family == .smallRandom ? "\(family.rawValue) #\(seed)" : family.rawValue
                    print(name.padding(toLength: 34, withPad: " ", startingAt: 0)
                          + String(format: "%7d %7d %8.2f %7d %7d  ", instance.profiles.count, problem.itemCount, seconds, solution.people, solution.score)
                          + (solution.provenOptimal ? "optimal" : solution.proof.label).padding(toLength: 22, withPad: " ", startingAt: 0)
                          + String(format: "%5d/%-6d", greedy.people, greedy.score) + "  " + glpk
                          + (solution.searchNodes > 0 ? "  [search \(solution.searchNodes) nodes]" : "")
                          + (solution.mip != nil ? String(format: "  [CBC %.2f s]", solution.mipSeconds) : ""))
                    _ = fflush(nil)
                }
            }
        }
        print(String(format: "peak resident memory: %d MB", peakResidentMegabytes()))
        print(missed.isEmpty ? "goal met: every instance proven optimal within 10 s (up to 1,000 cases) and 60 s (above)"
              : "goal missed on \(missed.count): " + missed.joined(separator: "; "))
    }
}
