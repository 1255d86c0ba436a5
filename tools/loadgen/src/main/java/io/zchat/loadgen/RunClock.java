package io.zchat.loadgen;

/**
 * The run's phases on {@link System#nanoTime()}: warm-up from {@code start}, then the measured
 * window, which ends when sending stops.
 */
record RunClock(long start, long measureFrom, long sendUntil) {

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
}
