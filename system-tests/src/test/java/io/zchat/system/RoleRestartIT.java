package io.zchat.system;

import io.zchat.shared.client.ChatClient;
import io.zchat.shared.client.ClientSettings;
import io.zchat.shared.client.RequestFailedException;
import io.zchat.system.support.LocalCluster;
import io.zchat.system.support.NodeProcess;
import io.zchat.system.support.ServerFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker, the proxy and ref restarted in turn while two bots and a writer keep posting: clients
 * and servers reconnect, resubscribe and re-register by themselves, the bots keep going, and every
 * acknowledged write ends on every server. Then the coordinator is stopped with SIGTERM under load.
 * Prints how long each role took to be useful again.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoleRestartIT {
    private static final List<String> SERVERS = List.of("server-1", "server-2", "server-3");
    private static final List<String> BOTS = List.of("bot-restart-1", "bot-restart-2");
    private static final String CHANNEL = "restarts";
    private static LocalCluster cluster;

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Set<String> heard = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicLong lastAckAt = new AtomicLong();
    private final AtomicLong lastHeardAt = new AtomicLong();
    private volatile boolean writing = true;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("role-restart").startInfrastructure();
        cluster.startServers(SERVERS);
        for (String bot : BOTS) {
            cluster.startClient(bot, "--spring.profiles.active=local,bot", "--chat.user=" + bot,
                    "--chat.log-messages=false");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void brokerProxyAndRefRestartWhileBotsAndAWriterKeepPosting() throws Exception {
        try (ChatClient setup = cluster.client()) {
            assertThat(setup.login("restart-writer").ok()).isTrue();
            setup.createChannel(CHANNEL);
        }
        cluster.subscriber("restart-listener", p -> {
            heard.add(p.envelope().data().path("message").asText());
            lastHeardAt.set(System.nanoTime());
        }).subscribe(CHANNEL);
        Thread writer = new Thread(() -> write("w-", new ClientSettings(Duration.ofSeconds(2), 2), 20), "restart-writer");
        writer.start();
        Map<String, Long> reconnectMillis = new LinkedHashMap<>();
        try {
            awaitProgress();
            reconnectMillis.put("broker", restart(cluster.broker(), cluster::startBroker, () -> lastAckAt.get()));
            awaitProgress();
            reconnectMillis.put("proxy", restart(cluster.proxy(), cluster::startProxy, () -> lastHeardAt.get()));
            awaitProgress();
            reconnectMillis.put("ref", restartRef());
            awaitProgress();
            long botPostsBefore = botPosts();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> botPosts() >= botPostsBefore + 2 * BOTS.size());
        } finally {
            writing = false;
            writer.join(20_000);
        }
        System.out.printf("role restarts under load: useful again after (ms from ready) %s; %d writes acknowledged, "
                + "%d failed during the outages%n", reconnectMillis, acknowledged.size(), failed.get());

        assertThat(acknowledged).hasSizeGreaterThan(100);
        assertAcknowledgedOnEveryServer();
        assertThat(heard).as("the listener, resubscribed after the proxy came back, hears new posts")
                .anyMatch(m -> m.startsWith("w-"));
    }

    private void assertAcknowledgedOnEveryServer() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (String server : SERVERS) {
                Set<String> stored = ServerFiles.storedTexts(cluster.dataDir(server));
                List<String> missing = acknowledged.stream().filter(m -> !stored.contains(m)).toList();
                assertThat(missing).as("acknowledged writes missing on " + server).isEmpty();
            }
        });
    }

    /**
     * SIGTERM to the coordinator while writers keep posting: it takes no new requests, answers the
     * ones it had taken, flushes and closes; the others elect within the heartbeat timeout, and the
     * writers, retrying what had no answer, lose nothing.
     */
    @Test
    @Order(2)
    void aCoordinatorStoppedWithSigtermAnswersWhatItTookAndTheOthersTakeOver() throws Exception {
        String coordinator = cluster.agreedCoordinator(SERVERS);
        List<String> survivors = SERVERS.stream().filter(n -> !n.equals(coordinator)).toList();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 16; w++) {
            String prefix = "t" + w + "-";
            Thread writer = new Thread(() -> write(prefix, new ClientSettings(Duration.ofSeconds(3), 3), 0),
                    "writer-" + w);
            writer.start();
            writers.add(writer);
        }
        long stoppedIn;
        long electedAfter;
        try {
            awaitProgress();
            NodeProcess server = cluster.server(coordinator);
            long stopping = System.nanoTime();
            server.stop();
            stoppedIn = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping);
            String[] next = new String[1];
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> {
                next[0] = cluster.coordinatorAgreedBy(survivors);
                return next[0] != null && !next[0].equals(coordinator);
            });
            electedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping);
            awaitProgress();
        } finally {
            writing = false;
            for (Thread writer : writers) {
                writer.join(30_000);
            }
        }
        String stopLine = cluster.server(coordinator).output().lines().filter(l -> l.contains("stopped: "))
                .reduce((a, b) -> b).orElse("(no stop line)");
        System.out.printf("SIGTERM to coordinator %s: exited in %d ms (%s); the others agreed on a new one %d ms "
                + "after the signal; %d writes acknowledged, %d failed%n", coordinator, stoppedIn,
                stopLine.substring(stopLine.indexOf("stopped")), electedAfter, acknowledged.size(), failed.get());
        assertThat(stopLine).contains(", 0 left");
        assertThat(electedAfter).isLessThan(10_000);
        assertThat(failed.get()).as("writes that failed after all their retries").isZero();

        cluster.startServer(coordinator);
        assertAcknowledgedOnEveryServer();
    }

    /** Posts numbered messages one after another; what is acknowledged is recorded, failures counted. */
    private void write(String prefix, ClientSettings settings, long pauseMillis) {
        try (ChatClient client = cluster.client(settings)) {
            for (int n = 0; writing && n < 100_000; n++) {
                String message = prefix + n;
                try {
                    if (client.publish("restart-writer", CHANNEL, message).isOk()) {
                        acknowledged.add(message);
                        lastAckAt.set(System.nanoTime());
                    }
                } catch (RequestFailedException e) {
                    failed.incrementAndGet();
                }
                Thread.sleep(pauseMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitProgress() {
        int before = acknowledged.size();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> acknowledged.size() >= before + 20);
    }

    private interface Starter {
        NodeProcess start() throws Exception;
    }

    private interface Clock {
        long lastEventNanos();
    }

    /** Stops a role, starts it again, and returns how long after it was ready the next event came. */
    private static long restart(NodeProcess role, Starter starter, Clock events) throws Exception {
        role.stop();
        Thread.sleep(1_000);
        NodeProcess restarted = starter.start().awaitReady();
        long ready = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .until(() -> events.lastEventNanos() > ready);
        assertThat(restarted.isAlive()).isTrue();
        return TimeUnit.NANOSECONDS.toMillis(events.lastEventNanos() - ready);
    }

    /** Ref comes back with its file: every server beats again and is listed alive. */
    private static long restartRef() throws Exception {
        cluster.ref().stop();
        Thread.sleep(1_000);
        NodeProcess ref = cluster.startRef().awaitReady();
        long ready = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> alive(ref) == SERVERS.size());
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ready);
    }

    private static double alive(NodeProcess ref) throws Exception {
        return ref.metric("chat_ref_servers_alive").orElse(-1);
    }

    /** Posts by the bots that server-1 holds. */
    private static long botPosts() throws Exception {
        Path posts = cluster.dataDir("server-1").resolve("publications.jsonl");
        if (!Files.exists(posts)) {
            return 0;
        }
        try (var lines = Files.lines(posts)) {
            return lines.filter(line -> BOTS.stream().anyMatch(bot -> line.contains("\"user\":\"" + bot + "\""))).count();
        }
    }
}
