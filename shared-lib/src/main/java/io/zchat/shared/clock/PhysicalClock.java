package io.zchat.shared.clock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The only way a process reads physical time: the system clock plus an adjustable offset,
 * an optional injected initial skew and drift, so that clock synchronisation can be shown.
 */
public final class PhysicalClock {
    private final Clock base;
    private final long startMillis;
    private final double driftPpm;
    private volatile long offsetMillis;

    public PhysicalClock(Clock base, long initialOffsetMillis, double driftPpm) {
        this.base = base;
        this.startMillis = base.millis();
        this.driftPpm = driftPpm;
        this.offsetMillis = initialOffsetMillis;
    }

    public static PhysicalClock system() {
        return new PhysicalClock(Clock.systemUTC(), 0, 0);
    }

    /** A system clock skewed by a uniform random offset in {@code [-maxSkew, +maxSkew]}, drifting by ppm. */
    public static PhysicalClock skewed(Duration maxSkew, double driftPpm) {
        long bound = maxSkew.toMillis();
        long skew = bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(-bound, bound + 1);
        return new PhysicalClock(Clock.systemUTC(), skew, driftPpm);
    }

    public long millis() {
        long now = base.millis();
        return now + offsetMillis + driftMillis(now);
    }

    public Instant now() {
        return Instant.ofEpochMilli(millis());
    }

    /** Applies a correction (e.g. from a Berkeley round). */
    public void adjust(long deltaMillis) {
        offsetMillis += deltaMillis;
    }

    /** How far this clock reads from the system clock right now, in milliseconds. */
    public long offsetMillis() {
        long now = base.millis();
        return offsetMillis + driftMillis(now);
    }

    private long driftMillis(long now) {
        return (long) ((now - startMillis) * driftPpm / 1_000_000d);
    }
}
