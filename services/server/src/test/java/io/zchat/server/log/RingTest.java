package io.zchat.server.log;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RingTest {
    private static byte[] line(long seq) {
        return ("{\"seq\":" + seq + "}").getBytes();
    }

    @Test
    void holdsTheLatestLinesAcrossWrapAround() {
        Ring<byte[]> ring = new Ring<>(4);
        assertThat(ring.holds(1)).isFalse();
        for (long s = 1; s <= 10; s++) {
            ring.add(s, line(s));
        }
        assertThat(ring.oldest()).isEqualTo(7);
        assertThat(ring.holds(6)).isFalse();
        assertThat(ring.holds(11)).isFalse();
        for (long s = 7; s <= 10; s++) {
            assertThat(ring.get(s)).isEqualTo(line(s));
        }
    }

    @Test
    void truncationForgetsTheTailAndTheRingContinuesFromThere() {
        Ring<byte[]> ring = new Ring<>(4);
        for (long s = 1; s <= 6; s++) {
            ring.add(s, line(s));
        }
        ring.truncateAfter(4);
        assertThat(ring.holds(5)).isFalse();
        assertThat(ring.oldest()).isEqualTo(3);
        assertThat(ring.get(4)).isEqualTo(line(4));
        ring.add(5, line(50));
        assertThat(ring.get(5)).isEqualTo(line(50));
        ring.truncateAfter(0);
        assertThat(ring.holds(1)).isFalse();
        assertThat(ring.holds(3)).isFalse();
    }
}
