import Foundation
import HavenCore
@testable import HavenTUI

/// The world the scenarios walk through: the package's own reference data (`data/`, read from
/// the checkout), the demo's courses and job openings, four staff accounts and three earlier
/// cases, on an in-memory store; every session on a fixed day at a fixed time, so each screen
/// comes out the same on every run.
enum ScenarioFixture {
    static let today = CalendarDate(year: 2026, month: 11, day: 24)!
    static let size = Size(width: 80, height: 24)
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let users = UserDirectory(users: [
        ("root", Role.administrator), ("anna.k", .caseworker), ("oleh.m", .caseworker), ("maria.s", .supervisor),
    ].map { UserAccount(name: UserName($0.0)!, role: $0.1, addedBy: "root", addedAt: Timestamp(date: today.adding(days: -200), hour: 9)) })

    /// The reference data Haven ships, decoded from `data/` as the store does with the copy built in.
    static func reference() throws -> ReferenceData {
        func read(_ name: String) throws -> (Data, String) {
            let url = packageRoot.appendingPathComponent("data").appendingPathComponent(name)
            return (try Data(contentsOf: url), url.path)
        }
        let (countriesData, countriesFile) = try read("countries.json")
        let countries = try ReferenceDataDecoder.countries(from: countriesData, file: countriesFile)
        let (occupationsData, occupationsFile) = try read("occupations.json")
        let occupations = try ReferenceDataDecoder.occupations(from: occupationsData, file: occupationsFile)
        let (targetsData, targetsFile) = try read("stage-targets.json")
        let (weightsData, weightsFile) = try read("allocation.json")
        let (demandData, demandFile) = try read("labour-demand.json")
        let (reunificationData, reunificationFile) = try read("reunification.json")
        return ReferenceData(
            countries: countries, occupations: occupations,
            stageTargets: try ReferenceDataDecoder.stageTargets(from: targetsData, file: targetsFile),
            allocation: try ReferenceDataDecoder.allocationPolicy(weights: weightsData, weightsFile: weightsFile, demand: demandData,
                                                                  demandFile: demandFile, countries: countries, occupations: occupations),
            reunification: try ReferenceDataDecoder.reunification(from: reunificationData, file: reunificationFile))
    }

    /// A fresh store: the host countries, the demo's courses and openings, and three cases
    /// oleh.m registered earlier (a near namesake of the man the walk registers, and his brother).
    static func store(reference: ReferenceData) throws -> InMemoryCaseStore {
        let store = InMemoryCaseStore(users: users, countries: reference.countries)
        let root = Actor(user: "root", role: .administrator)
        let setUp = Timestamp(date: today.adding(days: -200), hour: 9)
        _ = try store.changeCatalogue(CatalogueChange.add(DemoIntegration.courses(countries: reference.countries, integrationCases: 0)),
                                      by: root, at: setUp)
        _ = try store.changeCatalogue(CatalogueChange.add(DemoIntegration.openings(countries: reference.countries, today: today)),
                                      by: root, at: setUp)
        let oleh = Actor(user: "oleh.m", role: .caseworker)
        for record in try earlierCases() {
            _ = try store.save(record, basedOn: nil, by: oleh, at: record.registeredAt)
        }
        return store
    }

    static func defector(_ cyrillic: FullName, _ latin: FullName, born: CalendarDate, in place: String, unit: String,
                         crossed: CalendarDate, at crossing: String) -> Defector {
        Defector(cyrillicName: cyrillic, latinName: latin, birthDate: born, birthPlace: place,
                 service: MilitaryService(branch: .groundForces, rank: .sergeant, unit: unit),
                 crossing: Crossing(method: .surrendered, date: crossed, place: crossing),
                 languages: [LanguageSkill(language: LanguageCode("ru")!, level: .c2, isNative: true)])
    }

    /// HV-000001 Жуков Артем (an е for the ё, another birth date and unit: a namesake) in Intake;
    /// HV-000002 Жуков Павел, the younger brother of the man the walk registers, in Screening; HV-000003 Щербаков in Intake since long ago (overdue).
    static func earlierCases() throws -> [Case] {
        let oleh = Actor(user: "oleh.m", role: .caseworker)
        let namesake = Case(id: CaseID(number: 1), defector: defector(
            FullName(family: "Жуков", given: "Артем", patronymic: "Сергеевич"), FullName(family: "Zhukov", given: "Artem", patronymic: "Sergeevich"),
            born: CalendarDate(year: 1996, month: 7, day: 2)!, in: "Ростов-на-Дону", unit: "150-я мотострелковая дивизия",
            crossed: today.adding(days: -12), at: "Авдеевка"), registeredBy: "oleh.m", registeredAt: Timestamp(date: today.adding(days: -5), hour: 14))
        let screenedOn = Timestamp(date: today.adding(days: -20), hour: 11)
        var brother = Case(id: CaseID(number: 2), defector: defector(
            FullName(family: "Жуков", given: "Павел", patronymic: "Сергеевич"), FullName(family: "Zhukov", given: "Pavel", patronymic: "Sergeevich"),
            born: CalendarDate(year: 2001, month: 5, day: 9)!, in: "Псков", unit: "1-я гв. танковая армия",
            crossed: today.adding(days: -40), at: "Волчанск"), registeredBy: "oleh.m", registeredAt: Timestamp(date: today.adding(days: -30), hour: 10))
        brother = try Workflow.perform(.submitForScreening, on: brother, by: oleh, at: screenedOn)
        let late = Case(id: CaseID(number: 3), defector: defector(
            FullName(family: "Щербаков", given: "Владимир", patronymic: "Петрович"), FullName(family: "Shcherbakov", given: "Vladimir", patronymic: "Petrovich"),
            born: CalendarDate(year: 1988, month: 1, day: 19)!, in: "Курск", unit: "unknown",
            crossed: today.adding(days: -60), at: "Бахмут"), registeredBy: "oleh.m", registeredAt: Timestamp(date: today.adding(days: -45), hour: 16))
        return [namesake, brother, late]
    }

    /// A session of `user` on the home screen, as `haven` opens one: its role from the store's
    /// users, the reference data, and a clock stopped at 10:00 UTC on `day`.
    static func app(_ user: UserName, on day: CalendarDate, store: InMemoryCaseStore, reference: ReferenceData) -> HavenApp {
        let now = Timestamp(date: day, hour: 10)
        let context = SessionContext(user: user, today: day, storeDescription: "Training store in memory: the scenario walk",
                                     role: users.account(user)?.role ?? .auditor, clock: { now }, reference: reference)
        return HavenApp(root: HomeScreen(cases: store.summaries(), context: context),
                        context: context, store: store)
    }
}
