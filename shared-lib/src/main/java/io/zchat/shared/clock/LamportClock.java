package io.zchat.shared.clock;

import java.util.concurrent.atomic.AtomicLong;

/** Lamport logical clock: tick before each send; on receive take the max, then count the receive. */
public final class LamportClock {
    private final AtomicLong value = new AtomicLong();

    public LamportClock() {
    }

    public LamportClock(long start) {
        value.set(start);
    }

    /** A send event: returns the value to put in the outgoing message. */
    public long tick() {
        return value.incrementAndGet();
    }

    /** A receive event: {@code max(own, received) + 1}. */
    public long receive(long received) {
        return value.updateAndGet(own -> Math.max(own, received) + 1);
    }

    /** Moves the clock forward to at least {@code floor} without counting an event (recovery). */
    public void advanceTo(long floor) {
        value.accumulateAndGet(floor, Math::max);
    }

    public long current() {
        return value.get();
    }
}
