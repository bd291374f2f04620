import Foundation
@testable import HavenStore
import HavenCore

/// The record header reader as it was before issue 21 (a tree of values, then the fields):
/// the reference the streaming `RecordHeaderReader` is compared with. Reads a record header, without
/// JSONDecoder: opening a store reads 120,000 of them, and a general decoder spends ~20 µs on
/// each. It accepts any valid JSON object of the header's shape (keys in any order, string
/// escapes, absent optional fields) and returns nil for anything else, so the caller can fall
/// back to JSONDecoder and name the problem.
enum ReferenceHeaderReader {
    enum Value {
        case string(String)
        case number(Int)
        case object([String: Value])
        case array([Value])
        case boolean(Bool)
        case null
    }

    /// An optional string field read as `T`: `.some(nil)` when absent or null, `.some(value)`
    /// when it reads, nil when it is there but malformed (the caller then refuses the header).
    static func optional<T>(_ value: Value?, _ make: (String) -> T?) -> T?? {
        switch value {
        case nil, .null?: return .some(nil)
        case let .string(text)?: return make(text).map { .some($0) }
        default: return nil
        }
    }

    static func read(_ bytes: [UInt8]) -> RecordHeader? {
        bytes.withUnsafeBufferPointer { buffer -> RecordHeader? in
            var reader = Reader(bytes: buffer)
            guard case let .object(fields)? = reader.value(depth: 0), reader.atEnd,
                  case let .number(sequence)? = fields["auditSequence"],
                  case let .string(idText)? = fields["id"], let id = CaseID(idText),
                  case let .number(version)? = fields["version"],
                  case let .string(byText)? = fields["savedBy"], let savedBy = UserName(byText),
                  case let .string(atText)? = fields["savedAt"], let savedAt = Timestamp(iso: atText),
                  case let .object(summary)? = fields["summary"],
                  case let .string(cyrillic)? = summary["cyrillicName"],
                  case let .string(latin)? = summary["latinName"],
                  case let .string(stageText)? = summary["stage"], let stage = CaseStage(rawValue: stageText),
                  case let .string(enteredText)? = summary["stageEnteredAt"], let entered = Timestamp(iso: enteredText)
            else { return nil }
            guard let assignedTo = optional(summary["assignedTo"], UserName.init),
                  let country = optional(summary["country"], CountryCode.init) else { return nil }
            var flags: [CaseFlag]?
            switch summary["flags"] {
            case nil, .null?: break
            case let .array(items)?:
                var parsed: [CaseFlag] = []
                for item in items {
                    guard case let .string(text) = item, let flag = CaseFlag(rawValue: text) else { return nil }
                    parsed.append(flag)
                }
                flags = parsed
            default: return nil
            }
            var decision: DecisionSummary?
            switch summary["decision"] {
            case nil, .null?: break
            case let .object(fields)?:
                guard case let .string(outcomeText)? = fields["outcome"], let outcome = DecisionOutcome(rawValue: outcomeText),
                      case let .string(byText)? = fields["proposedBy"], let by = UserName(byText),
                      case let .string(atText)? = fields["proposedAt"], let at = Timestamp(iso: atText) else { return nil }
                guard let review = review(fields) else { return nil }
                decision = DecisionSummary(outcome: outcome, proposedBy: by, proposedAt: at, verdict: review.verdict,
                                           reviewedAt: review.at)
            default: return nil
            }
            var allocation: AllocationSummary?
            switch summary["allocation"] {
            case nil, .null?: break
            case let .object(fields)?:
                guard case let .string(countryText)? = fields["country"], let country = CountryCode(countryText),
                      case let .string(byText)? = fields["proposedBy"], let by = UserName(byText),
                      case let .string(atText)? = fields["proposedAt"], let at = Timestamp(iso: atText) else { return nil }
                guard let review = review(fields) else { return nil }
                var places: [PlaceKind]?
                switch fields["places"] {
                case nil, .null?: break
                case let .array(items)?:
                    var parsed: [PlaceKind] = []
                    for item in items {
                        guard case let .string(text) = item, let kind = PlaceKind(rawValue: text) else { return nil }
                        parsed.append(kind)
                    }
                    places = parsed
                default: return nil
                }
                allocation = AllocationSummary(country: country, proposedBy: by, proposedAt: at, verdict: review.verdict,
                                               reviewedAt: review.at, places: places)
            default: return nil
            }
            var integration: IntegrationSummary?
            switch summary["integration"] {
            case nil, .null?: break
            case let .object(fields)?:
                guard let parsed = Self.integration(fields) else { return nil }
                integration = parsed
            default: return nil
            }
            var family: [FamilyMemberSummary]?
            switch summary["family"] {
            case nil, .null?: break
            case let .array(items)?:
                var members: [FamilyMemberSummary] = []
                for item in items {
                    guard case let .object(fields) = item, let member = Self.familyMember(fields) else { return nil }
                    members.append(member)
                }
                family = members
            default: return nil
            }
            var publicity: PublicitySummary?
            switch summary["publicity"] {
            case nil, .null?: break
            case let .object(fields)?:
                guard case let .string(givenText)? = fields["consentGiven"], let given = CalendarDate(iso: givenText) else { return nil }
                guard let withdrawn = optional(fields["withdrawn"], CalendarDate.init(iso:)), let review = review(fields),
                      let digest = optional(fields["digest"], { $0 }) else { return nil }
                publicity = PublicitySummary(consentGiven: given, withdrawn: withdrawn, verdict: review.verdict, digest: digest)
            default: return nil
            }
            var attention: AttentionSummary?
            switch summary["attention"] {
            case nil, .null?: break
            case let value? where { if case .object = value { true } else { false } }():
                // Read by the library's decoder from the same value, once its keys are only those
                // Haven writes (the streaming reader is as strict).
                guard Self.hasOnlyAttentionKeys(value), let data = try? JSONSerialization.data(withJSONObject: Self.foundation(value), options: [.fragmentsAllowed]),
                      let decoded = try? JSONDecoder().decode(AttentionSummary.self, from: data) else { return nil }
                attention = decoded
            default: return nil
            }
            var restriction: RestrictionSummary?
            switch summary["restriction"] {
            case nil, .null?: break
            case let .object(fields)? where Set(fields.keys) == ["team"]:
                guard case let .array(items)? = fields["team"] else { return nil }
                var team: [UserName] = []
                for item in items {
                    guard case let .string(name) = item, let user = UserName(name) else { return nil }
                    team.append(user)
                }
                restriction = RestrictionSummary(team: team)
            default: return nil
            }
            var stored = StoredSummary.empty
            stored.restriction = restriction
            stored.attention = attention
            stored.family = family
            stored.publicity = publicity
            stored.integration = integration
            stored.allocation = allocation
            stored.decision = decision
            stored.flags = flags
            stored.cyrillicName = cyrillic
            stored.latinName = latin
            stored.stage = stage
            stored.stageEnteredAt = entered
            stored.assignedTo = assignedTo
            stored.country = country
            var header = RecordHeader(id: id, version: CaseVersion(version), savedBy: savedBy, savedAt: savedAt,
                                      auditSequence: sequence, summary: stored)
            switch (fields["part"], fields["parts"]) {
            case (nil, nil): break
            case let (.number(part)?, .number(parts)?) where part >= 1 && part <= parts: header.part = part; header.parts = parts
            default: return nil
            }
            return header
        }
    }

