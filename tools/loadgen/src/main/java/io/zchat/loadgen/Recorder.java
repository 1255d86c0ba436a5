package io.zchat.loadgen;

import org.HdrHistogram.Histogram;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One worker's counts and latency histograms (microseconds); merged once the run is over. */
public final class Recorder {
    private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(5);

    private final Histogram all = new Histogram(MAX_MICROS, 3);
    private final Map<Kind, Histogram> byKind = new EnumMap<>(Kind.class);
    private final Map<Kind, long[]> counts = new EnumMap<>(Kind.class);
    /** Replies to requests answered before: a system that answers a request twice breaks a REQ client. */
    private long duplicates;

    public Recorder() {
        for (Kind kind : Kind.values()) {
            byKind.put(kind, new Histogram(MAX_MICROS, 3));
            counts.put(kind, new long[3]);
        }
    }

    public void ok(Kind kind, long latencyNanos) {
        long micros = Math.min(MAX_MICROS, Math.max(1, latencyNanos / 1000));
        all.recordValue(micros);
        byKind.get(kind).recordValue(micros);
        counts.get(kind)[0]++;
    }

    public void error(Kind kind) {
        counts.get(kind)[1]++;
    }

    public void timeout(Kind kind) {
        counts.get(kind)[2]++;
    }

    public void duplicate() {
        duplicates++;
    }

    public void add(Recorder other) {
        all.add(other.all);
        duplicates += other.duplicates;
        for (Kind kind : Kind.values()) {
            byKind.get(kind).add(other.byKind.get(kind));
            long[] mine = counts.get(kind);
            long[] theirs = other.counts.get(kind);
            for (int i = 0; i < mine.length; i++) {
                mine[i] += theirs[i];
            }
        }
    }

    public Histogram latency() {
        return all;
    }

    public Histogram latency(Kind kind) {
        return byKind.get(kind);
    }

    public long acknowledged(Kind kind) {
        return counts.get(kind)[0];
    }

    public long errors(Kind kind) {
        return counts.get(kind)[1];
    }

    public long timeouts(Kind kind) {
        return counts.get(kind)[2];
    }

    /** Over the whole run, warm-up included. */
    public long duplicates() {
        return duplicates;
    }
}
