package io.zchat.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.zchat.shared.config.Endpoints;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.shared.zmq.ZmqLoop;
import io.zchat.shared.zmq.ZmqSettings;
import io.zchat.shared.zmq.curve.Access;
import org.springframework.stereotype.Component;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;

/**
 * XSUB (publishers) to XPUB (subscribers) for publications, and XPUB to XSUB for subscriptions.
 * XPUB never blocks: a subscriber over its high-water mark loses publications instead.
 */
@Component
public class ProxyLoop extends ZmqLoop {
    private static final int BUDGET = 1024;

    private final Endpoints.Proxy endpoints;
    private final WireCodec codec;
    private final MessageLog messageLog;
    private final Counter publications;
    private final Counter subscribes;
    private final Counter unsubscribes;
    private ZMQ.Socket xsub;
    private ZMQ.Socket xpub;

    public ProxyLoop(Endpoints.Proxy endpoints, ZmqSettings zmq, WireCodec codec, MessageLog messageLog,
                     MeterRegistry registry) {
        super("proxy-loop", zmq);
        this.endpoints = endpoints;
        this.codec = codec;
        this.messageLog = messageLog;
        this.publications = Counter.builder("chat.proxy.publications")
                .description("publications forwarded to subscribers").register(registry);
        this.subscribes = subscriptions(registry, "subscribe");
        this.unsubscribes = subscriptions(registry, "unsubscribe");
    }

    private static Counter subscriptions(MeterRegistry registry, String kind) {
        return Counter.builder("chat.proxy.subscriptions").description("subscription changes forwarded upstream")
                .tag("kind", kind).register(registry);
    }

    @Override
    protected void open() {
        xsub = socket(SocketType.XSUB);
        xpub = socket(SocketType.XPUB);
        String in = Endpoints.bindAddress(endpoints.xsub());
        String out = Endpoints.bindAddress(endpoints.xpub());
        listen(xsub, in, Access.CLUSTER);
        listen(xpub, out, Access.CLIENTS);
        whenReadable(xsub, this::forwardPublications);
        whenReadable(xpub, this::forwardSubscriptions);
        log.info("XSUB on {} | XPUB on {}{}", in, out, zmq.curve().enabled() ? " (CURVE)" : "");
    }

    private void forwardPublications() {
        for (int i = 0; i < BUDGET; i++) {
            byte[] topic = xsub.recv(ZMQ.DONTWAIT);
            if (topic == null) {
                return;
            }
            byte[] frame = topic;
            boolean more = xsub.hasReceiveMore();
            xpub.send(frame, more ? ZMQ.SNDMORE : 0);
            while (more) {
                frame = xsub.recv();
                more = xsub.hasReceiveMore();
                xpub.send(frame, more ? ZMQ.SNDMORE : 0);
            }
            publications.increment();
            if (messageLog.enabled() && frame != topic) {
                logPublication(new String(topic, StandardCharsets.UTF_8), frame);
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
