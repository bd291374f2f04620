import HavenCore
import XCTest

final class NameMatchingKeyTests: XCTestCase {
    /// Real Russian names, each with the spellings seen on documents and in Western records:
    /// ICAO/passport, English, German, French, Polish and Czech practice.
    static let variantGroups: [[String]] = [
        ["Владимир", "Vladimir", "Wladimir"],
        ["Юрий", "Yuri", "Yury", "Iouri", "Jurij", "Yuriy", "Iurii"],
        ["Алексей", "Aleksei", "Alexey", "Aleksey", "Alexei", "Aleksej"],
        ["Дмитрий", "Dmitry", "Dmitri", "Dmitriy", "Dmitrii", "Dmitrij"],
        ["Сергей", "Sergei", "Sergey", "Serguei", "Sergej"],
        ["Евгений", "Yevgeny", "Evgeny", "Evgenii", "Jewgeni", "Yevgeniy"],
        ["Михаил", "Mikhail", "Michail", "Mihail"],
        ["Николай", "Nikolai", "Nikolay", "Nikolaj"],
        ["Андрей", "Andrei", "Andrey", "Andrej"],
        ["Илья", "Ilya", "Ilia", "Ilja"],
        ["Артём", "Artyom", "Artem", "Artiom", "Artjom"],
        ["Фёдор", "Fyodor", "Fedor", "Fiodor", "Fjodor"],
        ["Пётр", "Pyotr", "Petr", "Piotr", "Pjotr"],
        ["Александр", "Aleksandr", "Alexander", "Alexandr", "Aleksander", "Alexandre"],
        ["Максим", "Maksim", "Maxim"],
        ["Вячеслав", "Vyacheslav", "Viacheslav", "Wjatscheslaw"],
        ["Валерий", "Valery", "Valeriy", "Valerii", "Valeri"],
        ["Анатолий", "Anatoly", "Anatolii", "Anatoliy"],
        ["Григорий", "Grigory", "Grigorii", "Grigoriy"],
        ["Наталья", "Natalya", "Natalia", "Nataliya"],
        ["Татьяна", "Tatyana", "Tatiana", "Tatjana"],
        ["Ксения", "Kseniya", "Ksenia", "Xenia"],
        ["Семён", "Semyon", "Semen", "Semjon"],
        ["Иванов", "Ivanov", "Iwanow", "Ivanoff"],
        ["Кузнецов", "Kuznetsov", "Kuznecov", "Kuznetzov"],
        ["Смирнов", "Smirnov", "Smirnoff", "Smirnow"],
        ["Соколов", "Sokolov", "Sokolow"],
        ["Попов", "Popov", "Popow", "Popoff"],
        ["Васильев", "Vasilyev", "Vasiliev", "Vasilev", "Wassiljew"],
        ["Фёдоров", "Fyodorov", "Fedorov", "Fjodorow"],
        ["Щербаков", "Shcherbakov", "Schtscherbakow", "Szczerbakow"],
        ["Жуков", "Zhukov", "Žukov", "Zhukow"],
        ["Хабибуллин", "Khabibullin", "Chabibullin", "Habibullin"],
        ["Чернов", "Chernov", "Tschernow", "Tchernov", "Černov"],
        ["Цыганов", "Tsyganov", "Cyganov"],
        ["Шевчук", "Shevchuk", "Schewtschuk", "Szewczuk"],
        ["Ольга", "Olga", "Ol'ga"],
        ["Сергеев", "Sergeyev", "Sergeev", "Sergejew"],
        ["Горбачёв", "Gorbachev", "Gorbatschow", "Gorbachyov"],
    ]

    func testEveryVariantMeetsItsCyrillicOriginal() {
        var pairs = 0
        for group in Self.variantGroups {
            let original = NameMatchingKey(group[0])
            for variant in group.dropFirst() {
                XCTAssertEqual(NameMatchingKey(variant), original, "\(variant) should meet \(group[0])")
                pairs += 1
            }
        }
        XCTAssertGreaterThanOrEqual(pairs, 30, "the brief asks for at least 30 real name pairs")
    }

    func testDifferentNamesStayApart() {
        let keys = Self.variantGroups.map { NameMatchingKey($0[0]) }
        XCTAssertEqual(Set(keys).count, keys.count, "distinct names must not share a key")
        XCTAssertNotEqual(NameMatchingKey("Иван"), NameMatchingKey("Иванов"))
        XCTAssertNotEqual(NameMatchingKey("Petrov"), NameMatchingKey("Popov"))
        XCTAssertNotEqual(NameMatchingKey("Юрий"), NameMatchingKey("Юлия"))
    }

    func testWordOrderCaseAndPunctuationDoNotMatter() {
        let key = NameMatchingKey("Иванов Юрий")
        XCTAssertEqual(NameMatchingKey("Yuri Ivanov"), key)
        XCTAssertEqual(NameMatchingKey("IVANOV, Iouri"), key)
        XCTAssertEqual(NameMatchingKey("  ivanov   yury "), key)
    }

    func testDefectorIsFoundUnderEverySpelling() {
        let defector = Defector(cyrillicName: FullName(family: "Жуков", given: "Артём"),
                                latinName: FullName(family: "Zhukov", given: "Artem"),
                                otherSpellings: ["Artjom Schukow"])
        XCTAssertTrue(defector.nameMatchingKeys.contains(NameMatchingKey("Artyom Zhukov")))
        XCTAssertTrue(defector.nameMatchingKeys.contains(NameMatchingKey("Artjom Schukow")))
        XCTAssertEqual(defector.nameMatchingKey, NameMatchingKey("Zhukov Artyom"))
    }
}
