/// The fixed pick lists of a case. Each has a stable raw value (what the JSON holds) and a
/// title (what the caseworker sees); titles can change, raw values cannot.
public protocol Choice: CaseIterable, Hashable, Codable, Sendable, RawRepresentable where RawValue == String {
    var title: String { get }
}

public enum ServiceBranch: String, Choice {
    case groundForces = "ground-forces"
    case airborne
    case navalInfantry = "naval-infantry"
    case navy
    case aerospaceForces = "aerospace-forces"
    case strategicRocketForces = "strategic-rocket-forces"
    case specialForces = "special-forces"
    case nationalGuard = "national-guard"
    case privateMilitaryCompany = "private-military-company"
    case mobilisedReserve = "mobilised-reserve"
    case other

    public var title: String {
        switch self {
        case .groundForces: "Ground Forces"
        case .airborne: "Airborne Forces (VDV)"
        case .navalInfantry: "Naval Infantry"
        case .navy: "Navy"
        case .aerospaceForces: "Aerospace Forces (VKS)"
        case .strategicRocketForces: "Strategic Rocket Forces"
        case .specialForces: "Special Forces (Spetsnaz)"
        case .nationalGuard: "National Guard (Rosgvardia)"
        case .privateMilitaryCompany: "Private military company"
        case .mobilisedReserve: "Mobilised reservist"
        case .other: "Other"
        }
    }
}

/// Ranks of the Russian armed forces, army style; naval ranks map to their army equivalents.
public enum Rank: String, Choice {
    case `private` = "private"
    case efreitor
    case juniorSergeant = "junior-sergeant"
    case sergeant
    case seniorSergeant = "senior-sergeant"
    case starshina
    case praporshchik
    case seniorPraporshchik = "senior-praporshchik"
    case juniorLieutenant = "junior-lieutenant"
    case lieutenant
    case seniorLieutenant = "senior-lieutenant"
    case captain
    case major
    case lieutenantColonel = "lieutenant-colonel"
    case colonel
    case general
    case none

    public var title: String {
        switch self {
        case .private: "Private (рядовой)"
        case .efreitor: "Efreitor (ефрейтор)"
        case .juniorSergeant: "Junior sergeant (младший сержант)"
        case .sergeant: "Sergeant (сержант)"
        case .seniorSergeant: "Senior sergeant (старший сержант)"
        case .starshina: "Starshina (старшина)"
        case .praporshchik: "Praporshchik (прапорщик)"
        case .seniorPraporshchik: "Senior praporshchik (старший прапорщик)"
        case .juniorLieutenant: "Junior lieutenant (младший лейтенант)"
        case .lieutenant: "Lieutenant (лейтенант)"
        case .seniorLieutenant: "Senior lieutenant (старший лейтенант)"
        case .captain: "Captain (капитан)"
        case .major: "Major (майор)"
        case .lieutenantColonel: "Lieutenant colonel (подполковник)"
        case .colonel: "Colonel (полковник)"
        case .general: "General officer (генерал)"
        case .none: "No rank / civilian contractor"
        }
    }

    /// Officers are assessed with more care under article 1F (command responsibility).
    public var isOfficer: Bool {
        switch self {
        case .juniorLieutenant, .lieutenant, .seniorLieutenant, .captain, .major,
             .lieutenantColonel, .colonel, .general: true
        default: false
        }
    }
}

public enum CrossingMethod: String, Choice {
    case surrendered
    case defectedAcrossLine = "defected-across-line"
    case defectedWithEquipment = "defected-with-equipment"
    case reachedThirdCountry = "reached-third-country"

    public var title: String {
        switch self {
        case .surrendered: "Surrendered"
        case .defectedAcrossLine: "Defected across the line"
        case .defectedWithEquipment: "Defected with equipment"
        case .reachedThirdCountry: "Reached a third country"
        }
    }
}

public enum CustodyStatus: String, Choice {
    case ukrainianPrisonerOfWar = "ukrainian-pow"
    case ukrainianCustodyOther = "ukrainian-custody-other"
    case atLibertyInUkraine = "at-liberty-in-ukraine"
    case inThirdCountry = "in-third-country"
    case inHostCountry = "in-host-country"

    public var title: String {
        switch self {
        case .ukrainianPrisonerOfWar: "Prisoner of war in Ukraine"
        case .ukrainianCustodyOther: "Other custody in Ukraine"
        case .atLibertyInUkraine: "At liberty in Ukraine"
        case .inThirdCountry: "In a third country"
        case .inHostCountry: "In a host country"
        }
    }
}

public enum EquipmentKind: String, Choice {
    case tank
    case infantryFightingVehicle = "infantry-fighting-vehicle"
    case armouredPersonnelCarrier = "armoured-personnel-carrier"
    case artillery
    case airDefenceSystem = "air-defence-system"
    case helicopter
    case aircraft
    case drone
    case vessel
    case truck
    case electronicWarfare = "electronic-warfare"
    case smallArms = "small-arms"
    case documentsOrData = "documents-or-data"
    case other

    public var title: String {
        switch self {
        case .tank: "Tank"
        case .infantryFightingVehicle: "Infantry fighting vehicle"
        case .armouredPersonnelCarrier: "Armoured personnel carrier"
        case .artillery: "Artillery piece"
        case .airDefenceSystem: "Air-defence system"
        case .helicopter: "Helicopter"
        case .aircraft: "Aircraft"
        case .drone: "Drone"
        case .vessel: "Vessel"
        case .truck: "Truck or other vehicle"
        case .electronicWarfare: "Electronic-warfare system"
        case .smallArms: "Small arms"
        case .documentsOrData: "Documents or data"
        case .other: "Other"
        }
    }
}
