import Foundation
import HavenCore

/// The need-to-know rule and the access log (chained lines as the file store's `access.jsonl`),
/// and erasure, all in transactions.
extension PostgresCaseStore {
    public func read(_ id: CaseID, part: AccessPart, by reader: Reader, reason: String?, at time: Timestamp) throws -> StoredCase {
        try locked {
            guard let stored = try stored(id) else { throw StoreError.notFound(id) }
            let users = try readUsers().directory
            try requireCurrentRole(reader.actor, in: users)
            let before = reasonsGiven[reader.actor.user]?.contains(id) == true
            let judged: (entry: AccessEntry, refusal: NeedToKnowError?)
            do {
                judged = try NeedToKnow.judge(CaseSummary(stored), part: part, by: reader, reason: reason,
                                              reasonGivenBefore: before, users: users, at: time)
            } catch let error as NeedToKnowError { throw StoreError.needToKnow(error) }
            try logAccess(judged.entry)
            if let refusal = judged.refusal { throw StoreError.needToKnow(refusal) }
            if judged.entry.outcome == .reasoned { reasonsGiven[reader.actor.user, default: []].insert(id) }
            return stored
        }
    }

    public func hasReason(_ user: UserName, toOpen id: CaseID) -> Bool { locked { reasonsGiven[user]?.contains(id) == true } }

    /// Numbered and chained under the lock of the log's own head row, so reading a case never
    /// waits for a save.
    public func logAccess(_ entry: AccessEntry) throws {
        try locked {
            try link.transaction {
                guard let head = try link.query("SELECT sequence, hash FROM \(schema).access_head WHERE id = 1 FOR UPDATE").first else {
                    throw StoreError.damaged(file: "\(schema).access_head", position: "row 1", reason: "the access log's head row is missing")
                }
                var numbered = entry
                numbered.sequence = try head.int(0) + 1
                let (bytes, hash) = try AccessLog.encode(numbered, previousHash: try head.text(1))
                try link.query("INSERT INTO \(schema).access_log (sequence, line) VALUES ($1, $2)",
                               [.int(numbered.sequence), .text(String(decoding: bytes.dropLast(), as: UTF8.self))])
                try link.query("UPDATE \(schema).access_head SET sequence = $1, hash = $2 WHERE id = 1", [.int(numbered.sequence), .text(hash)])
            }
        }
    }

    public func accessLog(matching filter: AccessFilter, limit: Int) throws -> [AccessEntry] {
        try newest(in: "access_log", limit: limit) { (line: AccessLog.Line) in filter.matches(line.entry) ? line.entry : nil }
    }

    // MARK: Erasure

    func readErasures() throws -> ErasuresFile {
        try readKept(ErasuresFile.self, ErasureContract.subject) ?? ErasuresFile(revision: 0, proposals: [], unfinished: nil)
    }

    public func erasureProposals() throws -> [ErasureProposal] {
        let proposals = try readErasures().proposals
        try catchUp()
        return locked { proposals.filter { mirror[$0.caseID]?.isErased != true } }
    }

    /// An erasure here is one transaction: it is done whole or not at all, so none is left unfinished.
    public func unfinishedErasures() throws -> [CaseID] { [] }

    public func proposeErasure(_ proposal: ErasureProposal, schedule: RetentionSchedule, by actor: Actor) throws {
        try administratorChange(by: actor, at: proposal.proposedAt, subject: ErasureContract.subject) { _, users in
            guard let stored = try stored(proposal.caseID) else { throw StoreError.notFound(proposal.caseID) }
            var file = try readErasures()
            file.proposals.removeAll { mirror[$0.caseID]?.isErased == true }
            let change = try ErasureContract.propose(proposal, schedule: schedule, stored: stored,
                                                     linkedFrom: ErasureContract.linkedFrom(proposal.caseID, in: Array(mirror.values)),
                                                     pending: file.proposals, actor: actor, users: users)
            file.revision += 1
            file.proposals.append(proposal)
            try writeKept(file, ErasureContract.subject, revision: file.revision)
            return ((), file.revision, [change])
        }
    }

