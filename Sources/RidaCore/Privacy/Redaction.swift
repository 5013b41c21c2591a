import Foundation

/// Masks personal data in free-text comments before they reach any output (docs/security.md,
/// Privacy): phone numbers, e-mail addresses and Saudi national ID / iqama numbers.
///
/// Each masked span is replaced by a fixed ASCII marker — `[phone]`, `[email]`, `[id]` — that
/// reads the same in every language and holds no digit or `@`, so masking masked text changes
/// nothing. Everything outside the spans, bidi marks included, is kept scalar for scalar.
///
/// Matching reads the text as a person sees it: invisible characters (zero-width space, joiners,
/// word joiner, byte-order mark, soft hyphen, variation selectors, the keycap mark) are skipped,
/// and full-width and other compatibility forms count as what they look like (NFKC: `０５５` is
/// `055`, `＠` is `@`, circled `⑤` and superscript `⁵` are `5`); digits of every script count. A masked span swallows the invisible
/// characters inside it.
///
/// The rules (digits may be Western `0-9`, Arabic-Indic `٠-٩`, Extended Arabic-Indic `۰-۹`,
/// Bengali `০-৯`, full-width `０-９` or any other decimal digits, mixed freely):
/// - A *number* is one or more digit groups joined by a single `.` or `/`, or by up to three
///   spaces, dashes, slashes or parentheses (bidi marks between groups are ignored). Dates
///   written `d-m-yyyy`, `yyyy-m-d`, `d/m/yyyy`, `d.m.yyyy` or `d m yyyy` are never part of a
///   number, so a date next to another number cannot look like a phone.
/// - Saudi phones: `05…`/`01…` with 10 digits; `+966`, `00966` or bare `966` followed by `5` or `1`
///   and 8 more digits (a trunk `0` after the country code is allowed).
/// - Other phones: `+` and 8–15 digits; `00` and 10–13 more digits.
/// - A phone ends with a single-digit group only when it is no phone without it, so
///   "0551234567 3 times" keeps its "3" while `055 123 456 7` and `0 5 5 1 2 3 4 5 6 7` are masked.
/// - E-mail: ASCII `local@domain.tld`, the domain having at least two labels and a TLD of two or
///   more letters; non-ASCII letters (Arabic written right against it) end the address.
/// - National ID / iqama: exactly 10 digits, written together or in groups separated only by
///   spaces, not inside a longer run, starting with 1 (citizen) or 2 (resident), Luhn-valid.
/// Anything else — amounts, dates, times, years, counts, percentages, verse references,
/// reference numbers — is left alone.
public enum Redaction {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case phone, email, nationalID

        /// What replaces a masked span of this kind.
        public var marker: String {
            switch self {
            case .phone: "[phone]"
            case .email: "[email]"
            case .nationalID: "[id]"
            }
        }
    }

    public struct Result: Sendable, Hashable {
        public var text: String
        /// The kinds masked, in the order they appear in the text.
        public var masked: [Kind]

        public init(text: String, masked: [Kind]) {
            self.text = text
            self.masked = masked
        }
    }

    public static func mask(_ text: String) -> Result {
        let original = Array(text.unicodeScalars)
        // The text as it reads: invisible characters out, compatibility forms folded. `origin`
        // maps each scalar of the view back to its place in the text.
        var scalars: [Unicode.Scalar] = []
        var origin: [Int] = []
        scalars.reserveCapacity(original.count)
        origin.reserveCapacity(original.count)
        for (index, scalar) in original.enumerated() where !isInvisible(scalar) {
            if let digits = compatibilityDigits(scalar) {
                // ⑩ reads as two digits: both map back to the one scalar.
                scalars.append(contentsOf: digits)
                origin.append(contentsOf: repeatElement(index, count: digits.count))
            } else {
                scalars.append(folded(scalar))
                origin.append(index)
            }
        }
        var taken = [Bool](repeating: false, count: scalars.count)
        var spans: [Span] = []
        // E-mails first (their local parts may hold digits), then phones, then IDs in what is left.
        for finder in [emails, phones, nationalIDs] {
            for span in finder(scalars, taken) {
                spans.append(span)
                for index in span.range { taken[index] = true }
            }
        }
        guard !spans.isEmpty else { return Result(text: text, masked: []) }

        spans.sort { $0.range.lowerBound < $1.range.lowerBound }
        var output = String.UnicodeScalarView()
        var cursor = 0
        for span in spans {
            let start = origin[span.range.lowerBound]
            output.append(contentsOf: original[cursor..<start])
            output.append(contentsOf: span.kind.marker.unicodeScalars)
            cursor = origin[span.range.upperBound - 1] + 1
        }
        output.append(contentsOf: original[cursor...])
        return Result(text: String(output), masked: spans.map(\.kind))
    }

    /// A comment as it is stored: masked, so no database, backup or export ever holds what was
    /// typed into it.
    public static func storedComment(_ text: String) -> String {
        mask(text).text
    }
}

