import HavenCore

/// The actions every screen shares (tig's generic map), looked up after the screen's own.
public enum GlobalAction: Sendable {
    case help, back, quit, repaint, suspend
}

/// What the run loop should do after the app has taken an event.
public enum AppCommand: Equatable, Sendable {
    case redraw
    case repaint
    case quit
    /// Stop the process for the shell's job control (Ctrl-Z); redraw all when it continues.
    case suspend
}

/// Who is using Haven and on what day; shown in the title bar and used by screens.
public struct SessionContext: Sendable {
    public var user: UserName
    public var today: CalendarDate
    /// A line about the store: "demo store, 50 cases".
    public var storeDescription: String
    /// Shown once at start (a non-UTF-8 locale, say).
    public var startupWarning: String?

    /// What the user may do; kept in the store from issue 5 on, caseworker until then.
    public var role: Role
    /// The time now, for saves; injected so tests control it.
    public var clock: @Sendable () -> Timestamp
    /// Pick lists for forms, and the stage targets.
    public var reference: ReferenceData?
    /// Whether the server has an account of this name (before a role is given to it).
    public var accountExists: @Sendable (String) -> Bool
    /// Writes a file the user asked for (a report): created owner-only, never over a file.
    public var writeFile: @Sendable (_ path: String, _ contents: String) throws -> Void

    public init(user: UserName, today: CalendarDate, storeDescription: String, startupWarning: String? = nil,
                role: Role = .caseworker, clock: @escaping @Sendable () -> Timestamp = { Timestamp(secondsSinceEpoch: 0) },
                reference: ReferenceData? = nil, accountExists: @escaping @Sendable (String) -> Bool = { _ in true },
                writeFile: @escaping @Sendable (String, String) throws -> Void = { path, _ in
                    throw StoreError.unavailable("no file can be written here (\(path))")
                }) {
        self.reference = reference
        self.accountExists = accountExists
        self.writeFile = writeFile
        self.user = user
        self.today = today
        self.storeDescription = storeDescription
        self.startupWarning = startupWarning
        self.role = role
        self.clock = clock
    }

    public var actor: Actor { Actor(user: user, role: role) }

    public func may(_ capability: Capability) -> Bool { role.may(capability) }
}

/// The root of the interface: a stack of screens, the status line, and the frame around them
/// (title bar, status line, key bar). Pure: keys in, commands and a canvas out.
public struct HavenApp {
    public static let globalKeys = KeyTable<GlobalAction>([
        KeyBinding([.character("?"), .function(1)], .help, label: "Help", help: "Show the keys of this screen"),
        KeyBinding([.character("q"), .escape], .back, label: "Back", help: "Go back; on the home screen, quit Haven (asks first)"),
        KeyBinding([.control("c")], .quit, help: "Quit Haven from anywhere (asks first if something typed is unsaved)"),
        KeyBinding([.control("z")], .suspend, help: "Suspend Haven to the shell; fg brings it back"),
        KeyBinding([.control("l")], .repaint, help: "Repaint the whole screen (after line noise)"),
    ])

    /// The smallest terminal the frame itself can use: title, one body row, status, key bar.
    public static let frameMinimum = Size(width: 20, height: 4)

    public internal(set) var screens: [any Screen]
    public internal(set) var status: (text: String, kind: StatusKind)?
    public let context: SessionContext
    /// The store, through HavenCore's protocol; nil when none is open.
    let store: (any CaseStore)?
    /// The draft last written, so an unchanged form is not written again.
    var keptDraft: [String: String]?
    /// The name index for duplicate checks: built at the first registration, then updated
    /// with only the names that changed.
    private var nameIndex: CaseSearchIndex?
    /// The long job under way, if any (see `work()`).
    public private(set) var job: (any BackgroundJob)?

    public var isWorking: Bool { job != nil }
    /// This session's last change of each case: the case before it and the version it made,
    /// for undo.
    var lastChanges: [CaseID: (before: Case, after: CaseVersion)] = [:]
    /// Quitting was asked for: y quits, any other key stays.
    public internal(set) var confirmingQuit = false

    /// An edit kept from an earlier session, offered back when that case's edit form opens.
    var pendingEdit: IntakeDraft?

    public init(root: any Screen, context: SessionContext, store: (any CaseStore)? = nil) {
        screens = [root]
        self.context = context
        self.store = store
        let kept = try? store?.draft(for: context.user)
        keptDraft = kept?.values
        if kept?.editing != nil { pendingEdit = kept }
        if let warning = context.startupWarning { status = (warning, .warning) }
    }

