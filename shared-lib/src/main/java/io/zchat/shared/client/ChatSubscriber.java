package io.zchat.shared.client;

import io.zchat.shared.clock.Clocks;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.shared.zmq.ZmqLoop;
import io.zchat.shared.zmq.ZmqSettings;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Publish/subscribe side of the client library: a SUB socket on the proxy, owned by its own
 * thread. ZeroMQ filters by prefix, so a subscription to {@code ana} also lets {@code anabel}
 * through; this class delivers a publication only when its topic equals a subscribed name.
 */
public final class ChatSubscriber extends ZmqLoop {
    private final String endpoint;
    private final WireCodec codec;
    private final Clocks clocks;
    private final MessageLog messageLog;
    private final Consumer<Publication> listener;
    private final Set<String> loopTopics = new HashSet<>();
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private final AtomicLong filtered = new AtomicLong();
    private ZMQ.Socket sub;

    public ChatSubscriber(String name, String xpubEndpoint, WireCodec codec, Clocks clocks, MessageLog messageLog,
                          ZmqSettings zmq, Consumer<Publication> listener) {
        super(name, zmq);
        this.endpoint = xpubEndpoint;
        this.codec = codec;
        this.clocks = clocks;
        this.messageLog = messageLog;
        this.listener = listener;
    }

    public void subscribe(String topic) {
        topics.add(topic);
        execute(() -> {
            if (loopTopics.add(topic)) {
                sub.subscribe(topic.getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    public void unsubscribe(String topic) {
        topics.remove(topic);
        execute(() -> {
            if (loopTopics.remove(topic)) {
                sub.unsubscribe(topic.getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    public Set<String> topics() {
        return Collections.unmodifiableSet(topics);
    }

    /** Publications that matched a subscription by prefix only and were dropped. */
    public long filteredCount() {
        return filtered.get();
    }

    @Override
    protected void open() {
        sub = socket(SocketType.SUB);
        sub.connect(endpoint);
        whenReadable(sub, this::receive);
    }

    private void receive() {
        byte[] topicFrame;
        while ((topicFrame = sub.recv(ZMQ.DONTWAIT)) != null) {
            byte[] body = sub.hasReceiveMore() ? sub.recv() : null;
            while (sub.hasReceiveMore()) {
                sub.recv();
            }
            String topic = new String(topicFrame, StandardCharsets.UTF_8);
            if (!loopTopics.contains(topic)) {
                filtered.incrementAndGet();
                continue;
            }
            if (body == null) {
                log.warn("publication on '{}' without a body, dropped", topic);
                continue;
            }
            try {
                Envelope envelope = codec.decode(body);
                clocks.received(envelope.stamp());
                messageLog.received("[" + topic + "]", envelope);
                listener.accept(new Publication(topic, envelope));
            } catch (WireFormatException e) {
                messageLog.receivedInvalid("[" + topic + "]", body.length, e.getMessage());
            }
        }
    }
}
