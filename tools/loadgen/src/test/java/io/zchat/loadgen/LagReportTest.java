package io.zchat.loadgen;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;

class LagReportTest {

    /** A scrape of one server's histogram: cumulative counts at 1, 2, 5, 10 ms and beyond. */
    private static String scrape(String node, long le1, long le2, long le5, long le10, long inf) {
        return String.format("""
                # HELP chat_replication_delay_seconds per fetch answer
                # TYPE chat_replication_delay_seconds histogram
                chat_replication_delay_seconds_bucket{node="%1$s",le="0.001"} %2$d
                chat_replication_delay_seconds_bucket{node="%1$s",le="0.002"} %3$d
                chat_replication_delay_seconds_bucket{node="%1$s",le="0.005"} %4$d
                chat_replication_delay_seconds_bucket{node="%1$s",le="0.01"} %5$d
                chat_replication_delay_seconds_bucket{node="%1$s",le="+Inf"} %6$d
                chat_replication_delay_seconds_count{node="%1$s"} %6$d
                chat_replication_delay_seconds_sum{node="%1$s"} 0.5
                chat_replication_lag_milliseconds{node="%1$s"} 3.0
                """, node, le1, le2, le5, le10, inf);
    }

    private static LagReader.Reading reading(String url, String text) {
        return new LagReader.Reading(url, DelayHistogram.parse(text),
                LagReader.gauge(text, "chat_replication_lag_milliseconds"),
                LagReader.gauge(text, "chat_replication_lag_entries"));
    }

    @Test
    void percentilesAreTheUpperBoundsOfTheBucketsHoldingThem() {
        // 100 observations: 50 within 1 ms, 40 more within 2 ms, 9 within 5 ms, 1 within 10 ms
        DelayHistogram h = DelayHistogram.parse(scrape("s", 50, 90, 99, 100, 100));
        assertThat(h.count()).isEqualTo(100);
        assertThat(h.percentileMillis(50)).isEqualTo(1.0);
        assertThat(h.percentileMillis(51)).isEqualTo(2.0);
        assertThat(h.percentileMillis(90)).isEqualTo(2.0);
        assertThat(h.percentileMillis(99)).isEqualTo(5.0);
        assertThat(h.percentileMillis(100)).isEqualTo(10.0);
        assertThat(h.maxMillis()).isEqualTo(10.0);
    }

    @Test
    void onlyWhatWasObservedBetweenTheReadingsCounts() {
        DelayHistogram before = DelayHistogram.parse(scrape("s", 0, 0, 0, 0, 1000));
        DelayHistogram after = DelayHistogram.parse(scrape("s", 10, 20, 20, 20, 1020));
        DelayHistogram window = after.since(before);
        // the 1,000 slow ones of the warm-up are not in the window
        assertThat(window.count()).isEqualTo(20);
        assertThat(window.percentileMillis(99)).isEqualTo(2.0);
        assertThat(window.maxMillis()).isEqualTo(2.0);
        assertThat(after.percentileMillis(99)).isInfinite();
    }

    @Test
    void theWorstFollowerIsReportedAndTheCoordinatorsEmptyHistogramIsSkipped() {
        List<LagReader.Reading> before = List.of(
                reading("a", scrape("a", 0, 0, 0, 0, 0)),
                reading("b", scrape("b", 0, 0, 0, 0, 0)),
                reading("c", scrape("c", 0, 0, 0, 0, 0)));
        List<LagReader.Reading> after = List.of(
                reading("a", scrape("a", 100, 100, 100, 100, 100)),
                reading("b", scrape("b", 0, 0, 0, 0, 0)),
                reading("c", scrape("c", 10, 50, 100, 100, 100)));
        LagReport report = LagReport.of(before, after);
        assertThat(report.serversRead()).isEqualTo(3);
        assertThat(report.worstServer()).isEqualTo("c");
        assertThat(report.answers()).isEqualTo(100);
        assertThat(report.p50Ms()).isEqualTo(2.0);
        assertThat(report.p99Ms()).isEqualTo(5.0);
        assertThat(report.afterMs()).isEqualTo(3.0);
        assertThat(report.line()).contains("worst of 3 servers, 100 fetch answers", "p99 <= 5 ms");
    }

    @Test
    void anUnreadableServerCountsForNothing() {
        LagReader.Reading nothing = new LagReader.Reading("x", DelayHistogram.parse(""), OptionalDouble.empty(),
                OptionalDouble.empty());
        LagReport report = LagReport.of(List.of(nothing), List.of(nothing));
        assertThat(report.serversRead()).isZero();
        assertThat(report.worstServer()).isNull();
        assertThat(report.line()).isEmpty();
    }
}
