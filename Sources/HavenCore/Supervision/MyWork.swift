import Foundation

/// One line of My work: something that needs this person, why, and where Enter takes them.
public struct WorkItem: Hashable, Sendable, Identifiable {
    /// Why the line is there, most urgent first (the order of the cases is the order of the list).
    public enum Reason: Int, Hashable, Sendable, CaseIterable, Comparable {
        case toRecord, late, appointmentToday, dueToday, returned, assigned, mention, proposed, access, approval, overdue, appointmentTomorrow

        public var title: String {
            switch self {
            case .toRecord: "To record"
            case .late: "Late"
            case .appointmentToday: "Today"
            case .dueToday: "Due today"
            case .returned: "Returned"
            case .assigned: "New case"
            case .proposed: "Proposed"
            case .mention: "Mention"
            case .access: "Access"
            case .approval: "Approval"
            case .overdue: "Overdue"
            case .appointmentTomorrow: "Tomorrow"
            }
        }

        public static func < (a: Reason, b: Reason) -> Bool { a.rawValue < b.rawValue }
    }

    /// Where the line is dealt with.
    public enum Place: Hashable, Sendable {
        case caseView(CaseID)
        /// The case, at its integration, with the job's follow-up due to record.
        case integration(CaseID)
        /// The case, at its proposal of this kind (to amend, approve or return).
        case proposal(CaseID, ReturnedProposal.Kind)
        case family(CaseID)
        /// The case's appointments, this one selected.
        case appointments(CaseID, appointment: Int)
        case notes(CaseID)
        case approvals
        /// This person's own overdue cases (`StageTargets.daysLate`; a caseworker's queue, narrowed).
        case overdueCases
        /// This person's own cases in a stage (a caseworker's queue, narrowed to it).
        case ownCases(CaseStage)
        /// A caseworker's overdue cases (the queue narrowed to them and late):
        /// a supervisor's overdue line, which opened the workload before, whose Enter listed all
        /// of that caseworker's cases (a walk).
        case lateCases(of: UserName)
        /// The access log, on this case.
        case accessLog(CaseID)
    }

    /// Stable while the thing it is about is unchanged: what a dismissal records. A new event
    /// (another return, a new time) gives a new id, so it is shown again.
    public var id: String
    public var reason: Reason
    public var caseID: CaseID?
    public var text: String
    /// When it fell or falls due, or happened: the order within a reason.
    public var when: Timestamp
    public var place: Place
    /// How many proposals the line stands for: one, or those past the lines shown each
    /// ("34 more proposals waiting"), so a heading can count proposals, not lines.
    public var proposals: Int

    public init(id: String, reason: Reason, caseID: CaseID?, text: String, when: Timestamp, place: Place, proposals: Int = 1) {
        self.id = id
        self.reason = reason
        self.caseID = caseID
        self.text = text
        self.when = when
        self.place = place
        self.proposals = proposals
    }

    /// Lines that are information rather than work: opening them from My work is reading them.
    public var isDoneWhenOpened: Bool { [.assigned, .proposed, .mention, .access].contains(reason) }
}

/// Everything that needs one person now, worked out from the summaries alone (no case is read),
/// in one pass over them. What counts is set out in docs/DECISIONS.md ("What needs me").
public enum MyWork {
    /// How many of the oldest approvals get a line each; the rest are one line.
    public static let approvalLines = 20

    /// Information (a new case, a mention) stands this many days, then goes by itself: the
    /// note stays on the case, and the list of what was dismissed stays small.
    public static let informationDays = 30

    public static func items(for user: UserName, role: Role, cases: [CaseSummary], now: Timestamp, clock: LocalClock,
                             targets: StageTargets, dismissed: Set<String> = [], access: [AccessEntry] = []) -> [WorkItem] {
        list(for: user, role: role, cases: cases, now: now, clock: clock, targets: targets, dismissed: dismissed, access: access).items
    }

