import HavenCore

/// The store tasks many screens use (open, save, reload, update a case; ask the store; change
/// users, countries or the catalogue), each a value with the commands it answers. A feature's
/// own task lives beside its screen; these are shared, not known to the runtime.
extension Command {
    /// Load a case and open it in the case view.
    public static func openCase(_ id: CaseID) -> Command { .run(OpenCase(id: id)) }
    /// Load a case and open it in the case view on `section` (a proposal to review).
    public static func openCase(_ id: CaseID, at section: CaseSection) -> Command { .run(OpenCase(id: id, section: section)) }
    /// Load a case and open its family screen over its case view.
    public static func openFamily(_ id: CaseID) -> Command { .run(OpenCase(id: id, family: true)) }
    /// Save a case on the version it was loaded at; the outcome comes back as a message.
    public static func save(_ record: Case, basedOn version: CaseVersion) -> Command { .run(SaveCase(record: record, version: version)) }
    /// Load the case again (after a conflict); it comes back as `.loaded`.
    public static func reload(_ id: CaseID) -> Command { .run(ReloadCase(id: id)) }
    /// Take back this session's last change of the case, if nobody has changed it since.
    public static func undo(_ id: CaseID) -> Command { .run(UndoChange(id: id)) }
    /// Register a new case for this defector; unless `confirmedNew`, possible duplicates come
    /// back first as `.possibleDuplicates`; the case view replaces the asking screen.
    public static func register(_ defector: Defector, confirmedNew: Bool) -> Command {
        .run(RegisterDefector(defector: defector, confirmedNew: confirmedNew))
    }
    /// Load each case afresh, apply `change` and save it; the outcome comes back as `.updated`.
    public static func update(_ ids: [CaseID], change: CaseChange) -> Command { .run(UpdateCases(ids: ids, change: change)) }
    /// Load these cases afresh, apply `change` to all and save them together (all or none).
    public static func updateTogether(_ ids: [CaseID], change: GroupChange) -> Command { .run(UpdateTogether(ids: ids, change: change)) }
    /// Ask the store something; the answer comes back as a message.
    public static func query(_ query: StoreQuery) -> Command { .run(AskStore(query: query)) }
    /// Change a user's role (administrators); the new directory comes back as `.users`.
    public static func changeUsers(_ change: UserChange) -> Command { .run(ChangeUsers(change: change)) }
    /// Change the host countries; the new list comes back as `.hostCountries`.
    public static func changeCountries(_ change: HostCountryChange) -> Command { .run(ChangeCountries(change: change)) }
    /// Change the courses or openings; the new catalogue comes back as `.catalogue`.
    public static func changeCatalogue(_ edit: CatalogueEdit) -> Command { .run(ChangeCatalogue(edit: edit)) }
    /// Write a file for the user (a report); the outcome is a status line.
    public static func writeFile(path: String, contents: String) -> Command { .run(WriteFile(path: path, contents: contents)) }
}

/// What the store answered to one of the common tasks (`StoreTasks.swift`). A feature with
/// a task of its own answers with a message type of its own.
public enum StoreReply: Sendable {
    case loaded(StoredCase, history: [AuditEntry])
    /// The case is not this user's: it opens only with a reason (`BreakGlassScreen`).
    case reasonNeeded(CaseID)
    case saved(StoredCase, history: [AuditEntry])
    /// The case changed in another session since it was loaded: who and when.
    case conflict(savedBy: UserName, savedAt: Timestamp)
    /// Cases that may be the same person as the one being registered.
    case possibleDuplicates([PossibleDuplicate])
    case failed(String)
    /// The result of `.update`: the cases saved, and those refused with the reason.
    case updated(saved: [CaseID], refused: [(CaseID, String)])

    /// A refusal of `.updated` after the screen's own "Not approved:" or "HV-… not saved:":
    /// without the workflow's "Nothing saved: ", which said nothing twice.
    static func reason(_ refusal: String) -> String {
        ["Nothing changed: ", "Nothing saved: "].first { refusal.hasPrefix($0) }.map { String(refusal.dropFirst($0.count)) } ?? refusal
    }
    case users(UserDirectory)
    /// The newest entries matching the filter asked for, newest first.
    case auditEntries([AuditEntry], AuditFilter)
    /// The newest access log entries matching the filter asked for, newest first.
    case accessEntries([AccessEntry], AccessFilter)
    case hostCountries([HostCountry])
    case catalogue(IntegrationCatalogue)
    case summaries([CaseSummary])
    /// A background job ended (or was stopped): what it did.
    case jobFinished(String)

