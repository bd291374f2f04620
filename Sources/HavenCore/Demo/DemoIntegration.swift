/// Made-up courses, openings and integration records for the demo store: two courses and a
/// few openings per host country, and for cases in Integration enrolments (a waiting list
/// where a course fills), assessments over time, applications, jobs and their follow-ups.
public enum DemoIntegration {
    static let cities: [String: String] = [
        "GB": "Leeds", "IE": "Cork", "FR": "Lyon", "DE": "Leipzig", "NL": "Utrecht", "BE": "Gent", "LU": "Esch-sur-Alzette",
        "DK": "Aarhus", "SE": "Göteborg", "NO": "Bergen", "FI": "Tampere", "PL": "Wrocław", "CZ": "Brno", "SK": "Košice",
        "AT": "Graz", "IT": "Torino", "ES": "Valencia", "PT": "Porto", "CA": "Winnipeg", "US": "Pittsburgh",
    ]
    static let employers = ["Logistik Nord", "Baltic Freight", "Metallwerk", "Green Build", "City Transit", "Agro Coop",
                            "Harbour Services", "Wind Parts", "Care Homes Group", "Rail Maintenance"]
    /// Occupations with demand in the demo: drivers, mechanics, builders, welders, cooks, carers.
    static let occupations = ["8332", "7233", "7115", "7212", "5120", "5321", "8342", "7411", "8344", "3115"]

    static func city(_ code: CountryCode) -> String { cities[code.rawValue] ?? "Capital" }

    /// The courses: A2 and B1 in each country's main language; seats enough for about a third
    /// of the cases there in Integration, so waiting lists form.
    public static func courses(countries: [HostCountry], integrationCases: Int) -> [LanguageCourse] {
        let seats = max(3, integrationCases / max(1, countries.count) / 3)
        return countries.flatMap { country -> [LanguageCourse] in
            guard let language = country.languages.first else { return [] }
            return [CEFRLevel.a2, .b1].map { level in
                LanguageCourse(id: "\(country.code.rawValue.lowercased())-\(language)-\(level.rawValue.lowercased())",
                               provider: "\(city(country.code)) Language Centre", language: language, targetLevel: level,
                               country: country.code, city: city(country.code),
                               schedule: level == .a2 ? "Mon-Fri 9:00-13:00, 20 weeks" : "Mon-Thu 17:30-20:30, 24 weeks", capacity: seats)
            }
        }
    }

    /// Three openings per country.
    public static func openings(countries: [HostCountry], today: CalendarDate) -> [JobOpening] {
        countries.enumerated().flatMap { index, country -> [JobOpening] in
            (0..<3).map { n in
                let occupation = ISCOCode(occupations[(index * 3 + n) % occupations.count])!
                let language = country.languages.first.map { [LanguageRequirement(language: $0, minimum: n == 0 ? .a2 : .b1)] } ?? []
                return JobOpening(id: "\(country.code.rawValue.lowercased())-\(occupation)-\(n + 1)", employer: employers[(index + n) % employers.count],
                                  country: country.code, city: city(country.code), occupation: occupation, languages: language,
                                  startDate: today.adding(days: 14 + 7 * n), places: 2 + n)
            }
        }
    }

    /// Integration records for the cases in Integration (and their arrival), within the
    /// courses' seats and the openings' places.
    public static func fill(_ records: inout [Case], courses: [LanguageCourse], openings: [JobOpening], today: CalendarDate) {
        var seatsTaken: [String: Int] = [:], placesTaken: [String: Int] = [:]
        for index in records.indices where records[index].stage == .integration {
            var random = SeededGenerator(seed: UInt64(records[index].id.number) &* 7919)
            var record = records[index]
            guard let country = record.allocatedCountry, let arrived = record.relocation.arrivalDate else { continue }
            let local = courses.filter { $0.country == country }
            let days = max(1, arrived.days(until: today))
            // Enrolled (or waiting) in the A2 course a few days after arriving.
            if let course = local.first, random.next() % 5 != 0 {
                let requested = arrived.adding(days: min(days - 1, 3))
                let seat = seatsTaken[course.id, default: 0] < course.capacity
                if seat { seatsTaken[course.id, default: 0] += 1 }
                let hours = seat ? min(400, days / 7 * 20) : 0
                record.integration.enrolments.append(CourseEnrolment(courseID: course.id, requestedOn: requested,
                                                                     status: seat ? (hours >= 400 ? .completed : .enrolled) : .waiting,
                                                                     since: requested, hoursAttended: hours))
                if hours >= 400 { seatsTaken[course.id, default: 0] -= 1 }
                // Assessed on arrival and every three months while in the course.
                if seat {
                    let language = course.language
                    var level = CEFRLevel.a1
                    var date = requested
                    while date <= today {
                        record.integration.assessments.append(LanguageAssessment(language: language, level: level, assessedOn: date,
                                                                                 assessor: record.assignedTo?.rawValue ?? "", basis: "placement test"))
                        date = date.adding(months: 3)
                        if level < .b2, random.next() % 3 != 0 { level = CEFRLevel.allCases[level.rank] }
                    }
                }
            }
            // Some have applied for a job, and some of those have one, with follow-ups done
            // while they were due.
            let localOpenings = openings.filter { $0.country == country }
            if days > 60, let opening = localOpenings.isEmpty ? nil : localOpenings[Int(random.next() % UInt64(localOpenings.count))],
               random.next() % 2 == 0 {
                if placesTaken[opening.id, default: 0] < opening.places, random.next() % 2 == 0 {
                    placesTaken[opening.id, default: 0] += 1
                    let start = arrived.adding(days: 30 + Int(random.next() % UInt64(max(1, days - 30))))
                    var job = JobPlacement(openingID: opening.id, employer: opening.employer, occupation: opening.occupation, startDate: start,
                                           monthlyWage: Money(minorUnits: Int64(180_000 + random.next() % 120_000), currency: "EUR"),
                                           contract: [ContractType.permanent, .fixedTerm, .apprenticeship][Int(random.next() % 3)])
                    while let next = job.nextFollowUp, next.due.adding(days: 7) <= today, random.next() % 8 != 0 {
                        job.followUps.append(FollowUp(monthsAfterStart: next.months, doneOn: next.due.adding(days: Int(random.next() % 7)),
                                                      stillEmployed: true))
                    }
                    record.integration.placements.append(job)
                    record.integration.applications.append(JobApplication(openingID: opening.id, status: .offer, date: start))
                } else {
                    let status = [ApplicationStatus.applied, .interview, .rejected][Int(random.next() % 3)]
                    record.integration.applications.append(JobApplication(openingID: opening.id, status: status, date: today.adding(days: -Int(random.next() % 20))))
                }
            }
            records[index] = record
        }
    }
}
