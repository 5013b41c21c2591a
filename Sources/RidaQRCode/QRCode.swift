import CQRencode
import Foundation

/// A QR code for a survey link, encoded by libqrencode, written as SVG (for print) and PNG.
public struct QRCode: Sendable {
    /// Modules per side.
    public let size: Int
    /// Row-major, true for a dark module.
    let modules: [Bool]
    /// Light modules around the code, as the standard asks.
    static let quietZone = 4

    public enum EncodeError: Error {
        case failed
    }

    /// Error correction level M (15%): survives a crease or a smudge on a receipt.
    public init(_ text: String) throws {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { throw EncodeError.failed }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        size = width
        modules = (0..<(width * width)).map { code.pointee.data[$0] & 1 == 1 }
    }

    public func isDark(x: Int, y: Int) -> Bool {
        modules[y * size + x]
    }

    /// A scalable image: one path of unit squares on a white background.
    public func svg() -> String {
        let side = size + 2 * Self.quietZone
        var path = ""
        for y in 0..<size {
            for x in 0..<size where isDark(x: x, y: y) {
                path += "M\(x + Self.quietZone) \(y + Self.quietZone)h1v1h-1z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" shape-rendering="crispEdges">\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>

            """
    }

    /// An 8-bit greyscale PNG, `scale` pixels per module.
    public func png(scale: Int = 8) -> Data {
        let side = (size + 2 * Self.quietZone) * scale
        var raw = [UInt8]()
        raw.reserveCapacity((side + 1) * side)
        for py in 0..<side {
            raw.append(0)  // filter: none
            let y = py / scale - Self.quietZone
            for px in 0..<side {
                let x = px / scale - Self.quietZone
                let dark = (0..<size).contains(x) && (0..<size).contains(y) && isDark(x: x, y: y)
                raw.append(dark ? 0 : 255)
            }
        }
        var compressedLength = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedLength))
        _ = compress2(&compressed, &compressedLength, raw, uLong(raw.count), Z_BEST_COMPRESSION)
        compressed.removeSubrange(Int(compressedLength)...)

        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        func chunk(_ type: String, _ body: [UInt8]) {
            let typeBytes = Array(type.utf8)
            png.append(contentsOf: UInt32(body.count).bigEndianBytes)
            png.append(contentsOf: typeBytes)
            png.append(contentsOf: body)
            let crc = (typeBytes + body).withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
            png.append(contentsOf: UInt32(crc).bigEndianBytes)
        }
        chunk("IHDR", UInt32(side).bigEndianBytes + UInt32(side).bigEndianBytes + [8, 0, 0, 0, 0])
        chunk("IDAT", compressed)
        chunk("IEND", [])
        return png
    }
}

extension UInt32 {
    fileprivate var bigEndianBytes: [UInt8] {
        [UInt8(self >> 24 & 0xFF), UInt8(self >> 16 & 0xFF), UInt8(self >> 8 & 0xFF), UInt8(self & 0xFF)]
    }
}
