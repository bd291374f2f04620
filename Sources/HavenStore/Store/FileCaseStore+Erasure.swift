import Foundation
import Glibc
import HavenCore

/// `erasures.json`: the erasures proposed and not yet approved, `{"revision": 3, "proposals":
/// [...]}`, replaced whole under the exclusive lock; each proposal and withdrawal is an audit
/// entry with subject `erasures`. What remains of an erasure made is in the case itself (its
/// tombstone, `Case.erasure`) and in the trail.
struct ErasuresFile: Codable {
    var revision: Int
    var proposals: [ErasureProposal]
    /// Cases whose tombstone is saved and whose history or older versions may still be in the
    /// store: listed by `haven retention --dry-run`, the Retention screen and `haven check`
    /// until an approval finishes them (absent when none).
    var unfinished: [CaseID]?
}

/// Erasure (`ErasureContract` decides; this writes): the tombstone saved, the values of the
/// case's audit entries erased (`TrailRewriter`), every earlier version of the case dropped
/// from the log by a compaction (which writes the queue index again), its drafts removed.
extension FileCaseStore {
    public static let erasuresFile = "erasures.json"

    var erasuresPath: String { directory.appendingPathComponent(Self.erasuresFile).path }

    func readErasures() throws -> ErasuresFile {
        try Self.readKeptFile(ErasuresFile.self, at: erasuresPath, kind: "erasures") ?? ErasuresFile(revision: 0, proposals: [])
    }

    /// Proposals still standing: a case erased since (an erasure whose file was not yet
    /// written when it stopped) is not offered again.
    public func erasureProposals() throws -> [ErasureProposal] {
        let proposals = try withStoreLock(.shared) { try readErasures().proposals }
        _ = try refresh()
        return proposals.filter { summary(of: $0.caseID)?.isErased != true }
    }

    /// Erasures begun and not finished: listed in the file, or a proposal whose case is
    /// erased already (stopped before the file was written).
    public func unfinishedErasures() throws -> [CaseID] {
        let file = try withStoreLock(.shared) { try readErasures() }
        _ = try refresh()
        let stopped = file.proposals.map(\.caseID).filter { summary(of: $0)?.isErased == true }
        return Array(Set((file.unfinished ?? []) + stopped)).sorted()
    }

    /// The newest audit entry about `proposal`'s case's erasure must be that very proposal, by
    /// its proposer: `erasures.json` alone (a file the group can write) is never taken as
    /// another person's word. Read from the trail's end backwards, where a proposal is.
    func requireProposalInTrail(_ proposal: ErasureProposal) throws {
        let key = Array("\"field\":\"\(ErasureContract.subject).\(proposal.caseID.rawValue)\"".utf8)
        var recorded = false
        // The newest entry about it decides, whatever it is.
        try forEachTrailLineBackwards { line in
            guard CaseRecordLine.firstRange(of: key, in: line) != nil else { return true }
            if let (body, _) = try? AuditTrail.verifiedBody(line, what: "an audit line"),
               let entry = (try? JSONDecoder().decode(AuditTrail.Line.self, from: Data(body)))?.entry, entry.user == proposal.proposedBy {
                recorded = entry.changes.contains { $0.field == "\(ErasureContract.subject).\(proposal.caseID)" && $0.before == nil && $0.after == proposal.auditValue }
            }
            return false
        }
        guard !recorded else { return }
        throw StoreError.forbidden("the proposal to erase \(proposal.caseID) in \(Self.erasuresFile) is not the one the audit trail records "
                                   + "from \(proposal.proposedBy); nothing was erased. Run 'haven check', and propose it again")
    }

    /// The erasures file with `id` spent (no longer proposed) and, while `unfinished`, listed as such.
    func markErasure(_ id: CaseID, unfinished: Bool) throws {
        var file = try readErasures()
        file.revision += 1
        file.proposals.removeAll { $0.caseID == id }
        var list = Set(file.unfinished ?? [])
        if unfinished { list.insert(id) } else { list.remove(id) }
        file.unfinished = list.isEmpty ? nil : list.sorted()
        try Self.writeKeptFile(file, to: erasuresPath, manifest: manifest)
    }

