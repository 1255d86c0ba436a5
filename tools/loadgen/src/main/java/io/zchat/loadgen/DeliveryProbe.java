package io.zchat.loadgen;

import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import org.HdrHistogram.Histogram;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Subscribers to every load channel on the proxy, on one thread: how long a post took from when
 * it was due to be sent until it arrived here (same process, so one clock).
 */
final class DeliveryProbe implements Runnable {
    private final LoadProperties properties;
    private final WireCodec codec;
    private final RunClock clock;
    private final Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
    private volatile boolean running = true;
    private long received;

    DeliveryProbe(LoadProperties properties, WireCodec codec, RunClock clock) {
        this.properties = properties;
        this.codec = codec;
        this.clock = clock;
    }

    void stop() {
        running = false;
    }

    Histogram latency() {
        return latency;
    }

    /** Posts received in the measured window, over every subscriber. */
    long received() {
        return received;
    }

    @Override
    public void run() {
        Set<String> channels = new HashSet<>();
        for (int i = 0; i < properties.channels(); i++) {
            channels.add(Workload.channel(i));
        }
        try (ZContext context = new ZContext()) {
            context.setLinger(0);
            List<ZMQ.Socket> subs = new ArrayList<>();
            ZMQ.Poller poller = context.createPoller(properties.subscribers());
            for (int i = 0; i < properties.subscribers(); i++) {
                ZMQ.Socket sub = context.createSocket(SocketType.SUB);
                sub.setLinger(0);
                sub.setRcvHWM(0);
                sub.setHandshakeIvl(1000);
                sub.connect(properties.proxy());
                channels.forEach(c -> sub.subscribe(c.getBytes(StandardCharsets.UTF_8)));
                subs.add(sub);
                poller.register(sub, ZMQ.Poller.POLLIN);
            }
            while (running) {
                if (poller.poll(10) > 0) {
                    for (ZMQ.Socket sub : subs) {
                        drain(sub, channels);
                    }
                }
            }
            poller.close();
        }
    }

    private void drain(ZMQ.Socket sub, Set<String> channels) {
        byte[] topic;
        while ((topic = sub.recv(ZMQ.DONTWAIT)) != null) {
            byte[] body = sub.hasReceiveMore() ? sub.recv() : null;
            while (sub.hasReceiveMore()) {
                sub.recv();
            }
            long now = System.nanoTime();
            if (body == null || !channels.contains(new String(topic, StandardCharsets.UTF_8))) {
                continue;
            }
            try {
                Envelope post = codec.decode(body);
                long sent = Workload.sentNanos(post.data().path("message").asText(null));
                if (sent > 0 && clock.measured(sent)) {
                    latency.recordValue(Math.max(1, Math.min(latency.getHighestTrackableValue(), (now - sent) / 1000)));
                    received++;
                }
            } catch (WireFormatException e) {
                // not a post of this run
            }
        }
    }
}
