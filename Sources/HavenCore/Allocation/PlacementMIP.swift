/// The hard part of a placement problem, as `PlacementSolver` hands it to a mixed-integer
/// programming solver when its own search cannot settle it quickly: the items whose country
/// the reduced costs left open, each with the options still allowed, in the capacities the
/// settled items leave.
///
/// The model the solver is asked to solve, in two stages (most people first, then the highest
/// score among the ways of placing that many; each objective's coefficients stay small, so the
/// solver's tolerances cannot blur a point of score against a person):
///
///     1. maximise Σ size[i] · x[i][k]
///     2. maximise Σ score[i][k] · x[i][k]   with Σ size[i] · x[i][k] ≥ the people of stage 1
///     subject to Σ_k x[i][k] ≤ 1   (= 1 where the item may not stay unplaced), for each item i
///                Σ size[i] · x[i][k] ≤ capacity[c], over the options k of every item at country c
///                x[i][k] ∈ {0, 1} where `integral[i]`; 0 ≤ x[i][k] ≤ 1 otherwise
///
/// People alone need not be integral: once every family's place is fixed, what is left is a
/// transportation problem with whole capacities, whose optimum is whole; the caller places them
/// again exactly around the families the solver chose.
public struct PlacementSubproblem: Sendable {
    public struct Option: Sendable, Equatable {
        public var country: Int
        /// The item's score there.
        public var score: Int

        public init(country: Int, score: Int) {
            self.country = country
            self.score = score
        }
    }

    public var sizes: [Int]
    public var options: [[Option]]
    public var mayStayUnplaced: [Bool]
    public var integral: [Bool]
    public var capacities: [Int]
    /// Seconds the solver may take; past them it returns the best it found.
    public var secondsLimit: Double
    /// A feasible assignment to start from: for each item the index of its option, nil for
    /// unplaced (the best the solver holds, so the MIP solver never starts empty-handed).
    public var start: [Int?] = []
    /// The most people the open items can place, when the relaxation's bound already proves
    /// it (the best found meets it): stage 1 is then skipped.
    public var knownPeople: Int?
    /// Scarcer kinds of place: one row per limit and country that has a capacity,
    ///     Σ uses[i] · x[i][k] ≤ capacity, over the options k of every item at that country.
    /// Items that take any are `integral`.
    public var limits: [PlacementLimit] = []

    public var itemCount: Int { sizes.count }
    public var columnCount: Int { options.reduce(0) { $0 + $1.count } }
}

/// What a mixed-integer solver returned for a `PlacementSubproblem`.
public struct PlacementSubsolution: Sendable {
    /// The value of each option of each item (1 chosen, 0 not; fractions only where not integral).
    public var values: [[Double]]
    /// True when the solver proved no better solution exists (both stages).
    public var provenOptimal: Bool
    /// The solver's upper bound on the people that can be placed (stage 1).
    public var peopleBound: Int
    /// Its upper bound on the score with that many placed (stage 2), nil when stage 1 did
    /// not finish.
    public var scoreBound: Int?
    public var seconds: Double

    public init(values: [[Double]], provenOptimal: Bool, peopleBound: Int, scoreBound: Int?, seconds: Double) {
        self.values = values
        self.provenOptimal = provenOptimal
        self.peopleBound = peopleBound
        self.scoreBound = scoreBound
        self.seconds = seconds
    }
}

/// A mixed-integer programming solver behind the placement (HavenMIP's CBC one). HavenCore
/// declares it and never links one: the core stays pure, and runs alone on its own search.
public protocol PlacementMIP: Sendable {
    /// The solver's name as figures and explanations give it ("COIN-OR CBC 2.10.8").
    var name: String { get }
    /// Nil when the solver failed outright (no solution, a numerical breakdown).
    func solve(_ subproblem: PlacementSubproblem) -> PlacementSubsolution?
    /// The largest part, in columns, the solver takes (`solve` returns nil above it): the own
    /// search then keeps the whole time limit.
    var maximumColumns: Int { get }
}

extension PlacementMIP {
    public var maximumColumns: Int { Int.max }
}

/// How a placement was proven, for the screens and the proposals: "optimal", or how far from
/// the bound the best found may be.
public enum PlacementProof: Sendable, Equatable {
    case optimal
    /// Stopped at a limit: up to `morePeople` more people might be placed; or, with the most
    /// people placed, up to `morePoints` more score (nil when no bound on the score is known).
    case bestFound(morePeople: Int, morePoints: Int?)

    public var isOptimal: Bool { self == .optimal }

    /// "optimal", "best found, within 12 points of the bound", "best found: up to 3 more
    /// people might fit".
    public var label: String {
        switch self {
        case .optimal: "optimal"
        case let .bestFound(people, _) where people > 0:
            "best found: up to \(people) more \(people == 1 ? "person" : "people") might fit (stopped at a limit)"
        case let .bestFound(_, points?):
            "best found, within \(points) point\(points == 1 ? "" : "s") of the bound (stopped at a limit)"
        case .bestFound(_, nil): "best found: the most people placed, the score not proven (stopped at a limit)"
        }
    }
}

/// A weighted value (people times the weight of one person, plus the score) split back into
/// people and score: every total score is smaller in size than half that weight, so the
/// nearest whole number of people is exact.
struct WeightedValue {
    let weight: Int

    func split(_ value: Int) -> (people: Int, score: Int) {
        let people = Model.floorDivide(value + weight / 2, weight)
        return (people, value - people * weight)
    }
}
