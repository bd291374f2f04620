import HavenCore

/// The actions every screen shares (tig's generic map), looked up after the screen's own.
public enum GlobalAction: Sendable {
    case help, back, quit, repaint, suspend, messages
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
    /// This session among the user's sessions: its drafts are kept under it, so a second
    /// session of the same user never writes over them.
    public var sessionID: String
    /// The server's time zone: appointments are typed and shown in it, stored in UTC.
    public var localClock: LocalClock = .server
    /// The mixed-integer solver a batch allocation hands its hard part to, and the seconds it
    /// may take (wired by the executable; without one the solver's own search runs alone).
    public var mip: (any PlacementMIP)?
    public var allocationSeconds: Double = 60

    public init(user: UserName, today: CalendarDate, storeDescription: String, startupWarning: String? = nil,
                role: Role = .caseworker, clock: @escaping @Sendable () -> Timestamp = { Timestamp(secondsSinceEpoch: 0) },
                reference: ReferenceData? = nil, accountExists: @escaping @Sendable (String) -> Bool = { _ in true },
                writeFile: @escaping @Sendable (String, String) throws -> Void = { path, _ in
                    throw StoreError.unavailable("no file can be written here (\(path))")
                }, sessionID: String = SessionContext.newSessionID()) {
        self.sessionID = sessionID
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

    /// Twelve random base-36 characters: no two sessions share one.
    public static func newSessionID() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        return String((0..<12).map { _ in digits[Int(generator.next() % 36)] })
    }

    public func may(_ capability: Capability) -> Bool { role.may(capability) }
}
