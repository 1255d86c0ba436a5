package io.zchat.loadgen;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DriverTest {

    @Test
    void workersSchedulesInterleaveSoThatRequestsFallDueOneAtATime() {
        // 5,000/s over 2 workers: each every 400 us, the second 200 us after the first
        double interval = 1e9 * 2 / 5000;
        assertThat(Driver.firstDue(1_000, interval, 0, 2)).isEqualTo(1_000);
        assertThat(Driver.firstDue(1_000, interval, 1, 2)).isEqualTo(201_000);
        // 3 workers: a third of an interval apart
        assertThat(Driver.firstDue(0, 300, 2, 3)).isEqualTo(200);
    }
}
