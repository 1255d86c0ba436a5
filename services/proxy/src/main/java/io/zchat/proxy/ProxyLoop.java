package io.zchat.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.zchat.shared.config.Endpoints;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.names.NameRules;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.shared.zmq.OverflowCountingPublisher;
import io.zchat.shared.zmq.ZmqLoop;
import io.zchat.shared.zmq.ZmqSettings;
import io.zchat.shared.zmq.curve.Access;
import org.springframework.stereotype.Component;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * XSUB (publishers) to XPUB (subscribers) for publications, and XPUB to XSUB for subscriptions.
 * XPUB never blocks: a subscriber over its high-water mark loses publications instead, and each
 * such overflow is counted, so one stalled subscriber neither holds up the others nor grows memory.
 */
@Component
public class ProxyLoop extends ZmqLoop {
    private static final int BUDGET = 1024;
    /**
     * The longest subscription frame a subscriber may send: a topic is a channel or user name (at
     * most {@value NameRules#MAX_LENGTH} characters). JeroMQ keeps subscriptions in a trie it walks
     * with one recursive call per byte, so a topic of some 10 KB would overflow the stack of the
     * loop thread and stop the proxy; longer frames are dropped by ZeroMQ with their connection.
     */
    static final int MAX_SUBSCRIPTION = 1024;

    private final Endpoints.Proxy endpoints;
    private final WireCodec codec;
    private final MessageLog messageLog;
    private final Counter publications;
    private final Counter subscribes;
    private final Counter unsubscribes;
    private final Counter overflows;
    private final Counter publishersClosed;
    private final Counter subscribersClosed;
    private final SubscriberSettings subscribers;
    private final List<byte[]> frames = new ArrayList<>(2);
    private ZMQ.Socket xsub;
    private ZMQ.Socket xpub;
    private OverflowCountingPublisher publisher;

    public ProxyLoop(Endpoints.Proxy endpoints, SubscriberSettings subscribers, ZmqSettings zmq, WireCodec codec,
                     MessageLog messageLog, MeterRegistry registry) {
        super("proxy-loop", zmq);
        this.endpoints = endpoints;
        this.subscribers = subscribers;
        this.codec = codec;
        this.messageLog = messageLog;
        this.publications = Counter.builder("chat.proxy.publications")
                .description("publications forwarded to subscribers").register(registry);
        this.subscribes = subscriptions(registry, "subscribe");
        this.unsubscribes = subscriptions(registry, "unsubscribe");
        this.overflows = Counter.builder("chat.proxy.subscriber.overflows")
                .description("times a subscriber's queue was full: it loses publications until it has drained to half")
                .register(registry);
        this.publishersClosed = closedConnections(registry, "xsub");
        this.subscribersClosed = closedConnections(registry, "xpub");
    }

    private static Counter subscriptions(MeterRegistry registry, String kind) {
        return Counter.builder("chat.proxy.subscriptions").description("subscription changes forwarded upstream")
                .tag("kind", kind).register(registry);
    }

    @Override
    protected void open() {
        xsub = socket(SocketType.XSUB);
        xpub = socket(SocketType.XPUB);
        xpub.setSndHWM(subscribers.highWater());
        xpub.setMaxMsgSize(MAX_SUBSCRIPTION);
        publisher = new OverflowCountingPublisher(xpub, overflows::increment);
        String in = Endpoints.bindAddress(endpoints.xsub());
        String out = Endpoints.bindAddress(endpoints.xpub());
        listen(xsub, in, Access.CLUSTER, publishersClosed);
        listen(xpub, out, Access.CLIENTS, subscribersClosed);
        whenReadable(xsub, this::forwardPublications);
        whenReadable(xpub, this::forwardSubscriptions);
        log.info("XSUB on {} | XPUB on {} (up to {} publications queued per subscriber){}", in, out,
                subscribers.highWater(), zmq.curve().enabled() ? " (CURVE)" : "");
    }

    private void forwardPublications() {
        for (int i = 0; i < BUDGET; i++) {
            byte[] topic = xsub.recv(ZMQ.DONTWAIT);
            if (topic == null) {
                return;
            }
            frames.clear();
            frames.add(topic);
            while (xsub.hasReceiveMore()) {
                frames.add(xsub.recv());
            }
            publisher.send(frames);
            publications.increment();
            if (messageLog.enabled() && frames.size() > 1) {
                logPublication(new String(topic, StandardCharsets.UTF_8), frames.get(frames.size() - 1));
            }
        }
    }

    private void forwardSubscriptions() {
        for (int i = 0; i < BUDGET; i++) {
            byte[] frame = xpub.recv(ZMQ.DONTWAIT);
            if (frame == null) {
                return;
            }
            xsub.send(frame);
            if (frame.length > 0 && (frame[0] == 1 || frame[0] == 0)) {
                boolean subscribe = frame[0] == 1;
                (subscribe ? subscribes : unsubscribes).increment();
                String topic = new String(frame, 1, frame.length - 1, StandardCharsets.UTF_8);
                log.info("{} \"{}\"", subscribe ? "subscribe" : "unsubscribe", topic);
            }
        }
    }

    private void logPublication(String topic, byte[] body) {
        String peer = "[" + topic + "]";
        try {
            messageLog.received(peer, codec.decode(body));
        } catch (WireFormatException e) {
            messageLog.receivedInvalid(peer, body.length, e.getMessage());
        }
    }
}
