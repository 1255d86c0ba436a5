package io.zchat.broker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.zchat.shared.config.Endpoints;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.shared.zmq.Relay;
import io.zchat.shared.zmq.ZmqLoop;
import io.zchat.shared.zmq.ZmqSettings;
import io.zchat.shared.zmq.curve.Access;
import org.springframework.stereotype.Component;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * ROUTER (clients) to DEALER (servers) and back. The DEALER spreads requests round-robin over
 * the connected servers; replies find their client by the routing envelope the ROUTER added.
 */
@Component
public class BrokerLoop extends ZmqLoop {
    private static final int BUDGET = 1024;

    private final Endpoints.Broker endpoints;
    private final ServerHeartbeat heartbeat;
    private final WireCodec codec;
    private final MessageLog messageLog;
    private final Counter requests;
    private final Counter replies;
    private final Counter requestsDropped;
    private final Counter repliesDropped;
    private final Counter clientsClosed;
    private final Counter serversClosed;
    private ZMQ.Socket frontend;
    private ZMQ.Socket backend;

    public BrokerLoop(Endpoints.Broker endpoints, ServerHeartbeat heartbeat, ZmqSettings zmq, WireCodec codec,
                      MessageLog messageLog, MeterRegistry registry) {
        super("broker-loop", zmq);
        this.endpoints = endpoints;
        this.heartbeat = heartbeat;
        this.codec = codec;
        this.messageLog = messageLog;
        this.requests = forwarded(registry, "request");
        this.replies = forwarded(registry, "reply");
        this.requestsDropped = dropped(registry, "request");
        this.repliesDropped = dropped(registry, "reply");
        this.clientsClosed = closedConnections(registry, "frontend");
        this.serversClosed = closedConnections(registry, "backend");
    }

    private static Counter forwarded(MeterRegistry registry, String direction) {
        return Counter.builder("chat.broker.forwarded").description("messages forwarded by the broker")
                .tag("direction", direction).register(registry);
    }

    private static Counter dropped(MeterRegistry registry, String direction) {
        return Counter.builder("chat.broker.dropped")
                .description("messages dropped because no server (or client) could take them: none connected, "
                        + "the addressed client gone or unknown, or its queue full")
                .tag("direction", direction).register(registry);
    }

    @Override
    protected void open() {
        frontend = socket(SocketType.ROUTER);
        // a reply whose client is gone (or whose route is garbage) then fails to send and is counted,
        // instead of vanishing inside ZeroMQ
        frontend.setRouterMandatory(true);
        backend = socket(SocketType.DEALER);
        // a stalled server is dropped from the round-robin instead of swallowing its share of requests
        backend.setHeartbeatIvl((int) heartbeat.interval().toMillis());
        backend.setHeartbeatTimeout((int) heartbeat.timeout().toMillis());
        String front = Endpoints.bindAddress(endpoints.frontend());
        String back = Endpoints.bindAddress(endpoints.backend());
        listen(frontend, front, Access.CLIENTS, clientsClosed);
        listen(backend, back, Access.CLUSTER, serversClosed);
        whenReadable(frontend, () -> relay(frontend, backend, requests, requestsDropped, "client->server"));
        whenReadable(backend, () -> relay(backend, frontend, replies, repliesDropped, "server->client"));
        log.info("ROUTER on {} | DEALER on {}{} (servers silent for {} after a ping are dropped)", front, back,
                zmq.curve().enabled() ? " (CURVE)" : "", heartbeat.timeout());
    }

    private void relay(ZMQ.Socket from, ZMQ.Socket to, Counter forwarded, Counter dropped, String direction) {
        Relay.Moved moved = Relay.forward(from, to, BUDGET,
                messageLog.enabled() ? body -> logBody(direction, body) : null);
        forwarded.increment(moved.forwarded());
        if (moved.dropped() > 0) {
            dropped.increment(moved.dropped());
            log.warn("{}: dropped {} message(s): no peer to take them (none connected, the one addressed is gone "
                    + "or unknown, or its queue is full)", direction, moved.dropped());
        }
    }

    private void logBody(String direction, byte[] body) {
        try {
            messageLog.received(direction, codec.decode(body));
        } catch (WireFormatException e) {
            messageLog.receivedInvalid(direction, body.length, e.getMessage());
        }
    }
}
