package io.zchat.system.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zchat.shared.client.ChatClient;
import io.zchat.shared.client.ChatSubscriber;
import io.zchat.shared.client.ClientSettings;
import io.zchat.shared.client.Publication;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.clock.LamportClock;
import io.zchat.shared.clock.PhysicalClock;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.zmq.ZmqSettings;
import io.zchat.system.support.NodeProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.lifecycle.Startables;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The deployed system in containers built from the project's Dockerfile on one Docker network:
 * ref, broker, proxy, three servers and a bot. Bots' posts reach a subscriber; the servers agree on
 * a coordinator; stopping the coordinator's container elects another; restarting it rejoins; a
 * fourth server whose disk (a small tmpfs) fills up is DOWN until space is freed, then catches up.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerSystemIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Network NETWORK = Network.newNetwork();
    private static final Map<String, GenericContainer<?>> SERVERS = new LinkedHashMap<>();
    private static final List<GenericContainer<?>> ALL = new ArrayList<>();
    private static final Map<String, ImageFromDockerfile> IMAGES = new HashMap<>();
    /** The uid the roles run as (deploy/Dockerfile): a tmpfs for their data must belong to it. */
    private static final int IMAGE_USER_ID = 10001;
    private static GenericContainer<?> broker;
    private static GenericContainer<?> proxy;

    @BeforeAll
    static void startSystem() {
        ALL.add(role("ref", "ref").withNetworkAliases("ref"));
        broker = role("broker", "broker").withNetworkAliases("broker").withExposedPorts(5555, 8080);
        proxy = role("proxy", "proxy").withNetworkAliases("proxy").withExposedPorts(5558, 8080);
        ALL.add(broker);
        ALL.add(proxy);
        ALL.forEach(GenericContainer::start);
        for (int i = 1; i <= 3; i++) {
            GenericContainer<?> server = role("server", "server-" + i).withEnv("CHAT_NODE_NAME", "server-" + i)
                    .withExposedPorts(8080);
            SERVERS.put("server-" + i, server);
            ALL.add(server);
        }
        // Together, on Testcontainers' own threads: a server is ready only once a quorum of servers is
        // up, and a parallel stream may run fewer starts at once than there are servers (one per core).
        Startables.deepStart(SERVERS.values()).join();
        GenericContainer<?> bot = role("client", "bot").withEnv("SPRING_PROFILES_ACTIVE", "docker,bot")
                .withEnv("CHAT_BOT_PAUSE", "100ms");
        ALL.add(bot);
        bot.start();
    }

    @AfterAll
    static void stopSystem() {
        for (int i = ALL.size() - 1; i >= 0; i--) {
            ALL.get(i).stop();
        }
        NETWORK.close();
    }

    private static GenericContainer<?> role(String role, String name) {
        return new GenericContainer<>(IMAGES.computeIfAbsent(role, ContainerSystemIT::image)).withNetwork(NETWORK)
                .withCreateContainerCmdModifier(c -> c.withName("zchat-it-" + name + "-" + ProcessHandle.current().pid()))
                .withEnv("SPRING_PROFILES_ACTIVE", "docker")
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(3)));
    }

    /** One image per role, built once however many containers run it. */
    private static ImageFromDockerfile image(String role) {
        Path root = NodeProcess.root();
        return new ImageFromDockerfile("zchat/" + role + ":test", false)
                .withFileFromPath("deploy/Dockerfile", root.resolve("deploy/Dockerfile"))
                .withFileFromPath("deploy/jvm", root.resolve("deploy/jvm"))
                .withFileFromPath("services/" + role + "/target/" + role + ".jar",
                        root.resolve("services/" + role + "/target/" + role + ".jar"))
                .withDockerfilePath("deploy/Dockerfile")
                .withBuildArg("ROLE", role);
    }

    @Test
    @Order(1)
    void botsPostsReachASubscriber() {
        WireCodec codec = new WireCodec();
        Clocks clocks = new Clocks(new LamportClock(), PhysicalClock.system());
        ZmqSettings zmq = new ZmqSettings(org.springframework.util.unit.DataSize.ofMegabytes(1),
                Duration.ofMillis(20), 10_000, Duration.ofSeconds(1), io.zchat.shared.zmq.curve.CurveSettings.off());
        List<Publication> received = new CopyOnWriteArrayList<>();
        ChatSubscriber subscriber = new ChatSubscriber("sub", "tcp://localhost:" + proxy.getMappedPort(5558), codec,
                clocks, new MessageLog(false), zmq, received::add);
        subscriber.start();
        try (ChatClient client = new ChatClient("tcp://localhost:" + broker.getMappedPort(5555), codec, clocks,
                new MessageLog(false), new ClientSettings(Duration.ofSeconds(3), 3), zmq)) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                client.channels().forEach(subscriber::subscribe);
                return received.stream().anyMatch(p -> p.envelope().data().path("user").asText().startsWith("bot-"));
            });
        } finally {
            subscriber.stop();
        }
        Publication post = received.stream().filter(p -> p.envelope().service().equals("publish")).findFirst()
                .orElseThrow();
        System.out.println("a bot's post reached the subscriber: " + post.topic() + " " + post.envelope().data());
        assertThat(post.envelope().data().path("channel").asText()).isEqualTo(post.topic());
    }

    @Test
    @Order(2)
    void everyServerIsHealthyWithTheSameCoordinator() {
        String coordinator = agreedCoordinator(SERVERS.keySet());
        System.out.println("coordinator: " + coordinator);
        for (String name : SERVERS.keySet()) {
            JsonNode health = health(name);
            assertThat(health.path("status").asText()).isEqualTo("UP");
            assertThat(health.path("components").path("chat").path("details").path("rank").asInt()).isPositive();
        }
    }

    @Test
    @Order(3)
    void stoppingTheCoordinatorElectsAnotherAndItRejoinsOnRestart() {
        String coordinator = agreedCoordinator(SERVERS.keySet());
        GenericContainer<?> container = SERVERS.get(coordinator);
        var docker = DockerClientFactory.instance().client();
        docker.stopContainerCmd(container.getContainerId()).withTimeout(10).exec();
        List<String> others = SERVERS.keySet().stream().filter(n -> !n.equals(coordinator)).toList();
        String[] agreed = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> (agreed[0] = agreement(others)) != null && !agreed[0].equals(coordinator));
        String next = agreed[0];
        System.out.println("stopped " + coordinator + "; new coordinator " + next);
        assertThat(next).isNotEqualTo(coordinator);

        docker.startContainerCmd(container.getContainerId()).exec();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> "UP".equals(health(coordinator).path("status").asText())
                        && agreement(SERVERS.keySet()) != null);
        System.out.println("after restart of " + coordinator + ": coordinator " + agreement(SERVERS.keySet()));
    }

    @Test
    @Order(4)
    void aServerWhoseDiskFillsUpIsDownUntilSpaceIsFreedThenCatchesUp() throws Exception {
        GenericContainer<?> server = role("server", "server-4").withEnv("CHAT_NODE_NAME", "server-4")
                .withTmpFs(Map.of("/data", "rw,size=64m,uid=" + IMAGE_USER_ID)).withExposedPorts(8080);
        ALL.add(server);
        SERVERS.put("server-4", server);
        server.start();

        server.execInContainer("dd", "if=/dev/zero", "of=/data/filler", "bs=1M", "count=128");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                chat("server-4").path("details").path("storage").asText("").contains("cannot write"));
        assertThat(chat("server-4").path("status").asText()).isEqualTo("DOWN");
        long committedWhileFull = SERVERS.keySet().stream().filter(n -> !n.equals("server-4"))
                .mapToLong(n -> chat(n).path("details").path("commitSeq").asLong()).max().orElseThrow();
        System.out.println("server-4's disk full: " + chat("server-4").path("details").path("storage").asText()
                + "; the others committed up to seq " + committedWhileFull);

        server.execInContainer("rm", "/data/filler");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode chat = chat("server-4");
            return "UP".equals(chat.path("status").asText())
                    && chat.path("details").path("lastSeq").asLong() > committedWhileFull;
        });
        System.out.println("space freed: server-4 UP again, log at seq "
                + chat("server-4").path("details").path("lastSeq").asLong());
    }

    private static JsonNode chat(String server) {
        return health(server).path("components").path("chat");
    }

    private static String agreedCoordinator(Iterable<String> names) {
        String[] agreed = new String[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> (agreed[0] = agreement(names)) != null);
        return agreed[0];
    }

    private static String agreement(Iterable<String> names) {
        List<String> seen = new ArrayList<>();
        for (String name : names) {
            seen.add(chat(name).path("details").path("coordinator").asText(null));
        }
        String first = seen.get(0);
        boolean same = first != null && !first.equals("null") && seen.stream().allMatch(s -> Objects.equals(s, first));
        return same ? first : null;
    }

    /** The host port of 8080 now: a restarted container gets a new one, which Testcontainers does not track. */
    private static String httpPort(GenericContainer<?> container) {
        var ports = DockerClientFactory.instance().client().inspectContainerCmd(container.getContainerId()).exec()
                .getNetworkSettings().getPorts().getBindings();
        var binding = ports.get(com.github.dockerjava.api.model.ExposedPort.tcp(8080));
        return binding == null || binding.length == 0 ? "0" : binding[0].getHostPortSpec();
    }

    private static JsonNode health(String server) {
        GenericContainer<?> container = SERVERS.get(server);
        try {
            String url = "http://localhost:" + httpPort(container) + "/actuator/health";
            return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException | RuntimeException e) {
            return JSON.createObjectNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JSON.createObjectNode();
        }
    }
}
