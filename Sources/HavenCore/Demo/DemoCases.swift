/// SplitMix64: a small, fast, seedable generator, so a demo store is the same on every run.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Made-up cases for demonstrations and benchmarks: plausible Russian names in both scripts,
/// spread over every stage. No real person's data.
public enum DemoCases {
    static let familyNames = [
        "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
        "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
        "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
        "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв",
        "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
        "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев",
        "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев",
        "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков", "Миронов",
        "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов", "Тихонов",
        "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов",
        "Мартынов", "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Чернышёв",
        "Быков", "Маслов", "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов",
        "Пономарёв", "Голубев", "Кудрявцев", "Прохоров", "Наумов", "Потапов", "Журавлёв", "Овчинников",
        "Хабибуллин", "Галиев", "Цыганов", "Шевчук", "Бадмаев", "Доржиев",
    ]
    static let givenNames = [
        "Александр", "Алексей", "Андрей", "Артём", "Владимир", "Дмитрий", "Евгений", "Иван",
        "Игорь", "Илья", "Кирилл", "Константин", "Максим", "Михаил", "Никита", "Николай",
        "Павел", "Роман", "Сергей", "Юрий", "Денис", "Антон", "Виктор", "Олег", "Вадим",
        "Руслан", "Егор", "Даниил", "Григорий", "Фёдор", "Пётр", "Семён", "Вячеслав", "Валерий",
        "Анатолий", "Тимур", "Ринат", "Баир", "Степан", "Георгий",
    ]
    static let fatherNames = [
        "Александр", "Алексей", "Андрей", "Владимир", "Дмитрий", "Евгений", "Иван", "Игорь",
        "Михаил", "Николай", "Павел", "Сергей", "Юрий", "Виктор", "Олег", "Пётр", "Василий",
        "Анатолий", "Геннадий", "Валерий",
    ]
    static let places = [
        "Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Нижний Новгород",
        "Челябинск", "Самара", "Омск", "Ростов-на-Дону", "Уфа", "Красноярск", "Воронеж", "Пермь",
        "Волгоград", "Улан-Удэ", "Чита", "Иркутск", "Барнаул", "Владивосток", "Мурманск", "Псков",
    ]
    static let units = [
        "4-я гв. танковая дивизия", "2-я гв. мотострелковая дивизия", "76-я гв. десантно-штурмовая дивизия",
        "155-я бригада морской пехоты", "64-я мотострелковая бригада", "36-я общевойсковая армия",
        "150-я мотострелковая дивизия", "1-я гв. танковая армия", "20-я гв. общевойсковая армия",
        "37-я мотострелковая бригада", "45-я бригада спецназа", "Черноморский флот",
    ]
    static let specialties = [
        "tank-driver-mechanic", "tank-gunner", "motor-rifleman", "military-driver", "vehicle-mechanic",
        "signaller", "combat-medic", "military-cook", "combat-engineer", "artillery-gunner",
        "drone-operator", "radar-operator", "aircraft-technician", "helicopter-pilot", "sapper",
    ]
    /// The made-up supervisor who approves the demo's decisions and allocations.
    public static let supervisor: UserName = "maria.s"
    /// The made-up caseworkers the demo's cases are assigned to.
    public static let caseworkers: [UserName] = ["anna.k", "oleh.m", "pieter.v", "sara.l", "tomasz.w"]

    /// Makes `count` cases numbered from 1, registered over the two years before `today`.
    /// With `occupations`, each man's specialty also gives him skills with their ISCO-08 codes.
    public static func generate(count: Int, today: CalendarDate, countries: [CountryCode], seed: UInt64 = 2022,
                                occupations: OccupationCatalogue? = nil) -> [Case] {
        var random = SeededGenerator(seed: seed)
        return (1...max(1, count)).prefix(count).map { number in
            var record = makeCase(number: number, today: today, countries: countries, random: &random)
            DemoFamily.fill(&record, number: number, today: today, policy: .standard)
            DemoAppointments.fill(&record, number: number, today: today)
            if let occupations, let specialty = record.defector.service.specialty {
                record.defector.skills = occupations.suggestedOccupations(for: specialty).prefix(2).map {
                    Skill(occupation: $0.code, description: $0.title, years: 1 + Int(random.next() % 8))
                }
            }
            return record
        }
    }

    static func pick<T>(_ items: [T], _ random: inout SeededGenerator) -> T {
        items[Int(random.next() % UInt64(items.count))]
    }