    public var topScreen: any Screen { screens[screens.count - 1] }

    /// The size below which the top screen is replaced by a "terminal too small" message.
    public var minimumSize: Size {
        let screen = topScreen.minimumSize
        return Size(width: max(screen.width, Self.frameMinimum.width), height: max(screen.height, Self.frameMinimum.height))
    }

    /// Takes one key: the top screen's table, then its unbound-key handler, then the global table.
    public mutating func handle(_ key: Key, terminalSize: Size) -> AppCommand? {
        if let job {
            // While a job runs only Esc (stop it), Ctrl-C and Ctrl-L do anything.
            switch key {
            case .escape:
                self.job = nil
                status = ("\(job.title) stopped; what it saved stays saved.", .warning)
                if let summaries = try? store?.summaries() { storeDidChange(summaries) }
                return .redraw
            case .control("c"): return .quit
            case .control("l"): return .repaint
            default: return nil
            }
        }
        if confirmingQuit {
            // y (or a second Ctrl-C) quits; n, q and Esc only stay; any other key stays and
            // does what it does, so a stray q costs nothing.
            confirmingQuit = false
            if key == .character("y") || key == .character("Y") || key == .control("c") { return .quit }
            status = ("Still here: nothing was closed.", .info)
            // A key that would be typed into a field only answers the question.
            if [.character("n"), .character("N"), .character("q"), .escape].contains(key) || (topScreen.capturesText && key.typedCharacter != nil) {
                return .redraw
            }
        }
        if key == .control("z") { return .suspend }
        let tooSmall = !terminalSize.contains(minimumSize)
        var top = screens.removeLast()
        top.prepare(for: Self.bodyArea(in: terminalSize))
        let answer = tooSmall ? nil : top.dispatch(key)
        screens.append(top)
        if let effects = answer {
            status = nil
            return perform(effects)
        }
        guard let global = Self.globalKeys.action(for: key) else { return nil }
        status = nil
        switch global {
        case .help:
            guard !tooSmall else { return nil }
            let sections = [topScreen.helpSection] + topScreen.moreHelp + [Self.globalKeys.helpSection(title: "Keys everywhere")]
            return perform([.push(HelpScreen(sections: sections))])
        case .back: return perform([.back])
        case .quit: return unsavedWork.isEmpty ? .quit : askToQuit()
        case .repaint: return .repaint
        case .suspend: return .suspend
        }
    }

    mutating func perform(_ effects: [Effect]) -> AppCommand {
        var command = AppCommand.redraw
        for effect in effects {
            switch effect {
            case let .push(screen):
                // The case's edit form opens with the edit kept from an earlier session.
                if let intake = screen as? IntakeScreen, let kept = pendingEdit, let editing = intake.editing, kept.editing == editing.record.id {
                    pushKeptEdit(kept, over: editing)
                } else {
                    screens.append(screen)
                }
            case .back:
                if screens.count == 1 { return askToQuit() }
                screens.removeLast()
            case .quit:
                return .quit
            case let .status(text, kind):
                status = (text, kind)
            case .repaint:
                command = .repaint
            case let .openCase(id):
                openCase(id)
            case let .openFamily(id):
                openCase(id)
                if let view = screens.last as? CaseViewScreen, view.stored.record.id == id {
                    screens.append(FamilyScreen(stored: view.stored, context: context))
                }
            case let .updateTogether(ids, change):
                if perform(updateTogether(ids, change)) == .quit { return .quit }
            case let .save(record, base):
                let more = save(record, basedOn: base)
                if perform(more) == .quit { return .quit }
            case let .reload(id):
                let more = reply(toTop: load(id))
                if perform(more) == .quit { return .quit }
            case let .undo(id):
                if perform(undo(id)) == .quit { return .quit }
            case let .resumeEdit(kept):
                resume(kept)
            case let .register(defector, confirmedNew):
                if perform(register(defector, confirmedNew: confirmedNew)) == .quit { return .quit }
            case let .update(ids, change):
                if perform(update(ids, change)) == .quit { return .quit }
            case let .query(query):
                if perform(reply(toTop: answer(query))) == .quit { return .quit }
            case let .changeUsers(change):
                let answer = changeStore { .users(try $0.changeUsers(change, by: context.actor, at: context.clock())) }
                if perform(reply(toTop: answer)) == .quit { return .quit }
                if case .users = answer {
                    status = switch change {
                    case let .add(name, role): ("\(name) is now \(role.withArticle).", .info)
                    case let .remove(name): ("\(name) no longer has a role here.", .info)
                    }
                }
            case let .changeCountries(change):
                let answer = changeStore { .hostCountries(try $0.changeHostCountries(change, by: context.actor, at: context.clock())) }
                if case .hostCountries = answer, let summaries = try? store?.summaries() { storeDidChange(summaries) }
                if perform(reply(toTop: answer)) == .quit { return .quit }
                if case .hostCountries = answer { status = ("Saved the change to \(change.country).", .info) }
            case let .changeCatalogue(edit):
                let answer = changeStore { store in
                    switch edit {
                    case let .courses(change): _ = try store.changeCatalogue(change, by: context.actor, at: context.clock())
                    case let .openings(change): _ = try store.changeCatalogue(change, by: context.actor, at: context.clock())
                    }
                    return .catalogue(try catalogue(of: store))
                }
                if perform(reply(toTop: answer)) == .quit { return .quit }
                if case .catalogue = answer { status = ("Saved: \(edit.title).", .info) }
            case let .startJob(job):
                self.job = job
                work()
            case let .writeFile(path, contents):
                do {
                    try context.writeFile(path, contents)
                    status = ("Wrote \(path).", .info)
                } catch {
                    status = ("\(error)", .error)
                }
            }
        }
        return command
    }

