import Foundation
import Testing

@testable import RidaQRCode

@Suite struct QRCodeTests {
    /// The PNG decodes back to the link with zbarimg (Debian zbar-tools), an independent reader.
    @Test func aPNGDecodesBackToTheLink() throws {
        let link = "https://survey.example.org/s/7K3M9QXRZD2F8W4T6V1B5N0HJC"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rida-qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("link.png")
        try QRCode(link).png().write(to: file)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["--raw", "-q", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let decoded = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(decoded.trimmingCharacters(in: .whitespacesAndNewlines) == link)
    }

    @Test func theSVGIsSquareWithAQuietZone() throws {
        let code = try QRCode("https://survey.example.org/s/7K3M9QXRZD2F8W4T6V1B5N0HJC")
        let svg = code.svg()
        let side = code.size + 8
        #expect(svg.hasPrefix(#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(side) \#(side)""#))
        #expect(svg.contains("M4 4h1v1h-1z"), "the top-left finder pattern starts inside the quiet zone")
        #expect(code.size >= 21)
    }
}
