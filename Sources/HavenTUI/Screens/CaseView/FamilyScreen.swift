import HavenCore

/// A case's family: each member with their reunification stage and next action, and the
/// selected member in full. The only screen that shows where family members are and how to
/// reach them (`SensitiveField`); lists elsewhere show the relationship and stage only.
public struct FamilyScreen: Screen {
    public enum Action: Sendable {
        case up, down, add, edit, move, correctStep, nextAction, documents, link, unlink, remove, confirmRemove, cancelRemove, openLinked, reload, close
    }

    public private(set) var stored: StoredCase
    let context: SessionContext
    public private(set) var selected = 0
    public private(set) var confirmingRemoval = false

    public init(stored: StoredCase, context: SessionContext) {
        self.stored = stored
        self.context = context
    }

    public var title: String { "Family" }
    public var caseShown: CaseID? { stored.record.id }
    public var minimumSize: Size { Size(width: 60, height: 16) }
    var members: [FamilyMember] { stored.record.family }
    var member: FamilyMember? { members.indices.contains(selected) ? members[selected] : nil }
    var policy: ReunificationPolicy { FamilyActions.policy(context) }

    public var keyTable: KeyTable<Action> {
        if confirmingRemoval {
            return KeyTable(KeyBinding.yesNo(.confirmRemove, "Remove", "Remove the member recorded by mistake", no: .cancelRemove, "Keep", "Keep the member"))
        }
        let may = context.may(.recordFamily) && stored.record.stage != .closed
        let m = member
        let offers: [(Bool, [Key], Action, String?, String)] = [
            (may, [.character("+"), .character("a")], .add, "Add", "Add a family member"),
            (may && m != nil, [.character("e")], .edit, "Edit", "Change who the member is, where, risk and contact"),
            (may && m?.stage.isFinal == false, [.character("m")], .move, "Move", "Move the reunification to its next stage (or withdraw it)"),
            (may && m?.stage.isFinal == false, [.character("n")], .nextAction, "Next", "Change the next action and when it is due"),
            (may && m?.steps.isEmpty == false, [.character("c")], .correctStep, "Correct",
             "Correct the last reunification stage recorded (its stage or date), or take it back"),
            (may && m?.documents.isEmpty == false, [.character("d")], .documents, "Docs", "Tick documents of the checklist as gathered"),
            (may && m != nil && m?.linkedCase == nil, [.character("l")], .link, "Link", "Link the member to their own case (both cases show it)"),
            (may && m?.linkedCase != nil, [.character("u")], .unlink, "Unlink", "Remove the link on both cases"),
            (may && m != nil, [.character("x")], .remove, nil, "Remove a member recorded by mistake (not linked, never moved on)"),
            (m?.linkedCase != nil, [.enter], .openLinked, "Open", "Open the linked case"),
        ]
        return KeyTable(offers.filter(\.0).map { KeyBinding($0.1, $0.2, label: $0.3, help: $0.4) } + [
            KeyBinding([.down, .character("j")], .down, help: "Next member"),
            KeyBinding([.up, .character("k")], .up, help: "Previous member"),
            KeyBinding([.character("r")], .reload, help: "Load the case again"),
            KeyBinding([.character("q"), .escape], .close, label: "Back", help: "Back to the case"),
        ])
    }