    public func proposeErasure(_ proposal: ErasureProposal, schedule: RetentionSchedule, by actor: Actor) throws {
        try withWriteLock {
            let users = try readUsers().directory
            guard let stored = try stored(proposal.caseID) else { throw StoreError.notFound(proposal.caseID) }
            var file = try readErasures()
            file.proposals.removeAll { summary(of: $0.caseID)?.isErased == true }
            let change = try ErasureContract.propose(proposal, schedule: schedule, stored: stored,
                                                     linkedFrom: ErasureContract.linkedFrom(proposal.caseID, in: summaryList),
                                                     pending: file.proposals, actor: actor, users: users)
            file.revision += 1
            file.proposals.append(proposal)
            try replaceKeptFile(file, at: erasuresPath, audited: erasuresEntry(file, change: change, by: actor, at: proposal.proposedAt))
        }
    }

    public func withdrawErasure(of id: CaseID, by actor: Actor, at time: Timestamp) throws {
        try withWriteLock {
            let users = try readUsers().directory
            var file = try readErasures()
            let change = try ErasureContract.withdraw(id, pending: file.proposals, actor: actor, users: users)
            file.revision += 1
            file.proposals.removeAll { $0.caseID == id }
            try replaceKeptFile(file, at: erasuresPath, audited: erasuresEntry(file, change: change, by: actor, at: time))
        }
    }

    private func erasuresEntry(_ file: ErasuresFile, change: FieldChange, by actor: Actor, at time: Timestamp) -> AuditEntry {
        AuditEntry(sequence: lastAuditSequence + 1, at: time, user: actor.user, caseID: nil, subject: ErasureContract.subject,
                   version: CaseVersion(file.revision), changes: [change])
    }

    /// Approves and erases. Each step can be run again: a case already erased (an erasure
    /// stopped part way, by a crash or a busy store) goes on from its tombstone to the steps
    /// left, so `haven retention --approve` finishes what it began.
    public func erase(_ id: CaseID, schedule: RetentionSchedule, by actor: Actor, at time: Timestamp,
                      progress: (String) -> Void) throws -> ErasureReport {
        if let readOnlyReason { throw StoreError.unavailable("\(readOnlyReason); nothing can be erased") }
        progress("Saving what remains of \(id)…")
        let (erasure, version) = try withWriteLock { () throws -> (Erasure, CaseVersion) in
            let users = try readUsers().directory
            guard let stored = try stored(id) else { throw StoreError.notFound(id) }
            if let erasure = stored.record.erasure {
                try ErasureContract.requireEraser(actor, users: users)
                let file = try readErasures()
                guard (file.unfinished ?? []).contains(id) || file.proposals.contains(where: { $0.caseID == id }) else {
                    throw StoreError.forbidden(ErasureError.alreadyErased(id).description + ", and nothing of it is left to finish")
                }
                return (erasure, stored.version)
            }
            let file = try readErasures()
            let (tombstone, entry) = try ErasureContract.approve(
                id, pending: file.proposals, schedule: schedule, stored: stored,
                linkedFrom: ErasureContract.linkedFrom(id, in: summaryList), actor: actor, users: users, at: time,
                sequence: lastAuditSequence + 1)
            try requireProposalInTrail(file.proposals.first { $0.caseID == id }!)
            try append([PreparedSave(record: tombstone, version: entry.version, previous: stored.record, audit: entry)], by: actor, at: time)
            // Spent, and unfinished until the trail and the log are done; a crash before this
            // line leaves the proposal listed, which `unfinishedErasures` counts the same.
            try? markErasure(id, unfinished: true)
            return (tombstone.erasure!, entry.version)
        }
        var report = ErasureReport(caseID: id, erasure: erasure, version: version)
        progress("Erasing the values of \(id)'s history in the audit trail…")
        do {
            (report.entriesErased, report.entriesConverted) = try rewriteTrail(erasing: id, progress: progress)
        } catch {
            throw StoreError.unavailable("\(id)'s record is erased, but its history in the audit trail is not yet (\(error)). "
                                         + "Approve it again to finish ('haven retention --approve \(id)')")
        }
        progress("Erasing the reasons given to open \(id) in the access log…")
        do {
            report.accessReasonsErased = try eraseAccessReasons(of: id, by: actor, at: time)
        } catch {
            throw StoreError.unavailable("\(id)'s record and history are erased, but the reasons given to open it are not yet (\(error)). "
                                         + "Approve it again to finish ('haven retention --approve \(id)')")
        }
        progress("Compacting the log, which drops every earlier version of \(id)…")
        do {
            // Waits a second, not ten, for other sessions to let go of the old log: past it,
            // the last of them to close it frees it (the person waiting is at a screen).
            _ = try compact(by: actor, at: time, retireWait: 1)
            try withWriteLock { try markErasure(id, unfinished: false) }
        } catch {
            report.logNotCompacted = "\(error)"
        }
        (report.draftsRemoved, report.draftsLeft) = removeDrafts(of: id)
        return report
    }