// MARK: - Spans

extension Redaction {
    fileprivate struct Span {
        var range: Range<Int>
        var kind: Kind
    }

    /// A maximal run of digits.
    fileprivate struct Group {
        var range: Range<Int>
        var digits: [UInt8]
        /// Written right after a `+` (itself not after a digit).
        var plus: Bool
    }

    /// The digit's value, for the decimal digits of any script (the view folds them to ASCII).
    fileprivate static func digitValue(_ scalar: Unicode.Scalar) -> UInt8? {
        if ("0"..."9").contains(scalar) { return UInt8(scalar.value - 0x30) }
        guard !scalar.isASCII, scalar.properties.numericType == .decimal, let value = scalar.properties.numericValue else { return nil }
        return UInt8(value)
    }

    /// Characters that show nothing and may be typed, or pasted, between the digits of a phone or
    /// inside an e-mail address: zero-width space, non-joiner and joiner, word joiner and the
    /// invisible operators, byte-order mark, soft hyphen, Mongolian vowel separator, combining
    /// grapheme joiner, variation selectors and the keycap mark.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200B...0x200D, 0x2060...0x2064, 0xFEFF, 0x00AD, 0x180E, 0x034F, 0xFE00...0xFE0F, 0x20E3: true
        default: false
        }
    }

    /// The ASCII digits a non-decimal number character stands for under NFKC (circled `⑤`,
    /// superscript `⁵`, `⑩`), or nil for anything else (fractions, Roman numerals, decimal digits,
    /// which `folded` handles).
    private static func compatibilityDigits(_ scalar: Unicode.Scalar) -> [Unicode.Scalar]? {
        guard !scalar.isASCII, let type = scalar.properties.numericType, type != .decimal else { return nil }
        let mapped = String(scalar).precomposedStringWithCompatibilityMapping.unicodeScalars
        guard !mapped.isEmpty, mapped.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return Array(mapped)
    }

    /// What a compatibility form looks like (NFKC for the characters the rules read): full-width
    /// ASCII (`０`–`９`, `＠`, `＋`, `．`, letters), the small forms of `@ . + -`, the ideographic
    /// space, and decimal digits of every script as ASCII digits.
    private static func folded(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let value = scalar.value
        guard value >= 0x80 else { return scalar }
        switch value {
        case 0xFF01...0xFF5E: return Unicode.Scalar(value - 0xFEE0)!
        case 0xFE6B: return "@"
        case 0xFE52: return "."
        case 0xFE62: return "+"
        case 0xFE63: return "-"
        case 0x3000: return " "
        default:
            if let digit = digitValue(scalar) { return Unicode.Scalar(0x30 + UInt32(digit))! }
            return scalar
        }
    }

    fileprivate static func isBidiMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// Space, no-break space, figure space, thin space, narrow no-break space.
    fileprivate static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        [0x20, 0xA0, 0x2007, 0x2009, 0x202F].contains(scalar.value)
    }

    /// Hyphen-minus and the Unicode hyphens and dashes people type between digit groups.
    fileprivate static func isDash(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "-" || (0x2010...0x2013).contains(scalar.value)
    }
}

// MARK: - E-mail

extension Redaction {
    private static func isLocalPartCharacter(_ scalar: Unicode.Scalar) -> Bool {
        isDomainCharacter(scalar) || "_%+".unicodeScalars.contains(scalar)
    }

    private static func isDomainCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", ".": true
        default: false
        }
    }

    fileprivate static func emails(in scalars: [Unicode.Scalar], taken: [Bool]) -> [Span] {
        var spans: [Span] = []
        for at in scalars.indices where scalars[at] == "@" {
            var start = at
            while start > 0, isLocalPartCharacter(scalars[start - 1]) { start -= 1 }
            while start < at, scalars[start] == "." { start += 1 }
            var end = at + 1
            while end < scalars.count, isDomainCharacter(scalars[end]) { end += 1 }
            while end > at + 1, scalars[end - 1] == "." || scalars[end - 1] == "-" { end -= 1 }
            guard start < at, !(start..<end).contains(where: { taken[$0] }),
                isDomain(String(String.UnicodeScalarView(scalars[(at + 1)..<end])))
            else { continue }
            spans.append(Span(range: start..<end, kind: .email))
        }
        return spans
    }

    private static func isDomain(_ domain: String) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let tld = labels.last, tld.count >= 2, tld.allSatisfy(\.isLetter) else { return false }
        return labels.allSatisfy { !$0.isEmpty && $0.first != "-" && $0.last != "-" }
    }
}

