package io.zchat.loadgen;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Reads the servers' replication lag from their Prometheus endpoints every {@code every} while the
 * run goes on: the worst server's lag at each reading.
 */
final class LagSampler implements Runnable {
    private static final String LAG_MS = "chat_replication_lag_milliseconds";
    private static final String LAG_ENTRIES = "chat_replication_lag_entries";

    private final List<String> urls;
    private final Duration every;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Histogram millis = new Histogram(3_600_000L, 3);
    private final Histogram entries = new Histogram(1_000_000_000L, 3);
    private volatile boolean running = true;

    LagSampler(List<String> urls, Duration every) {
        this.urls = urls;
        this.every = every;
    }

    void stop() {
        running = false;
    }

    Histogram millis() {
        return millis;
    }

    Histogram entries() {
        return entries;
    }

    @Override
    public void run() {
        while (running && !urls.isEmpty()) {
            double[] worst = read();
            millis.recordValue(Math.min(millis.getHighestTrackableValue(), Math.round(worst[0])));
            entries.recordValue(Math.min(entries.getHighestTrackableValue(), Math.round(worst[1])));
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One reading of every server: the worst lag in milliseconds and in entries. */
    double[] read() {
        double worstMillis = 0;
        double worstEntries = 0;
        for (String url : urls) {
            String text = scrape(url);
            worstMillis = Math.max(worstMillis, gauge(text, LAG_MS).orElse(0));
            worstEntries = Math.max(worstEntries, gauge(text, LAG_ENTRIES).orElse(0));
        }
        return new double[] {worstMillis, worstEntries};
    }

    private String scrape(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
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
