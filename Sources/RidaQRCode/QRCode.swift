import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A QR code for a survey link, encoded by libqrencode, written as SVG (for print) and PNG.
///
/// libqrencode is loaded when the first code is made, not linked: the service builds and runs
/// without it, and only making QR codes needs it (Debian's `libqrencode4`).
public struct QRCode: Sendable {
    /// Modules per side.
    public let size: Int
    /// The symbol version (1–40) libqrencode chose.
    public let version: Int
    /// Row-major, true for a dark module.
    let modules: [Bool]
    /// Light modules around the code, as the standard asks.
    static let quietZone = 4

    public enum EncodeError: Error, CustomStringConvertible {
        /// libqrencode could not be loaded; `detail` is what the loader said.
        case libraryMissing(detail: String)
        case failed(String)

        public var description: String {
            switch self {
            case .libraryMissing(let detail):
                "QR codes need the libqrencode library, which is not installed (\(detail)). On Debian or Ubuntu: sudo apt-get install libqrencode4"
            case .failed(let text):
                "libqrencode could not encode \(text.utf8.count) bytes as a QR code"
            }
        }
    }

    /// Whether QR codes can be made here; the error says why not and how to fix it.
    public static func checkAvailable() throws {
        _ = try QREncodeLibrary.shared.get()
    }

    /// Error correction level M (15%): survives a crease or a smudge on a receipt.
    public init(_ text: String) throws {
        let library = try QREncodeLibrary.shared.get()
        guard let code = text.withCString({ library.encodeString($0, 0, QREncodeLibrary.levelM, QREncodeLibrary.mode8, 1) }) else {
            throw EncodeError.failed(text)
        }
        defer { library.free(code) }
        let symbol = code.assumingMemoryBound(to: QREncodeLibrary.Symbol.self).pointee
        let width = Int(symbol.width)
        size = width
        version = Int(symbol.version)
        modules = (0..<(width * width)).map { symbol.data[$0] & 1 == 1 }
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

    /// A 1-bit greyscale PNG, `scale` pixels per module. Its image data is stored, not
    /// compressed (a code of a survey link is a few kilobytes either way), so PNG needs no zlib.
    public func png(scale: Int = 8) -> Data {
        let side = (size + 2 * Self.quietZone) * scale
        let rowBytes = (side + 7) / 8
        var raw = [UInt8]()
        raw.reserveCapacity((rowBytes + 1) * side)
        for py in 0..<side {
            raw.append(0)  // filter: none
            let y = py / scale - Self.quietZone
            var byte: UInt8 = 0
            for px in 0..<(rowBytes * 8) {
                let x = px / scale - Self.quietZone
                let dark = px < side && (0..<size).contains(x) && (0..<size).contains(y) && isDark(x: x, y: y)
                byte = byte << 1 | (dark ? 0 : 1)  // 1 is white
                if px % 8 == 7 {
                    raw.append(byte)
                    byte = 0
                }
            }
        }

        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        func chunk(_ type: String, _ body: [UInt8]) {
            let typeBytes = Array(type.utf8)
            png.append(contentsOf: UInt32(body.count).bigEndianBytes)
            png.append(contentsOf: typeBytes)
            png.append(contentsOf: body)
            png.append(contentsOf: CRC32.checksum(typeBytes + body).bigEndianBytes)
        }
        chunk("IHDR", UInt32(side).bigEndianBytes + UInt32(side).bigEndianBytes + [1, 0, 0, 0, 0])
        chunk("IDAT", Self.zlibStored(raw))
        chunk("IEND", [])
        return png
    }

    /// A zlib stream of stored (uncompressed) deflate blocks (RFC 1950, 1951 §3.2.4).
    static func zlibStored(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let length = min(65_535, bytes.count - start)
            let last = start + length == bytes.count
            out.append(last ? 1 : 0)
            out.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)])
            out.append(contentsOf: bytes[start..<(start + length)])
            start += length
        } while start < bytes.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        out.append(contentsOf: (b << 16 | a).bigEndianBytes)
        return out
    }
}

/// CRC-32 as PNG chunks use it (ISO 3309, polynomial 0xEDB88320).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

/// libqrencode's two functions, found by `dlopen` once per process.
struct QREncodeLibrary: Sendable {
    /// `QRcode` of qrencode.h: `int version; int width; unsigned char *data;`.
    struct Symbol {
        var version: Int32
        var width: Int32
        var data: UnsafeMutablePointer<UInt8>
    }
    /// `QR_ECLEVEL_M` and `QR_MODE_8` of qrencode.h.
    static let levelM: Int32 = 1
    static let mode8: Int32 = 2

    typealias EncodeString = @convention(c) (UnsafePointer<CChar>?, Int32, Int32, Int32, Int32) -> UnsafeMutableRawPointer?
    typealias Free = @convention(c) (UnsafeMutableRawPointer?) -> Void

    let encodeString: EncodeString
    let free: Free

    /// The library as loaded, or why it could not be.
    static let shared: Result<QREncodeLibrary, QRCode.EncodeError> = load(names: names)

    /// The sonames Debian, Fedora and Alpine ship, then the development link.
    static let names = ["libqrencode.so.4", "libqrencode.so", "libqrencode.4.dylib", "libqrencode.dylib"]

    static func load(names: [String]) -> Result<QREncodeLibrary, QRCode.EncodeError> {
        var reasons: [String] = []
        for name in names {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                if let error = dlerror() { reasons.append(String(cString: error)) }
                continue
            }
            guard let encode = dlsym(handle, "QRcode_encodeString"), let free = dlsym(handle, "QRcode_free") else {
                reasons.append("\(name) lacks QRcode_encodeString or QRcode_free")
                dlclose(handle)
                continue
            }
            // The handle stays open for the life of the process.
            return .success(
                QREncodeLibrary(encodeString: unsafeBitCast(encode, to: EncodeString.self), free: unsafeBitCast(free, to: Free.self)))
        }
        return .failure(.libraryMissing(detail: reasons.first ?? "not found"))
    }
}

extension UInt32 {
    fileprivate var bigEndianBytes: [UInt8] {
        [UInt8(self >> 24 & 0xFF), UInt8(self >> 16 & 0xFF), UInt8(self >> 8 & 0xFF), UInt8(self & 0xFF)]
    }
}
