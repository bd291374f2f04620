/// Why the store refused a seat in a course or a place in an opening: another session took
/// the last one after this one looked.
public enum CapacityError: Error, Hashable, Sendable, CustomStringConvertible {
    case courseFull(String, capacity: Int)
    case openingFilled(String, places: Int)

    public var description: String {
        switch self {
        case let .courseFull(course, capacity):
            "\(course) is full (\(capacity) of \(capacity) seats taken); enrol again to join its waiting list."
        case let .openingFilled(opening, places):
            "\(opening) has no place left (\(places) of \(places) filled)."
        }
    }
}

/// The store's last word on seats and places, under its lock: a save may not enrol a case in a
/// full course, nor place one in an opening whose places are filled.
public enum CapacityCheck {
    /// The courses `next` holds an enrolled seat in that `previous` did not.
    public static func newSeats(previous: Case?, next: Case) -> [String] {
        let before = Set(previous?.integration.enrolments.filter { $0.status == .enrolled }.map(\.courseID) ?? [])
        return next.integration.enrolments.filter { $0.status == .enrolled && !before.contains($0.courseID) }.map(\.courseID)
    }

    /// The openings `next` has a placement from that `previous` did not.
    public static func newPlacements(previous: Case?, next: Case) -> [String] {
        let before = Set(previous?.integration.placements.compactMap(\.openingID) ?? [])
        return next.integration.placements.compactMap(\.openingID).filter { !before.contains($0) }
    }

    /// Whether `next` takes a seat or a place `previous` did not hold: only then is anything counted.
    public static func takesCapacity(previous: Case?, next: Case) -> Bool {
        !newSeats(previous: previous, next: next).isEmpty || !newPlacements(previous: previous, next: next).isEmpty
    }

    /// `taken` counts the seats and places other cases hold.
    public static func check(previous: Case?, next: Case, courses: [LanguageCourse], openings: [JobOpening],
                             courseUse: CatalogueUse, openingUse: CatalogueUse) throws(CapacityError) {
        for id in newSeats(previous: previous, next: next) {
            guard let course = courses.first(where: { $0.id == id }) else { continue }
            if courseUse.taken[id, default: 0] >= course.capacity { throw .courseFull(id, capacity: course.capacity) }
        }
        for id in newPlacements(previous: previous, next: next) {
            guard let opening = openings.first(where: { $0.id == id }) else { continue }
            if openingUse.taken[id, default: 0] >= opening.places { throw .openingFilled(id, places: opening.places) }
        }
    }
}