    /// The attention object and everything in it hold only the keys Haven writes.
    static func hasOnlyAttentionKeys(_ value: Value) -> Bool {
        func keys(_ value: Value, _ allowed: Set<String>) -> [String: Value]? {
            guard case let .object(fields) = value, Set(fields.keys).isSubset(of: allowed) else { return nil }
            return fields
        }
        func each(_ value: Value?, _ allowed: Set<String>) -> Bool {
            switch value {
            case nil, .null?: return true
            case let .array(items)?: return items.allSatisfy { keys($0, allowed) != nil }
            default: return false
            }
        }
        guard let top = keys(value, ["assignment", "returned", "mentions", "appointments"]) else { return false }
        if let assignment = top["assignment"], case .object = assignment, keys(assignment, ["by", "at"]) == nil { return false }
        return each(top["returned"], ["kind", "proposedBy", "by", "at", "comment"]) && each(top["mentions"], ["note", "author", "at", "users"])
            && each(top["appointments"], ["id", "kind", "at", "minutes", "attendees"])
    }

    /// The value as Foundation's JSON objects.
    static func foundation(_ value: Value) -> Any {
        switch value {
        case let .string(text): text
        case let .number(number): number
        case let .object(fields): fields.mapValues(foundation)
        case let .array(items): items.map(foundation)
        case let .boolean(flag): flag
        case .null: NSNull()
        }
    }