    public func withdrawErasure(of id: CaseID, by actor: Actor, at time: Timestamp) throws {
        try administratorChange(by: actor, at: time, subject: ErasureContract.subject) { _, users in
            var file = try readErasures()
            let change = try ErasureContract.withdraw(id, pending: file.proposals, actor: actor, users: users)
            file.revision += 1
            file.proposals.removeAll { $0.caseID == id }
            try writeKept(file, ErasureContract.subject, revision: file.revision)
            return ((), file.revision, [change])
        }
    }

    /// The newest trail entry about the case's erasure must be this very proposal by its
    /// proposer: the `erasures` row alone (which supervisors can write) is never another
    /// person's word.
    func requireProposalInTrail(_ proposal: ErasureProposal) throws {
        let field = "\(ErasureContract.subject).\(proposal.caseID)"
        let rows = try link.query("SELECT line FROM \(schema).audit WHERE subject = $1 AND strpos(line, $2) > 0 ORDER BY sequence DESC LIMIT 1",
                                  [.text(ErasureContract.subject), .text("\"field\":\"\(field)\"")])
        if let row = rows.first, let (body, _) = try? AuditTrail.verifiedBody(Array(try row.text(0).utf8)[...], what: "an audit line"),
           let entry = (try? JSONDecoder().decode(AuditTrail.Line.self, from: Data(body)))?.entry, entry.user == proposal.proposedBy,
           entry.changes.contains(where: { $0.field == field && $0.before == nil && $0.after == proposal.auditValue }) {
            return
        }
        throw StoreError.forbidden("The proposal to erase \(proposal.caseID) is not in the audit trail as \(proposal.proposedBy)'s; nothing was erased. Propose it again.")
    }

    /// Approves and erases in one transaction: the tombstone as the case's only version, the
    /// values of its audit entries (and of the entries naming it) erased with every seal kept,
    /// the reasons typed to open it erased from the access log (sealed again), its drafts gone.
    public func erase(_ id: CaseID, schedule: RetentionSchedule, by actor: Actor, at time: Timestamp,
                      progress: (String) -> Void) throws -> ErasureReport {
        try locked {
            progress("Erasing \(id)…")
            try catchUp() // outside the lock, as a save does
            let report = try link.transaction { () throws -> ErasureReport in
                var head = try lockHead()
                try catchUp()
                let users = try readUsers(head: head).directory
                guard let stored = try stored(id) else { throw StoreError.notFound(id) }
                var file = try readErasures()
                let (tombstone, entry) = try ErasureContract.approve(
                    id, pending: file.proposals, schedule: schedule, stored: stored,
                    linkedFrom: ErasureContract.linkedFrom(id, in: Array(mirror.values)), actor: actor, users: users, at: time,
                    sequence: head.auditSequence + 1)
                try requireProposalInTrail(file.proposals.first { $0.caseID == id }!)
                try writeCases([(tombstone, entry.version)], by: actor.user, at: time, head: &head)
                progress("Erasing \(id)'s values in the audit trail…")
                let erased = try eraseTrailValues(of: id, head: &head)
                try appendAudit([entry], to: &head)
                progress("Erasing the reasons given to open \(id)…")
                let reasons = try eraseAccessReasons(of: id)
                file.revision += 1
                file.proposals.removeAll { $0.caseID == id }
                try writeKept(file, ErasureContract.subject, revision: file.revision)
                try link.query("SELECT \(schema).erase_drafts($1::int)", [.int(id.number)])
                try writeHead(head)
                var report = ErasureReport(caseID: id, erasure: tombstone.erasure!, version: entry.version, entriesErased: erased, entriesConverted: 0)
                report.accessReasonsErased = reasons
                return report
            }
            try catchUp()
            return report
        }
    }

