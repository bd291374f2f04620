import Foundation
import HavenCore

/// Where a session's reference data comes from.
public enum ReferenceDataSource: Equatable, Sendable {
    /// A directory named with `--data` or `$HAVEN_DATA`; it must hold every file.
    case directory(URL)
    /// The copy of the package's `data/` compiled into the binary (`BuiltInReferenceData`).
    case builtIn
}

/// Reads Haven's reference data (`countries.json`, `occupations.json`, `stage-targets.json`,
/// `allocation.json`, `labour-demand.json`, `reunification.json`) from a directory or from the
/// copy built into the binary. HavenCore checks the contents; this type only finds and reads them.
public enum ReferenceDataLoader {
    public static let countriesFile = "countries.json"
    public static let occupationsFile = "occupations.json"
    public static let stageTargetsFile = "stage-targets.json"
    public static let allocationFile = "allocation.json"
    public static let labourDemandFile = "labour-demand.json"
    public static let reunificationFile = "reunification.json"
    public static let retentionFile = "retention.json"

    /// Every file a reference data directory holds, in the order they are checked.
    public static let files = [countriesFile, occupationsFile, stageTargetsFile, allocationFile, labourDemandFile,
                               reunificationFile, retentionFile]

    /// Where the reference data is: an explicit directory, else `$HAVEN_DATA`, else the built-in
    /// copy. Nothing else is searched: a `data/` that happens to be in the working directory
    /// or beside the binary is used only when named, so what a session runs on never depends
    /// on where it was started.
    public static func locate(explicit: String?, environment: [String: String], workingDirectory: URL) -> ReferenceDataSource {
        func resolved(_ path: String) -> URL {
            (path.hasPrefix("/") ? URL(fileURLWithPath: path) : workingDirectory.appendingPathComponent(path)).standardizedFileURL
        }
        if let explicit { return .directory(resolved(explicit)) }
        if let fromEnvironment = environment["HAVEN_DATA"], !fromEnvironment.isEmpty { return .directory(resolved(fromEnvironment)) }
        return .builtIn
    }

    public static func load(_ source: ReferenceDataSource) throws(ReferenceDataError) -> ReferenceData {
        switch source {
        case .directory(let directory): try load(from: directory)
        case .builtIn: try builtIn()
        }
    }

    /// Loads and checks the files in `directory`. A directory missing any file is refused, naming
    /// every missing one: a part of the files mixed with the built-in rest would be checked
    /// against data nobody chose (labour demand for countries the directory removed).
    public static func load(from directory: URL) throws(ReferenceDataError) -> ReferenceData {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReferenceDataError(file: directory.path, position: nil, path: "", message: "no such directory")
        }
        let missing = files.filter { !FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
        guard missing.isEmpty else {
            throw ReferenceDataError(
                file: directory.path, position: nil, path: "",
                message: "\(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") missing; a reference data directory "
                    + "holds all of \(files.joined(separator: ", ")) (copy them from Haven's data/)")
        }
        return try decode { name throws(ReferenceDataError) in
            let url = directory.appendingPathComponent(name)
            return (try read(url), url.path)
        }
    }

    /// The reference data compiled into the binary. Its files are named `built-in NAME` in errors,
    /// which a test keeps from happening: the copy must equal `data/` byte for byte.
    public static func builtIn() throws(ReferenceDataError) -> ReferenceData {
        try decode { name throws(ReferenceDataError) in
            let label = "built-in \(name)"
            guard let text = BuiltInReferenceData.files[name] else {
                throw ReferenceDataError(file: label, position: nil, path: "", message: "not built in (run scripts/embed-reference-data)")
            }
            return (Data(text.utf8), label)
        }
    }

    /// Checks every file that `contents` gives (its bytes and the name errors give it); the
    /// first problem found is thrown, naming the file and the line and column.
    static func decode(_ contents: (String) throws(ReferenceDataError) -> (Data, String)) throws(ReferenceDataError) -> ReferenceData {
        let (countriesData, countriesName) = try contents(countriesFile)
        let countries = try ReferenceDataDecoder.countries(from: countriesData, file: countriesName)
        let (occupationsData, occupationsName) = try contents(occupationsFile)
        let occupations = try ReferenceDataDecoder.occupations(from: occupationsData, file: occupationsName)
        let (targetsData, targetsName) = try contents(stageTargetsFile)
        let targets = try ReferenceDataDecoder.stageTargets(from: targetsData, file: targetsName)
        let (weightsData, weightsName) = try contents(allocationFile)
        let (demandData, demandName) = try contents(labourDemandFile)
        let policy = try ReferenceDataDecoder.allocationPolicy(weights: weightsData, weightsFile: weightsName,
                                                               demand: demandData, demandFile: demandName,
                                                               countries: countries, occupations: occupations)
        let (reunificationData, reunificationName) = try contents(reunificationFile)
        let reunification = try ReferenceDataDecoder.reunification(from: reunificationData, file: reunificationName)
        let (retentionData, retentionName) = try contents(retentionFile)
        let retention = try ReferenceDataDecoder.retention(from: retentionData, file: retentionName)
        return ReferenceData(countries: countries, occupations: occupations, stageTargets: targets, allocation: policy,
                             reunification: reunification, retention: retention)
    }

    static func read(_ url: URL) throws(ReferenceDataError) -> Data {
        do {
            return try Data(contentsOf: url)
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? "cannot be read (check its permissions)" : "does not exist"
            throw ReferenceDataError(file: url.path, position: nil, path: "", message: "the file \(reason)")
        }
    }
}
