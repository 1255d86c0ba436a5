package io.zchat.system.support;

import io.zchat.shared.client.ChatClient;
import io.zchat.shared.client.ClientSettings;
import io.zchat.shared.client.RequestFailedException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writers {@code writer-0..N-1} that keep writing until stopped, each one request at a time with
 * retries that reuse the request id: posts to {@code general}, every fifth write a direct message
 * to the next writer. Records what was acknowledged, and when; a write whose retries all fail, or
 * that is refused, is counted as failed (it may or may not be stored).
 */
public final class WriteLoad implements AutoCloseable {
    private static final int MOST_WRITES_EACH = 1_000_000;

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Long> ackTimes = new ConcurrentLinkedQueue<>();
    /** Every write as {start, nanoseconds it took}, acknowledged or not. */
    private final ConcurrentLinkedQueue<long[]> writeTimes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    private WriteLoad() {
    }

    /** Logs the writers in, so that they may send each other direct messages. */
    public static void login(LocalCluster cluster, int writers) {
        try (ChatClient client = cluster.client()) {
            for (int w = 0; w < writers; w++) {
                assertThat(client.login("writer-" + w).ok()).isTrue();
            }
        }
    }

    /** Starts {@code writers} writers; each text is {@code w<writer>-<n>} followed by {@code suffix}. */
    public static WriteLoad start(LocalCluster cluster, int writers, ClientSettings settings, String suffix) {
        WriteLoad load = new WriteLoad();
        for (int w = 0; w < writers; w++) {
            int id = w;
            Thread t = new Thread(() -> load.write(cluster, settings, id, writers, suffix), "writer-" + w);
            load.threads.add(t);
            t.start();
        }
        return load;
    }

    private void write(LocalCluster cluster, ClientSettings settings, int id, int writers, String suffix) {
        try (ChatClient client = cluster.client(settings)) {
            for (int i = 0; writing.get() && i < MOST_WRITES_EACH; i++) {
                String text = "w" + id + "-" + i + suffix;
                long started = System.nanoTime();
                try {
                    boolean ok = i % 5 == 4
                            ? client.message("writer-" + id, "writer-" + ((id + 1) % writers), text).isOk()
                            : client.publish("writer-" + id, "general", text).isOk();
                    if (ok) {
                        acknowledged.add(text);
                        ackTimes.add(System.nanoTime());
                    } else {
                        failed.incrementAndGet();
                    }
                } catch (RequestFailedException e) {
                    failed.incrementAndGet();
                }
                writeTimes.add(new long[] {started, System.nanoTime() - started});
            }
        }
    }

    public Set<String> acknowledged() {
        return acknowledged;
    }

    public int failed() {
        return failed.get();
    }

    /** The longest time without an acknowledgement from {@code fromNanos} (counted as one) to {@code toNanos}, in ms. */
    public long longestPauseMillis(long fromNanos, long toNanos) {
        List<Long> times = ackTimes.stream().filter(t -> t >= fromNanos && t <= toNanos).sorted().toList();
        long longest = 0;
        long previous = fromNanos;
        for (long t : times) {
            longest = Math.max(longest, t - previous);
            previous = t;
        }
        return longest / 1_000_000;
    }

    /** Writes started from {@code fromNanos} to {@code toNanos} that took {@code atLeast} or longer. */
    public long writesSlowerThan(Duration atLeast, long fromNanos, long toNanos) {
        return writeTimes.stream().filter(w -> w[0] >= fromNanos && w[0] <= toNanos && w[1] >= atLeast.toNanos())
                .count();
    }

    /** The longest any write started from {@code fromNanos} to {@code toNanos} took, in ms. */
    public long slowestWriteMillis(long fromNanos, long toNanos) {
        return writeTimes.stream().filter(w -> w[0] >= fromNanos && w[0] <= toNanos).mapToLong(w -> w[1])
                .max().orElse(0) / 1_000_000;
    }

    /** Stops the writers and waits (bounded) for their last requests. */
    @Override
    public void close() throws InterruptedException {
        writing.set(false);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
