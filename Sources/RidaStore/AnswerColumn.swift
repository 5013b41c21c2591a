import Foundation
import RidaCore

/// A response's rating answers, kept in the response's own row as a JSON object: item id →
/// scale value, or `"na"` for "not applicable"; a skipped item has no key. One row per response
/// means a submission writes one place, not one row per answer elsewhere, and SQLite's
/// `json_each` still reads the answers as rows (see `CellAccumulator.recompute`).
enum AnswerColumn {
    static let notApplicable = "na"

    static func encode(_ answers: [ItemAnswer]) -> String {
        var text = "{"
        for answer in answers {
            if text.utf8.count > 1 { text += "," }
            text += "\"" + escaped(answer.item) + "\":"
            switch answer.value {
            case .value(let value): text += String(value)
            case .notApplicable: text += "\"\(notApplicable)\""
            }
        }
        return text + "}"
    }

    /// The answers of a stored object; nil if the text is not such an object.
    static func decode(_ text: String) -> [ItemAnswer]? {
        fastDecode(text) ?? generalDecode(text)
    }

    /// The objects this store writes: `{"item":4,"other":"na"}`, without spaces or escapes.
    private static func fastDecode(_ text: String) -> [ItemAnswer]? {
        var text = text
        return text.withUTF8 { bytes -> [ItemAnswer]? in
            var index = 0
            func next() -> UInt8? { index < bytes.count ? bytes[index] : nil }
            guard next() == UInt8(ascii: "{") else { return nil }
            index += 1
            var answers: [ItemAnswer] = []
            if next() == UInt8(ascii: "}") { return index + 1 == bytes.count ? answers : nil }
            while true {
                guard next() == UInt8(ascii: "\"") else { return nil }
                index += 1
                let start = index
                while let byte = next(), byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") { index += 1 }
                guard next() == UInt8(ascii: "\""), index > start else { return nil }
                let item = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                guard next() == UInt8(ascii: ":") else { return nil }
                index += 1
                if next() == UInt8(ascii: "\"") {
                    let na = Array(notApplicable.utf8)
                    guard index + na.count + 2 <= bytes.count, Array(bytes[(index + 1)...(index + na.count)]) == na,
                        bytes[index + na.count + 1] == UInt8(ascii: "\"")
                    else { return nil }
                    index += na.count + 2
                    answers.append(ItemAnswer(item: item, value: .notApplicable))
                } else {
                    var negative = false
                    if next() == UInt8(ascii: "-") {
                        negative = true
                        index += 1
                    }
                    var value = 0
                    var digits = 0
                    while let byte = next(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte), digits < 18 {
                        value = value * 10 + Int(byte - UInt8(ascii: "0"))
                        digits += 1
                        index += 1
                    }
                    guard digits > 0 else { return nil }
                    answers.append(ItemAnswer(item: item, value: .value(negative ? -value : value)))
                }
                switch next() {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): return index + 1 == bytes.count ? answers : nil
                default: return nil
                }
            }
        }
    }

    /// Any other JSON object of the same meaning (say, with spaces).
    private static func generalDecode(_ text: String) -> [ItemAnswer]? {
        guard
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else { return nil }
        var answers: [ItemAnswer] = []
        for (item, value) in object {
            if let number = value as? Int {
                answers.append(ItemAnswer(item: item, value: .value(number)))
            } else if value as? String == notApplicable {
                answers.append(ItemAnswer(item: item, value: .notApplicable))
            } else {
                return nil
            }
        }
        return answers
    }

    /// Item ids are identifiers (letters, digits, hyphens), so this only guards the format.
    private static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
