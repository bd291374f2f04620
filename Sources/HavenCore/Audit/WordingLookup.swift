/// A field of a case as the wording knows it: its section, its label, how its value reads.
struct CaseField {
    var section: String
    var label: String
    var kind: ValueKind

    init(_ section: String, _ label: String, _ kind: ValueKind = .text) {
        self.section = section
        self.label = label
        self.kind = kind
    }
}

/// What the wording of one change can look things up in: the change's path, the other changes
/// of its save, and the case's record. It names the element a field belongs to (`document
/// "Birth certificate"`, `factor Job fit`) from the save first, since the record may have moved
/// on, then from the record; failing both, by its place in the list, counted from 1.
struct WordingLookup {
    let path: FieldPath
    /// The save's changes by path.
    let siblings: [String: FieldChange]
    let recordValues: [String: String]
    let record: Case?
    /// The id of the family member at a position, as the trail says it was then.
    let memberID: (Int) -> Int?

    /// The `n`th list position of the path (0: the outermost); 0 for a path with fewer, so a
    /// path of an unexpected shape still reads.
    func position(_ n: Int) -> Int { path.positions.indices.contains(n) ? path.positions[n] : 0 }

    /// The text of `field` as the save left it (or as it was, for an element the save
    /// removed), else as the record holds it. Family positions move when a member is removed,
    /// so a family field comes from the save or from `member()`, never from the record by place.
    func text(_ field: String) -> String? {
        // An erased value names nothing: the wording falls back to the member's place.
        if let change = siblings[field], let json = change.after ?? change.before {
            return FieldChange.isErased(json) ? nil : ValueWording.decoded(json)
        }
        guard !field.hasPrefix("family[") else { return nil }
        return recordValues[field].map(ValueWording.decoded)
    }

    /// The text of `key` in the element at the path's `n`th position: `name` of
    /// `allocation.factors[1]` for `allocation.factors[1].contribution`.
    func element(_ n: Int, _ key: String) -> String? {
        guard path.positions.indices.contains(n) else { return nil }
        return text("\(path.prefix(throughList: n))[\(position(n))].\(key)")
    }

    /// The element at the `n`th position, named: `"\(noun) \(name)"`, or by its place.
    func named(_ noun: String, _ name: String?, _ n: Int) -> String {
        guard let name, !name.isEmpty else { return "\(noun) \(position(n) + 1)" }
        return "\(noun) \(name)"
    }

    /// Free text naming an element, in quotes: `document "Birth certificate"`.
    func quoted(_ noun: String, _ n: Int, _ key: String) -> String {
        named(noun, element(n, key).map { "\"\(ValueWording.oneLine($0))\"" }, n)
    }

    // MARK: Family

    /// The family member the path's first position meant, in the record: found by id where the
    /// trail says which member it was, by place only when it does not.
    func member() -> FamilyMember? {
        guard let record else { return nil }
        let place = position(0)
        let idInSave = siblings["family[\(place)].id"].flatMap { ($0.after ?? $0.before).flatMap { Int($0) } }
        if let id = memberID(place) ?? idInSave { return record.family.first { $0.id == id } }
        return record.family.indices.contains(place) ? record.family[place] : nil
    }

    /// "Жукова Анна (spouse)": the member's name and relationship, as the family section shows
    /// them; from the save when the record no longer has the member; "member 2" failing both.
    /// Nothing else of the member (never where they are or how to reach them).
    func memberName() -> String {
        if let member = member() { return "\(member.displayName) (\(member.relationship.title.lowercased()))" }
        let base = "family[\(position(0))]"
        func name(_ script: String) -> FullName {
            FullName(family: text("\(base).\(script).family") ?? "", given: text("\(base).\(script).given") ?? "",
                     patronymic: text("\(base).\(script).patronymic") ?? "")
        }
        let cyrillic = name("cyrillicName")
        let displayed = cyrillic.isEmpty ? name("latinName").displayed : cyrillic.displayed
        let relationship = text("\(base).relationship").flatMap(Relationship.init(rawValue:))?.title.lowercased()
        switch (displayed.isEmpty, relationship) {
        case (false, let relationship?): return "\(displayed) (\(relationship))"
        case (false, nil): return displayed
        case (true, let relationship?): return "member \(position(0) + 1) (\(relationship))"
        case (true, nil): return "member \(position(0) + 1)"
        }
    }

    /// The name of the member's document at the path's second position.
    func memberDocument() -> String? {
        element(1, "name") ?? member().flatMap { $0.documents.indices.contains(position(1)) ? $0.documents[position(1)].name : nil }
    }

    /// The title of the member's reunification step at the path's second position.
    func memberStep() -> String? {
        let raw = element(1, "stage") ?? member().flatMap { $0.steps.indices.contains(position(1)) ? $0.steps[position(1)].stage.rawValue : nil }
        return raw.map { ReunificationStage(rawValue: $0)?.title ?? $0 }
    }
}