    /// A family member's summary; nil when any part is malformed.
    static func familyMember(_ fields: [String: Value]) -> FamilyMemberSummary? {
        guard case let .number(id)? = fields["id"],
              case let .string(relationText)? = fields["relationship"], let relationship = Relationship(rawValue: relationText),
              case let .string(stageText)? = fields["stage"], let stage = ReunificationStage(rawValue: stageText) else { return nil }
        guard let action = optional(fields["nextAction"], { $0 }), let due = optional(fields["due"], CalendarDate.init(iso:)),
              let linked = optional(fields["linkedCase"], CaseID.init) else { return nil }
        var member = FamilyMemberSummary(id: id, relationship: relationship, stage: stage, nextAction: action, due: due, linkedCase: linked)
        switch fields["highRisk"] {
        case nil, .null?: break
        case .boolean(true)?: member.highRisk = true
        default: return nil
        }
        return member
    }

    /// An integration summary; nil when any part is malformed.
    static func integration(_ fields: [String: Value]) -> IntegrationSummary? {
        func date(_ value: Value?) -> CalendarDate?? { optional(value, CalendarDate.init(iso:)) }
        func objects(_ key: String) -> [[String: Value]]? {
            switch fields[key] {
            case nil, .null?: return []
            case let .array(items)?:
                var result: [[String: Value]] = []
                for item in items { guard case let .object(object) = item else { return nil }; result.append(object) }
                return result
            default: return nil
            }
        }
        func strings(_ key: String) -> [String]? {
            switch fields[key] {
            case nil, .null?: return []
            case let .array(items)?:
                var result: [String] = []
                for item in items { guard case let .string(text) = item else { return nil }; result.append(text) }
                return result
            default: return nil
            }
        }
        guard let arrived = date(fields["arrivedOn"]), let seatObjects = objects("seats"), let levelObjects = objects("levels"),
              let progressObjects = objects("progress"), let occupationTexts = strings("occupations"),
              let applications = strings("applications") else { return nil }
        var summary = IntegrationSummary(arrivedOn: arrived, applications: applications)
        for seat in seatObjects {
            guard case let .string(course)? = seat["course"], case let .string(statusText)? = seat["status"],
                  let status = EnrolmentStatus(rawValue: statusText), case let .some(requested?) = date(seat["requestedOn"]) else { return nil }
            summary.seats.append(CourseSeat(course: course, status: status, requestedOn: requested))
        }
        for level in levelObjects {
            guard case let .string(code)? = level["language"], let language = LanguageCode(code),
                  case let .string(levelText)? = level["level"], let value = CEFRLevel(rawValue: levelText) else { return nil }
            summary.levels.append(LanguageLevel(language: language, level: value))
        }
        for item in progressObjects {
            guard case let .string(code)? = item["language"], let language = LanguageCode(code),
                  case let .string(firstText)? = item["first"], let first = CEFRLevel(rawValue: firstText),
                  case let .string(latestText)? = item["latest"], let latest = CEFRLevel(rawValue: latestText),
                  case let .some(on?) = date(item["latestOn"]), case let .number(count)? = item["assessments"] else { return nil }
            summary.progress.append(LevelProgress(language: language, first: first, latest: latest, latestOn: on, assessments: count))
        }
        for text in occupationTexts {
            guard let code = ISCOCode(text) else { return nil }
            summary.occupations.append(code)
        }
        guard let specialty = optional(fields["specialty"], { $0 }) else { return nil }
        summary.specialty = specialty
        switch fields["employment"] {
        case nil, .null?: break
        case let .object(job)?:
            guard case let .some(started?) = date(job["startedOn"]), let ended = date(job["endedOn"]),
                  let due = date(job["followUpDue"]) else { return nil }
            var employment = EmploymentSummary(startedOn: started, endedOn: ended, followUpDue: due)
            guard let opening = optional(job["openingID"], { $0 }) else { return nil }
            employment.openingID = opening
            switch job["followUpMonths"] {
            case nil, .null?: break
            case let .number(months)?: employment.followUpMonths = months
            default: return nil
            }
            summary.employment = employment
        default: return nil
        }
        return summary
    }

    /// The optional `verdict` and `reviewedAt` of a proposal summary; nil when either is malformed.
    static func review(_ fields: [String: Value]) -> (verdict: Review.Verdict?, at: Timestamp?)? {
        guard let verdict = optional(fields["verdict"], Review.Verdict.init(rawValue:)),
              let at = optional(fields["reviewedAt"], Timestamp.init(iso:)) else { return nil }
        return (verdict, at)
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var atEnd: Bool {
            mutating get { skipSpace(); return offset == bytes.count }
        }

        mutating func skipSpace() {
            while offset < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[offset]) { offset += 1 }
        }