    /// Rewrites `audit.jsonl` with the changes of `id`'s entries, and of those naming it,
    /// erased (`TrailRewriter`; the erasure's own change is kept), and any line of the first
    /// form converted to the second. Read up to a cut with no lock held, the rest under the write lock, then
    /// renamed over the trail; every line is checked against its hash and the chain first, so
    /// a trail that does not verify is never sealed again (nothing changes; `haven check`
    /// names the line).
    func rewriteTrail(erasing id: CaseID, progress: (String) -> Void) throws -> (erased: Int, converted: Int) {
        if try needsReopen || !holdsCurrentFiles() { try reopen() }
        let source = audit
        let cut = try withStoreLock(.shared) { () throws -> Int in
            let bytes = source.size
            guard bytes > 0 else { return 0 }
            let tail = try source.read(at: max(0, bytes - 65536), count: min(bytes, 65536))
            guard let newline = tail.lastIndex(of: 10) else { return 0 }
            return bytes - tail.count + newline + 1
        }
        let newPath = PosixFile.temporaryName(beside: source.path)
        var renamed = false
        defer { if !renamed { PosixFile.unlink(newPath) } }
        let target = try PosixFile(path: newPath, flags: O_RDWR | O_CREAT | O_EXCL | O_APPEND, mode: manifest.fileMode)
        if let groupID { fchown(target.descriptor, getuid(), groupID) }
        var rewriter = TrailRewriter(caseID: id, path: source.path)
        try withoutActuallyEscaping(progress) { progress in
            try rewriter.copy(from: source, range: 0..<cut, to: target) { done in
                progress("Erasing the values of \(id)'s history in the audit trail: \(done * 100 / max(cut, 1))%")
            }
        }
        // On the disk before the lock, so that under it only the tail is written and synced:
        // saves wait for that, not for half a gigabyte.
        try target.sync()
        try withWriteLock {
            guard try source.status().st_ino == audit.status().st_ino, audit.size >= cut else {
                throw StoreError.unavailable("\(audit.path) was replaced or cut back while it was rewritten; nothing was changed, run the erasure again")
            }
            try rewriter.copy(from: audit, range: cut..<audit.size, to: target)
            try target.sync()
            try PosixFile.rename(newPath, to: audit.path)
            renamed = true
            try PosixFile.syncDirectory(directory.path)
            needsReopen = true
        }
        try reopen()
        return (rewriter.erased, rewriter.converted)
    }

    /// Removes the drafts of forms about `id` (`USER~SESSION~HV-….FORM.json`) this account may
    /// remove; those of other accounts (the folder is sticky) are named, and their owner's next
    /// session removes them (`drafts(for:)`).
    func removeDrafts(of id: CaseID) -> (removed: Int, left: [String]) {
        var removed = 0
        var left: [String] = []
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: draftsFolder)) ?? []).sorted()
        where name.hasSuffix(".json") && Self.draftCase(ofFile: name) == id {
            if PosixFile.unlink("\(draftsFolder)/\(name)") { removed += 1 } else { left.append(name) }
        }
        if removed > 0 { try? PosixFile.syncDirectory(draftsFolder) }
        return (removed, left)
    }

    /// The case a draft file's form is about (`USER~SESSION~HV-000002.person.json`), or nil.
    static func draftCase(ofFile name: String) -> CaseID? {
        guard let target = name.split(separator: Character(draftSeparator)).last,
              let head = target.split(separator: ".").first else { return nil }
        return CaseID(String(head))
    }
}

/// One pass over the trail for an erasure: each line checked (its hash, its place in the
/// chain); in the erased case's entries, and in those that name it (its proposal, a subject
/// export of it), every change but the erasure's own has its values and salt replaced by
/// `erased:sha256:…`; lines of the first form are sealed again in the second; the chain goes
/// on. A line of the second form the chain reaches unchanged keeps its seal byte for byte.
struct TrailRewriter {
    let caseID: CaseID
    let path: String
    var oldHash = AuditTrail.genesis
    var newHash = AuditTrail.genesis
    var lineNumber = 0
    var erased = 0
    var converted = 0
    let caseKey: [UInt8]
    let proposalKey: [UInt8]
    let subjectExportKey: [UInt8]
    /// The change an erasure keeps whole: the one that says the erasure happened.
    static let keptField = Array("\"\(ErasureContract.field)\"".utf8)

