import HavenCore

/// Approves marked proposals one by one, each on the case as it is now and against what the
/// supervisor was shown, so a proposal changed or reviewed meanwhile is refused, not approved
/// blind; the rest go on.
public struct ApproveMarked: StoreTask {
    public struct Item: Sendable {
        public let id: CaseID
        public let kind: ApprovalKind
        public let seen: ProposalSeen
    }

    public struct Done: Sendable {
        public let approved: [CaseID]
        public let refused: [(CaseID, String)]
    }

    public let items: [Item]

    public func run(in session: SessionServices) -> [Command] {
        var approved: [CaseID] = []
        var refused: [(CaseID, String)] = []
        var changed = false
        for item in items {
            for command in session.update([item.id], CaseActions.approve(item.id, kind: item.kind, seen: item.seen)) {
                if case .storeChanged = command { changed = true }
                if case let .message(reply as StoreReply) = command, case let .updated(saved, failed) = reply {
                    approved += saved
                    refused += failed
                }
            }
        }
        return (changed ? [.storeChanged] : []) + [.message(Done(approved: approved, refused: refused))]
    }
}

/// The supervisor's saved filters: read when the queue opens, and `saving` one added and kept.
/// Answers with the settings as kept.
public struct ApprovalFilters: StoreTask {
    public struct Kept: Sendable {
        public let settings: UserSettings
        public let saved: ApprovalFilter?
    }

    public let saving: ApprovalFilter?

    public func run(in session: SessionServices) -> [Command] {
        guard let store = session.store else { return [] }
        do {
            var settings = try store.settings(for: session.context.user)
            if let saving {
                settings = settings.saving(saving)
                try store.keepSettings(settings, for: session.context.user)
            }
            return [.message(Kept(settings: settings, saved: saving))]
        } catch {
            return [.status("The filter could not be saved: \(error)", .error)]
        }
    }
}
