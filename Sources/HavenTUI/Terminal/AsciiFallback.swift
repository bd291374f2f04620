import HavenCore

/// What a cell shows when the terminal's locale is not UTF-8 (LANG=C over an old ssh client):
/// one ASCII character per cell, so every column stays where it was laid out. Cyrillic letters
/// become the first letter of their ICAO spelling (Жуков → Zukov; ь and ъ an apostrophe), the
/// interface's own symbols an ASCII look-alike, anything else `?`. Names stay legible, if
/// rough, and the start-up warning says how to see them properly.
public enum AsciiFallback {
    static let symbols: [Character: Character] = [
        "…": "~", "·": ".", "›": ">", "‹": "<", "↑": "^", "↓": "v", "→": ">", "←": "<", "█": "#", "▒": "+",
        "░": ":", "▸": ">", "◂": "<", "—": "-", "–": "-", "“": "\"", "”": "\"", "‘": "'", "’": "'", "✓": "*", "✗": "x", "×": "x", "↩": "<",
    ]

    public static func character(for character: Character) -> Character {
        if character.isASCII { return character }
        if let symbol = symbols[character] { return symbol }
        if Transliteration.containsCyrillic(String(character)) {
            // ь and ъ have no ICAO letter: the apostrophe other transliterations give them.
            return Transliteration.icao(String(character)).first ?? "'"
        }
        return "?"
    }
}