    public mutating func handle(_ action: Action) -> [Command] {
        let id = stored.record.id
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, members.count - 1), selected + 1)
        case .add: return [.push(FamilyActions.addMember(stored, context: context))]
        case .edit: if let member { return [.push(FamilyActions.editMember(stored, member, context: context))] }
        case .move: if let member { return [.push(FamilyActions.move(stored, member, context: context))] }
        case .correctStep: if let member { return [.push(CorrectionActions.correctStep(stored, member, context: context))] }
        case .nextAction: if let member { return [.push(FamilyActions.nextAction(stored, member, context: context))] }
        case .documents: if let member { return [.push(FamilyActions.documents(stored, member, context: context))] }
        case .link: if let member { return FamilyActions.link(stored, member, context: context) }
        case .unlink:
            guard let member, let other = member.linkedCase else { return [] }
            return [.updateTogether([id, other], change: FamilyActions.unlinkChange(member, from: other, reference: context.reference))]
        case .remove:
            guard let member else { return [] }
            confirmingRemoval = true
            return [.status("Remove \(member.displayName) from \(id)? y removes, n keeps.", .warning)]
        case .confirmRemove:
            confirmingRemoval = false
            guard let member else { return [] }
            do {
                return [.save(try Workflow.removeFamilyMember(member.id, from: stored.record, by: context.actor), basedOn: stored.version)]
            } catch {
                return [.status("\(error)", .error)]
            }
        case .cancelRemove: confirmingRemoval = false
        case .openLinked: if let other = member?.linkedCase { return [.openCase(other)] }
        case .reload: return [.reload(id)]
        case .close: return [.back]
        }
        return []
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        switch reply {
        case let .saved(newer, _), let .loaded(newer, _):
            let count = stored.record.family.count
            // Another person's change to a member shown here is said, not only redrawn (a walk:
            // a note saved here was replaced by another's choice on the conflict screen, unsaid).
            let before = stored.record.family
            let changed = newer.record.family.filter { member in before.first { $0.id == member.id } != member }.map(\.displayName)
                + before.filter { member in !newer.record.family.contains { $0.id == member.id } }.map(\.displayName)
            let byAnother = newer.savedBy != context.user && newer.version > stored.version && !changed.isEmpty
            stored = newer
            // A member just added is selected.
            if newer.record.family.count > count { selected = newer.record.family.count - 1 }
            selected = min(selected, max(0, members.count - 1))
            if case .saved = reply { return [.status("Saved \(newer.record.id) as \(newer.version).", .info)] }
            if byAnother {
                return [.status("Meanwhile \(newer.savedBy) changed \(changed.joined(separator: ", ")) (\(newer.version)); shown as saved.", .warning)]
            }
            return []
        case let .updated(saved, refused):
            if let (_, reason) = refused.first { return [.status(reason, .error)] }
            return [.reload(stored.record.id), .status("Saved \(saved.map(\.rawValue).joined(separator: " and ")) together.", .info)]
        case let .conflict(savedBy, savedAt):
            return [.status("Not saved: \(savedBy) changed the case \(savedAt.minuteText) UTC. r reloads it.", .error)]
        case let .failed(message):
            return [.status(message, .error)]
        default:
            return []
        }
    }

    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Command] {
        guard let newer = summaries.first(where: { $0.id == stored.record.id }) else { return [] }
        guard newer.version > stored.version else { return [] }
        return [.reload(stored.record.id)]
    }

    /// "Application filed · Gather documents by 2026-12-10", "OVERDUE" when past.
    func stageText(_ m: FamilyMember) -> String {
        var text = m.stage.title
        if let link = m.linkedCase { text += " · own case \(link)" }
        if let due = m.nextActionDue { text += due < context.today ? " · OVERDUE \(due)" : " · due \(due)" }
        return text
    }

    /// The selected member in full: the only place the sensitive fields are drawn.
    func detailLines(_ m: FamilyMember) -> [String] {
        var lines: [String] = []
        let born = m.birthDate.map { " · born \($0) (\($0.age(on: context.today)))" } ?? ""
        lines.append("\(m.displayName) (\(m.latinName.displayed)) · \(m.relationship.title.lowercased())\(born)")
        let country = m.country.map { " \($0)" } ?? ""
        let contact = m.contactIsSafe ? "safe, \(m.contactChannel)" : "not safe"
        lines.append("Where: \(m.whereabouts.title)\(country) · risk \(m.risk.title.uppercased()) · contact \(contact)")
        lines.append(policy.eligibility(of: m, on: context.today).text + (m.eligibilityNote.isEmpty ? "" : " · \(m.eligibilityNote)"))
        if !m.nextAction.isEmpty {
            lines.append("Next: \(m.nextAction)" + (m.nextActionDue.map { $0 < context.today ? " · OVERDUE since \($0)" : " · due \($0)" } ?? ""))
        }
        if !m.steps.isEmpty {
            lines.append("Steps: " + m.steps.map { "\($0.stage.title) \($0.date)" }.joined(separator: " → "))
        }
        if !m.documents.isEmpty {
            let gathered = m.documents.count - m.missingDocuments.count
            lines.append("Documents \(gathered)/\(m.documents.count): "
                         + m.documents.map { ($0.gathered == nil ? "[ ] " : "[x] ") + $0.name }.joined(separator: "  "))
        }
        if let link = m.linkedCase { lines.append("Linked case: \(link) (Enter opens it)") }
        if !m.notes.isEmpty { lines.append("Notes: \(m.notes)") }
        return lines
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        let record = stored.record
        canvas.put(" Family of \(record.id) \(record.defector.cyrillicName.displayed) · \(members.count) member\(members.count == 1 ? "" : "s")",
                   x: area.x, y: area.y, width: area.width, style: .heading)
        guard !members.isEmpty else {
            canvas.put(" No family members recorded" + (context.may(.recordFamily) ? "; + adds one." : "."), x: area.x, y: area.y + 2,
                       width: area.width, style: .muted)
            return
        }
        let nameWidth = max(12, min(26, area.width / 3))
        let relationWidth = 10
        canvas.put(" " + DisplayWidth.fit("Who", to: relationWidth) + " " + DisplayWidth.fit("Name", to: nameWidth) + " Stage",
                   x: area.x, y: area.y + 1, width: area.width, style: .muted)
        // The list takes what the detail leaves, at least three rows.
        let detail = member.map { detailLines($0).flatMap { DisplayWidth.wrap($0, to: area.width - 2, indent: "  ") } } ?? []
        let detailRows = detail.count
        let listRows = max(1, min(members.count, area.height - 3 - detailRows))
        let first = max(0, selected - listRows + 1)
        for (offset, m) in members.dropFirst(first).prefix(listRows).enumerated() {
            let y = area.y + 2 + offset
            let isSelected = first + offset == selected
            let overdue = m.nextActionDue.map { $0 < context.today } ?? false
            let row = " " + DisplayWidth.fit(m.relationship.title, to: relationWidth) + " " + DisplayWidth.fit(m.displayName, to: nameWidth)
                + " " + stageText(m)
            canvas.putListRow(row, x: area.x, y: y, width: area.width, style: overdue && !m.stage.isFinal ? .overdue : .normal,
                              selected: isSelected, keyWidth: relationWidth)
        }
        let top = area.y + 2 + listRows + 1
        for (offset, line) in detail.enumerated() where top + offset < area.y + area.height {
            canvas.put(" " + line, x: area.x, y: top + offset, width: area.width, style: offset == 0 ? .heading : .normal)
        }
    }
}

