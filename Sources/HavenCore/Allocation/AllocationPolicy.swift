import Foundation

/// The factors the allocation engine weighs, in the order explanations list them.
public enum AllocationFactorKind: String, CaseIterable, Codable, Sendable {
    case family
    case language
    case job
    case preference
    case specialNeeds = "special-needs"

    public var title: String {
        switch self {
        case .family: "Family ties"
        case .language: "Language"
        case .job: "Job fit"
        case .preference: "Preference"
        case .specialNeeds: "Special needs"
        }
    }
}

/// How the engine scores a case in a country: each factor's points are its weight times a
/// level (see `data/allocation.json`). Weights and levels are data, not code.
public struct AllocationPolicy: Hashable, Sendable {
    /// Points per level of each factor.
    public var weights: [AllocationFactorKind: Int]
    /// Demand for each ISCO-08 unit group in each country: 1 some, 2 strong, 3 shortage.
    public var labourDemand: [CountryCode: [ISCOCode: Int]]
    /// How well each country supports special (health) needs, 0 to 3.
    public var specialNeedsSupport: [CountryCode: Int]

    public init(weights: [AllocationFactorKind: Int], labourDemand: [CountryCode: [ISCOCode: Int]] = [:],
                specialNeedsSupport: [CountryCode: Int] = [:]) {
        self.weights = weights
        self.labourDemand = labourDemand
        self.specialNeedsSupport = specialNeedsSupport
    }

    /// Equal weights and no demand data: what tests and a store without the files use.
    public static let plain = AllocationPolicy(weights: Dictionary(uniqueKeysWithValues: AllocationFactorKind.allCases.map { ($0, 1) }))

    /// Relatives beyond this many in one country add nothing more.
    public static let relativesCounted = 3
    /// The demand and support levels run 0 to 3.
    public static let levels = 0...3

    public func weight(_ kind: AllocationFactorKind) -> Int { weights[kind] ?? 0 }

    /// The two files' shapes.
    struct WeightsFile: Decodable {
        var weights: [String: Int]
        var specialNeedsSupport: [String: Int]
    }

    struct DemandFile: Decodable {
        var countries: [String: [String: Int]]
    }
}

extension ReferenceDataDecoder {
    /// Decodes `allocation.json` and `labour-demand.json` and checks them against the host
    /// countries and the occupations: an unknown factor, country or ISCO group, a negative
    /// weight or a level outside 0-3 is an error naming the file and where.
    public static func allocationPolicy(weights weightsData: Data, weightsFile: String, demand demandData: Data,
                                        demandFile: String, countries: [HostCountry],
                                        occupations: OccupationCatalogue) throws(ReferenceDataError) -> AllocationPolicy {
        let file: AllocationPolicy.WeightsFile = try decode(weightsData, file: weightsFile)
        let weightBytes = [UInt8](weightsData)
        let known = Set(countries.map(\.code))
        var weights: [AllocationFactorKind: Int] = [:]
        for (name, value) in file.weights {
            let path: [JSONPosition.PathComponent] = [.key("weights"), .key(name)]
            guard let kind = AllocationFactorKind(rawValue: name) else {
                throw error(file: weightsFile, bytes: weightBytes, path: path,
                            message: "\"\(name)\" is not a factor; the factors are \(AllocationFactorKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard value >= 0 else {
                throw error(file: weightsFile, bytes: weightBytes, path: path, message: "the weight of \(name) is \(value); weights cannot be negative")
            }
            weights[kind] = value
        }
        var support: [CountryCode: Int] = [:]
        for (code, level) in file.specialNeedsSupport {
            let path: [JSONPosition.PathComponent] = [.key("specialNeedsSupport"), .key(code)]
            guard let country = CountryCode(code), known.contains(country) else {
                throw error(file: weightsFile, bytes: weightBytes, path: path, message: "\(code) is not one of the host countries")
            }
            guard AllocationPolicy.levels.contains(level) else {
                throw error(file: weightsFile, bytes: weightBytes, path: path, message: "the support level of \(code) is \(level); levels run 0 to 3")
            }
            support[country] = level
        }
        let demandFileContents: AllocationPolicy.DemandFile = try decode(demandData, file: demandFile)
        let demandBytes = [UInt8](demandData)
        let groups = Set(occupations.unitGroups.map(\.code))
        var demand: [CountryCode: [ISCOCode: Int]] = [:]
        for (code, levels) in demandFileContents.countries {
            guard let country = CountryCode(code), known.contains(country) else {
                throw error(file: demandFile, bytes: demandBytes, path: [.key("countries"), .key(code)],
                            message: "\(code) is not one of the host countries")
            }
            var row: [ISCOCode: Int] = [:]
            for (groupCode, level) in levels {
                let path: [JSONPosition.PathComponent] = [.key("countries"), .key(code), .key(groupCode)]
                guard let group = ISCOCode(groupCode), groups.contains(group) else {
                    throw error(file: demandFile, bytes: demandBytes, path: path,
                                message: "\(groupCode) is not an ISCO-08 unit group in occupations.json")
                }
                guard AllocationPolicy.levels.contains(level) else {
                    throw error(file: demandFile, bytes: demandBytes, path: path,
                                message: "the demand for \(groupCode) in \(code) is \(level); levels run 0 to 3")
                }
                row[group] = level
            }
            demand[country] = row
        }
        return AllocationPolicy(weights: weights, labourDemand: demand, specialNeedsSupport: support)
    }
}