    func answer(_ query: StoreQuery) -> StoreReply {
        guard let store else { return .failed("No store is open.") }
        do {
            switch query {
            case .users: return .users(try store.users())
            case let .auditTrail(filter, limit): return .auditEntries(try store.auditTrail(matching: filter, limit: limit), filter)
            case .hostCountries: return .hostCountries(try store.hostCountries())
            case .catalogue: return .catalogue(try catalogue(of: store))
            case .summaries: return .summaries(try store.summaries())
            }
        } catch {
            return .failed("\(error)")
        }
    }

    /// A change to what the store keeps besides cases (users, countries, courses, openings):
    /// the store's answer, or the reason it refused.
    func changeStore(_ body: (any CaseStore) throws -> StoreReply) -> StoreReply {
        guard let store else { return .failed("No store is open.") }
        do { return try body(store) } catch { return .failed("\(error)") }
    }

    func catalogue(of store: any CaseStore) throws -> IntegrationCatalogue {
        IntegrationCatalogue(courses: try store.catalogue(of: LanguageCourse.self), openings: try store.catalogue(of: JobOpening.self),
                             summaries: try store.summaries())
    }

    /// Applies `change` to each case on its latest version and saves it; a case refused by a
    /// rule, or changed by someone else in between, is reported and left as it was.
    mutating func update(_ ids: [CaseID], _ change: CaseChange) -> [Effect] {
        guard let store else { return reply(toTop: .failed("No store is open.")) }
        var saved: [CaseID] = []
        var refused: [(CaseID, String)] = []
        for id in ids {
            do {
                let stored = try store.load(id)
                let next = try change.apply(stored.record, context.actor, context.clock())
                let version = try store.save(next, basedOn: stored.version, by: context.actor, at: context.clock())
                lastChanges[id] = (stored.record, version)
                saved.append(id)
            } catch {
                refused.append((id, "\(error)"))
            }
        }
        let effects = reply(toTop: .updated(saved: saved, refused: refused))
        if !saved.isEmpty, let summaries = try? store.summaries() { storeDidChange(summaries) }
        return effects
    }

    /// Loads `ids`, applies the change to them all, and saves them in one write: all or none.
    mutating func updateTogether(_ ids: [CaseID], _ change: GroupChange) -> [Effect] {
        guard let store else { return reply(toTop: .failed("No store is open.")) }
        let answer: StoreReply
        do {
            let loaded = try ids.map { try store.load($0) }
            let next = try change.apply(loaded.map(\.record), try store.summaries(), context.actor, context.clock())
            let versions = try store.save(together: zip(next, loaded).map { CaseUpdate($0, basedOn: $1.version) }, by: context.actor, at: context.clock())
            for (stored, version) in zip(loaded, versions) { lastChanges[stored.record.id] = (stored.record, version) }
            answer = .updated(saved: ids, refused: [])
        } catch {
            answer = .updated(saved: [], refused: [(ids.first ?? CaseID(number: 0), "\(error)")])
        }
        let effects = reply(toTop: answer)
        if case let .updated(saved, _) = answer, !saved.isEmpty, let summaries = try? store.summaries() { storeDidChange(summaries) }
        return effects
    }

