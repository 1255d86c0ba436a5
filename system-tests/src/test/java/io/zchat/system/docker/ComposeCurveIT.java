package io.zchat.system.docker;

import io.zchat.shared.zmq.curve.CurveEnvFile;
import io.zchat.shared.zmq.curve.CurveKeys;
import io.zchat.system.support.NodeProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * deploy/compose.yml with CURVE on, as the README has a user turn it on: a fresh key file from
 * {@link CurveEnvFile} given to {@code docker compose --env-file}. The bots (whose key is on the
 * allow-list) write through every encrypted link until all three servers hold their entries, and a
 * client key that is not on the list is refused at the broker and counted there.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ComposeCurveIT {
    private static final String PROJECT = "zchat-curve";
    private static final Pattern CLUSTER_KEY = Pattern.compile("ZCHAT_CLUSTER_PUBLIC_KEY='([^']+)'");
    private static Path envFile;
    private static Compose compose;

    @BeforeAll
    static void keys() throws Exception {
        envFile = Files.createTempFile("zchat-curve", ".env");
        Files.writeString(envFile, CurveEnvFile.generate());
        compose = new Compose(PROJECT, envFile);
        compose.run(120, "down", "-v", "--remove-orphans");
    }

    @AfterAll
    static void wipe() throws Exception {
        if (compose != null) {
            compose.run(120, "down", "-v", "--remove-orphans");
        }
        Files.deleteIfExists(envFile);
    }

    @Test
    void botsWriteThroughEncryptedLinksAndAnUnlistedKeyIsRefused() throws Exception {
        compose.run(900, "up", "-d", "--build", "ref", "broker", "proxy", "server", "bot");
        List<String> containers = compose.awaitAllHealthy(8);
        String broker = Compose.of("broker", containers).get(0);
        assertThat(Docker.run(30, "docker", "logs", broker)).contains("(CURVE)");
        List<String> servers = Compose.of("server", containers);
        assertThat(servers).hasSize(3);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> servers.stream().allMatch(s -> Docker.commitSeq(s) >= 20));

        knockWithAnUnlistedKey(clusterKey());

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> deniedAt(broker) >= 1);
    }

    /** A DEALER with a fresh client key, so the handshake reaches the broker's ZAP handler. */
    private static void knockWithAnUnlistedKey(String clusterPublicKey) {
        ZMQ.Curve.KeyPair stranger = CurveKeys.generate();
        try (ZContext context = new ZContext()) {
            ZMQ.Socket socket = context.createSocket(SocketType.DEALER);
            socket.setLinger(0);
            socket.setCurveServerKey(ZMQ.Curve.z85Decode(clusterPublicKey));
            socket.setCurvePublicKey(ZMQ.Curve.z85Decode(stranger.publicKey));
            socket.setCurveSecretKey(ZMQ.Curve.z85Decode(stranger.secretKey));
            socket.connect("tcp://127.0.0.1:5555");
            socket.send(new byte[0], ZMQ.DONTWAIT);
            // the refusal is counted during the handshake; give it time before the context closes
            socket.setReceiveTimeOut(3000);
            assertThat(socket.recv()).as("a reply to an unlisted key").isNull();
        }
    }

    private static String clusterKey() throws Exception {
        Matcher matcher = CLUSTER_KEY.matcher(Files.readString(envFile));
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    private static double deniedAt(String container) throws Exception {
        String metrics = Docker.run(20, "docker", "exec", container, "curl", "-s",
                "http://localhost:8080/actuator/prometheus");
        return NodeProcess.sample(metrics, "chat_zmq_auth_denied_total").orElse(0);
    }
}
