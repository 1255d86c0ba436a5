package io.zchat.shared.clock;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LamportClockTest {

    @Test
    void tickIncrementsBeforeTheValueIsReturned() {
        LamportClock clock = new LamportClock();
        assertThat(clock.current()).isZero();
        assertThat(clock.tick()).isEqualTo(1);
        assertThat(clock.tick()).isEqualTo(2);
        assertThat(clock.current()).isEqualTo(2);
    }

    @Test
    void startValueIsKept() {
        LamportClock clock = new LamportClock(41);
        assertThat(clock.tick()).isEqualTo(42);
    }

    @Test
    void receiveOfABiggerClockJumpsPastIt() {
        LamportClock clock = new LamportClock(5);
        assertThat(clock.receive(20)).isEqualTo(21);
        assertThat(clock.current()).isEqualTo(21);
    }

    @Test
    void receiveOfASmallerClockStillCountsTheEvent() {
        LamportClock clock = new LamportClock(30);
        assertThat(clock.receive(7)).isEqualTo(31);
        assertThat(clock.receive(31)).isEqualTo(32);
    }

    @Test
    void advanceToMovesForwardButNeverBackwardsAndCountsNoEvent() {
        LamportClock clock = new LamportClock(10);
        clock.advanceTo(100);
        assertThat(clock.current()).isEqualTo(100);
        clock.advanceTo(50);
        assertThat(clock.current()).isEqualTo(100);
        clock.advanceTo(100);
        assertThat(clock.current()).isEqualTo(100);
        assertThat(clock.tick()).isEqualTo(101);
    }

    @Test
    void concurrentTicksAreAllDistinct() throws Exception {
        int threads = 4;
        int perThread = 10_000;
        LamportClock clock = new LamportClock();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<long[]>> jobs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                jobs.add(() -> {
                    long[] seen = new long[perThread];
                    for (int i = 0; i < perThread; i++) {
                        seen[i] = clock.tick();
                    }
                    return seen;
                });
            }
            Set<Long> all = new HashSet<>();
            for (Future<long[]> f : pool.invokeAll(jobs)) {
                for (long v : f.get(30, TimeUnit.SECONDS)) {
                    all.add(v);
                }
            }
            assertThat(all).hasSize(threads * perThread);
            assertThat(clock.current()).isEqualTo((long) threads * perThread);
        } finally {
            pool.shutdownNow();
        }
    }
}
