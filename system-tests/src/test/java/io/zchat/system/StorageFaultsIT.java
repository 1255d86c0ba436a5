package io.zchat.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zchat.shared.client.ChatClient;
import io.zchat.shared.client.RequestFailedException;
import io.zchat.system.support.LocalCluster;
import io.zchat.system.support.ServerFiles;
import io.zchat.system.support.NodeProcess;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Disk faults on one server of three, each its own JVM: its files are damaged between a stop and
 * a start (a flipped bit in an old log line and in a view, a truncated file, a deleted one) and
 * every acknowledged write comes back, with files byte-identical on every server; a server whose
 * log is on a full device reports DOWN and is sent no request (it never catches up, so it never
 * joins the broker) while the others carry on.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageFaultsIT {
    private static final List<String> NAMES = List.of("server-1", "server-2", "server-3");
    private static final List<String> FILES = List.of("replication.jsonl", "publications.jsonl", "messages.jsonl",
            "registry.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> acknowledged = new LinkedHashSet<>();
    @AutoClose
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("storage-faults").startInfrastructure();
        cluster.startServers(NAMES);
        try (ChatClient client = cluster.client()) {
            assertThat(client.login("ana").ok()).isTrue();
            assertThat(client.login("bob").ok()).isTrue();
        }
    }

    @Test
    @Order(1)
    void filesDamagedBetweenAStopAndAStartAreRepairedFromThePeers() throws Exception {
        write("before", 400);
        String victim = cluster.selfDeclaredCoordinator(NAMES);
        ServerFiles.awaitIdentical(cluster, NAMES, FILES, Duration.ofSeconds(60));
        cluster.server(victim).stop();
        Path data = cluster.dataDir(victim);
        flipBitInLine(data.resolve("replication.jsonl"), 50);
        flipBitInLine(data.resolve("publications.jsonl"), 10);
        truncateToHalf(data.resolve("messages.jsonl"));
        Files.delete(data.resolve("registry.json"));
        write("while-down", 100);

        long started = System.nanoTime();
        cluster.startServer(victim);
        ServerFiles.awaitIdentical(cluster, NAMES, FILES, Duration.ofSeconds(60));
        System.out.printf("%s repaired and identical %d ms after its start%n", victim,
                (System.nanoTime() - started) / 1_000_000);
        for (String server : NAMES) {
            assertThat(ServerFiles.storedTexts(cluster.dataDir(server))).as(server).containsAll(acknowledged);
        }
        assertThat(chatDetails(cluster.server(victim)).path("lastCorruption").asText())
                .as("health says what was found").isNotEmpty();
    }

    @Test
    @Order(2)
    void aServerWhoseLogIsOnAFullDeviceIsDownAndTakesNoRequestsWhileTheOthersCarryOn() throws Exception {
        Path data = cluster.dataDir("server-4");
        Files.createDirectories(data);
        Files.createSymbolicLink(data.resolve("replication.jsonl"), Path.of("/dev/full"));
        NodeProcess full = cluster.launchServer("server-4");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).ignoreExceptions().untilAsserted(() ->
                assertThat(chatDetails(full).path("storage").asText()).contains("cannot write the log"));
        String health = full.get("/actuator/health");
        assertThat(JSON.readTree(health).path("components").path("chat").path("status").asText()).isEqualTo("DOWN");

        // a server joins the broker only once it has caught up, which this one cannot
        int refused = 0;
        try (ChatClient client = cluster.client()) {
            for (int i = 0; i < 40; i++) {
                String text = "full-disk-" + i;
                if (client.publish("ana", "general", text).isOk()) {
                    acknowledged.add(text);
                } else {
                    refused++;
                }
            }
            for (int i = 0; i < 8; i++) {
                assertThat(client.channels()).as("reads keep working").contains("general");
            }
        }
        assertThat(refused).as("publishes refused").isZero();
        assertThat(full.metric("chat_requests_seconds_count", "service", "publish").orElse(0))
                .as("publishes server-4 was sent").isZero();
        for (String server : NAMES) {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
                    .untilAsserted(() -> assertThat(ServerFiles.storedTexts(cluster.dataDir(server))).as(server).containsAll(acknowledged));
        }
        assertThat(full.isAlive()).isTrue();
        full.stop();
    }

    private static void write(String prefix, int count) {
        int ok = 0;
        try (ChatClient client = cluster.client()) {
            for (int i = 0; i < count; i++) {
                String text = prefix + "-" + i;
                try {
                    if (i % 4 == 3 ? client.message("ana", "bob", text).isOk()
                            : client.publish(i % 2 == 0 ? "ana" : "bob", "general", text).isOk()) {
                        acknowledged.add(text);
                        ok++;
                    }
                } catch (RequestFailedException e) {
                    // not acknowledged: not counted
                }
            }
        }
        assertThat(ok).as("most writes are acknowledged").isGreaterThan(count / 2);
    }

    /** Flips one bit in the middle of line {@code line} (1-based), a byte of its text, not its newline. */
    private static void flipBitInLine(Path file, int line) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int start = 0;
        for (int seen = 1; seen < line; start++) {
            if (all[start] == '\n') {
                seen++;
            }
        }
        int end = start;
        while (all[end] != '\n') {
            end++;
        }
        all[start + (end - start) / 2] ^= 0x04;
        Files.write(file, all);
    }

    private static void truncateToHalf(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2);
        }
    }

    private static JsonNode chatDetails(NodeProcess server) throws IOException, InterruptedException {
        return JSON.readTree(server.get("/actuator/health")).path("components").path("chat").path("details");
    }
}