// MARK: - Phones

extension Redaction {
    fileprivate static func phones(in scalars: [Unicode.Scalar], taken: [Bool]) -> [Span] {
        var spans: [Span] = []
        for chain in numbers(in: scalars, taken: taken) {
            var first = 0
            while first < chain.count {
                guard let last = phoneEnd(in: chain, from: first) else {
                    first += 1
                    continue
                }
                var start = chain[first].range.lowerBound - (chain[first].plus ? 1 : 0)
                var end = chain[last].range.upperBound
                // Keep parentheses balanced: "(055) 123 4567" masks its opening parenthesis too.
                let opens = (start..<end).count { scalars[$0] == "(" }
                let closes = (start..<end).count { scalars[$0] == ")" }
                if closes > opens, start > 0, scalars[start - 1] == "(", !taken[start - 1] { start -= 1 }
                if opens > closes, end < scalars.count, scalars[end] == ")", !taken[end] { end += 1 }
                spans.append(Span(range: start..<end, kind: .phone))
                first = last + 1
            }
        }
        return spans
    }

    /// The last group of the longest phone number starting at `first`, Saudi forms first so that a
    /// number written after a Saudi phone is not swallowed by the looser international rule. A
    /// number ending with a single-digit group ("055 123 456 7") counts only when no number
    /// without that digit does ("0551234567 3 times" keeps its "3").
    private static func phoneEnd(in chain: [Group], from first: Int) -> Int? {
        var candidates: [(last: Int, digits: [UInt8], weak: Bool)] = []
        var digits: [UInt8] = []
        // A number written digit by digit may end with a single digit.
        var digitByDigit = true
        for last in first..<chain.count {
            digits += chain[last].digits
            if digits.count > 17 { break }
            digitByDigit = digitByDigit && chain[last].digits.count == 1
            let weak = chain[last].digits.count == 1 && !(digitByDigit && digits.count >= 8)
            if last > first || !weak { candidates.append((last, digits, weak)) }
        }
        let plus = chain[first].plus
        for rule in [isSaudiPhone, isInternationalPhone] {
            if let match = candidates.last(where: { !$0.weak && rule($0.digits, plus) }) ?? candidates.last(where: { $0.weak && rule($0.digits, plus) }) {
                return match.last
            }
        }
        return nil
    }

    private static func isSaudiPhone(_ digits: [UInt8], plus: Bool) -> Bool {
        if plus { return digits.starts(with: [9, 6, 6]) && isSaudiSubscriber(digits.dropFirst(3)) }
        if digits.count == 10, digits[0] == 0 { return isSaudiSubscriber(digits.dropFirst()) }
        if digits.starts(with: [0, 0, 9, 6, 6]) { return isSaudiSubscriber(digits.dropFirst(5)) }
        if digits.starts(with: [9, 6, 6]) { return isSaudiSubscriber(digits.dropFirst(3)) }
        return false
    }

    /// `5` (mobile) or `1` (landline: 11 Riyadh, 12 Makkah/Jeddah, …) and 8 more digits, after an
    /// optional trunk `0`.
    private static func isSaudiSubscriber(_ digits: ArraySlice<UInt8>) -> Bool {
        let number = digits.first == 0 ? digits.dropFirst() : digits
        return number.count == 9 && (number.first == 5 || number.first == 1)
    }

    /// E.164 allows at most 15 digits; 8 is the shortest a country code and subscriber make in
    /// practice. A bare number (no `+` or `00`) is never taken for a foreign phone.
    private static func isInternationalPhone(_ digits: [UInt8], plus: Bool) -> Bool {
        if plus { return (8...15).contains(digits.count) && digits[0] != 0 }
        return digits.starts(with: [0, 0]) && (12...15).contains(digits.count) && digits[2] != 0
    }

    /// Digit groups joined into numbers, with dates taken out.
    private static func numbers(in scalars: [Unicode.Scalar], taken: [Bool]) -> [[Group]] {
        var chains: [[(group: Group, gap: [Unicode.Scalar])]] = []
        var index = 0
        while index < scalars.count {
            guard !taken[index], let digit = digitValue(scalars[index]) else {
                index += 1
                continue
            }
            let start = index
            var digits = [digit]
            index += 1
            while index < scalars.count, !taken[index], let digit = digitValue(scalars[index]) {
                digits.append(digit)
                index += 1
            }
            let plus = start > 0 && scalars[start - 1] == "+" && !taken[start - 1] && (start < 2 || digitValue(scalars[start - 2]) == nil)
            let group = Group(range: start..<index, digits: digits, plus: plus)
            if let previous = chains.last?.last {
                let gap = scalars[previous.group.range.upperBound..<start]
                let visible = gap.filter { !isBidiMark($0) }
                let free = !(previous.group.range.upperBound..<start).contains { taken[$0] }
                if free, joinsGroups(visible) {
                    chains[chains.count - 1].append((group, visible))
                    continue
                }
            }
            chains.append([(group, [])])
        }
        return chains.flatMap { withoutDates($0) }
    }

