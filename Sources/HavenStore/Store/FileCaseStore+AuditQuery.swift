import Foundation
import HavenCore

extension FileCaseStore {
    /// The newest `limit` audit entries matching `filter`, newest first. A case filter reads
    /// only that case's entries (through the audit index); otherwise the trail is read from
    /// its end backwards (sequence order, newest first, whatever the clock said), a few megabytes at
    /// a time, and a line is decoded only when its user and date already match.
    public func auditTrail(matching filter: AuditFilter, limit: Int) throws -> [AuditEntry] {
        if let id = filter.caseID {
            return Array(try history(of: id).filter(filter.matches).reversed().prefix(limit))
        }
        return try withStoreLock(.shared) {
            var found: [AuditEntry] = []
            let userNeedle = filter.user.map { Array(#""user":"\#($0.rawValue)""#.utf8) }
            let atKey = Array(#"{"at":""#.utf8)
            try forEachTrailLineBackwards { line in
                guard line.starts(with: atKey), line.count > atKey.count + 10 else { return true }
                let dateText = String(decoding: line[(line.startIndex + atKey.count)..<(line.startIndex + atKey.count + 10)], as: UTF8.self)
                if let date = CalendarDate(iso: dateText) {
                    if let to = filter.to, date > to { return true }
                    // No early stop: the trail is in sequence order, and a clock set back
                    // can put an older time after a newer one.
                    if let from = filter.from, date < from { return true }
                }
                if let userNeedle, CaseRecordLine.firstRange(of: userNeedle, in: line) == nil { return true }
                guard let entry = (try? JSONDecoder().decode(AuditTrail.Line.self, from: Data(line)))?.entry,
                      filter.matches(entry) else { return true }
                found.append(entry)
                return found.count < limit
            }
            return found
        }
    }

    /// Calls `body` with each whole line of the trail, newest first, read from the end a few
    /// megabytes at a time, until it answers false. The caller holds a lock.
    func forEachTrailLineBackwards(_ body: (ArraySlice<UInt8>) throws -> Bool) throws {
        var end = audit.size
        var carry: [UInt8] = [] // the start of a line cut by the chunk boundary
        while end > 0 {
            let start = max(0, end - 4_194_304)
            let chunk = try audit.read(at: start, count: end - start) + carry
            end = start
            var lines = chunk.split(separator: 10, omittingEmptySubsequences: true)
            if start > 0, !lines.isEmpty { carry = Array(lines.removeFirst()) } else { carry = [] }
            for line in lines.reversed() where try !body(line) { return }
        }
    }
}
