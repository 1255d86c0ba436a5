package io.zchat.server.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arithmetic of one Berkeley round, run by the coordinator. Each sample is a server's clock
 * reading taken over a request that lasted {@code roundTripMs}; the reading is assumed to be taken
 * half-way, so its offset from the coordinator is {@code time + rtt/2 - receivedAt}. Samples with
 * a too-long round trip are unreliable and samples too far from the median are faulty clocks: both
 * are left out of the average, but every server (outliers too) is told how to reach the average,
 * except a slow sample's server whose correction is within that sample's own error (half its round
 * trip): under load such corrections were mostly noise, moving clocks by up to ±240 ms a round.
 */
public final class BerkeleyAverage {
    private BerkeleyAverage() {
    }

    /** A reading of {@code time} from server {@code name}, asked at {@code sentAt}, answered at {@code receivedAt} (coordinator's clock). */
    public record Sample(String name, long time, long sentAt, long receivedAt) {
        public long roundTrip() {
            return receivedAt - sentAt;
        }

        /** The server's clock minus the coordinator's, compensating for half the round trip. */
        public long offset() {
            return time + roundTrip() / 2 - receivedAt;
        }
    }

    /** What a round decided: the correction each server must add to its clock, and who was left out. */
    public record Result(Map<String, Long> corrections, List<String> excluded, long averageOffset) {
    }

    /** @param self the coordinator's own name: its offset is 0 by definition */
    public static Result compute(String self, List<Sample> samples, long outlierMs, long maxRoundTripMs) {
        Map<String, Long> offsets = new LinkedHashMap<>();
        offsets.put(self, 0L);
        List<String> excluded = new ArrayList<>();
        Map<String, Long> slowRoundTrips = new LinkedHashMap<>();
        List<Long> candidates = new ArrayList<>();
        candidates.add(0L);
        for (Sample s : samples) {
            offsets.put(s.name(), s.offset());
            if (s.roundTrip() > maxRoundTripMs) {
                excluded.add(s.name());
                slowRoundTrips.put(s.name(), s.roundTrip());
            } else {
                candidates.add(s.offset());
            }
        }
        long median = median(candidates);
        List<Long> kept = new ArrayList<>();
        offsets.forEach((name, offset) -> {
            if (excluded.contains(name)) {
                return;
            }
            if (Math.abs(offset - median) > outlierMs) {
                excluded.add(name);
            } else {
                kept.add(offset);
            }
        });
        long average = Math.round(kept.stream().mapToLong(Long::longValue).average().orElse(0));
        Map<String, Long> corrections = new LinkedHashMap<>();
        offsets.forEach((name, offset) -> {
            long correction = average - offset;
            Long slowRoundTrip = slowRoundTrips.get(name);
            if (slowRoundTrip == null || Math.abs(correction) > slowRoundTrip / 2) {
                corrections.put(name, correction);
            }
        });
        return new Result(corrections, excluded, average);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
