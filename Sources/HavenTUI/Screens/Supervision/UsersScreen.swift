import HavenCore

/// Who may use Haven, and in which role; administrators give roles (`a`), change them (`c`)
/// and take them away (`d`), told first how many open cases the user still holds. The store
/// and HavenCore refuse anyone else, and never leave the store without an administrator.
public struct UsersScreen: Screen {
    public enum Action: Sendable { case up, down, add, change, remove, confirmRemove, cancel }

    public private(set) var users = UserDirectory()
    public private(set) var selected = 0
    public private(set) var removing: UserName?
    /// The open cases of the user being removed, as the store had them when `d` was pressed.
    public private(set) var removingHolds: [CaseID] = []
    let context: SessionContext

    public init(context: SessionContext) {
        self.context = context
    }

    public var title: String { "Users" }
    public var minimumSize: Size { Size(width: 60, height: 12) }

    public var keyTable: KeyTable<Action> {
        if removing != nil {
            return KeyTable(KeyBinding.yesNo(.confirmRemove, "Remove", "Take the role away", no: .cancel, "Keep", "Keep the user"))
        }
        return KeyTable([
            KeyBinding([.character("a")], .add, label: "Add", help: "Give a user of this server a role"),
            KeyBinding([.character("c")], .change, label: "Change role", help: "Give the selected user another role"),
            KeyBinding([.character("d")], .remove, label: "Remove", help: "Take the selected user's role away (asks first)"),
            KeyBinding([.down, .character("j")], .down, label: "Move", help: "Next user"),
            KeyBinding([.up, .character("k")], .up, help: "Previous user"),
        ])
    }

    /// The open cases a user holds, asked before their role is taken away: a caseworker
    /// removed with cases still assigned leaves families with no one working on them.
    struct OpenCasesOf: StoreTask {
        let user: UserName

        struct Answer: Sendable {
            let user: UserName
            let cases: [CaseID]
        }

        func run(in session: SessionServices) -> [Command] {
            guard let store = session.store else { return [.message(StoreReply.failed("No store is open."))] }
            do {
                _ = try store.refresh()
                let open = try store.summaries().filter { $0.assignedTo == user && $0.stage != .closed }.map(\.id)
                return [.message(Answer(user: user, cases: open))]
            } catch {
                return [.message(StoreReply.failed("\(error)"))]
            }
        }
    }

    /// The open cases of the user about to be removed, or the store's answer.
    public mutating func receive(_ message: any Sendable) -> [Command] {
        if let answer = message as? OpenCasesOf.Answer {
            guard let account = users.account(answer.user) else { return [] }
            removing = answer.user
            removingHolds = answer.cases
            let role = "Take \(account.name)'s role (\(account.role.title.lowercased())) away?"
            guard let first = answer.cases.first else { return [.status("\(role) y removes, n keeps.", .warning)] }
            // Short enough for the status line at 80 columns; the Workload screen lists them.
            let holds = answer.cases.count == 1 ? "1 open case (\(first))" : "\(answer.cases.count) open cases (\(first)…)"
            return [.status("\(account.name) holds \(holds): remove anyway? y removes, n keeps.", .warning)]
        }
        guard let reply = message as? StoreReply else { return [] }
        return receive(reply: reply)
    }

    public mutating func receive(reply: StoreReply) -> [Command] {
        switch reply {
        case let .users(directory):
            users = directory
            selected = min(selected, max(0, directory.users.count - 1))
            return []
        case let .failed(message):
            return [.status(message, .error)]
        default:
            return []
        }
    }

    /// What it asks for when it opens.
    public mutating func start() -> [Command] { [.query(.users)] }

    public mutating func handle(_ action: Action) -> [Command] {
        let current = users.users.indices.contains(selected) ? users.users[selected] : nil
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, users.users.count - 1), selected + 1)
        case .add: return [.push(roleForm(for: nil))]
        case .change:
            guard let current else { return [] }
            return [.push(roleForm(for: current))]
        case .remove:
            guard let current else { return [] }
            // Asked of the store first: the question names the open cases they still hold.
            return [.run(OpenCasesOf(user: current.name))]
        case .confirmRemove:
            guard let name = removing else { return [] }
            removing = nil
            removingHolds = []
            return [.changeUsers(.remove(name))]
        case .cancel:
            removing = nil
            removingHolds = []
        }
        return []
    }

    func roleForm(for account: UserAccount?) -> FormScreen {
        let form = Form(sections: [Form.Section(title: account == nil ? "New user" : "Change role", fields: [
            FormField("name", "Account name", .text(maximumLength: 64), hint: "their login on this server",
                      value: account?.name.rawValue ?? ""),
            FormField("role", "Role", .choice(FormOption.all(Role.self)), value: account?.role.rawValue ?? Role.caseworker.rawValue),
        ])])
        let exists = context.accountExists
        return FormScreen(title: account == nil ? "Add user" : "Change role",
                          heading: "Roles: caseworker, supervisor, administrator, auditor · Ctrl-S saves", form: form) { form, now in
            let text = form.value("name").trimmingCharacters(in: .whitespaces)
            guard let name = UserName(text) else {
                return .problems([ValidationIssue(field: "name", message: text.isEmpty ? "Name the account." : "Not \(UserName.expectedForm).")])
            }
            guard exists(text) else {
                return .problems([ValidationIssue(field: "name", message: UserDirectoryError.noSuchAccount(text).description)])
            }
            return .perform([.changeUsers(.add(name, Role(rawValue: form.value("role")) ?? .caseworker))])
        }
    }

    public func render(into canvas: inout Canvas, area: Rect) {
        canvas.put(" Users of this store: \(users.users.count)", x: area.x, y: area.y, width: area.width, style: .heading)
        canvas.put(" " + DisplayWidth.fit("Account", to: 20) + " " + DisplayWidth.fit("Role", to: 14) + " Given by",
                   x: area.x, y: area.y + 2, width: area.width, style: Style(.heading, bold: true, underline: true))
        for (offset, account) in users.users.prefix(area.height - 3).enumerated() {
            let y = area.y + 3 + offset
            let isSelected = offset == selected
            let text = " " + DisplayWidth.fit(account.name.rawValue + (account.name == context.user ? " (you)" : ""), to: 20) + " "
                + DisplayWidth.fit(account.role.title, to: 14) + " \(account.addedBy) on \(account.addedAt.date)"
            canvas.putListRow(text, x: area.x, y: y, width: area.width, style: .normal, selected: isSelected)
        }
    }
}
