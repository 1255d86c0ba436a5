package io.zchat.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zchat.shared.client.ClientSettings;
import io.zchat.system.support.LoadgenProcess;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The durability promise under a seeded schedule of faults, one process at a time, while writers
 * keep posting and sending direct messages: servers are killed (SIGKILL) and restarted, stopped
 * gracefully (SIGTERM) and restarted, or stalled (SIGSTOP) and resumed, the coordinator about
 * half the time. Afterwards every acknowledged write is on every server exactly once (retries
 * reuse their request id), no server was ever asked to cut a committed entry, the cluster takes
 * writes again, and all files end byte-identical. {@code -Dfaults.seed=N} replays a schedule.
 * Then a server stalled for longer than the clients' timeout: the broker leaves it out (ZeroMQ
 * heartbeats), so the writes go on at their usual rate meanwhile. Then a follower restarted
 * under load joins the broker only once it can serve. Last, the coordinator, which answers every
 * write, is killed under the load generator's traffic: writes go on, and no request is answered
 * twice (as it would be if a follower answered too; the rule for writes sent again with no word
 * from a coordinator is pinned by {@code ForwardedWriteAnswerTest}: the moment around a kill in
 * which it matters is too short for this test to hit it reliably).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RandomFaultsIT {
    private static final List<String> NAMES = List.of("server-1", "server-2", "server-3");
    private static final long SEED = Long.getLong("faults.seed", 20261128L);
    private static final int ROUNDS = 6;
    private static final int WRITERS = 8;
    /** Log lines no correct run prints: a committed entry about to be cut, an entry that is not its write. */
    private static final List<String> SAFETY_ERRORS = List.of("known committed: refused", "here is not write");
    private static final Duration RECOVERY = Duration.ofSeconds(45);
    @AutoClose
    private static LocalCluster cluster;

    private enum Fault { KILL, STOP, STALL }

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("faults").startInfrastructure();
        cluster.startServers(NAMES);
        WriteLoad.login(cluster, WRITERS);
    }

    @Test
    @Order(1)
    void everyAcknowledgedWriteSurvivesASeriesOfFaultsExactlyOnce() throws Exception {
        Random random = new Random(SEED);
        System.out.printf("fault schedule seed %d (-Dfaults.seed=%d replays it)%n", SEED, SEED);
        Set<String> acknowledged;
        try (WriteLoad load = WriteLoad.start(cluster, WRITERS, new ClientSettings(Duration.ofSeconds(2), 5), "")) {
            acknowledged = load.acknowledged();
            Thread.sleep(2000);
            for (int round = 1; round <= ROUNDS; round++) {
                String coordinator = cluster.agreedCoordinator(NAMES);
                String target = random.nextBoolean() ? coordinator : NAMES.get(random.nextInt(NAMES.size()));
                Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
                long downMillis = 500 + random.nextInt(2500);
                int before = acknowledged.size();
                long started = System.nanoTime();
                inject(fault, cluster.server(target), downMillis);
                String next = cluster.agreedCoordinator(NAMES);
                awaitProgress(acknowledged, acknowledged.size());
                System.out.printf("round %d: %s %s%s for %d ms; %d writes acknowledged in the round (%d ms, up to "
                                + "20 writes after the server was back), the longest pause between two %d ms; "
                                + "coordinator after it: %s%n", round, fault, target,
                        target.equals(coordinator) ? " (coordinator)" : "", downMillis, acknowledged.size() - before,
                        (System.nanoTime() - started) / 1_000_000, load.longestPauseMillis(started, Long.MAX_VALUE),
                        next);
            }
            load.close();
            System.out.printf("%d writes acknowledged, %d failed or refused (each may or may not be stored)%n",
                    acknowledged.size(), load.failed());
        }

        assertThat(acknowledged.size()).as("writes acknowledged across %d faults", ROUNDS).isGreaterThan(500);
        System.out.println("sha256 per server: " + ServerFiles.awaitIdentical(cluster, NAMES,
                List.of("replication.jsonl", "publications.jsonl", "messages.jsonl"), RECOVERY));
        for (String name : NAMES) {
            List<String> stored = ServerFiles.storedTextList(cluster.dataDir(name));
            Map<String, Long> copies = stored.stream().collect(Collectors.groupingBy(Function.identity(),
                    Collectors.counting()));
            assertThat(copies.keySet()).as("acknowledged writes on %s", name).containsAll(acknowledged);
            assertThat(copies.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                    .as("writes stored twice on %s", name).isEmpty();
            String output = cluster.server(name).output();
            for (String error : SAFETY_ERRORS) {
                assertThat(output).as("%s's log", name).doesNotContain(error);
            }
        }
    }

    @Test
    @Order(2)
    void aStalledServerIsLeftOutOfTheBrokersRoundRobin() throws Exception {
        String coordinator = cluster.agreedCoordinator(NAMES);
        String stalled = NAMES.stream().filter(n -> !n.equals(coordinator)).findFirst().orElseThrow();
        double closedBefore = closedServerConnections();
        double before;
        double during;
        try (WriteLoad load = WriteLoad.start(cluster, WRITERS, new ClientSettings(Duration.ofSeconds(2), 5),
                "-stall")) {
            Thread.sleep(2000);
            before = ackRate(load, Duration.ofSeconds(3));
            cluster.server(stalled).pause();
            try {
                // the broker's heartbeat timeout (1 s), then the clients' timeout (2 s) for what it swallowed
                Thread.sleep(3500);
                during = ackRate(load, Duration.ofSeconds(4));
            } finally {
                cluster.server(stalled).resume();
            }
        }
        System.out.printf("%s stalled (SIGSTOP) for 7.5 s: %.0f writes/s acknowledged before, %.0f/s from 3.5 s "
                + "into the stall; server connections closed by the broker: %.0f%n", stalled, before, during,
                closedServerConnections() - closedBefore);
        assertThat(closedServerConnections()).as("the stalled server's connection closed by the broker")
                .isGreaterThan(closedBefore);
        assertThat(during).as("writes/s while one server is stalled, against %.0f before", before)
                .isGreaterThan(before / 3);
    }

    /**
     * A follower stopped and started again under load: it joins the broker only once it has
     * caught up, so no request waits at a server that cannot serve it yet (before, every writer
     * soon had one waiting there, 0.5 s and more).
     */
    @Test
    @Order(3)
    void aRestartedServerTakesRequestsOnlyOnceItHasCaughtUp() throws Exception {
        String coordinator = cluster.agreedCoordinator(NAMES);
        String follower = NAMES.stream().filter(n -> !n.equals(coordinator)).findFirst().orElseThrow();
        Duration slow = Duration.ofMillis(500);
        long slowWrites;
        try (WriteLoad load = WriteLoad.start(cluster, WRITERS, new ClientSettings(Duration.ofSeconds(2), 5),
                "-rejoin")) {
            Thread.sleep(2000);
            cluster.server(follower).stop();
            Thread.sleep(1500);
            long launched = System.nanoTime();
            cluster.startServer(follower);
            long ready = System.nanoTime();
            Thread.sleep(2000);
            long end = System.nanoTime();
            slowWrites = load.writesSlowerThan(slow, launched, end);
            System.out.printf("restart of follower %s under %d writers: ready %d ms after launch; from launch to 2 s "
                    + "after ready, %d writes took %d ms or more, the slowest %d ms, the longest pause in "
                    + "acknowledgements %d ms%n", follower, WRITERS, TimeUnit.NANOSECONDS.toMillis(ready - launched),
                    slowWrites, slow.toMillis(), load.slowestWriteMillis(launched, end),
                    load.longestPauseMillis(launched, end));
        }
        assertThat(slowWrites).as("writes that took %d ms or more, of %d writers", slow.toMillis(), WRITERS)
                .isLessThan(WRITERS / 2);
    }

    private static double ackRate(WriteLoad load, Duration over) throws InterruptedException {
        int from = load.acknowledged().size();
        Thread.sleep(over.toMillis());
        return (load.acknowledged().size() - from) * 1000.0 / over.toMillis();
    }

    @Test
    @Order(4)
    void noRequestIsAnsweredTwiceWhenTheCoordinatorIsKilledUnderLoad() throws Exception {
        Path report = cluster.workDir().resolve("loadgen-coordinator-kill.json");
        LoadgenProcess loadgen = LoadgenProcess.start(cluster, report, "--loadgen.rate=1000", "--loadgen.warmup=1s",
                "--loadgen.duration=8s", "--loadgen.timeout=3s", "--loadgen.subscribers=0");
        String coordinator = cluster.agreedCoordinator(NAMES);
        // killed once the run is under way, with forwarded writes in flight
        NodeProcess leader = cluster.server(coordinator);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> leader.metric("chat_requests_seconds_count", "service", "publish").orElse(0) > 1500);
        cluster.server(coordinator).kill();
        List<String> survivors = NAMES.stream().filter(name -> !name.equals(coordinator)).toList();
        String next = cluster.awaitSuccessor(survivors, coordinator, Duration.ofSeconds(10));
        loadgen.awaitEnd();
        cluster.startServer(coordinator);

        JsonNode json = new ObjectMapper().readTree(report.toFile());
        System.out.printf("coordinator %s killed under load, %s took over: %d publishes acknowledged, %d timed out%n",
                coordinator, next, json.path("kinds").path("publish").path("acknowledged").asLong(),
                json.path("kinds").path("publish").path("timeouts").asLong());
        assertThat(json.path("duplicateReplies").asLong()).as("requests answered twice").isZero();
        assertThat(json.path("kinds").path("publish").path("acknowledged").asLong()).isPositive();
    }

    private static double closedServerConnections() throws Exception {
        return cluster.broker().metric("chat_zmq_connections_closed_total", "socket", "backend").orElse(0);
    }

    private static void inject(Fault fault, NodeProcess server, long downMillis) throws Exception {
        switch (fault) {
            case KILL -> {
                server.kill();
                Thread.sleep(downMillis);
                cluster.startServer(server.name());
            }
            case STOP -> {
                server.stop();
                Thread.sleep(downMillis);
                cluster.startServer(server.name());
            }
            case STALL -> {
                server.pause();
                Thread.sleep(downMillis);
                server.resume();
            }
        }
    }

    /** Waits (bounded) until writes are acknowledged again after a fault. */
    private static void awaitProgress(Set<String> acknowledged, int from) {
        await().atMost(RECOVERY).pollInterval(Duration.ofMillis(100)).until(() -> acknowledged.size() >= from + 20);
    }
}
