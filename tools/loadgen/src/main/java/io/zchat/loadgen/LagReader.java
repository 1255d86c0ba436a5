package io.zchat.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Reads the servers' replication figures from their Prometheus endpoints: each follower's
 * histogram of how long entries took to reach it, and the lag gauges. A run reads them only 3 s
 * before its measured part starts ({@link RunClock#lagReadAt()}) and after it ends, and asks for
 * these metrics alone: a full scrape costs a server milliseconds of CPU, and reading every server
 * each second during the run added 5-10 ms to the request latency p99 it measured at 5,000/s
 * (docs/benchmarks-history.md).
 */
final class LagReader {
    private static final String LAG_MS = "chat_replication_lag_milliseconds";
    private static final String LAG_ENTRIES = "chat_replication_lag_entries";
    private static final String ONLY_THESE = "includedNames=" + DelayHistogram.NAME + "," + LAG_MS + "," + LAG_ENTRIES;

    /** One server's figures at one reading; an unreadable server gives an empty histogram and no gauges. */
    record Reading(String url, DelayHistogram delays, OptionalDouble lagMillis, OptionalDouble lagEntries) {
    }

    private final List<String> urls;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    LagReader(List<String> urls) {
        this.urls = urls;
    }

    /** Every server's figures now, in the order of the urls. */
    List<Reading> read() {
        List<Reading> readings = new ArrayList<>();
        for (String url : urls) {
            String text = scrape(url);
            readings.add(new Reading(url, DelayHistogram.parse(text), gauge(text, LAG_MS), gauge(text, LAG_ENTRIES)));
        }
        return readings;
    }

    private String scrape(String url) {
        String only = url + (url.contains("?") ? "&" : "?") + ONLY_THESE;
        try {
            return http.send(HttpRequest.newBuilder(URI.create(only)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | IllegalArgumentException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The largest value of a gauge in Prometheus text format (several series: the worst). */
    static OptionalDouble gauge(String text, String name) {
        return text.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .max();
    }
}