    static func makeCase(number: Int, today: CalendarDate, countries: [CountryCode], random: inout SeededGenerator) -> Case {
        let family = pick(familyNames, &random)
        let given = pick(givenNames, &random)
        let father = pick(fatherNames, &random)
        let patronymic = patronymicOf(father)
        let cyrillic = FullName(family: family, given: given, patronymic: patronymic)
        let latin = FullName(family: Transliteration.icao(family), given: Transliteration.icao(given),
                             patronymic: Transliteration.icao(patronymic))
        let registered = today.adding(days: -Int(random.next() % 700) - 1)
        let birth = registered.adding(days: -(19 * 365 + Int(random.next() % (25 * 365))))
        let crossingDate = registered.adding(days: -Int(random.next() % 60))
        let method = pick(CrossingMethod.allCases, &random)
        var defector = Defector(
            cyrillicName: cyrillic, latinName: latin, birthDate: birth, birthPlace: pick(places, &random),
            service: MilitaryService(branch: pick([.groundForces, .groundForces, .airborne, .navalInfantry, .mobilisedReserve], &random),
                                     rank: pick([.private, .private, .efreitor, .juniorSergeant, .sergeant, .lieutenant], &random),
                                     unit: pick(units, &random), specialty: pick(specialties, &random)),
            crossing: Crossing(method: method, date: crossingDate, place: pick(["Купянск", "Авдеевка", "Бахмут", "Херсон", "Часов Яр"], &random),
                               thirdCountry: method == .reachedThirdCountry ? CountryCode("GE") : nil),
            languages: [LanguageSkill(language: LanguageCode("ru")!, level: .c2, isNative: true)]
                + (random.next() % 3 == 0 ? [LanguageSkill(language: LanguageCode("en")!, level: pick([.a1, .a2, .b1, .b2], &random))] : []))
        if method == .defectedWithEquipment {
            defector.equipment = [EquipmentHandover(kind: pick([.tank, .infantryFightingVehicle, .drone, .truck], &random),
                                                    identifier: "\(100 + random.next() % 900)",
                                                    reward: Money(minorUnits: 1_000_000, currency: "USD"))]
        }
        let caseworker = pick(caseworkers, &random)
        let registeredAt = Timestamp(date: registered, hour: 9 + Int(random.next() % 8))
        var record = Case(id: CaseID(number: number), defector: defector, registeredBy: caseworker, registeredAt: registeredAt)
        record.family = makeFamily(of: cyrillic, registered: registered, random: &random)
        // Health needs for one case in twelve, from the case number as the preferences below
        // (issue 26: they take a place with medical support where a country limits those).
        if number % 12 == 5 {
            record.defector.healthNeeds = ["Осколочное ранение бедра, нужна физиотерапия (shrapnel wound, physiotherapy)",
                                           "Контузия, головные боли (concussion, headaches)",
                                           "Сахарный диабет 1 типа, инсулин (type 1 diabetes, insulin)"][number % 3]
        }
        // Stated preferences for two cases in three, from the case number (the random stream
        // stays as it was, so earlier demo stores are reproduced).
        if number % 3 != 0, countries.count > 1 {
            record.defector.preferredCountries = [countries[(number * 7) % countries.count], countries[(number * 13 + 3) % countries.count]]
                .reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        }

        // Walk the case forward through the stages; each step a little later than the last.
        let reach = pick(CaseStage.allCases + [.screening, .decision, .allocation, .integration], &random)
        var time = registeredAt
        func advance(_ stage: CaseStage, _ transition: TransitionName, by user: UserName) {
            time = Timestamp(secondsSinceEpoch: min(time.secondsSinceEpoch + Int64(1 + random.next() % 20) * 86_400,
                                                    Timestamp(date: today).secondsSinceEpoch))
            record.stage = stage
            record.stageHistory.append(StageChange(stage: stage, at: time, by: user, transition: transition))
        }
        let supervisor = Self.supervisor
        if reach >= .screening { advance(.screening, .submitForScreening, by: caseworker) }
        if reach >= .decision {
            for kind in ScreeningCheckKind.allCases {
                record.screening.append(ScreeningCheck(kind: kind, outcome: .cleared, date: time.date, recordedBy: caseworker,
                                                       documentsSeen: kind == .identity ? ["military ID"] : [],
                                                       exclusion: kind == .exclusion ? ExclusionAssessment(
                                                           clause: .a, findings: ExclusionStep.allCases.map {
                                                               ExclusionStepFinding(step: $0, pointsToExclusion: false, reasoning: "No evidence.")
                                                           }, conclusion: .notExcluded) : nil))
            }
            advance(.decision, .completeScreening, by: caseworker)
            record.decision = DecisionProposal(outcome: .grant, reasons: "Credible account; screening clear.",
                                               proposedBy: caseworker, proposedAt: time)
        }
        if reach >= .allocation, reach != .closed {
            record.decision?.review = Review(verdict: .approved, by: supervisor, at: time)
            advance(.allocation, .approveGrant, by: supervisor)
            // Half the cases still in Allocation wait for the batch; the rest have a proposal.
            if !countries.isEmpty, reach > .allocation || number % 2 == 0 {
                record.allocation = AllocationProposal(country: pick(countries, &random), proposedBy: caseworker, proposedAt: time)
                // The kinds of place it takes, as a proposal records them (issue 26).
                let places = PlaceKind.needed(by: record)
                record.allocation?.places = places.isEmpty ? nil : places
            }
        }
        if reach >= .relocation, reach != .closed, record.allocation != nil {
            record.allocation?.review = Review(verdict: .approved, by: supervisor, at: time)
            advance(.relocation, .approveAllocation, by: supervisor)
        }
        if reach >= .integration, reach != .closed, record.allocation != nil {
            // Whole, as the travel form asks it (a correction of one field must not fail on the others).
            record.relocation = Relocation(travelDate: time.date, departureDate: time.date, arrivalDate: time.date,
                                           receptionPlace: "Reception centre", metBy: "The host country's reception team")
            advance(.integration, .confirmArrival, by: caseworker)
        }
        if reach == .closed {
            record.closure = Closure(reason: .withdrawn, details: "Withdrew the claim.")
            advance(.closed, .close, by: supervisor)
        }
        return record
    }