    private static func joinsGroups(_ gap: [Unicode.Scalar]) -> Bool {
        if gap == ["."] { return true }
        return gap.count <= 3 && gap.allSatisfy { isSpace($0) || isDash($0) || $0 == "(" || $0 == ")" || $0 == "/" }
    }

    /// Splits a chain around the dates in it (`14-03-2026`, `2026.03.14`, `14 03 2026`).
    private static func withoutDates(_ chain: [(group: Group, gap: [Unicode.Scalar])]) -> [[Group]] {
        var isDate = [Bool](repeating: false, count: chain.count)
        for first in chain.indices.dropLast(2) {
            let (a, b, c) = (chain[first].group.digits, chain[first + 1].group.digits, chain[first + 2].group.digits)
            let separator = chain[first + 1].gap
            guard separator.count == 1, separator == chain[first + 2].gap else { continue }
            let dayMonthYear = isDayOrMonth(a) && isDayOrMonth(b) && isYear(c) && min(value(a), value(b)) <= 12
            let yearMonthDay = isYear(a) && isDayOrMonth(b) && isDayOrMonth(c) && min(value(b), value(c)) <= 12
            if dayMonthYear || yearMonthDay { isDate[first...(first + 2)] = [true, true, true] }
        }
        var pieces: [[Group]] = [[]]
        for (index, link) in chain.enumerated() {
            if isDate[index] {
                if !(pieces.last?.isEmpty ?? true) { pieces.append([]) }
            } else {
                pieces[pieces.count - 1].append(link.group)
            }
        }
        return pieces.filter { !$0.isEmpty }
    }

    private static func value(_ digits: [UInt8]) -> Int { digits.reduce(0) { $0 * 10 + Int($1) } }

    private static func isDayOrMonth(_ digits: [UInt8]) -> Bool { digits.count <= 2 && (1...31).contains(value(digits)) }

    /// Gregorian or Hijri.
    private static func isYear(_ digits: [UInt8]) -> Bool {
        digits.count == 4 && ((1900...2100).contains(value(digits)) || (1300...1500).contains(value(digits)))
    }
}

// MARK: - National ID / iqama

extension Redaction {
    fileprivate static func nationalIDs(in scalars: [Unicode.Scalar], taken: [Bool]) -> [Span] {
        // Digit runs, then runs joined by spaces alone (bidi marks ignored): "1000 000 008".
        var runs: [Range<Int>] = []
        var index = 0
        while index < scalars.count {
            guard digitValue(scalars[index]) != nil else {
                index += 1
                continue
            }
            let start = index
            while index < scalars.count, digitValue(scalars[index]) != nil { index += 1 }
            runs.append(start..<index)
        }
        var joined: [[Range<Int>]] = []
        for run in runs {
            if let previous = joined.last?.last {
                let gap = scalars[previous.upperBound..<run.lowerBound].filter { !isBidiMark($0) }
                if !gap.isEmpty, gap.count <= 3, gap.allSatisfy(isSpace) {
                    joined[joined.count - 1].append(run)
                    continue
                }
            }
            joined.append([run])
        }
        var spans: [Span] = []
        for chain in joined {
            // A single run, or a whole spaced chain: never ten digits out of a longer number.
            for candidate in chain.count == 1 ? [chain] : chain.map { [$0] } + [chain] {
                let range = candidate.first!.lowerBound..<candidate.last!.upperBound
                let digits = candidate.flatMap { scalars[$0].compactMap(digitValue) }
                let free = !range.contains { taken[$0] }
                if free, digits.count == 10, digits[0] == 1 || digits[0] == 2, isLuhnValid(digits) {
                    spans.append(Span(range: range, kind: .nationalID))
                }
            }
        }
        return spans.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    /// The Saudi ID's last digit is its Luhn check digit.
    private static func isLuhnValid(_ digits: [UInt8]) -> Bool {
        let sum = digits.reversed().enumerated().reduce(0) { sum, element in
            let (position, digit) = element
            let weighted = Int(digit) * (position.isMultiple(of: 2) ? 1 : 2)
            return sum + (weighted > 9 ? weighted - 9 : weighted)
        }
        return sum.isMultiple(of: 10)
    }
}
