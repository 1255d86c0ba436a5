package io.zchat.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zchat.shared.client.ChatClient;
import io.zchat.system.support.LocalCluster;
import io.zchat.system.support.NodeProcess;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard (deploy/grafana/dashboards/zchat.json) against a running cluster: every
 * metric one of its queries names is served by some node's /actuator/prometheus, under exactly
 * that series name (histogram {@code _bucket}/{@code _count}, counter {@code _total}, ...).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DashboardMetricsIT {
    static final Path DASHBOARD = NodeProcess.root().resolve("deploy/grafana/dashboards/zchat.json");
    private static final List<String> NAMES = List.of("server-1", "server-2", "server-3");
    private static final ObjectMapper JSON = new ObjectMapper();
    @AutoClose
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("dashboard").startInfrastructure();
        cluster.startServers(NAMES);
        // requests of several services, so that the request timers exist on the servers
        try (ChatClient client = cluster.client()) {
            for (int i = 0; i < 6; i++) {
                assertThat(client.login("dash-" + i).ok()).isTrue();
            }
            assertThat(client.createChannel("dashboards").ok()).isTrue();
            for (int i = 0; i < 6; i++) {
                client.publish("dash-" + i, "dashboards", "hello " + i);
                client.message("dash-" + i, "dash-0", "direct " + i);
            }
            client.channels();
            client.users();
            client.channelHistory("dashboards", 10, null);
        }
    }

    @Test
    void everyMetricOfTheDashboardIsServedBySomeNode() throws Exception {
        Map<String, Set<String>> servedBy = new TreeMap<>();
        for (NodeProcess node : cluster.nodes()) {
            for (String series : seriesNames(node.get("/actuator/prometheus"))) {
                servedBy.computeIfAbsent(series, s -> new TreeSet<>()).add(node.name());
            }
        }
        Map<String, List<String>> panels = panelQueries(JSON.readTree(DASHBOARD.toFile()));
        Set<String> used = new TreeSet<>();
        System.out.println("dashboard panels (" + panels.size() + "):");
        panels.forEach((title, exprs) -> {
            System.out.println("  " + title);
            exprs.forEach(expr -> {
                System.out.println("      " + expr);
                used.addAll(metricNames(expr));
            });
        });
        System.out.println("metrics checked (" + used.size() + "):");
        used.forEach(m -> System.out.println("  " + m + " <- " + servedBy.getOrDefault(m, Set.of())));

        assertThat(panels).isNotEmpty();
        assertThat(used).contains("chat_requests_seconds_bucket", "chat_requests_seconds_count",
                "chat_server_coordinator", "chat_server_rank", "chat_lamport_clock", "chat_clock_offset_milliseconds",
                "chat_replication_lag_entries", "chat_replication_lag_milliseconds",
                "chat_replication_delay_seconds_bucket", "chat_replication_last_seq",
                "chat_replication_commit_seq", "chat_broker_forwarded_total", "chat_proxy_publications_total",
                "chat_proxy_subscriptions_total");
        assertThat(used).allSatisfy(metric -> assertThat(servedBy)
                .as("series %s used by the dashboard is served by no node", metric).containsKey(metric));
    }

    @Test
    void everyQueryUsesTheProvisionedDatasourceTheRateIntervalAndTheNodeLabel() throws Exception {
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        Pattern range = Pattern.compile("\\b(?:rate|increase|irate)\\s*\\([^\\[]*\\[([^\\]]*)\\]");
        int targets = 0;
        for (JsonNode panel : panels(dashboard)) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            String title = panel.path("title").asText();
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo("prometheus");
            assertThat(panel.path("targets")).as(title).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                targets++;
                String expr = target.path("expr").asText();
                assertThat(target.path("datasource").path("uid").asText()).as(expr).isEqualTo("prometheus");
                assertThat(target.path("legendFormat").asText()).as(expr).contains("{{node}}");
                Matcher m = range.matcher(expr);
                while (m.find()) {
                    assertThat(m.group(1)).as(expr).isEqualTo("$__rate_interval");
                }
            }
        }
        assertThat(targets).isPositive();
    }

    /** Title of each panel (rows included, nested or not) with the PromQL of its queries. */
    static Map<String, List<String>> panelQueries(JsonNode dashboard) {
        Map<String, List<String>> queries = new LinkedHashMap<>();
        for (JsonNode panel : panels(dashboard)) {
            List<String> exprs = new ArrayList<>();
            panel.path("targets").forEach(t -> {
                if (t.hasNonNull("expr")) {
                    exprs.add(t.get("expr").asText());
                }
            });
            if (!exprs.isEmpty()) {
                queries.put(panel.path("title").asText() + " [" + panel.path("type").asText() + "]", exprs);
            }
        }
        return queries;
    }

    /** Every panel, the ones inside collapsed rows too. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            all.add(panel);
            panel.path("panels").forEach(all::add);
        }
        return all;
    }

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern METRIC = Pattern.compile("(?<![\\w:$])((?:chat|jvm|process)_[\\w:]*)(?![\\w:])(?!\\s*\\()");

    /**
     * Metric names in a PromQL expression: identifiers starting with chat_, jvm_ or process_ that
     * are not inside a string or a label matcher and not a function call.
     */
    static Set<String> metricNames(String expr) {
        String bare = MATCHERS.matcher(STRING.matcher(expr).replaceAll("\"\"")).replaceAll("{}");
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(bare);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The series names of a Prometheus text exposition (the name of each sample line, as written). */
    static Set<String> seriesNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    @Test
    void metricNamesAreTakenFromQueriesOnly() throws IOException {
        assertThat(metricNames("histogram_quantile(0.99, sum by (node, le) (rate(chat_requests_seconds_bucket[$__rate_interval])))"))
                .containsExactly("chat_requests_seconds_bucket");
        assertThat(metricNames("sum by (node) (chat_x_total{kind=\"chat_not_a_metric\", process_label=~\"a\"}) - jvm_y"))
                .containsExactly("chat_x_total", "jvm_y");
        assertThat(seriesNames("# TYPE a counter\na_total{node=\"x\"} 1.0\nb 2\n\n"))
                .containsExactly("a_total", "b");
    }
}