    init(caseID: CaseID, path: String) {
        self.caseID = caseID
        self.path = path
        caseKey = Array("\"caseID\":\"\(caseID.rawValue)\"".utf8)
        proposalKey = Array("\"field\":\"\(ErasureContract.subject).\(caseID.rawValue)\"".utf8)
        // A subject export's entry: `"after":"\"HV-… for a data-subject request (…) to …\""`.
        subjectExportKey = Array("\"after\":\"\\\"\(caseID.rawValue) for a data-subject request".utf8)
    }

    mutating func copy(from source: PosixFile, range: Range<Int>, to target: PosixFile, progress: (Int) -> Void = { _ in }) throws {
        var offset = range.lowerBound
        var chunk = 8 << 20
        while offset < range.upperBound {
            let bytes = try source.read(at: offset, count: min(chunk, range.upperBound - offset))
            let (lines, complete) = LogScanner.lineRanges(in: bytes)
            guard complete > 0 else {
                guard chunk < range.upperBound - offset else { throw damaged("the trail ends inside a line") }
                chunk *= 2
                continue
            }
            var out: [UInt8] = []
            out.reserveCapacity(complete + 4096)
            for line in lines {
                try rewrite(bytes[line.start..<line.end], into: &out)
            }
            try target.write(out)
            offset += complete
            progress(offset)
        }
    }

    private func damaged(_ reason: String) -> StoreError {
        StoreError.damaged(file: path, position: "line \(lineNumber)",
                           reason: "\(reason); the trail was not rewritten (the case's record is erased, its history not yet). Run 'haven check'")
    }

    /// Whether the line is one whose changes are erased: the case's, or one naming it.
    func names(_ body: [UInt8]) -> Bool {
        CaseRecordLine.firstRange(of: caseKey, in: body[...]) != nil || CaseRecordLine.firstRange(of: proposalKey, in: body[...]) != nil
            || CaseRecordLine.firstRange(of: subjectExportKey, in: body[...]) != nil
    }

    /// Erases every change of a line of the second form but the erasure's own.
    func erasing(_ line: [UInt8]) throws -> [UInt8] {
        let erasedLine = line.withUnsafeBytes { bytes in
            AuditTrail.erasingChanges(ofLine: bytes) { places in
                guard let field = places.field else { return true }
                return !(field.count == Self.keptField.count && bytes[field].elementsEqual(Self.keptField))
            }
        }
        guard let erasedLine else { throw damaged("the entry's changes cannot be read") }
        return erasedLine
    }

    mutating func rewrite(_ line: ArraySlice<UInt8>, into out: inout [UInt8]) throws {
        lineNumber += 1
        let stated: String
        let body: [UInt8]
        do { (body, stated) = try AuditTrail.verifiedBody(line, what: "an audit line") } catch { throw damaged(error.description) }
        guard let previous = Self.field(#""previousHash":""#, in: body), previous == oldHash else {
            throw damaged("the entry does not follow the one before it")
        }
        oldHash = stated
        let ofCase = names(body)
        let form = Array(line).withUnsafeBytes { AuditTrail.Form.of($0) }
        if form == .valuesSealed, previous == newHash {
            if ofCase {
                let erasedLine = try erasing(Array(line))
                if !erasedLine.elementsEqual(line) { erased += 1 }
                out += erasedLine
            } else {
                out += line
            }
            newHash = stated
        } else {
            var decoded: AuditTrail.Line
            do { decoded = try JSONDecoder().decode(AuditTrail.Line.self, from: Data(body)) } catch {
                throw damaged("the entry is not a Haven audit entry")
            }
            decoded.previousHash = newHash
            let (bytes, hash) = try AuditTrail.sealedValues(decoded)
            if ofCase {
                let erasedLine = try erasing(Array(bytes.dropLast()))
                if !erasedLine.elementsEqual(bytes.dropLast()) { erased += 1 }
                out += erasedLine
            } else {
                out += bytes.dropLast()
            }
            newHash = hash
            if form == .plain { converted += 1 }
        }
        out.append(10)
    }

    /// The string after the first `key` (which ends in a quote), up to the next quote.
    static func field(_ key: String, in body: [UInt8]) -> String? {
        let pattern = Array(key.utf8)
        guard let start = CaseRecordLine.firstRange(of: pattern, in: body[...]) else { return nil }
        let from = start + pattern.count
        guard let end = body[from...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: body[from..<end], as: UTF8.self)
    }
}
