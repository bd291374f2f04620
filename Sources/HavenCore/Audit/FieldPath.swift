/// A dotted JSON path of the audit trail (`family[0].documents[2].gathered`) taken apart:
/// its keys and the list positions between them.
struct FieldPath: Hashable, Sendable {
    enum Step: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    let steps: [Step]
    /// The path as the trail writes it.
    let text: String

    init(_ text: String) {
        self.text = text
        var steps: [Step] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            if let open = rest.firstIndex(of: "[") {
                steps.append(.key(String(rest[..<open])))
                rest = rest[open...]
                while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                    let number = rest[rest.index(after: rest.startIndex)..<close]
                    steps.append(Int(number).map(Step.index) ?? .key(String(number)))
                    rest = rest[rest.index(after: close)...]
                }
                if !rest.isEmpty { steps.append(.key(String(rest))) }
            } else {
                steps.append(.key(String(rest)))
            }
        }
        self.steps = steps
    }

    /// The path with its positions left out (`family[].documents[].gathered`): the shape that
    /// says which field of a case it is, whichever element.
    var pattern: String {
        var text = ""
        for step in steps {
            switch step {
            case let .key(key): text += text.isEmpty ? key : ".\(key)"
            case .index: text += "[]"
            }
        }
        return text
    }

    /// The list positions, outermost first (`[0, 2]` for `family[0].documents[2].gathered`).
    var positions: [Int] {
        steps.compactMap { if case let .index(position) = $0 { position } else { nil } }
    }

    /// The keys, in order, without the positions.
    var keys: [String] {
        steps.compactMap { if case let .key(key) = $0 { key } else { nil } }
    }

    /// The path up to (not including) the `n`th position, as the trail writes it
    /// (`family[0].documents` for n = 1 of `family[0].documents[2].gathered`).
    func prefix(throughList n: Int) -> String {
        var text = "", seen = 0
        for step in steps {
            switch step {
            case let .key(key): text += text.isEmpty ? key : ".\(key)"
            case let .index(position):
                if seen == n { return text }
                seen += 1
                text += "[\(position)]"
            }
        }
        return text
    }
}

/// A field's key in words, for paths the wording does not know (a field added after it).
enum FieldName {
    /// "birthPlace" → "Birth place", "metBy" → "Met by"; an acronym ("ID", "ISCO") keeps its capitals.
    static func words(_ key: String, capitalised: Bool = true) -> String {
        var words: [String] = []
        var current = ""
        let characters = Array(key)
        for (offset, character) in characters.enumerated() {
            if character == "-" || character == "_" || character == " " {
                if !current.isEmpty { words.append(current) }
                current = ""
                continue
            }
            let previous = offset > 0 ? characters[offset - 1] : nil
            let next = offset + 1 < characters.count ? characters[offset + 1] : nil
            if character.isUppercase, !current.isEmpty, previous?.isLowercase == true || next?.isLowercase == true {
                words.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { words.append(current) }
        let sentence = words.map { word in
            word.count > 1 && word.allSatisfy({ $0.isUppercase || $0.isNumber }) ? word : word.lowercased()
        }.joined(separator: " ")
        guard capitalised, let first = sentence.first else { return sentence }
        return first.uppercased() + sentence.dropFirst()
    }

    /// A whole path in words, positions counted from 1 as people count: `relocation.metBy`
    /// with the first key dropped → "Met by"; `integration.mentors[1].phoneNumber` → "Mentors 2
    /// phone number". The first key is dropped only when a key follows it.
    static func readable(_ path: FieldPath, droppingFirstKey: Bool = false, capitalised: Bool = true) -> String {
        var steps = path.steps
        if droppingFirstKey, steps.count > 1, case .key = steps[1] { steps.removeFirst() }
        let sentence = steps.map { step in
            switch step {
            case let .key(key): words(key, capitalised: false)
            case let .index(position): "\(position + 1)"
            }
        }.filter { !$0.isEmpty }.joined(separator: " ")
        guard let first = sentence.first else { return "Field" }
        return capitalised ? first.uppercased() + sentence.dropFirst() : sentence
    }
}