    /// The lines, and the id of every line that stands now, dismissed or not, the approvals past
    /// the twentieth included: what a dismissal may still refer to (others are forgotten).
    public static func list(for user: UserName, role: Role, cases: [CaseSummary], now: Timestamp, clock: LocalClock,
                            targets: StageTargets, dismissed: Set<String> = [], access: [AccessEntry] = []) -> (items: [WorkItem], standing: Set<String>) {
        var scan = Scan(user: user, supervises: role.may(.reviewDecision), now: now, clock: clock, targets: targets, dismissed: dismissed)
        // Each summary handed over in place: binding it to a local first copied it (retaining
        // its dozen strings and arrays), half the time at 120,000 cases.
        for position in cases.indices { scan.take(cases[position]) }
        // A supervisor hears of each case opened with a reason, and each refusal, in their team
        // (`NeedToKnow.supervisorsTold`: the caller passes those), for a month, until read.
        if scan.supervises {
            // One line a reader and case: the newest reason (the log keeps every one).
            var told: Set<String> = []
            for entry in access.sorted(by: { $0.sequence > $1.sequence }) where entry.user != user && scan.isRecent(entry.at) {
                // A refusal for want of a reason is the step before one; a restricted case tried
                // from outside its team is worth a supervisor's look.
                guard let id = entry.caseID, NeedToKnow.tellsSupervisors(entry), told.insert("\(entry.user)|\(id)").inserted else { continue }
                let text = entry.outcome == .reasoned
                    ? "\(entry.user) opened it (\(entry.part.title)): \(entry.reason ?? "")"
                    : "\(entry.user) tried to open it (\(entry.part.title)); it is restricted" + (entry.reason.map { ": \($0)" } ?? "")
                scan.add(WorkItem(id: "access:\(entry.sequence)", reason: .access, caseID: id, text: text, when: entry.at, place: .accessLog(id)))
            }
        }
        let items = scan.finished()
        return (items, scan.standing)
    }

    /// One pass over the summaries, and what it has found so far.
    struct Scan {
        let user: UserName
        let supervises: Bool
        let now: Timestamp
        let clock: LocalClock
        let targets: StageTargets
        let dismissed: Set<String>
        let today: CalendarDate
        let tomorrow: CalendarDate
        var items: [WorkItem] = []
        var approvals: [(at: Timestamp, id: CaseID, kind: ApprovalKind, by: UserName)] = []
        var overdue: [UserName: (count: Int, oldest: Int)] = [:]
        /// A caseworker's own overdue cases: one line (a supervisor has the team's).
        var ownOverdue: (count: Int, oldest: Int) = (0, 0)
        /// Whether one of them is past its stage's target: a late follow-up alone has its own
        /// line, and is not said twice.
        var ownPastTarget = false
        /// Countries proposed by others on this person's cases: a line each, or one a proposer
        /// and day (a batch proposes for many at once).
        var proposedToMe: [(at: Timestamp, id: CaseID, country: CountryCode, by: UserName)] = []
        var standing: Set<String> = []

        init(user: UserName, supervises: Bool, now: Timestamp, clock: LocalClock, targets: StageTargets, dismissed: Set<String>) {
            self.user = user
            self.supervises = supervises
            self.now = now
            self.clock = clock
            self.targets = targets
            self.dismissed = dismissed
            today = clock.day(of: now)
            tomorrow = today.adding(days: 1)
        }

        mutating func add(_ item: WorkItem) {
            standing.insert(item.id)
            if !dismissed.contains(item.id) { items.append(item) }
        }

        /// Information older than `informationDays` has gone by itself.
        func isRecent(_ time: Timestamp) -> Bool { time.date.days(until: today) <= informationDays }

        static func proposalKind(_ kind: ApprovalKind) -> ReturnedProposal.Kind { if case .allocation = kind { .allocation } else { .decision } }

