import HavenCore
import XCTest

final class TransliterationTests: XCTestCase {
    /// ICAO Doc 9303 spellings, as printed in the machine-readable zone of Russian passports.
    func testICAOSpellings() {
        let pairs: [(String, String)] = [
            ("Владимир", "Vladimir"), ("Юрий", "Iurii"), ("Алексей", "Aleksei"), ("Дмитрий", "Dmitrii"),
            ("Евгений", "Evgenii"), ("Михаил", "Mikhail"), ("Артём", "Artem"), ("Фёдор", "Fedor"),
            ("Щербаков", "Shcherbakov"), ("Жуков", "Zhukov"), ("Хабибуллин", "Khabibullin"),
            ("Цыганов", "Tsyganov"), ("Чернышёв", "Chernyshev"), ("Татьяна", "Tatiana"),
            ("Подъячев", "Podieiachev"),
            ("Эдуард", "Eduard"), ("Ильич", "Ilich"), ("Юлия", "Iuliia"),
        ]
        for (cyrillic, latin) in pairs {
            XCTAssertEqual(Transliteration.icao(cyrillic), latin, cyrillic)
        }
    }

    func testCapitalsFollowTheSource() {
        XCTAssertEqual(Transliteration.icao("ЖУКОВ"), "ZHUKOV")
        XCTAssertEqual(Transliteration.icao("Жуков Щ"), "Zhukov Shch")
        XCTAssertEqual(Transliteration.icao("ЮРИЙ ИВАНОВИЧ"), "IURII IVANOVICH")
    }

    func testNonCyrillicIsLeftAlone() {
        XCTAssertEqual(Transliteration.icao("Ivanov-Петров 3"), "Ivanov-Petrov 3")
        XCTAssertTrue(Transliteration.containsCyrillic("Ivanov Юрий"))
        XCTAssertFalse(Transliteration.containsCyrillic("Ivanov Iurii"))
    }

    func testUkrainianAndBelarusianLetters() {
        XCTAssertEqual(Transliteration.icao("Ґалі Єва Ївга Ўладзімір"), "Gali Ieva Ivga Uladzimir")
    }
}
