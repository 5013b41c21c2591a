import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// How long a connection may take over each part of its work, and how many may be open.
public struct ConnectionLimits: Sendable {
    /// A kept-alive connection waiting for its next request (or a new one for its first byte).
    public var idle: TimeAmount
    /// From a request's first byte to its complete head.
    public var header: TimeAmount
    /// For a request's whole body, from its complete head.
    public var body: TimeAmount
    /// Open connections at most; more wait in the listen backlog.
    public var maximumConnections: Int

    public init(
        idle: TimeAmount = .seconds(60), header: TimeAmount = .seconds(15), body: TimeAmount = .seconds(30),
        maximumConnections: Int = 1024
    ) {
        self.idle = idle
        self.header = header
        self.body = body
        self.maximumConnections = maximumConnections
    }
}

/// Closes a connection that misses a deadline: idle too long between requests, too slow to send
/// a request's head, or its body. Time spent answering (a report can take a while) has no
/// deadline. Two handlers share one state: one before the HTTP decoder sees the first byte of a
/// request, one after it sees the head and the end.
final class ConnectionDeadlines: @unchecked Sendable {
    // Confined to the channel's event loop, as both handlers are.
    let limits: ConnectionLimits
    let onTimeout: @Sendable (ServerMetrics.ConnectionDeadline) -> Void
    /// Bytes of a request arrived whose head is not complete yet.
    var readingHead = false
    /// A request's head arrived, its end not yet.
    var readingBody = false
    /// Requests read in full and not yet answered (more than one when a client pipelines).
    var answering = 0
    var timer: Scheduled<Void>?
    var context: ChannelHandlerContext?

    init(limits: ConnectionLimits, onTimeout: @escaping @Sendable (ServerMetrics.ConnectionDeadline) -> Void) {
        self.limits = limits
        self.onTimeout = onTimeout
    }

    func arm(_ deadline: ServerMetrics.ConnectionDeadline) {
        timer?.cancel()
        guard let context else { return }
        let amount: TimeAmount
        switch deadline {
        case .idle: amount = limits.idle
        case .header: amount = limits.header
        case .body: amount = limits.body
        }
        let onTimeout = onTimeout
        timer = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: amount) { [self] in
            timer = nil
            onTimeout(deadline)
            context.close(promise: nil)
        }
    }

    func disarm() {
        timer?.cancel()
        timer = nil
    }

    /// While a request is being answered no deadline runs (a report may take a while); the
    /// deadlines of a pipelined next request start once the answers are out.
    func bytesArrived() {
        guard !readingHead, !readingBody else { return }
        readingHead = true
        if answering == 0 { arm(.header) }
    }

    func headArrived() {
        readingHead = false
        readingBody = true
        if answering == 0 { arm(.body) }
    }

    func endArrived() {
        readingBody = false
        answering += 1
        disarm()
    }

    func answered() {
        answering = max(0, answering - 1)
        guard answering == 0 else { return }
        if readingBody {
            arm(.body)
        } else if readingHead {
            arm(.header)
        } else {
            arm(.idle)
        }
    }

    /// First in the pipeline: sees bytes before the HTTP decoder does.
    final class BytesObserver: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        let deadlines: ConnectionDeadlines

        init(_ deadlines: ConnectionDeadlines) { self.deadlines = deadlines }

        func handlerAdded(context: ChannelHandlerContext) {
            deadlines.context = context
            if context.channel.isActive { deadlines.arm(.idle) }
        }

        func channelActive(context: ChannelHandlerContext) {
            deadlines.arm(.idle)
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            deadlines.disarm()
            context.fireChannelInactive()
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            deadlines.disarm()
            deadlines.context = nil
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if unwrapInboundIn(data).readableBytes > 0 { deadlines.bytesArrived() }
            context.fireChannelRead(data)
        }
    }

    /// After the HTTP decoder: sees each request's head and end, and each response's end.
    final class PartObserver: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        typealias InboundOut = HTTPRequestPart
        typealias OutboundIn = HTTPResponsePart
        typealias OutboundOut = HTTPResponsePart
        let deadlines: ConnectionDeadlines

        init(_ deadlines: ConnectionDeadlines) { self.deadlines = deadlines }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head: deadlines.headArrived()
            case .end: deadlines.endArrived()
            case .body: break
            }
            context.fireChannelRead(data)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .end = unwrapOutboundIn(data) { deadlines.answered() }
            context.write(data, promise: promise)
        }
    }
}

/// HTTP/1.1 with connection deadlines: Hummingbird's HTTP/1 channel, with the observers of
/// ``ConnectionDeadlines`` on either side of its decoder.
struct DeadlineHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let limits: ConnectionLimits
    let metrics: ServerMetrics
    let responder: HTTPChannelHandler.Responder

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let deadlines = ConnectionDeadlines(limits: limits) { [metrics] deadline in metrics.recordTimedOut(deadline) }
        let http1 = HTTP1Channel(
            responder: responder,
            configuration: HTTP1Channel.Configuration(additionalChannelHandlers: [ConnectionDeadlines.PartObserver(deadlines)]))
        do {
            try channel.pipeline.syncOperations.addHandler(ConnectionDeadlines.BytesObserver(deadlines))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return http1.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await HTTP1Channel(responder: responder).handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 whose connections are closed when they miss a deadline of `limits`.
    static func http1(limits: ConnectionLimits, metrics: ServerMetrics) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in DeadlineHTTP1Channel(limits: limits, metrics: metrics, responder: responder) }
    }
}
