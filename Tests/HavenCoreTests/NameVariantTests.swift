import HavenCore
import Testing

/// One test case per real name: every recorded spelling meets the Cyrillic original, and the
/// ICAO spelling of the original meets it too.
@Suite("Names across scripts")
struct NameVariantTests {
    @Test("Every spelling of a name meets its Cyrillic original", arguments: NameMatchingKeyTests.variantGroups)
    func variantsMeet(group: [String]) {
        let original = NameMatchingKey(group[0])
        for variant in group.dropFirst() {
            #expect(NameMatchingKey(variant) == original, "\(variant) should meet \(group[0])")
        }
        #expect(NameMatchingKey(Transliteration.icao(group[0])) == original, "the ICAO spelling meets \(group[0])")
    }

    @Test("Names that differ keep different keys", arguments: [
        ("Иван", "Иванов"), ("Petrov", "Popov"), ("Юрий", "Юлия"), ("Сергей", "Сергеев"), ("Андрей", "Андреев"),
    ])
    func differentNamesStayApart(pair: (String, String)) {
        #expect(NameMatchingKey(pair.0) != NameMatchingKey(pair.1))
    }
}
