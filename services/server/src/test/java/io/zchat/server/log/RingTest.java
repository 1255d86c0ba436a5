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

    @Test
    void forgettingTheOldestLetsThemGoAndKeepsTheNewer() {
        Ring<byte[]> ring = new Ring<>(4);
        for (long s = 1; s <= 6; s++) {
            ring.add(s, line(s));
        }
        ring.forgetUpTo(4);
        assertThat(ring.holds(4)).isFalse();
        assertThat(ring.oldest()).isEqualTo(5);
        assertThat(ring.get(3)).as("the slot no longer refers to it").isNull();
        assertThat(ring.get(4)).isNull();
        assertThat(ring.get(6)).isEqualTo(line(6));
        ring.forgetUpTo(2);
        assertThat(ring.oldest()).as("already forgotten: nothing changes").isEqualTo(5);
        ring.add(7, line(7));
        assertThat(ring.holds(5)).isTrue();
        assertThat(ring.holds(7)).isTrue();
        ring.forgetUpTo(100);
        assertThat(ring.holds(7)).isFalse();
        ring.add(8, line(8));
        assertThat(ring.oldest()).isEqualTo(8);
        assertThat(ring.get(8)).isEqualTo(line(8));
    }
}