        mutating func expect(_ byte: UInt8) -> Bool {
            skipSpace()
            guard offset < bytes.count, bytes[offset] == byte else { return false }
            offset += 1
            return true
        }

        mutating func value(depth: Int) -> Value? {
            skipSpace()
            // Containers no deeper than 5; a string may sit at 6 (the names in a mention's `users`).
            guard offset < bytes.count, depth < 6 || depth == 6 && bytes[offset] == UInt8(ascii: "\"") else { return nil }
            switch bytes[offset] {
            case UInt8(ascii: "{"):
                offset += 1
                var fields: [String: Value] = [:]
                if expect(UInt8(ascii: "}")) { return .object(fields) }
                repeat {
                    skipSpace()
                    guard let key = string(), expect(UInt8(ascii: ":")), let value = value(depth: depth + 1) else { return nil }
                    fields[key] = value
                } while expect(UInt8(ascii: ","))
                return expect(UInt8(ascii: "}")) ? .object(fields) : nil
            case UInt8(ascii: "["):
                offset += 1
                var items: [Value] = []
                if expect(UInt8(ascii: "]")) { return .array(items) }
                repeat {
                    guard let item = value(depth: depth + 1) else { return nil }
                    items.append(item)
                } while expect(UInt8(ascii: ","))
                return expect(UInt8(ascii: "]")) ? .array(items) : nil
            case UInt8(ascii: "\""):
                return string().map(Value.string)
            case UInt8(ascii: "n"):
                guard bytes.count - offset >= 4, bytes[offset + 1] == UInt8(ascii: "u"), bytes[offset + 2] == UInt8(ascii: "l"),
                      bytes[offset + 3] == UInt8(ascii: "l") else { return nil }
                offset += 4
                return .null
            case UInt8(ascii: "t"), UInt8(ascii: "f"):
                let word = bytes[offset] == UInt8(ascii: "t") ? Array("true".utf8) : Array("false".utf8)
                guard bytes.count - offset >= word.count, Array(bytes[offset..<offset + word.count]) == word else { return nil }
                offset += word.count
                return .boolean(word.count == 4)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let negative = bytes[offset] == UInt8(ascii: "-")
                if negative { offset += 1 }
                var number = 0
                var digits = 0
                while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) {
                    number = number &* 10 &+ Int(bytes[offset] - UInt8(ascii: "0"))
                    offset += 1
                    digits += 1
                }
                guard digits > 0, digits < 19 else { return nil }
                if offset < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[offset]) { return nil }
                return .number(negative ? -number : number)
            default:
                return nil
            }
        }

        /// A JSON string at the cursor, escapes decoded; nil if it is not one.
        mutating func string() -> String? {
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { return nil }
            offset += 1
            let start = offset
            // Fast path: no escapes, so the bytes are the string.
            while offset < bytes.count, bytes[offset] != UInt8(ascii: "\""), bytes[offset] != UInt8(ascii: "\\") {
                guard bytes[offset] >= 0x20 else { return nil }
                offset += 1
            }
            guard offset < bytes.count else { return nil }
            if bytes[offset] == UInt8(ascii: "\"") {
                defer { offset += 1 }
                return String(validating: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
            }
            var content = Array(bytes[start..<offset])
            while offset < bytes.count {
                let byte = bytes[offset]
                offset += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(validating: content, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard offset < bytes.count else { return nil }
                    let escape = bytes[offset]
                    offset += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): content.append(escape)
                    case UInt8(ascii: "b"): content.append(0x08)
                    case UInt8(ascii: "f"): content.append(0x0C)
                    case UInt8(ascii: "n"): content.append(0x0A)
                    case UInt8(ascii: "r"): content.append(0x0D)
                    case UInt8(ascii: "t"): content.append(0x09)
                    case UInt8(ascii: "u"):
                        guard var scalar = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(scalar) {
                            guard bytes.count - offset >= 6, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else { return nil }
                            offset += 2
                            guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { return nil }
                        content += Array(String(Character(unicode)).utf8)
                    default: return nil
                    }
                default:
                    guard byte >= 0x20 else { return nil }
                    content.append(byte)
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard bytes.count - offset >= 4 else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = Character(Unicode.Scalar(bytes[offset])).hexDigitValue else { return nil }
                value = value << 4 | UInt32(digit)
                offset += 1
            }
            return value
        }
    }
}
