import Foundation
import Testing

@testable import RidaQRCode

@Suite struct QRCodeTests {
    /// Decodes a PNG with zbarimg (Debian zbar-tools), an independent reader.
    func zbar(_ png: Data) throws -> (status: Int32, text: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rida-qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("link.png")
        try png.write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--raw", "-q", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let decoded = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, decoded.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Links of every length a deployment makes (short host to long host and path), so codes of
    /// several versions, each decoded back to its link.
    @Test(arguments: [
        "http://127.0.0.1:8080/s/7K3M9QXRZD2F8W4T6V1B5N0HJC",
        "https://survey.example.org/s/7K3M9QXRZD2F8W4T6V1B5N0HJC",
        "https://beneficiary-survey.charity-hajj-umrah.example.org.sa/rida/s/7K3M9QXRZD2F8W4T6V1B5N0HJC",
        "https://x.sa/s/" + String(repeating: "7K3M9QXRZD2F8W4T6V1B5N0HJC", count: 6),
    ])
    func aPNGDecodesBackToTheLink(link: String) throws {
        let code = try QRCode(link)
        let (status, text) = try zbar(code.png())
        #expect(status == 0)
        #expect(text == link)
        #expect(code.size == 17 + 4 * code.version)
    }

    @Test func theSVGIsSquareWithAQuietZone() throws {
        let code = try QRCode("https://survey.example.org/s/7K3M9QXRZD2F8W4T6V1B5N0HJC")
        let svg = code.svg()
        let side = code.size + 8
        #expect(svg.hasPrefix(#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(side) \#(side)""#))
        #expect(svg.contains("M4 4h1v1h-1z"), "the top-left finder pattern starts inside the quiet zone")
        #expect(code.size >= 21)
    }

    /// Without the library, the message names it and how to install it.
    @Test func aMissingLibraryIsNamedWithItsPackage() {
        guard case .failure(let error) = QREncodeLibrary.load(names: ["libqrencode-absent.so.9"]) else {
            Issue.record("a library that does not exist loaded")
            return
        }
        #expect(error.description.contains("apt-get install libqrencode4"))
        #expect(error.description.contains("libqrencode-absent.so.9"))
    }

    /// The stored deflate stream is valid zlib: the checksum and block lengths are right even
    /// past one 64 KiB block.
    @Test func storedZlibHasRightLengthsAndChecksum() {
        let bytes = (0..<70_000).map { UInt8($0 % 251) }
        let stream = QRCode.zlibStored(bytes)
        #expect(stream.count == 2 + (5 + 65_535) + (5 + 4_465) + 4)
        #expect(stream[2] == 0 && stream[2 + 5 + 65_535] == 1)
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }
}