    /// Runs one slice of the job under way: progress on the status line while it works, its
    /// message to the top screen and the new summaries to every screen when it ends.
    public mutating func work() {
        guard var current = job, let store else { job = nil; return }
        switch current.step(store: store, context: context) {
        case let .working(phase, done, total):
            job = current
            let width = 20
            let filled = total == 0 ? 0 : width * min(done, total) / total
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            status = ("\(current.title): \(phase) \(bar) \(done)/\(total) · Esc stops", .info)
        case let .finished(message, failed):
            job = nil
            if let summaries = try? store.summaries() { storeDidChange(summaries) }
            _ = perform(reply(toTop: .jobFinished(message)))
            status = (message, failed ? .error : .info)
        }
    }

    /// Loads a case with its history, or says why it cannot.
    func load(_ id: CaseID) -> StoreReply {
        guard let store else { return .failed("No store is open.") }
        do {
            // Others' saves since the last poll first: a reload must show the case as it is.
            _ = try store.refresh()
            return .loaded(try store.load(id), history: try store.history(of: id))
        } catch {
            return .failed("\(error)")
        }
    }

    mutating func openCase(_ id: CaseID) {
        switch load(id) {
        case let .loaded(stored, history):
            screens.append(CaseViewScreen(stored: stored, history: history, context: context))
        case let .failed(message):
            status = (message, .error)
        default:
            break
        }
    }

    /// Saves through the store as the session's user; a stale save comes back as a conflict
    /// naming who and when, never an overwrite. Every open screen then hears of the change.
    mutating func save(_ record: Case, basedOn version: CaseVersion) -> [Effect] {
        guard let store else { return reply(toTop: .failed("No store is open.")) }
        let answer: StoreReply
        do {
            let before = try? store.load(record.id)
            let saved = try store.save(record, basedOn: version, by: context.actor, at: context.clock())
            if let before, before.version == version { lastChanges[record.id] = (before.record, saved) }
            answer = .saved(try store.load(record.id), history: try store.history(of: record.id))
        } catch let StoreError.conflict(_, savedBy, savedAt, _) {
            answer = .conflict(savedBy: savedBy, savedAt: savedAt)
        } catch {
            answer = .failed("\(error)")
        }
        let effects = reply(toTop: answer)
        if case .saved = answer, let summaries = try? store.summaries() { storeDidChange(summaries) }
        return effects
    }

    /// Registers a defector: unless `confirmedNew`, the cases he may duplicate go back to the
    /// form first; otherwise the case is saved (see `save(newCase:)`).
    mutating func register(_ defector: Defector, confirmedNew: Bool) -> [Effect] {
        if !confirmedNew, let store, let summaries = try? store.summaries() {
            let index = nameIndex?.updating(with: summaries) ?? CaseSearchIndex(summaries)
            nameIndex = index
            let byID = Dictionary(uniqueKeysWithValues: summaries.map { ($0.id, $0) })
            let duplicates = DuplicateFinder.candidates(for: defector, in: index, summaries: byID) { try store.load($0).record }
            if !duplicates.isEmpty { return reply(toTop: .possibleDuplicates(duplicates)) }
        }
        save(newCase: defector)
        return []
    }

    /// Saves a new case with the next free number; a number taken meanwhile by another
    /// session is retried with the next one. The new case's view replaces the form.
    mutating func save(newCase defector: Defector) {
        guard let store else { status = ("No store is open, so nothing can be registered.", .error); return }
        do {
            for _ in 0..<5 {
                let record = Case(id: try store.nextCaseID(), defector: defector, registeredBy: context.user,
                                  registeredAt: context.clock())
                do {
                    _ = try store.save(record, basedOn: nil, by: context.actor, at: context.clock())
                } catch StoreError.alreadyExists {
                    continue
                }
                screens.removeLast()
                if let summaries = try? store.summaries() { storeDidChange(summaries) }
                openCase(record.id)
                status = ("Registered \(record.id): \(defector.cyrillicName.displayed).", .info)
                return
            }
            status = ("Could not find a free case number; try again.", .error)
        } catch {
            _ = reply(toTop: .failed("\(error)"))
            status = ("\(error)", .error)
        }
    }