    /// What the status line says when the screen that asked has closed meanwhile: a refusal
    /// is never lost with it.
    var statusWhenUnheard: (String, StatusKind)? {
        switch self {
        case let .failed(message): (message, .error)
        case let .reasonNeeded(id): (NeedToKnowError.reasonNeeded(id).description, .error)
        case let .conflict(savedBy, savedAt): ("Not saved: \(savedBy) changed it \(savedAt.minuteText) UTC.", .error)
        case let .updated(_, refused) where !refused.isEmpty: ("\(refused[0].0): \(refused[0].1)", .error)
        default: nil
        }
    }
}

public struct OpenCase: StoreTask, Equatable {
    public let id: CaseID
    public var family = false
    public var section = CaseSection.person
    /// The reason given to open a case that is not this user's (from `BreakGlassScreen`,
    /// which the case view then takes the place of).
    public var reason: String?
    /// With the form of the job follow-up due on top (My work's follow-up line: it was a page
    /// and two keys away, from a walk), when one is due and the reader may record it.
    public var followUp = false

    public init(id: CaseID, family: Bool = false, section: CaseSection = .person, reason: String? = nil, followUp: Bool = false) {
        self.id = id
        self.family = family
        self.section = section
        self.reason = reason
        self.followUp = followUp
    }

    public func run(in session: SessionServices) -> [Command] {
        switch session.load(id, reason: reason) {
        case let .loaded(stored, history):
            var view = CaseViewScreen(stored: stored, history: history, context: session.context)
            view.show(section)
            var opened: [Command] = [reason == nil ? .push(view) : .replace(view)]
            if followUp, stored.record.integration.openPlacement?.nextFollowUp != nil, session.context.may(.recordIntegration) {
                opened.append(.push(IntegrationActions.followUp(stored, context: session.context)))
            }
            if family {
                // The family screen is its own opening in the access log.
                guard case let .success(latest) = session.open(id, part: .family) else {
                    return opened + [.status("The family screen of \(id) cannot be opened.", .error)]
                }
                opened.append(.push(FamilyScreen(stored: latest, context: session.context)))
            }
            return opened
        case let .reasonNeeded(id):
            guard let summary = try? session.store?.summaries().summary(of: id) else { return [.status("There is no case \(id).", .error)] }
            return [.push(BreakGlassScreen(summary: session.visible([summary])[0], family: family, section: section, context: session.context))]
        case let .failed(message):
            return [.status(message, .error)]
        default:
            return []
        }
    }
}

/// Opens the family screen of a case open in the case view: read again, as its own opening
/// in the access log (names, whereabouts and contacts of relatives).
public struct OpenFamilyScreen: StoreTask, Equatable {
    public let id: CaseID

    public func run(in session: SessionServices) -> [Command] {
        switch session.open(id, part: .family) {
        case let .success(stored): [.push(FamilyScreen(stored: stored, context: session.context))]
        case let .failure(refusal): [.status(refusal.reply.statusWhenUnheard?.0 ?? "The family screen of \(id) cannot be opened.", .error)]
        }
    }
}

/// Records that the history of a case open in the case view was shown (the access log's
/// `history` part); says so when it cannot be recorded, or the case may no longer be read.
public struct LogHistoryShown: StoreTask, Equatable {
    public let id: CaseID

    public func run(in session: SessionServices) -> [Command] {
        switch session.open(id, part: .history) {
        case .success: []
        case let .failure(refusal): [.status("The history's opening was not recorded: \(refusal.reply.statusWhenUnheard?.0 ?? "")", .error)]
        }
    }
}

public struct ReloadCase: StoreTask, Equatable {
    public let id: CaseID
    public func run(in session: SessionServices) -> [Command] { [.message(session.load(id))] }
}

public struct SaveCase: StoreTask, Equatable {
    public let record: Case
    public let version: CaseVersion
    public func run(in session: SessionServices) -> [Command] { session.save(record, basedOn: version) }
}

