import Foundation
import HTTPTypes
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as its bytes (4 or 16).
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Parses `192.0.2.1`, `2001:db8::1` or `[2001:db8::1]`; an IPv4-mapped IPv6 address is its IPv4 address.
    public init?(_ text: some StringProtocol) {
        var text = String(text).trimmingCharacters(in: [" ", "\t"])
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        var v4 = [UInt8](repeating: 0, count: 4)
        var v6 = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = v4
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            let all = v6
            bytes = all[0..<10].allSatisfy { $0 == 0 } && all[10] == 0xFF && all[11] == 0xFF ? Array(all[12...]) : all
        } else {
            return nil
        }
    }

    public var isIPv4: Bool { bytes.count == 4 }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var bytes = bytes
        let family = isIPv4 ? AF_INET : AF_INET6
        guard inet_ntop(family, &bytes, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A network in CIDR notation: `10.0.0.0/8`, `::1/128`; a bare address is a network of one.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let address = IPAddress(first) else { return nil }
        let maximum = address.bytes.count * 8
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...maximum).contains(length) else { return nil }
            prefixLength = length
        } else {
            prefixLength = maximum
        }
        network = address
    }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        var remaining = prefixLength
        for (a, b) in zip(address.bytes, network.bytes) where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if a & mask != b & mask { return false }
            remaining -= bits
        }
        return true
    }

    public var description: String { "\(network)/\(prefixLength)" }
}

/// Who a request comes from, as throttles count it. The socket's address, unless that is a
/// configured trusted proxy: then the nearest address its forwarding header names that is not
/// itself a trusted proxy. Headers from anyone else are ignored, so a client cannot choose its key.
public struct ClientAddressing: Sendable {
    public var trustedProxies: [CIDR]

    public init(trustedProxies: [CIDR] = []) {
        self.trustedProxies = trustedProxies
    }

    func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    /// The client's address, as far as it can be told.
    public func clientAddress(socket: SocketAddress?, headers: HTTPFields) -> IPAddress? {
        guard let peerText = socket?.ipAddress, let peer = IPAddress(peerText) else { return nil }
        guard !trustedProxies.isEmpty, isTrusted(peer) else { return peer }
        let chain = Self.forwardedChain(headers)
        // From the nearest hop outwards: the first that is not one of our proxies is the client.
        for hop in chain.reversed() {
            guard let address = hop else { return peer }  // unparseable or obfuscated: stop trusting the chain
            if !isTrusted(address) { return address }
        }
        return chain.last.flatMap { $0 } ?? peer
    }

    /// The key a throttle counts by: an IPv4 address, or an IPv6 address's /64 (one subscriber's
    /// network, which its owner may fill with as many addresses as they like).
    public func key(socket: SocketAddress?, headers: HTTPFields) -> String {
        guard let address = clientAddress(socket: socket, headers: headers) else { return "unknown" }
        if address.isIPv4 { return address.description }
        let prefix = IPAddress(bytes: Array(address.bytes[0..<8]) + [UInt8](repeating: 0, count: 8))
        return "\(prefix)/64"
    }

    /// The addresses of `X-Forwarded-For` (or, without it, of `Forwarded: for=`), in order from
    /// the first client to the last proxy; nil for a hop that is not an address.
    static func forwardedChain(_ headers: HTTPFields) -> [IPAddress?] {
        let forwardedFor = headers[values: HTTPField.Name("X-Forwarded-For")!]
        if !forwardedFor.isEmpty {
            return forwardedFor.joined(separator: ",").split(separator: ",").map { IPAddress($0) }
        }
        let forwarded = headers[values: HTTPField.Name("Forwarded")!]
        var chain: [IPAddress?] = []
        for element in forwarded.joined(separator: ",").split(separator: ",") {
            for pair in element.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "for" else { continue }
                var value = parts[1].trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                // "[2001:db8::1]:4711", "192.0.2.60:47011", "192.0.2.60".
                if value.hasPrefix("["), let end = value.firstIndex(of: "]") {
                    value = String(value[value.index(after: value.startIndex)..<end])
                } else if value.filter({ $0 == ":" }).count == 1, let colon = value.firstIndex(of: ":") {
                    value = String(value[..<colon])
                }
                chain.append(IPAddress(value))
            }
        }
        return chain
    }
}

extension IPAddress {
    init(bytes: [UInt8]) {
        self.bytes = bytes
    }
}