    mutating func reply(toTop answer: StoreReply) -> [Effect] {
        var top = screens.removeLast()
        let effects = top.receive(answer)
        screens.append(top)
        return effects
    }

    /// Passes the store's new summaries to every open screen.
    public mutating func storeDidChange(_ summaries: [CaseSummary]) {
        var topEffects: [Effect] = []
        for index in screens.indices {
            var screen = screens[index]
            let effects = screen.storeDidChange(summaries)
            screens[index] = screen
            if index == screens.count - 1 { topEffects = effects }
        }
        _ = perform(topEffects)
    }

    /// The rows between the title bar and the status line and key bar.
    public static func bodyArea(in size: Size) -> Rect {
        Rect(x: 0, y: 1, width: size.width, height: size.height - 3)
    }

    /// Draws the frame and the top screen, or the too-small message.
    public func render(into canvas: inout Canvas) {
        let size = canvas.size
        guard size.contains(minimumSize) else {
            renderTooSmall(into: &canvas)
            return
        }
        let body = Self.bodyArea(in: size)
        renderTitleBar(into: &canvas, area: Rect(x: 0, y: 0, width: size.width, height: 1))
        topScreen.render(into: &canvas, area: body)
        renderStatus(into: &canvas, area: Rect(x: 0, y: body.maxY, width: size.width, height: 1))
        renderKeyBar(into: &canvas, area: Rect(x: 0, y: body.maxY + 1, width: size.width, height: 1))
    }

    func renderTitleBar(into canvas: inout Canvas, area: Rect) {
        canvas.fill(area, style: .title)
        let trail = screens.map(\.title).joined(separator: " › ")
        let right = "\(context.user) · \(context.today)"
        let rightWidth = DisplayWidth.of(right)
        let leftWidth = area.width - (area.width >= rightWidth + 20 ? rightWidth + 2 : 0)
        canvas.put(" Haven · \(trail)", x: area.x, y: area.y, width: leftWidth, style: .title)
        if leftWidth < area.width {
            canvas.put(right, x: area.maxX - rightWidth - 1, y: area.y, style: .title)
        }
    }

    func renderStatus(into canvas: inout Canvas, area: Rect) {
        guard let status else {
            canvas.put(" \(context.storeDescription)", x: area.x, y: area.y, width: area.width, style: .muted)
            return
        }
        let style: Style = switch status.kind {
        case .info: .normal
        case .warning: .warning
        case .error: .error
        }
        canvas.put(" \(status.text) ", x: area.x, y: area.y, width: area.width, style: style)
    }

    /// The bottom bar: the global help key first, then the screen's labelled keys, then back
    /// ("Quit" on the last screen). A global key the screen binds itself, or a printable key
    /// while the screen takes text, is not offered. Items that do not fit are left out whole.
    func renderKeyBar(into canvas: inout Canvas, area: Rect) {
        let screen = topScreen
        let taken = screen.boundKeys
        let globals = Self.globalKeys.keyBarItems { key in
            !taken.contains(key) && !(screen.capturesText && key.typedCharacter != nil)
        }.map { item in
            screens.count == 1 && item.label == "Back" ? KeyBarItem(key: item.key, label: "Quit") : item
        }
        let items = Array(globals.prefix(1)) + screen.keyBarItems + globals.dropFirst()
        var x = area.x
        for item in items {
            let needed = DisplayWidth.of(item.key) + 1 + DisplayWidth.of(item.label) + 1
            guard x + needed <= area.maxX else { continue }
            x += canvas.put(item.key, x: x, y: area.y, style: .keyName)
            x += canvas.put(" \(item.label) ", x: x, y: area.y)
        }
    }

    func renderTooSmall(into canvas: inout Canvas) {
        let need = minimumSize
        let have = canvas.size
        let lines = [
            "Terminal too small",
            "\(have.width)x\(have.height); this screen",
            "needs \(need.width)x\(need.height).",
            "Enlarge it, or q to quit.",
        ]
        let top = max(0, (have.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() where top + offset < have.height {
            let width = min(have.width, DisplayWidth.of(line))
            canvas.put(line, x: max(0, (have.width - width) / 2), y: top + offset,
                       style: offset == 0 ? .warning : .normal)
        }
    }
}