        mutating func take(_ summary: CaseSummary) {
            let id = summary.id
            let mine = summary.assignedTo == user && summary.stage != .closed
            if supervises, let pending = summary.pendingApproval, pending.proposedBy != user {
                approvals.append((pending.proposedAt, id, pending.kind, pending.proposedBy))
            }
            if supervises, let assignee = summary.assignedTo, let days = targets.daysLate(summary, on: today) {
                let before = overdue[assignee] ?? (0, 0)
                overdue[assignee] = (before.count + 1, max(before.oldest, days))
            }
            if mine, !supervises, let days = targets.daysLate(summary, on: today) {
                ownOverdue = (ownOverdue.count + 1, max(ownOverdue.oldest, days))
                if targets.isOverdue(summary, on: today) { ownPastTarget = true }
            }
            if mine, let employment = summary.integration?.employment, employment.endedOn == nil,
               let months = employment.followUpMonths, let due = employment.followUpDue,
               let state = employment.followUpState(on: today), state != .upcoming {
                // Late only past the grace days, as the case and the queue say.
                let late = state == .overdue
                add(WorkItem(id: "follow-up:\(id):\(months):\(due)", reason: late ? .late : .dueToday, caseID: id,
                             text: "\(months)-month job follow-up \(late ? "late since" : "due") \(due)",
                             when: Timestamp(date: due), place: .integration(id)))
            }
            if mine {
                for member in summary.family where member.isOpen {
                    guard let due = member.due, due <= today else { continue }
                    let late = due < today
                    let action = member.nextAction.map { ": \($0)" } ?? ""
                    add(WorkItem(id: "family:\(id):\(member.id):\(due)", reason: late ? .late : .dueToday, caseID: id,
                                 text: "\(member.relationship.title)\(action) (\(late ? "late since" : "due") \(due))",
                                 when: Timestamp(date: due), place: .family(id)))
                }
            }
            if mine, summary.isReturnedToCaseworker { takeReturn(summary) }
            // Someone else proposed a country for their case (the batch, run by a supervisor, or
            // a supervisor by hand), waiting for approval: information, as a new case is (a
            // batch's they may amend or withdraw). A supervisor has it as an approval already.
            if mine, !supervises, summary.isAwaitingAllocationReview, let allocation = summary.allocation,
               allocation.proposedBy != user, isRecent(allocation.proposedAt) {
                proposedToMe.append((allocation.proposedAt, id, allocation.country, allocation.proposedBy))
            }
            guard let attention = summary.attention else { return }
            // Ended at `now` counts as ended: the list is worked out again as each minute begins.
            for appointment in attention.appointments where appointment.attendees.contains(user) || (mine && appointment.ends <= now) {
                let day = clock.day(of: appointment.at)
                let reason: WorkItem.Reason
                if appointment.ends <= now { reason = .toRecord }
                else if day <= today { reason = .appointmentToday }
                else if day == tomorrow { reason = .appointmentTomorrow }
                else { continue }
                let text = reason == .toRecord
                    ? "\(appointment.kind.title), \(clock.text(appointment.at)): held or not?"
                    : "\(appointment.kind.title) at \(clock.clockText(appointment.at)) (\(appointment.minutes) min)"
                // The phase is in the id: a reminder dismissed today still asks to be recorded.
                let phase = reason == .toRecord ? "record" : reason == .appointmentToday ? "today" : "tomorrow"
                add(WorkItem(id: "appointment-\(phase):\(id):\(appointment.id):\(appointment.at)", reason: reason, caseID: id,
                             text: text, when: appointment.at, place: .appointments(id, appointment: appointment.id)))
            }
            if mine, let assignment = attention.assignment, assignment.by != user, isRecent(assignment.at) {
                add(WorkItem(id: "assigned:\(id):\(assignment.at)", reason: .assigned, caseID: id,
                             text: "Given to you by \(assignment.by) on \(clock.day(of: assignment.at)) (\(summary.stage.title))",
                             when: assignment.at, place: .caseView(id)))
            }
            for mention in attention.mentions where mention.users.contains(user) && mention.author != user && isRecent(mention.at) {
                add(WorkItem(id: "mention:\(id):\(mention.note)", reason: .mention, caseID: id,
                             text: "\(mention.author) mentioned you in note \(mention.note + 1) on \(clock.day(of: mention.at))",
                             when: mention.at, place: .notes(id)))
            }
        }

            /// A proposal of this caseworker's returned at the case's present stage: with whose and
        /// the comment from the attention summary; a line saved before it existed (an older
        /// store) still shows, with who and when from the decision or allocation.
        mutating func takeReturn(_ summary: CaseSummary) {
            let id = summary.id
            let kind: ReturnedProposal.Kind = summary.stage == .decision ? .decision : .allocation
            let title = kind == .decision ? "Decision" : "Allocation"
            let returns = (summary.attention?.returned ?? []).filter { $0.kind == kind }
            for returned in returns {
                let comment = returned.comment.isEmpty ? "" : ": \u{201C}\(returned.comment)\u{201D}"
                let whose = returned.proposedBy == user ? "" : " (proposed by \(returned.proposedBy))"
                add(WorkItem(id: "returned:\(id):\(kind.rawValue):\(returned.at)", reason: .returned, caseID: id,
                             text: "\(title) returned by \(returned.by)\(comment)\(whose)", when: returned.at, place: .proposal(id, kind)))
            }
            guard returns.isEmpty else { return }
            guard let at = kind == .decision ? summary.decision?.reviewedAt : summary.allocation?.reviewedAt else { return }
            add(WorkItem(id: "returned:\(id):\(kind.rawValue):\(at)", reason: .returned, caseID: id,
                         text: "\(title) returned on \(clock.day(of: at)): the comment is on the case", when: at, place: .proposal(id, kind)))
        }