/// Finds the case to link a family member to, by name in either script or by number, from
/// the store's summaries; Enter links, and both cases are saved together.
public struct LinkCaseScreen: Screen {
    public enum Action: Sendable { case up, down, choose }

    let stored: StoredCase
    let member: FamilyMember
    let context: SessionContext
    public private(set) var query: TextField
    public private(set) var summaries: [CaseSummary] = []
    /// Built once when the summaries arrive, not per key: 120,000 of them.
    var byID: [CaseID: CaseSummary] = [:]
    var index: CaseSearchIndex?
    public private(set) var selected = 0

    public init(stored: StoredCase, member: FamilyMember, context: SessionContext) {
        self.stored = stored
        self.member = member
        self.context = context
        // The member's whole name, not the family name alone: a namesake of the same family
        // must not be the first match Enter links to.
        let cyrillic = [member.cyrillicName.family, member.cyrillicName.given].filter { !$0.isEmpty }.joined(separator: " ")
        let latin = [member.latinName.family, member.latinName.given].filter { !$0.isEmpty }.joined(separator: " ")
        query = TextField(text: cyrillic.isEmpty ? latin : cyrillic, maximumLength: 60)
    }

    public var title: String { "Link" }
    public var minimumSize: Size { Size(width: 50, height: 10) }
    public var capturesText: Bool { true }

