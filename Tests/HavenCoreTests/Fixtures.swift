import HavenCore

/// Cases and people the tests share, built the way a caseworker would fill them in.
enum Fixtures {
    static let today = CalendarDate(year: 2026, month: 11, day: 24)!
    static let now = Timestamp(date: today, hour: 10)
    static let anna = Actor(user: "anna.k", role: .caseworker)
    static let oleh = Actor(user: "oleh.m", role: .caseworker)
    static let maria = Actor(user: "maria.s", role: .supervisor)
    static let pieter = Actor(user: "pieter.v", role: .supervisor)
    static let admin = Actor(user: "root", role: .administrator)
    static let auditor = Actor(user: "audit.e", role: .auditor)

    /// A complete, valid intake record.
    static func defector() -> Defector {
        Defector(
            cyrillicName: FullName(family: "Жуков", given: "Артём", patronymic: "Сергеевич"),
            latinName: FullName(family: "Zhukov", given: "Artem", patronymic: "Sergeevich"),
            birthDate: CalendarDate(year: 1998, month: 3, day: 14), birthPlace: "Псков",
            service: MilitaryService(branch: .groundForces, rank: .sergeant, unit: "4-я гв. танковая дивизия",
                                     specialty: "tank-driver-mechanic"),
            crossing: Crossing(method: .defectedWithEquipment, date: CalendarDate(year: 2026, month: 9, day: 2), place: "Купянск"),
            custody: .ukrainianPrisonerOfWar,
            equipment: [EquipmentHandover(kind: .tank, identifier: "T-72B3 №214", reward: Money(minorUnits: 1_000_000, currency: "USD"))],
            languages: [LanguageSkill(language: LanguageCode("ru")!, level: .c2, isNative: true),
                        LanguageSkill(language: LanguageCode("en")!, level: .a2)],
            skills: [Skill(occupation: ISCOCode("7233"), description: "Diesel engine repair", years: 4)])
    }

    static func newCase(assignedTo actor: Actor = anna) -> Case {
        Case(id: CaseID(number: 1), defector: defector(), registeredBy: actor.user, registeredAt: now)
    }

    /// The four screening checks, all cleared, recorded by `actor`.
    static func clearedScreening(by actor: Actor) -> [ScreeningCheck] {
        ScreeningCheckKind.allCases.map { kind in
            ScreeningCheck(kind: kind, outcome: .cleared, date: today, recordedBy: actor.user,
                           documentsSeen: kind == .identity ? ["military ID", "internal passport"] : [],
                           exclusion: kind == .exclusion ? ExclusionAssessment(
                               clause: .a,
                               findings: ExclusionStep.allCases.map {
                                   ExclusionStepFinding(step: $0, pointsToExclusion: false, reasoning: "No evidence of involvement.")
                               },
                               conclusion: .notExcluded) : nil)
        }
    }

    /// A case moved as far as `stage` by the proper people, through the workflow itself.
    static func caseIn(_ stage: CaseStage) throws -> Case {
        var record = newCase()
        if stage == .intake { return record }
        record = try Workflow.perform(.submitForScreening, on: record, by: anna, at: now)
        if stage == .screening { return record }
        record.screening = clearedScreening(by: anna)
        record = try Workflow.perform(.completeScreening, on: record, by: anna, at: now)
        if stage == .decision { return record }
        record = try Workflow.proposeDecision(.grant, reasons: "Credible account.", on: record, by: anna, at: now)
        record = try Workflow.perform(.approveGrant, on: record, by: maria, at: now)
        if stage == .allocation { return record }
        record.allocation = AllocationProposal(country: CountryCode("GB")!, proposedBy: anna.user, proposedAt: now)
        record = try Workflow.perform(.approveAllocation, on: record, by: maria, at: now)
        if stage == .relocation { return record }
        record.relocation.arrivalDate = today
        record = try Workflow.perform(.confirmArrival, on: record, by: anna, at: now)
        if stage == .integration { return record }
        return try Workflow.perform(.close, on: record, by: maria, at: now, closure: Closure(reason: .integrated))
    }
}
