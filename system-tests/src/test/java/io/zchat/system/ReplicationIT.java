package io.zchat.system;

import io.zchat.shared.client.ClientSettings;
import io.zchat.system.support.LocalCluster;
import io.zchat.system.support.NodeProcess;
import io.zchat.system.support.ServerFiles;
import io.zchat.system.support.WriteLoad;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three servers, each its own JVM: clients write concurrently through the broker while the
 * coordinator is killed with SIGKILL; no acknowledged write may be missing on the survivors; the
 * killed server returns and a fourth, empty one joins; all files end byte-identical.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationIT {
    private static final List<String> NAMES = List.of("server-1", "server-2", "server-3");
    private static final List<String> FILES = List.of("publications.jsonl", "messages.jsonl", "registry.json",
            "replication.jsonl");
    private static final int WRITERS = 6;
    /**
     * Log lines of about 600 bytes: a server that returns thousands of entries behind is sent
     * answers filled up to the fetch byte budget, which must still fit the message size limit.
     */
    private static final String PADDING = " " + "p".repeat(400);
    @AutoClose
    private static LocalCluster cluster;
    private static String killed;
    private static final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("replication").startInfrastructure();
        cluster.startServers(NAMES);
        WriteLoad.login(cluster, WRITERS);
    }

    @Test
    @Order(1)
    void noAcknowledgedWriteIsLostWhenTheCoordinatorIsKilledUnderLoad() throws Exception {
        killed = cluster.selfDeclaredCoordinator(NAMES);
        int beforeKill;
        long killedAt;
        try (WriteLoad load = WriteLoad.start(cluster, WRITERS, new ClientSettings(Duration.ofSeconds(2), 4), PADDING)) {
            Thread.sleep(3000);
            beforeKill = load.acknowledged().size();
            killedAt = System.nanoTime();
            cluster.server(killed).kill();
            Thread.sleep(6000);
            load.close();
            acknowledged.addAll(load.acknowledged());
            System.out.printf("killed coordinator %s after %d acknowledged writes; %d acknowledged in all, %d requests "
                            + "failed; longest pause in acknowledgements after the kill: %d ms%n", killed, beforeKill,
                    acknowledged.size(), load.failed(),
                    load.longestPauseMillis(killedAt, killedAt + TimeUnit.SECONDS.toNanos(5)));
        }
        assertThat(acknowledged.size()).isGreaterThan(beforeKill);

        List<String> survivors = NAMES.stream().filter(n -> !n.equals(killed)).toList();
        for (String survivor : survivors) {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(ServerFiles.storedTexts(cluster.dataDir(survivor))).containsAll(acknowledged));
        }
    }

    @Test
    @Order(2)
    void theKilledServerReturnsAndAllFilesEndIdentical() throws Exception {
        long started = System.nanoTime();
        cluster.startServer(killed);
        awaitIdentical(NAMES);
        System.out.printf("%s back and identical after %d ms%n", killed, (System.nanoTime() - started) / 1_000_000);
        assertThat(ServerFiles.storedTexts(cluster.dataDir(killed))).containsAll(acknowledged);
    }

    @Test
    @Order(3)
    void aNewEmptyServerCatchesUp() throws Exception {
        long started = System.nanoTime();
        cluster.startServer("server-4");
        List<String> all = new ArrayList<>(NAMES);
        all.add("server-4");
        awaitIdentical(all);
        long lines = Files.readAllLines(cluster.dataDir("server-4").resolve("replication.jsonl")).size();
        System.out.printf("empty server-4 caught up %d log entries in %d ms%n", lines,
                (System.nanoTime() - started) / 1_000_000);
        assertThat(ServerFiles.storedTexts(cluster.dataDir("server-4"))).containsAll(acknowledged);
        // what it fetched had been ordered seconds before: its replication-delay histogram says so
        NodeProcess server4 = cluster.server("server-4");
        assertThat(server4.metric("chat_replication_delay_seconds_count").orElse(0)).isPositive();
        assertThat(server4.metric("chat_replication_delay_seconds_sum").orElse(0)).isGreaterThan(1.0);
    }

    private static void awaitIdentical(List<String> servers) {
        System.out.println("sha256 per server: "
                + ServerFiles.awaitIdentical(cluster, servers, FILES, Duration.ofSeconds(60)));
    }
}