    public var keyTable: KeyTable<Action> {
        KeyTable([
            KeyBinding([.enter], .choose, label: "Link", help: "Link the member to the selected case"),
            KeyBinding([.down], .down, label: "Move", help: "Next case"),
            KeyBinding([.up], .up, help: "Previous case"),
        ])
    }

    /// The cases whose name or number matches, this case left out.
    var matches: [CaseSummary] {
        let text = query.text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return [] }
        var found: [CaseSummary] = []
        if let id = CaseID(text.uppercased()), let exact = byID[id] { found.append(exact) }
        found += (index?.matches(text, limit: 50) ?? []).compactMap { byID[$0] }
        var seen: Set<CaseID> = [stored.record.id]
        return found.filter { seen.insert($0.id).inserted }
    }

    /// What it asks for when it opens.
    public mutating func start() -> [Command] { [.query(.summaries)] }

    public mutating func handle(_ action: Action) -> [Command] {
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, matches.count - 1), selected + 1)
        case .choose:
            let found = matches
            guard found.indices.contains(selected) else { return [.status("No case is selected; type a name or number.", .info)] }
            return link(found[selected].id)
        }
        return []
    }

    func link(_ other: CaseID) -> [Command] {
        [.updateTogether([stored.record.id, other], change: FamilyActions.linkChange(member, to: other, reference: context.reference))]
    }

    /// A reason given to open the other case (a link writes on both): the link is made now.
    public mutating func receive(_ message: any Sendable) -> [Command] {
        if let given = message as? ReasonGiven { return link(given.id) }
        guard let reply = message as? StoreReply else { return [] }
        return receive(reply: reply)
    }

    public mutating func handleUnboundKey(_ key: Key) -> [Command]? {
        guard query.handle(key) else { return key.typedCharacter != nil ? [] : nil }
        selected = 0
        return []
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        switch reply {
        case let .summaries(all):
            summaries = all
            byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
            index = CaseSearchIndex(all)
            return []
        case let .updated(saved, refused):
            // The other case is not this user's: a reason opens it (logged), then the link is made.
            if let (_, reason) = refused.first, let other = matches.first(where: { reason == NeedToKnowError.reasonNeeded($0.id).description }) {
                return [.push(BreakGlassScreen(summary: other, then: .answer, context: context)),
                        .status("A link writes on \(other.id) too, which is not yours: say why you need it.", .warning)]
            }
            if let (_, reason) = refused.first { return [.status(reason, .error)] }
            return [.back,
                    .status("Linked \(member.displayName) to \(saved.last.map(\.rawValue) ?? ""); both cases show it.", .info)]
        case let .failed(message):
            return [.status(message, .error)]
        default:
            return []
        }
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        canvas.put(" Link \(member.relationship.title.lowercased()) \(member.displayName) to their own case", x: area.x, y: area.y,
                   width: area.width, style: .heading)
        canvas.put(" Find: ", x: area.x, y: area.y + 1, width: 7, style: .normal)
        query.render(into: &canvas, x: area.x + 7, y: area.y + 1, width: area.width - 8, focused: true)
        let found = matches
        if found.isEmpty {
            canvas.put(summaries.isEmpty ? " Reading the cases…" : " No case matches; type a name in either script, or a number.",
                       x: area.x, y: area.y + 3, width: area.width, style: .muted)
        }
        let visible = max(1, area.height - 3)
        let first = max(0, selected - visible + 1)
        for (offset, summary) in found.dropFirst(first).prefix(visible).enumerated() {
            let y = area.y + 3 + offset
            let isSelected = first + offset == selected
            let row = " \(summary.id)  " + DisplayWidth.fit(summary.cyrillicName, to: 30) + " " + DisplayWidth.fit(summary.latinName, to: 24)
                + " " + summary.stage.title
            canvas.putListRow(row, x: area.x, y: y, width: area.width, style: .normal, selected: isSelected)
        }
    }
}
