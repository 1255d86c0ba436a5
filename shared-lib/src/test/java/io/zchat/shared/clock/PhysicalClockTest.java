package io.zchat.shared.clock;

import io.zchat.shared.wire.Stamp;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class PhysicalClockTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.000Z");

    @Test
    void initialOffsetIsApplied() {
        ManualClock base = new ManualClock(T0);
        PhysicalClock clock = new PhysicalClock(base, -412, 0);
        assertThat(clock.millis()).isEqualTo(T0.toEpochMilli() - 412);
        assertThat(clock.now()).isEqualTo(T0.minusMillis(412));
        assertThat(clock.offsetMillis()).isEqualTo(-412);
    }

    @Test
    void adjustShiftsLaterReadings() {
        ManualClock base = new ManualClock(T0);
        PhysicalClock clock = new PhysicalClock(base, 100, 0);
        clock.adjust(-150);
        assertThat(clock.millis()).isEqualTo(T0.toEpochMilli() - 50);
        assertThat(clock.offsetMillis()).isEqualTo(-50);
        clock.adjust(30);
        assertThat(clock.offsetMillis()).isEqualTo(-20);
    }

    @Test
    void readingsFollowTheBaseClock() {
        ManualClock base = new ManualClock(T0);
        PhysicalClock clock = new PhysicalClock(base, 7, 0);
        base.advance(Duration.ofSeconds(3));
        assertThat(clock.millis()).isEqualTo(T0.toEpochMilli() + 3000 + 7);
        assertThat(clock.offsetMillis()).isEqualTo(7);
    }

    @Test
    void driftShowsAfterElapsedTime() {
        ManualClock base = new ManualClock(T0);
        PhysicalClock fast = new PhysicalClock(base, 0, 200);   // 200 ppm
        PhysicalClock slow = new PhysicalClock(base, 0, -500);  // -500 ppm
        assertThat(fast.offsetMillis()).isZero();
        base.advance(Duration.ofSeconds(1000));               // 200 ppm of 1,000 s = 200 ms
        assertThat(fast.offsetMillis()).isEqualTo(200);
        assertThat(fast.millis()).isEqualTo(T0.toEpochMilli() + 1_000_000 + 200);
        assertThat(slow.offsetMillis()).isEqualTo(-500);
    }

    @Test
    void driftAddsToAdjustments() {
        ManualClock base = new ManualClock(T0);
        PhysicalClock clock = new PhysicalClock(base, 0, 1000); // 1 ms per second
        base.advance(Duration.ofSeconds(10));
        clock.adjust(-10);
        assertThat(clock.offsetMillis()).isZero();
        base.advance(Duration.ofSeconds(5));
        assertThat(clock.offsetMillis()).isEqualTo(5);
    }

    @Test
    void skewedStaysWithinItsBound() {
        Duration max = Duration.ofMillis(50);
        for (int i = 0; i < 200; i++) {
            PhysicalClock clock = PhysicalClock.skewed(max, 0);
            assertThat(clock.offsetMillis()).isBetween(-50L, 50L);
        }
    }

    @Test
    void skewedWithZeroBoundHasNoOffset() {
        assertThat(PhysicalClock.skewed(Duration.ZERO, 0).offsetMillis()).isZero();
    }

    @Test
    void stampTicksLamportAndReadsPhysicalTime() {
        ManualClock base = new ManualClock(T0);
        Clocks clocks = new Clocks(new LamportClock(9), new PhysicalClock(base, 25, 0));
        Stamp first = clocks.stamp();
        assertThat(first).isEqualTo(new Stamp(T0.plusMillis(25), 10));
        base.advance(Duration.ofMillis(4));
        assertThat(clocks.stamp()).isEqualTo(new Stamp(T0.plusMillis(29), 11));
        assertThat(clocks.lamport().current()).isEqualTo(11);
    }

    @Test
    void receivedAppliesTheReceiveRule() {
        Clocks clocks = new Clocks(new LamportClock(3), new PhysicalClock(new ManualClock(T0), 0, 0));
        assertThat(clocks.received(new Stamp(T0, 40))).isEqualTo(41);
        assertThat(clocks.received(new Stamp(T0, 2))).isEqualTo(42);
        assertThat(clocks.lamport().current()).isEqualTo(42);
    }
}
