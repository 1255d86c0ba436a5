package io.zchat.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zchat.shared.client.ChatClient;
import io.zchat.system.support.FreePorts;
import io.zchat.system.support.LocalCluster;
import io.zchat.system.support.NodeProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus (the Debian package's binary) scraping a cluster on loopback with the jobs of
 * deploy/prometheus.yml, each target replaced by the local nodes of its role: every node is
 * scraped, the cluster figures arrive as one series per server, and every query of the Grafana
 * dashboard is valid PromQL.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusIT {
    private static final Path CONFIG = NodeProcess.root().resolve("deploy/prometheus.yml");
    private static final Path BINARY = Path.of(System.getProperty("zchat.prometheus", "/usr/bin/prometheus"));
    private static final List<String> NAMES = List.of("server-1", "server-2", "server-3");
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalCluster cluster;
    private static Process prometheus;
    private static Path workDir;
    private static int port;

    @BeforeAll
    static void startClusterAndPrometheus() throws Exception {
        assertThat(BINARY).as("Prometheus binary (Debian package prometheus; .ci/run installs it)").isExecutable();
        cluster = new LocalCluster("prometheus").startInfrastructure();
        cluster.startServers(NAMES);
        try (ChatClient client = cluster.client()) {
            assertThat(client.login("prom-1").ok()).isTrue();
            client.publish("prom-1", "general", "scraped");
        }

        workDir = NodeProcess.root().resolve("system-tests/target/prometheus").resolve("run-" + System.currentTimeMillis());
        Files.createDirectories(workDir.resolve("data"));
        Path config = workDir.resolve("prometheus.yml");
        Files.writeString(config, new Yaml().dump(localConfig(new Yaml().load(Files.readString(CONFIG)))));
        port = FreePorts.next();
        prometheus = new ProcessBuilder(BINARY.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + workDir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(workDir.resolve("prometheus.log").toFile()).start();
        System.out.println("prometheus on 127.0.0.1:" + port + ", config and log in " + workDir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null && prometheus.isAlive()) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * The compose config with each job's targets (static or DNS) replaced by the loopback HTTP
     * ports of the cluster's nodes of that role; jobs without a local node (bot, client) left out.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> localConfig(Map<String, Object> compose) {
        Map<String, Object> local = new LinkedHashMap<>(compose);
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (Map<String, Object> job : (List<Map<String, Object>>) compose.get("scrape_configs")) {
            List<String> targets = cluster.nodes().stream().filter(n -> n.role().equals(job.get("job_name")))
                    .map(n -> "localhost:" + n.httpPort()).toList();
            if (targets.isEmpty()) {
                continue;
            }
            Map<String, Object> localJob = new LinkedHashMap<>(job);
            localJob.remove("dns_sd_configs");
            localJob.put("static_configs", List.of(Map.of("targets", targets)));
            jobs.add(localJob);
        }
        local.put("scrape_configs", jobs);
        return local;
    }

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void theComposeConfigScrapesEveryRoleAndFindsReplicasThroughDns() {
        Map<String, Object> compose;
        try {
            compose = new Yaml().load(Files.readString(CONFIG));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assertThat(((Map<String, Object>) compose.get("global")).get("scrape_interval")).isEqualTo("5s");
        Map<String, Map<String, Object>> jobs = new TreeMap<>();
        ((List<Map<String, Object>>) compose.get("scrape_configs"))
                .forEach(job -> jobs.put((String) job.get("job_name"), job));
        assertThat(jobs).containsKeys("ref", "broker", "proxy", "server", "bot", "client");
        jobs.values().forEach(job -> assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus"));
        for (String role : List.of("ref", "broker", "proxy")) {
            assertThat(jobs.get(role).get("static_configs")).as(role)
                    .isEqualTo(List.of(Map.of("targets", List.of(role + ":8080"))));
        }
        for (String role : List.of("server", "bot", "client")) {
            List<Map<String, Object>> dns = (List<Map<String, Object>>) jobs.get(role).get("dns_sd_configs");
            assertThat(dns).as(role).hasSize(1);
            assertThat(dns.get(0)).as(role).containsEntry("names", List.of(role)).containsEntry("type", "A")
                    .containsEntry("port", 8080);
        }
    }

    @Test
    @Order(2)
    void everyNodeIsScraped() {
        int expected = cluster.nodes().size();
        List<String> health = new ArrayList<>();
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(prometheus.isAlive()).as("prometheus running; see " + workDir.resolve("prometheus.log")).isTrue();
            health.clear();
            JsonNode targets = api("/api/v1/targets?state=active");
            if (targets == null) {
                return false;
            }
            targets.path("data").path("activeTargets").forEach(t -> health.add(t.path("labels").path("job").asText()
                    + " " + t.path("scrapeUrl").asText() + " " + t.path("health").asText()));
            return health.size() == expected && health.stream().allMatch(h -> h.endsWith(" up"));
        });
        System.out.println("targets:");
        health.forEach(h -> System.out.println("  " + h));
    }

    @Test
    @Order(3)
    void theClusterFiguresArriveForEveryServer() {
        for (String metric : List.of("chat_server_rank", "chat_server_coordinator", "chat_lamport_clock",
                "chat_clock_offset_milliseconds", "chat_replication_lag_entries")) {
            Map<String, String> byServer = new TreeMap<>();
            await().atMost(STARTUP).pollInterval(Duration.ofMillis(500)).until(() -> {
                byServer.clear();
                byServer.putAll(valuesByNode(metric + "{job=\"server\"}"));
                return byServer.keySet().containsAll(NAMES);
            });
            System.out.println(metric + " " + byServer);
            assertThat(byServer).containsOnlyKeys(NAMES);
        }
        // the figures themselves: ranks 1..3 and one coordinator (waited for: an election may be under way)
        await().atMost(STARTUP).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(valuesByNode("chat_server_rank").values()).containsExactlyInAnyOrder("1", "2", "3");
            assertThat(valuesByNode("chat_server_coordinator == 1")).hasSize(1);
        });
    }

    @Test
    @Order(4)
    void everyDashboardQueryIsValidPromQl() throws Exception {
        JsonNode dashboard = JSON.readTree(DashboardMetricsIT.DASHBOARD.toFile());
        int checked = 0;
        for (List<String> exprs : DashboardMetricsIT.panelQueries(dashboard).values()) {
            for (String expr : exprs) {
                // what Grafana puts in for $__rate_interval with a 5 s scrape interval: 4 scrapes
                JsonNode answer = api("/api/v1/query?query="
                        + URLEncoder.encode(expr.replace("$__rate_interval", "20s"), StandardCharsets.UTF_8));
                assertThat(answer).as(expr).isNotNull();
                assertThat(answer.path("status").asText()).as(expr + ": " + answer.path("error").asText())
                        .isEqualTo("success");
                checked++;
            }
        }
        System.out.println("dashboard queries accepted by prometheus: " + checked);
        assertThat(checked).isPositive();
    }

    /** Actuator shows health, info and prometheus only; env, loggers, thread dumps and the rest need the ops profile. */
    @Test
    @Order(5)
    void actuatorExposesOnlyHealthInfoAndPrometheusUnlessTheOpsProfileIsOn() throws Exception {
        Set<String> exposed = Set.of("self", "health", "health-path", "info", "prometheus");
        for (NodeProcess node : cluster.nodes()) {
            List<String> links = new ArrayList<>();
            JSON.readTree(node.get("/actuator")).path("_links").fieldNames().forEachRemaining(links::add);
            assertThat(links).as(node.name()).contains("health", "info", "prometheus").isSubsetOf(exposed);
            for (String hidden : List.of("/actuator/env", "/actuator/loggers", "/actuator/threaddump",
                    "/actuator/beans", "/actuator/configprops", "/actuator/heapdump")) {
                assertThat(status(node, hidden)).as(node.name() + " " + hidden).isEqualTo(404);
            }
        }
        NodeProcess ops = cluster.startClient("ops-bot", "--spring.profiles.active=local,bot,ops");
        try {
            assertThat(status(ops, "/actuator/env")).isEqualTo(200);
            assertThat(status(ops, "/actuator/loggers")).isEqualTo(200);
        } finally {
            ops.stop();
        }
    }

    private static int status(NodeProcess node, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Latest value of each series of an instant query, by its {@code node} label. */
    private static Map<String, String> valuesByNode(String query) {
        JsonNode answer = api("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        Map<String, String> values = new TreeMap<>();
        if (answer != null) {
            answer.path("data").path("result").forEach(series -> values.put(series.path("metric").path("node").asText(),
                    series.path("value").path(1).asText()));
        }
        return values;
    }

    /** The parsed answer of the Prometheus HTTP API, or null while it does not answer. */
    private static JsonNode api(String pathAndQuery) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + pathAndQuery)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