    /// Rewrites the lines of the case and those naming it (proposals, a subject export) with
    /// their values erased; every line is verified first and the chain is checked whole, and a
    /// line of the first form anywhere means the trail is sealed again from there.
    func eraseTrailValues(of id: CaseID, head: inout Head) throws -> Int {
        var rewriter = TrailRewriter(caseID: id, path: "\(schema).audit")
        var after = 0
        var sequences: [Int] = [], lines: [String] = []
        while true {
            let rows = try link.query("SELECT sequence, line FROM \(schema).audit WHERE sequence > $1 ORDER BY sequence LIMIT 10000", [.int(after)])
            guard !rows.isEmpty else { break }
            for row in rows {
                after = try row.int(0)
                let line = try row.text(1)
                var out: [UInt8] = []
                try rewriter.rewrite(Array(line.utf8)[...], into: &out)
                out.removeLast()
                if !out.elementsEqual(line.utf8) {
                    sequences.append(after)
                    lines.append(String(decoding: out, as: UTF8.self))
                }
            }
        }
        for start in stride(from: 0, to: lines.count, by: 5000) {
            let range = start..<min(start + 5000, lines.count)
            try link.query("UPDATE \(schema).audit a SET line = t.l FROM unnest($1::bigint[], $2::text[]) AS t(s, l) WHERE a.sequence = t.s",
                           [.ints(Array(sequences[range])), .texts(Array(lines[range]))])
        }
        guard rewriter.oldHash == head.auditHash else {
            throw StoreError.damaged(file: "\(schema).audit", position: "its end", reason: "the trail's last entry is not the one the store's head names; nothing was erased. Run 'haven check'")
        }
        head.auditHash = rewriter.newHash
        return rewriter.erased
    }

    /// The reasons typed to open the case, as "(erased)"; the log sealed again from the first.
    func eraseAccessReasons(of id: CaseID) throws -> Int {
        guard let head = try link.query("SELECT sequence, hash FROM \(schema).access_head WHERE id = 1 FOR UPDATE").first else { return 0 }
        let rows = try link.query("SELECT sequence, line FROM \(schema).access_log ORDER BY sequence")
        var hash = AuditTrail.genesis
        var changed = 0
        var resealing = false
        var sequences: [Int] = [], lines: [String] = []
        for row in rows {
            let line = Array(try row.text(1).utf8)
            var (entry, stated): (AccessEntry, String)
            do { (entry, stated) = try AccessLog.decode(line: line[...], previousHash: resealing ? nil : hash, expectedSequence: try row.int(0)) } catch {
                throw StoreError.damaged(file: "\(schema).access_log", position: "entry \(try row.int(0))", reason: "\(error); nothing was erased. Run 'haven check'")
            }
            if entry.caseID == id, entry.reason != nil, entry.reason != FileCaseStore.erasedReason {
                entry.reason = FileCaseStore.erasedReason
                changed += 1
                resealing = true
            }
            if resealing {
                let (bytes, next) = try AccessLog.encode(entry, previousHash: hash)
                sequences.append(entry.sequence)
                lines.append(String(decoding: bytes.dropLast(), as: UTF8.self))
                hash = next
            } else {
                hash = stated
            }
        }
        guard changed > 0 else { return 0 }
        for start in stride(from: 0, to: lines.count, by: 5000) {
            let range = start..<min(start + 5000, lines.count)
            try link.query("UPDATE \(schema).access_log a SET line = t.l FROM unnest($1::bigint[], $2::text[]) AS t(s, l) WHERE a.sequence = t.s",
                           [.ints(Array(sequences[range])), .texts(Array(lines[range]))])
        }
        try link.query("UPDATE \(schema).access_head SET hash = $1 WHERE id = 1 AND sequence = $2", [.text(hash), .int(try head.int(0))])
        return changed
    }
}
