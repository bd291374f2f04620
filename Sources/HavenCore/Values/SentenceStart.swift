extension StringProtocol {
    /// The text with its first letter a capital, to start a sentence ("a supervisor" →
    /// "A supervisor"); the rest as it is.
    public var sentenceStart: String { prefix(1).uppercased() + dropFirst() }
}
