package io.zchat.system;

import io.zchat.shared.client.ChatClient;
import io.zchat.shared.client.ChatSubscriber;
import io.zchat.shared.client.ClientSettings;
import io.zchat.shared.client.LazyPirate;
import io.zchat.shared.client.Publication;
import io.zchat.shared.client.RequestFailedException;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.shared.zmq.ZmqSettings;
import io.zchat.shared.zmq.curve.CurveKeys;
import io.zchat.shared.zmq.curve.CurveSettings;
import io.zchat.system.support.FreePorts;
import io.zchat.system.support.LocalCluster;
import io.zchat.system.support.NodeProcess;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Ref, broker, proxy and 3 servers as processes with CURVE on every link. That the servers get
 * ready at all shows the cluster's own links work (ranks from ref, elections and replication
 * between peers, requests from the broker, publications to the proxy); clients whose keys are on
 * the allow-list write and receive, others get nothing.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CurveIT {
    /** Test keys, made for this run only. */
    private static final ZMQ.Curve.KeyPair CLUSTER = CurveKeys.generate();
    private static final ZMQ.Curve.KeyPair ANA = CurveKeys.generate();
    private static final ZMQ.Curve.KeyPair BOT = CurveKeys.generate();
    private static final ZMQ.Curve.KeyPair STRANGER = CurveKeys.generate();
    private static final ClientSettings PATIENT = new ClientSettings(Duration.ofSeconds(3), 2);
    /** One try of 2 s: an admitted client is answered in milliseconds. */
    private static final ClientSettings ONE_TRY = new ClientSettings(Duration.ofSeconds(2), 0);

    @AutoClose
    private static LocalCluster cluster;
    private static ChatClient ana;
    private static final List<Publication> toAna = new CopyOnWriteArrayList<>();
    private static ChatSubscriber anaSubscriber;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("curve").withNodeArgs(
                "--chat.zmq.curve.enabled=true",
                "--chat.zmq.curve.secret-key=" + CLUSTER.secretKey,
                "--chat.zmq.curve.server-key=" + CLUSTER.publicKey,
                "--chat.zmq.curve.allowed-clients=" + ANA.publicKey + "," + BOT.publicKey)
                .startInfrastructure();
        cluster.startServers(List.of("server-1", "server-2", "server-3"));
        ana = cluster.client(PATIENT, keys(ANA));
        anaSubscriber = cluster.subscriber("sub-ana", keys(ANA), toAna::add);
    }

    @Test
    @Order(1)
    void aClientWithAnAllowedKeyWritesAndItsSubscriberReceives() {
        assertThat(ana.login("ana").ok()).isTrue();
        assertThat(ana.createChannel("secure").ok()).isTrue();
        anaSubscriber.subscribe("secure");

        // a subscription takes a moment to reach the proxy: post until the first one arrives
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(ana.publish("ana", "secure", "ping").isOk()).isTrue();
            return texts(toAna).contains("ping");
        });
        assertThat(ana.publish("ana", "secure", "over curve").isOk()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> texts(toAna).contains("over curve"));
    }

    @Test
    @Order(2)
    void aBotWithAnAllowedKeyLogsInAndPosts() throws Exception {
        anaSubscriber.subscribe("general");
        cluster.startClient("curve-bot", "--spring.profiles.active=local,bot", "--chat.user=curve-bot",
                "--chat.zmq.curve.enabled=true", "--chat.zmq.curve.secret-key=" + BOT.secretKey,
                "--chat.zmq.curve.server-key=" + CLUSTER.publicKey);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                toAna.stream().anyMatch(p -> "curve-bot".equals(p.envelope().data().path("user").asText())));
        assertThat(ana.users()).contains("curve-bot");
    }

    @Test
    @Order(3)
    void aClientWhoseKeyIsNotOnTheListOrWithoutCurveGetsNoReply() {
        ChatClient stranger = cluster.client(ONE_TRY, keys(STRANGER));
        assertThatThrownBy(() -> stranger.login("mallory")).isInstanceOf(RequestFailedException.class)
                .hasMessageContaining("no reply");
        ChatClient plain = cluster.client(ONE_TRY, LocalCluster.zmq());
        assertThatThrownBy(() -> plain.login("mallory")).isInstanceOf(RequestFailedException.class)
                .hasMessageContaining("no reply");
        // a client that trusts another server key does not even finish its handshake
        ChatClient misled = cluster.client(ONE_TRY, LocalCluster.zmq()
                .withCurve(CurveSettings.on(ANA.secretKey, STRANGER.publicKey, List.of())));
        assertThatThrownBy(() -> misled.users()).isInstanceOf(RequestFailedException.class);

        assertThat(ana.users()).contains("ana").doesNotContain("mallory");
    }

    @Test
    @Order(4)
    void aSubscriberWhoseKeyIsNotOnTheListHearsNothing() {
        List<Publication> toStranger = new CopyOnWriteArrayList<>();
        List<Publication> toPlain = new CopyOnWriteArrayList<>();
        cluster.subscriber("sub-stranger", keys(STRANGER), toStranger::add).subscribe("secure");
        cluster.subscriber("sub-plain", LocalCluster.zmq(), toPlain::add).subscribe("secure");

        // 3 s of posts: far longer than an admitted subscription takes to reach the proxy
        for (int i = 0; i < 15; i++) {
            assertThat(ana.publish("ana", "secure", "secret " + i).isOk()).isTrue();
            sleep(200);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> texts(toAna).contains("secret 14"));
        assertThat(toStranger).isEmpty();
        assertThat(toPlain).isEmpty();
    }

    @Test
    @Order(5)
    void clusterLinksAdmitOnlyTheClusterKey() {
        try (ZContext context = new ZContext()) {
            try (LazyPirate asAna = new LazyPirate(context, cluster.refEndpoint(), "ref", cluster.codec(),
                    LocalCluster.clocks(), new MessageLog(false), keys(ANA))) {
                assertThatThrownBy(() -> asAna.request(Service.LIST.wireName(), new Requests.Empty(),
                        Duration.ofSeconds(2), 0)).isInstanceOf(RequestFailedException.class);
            }
            try (LazyPirate asCluster = new LazyPirate(context, cluster.refEndpoint(), "ref", cluster.codec(),
                    LocalCluster.clocks(), new MessageLog(false), keys(CLUSTER))) {
                Replies.ServerList list = cluster.codec().body(asCluster.request(Service.LIST.wireName(),
                        new Requests.Empty(), Duration.ofSeconds(3), 2), Replies.ServerList.class);
                assertThat(list.list()).extracting(Replies.ServerInfo::name)
                        .contains("server-1", "server-2", "server-3");
            }
        } catch (WireFormatException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Order(6)
    void refusalsAreCountedWhereTheyHappened() throws Exception {
        assertThat(denied(node("broker"))).isPositive();
        assertThat(denied(node("proxy"))).isPositive();
        assertThat(denied(node("ref"))).isPositive();
    }

    @Test
    @Order(7)
    void aListeningRoleWithoutTheClusterKeyPairDoesNotStart() throws Exception {
        NodeProcess broker = new NodeProcess("broker-misconfigured", "broker", FreePorts.next(), List.of(
                "--chat.broker.frontend=tcp://127.0.0.1:" + FreePorts.next(),
                "--chat.broker.backend=tcp://127.0.0.1:" + FreePorts.next(),
                "--chat.zmq.curve.enabled=true", "--chat.zmq.curve.secret-key=" + ANA.secretKey,
                "--chat.zmq.curve.server-key=" + CLUSTER.publicKey), cluster.workDir().resolve("logs")).start();
        try {
            assertThat(broker.awaitExit(Duration.ofSeconds(60))).isPositive();
            assertThat(broker.output()).contains("chat.zmq.curve.secret-key must be the cluster's");
        } finally {
            broker.kill();
        }
    }

    private static ZmqSettings keys(ZMQ.Curve.KeyPair pair) {
        return LocalCluster.zmq().withCurve(CurveSettings.on(pair.secretKey, CLUSTER.publicKey, List.of()));
    }

    private static NodeProcess node(String name) {
        return cluster.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    private static double denied(NodeProcess node) throws Exception {
        return node.metric("chat_zmq_auth_denied_total")
                .orElseThrow(() -> new AssertionError("chat_zmq_auth_denied_total on " + node.name()));
    }

    private static List<String> texts(List<Publication> publications) {
        return publications.stream().map(p -> p.envelope().data().path("message").asText()).toList();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
