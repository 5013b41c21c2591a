import Testing

@testable import RidaReports

func csv(_ rows: [[CSVWriter.Cell]], header: [String]? = nil) throws -> String {
    var output = ""
    let writer = try CSVWriter { output += $0 }
    if let header { try writer.header(header) }
    for row in rows { try writer.row(row) }
    return output
}

@Suite struct CSVWriterTests {
    @Test func startsWithAByteOrderMarkAndEndsRowsWithCRLF() throws {
        let text = try csv([[.text("office"), .integer(12), .number(0.75)]], header: ["channel", "n", "value"])
        #expect(text == "\u{FEFF}channel,n,value\r\noffice,12,0.75\r\n")
    }

    @Test func quotesCommasQuotesAndNewlines() throws {
        let text = try csv([[.text("a,b"), .text("say \"hi\""), .text("line 1\nline 2"), .text("plain")]])
        #expect(text == "\u{FEFF}\"a,b\",\"say \"\"hi\"\"\",\"line 1\nline 2\",plain\r\n")
    }

    @Test(arguments: ["=1+1", "+966551234567", "-2", "@SUM(A1)", "\tx", "\rx", "\0x"])
    func neutralisesTextAFormulaCouldStartWith(value: String) throws {
        let encoded = CSVWriter.encode(.text(value))
        #expect(encoded.hasPrefix("'") || encoded.hasPrefix("\"'"), "\(encoded.debugDescription)")
    }

    @Test func keepsArabicNumbersAndEmptyCellsAsTheyAre() throws {
        #expect(CSVWriter.encode(.text("خدمة ممتازة، شكراً")) == "خدمة ممتازة، شكراً")
        #expect(CSVWriter.encode(.integer(-3)) == "-3", "numbers are not neutralised")
        #expect(CSVWriter.encode(.number(.nan)) == "")
        #expect(CSVWriter.encode(.empty) == "")
    }

    @Test func neutralisesHeaderCellsToo() throws {
        let text = try csv([], header: ["=cmd"])
        #expect(text == "\u{FEFF}'=cmd\r\n")
    }
}