public struct UpdateCases: StoreTask {
    public let ids: [CaseID]
    public let change: CaseChange
    public func run(in session: SessionServices) -> [Command] { session.update(ids, change) }
}

public struct UpdateTogether: StoreTask {
    public let ids: [CaseID]
    public let change: GroupChange
    public func run(in session: SessionServices) -> [Command] { session.updateTogether(ids, change) }
}

/// Undo: the case as it was before this session's last change of it, saved as a new version
/// (the trail keeps both), only if nobody else has saved it since and the change did not move
/// or review it (HavenCore decides). Undoing again redoes.
public struct UndoChange: StoreTask, Equatable {
    public let id: CaseID

    public func run(in session: SessionServices) -> [Command] {
        guard let store = session.store else { return [.status("No store is open.", .error)] }
        guard let last = session.lastChanges[id] else { return [.status("Nothing of yours to undo on \(id) in this session.", .info)] }
        do {
            _ = try store.refresh()
            let current = try store.load(id)
            guard current.version == last.after else {
                let entry = try store.history(of: id).last
                let who = entry.map { "\($0.user) changed it \($0.at.minuteText) UTC" } ?? "it was changed"
                return [.status("Not undone: \(who), after your change. Look again and correct it instead.", .error)]
            }
            let restored = try Workflow.undo(restoring: last.before, current: current.record, by: session.actor)
            let commands = session.save(restored, basedOn: current.version)
            // Saved (the session's last change is now the undo): say so; otherwise the save said why not.
            guard let saved = session.lastChanges[id]?.after, saved != last.after else { return commands }
            // A z on the version an undo saved puts the change back (a walk: it said "Undone").
            let redone = session.undoneAt[id] == current.version
            session.undoneAt[id] = redone ? nil : saved
            return commands + [.status(redone ? "Redone: \(id) has your change again (z again undoes it)."
                                              : "Undone: \(id) is as it was before your last change (z again redoes it).", .info)]
        } catch {
            return [.status("\(error)", .error)]
        }
    }
}

/// The case's edit form (an edit kept from an earlier session is put back as it opens).
public struct OpenEditForm: StoreTask {
    public let stored: StoredCase

    public func run(in session: SessionServices) -> [Command] {
        guard let reference = session.context.reference else { return [.status("Reference data is not loaded, so the form cannot open.", .error)] }
        return [.push(IntakeScreen(editing: stored, reference: reference, today: session.context.today, actor: session.actor))]
    }
}

/// Registers a defector: unless `confirmedNew`, the cases he may duplicate go back to the
/// form first; otherwise the case is saved with the next free number (a number taken
/// meanwhile by another session is retried with the next one), and its case view takes the
/// form's place.
public struct RegisterDefector: StoreTask {
    public let defector: Defector
    public let confirmedNew: Bool

    public func run(in session: SessionServices) -> [Command] {
        guard let store = session.store else { return [.status("No store is open, so nothing can be registered.", .error)] }
        if !confirmedNew, let summaries = try? store.summaries() {
            let index = session.nameIndex?.updating(with: summaries) ?? CaseSearchIndex(summaries)
            session.nameIndex = index
            let byID = Dictionary(uniqueKeysWithValues: summaries.map { ($0.id, $0) })
            let duplicates = DuplicateFinder.candidates(for: defector, in: index, summaries: byID) { try store.load($0).record }
            // A restricted case outside this user's team is still found (registering him twice
            // would be worse), but shown by its number only.
            // Nor which of his details matched: that would confirm a guessed birth date or unit.
            let masked = session.visible(duplicates.map(\.summary))
            if !duplicates.isEmpty {
                return [.message(StoreReply.possibleDuplicates(zip(duplicates, masked).map { found, shown in
                    PossibleDuplicate(summary: shown, reasons: shown.latinName == NeedToKnow.maskedName ? [] : found.reasons)
                }))]
            }
        }
        do {
            for _ in 0..<5 {
                let record = Case(id: try store.nextCaseID(), defector: defector, registeredBy: session.context.user, registeredAt: session.now)
                do {
                    _ = try store.save(record, basedOn: nil, by: session.actor, at: session.now)
                } catch StoreError.alreadyExists {
                    continue
                }
                let stored = try store.load(record.id)
                return [.storeChanged, .replace(CaseViewScreen(stored: stored, history: try store.history(of: record.id), context: session.context)),
                        .status("Registered \(record.id): \(defector.cyrillicName.displayed).", .info)]
            }
            return [.status("Could not find a free case number; try again.", .error)]
        } catch {
            return [.message(StoreReply.failed("\(error)")), .status("\(error)", .error)]
        }
    }
}

