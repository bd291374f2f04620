import Foundation
import HavenCore

/// Reads Haven's reference data (`countries.json`, `occupations.json`, `stage-targets.json`,
/// `allocation.json`, `labour-demand.json`, `reunification.json`) from a directory.
/// HavenCore checks the contents; this type only finds and reads the files.
public enum ReferenceDataLoader {
    public static let countriesFile = "countries.json"
    public static let occupationsFile = "occupations.json"
    public static let stageTargetsFile = "stage-targets.json"
    public static let allocationFile = "allocation.json"
    public static let labourDemandFile = "labour-demand.json"
    public static let reunificationFile = "reunification.json"

    /// Loads and checks both files in `directory`; the first problem found is thrown, naming
    /// the file and the line and column.
    public static func load(from directory: URL) throws(ReferenceDataError) -> ReferenceData {
        let countriesURL = directory.appendingPathComponent(countriesFile)
        let occupationsURL = directory.appendingPathComponent(occupationsFile)
        let countries = try ReferenceDataDecoder.countries(from: read(countriesURL), file: countriesURL.path)
        let occupations = try ReferenceDataDecoder.occupations(from: read(occupationsURL), file: occupationsURL.path)
        let targetsURL = directory.appendingPathComponent(stageTargetsFile)
        let targets = try ReferenceDataDecoder.stageTargets(from: read(targetsURL), file: targetsURL.path)
        let weightsURL = directory.appendingPathComponent(allocationFile)
        let demandURL = directory.appendingPathComponent(labourDemandFile)
        let policy = try ReferenceDataDecoder.allocationPolicy(weights: read(weightsURL), weightsFile: weightsURL.path,
                                                               demand: read(demandURL), demandFile: demandURL.path,
                                                               countries: countries, occupations: occupations)
        let reunificationURL = directory.appendingPathComponent(reunificationFile)
        let reunification = try ReferenceDataDecoder.reunification(from: read(reunificationURL), file: reunificationURL.path)
        return ReferenceData(countries: countries, occupations: occupations, stageTargets: targets, allocation: policy,
                             reunification: reunification)
    }

    static func read(_ url: URL) throws(ReferenceDataError) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? "cannot be read (check its permissions)" : "does not exist"
            throw ReferenceDataError(file: url.path, position: nil, path: "", message: "the file \(reason)")
        }
    }

    /// Where to look for the data directory, first match wins: an explicit path, then
    /// `$HAVEN_DATA`, then `data/` in the working directory, then `data/` above the executable
    /// (so `.build/debug/haven` finds the package's own `data/`).
    public static func locateDirectory(explicit: String?, environment: [String: String],
                                       workingDirectory: URL, executable: URL) -> URL? {
        if let explicit { return URL(fileURLWithPath: explicit, relativeTo: workingDirectory).standardizedFileURL }
        if let fromEnvironment = environment["HAVEN_DATA"], !fromEnvironment.isEmpty {
            return URL(fileURLWithPath: fromEnvironment, relativeTo: workingDirectory).standardizedFileURL
        }
        var candidates = [workingDirectory.appendingPathComponent("data")]
        var directory = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(directory.appendingPathComponent("data"))
            directory = directory.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(countriesFile).path) }
    }
}
