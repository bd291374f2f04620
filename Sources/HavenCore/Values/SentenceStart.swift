extension StringProtocol {
    /// The text with its first letter a capital, to start a sentence ("a supervisor" →
    /// "A supervisor"); the rest as it is.
    public var sentenceStart: String { prefix(1).uppercased() + dropFirst() }

    /// A title put in the middle of a sentence: its first letter small, the rest as it is
    /// ("Exclusion (Refugee Convention art. 1F)" → "exclusion (Refugee Convention art. 1F)",
    /// where `lowercased()` gave "refugee convention art. 1f").
    public var midSentence: String { prefix(1).lowercased() + dropFirst() }
}
