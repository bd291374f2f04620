import Foundation

/// A key under which the spellings of one Russian name meet, whatever the script or the
/// transliteration: Владимир, Vladimir and Wladimir; Юрий, Yuri, Yury and Iouri.
///
/// It drives duplicate detection at intake, so it errs towards merging: two different names
/// that share a key (Чернов and Хернов both give `hernov`) cost a caseworker one glance at a
/// "possible duplicate"; two spellings of one person that do not meet cost a second case for
/// the same man. The key is built in steps:
///
/// 1. lower case; Cyrillic letters are spelt out in Latin (English-style digraphs), Latin
///    letters with diacritics are folded (`š` → `sh`, `ł` → `l`, `é` → `e`); apostrophes and
///    soft and hard signs vanish;
/// 2. the digraphs of English, German, French, Polish and Czech practice are brought to one
///    spelling (`schtsch`, `szcz`, `shch` → `sh`; `tsch`, `tch`, `cz` → `ch`; `kh`, `ch` →
///    `h`; `w` → `v`; `x` → `ks`; `j`, `y` → `i`; `ou` → `u`; `ts`, `tz` → `c`);
/// 3. the vowels that transliterations disagree on are brought together: `io` after a
///    consonant (ё) → `e`; `ie` at the start or after a vowel (е as "ye") → `e`; `i` between a
///    consonant and a vowel (ь, я, ю as "ya", "ia", "ja") is dropped; doubled letters are
///    single; word-final `-ev`/`-ov` and `-f`/`-v` (Ivanoff, Iwanow) meet;
/// 4. the words are sorted, so "Иванов Иван" and "Ivan Ivanov" meet.
public struct NameMatchingKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// The key of a whole name: any number of words, in any order and either script.
    public init(_ name: String) {
        rawValue = NameMatchingKey.wordKeys(of: name).sorted().joined(separator: " ")
    }

    /// The key of each word of `name`, in order (empty keys left out); for prefix search.
    public static func wordKeys(of name: String) -> [String] {
        words(of: name).map(wordKey).filter { !$0.isEmpty }
    }

    public var description: String { rawValue }
    public static func < (a: NameMatchingKey, b: NameMatchingKey) -> Bool { a.rawValue < b.rawValue }

    static let apostrophes: Set<Unicode.Scalar> = ["'", "’", "ʼ", "ʹ", "`", "´"]

    /// Words of a name: split at spaces, hyphens and punctuation; apostrophes (Ol'ga) stay
    /// inside a word (its key leaves them out). Scalars, not Characters: the index of 120,000
    /// names is split here, and ASCII and Cyrillic letters need no Unicode property lookup.
    static func words(of name: String) -> [Substring] {
        var words: [Substring] = []
        var start: String.Index?
        let scalars = name.unicodeScalars
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let value = scalar.value
            let inWord: Bool
            if value < 128 {
                inWord = (65...90).contains(value) || (97...122).contains(value) || (48...57).contains(value) || value == 39 || value == 96
            } else if (0x400...0x4FF).contains(value) {
                inWord = true
            } else {
                let properties = scalar.properties
                inWord = properties.isAlphabetic || properties.numericType != nil || apostrophes.contains(scalar)
                    || properties.generalCategory == .nonspacingMark || properties.generalCategory == .spacingMark
            }
            if inWord {
                if start == nil { start = index }
            } else if let begun = start {
                words.append(name[begun..<index])
                start = nil
            }
            index = scalars.index(after: index)
        }
        if let begun = start { words.append(name[begun..<name.endIndex]) }
        return words
    }

    /// Cyrillic letters spelt the way an English-speaking clerk would; the rewrite rules then
    /// treat them like any Latin spelling.
    static let cyrillicSpelling: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", "ґ": "g", "є": "ye", "і": "i", "ї": "yi", "ў": "u",
    ]

    /// Latin letters whose diacritic carries a sound the digraph rules know.
    static let latinSpelling: [Character: String] = [
        "š": "sh", "ž": "zh", "č": "ch", "ć": "ch", "ś": "s", "ź": "z", "ż": "zh", "ł": "l",
        "ø": "o", "ß": "ss", "ñ": "n", "ŭ": "u",
    ]

    /// Step 2: ordered rewrites; earlier rules see the text before later ones.
    static let digraphRules: [(String, String)] = [
        ("szcz", "sh"), ("schtsch", "sh"), ("shch", "sh"),
        ("tsch", "ch"), ("tch", "ch"), ("sch", "sh"), ("sz", "sh"), ("cz", "ch"),
        ("kh", "h"), ("ch", "h"), ("zh", "z"),
        ("x", "ks"), ("w", "v"), ("ph", "f"), ("ck", "k"), ("q", "k"),
        ("tz", "c"), ("ts", "c"),
        ("j", "i"), ("y", "i"), ("ou", "u"), ("gue", "ge"), ("gui", "gi"),
    ]

    /// The digraph rules as bytes, for speed: the index of 120,000 names is built from these.
    static let digraphByteRules: [([UInt8], [UInt8])] = digraphRules.map { (Array($0.0.utf8), Array($0.1.utf8)) }

    static let cyrillicBytes: [Unicode.Scalar: [UInt8]] = Dictionary(uniqueKeysWithValues: cyrillicSpelling.map {
        ($0.key.unicodeScalars.first!, Array($0.value.utf8))
    })
    static let latinBytes: [Unicode.Scalar: [UInt8]] = Dictionary(uniqueKeysWithValues: latinSpelling.map {
        ($0.key.unicodeScalars.first!, Array($0.value.utf8))
    })

    static func wordKey<Text: StringProtocol>(_ word: Text) -> String {
        String(decoding: wordKeyBytes(word), as: UTF8.self)
    }

    /// Cyrillic а-я, ё and the other letters of U+0400-U+045F, upper and lower case, spelt
    /// by table: the common case of the index costs an array lookup a letter.
    static let cyrillicTable: [[UInt8]?] = (0x400..<0x460).map { value -> [UInt8]? in
        guard let scalar = Unicode.Scalar(UInt32(value)) else { return nil }
        let lower = scalar.properties.lowercaseMapping.unicodeScalars.first ?? scalar
        return cyrillicBytes[lower]
    }

    /// The key of one word as ASCII bytes.
    static func wordKeyBytes<Text: StringProtocol>(_ word: Text) -> [UInt8] {
        // Spell the word in lower-case ASCII: Cyrillic and known diacritics by table, other
        // accented letters folded (the rare slow path), anything else dropped.
        var letters: [UInt8] = []
        letters.reserveCapacity(word.utf8.count)
        for scalar in word.unicodeScalars {
            let value = scalar.value
            if value < 128 {
                if (65...90).contains(value) { letters.append(UInt8(value + 32)) }
                else if (97...122).contains(value) { letters.append(UInt8(value)) }
                continue
            }
            if (0x400..<0x460).contains(value), let spelled = cyrillicTable[Int(value) - 0x400] {
                letters += spelled
            } else if let spelled = cyrillicBytes[scalar] ?? latinBytes[scalar] {
                letters += spelled
            } else if let lower = scalar.properties.lowercaseMapping.unicodeScalars.first,
                      let spelled = cyrillicBytes[lower] ?? latinBytes[lower] {
                letters += spelled
            } else {
                let folded = String(scalar).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
                letters += folded.utf8.filter { (97...122).contains($0) }
            }
        }
        for (from, to) in digraphByteRules {
            letters = replace(from, with: to, in: letters)
        }
        letters = collapseDoubles(letters)
        letters = alignVowels(letters)
        letters = collapseDoubles(letters)
        letters = alignEndings(letters)
        return letters
    }

    static func isVowel(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "a") || c == UInt8(ascii: "e") || c == UInt8(ascii: "i") || c == UInt8(ascii: "o") || c == UInt8(ascii: "u")
    }

    static func replace(_ pattern: [UInt8], with replacement: [UInt8], in text: [UInt8]) -> [UInt8] {
        guard text.count >= pattern.count, let first = pattern.first, text.contains(first) else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(text.count + 4)
        var i = 0
        while i < text.count {
            if i + pattern.count <= text.count, text[i] == first, text[i..<(i + pattern.count)].elementsEqual(pattern) {
                result += replacement
                i += pattern.count
            } else {
                result.append(text[i])
                i += 1
            }
        }
        return result
    }

    static func collapseDoubles(_ text: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(text.count)
        for c in text where result.last != c { result.append(c) }
        return result
    }

    /// Step 3: ё, е and the soft vowels, spelt in many ways, brought to one.
    static func alignVowels(_ text: [UInt8]) -> [UInt8] {
        let i_ = UInt8(ascii: "i"), e_ = UInt8(ascii: "e"), o_ = UInt8(ascii: "o")
        var result: [UInt8] = []
        result.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            let c = text[i]
            let next: UInt8? = i + 1 < text.count ? text[i + 1] : nil
            let previous = result.last
            if c == i_, let next, let previous, !isVowel(previous), next == o_ {
                // ё after a consonant: Fyodor, Fiodor, Fjodor and Fedor meet.
                result.append(e_)
                i += 2
            } else if c == i_, next == e_, previous == nil || isVowel(previous!) {
                // е spelt "ye": Yevgeny and Evgeny, Sergeyev and Sergeev meet.
                result.append(e_)
                i += 2
            } else if c == i_, let next, isVowel(next), next != i_, let previous, !isVowel(previous) {
                // soft sign or soft vowel after a consonant: Natalya, Natalia and Наталья meet.
                i += 1
            } else {
                result.append(c)
                i += 1
            }
        }
        return result
    }

    /// Step 3, word endings: Ivanoff and Iwanow; Vasilyev and Vasilev; Alexander and Aleksandr.
    static func alignEndings(_ text: [UInt8]) -> [UInt8] {
        var word = text
        for (from, to) in [("ev", "ov"), ("eva", "ova"), ("der", "dr"), ("dre", "dr")] {
            let suffix = Array(from.utf8)
            if word.count >= suffix.count, word.suffix(suffix.count).elementsEqual(suffix) {
                word = Array(word.dropLast(suffix.count)) + Array(to.utf8)
            }
        }
        if word.last == UInt8(ascii: "f"), word.count > 3 { word[word.count - 1] = UInt8(ascii: "v") }
        return word
    }
}
