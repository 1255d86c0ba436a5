package io.zchat.loadgen;

import java.util.concurrent.TimeUnit;

/**
 * The run's phases on {@link System#nanoTime()}: warm-up from {@code start}, then the measured
 * window, which ends when sending stops.
 */
record RunClock(long start, long measureFrom, long sendUntil) {
    /**
     * How long before the measured window the servers' replication histograms are first read.
     * Reading them costs every server a burst of CPU (rendering its metrics), and read as the window
     * began it put its first second's requests among the slowest: p99 at 5,000/s 0.8-1.2 ms higher
     * than over the rest of the window (docs/benchmarks.md).
     */
    static final long LAG_READ_LEAD_NANOS = TimeUnit.SECONDS.toNanos(3);

    static RunClock startingNow(LoadProperties properties) {
        long start = System.nanoTime();
        long measureFrom = start + properties.warmup().toNanos();
        return new RunClock(start, measureFrom, measureFrom + properties.duration().toNanos());
    }

    /** Whether a request due at {@code dueNanos} counts. */
    boolean measured(long dueNanos) {
        return dueNanos >= measureFrom && dueNanos < sendUntil;
    }

    double measuredSeconds() {
        return (sendUntil - measureFrom) / 1e9;
    }

    /**
     * When to take the first reading of the servers' replication lag: {@link #LAG_READ_LEAD_NANOS}
     * before the window, or halfway through a shorter warm-up, so that the reading's disturbance
     * settles before requests count. The lag then covers that much of the warm-up as well.
     */
    long lagReadAt() {
        return measureFrom - Math.min(LAG_READ_LEAD_NANOS, (measureFrom - start) / 2);
    }
}
