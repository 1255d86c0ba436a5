package io.zchat.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zchat.system.support.LoadgenProcess;
import io.zchat.system.support.LocalCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load generator's jar, briefly, against broker, proxy and one server on loopback: proof that
 * it works, not a benchmark (docs/benchmarks.md has those).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LoadgenSmokeIT {
    @AutoClose
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("loadgen-smoke").startInfrastructure();
        // a small bound on waiting writes: the open-loop run stays far below it, the saturation run above
        cluster.startServer("server-1", "--chat.replication.min-acks=1", "--chat.log-messages=false",
                "--chat.storage.max-waiting-writes=16");
    }

    @Test
    void anOpenLoopRunReportsThroughputLatencyDeliveryAndLag() throws Exception {
        Path report = cluster.workDir().resolve("loadgen-open.json");
        String printed = loadgen(report, "--loadgen.rate=300", "--loadgen.warmup=2s", "--loadgen.duration=3s",
                "--loadgen.publish=0.8", "--loadgen.message=0.1", "--loadgen.history=0.1",
                "--loadgen.metrics=http://localhost:" + cluster.server("server-1").httpPort() + "/actuator/prometheus");
        assertThat(printed).contains("acknowledged:", "p99 ms", "delivery publish -> subscriber");

        JsonNode json = new ObjectMapper().readTree(report.toFile());
        // open loop at 300/s for 3 s: about 900 answered, none lost
        assertThat(json.path("perSecond").asDouble()).isBetween(200.0, 400.0);
        assertThat(json.path("kinds").path("publish").path("acknowledged").asLong()).isPositive();
        assertThat(json.path("kinds").path("history").path("acknowledged").asLong()).isPositive();
        assertThat(json.path("kinds").path("publish").path("timeouts").asLong()).isZero();
        assertThat(json.path("kinds").path("publish").path("errors").asLong()).isZero();
        assertThat(json.path("duplicateReplies").asLong()).as("no request answered twice").isZero();
        // every acknowledged post reached the subscriber, the last ones too
        assertThat(json.path("deliveriesExpected").asLong())
                .isEqualTo(json.path("kinds").path("publish").path("acknowledged").asLong());
        assertThat(json.path("deliveryMs").path("count").asLong()).isEqualTo(json.path("deliveriesExpected").asLong());
        // the one server's replication figures were read (it has no follower, so nothing lagged)
        assertThat(json.path("lag").path("serversRead").asInt()).isEqualTo(1);
        assertThat(json.path("lag").path("afterMs").asDouble()).isZero();
    }

    @Test
    void moreWritesThanTheServerLetsWaitAreRefusedAtOnceNotTimedOut() throws Exception {
        Path report = cluster.workDir().resolve("loadgen-saturation.json");
        loadgen(report, "--loadgen.connections=8", "--loadgen.in-flight=32", "--loadgen.warmup=1s",
                "--loadgen.duration=2s", "--loadgen.subscribers=0");

        JsonNode publish = new ObjectMapper().readTree(report.toFile()).path("kinds").path("publish");
        // 256 in flight against a bound of 16: most are refused ("server busy"), the rest stored
        assertThat(publish.path("errors").asLong()).isPositive();
        assertThat(publish.path("acknowledged").asLong()).isPositive();
        assertThat(publish.path("timeouts").asLong()).isZero();
        String metrics = cluster.server("server-1").get("/actuator/prometheus");
        assertThat(metrics).containsPattern("chat_requests_busy_total\\{[^}]*\\} [1-9]");
    }

    private static String loadgen(Path report, String... options) throws Exception {
        return LoadgenProcess.run(cluster, report, options);
    }
}
