/// A kind of place a host country may have fewer of than places (issue 26): besides its quota,
/// a country may set how many family housing units and places with medical support it can
/// give. A case takes one of a kind when it needs it; the allocation respects every kind, the
/// proposal records which it takes, and the quota ledger counts them as it counts places.
public enum PlaceKind: String, Choice, Comparable {
    /// A home for a family: a case that brings a spouse, partner or child takes one.
    case familyHousing = "family-housing"
    /// A place where medical support is at hand: a case with health needs recorded takes one.
    case medicalSupport = "medical-support"

    public var title: String {
        switch self {
        case .familyHousing: "Family housing units"
        case .medicalSupport: "Places with medical support"
        }
    }

    /// A form's label, short enough for a 60-column screen.
    public var label: String {
        switch self {
        case .familyHousing: "Family housing units"
        case .medicalSupport: "Medical support places"
        }
    }

    /// A column heading or a list item: "family housing", "medical support".
    public var shortTitle: String {
        switch self {
        case .familyHousing: "family housing"
        case .medicalSupport: "medical support"
        }
    }

    /// One of them: "a family housing unit", "a place with medical support".
    public var one: String {
        switch self {
        case .familyHousing: "a family housing unit"
        case .medicalSupport: "a place with medical support"
        }
    }

    /// Counted, short, for messages that must fit a status line: "family housing unit",
    /// "medical support place" (plural with an s).
    public var unit: String {
        switch self {
        case .familyHousing: "family housing unit"
        case .medicalSupport: "medical support place"
        }
    }

    /// A number of them, short: "1 family housing unit", "2 medical support places".
    public func counted(_ number: Int) -> String { "\(number) \(unit)\(number == 1 ? "" : "s")" }

    /// Several, in a sentence: "family housing units", "places with medical support".
    public var plural: String { title.lowercased() }

    /// What a case of this kind needs, for explanations ("brings a spouse, partner or child").
    public var need: String {
        switch self {
        case .familyHousing: "brings a spouse, partner or child"
        case .medicalSupport: "has health needs recorded"
        }
    }

    /// The kinds a case needs: worked out from its record alone.
    public static func needed(by record: Case) -> [PlaceKind] {
        var kinds: [PlaceKind] = []
        if record.bringsFamily { kinds.append(.familyHousing) }
        if record.defector.hasHealthNeeds { kinds.append(.medicalSupport) }
        return kinds
    }

    public static func < (a: PlaceKind, b: PlaceKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

extension Case {
    /// The case brings close family: a spouse, partner or child recorded and not withdrawn,
    /// who is not a defector with a case of their own (that case takes its own place).
    public var bringsFamily: Bool {
        family.contains { member in
            [.spouse, .partner, .son, .daughter].contains(member.relationship) && member.linkedCase == nil
                && member.whereabouts != .inProgramme && member.stage != .withdrawn
        }
    }
}

/// A kind of place a case or family group needs more of than a country has left, while it has
/// places: what an explanation names instead of "no place left".
public struct KindShortage: Hashable, Sendable {
    public var kind: PlaceKind
    public var needed: Int
    public var left: Int

    public init(kind: PlaceKind, needed: Int, left: Int) {
        self.kind = kind
        self.needed = needed
        self.left = left
    }

    /// What is needed: "a family housing unit", "2 family housing units".
    public var wanted: String { needed == 1 ? "a \(kind.unit)" : kind.counted(needed) }

    /// "no family housing unit left", or "only 1 family housing unit left, 2 needed": the
    /// one wording of a kind used up, in explanations, unplaced reasons and refusals by hand.
    public var text: String {
        left <= 0 ? "no \(kind.unit) left" : "only \(kind.counted(left)) left, \(needed) needed"
    }
}
