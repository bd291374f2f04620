import HavenCore

/// What a screen asks the run loop to do after a key. Screens never do I/O themselves.
public enum Effect {
    /// Open a screen on top of this one.
    case push(any Screen)
    /// Close this screen and go back to the one below (quit if it is the last).
    case back
    case quit
    /// A line for the status bar.
    case status(String, StatusKind)
    /// Repaint the whole terminal (after line noise on a bad link).
    case repaint
    /// Load a case and open it in the case view.
    case openCase(CaseID)
    /// Save a case on the version it was loaded at; the outcome comes back through `receive`.
    case save(Case, basedOn: CaseVersion)
    /// Load the case again (after a conflict); the outcome comes back through `receive`.
    case reload(CaseID)
    /// Take back this session's last change of the case, if nobody has changed it since.
    case undo(CaseID)
    /// Open the case and its edit form again with a kept draft's values.
    case resumeEdit(IntakeDraft)
    /// Register a new case for this defector; the case view replaces the screen that asked.
    /// Unless `confirmedNew`, possible duplicates come back through `receive` first.
    case register(Defector, confirmedNew: Bool)
    /// Load each case afresh, apply `change` as the session's actor, and save it; the outcome
    /// (which were saved, which refused and why) comes back through `receive` as `.updated`.
    case update([CaseID], change: CaseChange)
    /// Load these cases afresh, apply `change` to all of them, and save them together (all or
    /// none: a link between two cases); the outcome comes back as `.updated`.
    case updateTogether([CaseID], change: GroupChange)
    /// Load a case and open its family screen (over its case view).
    case openFamily(CaseID)
    /// Ask the store something; the answer comes back through `receive`.
    case query(StoreQuery)
    /// Change a user's role (administrators); the new directory comes back as `.users`.
    case changeUsers(UserChange)
    /// Write a file for the user (a report); the outcome comes back as a status line.
    case writeFile(path: String, contents: String)
    /// Change the host countries (administrators); the new list comes back as `.hostCountries`.
    case changeCountries(HostCountryChange)
    /// Change the courses or openings (administrators); the new catalogue comes back as `.catalogue`.
    case changeCatalogue(CatalogueEdit)
    /// Start a long job; the app runs it in slices between keys with a progress bar on the
    /// status line, and its outcome comes back as `.jobFinished`.
    case startJob(any BackgroundJob)
}

/// A long piece of work (a batch allocation) done a slice at a time, so the screen shows its
/// progress and Esc can stop it between slices.
public protocol BackgroundJob {
    /// "Batch allocation", for the status line.
    var title: String { get }
    /// Does one slice of the work (tens of milliseconds) and says how far it has got.
    mutating func step(store: any CaseStore, context: SessionContext) -> JobStep
}

public enum JobStep {
    case working(phase: String, done: Int, total: Int)
    /// The message for the status line, and whether it reports a failure.
    case finished(message: String, failed: Bool)
}

/// A change to a case made by the workflow as the acting user at a time; it throws the rule
/// that refused it.
public struct CaseChange: Sendable {
    /// What the change is, for the status line: "Reassign to anna.k".
    public let title: String
    public let apply: @Sendable (Case, Actor, Timestamp) throws -> Case

    public init(_ title: String, apply: @escaping @Sendable (Case, Actor, Timestamp) throws -> Case) {
        self.title = title
        self.apply = apply
    }
}

/// A change to several cases at once, made by the workflow as the acting user: the records in
/// the order of the identifiers asked for, and the new ones in the same order. It is also
/// given every case's summary as the store has it at that moment (where linked relatives are
/// placed), so it never works from a screen's stale copy.
public struct GroupChange: Sendable {
    public let title: String
    public let apply: @Sendable ([Case], [CaseSummary], Actor, Timestamp) throws -> [Case]

    public init(_ title: String, apply: @escaping @Sendable ([Case], [CaseSummary], Actor, Timestamp) throws -> [Case]) {
        self.title = title
        self.apply = apply
    }
}

/// What a screen can ask the store besides cases.
public enum StoreQuery: Sendable, Equatable {
    case users
    case auditTrail(AuditFilter, limit: Int)
    case hostCountries
    /// The language courses and job openings, with the summaries their use is counted from.
    case catalogue
    /// Every case's summary (to find a case to link).
    case summaries
}

/// The courses and openings as the store has them, with what the cases use of each (rosters
/// and places filled), worked out once per change rather than on every key.
public struct IntegrationCatalogue: Sendable {
    public let courses: [LanguageCourse]
    public let openings: [JobOpening]
    public private(set) var summaries: [CaseSummary]
    public private(set) var rosters: [String: CourseRoster]
    public private(set) var openingUse: CatalogueUse

    public init(courses: [LanguageCourse], openings: [JobOpening], summaries: [CaseSummary]) {
        self.courses = courses
        self.openings = openings
        self.summaries = summaries
        rosters = CourseRoster.all(for: courses, summaries: summaries)
        openingUse = JobOpening.use(in: summaries)
    }

