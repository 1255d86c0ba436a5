package io.zchat.server.cluster;

import io.zchat.server.cluster.BerkeleyAverage.Result;
import io.zchat.server.cluster.BerkeleyAverage.Sample;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BerkeleyAverageTest {
    private static final long OUTLIER = 5_000;
    private static final long MAX_RTT = 200;
    private static final long T0 = 1_700_000_000_000L;

    /**
     * A poll of a peer whose clock is {@code skew} ms off the coordinator's, asked at {@code sentAt}
     * (coordinator's clock), with the reply taking {@code rtt} ms in all and the peer reading its clock
     * exactly half-way (symmetric network).
     */
    private static Sample poll(String name, long skew, long sentAt, long rtt) {
        long readAt = (long) Math.floor(sentAt + rtt / 2.0 + skew);
        return new Sample(name, readAt, sentAt, sentAt + rtt);
    }

    @Test
    void roundTripIsCompensatedByHalf() {
        // the peer is exactly 300 ms ahead; asked at 1000, it reads its clock at 1020 (its 1320), answer arrives at 1040
        Sample s = new Sample("server-2", 1320, 1000, 1040);
        assertThat(s.roundTrip()).isEqualTo(40);
        assertThat(s.offset()).isEqualTo(300);
    }

    @Test
    void roundTripCompensationForABehindPeer() {
        // 250 ms behind, 100 ms round trip: read at coordinator 5050 → peer 4800, received 5100
        Sample s = new Sample("server-3", 4800, 5000, 5100);
        assertThat(s.offset()).isEqualTo(-250);
        // ignoring the round trip would have said -300
        assertThat(s.time() - s.receivedAt()).isEqualTo(-300);
    }

    @Test
    void zeroRoundTripOffsetIsPlainDifference() {
        Sample s = new Sample("server-2", T0 + 75, T0, T0);
        assertThat(s.offset()).isEqualTo(75);
    }

    @Test
    void everyCorrectionBringsItsClockToTheAverage() {
        List<Sample> samples = List.of(poll("server-2", 100, T0, 40), poll("server-3", -40, T0, 40));
        Result r = BerkeleyAverage.compute("server-1", samples, OUTLIER, MAX_RTT);

        // (0 + 100 - 40) / 3 = 20
        assertThat(r.averageOffset()).isEqualTo(20);
        assertThat(r.excluded()).isEmpty();
        assertThat(r.corrections()).containsOnlyKeys("server-1", "server-2", "server-3");
        assertThat(r.corrections().get("server-1")).isEqualTo(20);
        assertThat(r.corrections().get("server-2")).isEqualTo(20 - 100);
        assertThat(r.corrections().get("server-3")).isEqualTo(20 + 40);

        Map<String, Long> offsets = Map.of("server-1", 0L, "server-2", 100L, "server-3", -40L);
        List<Long> after = offsets.entrySet().stream()
                .map(e -> e.getValue() + r.corrections().get(e.getKey())).distinct().toList();
        assertThat(after).containsExactly(20L);
    }

    @Test
    void outlierIsLeftOutOfTheAverageButStillCorrected() {
        long hour = 3_600_000;
        List<Sample> samples = List.of(
                poll("server-2", 100, T0, 40),
                poll("server-3", -40, T0, 40),
                poll("server-4", hour, T0, 40));
        Result r = BerkeleyAverage.compute("server-1", samples, OUTLIER, MAX_RTT);

        assertThat(r.excluded()).containsExactly("server-4");
        assertThat(r.averageOffset()).isEqualTo(20);
        assertThat(r.corrections().get("server-1")).isEqualTo(20);
        assertThat(r.corrections().get("server-2")).isEqualTo(-80);
        assertThat(r.corrections().get("server-3")).isEqualTo(60);
        assertThat(r.corrections().get("server-4")).isEqualTo(20 - hour);
        assertThat(hour + r.corrections().get("server-4")).isEqualTo(20);
    }

    @Test
    void outlierOnTheNegativeSideIsAlsoLeftOut() {
        List<Sample> samples = List.of(
                poll("server-2", 30, T0, 10),
                poll("server-3", -60_000, T0, 10));
        Result r = BerkeleyAverage.compute("server-1", samples, OUTLIER, MAX_RTT);

        assertThat(r.excluded()).containsExactly("server-3");
        assertThat(r.averageOffset()).isEqualTo(15);
        assertThat(r.corrections().get("server-3")).isEqualTo(15 + 60_000);
    }

    @Test
    void slowSampleIsLeftOutOfTheAverageButStillCorrected() {
        List<Sample> samples = List.of(
                poll("server-2", 100, T0, 40),
                poll("server-3", -40, T0, 40),
                poll("server-4", 900, T0, MAX_RTT + 1));
        Result r = BerkeleyAverage.compute("server-1", samples, OUTLIER, MAX_RTT);

        assertThat(r.excluded()).containsExactly("server-4");
        assertThat(r.averageOffset()).isEqualTo(20);
        assertThat(r.corrections()).containsKey("server-4");
        long offset4 = samples.get(2).offset();
        assertThat(r.corrections().get("server-4")).isEqualTo(20 - offset4);
    }

    @Test
    void aSlowSampleWithinItsOwnErrorOfTheAverageIsNotCorrected() {
        List<Sample> samples = List.of(
                poll("server-2", 100, T0, 40),
                poll("server-3", -40, T0, 40),
                poll("server-4", 80, T0, 500));
        Result r = BerkeleyAverage.compute("server-1", samples, OUTLIER, MAX_RTT);

        assertThat(r.excluded()).containsExactly("server-4");
        // its offset (about 80) is 60 from the average of 20: less than the 250 its round trip can err by
        assertThat(r.corrections()).containsOnlyKeys("server-1", "server-2", "server-3");
    }

    @Test
    void roundTripExactlyAtTheLimitStillCounts() {
        List<Sample> samples = List.of(poll("server-2", 100, T0, MAX_RTT));
        Result r = BerkeleyAverage.compute("server-1", samples, OUTLIER, MAX_RTT);

        assertThat(r.excluded()).isEmpty();
        assertThat(r.averageOffset()).isEqualTo(50);
    }

    @Test
    void coordinatorAloneGetsNoCorrection() {
        Result r = BerkeleyAverage.compute("server-1", List.of(), OUTLIER, MAX_RTT);

        assertThat(r.corrections()).containsExactly(Map.entry("server-1", 0L));
        assertThat(r.excluded()).isEmpty();
        assertThat(r.averageOffset()).isZero();
    }

    @Test
    void randomSkewsWithSymmetricRoundTripsEndWithinOneMillisecond() {
        Random random = new Random(20260301L);
        for (int trial = 0; trial < 1000; trial++) {
            int peers = 1 + random.nextInt(6);
            Map<String, Long> skews = new HashMap<>();
            skews.put("server-1", 0L); // the coordinator's clock is the reference
            List<Sample> samples = new ArrayList<>();
            long sentAt = T0 + random.nextInt(1_000_000);
            for (int i = 2; i <= peers + 1; i++) {
                String name = "server-" + i;
                long skew = random.nextInt(2001) - 1000;
                long rtt = random.nextInt((int) MAX_RTT + 1);
                skews.put(name, skew);
                samples.add(poll(name, skew, sentAt, rtt));
                sentAt += rtt;
            }
            Result r = BerkeleyAverage.compute("server-1", samples, OUTLIER, MAX_RTT);

            assertThat(r.excluded()).as("trial %d", trial).isEmpty();
            assertThat(r.corrections()).as("trial %d", trial).containsOnlyKeys(skews.keySet());
            List<Long> after = skews.entrySet().stream()
                    .map(e -> e.getValue() + r.corrections().get(e.getKey())).toList();
            long spread = after.stream().mapToLong(Long::longValue).max().getAsLong()
                    - after.stream().mapToLong(Long::longValue).min().getAsLong();
            assertThat(spread).as("trial %d: skews %s corrections %s", trial, skews, r.corrections())
                    .isLessThanOrEqualTo(1);
        }
    }
}
