package io.zchat.loadgen;

import io.zchat.shared.client.ChatSubscriber;
import io.zchat.shared.client.Publication;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.WireCodec;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Subscribers (the client library's, exact topics) to every load channel on the proxy: how long a
 * post took from when it was due to be sent until it arrived here (same process, so one clock).
 * Each subscriber records on its own thread into its own histogram; they are merged once stopped.
 */
final class DeliveryProbe {
    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(5);

    private final List<ChatSubscriber> subscribers = new ArrayList<>();
    private final List<Histogram> latencies = new ArrayList<>();
    /** Deliveries of posts due in the measured window, over every subscriber, as they arrive. */
    private final LongAdder received = new LongAdder();
    private final RunClock clock;

    DeliveryProbe(LoadProperties properties, WireCodec codec, Clocks clocks, RunClock clock) {
        this.clock = clock;
        for (int i = 0; i < properties.subscribers(); i++) {
            Histogram latency = new Histogram(MAX_MICROS, 3);
            latencies.add(latency);
            subscribers.add(new ChatSubscriber("loadgen-delivery-" + i, properties.proxy(), codec, clocks,
                    new MessageLog(false), properties.zmq(), p -> record(latency, p)));
        }
        for (int c = 0; c < properties.channels(); c++) {
            String channel = Workload.channel(c);
            subscribers.forEach(s -> s.subscribe(channel));
        }
    }

    void start() {
        subscribers.forEach(ChatSubscriber::start);
    }

    /**
     * Waits (bounded by {@code within}) until {@code expected} deliveries of measured posts have
     * arrived: a post's publication can leave its server just after the reply to its publisher,
     * so stopping at the last reply would count the last few as never delivered.
     */
    void awaitDeliveries(long expected, Duration within) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        while (received.sum() < expected && System.nanoTime() < until) {
            Thread.sleep(10);
        }
    }

    void stop() {
        subscribers.forEach(ChatSubscriber::stop);
    }

    /** Publish → delivery over every subscriber, in microseconds; read after {@link #stop()}. */
    Histogram latency() {
        Histogram all = new Histogram(MAX_MICROS, 3);
        latencies.forEach(all::add);
        return all;
    }

    private void record(Histogram latency, Publication post) {
        long now = System.nanoTime();
        long sent = Workload.sentNanos(post.envelope().data().path("message").asText(null));
        if (sent > 0 && clock.measured(sent)) {
            latency.recordValue(Math.max(1, Math.min(MAX_MICROS, (now - sent) / 1000)));
            received.increment();
        }
    }
}
