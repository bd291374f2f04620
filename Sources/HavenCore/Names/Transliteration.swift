/// Cyrillic to Latin transliteration by ICAO Doc 9303 (7th edition, 2015), the table used in
/// the machine-readable zone of Russian international passports since 2013.
///
/// Haven suggests the Latin spelling of a name from its Cyrillic form with this table because
/// it is the spelling on the documents caseworkers see at screening. Caseworkers may keep any
/// other spelling the person uses; the `NameMatchingKey` makes the variants meet.
public enum Transliteration {
    /// ICAO Doc 9303 mapping for Russian, plus the Ukrainian and Belarusian letters of its table.
    /// Lower-case keys; capitalisation is handled by `icao(_:)`.
    static let icaoTable: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu",
        "я": "ia",
        // Ukrainian and Belarusian letters in the same ICAO table.
        "ґ": "g", "є": "ie", "і": "i", "ї": "i", "ў": "u",
    ]

    /// Transliterates Cyrillic letters by ICAO Doc 9303, leaving everything else as it is.
    ///
    /// An upper-case letter gives a capitalised digraph ("Ж" → "Zh"), or an all-capital one
    /// when the next letter is upper case too ("ЖУКОВ" → "ZHUKOV").
    public static func icao(_ text: String) -> String {
        let characters = Array(text)
        var result = ""
        result.reserveCapacity(characters.count * 2)
        for (index, character) in characters.enumerated() {
            let lower = Character(character.lowercased())
            guard let latin = icaoTable[lower] else {
                result.append(character)
                continue
            }
            guard character != lower, let first = latin.first else {
                result += latin
                continue
            }
            let nextIsUpper = index + 1 < characters.count
                && characters[index + 1].isUppercase
            let previousIsUpper = index > 0 && characters[index - 1].isUppercase
            if nextIsUpper || (previousIsUpper && index + 1 == characters.count) {
                result += latin.uppercased()
            } else {
                result += first.uppercased() + latin.dropFirst()
            }
        }
        return result
    }

    /// True when the text contains at least one Cyrillic letter.
    public static func containsCyrillic(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isCyrillic)
    }

    static func isCyrillic(_ scalar: Unicode.Scalar) -> Bool {
        (0x0400...0x04FF).contains(scalar.value) || (0x0500...0x052F).contains(scalar.value)
    }
}
