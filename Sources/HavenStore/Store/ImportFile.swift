import Foundation
import HavenCore

/// Reads an import file: a JSON array of cases, as `haven export --include-sensitive` writes
/// it. The cases are decoded on every core, each from its own bytes, by `DirectJSONDecoder`
/// (JSONDecoder took 0.2 ms a case, most of an import's time); when any fails, the whole file
/// is decoded again as one document, so the error names the file, line, column and path
/// exactly as before.
enum ImportFile {
    static func decodeCases(_ data: Data, file: String) throws(ReferenceDataError) -> [Case] {
        let decoded: [Case]? = data.withUnsafeBytes { raw -> [Case]? in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let elements = elements(of: bytes) else { return nil }
            return try? Parallel.map(elements.count, chunkSize: 64) { index -> Case in
                let element = UnsafeBufferPointer(rebasing: bytes[elements[index]])
                // The quick decoder, or JSONDecoder where it is not sure (the same value either way).
                if let record = try? DirectJSONDecoder.decode(Case.self, from: element) { return record }
                return try JSONDecoder().decode(Case.self, from: Data(element))
            }
        }
        if let decoded { return decoded }
        if let refusal = madeWithoutSensitiveFields(data, file: file) { throw refusal }
        return try ReferenceDataDecoder.decode(data, file: file)
    }

    /// An export made without `--include-sensitive`, of cases with family: importing it would
    /// lose every family member's whereabouts and contact, or invent them. It is refused with
    /// one message that names the first such case and says what to do, not a decoder's error.
    static func madeWithoutSensitiveFields(_ data: Data, file: String) -> ReferenceDataError? {
        data.withUnsafeBytes { raw -> ReferenceDataError? in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let elements = elements(of: bytes) else { return nil }
            for (number, element) in elements.enumerated() {
                guard let object = try? JSONSerialization.jsonObject(with: Data(UnsafeBufferPointer(rebasing: bytes[element]))) as? [String: Any],
                      let family = object["family"] as? [[String: Any]],
                      family.contains(where: { member in SensitiveField.allCases.allSatisfy { member[$0.rawValue] == nil } }) else { continue }
                let id = object["id"] as? String ?? "record \(number)"
                return ReferenceDataError(file: file, position: nil, path: "", message: """
                    \(id) (record \(number)) lists family members without their whereabouts, country, contact or notes: \
                    the file was exported without the sensitive fields, and importing it would lose where the family is. \
                    Nothing was imported. Ask an administrator to export again with 'haven export --include-sensitive' \
                    and import that file.
                    """)
            }
            return nil
        }
    }

    /// Where each element of a top-level JSON array of objects lies (whitespace allowed between
    /// and within them); nil when the bytes are not such an array, for the whole decoder to say why.
    static func elements(of bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        var index = 0
        func skipSpace() { while index < bytes.count, isSpace(bytes[index]) { index += 1 } }
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return nil }
        index += 1
        skipSpace()
        var elements: [Range<Int>] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            skipSpace()
            return index == bytes.count ? elements : nil
        }
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
            let start = index
            var depth = 0
            var inString = false
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if inString {
                    if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                default: break
                }
                if depth == 0 { break }
            }
            guard depth == 0, !inString, index <= bytes.count else { return nil }
            elements.append(start..<index)
            skipSpace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                skipSpace()
                return index == bytes.count ? elements : nil
            }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
            skipSpace()
        }
    }
}
