package io.zchat.loadgen;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A server's {@code chat_replication_delay_seconds} histogram as its Prometheus text shows it:
 * cumulative counts by upper bound. The difference of two readings holds what was observed between
 * them; a percentile is then known up to its bucket, so it is given as that bucket's upper bound
 * (an "at most", never an underestimate).
 */
record DelayHistogram(NavigableMap<Double, Double> cumulative) {
    static final String NAME = "chat_replication_delay_seconds";
    private static final String BUCKET = NAME + "_bucket{";

    static final DelayHistogram EMPTY = new DelayHistogram(new TreeMap<>());

    /** The histogram in a scrape; {@link #EMPTY} when the text has none. */
    static DelayHistogram parse(String text) {
        NavigableMap<Double, Double> counts = new TreeMap<>();
        text.lines().filter(l -> l.startsWith(BUCKET)).forEach(line -> {
            int le = line.indexOf("le=\"");
            int end = line.indexOf('"', le + 4);
            if (le < 0 || end < 0) {
                return;
            }
            String bound = line.substring(le + 4, end);
            counts.put(bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound),
                    Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
        });
        return new DelayHistogram(counts);
    }

    /** What was observed since {@code earlier} (a reading of the same server). */
    DelayHistogram since(DelayHistogram earlier) {
        NavigableMap<Double, Double> counts = new TreeMap<>();
        cumulative.forEach((bound, count) -> counts.put(bound,
                Math.max(0, count - earlier.cumulative.getOrDefault(bound, 0.0))));
        return new DelayHistogram(counts);
    }

    long count() {
        return cumulative.isEmpty() ? 0 : Math.round(cumulative.lastEntry().getValue());
    }

    /**
     * Upper bound, in milliseconds, of the bucket holding the {@code percent} percentile (infinite
     * beyond the last finite bound); NaN with no observation.
     */
    double percentileMillis(double percent) {
        long count = count();
        if (count == 0) {
            return Double.NaN;
        }
        double rank = Math.ceil(percent / 100 * count);
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= rank) {
                return bucket.getKey() * 1000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    /** Upper bound, in milliseconds, of the highest bucket with an observation; NaN with none. */
    double maxMillis() {
        double below = 0;
        double max = Double.NaN;
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() > below) {
                max = bucket.getKey() * 1000;
            }
            below = bucket.getValue();
        }
        return max;
    }
}
