import Foundation
import HavenCore

/// The access log file, `access.jsonl`: who read which case, which part, when, from which
/// session, and why when a reason was needed; every export and report. One entry a line,
/// append-only, chained by SHA-256 exactly as the audit trail is:
///
///     {"at":…,"caseID":…,"outcome":"opened","part":"case","previousHash":"…","role":…,"sequence":7,"session":…,"user":…,"hash":"…"}
///
/// `glass.jsonl` beside it holds again the entries a supervisor looks over (reasons given,
/// refusals), unchained: a small file My work reads instead of the whole log; `haven check`
/// finds each of them in the log.
enum AccessLog {
    static let fileName = "access.jsonl"
    static let reasonsFileName = "glass.jsonl"

    struct Line: Codable, Hashable {
        var sequence: Int
        var at: Timestamp
        var user: UserName
        var role: Role
        var session: String
        var part: AccessPart
        var outcome: AccessOutcome
        var caseID: CaseID?
        var reason: String?
        var detail: String?
        var previousHash: String

        init(_ entry: AccessEntry, previousHash: String) {
            sequence = entry.sequence
            at = entry.at
            user = entry.user
            role = entry.role
            session = entry.session
            part = entry.part
            outcome = entry.outcome
            caseID = entry.caseID
            reason = entry.reason
            detail = entry.detail
            self.previousHash = previousHash
        }

        var entry: AccessEntry {
            AccessEntry(sequence: sequence, at: at, user: user, role: role, session: session, part: part, outcome: outcome,
                        caseID: caseID, reason: reason, detail: detail)
        }
    }

    /// The bytes of the line for `entry` after a line whose hash is `previousHash`, and its hash.
    static func encode(_ entry: AccessEntry, previousHash: String) throws -> (bytes: [UInt8], hash: String) {
        try AuditTrail.sealed(Line(entry, previousHash: previousHash))
    }

    /// One line (no newline) checked against its own hash, the previous hash and the number
    /// expected; the entry and its hash.
    static func decode(line: ArraySlice<UInt8>, previousHash: String?, expectedSequence: Int?) throws(AuditTrail.Problem) -> (AccessEntry, String) {
        let (body, stated) = try AuditTrail.verifiedBody(line, what: "an access log line")
        let decoded: Line
        do { decoded = try JSONDecoder().decode(Line.self, from: Data(body)) } catch {
            throw .malformed("the line is not a Haven access entry")
        }
        if let previousHash, decoded.previousHash != previousHash { throw .brokenChain(expectedPrevious: previousHash) }
        if let expectedSequence, decoded.sequence != expectedSequence {
            throw .sequenceGap(expected: expectedSequence, found: decoded.sequence)
        }
        return (decoded.entry, stated)
    }

    /// What a whole read of the log found: its entries (those `keep` wants) and the first problem.
    struct Reading {
        var entries: [AccessEntry] = []
        var count = 0
        var lastHash = AuditTrail.genesis
        var problem: (line: Int, byte: Int, reason: String)?
    }

    /// Reads `bytes` (the whole log) line by line, checking the chain from the start.
    static func read(_ bytes: [UInt8], keep: (AccessEntry) -> Bool = { _ in true }) -> Reading {
        var reading = Reading()
        var start = 0
        var lineNumber = 0
        while start < bytes.count {
            lineNumber += 1
            guard let end = bytes[start...].firstIndex(of: 10) else {
                reading.problem = (lineNumber, start, "the last line has no end: a write that never finished")
                break
            }
            do {
                let (entry, hash) = try decode(line: bytes[start..<end], previousHash: reading.lastHash, expectedSequence: reading.count + 1)
                reading.count += 1
                reading.lastHash = hash
                if keep(entry) { reading.entries.append(entry) }
            } catch {
                reading.problem = (lineNumber, start, error.description)
                break
            }
            start = end + 1
        }
        return reading
    }
}