        /// A line for each case proposed by others, or one a proposer and day when several are:
        /// a batch of 60 is one line, not 60 standing a month (from a review).
        mutating func takeProposedToMe() {
            let groups = Dictionary(grouping: proposedToMe) { "\($0.by) \(clock.day(of: $0.at))" }
            for key in groups.keys.sorted() {
                let group = groups[key]!.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
                let first = group[0], newest = group[group.count - 1].at
                let day = clock.day(of: first.at)
                let prefix = "proposed:\(first.by):\(day):"
                // A group's line dismissed stays so while nothing newer and no more are waiting,
                // down to the last one of them (a review found the count alone in the id brought
                // it back with one reviewed, and a single line's id brought back the last one).
                if let dismissal = dismissedGroup(prefix, newest: newest, count: group.count) {
                    standing.insert(dismissal)
                    continue
                }
                if group.count == 1 {
                    add(WorkItem(id: "proposed:\(first.id):\(first.at)", reason: .proposed, caseID: first.id,
                                 text: "\(first.country) proposed by \(first.by) on \(day), waiting for approval",
                                 when: first.at, place: .proposal(first.id, .allocation)))
                } else {
                    // About them all, not the first: it opens their queue at Allocation.
                    add(WorkItem(id: prefix + "\(newest.secondsSinceEpoch):\(group.count)", reason: .proposed, caseID: nil,
                                 text: "\(first.by) proposed countries for \(group.count) of your cases (\(day)), waiting for approval",
                                 when: first.at, place: .ownCases(.allocation)))
                }
            }
        }

        /// The dismissed id of a grouped line (`prefix` + the newest proposal's time and the
        /// count) that still covers a group whose newest is `newest` and count `count`; an id
        /// kept from before the time was in it (the count alone) covers by its count.
        func dismissedGroup(_ prefix: String, newest: Timestamp, count: Int) -> String? {
            dismissed.first { id in
                guard id.hasPrefix(prefix) else { return false }
                let parts = id.dropFirst(prefix.count).split(separator: ":").map { Int64($0) }
                switch parts.count {
                case 1: return (parts[0] ?? 0) >= Int64(count)
                case 2: return (parts[0] ?? .min) >= newest.secondsSinceEpoch && (parts[1] ?? 0) >= Int64(count)
                default: return false
                }
            }
        }

        mutating func finished() -> [WorkItem] {
            approvals.sort { ($0.at, $0.id) < ($1.at, $1.id) }
            var shown = 0
            var notShown = 0
            // Past the lines shown, an approval's id is made only while some approval is
            // dismissed (30,000 strings a pass at 120,000 cases otherwise, for nothing).
            let anyDismissed = dismissed.contains { $0.hasPrefix("approval:") }
            for approval in approvals {
                if shown >= approvalLines, !anyDismissed { notShown += 1; continue }
                let key = "approval:\(approval.id):\(approval.at)"
                standing.insert(key)
                guard !dismissed.contains(key) else { continue }
                guard shown < approvalLines else { notShown += 1; continue }
                shown += 1
                let days = max(0, approval.at.date.days(until: today))
                add(WorkItem(id: key, reason: .approval, caseID: approval.id,
                             text: "\(approval.kind.title) proposed by \(approval.by), waiting \(days) day\(days == 1 ? "" : "s")",
                             when: approval.at, place: .proposal(approval.id, Self.proposalKind(approval.kind))))
            }
            if notShown > 0 {
                add(WorkItem(id: "approvals-more:\(approvals.count)", reason: .approval, caseID: nil,
                             text: "\(notShown) more proposal\(notShown == 1 ? "" : "s") waiting: open Approvals",
                             when: now, place: .approvals, proposals: notShown))
            }
            takeProposedToMe()
            // A walk found a caseworker's own late stage work nowhere on their list, while
            // their supervisor's said "anna.k: 45 cases overdue".
            if ownOverdue.count > 0, ownPastTarget {
                let (count, oldest) = ownOverdue
                add(WorkItem(id: "own-overdue:\(count)", reason: .overdue, caseID: nil,
                             text: "\(count) of your cases \(count == 1 ? "is" : "are") overdue (up to \(oldest) days late)",
                             when: Timestamp(secondsSinceEpoch: -Int64(oldest) * 86_400), place: .overdueCases))
            }
            for (assignee, figures) in overdue {
                add(WorkItem(id: "overdue:\(assignee):\(figures.count)", reason: .overdue, caseID: nil,
                             text: "\(assignee): \(figures.count) case\(figures.count == 1 ? "" : "s") overdue (up to \(figures.oldest) days late)",
                             when: Timestamp(secondsSinceEpoch: -Int64(figures.oldest) * 86_400), place: .lateCases(of: assignee)))
            }
            return items.sorted { ($0.reason, $0.when, $0.id) < ($1.reason, $1.when, $1.id) }
        }
    }

    /// Whether `role` has a My work: those who work on cases.
    public static func applies(to role: Role) -> Bool { role.may(.editCase) }
}
