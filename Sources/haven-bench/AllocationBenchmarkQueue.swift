import HavenCore

/// A synthetic queue for the allocation benchmark: languages, occupations, preferences and
/// needs drawn the way the demo draws them, and about one case in ten in a family group of
/// 2-4 linked cases.
enum AllocationBenchmarkQueue {
    static func profiles(count: Int, countries: [HostCountry], occupations: OccupationCatalogue) -> [AllocationProfile] {
        var random = SeededGenerator(seed: 2026)
        let languages = Array(Set(countries.flatMap(\.languages))).sorted { $0.rawValue < $1.rawValue }
        let english = LanguageCode("en")!
        var profiles: [AllocationProfile] = []
        profiles.reserveCapacity(count)
        for number in 1...count {
            var profile = AllocationProfile(id: CaseID(number: number))
            let spoken = Int(random.next() % 3)
            for index in 0..<spoken {
                let language = index == 0 && random.next() % 2 == 0 ? english : languages[Int(random.next() % UInt64(languages.count))]
                profile.languages[language] = CEFRLevel.allCases[Int(random.next() % 4)]
            }
            let specialty = occupations.specialties[Int(random.next() % UInt64(occupations.specialties.count))]
            profile.occupations = Set(specialty.occupations)
            let choices = Int(random.next() % 4)
            var preferences: [CountryCode] = []
            while preferences.count < choices {
                let code = countries[Int(random.next() % UInt64(countries.count))].code
                if !preferences.contains(code) { preferences.append(code) }
            }
            profile.preferences = preferences
            profile.hasSpecialNeeds = random.next() % 12 == 0
            if random.next() % 25 == 0 {
                let country = countries[Int(random.next() % UInt64(countries.count))].code
                profile.relativesIn[country] = 1
            }
            profiles.append(profile)
        }
        // Family groups: about 10% of cases, in runs of 2 to 4 linked to each other.
        var index = 0
        var grouped = 0
        while grouped < count / 10, index < count - 4 {
            let size = 2 + Int(random.next() % 3)
            let ids = (index..<index + size).map { profiles[$0].id }
            for member in index..<index + size { profiles[member].linkedCases = Set(ids).subtracting([profiles[member].id]) }
            grouped += size
            index += size + Int(random.next() % 15)
        }
        return profiles
    }
}