    static let womensNames = ["Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Юлия", "Ксения"]
    static let childrensNames: [(String, Relationship)] = [
        ("Алиса", .daughter), ("София", .daughter), ("Дарья", .daughter), ("Михаил", .son), ("Артём", .son), ("Матвей", .son),
    ]

    /// A wife (half the men), children (some), a mother (a third): the family left behind.
    static func makeFamily(of person: FullName, registered: CalendarDate, random: inout SeededGenerator) -> [FamilyMember] {
        var family: [FamilyMember] = []
        // Иванов → Иванова, Ильин → Ильина; other surnames do not change.
        let surname = ["ов", "ев", "ёв", "ин", "ын"].contains { person.family.hasSuffix($0) } ? person.family + "а" : person.family
        func member(_ relationship: Relationship, _ given: String, born: CalendarDate, family name: String) -> FamilyMember {
            let cyrillic = FullName(family: name, given: given)
            let whereabouts = pick([Whereabouts.russia, .russia, .russia, .belarus, .occupiedUkraine, .thirdCountry], &random)
            let safe = random.next() % 3 == 0
            return FamilyMember(
                id: family.count + 1, relationship: relationship, cyrillicName: cyrillic,
                latinName: FullName(family: Transliteration.icao(name), given: Transliteration.icao(given)), birthDate: born,
                whereabouts: whereabouts, country: whereabouts == .thirdCountry ? CountryCode("GE") : nil,
                risk: pick([.low, .medium, .high, .high], &random), contactIsSafe: safe,
                contactChannel: safe ? pick(["Signal via a cousin", "Telegram, rarely", "through the church"], &random) : "",
                stage: pick([.notStarted, .notStarted, .applicationFiled, .documentsGathered, .interview, .visaGranted], &random),
                stageDate: safe ? registered : nil)
        }
        if random.next() % 2 == 0 {
            family.append(member(.spouse, pick(womensNames, &random), born: registered.adding(days: -(20 * 365 + Int(random.next() % 5000))), family: surname))
            for _ in 0..<Int(random.next() % 3) {
                let child = pick(childrensNames, &random)
                let name = child.1 == .son ? person.family : surname
                family.append(member(child.1, child.0, born: registered.adding(days: -Int(random.next() % 5000) - 30), family: name))
            }
        }
        if random.next() % 3 == 0 {
            family.append(member(.mother, pick(womensNames, &random), born: registered.adding(days: -(45 * 365 + Int(random.next() % 7000))), family: surname))
        }
        return family
    }

    /// The patronymic of a son of `father`: Иван → Иванович, Юрий → Юрьевич, Дмитрий →
    /// Дмитриевич (-ий after two consonants keeps its и), Игорь → Игоревич, Илья → Ильич.
    public static func patronymicOf(_ father: String) -> String {
        let special = ["Илья": "Ильич", "Пётр": "Петрович", "Лев": "Львович", "Павел": "Павлович", "Михаил": "Михайлович"]
        if let known = special[father] { return known }
        if father.hasSuffix("ий") {
            let stem = father.dropLast(2)
            let vowels = Set("аеёиоуыэюя")
            let letters = Array(stem.lowercased())
            let afterConsonants = letters.count >= 2 && !vowels.contains(letters[letters.count - 1])
                && !vowels.contains(letters[letters.count - 2])
            return stem + (afterConsonants ? "иевич" : "ьевич")
        }
        if father.hasSuffix("й") || father.hasSuffix("ь") { return father.dropLast() + "евич" }
        return father + "ович"
    }
}