    /// Takes in other sessions' changes to the cases.
    public mutating func update(summaries: [CaseSummary]) {
        self = IntegrationCatalogue(courses: courses, openings: openings, summaries: summaries)
    }

    public func roster(_ course: LanguageCourse) -> CourseRoster { rosters[course.id] ?? CourseRoster(course: course, summaries: []) }
}

/// An administrator's change to the courses or the openings.
public enum CatalogueEdit: Sendable {
    case courses(CatalogueChange<LanguageCourse>)
    case openings(CatalogueChange<JobOpening>)

    public var title: String {
        switch self {
        case let .courses(change): change.title
        case let .openings(change): change.title
        }
    }
}

/// What the store answered to a screen's `save` or `reload`.
public enum StoreReply {
    case loaded(StoredCase, history: [AuditEntry])
    case saved(StoredCase, history: [AuditEntry])
    /// The case changed in another session since it was loaded: who and when.
    case conflict(savedBy: UserName, savedAt: Timestamp)
    /// Cases that may be the same person as the one being registered.
    case possibleDuplicates([PossibleDuplicate])
    case failed(String)
    /// The result of `.update`: the cases saved, and those refused with the reason.
    case updated(saved: [CaseID], refused: [(CaseID, String)])
    case users(UserDirectory)
    /// The newest entries matching the filter asked for, newest first.
    case auditEntries([AuditEntry], AuditFilter)
    case hostCountries([HostCountry])
    case catalogue(IntegrationCatalogue)
    case summaries([CaseSummary])
    /// A background job ended (or was stopped): what it did.
    case jobFinished(String)
}

public enum StatusKind: Sendable {
    case info, warning, error
}

/// A screen: state plus a pure `handle` and `render`. The app looks a key up in the screen's
/// table first, then offers it to `handleUnboundKey` (text fields take typed characters
/// there), then to the global table.
public protocol Screen {
    associatedtype Action: Sendable

    /// The name in the title bar and at the head of the screen's help section.
    var title: String { get }
    var keyTable: KeyTable<Action> { get }
    /// Below this size the screen is not drawn; the app says the terminal is too small.
    var minimumSize: Size { get }

    /// True while a text field has the keyboard: printable keys are text then, so the key bar
    /// and help offer only keys that still work (F1, Esc).
    var capturesText: Bool { get }
    /// A half-typed form worth keeping through a crash, or nil.
    var unsavedValues: (values: [String: String], focus: String)? { get }
    /// For a kept form that edits an existing case: which case, from which version.
    var draftEdit: (id: CaseID, version: CaseVersion, base: [String: String])? { get }
    /// Whether something typed here would be lost if Haven ended now (a changed form, a note
    /// being written): quitting asks first.
    var hasUnsavedWork: Bool { get }
    /// Told what the store answered to this screen's `save` or `reload`.
    mutating func receive(_ reply: StoreReply) -> [Effect]
    /// Told when the store changed (another session, or this one), with the new summaries.
    /// The top screen's effects are performed (a case view reloads its newer case).
    mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Effect]
    /// Told the body area before each key, so paging can move by what is visible.
    mutating func prepare(for area: Rect)
    mutating func handle(_ action: Action) -> [Effect]
    /// A key not in the table; return nil to let the global table have it.
    mutating func handleUnboundKey(_ key: Key) -> [Effect]?
    func render(into canvas: inout Canvas, area: Rect)
}

extension Screen {
    public var minimumSize: Size { Size(width: 80, height: 24) }

    public mutating func handleUnboundKey(_ key: Key) -> [Effect]? { nil }

    public mutating func prepare(for area: Rect) {}

    public var capturesText: Bool { false }

    public mutating func storeDidChange(_ summaries: [CaseSummary]) -> [Effect] { [] }

    public mutating func receive(_ reply: StoreReply) -> [Effect] { [] }

    public var unsavedValues: (values: [String: String], focus: String)? { nil }

    public var hasUnsavedWork: Bool { unsavedValues != nil }

    public var draftEdit: (id: CaseID, version: CaseVersion, base: [String: String])? { nil }

    /// Looks the key up in the table, then offers it as an unbound key; nil if nobody took it.
    mutating func dispatch(_ key: Key) -> [Effect]? {
        if let action = keyTable.action(for: key) { return handle(action) }
        return handleUnboundKey(key)
    }

    var keyBarItems: [KeyBarItem] { keyTable.keyBarItems { _ in true } }
    var boundKeys: Set<Key> { Set(keyTable.bindings.flatMap(\.keys)) }
    var helpSection: HelpSection { keyTable.helpSection(title: "Keys on the \(title) screen") }

    /// The keys a screen takes beyond its table: editing keys while a text field has the
    /// keyboard, and a form's choice and yes/no keys.
    var moreHelp: [HelpSection] {
        var sections: [HelpSection] = []
        if capturesText { sections.append(TextField.keys.helpSection(title: "Typing in a field")) }
        if self is FormScreen || self is IntakeScreen { sections.append(FormField.choiceKeys.helpSection(title: "On a choice or a yes/no field")) }
        return sections
    }
}

