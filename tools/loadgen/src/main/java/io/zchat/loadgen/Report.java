package io.zchat.loadgen;

import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run measured, as printed and as written to JSON.
 *
 * @param setup      the run's settings in words
 * @param seconds    length of the measured window
 * @param perSecond  acknowledged requests per second in the window
 * @param latencyMs  request latency percentiles (ms) over every kind
 * @param kinds      per kind: acknowledged, errors, timeouts and latency percentiles
 * @param unsent     open loop: requests due but not sent (a connection's backlog was full)
 * @param deliveryMs publish due → subscriber received, percentiles (ms), and how many arrived
 * @param deliveriesExpected acknowledged publishes times subscribers: what "arrived" should reach
 *                   (a post that timed out may still be stored and delivered, so it can exceed this)
 * @param lag        replication lag over the window (the worst follower's) and read after it
 * @param duplicateReplies replies to requests already answered, over the whole run (should be 0)
 */
public record Report(Map<String, Object> setup, double seconds, double perSecond, Map<String, Double> latencyMs,
                     Map<String, Map<String, Object>> kinds, long unsent, Map<String, Double> deliveryMs,
                     long deliveriesExpected, LagReport lag, long duplicateReplies) {

    /**
     * Count, p50, p90, p99, p99.9 and max of a histogram, each value divided by {@code perUnit}
     * (1000 for microseconds shown as milliseconds, 1 to keep the histogram's own unit).
     */
    static Map<String, Double> percentiles(Histogram values, double perUnit) {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("count", (double) values.getTotalCount());
        if (values.getTotalCount() == 0) {
            return p;
        }
        p.put("p50", values.getValueAtPercentile(50) / perUnit);
        p.put("p90", values.getValueAtPercentile(90) / perUnit);
        p.put("p99", values.getValueAtPercentile(99) / perUnit);
        p.put("p99.9", values.getValueAtPercentile(99.9) / perUnit);
        p.put("max", values.getMaxValue() / perUnit);
        return p;
    }

    /** A plain-text table for a terminal. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append("zchat load run: ").append(setup).append('\n');
        out.append(String.format("acknowledged: %.0f requests/s over %.1f s%n", perSecond, seconds));
        out.append(String.format("%-9s %10s %7s %8s %9s %9s %9s %9s %9s%n", "kind", "acked", "errors", "timeouts",
                "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"));
        kinds.forEach((kind, k) -> {
            @SuppressWarnings("unchecked")
            Map<String, Double> l = (Map<String, Double>) k.get("latencyMs");
            out.append(String.format("%-9s %10d %7d %8d %s%n", kind, (Long) k.get("acknowledged"), (Long) k.get("errors"),
                    (Long) k.get("timeouts"), columns(l)));
        });
        out.append(String.format("%-9s %10.0f %7s %8s %s%n", "all", latencyMs.getOrDefault("count", 0.0), "", "",
                columns(latencyMs)));
        if (unsent > 0) {
            out.append("unsent (backlog full): ").append(unsent).append('\n');
        }
        if (duplicateReplies > 0) {
            out.append("DUPLICATE replies (requests answered twice): ").append(duplicateReplies).append('\n');
        }
        out.append(String.format("delivery publish -> subscriber: %s (%.0f received, %d expected)%n",
                columns(deliveryMs), deliveryMs.getOrDefault("count", 0.0), deliveriesExpected));
        out.append(lag.line());
        return out.toString();
    }

    private static String columns(Map<String, Double> l) {
        if (l == null || !l.containsKey("p50")) {
            return String.format("%9s %9s %9s %9s %9s", "-", "-", "-", "-", "-");
        }
        return String.format("%9.2f %9.2f %9.2f %9.2f %9.2f", l.get("p50"), l.get("p90"), l.get("p99"),
                l.get("p99.9"), l.get("max"));
    }
}
