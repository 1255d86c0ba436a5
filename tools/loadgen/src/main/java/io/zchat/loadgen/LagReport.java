package io.zchat.loadgen;

import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * Replication lag over the measured part of a run (and the last 3 s of the warm-up), from the
 * servers' histograms read before it began and after it ended: the figures of the follower whose
 * p99 was worst. Percentiles and max are the upper bounds of their buckets ("at most"), in
 * milliseconds.
 *
 * @param serversRead servers whose histogram was found (the coordinator's stays empty)
 * @param worstServer the endpoint of the server reported, or null when none observed anything
 * @param answers     fetch answers with new entries that server took in the window
 * @param afterMs     worst lag gauge read after the run (ms), NaN if no server answered
 * @param afterEntries the same in entries
 */
record LagReport(int serversRead, String worstServer, long answers, double p50Ms, double p90Ms, double p99Ms,
                 double maxMs, double afterMs, double afterEntries) {

    static LagReport of(List<LagReader.Reading> before, List<LagReader.Reading> after) {
        int read = 0;
        LagReader.Reading worst = null;
        DelayHistogram worstWindow = DelayHistogram.EMPTY;
        for (int i = 0; i < after.size(); i++) {
            LagReader.Reading end = after.get(i);
            if (end.delays().cumulative().isEmpty()) {
                continue;
            }
            read++;
            DelayHistogram window = end.delays().since(before.get(i).delays());
            boolean worse = worst == null || window.percentileMillis(99) > worstWindow.percentileMillis(99);
            if (window.count() > 0 && worse) {
                worst = end;
                worstWindow = window;
            }
        }
        return new LagReport(read, worst == null ? null : worst.url(), worstWindow.count(),
                worstWindow.percentileMillis(50), worstWindow.percentileMillis(90), worstWindow.percentileMillis(99),
                worstWindow.maxMillis(), worstGauge(after, LagReader.Reading::lagMillis),
                worstGauge(after, LagReader.Reading::lagEntries));
    }

    private static double worstGauge(List<LagReader.Reading> readings,
                                     Function<LagReader.Reading, OptionalDouble> gauge) {
        return readings.stream()
                .map(gauge)
                .filter(OptionalDouble::isPresent)
                .mapToDouble(OptionalDouble::getAsDouble)
                .max().orElse(Double.NaN);
    }

    /** The report's line for a terminal; empty when no server was read. */
    String line() {
        if (serversRead == 0) {
            return "";
        }
        String during = answers == 0
                ? String.format("replication lag during the run: no entries reached a follower (%d servers read)%n",
                        serversRead)
                : String.format("replication lag during the run (worst of %d servers, %d fetch answers with entries): "
                                + "p50 <= %s ms, p90 <= %s ms, p99 <= %s ms, max <= %s ms%n", serversRead, answers,
                        bound(p50Ms), bound(p90Ms), bound(p99Ms), bound(maxMs));
        return during + String.format("replication lag after the run: %.0f ms, %.0f entries%n", afterMs, afterEntries);
    }

    private static String bound(double millis) {
        return Double.isInfinite(millis) ? "inf" : String.format("%.0f", millis);
    }
}