/// What a screen can ask the store besides cases.
public enum StoreQuery: Sendable, Equatable {
    case users
    case auditTrail(AuditFilter, limit: Int)
    /// The newest entries of the access log matching the filter.
    case accessLog(AccessFilter, limit: Int)
    case hostCountries
    /// The language courses and job openings, with the summaries their use is counted from.
    case catalogue
    /// Every case's summary (to find a case to link).
    case summaries
}

public struct AskStore: StoreTask, Equatable {
    public let query: StoreQuery

    public func run(in session: SessionServices) -> [Command] {
        session.withStore { store in
            switch query {
            case .users: [.message(StoreReply.users(try store.users()))]
            case let .auditTrail(filter, limit): [.message(StoreReply.auditEntries(try session.auditTrail(filter, limit: limit), filter))]
            case let .accessLog(filter, limit): [.message(StoreReply.accessEntries(try session.accessLog(filter, limit: limit), filter))]
            case .hostCountries: [.message(StoreReply.hostCountries(try store.hostCountries()))]
            case .catalogue: [.message(StoreReply.catalogue(try session.catalogue(of: store)))]
            case .summaries: [.message(StoreReply.summaries(session.visible(try store.summaries())))]
            }
        }
    }
}

public struct ChangeUsers: StoreTask {
    public let change: UserChange

    public func run(in session: SessionServices) -> [Command] {
        session.withStore { store in
            let users = try store.changeUsers(change, by: session.actor, at: session.now)
            let said = switch change {
            case let .add(name, role): "\(name) is now \(role.withArticle)."
            case let .remove(name): "\(name) no longer has a role here."
            case let .setTeam(name, team?): "\(name) is now in team \(team)."
            case let .setTeam(name, nil): "\(name) is now in no team."
            }
            return [.message(StoreReply.users(users)), .status(said, .info)]
        }
    }
}

public struct ChangeCountries: StoreTask {
    public let change: HostCountryChange

    public func run(in session: SessionServices) -> [Command] {
        session.withStore { store in
            let countries = try store.changeHostCountries(change, by: session.actor, at: session.now)
            // What was saved, read back; a kind's number above the quota is kept, and said (only
            // the quota's worth is usable).
            let status: Command
            if let country = countries.first(where: { $0.code == change.country }) {
                status = country.kindsAboveQuota.map { .status("Saved \(country.code): \($0).", .warning) }
                    ?? .status("Saved \(country.code): \(country.placesSummary).", .info)
            } else {
                status = .status("Removed \(change.country).", .info)
            }
            return [.storeChanged, .message(StoreReply.hostCountries(countries)), status]
        }
    }
}

public struct ChangeCatalogue: StoreTask {
    public let edit: CatalogueEdit

    public func run(in session: SessionServices) -> [Command] {
        session.withStore { store in
            switch edit {
            case let .courses(change): _ = try store.changeCatalogue(change, by: session.actor, at: session.now)
            case let .openings(change): _ = try store.changeCatalogue(change, by: session.actor, at: session.now)
            }
            return [.message(StoreReply.catalogue(try session.catalogue(of: store))), .status("Saved: \(edit.title).", .info)]
        }
    }
}

public struct WriteFile: StoreTask, Equatable {
    public let path: String
    public let contents: String

    public func run(in session: SessionServices) -> [Command] {
        do {
            // Recorded before the file is written: a report that is not logged does not leave.
            try session.store?.logAccess(AccessEntry(at: session.now, user: session.actor.user, role: session.actor.role,
                                                     session: session.context.sessionID, part: .report, outcome: .opened, detail: "report written to \(path)"))
            try session.context.writeFile(path, contents)
            return [.status("Wrote \(path).", .info)]
        } catch {
            return [.status("\(error)", .error)]
        }
    }
}
